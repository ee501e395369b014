"""OPML in and out: folders become themes, ids are made unique, DTDs are refused."""

from __future__ import annotations

import pytest

from generator.watch.config import WatchConfig
from generator.watch.opml import OpmlError, export_opml, import_opml, read_opml

from .conftest import FEEDS

EXISTING = WatchConfig.model_validate(
    {
        "themes": {"concurrence": "Concurrence", "secteur": "Secteur"},
        "feeds": [
            {"id": "le-fournil-co", "url": "https://example.org/feed.xml", "theme": "secteur"}
        ],
    }
)


def test_import_adds_new_feeds_with_folders_as_themes():
    found = import_opml(FEEDS / "readers.opml", EXISTING)
    assert found.themes == {"sous-dossier": "Sous-dossier", "imported": "Imported"}
    assert [(f.id, f.url, f.theme, f.name) for f in found.feeds] == [
        ("le-fournil-co-2", "https://fournil.example/feed.xml", "concurrence", "Le Fournil & Co"),
        ("le-fournil-co-3", "https://fournil-tech.example/rss", "sous-dossier", "Le Fournil & Co"),
        ("sans-dossier-example", "https://sans-dossier.example/atom", "imported", None),
    ]
    assert found.skipped == (
        "Déjà suivi: already in site_config.yml",
        "Mauvais: address 'javascript:alert(1)' must start with http:// or https://",
    )


def test_import_into_an_empty_configuration_with_another_default_theme():
    found = import_opml(FEEDS / "readers.opml", default_theme="divers")
    assert set(found.themes) == {"concurrence", "sous-dossier", "divers"}
    assert len(found.feeds) == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><opml><body/></opml>',
            "DOCTYPE",
        ),
        (b'<!DOCTYPE opml SYSTEM "file:///etc/passwd"><opml><body/></opml>', "DOCTYPE"),
        (b"<rss/>", "not <opml>"),
        (b"<opml><head/></opml>", "no <body>"),
        (b"<opml><body>", "not well-formed"),
        (b"", "not well-formed"),
    ],
)
def test_hostile_or_broken_opml_is_refused(data, message):
    with pytest.raises(OpmlError, match=message):
        read_opml(data)


def test_export_then_import_round_trips():
    config = WatchConfig.model_validate(
        {
            "themes": {"secteur": "Secteur & co", "veille": "Veille <tech>"},
            "feeds": [
                {
                    "id": "a",
                    "url": "https://a.example/feed?x=1&y=2",
                    "theme": "secteur",
                    "name": 'Le "A"',
                },
                {"id": "b", "url": "https://b.example/rss", "theme": "veille"},
            ],
        }
    )
    text = export_opml(config, title="Relais")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert 'xmlUrl="https://a.example/feed?x=1&amp;y=2"' in text
    back = read_opml(text.encode())
    assert back.themes == {"secteur": "Secteur & co", "veille": "Veille <tech>"}
    assert back.feeds == tuple(f.model_copy(update={"name": f.name or f.id}) for f in config.feeds)
