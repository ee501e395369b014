"""Where `mkdocs build` spends its time on a Relais portal: per Markdown extension, per stage.

Builds the synthetic repository once with `RELAIS_STAGING=disk relais build` (to get the
staged docs and mkdocs.yml), then, in this process:

- converts every staged page with Python-Markdown, without extensions and with each of
  the portal's extensions alone, as MkDocs would (after the raw-block hook);
- runs `mkdocs build` with timers around Markdown, the template, the search plugin and
  the rest, with the Relais hooks and without them.

    python bench/costs.py [--posts 2000] [--work /tmp/relais-bench]
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import NOW_OPTION, Sizes, generate
from bench.run import environment


def staged(work: Path, posts: int) -> Path:
    """The staged mkdocs.yml of a synthetic repository of `posts` posts (built once)."""
    root = work / f"n{posts}" / "relais"
    if not (root / "site_config.yml").exists():
        generate(work / f"n{posts}", Sizes(posts=posts))
    config = root / ".relais" / "staging" / "mkdocs.yml"
    docs = root / ".relais" / "staging" / "docs"
    if not config.exists() or not docs.is_dir() or not any(docs.iterdir()):
        # The pages written out (RELAIS_STAGING=disk), where `mkdocs build` can read them alone.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "build",
                "--now",
                NOW_OPTION,
                "--out",
                str(work / f"n{posts}" / "relais-site"),
            ],
            cwd=root,
            env={**environment(), "RELAIS_STAGING": "disk"},
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return config


def extension_costs(config_file: Path) -> list[tuple[str, float]]:
    """Microseconds per page of each extension alone (minus plain Markdown), and of all."""
    import markdown
    import yaml
    from mkdocs.utils import meta

    from generator.mkdocs_hooks import lift_raw_blocks

    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    docs = Path(config["docs_dir"])
    bodies = [
        lift_raw_blocks(meta.get_data(p.read_text(encoding="utf-8"))[0])[0]
        for p in sorted(docs.rglob("*.md"))
    ]
    names, settings = [], {}
    for ext in config["markdown_extensions"]:
        name = ext if isinstance(ext, str) else next(iter(ext))
        names.append(name)
        if isinstance(ext, dict):
            settings[name] = ext[name]

    def per_page(extensions: list[str]) -> float:
        best = []
        for _ in range(3):
            started = time.process_time()
            for body in bodies:
                # A new converter per page, as MkDocs does.
                markdown.Markdown(extensions=extensions, extension_configs=settings).convert(body)
            best.append((time.process_time() - started) / len(bodies) * 1e6)
        return min(best)

    # What each extension adds to the others: all of them, minus all but that one.
    everything = per_page(names)
    rows = [("Python-Markdown alone (no extension)", per_page([]))]
    rows += [(name, everything - per_page([n for n in names if n != name])) for name in names]
    rows.append(("all of them (what MkDocs runs)", everything))
    return rows


def build_costs(config_file: Path, hooks: bool) -> dict[str, Any]:
    """One in-process `mkdocs build`, with timers around its parts."""
    import markdown.core
    from material.plugins.search import plugin as search
    from mkdocs.commands import build as mkbuild
    from mkdocs.config import load_config

    spent: collections.Counter[str] = collections.Counter()
    pages: collections.Counter[str] = collections.Counter()
    patched: list[tuple[Any, str, Any]] = []

    def timed(owner: Any, name: str, key: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[key] += time.process_time() - started

        patched.append((owner, name, original))
        setattr(owner, name, wrapper)

    timed(markdown.core.Markdown, "convert", "Markdown conversion")
    timed(markdown.core.Markdown, "__init__", "Markdown set-up (a converter per page)")
    timed(search.SearchPlugin, "on_page_context", "search plugin, per page")
    timed(search.SearchPlugin, "on_post_build", "search plugin, index written")
    original_build_page = mkbuild._build_page

    def build_page(page: Any, *args: Any, **kwargs: Any) -> Any:
        pages[page.file.src_uri.split("/")[0]] += 1
        started = time.process_time()
        try:
            return original_build_page(page, *args, **kwargs)
        finally:
            spent["template, search and writing (per page)"] += time.process_time() - started

    mkbuild._build_page = build_page
    site_dir = config_file.parent / ("costs-site" if hooks else "costs-site-plain")
    shutil.rmtree(site_dir, ignore_errors=True)
    try:
        overrides: dict[str, Any] = {} if hooks else {"hooks": []}
        config = load_config(config_file=str(config_file), site_dir=str(site_dir), **overrides)
        started = time.process_time()
        mkbuild.build(config)
        total = time.process_time() - started
    finally:
        mkbuild._build_page = original_build_page
        for owner, name, original in patched:
            setattr(owner, name, original)
        shutil.rmtree(site_dir, ignore_errors=True)
    spent["template and writing"] = (
        spent.pop("template, search and writing (per page)") - spent["search plugin, per page"]
    )
    spent["the rest (files, navigation, theme assets, sitemap)"] = total - sum(spent.values())
    return {"total": total, "pages": sum(pages.values()), "parts": dict(spent)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/relais-bench"))
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config_file = staged(args.work.resolve(), args.posts)
    print(
        f"Markdown extensions, CPU microseconds per page ({args.posts:,} posts; what each adds to the "
        "others, best of 3; raw blocks already lifted by the hook; ±30 µs is noise):\n"
    )
    print("| extension | µs per page |\n|---|---:|")
    for name, micros in extension_costs(config_file):
        print(f"| {name} | {max(micros, 0):.0f} |")
    results = {hooks: build_costs(config_file, hooks) for hooks in (False, True)}
    n = results[True]["pages"]
    print(f"\n`mkdocs build` of the portal ({n:,} pages), CPU milliseconds per page:\n")
    print("| part | without Relais' hooks | with them |\n|---|---:|---:|")
    keys = list(dict.fromkeys([*results[False]["parts"], *results[True]["parts"]]))
    for key in keys:
        print(
            f"| {key} | {results[False]['parts'].get(key, 0) / n * 1000:.2f} | "
            f"{results[True]['parts'].get(key, 0) / n * 1000:.2f} |"
        )
    print(
        f"| **total** | **{results[False]['total'] / n * 1000:.2f}** | **{results[True]['total'] / n * 1000:.2f}** |"
    )
    print(
        f"\nWhole `mkdocs build`: {results[False]['total']:.1f} s without the hooks, "
        f"{results[True]['total']:.1f} s with them (CPU)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
