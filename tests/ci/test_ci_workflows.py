"""The CI files: linted with the real tools, and the commands they run exercised for real.

check-jsonschema validates the GitHub workflows, the GitLab pipeline and the issue forms
against the schemas it ships (vendored: the tests run with every download blocked);
zizmor audits the workflows offline. Every `relais …` command line of the CI files must
parse with the real CLI, and the pull-request workflow's shell steps run in a temporary
Git repository holding the demo, as the runner would run them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
import pytest
import yaml

from generator.cli import cli
from tests.ci.ci_tools import OFFLINE, ROOT, commit, env_with_venv, tool, write_broken_post
from tests.conftest import DEMO_NOW

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
GITLAB = ROOT / ".gitlab-ci.yml"
ISSUE_FORMS = sorted(
    p for p in (ROOT / ".github/ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml"
)
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
# GitHub's default shell for `run:` on Linux.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def offline_run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **OFFLINE},
    )


# --- structure and security ---------------------------------------------------------------


@pytest.mark.parametrize(
    "schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"]
)
def test_github_workflows_match_the_schema(schema: str) -> None:
    assert [p.name for p in WORKFLOWS] == ["pr.yml", "publish.yml"]
    done = offline_run(tool("check-jsonschema"), "--builtin-schema", schema, *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_gitlab_pipeline_matches_the_schema() -> None:
    done = offline_run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(GITLAB)
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_issue_forms_match_the_schema() -> None:
    assert len(ISSUE_FORMS) == 6
    done = offline_run(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.github-issue-forms",
        *map(str, ISSUE_FORMS),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    done = offline_run(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.github-issue-config",
        str(ROOT / ".github/ISSUE_TEMPLATE/config.yml"),
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The lint is not a rubber stamp: a misspelt key fails it."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        (ROOT / ".github/workflows/pr.yml")
        .read_text(encoding="utf-8")
        .replace("runs-on:", "run-on:")
    )
    done = offline_run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken)
    )
    assert done.returncode == 1


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona: str) -> None:
    done = offline_run(
        tool("zizmor"),
        "--offline",
        f"--persona={persona}",
        "--no-progress",
        str(ROOT / ".github/workflows"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr
    assert "suppressed" not in done.stdout + done.stderr
    assert not (ROOT / "zizmor.yml").exists() and not (ROOT / ".github/zizmor.yml").exists()


def test_zizmor_catches_template_injection(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    text = (ROOT / ".github/workflows/pr.yml").read_text(encoding="utf-8")
    (folder / "pr.yml").write_text(
        text.replace(
            "run: relais build --out site", 'run: echo "${{ github.event.pull_request.title }}"'
        ),
        encoding="utf-8",
    )
    done = offline_run(tool("zizmor"), "--offline", "--no-progress", str(folder / "pr.yml"))
    assert done.returncode != 0 and "template-injection" in done.stdout


def _uses() -> Iterator[tuple[str, str]]:
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^\s*(?:- )?uses: (\S+)(.*)$", line)
            if m:
                yield m[1], m[2]


def test_actions_are_pinned_to_commits_with_a_version_comment() -> None:
    uses = list(_uses())
    assert len(uses) >= 8
    for ref, rest in uses:
        assert SHA_PIN.match(ref), ref
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", rest), f"{ref}: add '# vX.Y.Z'"
    names = {ref.split("@")[0] for ref, _ in uses}
    assert {
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    } <= names


def test_permissions_are_minimal_per_job() -> None:
    pr, publish = (load_yaml(p) for p in WORKFLOWS)
    for workflow in (pr, publish):
        assert workflow["permissions"] == {}
        assert "concurrency" in workflow
    assert pr["jobs"]["check"]["permissions"] == {"contents": "read"}
    assert pr["jobs"]["comment"]["permissions"] == {"pull-requests": "write"}
    assert publish["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    # Only the opt-in issue job may write issues; the build job, which runs content, may not,
    # and only the alerts job, which builds nothing, gets the webhook's secret.
    assert publish["jobs"]["alerts-issue"]["permissions"] == {"issues": "write"}
    assert publish["jobs"]["alerts"]["permissions"] == {"contents": "read"}
    assert publish["jobs"]["alerts"]["environment"] == "relais-alerts"
    text = (ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    assert text.count("${{ secrets.") == 1 and "${{ secrets.RELAIS_ALERTS_WEBHOOK }}" in text
    assert "vars.RELAIS_ALERTS_ISSUE == 'true'" in publish["jobs"]["alerts-issue"]["if"]
    triggers = pr.get("on", pr.get(True))
    assert list(triggers) == ["pull_request"]  # never pull_request_target
    comment_if = pr["jobs"]["comment"]["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in comment_if


def test_publish_triggers_and_the_utc_caveat() -> None:
    text = (ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    publish = load_yaml(ROOT / ".github/workflows/publish.yml")
    triggers = publish.get("on", publish.get(True))
    assert set(triggers) == {"schedule", "push", "workflow_dispatch"}
    assert triggers["push"] == {"branches": ["main"]}
    assert re.search(r"Cron is always UTC.*Paris", text)
    assert publish["concurrency"]["cancel-in-progress"] is False
    steps = {s.get("name"): s for s in publish["jobs"]["build"]["steps"]}
    assert steps["Fetch the watch feeds"]["continue-on-error"] is True
    restore = steps["Restore the watch cache"]["with"]
    assert restore["path"] == ".relais/watch" and "restore-keys" in restore
    assert steps["Save the watch cache"]["with"]["key"] == restore["key"]


def test_no_expression_inside_run_scripts() -> None:
    for path in [*WORKFLOWS]:
        for job in load_yaml(path)["jobs"].values():
            for step in job.get("steps", []):
                for key in ("run",):
                    assert "${{" not in step.get(key, ""), f"{path.name}: {step.get('name')}"
                assert "${{" not in step.get("with", {}).get("script", "")


# --- the commands the CI files run --------------------------------------------------------


def _shell_commands(script: str) -> Iterator[list[str]]:
    """Simple commands of a shell script (split at ;, &&, ||, |), as argument lists."""
    script = script.replace("\\\n", " ")
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        command: list[str] = []
        redirected = False
        for token in lexer:
            if redirected:  # the target of a redirection (a file, or &1)
                redirected = False
            elif token in (">", ">>", ">&", "<", "&>"):
                redirected = True
                if command and command[-1].isdigit():
                    command.pop()  # the descriptor of `2>&1`
            elif token in (";", "&&", "||", "|", "&"):
                if command:
                    yield command
                command = []
            else:
                command.append(token)
        if command:
            yield command


def relais_lines() -> list[tuple[str, list[str]]]:
    """Every `relais …` command of the CI files: (where, arguments after `relais`)."""
    found = []
    for path in WORKFLOWS:
        for job_id, job in load_yaml(path)["jobs"].items():
            for step in job.get("steps", []):
                for command in _shell_commands(step.get("run", "")):
                    if command[0] == "relais":
                        found.append((f"{path.name}:{job_id}:{step.get('name')}", command[1:]))
    for job_id, job in load_yaml(GITLAB).items():
        if isinstance(job, dict) and "script" in job:
            for line in job["script"]:
                for command in _shell_commands(line):
                    if command[0] == "relais":
                        found.append((f".gitlab-ci.yml:{job_id}", command[1:]))
    for hook in load_yaml(ROOT / ".pre-commit-hooks.yaml"):
        command = shlex.split(hook["entry"])
        found.append((f".pre-commit-hooks.yaml:{hook['id']}", command[1:]))
    return found


def parse_relais(args: list[str]) -> click.Command:
    """Parse a command line exactly as `relais` would, without running it (raises click.UsageError)."""
    command: click.Command = cli
    ctx = command.make_context("relais", list(args))
    while isinstance(command, click.Group):
        name, sub, rest = command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        assert sub is not None and name is not None
        command = sub
        ctx = sub.make_context(name, rest, parent=ctx)
    return command


def test_every_relais_command_line_is_accepted_by_the_cli() -> None:
    lines = relais_lines()
    commands = {
        (where.split(":")[0], args[0] if args[0] != "watch" else "watch " + args[1])
        for where, args in lines
    }
    assert {
        ("pr.yml", "check"),
        ("pr.yml", "build"),
        ("publish.yml", "watch fetch"),
        ("publish.yml", "watch notify"),
        ("publish.yml", "build"),
        (".gitlab-ci.yml", "check"),
        (".gitlab-ci.yml", "build"),
        (".gitlab-ci.yml", "watch fetch"),
        (".gitlab-ci.yml", "watch notify"),
        (".pre-commit-hooks.yaml", "check"),
    } <= commands
    for where, args in lines:
        try:
            parse_relais(args)
        except click.UsageError as exc:
            pytest.fail(f"{where}: relais {shlex.join(args)}: {exc.format_message()}")


def test_the_parser_refuses_a_wrong_command_line() -> None:
    with pytest.raises(click.UsageError):
        parse_relais(["check", "--format", "gitlab"])
    with pytest.raises(click.UsageError):
        parse_relais(["watch", "fecth"])


# --- the pull-request workflow, run step by step ----------------------------------------------


def _steps(path: Path, job: str) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in load_yaml(path)["jobs"][job]["steps"] if "name" in s}


def _epoch(now: str) -> str:
    return str(
        int(datetime.fromisoformat(now).replace(tzinfo=ZoneInfo("Europe/Paris")).timestamp())
    )


def _run_step(
    step: dict[str, Any], cwd: Path, runner: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """A `run:` step as the runner runs it, with the step's env and the runner's files."""
    files = {
        "RUNNER_TEMP": str(runner),
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "step-summary"),
    }
    # SOURCE_DATE_EPOCH fixes "now" for the demo (the workflow itself uses the clock).
    full_env = env_with_venv(SOURCE_DATE_EPOCH=_epoch(DEMO_NOW), **files, **env)
    return subprocess.run(
        [*BASH, step["run"]],
        check=False,
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pull_request_steps_on_a_broken_pull_request(git_demo, tmp_path: Path) -> None:
    root = git_demo()
    write_broken_post(root)
    commit(
        root, "a pull request"
    )  # HEAD^1 is the base branch, as for the merge commit of a pull request
    runner = tmp_path / "runner"
    runner.mkdir()
    steps = _steps(ROOT / ".github/workflows/pr.yml", "check")

    check = _run_step(steps["Check the content"], root, runner)
    assert check.returncode == 1, check.stderr  # errors fail the job at this step
    assert check.stdout.splitlines()[0] == (
        "::error file=content/posts/nouvelle-boutique.md,line=4,title=relais unknown-network::"
        "networks: unknown network 'linkdin'%0Adid you mean 'linkedin'?"
    )
    # The build and the upload are skipped (`if: steps.check.outcome == 'success'`); the summary is not.
    assert steps["Build the portal"]["if"] == "steps.check.outcome == 'success'"
    summary = _run_step(steps["Summarise"], root, runner, ARTIFACT_URL="")
    assert summary.returncode == 0, summary.stderr
    step_summary = (runner / "step-summary").read_text(encoding="utf-8")
    assert step_summary.startswith("### Relais : 1 erreur, ")
    assert "- Nouvelle boutique (jeudi 10 décembre 2026, 09:00) `nouvelle-boutique`" in step_summary
    assert "Download the portal preview" not in step_summary
    output = (runner / "output").read_text(encoding="utf-8")
    m = re.fullmatch(r"summary<<(relais-[0-9a-f]{32})\n(.*)\n\1\n", output, re.DOTALL)
    assert m, output
    assert m[2] + "\n" == step_summary


def test_pull_request_steps_on_a_clean_pull_request(git_demo, tmp_path: Path) -> None:
    root = git_demo()
    post = root / "content/posts/lancement-gamme-hiver.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace(
            "date: 2026-11-26T09:00", "date: 2026-11-26T10:00"
        ),
        encoding="utf-8",
    )
    commit(root, "a pull request")
    runner = tmp_path / "runner"
    runner.mkdir()
    steps = _steps(ROOT / ".github/workflows/pr.yml", "check")
    check = _run_step(steps["Check the content"], root, runner)
    assert check.returncode == 0, check.stdout + check.stderr
    # `relais build --out site` itself is parsed above and built by the session's demo build;
    # here what matters is that the upload takes the folder the build writes.
    assert steps["Build the portal"]["run"] == "relais build --out site"
    assert steps["Upload the portal for review"]["with"]["path"] == "site/"
    url = "https://github.com/o/r/actions/runs/1/artifacts/2"
    summary = _run_step(steps["Summarise"], root, runner, ARTIFACT_URL=url)
    assert summary.returncode == 0, summary.stderr
    text = (runner / "step-summary").read_text(encoding="utf-8")
    assert "**Publications déplacées**" in text and "09:00 → jeudi 26 novembre 2026, 10:00" in text
    assert f"[Download the portal preview]({url})" in text


def test_publish_date_step(tmp_path: Path) -> None:
    steps = _steps(ROOT / ".github/workflows/publish.yml", "build")
    done = _run_step(steps["Today's date"], tmp_path, tmp_path)
    assert done.returncode == 0
    assert re.fullmatch(r"day=\d{4}-\d{2}-\d{2}\nstarted=\d+\n", (tmp_path / "output").read_text())


def test_publish_keeps_the_build_cache_and_reports_the_time(tmp_path: Path) -> None:
    """The build cache is restored and saved by branch, and the nightly build's time and
    stages (with the pages taken from the cache) reach the run's summary."""
    from tests.conftest import copy_demo

    steps = _steps(ROOT / ".github/workflows/publish.yml", "build")
    restore, save = steps["Restore the build cache"]["with"], steps["Save the build cache"]["with"]
    assert restore["path"] == save["path"] and ".relais/cache" in restore["path"]
    assert restore["key"] == save["key"] and "${{ github.ref_name }}" in restore["key"]
    assert restore["restore-keys"].strip() == "relais-build-${{ github.ref_name }}-"
    pr = _steps(ROOT / ".github/workflows/pr.yml", "check")
    assert "pull_request.number" in pr["Save the build cache"]["with"]["key"]

    root = copy_demo(tmp_path / "repo")
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    assert _run_step(steps["Today's date"], root, runner, **env).returncode == 0
    started = re.search(r"started=(\d+)", (runner / "output").read_text())
    assert started is not None
    for _ in range(2):  # the second build finds the first one's pages
        done = _run_step(steps["Build the portal"], root, runner, **env)
        assert done.returncode == 0, done.stdout + done.stderr
    assert _run_step(steps["Report the time"], root, runner, STARTED=started[1]).returncode == 0
    summary = (runner / "step-summary").read_text(encoding="utf-8")
    assert re.search(r"^Job until now: \d+ s\.$", summary, re.MULTILINE)
    assert re.search(r"^ +mkdocs: +[\d.]+ s$", summary, re.MULTILINE)
    cached = re.search(r"^ +cached: (\d+) of (\d+) pages$", summary, re.MULTILINE)
    assert cached is not None and 0 < int(cached[1]) <= int(cached[2])

    # A refused build still fails the step through the pipe into tee.
    post = root / "content/posts/calendrier-avent-boutiques.md"
    post.write_text(post.read_text(encoding="utf-8").replace("networks: [", "networks: [linkdin, "))
    assert _run_step(steps["Build the portal"], root, runner, **env).returncode == 1


COMMENT_HARNESS = r"""
// Runs the workflow's github-script body against a fake GitHub API, as actions/github-script
// would (an async function of github and context); prints what it did.
const script = require("fs").readFileSync(0, "utf8");
const existing = JSON.parse(process.env.EXISTING);
const calls = [];
const github = {
  paginate: async (fn, args) => { calls.push(["list", args.issue_number]); return existing; },
  rest: { issues: {
    listComments: "listComments",
    createComment: async (args) => calls.push(["create", args.issue_number, args.body]),
    updateComment: async (args) => calls.push(["update", args.comment_id, args.body]),
  } },
};
const context = { repo: { owner: "o", repo: "r" }, payload: { pull_request: { number: 7 } } };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction("github", "context", script)(github, context)
  .then(() => console.log(JSON.stringify(calls)))
  .catch((e) => { console.error(e); process.exit(1); });
"""


def _comment(existing: list[dict[str, Any]]) -> list[list[Any]]:
    import json
    import shutil

    if shutil.which("node") is None:
        pytest.fail("node is required for this test (Node.js ships on the build machines)")
    step = _steps(ROOT / ".github/workflows/pr.yml", "comment")[
        "Post or update the summary comment"
    ]
    env = {
        **os.environ,
        "SUMMARY": "### Relais : 0 erreur, 0 avertissement\n",
        "EXISTING": json.dumps(existing),
    }
    done = subprocess.run(
        ["node", "-e", COMMENT_HARNESS],
        check=False,
        input=step["with"]["script"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_comment_is_created_then_updated() -> None:
    body = "<!-- relais-summary -->\n### Relais : 0 erreur, 0 avertissement\n"
    assert _comment([]) == [["list", 7], ["create", 7, body]]
    ours = {"id": 42, "user": {"type": "Bot"}, "body": "<!-- relais-summary -->\nold"}
    someone = {
        "id": 41,
        "user": {"type": "User"},
        "body": "<!-- relais-summary -->\nquoted by a person",
    }
    assert _comment([someone, ours]) == [["list", 7], ["update", 42, body]]
    assert _comment([someone]) == [["list", 7], ["create", 7, body]]


# --- the documentation, published beside the portal -------------------------------------------


def _docs_commands() -> list[tuple[str, list[str], dict[str, str]]]:
    """The documentation's build in each publishing pipeline: (where, bash script, env)."""
    step = _steps(ROOT / ".github/workflows/publish.yml", "build")["Build the documentation"]
    lines = [line for line in load_yaml(GITLAB)["pages"]["script"] if "mkdocs" in line]
    assert len(lines) == 1
    return [
        ("publish.yml", [*BASH, step["run"]], {k: str(v) for k, v in step.get("env", {}).items()}),
        (".gitlab-ci.yml", [*BASH, lines[0]], {}),
    ]


@pytest.mark.parametrize("where", ["publish.yml", ".gitlab-ci.yml"])
def test_publish_builds_the_documentation_under_docs(where: str, tmp_path: Path) -> None:
    """Run as the runner would, after the portal's build: the docs land in <portal>/docs/."""
    (name, command, env) = next(c for c in _docs_commands() if c[0] == where)
    portal = "site" if name == "publish.yml" else "public"
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "docs", repo / "docs")
    shutil.copy2(ROOT / "mkdocs-docs.yml", repo / "mkdocs-docs.yml")
    (repo / "generator").mkdir()
    shutil.copy2(ROOT / "generator" / "reference.py", repo / "generator" / "reference.py")
    (repo / portal).mkdir()
    (repo / portal / "index.html").write_text("the portal\n", encoding="utf-8")
    done = subprocess.run(
        command,
        cwd=repo,
        env=env_with_venv(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / portal / "index.html").read_text(encoding="utf-8") == "the portal\n"
    page = (repo / portal / "docs" / "editor" / "content-format" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "<code>share.messages</code>" in page

    # A repository that holds only content has no documentation to build: the step passes.
    content_only = tmp_path / "content-only"
    (content_only / portal).mkdir(parents=True)
    done = subprocess.run(
        command,
        cwd=content_only,
        env=env_with_venv(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not (content_only / portal / "docs").exists()


# --- the nightly alerts, run step by step -------------------------------------------------------


def _alert_repo(tmp_path: Path, feed_url: str, title: str) -> Path:
    from datetime import timedelta

    from tests.watch.test_notify import alert_site, rss

    root = tmp_path / "content"
    root.mkdir()
    site = alert_site(feed_url, [{"match": ["plastique"], "level": "alert"}])
    (root / "site_config.yml").write_text(site, encoding="utf-8")
    # Published an hour before the demo's "now", which SOURCE_DATE_EPOCH gives the steps.
    when = datetime.fromisoformat(DEMO_NOW).replace(tzinfo=ZoneInfo("Europe/Paris"))
    return root, rss([("a1", title, when - timedelta(hours=1))])  # type: ignore[return-value]


def test_publish_alert_steps_post_each_alert_once(tmp_path: Path) -> None:
    from tests.helpers import LocalServer
    from tests.watch.conftest import static
    from tests.watch.test_notify import SECRET, Receiver

    feeds, receiver = LocalServer().start(), Receiver()
    try:
        title = "Maison Exemple : du plastique dans une brioche @channel"
        root, body = _alert_repo(tmp_path, feeds.url("/presse.xml"), title)
        feeds.route("/presse.xml", static(body))
        runner = tmp_path / "runner"
        runner.mkdir()
        steps = {
            **_steps(ROOT / ".github/workflows/publish.yml", "build"),
            **_steps(ROOT / ".github/workflows/publish.yml", "alerts"),
        }
        assert steps["Post the watch alerts"]["env"] == {
            "RELAIS_ALERTS_WEBHOOK": "${{ secrets.RELAIS_ALERTS_WEBHOOK }}"
        }
        # The alerts job restores the cache the build saved, and saves the log after sending.
        build_key = steps["Save the watch cache"]["with"]["key"]
        alerts = list(_steps(ROOT / ".github/workflows/publish.yml", "alerts"))
        assert alerts.index("Post the watch alerts") < alerts.index("Save the alert log")
        publish = load_yaml(ROOT / ".github/workflows/publish.yml")
        key = publish["jobs"]["alerts"]["steps"][3]["with"]["key"]
        assert key == "${{ needs.build.outputs.watch-key }}"
        assert publish["jobs"]["build"]["outputs"]["watch-key"] == build_key
        assert steps["Save the alert log"]["with"]["key"] == key + "-alerts"

        for night in (1, 2):
            fetched = _run_step(steps["Fetch the watch feeds"], root, runner)
            assert fetched.returncode == 0, fetched.stdout + fetched.stderr  # exit 3 is expected
            posted = _run_step(
                steps["Post the watch alerts"], root, runner, RELAIS_ALERTS_WEBHOOK=receiver.url
            )
            assert posted.returncode == 0, posted.stdout + posted.stderr
            assert len(receiver.posts) == 1, f"night {night}"
            assert SECRET not in posted.stdout + posted.stderr
        summary = (runner / "step-summary").read_text(encoding="utf-8")
        assert summary.count("### Relais : 1 nouvelle alerte de veille") == 1
        assert summary.endswith("### Relais : aucune nouvelle alerte de veille\n")
        assert "@\u2060channel" in receiver.payloads()[0]["text"]
        # The issue's text reached the job output once, then an empty one (no second issue).
        output = (runner / "output").read_text(encoding="utf-8")
        issues = re.findall(r"issue<<(relais-[0-9a-f]{32})\n(.*?)\1\n", output, re.DOTALL)
        assert len(issues) == 2 and "plastique" in issues[0][1] and issues[1][1] == ""

        # A webhook that fails marks the step (exit 4) but writes the outputs first.
        (root / ".relais/watch/alerts.json").unlink()
        receiver.status = 500
        failed = _run_step(
            steps["Post the watch alerts"], root, runner, RELAIS_ALERTS_WEBHOOK=receiver.url
        )
        assert failed.returncode in (0, 4)
    finally:
        feeds.stop()
        receiver.stop()


def test_a_broken_config_fails_the_fetch_step_but_not_the_job(tmp_path: Path) -> None:
    steps = _steps(ROOT / ".github/workflows/publish.yml", "build")
    (tmp_path / "site_config.yml").write_text("site: [", encoding="utf-8")
    done = _run_step(steps["Fetch the watch feeds"], tmp_path, tmp_path)
    assert done.returncode == 1
    assert steps["Fetch the watch feeds"]["continue-on-error"] is True
    alerts = _steps(ROOT / ".github/workflows/publish.yml", "alerts")
    assert alerts["Post the watch alerts"]["continue-on-error"] is True


def test_gitlab_alert_lines_keep_the_pipeline_going(tmp_path: Path) -> None:
    from tests.helpers import LocalServer
    from tests.watch.conftest import static
    from tests.watch.test_notify import Receiver

    script = load_yaml(GITLAB)["pages"]["script"]
    lines = [line for line in script if line.startswith("relais watch")]
    assert [line.split()[:3] for line in lines] == [
        ["relais", "watch", "fetch"],
        ["relais", "watch", "notify"],
    ]
    assert "relais-alerts.md" in load_yaml(GITLAB)["pages"]["artifacts"]["paths"]
    feeds, receiver = LocalServer().start(), Receiver()
    try:
        root, body = _alert_repo(tmp_path, feeds.url("/presse.xml"), "Maison Exemple : plastique")
        feeds.route("/presse.xml", static(body))
        receiver.status = 503
        env = env_with_venv(SOURCE_DATE_EPOCH=_epoch(DEMO_NOW), RELAIS_ALERTS_WEBHOOK=receiver.url)
        for line in lines:  # GitLab runs each line in one shell that stops at the first failure
            done = subprocess.run(
                [*BASH, line],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        assert "Relais : 1 nouvelle alerte de veille" in (root / "relais-alerts.md").read_text()
        assert len(receiver.posts) == 1  # tried, refused: kept for the next pipeline
    finally:
        feeds.stop()
        receiver.stop()


ISSUE_HARNESS = r"""
const script = require("fs").readFileSync(0, "utf8");
const calls = [];
const github = { rest: { issues: { create: async (args) => calls.push(args) } } };
const context = { repo: { owner: "o", repo: "r" } };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction("github", "context", script)(github, context)
  .then(() => console.log(JSON.stringify(calls)))
  .catch((e) => { console.error(e); process.exit(1); });
"""


def test_the_issue_job_opens_one_issue_titled_by_the_alerts() -> None:
    import json
    import shutil

    if shutil.which("node") is None:
        pytest.fail("node is required for this test (Node.js ships on the build machines)")
    step = _steps(ROOT / ".github/workflows/publish.yml", "alerts-issue")["Open the issue"]
    assert step["env"] == {"BODY": "${{ needs.alerts.outputs.issue }}"}
    body = "### Relais : 2 nouvelles alertes de veille\n\n- 🔴 **Alerte** — …\n"
    done = subprocess.run(
        ["node", "-e", ISSUE_HARNESS],
        check=False,
        input=step["with"]["script"],
        env={**os.environ, "BODY": body},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"owner": "o", "repo": "r", "title": "Relais : 2 nouvelles alertes de veille", "body": body}
    ]
