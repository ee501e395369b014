"""`relais check --changed [REV]`: the changed files' diagnostics first; and the pull-request summary."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner

from generator.changed import changes_since, md, order_by_changed
from generator.cli import cli
from generator.diagnostics import error, warning
from tests.ci.ci_tools import BROKEN_POST, commit, env_with_venv, git, init_repo
from tests.conftest import DEMO_NOW


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--now", DEMO_NOW, *args])
    return result.exit_code, result.stdout, result.stderr


def test_changed_files_come_first(git_demo) -> None:
    root = git_demo()
    base = git(root, "rev-parse", "HEAD").strip()
    # An old problem, committed: it is not part of the change under review.
    (root / "calendar/slots.yml").write_text(
        "- network: linkedin\n  days: [mon]\n  time: 9h\n", encoding="utf-8"
    )
    commit(root, "old mistake")
    (root / "content/posts/nouvelle-boutique.md").write_text(
        BROKEN_POST, encoding="utf-8"
    )  # untracked

    code, out, err = run(root, "--format", "json", "--changed")
    files = [d["file"] for d in json.loads(out)]
    assert code == 1
    assert files[0] == "content/posts/nouvelle-boutique.md"
    assert "calendar/slots.yml" in files[1:]
    assert err.strip() == ""  # the note is for the text format only

    code, out, err = run(root, "--changed", base)
    lines = out.splitlines()
    assert lines[0].startswith("calendar/slots.yml:") or lines[0].startswith(
        "content/posts/nouvelle-boutique.md:"
    )
    changed_first = [
        line.split(":")[0] for line in lines if not line.startswith(" ") and ":" in line
    ][:2]
    assert set(changed_first) == {"calendar/slots.yml", "content/posts/nouvelle-boutique.md"}
    assert err.strip().startswith(
        f"note: 2 files changed since {base}; 2 diagnostics in them listed first"
    )


def test_relais_work_folder_is_never_a_change(git_demo) -> None:
    """`relais check` and `relais build` write .relais/ (build cache, memos, watch cache): in a
    repository whose .gitignore does not name it, it still is not part of the change."""
    root = git_demo()
    base = git(root, "rev-parse", "HEAD").strip()
    run(root)  # fills .relais/cache/ with the check's memos
    (root / ".relais" / "cache" / "stray.json").write_text("{}", encoding="utf-8")
    (root / "content/posts/nouvelle-boutique.md").write_text(BROKEN_POST, encoding="utf-8")
    assert list((root / ".relais" / "cache").glob("memo-*.json"))
    assert list(changes_since(root, base).files) == ["content/posts/nouvelle-boutique.md"]


def test_without_changed_the_order_is_by_file(git_demo) -> None:
    root = git_demo()
    (root / "content/posts/nouvelle-boutique.md").write_text(BROKEN_POST, encoding="utf-8")
    (root / "calendar/slots.yml").write_text(
        "- network: linkedin\n  days: [mon]\n  time: 9h\n", encoding="utf-8"
    )
    commit(root, "both")
    _, out, _ = run(root, "--format", "json")
    files = [d["file"] for d in json.loads(out)]
    assert files == sorted(files)


def test_changed_in_a_subfolder_and_with_accents(tmp_path: Path) -> None:
    """The content root may be a folder of the Git repository; file names keep their accents."""
    from tests.conftest import copy_demo

    repo = tmp_path / "monorepo"
    copy_demo(repo / "portail")
    (repo / "README.md").write_text("x\n", encoding="utf-8")
    init_repo(repo)
    (repo / "README.md").write_text("changed outside the content\n", encoding="utf-8")
    post = repo / "portail/content/posts/fête.md"
    post.write_text(BROKEN_POST, encoding="utf-8")
    changes = changes_since(repo / "portail", "HEAD")
    assert changes.ok and changes.status == {"content/posts/fête.md": "A"}


def test_deleted_and_modified_files(git_demo) -> None:
    root = git_demo()
    (root / "content/posts/voeux-2027.md").unlink()
    with (root / "calendar/campaigns.yml").open("a", encoding="utf-8") as f:
        f.write("\n")
    changes = changes_since(root, "HEAD")
    assert changes.status == {"calendar/campaigns.yml": "M", "content/posts/voeux-2027.md": "D"}


def test_bad_revision_is_a_note(git_demo) -> None:
    root = git_demo()
    code, out, err = run(root, "--changed", "no-such-branch")
    assert code == 0 and "Traceback" not in out + err
    assert err.strip() == (
        "note: --changed no-such-branch: 'no-such-branch' is not a revision of this repository; "
        "every diagnostic is listed in the usual order"
    )
    # A revision that looks like an option never reaches git as one.
    diags, note = order_by_changed(root, [], "--output=/tmp/x")
    assert diags == [] and "is not a revision" in note


def test_not_a_repository_and_no_git(tmp_path: Path, demo_repo: Path) -> None:
    code, _, err = run(demo_repo, "--changed")
    assert code == 0 and "is not in a Git repository" in err
    # Without git on PATH: the real CLI in a subprocess, as a user would run it.
    env = env_with_venv()
    python = Path(env["PATH"].split(":")[0]) / "python"
    env["PATH"] = str(tmp_path / "empty")
    done = subprocess.run(
        [
            str(python),
            "-m",
            "generator",
            "check",
            "--root",
            str(demo_repo),
            "--now",
            DEMO_NOW,
            "--changed",
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "note: --changed HEAD: git is not installed (or not on PATH)" in done.stderr


def test_order_keeps_every_diagnostic(git_demo) -> None:
    root = git_demo()
    (root / "content/posts/a.md").write_text(BROKEN_POST, encoding="utf-8")
    diags = [
        warning("site_config.yml", 3, "w", "old"),
        error("content/posts/a.md", 4, "e", "new"),
        error("calendar/slots.yml", 1, "e", "old"),
    ]
    ordered, note = order_by_changed(root, diags, "HEAD")
    assert [d.file for d in ordered] == [
        "content/posts/a.md",
        "calendar/slots.yml",
        "site_config.yml",
    ]
    assert note == "note: 1 file changed since HEAD; 1 diagnostic in them listed first, 2 elsewhere"


# --- the summary ----------------------------------------------------------------------------


def test_summary_lists_posts_added_moved_removed_and_problems(git_demo, tmp_path: Path) -> None:
    root = git_demo()
    post = root / "content/posts/lancement-gamme-hiver.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace(
            "date: 2026-11-26T09:00", "date: 2026-11-27T10:00"
        ),
        encoding="utf-8",
    )
    (root / "content/posts/voeux-2027.md").unlink()
    (root / "content/posts/nouvelle-boutique.md").write_text(
        '---\ntitle: "Ouverture <img src=x> @equipe-com [lien](https://evil.example) #12"\n'
        "date: 2026-12-10T09:00\nnetworks: [linkdin]\n---\n",
        encoding="utf-8",
    )
    out = tmp_path / "summary.md"
    code, _, _ = run(root, "--format", "github", "--changed", "HEAD", "--summary", str(out))
    assert code == 1
    text = out.read_text(encoding="utf-8")
    assert text.startswith("### Relais : 1 erreur, ")  # the demo is in French
    assert "**Publications ajoutées**" in text
    assert (
        "- Ouverture &lt;img src=x&gt; @\u200bequipe-com \\[lien\\]\\(https://evil.example\\) \\#12 "
        "(jeudi 10 décembre 2026, 09:00) `nouvelle-boutique`"
    ) in text
    assert (
        "- Lancement de la gamme d’hiver : jeudi 26 novembre 2026, 09:00 → vendredi 27 novembre 2026, 10:00 "
        "`lancement-gamme-hiver`"
    ) in text
    assert "**Publications supprimées**\n- `voeux-2027`" in text
    assert (
        "**Problèmes dans les fichiers modifiés**\n- ❌ `content/posts/nouvelle-boutique.md:4` networks: "
        "unknown network 'linkdin' (`unknown-network`)"
    ) in text


def test_summary_without_changes_and_without_git(demo_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    code, _, _ = run(demo_repo, "--changed", "--summary", str(out))
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("### Relais : 0 erreur, ")  # French: « 0 erreur », singular
    assert "Les fichiers modifiés sont inconnus (" in text and "is not in a Git repository" in text
    code, _, err = run(demo_repo, "--summary", str(tmp_path / "no-such-folder" / "s.md"))
    assert code == 0 and err.startswith("error: cannot write the summary to ")


def test_md_makes_user_text_inert() -> None:
    assert md("**gras** _x_ `code` <b> & @all ![i](u) | ~") == (
        "\\*\\*gras\\*\\* \\_x\\_ \\`code\\` &lt;b&gt; &amp; @\u200ball \\!\\[i\\]\\(u\\) \\| \\~"
    )
    assert md("une\nligne") == "une ligne"
    assert len(md("x" * 500)) == 200
