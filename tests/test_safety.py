"""Output safety: build a repository seeded with traps, then scan every file of the built site.

What a colleague writes (titles, messages, hashtags, names, key dates, campaigns, briefs,
pages) must be shown as text and never run in a reader's browser; no `javascript:`,
`data:` or `vbscript:` URL; every external link has rel="noopener noreferrer"; nothing of
an embargoed post and no ambassador's e-mail anywhere (pages, search index, sitemap, .ics,
.json); `{{ }}` and `{% %}` written in content appear as written, never evaluated.
"""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import cli

NOW = "2026-12-01T08:00"
SITE_HOST = "portal.example.org"
X = '<script>alert("x")</script><img src=x onerror=alert(1)>'
T = "{{ config }} {% raw %} {# c #}"
EMBARGO_MARKERS = ("EMBARGO-MARKER-7f3a", "EMBARGOMARKER7f3a", "secret-launch-7f3a", "embargo-7f3a")
EMAILS = ("unique.ambassador.4b1e@example.org", "hidden.ambassador.91c2@example.org")
PNG = (Path(__file__).parent / "corpus/_base/content/media/pain.png").read_bytes()

TRAPS: dict[str, str] = {
    "site_config.yml": f"""\
site:
  name: 'Portail {X} {T}'
  url: https://{SITE_HOST}/
  repo_url: https://github.com/example/editorial
  language: fr
  timezone: Europe/Paris
  description: 'Desc {X}'
networks:
  linkedin: {{}}
  x: {{}}
  mastodon: {{instance: https://mastodon.social}}
  email: {{}}
ambassadors:
  disclosure: {{default: '#Collab<b onmouseover=alert(1)>'}}
tracking:
  utm_source: "{{network}}"
  utm_campaign: "{{campaign}}"
  utm_content: "{{ambassador}}"
watch:
  themes: {{veille: 'Veille {X}'}}
  keywords: [boulangerie]
  feeds:
    - {{id: piege, url: 'https://feeds.example.org/rss', theme: veille}}
""",
    "content/posts/trap-post.md": f"""\
---
title: 'Piège {X} {T}'
date: 2026-12-03T09:30
networks: [linkedin, x, mastodon, email]
status: scheduled
owner: claire-martin
campaign: trap-campaign
key_date: trap-day
topics: ['topic {X}']
link: 'https://example.org/page?q=<script>alert(1)</script>&x="onmouseover="alert(1)'
image: media/pain.png
image_alt: 'alt" onerror="alert(1)'
messages:
  linkedin: 'msg {X} {T} javascript:alert(1)'
  x: 'x {X}'
  mastodon: 'm <a href="javascript:alert(1)">m</a>'
  email: 'e {T}'
share:
  from: 2026-11-28
  until: 2026-12-20
  hashtags: ['<script>alert(2)</script>', '"><img src=x onerror=alert(3)>', '{{{{config}}}}']
  messages:
    linkedin: ['share {X} {T} [[angle <script>]]', 'second <svg onload=alert(4)>']
    x: 'sx <img src=x onerror=alert(1)>'
    mastodon: 'share m {X}'
    email: 'share e {X}'
---
Brief {X} {T}

<script>alert("body")</script>

<div onclick="alert(1)" markdown="1">*div*</div>

[js](javascript:alert(12)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox(1)) ![img](javascript:alert(1))

[ref][1] <javascript:alert(1)> [JS](  JaVaScRiPt:alert(1)) [tab](java&#x09;script:alert(1))

[1]: javascript:alert(13)

## Titre {{: onclick="alert(14)" }}

[ext](https://evil.example.net/page){{: onclick="alert(15)" target="_self" }} and <https://autolink.example.net/> \
and https://bare.example.net/ and <a href="https://raw.example.net/">raw</a>

`{{{{ code }}}}` and {{{{ config.site_name }}}} and {{% include "x" %}}

```html
fenced {X}
```

- in a list

    indented {X}

````
fence never closed {X}
```
""",
    # Embargoed until after NOW: nothing but its date may appear anywhere.
    "content/posts/secret-launch-7f3a.md": """\
---
title: EMBARGO-MARKER-7f3a title
date: 2026-12-20T09:00
embargo: true
networks: [linkedin, x]
status: scheduled
owner: claire-martin
campaign: trap-campaign
key_date: trap-day
topics: [EMBARGO-MARKER-7f3a-topic]
link: https://example.org/EMBARGO-MARKER-7f3a-link
image: media/embargo-7f3a.png
image_alt: EMBARGO-MARKER-7f3a alt
messages:
  linkedin: EMBARGO-MARKER-7f3a linkedin
  x: EMBARGO-MARKER-7f3a x
share:
  from: 2026-11-25
  until: 2026-12-30
  hashtags: [EMBARGOMARKER7f3a]
  messages:
    linkedin: EMBARGO-MARKER-7f3a share
    x: EMBARGO-MARKER-7f3a share x
---
EMBARGO-MARKER-7f3a body
""",
    "content/posts/past-trap.md": f"""\
---
title: 'Passé {X}'
date: 2026-11-20T09:30
networks: [linkedin]
status: published
messages:
  linkedin: 'past {X}'
---
Past {X}
""",
    "content/pages/trap.md": f"""\
---
title: 'Page {X} {T}'
---
# Heading {X}

Body {X} {T}

[js](javascript:alert(1)) [ext](https://external.example.net/)

~~~
fenced {X}
~~~

1. step
   ```
   fence in a list {X}
   ```
""",
    "calendar/key-dates.yml": f"""\
- id: trap-day
  title: 'Jour {X} {T}'
  date: 2026-12-08
  category: 'cat {X}'
  description: 'desc {X}'
""",
    "calendar/campaigns.yml": f"""\
- id: trap-campaign
  title: 'Campagne {X} {T}'
  start: 2026-11-25
  end: 2027-01-15
  goal: 'But {X}'
  description: 'desc {X}'
""",
    "calendar/slots.yml": '- network: linkedin\n  days: [tue]\n  time: "09:00"\n',
    "ambassadors/claire-martin.yml": f"""\
name: 'Claire {X} {T}'
team: 'Team {X}'
networks:
  linkedin: {{handle: 'claire<script>'}}
  mastodon: {{handle: '@claire@mastodon.social'}}
  x: {{handle: 'x"onmouseover=alert(1)'}}
topics: ['topic {X}']
email: {EMAILS[0]}
""",
    "ambassadors/hidden-person.yml": f"""\
name: Hidden Person
team: Secret team
networks:
  linkedin: {{handle: hidden}}
email: {EMAILS[1]}
public: false
""",
}


# A feed written by a stranger: what `relais watch fetch` would have stored from it.
HOSTILE_FEED = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Flux {X.replace("<", "&lt;")}</title><link>https://feeds.example.org/</link>
<item><title>Boulangerie &lt;script&gt;alert("feed")&lt;/script&gt; {T}</title>
<link>javascript:alert(1)</link><guid>a1</guid><pubDate>Mon, 30 Nov 2026 09:00:00 +0000</pubDate>
<description><![CDATA[<p onclick="alert(1)">Boulangerie <script>alert(2)</script><img src="https://tracker.example.net/p.gif"
 width="300" height="200" onerror="alert(3)"><a href="javascript:alert(4)">lien</a> <a href="https://news.example.net/x">ok</a>
<iframe src="https://evil.example.net/"></iframe><svg onload="alert(5)"></svg> {T}</p>]]></description></item>
<item><title>Boulangerie data</title><link>data:text/html,&lt;script&gt;alert(6)&lt;/script&gt;</link><guid>a2</guid>
<pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate><description>Boulangerie du quartier</description></item>
</channel></rss>""".encode()


def seed_watch_cache(root: Path) -> None:
    """Store the hostile feed in the watch cache through the watch package's own pipeline (no network)."""
    from generator.load import load_site_config
    from generator.model import parse_datetime
    from generator.watch.cache import CacheState, write_cache
    from generator.watch.clean import clean_entries
    from generator.watch.model import FeedState, Status
    from generator.watch.parse import parse_feed

    config, _ = load_site_config(root)
    assert config is not None
    now = parse_datetime(NOW, config.site.tz)
    url = "https://feeds.example.org/rss"
    entries = clean_entries(
        parse_feed(HOSTILE_FEED, url=url), feed_id="piege", base_url=url, now=now, tz=config.site.tz
    )
    state = FeedState(
        feed="piege",
        url=url,
        status=Status.OK,
        title=f"Flux {X}",
        last_attempt=now,
        last_success=now,
        new_entries=len(entries),
    )
    write_cache(root, config.watch, CacheState(feeds={"piege": state}, entries={"piege": entries}))


def write_trap_repo(root: Path) -> Path:
    for rel, text in TRAPS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "content/media").mkdir(parents=True, exist_ok=True)
    (root / "content/media/pain.png").write_bytes(PNG)
    (root / "content/media/embargo-7f3a.png").write_bytes(PNG)
    return root


@pytest.fixture(scope="module")
def trap_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_trap_repo(tmp_path_factory.mktemp("trap") / "repo")
    seed_watch_cache(root)
    result = build(root, now_option=NOW)
    assert result.ok, result.failure + "\n" + "\n".join(map(str, result.diagnostics))
    return result.out


# --- reading the built site ----------------------------------------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "srcset",
    "ping",
    "manifest",
    "codebase",
}
BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.IGNORECASE)


class Page(HTMLParser):
    """What matters in one HTML file: scripts, attributes, links and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.script_bodies: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []  # (tag, name, value)
        self.tags: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag in ("title", "textarea"):  # text only up to the closing tag, as a browser reads it
            self.set_cdata_mode(tag)
            self._in.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs))
            self.script_bodies.append("")
        if tag == "a":
            self.links.append(dict(attrs))
        if tag in ("script", "style", "template"):
            self._in.append(tag)
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.attributes.append((tag, "http-equiv", "refresh"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if not self._in:
            self.text.append(data)
        elif self._in[-1] == "script":
            self.script_bodies[-1] += data

    @property
    def visible(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


def parse_html(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def site_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def readable_text(path: Path) -> str:
    """A file's text in every form a marker could hide in: raw, gunzipped, JSON-decoded, URL-decoded."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if path.suffix in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf"):
        return path.name
    text = data.decode("utf-8", errors="replace")
    forms = [text, unquote(text), unquote(unquote(text))]
    if path.suffix == ".json":
        try:
            forms.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            pass
    return path.as_posix() + "\n" + "\n".join(forms)


def html_pages(site: Path) -> dict[str, Page]:
    return {p.relative_to(site).as_posix(): parse_html(p) for p in site.rglob("*.html")}


# --- the scans -----------------------------------------------------------------------------------


def test_no_executable_content_in_any_page(trap_site: Path) -> None:
    problems = []
    for rel, page in html_pages(trap_site).items():
        for attrs, body in zip(page.scripts, page.script_bodies):
            src = attrs.get("src")
            if src:
                if "assets/" not in src or urlsplit(src).scheme or src.startswith("//"):
                    problems.append(f"{rel}: script from {src}")
            elif attrs.get("type") == "application/json" and attrs.get("id") == "__config":
                json.loads(body)  # Material's configuration: data, never run (and still valid JSON)
            else:
                problems.append(f"{rel}: inline <script> {body[:60]!r}")
        for tag, name, value in page.attributes:
            if name.startswith("on"):
                problems.append(f"{rel}: <{tag} {name}={value!r}>")
            if (
                name in URL_ATTRIBUTES
                and value
                and BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value))
            ):
                problems.append(f"{rel}: <{tag} {name}={value!r}>")
        problems += [
            f"{rel}: <{tag}>"
            for tag in page.tags
            if tag in ("iframe", "object", "embed", "base", "frame")
        ]
        problems += [
            f"{rel}: <meta http-equiv=refresh>"
            for t, n, v in page.attributes
            if (n, v) == ("http-equiv", "refresh")
        ]
    assert not problems, "\n".join(problems)


def test_search_index_holds_no_markup_from_content(trap_site: Path) -> None:
    """Material's search shows results as HTML: the index must hold the content escaped."""
    docs = json.loads((trap_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert any("Piège" in d["title"] + d["text"] for d in docs)
    problems = []
    for doc in docs:
        for key in ("title", "text"):
            page = Page()
            page.feed(doc[key])
            page.close()
            problems += [f"{doc['location']} {key}: <script>" for _ in page.scripts]
            problems += [
                f"{doc['location']} {key}: <{t} {n}={v!r}>"
                for t, n, v in page.attributes
                if n.startswith("on") or (n in URL_ATTRIBUTES and v and BAD_SCHEME.match(v))
            ]
    assert not problems, "\n".join(problems)


def test_user_html_is_shown_as_text(trap_site: Path) -> None:
    pages = html_pages(trap_site)
    post = next(page for rel, page in pages.items() if rel.startswith("posts/trap-post"))
    assert f"Piège {X}" in post.visible  # the title, as written
    assert "msg " + X in post.visible
    assert 'alert("body")' in post.visible  # raw HTML in the brief: visible text
    home = pages["index.html"]
    assert f"Piège {X}" in home.visible
    assert f"Jour {X}" in home.visible
    page = pages["pages/trap/index.html"]
    assert f"Body {X}" in page.visible
    # Code is shown as written, in a code block or (a fence Python-Markdown does not take) as text.
    assert (
        f"fenced {X}" in post.visible
        and f"indented {X}" in post.visible
        and f"never closed {X}" in post.visible
    )
    assert f"fenced {X}" in page.visible and f"fence in a list {X}" in page.visible
    watch = pages["watch/veille/index.html"]  # the hostile feed's entries are there, defused
    assert "Boulangerie du quartier" in watch.visible and f"Flux {X}" in watch.visible


def test_template_syntax_in_content_is_shown_as_written(trap_site: Path) -> None:
    pages = html_pages(trap_site)
    post = next(page for rel, page in pages.items() if rel.startswith("posts/trap-post"))
    for page in (
        post,
        pages["index.html"],
        pages["pages/trap/index.html"],
        pages["watch/veille/index.html"],
    ):
        assert T in page.visible  # "{{ config }} {% raw %} {# c #}" survives every template layer
        assert "MkDocsConfig" not in page.visible and "site_name" not in page.visible.replace(
            "config.site_name", ""
        )
    assert "{{ config.site_name }}" in post.visible and '{% include "x" %}' in post.visible


def test_external_links_do_not_leak_the_portal(trap_site: Path) -> None:
    problems = []
    externals = 0
    for rel, page in html_pages(trap_site).items():
        for link in page.links:
            href = link.get("href") or ""
            parts = urlsplit(href)
            if parts.scheme in ("http", "https") and parts.hostname != SITE_HOST:
                externals += 1
                rel_attr = set((link.get("rel") or "").split())
                if not {"noopener", "noreferrer"} <= rel_attr:
                    problems.append(f"{rel}: <a href={href!r} rel={link.get('rel')!r}>")
    assert externals > 5  # the trap's links, share links and edit links were found
    assert not problems, "\n".join(problems)


def test_nothing_private_or_embargoed_anywhere(trap_site: Path) -> None:
    problems = []
    files = site_files(trap_site)
    assert any(p.name == "search_index.json" for p in files) and any(
        p.name == "sitemap.xml" for p in files
    )
    for path in files:
        text = readable_text(path)
        for secret in (*EMBARGO_MARKERS, *EMAILS):
            if secret.lower() in text.lower():
                problems.append(f"{path.relative_to(trap_site)}: {secret}")
    assert not problems, "\n".join(problems)


def test_the_embargoed_post_still_shows_its_date(trap_site: Path) -> None:
    """The scan above would pass on an empty site: the embargoed post is there, as a date only."""
    pages = html_pages(trap_site)
    embargoed = [page for rel, page in pages.items() if rel.startswith("posts/embargo-")]
    assert len(embargoed) == 1
    assert "20 décembre 2026" in embargoed[0].visible


def test_a_javascript_link_is_refused(tmp_path: Path) -> None:
    root = write_trap_repo(tmp_path / "repo")
    post = root / "content/posts/past-trap.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("status: published", "link: javascript:alert(1)"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["check", "--root", str(root), "--format", "json", "--now", NOW]
    )
    assert result.exit_code == 1
    found = [
        (d["file"], d["line"], d["code"])
        for d in json.loads(result.stdout[: result.stdout.rindex("]") + 1])
    ]
    assert ("content/posts/past-trap.md", 5, "invalid-url") in found


def test_a_media_link_out_of_the_repository_is_never_published(tmp_path: Path) -> None:
    """A symlink in content/media/ (committed by anyone) must not copy an outside file into the site."""
    root = write_trap_repo(tmp_path / "repo")
    secret = tmp_path / "secret.txt"
    secret.write_text("OUTSIDE-SECRET-5d1e", encoding="utf-8")
    (root / "content/media/innocent.png").symlink_to(secret)
    result = build(root, now_option=NOW)
    assert not result.ok and not result.out.exists()
    assert [(d.file, d.code) for d in result.diagnostics if d.severity.value == "error"] == [
        ("content/media/innocent.png", "link-outside")
    ]
