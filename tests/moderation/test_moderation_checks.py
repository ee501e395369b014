"""Moderation checks on small repositories: each rule with its exact diagnostic.

The corpus cases tests/corpus/moderation-checks and moderation-shapes hold the full
picture of broken files; here each rule is shown alone, with what makes it pass.
"""

from __future__ import annotations

from pathlib import Path

from generator.check import check
from generator.diagnostics import Diagnostic, format_text
from generator.load import load
from generator.spelling.checks import CODES as SPELLING
from tests.conftest import MINIMAL_CONFIG, ROOT, RepoFactory, copy_demo
from tests.moderation.conftest import NOW

CONFIG = MINIMAL_CONFIG + '  bluesky: {}\nrules:\n  blocked_words: ["gratuit à vie"]\n'
AMBASSADOR = "name: Claire Martin\nnetworks: {linkedin: {}}\n"


def diagnostics(root: Path) -> list[str]:
    loaded = load(root)
    found: list[Diagnostic] = list(loaded.diagnostics)
    assert loaded.project is not None
    found += check(loaded.project, NOW)
    # Spelling and typography have their own tests (test_moderation_spelling.py).
    mine = [d for d in found if d.file.startswith("moderation/") and d.code not in SPELLING]
    return format_text(mine).splitlines()[:-1]


def replies(
    body: str, situations: str = "  question: {label: Question, actions: [answer]}\n"
) -> str:
    return f"situations:\n{situations}replies:\n{body}"


REPLY = """\
  - id: horaires
    situation: question
    title: Horaires
    when: Quelqu'un demande nos horaires.
    owner: claire-martin
    review: 2027-01-31
"""


def repo(make_repo: RepoFactory, files: dict[str, str]) -> Path:
    return make_repo({"ambassadors/claire-martin.yml": AMBASSADOR, **files}, config=CONFIG)


def test_the_demo_has_no_moderation_diagnostic(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    assert diagnostics(root) == []
    assert (ROOT / "moderation/replies.yml").is_file()


def test_a_clean_reply_passes(make_repo: RepoFactory) -> None:
    root = repo(
        make_repo, {"moderation/replies.yml": replies(REPLY + "    text: Bonjour [[prénom]] !\n")}
    )
    assert diagnostics(root) == []


def test_a_reply_is_measured_as_a_reply_on_each_network(make_repo: RepoFactory) -> None:
    # 290 characters: too long for a reply on X (280) and Bluesky (300 graphemes? no: 290 fits),
    # fine on LinkedIn, whose comments stop at 1,250 (a post may take 3,000).
    text = "Bonjour ! " + "a" * 280
    body = REPLY + f"    text: {text}\n"
    root = repo(make_repo, {"moderation/replies.yml": replies(body)})
    assert diagnostics(root) == [
        (
            "moderation/replies.yml:10: error: reply 'horaires' is 290 characters on X, over the 280 "
            "characters of a reply there [reply-too-long]"
        ),
        "    hint: shorten it by 10 characters, or add networks.x with a shorter text for X",
    ]
    # A text for X alone fixes it; the common text still serves LinkedIn and Bluesky.
    root = repo(
        make_repo, {"moderation/replies.yml": replies(body + "    networks: {x: Bonjour !}\n")}
    )
    assert diagnostics(root) == []


def test_linkedin_comments_stop_at_1250_characters(make_repo: RepoFactory) -> None:
    body = REPLY + "    networks:\n      linkedin: " + "b" * 1251 + "\n"
    root = repo(make_repo, {"moderation/replies.yml": replies(body)})
    assert diagnostics(root)[0] == (
        "moderation/replies.yml:11: error: reply 'horaires' is 1251 characters on LinkedIn, over "
        "the 1250 characters of a reply there [reply-too-long]"
    )


def test_each_variant_is_measured_on_its_own_line(make_repo: RepoFactory) -> None:
    body = REPLY + "    networks:\n      x:\n        - Court.\n        - " + "c" * 281 + "\n"
    root = repo(make_repo, {"moderation/replies.yml": replies(body)})
    assert diagnostics(root)[0] == (
        "moderation/replies.yml:13: error: reply 'horaires' (variant 2) is 281 characters on X, "
        "over the 280 characters of a reply there [reply-too-long]"
    )


def test_blocked_words_are_refused_in_replies(make_repo: RepoFactory) -> None:
    body = REPLY + "    text: Et c'est GRATUIT a vie !\n"
    root = repo(make_repo, {"moderation/replies.yml": replies(body)})
    assert diagnostics(root) == [
        (
            "moderation/replies.yml:10: error: 'gratuit à vie' is a blocked word (rules.blocked_words) "
            "and appears in reply 'horaires', text [blocked-word]"
        ),
        "    hint: rephrase it: the editorial charter rules it out",
    ]


def test_a_situation_to_hide_or_delete_needs_no_reply(make_repo: RepoFactory) -> None:
    situations = (
        "  question: {label: Question, actions: [answer]}\n"
        "  abus: {label: Insulte, actions: [delete]}\n"
        "  troll: {label: Troll, actions: [hide, answer]}\n"
    )
    body = REPLY + "    text: Bonjour !\n"
    root = repo(make_repo, {"moderation/replies.yml": replies(body, situations)})
    assert diagnostics(root) == [
        "moderation/replies.yml:4: warning: situation 'troll' has no approved reply [situation-no-reply]",
        "    hint: add a reply with 'situation: troll', or set its actions to hide or delete only",
    ]


def test_a_broken_reply_is_not_reported_again_where_it_is_named(make_repo: RepoFactory) -> None:
    # The reply fails to load (no text); the register that links it is not blamed for it.
    register = "- id: x\n  topic: T\n  first_seen: 2026-11-01\n  count: 2\n  owner: claire-martin\n  replies: [horaires]\n"
    root = repo(
        make_repo, {"moderation/replies.yml": replies(REPLY), "moderation/feedback.yml": register}
    )
    assert diagnostics(root) == [
        (
            "moderation/replies.yml:4: error: a reply needs a text, or a text per network "
            "[invalid-reply-text]"
        ),
        "    hint: add 'text: …' (for every network), or 'networks:' with a text per network id",
    ]


def test_severity_overrides_apply_to_moderation_codes(make_repo: RepoFactory) -> None:
    config = CONFIG + "  severity: {reply-review-due: error}\n"
    body = REPLY.replace("2027-01-31", "2026-11-30") + "    text: Bonjour !\n"
    root = make_repo(
        {"ambassadors/claire-martin.yml": AMBASSADOR, "moderation/replies.yml": replies(body)},
        config=config,
    )
    assert diagnostics(root)[0] == (
        "moderation/replies.yml:9: error: reply 'horaires' was due for review on 2026-11-30 "
        "[reply-review-due]"
    )


def test_without_moderation_files_nothing_is_said(make_repo: RepoFactory) -> None:
    assert diagnostics(make_repo({}, config=CONFIG)) == []
