"""Code in Markdown written by the team (a post's brief, a free page) is shown as code, never as HTML.

`render.safe_markdown` turns raw HTML into text but leaves code as written, so it must see
code exactly where Python-Markdown (with the portal's `fenced_code` extension) will escape
it: a fenced block that is not one (an unclosed fence, ```` closed by ```, a fence in a list
item), or an indented line that is not a code block (in a list item, an admonition, after a
footnote), must be escaped like prose. Each hostile brief and page below is built into a real
portal and read back as a browser would.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.brief import portal_extensions
from generator.build import build
from generator.render import safe_markdown
from tests.conftest import MINIMAL_CONFIG
from tests.helpers import HtmlScan, cpu_seconds, front_matter, post_text

NOW = "2026-12-01T08:00"
# One line of everything that must never come alive: a frame, a fake login form, a script
# handler, a style sheet that hides the page, a script link.
PAYLOAD = (
    '<iframe src="https://evil.example/frame"></iframe>'
    '<form action="https://evil.example/login"><input name="password"></form>'
    '<img src="x" onerror="alert(1)"><style>body { display: none }</style>'
    '<a href="javascript:alert(2)">Se connecter</a>'
)

# name: (Markdown, where the payload must be shown: "code" in a <pre><code>, "text" anywhere)
CASES: dict[str, tuple[str, str]] = {
    "backtick-fence": (f"Intro\n\n```\n{PAYLOAD}\n```\n\nAfter.\n", "code"),
    "tilde-fence": (f"Intro\n\n~~~\n{PAYLOAD}\n~~~\n", "code"),
    "fence-with-language": (f"```html\n{PAYLOAD}\n```\n", "code"),
    "fence-with-attributes": (
        f'```{{ .html #__config onclick="alert(3)" style="position: fixed" }}\n{PAYLOAD}\n```\n',
        "code",
    ),
    "fence-with-tab-after-closing": (f"```\n{PAYLOAD}\n```\t\n", "code"),
    "fence-in-list-item": (f"1. First step:\n   ```\n   {PAYLOAD}\n   ```\n2. Then.\n", "text"),
    "fence-in-list-item-after-blank": (
        f"- First step:\n\n    ```\n    {PAYLOAD}\n    ```\n",
        "text",
    ),
    "unclosed-fence-at-end": (f"Intro\n\n```\n{PAYLOAD}\n", "text"),
    "four-backticks-closed-by-three": (f"````\n{PAYLOAD}\n```\n", "text"),
    "fence-with-text-after-language": (f"``` html please\n{PAYLOAD}\n```\n", "text"),
    "indented-code-block": (f"Intro\n\n    {PAYLOAD}\n    second line {PAYLOAD}\n", "code"),
    "indented-line-in-list-item": (f"- item\n    {PAYLOAD}\n", "text"),
    "indented-block-in-list-item": (f"- item\n\n    {PAYLOAD}\n", "text"),
    "indented-block-after-reference-in-list": (
        f"- item\n\n[ref]: https://example.org/\n\n    {PAYLOAD}\n",
        "text",
    ),
    "indented-block-in-admonition": (f"!!! note\n\n    {PAYLOAD}\n", "text"),
    "indented-block-in-definition": (f"Term\n:   Definition\n\n    {PAYLOAD}\n", "text"),
    "indented-block-in-footnote": (f"Text[^1].\n\n[^1]: Note.\n\n    {PAYLOAD}\n", "text"),
    "indented-after-nbsp-line": (f"Intro\n\u00a0\n    {PAYLOAD}\n", "text"),
    "indented-after-nbsp-block-in-list": (f"- item\n\n\u00a0\n\n    {PAYLOAD}\n", "text"),
    "escaped-backtick": (f"Say \\`{PAYLOAD}` now.\n", "text"),
    "unbalanced-backticks": (f"Say `{PAYLOAD}`` now.\n", "text"),
    "code-span-opened-on-the-line-before": (f"A ` tick\nthen `{PAYLOAD}` here.\n", "text"),
}


def post(slug: str, body: str) -> str:
    return post_text(
        f"Brief {slug}", status="scheduled", messages={"linkedin": "Bonjour"}, body=body
    )


def page(slug: str, body: str) -> str:
    return front_matter(title=f"Page {slug}") + body


POSITIVE = 'Here is the script:\n\n```python\nprint("bonjour <les> amis & co")\n```\n'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fences") / "repo"
    files = {
        "site_config.yml": MINIMAL_CONFIG,
        "content/posts/positive.md": post("positive", POSITIVE),
        "content/pages/positive.md": page("positive", POSITIVE),
    }
    for name, (body, _) in CASES.items():
        files[f"content/posts/{name}.md"] = post(name, body)
        files[f"content/pages/{name}.md"] = page(name, body)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = build(root, now_option=NOW)
    assert result.ok, result.failure + "\n" + "\n".join(map(str, result.diagnostics))
    return result.out


def read(path: Path) -> HtmlScan:
    """The main content of a built page (Material's article) as a browser reads it."""
    content = HtmlScan.of(path.read_text(encoding="utf-8"), region=("article", "md-content__inner"))
    assert content.elements, f"no article in {path}"
    return content


def live_markup(content: HtmlScan) -> list[str]:
    """Elements and attributes that would come alive in a reader's browser."""
    found = content.dangers()
    for tag, attrs in content.tags:
        if tag in ("pre", "code") and ({"id", "style"} & set(attrs)):
            found.append(f"<{tag} {sorted(attrs)}>")  # fence attributes written into the HTML
    return found


def built_pages(site: Path, name: str) -> dict[str, Path]:
    posts = [p for p in site.glob("posts/*/index.html") if p.parent.name.endswith(name)]
    assert len(posts) == 1, (name, posts)
    return {"post": posts[0], "page": site / "pages" / name / "index.html"}


@pytest.mark.parametrize("kind", ["post", "page"])
@pytest.mark.parametrize("name", CASES)
def test_html_in_code_is_never_live(site: Path, name: str, kind: str) -> None:
    content = read(built_pages(site, name)[kind])
    assert live_markup(content) == []
    shown = CASES[name][1]
    if shown == "code":
        assert any(PAYLOAD in code for code in content.code), content.code
    else:
        assert PAYLOAD in content.visible


@pytest.mark.parametrize("kind", ["post", "page"])
def test_a_python_fence_is_a_code_block(site: Path, kind: str) -> None:
    path = built_pages(site, "positive")[kind]
    content = read(path)
    assert content.code == ['print("bonjour <les> amis & co")\n']
    assert ("code", {"class": "language-python"}) in content.tags
    assert "```" not in content.visible
    html = path.read_text(encoding="utf-8")
    assert (
        '<pre><code class="language-python">print(&quot;bonjour &lt;les&gt; amis &amp; co&quot;)'
        in html
    )


def test_the_attributes_of_a_fence_are_dropped_but_its_language_kept(site: Path) -> None:
    content = read(built_pages(site, "fence-with-attributes")["page"])
    assert ("code", {"class": "language-html"}) in content.tags
    assert not any(attrs.get("id") == "__config" for _, attrs in content.tags)


# --- the same rule on any text, without a build ----------------------------------------------------


def convert(text: str) -> str:
    """Python-Markdown with the portal's extensions and their settings, as MkDocs runs it."""
    names, configs = portal_extensions("https://e.org/")
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


MARKDOWN_TAGS = {
    "p",
    "pre",
    "code",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "dl",
    "dt",
    "dd",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "em",
    "strong",
    "a",
    "hr",
    "br",
    "sup",
    "img",
}


def foreign_markup(html: str) -> list[str]:
    """What Python-Markdown's output holds beyond the plain Markdown elements."""
    scan = HtmlScan.of(html)
    found = scan.dangers(tags=MARKDOWN_TAGS)
    for e in scan.elements:
        names = set(e.attrs)
        ours = e.tag != "div" or (e.attrs.get("class") or "").startswith(("admonition", "footnote"))
        # A fence's attributes would land on <pre> (id) and <code> (anything, on* included); an
        # attr_list `{: #id }` after an inline code span may give it an id (SafeLinksExtension
        # removes its on* attributes).
        if (
            not ours
            or (e.tag == "pre" and names - {"class"})
            or (e.tag == "code" and names - {"class", "id"})
        ):
            found.append(e.source)
    return found


@pytest.mark.parametrize("name", CASES)
def test_each_case_converts_without_live_markup(name: str) -> None:
    html = convert(safe_markdown(CASES[name][0]))
    assert foreign_markup(html) == []


@pytest.mark.parametrize(
    "text", [f"```\r\n{PAYLOAD}\r\n```\r\n", f"```\r{PAYLOAD}\r```\r", f"```\t\n{PAYLOAD}\n```\n"]
)
def test_line_ends_and_tabs_are_read_as_python_markdown_reads_them(text: str) -> None:
    html = convert(safe_markdown(text))
    assert foreign_markup(html) == [] and "<pre><code>&lt;iframe" in html


def test_the_lines_of_an_indented_code_block_are_all_kept() -> None:
    html = convert(
        safe_markdown(
            "Intro\n\n    <b>one</b>\n    <i>two</i>\n\n    <u>three</u>\nAfter <b>x</b>\n"
        )
    )
    assert (
        "<pre><code>&lt;b&gt;one&lt;/b&gt;\n&lt;i&gt;two&lt;/i&gt;\n\n&lt;u&gt;three&lt;/u&gt;\n</code></pre>"
        in html
    )
    assert "<p>After &lt;b&gt;x&lt;/b&gt;</p>" in html


def test_code_spans_show_their_text() -> None:
    html = convert(safe_markdown("Use `<br>` or ``a`b``, and `{{ x }}`."))
    assert foreign_markup(html) == []
    assert (
        re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), html)
        == "<p>Use <code><br></code> or <code>a`b</code>, and <code>{{ x }}</code>.</p>"
    )


FRAGMENTS = [
    "```",
    "````",
    "~~~",
    "```html",
    "``` x y",
    '```{ .py #i onclick="a" }',
    "```{ x",
    "  ```",
    "    ```",
    "\t",
    "- ",
    "1. ",
    "> ",
    "!!! note ",
    ": ",
    "[^1]: ",
    "[r]: https://e.org/ ",
    "    ",
    "  ",
    "`",
    "``",
    "\\`",
    "\\",
    "\u00a0",
    "\r\n",
    "\r",
    "# ",
    "|a|b|\n|-|-|\n",
    "text",
    "<iframe>",
    '<b onclick="a">',
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<style>",
    "<form>",
    "<code>",
    "&#96;",
    "\n",
    "\n",
    "\n",
    "\n\n",
    "\n\n",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_whatever_the_text_no_markup_comes_alive(text: str) -> None:
    html = convert(safe_markdown(text))
    assert foreign_markup(html) == [], (text, safe_markdown(text), html)


# --- what a reader sees ------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_reader_sees_code_with_a_copy_button_and_nothing_live(site: Path, page: object) -> None:
    from tests.conftest import serve_folder

    server, url = serve_folder(site)
    try:
        for name in (
            "backtick-fence",
            "unclosed-fence-at-end",
            "indented-block-in-list-item",
            "fence-with-attributes",
        ):
            for kind, path in built_pages(site, name).items():
                page.goto(url + path.parent.relative_to(site).as_posix() + "/")  # type: ignore[attr-defined]
                article = page.locator("article.md-content__inner")  # type: ignore[attr-defined]
                assert (
                    article.locator("iframe, form, style, img, a[href^='javascript']").count() == 0
                ), (name, kind)
                assert "evil.example/login" in article.inner_text()
        page.goto(url + "pages/positive/")  # type: ignore[attr-defined]
        block = page.locator("article.md-content__inner pre")  # type: ignore[attr-defined]
        assert block.locator("code").inner_text().strip() == 'print("bonjour <les> amis & co")'
        assert (
            block.locator("button[data-md-type=copy]").count() == 1
        )  # Material's content.code.copy
    finally:
        server.stop()


def test_many_unclosed_fences_take_linear_time() -> None:
    """The extension's pattern looks for a closing fence to the end of the text from every
    opening: a brief of unclosed fences must not stall the nightly build."""
    text, seconds = cpu_seconds(lambda: safe_markdown("```x\n" * 20_000 + "<b>x</b>\n"))
    assert seconds < 2  # CPU time: the quadratic search takes minutes
    assert text.count("&#96;&#96;&#96;x") == 20_000 and "&lt;b>x&lt;/b>" in text


# --- attributes and links that attr_list or a broken URL would bring in ------------------------------

HOSTILE_ATTRIBUTES = (
    'Un lien [vers](https://example.org/){: style="position: fixed; inset: 0" #__config data-md-component="search" }.\n\n'
    "Un [lien cassé](http://[a]/) et une image ![alt](http://[b]/x.png).\n\n"
    'Un paragraphe.\n{: #__drawer style="display: none" }\n\n'
    # Decided once entities are decoded: `&#58;` is `:`, `&#95;` is `_`, `&colon;` is `:`.
    '[entité](https://example.org/e){: href="javascript&#58;alert(1)" }\n\n'
    '[entité nommée](https://example.org/n){: href="java&#x09;script&colon;alert(2)" }\n\n'
    '[source](https://example.org/s){: href="&#100;ata&#58;text/html,&lt;script&gt;" }\n\n'
    '## Titre {: id="&#95;_config" }\n\n'
    '## Autre {: id="__drawer" }\n\n'
    "## Kits {: #relais-kits .relais-kits .md-dialog .md-button }\n\n"
    "## Messages\n\n"
    'Un piège.\n{: id="messages" name="__md_scope" form="f" formaction="javascript:x" '
    'tabindex="1" autofocus popover data-relais-group="x" target="_top" class="&#32;md-header" }\n\n'
    '![image](https://example.org/i.png){: src="&#106;avascript:alert(3)" srcset="x" }\n\n'
    'Un id.\n{: id="a&quot; onclick=&quot;alert(4)" }\n'
)
# What an element of a page written by the team may carry (render._ALLOWED_ATTRIBUTES).
ALLOWED = {"id", "class", "href", "src", "alt", "title", "width", "height", "lang", "dir"}
ALLOWED |= {"target", "rel", "loading", "start", "reversed", "align", "colspan", "rowspan"}
ALLOWED |= {"scope", "hreflang", "cite", "datetime"}


def test_attributes_that_restyle_or_hijack_the_portal_and_unreadable_links_are_dropped(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    files = {
        "site_config.yml": MINIMAL_CONFIG,
        "content/posts/attributs.md": post("attributs", HOSTILE_ATTRIBUTES),
        "content/pages/attributs.md": page("attributs", HOSTILE_ATTRIBUTES),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = build(
        root, now_option=NOW
    )  # no traceback, no failed build: the links are dead instead
    assert result.ok, result.failure + "\n" + "\n".join(map(str, result.diagnostics))
    for built in ("posts/attributs/index.html", "pages/attributs/index.html"):
        content = read(result.out / built)
        for tag, attrs in content.tags:
            assert "style" not in attrs, (built, tag, attrs)
            assert not (attrs.get("id") or "").startswith("__"), (built, tag, attrs)
            assert not any(name.startswith("data-md") for name in attrs), (built, tag, attrs)
        links = {attrs.get("href") for tag, attrs in content.tags if tag == "a"}
        images = {attrs.get("src") for tag, attrs in content.tags if tag == "img"}
        assert "https://example.org/" in links and "#" in links and "#" in images, built
        assert "lien cassé" in content.visible
        # Material's own configuration is still the only #__config of the page.
        text = (result.out / built).read_text(encoding="utf-8")
        assert text.count('id="__config"') == 1 and text.count('id="__drawer"') == 1
        for _tag, attrs in content.tags:
            href = attrs.get("href") or attrs.get("src") or ""
            assert not re.match(r"\s*(javascript|data):", href, re.IGNORECASE), (built, attrs)
        # No element of the page took an id of the portal's own (#messages, #relais-linkedin...).
        ids = re.findall(r'\sid="([^"]*)"', text)
        assert sorted({i for i in ids if ids.count(i) > 1}) == [], built
        assert "Un piège." in content.visible and "Kits" in content.visible
    # A free page holds nothing but what the team wrote: every attribute is on the list, no
    # class or id of Material's or Relais' own (but the button class Material documents).
    free = read(result.out / "pages/attributs/index.html")
    for tag, attrs in free.tags:
        if tag in ("svg", "symbol", "path", "g", "use"):
            continue  # the network icons sprite, Relais' own (Markdown makes no SVG)
        assert set(attrs) <= ALLOWED, (tag, attrs)
        classes = (attrs.get("class") or "").split()
        assert not [c for c in classes if c.startswith(("md-", "relais")) and c != "md-button"]
        assert not (attrs.get("id") or "").startswith(("__", "relais", "md-"))
    kits = [a for t, a in free.tags if t == "h2" and "md-button" in (a.get("class") or "")]
    assert kits and "id" not in kits[0]


def test_a_post_link_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    from generator.load import load

    root = tmp_path / "repo"
    (root / "content/posts").mkdir(parents=True)
    (root / "site_config.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "content/posts/lien.md").write_text(
        '---\ntitle: Lien\ndate: 2026-12-03T09:30\nnetworks: [linkedin]\nstatus: draft\nlink: "http://[a]/"\n---\n',
        encoding="utf-8",
    )
    [error] = [d for d in load(root).diagnostics if d.severity.value == "error"]
    assert (error.file, error.line, error.code) == ("content/posts/lien.md", 6, "invalid-url")
