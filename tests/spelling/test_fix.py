"""`relais check --fix`: typography fixed in place, every other byte and the YAML kept."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.load import load
from generator.source import parse_yaml, split_front_matter
from generator.spelling.fix import apply, plan
from generator.spelling.typography import NBSP, NNBSP

NOW = "2026-12-01T08:00"
SITE = """site:
  name: Test
  url: https://example.org/
  language: fr
networks:
  linkedin: {}
  x: {}
"""

POST = (
    "---\n"
    "# a comment : with a colon !\n"
    "title: Bonjour ! Le pain est là\n"
    "date: 2026-12-03T09:30\n"
    "networks: [linkedin, x]\n"
    "messages:\n"
    "  linkedin: |-\n"
    "    Au programme : pain, brioche et acceuil des clients !\n"
    "\n"
    "    L'équipe d’ici vous attend.\n"
    "  x: 'L''atelier d’hiver : venez'\n"
    'image_alt: "Une photo   : le fournil"\n'
    "---\n"
    "**Objectif** : annoncer.\n"
    "\n"
    "Citation «pain» et fin !\n"
)


def repo(tmp_path: Path, post: str = POST, newline: str = "\n", bom: bool = False) -> Path:
    (tmp_path / "site_config.yml").write_text(SITE, encoding="utf-8")
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    raw = ("\ufeff" if bom else "") + post.replace("\n", newline)
    (posts / "p.md").write_bytes(raw.encode("utf-8"))
    return tmp_path


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--now", NOW, *args])
    return result.exit_code, result.stdout, result.stderr


def front_and_body(text: str) -> tuple[object, str]:
    fm = split_front_matter(text, "p.md")
    assert fm.yaml_text is not None
    return parse_yaml(fm.yaml_text, "p.md", 1).data, fm.body


def test_fix_changes_spaces_and_apostrophes_only(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, _, err = run(root, "--fix")
    assert code == 0
    assert "typography problems in 1 file." in err
    after = (root / "content/posts/p.md").read_text(encoding="utf-8")
    assert after == (
        "---\n"
        "# a comment : with a colon !\n"
        f"title: Bonjour{NNBSP}! Le pain est là\n"
        "date: 2026-12-03T09:30\n"
        "networks: [linkedin, x]\n"
        "messages:\n"
        "  linkedin: |-\n"
        f"    Au programme{NBSP}: pain, brioche et acceuil des clients{NNBSP}!\n"
        "\n"
        "    L’équipe d’ici vous attend.\n"
        f"  x: 'L’atelier d’hiver{NBSP}: venez'\n"
        f'image_alt: "Une photo{NBSP}: le fournil"\n'
        "---\n"
        f"**Objectif**{NBSP}: annoncer.\n"
        "\n"
        f"Citation «{NBSP}pain{NBSP}» et fin{NNBSP}!\n"
    )
    before_data, _ = front_and_body(POST)
    after_data, _ = front_and_body(after)
    assert isinstance(before_data, dict) and isinstance(after_data, dict)
    assert list(before_data) == list(after_data)  # same keys, same order
    assert before_data["date"] == after_data["date"]
    assert before_data["networks"] == after_data["networks"]
    # Spelling is never touched; what is left is the misspelt word.
    code, out, _ = run(root, "--format", "json")
    left = [(d["code"], d["message"]) for d in json.loads(out) if d["code"] != "alt-without-image"]
    assert left == [
        ("spelling", "'acceuil' is not in the French dictionary (messages.linkedin)")
    ], left


def test_fix_keeps_line_endings_and_byte_order_mark(tmp_path: Path) -> None:
    root = repo(tmp_path, newline="\r\n", bom=True)
    run(root, "--fix")
    raw = (root / "content/posts/p.md").read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert raw.count(b"\r\n") == POST.count("\n") and b"\n" not in raw.replace(b"\r\n", b"")
    (tmp_path / "lf").mkdir()
    reference = repo(tmp_path / "lf")
    run(reference, "--fix")
    fixed_lf = (reference / "content/posts/p.md").read_text(encoding="utf-8")
    assert raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n") == fixed_lf


def test_a_space_made_by_folding_is_not_fixed_and_the_yaml_stays_valid(tmp_path: Path) -> None:
    post = (
        "---\ntitle: Titre\ndate: 2026-12-03T09:30\nnetworks: [linkedin]\nmessages:\n"
        "  linkedin: Une phrase qui finit au bout de la ligne\n    ! Et la suite.\n---\n"
    )
    root = repo(tmp_path, post)
    _code, _, err = run(root, "--fix")
    assert "Fixed" not in err
    assert (root / "content/posts/p.md").read_text(encoding="utf-8") == post
    _, out, _ = run(root, "--format", "json")
    assert [d["code"] for d in json.loads(out)] == ["french-spacing"]


def test_yaml_files_are_fixed_in_place_with_comments_and_anchors_kept(tmp_path: Path) -> None:
    root = repo(tmp_path, "---\ntitle: T\ndate: 2026-12-03T09:30\nnetworks: [x]\n---\n")
    campaigns = (
        "# Nos campagnes : hiver !\n"
        "- id: hiver\n"
        "  title: Hiver\n"
        "  start: 2026-11-20\n"
        "  end: 2027-01-10\n"
        "  goal: &but >-\n"
        "    Vendre plus ; et\n"
        "    mieux !\n"
        "  description: *but\n"
    )
    (root / "calendar").mkdir()
    (root / "calendar/campaigns.yml").write_text(campaigns, encoding="utf-8")
    run(root, "--fix")
    after = (root / "calendar/campaigns.yml").read_text(encoding="utf-8")
    assert after == campaigns.replace("plus ;", f"plus{NNBSP};").replace(
        "mieux !", f"mieux{NNBSP}!"
    )
    loaded = load(root)
    assert loaded.project is not None
    assert loaded.project.campaigns[0].description == f"Vendre plus{NNBSP}; et mieux{NNBSP}!"


def test_a_file_changed_since_the_check_is_left_alone(tmp_path: Path) -> None:
    root = repo(tmp_path)
    loaded = load(root)
    assert loaded.project is not None
    plans = plan(loaded.project)
    edited = POST.replace("Bonjour !", "Bonsoir !")
    (root / "content/posts/p.md").write_text(edited, encoding="utf-8")
    report = apply(root, plans)
    assert report.fixed == {}
    assert report.refused == {"content/posts/p.md": "the file changed since it was checked"}
    assert (root / "content/posts/p.md").read_text(encoding="utf-8") == edited


def test_fix_with_changed_fixes_only_the_changed_files(tmp_path: Path) -> None:
    import subprocess

    root = repo(tmp_path)
    other = root / "content/posts/autre.md"
    other.write_text(POST, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    (root / "content/posts/p.md").write_text(POST + "\nEncore !\n", encoding="utf-8")
    run(root, "--fix", "--changed", "HEAD")
    assert f"Encore{NNBSP}!" in (root / "content/posts/p.md").read_text(encoding="utf-8")
    assert other.read_text(encoding="utf-8") == POST
