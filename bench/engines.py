"""The engines side by side: the same staged portal built by each candidate engine, alternating.

Stage a content repository once with `RELAIS_STAGING=disk relais build` (its pages and
mkdocs.yml land in `.relais/staging/`), then give each engine the virtualenv it is installed
in. Each run is a fresh subprocess (imports included) that builds the staged folder into a
folder of its own; wall time and CPU time (user + system, os.wait4) are measured; the
engines take turns so that a busy machine slows them alike. Prints a Markdown table of
medians, ratios to the first engine, and the load average before and after.

    python bench/engines.py STAGING --engine mkdocs=.venv/bin/python \\
        --engine materialx=/tmp/eng-materialx/bin/python \\
        --engine zensical=/tmp/eng-zensical/bin/python [--repeat 3]

Engine names are those of generator/engine.py (the mkdocs.yml's theme and search plugin
are set as Relais sets them for that engine), plus `zensical`, which reads the same
mkdocs.yml without Relais' hooks (it has none) and with relative folders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generator.engine import ENGINES

# Run in the engine's virtualenv: build the staged mkdocs.yml named by argv with its runner.
_BUILD = """
import importlib, logging, os, sys
runner, config_file = sys.argv[1:3]
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
if runner == "properdocs":
    import properdocs.replacement  # `mkdocs.*` imports of the theme and hooks get ProperDocs
logging.basicConfig(level=logging.ERROR)
config = importlib.import_module(runner + ".config").load_config(config_file=config_file)
importlib.import_module(runner + ".commands.build").build(config)
"""


def config_for(staging: Path, name: str, out: Path) -> tuple[list[str], Path]:
    """The command that builds `staging` with engine `name` into `out`, and its config file."""
    data: dict[str, Any] = yaml.safe_load((staging / "mkdocs.yml").read_text(encoding="utf-8"))
    language = data["theme"]["language"]
    if name == "zensical":
        # Zensical refuses a site_dir outside the project's folder and panics on absolute paths.
        data["docs_dir"], data["site_dir"] = "docs", os.path.relpath(out, staging)
        data["hooks"] = []
        config = staging / "bench-zensical.yml"
        config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        command = "from zensical.main import cli; cli()"
        return ["-c", command, "build", "--clean", "-f", str(config)], config
    engine = ENGINES[name]
    data["site_dir"] = str(out)
    data["theme"]["name"] = engine.theme
    data["plugins"] = [engine.search_plugin(language)]
    config = staging / f"bench-{name}.yml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return ["-c", _BUILD, engine.runner, str(config)], config


def timed(python: str, args: list[str], cwd: Path, log: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and exit code of one subprocess (its output goes to `log`)."""
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen([python, *args], cwd=cwd, stdout=output, stderr=output)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, process.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("staging", type=Path, help="a .relais/staging folder (RELAIS_STAGING=disk)")
    parser.add_argument("--engine", action="append", required=True, help="NAME=PYTHON")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    staging = args.staging.resolve()
    engines = [
        (name, os.path.abspath(python))
        for name, python in (spec.split("=", 1) for spec in args.engine)
    ]
    runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name, _ in engines}
    pages: dict[str, int] = {}
    load_before = os.getloadavg()
    for rep in range(args.repeat):
        for name, python in engines if rep % 2 == 0 else engines[::-1]:
            out = staging / f"bench-site-{name}"
            shutil.rmtree(out, ignore_errors=True)
            command, _ = config_for(staging, name, out)
            run = timed(python, command, staging, staging / f"bench-{name}.log")
            runs[name].append(run)
            pages[name] = len(list(out.rglob("*.html")))
            print(
                f"{name} #{rep + 1}: {run[0]:.1f} s wall, {run[1]:.1f} s CPU, exit {run[2]}",
                file=sys.stderr,
            )
    load_after = os.getloadavg()
    first = engines[0][0]
    base_wall = statistics.median(r[0] for r in runs[first])
    base_cpu = statistics.median(r[1] for r in runs[first])
    print(f"Staged folder: {staging} ({args.repeat} runs each, alternating)\n")
    print("| engine | exit | HTML files | wall (median) | CPU (median) | CPU ratio |")
    print("|---|---|---|---|---|---|")
    for name, _ in engines:
        wall = statistics.median(r[0] for r in runs[name])
        cpu = statistics.median(r[1] for r in runs[name])
        codes = sorted({r[2] for r in runs[name]})
        print(
            f"| {name} | {','.join(map(str, codes))} | {pages[name]} | {wall:.1f} s "
            f"(x{wall / base_wall:.2f}) | {cpu:.1f} s | x{cpu / base_cpu:.2f} |"
        )
    print(
        "\nLoad average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.1f}" for x in load_after)
        + f"; {os.cpu_count()} cores."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
