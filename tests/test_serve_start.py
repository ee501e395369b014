"""A real `relais serve` on 127.0.0.1: the last preview answers at once, the fresh one replaces
it whole, edits show, content errors keep the banner, and nothing half-built is ever served."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DEMO_NOW
from tests.helpers import retitle

pytestmark = pytest.mark.slow

POST = "content/posts/lancement-gamme-hiver.md"
PAGE = "posts/lancement-gamme-hiver/"
TIMEOUT = 240.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A `relais serve` subprocess; what it prints goes to a file read while it runs."""

    def __init__(self, root: Path, port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}/"
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "generator",
                    "serve",
                    "--root",
                    str(root),
                    "--now",
                    DEMO_NOW,
                    "--dev-addr",
                    f"127.0.0.1:{port}",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            )

    def said(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while text not in self.said():
            assert self.process.poll() is None, f"relais serve ended:\n{self.said()}"
            assert time.monotonic() < deadline, f"never said {text!r}:\n{self.said()}"
            time.sleep(0.05)

    def get(self, path: str = "", timeout: float = 30.0) -> tuple[int, str]:
        """The status and body of a page (0 when nothing answers)."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except OSError:
            return 0, ""

    def first(self, path: str = "") -> tuple[int, str]:
        """The first answer to `path` once the server listens."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            status, body = self.get(path)
            if status:
                return status, body
            assert self.process.poll() is None, f"relais serve ended:\n{self.said()}"
            assert time.monotonic() < deadline
            time.sleep(0.05)

    def until(self, path: str, text: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while True:
            _, body = self.get(path)
            if text in body:
                return body
            assert self.process.poll() is None, f"relais serve ended:\n{self.said()}"
            assert time.monotonic() < deadline, f"{text!r} never showed on /{path}"
            time.sleep(0.1)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()


@pytest.fixture
def serving(demo_repo: Path, tmp_path: Path) -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for served in started:
        served.stop()


def start(root: Path, port: int, tmp_path: Path, started: list[Served]) -> Served:
    served = Served(root, port, tmp_path / f"serve-{len(started)}.txt")
    started.append(served)
    return served


def last_preview(root: Path, port: int, tmp_path: Path, serving: list[Served]) -> None:
    """A preview that built the portal on `port` and stopped: the next one starts from it."""
    one = start(root, port, tmp_path, serving)
    one.wait_for("relais: built in")
    assert one.stop() == 0


def title_of(body: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.DOTALL)
    return found.group(1).strip() if found else ""


def test_the_last_preview_answers_at_once_then_the_fresh_one_replaces_it(
    demo_repo: Path, tmp_path: Path, serving: list[Served]
) -> None:
    port = free_port()
    one = start(demo_repo, port, tmp_path, serving)
    one.wait_for("relais: built in")
    assert title_of(one.first(PAGE)[1]) == "Lancement de la gamme d’hiver"
    assert one.stop() == 0
    retitle(demo_repo / POST, "La gamme d’hiver arrive")

    two = start(demo_repo, port, tmp_path, serving)
    status, body = two.first(PAGE)
    # Answered before the fresh stage was built: the last preview's page, whole.
    assert "relais: built in" not in two.said()
    assert status == 200 and title_of(body) == "Lancement de la gamme d’hiver"
    assert body.rstrip().endswith("</html>")
    epoch = re.search(r"livereload\((\d+),", body)
    assert epoch is not None
    # An open page hears of the fresh site: MkDocs' live reload answers with a newer epoch.
    _, newer = two.get(f"livereload/{epoch.group(1)}/1", timeout=TIMEOUT)
    assert int(newer) > int(epoch.group(1))
    assert title_of(two.get(PAGE)[1]) == "La gamme d’hiver arrive"
    assert "relais: built in" in two.said()
    # The next preview starts from this one.
    current = json.loads((demo_repo / ".relais/serve/current.json").read_text(encoding="utf-8"))
    assert current["marker"]["address"] == f"127.0.0.1:{port}"


def test_nothing_half_built_is_served_and_nothing_stale_after_the_switch(
    demo_repo: Path, tmp_path: Path, serving: list[Served]
) -> None:
    port = free_port()
    last_preview(demo_repo, port, tmp_path, serving)
    retitle(demo_repo / POST, "Deuxième version")
    # A preview stopped in the middle of its build (killed): the next one must not serve that
    # build, but the last finished one.
    two = start(demo_repo, port, tmp_path, serving)
    two.wait_for("relais: staged in")
    two.process.kill()
    two.process.wait()
    retitle(demo_repo / POST, "Troisième version")

    three = start(demo_repo, port, tmp_path, serving)
    seen: list[tuple[int, str, str]] = []
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            for path in (PAGE, ""):
                status, body = three.get(path)
                if status:
                    seen.append((status, path, body))

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        three.until(PAGE, "Troisième version")
        time.sleep(1.0)  # and a little after the switch
    finally:
        done.set()
        poller.join(60)
    assert seen, "the poller saw no answer"
    titles = []
    for status, path, body in seen:
        assert status == 200, (path, body[:200])
        assert body.rstrip().endswith("</html>"), path  # a whole page, never a half-written one
        if path == PAGE:
            titles.append(title_of(body))
    assert set(titles) <= {"Lancement de la gamme d’hiver", "Troisième version"}
    assert titles[0] == "Lancement de la gamme d’hiver"  # the last finished preview
    switched = titles.index("Troisième version")
    assert set(titles[switched:]) == {"Troisième version"}  # nothing stale after the switch


def test_after_a_start_from_the_last_preview_an_edited_page_rendered_alone_is_the_edited_one(
    demo_repo: Path, tmp_path: Path, serving: list[Served], cache_on: None
) -> None:
    """A start from the last preview places the build cache's pages ahead of MkDocs, whose
    dirty build then skips them (each built file is newer than its source). An edit of one
    of those posts is rendered alone at once: its page must be the edited one then, not the
    cached one until the whole portal follows (a stale entry of the placing threads once
    served it)."""
    port = free_port()
    last_preview(demo_repo, port, tmp_path, serving)
    two = start(demo_repo, port, tmp_path, serving)
    two.wait_for("relais: built in")
    two.until(PAGE, "Lancement de la gamme")
    said = len(two.said())
    retitle(demo_repo / POST, "Rendue seule après le départ")
    deadline = time.monotonic() + TIMEOUT
    while f"{PAGE[:-1]}.md rebuilt in" not in two.said()[said:]:
        assert two.process.poll() is None, two.said()
        assert time.monotonic() < deadline, f"the edit was never rendered alone:\n{two.said()}"
        time.sleep(0.02)
    # At once, before the whole portal follows (a second later, then its stage and build).
    assert title_of(two.get(PAGE)[1]) == "Rendue seule après le départ"


def test_an_edit_shows_and_a_content_error_keeps_the_banner(
    demo_repo: Path, tmp_path: Path, serving: list[Served]
) -> None:
    served = start(demo_repo, free_port(), tmp_path, serving)
    served.wait_for("relais: built in")
    retitle(demo_repo / POST, "Un titre tout neuf")
    assert title_of(served.until(PAGE, "Un titre tout neuf")) == "Un titre tout neuf"
    post = demo_repo / POST
    good = post.read_text(encoding="utf-8")
    post.write_text(good.replace("networks: [", "networks: [linkdin, ", 1), encoding="utf-8")
    home = served.until("", "Le contenu a des erreurs.")
    assert "unknown network &#39;linkdin&#39;" in home
    assert title_of(served.get(PAGE)[1]) == "Un titre tout neuf"  # the last good version
    post.write_text(good.replace("Un titre tout neuf", "Corrigé"), encoding="utf-8")
    served.until(PAGE, "Corrigé")
    deadline = time.monotonic() + TIMEOUT
    while "Le contenu a des erreurs." in served.get("")[1]:
        assert time.monotonic() < deadline, "the banner stayed after the fix"
        time.sleep(0.1)


def test_content_errors_at_the_start_stop_the_preview_even_with_a_last_one(
    demo_repo: Path, tmp_path: Path, serving: list[Served]
) -> None:
    port = free_port()
    last_preview(demo_repo, port, tmp_path, serving)
    post = demo_repo / POST
    post.write_text(
        post.read_text(encoding="utf-8").replace("networks: [", "networks: [linkdin, ", 1),
        encoding="utf-8",
    )
    two = start(demo_repo, port, tmp_path, serving)
    assert two.process.wait(timeout=TIMEOUT) == 1
    said = two.said()
    assert "lancement-gamme-hiver.md" in said and "linkdin" in said
    assert "Traceback" not in said


def without_live_reload(body: str) -> str:
    return re.sub(r"<script>\s*var livereload = .*?</script>", "", body, flags=re.DOTALL)


def test_an_edited_post_rendered_alone_is_the_page_a_whole_build_makes(
    demo_repo: Path, tmp_path: Path, serving: list[Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick step renders an edited post's page alone, with the last build's navigation
    and templates; the full stage after it leaves that page as it is. It must be the page a
    whole build makes (no build cache here, so that the second preview renders it anew)."""
    monkeypatch.setenv("RELAIS_CACHE", "off")
    port = free_port()
    one = start(demo_repo, port, tmp_path, serving)
    one.wait_for("relais: built in")
    said = len(one.said())
    retitle(demo_repo / POST, "Rendue seule")
    one.until(PAGE, "Rendue seule")
    assert "relais: posts/lancement-gamme-hiver.md rebuilt in" in one.said()[said:]
    deadline = time.monotonic() + TIMEOUT
    while not re.search(r"relais: staged in .*relais: built in", one.said()[said:], re.DOTALL):
        assert time.monotonic() < deadline, one.said()
        time.sleep(0.1)
    quick = without_live_reload(one.get(PAGE)[1])
    assert one.stop() == 0
    (demo_repo / ".relais/serve/current.json").unlink()  # no last preview: a whole build
    two = start(demo_repo, port, tmp_path, serving)
    two.wait_for("relais: built in")
    whole = without_live_reload(two.get(PAGE)[1])
    assert "Rendue seule" in whole and "livereload" not in whole
    assert quick == whole


def test_a_last_preview_not_signed_by_this_user_is_never_served(
    demo_repo: Path, tmp_path: Path, serving: list[Served]
) -> None:
    """`.relais/` may come with the repository (committed by anyone): a finished site named
    by a marker without this user's signature (the build cache's key) is not served."""
    port = free_port()
    planted = demo_repo / ".relais/serve/site-a"
    (planted / "posts/lancement-gamme-hiver").mkdir(parents=True)
    for page in (planted / "index.html", planted / PAGE / "index.html"):
        page.write_text("<html><body><h1>Planted</h1></body></html>", encoding="utf-8")
    marker = {"site": "site-a", "address": f"127.0.0.1:{port}", "mount": "/"}
    (demo_repo / ".relais/serve/current.json").write_text(
        json.dumps({"marker": marker, "signature": "0" * 64}), encoding="utf-8"
    )
    served = start(demo_repo, port, tmp_path, serving)
    status, body = served.first(PAGE)
    assert status == 200 and "Planted" not in body
    assert title_of(body) == "Lancement de la gamme d’hiver"
    assert "relais: built in" in served.said()  # it waited for its own build


def test_without_a_last_preview_the_home_page_comes_first_and_is_the_whole_builds(
    demo_repo: Path, tmp_path: Path, serving: list[Served]
) -> None:
    """A fresh folder (no .relais/): the home page is built alone and served while the rest
    of the portal is built; a page not built yet waits for it (never a 404); the home page
    is the bytes the whole build makes, and open pages reload onto the whole portal."""
    assert not (demo_repo / ".relais/serve").exists()
    served = start(demo_repo, free_port(), tmp_path, serving)
    status, first = served.first("")
    assert "relais: built in" not in served.said()  # answered before the whole build ended
    assert status == 200 and first.rstrip().endswith("</html>")
    assert "relais: index.md built in" in served.said()
    epoch = re.search(r"livereload\((\d+),", first)
    assert epoch is not None
    # A post's page, asked for now, waits for the whole portal: whole, never a 404.
    status, post = served.get(PAGE, timeout=TIMEOUT)
    assert status == 200 and title_of(post) == "Lancement de la gamme d’hiver"
    assert "relais: built in" in served.said()
    # The open home page hears of the whole portal, whose home page is the same bytes.
    _, newer = served.get(f"livereload/{epoch.group(1)}/1", timeout=TIMEOUT)
    assert int(newer) > int(epoch.group(1))
    whole = served.get("")[1]
    assert without_live_reload(whole) == without_live_reload(first)
    # And a search asked for early waits for the whole index too (the first one holds the
    # home page only): here, after the switch, it finds the posts.
    status, index = served.get("search/search_index.json")
    assert status == 200
    assert PAGE in {doc["location"] for doc in json.loads(index)["docs"]}


def test_an_edit_saved_while_the_whole_portal_is_built_behind_the_first_page_shows(
    demo_repo: Path, tmp_path: Path, serving: list[Served]
) -> None:
    """The first page is served before anything watches the content: a post saved then
    (after the stage loaded it) is staged once the watcher starts, not lost."""
    served = start(demo_repo, free_port(), tmp_path, serving)
    served.wait_for("relais: index.md built in")
    assert "relais: staged in" not in served.said()
    retitle(demo_repo / POST, "Enregistré pendant la construction")
    assert (
        title_of(served.until(PAGE, "Enregistré pendant")) == "Enregistré pendant la construction"
    )


def test_content_errors_at_a_first_start_stop_the_preview_with_their_diagnostics(
    demo_repo: Path, tmp_path: Path, serving: list[Served]
) -> None:
    post = demo_repo / POST
    post.write_text(
        post.read_text(encoding="utf-8").replace("networks: [", "networks: [linkdin, ", 1),
        encoding="utf-8",
    )
    served = start(demo_repo, free_port(), tmp_path, serving)
    assert served.process.wait(timeout=TIMEOUT) == 1
    said = served.said()
    assert "lancement-gamme-hiver.md" in said and "linkdin" in said
    assert "Traceback" not in said and "relais: built in" not in said
