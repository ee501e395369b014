"""Adding feeds to site_config.yml as text: every other line, comment and quote stays as it was."""

from __future__ import annotations

import pytest
import yaml

from generator.watch.config import Feed
from generator.watch.configedit import ConfigEditError, add_to_config

NEW = [Feed(id="fournil", url="https://fournil.example/rss", theme="tech", name="Le Fournil: news")]
THEMES = {"tech": "Tech & co"}

DESIGN = """\
site:
  name: Maison Exemple   # the portal's name
watch:
  themes: {e-reputation: E-réputation, secteur: Secteur}
  feeds:
    - id: actu-secteur
      url: https://example.org/feed.xml
      theme: secteur
      keywords: [boulangerie, "pain au levain"]   # optional
# the end
tracking:
  utm_medium: ambassador
"""


def test_the_design_layout():
    out = add_to_config(DESIGN, THEMES, NEW)
    assert out == DESIGN.replace(
        "secteur: Secteur}", 'secteur: Secteur, tech: "Tech & co"}'
    ).replace(
        '"pain au levain"]   # optional\n',
        '"pain au levain"]   # optional\n'
        "    - id: fournil\n      name: 'Le Fournil: news'\n      url: https://fournil.example/rss\n      theme: tech\n",
    )


@pytest.mark.parametrize(
    "text",
    [
        "site:\n  name: X\n",
        "site:\n  name: X",
        "",
        "watch:\n  themes:\n    a: A\n",
        "watch:\n  themes:\n    a: A\n  feeds:\n",
        "watch:\n  feeds: []\n  themes: {}\n",
        (
            "watch:\n    themes:\n        a: A\n    feeds:\n    -   id: x\n        url: https://x.example/\n        theme: a\n"
            "    workers: 4\n"
        ),
        (
            "watch:\n  themes:\n    a: |\n      Label\n  feeds:\n  - id: x\n    url: https://x.example/\n    theme: a\n"
            "    name: |\n      multi\n      line\nnext: 2\n"
        ),
        "watch:\n",
    ],
)
def test_other_layouts_load_back_to_what_was_meant(text):
    out = add_to_config(text, THEMES, NEW)
    data = yaml.safe_load(out)
    before = yaml.safe_load(text) or {}
    watch = before.get("watch") or {}
    assert data["watch"]["themes"] == {**(watch.get("themes") or {}), "tech": "Tech & co"}
    assert data["watch"]["feeds"][-1] == {
        "id": "fournil",
        "name": "Le Fournil: news",
        "url": "https://fournil.example/rss",
        "theme": "tech",
    }
    if "watch" not in text:
        assert out.startswith(text)  # appended, nothing rewritten
    for key, value in before.items():
        if key != "watch":
            assert data[key] == value


def test_an_unusual_layout_is_refused_rather_than_rewritten():
    with pytest.raises(ConfigEditError):
        add_to_config("watch: {themes: {a: A}, feeds: []}\n", THEMES, NEW)
    with pytest.raises(ConfigEditError):
        add_to_config("- a list\n", THEMES, NEW)
    with pytest.raises(ConfigEditError, match="not valid YAML"):
        add_to_config("watch: [\n", THEMES, NEW)


def test_nothing_to_add_changes_nothing():
    assert add_to_config(DESIGN, {}, []) == DESIGN
