"""The CLI contract: formats, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import DEMO_NOW
from tests.helpers import post_text, write_post


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_demo_checks_clean(demo_repo: Path) -> None:
    code, out = run("check", "--root", str(demo_repo), "--now", DEMO_NOW)
    assert code == 0, out
    assert out.splitlines()[-1].startswith("0 errors")
    assert "error:" not in out


def test_planted_mistakes_in_json(demo_repo: Path) -> None:
    write_post(
        demo_repo,
        "planted",
        "Planted",
        date="2026-12-10T09:00",
        networks=["linkdin"],
        campaign="nope",
        body="",
    )
    (demo_repo / "calendar/slots.yml").write_text(
        "- network: linkedin\n  days: [mon]\n  time: 9h\n"
    )
    code, out = run("check", "--root", str(demo_repo), "--now", DEMO_NOW, "--format", "json")
    assert code == 1
    found = {(d["file"], d["line"], d["code"]) for d in json.loads(out)}
    assert ("content/posts/planted.md", 4, "unknown-network") in found
    assert ("content/posts/planted.md", 5, "unknown-campaign") in found
    assert ("calendar/slots.yml", 3, "invalid-time") in found
    first = json.loads(out)[0]
    assert set(first) == {"severity", "file", "line", "column", "code", "message", "hint"}


def test_github_format(make_repo) -> None:
    root = make_repo({"content/posts/a.md": post_text("T", networks=["linkdin"], body="")})
    code, out = run("check", "--root", str(root), "--now", DEMO_NOW, "--format", "github")
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=content/posts/a.md,line=4,title=relais unknown-network::networks%3A unknown network 'linkdin'"
        "%0Adid you mean 'linkedin'?"
    ) or out.splitlines()[0].startswith("::error file=content/posts/a.md,line=4,")


def test_usage_errors_exit_2(make_repo) -> None:
    root = make_repo()
    assert run("check", "--root", str(root), "--format", "xml")[0] == 2
    assert run("check", "--root", str(root), "--now", "demain")[0] == 2
    assert run("nope")[0] == 2


def test_a_bad_now_is_a_usage_error_in_every_command(make_repo, monkeypatch) -> None:
    """The stages read --now (clock.parse_now, below the CLI); the CLI still says exit 2."""
    root = make_repo()
    for args in (["build"], ["digest"], ["new", "post", "Titre"]):
        code, out = run(*args, "--root", str(root), "--now", "demain")
        assert code == 2, (args, out)
        assert "'demain' is not a date-time like 2026-12-01T08:00" in out, out
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "hier")
    code, out = run("check", "--root", str(root))
    assert code == 2 and "SOURCE_DATE_EPOCH='hier' is not a number of seconds" in out
    assert not (root / "site").exists()


def test_new_post_is_accepted_by_check(make_repo) -> None:
    root = make_repo()
    code, out = run(
        "new",
        "post",
        "--root",
        str(root),
        "Fête des Lumières : l'édition 2027 !",
        "--date",
        "2026-12-08T18:00",
        "--networks",
        "linkedin,x",
    )
    assert code == 0, out
    path = root / "content/posts/fete-des-lumieres-ledition-2027.md"
    assert path.is_file()
    text = path.read_text()
    assert "date: 2026-12-08T18:00" in text and "networks: [linkedin, x]" in text
    assert run("check", "--root", str(root), "--now", DEMO_NOW)[0] == 0
    code, out = run("new", "post", "--root", str(root), "Fête des Lumières : l'édition 2027 !")
    assert code == 1 and "already exists" in out


def test_new_post_rejects_unknown_network(make_repo) -> None:
    root = make_repo()
    code, out = run("new", "post", "--root", str(root), "Titre", "--networks", "myspace")
    assert code == 1
    assert "myspace" in out and "linkedin" in out
