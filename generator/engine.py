"""The engine's seam: the one module that calls MkDocs (or a successor) and finds its theme.

Relais hands the engine a staged mkdocs.yml (publish.write_staging) and, built in memory,
the pages themselves; the engine builds the portal or serves a preview. Besides this
module, only the hooks the engine loads itself (mkdocs_hooks.py) import it
(tests/test_imports.py). `RELAIS_ENGINE` selects a row of ENGINES; each row is a runner
(the package whose `build` runs) and a theme (the package whose templates and icons the
portal uses). See docs/contributor/engines.md for what each candidate builds and costs.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import os
import posixpath
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .site import Site

ENGINE_VARIABLE = "RELAIS_ENGINE"


@dataclass(frozen=True)
class Engine:
    """A runner and a theme that build the same portal from the same staged mkdocs.yml."""

    name: str  # the value of RELAIS_ENGINE
    runner: str  # the Python package with `commands.build`, `config`, `exceptions`
    theme: str  # the theme's name in mkdocs.yml
    theme_package: str  # the Python package holding the theme's templates and icons
    theme_distribution: str  # the PyPI package that installs it
    extra: str  # the extra of pyproject.toml that installs it ("" when always installed)
    # MaterialX's search indexes the built pages with Pagefind (WebAssembly, which the portal's
    # CSP refuses) unless told to keep Material's lunr index, where Relais writes its entries.
    lunr_provider: bool = False

    def search_plugin(self, language: str) -> dict[str, Any]:
        """The theme's search plugin in mkdocs.yml, in `language`."""
        if self.lunr_provider:
            return {"search": {"provider": "lunr", "lunr": {"lang": language}}}
        return {"search": {"lang": language}}


ENGINES = {
    engine.name: engine
    for engine in (
        Engine(
            "mkdocs",
            runner="mkdocs",
            theme="material",
            theme_package="material",
            theme_distribution="mkdocs-material",
            extra="",
        ),
        # ProperDocs, a maintained MkDocs 1.x: its importer answers every `mkdocs.*` import
        # (Material's plugins, our hooks) with its own modules.
        Engine(
            "properdocs",
            runner="properdocs",
            theme="material",
            theme_package="material",
            theme_distribution="mkdocs-material",
            extra="properdocs",
        ),
        # MaterialX, a maintained Material for MkDocs, under its own theme name but in
        # Material's package folder (`material`): installed over mkdocs-material.
        Engine(
            "materialx",
            runner="mkdocs",
            theme="materialx",
            theme_package="material",
            theme_distribution="mkdocs-materialx",
            extra="materialx",
            lunr_provider=True,
        ),
        # MaterialX on ProperDocs: where MaterialX is heading.
        Engine(
            "properdocs-materialx",
            runner="properdocs",
            theme="materialx",
            theme_package="material",
            theme_distribution="mkdocs-materialx",
            extra="materialx",
            lunr_provider=True,
        ),
    )
}
DEFAULT = "mkdocs"


class EngineError(Exception):
    """The engine could not build; the message is one paragraph for the user."""


def named() -> Engine:
    """The engine RELAIS_ENGINE names, not checked (MkDocs with Material when unset or unknown)."""
    return ENGINES.get(os.environ.get(ENGINE_VARIABLE, "").strip(), ENGINES[DEFAULT])


def selected() -> Engine:
    """The engine named by RELAIS_ENGINE (MkDocs with Material when unset); EngineError if it
    is unknown or not installed."""
    name = os.environ.get(ENGINE_VARIABLE, "").strip() or DEFAULT
    engine = ENGINES.get(name)
    if engine is None:
        raise EngineError(
            f"unknown engine {name!r} in {ENGINE_VARIABLE}; choose one of {', '.join(ENGINES)}"
        )
    missing = [
        package
        for package in (engine.runner, f"{engine.theme_package}.templates")
        if _spec(package) is None
    ]
    if missing:
        raise EngineError(
            f"the engine {name!r} ({ENGINE_VARIABLE}) is not installed (no {missing[0]}); "
            f"install it with `pip install 'relais[{engine.extra}]'`"
        )
    _check_theme_files(engine)
    return engine


def _check_theme_files(engine: Engine) -> None:
    """mkdocs-material and mkdocs-materialx install the same package folder (`material`): the
    files there must be the selected theme's, whichever was installed last."""
    from importlib import metadata

    try:
        wanted = metadata.version(engine.theme_distribution)
    except metadata.PackageNotFoundError:
        wanted = ""
    package = importlib.import_module(engine.theme_package)
    found = str(getattr(package, "__version__", ""))
    if not wanted or (found and found != wanted):
        raise EngineError(
            f"the engine {engine.name!r} needs {engine.theme_distribution}"
            + (f" {wanted}" if wanted else "")
            + f", but the package {engine.theme_package!r} holds the files of version {found}: "
            "mkdocs-material and mkdocs-materialx install the same folder; reinstall the one "
            f"you build with (`pip install --force-reinstall --no-deps {engine.theme_distribution}`)"
        )


def _spec(package: str) -> Any:
    try:
        return importlib.util.find_spec(package)
    except ImportError:  # a parent package missing
        return None


@lru_cache(maxsize=4)
def _icons(theme_package: str) -> Path:
    spec = _spec(theme_package)
    if spec is None or not spec.submodule_search_locations:
        raise EngineError(f"the theme package {theme_package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / ".icons"


def icons() -> Path:
    """The folder of the selected theme's bundled SVG icons (`.icons/<family>/...`); Material's
    when the selected engine is unknown or missing (the build then says so, see `selected`)."""
    engine = named()
    if _spec(f"{engine.theme_package}.templates") is None:
        engine = ENGINES[DEFAULT]
    return _icons(engine.theme_package)


def _runner(engine: Engine, module: str) -> Any:
    """`<runner>.<module>`; ProperDocs' importer is installed first, so that the theme's
    and the hooks' `mkdocs.*` imports get ProperDocs' modules too."""
    if engine.runner == "properdocs":
        mkdocs = sys.modules.get("mkdocs")
        if mkdocs is not None and getattr(mkdocs, "__name__", "") != "properdocs":
            raise EngineError(
                "MkDocs itself was imported before ProperDocs in this process: run the "
                "properdocs engine in a process of its own"
            )
        importlib.import_module("properdocs.replacement")
    return importlib.import_module(f"{engine.runner}.{module}")


# The sites being built in this process, by their mkdocs.yml: the hooks (mkdocs_hooks.on_files)
# give the engine their pages and files from memory instead of a docs folder on disk.
_IN_MEMORY: dict[str, Site] = {}


def in_memory(config_file: str | Path | None) -> Site | None:
    """The site whose pages the engine takes from memory for this mkdocs.yml, if any."""
    return _IN_MEMORY.get(str(Path(config_file).resolve())) if config_file else None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _one_paragraph(message: str) -> str:
    """One line of a message; MkDocs appends a traceback to some: keep its first line and the error."""
    lines = [line for line in message.splitlines() if line.strip()]
    if len(lines) > 1:
        error_line = next((line for line in reversed(lines) if not line[:1].isspace()), lines[-1])
        lines = [lines[0]] if error_line == lines[0] else [lines[0], error_line]
    return " ".join(line.strip() for line in lines)


def _template_location(exc: BaseException) -> str:
    """'main.html, line 3' when the error comes from a theme template, else ''."""
    import traceback

    from jinja2 import TemplateSyntaxError

    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return f"{Path(exc.filename).name}, line {exc.lineno}"
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.endswith((".html", ".xml", ".j2"))
    ]
    return f"{Path(frames[-1].filename).name}, line {frames[-1].lineno}" if frames else ""


def build(
    config_file: Path,
    *,
    strict: bool = False,
    dirty: bool = False,
    source_date_epoch: int | None = None,
    site: Site | None = None,
) -> list[str]:
    """Run the selected engine's real `build` in this process; returns its warnings.

    `source_date_epoch` (Relais' `now`) dates the sitemap, so that a build is reproducible.
    With `site`, the engine takes its pages and files from memory (see publish.write_staging).
    Raises EngineError."""
    engine = selected()
    key = str(Path(config_file).resolve())
    if site is not None:
        _IN_MEMORY[key] = site
    try:
        return _build(
            engine, config_file, strict=strict, dirty=dirty, source_date_epoch=source_date_epoch
        )
    finally:
        _IN_MEMORY.pop(key, None)


def _build(
    engine: Engine,
    config_file: Path,
    *,
    strict: bool,
    dirty: bool,
    source_date_epoch: int | None,
) -> list[str]:
    # The banner is about MkDocs' future, not this build.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    build_module = _runner(engine, "commands.build")
    load_config = _runner(engine, "config").load_config
    engine_exception = _runner(engine, "exceptions").MkDocsException
    logger = logging.getLogger(engine.runner)
    collect = _Collect()
    logger.addHandler(collect)
    previous = logger.level
    logger.setLevel(logging.WARNING)
    previous_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if source_date_epoch is not None:
        # MkDocs writes it into sitemap.xml.gz, whose header holds an unsigned 32-bit time:
        # a `now` before 1970 or after 2106 (Relais accepts 1900-2199) raised in gzip.
        os.environ["SOURCE_DATE_EPOCH"] = str(min(max(source_date_epoch, 0), 2**32 - 1))
    try:
        config = load_config(config_file=str(config_file), strict=strict)
        build_module.build(config, dirty=dirty)
    except engine_exception as exc:
        causes = " ".join(
            _one_paragraph(m) for m in collect.messages if m.strip()
        ) or _one_paragraph(str(exc))
        raise EngineError(f"MkDocs failed: {causes}") from None
    except Exception as exc:  # whatever breaks inside MkDocs, the user gets one paragraph
        if os.environ.get("RELAIS_DEBUG"):
            raise
        # A broken theme override or extension setting: show the cause and where, not a traceback.
        where = _template_location(exc)
        detail = (
            f"{type(exc).__name__}{f' in {where}' if where else ''}: {_one_paragraph(str(exc))}"
        )
        raise EngineError(
            f"MkDocs failed while building the portal ({detail}). "
            "This usually comes from a theme override or a Markdown extension setting; "
            "run `relais build` again after fixing it"
        ) from None
    finally:
        if source_date_epoch is not None:
            if previous_epoch is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous_epoch
        logger.removeHandler(collect)
        logger.setLevel(previous)
    return collect.messages


def serve(
    first: Callable[[], Path | None],
    *,
    dev_addr: str,
    site_dir: Path,
    previous: Path | None = None,
    mount_path: str = "/",
    on_fresh: Callable[[str], None] = lambda mount: None,
    guard: AbstractContextManager[Any] | None = None,
    sooner: Callable[[], Sooner | None] | None = None,
) -> bool:
    """Serve a preview with the selected engine's live-reload server, until interrupted.

    The server answers at once: from `previous` (the last preview's finished site) while
    `first()` stages the portal and the engine builds it into `site_dir`. Without `previous`,
    `sooner()` may give the first pages to build alone (see Sooner): they are served as soon
    as they are built, and a request for any other file waits for the whole build; without
    them, every request waits for it. The browser then switches to the fresh site (live reload),
    and `on_fresh(mount_path)` is told that `site_dir` is complete. After that, each
    `request_rebuild()` makes a dirty rebuild of `site_dir`, and `request_rebuild(pages)` may
    redo just those pages (see _quick_rebuild), holding `guard` meanwhile. Returns False when
    `first()` gives None (content errors: nothing to serve). Raises EngineError."""
    engine = selected()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    build_module = _runner(engine, "commands.build")
    load_config = _runner(engine, "config").load_config
    engine_exception = _runner(engine, "exceptions").MkDocsException
    livereload = _runner(engine, "livereload")
    pages_module = _runner(engine, "structure.pages")
    host, _, port_text = dev_addr.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        port = int(port_text)
    except ValueError:
        raise EngineError(f"the address {dev_addr!r} has no port (write it as HOST:PORT)") from None
    state: dict[str, Any] = {}
    kept: dict[str, Any] = {}  # the last good build's config, files, navigation and templates
    plugins = _runner(engine, "plugins")
    keeper = _keeper(plugins.BasePlugin, kept)

    def get_config(config_file: Path, folder: Path = site_dir, plugin: Any = keeper) -> Any:
        config = load_config(config_file=str(config_file), site_dir=str(folder))
        mount = urlsplit(config.site_url or "/").path
        config.site_url = livereload._serve_url(host, port, mount)
        state["mount"] = livereload._normalize_mount_path(mount)
        config.plugins["relais-preview"] = plugin
        return config

    def builder(config: Any = None) -> None:
        started = time.perf_counter()
        pages = server.take_pages()
        if config is None and pages:
            with guard or contextlib.nullcontext():
                done = _quick_rebuild(build_module, pages_module, kept, pages)
            if done:
                sys.stderr.write(
                    f"relais: {', '.join(sorted(pages))} rebuilt in "
                    f"{time.perf_counter() - started:.2f} s\n"
                )
                return
        config = config or get_config(state["config_file"])
        build_module.build(config, serve_url=config.site_url, dirty=True)
        sys.stderr.write(f"relais: built in {time.perf_counter() - started:.2f} s\n")

    server = _preview_server(
        livereload.LiveReloadServer,
        builder=builder,
        host=host,
        port=port,
        root=str(previous or site_dir),
        mount_path=mount_path,
        held=previous is None,
    )

    def error_page(code: int) -> bytes | None:
        if code in (404, 500):
            page = Path(server.root) / f"{code}.html"
            if page.is_file():
                return page.read_bytes()
        return None

    server.error_handler = error_page
    try:
        server.server_bind()
        server.server_activate()
    except OSError as exc:
        raise EngineError(f"MkDocs could not serve the portal on {dev_addr}: {exc}") from None
    _SERVERS.append(server)
    if previous is not None:
        server.serve_thread.start()
    config = None
    try:
        if previous is None and sooner is not None:
            early = sooner()
            if early is not None and _build_first(early, get_config, build_module, plugins):
                server.show(str(early.site_dir), state["mount"], partial=True)
                server.serve_thread.start()
        # Without a previous site, the server answers once this stage is built: it listens
        # already (a browser waits, it is not refused), and no thread runs yet, so that the
        # stage may check in a second process (jobs.beside).
        config_file = first()
        if config_file is None:
            return False
        if not server.serve_thread.is_alive():
            server.serve_thread.start()
        state["config_file"] = config_file
        try:
            config = get_config(config_file)
            config.plugins.on_startup(command="serve", dirty=True)
            builder(config)
        except engine_exception as exc:
            raise EngineError(f"MkDocs could not serve the portal: {exc}") from None
        server.show(str(site_dir), state["mount"])
        on_fresh(state["mount"])
        server._build_loop()  # until Ctrl+C (KeyboardInterrupt, for the caller)
        return True
    finally:
        _SERVERS.remove(server)
        server.shutdown()
        if config is not None:
            config.plugins.on_shutdown()


# The preview server of this process, while `serve` runs (request_rebuild finds it here).
_SERVERS: list[Any] = []


def request_rebuild(pages: set[str] | None = None) -> None:
    """Ask the running preview for a rebuild: Relais wrote into its staged docs (only these
    `pages`, docs paths, when given)."""
    for server in _SERVERS:
        server.request_rebuild(pages)


def _keeper(base: Any, kept: dict[str, Any]) -> Any:
    """A plugin that keeps what a finished build made, for _quick_rebuild."""

    class Keeper(base):  # type: ignore[misc]
        def on_pre_build(self, config: Any) -> None:
            kept.clear()

        def on_files(self, files: Any, config: Any) -> Any:
            kept["files"] = files
            return files

        def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
            kept["nav"] = nav
            return nav

        def on_env(self, env: Any, config: Any, files: Any) -> Any:
            kept["env"] = env
            return env

        def on_post_build(self, config: Any) -> None:
            kept["config"] = config

        def on_build_error(self, error: Exception) -> None:
            kept.clear()

    return Keeper()


@dataclass(frozen=True)
class Sooner:
    """The first pages of a preview without a last site, built alone: `site` (planned with
    the posts' pages left empty, plan(posts=False)) built from memory with `config_file`
    into `site_dir`, a folder of its own, `pages` alone rendered (the pages of the
    navigation are read too, since every page shows them)."""

    config_file: Path
    site: Site
    site_dir: Path
    pages: frozenset[str]


def _nav_paths(nav: Any) -> set[str]:
    """The docs paths a navigation (as in mkdocs.yml) names."""
    if isinstance(nav, list):
        return set().union(*(_nav_paths(item) for item in nav))
    if isinstance(nav, dict):
        return set().union(*(_nav_paths(target) for target in nav.values()))
    return {nav} if isinstance(nav, str) else set()


def _unchanged() -> bool:
    return False


def _build_first(
    early: Sooner, get_config: Callable[[Path, Path, Any], Any], build_module: Any, plugins: Any
) -> bool:
    """Build `early.pages` alone, with the theme's assets, into `early.site_dir`, from the
    same configuration as the whole build (the same pages, the same address): MkDocs' own
    dirty build, told that every other page is unchanged (so it neither reads nor renders
    it). False when that fails: the whole build then says why."""
    read = early.pages | _nav_paths(early.site.nav)

    class First(plugins.BasePlugin):  # type: ignore[misc]
        def on_files(self, files: Any, config: Any) -> Any:
            for file in files.documentation_pages():
                if file.src_uri not in read:
                    file.is_modified = _unchanged
            return files

        def on_env(self, env: Any, config: Any, files: Any) -> Any:
            for file in files.documentation_pages():
                if file.src_uri not in early.pages:
                    file.is_modified = _unchanged  # read (the navigation), not rendered
            return env

    started = time.perf_counter()
    key = str(Path(early.config_file).resolve())
    _IN_MEMORY[key] = early.site
    config = None
    try:
        config = get_config(early.config_file, early.site_dir, First())
        config.plugins.on_startup(command="serve", dirty=True)
        build_module.build(config, serve_url=config.site_url, dirty=True)
    except Exception as exc:  # noqa: BLE001 - the whole build that follows says what is wrong
        sys.stderr.write(f"relais: the first page waits for the whole portal ({exc})\n")
        return False
    finally:
        _IN_MEMORY.pop(key, None)
        if config is not None:
            config.plugins.on_shutdown()
    # Its search index holds these pages only: a search waits for the whole portal's.
    for name in ("search/search_index.json",):
        (early.site_dir / name).unlink(missing_ok=True)
    sys.stderr.write(
        f"relais: {', '.join(sorted(early.pages))} built in {time.perf_counter() - started:.2f} s"
        "; the rest of the portal follows\n"
    )
    return True


def _quick_rebuild(
    build_module: Any, pages_module: Any, kept: dict[str, Any], pages: set[str]
) -> bool:
    """Render just `pages` (docs paths) again, with the last build's configuration, files,
    navigation and templates; False when that would not be what a rebuild makes.

    A dirty rebuild at 2,000 posts takes about a second before it renders the one page an
    edit changed: it reads the configuration, walks the docs and the theme's thousands of
    files and makes the navigation of every page again. A page outside the navigation (a
    post) depends on none of that changing: its own source, the site's configuration and the
    navigation (unchanged by the quick step, serve.Preview.stage_posts) make its HTML. The
    full stage that follows rebuilds everything else."""
    config, files, nav, env = (kept.get(k) for k in ("config", "files", "nav", "env"))
    if config is None or files is None or nav is None or env is None:
        return False
    in_nav = {id(page) for page in nav.pages}
    chosen = []
    for path in pages:
        file = files.get_file_from_path(path)
        old = file.page if file is not None else None
        if old is None or id(old) in in_nav or old.is_homepage or old.parent is not None:
            return False
        chosen.append(file)
    doc_files = files.documentation_pages()
    try:
        for file in chosen:
            # A new page: nothing of the last build's (its HTML, what the hooks noted) is kept.
            page = pages_module.Page(None, file, config)
            build_module._populate_page(page, config, files)
            build_module._build_page(file.page, config, doc_files, nav, env)
    except Exception:  # noqa: BLE001 - the full rebuild says what is wrong
        kept.clear()
        return False
    return True


def show_banner(html: str) -> None:
    """Put `html` at the top of every page the running preview sends ("": none); open pages
    reload to show it (at once, or when the rebuild under way ends)."""
    for server in _SERVERS:
        server.show_banner(html)


def _preview_server(base: Any, *, held: bool, **kwargs: Any) -> Any:
    """MkDocs' live-reload server, driven by Relais: it rebuilds when Relais says it wrote
    (no polling of thousands of staged files every half second, and no wait after it), and
    it switches from the previous preview's site to the fresh one in one step."""

    class Server(base):  # type: ignore[misc]
        _visible_epoch: int  # MkDocs' own (set in its __init__)
        _wanted_epoch: int
        _want_rebuild: bool

        def __init__(self) -> None:
            super().__init__(**kwargs)
            # MkDocs injects its live-reload script only when it watches a path; Relais
            # watches the content itself and calls request_rebuild.
            self._watched_paths["(relais)"] = 1
            self.build_delay = 0.0  # Relais' writes are done when it asks
            self.banner = b""
            self._request = threading.local()
            self._pages: set[str] | None = set()
            self.partial = False  # only some pages are built yet (show)
            if held:  # nothing to show yet: requests wait for the first build
                self._wanted_epoch = self._visible_epoch + 1

        def request_rebuild(self, pages: set[str] | None) -> None:
            with self._rebuild_cond:
                # One request for the whole site makes the next rebuild whole.
                self._pages = None if pages is None or self._pages is None else self._pages | pages
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        def take_pages(self) -> set[str] | None:
            """The pages asked since the last rebuild, when only pages were (else None)."""
            with self._rebuild_cond:
                pages, self._pages = self._pages, set()
            return pages or None

        def show_banner(self, html: str) -> None:
            data = html.encode("utf-8")
            with self._epoch_cond:
                if data == self.banner:
                    return
                self.banner = data
                if self._visible_epoch == self._wanted_epoch:  # not while a build runs
                    self._visible_epoch = self._wanted_epoch = livereload_timestamp()
                    self._epoch_cond.notify_all()

        def _serve_request(self, environ: Any, start_response: Any) -> Any:
            self._wait_if_not_built(environ)
            # What this request may read: a page of the root it began with carries that
            # root's epoch, so that a page read from the last preview's site just as the fresh
            # one replaced it reloads at once (see show) instead of staying on screen.
            self._request.root, self._request.epoch = self.root, self._visible_epoch
            return super()._serve_request(environ, start_response)

        def _wait_if_not_built(self, environ: Any) -> None:
            """While the first pages alone are served, a request for any other file waits for
            the whole portal: never a 404 for a page that is merely not built yet."""
            if not self.partial:
                return
            path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
            if path.startswith("/livereload/") or not (path + "/").startswith(self.mount_path):
                return
            rel = path[len(self.mount_path) :] + ("index.html" if path.endswith("/") else "")
            rel = posixpath.normpath("/" + rel).lstrip("/")

            def there() -> bool:
                if not self.partial:
                    return True
                found = os.path.join(self.root, rel)
                return os.path.isfile(found) or os.path.isfile(os.path.join(found, "index.html"))

            with self._epoch_cond:
                self._epoch_cond.wait_for(there)

        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            if getattr(self._request, "root", self.root) != self.root:
                epoch = self._request.epoch
            if self.banner:
                # First in the page's content, where Material's template put Relais' own.
                at = content.find(b">", content.find(_CONTENT_CLASS)) + 1
                if at <= 0 or _CONTENT_CLASS not in content:
                    at = content.find(b">", content.find(b"<body")) + 1
                content = content[:at] + self.banner + content[at:]
            return bytes(super()._inject_js_into_html(content, epoch))

        def show(self, root: str, mount_path: str, *, partial: bool = False) -> None:
            """Serve `root` from now on (a request reads the root once); browsers reload.
            `partial`: it holds only some pages (see _wait_if_not_built)."""
            with self._epoch_cond:
                self.root, self.mount_path = os.path.abspath(root), mount_path
                self.partial = partial
                self._visible_epoch = self._wanted_epoch = max(
                    self._wanted_epoch, livereload_timestamp()
                )
                self._epoch_cond.notify_all()

    return Server()


_CONTENT_CLASS = b'class="md-content__inner md-typeset"'


def livereload_timestamp() -> int:
    """An epoch for MkDocs' live reload (its clock: milliseconds of time.monotonic)."""
    return round(time.monotonic() * 1000)


def plugin_error(message: str) -> Exception:
    """The exception a hook raises to stop a build with `message` (no traceback)."""
    runner = sys.modules.get("mkdocs") or sys.modules.get("properdocs")
    name = getattr(runner, "__name__", "") or selected().runner
    error: type[Exception] = importlib.import_module(f"{name}.exceptions").PluginError
    return error(message)
