"""`relais check` on kits: exact diagnostics (file, line, code, message, hint) on small repositories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from generator.check import check
from generator.cli import cli
from tests.kits.conftest import AMBASSADORS, CAMPAIGNS, KIT_CONFIG, NOW, load_project, post_file

KIT_CODES = {
    "share-too-long",
    "message-too-long",
    "share-network",
    "share-window",
    "blocked-word",
    "share-message-missing",
    "share-no-link",
    "share-prompt",
    "tracking-placeholder",
    "embargo-link-shared",
    "private-email",
    "ambassador-id-reserved",
    "invalid-character",
    "hashtag-invalid",
    "message-has-link",
    "handle-invalid",
}
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"


def kit_diagnostics(root: Path) -> list[tuple[str, int, str, str, str, str]]:
    project = load_project(root)
    return [
        (d.file, d.line, d.severity.value, d.code, d.message, d.hint)
        for d in check(project, NOW)
        if d.code in KIT_CODES
    ]


def repo(make_repo: Callable[..., Path], posts: dict[str, str], config: str = KIT_CONFIG) -> Path:
    files = {"calendar/campaigns.yml": CAMPAIGNS, **AMBASSADORS}
    files.update({f"content/posts/{slug}.md": text for slug, text in posts.items()})
    return make_repo(files, config=config)


def test_a_clean_kit_has_no_diagnostic(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "ok": post_file("""
title: Tout va bien
date: 2026-12-03T09:00
networks: [linkedin, x]
link: https://www.example.org/ok
share:
  hashtags: [Hiver]
  messages:
    linkedin: Un texte court.
    x: Un texte court.
""")
        },
    )
    assert kit_diagnostics(root) == []


def test_a_suggestion_too_long_once_composed(make_repo: Callable[..., Path]) -> None:
    # 230 characters fit alone, but not with the hashtags, the disclosure and the tagged link (23).
    root = repo(
        make_repo,
        {
            "long": post_file(f"""
title: Trop long
date: 2026-12-03T09:00
networks: [x]
campaign: hiver-2026
link: https://www.example.org/hiver
share:
  hashtags: [MaisonExemple, Hiver]
  messages:
    x: {"x" * 230}
""")
        },
    )
    assert kit_diagnostics(root) == [
        (
            "content/posts/long.md",
            10,
            "error",
            "share-too-long",
            "the x suggestion is 285 characters on X, over its limit of 280 as posted",
            "shorten it by 5 characters (text, hashtags, disclosure and link count together)",
        )
    ]


def test_each_variant_is_checked_at_its_own_line(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "variants": post_file(f"""
title: Variantes
date: 2026-12-03T09:00
networks: [x]
link: https://www.example.org/v
share:
  messages:
    x:
      - Court.
      - {"y" * 260}
""")
        },
    )
    assert [(line, message) for _, line, _, _, message, _ in kit_diagnostics(root)] == [
        (
            10,
            "the x suggestion (variant 2) is 293 characters on X, over its limit of 280 as posted",
        ),
    ]


def test_an_intranet_link_on_x_is_counted_in_full_and_the_hint_says_so(
    make_repo: Callable[..., Path],
) -> None:
    root = repo(
        make_repo,
        {
            "intranet": post_file(f"""
title: Intranet
date: 2026-12-03T09:00
networks: [x]
link: https://intranet.corp/{"p" * 60}
share:
  messages:
    x: {"z" * 200}
""")
        },
    )
    [(_, line, _, code, message, hint)] = kit_diagnostics(root)
    assert (line, code) == (8, "share-too-long")
    assert message.startswith("the x suggestion is 3")
    assert hint.endswith(
        "X counts a link as 23 characters only when its host ends in a public domain: "
        f"https://intranet.corp/{'p' * 60}?utm_source=x&utm_medium=ambassador&utm_campaign=intranet&utm_content=ben-marchand"
        " is counted character by character"
    )


def test_an_official_message_is_measured_with_the_post_link(make_repo: Callable[..., Path]) -> None:
    # 260 + line break + 23 for the link = 284 on X: no hashtags nor disclosure for the brand's own post.
    root = repo(
        make_repo,
        {
            "official": post_file(f"""
title: Message officiel
date: 2026-12-03T09:00
networks: [x, linkedin]
link: https://www.example.org/officiel
messages:
  x: {"o" * 260}
  linkedin: {"o" * 260}
""")
        },
    )
    assert kit_diagnostics(root) == [
        (
            "content/posts/official.md",
            7,
            "error",
            "message-too-long",
            "the x message is 284 characters on X, over its limit of 280 as posted",
            "shorten it by 4 characters (text, hashtags, disclosure and link count together)",
        )
    ]


def test_bluesky_bytes_are_a_limit_too(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "octets": post_file(f"""
title: Octets
date: 2026-12-03T09:00
networks: [bluesky]
link: https://www.example.org/b
share:
  messages:
    bluesky: "{FAMILY * 130}"
""")
        },
    )
    [(_, line, _, code, message, hint)] = kit_diagnostics(root)
    assert (line, code) == (8, "share-too-long")
    assert (
        message
        == "the bluesky suggestion is 3298 bytes on Bluesky, over its limit of 3000 bytes as posted"
    )
    assert hint == "shorten it by 298 bytes (emoji and accented letters take several)"


def test_a_site_limit_overrides_the_networks_default(make_repo: Callable[..., Path]) -> None:
    config = KIT_CONFIG.replace(
        "mastodon: {instance: https://mastodon.social}",
        "mastodon: {instance: https://mastodon.social, limit: 1000}",
    )
    root = repo(
        make_repo,
        {
            "m": post_file(f"""
title: Mastodon long
date: 2026-12-03T09:00
networks: [mastodon]
link: https://www.example.org/m
share:
  messages:
    mastodon: {"m" * 700}
""")
        },
        config=config,
    )
    assert kit_diagnostics(root) == []


def test_share_networks_windows_and_missing_parts(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "reseaux": post_file("""
title: Réseaux
date: 2026-12-03T09:00
networks: [linkedin, instagram]
share:
  from: 2026-12-10
  until: 2026-12-05
  messages:
    linkdin: Faute de frappe.
    linkedin: "Mon avis : [[ ]]"
    instagram: "À compléter : [[votre angle"
""")
        },
    )
    assert kit_diagnostics(root) == [
        (
            "content/posts/reseaux.md",
            5,
            "warning",
            "share-no-link",
            "the share block has no link to tag: the post has no link",
            "add 'link: https://…' to the post so that shares can be tracked",
        ),
        (
            "content/posts/reseaux.md",
            7,
            "error",
            "share-window",
            "share.until (2026-12-05) is before share.from (2026-12-10)",
            "set share.until on or after the first day of the kit, or remove it (default: 14 days)",
        ),
        (
            "content/posts/reseaux.md",
            9,
            "error",
            "share-network",
            "share.messages has a suggestion for 'linkdin', which is not in this post's networks",
            "did you mean 'linkedin'?",
        ),
        (
            "content/posts/reseaux.md",
            10,
            "warning",
            "share-prompt",
            "a [[…]] prompt is empty",
            "write what the ambassador should fill in between [[ and ]], e.g. [[votre angle]]",
        ),
        (
            "content/posts/reseaux.md",
            11,
            "warning",
            "share-prompt",
            "a [[…]] prompt is not closed",
            "write what the ambassador should fill in between [[ and ]], e.g. [[votre angle]]",
        ),
    ]


def test_until_before_the_post_date_when_from_is_left_out(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "avant": post_file("""
title: Avant
date: 2026-12-03T09:00
networks: [linkedin]
link: https://www.example.org/a
share:
  until: 2026-12-01
  messages:
    linkedin: Texte.
""")
        },
    )
    assert kit_diagnostics(root) == [
        (
            "content/posts/avant.md",
            7,
            "error",
            "share-window",
            "share.until (2026-12-01) is before the post's date (2026-12-03)",
            "set share.until on or after the first day of the kit, or remove it (default: 14 days)",
        )
    ]


def test_a_network_without_suggestion_is_a_warning(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "manque": post_file("""
title: Manque
date: 2026-12-03T09:00
networks: [linkedin, instagram]
link: https://www.example.org/m
share:
  messages:
    linkedin: Texte.
""")
        },
    )
    assert kit_diagnostics(root) == [
        (
            "content/posts/manque.md",
            6,
            "warning",
            "share-message-missing",
            "the share block has no suggestion for 'instagram', which this post targets",
            "add share.messages.instagram, or ambassadors get no instagram card",
        )
    ]


def test_blocked_words_ignore_case_and_accents_and_say_where(
    make_repo: Callable[..., Path],
) -> None:
    root = repo(
        make_repo,
        {
            "interdit": post_file("""
title: Un pain GRATUIT A VIE
date: 2026-12-03T09:00
networks: [linkedin, x]
link: https://www.example.org/i
messages:
  x: "Gratuit   à  vie, vraiment."
share:
  hashtags: [GratuitAVie]
  messages:
    linkedin:
      - Texte correct.
      - "Un pain gratuit à vie !"
    x: Texte correct, gratuité à vieillir n'est pas visé.
""")
        },
    )
    assert kit_diagnostics(root) == [
        (
            "content/posts/interdit.md",
            2,
            "error",
            "blocked-word",
            "'gratuit à vie' is a blocked word (rules.blocked_words) and appears in title",
            "rephrase it: the editorial charter rules it out",
        ),
        (
            "content/posts/interdit.md",
            7,
            "error",
            "blocked-word",
            "'gratuit à vie' is a blocked word (rules.blocked_words) and appears in messages.x",
            "rephrase it: the editorial charter rules it out",
        ),
        (
            "content/posts/interdit.md",
            13,
            "error",
            "blocked-word",
            "'gratuit à vie' is a blocked word (rules.blocked_words) and appears in share.messages.linkedin[2]",
            "rephrase it: the editorial charter rules it out",
        ),
    ]


def test_an_unknown_tracking_placeholder(make_repo: Callable[..., Path]) -> None:
    config = KIT_CONFIG.replace('utm_campaign: "{campaign}"', 'utm_campaign: "{campagne}"')
    root = repo(make_repo, {}, config=config)
    assert kit_diagnostics(root) == [
        (
            "site_config.yml",
            20,
            "error",
            "tracking-placeholder",
            "tracking.utm_campaign uses an unknown placeholder '{campagne}'",
            "did you mean 'campaign'?",
        )
    ]


def test_a_visible_post_must_not_show_an_embargoed_link(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "secret": post_file("""
title: Secret
date: 2027-02-10T09:00
networks: [linkedin]
embargo: true
link: https://www.example.org/secret
"""),
            "fuite": post_file("""
title: Fuite
date: 2026-12-03T09:00
networks: [linkedin]
link: https://www.example.org/secret
"""),
        },
    )
    assert kit_diagnostics(root) == [
        (
            "content/posts/fuite.md",
            5,
            "warning",
            "embargo-link-shared",
            "this post shows the link of an embargoed post (content/posts/secret.md) before 2027-02-10T09:00+01:00",
            "embargo this post too (embargo: true), or give it another link until then",
        )
    ]


def test_a_cancelled_post_is_not_checked(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "annule": post_file(f"""
title: Annulé gratuit à vie
date: 2026-12-03T09:00
networks: [x]
status: cancelled
share:
  messages:
    x: {"x" * 300}
""")
        },
    )
    assert kit_diagnostics(root) == []


def test_the_severity_of_a_kit_check_can_be_changed(make_repo: Callable[..., Path]) -> None:
    config = KIT_CONFIG.replace(
        '  blocked_words: ["gratuit à vie"]',
        '  blocked_words: ["gratuit à vie"]\n  severity: {share-message-missing: error}',
    )
    root = repo(
        make_repo,
        {
            "manque": post_file("""
title: Manque
date: 2026-12-03T09:00
networks: [linkedin, instagram]
link: https://www.example.org/m
share:
  messages:
    linkedin: Texte.
""")
        },
        config=config,
    )
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--now", "2026-12-01T08:00"])
    assert result.exit_code == 1
    assert (
        "content/posts/manque.md:6: error: the share block has no suggestion for 'instagram', "
        "which this post targets [share-message-missing]"
    ) in result.output


def test_an_email_typed_into_published_text(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "contact": post_file(
                """
title: Contact
date: 2026-12-03T09:00
networks: [linkedin]
""",
                "Le brief.\n\nQuestions : Ana.Lopez@private.example",
            )
        },
    )
    root.joinpath("content/pages").mkdir(parents=True)
    root.joinpath("content/pages/guide.md").write_text(
        "# Guide\n\nÉcrire à ben.marchand@private.example.\n", encoding="utf-8"
    )
    assert kit_diagnostics(root) == [
        (
            "content/pages/guide.md",
            3,
            "warning",
            "private-email",
            "the private e-mail of ambassador 'ben-marchand' is written here and would be published",
            "ambassadors' e-mails stay out of the portal: write a team address instead",
        ),
        (
            "content/posts/contact.md",
            8,
            "warning",
            "private-email",
            "the private e-mail of ambassador 'ana-lopez' is written here and would be published",
            "ambassadors' e-mails stay out of the portal: write a team address instead",
        ),
    ]


def test_index_is_not_an_ambassador_id(make_repo: Callable[..., Path]) -> None:
    root = repo(make_repo, {})
    root.joinpath("ambassadors/index.yml").write_text("name: Index\n", encoding="utf-8")
    assert kit_diagnostics(root) == [
        (
            "ambassadors/index.yml",
            1,
            "error",
            "ambassador-id-reserved",
            "'index' cannot be an ambassador id: ambassadors/index/ is the directory",
            "rename the file, e.g. ambassadors/<first-name>-<last-name>.yml",
        )
    ]


# ---------------------------------------------------------------- networks' own rules


def test_a_character_x_refuses_is_an_error_at_its_message(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "bom": post_file("""
title: Invisible
date: 2026-12-03T09:00
networks: [x, linkedin]
link: https://www.example.org/b
share:
  messages:
    x: "Pain\\ufeff chaud"
    linkedin: "Pain\\ufeff chaud"
""")
        },
    )
    assert kit_diagnostics(root) == [
        (
            "content/posts/bom.md",
            8,
            "error",
            "invalid-character",
            "the x suggestion holds U+FEFF, which X refuses: the post would be rejected",
            (
                "delete it: it is invisible, often pasted from another program "
                "(retype the words around it)"
            ),
        )
    ]


def test_hashtags_by_twitter_texts_rule(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "tags": post_file("""
title: Tags
date: 2026-12-03T09:00
networks: [x]
link: https://www.example.org/t
share:
  hashtags:
    - Fête_des_Lumières
    - Fête des Lumières
    - "#2026"
    - Lyon-Vaise
  messages:
    x: Bonjour.
""")
        },
    )
    found = [(line, sev, message) for _, line, sev, code, message, _ in kit_diagnostics(root)]
    assert found == [
        (
            9,
            "error",
            (
                "hashtag 'Fête des Lumières' holds a space, where networks end the hashtag "
                "(only '#Fête' would be linked)"
            ),
        ),
        (
            10,
            "warning",
            "hashtag '#2026' holds only digits, which networks never link as a hashtag",
        ),
        (
            11,
            "error",
            (
                "hashtag 'Lyon-Vaise' holds '-', where networks end the hashtag "
                "(only '#Lyon' would be linked)"
            ),
        ),
    ]


def test_a_message_holding_the_posts_link_is_reported(make_repo: Callable[..., Path]) -> None:
    root = repo(
        make_repo,
        {
            "lien": post_file("""
title: Lien
date: 2026-12-03T09:00
networks: [x, linkedin]
link: https://www.example.org/lien
messages:
  linkedin: "À lire : https://www.example.org/lien."
share:
  messages:
    x: "Voir https://www.example.org/lien"
    linkedin: "Voir https://www.example.org/lien-bis"
""")
        },
    )
    found = [(line, code, message) for _, line, _, code, message, _ in kit_diagnostics(root)]
    assert found == [
        (
            7,
            "message-has-link",
            (
                "the linkedin message already holds the post's link "
                "https://www.example.org/lien, which is added when the message is composed"
            ),
        ),
        (
            10,
            "message-has-link",
            (
                "the x suggestion already holds the post's link "
                "https://www.example.org/lien, which is added when the message is composed "
                "(tagged for each ambassador): it would appear twice"
            ),
        ),
    ]


def test_handles_by_each_networks_rule(make_repo: Callable[..., Path]) -> None:
    root = make_repo(
        {
            "ambassadors/zoe.yml": """\
name: Zoé
networks:
  x: {handle: "@zoe-martin"}
  bluesky: {handle: zoe.bsky.social}
  mastodon: {handle: "@zoe@piaille.fr"}
  linkedin: {handle: "https://www.linkedin.com/in/zoe-martin/"}
  instagram: {handle: "zoe..martin"}
  facebook: {handle: zoe}
""",
        },
        config=KIT_CONFIG,
    )
    found = [(line, message, hint) for _, line, _, code, message, hint in kit_diagnostics(root)]
    assert found == [
        (
            3,
            "the X handle '@zoe-martin' is not an account name on X (1 to 15 letters, digits or '_')",
            "write the account name only, e.g. '@maison_exemple'",
        ),
        (
            6,
            "the LinkedIn handle 'https://www.linkedin.com/in/zoe-martin/' is an address, not an account name",
            "write the account name only, e.g. 'claire-martin'",
        ),
        (
            7,
            (
                "the Instagram handle 'zoe..martin' is not an account name on Instagram "
                "(up to 30 letters, digits, '.' or '_', not ending with '.')"
            ),
            "write the account name only, e.g. 'claire.aufournil'",
        ),
        (
            8,
            "the Facebook handle 'zoe' is not an account name on Facebook (5 to 50 letters, digits or '.')",
            "write the account name only, e.g. 'maison.exemple'",
        ),
    ]
