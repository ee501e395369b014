"""Other layouts of the real exports, dropped into the demo in place of its own, read to the
same figures in the monthly report, or named with file and line when they cannot be.

The samples (written from the layouts that public code and documentation show) and their
sources are listed in tests/stats/samples/README.md.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.stats import formats as fm
from generator.stats.config import StatsConfig
from generator.stats.read import read_exports

from .conftest import monthly_report

SAMPLES = Path(__file__).parent / "samples"
PARIS = ZoneInfo("Europe/Paris")
# What the demo's own GA4 export gives in the report of November (test_stats_report).
DEMO_VISITS = "| Visites | 657 | 0 | – |"
DEMO_AMBASSADOR = "| Karim Benali | 50 |"
DEMO_SHARE = "| Part des ambassadeurs dans les visites venues des réseaux | 37,0 % | – | – |"


def _report(root: Path, tmp_path: Path) -> str:
    out = tmp_path / "out"
    monthly_report(root, out)
    return (out / "report-2026-11.md").read_text()


def _check(root: Path) -> str:
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--now", "2026-12-01T08:00"])
    return result.output


def _instead_of_ga4(root: Path, sample: str) -> Path:
    folder = root / "stats" / "2026-11"
    (folder / "ga4-traffic-acquisition.csv").unlink()
    shutil.copy(SAMPLES / sample, folder / sample)
    return folder / sample


@pytest.mark.parametrize(
    "sample",
    [
        # A report's other tables around its table: the chart's series by day before it,
        # another after it (its rows were read as visits of a source "nth day").
        "ga4-traffic-acquisition-sections.csv",
        # An exploration: "Date + hour (YYYYMMDDHH)" (every row was left out: not a date), the
        # totals with "Grand total" in their last cell, the period on a line of its own, and
        # two segments side by side, "All Users" second (the first segment's sessions were
        # read: half the visits).
        "ga4-exploration-segments-date-hour.csv",
        # The interface in French: "Contenu publicitaire manuel de la session", "Utilisateurs",
        # "# Date de début : 20261101", rates with a decimal comma.
        "ga4-acquisition-de-trafic-fr.csv",
        # Plausible's export for import (imported_*.csv in a zip): was an unknown format.
        "plausible-imported-maison_exemple_fr_20261201.zip",
    ],
)
def test_web_export_layouts_give_the_demos_figures(
    demo_repo: Path, tmp_path: Path, sample: str
) -> None:
    _instead_of_ga4(demo_repo, sample)
    md = _report(demo_repo, tmp_path)
    assert DEMO_VISITS in md
    assert DEMO_AMBASSADOR in md
    assert DEMO_SHARE in md
    assert "stats/2026-11/" + sample not in _check(demo_repo)  # read without a word


def test_the_other_tables_of_a_ga4_report_are_not_read_as_visits(tmp_path: Path) -> None:
    (tmp_path / "stats").mkdir()
    shutil.copy(SAMPLES / "ga4-traffic-acquisition-sections.csv", tmp_path / "stats")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert r.diagnostics == ()
    assert [f.rows for f in r.files] == [47]  # the table's rows, not the series' 60
    sources = {v.source for v in r.visits}
    assert sources == {"linkedin", "facebook", "instagram", "mastodon", "x", "bluesky", "google"}


def test_an_exploration_read_by_the_hour_and_its_segment_of_all_users(tmp_path: Path) -> None:
    (tmp_path / "stats").mkdir()
    shutil.copy(SAMPLES / "ga4-exploration-segments-date-hour.csv", tmp_path / "stats")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert r.diagnostics == ()
    first = r.visits[0]
    assert (first.line, first.start, first.sessions, first.visitors) == (
        10,
        date(2026, 11, 3),
        9,
        7,
    )
    assert sum(v.sessions or 0 for v in r.visits) == 6136  # the "All Users" column's total


def test_segments_without_all_users_are_named_not_added_up(demo_repo: Path, tmp_path: Path) -> None:
    _instead_of_ga4(demo_repo, "ga4-exploration-segments-compared.csv")
    out = _check(demo_repo)
    # The segments' row is line 7 of the file; the warning says how to export it instead.
    assert (
        "stats/2026-11/ga4-exploration-segments-compared.csv:7: warning: this Google Analytics "
        "4 report export (CSV) compares segments side by side (Mobile traffic, Desktop traffic)"
    ) in out
    assert "without comparisons" in out
    md = _report(demo_repo, tmp_path)
    assert "| Visites | 0 | 0 | – |" in md  # nothing counted twice, nothing half-counted


def test_meta_export_in_french_gives_the_demos_facebook_figures(
    demo_repo: Path, tmp_path: Path
) -> None:
    before = _report(demo_repo, tmp_path / "before")
    folder = demo_repo / "stats" / "2026-11"
    (folder / "meta-facebook-posts.csv").unlink()
    shutil.copy(SAMPLES / "meta-facebook-posts-fr.csv", folder)
    after = _report(demo_repo, tmp_path / "after")
    facebook = next(line for line in before.splitlines() if line.startswith("| Facebook | 4 |"))
    assert facebook in after
    assert before == after


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # GA4's "Date + hour (YYYYMMDDHH)" and "Date hour and minute": in the property's zone.
        ("2026111014", datetime(2026, 11, 10, 14, 0, tzinfo=PARIS)),
        ("202611101405", datetime(2026, 11, 10, 14, 5, tzinfo=PARIS)),
    ],
)
def test_ga4_compact_dates_with_an_hour(text: str, expected: datetime) -> None:
    assert fm.when(text, PARIS) == fm.When(expected, expected.date())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lun. 7 déc. 2026", date(2026, 12, 7)),  # accented month: was "not a date"
        ("7 févr. 2026", date(2026, 2, 7)),
        ("jeu. 13 août 2026", date(2026, 8, 13)),
        ("Mon, Dec 7, 2026", date(2026, 12, 7)),
    ],
)
def test_dates_with_month_names_in_french(text: str, expected: date) -> None:
    assert fm.when(text, PARIS) == fm.When(None, expected)


def test_bluesky_author_feed_keeps_the_accounts_own_posts(demo_repo: Path, tmp_path: Path) -> None:
    # The demo's two Bluesky posts in one getAuthorFeed answer, with a stranger's post that the
    # account reposted (was read as the account's post), instead of the files of stats fetch.
    before = _report(demo_repo, tmp_path / "before")
    fetched = demo_repo / "stats" / "fetched"
    own = []
    for path in sorted(fetched.glob("bluesky-*.json")):
        own += json.loads(path.read_text())["posts"]
        path.unlink()
    stranger = json.loads((SAMPLES / "bluesky-getAuthorFeed.json").read_text())["feed"][1]
    feed = {"feed": [{"post": p} for p in own] + [stranger], "cursor": "x"}
    (demo_repo / "stats" / "bluesky-author-feed.json").write_text(json.dumps(feed))
    assert _report(demo_repo, tmp_path / "after") == before
    assert "bluesky-author-feed.json" not in _check(demo_repo)


def test_feeds_and_account_statuses_leave_other_peoples_posts_out(tmp_path: Path) -> None:
    (tmp_path / "stats").mkdir()
    for name in ("bluesky-getAuthorFeed.json", "mastodon-account-statuses.json"):
        shutil.copy(SAMPLES / name, tmp_path / "stats")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert r.diagnostics == ()  # a boost is no unreadable row
    assert [(n.network, n.key) for n in r.numbers] == [
        ("bluesky", "bluesky:3lcreplyreply2"),  # the account's reply (its parent is not kept)
        ("bluesky", "bluesky:3lcxyzinvendus2"),
        ("mastodon", "mastodon:mastodon.social:103270115826048975"),
    ]
    assert "stranger" not in repr(r.numbers)


MATOMO_MONTH = [
    f"Matomo Export _ Campaign {r} _ November 2026.csv" for r in ("Sources", "Names", "Contents")
]


def test_matomo_files_as_matomo_names_them(demo_repo: Path, tmp_path: Path) -> None:
    # Matomo's own file names ("Matomo Export _ <report> _ <period>.csv", Csv.php renderHeader),
    # dropped at the top of stats/: the period is the file name's month (was unknown: counted in
    # no month), "Campaign Contents" holds contents (was taken for campaigns).
    (demo_repo / "stats" / "2026-11" / "ga4-traffic-acquisition.csv").unlink()
    for name in MATOMO_MONTH:
        shutil.copy(SAMPLES / name, demo_repo / "stats" / name)
    md = _report(demo_repo, tmp_path)
    assert DEMO_VISITS in md
    assert DEMO_AMBASSADOR in md
    assert DEMO_SHARE in md
    assert "Matomo Export" not in _check(demo_repo)


def test_matomo_export_of_several_periods_dates_each_row(tmp_path: Path) -> None:
    # date=last30&period=day: Matomo starts each row with its period ("2026-11-03", or "2026-11"
    # for a month); the file name gives no month.
    (tmp_path / "stats").mkdir()
    name = "Matomo Export _ Campaign Contents _ last 30 days.csv"
    shutil.copy(SAMPLES / name, tmp_path / "stats")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert r.diagnostics == ()
    karim = [v for v in r.visits if v.content == "karim-benali"]
    assert [(v.line, v.start, v.end, v.sessions) for v in karim] == [
        (2, date(2026, 11, 3), date(2026, 11, 3), 25),
        (3, date(2026, 11, 17), date(2026, 11, 17), 25),
        (14, date(2026, 11, 1), date(2026, 11, 30), 1),
    ]


def test_hostile_segment_names_stay_short_and_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "stats").mkdir()
    names = ["Mobile\n::error::x", "B" * 300, "C", "D", "E", "F", "G"]
    top = ",," + ",".join(f'"{n}"' for n in names)
    head = "Session source,Session campaign," + ",".join(["Sessions"] * len(names))
    row = "linkedin,hiver," + ",".join(["1"] * len(names))
    (tmp_path / "stats" / "2026-11.csv").write_text(f"{top}\n{head}\n{row}\n")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    (d,) = r.diagnostics
    assert (d.line, d.code) == (1, "stats-segments-compared")
    assert "\n" not in d.message and "B" * 60 not in d.message
    assert "(Mobile ::error::x, " in d.message and "and 2 more)" in d.message
    assert r.visits == ()


def test_a_zip_without_a_table_is_named(tmp_path: Path) -> None:
    (tmp_path / "stats").mkdir()
    with zipfile.ZipFile(tmp_path / "stats" / "export.zip", "w"):
        pass
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert [(d.file, d.code, d.message) for d in r.diagnostics] == [
        ("stats/export.zip", "stats-unknown-format", "unknown export format: no table in this file")
    ]


def test_a_report_exported_with_comparisons_is_named_not_read(tmp_path: Path) -> None:
    # The preamble names the comparisons ("All Users", then "Mobile traffic"); the table's rows
    # would hold each comparison's numbers (layout assumed: no public file was found).
    (tmp_path / "stats").mkdir()
    shutil.copy(SAMPLES / "ga4-traffic-acquisition-comparisons.csv", tmp_path / "stats")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert [(d.line, d.code) for d in r.diagnostics] == [(1, "stats-segments-compared")]
    assert "exported with comparisons (All Users, Mobile traffic)" in r.diagnostics[0].message
    assert r.visits == ()


def test_a_report_of_one_comparison_is_read_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "stats").mkdir()
    text = (SAMPLES / "ga4-traffic-acquisition.csv").read_text()
    (tmp_path / "stats" / "ga4.csv").write_text(text.replace("# All Users", "# Mobile traffic"))
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert [(d.line, d.code) for d in r.diagnostics] == [(1, "stats-segment-part")]
    assert "only the visits of 'Mobile traffic'" in r.diagnostics[0].message
    assert len(r.visits) == 5


def test_a_damaged_xls_that_made_calamine_take_all_memory_is_a_diagnostic(tmp_path: Path) -> None:
    # Found by feeding altered samples to the reader: this one made calamine 0.9.1 allocate
    # 22 GB until the kernel killed the process. It is now read first in a child held to a
    # memory budget; the child fails, the file is named, the rest is read.
    (tmp_path / "stats").mkdir()
    shutil.copy(SAMPLES / "hostile-linkedin-damaged.xls", tmp_path / "stats")
    shutil.copy(SAMPLES / "x-account-analytics-content.csv", tmp_path / "stats")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert [(d.file, d.line, d.code) for d in r.diagnostics] == [
        ("stats/hostile-linkedin-damaged.xls", 1, "stats-unreadable")
    ]
    assert "not a readable .xls workbook" in r.diagnostics[0].message
    assert {n.network for n in r.numbers} == {"x"}


def test_a_zip_with_a_damaged_member_is_a_diagnostic(tmp_path: Path) -> None:
    # A cut or altered download: the member's deflated bytes are wrong (zlib.error escaped).
    (tmp_path / "stats").mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("utm_sources.csv", "name,visitors,bounce_rate\n" + "linkedin,12,0.5\n" * 500)
    data = bytearray(buf.getvalue())
    start = 30 + len("utm_sources.csv")  # the member's data, after its local header
    data[start + 5 : start + 25] = bytes(20)
    (tmp_path / "stats" / "plausible.zip").write_bytes(bytes(data))
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert [(d.file, d.code) for d in r.diagnostics] == [
        ("stats/plausible.zip", "stats-unreadable")
    ]
    assert "damaged" in r.diagnostics[0].message


@pytest.mark.parametrize(
    ("sample", "raised"),
    [
        ("hostile-plausible-damaged.zip", "ValueError: negative seek value"),
        ("hostile-linkedin-damaged.xlsx", "NotImplementedError: zip file version 15.4"),
    ],
)
def test_altered_archives_are_diagnostics(tmp_path: Path, sample: str, raised: str) -> None:
    # Altered samples whose zip structure made zipfile raise `raised` out of the reader.
    (tmp_path / "stats").mkdir()
    shutil.copy(SAMPLES / sample, tmp_path / "stats")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert [(d.file, d.line, d.code) for d in r.diagnostics] == [
        (f"stats/{sample}", 1, "stats-unreadable")
    ]


def test_counts_too_long_for_a_number_are_diagnostics(tmp_path: Path) -> None:
    # A stranger's count of 5,000 digits made int() raise out of the reader (Python reads at
    # most 4,300), and a decimal past 1e308 made round() raise OverflowError: both are now
    # the row's diagnostic, and the other rows are read.
    (tmp_path / "stats").mkdir()
    lines = (SAMPLES / "x-tweet-activity-legacy.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1].count('"4210"') == 1 and lines[2].count('"97"') == 1
    lines[1] = lines[1].replace('"4210"', '"' + "9" * 5000 + '"')
    lines.append(lines[2].replace("1862234567890123457", "1863234567890123458"))
    lines[3] = lines[3].replace('"97"', '"' + "9" * 400 + ',5"')
    (tmp_path / "stats" / "x.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert [(d.file, d.line, d.code) for d in r.diagnostics] == [
        ("stats/x.csv", 2, "stats-row-unreadable"),
        ("stats/x.csv", 4, "stats-row-unreadable"),
    ]
    assert "'99999999999" in r.diagnostics[0].message
    assert "is not a number" in r.diagnostics[0].message
    assert "is not a number" in r.diagnostics[1].message
    assert [n.line for n in r.numbers] == [3]
