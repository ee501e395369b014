"""The watch: section: the content format's forms (docs/editor/content-format.md) stay valid,
the richer forms work, mistakes are diagnosed."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from generator.watch.config import KeywordRules, WatchConfig, check_watch, line_finder, slugify

DESIGN_EXAMPLE = """\
watch:
  themes: {e-reputation: E-réputation, concurrence: Concurrence, secteur: Secteur}
  feeds:
    - id: actu-secteur
      url: https://example.org/feed.xml
      theme: secteur
      keywords: [boulangerie, "pain au levain"]   # optional: keep or highlight matches
"""


def load(text: str) -> tuple[WatchConfig, list]:
    config = WatchConfig.model_validate(yaml.safe_load(text)["watch"])
    return config, check_watch(config, "site_config.yml", line_finder(text))


def test_the_design_example_is_valid_and_its_keyword_list_means_highlight():
    config, diags = load(DESIGN_EXAMPLE)
    assert diags == []
    assert config.themes["e-reputation"].label == "E-réputation"
    feed = config.feeds[0]
    assert feed.keywords == KeywordRules(highlight=("boulangerie", "pain au levain"))
    assert feed.keywords.include == () and feed.keywords.exclude == ()


def test_defaults():
    config = WatchConfig()
    assert config.allow_private_addresses is False
    assert config.cache_dir == ".relais/watch"
    assert (config.max_entries_per_feed, config.max_entries_per_theme, config.max_age_days) == (
        30,
        100,
        90,
    )
    assert (config.timeouts.connect, config.timeouts.read, config.timeouts.total) == (5, 10, 30)
    assert (config.max_bytes, config.max_redirects, config.workers) == (5_000_000, 5, 16)


def test_the_richer_forms():
    config, diags = load("""\
watch:
  themes:
    concurrence: {label: Concurrence, keywords: {exclude: [/offre d'emploi/]}}
    secteur: Secteur
  keywords: Maison Exemple
  feeds:
    - id: alertes
      url: https://www.google.com/alerts/feeds/1/2
      theme: concurrence
      name: Alertes Google
      keywords:
        include: [boulangerie, "/levains?/"]
        exclude: [recrutement]
        highlight: [2026]
  timeouts: {connect: 2, read: 4, total: 10}
""")
    assert diags == []
    assert config.keywords == ("Maison Exemple",)
    assert config.themes["concurrence"].keywords.exclude == ("/offre d'emploi/",)
    rules = config.feeds[0].keywords
    assert rules.include == ("boulangerie", "/levains?/")
    assert rules.highlight == ("2026",)  # YAML read a number; a keyword is text
    assert config.feeds[0].name == "Alertes Google"


def test_models_are_frozen_and_unknown_keys_refused():
    config = WatchConfig()
    with pytest.raises(ValidationError):
        config.workers = 3  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        WatchConfig.model_validate(
            {"feeds": [{"id": "a", "url": "https://a.example/", "theme": "t", "tags": []}]}
        )
    with pytest.raises(ValidationError):
        WatchConfig.model_validate({"workers": 0})


def test_check_watch_reports_every_problem_with_its_line():
    _, diags = load("""\
watch:
  themes:
    Secteur: Secteur
    concurrence: Concurrence
  keywords: ["/[unclosed/"]
  feeds:
    - id: Actu
      url: https://example.org/feed.xml
      theme: secteur
    - id: actu
      url: ftp://example.org/feed.xml
      theme: concurence
    - id: actu
      url: https://example.org/feed.xml
      theme: concurrence
      keywords: {include: ["/a*/"], exclude: [""]}
    - id: no-host
      url: "https:///feed.xml"
      theme: concurrence
  cache_dir: ../elsewhere
""")
    found = [(d.severity.value, d.line, d.code, d.message) for d in diags]
    assert ("error", 3, "watch-theme-id", "'Secteur' is not a valid theme id") in found
    assert ("error", 7, "watch-feed-id", "'Actu' is not a valid feed id") in found
    assert ("error", 9, "watch-unknown-theme", "feed 'Actu' has unknown theme 'secteur'") in found
    assert ("error", 10, "watch-duplicate-feed", "feed id 'actu' is used by 2 feeds") in found
    assert (
        "error",
        11,
        "watch-feed-url",
        "feed 'actu': address 'ftp://example.org/feed.xml' must start with http:// or https://",
    ) in found
    assert (
        "warning",
        14,
        "watch-duplicate-url",
        "feed 'actu' has the same address as feed 'Actu'",
    ) in found
    assert (
        "error",
        16,
        "watch-keyword",
        "keyword /a*/ matches an empty text, so it would match everything",
    ) in found
    assert ("error", 16, "watch-keyword", "empty keyword") in found
    assert (
        "error",
        18,
        "watch-feed-url",
        "feed 'no-host': address 'https:///feed.xml' has no host name",
    ) in found
    assert (
        "error",
        20,
        "watch-cache-dir",
        "cache_dir '../elsewhere' must be a folder inside the repository",
    ) in found
    regex = next(d for d in diags if d.code == "watch-keyword" and "unclosed" in d.message)
    assert regex.line == 5 and "not a valid regular expression" in regex.message
    unknown = next(
        d for d in diags if d.code == "watch-unknown-theme" and "concurence" in d.message
    )
    assert unknown.hint == "did you mean 'concurrence'?" and unknown.line == 12
    assert all(d.file == "site_config.yml" for d in diags)


def test_check_watch_without_line_numbers():
    config = WatchConfig.model_validate(
        {"feeds": [{"id": "a", "url": "https://a.example/", "theme": "x"}]}
    )
    assert [(d.line, d.code) for d in check_watch(config)] == [(1, "watch-unknown-theme")]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Café & Co", "cafe-co"),
        ("  Été 2026 !", "ete-2026"),
        ("日本", "fallback"),
        ("a" * 100, "a" * 60),
    ],
)
def test_slugify(text, slug):
    assert slugify(text, "fallback") == slug
