"""The planned moderation section: pages, guide, cards, what the directory publishes, the register."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from generator import networks as net
from generator.plan import plan
from generator.site import Site
from tests.conftest import RepoFactory, copy_demo
from tests.moderation.conftest import NOW, demo_yaml, load_project, private_values

PAGES = ("moderation/index.md", "moderation/escalation.md", "moderation/feedback.md")


def planned(tmp_path: Path) -> Site:
    return plan(load_project(copy_demo(tmp_path / "demo")), NOW)


def test_the_section_and_its_navigation(tmp_path: Path) -> None:
    site = planned(tmp_path)
    for path in PAGES:
        assert path in site.pages
    assert {
        "Modération": [
            {"Réponses validées": "moderation/index.md"},
            {"Qui alerter": "moderation/escalation.md"},
            {"Retours récurrents": "moderation/feedback.md"},
        ]
    } in site.nav


def test_the_guide_links_each_action_to_its_situations_and_the_charter(tmp_path: Path) -> None:
    page = planned(tmp_path).pages["moderation/index.md"]
    guide = page[page.index('id="relais-guide"') : page.index("relais-moderation__filters")]
    situations = demo_yaml("replies.yml")["situations"]  # type: ignore[index]
    for action, label in (
        ("answer", "Répondre"),
        ("hide", "Masquer"),
        ("delete", "Supprimer"),
        ("escalate", "Transmettre"),
    ):
        block = guide[guide.index(f'id="action-{action}"') :].split("</details>")[0]
        assert f"<h3>{label}</h3>" in block
        linked = re.findall(r'href="#situation-([a-z-]+)"', block)
        assert linked == [s for s, v in situations.items() if action in v["actions"]], action
    assert '<a href="../pages/charte-de-moderation/">Lire la charte de modération</a>' in guide
    # Every situation the guide links to exists on the page.
    for situation in situations:
        assert f'<section class="relais-situation" id="situation-{situation}"' in page


def test_each_reply_has_a_card_per_site_network_counted_as_a_reply(tmp_path: Path) -> None:
    page = planned(tmp_path).pages["moderation/index.md"]
    replies = demo_yaml("replies.yml")["replies"]  # type: ignore[index]
    networks = ["linkedin", "x", "instagram", "facebook", "mastodon", "bluesky"]
    for reply in replies:
        assert f'id="reply-{reply["id"]}"' in page
        for network in networks:
            assert f'id="reply-{reply["id"]}-{network}"' in page
    horaires = page[page.index('id="reply-horaires-linkedin"') :].split("</section>")[0]
    text = re.sub(r"[ \t\n]+", " ", replies[0]["text"])  # not the no-break spaces
    assert html.escape(text, quote=False) in horaires
    count = net.count("linkedin", text)
    assert f"{count} / 1250 caractères" in horaires  # a LinkedIn comment, not a post (3,000)
    assert "voir plus" not in horaires and "relais-card__share" not in horaires
    assert "relais-card__instance" not in page  # no Mastodon instance to share to
    # Instagram has its own text (no clickable link in a comment there).
    instagram = page[page.index('id="reply-horaires-instagram"') :].split("</section>")[0]
    assert "lien dans la bio" in instagram
    # The browser counts with the same limits.
    box = re.search(r'data-rules="([^"]+)"', page)
    assert box is not None
    rules = json.loads(html.unescape(box.group(1)))
    assert rules["linkedin"]["limit"] == 1250 and rules["x"]["limit"] == 280
    assert rules["linkedin"]["fold"] is None


def test_placeholders_and_variants_reach_the_card(tmp_path: Path) -> None:
    page = planned(tmp_path).pages["moderation/index.md"]
    card = page[page.index('id="reply-merci-x"') :].split("</section>")[0]
    assert 'data-variant="0"' in card and "1/2" in card
    variants = json.loads(html.unescape(re.search(r'data-variants="([^"]+)"', card).group(1)))  # type: ignore[union-attr]
    assert variants == demo_yaml("replies.yml")["replies"][-1]["text"]  # type: ignore[index]
    assert '<p class="relais-card__hint">' in card  # [[prénom]] must be filled before copying


def test_the_directory_publishes_only_the_public_fields(tmp_path: Path) -> None:
    site = planned(tmp_path)
    page = site.pages["moderation/escalation.md"]
    assert '<section class="relais-topic" id="topic-qualite">' in page
    assert "<dt>Délai de réponse</dt><dd>1 h, 7 jours sur 7</dd>" in page
    secrets = private_values()
    assert secrets and any("+33" in s for s in secrets)
    everything = json.dumps([site.pages, site.search, site.nav], ensure_ascii=False)
    for secret in secrets:
        assert html.escape(secret, quote=False) not in everything and secret not in everything


def test_a_field_marked_public_for_one_topic_is_shown_for_that_topic_only(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = copy_demo(tmp_path / "demo")
    path = root / "moderation/escalation.yml"
    text = path.read_text(encoding="utf-8").replace(
        "    person: Marc Lefèvre\n", "    person: Marc Lefèvre\n    public: [service, person]\n"
    )
    path.write_text(text, encoding="utf-8")
    site = plan(load_project(root), NOW)
    page = site.pages["moderation/escalation.md"]
    qualite = page[page.index('id="topic-qualite"') :].split("</section>")[0]
    assert "<dd>Marc Lefèvre</dd>" in qualite and "Responsable qualité" not in qualite
    assert "Inès Moreau" not in page  # the other topics keep the file's list


def test_the_register_lists_open_items_first_with_their_replies(tmp_path: Path) -> None:
    page = planned(tmp_path).pages["moderation/feedback.md"]
    order = re.findall(r'id="feedback-([a-z-]+)"', page)
    assert order == [
        "livraison-vaise",  # open, 9
        "emballages-plastique",  # open, 7
        "attente-dimanche",  # in progress
        "horaires-fete-des-lumieres",  # solved
        "pain-sans-gluten",  # declined
    ]
    item = page[page.index('id="feedback-attente-dimanche"') :].split("</li>")[0]
    assert "signalé 23 fois" in item and "En cours" in item
    assert '<a href="../">Trop d’attente</a>' not in item
    assert '<a href="../#reply-attente-boutique">Trop d’attente</a>' in item
    assert '<a href="../escalation/#topic-boutiques">' in item
    assert '<a href="../../ambassadors/ines-moreau/">Inès Moreau</a>' in item


def test_english_labels(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    config = root / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: fr", "language: en"))
    site = plan(load_project(root), NOW)
    assert {
        "Moderation": [
            {"Approved replies": "moderation/index.md"},
            {"Who to alert": "moderation/escalation.md"},
            {"Recurring feedback": "moderation/feedback.md"},
        ]
    } in site.nav
    feedback = site.pages["moderation/feedback.md"]
    assert "raised 23 times" in feedback and "raised 1 time" not in feedback
    assert "<h3>Escalate</h3>" in site.pages["moderation/index.md"]


def test_hostile_text_stays_text(make_repo: RepoFactory) -> None:
    evil = '<script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1)) " onmouseover="x'
    files = {
        "ambassadors/claire-martin.yml": "name: Claire Martin\n",
        "moderation/replies.yml": (
            "situations:\n  q: {label: '" + evil.replace("'", "''") + "', actions: [answer]}\n"
            "replies:\n  - id: r\n    situation: q\n    title: '" + evil.replace("'", "''") + "'\n"
            "    when: x\n    owner: claire-martin\n    review: 2027-01-01\n"
            "    text: '" + evil.replace("'", "''") + "'\n"
        ),
        "moderation/escalation.yml": "public: [service]\ntopics:\n  - id: t\n    topic: '"
        + evil.replace("'", "''")
        + "'\n    service: S\n",
    }
    site = plan(load_project(make_repo(files)), NOW)
    for path in PAGES:
        page = site.pages[path]
        assert "<script>" not in page and 'onmouseover="x' not in page
        assert "{{ 7*7 }}" not in page or "49" not in page
