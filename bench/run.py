"""The performance benchmark: Relais against Material's blog plugin, on the same synthetic posts.

For each size N it generates a content repository (bench/generate.py) and the same posts
as a Material blog project, then times, alternating and repeated, each in a fresh
subprocess (imports included): `relais check`, `relais build --timings` and the blog
plugin's `mkdocs build`. It also times the demo build and `relais serve`'s edit latency
(a real file change, polled over HTTP), and prints Markdown tables of medians and ratios
with the machine described. Progress goes to stderr, the report to stdout.

    python bench/run.py [--sizes 1000,2000,4000] [--repeat 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT))

from bench.generate import NOW_OPTION, SHARE_SHARE, Sizes, generate, parse_feeds

# "build" is cold (no build cache); "warm" follows it, with the cache it filled and one post edited.
TOOLS = ("check", "build", "warm", "blog")
STAGES = (
    "load",
    "check",
    "plan",
    "write",
    "mkdocs",
    "later",
    "swap",
)  # "check" only when run in line (RELAIS_JOBS=1)
# In other processes (generator/build.py's PIPELINE, run by generator/jobs.py).
BESIDE = ("check-beside", "briefs-beside", "apart-beside", "later-beside")
DEMO_PARTS = ("site_config.yml", "content", "calendar", "ambassadors", "moderation")
TARGETS = {
    "ratio": 5.0,
    "stretch": 8.0,
    "growth": 2.2,
    "own_per_1000": 1.5,
    "check_2000": 3.0,
    "memory_mb": 1024.0,
    "demo": 5.0,
    "serve": 1.0,
    "warm_own": 1.5,
    "serve_first": 3.0,
}
_TIMING = re.compile(r"^\s*(\w[\w-]*):\s+([\d.]+) s\s*$", re.MULTILINE)
_CACHED = re.compile(r"^\s*cached:\s+(\d+) of (\d+) pages\s*$", re.MULTILINE)
_PEAK = re.compile(r"^\s*peak:\s+(\d+) MB(?: \+ (\d+) MB beside)?\s*$", re.MULTILINE)


@dataclass
class Run:
    """One timed subprocess."""

    wall: float
    rss_mb: float  # the largest process's peak (wait4); for a build, see beside_mb
    code: int
    cpu: float = 0.0  # user + system seconds of the process and the processes it waited for
    beside_mb: float = 0.0  # peak memory of a build's processes beside the main one (--timings)
    pages: int = 0
    bytes: int = 0
    content_bytes: int = 0  # without the theme's assets/ folder: what grows with the posts
    stages: dict[str, float] = field(default_factory=dict)
    cached: str = ""  # "hits of looked up" pages of the build cache (--timings)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT), env.get("PYTHONPATH", "")) if p)
    return env


def timed(cmd: list[str], cwd: Path, logs: Path) -> tuple[Run, str, str]:
    """Run cmd in a fresh process; wall time and that process's own peak memory (wait4)."""
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / "stdout.txt", logs / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=environment())
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    # ru_maxrss is in KiB on Linux.
    return (
        Run(wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime),
        stdout,
        stderr,
    )


def tree_size(folder: Path) -> tuple[int, int, int]:
    """(HTML pages, bytes, bytes outside assets/) of a built site."""
    pages = total = content = 0
    for path in folder.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.relative_to(folder).parts[0] != "assets":
                content += size
            pages += path.suffix == ".html"
    return pages, total, content


def run_tool(tool: str, size_dir: Path, rep: int) -> Run:
    """One cold run of a tool: output and staging removed first (as on a fresh CI checkout)."""
    py = sys.executable
    relais, blog = size_dir / "relais", size_dir / "blog"
    logs = size_dir / "logs" / f"{tool}-{rep}"
    if tool == "check":
        run, out, err = timed([py, "-m", "generator", "check", "--now", NOW_OPTION], relais, logs)
        ok = run.code == 0
    elif tool in ("build", "warm"):
        site = size_dir / "relais-site"
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(relais / ".relais" / "staging", ignore_errors=True)
        if tool == "build":
            shutil.rmtree(relais / ".relais" / "cache", ignore_errors=True)
        else:
            edit_one_post(relais, rep)
        cmd = [py, "-m", "generator", "build", "--now", NOW_OPTION, "--timings", "--out", str(site)]
        run, out, err = timed(cmd, relais, logs)
        ok = run.code == 0
        run.stages = {name: float(value) for name, value in _TIMING.findall(err)}
        peak = _PEAK.search(err)
        if peak:
            run.rss_mb, run.beside_mb = float(peak.group(1)), float(peak.group(2) or 0)
        found = _CACHED.search(err)
        run.cached = f"{found.group(1)} of {found.group(2)}" if found else ""
        if ok:
            run.pages, run.bytes, run.content_bytes = tree_size(site)
    else:
        site = size_dir / "blog-site"
        shutil.rmtree(site, ignore_errors=True)
        cmd = [py, "-m", "mkdocs", "build", "-q", "-f", str(blog / "mkdocs.yml"), "-d", str(site)]
        run, out, err = timed(cmd, blog, logs)
        ok = run.code == 0
        if ok:
            run.pages, run.bytes, run.content_bytes = tree_size(site)
    if not ok:
        tail = "\n".join((out + err).strip().splitlines()[-15:])
        raise SystemExit(
            f"bench: {tool} failed (exit {run.code}) in {size_dir}; logs in {logs}\n{tail}"
        )
    return run


def edit_one_post(root: Path, rep: int) -> None:
    """Change the title of one published post (another one at each run), as a day's edit does."""
    slug = published_posts(root, rep + 1)[-1]
    path = root / "content" / "posts" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(
            r"^title: .*$", f"title: Titre du jour {rep + 1}", text, count=1, flags=re.MULTILINE
        ),
        encoding="utf-8",
    )


def demo_build(work: Path, rep: int) -> Run:
    """The demo repository of this project (with its watch cache, as `make demo`), built cold."""
    demo = work / "demo"
    if not (demo / "site_config.yml").exists():
        demo.mkdir(parents=True, exist_ok=True)
        for part in DEMO_PARTS:
            src = PROJECT / part
            if src.is_dir():
                shutil.copytree(src, demo / part, dirs_exist_ok=True)
            elif src.is_file():
                shutil.copy2(src, demo / part)
        if (PROJECT / "demo-watch-cache").is_dir():  # as `make demo` does
            shutil.copytree(PROJECT / "demo-watch-cache", demo / ".relais" / "watch")
    shutil.rmtree(demo / ".relais" / "staging", ignore_errors=True)
    site = work / "demo-site"
    shutil.rmtree(site, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--now",
        NOW_OPTION,
        "--timings",
        "--out",
        str(site),
    ]
    run, out, err = timed(cmd, demo, work / "logs" / f"demo-{rep}")
    if run.code != 0:
        raise SystemExit(f"bench: the demo build failed (exit {run.code}):\n{(out + err)[-2000:]}")
    run.stages = {name: float(value) for name, value in _TIMING.findall(err)}
    run.pages, run.bytes, run.content_bytes = tree_size(site)
    return run


# --- serve: edit a post, poll its page -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(
    pid: int, *, window: float = 1.0, busy: float = 0.15, timeout: float = 300.0
) -> float:
    """Wait until the process uses less than `busy` of a CPU over `window` seconds; returns the wait."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < busy * window:
            break
    return time.perf_counter() - started


def published_posts(root: Path, count: int) -> list[str]:
    """Slugs of published, unembargoed posts spread over the repository."""
    files = sorted((root / "content" / "posts").glob("*.md"))
    picked = []
    for path in files[len(files) // 3 :] + files[: len(files) // 3]:
        text = path.read_text(encoding="utf-8")
        if "\nstatus: published\n" in text and "embargo:" not in text:
            picked.append(path.stem)
        if len(picked) == count:
            break
    return picked


def serve_latency(
    root: Path, edits: int, logs: Path, timeout: float = 600.0, port: int = 0
) -> dict[str, Any]:
    """Start `relais serve`, then change one post's title `edits` times; seconds until each shows."""
    logs.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    base = f"http://127.0.0.1:{port}/"
    cmd = [
        sys.executable,
        "-m",
        "generator",
        "serve",
        "--now",
        NOW_OPTION,
        "--dev-addr",
        f"127.0.0.1:{port}",
    ]
    started = time.perf_counter()
    with open(logs / "serve.txt", "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, env=environment()
        )
    slugs = published_posts(root, edits) if edits else []
    originals = {
        slug: (root / "content" / "posts" / f"{slug}.md").read_text(encoding="utf-8")
        for slug in slugs
    }
    result: dict[str, Any] = {"posts_edited": slugs, "edits": []}
    try:
        while fetch(base) is None:
            if proc.poll() is not None or time.perf_counter() - started > timeout:
                raise SystemExit(f"bench: relais serve did not start; see {logs / 'serve.txt'}")
            time.sleep(0.1)
        result["ready"] = time.perf_counter() - started
        # The first page may be the last preview's: the fresh site is served once built.
        while "relais: built in" not in (logs / "serve.txt").read_text(errors="replace"):
            if proc.poll() is not None or time.perf_counter() - started > timeout:
                raise SystemExit(f"bench: relais serve never built; see {logs / 'serve.txt'}")
            time.sleep(0.05)
        result["fresh"] = time.perf_counter() - started
        wait_idle(proc.pid)  # the first build and the file watchers settle
        for k, slug in enumerate(slugs):
            token = f"Titre modifié {k + 1} {os.getpid()}x{int(time.time())}"
            path = root / "content" / "posts" / f"{slug}.md"
            text = re.sub(
                r"^title: .*$", f"title: {token}", originals[slug], count=1, flags=re.MULTILINE
            )
            said = len((logs / "serve.txt").read_bytes())
            path.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            expected = token.replace("é", "&eacute;")
            while True:
                page = fetch(f"{base}posts/{slug}/") or ""
                if token in page or expected in page:
                    break
                if time.perf_counter() - saved > 120 or proc.poll() is not None:
                    raise SystemExit(
                        f"bench: the edit of {slug} never showed; see {logs / 'serve.txt'}"
                    )
                time.sleep(0.02)
            result["edits"].append(time.perf_counter() - saved)
            # A person reads the page before the next edit: the server finishes the rest
            # of the portal (lists, calendar, feeds) meanwhile, after a second's pause
            # (serve.SETTLE_SECONDS): until it says so, then until it is idle. Measured too.
            while not re.search(
                rb"relais: staged in .*relais: built in",
                (logs / "serve.txt").read_bytes()[said:],
                re.DOTALL,
            ):
                if time.perf_counter() - saved > 300 or proc.poll() is not None:
                    raise SystemExit(f"bench: the portal never settled; see {logs / 'serve.txt'}")
                time.sleep(0.05)
            result.setdefault("settled", []).append(
                time.perf_counter() - saved + wait_idle(proc.pid)
            )
    finally:
        for slug, text in originals.items():
            (root / "content" / "posts" / f"{slug}.md").write_text(text, encoding="utf-8")
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    result["median"] = statistics.median(result["edits"]) if result["edits"] else None
    return result


# --- the machine --------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    packages = []
    for name in (
        "mkdocs",
        "mkdocs-material",
        "Markdown",
        "pymdown-extensions",
        "pydantic",
        "PyYAML",
        "Jinja2",
    ):
        try:
            packages.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            packages.append(f"{name} (missing)")
    try:
        import yaml

        libyaml = "with libyaml" if yaml.__with_libyaml__ else "without libyaml"
    except ImportError:
        libyaml = ""
    return {
        "cpus": str(
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        ),
        "cpu": cpu,
        "ram": ram,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(packages) + (f" (PyYAML {libyaml})" if libyaml else ""),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --- the report ---------------------------------------------------------------------------------


def med(runs: list[Run], attr: str) -> float:
    return float(statistics.median(getattr(r, attr) for r in runs))


def stage(runs: list[Run], name: str) -> float:
    return float(statistics.median(r.stages.get(name, 0.0) for r in runs))


def own(runs: list[Run]) -> float:
    """Relais' own stages: the wall time of everything but `mkdocs build` and the start-up
    (median of the per-run sums; work done beside is waited for inside "plan" and "later")."""
    return float(
        statistics.median(
            sum(v for k, v in r.stages.items() if k != "mkdocs" and k not in BESIDE) for r in runs
        )
    )


def memory(runs: list[Run]) -> float:
    """A build's peak memory: its processes' peaks added up (an upper bound of what they held together)."""
    return float(statistics.median(r.rss_mb + r.beside_mb for r in runs))


def cached(runs: list[Run]) -> str:
    """The pages a build took from the cache, of those it looked up (the last run's)."""
    return runs[-1].cached if runs else "n/a"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def report(data: dict[str, Any]) -> str:
    """The Markdown tables: times, size and memory, stages, growth, serve, targets."""
    sizes: list[int] = data["sizes"]
    runs: dict[int, dict[str, list[Run]]] = data["runs"]
    has_blog = all(runs[n]["blog"] for n in sizes)
    m = data["machine"]
    lines = [
        (
            f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['ram']} RAM, {m['os']}; {m['python']}; {m['packages']}. "
            f"Load average at start: {m['load']}."
        ),
        "",
        (
            f"Content: N posts (2 a day, {data['share_pct']} % with a share kit), {data['ambassadors']} ambassadors, "
            f"watch cache {data['feeds']}; median of {data['repeat']} cold runs each, alternating, "
            "each in a fresh process (imports included)."
        ),
        "",
        (
            "| posts | `relais check` | `relais build` | blog plugin build | blog ÷ relais | Relais' own stages | "
            "own stages per 1,000 posts |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        r = runs[n]
        build, blog = med(r["build"], "wall"), med(r["blog"], "wall") if has_blog else None
        lines.append(
            f"| {n:,} | {med(r['check'], 'wall'):.2f} s | {build:.2f} s | "
            + (f"{blog:.2f} s | {blog / build:.1f}× |" if blog else "n/a | n/a |")
            + f" {own(r['build']):.2f} s | {own(r['build']) / n * 1000:.2f} s |"
        )
    if all(runs[n]["warm"] for n in sizes):
        lines += [
            "",
            (
                "Warm builds: the same repository built again right after the cold build, with the "
                "build cache it filled and one post's title changed (another post at each run):"
            ),
            "",
            (
                "| posts | cold build | warm build, one post edited | warm ÷ cold | Relais' own "
                "stages (warm) | mkdocs stage (warm) | pages from the cache |"
            ),
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n in sizes:
            r = runs[n]
            cold, warm = med(r["build"], "wall"), med(r["warm"], "wall")
            lines.append(
                f"| {n:,} | {cold:.2f} s | {warm:.2f} s | {warm / cold:.2f} | {own(r['warm']):.2f} s"
                f" | {stage(r['warm'], 'mkdocs'):.2f} s | {cached(r['warm'])} |"
            )
    lines += [
        "",
        (
            "| posts | peak memory check / build / blog | HTML pages relais / blog | output relais / blog | "
            "relais bytes per post (without theme assets) |"
        ),
        "|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        r = runs[n]
        blog_mem = f"{med(r['blog'], 'rss_mb'):.0f} MB" if has_blog else "n/a"
        blog_pages = f"{med(r['blog'], 'pages'):.0f}" if has_blog else "n/a"
        blog_bytes = f"{med(r['blog'], 'bytes') / 1e6:.1f} MB" if has_blog else "n/a"
        lines.append(
            f"| {n:,} | {med(r['check'], 'rss_mb'):.0f} / {memory(r['build']):.0f} / {blog_mem} | "
            f"{med(r['build'], 'pages'):.0f} / {blog_pages} | {med(r['build'], 'bytes') / 1e6:.1f} MB / {blog_bytes} | "
            f"{med(r['build'], 'content_bytes') / n / 1000:.1f} kB |"
        )
    shown = [s for s in STAGES if any(s in run.stages for n in sizes for run in runs[n]["build"])]
    beside = [s for s in BESIDE if any(s in run.stages for n in sizes for run in runs[n]["build"])]
    lines += [
        "",
        (
            "Relais build stages (seconds, median; `relais build --timings`). The columns after "
            'the wall time ran in other processes, while "plan" (check, briefs) or "mkdocs" '
            '(the .ics files) ran, and "plan" and "later" wait for them; '
            "CPU is the build's user + system time in all its processes:"
        ),
        "",
        "| posts | "
        + " | ".join(shown)
        + " | wall (with start-up) | "
        + " | ".join(beside + ["CPU"])
        + " |",
        "|---:|" + "---:|" * (len(shown) + len(beside) + 2),
    ]
    for n in sizes:
        r = runs[n]["build"]
        lines.append(
            f"| {n:,} | "
            + " | ".join(f"{stage(r, s):.2f}" for s in shown)
            + f" | {med(r, 'wall'):.2f} | "
            + " | ".join(f"{stage(r, s):.2f}" for s in beside + [])
            + (" | " if beside else "")
            + f"{med(r, 'cpu'):.2f} |"
        )
    if len(sizes) > 1:
        lines += [
            "",
            "| growth | relais build | relais check | blog plugin | relais bytes per post |",
            "|---|---:|---:|---:|---:|",
        ]
        for a, b in itertools.pairwise(sizes):
            ra, rb = runs[a], runs[b]
            blog = (
                f"{med(rb['blog'], 'wall') / med(ra['blog'], 'wall'):.2f}×" if has_blog else "n/a"
            )
            per_post = (med(rb["build"], "content_bytes") / b) / (
                med(ra["build"], "content_bytes") / a
            )
            lines.append(
                f"| {a:,} → {b:,} posts ({b / a:g}× the posts) | {med(rb['build'], 'wall') / med(ra['build'], 'wall'):.2f}× | "
                f"{med(rb['check'], 'wall') / med(ra['check'], 'wall'):.2f}× | {blog} | {per_post:.2f}× |"
            )
    demo = data.get("demo") or []
    serve = data.get("serve")
    lines += ["", "| other | result |", "|---|---:|"]
    if demo:
        lines.append(
            f"| demo build (`make demo`'s content, {med(demo, 'pages'):.0f} pages) | {med(demo, 'wall'):.2f} s |"
        )
    if serve:
        each = ", ".join(f"{x:.2f}" for x in serve["edits"])
        if "ready_cold" in serve:
            lines.append(
                f"| `relais serve` at {serve['posts']:,} posts: first page served, no build cache "
                f"| {serve['ready_cold']:.1f} s |"
            )
        lines.append(
            f"| `relais serve` at {serve['posts']:,} posts: first page served"
            + (", with the cache of the previous preview" if "ready_cold" in serve else "")
            + f" | {serve['ready']:.1f} s |"
        )
        lines.append(
            f"| `relais serve` at {serve['posts']:,} posts: edited title shown (median of {len(serve['edits'])}: {each} s) "
            f"| {serve['median']:.2f} s |"
        )
        if serve.get("settled"):
            lines.append(
                f"| `relais serve` at {serve['posts']:,} posts: whole portal up to date again after an edit "
                f"(median) | {statistics.median(serve['settled']):.1f} s |"
            )
    lines += ["", "Targets:", ""] + [f"- {t}" for t in targets(data)]
    return "\n".join(lines) + "\n"


def targets(data: dict[str, Any]) -> list[str]:
    sizes: list[int] = data["sizes"]
    runs = data["runs"]
    out = []
    ref = 2000 if 2000 in sizes else sizes[len(sizes) // 2]
    r = runs[ref]
    if r["blog"]:
        ratio = med(r["blog"], "wall") / med(r["build"], "wall")
        out.append(
            f"{ref:,} posts, build at most 1/{TARGETS['ratio']:g} of the blog plugin's time: {verdict(ratio >= TARGETS['ratio'])} "
            f"({ratio:.1f}× faster; stretch 1/{TARGETS['stretch']:g}: {verdict(ratio >= TARGETS['stretch'])})"
        )
    if 2 * ref in sizes:
        growth = med(runs[2 * ref]["build"], "wall") / med(r["build"], "wall")
        per_post = (med(runs[2 * ref]["build"], "content_bytes") / (2 * ref)) / (
            med(r["build"], "content_bytes") / ref
        )
        out.append(
            f"time({2 * ref:,}) / time({ref:,}) at most {TARGETS['growth']}: {verdict(growth <= TARGETS['growth'])} "
            f"({growth:.2f}); bytes per post {per_post:.2f}× ({verdict(0.85 <= per_post <= 1.15)} within ±15 %)"
        )
    worst = max(own(runs[n]["build"]) / n * 1000 for n in sizes)
    out.append(
        f"Relais' own stages at most {TARGETS['own_per_1000']} s per 1,000 posts: "
        f"{verdict(worst <= TARGETS['own_per_1000'])} (worst {worst:.2f} s)"
    )
    if r["warm"]:
        cold, warm = med(r["build"], "wall"), med(r["warm"], "wall")
        mine = own(r["warm"])
        out.append(
            f"{ref:,} posts, one post edited, warm cache: Relais' own stages at most "
            f"{TARGETS['warm_own']:g} s: {verdict(mine <= TARGETS['warm_own'])} ({mine:.2f} s); "
            f"whole build at most 1/3 of the cold one: {verdict(warm * 3 <= cold)} "
            f"({warm:.2f} s against {cold:.2f} s, {cold / warm:.1f}×)"
        )
    check = med(r["check"], "wall")
    out.append(
        f"`relais check` on {ref:,} posts at most {TARGETS['check_2000']:g} s: {verdict(check <= TARGETS['check_2000'])} ({check:.2f} s)"
    )
    big = max(sizes)
    mem = max(med(runs[big]["check"], "rss_mb"), memory(runs[big]["build"]))
    out.append(
        f"peak memory at {big:,} posts at most 1 GB: {verdict(mem <= TARGETS['memory_mb'])} ({mem:.0f} MB)"
    )
    if data.get("demo"):
        demo = med(data["demo"], "wall")
        out.append(
            f"the demo builds in at most {TARGETS['demo']:g} s: {verdict(demo <= TARGETS['demo'])} ({demo:.2f} s)"
        )
    serve = data.get("serve")
    if serve:
        out.append(
            f"`relais serve` shows an edit at {serve['posts']:,} posts in at most {TARGETS['serve']:g} s: "
            f"{verdict(serve['median'] <= TARGETS['serve'])} ({serve['median']:.2f} s)"
        )
        out.append(
            f"`relais serve` at {serve['posts']:,} posts serves its first page in at most "
            f"{TARGETS['serve_first']:g} s: {verdict(serve['ready'] <= TARGETS['serve_first'])} "
            f"({serve['ready']:.1f} s with the previous preview's cache"
            + (f", {serve['ready_cold']:.1f} s without)" if "ready_cold" in serve else ")")
        )
    return out


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,2000,4000", help="numbers of posts, comma-separated"
    )
    parser.add_argument("--ambassadors", type=int, default=Sizes.ambassadors)
    parser.add_argument(
        "--feeds", default=f"{Sizes.feeds}x{Sizes.entries}", help="FEEDSxENTRIES (0x0: none)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each command per size (median)"
    )
    parser.add_argument(
        "--serve-posts", type=int, default=2000, help="size for the serve edit test (0: skip)"
    )
    parser.add_argument("--serve-edits", type=int, default=3)
    parser.add_argument("--no-blog", action="store_true", help="skip the blog plugin (much faster)")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo build")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/relais-bench"),
        help="where repositories are generated",
    )
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    args = parser.parse_args(argv)
    sizes = sorted(
        {int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()}
    )
    feeds, entries = parse_feeds(args.feeds)
    work = args.work.resolve()
    started = time.perf_counter()
    info = machine()
    log(f"bench: {info['cpus']} CPUs, {info['cpu']}; load {info['load']}; work folder {work}")
    feeds_note = f"{feeds} feeds × {entries} entries"
    wanted = set(sizes) | ({args.serve_posts} if args.serve_posts else set())
    for n in sorted(wanted):
        shutil.rmtree(work / f"n{n}", ignore_errors=True)
        log(f"bench: generating {n:,} posts, {args.ambassadors} ambassadors, {feeds_note}")
        _, _, problem = generate(work / f"n{n}", Sizes(n, args.ambassadors, feeds, entries))
        if problem:
            feeds_note = "n/a"
            log(f"bench: watch cache n/a: {problem}")
    runs: dict[int, dict[str, list[Run]]] = {n: {t: [] for t in TOOLS} for n in sizes}
    demo: list[Run] = []
    tools = [t for t in TOOLS if t != "blog" or not args.no_blog]
    for rep in range(args.repeat):
        for n in sizes:
            for tool in tools:
                run = run_tool(tool, work / f"n{n}", rep)
                runs[n][tool].append(run)
                log(
                    f"bench: run {rep + 1}/{args.repeat}, {n:,} posts, {tool}: {run.wall:.2f} s, {run.rss_mb:.0f} MB"
                )
        if not args.no_demo:
            demo.append(demo_build(work, rep))
            log(f"bench: run {rep + 1}/{args.repeat}, demo build: {demo[-1].wall:.2f} s")
    serve = None
    if args.serve_posts:
        log(f"bench: relais serve at {args.serve_posts:,} posts, {args.serve_edits} edits")
        # First without the build cache, then again on the same address (the pages' canonical
        # URLs name it) with the cache the first one left: a preview started again.
        served = work / f"n{args.serve_posts}" / "relais"
        shutil.rmtree(served / ".relais" / "cache", ignore_errors=True)
        shutil.rmtree(served / ".relais" / "serve", ignore_errors=True)  # no previous preview
        port = free_port()
        cold = serve_latency(served, 0, work / "logs" / "serve-cold", port=port)
        log(f"bench: serve ready in {cold['ready']:.1f} s without the build cache")
        serve = serve_latency(served, args.serve_edits, work / "logs" / "serve", port=port)
        serve["posts"] = args.serve_posts
        serve["ready_cold"] = cold["ready"]
        log(
            f"bench: serve ready in {serve['ready']:.1f} s with the cache; edits shown in "
            + ", ".join(f"{x:.2f}" for x in serve["edits"])
            + " s"
        )
    info["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    data = {
        "sizes": sizes,
        "runs": runs,
        "machine": info,
        "repeat": args.repeat,
        "ambassadors": args.ambassadors,
        "feeds": feeds_note,
        "share_pct": round(SHARE_SHARE * 100),
        "demo": demo,
        "serve": serve,
        "seconds": time.perf_counter() - started,
    }
    print(report(data))
    log(f"bench: done in {data['seconds']:.0f} s; load average at the end {info['load_end']}")
    if args.json:
        plain = {
            **data,
            "runs": {
                n: {t: [asdict(r) for r in rs] for t, rs in v.items()} for n, v in runs.items()
            },
            "demo": [asdict(r) for r in demo],
            "targets": targets(data),
        }
        args.json.write_text(
            json.dumps(plain, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
