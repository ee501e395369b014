"""The build cache: a warm build gives the cold build's portal byte for byte, whatever changed,
and a cache file that is corrupted, foreign, hostile or a link is never trusted."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

import generator
from generator import brief, cache, plan
from generator.build import BuildResult, build
from tests.conftest import DEMO_NOW, copy_demo
from tests.helpers import differing, site_digest

POST = "content/posts/calendrier-avent-boutiques.md"  # a scheduled post of the demo


pytestmark = pytest.mark.usefixtures("cache_on")  # conftest: signed with this test's secret


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_demo(tmp_path / "demo")
    assert (root / POST).is_file()
    return root


def built(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch, *, cached: bool) -> BuildResult:
    with monkeypatch.context() as m:
        if not cached:
            m.setenv("RELAIS_CACHE", "off")
        result = build(root, now_option=DEMO_NOW, out=out)
    assert result.ok, result.failure
    return result


def same_as_cold(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> BuildResult:
    """Build with the cache and without it: the two portals are the same, byte for byte."""
    cold = built(root, tmp_path / f"{name}-cold", monkeypatch, cached=False)
    warm = built(root, tmp_path / f"{name}-warm", monkeypatch, cached=True)
    assert differing(site_digest(cold.out), site_digest(warm.out)) == []
    return warm


def stored_pages(root: Path) -> dict[str, object]:
    """The entries of the page index in the cache folder."""
    data = (root / cache.FOLDER / "pages.json").read_bytes()
    pages = json.loads(data.split(b"\n", 2)[2])["pages"]
    assert isinstance(pages, dict)
    return pages


def blobs(root: Path) -> list[Path]:
    return sorted((root / cache.FOLDER / "blobs").iterdir())


def test_cold_warm_and_after_an_edit_the_portal_is_the_cold_one(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = same_as_cold(repo, tmp_path, monkeypatch, "first")
    hits, looked_up = first.cached_pages
    assert hits == 0 and looked_up > 30  # posts, archive months, profiles, calendar pages
    kept = len(stored_pages(repo))
    assert (
        looked_up - 3 <= kept <= looked_up
    )  # a page whose front matter JSON cannot hold: not kept
    from mkdocs.commands import build as mkdocs_build

    read_by_mkdocs: list[str] = []
    populate = mkdocs_build._populate_page

    def reading(page: object, *args: object, **kwargs: object) -> None:
        read_by_mkdocs.append(page.file.src_uri)  # type: ignore[attr-defined]
        populate(page, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mkdocs_build, "_populate_page", reading)
    cold = built(repo, tmp_path / "warm-cold", monkeypatch, cached=False)
    cold_reads, read_by_mkdocs[:] = len(read_by_mkdocs), []
    warm = built(repo, tmp_path / "warm-warm", monkeypatch, cached=True)
    assert differing(site_digest(cold.out), site_digest(warm.out)) == []
    assert warm.cached_pages == (kept, looked_up)
    # MkDocs read every page of the cold build, and none of those placed from the cache.
    assert len(read_by_mkdocs) == cold_reads - kept
    page = (warm.out / "posts" / "calendrier-avent-boutiques" / "index.html").read_text()
    assert "calendrier de l’Avent" in page  # a whole page, placed from the cache

    post = repo / POST
    post.write_text(
        re.sub(
            r"^title: .*$",
            "title: Un titre changé",
            post.read_text(encoding="utf-8"),
            count=1,
            flags=re.MULTILINE,
        ),
        encoding="utf-8",
    )
    edited = same_as_cold(repo, tmp_path, monkeypatch, "edited")
    hits, looked_up = edited.cached_pages
    # The post's page, and the pages that list it: home, month, archive, kits and the personal
    # pages whose 'Share now' holds its kit (8 on the demo), never the other ~80.
    assert 0 < looked_up - hits <= 10, (hits, looked_up)
    page = (edited.out / "posts" / "calendrier-avent-boutiques" / "index.html").read_text()
    assert "Un titre changé" in page


def test_briefs_come_from_the_cache(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELAIS_JOBS", "1")
    built(repo, tmp_path / "one", monkeypatch, cached=True)

    def refuse(text: str, url: str) -> str | None:
        raise AssertionError("a brief converted again although the cache holds it")

    monkeypatch.setattr(brief, "convert", refuse)
    same = built(repo, tmp_path / "two", monkeypatch, cached=True)
    assert differing(site_digest(tmp_path / "one"), site_digest(same.out)) == []


def test_a_changed_section_output_is_never_served_from_the_cache(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any section (a new one, or one changed by another engineer) whose pages change is built
    again: pages are keyed by their whole source, not by what a section says it depends on."""
    built(repo, tmp_path / "before", monkeypatch, cached=True)
    original = plan.render

    def changed(template: str, **values: object) -> str:
        return original(template, **values).replace("</article>", "</article>\n\n<p>changed</p>", 1)

    monkeypatch.setattr(plan, "render", changed)  # what the post pages are rendered with
    warm = same_as_cold(repo, tmp_path, monkeypatch, "changed")
    page = (warm.out / "posts" / "calendrier-avent-boutiques" / "index.html").read_text()
    assert "<p>changed</p>" in page
    hits, looked_up = warm.cached_pages
    assert looked_up - hits >= len(list((repo / "content" / "posts").glob("*.md"))) - 5


@pytest.mark.parametrize("change", ["version", "files", "settings", "theme"])
def test_an_upgrade_a_template_or_a_setting_makes_new_keys(
    change: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(repo, tmp_path / "before", monkeypatch, cached=True)
    if change == "version":  # a new release of Relais
        monkeypatch.setattr(generator, "__version__", generator.__version__ + ".post1")
    elif change == "files":  # a template, the theme or the code edited without a release
        digest = cache._files_digest()
        other = ("1" if digest[0] == "0" else "0") + digest[1:]  # never the digest itself
        monkeypatch.setattr(cache, "_files_digest", lambda: other)
    elif change == "settings":  # the site's settings: every page's frame changes
        config = repo / "site_config.yml"
        text = config.read_text(encoding="utf-8")
        assert "  name: Maison Exemple" in text
        config.write_text(text.replace("  name: Maison Exemple", "  name: Fournil Exemple", 1))
    else:  # Material's templates (a theme upgrade) or the extensions: part of the configuration
        from generator import publish

        original = publish.mkdocs_config

        def upgraded(*args: object, **kwargs: object) -> dict[str, object]:
            config = original(*args, **kwargs)  # type: ignore[arg-type]
            config["theme"]["features"].append("navigation.footer")
            return config

        monkeypatch.setattr(publish, "mkdocs_config", upgraded)
    warm = same_as_cold(repo, tmp_path, monkeypatch, change)
    assert warm.cached_pages[0] == 0


def test_the_files_digest_covers_templates_and_theme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = Path(generator.__file__).parent
    for name in ("templates/post.md.j2", "theme/main.html", "mkdocs_hooks.py"):
        assert (package / name).is_file()
        copy = tmp_path / "generator"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.setattr(cache, "__file__", str(copy / "cache.py"))
        cache._files_digest.cache_clear()
        before = cache._files_digest()
        with (copy / name).open("a") as handle:
            handle.write("\n")
        cache._files_digest.cache_clear()
        assert cache._files_digest() != before, name
    cache._files_digest.cache_clear()


# --- a cache nobody should trust ------------------------------------------------------------------


def warm_repo(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BuildResult:
    cold = built(repo, tmp_path / "cold", monkeypatch, cached=False)
    built(repo, tmp_path / "filled", monkeypatch, cached=True)
    assert blobs(repo)
    return cold


def assert_cold_portal(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cold: BuildResult, name: str
) -> BuildResult:
    result = built(repo, tmp_path / name, monkeypatch, cached=True)
    assert differing(site_digest(cold.out), site_digest(result.out)) == []
    assert "alert(" not in "".join(
        p.read_text(errors="replace") for p in result.out.rglob("*.html")
    )
    return result


HOSTILE = b"<!doctype html><script>alert(document.cookie)</script>"


def test_a_changed_stored_page_is_not_used(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = warm_repo(repo, tmp_path, monkeypatch)
    for blob in blobs(repo):
        os.chmod(blob, 0o644)
        blob.write_bytes(HOSTILE)  # same name, other bytes
    result = assert_cold_portal(repo, tmp_path, monkeypatch, cold, "altered")
    assert result.cached_pages[0] == 0
    again = assert_cold_portal(repo, tmp_path, monkeypatch, cold, "rebuilt")
    assert 0 < again.cached_pages[0] == len(stored_pages(repo))  # made again, and good


def forged_index(repo: Path, secret: bytes) -> None:
    """pages.json rewritten by someone: every page points to a stored hostile page whose name is
    its true SHA-256, signed with `secret`."""
    folder = repo / cache.FOLDER
    sha = hashlib.sha256(HOSTILE).hexdigest()
    (folder / "blobs" / sha).write_bytes(HOSTILE)
    data = (folder / "pages.json").read_bytes()
    body = json.loads(data.split(b"\n", 2)[2])
    for value in body["pages"].values():
        value[1], value[2] = sha, len(HOSTILE)
    cache._write_index(folder, "pages.json", secret, body)


def test_an_index_signed_elsewhere_or_unsigned_is_not_used(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a pull request could restore or commit into .relais/: entries that point to hostile
    HTML under its true digest. Without this machine's secret, they are ignored."""
    cold = warm_repo(repo, tmp_path, monkeypatch)
    forged_index(repo, hashlib.sha256(b"another machine's secret").digest())
    assert_cold_portal(repo, tmp_path, monkeypatch, cold, "foreign")
    forged_index(repo, b"")
    assert_cold_portal(repo, tmp_path, monkeypatch, cold, "unsigned")
    # The same forgery with the secret itself would be served: the secret is what guards it.
    own = cache.secret()
    assert own is not None
    forged_index(repo, own)
    served = built(repo, tmp_path / "own", monkeypatch, cached=True)
    assert (
        b"alert(document.cookie)"
        in (served.out / "posts" / "calendrier-avent-boutiques" / "index.html").read_bytes()
    )


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "not-json", "fifo", "huge"])
def test_a_damaged_index_is_ignored_and_rebuilt(
    damage: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = warm_repo(repo, tmp_path, monkeypatch)
    folder = repo / cache.FOLDER
    for name in ("pages.json", "briefs.json"):
        index = folder / name
        data = index.read_bytes()
        if damage == "truncated":
            index.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            index.write_bytes(os.urandom(4096))
        elif damage == "empty":
            index.write_bytes(b"")
        elif damage == "not-json":
            secret = cache.secret()
            assert secret is not None
            body = b"{not json"
            index.write_bytes(
                cache.FORMAT + b"\n" + cache._sign(secret, name, body).encode() + b"\n" + body
            )
        elif damage == "fifo":
            index.unlink()
            os.mkfifo(index)  # a read that would block forever
        else:
            monkeypatch.setattr(cache, "INDEX_LIMIT", 100)
    result = assert_cold_portal(repo, tmp_path, monkeypatch, cold, damage)
    assert result.cached_pages[0] == 0
    monkeypatch.setattr(cache, "INDEX_LIMIT", 512 * 1024 * 1024)
    again = assert_cold_portal(repo, tmp_path, monkeypatch, cold, damage + "-again")
    assert 0 < again.cached_pages[0] == len(stored_pages(repo))


@pytest.mark.parametrize("where", ["cache", "blobs", "index", "blob"])
def test_a_link_in_the_cache_is_never_followed(
    where: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = warm_repo(repo, tmp_path, monkeypatch)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("not Relais' file")
    folder = repo / cache.FOLDER
    if where == "cache":
        shutil.rmtree(folder)
        folder.symlink_to(victim, target_is_directory=True)
    elif where == "blobs":
        shutil.rmtree(folder / "blobs")
        (folder / "blobs").symlink_to(victim, target_is_directory=True)
    elif where == "index":
        (folder / "pages.json").unlink()
        (folder / "pages.json").symlink_to(victim / "keep.txt")
    else:
        for blob in blobs(repo):
            blob.unlink()
            blob.symlink_to(victim / "keep.txt")
    result = assert_cold_portal(repo, tmp_path, monkeypatch, cold, where)
    assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    assert (victim / "keep.txt").read_text() == "not Relais' file"
    if where in ("index", "blob"):
        assert result.cached_pages[0] == 0
        assert not (folder / "pages.json").is_symlink()  # replaced by a file, not written through


def test_the_cache_stays_within_its_bound_and_forgets_what_is_not_used(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = warm_repo(repo, tmp_path, monkeypatch)
    stored = blobs(repo)
    monkeypatch.setenv("RELAIS_CACHE_MB", "0")
    assert_cold_portal(repo, tmp_path, monkeypatch, cold, "bounded")
    assert blobs(repo) == []
    monkeypatch.delenv("RELAIS_CACHE_MB")
    built(repo, tmp_path / "refill", monkeypatch, cached=True)
    assert len(blobs(repo)) == len(stored)
    # A post's old page is kept a few builds (a branch switched back), then pruned.
    post = repo / POST
    original = post.read_text()
    post.write_text(original.replace("\ntitle:", "\ntitle: Ancien", 1), encoding="utf-8")
    built(repo, tmp_path / "old-title", monkeypatch, cached=True)
    post.write_text(original, encoding="utf-8")
    counts = []
    for n in range(cache.KEEP_BUILDS + 1):
        built(repo, tmp_path / f"later-{n}", monkeypatch, cached=True)
        counts.append(len(blobs(repo)))
    assert counts[0] > len(stored) and counts[-1] == len(stored)


def test_a_build_that_made_nothing_new_rewrites_no_index(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indexes hold thousands of briefs and pages: a build that found everything writes
    only the build's number; an entry used is marked again only every cache.REFRESH builds,
    and what a build adds is written (an edit makes a new page)."""
    folder = repo / cache.FOLDER

    def stamps() -> dict[str, int]:
        names = ("briefs.json", "pages.json", cache.GENERATION)
        return {name: (folder / name).stat().st_ino for name in names}

    built(repo, tmp_path / "filled", monkeypatch, cached=True)
    before = stamps()
    built(repo, tmp_path / "again", monkeypatch, cached=True)
    after = stamps()
    assert after["briefs.json"] == before["briefs.json"]
    assert after["pages.json"] == before["pages.json"]
    assert after[cache.GENERATION] != before[cache.GENERATION]  # builds are still counted
    post = repo / POST
    post.write_text(post.read_text().replace("\ntitle:", "\ntitle: Nouveau", 1), encoding="utf-8")
    built(repo, tmp_path / "edited", monkeypatch, cached=True)
    assert stamps()["pages.json"] != after["pages.json"]  # the edited post's new page


def test_without_a_secret_there_is_no_cache(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELAIS_CACHE_SECRET")
    (tmp_path / "user-cache").write_text("a file where the folder should be")
    assert cache.secret() is None
    result = same_as_cold(repo, tmp_path, monkeypatch, "no-secret")
    assert result.cached_pages == (0, 0)
    assert not (repo / cache.FOLDER / "pages.json").exists()


def test_the_secret_is_made_once_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELAIS_CACHE_SECRET")
    first = cache.secret()
    made = tmp_path / "user-cache" / "relais" / "cache-secret"
    assert first is not None and made.is_file()
    assert made.stat().st_mode & 0o077 == 0  # the user's alone
    assert cache.secret() == first


def planted_link(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An empty cache folder, a victim file, and a link to it planted where a page of the new
    site goes: (cache folder, victim, the page's place)."""
    store = tmp_path / "store"
    (store / "blobs").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("not Relais' file")
    site = tmp_path / "site" / "posts" / "p"
    site.mkdir(parents=True)
    target = site / "index.html"
    target.symlink_to(victim)
    return store, victim, target


def test_a_page_placed_from_the_cache_never_writes_through_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever stands at a page's place in the new site (a link to a victim file, a file) is
    replaced by the page, never written through, whether the page is linked or copied there."""
    store, victim, target = planted_link(tmp_path)
    page = b"<html>la page</html>"
    sha = hashlib.sha256(page).hexdigest()
    (store / "blobs" / sha).write_bytes(page)
    c = cache.Cache(store, b"k" * 32)
    assert c.place_page(sha, str(target))
    assert victim.read_text() == "not Relais' file"
    assert not target.is_symlink() and target.read_bytes() == page
    # The same where hard links are refused (another file system): the bytes are copied.
    target.unlink()
    target.symlink_to(victim)

    def no_link(*args: object, **kwargs: object) -> None:
        raise OSError("cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    assert c.place_page(sha, str(target))
    assert victim.read_text() == "not Relais' file"
    assert not target.is_symlink() and target.read_bytes() == page


def test_a_page_kept_and_written_by_the_cache_never_writes_through_a_link(
    tmp_path: Path,
) -> None:
    """A page MkDocs made is written into the new site by the cache (keep_page with a target):
    whatever stands there (a link to a victim file) is replaced, never written through, and
    the stored copy is the page's bytes, a second name of the page written."""
    store, victim, target = planted_link(tmp_path)
    page = b"<html>la page</html>"
    c = cache.Cache(store, b"k" * 32)
    c.keep_page("entry", page, {"title": "P"}, str(target))
    assert victim.read_text() == "not Relais' file"
    assert not target.is_symlink() and target.read_bytes() == page
    found = c.page("entry")
    assert found is not None and found[0] == hashlib.sha256(page).hexdigest()
    blob = store / "blobs" / found[0]
    assert blob.read_bytes() == page and blob.stat().st_ino == target.stat().st_ino


def test_an_index_holding_what_orjson_refuses_is_still_read(tmp_path: Path) -> None:
    """Indexes are read with orjson; a value it refuses and the standard json writes (NaN from
    a YAML `.nan`, an integer past 64 bits) is read by json instead, not taken for damage."""
    import math

    key = b"k" * 32
    cache._write_index(tmp_path, "i.json", key, {"plain": ["é", 1, 2.5]})
    assert cache._read_index(tmp_path, "i.json", key) == {"plain": ["é", 1, 2.5]}
    cache._write_index(tmp_path, "j.json", key, {"nan": float("nan"), "big": 2**70})
    read = cache._read_index(tmp_path, "j.json", key)
    assert math.isnan(read["nan"]) and read["big"] == 2**70
    (tmp_path / "j.json").write_bytes((tmp_path / "j.json").read_bytes()[:-3])  # cut short
    assert cache._read_index(tmp_path, "j.json", key) == {}
