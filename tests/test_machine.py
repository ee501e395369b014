"""The build machine is never touched outside the repository and the output folder.

A pull request can commit symbolic links where Relais writes: the output folder, its work
folder `.relais/` (lock, staging, watch cache), the leftovers of killed builds, the post that
`relais new post` creates, the schemas, a digest. Each case below commits such a link to a
"victim" folder outside the repository, runs the real command, and checks that the command
refuses with a message naming the link (no traceback) and that the victim is exactly as it
was: same files, same bytes, same modification times, nothing added beside it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import cli

BASE = Path(__file__).parent / "corpus/_base"
NOW = "2026-12-01T08:00"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every entry under `folder` (and beside it), with its bytes and modification time."""
    found: dict[str, tuple[bytes, int]] = {}
    for path in sorted(folder.parent.rglob("*")):
        if path.is_relative_to(folder.parent / "repo"):
            continue
        st = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        found[path.relative_to(folder.parent).as_posix()] = (data, st.st_mtime_ns)
    return found


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder outside the repository, with files a build must never touch."""
    folder = tmp_path / "victim"
    (folder / "sub").mkdir(parents=True)
    (folder / "keep.txt").write_text("precious\n", encoding="utf-8")
    (folder / "sub" / "deep.txt").write_text("precious too\n", encoding="utf-8")
    (folder / "build.lock").write_text("not a lock\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text("not ours\n", encoding="utf-8")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    return root


Setup = Callable[[Path, Path], None]

# name: how the repository links to the victim (root, victim), what the message names.
BUILD_CASES: dict[str, tuple[Setup, str]] = {
    "site": (lambda r, v: (r / "site").symlink_to(v, target_is_directory=True), "site is"),
    "state-folder": (
        lambda r, v: (r / ".relais").symlink_to(v, target_is_directory=True),
        ".relais is",
    ),
    "lock-file": (
        lambda r, v: (
            (r / ".relais").mkdir(),
            (r / ".relais/build.lock").symlink_to(v / "build.lock"),
        ),
        ".relais/build.lock is",
    ),
    "staging": (
        lambda r, v: ((r / ".relais").mkdir(), (r / ".relais/staging").symlink_to(v)),
        ".relais/staging",
    ),
    "staging-config": (
        lambda r, v: (
            (r / ".relais/staging").mkdir(parents=True),
            (r / ".relais/staging/mkdocs.yml").symlink_to(v / "mkdocs.yml"),
        ),
        ".relais/staging/mkdocs.yml",
    ),
    "staging-docs": (
        lambda r, v: (
            (r / ".relais/staging").mkdir(parents=True),
            (r / ".relais/staging/docs").symlink_to(v, target_is_directory=True),
        ),
        ".relais/staging/docs",
    ),
    "staging-page": (
        lambda r, v: (
            (r / ".relais/staging/docs").mkdir(parents=True),
            (r / ".relais/staging/docs/index.md").symlink_to(v / "keep.txt"),
        ),
        ".relais/staging/docs/index.md",
    ),
}


@pytest.mark.parametrize("staging", ["memory", "disk"])
@pytest.mark.parametrize("case", BUILD_CASES)
def test_a_committed_link_where_the_build_writes_is_refused(
    repo: Path, victim: Path, case: str, staging: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if staging == "disk":
        monkeypatch.setenv("RELAIS_STAGING", "disk")
    setup, named = BUILD_CASES[case]
    setup(repo, victim)
    before = snapshot(victim)
    result = CliRunner().invoke(cli, ["build", "--root", str(repo), "--now", NOW])
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert named in result.output and "symbolic link" in result.output, result.output
    assert snapshot(victim) == before


def test_an_output_folder_given_as_a_link_is_refused(
    repo: Path, victim: Path, tmp_path: Path
) -> None:
    link = tmp_path / "published"
    link.symlink_to(victim, target_is_directory=True)
    before = snapshot(victim)
    result = build(repo, now_option=NOW, out=link)
    assert not result.ok and "published is a symbolic link" in result.failure
    assert snapshot(victim) == before


def test_an_output_folder_inside_a_linked_folder_of_the_repository_is_refused(
    repo: Path, victim: Path
) -> None:
    (repo / "public").symlink_to(victim, target_is_directory=True)
    before = snapshot(victim)
    result = build(repo, now_option=NOW, out=repo / "public" / "site")
    assert not result.ok and "public is a symbolic link" in result.failure
    assert snapshot(victim) == before


def test_an_output_path_that_is_a_file_is_refused(repo: Path) -> None:
    (repo / "site").write_text("a file\n", encoding="utf-8")
    result = build(repo, now_option=NOW)
    assert not result.ok and "site" in result.failure and "not a folder" in result.failure
    assert (repo / "site").read_text(encoding="utf-8") == "a file\n"


@pytest.mark.parametrize("kind", ["tmp", "old"])
def test_leftovers_that_are_links_are_removed_never_followed(
    repo: Path, victim: Path, kind: str
) -> None:
    """`.site.tmp-*` and `.site.old-*` are cleaned (an old one is even moved into place when
    the site is missing): committed as links, they are removed as links."""
    (repo / f".site.{kind}-12345").symlink_to(victim, target_is_directory=True)
    before = snapshot(victim)
    result = build(repo, now_option=NOW)
    assert result.ok, result.failure
    assert snapshot(victim) == before
    assert (repo / "site").is_dir() and not (repo / "site").is_symlink()
    assert (repo / "site/index.html").is_file()
    assert not (repo / f".site.{kind}-12345").is_symlink()


def test_a_good_build_still_builds_and_rebuilds(repo: Path) -> None:
    """The same checks let an ordinary repository build twice (the lock and staging reused)."""
    assert build(repo, now_option=NOW).ok
    again = build(repo, now_option=NOW)
    assert again.ok, again.failure
    assert (repo / "site/index.html").is_file()


# --- the other commands that write --------------------------------------------------------------


def test_new_post_never_writes_through_a_link(repo: Path, victim: Path) -> None:
    (repo / "content/posts/un-nouveau-post.md").symlink_to(victim / "created.md")  # dangling
    before = snapshot(victim)
    result = CliRunner().invoke(
        cli, ["new", "post", "Un nouveau post", "--root", str(repo), "--now", NOW]
    )
    assert result.exit_code != 0 and "exists" in result.output, result.output
    assert snapshot(victim) == before and not (victim / "created.md").exists()


def test_new_post_refuses_a_linked_posts_folder(repo: Path, victim: Path) -> None:
    shutil.rmtree(repo / "content/posts")
    (repo / "content/posts").symlink_to(victim, target_is_directory=True)
    before = snapshot(victim)
    result = CliRunner().invoke(
        cli, ["new", "post", "Un nouveau post", "--root", str(repo), "--now", NOW]
    )
    assert result.exit_code != 0 and "content/posts is a symbolic link" in result.output
    assert snapshot(victim) == before


def test_schema_never_writes_through_a_link(repo: Path, victim: Path) -> None:
    out = repo / "schemas"
    out.mkdir()
    (out / "post.json").symlink_to(victim / "keep.txt")
    before = snapshot(victim)
    result = CliRunner().invoke(cli, ["schema", "--out", str(out)])
    assert result.exit_code != 0 and "post.json is a symbolic link" in result.output
    assert snapshot(victim) == before


def test_the_watch_cache_never_writes_through_a_link(repo: Path, victim: Path) -> None:
    from generator.load import load_site_config
    from generator.safefs import UnsafePath
    from generator.watch.cache import CacheState, write_cache

    (repo / ".relais").mkdir()
    (repo / ".relais/watch").symlink_to(victim, target_is_directory=True)
    config, _ = load_site_config(repo)
    assert config is not None
    before = snapshot(victim)
    with pytest.raises(UnsafePath, match=r"\.relais/watch is a symbolic link"):
        write_cache(repo, config.watch, CacheState())
    assert snapshot(victim) == before


def test_serve_keeps_its_compiled_templates_out_of_the_repository(repo: Path) -> None:
    """A template cache in the repository could be committed, and Jinja runs what it loads."""
    from generator.clock import parse_now
    from generator.load import load
    from generator.plan import plan
    from generator.publish import write_staging

    project = load(repo).project
    assert project is not None
    now = parse_now(NOW, "Europe/Paris")
    site = plan(project, now).with_later(project, now)
    staging = repo / ".relais/serve"
    config = write_staging(site, staging, staging / "site", serving=True)
    cache = Path(__import__("yaml").safe_load(config.read_text())["extra"]["relais"]["jinja_cache"])
    assert not cache.resolve().is_relative_to(repo.resolve())
    assert os.stat(cache).st_uid == os.getuid() and not (os.stat(cache).st_mode & 0o077)


def test_watch_export_never_writes_through_a_link(repo: Path, victim: Path) -> None:
    (repo / "veille.opml").symlink_to(victim / "keep.txt")
    before = snapshot(victim)
    result = CliRunner().invoke(
        cli, ["watch", "export", "--root", str(repo), "--output", str(repo / "veille.opml")]
    )
    assert result.exit_code != 0 and "symbolic link" in result.output, result.output
    assert snapshot(victim) == before


def test_stats_fetch_never_writes_through_a_linked_folder(repo: Path, victim: Path) -> None:
    from generator.load import load
    from generator.safefs import UnsafePath
    from generator.stats.fetch import fetch

    config = repo / "site_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("networks:\n", "networks:\n  mastodon: {}\n"),
        encoding="utf-8",
    )
    (repo / "content/posts/compte.md").write_text(
        "---\ntitle: Compté\ndate: 2026-11-23T11:00\nnetworks: [mastodon]\nstatus: published\n"
        "published:\n  mastodon: https://mastodon.example/@maison/103270115826048975\n---\n",
        encoding="utf-8",
    )
    loaded = load(repo)
    assert loaded.project is not None, loaded.diagnostics
    (repo / "stats").mkdir()
    (repo / "stats/fetched").symlink_to(victim, target_is_directory=True)
    before = snapshot(victim)
    with pytest.raises(UnsafePath, match="stats/fetched is a symbolic link"):
        fetch(repo, loaded.project)  # refused before any request is made
    assert snapshot(victim) == before


def test_the_stats_report_never_writes_through_a_link(repo: Path, victim: Path) -> None:
    (repo / "rapports").mkdir()
    (repo / "rapports/report-2026-11.md").symlink_to(victim / "keep.txt")
    before = snapshot(victim)
    result = CliRunner().invoke(
        cli,
        [
            "stats",
            "report",
            "--root",
            str(repo),
            "--now",
            NOW,
            "--month",
            "2026-11",
            "--out",
            str(repo / "rapports"),
        ],
    )
    assert result.exit_code != 0 and "symbolic link" in result.output, result.output
    assert snapshot(victim) == before


# `stats.folder` names the folder every check and build reads, and `relais stats fetch` writes.
@pytest.mark.parametrize(
    "folder", ["/", "VICTIM", "../victim", "stats/../../victim", ".relais/stats", "C:/stats"]
)
def test_a_stats_folder_outside_the_repository_is_refused(
    repo: Path, victim: Path, folder: str
) -> None:
    shutil.copy(Path(__file__).parent / "stats/samples/ga4-traffic-acquisition.csv", victim)
    folder = folder.replace("VICTIM", str(victim))
    config = repo / "site_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + f"stats:\n  folder: '{folder}'\n", encoding="utf-8"
    )
    before = snapshot(victim)
    for command in (["check"], ["build"]):
        result = CliRunner().invoke(cli, [*command, "--root", str(repo), "--now", NOW])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert f"stats.folder: '{folder}' is not a folder inside the repository" in result.output
        assert "ga4" not in result.output, result.output  # nothing of the victim was read
    assert snapshot(victim) == before


def test_a_stats_folder_that_links_out_of_the_repository_is_never_read(
    repo: Path, victim: Path
) -> None:
    shutil.copy(Path(__file__).parent / "stats/samples/ga4-traffic-acquisition.csv", victim)
    (repo / "stats").symlink_to(victim, target_is_directory=True)
    before = snapshot(victim)
    result = CliRunner().invoke(cli, ["build", "--root", str(repo), "--now", NOW])
    assert result.exit_code == 1, result.output
    assert "stats:1: error: the statistics folder leads out of the repository" in result.output
    assert "ga4" not in result.output and not (repo / "site").exists()
    assert snapshot(victim) == before
