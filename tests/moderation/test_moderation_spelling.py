"""Spelling and typography of the moderation files: what the portal publishes is checked.

Replies, their variants per network, situation labels, the decision guide, the directory's
public fields and the feedback register go through the same checks as posts, in the reply's
language, at the line and column of the word; `relais check --fix` fixes their typography.
Mistakes are planted in small repositories; the expected places are found in the file's
text, never taken from the checker.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import MINIMAL_CONFIG, RepoFactory

NOW = "2026-12-01T08:00"
AMBASSADOR = "name: Claire Martin\n"

REPLIES = """\
guide:
  answer: Nous répondons à tout le monde, même aux critiques sévèrres.
  hide: On masque une provocassion après une réponse factuelle.
situations:
  question: {label: Question pratiqe, actions: [answer], when: Horaires et comandes.}
replies:
  - id: horaires
    situation: question
    title: Horaires des boutiqes
    when: Quelqu’un demande nos horaires.
    tone: Chaleureux
    owner: claire-martin
    review: 2027-01-31
    text: >-
      Bonjour [[prénom du clinet]], nos boutiques ouvrent à 7 h. Merci @boulangerieduparc
      et @zzkqwx@mastodon.example ! Voir https://www.maison-exemple.fr/horraires/zzqwx ou
      écrire à contact@zzqwx-exemple.fr, #PainDuJour.
    networks:
      x:
        - Bonjour [[prénom]], nos boutiques ouvrent à 7 h.
        - Bonjour [[prénom]], nos boutikes ouvrent à 7 h.
  - id: thanks
    situation: question
    lang: en
    title: Thank you
    when: Someone thanks us.
    owner: claire-martin
    review: 2027-01-31
    text: Thank you [[first name]], we are so happpy you liked it!
"""


def check_json(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(
        cli, ["check", "--root", str(root), "--now", NOW, "--format", "json", *args]
    )
    return result.exit_code, json.loads(result.stdout[: result.stdout.rindex("]") + 1])


def spelling(root: Path) -> list[tuple[str, int, int, str, str]]:
    """(file, line, column, word, what) of every spelling warning."""
    _, found = check_json(root)
    out = []
    for d in found:
        if d["code"] == "spelling":
            message = str(d["message"])
            word = message.split("'")[1]
            what = message[message.rindex("(") + 1 : -1]
            out.append((str(d["file"]), int(d["line"]), int(d["column"]), word, what))  # type: ignore[call-overload]
    return out


def place(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    """The line and column (from 1) of the nth occurrence of `word` in a file's text."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(word, at + 1)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def repo(make_repo: RepoFactory, replies: str = REPLIES, **files: str) -> Path:
    return make_repo(
        {"ambassadors/claire-martin.yml": AMBASSADOR, "moderation/replies.yml": replies, **files},
        config=MINIMAL_CONFIG,
    )


def test_planted_mistakes_are_found_at_their_line_and_column(make_repo: RepoFactory) -> None:
    root = repo(make_repo)
    file = "moderation/replies.yml"
    expected = [
        (file, *place(REPLIES, "sévèrres"), "sévèrres", "guide.answer"),
        (file, *place(REPLIES, "provocassion"), "provocassion", "guide.hide"),
        (file, *place(REPLIES, "pratiqe"), "pratiqe", "situations.question.label"),
        (file, *place(REPLIES, "comandes"), "comandes", "situations.question.when"),
        (file, *place(REPLIES, "boutiqes"), "boutiqes", "reply horaires, title"),
        (file, *place(REPLIES, "boutikes"), "boutikes", "reply horaires, networks.x[2]"),
        (file, *place(REPLIES, "happpy"), "happpy", "reply thanks, text"),
    ]
    assert sorted(spelling(root)) == sorted(expected)


def test_placeholders_mentions_addresses_and_hashtags_are_not_words(
    make_repo: RepoFactory,
) -> None:
    words = [w for _, _, _, w, _ in spelling(repo(make_repo))]
    for trap in ("clinet", "boulangerieduparc", "zzkqwx", "horraires", "zzqwx", "PainDuJour"):
        assert trap not in words


def test_a_reply_is_read_in_its_own_language(make_repo: RepoFactory) -> None:
    english = REPLIES.replace("Thank you [[first name]]", "Merci [[prénom]], thank you")
    found = {(w, what) for _, _, _, w, what in spelling(repo(make_repo, english))}
    assert ("Merci", "reply thanks, text") in found  # not English
    assert ("happpy", "reply thanks, text") in found
    # The whole file in English: the French guide is now the unknown one.
    whole = "lang: en\n" + REPLIES
    found = {(w, what) for _, _, _, w, what in spelling(repo(make_repo, whole))}
    assert ("répondons", "guide.answer") in found
    assert ("Bonjour", "reply horaires, text") in found


def test_the_word_list_and_the_ignore_lists_accept_words(make_repo: RepoFactory) -> None:
    replies = "spelling: {ignore: [pratiqe]}\n" + REPLIES.replace(
        "    tone: Chaleureux\n", "    tone: Chaleureux\n    spelling: {ignore: [boutikes]}\n"
    )
    root = repo(make_repo, replies, **{"dictionary.txt": "# the team's words\nprovocassion\n"})
    words = {w for _, _, _, w, _ in spelling(root)}
    assert "provocassion" not in words  # the project's word list
    assert "pratiqe" not in words  # the file's ignore list
    assert "boutikes" not in words  # the reply's own ignore list
    assert {"boutiqes", "comandes", "happpy"} <= words
    _, found = check_json(repo(make_repo, REPLIES))
    hint = next(d["hint"] for d in found if "boutiqes" in str(d["message"]))
    assert "spelling: {ignore: [...]} in this reply" in str(hint)


def test_the_directory_and_the_register_are_checked_but_not_private_fields(
    make_repo: RepoFactory,
) -> None:
    escalation = (
        "public: [service, channel]\ntopics:\n"
        "  - id: qualite\n    topic: Sécurité alimentiare\n    service: Service qualité\n"
        "    channel: Téléphonne d’astreinte\n    person: Zorgabeth Quiblon\n"
        "    notes: Une notte privée\n"
    )
    feedback = (
        "- id: f\n  topic: Attente le dimance\n  first_seen: 2026-11-01\n  count: 2\n"
        "  owner: claire-martin\n  note: Une nnote\n"
    )
    root = repo(
        make_repo,
        **{"moderation/escalation.yml": escalation, "moderation/feedback.yml": feedback},
    )
    found = {(f, w) for f, _, _, w, _ in spelling(root)}
    assert ("moderation/escalation.yml", "alimentiare") in found
    assert ("moderation/escalation.yml", "Téléphonne") in found
    assert ("moderation/feedback.yml", "dimance") in found
    assert ("moderation/feedback.yml", "nnote") in found
    assert not {w for _, w in found} & {"Zorgabeth", "Quiblon", "notte"}  # never published


def test_fix_puts_french_spaces_into_replies(make_repo: RepoFactory) -> None:
    root = repo(make_repo)
    path = root / "moderation/replies.yml"
    before = yaml.safe_load(path.read_text(encoding="utf-8"))
    _, found = check_json(root)
    spacing = [d for d in found if d["code"] == "french-spacing"]
    assert [(d["line"], d["column"]) for d in spacing] == [place(REPLIES, "! Voir")]

    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--now", NOW, "--fix"])
    assert "Fixed 1 typography problem" in result.output, result.output
    after = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = after["replies"][0]["text"]
    assert "@zzkqwx@mastodon.example\u202f! Voir" in text
    after["replies"][0]["text"] = text.replace("\u202f!", " !")
    assert after == before  # nothing else changed
    _, found = check_json(root)
    assert [d for d in found if d["code"] == "french-spacing"] == []


def test_the_demo_replies_are_spelt_and_spaced(make_repo: RepoFactory, demo_repo: Path) -> None:
    _, found = check_json(demo_repo)
    mine = [d for d in found if str(d["file"]).startswith("moderation/")]
    assert mine == []
