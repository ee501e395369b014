"""Cross-file checks: networks, references, media."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.check import check
from generator.load import load
from tests.helpers import post_text

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))


def codes(root: Path) -> list[tuple[str, int, str, str]]:
    loaded = load(root)
    assert loaded.project is not None, loaded.diagnostics
    return [
        (d.file, d.line, d.code, d.hint) for d in check(loaded.project, NOW) + loaded.diagnostics
    ]


def test_unknown_and_disabled_networks(make_repo) -> None:
    root = make_repo(
        {
            "content/posts/a.md": "---\ntitle: T\ndate: 2026-12-03T09:30\nnetworks: [linkdin, facebook]\n---\n",
        }
    )
    found = codes(root)
    assert ("content/posts/a.md", 4, "unknown-network", "did you mean 'linkedin'?") in found
    assert any(c[2] == "network-not-enabled" and "facebook" in c[3] for c in found)


def test_unknown_network_in_site_config(make_repo) -> None:
    root = make_repo(config="site:\n  name: T\n  url: https://e.org/\nnetworks:\n  linkdin: {}\n")
    assert codes(root) == [("site_config.yml", 5, "unknown-network", "did you mean 'linkedin'?")]


def test_references_with_suggestions(make_repo) -> None:
    root = make_repo(
        {
            "content/posts/a.md": post_text(
                "T", owner="claire-martn", campaign="hiver", key_date="noel", body=""
            ),
            "ambassadors/claire-martin.yml": "name: Claire\n",
            "calendar/campaigns.yml": "- id: hiver-2026\n  title: H\n  start: 2026-11-01\n  end: 2026-12-31\n",
        }
    )
    found = {c[2]: c for c in codes(root)}
    assert found["unknown-owner"][:2] == ("content/posts/a.md", 5)
    assert found["unknown-owner"][3] == "did you mean 'claire-martin'?"
    assert found["unknown-campaign"][1] == 6
    assert found["unknown-key-date"][1] == 7


def test_message_for_a_network_the_post_does_not_target(make_repo) -> None:
    root = make_repo({"content/posts/a.md": post_text("T", messages={"x": "hello"}, body="")})
    assert [c[:3] for c in codes(root)] == [("content/posts/a.md", 6, "message-network")]


def test_media_missing_outside_and_alt(make_repo, tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"png")
    root = make_repo(
        {
            "content/posts/a.md": post_text(
                "T", image="media/nope.png", image_alt="Un pain", body=""
            ),
            "content/posts/b.md": post_text("T", image="../../secret.png", image_alt="x", body=""),
            "content/posts/c.md": post_text("T", image="media/ok.png", body=""),
            "content/posts/d.md": post_text("T", image="media/link.png", image_alt="lien", body=""),
            "content/media/ok.png": b"png",
        }
    )
    (root / "content/media/link.png").symlink_to(outside)
    found = [c[:3] for c in codes(root)]
    assert ("content/posts/a.md", 5, "image-missing") in found
    assert ("content/posts/b.md", 5, "image-outside") in found
    assert ("content/posts/c.md", 5, "alt-missing") in found
    assert ("content/posts/d.md", 5, "image-outside") in found


def test_severity_overrides(make_repo) -> None:
    root = make_repo(
        {"content/posts/a.md": post_text("T", messages={"x": "hello"}, body="")},
        config="site:\n  name: T\n  url: https://e.org/\nnetworks:\n  linkedin: {}\n"
        "rules:\n  severity:\n    message-network: warning\n",
    )
    loaded = load(root)
    [d] = check(loaded.project, NOW)
    assert d.severity.value == "warning"
