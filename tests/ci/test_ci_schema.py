"""`relais schema`: the JSON Schemas agree with the checker, on the demo and on broken files.

Each file is read by the same YAML reader as the checker (dates stay text, as in an
editor's YAML 1.2) and validated with the `jsonschema` library; the same file is laid
into a small clean repository and checked by `relais check`. Both must accept, or both
must reject.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator, FormatChecker

from generator.check import check
from generator.clock import parse_now
from generator.diagnostics import Diagnostic, Severity
from generator.load import load
from generator.schema import KINDS, schema_command, schemas, unmapped_validators
from generator.source import parse_yaml, read_text, split_front_matter
from tests.ci.ci_tools import OFFLINE, ROOT, tool
from tests.conftest import DEMO_NOW

CASES = Path(__file__).parent / "schema-cases"
CORPUS = ROOT / "tests" / "corpus"
BASE = CORPUS / "_base"
SCHEMAS = ROOT / "schemas"
# Where a case file goes in a repository, by the kind its name starts with.
DESTINATION = {
    "post": "content/posts/{name}.md",
    "key-dates": "calendar/key-dates.yml",
    "campaigns": "calendar/campaigns.yml",
    "slots": "calendar/slots.yml",
    "ambassador": "ambassadors/{name}.yml",
    "site-config": "site_config.yml",
    "moderation-replies": "moderation/replies.yml",
    "moderation-escalation": "moderation/escalation.yml",
    "moderation-feedback": "moderation/feedback.yml",
}
# Codes of the problems a JSON Schema states too: the shape of one file. Everything else
# (references across files, duplicate ids, file names, media, rrules, time zones, date
# order, lengths, schedules) is the checker's alone.
SCHEMA_STATES = {
    "missing-field",
    "unknown-field",
    "invalid-id",
    "invalid-value",
    "invalid-type",
    "missing-date",
    "not-a-mapping",
    "not-a-list",
    "empty-front-matter",
    "unknown-network",
    "invalid-date",
    "invalid-datetime",
    "invalid-str",
    "invalid-url",
    "invalid-time",
    "invalid-color",
    "invalid-lang",
    "invalid-text-or-list",
    "invalid-keydate-form",
    "invalid-reply-text",
}


@functools.cache
def validator(kind_name: str) -> Draft7Validator:
    return Draft7Validator(schemas()[f"{kind_name}.json"], format_checker=FormatChecker())


def yaml_data(path: Path, rel: str) -> Any:
    """The file's YAML (a post's front matter) as the checker reads it."""
    text, problems = read_text(path, rel)
    assert text is not None, problems
    if rel.endswith(".md"):
        text = split_front_matter(text, rel).yaml_text
        assert text is not None
    parsed = parse_yaml(text, rel)
    assert not parsed.diagnostics, parsed.diagnostics
    return parsed.data


def kind_of(rel: str) -> str | None:
    return next((k.name for k in KINDS if fnmatch.fnmatch(rel, k.files)), None)


def checker_errors(root: Path) -> list[Diagnostic]:
    loaded = load(root)
    found = list(loaded.diagnostics)
    if loaded.project is not None:
        found += check(loaded.project, parse_now(DEMO_NOW, loaded.project.config.site.timezone))
    return [d for d in found if d.severity is Severity.ERROR]


def schema_errors(kind_name: str, data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(kind_name).iter_errors(data)
    ]


# --- the schemas themselves ---------------------------------------------------------------


def test_committed_schemas_are_up_to_date() -> None:
    result = CliRunner().invoke(schema_command, ["--out", str(SCHEMAS), "--check"])
    assert result.exit_code == 0, result.output + "\nregenerate with: relais schema --out schemas"


def test_schema_command_writes_every_kind(tmp_path: Path) -> None:
    result = CliRunner().invoke(schema_command, ["--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(
        [
            "site-config.json",
            "post.json",
            "key-dates.json",
            "campaigns.json",
            "slots.json",
            "ambassador.json",
            "moderation-replies.json",
            "moderation-escalation.json",
            "moderation-feedback.json",
        ]
    )
    again = CliRunner().invoke(schema_command, ["--out", str(tmp_path / "out"), "--check"])
    assert again.exit_code == 0
    (tmp_path / "out" / "post.json").write_text("{}\n")
    stale = CliRunner().invoke(schema_command, ["--out", str(tmp_path / "out"), "--check"])
    assert stale.exit_code == 1 and "post.json: out of date" in stale.output


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_schema_is_draft_7_with_descriptions(kind: str) -> None:
    schema = json.loads((SCHEMAS / f"{kind}.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["title"] and schema["description"]
    text = json.dumps(schema)
    # VS Code shows patternErrorMessage instead of a raw regular expression.
    assert text.count('"pattern"') == text.count('"patternErrorMessage"')
    for newer in ("$defs", "prefixItems", "unevaluatedProperties", "dependentRequired"):
        assert newer not in text, f"{newer} is not draft 7"
    for name, definition in schema["definitions"].items():
        body = next(
            (b for b in definition.get("anyOf", []) if b.get("type") == "object"), definition
        )
        if body.get("type") != "object":
            continue
        assert body.get("additionalProperties") is False, f"{name} accepts unknown keys"
        for field, spec in body["properties"].items():
            assert spec.get("description"), f"{kind}: {name}.{field} has no description for editors"


def test_every_validator_of_the_models_is_mirrored_or_knowingly_left() -> None:
    # A new validator in the models must be added to generator.schema.VALIDATORS.
    assert unmapped_validators() == set()


@pytest.mark.parametrize(
    "value,accepted",
    [
        ("2026-12-03T09:30", True),
        ("2026-12-03 09:30", True),
        ("2026-12-03", True),
        ("2026-12-03T9:30", True),
        ("2026-12-03T09:30:15", True),
        ("2026-12-03T09:30:15.5+01:00", True),
        ("2026-12-03T08:30Z", True),
        ("2028-02-29T09:00", True),
        ("2000-02-29T09:00", True),
        ("2027-02-29T09:00", False),
        ("1900-02-29T09:00", False),
        ("2026-04-31T09:00", False),
        ("2026-12-03T24:00", False),
        ("2026-12-03T09:60", False),
        ("03/12/2026", False),
        ("2026-12-03T09h30", False),
    ],
)
def test_datetime_pattern_matches_the_loader(value: str, accepted: bool) -> None:
    from zoneinfo import ZoneInfo

    from generator.model import parse_datetime

    try:
        parse_datetime(value, ZoneInfo("Europe/Paris"))
        loader_accepts = True
    except Exception:  # noqa: BLE001 - any refusal
        loader_accepts = False
    pattern = validator("post").schema["definitions"]["Post"]["properties"]["date"]["anyOf"][0][
        "pattern"
    ]
    # JSON Schema patterns are ECMA-262; this one uses nothing that differs from Python's re.
    assert (re.search(pattern, value) is not None) is accepted is loader_accepts


# --- agreement on the demo and on the cases ---------------------------------------------------


def _demo_files() -> list[str]:
    found = []
    for kind in KINDS:
        found += [p.relative_to(ROOT).as_posix() for p in sorted(ROOT.glob(kind.files))]
    return found


@pytest.mark.parametrize("rel", _demo_files())
def test_demo_file_is_valid(rel: str) -> None:
    kind = kind_of(rel)
    assert kind is not None
    assert schema_errors(kind, yaml_data(ROOT / rel, rel)) == []


def _cases() -> list[Any]:
    return [
        pytest.param(p, id=f"{p.parent.name}/{p.name}")
        for verdict in ("ok", "bad")
        for p in sorted((CASES / verdict).iterdir())
    ]


@pytest.mark.parametrize("case", _cases())
def test_schema_and_checker_agree_on_case(case: Path, tmp_path: Path) -> None:
    kind, name = case.stem.split("--")
    rel = DESTINATION[kind].format(name=name)
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(case, root / rel)
    by_checker = [d for d in checker_errors(root) if d.file == rel]
    by_schema = schema_errors(kind, yaml_data(case, rel))
    expected = case.parent.name == "bad"
    assert bool(by_checker) is expected, f"checker: {by_checker}"
    assert bool(by_schema) is expected, f"schema: {by_schema}"


def _corpus_cases() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


@pytest.mark.parametrize("case", _corpus_cases())
def test_schema_and_checker_agree_on_corpus(case: str, tmp_path: Path) -> None:
    """The broken-input corpus: per file, the schema rejects it iff the checker finds an error it can state."""
    from tests.test_corpus import make_case_repo

    root = make_case_repo(case, tmp_path / "repo")
    errors = checker_errors(root)
    compared = 0
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        kind = kind_of(rel)
        if kind is None or not (root / rel).is_file():
            continue
        if path.is_symlink():  # where a link may lead is the checker's question, not a shape
            continue
        text, _ = read_text(root / rel, rel)
        if text is None:  # too large, not UTF-8: neither tool reads it
            continue
        if rel.endswith(".md"):
            text = split_front_matter(text, rel).yaml_text
            if text is None:
                continue
        parsed = parse_yaml(text, rel)
        if parsed.diagnostics:  # not YAML at all: an editor shows the syntax error instead
            continue
        stated = sorted({d.code for d in errors if d.file == rel and d.code in SCHEMA_STATES})
        by_schema = schema_errors(kind, parsed.data)
        assert bool(by_schema) == bool(stated), f"{rel}: checker {stated}, schema {by_schema}"
        compared += 1
    if compared == 0:
        # Nothing a schema can read (not UTF-8, too large, not YAML): the checker alone must reject it.
        assert errors, f"{case}: neither tool could read a file, and the checker found no error"


# --- editors --------------------------------------------------------------------------------


def _modeline(path: Path) -> str | None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    return m.group(1) if m else None


@pytest.mark.parametrize("rel", [r for r in _demo_files() if not r.endswith(".md")])
def test_demo_yaml_names_its_schema(rel: str) -> None:
    target = _modeline(ROOT / rel)
    assert target is not None, f"{rel}: first line should be '# yaml-language-server: $schema=…'"
    assert (ROOT / rel).parent.joinpath(target).resolve() == (
        SCHEMAS / f"{kind_of(rel)}.json"
    ).resolve()


def _jsonc(path: Path) -> Any:
    # VS Code's settings are JSON with // comments.
    return json.loads(
        re.sub(r"^\s*//.*$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    )


def test_vscode_maps_every_yaml_kind_to_its_schema() -> None:
    settings = _jsonc(ROOT / ".vscode/settings.json")
    mapping = {
        schema.removeprefix("./"): globs if isinstance(globs, list) else [globs]
        for schema, globs in settings["yaml.schemas"].items()
    }
    for kind in KINDS:
        if kind.files.endswith(".md"):
            continue  # the YAML extension does not read a Markdown file's front matter
        assert mapping.get(f"schemas/{kind.filename}") == [kind.files], kind.name
        assert (ROOT / "schemas" / kind.filename).is_file()
    assert "redhat.vscode-yaml" in _jsonc(ROOT / ".vscode/extensions.json")["recommendations"]


def test_check_jsonschema_validates_demo_files_offline() -> None:
    """CI can validate YAML files with the committed schemas too (check-jsonschema reads YAML itself)."""
    for kind in KINDS:
        files = [str(p) for p in sorted(ROOT.glob(kind.files))]
        if kind.files.endswith(".md") or not files:
            continue
        command = [tool("check-jsonschema"), "--schemafile", str(SCHEMAS / kind.filename), *files]
        done = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **OFFLINE},
        )
        assert done.returncode == 0, done.stdout + done.stderr
