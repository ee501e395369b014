"""`relais check --format github`: GitHub Actions workflow commands, read back as the runner reads them.

The syntax is `::error file=F,line=L,col=C,title=T::message`. In the message, `%`, CR and
LF are escaped as %25, %0D and %0A; in a property, `:` and `,` are escaped too (%3A,
%2C), since they separate properties (the rules of @actions/core's escapeData and
escapeProperty).
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.diagnostics import Diagnostic, Severity, error, format_github, warning
from tests.conftest import DEMO_NOW

COMMAND = re.compile(r"^::(?P<kind>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def unescape(text: str) -> str:
    """How the runner decodes a value (the reverse of escapeData / escapeProperty)."""
    return re.sub(
        r"%(25|0D|0A|3A|2C)",
        lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m[1]],
        text,
    )


def parse(line: str) -> tuple[str, dict[str, str], str]:
    m = COMMAND.match(line)
    assert m, f"not a workflow command: {line!r}"
    props = {}
    for pair in (m["props"] or "").split(","):
        key, sep, value = pair.partition("=")
        assert sep and key in {"file", "line", "endLine", "col", "endColumn", "title"}, pair
        # A raw ':' in a property would end the property list early; ',' would split a value.
        assert ":" not in value and "," not in value
        props[key] = unescape(value)
    assert "\n" not in m["message"] and "\r" not in m["message"]
    return m["kind"], props, unescape(m["message"])


def test_one_command_per_diagnostic_then_the_summary() -> None:
    diags = [
        error(
            "content/posts/a.md",
            4,
            "unknown-network",
            "networks: unknown network 'linkdin'",
            "did you mean 'linkedin'?",
        ),
        warning("calendar/key-dates.yml", 12, "min-gap", "posts 2 h apart", column=3),
        Diagnostic(Severity.NOTICE, "site_config.yml", 1, "info", "a note"),
    ]
    lines = format_github(diags).splitlines()
    assert len(lines) == 4 and lines[-1] == "1 error, 1 warning"
    assert lines[0] == (
        "::error file=content/posts/a.md,line=4,title=relais unknown-network::"
        "networks: unknown network 'linkdin'%0Adid you mean 'linkedin'?"
    )
    assert parse(lines[0]) == (
        "error",
        {"file": "content/posts/a.md", "line": "4", "title": "relais unknown-network"},
        "networks: unknown network 'linkdin'\ndid you mean 'linkedin'?",
    )
    assert parse(lines[1]) == (
        "warning",
        {"file": "calendar/key-dates.yml", "line": "12", "col": "3", "title": "relais min-gap"},
        "posts 2 h apart",
    )
    assert parse(lines[2])[0] == "notice"


def test_escapes_round_trip() -> None:
    nasty = error(
        "content/posts/a,b:c%d.md",
        0,
        "weird-code",
        "100% sûr\r\nligne 2: a, b\n::error::injected",
        "indice : 50%",
    )
    line = format_github([nasty]).splitlines()[0]
    _, props, message = parse(line)
    assert props["file"] == "content/posts/a,b:c%d.md"
    assert props["line"] == "1"  # GitHub lines start at 1: a whole-file problem goes on line 1
    assert message == "100% sûr\r\nligne 2: a, b\n::error::injected\nindice : 50%"
    assert line.count("\n") == 0 and "%0A::error::injected" in line


def test_cli_output_is_only_commands_and_summary(make_repo, tmp_path: Path) -> None:
    root = make_repo(
        {
            "content/posts/a.md": "---\ntitle: T\ndate: 2026-12-03T09:30\nnetworks: [linkdin]\nowner: claire\n---\n",
            "calendar/slots.yml": "- network: linkedin\n  days: [mon]\n  time: 9h\n",
        }
    )
    result = CliRunner().invoke(
        cli, ["check", "--root", str(root), "--now", DEMO_NOW, "--format", "github"]
    )
    assert result.exit_code == 1
    *commands, last = result.stdout.splitlines()
    assert last == "3 errors, 0 warnings"
    parsed = [parse(line) for line in commands]
    assert [(k, p["file"], p["line"]) for k, p, _ in parsed] == [
        ("error", "calendar/slots.yml", "3"),
        ("error", "content/posts/a.md", "4"),
        ("error", "content/posts/a.md", "5"),
    ]
    assert all(p["title"].startswith("relais ") for _, p, _ in parsed)
