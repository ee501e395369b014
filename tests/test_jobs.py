"""Work beside the main line: a forked process gives the same values, errors and portal as one process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator import jobs
from generator.build import build
from tests.conftest import DEMO_NOW, copy_demo
from tests.helpers import differing, site_digest


@pytest.fixture(autouse=True)
def no_other_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other tests of the session serve pages from a thread: jobs would then refuse to fork
    (rightly, in general). Their server idles in select(): forking beside it is safe here."""
    monkeypatch.setattr(jobs.threading, "active_count", lambda: 1)
    monkeypatch.delenv("RELAIS_JOBS", raising=False)


def _square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def _fail() -> None:
    raise ValueError("broken on purpose")


def test_a_function_beside_runs_in_another_process_and_gives_its_value() -> None:
    assert jobs.available(), "the test machine has two cores or more and runs Linux"
    pending = jobs.beside(_square, 12)
    value, pid = pending.result()
    assert value == 144 and pid != os.getpid()
    assert pending.peak_kb > 0 and pending.seconds >= 0
    assert pending.result() == (144, pid)  # asking again gives the same value


def test_an_error_beside_is_raised_where_the_caller_waits() -> None:
    pending = jobs.beside(_fail)
    with pytest.raises(jobs.JobError, match="ValueError: broken on purpose"):
        pending.result()


def test_with_relais_jobs_1_the_function_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAIS_JOBS", "1")
    assert not jobs.available()
    value, pid = jobs.beside(_square, 3).result()
    assert (value, pid) == (9, os.getpid())
    with pytest.raises(ValueError, match="broken on purpose"):
        jobs.beside(_fail).result()


def test_a_cancelled_job_ends_its_process() -> None:
    pending = jobs.beside(time.sleep, 30)
    started = time.perf_counter()
    pending.cancel()
    assert time.perf_counter() - started < 25  # the child would sleep 30 s: it was ended
    with pytest.raises(ChildProcessError):
        os.waitpid(pending._pid, os.WNOHANG)  # already reaped: nothing left behind


def test_the_portal_is_the_same_built_in_one_process_or_four(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_demo(tmp_path / "demo")
    sites = {}
    for name, setting in (("one", "1"), ("three", "")):  # "three": and a fourth for the .ics files
        monkeypatch.setenv("RELAIS_JOBS", setting)
        result = build(root, now_option=DEMO_NOW, out=tmp_path / name)
        assert result.ok, result.failure
        if name == "three":
            assert "check-beside" in result.timings and result.worker_peak_kb > 0
            assert "later-beside" in result.timings  # the .ics files, written while MkDocs built
            assert not list(
                tmp_path.glob(".three.tmp-*")
            )  # the folder they were written in is gone
        else:
            assert "check" in result.timings and result.worker_peak_kb == 0
        sites[name] = site_digest(tmp_path / name)
    assert len(sites["one"]) > 100
    assert differing(sites["one"], sites["three"]) == []


def test_content_errors_found_beside_stop_the_build(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    post = root / "content" / "posts" / "bilan-carbone-2026.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("owner: claire-martin", "owner: personne"),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = build(root, now_option=DEMO_NOW, out=out)
    assert not result.ok and "content errors" in result.failure
    assert "check-beside" in result.timings  # found by the second process, while this one planned
    [error] = [d for d in result.diagnostics if d.severity.value == "error"]
    assert (error.file, error.line) == ("content/posts/bilan-carbone-2026.md", 8)
    assert "personne" in error.message
    assert not out.exists()


def test_a_plan_that_stumbles_on_rejected_content_gives_the_checks_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.stages as stages

    def stumble(*args: object, **kwargs: object) -> None:
        raise KeyError("personne")  # what a planner may do with an owner that does not exist

    monkeypatch.setattr(stages, "plan", stumble)
    root = copy_demo(tmp_path / "demo")
    post = root / "content" / "posts" / "bilan-carbone-2026.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("owner: claire-martin", "owner: personne"),
        encoding="utf-8",
    )
    result = build(root, now_option=DEMO_NOW, out=tmp_path / "site")
    assert not result.ok and "content errors" in result.failure
    # On clean content the same stumble is a bug of Relais: it is not hidden.
    clean = copy_demo(tmp_path / "clean")
    with pytest.raises(KeyError):
        build(clean, now_option=DEMO_NOW, out=tmp_path / "site2")


def test_no_fork_beside_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs.threading, "active_count", lambda: 2)
    assert not jobs.available()
    assert jobs.beside(_square, 2).result() == (4, os.getpid())


def test_a_job_ends_with_its_parent_even_killed(tmp_path: Path) -> None:
    """A build killed by SIGKILL leaves no worker behind (it would hold the build lock's file)."""
    import signal
    import subprocess
    import sys

    script = (
        "import time; from generator import jobs; jobs.threading.active_count = lambda: 1\n"
        "p = jobs.beside(time.sleep, 60)\n"
        f"open({str(tmp_path / 'pid')!r}, 'w').write(str(p._pid))\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=Path(__file__).resolve().parent.parent
    )
    for _ in range(100):
        if (tmp_path / "pid").is_file() and (tmp_path / "pid").read_text():
            break
        time.sleep(0.05)
    child = int((tmp_path / "pid").read_text())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        # A zombie still answers kill(0): it is dead once its status reads "Z".
        status = (
            Path(f"/proc/{child}/stat").read_text().split()[2]
            if Path(f"/proc/{child}").exists()
            else "Z"
        )
        if status == "Z":
            return
        time.sleep(0.05)
    pytest.fail(f"the worker {child} outlived its killed parent")


def test_briefs_converted_elsewhere_are_used_only_for_the_same_text(tmp_path: Path) -> None:
    from generator.clock import parse_now
    from generator.load import load
    from generator.plan import Briefs, plan

    root = copy_demo(tmp_path / "demo")
    project = load(root).project
    assert project is not None
    post = next(p for p in project.posts if p.slug == "bilan-carbone-2026")
    site = project.config.site
    marked = '<h2 id="brief">Brief</h2>\n<p>MARQUEUR</p>'
    same = (
        site.language,
        site.url,
        post.body.strip(),
        marked,
        {"anchor": "brief", "title": "Brief", "text": "x"},
    )
    other = (site.language, site.url, "un autre texte", marked, None)
    now = parse_now(DEMO_NOW, "Europe/Paris")
    for given, used in ((same, True), (other, False)):
        pages = plan(
            project, now, briefs=[Briefs(frozenset({post.slug}), lambda g=given: {post.slug: g})]
        ).pages
        assert ("MARQUEUR" in pages["posts/bilan-carbone-2026.md"]) is used


# --- pipelines (jobs.run, build.PIPELINE) ------------------------------------------------------


def _double(n: int) -> int:
    return 2 * n


def _pid_and(n: int) -> tuple[int, int]:
    return os.getpid(), n


def _sum(double: int, waiter: object, spare: object, skipped: object) -> tuple[int, int, object]:
    pid, n = waiter()  # type: ignore[operator]
    return pid, double + n, (spare, skipped)


PIPELINE = (
    jobs.Stage("double", _double, ("n",)),
    jobs.Stage("beside", _pid_and, ("double",), beside=True),
    jobs.Stage("spare", _double, ("n",), spare=True),
    jobs.Stage("skipped", _double, ("n",), only_if="flag"),
    jobs.Stage("sum", _sum, ("double", "beside", "spare", "skipped")),
)


def test_a_pipeline_runs_its_stages_in_order_beside_where_marked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timings = jobs.Timings()
    values = jobs.run(PIPELINE, {"n": 5, "flag": False}, timings)
    pid, total, (spare, skipped) = values["sum"]
    assert pid != os.getpid() and total == 20 and spare == 10 and skipped is None
    assert set(timings.stages) == {"double", "spare", "sum", "beside-beside"}
    assert timings.peak_kb > 0
    # One process: the same values, the stage meant beside runs here, the spare one not at all.
    monkeypatch.setenv("RELAIS_JOBS", "1")
    timings = jobs.Timings()
    values = jobs.run(PIPELINE, {"n": 5, "flag": True}, timings)
    assert values["sum"] == (os.getpid(), 20, (None, 10))
    assert set(timings.stages) == {"double", "beside", "skipped", "sum"}
    assert timings.peak_kb == 0


def test_a_stage_that_raises_stops_the_pipeline_and_ends_what_runs_beside(tmp_path: Path) -> None:
    marker = tmp_path / "slept"

    def sleep_then_mark() -> None:
        time.sleep(30)
        marker.write_text("the stage beside was not stopped")

    stages = (
        jobs.Stage("long", sleep_then_mark, beside=True),
        jobs.Stage("fails", _fail),
        jobs.Stage("never", _double, ("n",)),
    )
    timings = jobs.Timings()
    with pytest.raises(ValueError, match="broken on purpose"):
        jobs.run(stages, {"n": 1}, timings)
    assert "never" not in timings.stages and "long-beside" in timings.stages
    assert not marker.exists()


def test_every_stage_of_the_build_needs_only_values_given_or_made_above() -> None:
    from generator.build import PIPELINE as BUILD

    known = {"root", "out", "now_option", "strict", "fetch", "timings"}
    for stage in BUILD:
        assert set(stage.needs) <= known, (stage.name, set(stage.needs) - known)
        assert not (stage.beside and stage.name in {"load", "plan", "publish"})
        known.add(stage.name)
