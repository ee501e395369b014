"""Output safety: build a repository seeded with traps, then scan every file of the built site.

What a colleague writes (titles, messages, hashtags, names, key dates, campaigns, briefs,
pages) must be shown as text and never run in a reader's browser; no `javascript:`,
`data:` or `vbscript:` URL; every external link has rel="noopener noreferrer"; nothing of
an embargoed post and no ambassador's e-mail anywhere (pages, search index, sitemap, .ics,
.json); `{{ }}` and `{% %}` written in content appear as written, never evaluated.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import cli
from tests.helpers import FRAME_TAGS, HtmlScan

NOW = "2026-12-01T08:00"
SITE_HOST = "portal.example.org"
X = '<script>alert("x")</script><img src=x onerror=alert(1)>'
T = "{{ config }} {% raw %} {# c #}"
# Breaks out of <title> if any layer un-escapes a label (Material's `striptags` does).
B = '</title><script src="https://evil.example/t.js"></script><style>*{display:none}</style>'
# Read as a formula by matplotlib's mathtext (the statistics charts), which raised on it.
M = r"$\frac$ x$^$"
NOTE_MARKERS = ("NOTE-MARKER-a", "NOTE-MARKER-b")  # in HTML comments: internal notes
PRIVATE_MARKERS = ("PRIVATE-3c9d", "private-3c9d")  # moderation fields never published
EMBARGO_MARKERS = ("EMBARGO-MARKER-7f3a", "EMBARGOMARKER7f3a", "secret-launch-7f3a", "embargo-7f3a")
EMAILS = ("unique.ambassador.4b1e@example.org", "hidden.ambassador.91c2@example.org")
PNG = (Path(__file__).parent / "corpus/_base/content/media/pain.png").read_bytes()
EMBARGO_PNG = PNG + b"EMBARGOED-VISUAL-BYTES"  # a PNG still (data after its end is ignored)
HOSTILE_SVG = (
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" '
    'viewBox="0 0 10 10"><script>alert(2)</script><rect width="10" height="10" fill="#d84315"/>'
    '<a href="javascript:alert(3)"><text y="8">Pain</text></a><foreignObject><body '
    'xmlns="http://www.w3.org/1999/xhtml"><script>alert(4)</script></body></foreignObject>'
    '<image href="https://tracker.example.net/p.png"/><set attributeName="href" to="javascript:x"/>'
    "<style>@import url(https://evil.example/x.css);</style></svg>\n"
)
EMBARGO_KEY = "test-embargo-key-5f0c2a9d"

TRAPS: dict[str, str] = {
    "site_config.yml": f"""\
site:
  name: 'Portail {X} {T} {B}'
  url: https://{SITE_HOST}/
  repo_url: https://github.com/example/editorial
  language: fr
  timezone: Europe/Paris
  description: 'Desc {X}'
  embargo_key: {EMBARGO_KEY}
networks:
  linkedin: {{}}
  x: {{}}
  mastodon: {{instance: https://mastodon.social}}
  email: {{}}
ambassadors:
  disclosure: {{default: '#Collab<b onmouseover=alert(1)>'}}
rules:
  # The traps are reported (hashtags and handles no network accepts) but built anyway, so
  # that every page is searched for them.
  severity: {{hashtag-invalid: warning, handle-invalid: warning}}
tracking:
  utm_source: "{{network}}"
  utm_campaign: "{{campaign}}"
  utm_content: "{{ambassador}}"
watch:
  themes: {{veille: 'Veille {X}{B}', autre: 'Concurrence{B}'}}
  keywords: [boulangerie]
  alerts:
    - {{label: 'Alerte {X}{B}', match: [boulangerie], level: alert, escalate: piege}}
    - {{label: 'Veille {X}{B}', match: [quartier], level: watch, theme: veille}}
  volume: {{days: 7, factor: 2, minimum: 1}}
  feeds:
    - {{id: piege, url: 'https://feeds.example.org/rss', theme: veille}}
spelling:
  words: ['mot{X}', 'ignoré']
  variants: {{en: en-GB}}
""",
    "content/posts/trap-post.md": f"""\
---
title: 'Piège {X} {T} {B}'
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
image: ./media//embargo-7f3a.png
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

<!-- internal: budget NOTE-MARKER-a1 -->

Avant <!-- NOTE-MARKER-a2 --> après, `<!-- code span kept -->`

<!--
## NOTE-MARKER-a3 heading
- NOTE-MARKER-a4 {X}
-->
Suite du paragraphe.<!---->Fin.

```
<!-- fenced comment kept -->
```
""",
    "content/pages/trap.md": f"""\
---
title: 'Page {X} {T} {B}'
---
# Heading {X}

Body {X} {T} <!-- NOTE-MARKER-b1 --> end of body

[js](javascript:alert(1)) [ext](https://external.example.net/)

~~~
fenced {X}
~~~

1. step
   ```
   fence in a list {X}
   ```
""",
    # A heading inside a comment is no title: the page is titled by its first visible heading.
    "content/pages/notes.md": "<!--\n# NOTE-MARKER-b2 titre secret\n-->\n# Vrai titre\n\nTexte.\n",
    # No front matter: the page's title is its first heading.
    "content/pages/sans-titre.md": f"# Guide {X}{B}\n\nTexte.\n",
    "calendar/key-dates.yml": f"""\
- id: trap-day
  title: 'Jour {X} {T} {B}'
  date: 2026-12-08
  category: 'cat {X}'
  description: 'desc {X}'
""",
    "calendar/campaigns.yml": f"""\
- id: trap-campaign
  title: 'Campagne {X} {T} {B} {M}'
  start: 2026-11-25
  end: 2027-01-15
  goal: 'But {X}'
  description: 'desc {X}'
""",
    # An analytics export: its sources, campaigns and contents are whatever a visitor's link said.
    "stats/2026-11/ga4-traffic-acquisition.csv": (
        "# Start date: 20261101\n# End date: 20261130\n"
        "Session source,Session campaign,Session manual ad content,Users,Sessions,"
        "Engaged sessions,Engagement rate,Event count\n"
        "linkedin,trap-campaign,claire-martin,7,9,5,0.6,36\n"
        "mastodon,trap-campaign,claire-martin,3,4,2,0.6,16\n"
        # A visitor's link that names the embargoed post: never listed under its title.
        "linkedin,secret-launch-7f3a,claire-martin,5,6,3,0.6,20\n"
        + ",".join(
            '"' + v.replace('"', '""') + '"'
            for v in (X + M, B + M, M + X, "3", "4", "2", "0.6", "16")
        )
        + "\n"
    ),
    "calendar/slots.yml": '- network: linkedin\n  days: [tue]\n  time: "09:00"\n',
    "ambassadors/claire-martin.yml": f"""\
name: 'Claire {X} {T} {B} {M}'
team: 'Team {X}'
networks:
  linkedin: {{handle: 'claire<script>'}}
  mastodon: {{handle: '@claire@mastodon.social'}}
  x: {{handle: 'x"onmouseover=alert(1)'}}
topics: ['topic {X}']
email: {EMAILS[0]}
""",
    # Moderation: markup in every field, addresses that would run if they became links.
    "moderation/replies.yml": f"""\
charter: trap
guide: {{answer: 'Guide {X} {T} {B}', hide: 'H {X}', delete: 'D {X}', escalate: 'E {X}'}}
situations:
  piege: {{label: 'Situation {X} {T} {B}', actions: [answer, escalate], escalate: piege, when: 'When {X}'}}
  cachee: {{label: 'Cachée {X} {B}', actions: [hide]}}
replies:
  - id: piege
    situation: piege
    title: 'Réponse {X} {T} {B}'
    when: 'Quand {X} {T}'
    tone: 'Ton {X}'
    owner: claire-martin
    review: 2027-01-31
    text: 'Bonjour [[prénom <script>alert(7)</script>]] {X} {T} javascript:alert(1)'
    networks:
      x: ['Variante {X}', '[x](javascript:alert(8)) <a href="javascript:alert(9)">a</a>']
""",
    "moderation/escalation.yml": f"""\
public: [service, contact, channel, response_time, out_of_hours, phone, email]
topics:
  - id: piege
    topic: 'Sujet {X} {T} {B}'
    service: 'Service {X}'
    contact: 'javascript:alert(10)'
    channel: '<a href="javascript:alert(11)">Teams</a> javascript:alert(12)'
    response_time: '{T}'
    out_of_hours: 'Hors heures {X}'
    phone: 'javascript:alert(13)'
    email: 'javascript:alert(14)//@example.org'
    notes: 'NOTES-PRIVEES-5d2e {X}'
  - id: prive
    topic: Sujet discret
    public: [service]
    service: Service qualité
    contact: 'PRIVATE-3c9d contact'
    person: 'PRIVATE-3c9d person'
    phone: '+33 PRIVATE-3c9d'
    email: private-3c9d@example.org
""",
    "moderation/feedback.yml": f"""\
- id: piege
  topic: 'Retour {X} {T} {B}'
  first_seen: 2026-11-01
  count: 3
  owner: claire-martin
  replies: [piege]
  escalate: piege
  note: 'Note {X} {T}'
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
<item><title>Boulangerie du futur</title><link>https://news.example.net/futur</link><guid>a3</guid>
<pubDate>Fri, 31 Dec 9999 23:59:59 -1200</pubDate><description>Boulangerie</description></item>
<item><title>Boulangerie antique</title><link>https://news.example.net/antique</link><guid>a4</guid>
<pubDate>Mon, 01 Jan 0001 00:00:00 +1400</pubDate><description>Boulangerie</description></item>
<item><title>Boulangerie 1899</title><link>https://news.example.net/1899</link><guid>a5</guid>
<pubDate>Sun, 31 Dec 1899 23:59:59 +0000</pubDate><description>Boulangerie</description></item>
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
    (root / "content/media/embargo-7f3a.png").write_bytes(EMBARGO_PNG)
    # The same visual under an innocent name: withheld as long as the embargo holds.
    (root / "content/media/visuel-public.png").symlink_to("embargo-7f3a.png")
    (root / "content/media/logo.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    (root / "content/media/dossier.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (root / "content/media/.htaccess").write_text("AddType text/html .png\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def trap_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_trap_repo(tmp_path_factory.mktemp("trap") / "repo")
    seed_watch_cache(root)
    result = build(root, now_option=NOW)
    assert result.ok, result.failure + "\n" + "\n".join(map(str, result.diagnostics))
    return result.out


# --- reading the built site ----------------------------------------------------------------------


def parse_html(path: Path) -> HtmlScan:
    return HtmlScan.of(path.read_text(encoding="utf-8"))


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
        with contextlib.suppress(ValueError):
            forms.append(json.dumps(json.loads(text), ensure_ascii=False))
    return path.as_posix() + "\n" + "\n".join(forms)


def html_pages(site: Path) -> dict[str, HtmlScan]:
    return {p.relative_to(site).as_posix(): parse_html(p) for p in site.rglob("*.html")}


# --- the scans -----------------------------------------------------------------------------------


def test_no_executable_content_in_any_page(trap_site: Path) -> None:
    problems = []
    for rel, page in html_pages(trap_site).items():
        problems += [f"{rel}: {d}" for d in page.dangers(live=FRAME_TAGS, own_scripts=True)]
        for attrs, body in page.scripts:
            if attrs.get("type") == "application/json" and attrs.get("id") == "__config":
                json.loads(body)  # Material's configuration: data, never run (and still valid JSON)
    assert not problems, "\n".join(problems)


def test_search_index_holds_no_markup_from_content(trap_site: Path) -> None:
    """Material's search shows results as HTML: the index must hold the content escaped."""
    docs = json.loads((trap_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert any("Piège" in d["title"] + d["text"] for d in docs)
    problems = []
    for doc in docs:
        for key in ("title", "text"):
            problems += [f"{doc['location']} {key}: {d}" for d in HtmlScan.of(doc[key]).dangers()]
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


def test_moderation_traps_are_shown_as_text(trap_site: Path) -> None:
    pages = html_pages(trap_site)
    replies = pages["moderation/index.html"]
    for shown in (f"Guide {X}", f"Situation {X}", f"Réponse {X}", f"Quand {X}", f"Ton {X}"):
        assert shown in replies.visible, shown
    directory = pages["moderation/escalation/index.html"]
    for shown in (f"Sujet {X}", f"Service {X}", "javascript:alert(10)", "javascript:alert(13)"):
        assert shown in directory.visible, shown
    # An address in a contact stays text: the directory links nowhere but to its own anchors.
    hrefs = [a.get("href") or "" for a in directory.links]
    assert not [h for h in hrefs if "alert" in h or h.startswith(("mailto:", "tel:"))]
    feedback = pages["moderation/feedback/index.html"]
    assert f"Retour {X}" in feedback.visible and f"Note {X}" in feedback.visible
    for path in site_files(trap_site):
        assert "NOTES-PRIVEES-5d2e" not in readable_text(path), path


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
        for secret in (*EMBARGO_MARKERS, *EMAILS, *NOTE_MARKERS, *PRIVATE_MARKERS):
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


# --- the head of every page: only what Relais and Material put there ---------------------------

CSP_META = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)


class Head(HTMLParser):
    """The elements of a page's <head>, read as a browser reads it: <title> is text up to the
    first `</title`, and anything that is not a head element ends the head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.title: list[str] = []
        self.stray: list[str] = []
        self.state = "before"  # before, head, title, after

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.state == "before" and tag == "head":
            self.state = "head"
        elif self.state == "head":
            self.elements.append((tag, dict(attrs)))
            if tag == "title":
                self.state = "title"
                self.set_cdata_mode(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.state == "title" and tag == "title":
            self.state = "head"
        elif self.state == "head" and tag == "head":
            self.state = "after"
        elif self.state == "head" and tag not in ("script", "style"):
            self.stray.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.state == "title":
            self.title.append(data)
        elif self.state == "head" and data.strip():
            self.stray.append(data.strip()[:40])

    def handle_comment(self, data: str) -> None:
        if self.state == "head":
            self.stray.append(f"<!--{data[:40]}-->")


def head_of(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text(encoding="utf-8"))
    head.close()
    return head


def relative_asset(value: str | None, suffix: tuple[str, ...]) -> bool:
    """A link to a file of the portal itself (relative, or from the site's root on 404.html),
    under assets/, of the given type."""
    if not value:
        return False
    parts = urlsplit(value)
    return (
        not parts.scheme
        and not parts.netloc
        and not value.startswith(("//", "\\", "/\\"))
        and "/assets/" in "/" + parts.path
        and parts.path.endswith(suffix)
        and not re.search(r"[\s\"'<>]", value)
    )


def head_problems(site: Path, site_url: str) -> list[str]:
    """Everything in the <head> of the site's pages that Relais and Material do not put there."""
    problems = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        head = head_of(path)
        if head.state != "after":
            problems.append(f"{rel}: the head does not close where Relais closes it")
        problems += [f"{rel}: stray {s!r} in the head" for s in head.stray]
        tags = [tag for tag, _ in head.elements]
        if tags[:2] != ["meta", "meta"] or head.elements[1][1].get("http-equiv") != (
            "Content-Security-Policy"
        ):
            problems.append(f"{rel}: the policy is not the first thing after the charset")
        if tags.count("title") != 1:
            problems.append(f"{rel}: {tags.count('title')} titles")
        for tag, attrs in head.elements:
            names = set(attrs)
            ok = False
            if tag == "meta":
                ok = (
                    attrs == {"charset": "utf-8"}
                    or attrs == {"http-equiv": "Content-Security-Policy", "content": CSP_META}
                    or attrs == {"name": "referrer", "content": "strict-origin-when-cross-origin"}
                    or attrs
                    == {"name": "viewport", "content": "width=device-width,initial-scale=1"}
                )
            elif tag == "link" and names == {"rel", "type", "href", "title"}:
                # A page's feed (kits/, a personal page), announced to feed readers.
                ok = (
                    attrs["rel"] == "alternate feed"
                    and attrs["type"] == "application/atom+xml"
                    and attrs["href"] == "feed.xml"
                )
            elif tag == "link" and names == {"rel", "href"}:
                href = attrs["href"] or ""
                if attrs["rel"] == "canonical":
                    ok = href.startswith(site_url) and not re.search(r"[\s\"'<>]", href)
                elif attrs["rel"] in ("prev", "next"):
                    ok = not urlsplit(href).scheme and not re.search(r"[\s\"'<>:]", href)
                elif attrs["rel"] == "icon":
                    ok = relative_asset(href, (".png", ".svg", ".ico"))
                elif attrs["rel"] == "stylesheet":
                    ok = relative_asset(href, (".css",))
            elif tag == "script":
                ok = names <= {"src", "data-scope"} and relative_asset(attrs.get("src"), (".js",))
            elif tag == "title":
                ok = not attrs
            if not ok:
                problems.append(f"{rel}: <{tag} {attrs}> in the head")
    return problems


def test_every_head_holds_only_what_relais_and_material_put_there(trap_site: Path) -> None:
    assert not head_problems(trap_site, f"https://{SITE_HOST}/")


def title_text(path: Path) -> str:
    """A page's title as a browser shows it (character references decoded: RCDATA)."""
    return html.unescape("".join(head_of(path).title))


def test_every_title_is_text_whatever_the_label(trap_site: Path) -> None:
    """Labels full of markup (a watch theme, a campaign, a key date, an ambassador, a free page
    with or without front matter, a post, the site's name) stay in <title> as text."""
    problems = []
    for path in sorted(trap_site.rglob("*.html")):
        text = title_text(path)
        rel = path.relative_to(trap_site).as_posix()
        if "Portail" not in text or B not in text:  # every title ends with the site's name
            problems.append(f"{rel}: title {text[:80]!r}")
    assert not problems, "\n".join(problems)
    shown = {
        "watch/autre/index.html": f"Concurrence{B}",
        "watch/veille/index.html": f"Veille {X}{B}",
        "pages/trap/index.html": f"Page {X} {T} {B}",
        "pages/sans-titre/index.html": f"Guide {X}{B}",
        "calendar/campaigns/trap-campaign/index.html": f"Campagne {X} {T} {B}",
        "ambassadors/claire-martin/index.html": f"Claire {X} {T} {B}",
    }
    for rel, label in shown.items():
        assert label in title_text(trap_site / rel), rel
    post = next(trap_site.glob("posts/trap-post/index.html"))
    assert title_text(post).startswith(f"Piège {X} {T} {B}")


HOSTILE_ADDRESSES = [
    'https://portal.example.org/"><script src="https://evil.example/u.js"></script>',
    "https://portal.example.org/' onmouseover='alert(1)",
    "https://portal.example.org/<svg>",
    "https://portal.example.org/a b",
    "https://portal.example.org/\\u00a0",
    "https://portal.example.org/\\u202eevil",
    "https://portal.example.org/\\u200b",
    "https://portal.example.org/\\x1b[31m",
    "https://portal.example.org/\\\\evil.example",
    "https://portal.example.org/`x`",
    "https://portal.example.org/{x}",
    "https://portal.example.org/?next=https://evil.example/",
    "https://portal.example.org/#x",
    "https://user@evil.example/",
    "http://[a]/",
    "//portal.example.org/",
    "javascript:alert(1)//https://portal.example.org/",
    "ftp://portal.example.org/",
    "https:/portal.example.org/",
]


def _config_with(field: str, value: str) -> str:
    # Written as a YAML double-quoted scalar, so that escapes (\\u202e, \\x1b) become characters.
    quoted = '"' + value.replace('"', '\\"') + '"'
    lines = {
        "url": f"  url: {quoted}\n",
        "repo_url": f"  url: https://{SITE_HOST}/\n  repo_url: {quoted}\n",
    }
    return (
        "site:\n  name: Portail\n"
        + lines[field]
        + "  language: fr\n  timezone: Europe/Paris\nnetworks:\n  linkedin: {}\n"
    )


@pytest.mark.parametrize("field", ["url", "repo_url"])
@pytest.mark.parametrize("value", HOSTILE_ADDRESSES)
def test_an_address_that_is_not_a_plain_address_is_refused(
    tmp_path: Path, field: str, value: str
) -> None:
    from generator.load import load

    (tmp_path / "site_config.yml").write_text(_config_with(field, value), encoding="utf-8")
    diagnostics = load(tmp_path).diagnostics
    found = [(d.file, d.line, d.code) for d in diagnostics]
    assert ("site_config.yml", 3 if field == "url" else 4, "invalid-url") in found, found
    message = next(d for d in diagnostics if d.code == "invalid-url")
    assert "is not an absolute http(s) URL: " in message.message and message.hint


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "Portail\\u202e", "invalid-text"),
        ("name", "Portail\\nsecond line", "invalid-text"),
        ("name", "Portail\\x1b[2J", "invalid-text"),
        ("description", "Desc\\u2028", "invalid-text"),
        ("branch", "../../evil", "invalid-branch"),
        ("branch", 'main\\" onmouseover=\\"x', "invalid-branch"),
        ("branch", "-x", "invalid-branch"),
    ],
)
def test_a_site_text_that_cannot_be_shown_is_refused(
    tmp_path: Path, field: str, value: str, code: str
) -> None:
    from generator.load import load

    quoted = '"' + value + '"'
    config = (
        f"site:\n  name: {quoted if field == 'name' else 'Portail'}\n  url: https://{SITE_HOST}/\n"
        + (f"  {field}: {quoted}\n" if field != "name" else "")
        + "networks:\n  linkedin: {}\n"
    )
    (tmp_path / "site_config.yml").write_text(config, encoding="utf-8")
    found = [(d.file, d.code) for d in load(tmp_path).diagnostics]
    assert found == [("site_config.yml", code)]


def test_the_theme_escapes_head_values_that_bypass_the_checks(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Defence in depth: a site whose address and name were never checked (a future code path)
    still gets heads with nothing but Relais' and Material's elements: the address is
    percent-encoded for MkDocs (which prints it raw in 404.html's asset URLs), the name
    escaped by the theme."""
    from dataclasses import replace

    from generator.clock import parse_now
    from generator.load import load
    from generator.plan import plan
    from generator.publish import publish

    root = make_repo(
        {
            "content/posts/a.md": "---\ntitle: A\ndate: 2026-12-03T09:30\nnetworks: [linkedin]\n---\nBrief\n",
            "content/pages/guide.md": "# Guide\n\nTexte.\n",
        }
    )
    project = load(root).project
    assert project is not None
    now = parse_now(NOW, "Europe/Paris")
    hostile = HOSTILE_ADDRESSES[0]
    site = replace(plan(project, now).with_later(project, now), url=hostile, name=f"Nom {B}")
    out = tmp_path / "out"
    publish(site, root, out)
    assert head_problems(out, "https://portal.example.org/") == []
    page = head_of(out / "pages/guide/index.html")
    links = [a for tag, a in page.elements if tag == "link" and a["rel"] == "canonical"]
    assert len(links) == 1
    href = links[0]["href"] or ""
    assert href.startswith("https://portal.example.org/%22%3E%3Cscript%20src=%22https:")
    assert href.endswith("/pages/guide/") and not re.search(r"[\s\"'<>]", href)
    assert title_text(out / "pages/guide/index.html") == f"Guide - Nom {B}"


def test_html_comments_are_notes_never_shown_and_code_stays_code(trap_site: Path) -> None:
    """The markers in comments are nowhere (test_nothing_private_or_embargoed_anywhere); the
    text around them is still there, and comments written as code are shown as code."""
    pages = html_pages(trap_site)
    past = pages["posts/past-trap/index.html"]
    assert "Avant après" in past.visible.replace("  ", " ")
    assert "Suite du paragraphe.Fin." in past.visible
    assert "<!-- code span kept -->" in past.visible
    assert "<!-- fenced comment kept -->" in past.visible
    assert "end of body" in pages["pages/trap/index.html"].visible
    assert title_text(trap_site / "pages/notes/index.html").startswith("Vrai titre - ")


def test_a_comment_never_closed_is_shown_and_warned(tmp_path: Path) -> None:
    from generator.check import check
    from generator.clock import parse_now
    from generator.load import load

    root = write_trap_repo(tmp_path / "repo")
    post = root / "content/posts/past-trap.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n<!-- never closed\n", encoding="utf-8")
    (root / "content/pages/ouvert.md").write_text(
        "---\ntitle: Ouvert\n---\nTexte\n\n<!-- oubli\n", encoding="utf-8"
    )
    project = load(root).project
    assert project is not None
    found = [
        (d.file, d.line, d.severity.value)
        for d in check(project, parse_now(NOW, "Europe/Paris"))
        if d.code == "unclosed-comment"
    ]
    lines = post.read_text(encoding="utf-8").split("\n")
    assert found == [
        ("content/pages/ouvert.md", 6, "warning"),
        ("content/posts/past-trap.md", lines.index("<!-- never closed") + 1, "warning"),
    ]


# --- content/media/: passive files only; links within their own folder; embargo by file ----------


def test_media_publishes_passive_files_only(trap_site: Path) -> None:
    media = sorted(
        p.relative_to(trap_site / "media").as_posix()
        for p in (trap_site / "media").rglob("*")
        if p.is_file()
    )
    # Not the .htaccess (hidden), not the embargoed visual under either of its names.
    assert media == ["dossier.pdf", "logo.svg", "pain.png"]
    svg = (trap_site / "media/logo.svg").read_text(encoding="utf-8")
    assert "<rect" in svg and "Pain" in svg and 'fill="#d84315"' in svg
    for word in (
        "script",
        "onload",
        "foreignObject",
        "javascript",
        "<a",
        "<image",
        "<set",
        "@import",
    ):
        assert word not in svg, word
    assert "tracker.example.net" not in svg and "evil.example" not in svg


def test_no_file_holds_the_embargoed_visual(trap_site: Path) -> None:
    """Written `./media//embargo-7f3a.png` in the post and linked as `visuel-public.png`: the
    embargo compares files, whatever their names or spelling."""
    found = [
        p.relative_to(trap_site).as_posix()
        for p in site_files(trap_site)
        if b"EMBARGOED-VISUAL-BYTES" in p.read_bytes()
    ]
    assert found == []


def _build_with(tmp_path: Path, setup: object) -> object:
    root = write_trap_repo(tmp_path / "repo")
    setup(root)  # type: ignore[operator]
    return build(root, now_option=NOW)


@pytest.mark.parametrize(
    ("rel", "data", "code"),
    [
        ("content/media/page.html", b"<!doctype html><script>alert(1)</script>", "media-type"),
        ("content/media/app.js", b"alert(1)", "media-type"),
        (
            "content/media/note.md",
            b"---\ntitle: Page\n---\n<script>alert(1)</script>",
            "media-type",
        ),
        ("content/media/sous/page.xhtml", b"<html/>", "media-type"),
        ("content/media/faux.png", b"<html><script>alert(1)</script></html>", "media-content"),
        ("content/media/faux.pdf", b"<html><script>alert(1)</script></html>", "media-content"),
        ("content/media/bombe.svg", b'<!DOCTYPE s [<!ENTITY a "x">]><svg/>', "media-svg"),
        ("content/media/html.svg", b"<html><script>alert(1)</script></html>", "media-svg"),
        ('content/media/a"><img src=x onerror=alert(1)>.png', PNG, "media-name"),
        ("content/media/x.png#.png", PNG, "media-name"),
        ("content/media/sous/\u202egnp.png", PNG, "media-name"),
        ("content/media/saut\nde ligne.png", PNG, "media-name"),
    ],
)
def test_media_that_could_run_refuses_the_build(
    tmp_path: Path, rel: str, data: bytes, code: str
) -> None:
    def setup(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)

    result = _build_with(tmp_path, setup)
    assert not result.ok and not result.out.exists()  # type: ignore[attr-defined]
    errors = [(d.file, d.code) for d in result.diagnostics if d.severity.value == "error"]  # type: ignore[attr-defined]
    assert errors == [(rel, code)]


@pytest.mark.parametrize(
    ("rel", "target"),
    [
        ("content/pages/profil.md", "../../ambassadors/hidden-person.yml"),
        ("content/media/fuite.png", "../posts/secret-launch-7f3a.md"),
        ("content/posts/copie.md", "../pages/trap.md"),
        ("ambassadors/lien.yml", "../content/posts/secret-launch-7f3a.md"),
        ("content/media/dossier", "../../ambassadors"),
    ],
)
def test_a_link_out_of_its_folder_refuses_the_build(tmp_path: Path, rel: str, target: str) -> None:
    """A page linking to a private ambassador's file, a visual linking to an embargoed post:
    refused by the check and the build alike, nothing published."""

    def setup(root: Path) -> None:
        (root / rel).symlink_to(target)

    result = _build_with(tmp_path, setup)
    assert not result.ok and not result.out.exists()  # type: ignore[attr-defined]
    errors = [(d.file, d.code) for d in result.diagnostics if d.severity.value == "error"]  # type: ignore[attr-defined]
    assert errors == [(rel, "link-elsewhere")]


def test_a_link_within_its_folder_is_published(tmp_path: Path) -> None:
    def setup(root: Path) -> None:
        (root / "content/media/alias.png").symlink_to("pain.png")
        (root / "content/pages/autre.md").symlink_to("trap.md")

    result = _build_with(tmp_path, setup)
    assert result.ok, result.failure  # type: ignore[attr-defined]
    out = result.out  # type: ignore[attr-defined]
    assert (out / "media/alias.png").read_bytes() == PNG
    assert (out / "pages/autre/index.html").is_file()


# --- the neutral address of an embargoed post ------------------------------------------------------


def _embargo_pages(site: Path) -> list[str]:
    return sorted(p.parent.name for p in site.glob("posts/embargo-*/index.html"))


def test_the_embargoed_address_is_keyed_with_the_site_secret(
    trap_site: Path, tmp_path: Path
) -> None:
    import hashlib
    import hmac

    slug = b"secret-launch-7f3a"
    keyed = hmac.new(EMBARGO_KEY.encode(), b"relais-embargo\0" + slug, "sha256").hexdigest()[:20]
    assert _embargo_pages(trap_site) == [f"embargo-{keyed}"]
    # Not a digest of the slug alone, that anyone could compute from a guessed slug.
    unkeyed = {hashlib.sha256(slug).hexdigest()[:n] for n in (12, 16, 20)}
    assert not any(name.endswith(tuple(unkeyed)) for name in _embargo_pages(trap_site))
    # Another checkout (another machine, the nightly CI) gives the same address.
    again = build(write_trap_repo(tmp_path / "elsewhere" / "repo"), now_option=NOW)
    assert again.ok and _embargo_pages(again.out) == [f"embargo-{keyed}"]


def test_without_a_key_the_check_warns_and_the_address_is_still_unguessable(
    tmp_path: Path,
) -> None:
    import hashlib

    root = write_trap_repo(tmp_path / "repo")
    config = root / "site_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(f"  embargo_key: {EMBARGO_KEY}\n", ""),
        encoding="utf-8",
    )
    result = build(root, now_option=NOW)
    assert result.ok
    warned = [(d.file, d.code) for d in result.diagnostics if d.code == "embargo-key-missing"]
    assert warned == [("site_config.yml", "embargo-key-missing")]
    [name] = _embargo_pages(result.out)
    slug = b"secret-launch-7f3a"
    assert not any(name.endswith(hashlib.sha256(slug).hexdigest()[:n]) for n in (12, 16, 20))
    # Stable from one build to the next while the post does not change.
    assert _embargo_pages(build(root, now_option=NOW).out) == [name]


# --- the headers a host should send ----------------------------------------------------------------


def test_the_site_ships_the_headers_file_and_the_docs_say_the_same(trap_site: Path) -> None:
    """`_headers` at the root of the built site; the nginx and Apache snippets of the docs send
    exactly the same headers (a value changed in headers.py and not in the docs fails here)."""
    from generator.headers import HEADERS, MEDIA_HEADERS, headers_file

    assert (trap_site / "_headers").read_bytes() == headers_file()
    docs = (Path(__file__).parent.parent / "docs/administrator/hosting-headers.md").read_text(
        encoding="utf-8"
    )
    nginx = docs.split("```nginx", 1)[1].split("```", 1)[0]
    apache = docs.split("```apache", 1)[1].split("```", 1)[0]
    for name, value in (*HEADERS, *MEDIA_HEADERS):
        assert f'add_header {name} "{value}" always;' in nginx, name
        assert f'Header always set {name} "{value}"' in apache, name
    # frame-ancestors and nosniff cannot be said by a <meta>: they are in the headers.
    assert "frame-ancestors 'self'" in dict(HEADERS)["Content-Security-Policy"]
    assert dict(HEADERS)["X-Content-Type-Options"] == "nosniff"


def test_chart_labels_are_drawn_as_written_never_as_formulas(trap_site: Path) -> None:
    """Statistics charts draw labels from colleagues (ambassadors, campaigns) and exports;
    matplotlib read `$…$` as a formula and raised on `$\\frac$`, which stopped the build."""
    from generator.stats import charts

    svg = charts.bars("t", "Titre", [M, X, "ok"], [("n", [1.0, 2.0, 3.0])])
    assert html.escape(M, quote=False) in svg and "<script" not in svg
    page = (trap_site / "stats/ambassadors/index.html").read_text(encoding="utf-8")
    drawn = re.findall(r"<text\b[^>]*>([^<]*)</text>", page)
    assert any(html.unescape(t).startswith("Claire ") and M in html.unescape(t) for t in drawn), (
        drawn
    )
