"""Network knowledge: how each network counts a message, how it is composed, its share links."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import material
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twitter_text import parse_tweet

from generator import networks
from generator.networks import compose, count, measure, share_url, tag_url

ROOT = Path(__file__).resolve().parent.parent
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 7 code points, 25 bytes
FLAG_FR = "\U0001f1eb\U0001f1f7"
THUMBS = "\U0001f44d"
TEMPLATE = {
    "utm_source": "{network}",
    "utm_medium": "ambassador",
    "utm_campaign": "{campaign}",
    "utm_content": "{ambassador}",
}


# ---------------------------------------------------------------- the table


def test_the_twelve_known_networks() -> None:
    assert list(networks.NETWORKS) == [
        "linkedin",
        "x",
        "facebook",
        "instagram",
        "threads",
        "bluesky",
        "mastodon",
        "youtube",
        "tiktok",
        "pinterest",
        "whatsapp",
        "email",
    ]
    assert networks.get("linkedin").label == "LinkedIn"
    assert networks.get("email").label == "E-mail"
    assert networks.get("linkdin") is None


def test_limits_and_folds() -> None:
    limits = {n.id: n.limit for n in networks.NETWORKS.values()}
    assert limits == {
        "linkedin": 3000,
        "x": 280,
        "facebook": 63206,
        "instagram": 2200,
        "threads": 500,
        "bluesky": 300,
        "mastodon": 500,
        "youtube": 5000,
        "tiktok": 2200,
        "pinterest": 500,
        "whatsapp": None,
        "email": None,
    }
    folds = {n.id: n.fold for n in networks.NETWORKS.values() if n.fold}
    assert folds == {"linkedin": 210, "facebook": 480, "instagram": 125}
    assert networks.get("bluesky").byte_limit == 3000


def test_every_icon_is_bundled_with_material() -> None:
    icons = Path(material.__file__).parent / "templates" / ".icons"
    for network in networks.NETWORKS.values():
        family, _, name = network.icon.partition("-")
        style, _, name = name.partition("-")
        assert (icons / family / style / f"{name}.svg").is_file(), network.icon


def test_networks_that_cannot_prefill_the_text() -> None:
    no_prefill = {n.id for n in networks.NETWORKS.values() if not n.prefills_text}
    assert no_prefill == {"linkedin", "facebook", "instagram", "youtube", "tiktok", "pinterest"}
    assert networks.get("linkedin").share_kind == "url_only"
    assert networks.get("instagram").share_kind == "none"


def test_an_unknown_network_cannot_be_counted() -> None:
    with pytest.raises(KeyError, match="linkdin"):
        count("linkdin", "Bonjour")


def test_js_rules_carry_what_the_browser_needs() -> None:
    rules = networks.js_rules()
    assert rules["bluesky"] == {
        "limit": 300,
        "fold": None,
        "counting": "bluesky",
        "byte_limit": 3000,
    }
    assert rules["linkedin"] == {
        "limit": 3000,
        "fold": 210,
        "counting": "chars",
        "byte_limit": None,
    }
    assert json.loads(json.dumps(rules)) == rules


# ---------------------------------------------------------------- characters


def test_plain_networks_count_code_points_after_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Fête à Noël")
    assert len(nfd) == 14
    assert count("linkedin", nfd) == 11
    assert count("linkedin", FAMILY) == 7
    assert count("instagram", "日本語") == 3


def test_a_line_break_counts_once_whatever_its_form() -> None:
    assert count("linkedin", "a\r\nb") == count("linkedin", "a\nb") == 3


def test_measure_reports_fold_bytes_and_over() -> None:
    text = "é" * 3001
    m = measure("linkedin", text)
    assert (m.count, m.limit, m.bytes, m.fold, m.over) == (3001, 3000, 6002, 210, True)
    assert measure("linkedin", "é" * 3000).over is False
    assert measure("whatsapp", "a" * 100_000).over is False


# ---------------------------------------------------------------- X


def test_x_weighs_latin_as_one_and_cjk_as_two() -> None:
    assert count("x", "Bonjour") == 7
    assert count("x", "日本語") == 6
    assert count("x", "a" * 280) == 280
    assert measure("x", "a" * 281).over is True
    assert measure("x", "日" * 141).over is True


def test_x_counts_an_emoji_sequence_as_two() -> None:
    assert count("x", THUMBS) == 2
    assert count("x", FAMILY) == 2
    assert count("x", FLAG_FR) == 2
    assert count("x", "\U0001f44d\U0001f3fd") == 2  # with a skin tone


def test_x_surprises_from_twitter_text() -> None:
    # The ellipsis and the copyright sign weigh 2, en and em dashes weigh 1.
    assert count("x", "…") == 2
    assert count("x", "©") == 2
    assert count("x", "–—") == 2
    # Its emoji table stops at Emoji 12 (2019): later sequences weigh per code point.
    assert count("x", "\U0001f9d1\u200d\U0001f4bb") == 5


def test_x_counts_nfd_like_nfc() -> None:
    assert count("x", unicodedata.normalize("NFD", "été")) == 3


def test_x_counts_every_public_link_as_23() -> None:
    long_link = "https://www.example.org/hiver/" + "a" * 200
    assert count("x", long_link) == 23
    assert count("x", "Voir https://t.co/abc") == 5 + 23
    # twitter-text also links a bare domain with a known top-level domain.
    assert count("x", "maisonexemple.fr") == 23
    assert measure("x", "Voir " + long_link).unlinked_urls == ()


def test_x_counts_a_link_without_public_domain_character_by_character() -> None:
    m = measure("x", "Intranet : https://intranet.local/x et https://portal.example/y.")
    assert m.count == len("Intranet : https://intranet.local/x et https://portal.example/y.")
    assert m.unlinked_urls == ("https://intranet.local/x", "https://portal.example/y")


def test_x_counts_an_accented_letter_before_a_bare_domain_once() -> None:
    # twitter-text sees the space before each word, as in the whole text: the "à" is part of
    # the link here, but before a domain at the very start it is not (twitter-text's rule).
    assert (
        count("x", "Visitez àmaisonexemple.fr")
        == parse_tweet("Visitez àmaisonexemple.fr").weightedLength
        == 31
    )
    assert count("x", "àmaisonexemple.fr") == 24


def test_x_refuses_twitter_texts_invalid_characters() -> None:
    m = measure("x", "Bonjour\ufffe et \uffff, \ufeff")
    assert m.invalid == ("U+FFFE", "U+FFFF", "U+FEFF")
    assert measure("x", "a\ud800b").invalid == ("U+D800",)
    assert measure("x", "Bonjour \U0001f44d").invalid == ()
    # Half a surrogate pair cannot be posted anywhere; U+FFFE only troubles X.
    assert measure("bluesky", "a\udc00").invalid == ("U+DC00",)
    assert measure("bluesky", "a\ufffe").invalid == ()


def test_x_leaves_trailing_punctuation_out_of_a_link() -> None:
    assert count("x", "https://example.org/x.") == 24
    assert count("x", "(https://fr.wikipedia.org/wiki/Pain_(aliment))") == 25


# ---------------------------------------------------------------- Mastodon


def test_mastodon_counts_every_link_as_23() -> None:
    assert count("mastodon", "https://www.example.org/" + "a" * 300) == 23
    assert count("mastodon", "Lire : https://example.org/x.") == 7 + 23 + 1


def test_mastodon_counts_a_bare_domain_and_an_intranet_link_in_full() -> None:
    assert count("mastodon", "maisonexemple.fr") == 16
    m = measure("mastodon", "https://intranet.local/page")
    assert (m.count, m.unlinked_urls) == (27, ("https://intranet.local/page",))


@pytest.mark.parametrize(
    "text",
    [
        "https://ja.wikipedia.org/wiki/パン",  # a unicode path, as Mastodon's own pattern reads it
        "https://fr.wikipedia.org/wiki/Pâtisserie_(cuisine)",
        "https://пекарня.рф/хлеб",  # an internationalised domain
        "https://example.org/recherche?q=pain%20d%C3%A9pices&lang=fr",
        "https://example.org/?q=パン",
        "gemini://geminiprotocol.net/docs/",
        "gopher://gopher.floodgap.com/1/world",
        "dat://example.org/x",
        "ipfs://bafybeigdyrzt.example.com/wiki/",
    ],
)
def test_mastodon_counts_every_link_it_finds_as_23(text: str) -> None:
    assert count("mastodon", f"Lire {text} !") == 5 + 23 + 2


def test_mastodon_links_only_what_its_pattern_finds() -> None:
    assert count("mastodon", "xmpp:someone@example.org") == 24  # linked, but not shortened
    assert count("mastodon", "ftp://example.org/fichier") == 25
    assert count("mastodon", "https://example.org/x" + "y" * 5000) == 5021  # over 4,096


def test_mastodon_counts_a_remote_mention_as_the_user_name() -> None:
    assert count("mastodon", "Merci @claire@mastodon.social !") == len("Merci @claire !")
    assert count("mastodon", "claire@example.org") == 18  # an e-mail address is no mention


def test_mastodon_counts_graphemes_and_takes_an_instance_limit() -> None:
    assert count("mastodon", FAMILY + FLAG_FR) == 2
    assert measure("mastodon", "a" * 501).over is True
    m = measure("mastodon", "a" * 501, limit=1000)
    assert (m.limit, m.over) == (1000, False)


# ---------------------------------------------------------------- Bluesky and Threads


def test_bluesky_counts_grapheme_clusters() -> None:
    assert count("bluesky", FAMILY) == 1
    assert count("bluesky", FLAG_FR + THUMBS) == 2
    assert count("bluesky", unicodedata.normalize("NFD", "été")) == 3
    assert measure("bluesky", "a" * 300).over is False
    assert measure("bluesky", "a" * 301).over is True


def test_bluesky_counts_a_link_as_its_composer_shortens_it() -> None:
    link = "https://www.maison-exemple.fr/hiver/galette-des-rois-2027"
    assert count("bluesky", f"Voir {link}") == len("Voir www.maison-exemple.fr/hiver/galett...")
    assert count("bluesky", "https://e.org/a") == len("e.org/a")
    # Written without its protocol, a link counts as written.
    assert count("bluesky", "maison-exemple.fr/hiver/galette") == 31
    # The host is counted as the browser writes it: punycode, no default port.
    assert count("bluesky", "https://bücher.de:443/") == len("xn--bcher-kva.de")
    m = measure("bluesky", "x" * 2990 + " " + link)
    assert m.bytes == 2990 + 1 + len("www.maison-exemple.fr/hiver/galett...")


def test_bluesky_byte_limit_is_hit_before_the_grapheme_limit() -> None:
    m = measure("bluesky", FAMILY * 121)
    assert (m.count, m.bytes, m.byte_limit) == (121, 3025, 3000)
    assert m.over is True
    assert measure("bluesky", FAMILY * 120).over is False


def test_threads_counts_emoji_by_their_utf8_bytes() -> None:
    assert count("threads", THUMBS) == 4
    assert count("threads", FAMILY) == 25
    assert count("threads", FLAG_FR) == 8
    assert count("threads", "1\ufe0f\u20e3") == 7  # keycap
    assert count("threads", "Été 日本") == 6
    assert measure("threads", "a" * 496 + THUMBS).over is False
    assert measure("threads", "a" * 497 + THUMBS).over is True


# ---------------------------------------------------------------- compose


def test_compose_lays_out_text_hashtags_disclosure_and_link() -> None:
    message = compose(
        "  Notre gamme d'hiver est là.  ",
        ["MaisonExemple", "#Hiver"],
        "#Collaborateur",
        "https://www.example.org/hiver",
    )
    assert message == (
        "Notre gamme d'hiver est là.\n"
        "\n"
        "#MaisonExemple #Hiver #Collaborateur\n"
        "https://www.example.org/hiver"
    )


def test_compose_puts_the_disclosure_after_a_blank_line_without_hashtags() -> None:
    assert compose("Texte", disclosure="#Collaborateur") == "Texte\n\n#Collaborateur"
    assert compose("Texte", link="https://e.org/") == "Texte\nhttps://e.org/"
    assert compose("", ["Hiver"], "#Collaborateur") == "#Hiver #Collaborateur"
    assert compose("", link="https://e.org/") == "https://e.org/"
    assert compose("   ") == ""


def test_compose_leaves_out_hashtags_already_there() -> None:
    message = compose("Du pain #hiver", ["Hiver", "#Pain", "pain", " ", "#"], "#collaborateur")
    assert message == "Du pain #hiver\n\n#Pain #collaborateur"
    assert compose("Texte #Collaborateur", [], "#Collaborateur") == "Texte #Collaborateur"
    # A longer tag is not the same tag.
    assert compose("#Hiver2026", ["Hiver"]) == "#Hiver2026\n\n#Hiver"


def test_compose_does_not_repeat_a_link_already_in_the_text() -> None:
    assert compose("Voir https://e.org/x.", link="https://e.org/x") == "Voir https://e.org/x."
    # A longer link that starts the same is another link.
    assert compose("Voir https://e.org/x/y", link="https://e.org/x") == (
        "Voir https://e.org/x/y\nhttps://e.org/x"
    )


def test_the_composed_message_is_what_gets_counted() -> None:
    message = compose("a" * 240, ["Hiver"], "#Collaborateur", "https://www.example.org/" + "x" * 80)
    assert count("x", message) == 240 + 2 + len("#Hiver #Collaborateur") + 1 + 23


# ---------------------------------------------------------------- share links

TEXT = "Pain d'hiver & co\n#Hiver"
LINK = "https://www.example.org/hiver?utm_source=x"


def test_share_url_x_and_threads_take_the_link_apart() -> None:
    assert share_url("x", TEXT, LINK) == (
        "https://x.com/intent/post?text=Pain%20d%27hiver%20%26%20co%0A%23Hiver"
        "&url=https%3A%2F%2Fwww.example.org%2Fhiver%3Futm_source%3Dx"
    )
    # A text composed with its link gets the same share link.
    assert share_url("x", compose(TEXT, link=LINK), LINK) == share_url("x", TEXT, LINK)
    assert share_url("threads", "Salut", "https://e.org/") == (
        "https://www.threads.com/intent/post?text=Salut&url=https%3A%2F%2Fe.org%2F"
    )
    assert share_url("x", "Salut", "") == "https://x.com/intent/post?text=Salut"


def test_share_url_linkedin_and_facebook_take_only_the_link() -> None:
    assert share_url("linkedin", TEXT, "https://e.org/a?b=c") == (
        "https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fe.org%2Fa%3Fb%3Dc"
    )
    assert share_url("facebook", TEXT, "https://e.org/") == (
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fe.org%2F"
    )
    assert share_url("linkedin", TEXT, "") is None


def test_share_url_text_networks_carry_the_link_in_the_text() -> None:
    assert share_url("bluesky", "Salut à tous", "https://e.org/") == (
        "https://bsky.app/intent/compose?text=Salut%20%C3%A0%20tous%0Ahttps%3A%2F%2Fe.org%2F"
    )
    assert share_url("whatsapp", "Salut", "https://e.org/") == (
        "https://api.whatsapp.com/send?text=Salut%0Ahttps%3A%2F%2Fe.org%2F"
    )
    assert share_url(
        "mastodon", "Salut\nhttps://e.org/", "https://e.org/", instance="mastodon.social"
    ) == ("https://mastodon.social/share?text=Salut%0Ahttps%3A%2F%2Fe.org%2F")


@pytest.mark.parametrize(
    "instance",
    [
        "mastodon.social",
        "https://mastodon.social/",
        "@claire@mastodon.social",
        " Mastodon.Social ",
        "https://mastodon.social/@claire",
        "mastodon.social.",
    ],
)
def test_share_url_mastodon_accepts_every_way_to_name_an_instance(instance: str) -> None:
    assert (
        share_url("mastodon", "Salut", "", instance=instance)
        == "https://mastodon.social/share?text=Salut"
    )


@pytest.mark.parametrize(
    "instance", [None, "", "localhost", "not a host", "ftp://mastodon.social", "@claire"]
)
def test_share_url_mastodon_without_a_valid_instance_has_no_link(instance: str | None) -> None:
    assert share_url("mastodon", "Salut", "https://e.org/", instance=instance) is None


def test_share_url_email_follows_rfc_6068() -> None:
    assert share_url(
        "email",
        "Bonjour à tous,\nvoici + de pain",
        "https://e.org/?a=1&b=2",
        subject="Gamme d'hiver",
    ) == (
        "mailto:?subject=Gamme%20d%27hiver"
        "&body=Bonjour%20%C3%A0%20tous%2C%0D%0Avoici%20%2B%20de%20pain%0D%0A"
        "https%3A%2F%2Fe.org%2F%3Fa%3D1%26b%3D2"
    )


@pytest.mark.parametrize("network_id", ["instagram", "youtube", "tiktok", "pinterest"])
def test_share_url_none_for_networks_without_a_share_link(network_id: str) -> None:
    assert share_url(network_id, "Salut", "https://e.org/") is None


# ---------------------------------------------------------------- tracking


def test_tag_url_fills_the_template_in_order() -> None:
    url = tag_url(
        "https://www.example.org/hiver",
        TEMPLATE,
        network="linkedin",
        campaign="Hiver 2026",
        ambassador="Claire Martin",
    )
    assert url == (
        "https://www.example.org/hiver?utm_source=linkedin&utm_medium=ambassador"
        "&utm_campaign=hiver-2026&utm_content=claire-martin"
    )


def test_tag_url_leaves_out_a_parameter_without_value() -> None:
    url = tag_url(
        "https://www.example.org/hiver", TEMPLATE, network="x", campaign="", ambassador="claire"
    )
    assert (
        url == "https://www.example.org/hiver?utm_source=x&utm_medium=ambassador&utm_content=claire"
    )
    assert "{" not in tag_url("https://e.org/", TEMPLATE)


def test_tag_url_keeps_other_parameters_and_the_fragment() -> None:
    url = tag_url(
        "https://e.org/p?ref=news&utm_source=old&q=a%20b#achat",
        TEMPLATE,
        network="bluesky",
        campaign="Fête des Lumières",
        ambassador="",
    )
    assert url == (
        "https://e.org/p?ref=news&q=a%20b&utm_source=bluesky&utm_medium=ambassador"
        "&utm_campaign=fete-des-lumieres#achat"
    )


def test_tag_url_is_stable_and_leaves_other_schemes_alone() -> None:
    once = tag_url("https://e.org/", TEMPLATE, network="x", campaign="c", ambassador="a")
    assert tag_url(once, TEMPLATE, network="x", campaign="c", ambassador="a") == once
    assert tag_url("mailto:a@e.org", TEMPLATE, network="x") == "mailto:a@e.org"


# ---------------------------------------------------------------- properties


@settings(deadline=None)  # properties, not timings: the machine is shared (speed: bench/)
@given(st.sampled_from(sorted(networks.NETWORKS)), st.text())
def test_count_never_raises(network_id: str, text: str) -> None:
    m = measure(network_id, text)
    assert m.count == count(network_id, text) >= 0


@settings(deadline=None)  # properties, not timings: the machine is shared (speed: bench/)
@given(st.text(alphabet=" .\n/:ab1é日👍\u200d🇫🇷#@-_?=&", max_size=120))
def test_x_counts_word_by_word_exactly_like_twitter_text(text: str) -> None:
    for candidate in (text, "https://" + text, "e.org" + text):
        assert count("x", candidate) == parse_tweet(candidate).weightedLength


@settings(deadline=None)  # properties, not timings: the machine is shared (speed: bench/)
@given(
    st.text(),
    st.lists(st.text(max_size=12), max_size=4),
    st.text(max_size=20),
    st.text(max_size=30),
)
def test_compose_never_ends_with_whitespace(
    text: str, tags: list[str], disclosure: str, link: str
) -> None:
    message = compose(text, tags, disclosure, link)
    assert not message[-1:].isspace()


# ---------------------------------------------------------------- the browser counter

JS_CASES = [
    ("linkedin", "Bonjour à tous"),
    ("linkedin", unicodedata.normalize("NFD", "Fête à Noël")),
    ("x", "Bonjour à tous"),
    ("x", "Notre famille " + FAMILY + " et " + FLAG_FR),
    ("x", "日本語のテキスト"),
    ("x", "Lire https://www.example.org/hiver/" + "a" * 120 + "."),
    ("x", "https://t.co/abc et https://e.org/x?a=1&b=2."),
    ("x", "Intranet : https://intranet.local/x"),
    ("x", "#MaisonExemple #Hiver\n#Collaborateur"),
    ("x", "ligne 1\r\nligne 2… © – " + THUMBS + "\U0001f3fd 1\ufe0f\u20e3"),
    ("x", "(https://fr.wikipedia.org/wiki/Pain_(aliment))"),
    ("mastodon", "Merci @claire@mastodon.social ! https://www.example.org/" + "b" * 80),
    ("mastodon", "https://portal.example/x " + FAMILY),
    ("bluesky", FAMILY + FLAG_FR + " été"),
    ("bluesky", FAMILY * 121),
    ("bluesky", "q\u0307 1\ufe0f\u20e3 a\r\nb"),  # a combining mark and a keycap after ASCII
    ("threads", "n\u0303o 1\ufe0f\u20e3#\ufe0f\u20e3"),
    ("threads", "Salut " + THUMBS + FAMILY + FLAG_FR + " 日本"),
    ("threads", "a" * 497 + THUMBS),
    ("instagram", "Légende\navec #hashtags et " + THUMBS),
    ("x", "Visitez à https://www.maison-exemple.fr/ l’été"),
    ("x", "Bonjour\ufffe \uffff \ufeff"),
    ("x", "moitié \ud83d de paire"),
    ("bluesky", "नमस्ते दोस्तों, हमारी बेकरी में आज ताज़ा ब्रेड है। क्ष"),
    ("bluesky", "আমাদের বেকারিতে আজ তাজা রুটি। ক্ষ"),
    ("bluesky", "Voir https://www.maison-exemple.fr/hiver/galette-des-rois-2027, et e.org/x"),
    (
        "bluesky",
        "(https://fr.wikipedia.org/wiki/Pain_(aliment)) https://bücher.de:443/ HTTPS://E.ORG/ABCDEFGHIJKLMNOPQRST",
    ),
    (
        "bluesky",
        "https://ja.wikipedia.org/wiki/パン?q=é#fin https://e.org/a.\nhttps://e.org/abcdefghijklmnop!",
    ),
    ("bluesky", "x" * 2990 + " https://www.maison-exemple.fr/hiver/galette-des-rois-2027"),
    (
        "mastodon",
        "Lire https://ja.wikipedia.org/wiki/パン et https://fr.wikipedia.org/wiki/Pâtisserie_(cuisine) !",
    ),
    (
        "mastodon",
        "gemini://geminiprotocol.net/docs/ gopher://gopher.floodgap.com/1/world ftp://e.org/f",
    ),
    (
        "mastodon",
        "https://example.org/?q=パン&x=1 @lucas@mastodon.social @claire @a@" + "b" * 260 + ".com",
    ),
    ("mastodon", "a" * 476 + "http://" + "b" * 30 + ".com/example"),
    ("email", "Bonjour,\n\nVoici le kit."),
    ("whatsapp", ""),
]


def run_js(cases: list[tuple[str, str]]) -> list[dict[str, object]]:
    if shutil.which("node") is None:
        pytest.fail("node is required for this test (Node.js ships on the build machines)")
    payload = json.dumps({"rules": networks.js_rules(), "cases": cases})
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "count_cases.js")],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(result.stdout)


def _python(network_id: str, text: str) -> dict[str, object]:
    m = measure(network_id, text)
    return {"count": m.count, "over": m.over, "bytes": m.bytes, "invalid": list(m.invalid)}


def test_browser_counter_agrees_with_python() -> None:
    for (network_id, text), js in zip(JS_CASES, run_js(JS_CASES), strict=True):
        assert js == _python(network_id, text), (network_id, text)


@pytest.mark.browser
def test_browser_counter_agrees_with_python_in_chromium(page: object) -> None:
    script = (ROOT / "generator" / "theme" / "assets" / "relais-count.js").read_text()
    page.set_content("<!doctype html><title>count</title>")  # type: ignore[attr-defined]
    page.add_script_tag(content=script)  # type: ignore[attr-defined]
    results = page.evaluate(  # type: ignore[attr-defined]
        "([rules, cases]) => cases.map(([id, t]) => RelaisCount.count(id, t, rules))",
        [networks.js_rules(), JS_CASES],
    )
    for (network_id, text), js in zip(JS_CASES, results, strict=True):
        assert js == _python(network_id, text), (network_id, text)


def test_browser_counter_documented_differences() -> None:
    # Documented in relais-count.js: Python is authoritative, the browser is close.
    bare_domain, new_emoji = run_js(
        [("x", "maisonexemple.fr"), ("x", "\U0001f9d1\u200d\U0001f4bb")]
    )
    assert (count("x", "maisonexemple.fr"), bare_domain["count"]) == (23, 16)
    assert (count("x", "\U0001f9d1\u200d\U0001f4bb"), new_emoji["count"]) == (5, 2)
