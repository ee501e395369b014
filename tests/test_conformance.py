"""Counting held to material nobody here wrote: Unicode's segmentation test, twitter-text's
conformance file, the Bluesky composer's own cases, Mastodon's validator spec, atproto's
handle syntax. The files live in tests/reference/ (README there names sources and licences)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import networks
from generator.networks import count, handle_problem, hashtag_problem, measure

REFERENCE = Path(__file__).parent / "reference"
ROOT = Path(__file__).resolve().parent.parent


def break_cases(version: str) -> list[tuple[int, str, list[str]]]:
    """(line, text, expected clusters) of GraphemeBreakTest-<version>.txt."""
    out = []
    path = REFERENCE / "unicode" / f"GraphemeBreakTest-{version}.txt"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = line.split("#")[0].split()
        if not body:
            continue
        clusters, current = [], ""
        for token in body[1:]:
            if token == "÷":
                clusters.append(current)
                current = ""
            elif token != "×":
                current += chr(int(token, 16))
        out.append((number, "".join(clusters), clusters))
    return out


UNICODE_18 = break_cases("18.0.0")
UNICODE_17 = break_cases("17.0.0")


# ---------------------------------------------------------------- graphemes


def test_the_unicode_files_are_whole() -> None:
    assert (len(UNICODE_17), len(UNICODE_18)) == (766, 853)


def test_python_segments_every_case_of_unicode_18() -> None:
    failed = [n for n, text, clusters in UNICODE_18 if networks._clusters(text) != clusters]
    assert failed == []


def test_unicode_17_and_18_differ_only_by_indic_rules() -> None:
    # Unicode 18 joins a consonant to a virama even when no consonant stands before it, and
    # its new cases are Brahmic scripts (Vedic signs, Kannada, Balinese, Zanabazar square).
    old = {text: clusters for _, text, clusters in UNICODE_17}
    changed = [t for _, t, c in UNICODE_18 if old.get(t) != c]
    brahmic = re.compile("[\u0900-\u0dff\u1b00-\u1b7f\u1cd0-\u1cff\U00011000-\U00011fff]")
    assert len(changed) == 91 and all(brahmic.search(t) for t in changed)


def _browser_agrees(segment: Any) -> None:
    """The browser implements one Unicode version exactly, and differs from Python only on the
    cases that Unicode 18 added or changed."""
    passes = {}
    for version, cases in (("17", UNICODE_17), ("18", UNICODE_18)):
        got = segment([text for _, text, _ in cases])
        passes[version] = sum(g == c for g, (_, _, c) in zip(got, cases, strict=True))
    assert passes["17"] == len(UNICODE_17) or passes["18"] == len(UNICODE_18), passes
    old = {text: clusters for _, text, clusters in UNICODE_17}
    got = segment([text for _, text, _ in UNICODE_18])
    for browser, (_, text, clusters) in zip(got, UNICODE_18, strict=True):
        if browser != networks._clusters(text):
            assert old.get(text) != clusters, text


NODE_SEGMENT = """
let input = ""; process.stdin.on("data", c => input += c); process.stdin.on("end", () => {
  const s = new Intl.Segmenter(undefined, {granularity: "grapheme"});
  const texts = JSON.parse(input);
  process.stdout.write(JSON.stringify(texts.map(t => [...s.segment(t)].map(x => x.segment))));
});
"""


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is required for this test (Node.js ships on the build machines)")
    return found


def test_node_intl_segmenter_agrees_with_python() -> None:
    def segment(texts: list[str]) -> list[list[str]]:
        out = subprocess.run(
            [node(), "-e", NODE_SEGMENT],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return json.loads(out.stdout)  # type: ignore[no-any-return]

    _browser_agrees(segment)


@pytest.mark.browser
def test_chromium_intl_segmenter_agrees_with_python(page: Any) -> None:
    def segment(texts: list[str]) -> list[list[str]]:
        return page.evaluate(  # type: ignore[no-any-return]
            "ts => { const s = new Intl.Segmenter(undefined, {granularity: 'grapheme'});"
            " return ts.map(t => [...s.segment(t)].map(x => x.segment)); }",
            texts,
        )

    _browser_agrees(segment)


def test_an_indic_conjunct_is_one_grapheme_on_bluesky() -> None:
    # क्ष (ka, virama, ssa) is one cluster since Unicode 15.1: the grapheme package said two.
    assert count("bluesky", "क्ष") == 1
    assert count("bluesky", "ক্ষ") == 1  # Bengali
    hindi = "नमस्ते दोस्तों, हमारी बेकरी में आज ताज़ा ब्रेड है। " * 6
    assert count("bluesky", hindi) == len(networks._clusters(hindi)) < len(hindi)


# ---------------------------------------------------------------- twitter-text

VALIDATE = yaml.safe_load(
    (REFERENCE / "twitter-text" / "validate.yml").read_text(encoding="utf-8")
)["tests"]
# X counts with twitter-text's configuration v3: emoji discounted, 280. The `tweets` and
# `WeightedTweetsCounterTest` sections hold configurations v1 (140) and v2, no longer X's.
WEIGHTED = (
    VALIDATE["WeightedTweetsWithDiscountedEmojiCounterTest"]
    + VALIDATE["UnicodeDirectionalMarkerCounterTest"]
)


@pytest.mark.parametrize("case", WEIGHTED, ids=[c["description"][:60] for c in WEIGHTED])
def test_twitter_text_conformance_weighted_length(case: dict[str, Any]) -> None:
    m = measure("x", case["text"])
    assert m.count == case["expected"]["weightedLength"]
    valid = 0 < m.count <= 280 and not m.invalid
    assert valid == case["expected"]["valid"]


@pytest.mark.parametrize("case", VALIDATE["hashtags"], ids=lambda c: c["description"][:60])
def test_twitter_text_conformance_hashtags(case: dict[str, Any]) -> None:
    assert (hashtag_problem(case["text"]) is None) == case["expected"]


@pytest.mark.parametrize("case", VALIDATE["usernames"], ids=lambda c: c["description"][:60])
def test_twitter_text_conformance_usernames(case: dict[str, Any]) -> None:
    assert (handle_problem("x", case["text"]) is None) == case["expected"]


def test_the_conformance_file_is_whole() -> None:
    assert len(WEIGHTED) == 24
    assert len(VALIDATE["hashtags"]) == 7 and len(VALIDATE["usernames"]) == 4


# ---------------------------------------------------------------- Bluesky's composer

COMPOSER = yaml.safe_load(
    (REFERENCE / "bluesky" / "composer_cases.yml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(("url", "short"), COMPOSER["to_short_url"])
def test_bluesky_short_url_as_the_composer(url: str, short: str) -> None:
    assert networks.bluesky_short_url(url) == short


@pytest.mark.parametrize(("text", "shortened"), COMPOSER["shorten_links"])
def test_bluesky_counts_links_shortened_as_the_composer(text: str, shortened: str) -> None:
    assert networks._bluesky_text(text) == shortened
    assert count("bluesky", text) == len(shortened)


@pytest.mark.parametrize("text", COMPOSER["as_written"])
def test_bluesky_counts_links_without_protocol_as_written(text: str) -> None:
    assert count("bluesky", text) == len(text)


# ---------------------------------------------------------------- Mastodon's validator spec
# After mastodon/mastodon spec/validators/status_length_validator_spec.rb (limit 500).

LINK = "http://" + "b" * 30 + ".com/example"


@pytest.mark.parametrize(
    ("text", "over"),
    [
        ("a" * 520, True),
        ("a" * 476 + " " + LINK, False),  # a space-separated link counts 23
        ("a" * 476 + LINK, True),  # glued to a word it is no link
        ("http://example.com/valid?" + "#foo?" * 1000, True),  # over 4,096 characters: no link
        ("a" * 475 + " @alice@" + "b" * 30 + ".com", False),  # a remote mention counts "@alice"
        ("@alice@" + "b" * 500 + ".com", True),  # a domain over 253 characters: no mention
        ("✨" * 500, False),
        ("🏳️‍⚧️" * 500, False),  # one grapheme each
    ],
)
def test_mastodon_validator_spec(text: str, over: bool) -> None:
    assert measure("mastodon", text).over is over


# ---------------------------------------------------------------- atproto handles

INVALID_HANDLES = [
    line
    for line in (REFERENCE / "bluesky" / "handle_syntax_invalid.txt")
    .read_text(encoding="utf-8")
    .split("\n")
    if line and not line.startswith("#")
]


@pytest.mark.parametrize("handle", INVALID_HANDLES)
def test_atproto_invalid_handles_are_refused(handle: str) -> None:
    assert handle_problem("bluesky", handle) is not None


@pytest.mark.parametrize(
    "handle",
    [
        "jay.bsky.social",
        "8.cn",
        "name.t--t",
        "XX.LCS.MIT.EDU",
        "a.co",
        "xn--notarealidn.com",
        "xn--fiqa61au8b7zsevnm8ak20mc4a87e.xn--fiqs8s",
        "john.test",
        "@claire.bsky.social",
    ],
)
def test_atproto_valid_handles_are_accepted(handle: str) -> None:
    assert handle_problem("bluesky", handle) is None
