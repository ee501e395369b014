"""What `relais check` finds in each post is kept between runs (memo.per_post): a run that
reads it from the memo says exactly what a run without any cache says (same diagnostics, in
the same order, with the same text, lines and columns), on the demo, on every case of the
hostile corpus and on generated content, and an edit of anything a kept answer depends on
(the post, the settings, the ambassadors, `now`) is reported at the next run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cache, networks
from generator.diagnostics import Diagnostic
from generator.options import load_and_check
from tests.conftest import DEMO_NOW, ROOT, RepoFactory, copy_demo
from tests.test_corpus import NOW as CORPUS_NOW
from tests.test_corpus import _cases, make_case_repo

pytestmark = pytest.mark.usefixtures("cache_on")  # conftest: signed with this test's secret

KINDS = ("check-lengths", "check-blocked", "check-spelling", "check-typography")
POST = "content/posts/calendrier-avent-boutiques.md"


def _line(d: Diagnostic) -> str:
    # The one random part of a diagnostic: a fresh embargo key offered in a hint.
    hint = re.sub(r'embargo_key: "[^"]*"', 'embargo_key: "<new>"', d.hint)
    return f"{d.file}:{d.line}:{d.column} {d.severity.value} [{d.code}] {d.message} | {hint}"


def checked(
    root: Path, monkeypatch: pytest.MonkeyPatch, now: str = DEMO_NOW, *, cached: bool = True
) -> list[str]:
    """Every diagnostic of `relais check`, in its order, as one line each."""
    networks.measure.cache_clear()  # this process's own cache of lengths, over the memo
    with monkeypatch.context() as m:
        if not cached:
            m.setenv("RELAIS_CACHE", "off")
        _, found, _ = load_and_check(root, now, memos=True)
    return [_line(d) for d in found]


def kept(root: Path) -> dict[str, int]:
    """How many memo files each per-post kind has."""
    folder = root / cache.FOLDER
    return {kind: len(list(folder.glob(f"memo-{kind}-*.json"))) for kind in KINDS}


def same_with_and_without(root: Path, monkeypatch: pytest.MonkeyPatch, now: str) -> list[str]:
    cold = checked(root, monkeypatch, now, cached=False)
    first = checked(root, monkeypatch, now)  # fills the memos
    warm = checked(root, monkeypatch, now)  # reads them
    assert first == cold
    assert warm == cold
    return cold


# --- the same diagnostics --------------------------------------------------------------------


def test_the_demo_says_the_same_from_the_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_demo(tmp_path / "demo")
    path = root / POST
    text = path.read_text(encoding="utf-8")
    # A misspelling, a French spacing mistake, a blocked word, a message too long for X.
    text = text.replace("une petite douceur", "une petite douseur", 1)
    text = text.replace("Revenez demain\u00a0!", "Revenez demain!  C'est le meilleur du monde", 1)
    path.write_text(text, encoding="utf-8")
    found = same_with_and_without(root, monkeypatch, DEMO_NOW)
    for code in ("spelling", "french-spacing", "blocked-word"):
        assert any(POST in line and f"[{code}]" in line for line in found), code
    assert all(kept(root).values()), kept(root)


@pytest.mark.parametrize("case", _cases())
def test_each_hostile_case_says_the_same_from_the_memo(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_case_repo(case, tmp_path / "repo")
    same_with_and_without(root, monkeypatch, CORPUS_NOW)


def test_generated_content_says_the_same_from_the_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), str(tmp_path), "--posts", "60"],
        check=True,
        capture_output=True,
    )
    root = tmp_path / "relais"
    posts = sorted((root / "content" / "posts").glob("*.md"))
    for n, path in enumerate(posts[:12]):  # generated content is clean: make it say something
        text = path.read_text(encoding="utf-8")
        text = text.replace("farine", ["farrine", "farine !", "gratuit à vie"][n % 3], 1)
        text = text.replace("linkedin: '", "x: '" + "Trop long. " * 30 if n % 4 == 0 else "", 1)
        path.write_text(text, encoding="utf-8")
    found = same_with_and_without(root, monkeypatch, "2026-12-01T08:00")
    for code in ("spelling", "blocked-word", "message-too-long"):
        assert any(f"[{code}]" in line for line in found), code
    assert all(kept(root).values()), kept(root)


# --- an edit of anything a kept answer depends on is reported ---------------------------------


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo whose memos are filled."""
    root = copy_demo(tmp_path / "demo")
    checked(root, monkeypatch)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _reported_as_without_memo(
    root: Path, monkeypatch: pytest.MonkeyPatch, wanted: str, now: str = DEMO_NOW
) -> list[str]:
    found = checked(root, monkeypatch, now)
    assert any(wanted in line for line in found), wanted
    assert found == checked(root, monkeypatch, now, cached=False)
    return found


def test_a_post_edited_is_checked_again(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit(demo / POST, "une petite douceur vous attend", "une petite douseur vous attend")
    _reported_as_without_memo(demo, monkeypatch, "'douseur'")
    _edit(demo / POST, "Revenez demain\u00a0!", "Revenez demain!")
    _reported_as_without_memo(demo, monkeypatch, "[french-spacing]")
    _edit(demo / POST, "Revenez demain!", "Revenez demain, le meilleur du monde")
    _reported_as_without_memo(demo, monkeypatch, "[blocked-word]")


def test_a_kit_message_made_too_long_is_reported(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = "Une douceur chaque jour. " * 100
    _edit(demo / POST, 'instagram: "Le calendrier', f'instagram: "{long}Le calendrier')
    _reported_as_without_memo(demo, monkeypatch, "[share-too-long]")


def test_a_setting_changed_is_a_new_question(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings are in every per-post key: a lower limit, a new blocked word, another
    disclosure change what an unchanged post is found to hold."""
    config = demo / "site_config.yml"
    _edit(config, "  instagram: {}\n", "  instagram: {limit: 60}\n")
    _reported_as_without_memo(demo, monkeypatch, f"{POST}:13:0 error [message-too-long]")
    _edit(config, '"meilleur du monde"]', '"meilleur du monde", "sablé à la cannelle"]')
    _reported_as_without_memo(demo, monkeypatch, "'sablé à la cannelle' is a blocked word")


def test_a_longer_ambassador_id_is_a_new_question(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Suggestions are measured with the longest ambassador id in their tracked link: a new
    ambassador with a longer id makes a suggestion that fitted too long."""
    from generator import networks as net
    from generator.kits.kit import tagged_link
    from generator.load import load

    path = demo / POST
    _edit(path, "networks: [instagram, facebook]", "networks: [instagram, facebook, linkedin]")
    _edit(path, "  messages:\n    instagram:", '  messages:\n    linkedin: "PAD"\n    instagram:')
    project = load(demo).project
    assert project is not None
    post = next(p for p in project.posts if p.file == POST)
    config = project.config
    assert post.share is not None

    def count(text: str, ambassador: str) -> int:
        link = tagged_link(config, post, "linkedin", ambassador)
        hashtags, disclosure = post.share.hashtags, config.disclosure("linkedin")  # type: ignore[union-attr]
        return net.measure("linkedin", net.compose(text, hashtags, disclosure, link)).count

    worst = min((a.id for a in project.ambassadors), key=lambda i: (-len(i), i))
    limit = net.measure("linkedin", "").limit
    assert limit is not None
    pad = "a" * (limit - count("a", worst) + 1)
    assert count(pad, worst) == limit  # fits, exactly
    _edit(path, 'linkedin: "PAD"', f'linkedin: "{pad}"')
    before = _reported_as_without_memo(demo, monkeypatch, POST)
    assert not any("[share-too-long]" in line for line in before)
    longer = worst + "-bis"
    (demo / "ambassadors" / f"{longer}.yml").write_text(
        (demo / "ambassadors" / f"{worst}.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    _reported_as_without_memo(demo, monkeypatch, f"{POST}:20:0 error [share-too-long]")


def test_now_moving_past_a_date_is_reported(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The post is scheduled for 2026-12-01 12:30: once that has passed, its status is late."""
    found = checked(demo, monkeypatch, "2026-12-01T08:00")
    assert not any(POST in line and "[status-date]" in line for line in found)
    _reported_as_without_memo(
        demo, monkeypatch, f"{POST}:5:0 warning [status-date]", "2026-12-02T08:00"
    )


def test_the_site_language_is_a_new_question(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post without `lang:` is in the site's language: its typography is checked again when
    that changes (French wants a space before '!', English none)."""
    post = "---\ntitle: Un titre\ndate: 2026-12-03T09:30\nnetworks: [x]\n---\nVenez vite !\n"
    root = make_repo({"content/posts/venez.md": post})
    checked(root, monkeypatch)
    english = (
        (root / "site_config.yml")
        .read_text(encoding="utf-8")
        .replace("language: fr", "language: en")
    )
    (root / "site_config.yml").write_text(english, encoding="utf-8")
    _reported_as_without_memo(
        root, monkeypatch, "content/posts/venez.md:6:12 warning [space-before-punctuation]"
    )
