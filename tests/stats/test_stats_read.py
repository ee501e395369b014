"""Reading exports: each format on its sample, encodings, separators, broken rows, hostile files."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.stats.config import StatsConfig
from generator.stats.model import Readout
from generator.stats.read import read_exports

SAMPLES = Path(__file__).parent / "samples"
ZONE = "Europe/Paris"


def read(tmp_path: Path, *names: str, config: StatsConfig | None = None) -> Readout:
    (tmp_path / "stats").mkdir(exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES / name, tmp_path / "stats" / name)
    return read_exports(tmp_path, config or StatsConfig(), ZONE)


def write(tmp_path: Path, name: str, data: bytes, config: StatsConfig | None = None) -> Readout:
    (tmp_path / "stats").mkdir(exist_ok=True)
    (tmp_path / "stats" / name).write_bytes(data)
    return read_exports(tmp_path, config or StatsConfig(), ZONE)


def codes(readout: Readout) -> list[str]:
    return [d.code for d in readout.diagnostics]


def test_linkedin_legacy_xls_with_preamble_and_metrics_sheet(tmp_path: Path) -> None:
    r = read(tmp_path, "linkedin-content-export.xls")
    assert codes(r) == []
    assert [f.format_id for f in r.files] == ["linkedin-metrics", "linkedin-content"]
    first, second = r.numbers
    assert (first.network, first.line, first.day, first.moment) == (
        "linkedin",
        3,
        date(2026, 11, 26),
        None,
    )
    assert (first.impressions, first.clicks, first.reactions, first.comments, first.shares) == (
        3120,
        141,
        88,
        12,
        9,
    )
    assert first.key == "linkedin:7265000000000000001"
    assert second.day == date(2026, 11, 3)


def test_linkedin_older_column_names_in_xlsx(tmp_path: Path) -> None:
    r = read(tmp_path, "linkedin-content-export-2019-columns.xlsx")
    assert codes(r) == []
    (row,) = r.numbers
    assert (row.text, row.impressions, row.shares, row.reactions) == (
        "Bienvenue à nos 14 apprentis !",
        2450,
        6,
        102,
    )


def test_x_legacy_keeps_the_offset_of_the_file(tmp_path: Path) -> None:
    r = read(tmp_path, "x-tweet-activity-legacy.csv")
    row = r.numbers[0]
    assert row.moment == datetime(2026, 11, 23, 10, 4, tzinfo=UTC)
    assert (row.impressions, row.engagements, row.shares, row.clicks) == (4210, 188, 12, 34)
    assert row.key == "x:1861234567890123456"


def test_x_2024_has_a_day_without_time_and_grouped_thousands(tmp_path: Path) -> None:
    r = read(tmp_path, "x-account-analytics-content.csv")
    assert codes(r) == []
    first = r.numbers[0]
    assert (first.day, first.moment, first.impressions) == (date(2026, 11, 23), None, 4310)
    assert first.key == "x:1861234567890123456"  # twitter.com and x.com are one post


def test_meta_facebook_bom_multiline_duplicated_column_zone_from_settings(tmp_path: Path) -> None:
    config = StatsConfig(timezones={"facebook": "America/New_York"})
    r = read(tmp_path, "meta-facebook-posts.csv", config=config)
    assert codes(r) == []
    first = r.numbers[0]
    assert first.network == "facebook"
    assert first.text.startswith("Portes ouvertes au fournil de Vaise samedi")
    assert '"places limitées"' in first.text  # doubled quotes inside a quoted multi-line cell
    assert first.moment is not None and first.moment.utcoffset() is not None
    assert first.moment.isoformat() == "2026-11-06T18:02:00-05:00"
    # "Reactions" is read, not "Reactions, Comments and Shares" beside it
    assert (first.reactions, first.engagements, first.reach, first.clicks) == (81, 96, 1210, 31)
    assert r.numbers[1].line == 5  # the first row spans lines 2-4


def test_meta_instagram_layout_is_told_apart_by_its_columns(tmp_path: Path) -> None:
    r = read(tmp_path, "meta-instagram-posts.csv")
    (row,) = r.numbers
    assert (row.network, row.reactions, row.reach, row.key) == (
        "instagram",
        412,
        3980,
        "instagram:DcRoIsSaNt1",
    )
    assert row.moment is not None and row.moment.tzinfo is not None  # the site's zone


def test_french_spreadsheet_semicolons_cp1252_day_first(tmp_path: Path) -> None:
    r = read(tmp_path, "meta-facebook-excel-fr.csv")
    assert codes(r) == []
    (row,) = r.numbers
    assert row.day == date(2026, 11, 25)  # 25/11: the day comes first
    assert row.reach == 1730  # "1 730"
    assert r.files[0].encoding == "cp1252"


def test_matomo_utf16le_translated_headers(tmp_path: Path) -> None:
    r = read(tmp_path, "matomo-fr-utm_source.csv")
    assert r.files[0].encoding == "utf-16-le"
    assert [(v.source, v.sessions, v.visitors) for v in r.visits][:2] == [
        ("linkedin", 452, 410),
        ("x", 102, 96),
    ]
    assert codes(r) == ["stats-no-period"]


def test_real_matomo_export_is_recognised_but_not_taken_for_utm(tmp_path: Path) -> None:
    r = read(tmp_path, "matomo-real-de-Contents.getContentNames.csv")
    assert r.files[0].format_id == "matomo" and r.files[0].encoding == "utf-16-le"
    assert codes(r) == ["stats-no-dimension"]
    assert r.visits == ()


def test_ga4_preamble_period_and_grand_total(tmp_path: Path) -> None:
    r = read(tmp_path, "ga4-traffic-acquisition.csv")
    assert codes(r) == []
    assert len(r.visits) == 5  # the "Grand total" row is not a source
    first = r.visits[0]
    assert (first.source, first.campaign, first.content, first.sessions, first.visitors) == (
        "linkedin",
        "hiver-2026",
        "claire-martin",
        44,
        38,
    )
    assert (first.start, first.end) == (date(2026, 11, 1), date(2026, 11, 30))


def test_plausible_zip_one_dimension_per_member(tmp_path: Path) -> None:
    name = "Plausible export maison-exemple.example 2026-11-01  to 2026-11-30 .zip"
    r = read(tmp_path, name)
    assert codes(r) == []
    assert {(v.source, v.campaign, v.content) for v in r.visits} >= {
        ("linkedin", None, None),
        (None, "hiver-2026", None),
        (None, None, "claire-martin"),
    }
    assert all(v.start == date(2026, 11, 1) for v in r.visits)


def test_mastodon_status_and_bluesky_posts_keep_no_other_people(tmp_path: Path) -> None:
    r = read(
        tmp_path,
        "mastodon-status-docs-example.json",
        "bluesky-getPosts.json",
        "bluesky-getPostThread.json",
    )
    assert codes(r) == []
    masto = next(n for n in r.numbers if n.network == "mastodon")
    assert (masto.reactions, masto.shares, masto.comments) == (11, 6, 5)
    assert masto.link.startswith("https://www.theguardian.com/")
    sky = [n for n in r.numbers if n.network == "bluesky"]
    assert len(sky) == 2  # the thread's post, never its reply from a stranger
    assert sky[0].link.endswith("utm_campaign=invendus-anti-gaspi")  # from the facet
    assert sky[0].shares == 10  # reposts and quotes
    assert "stranger" not in repr(r)


# ---------------------------------------------------------------- encodings and broken rows

HEADER = '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements"\n'
ROW = '"1","https://x.com/a/status/1","Bonjour, café","2026-11-23 10:04 +0000","1200","30"\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    data = (HEADER + ROW).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    r = write(tmp_path, "x.csv", data)
    assert [n.text for n in r.numbers] == ["Bonjour, café"]


def test_utf16_without_bom_is_recognised(tmp_path: Path) -> None:
    r = write(tmp_path, "x.csv", (HEADER + ROW).encode("utf-16-le"))
    assert r.numbers[0].impressions == 1200


def test_unreadable_rows_are_listed_with_their_line(tmp_path: Path) -> None:
    bad = (
        HEADER
        + ROW
        + '"2","https://x.com/a/status/2","x","yesterday","1","1"\n'
        + '"3","https://x.com/a/status/3","x","2026-11-23 10:04 +0000","<script>","1"\n'
        + "\n"
        + '"4","https://x.com/a/status/4","=HYPERLINK(""http://evil"")","2026-11-23 11:00 +0000","5","1"\n'
    )
    r = write(tmp_path, "x.csv", bad.encode())
    rows = [(d.line, d.message) for d in r.diagnostics]
    assert rows == [
        (3, "row left out: 'yesterday' is not a date"),
        (4, "row left out: '<script>' is not a number"),
    ]
    assert [n.line for n in r.numbers] == [2, 6]
    assert r.numbers[1].text == '=HYPERLINK("http://evil")'  # kept as text; escaped where shown


def test_many_bad_rows_are_counted_after_the_first_twenty(tmp_path: Path) -> None:
    rows = "".join(
        f'"{i}","https://x.com/a/status/{i}","t","2026-11-23 10:04 +0000","many","1"\n'
        for i in range(50)
    )
    r = write(tmp_path, "x.csv", (HEADER + rows).encode())
    assert len(r.diagnostics) == 21
    assert r.diagnostics[-1].message.startswith("30 more rows left out")


def test_unknown_format_is_named(tmp_path: Path) -> None:
    r = write(tmp_path, "notes.csv", b"Name,Email\nAlice,alice@example.org\n")
    (d,) = r.diagnostics
    assert d.code == "stats-unknown-format"
    assert "columns: Name, Email" in d.message
    assert r.numbers == () and "alice" not in repr(r.numbers)


# ---------------------------------------------------------------- hostile files


def test_file_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    r = write(tmp_path, "x.csv", (HEADER + ROW * 200).encode(), StatsConfig(max_file_bytes=2048))
    assert codes(r) == ["stats-file-too-large"] and r.numbers == ()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    bomb = _zip({"utm_sources.csv": b"name,visitors,bounce_rate\n" + b"0" * 30_000_000})
    assert len(bomb) < 100_000
    r = write(tmp_path, "plausible.zip", bomb, StatsConfig(max_file_bytes=1_000_000))
    assert codes(r) == ["stats-too-large"]


def test_zip_members_with_paths_are_never_read(tmp_path: Path) -> None:
    data = _zip(
        {
            "../../etc/evil.csv": b"name,visitors,bounce_rate\nlinkedin,1,1\n",
            "/abs.csv": b"name,visitors,bounce_rate\nlinkedin,1,1\n",
            "utm_sources.csv": b"name,visitors,bounce_rate\nlinkedin,7,1\n",
        }
    )
    r = write(tmp_path, "export 2026-11-01 to 2026-11-30.zip", data)
    assert [v.visitors for v in r.visits] == [7]
    assert codes(r) == ["stats-zip-member-skipped", "stats-zip-member-skipped"]
    assert not (tmp_path / "etc").exists()


def test_xlsx_with_an_xml_bomb_is_refused(tmp_path: Path) -> None:
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    parts = {}
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        for name in z.namelist():
            parts[name] = z.read(name)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b'<sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    parts["xl/worksheets/sheet1.xml"] = laughs
    r = write(tmp_path, "bomb.xlsx", _zip(parts))
    assert codes(r) in (["stats-unreadable"], ["stats-unknown-format"])
    assert "lollol" not in repr(r)


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    data = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b" " * 20_000_000})
    r = write(tmp_path, "bomb.xlsx", data, StatsConfig(max_file_bytes=1_000_000))
    assert codes(r) == ["stats-too-large"]


def test_broken_workbooks_are_diagnostics(tmp_path: Path) -> None:
    r = write(tmp_path, "broken.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    assert codes(r) == ["stats-unreadable"]
    r = write(tmp_path, "broken.xlsx", b"PK\x03\x04garbage")
    assert codes(r)[-1] == "stats-unreadable"


def test_a_link_out_of_the_repository_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-secret.csv"
    outside.write_text(HEADER + ROW)
    (tmp_path / "stats").mkdir()
    (tmp_path / "stats" / "x.csv").symlink_to(outside)
    r = read_exports(tmp_path, StatsConfig(), ZONE)
    assert codes(r) == ["stats-link-outside"] and r.numbers == ()


def test_rows_past_max_rows_are_named_not_read(tmp_path: Path) -> None:
    rows = "".join(
        f'"{i}","https://x.com/a/status/{i}","t","2026-11-23 10:04 +0000","{i}","1"\n'
        for i in range(1, 8)
    )
    r = write(tmp_path, "x.csv", (HEADER + rows).encode(), StatsConfig(max_rows=5))
    assert [n.impressions for n in r.numbers] == [1, 2, 3, 4, 5]
    (d,) = r.diagnostics
    assert (d.code, d.line) == ("stats-too-many-rows", 7)
    assert "stats.max_rows" in d.message and d.hint


def test_digits_that_are_not_numbers_are_a_row_left_out(tmp_path: Path) -> None:
    # '²' passes str.isdigit() but int() refuses it: a diagnostic, never a traceback.
    bad = HEADER + ROW + '"2","https://x.com/a/status/2","t","2026-11-23 10:04 +0000","²","1"\n'
    r = write(tmp_path, "x.csv", bad.encode())
    assert [(d.line, d.message) for d in r.diagnostics] == [
        (3, "row left out: '²' is not a number")
    ]
    assert [n.impressions for n in r.numbers] == [1200]


def test_counts_land_in_their_own_fields() -> None:
    # Numbers is built positionally from formats.COUNT_FIELDS (the reading loop's speed).
    from generator.stats import formats
    from generator.stats.model import Numbers

    assert Numbers._fields[9:16] == formats.COUNT_FIELDS


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        # The fast paths give what the patterns give.
        ("2017-11-30 08:10 +0000", False, datetime(2017, 11, 30, 8, 10, tzinfo=UTC)),
        ("2026-11-26T10:02:00Z", False, datetime(2026, 11, 26, 10, 2, tzinfo=UTC)),
        ("11/26/2026 10:02", False, datetime(2026, 11, 26, 10, 2, tzinfo=ZoneInfo(ZONE))),
        ("03/11/2026 10:02", True, datetime(2026, 11, 3, 10, 2, tzinfo=ZoneInfo(ZONE))),
        ("03/11/2026 10:02", False, datetime(2026, 3, 11, 10, 2, tzinfo=ZoneInfo(ZONE))),
    ],
)
def test_dates_read_by_the_fast_paths(text: str, day_first: bool, expected: datetime) -> None:
    from generator.stats.formats import when

    found = when(text, ZoneInfo(ZONE), day_first)
    assert found is not None and found.moment == expected
    assert found.day == expected.astimezone(ZoneInfo(ZONE)).date()


@pytest.mark.parametrize("text", ["02/30/2026 10:00", "13/13/2026 10:02", "2026-13-01 10:00"])
def test_impossible_dates_are_not_dates(text: str) -> None:
    from generator.stats.formats import when

    with pytest.raises(ValueError, match="is not a date"):
        when(text, ZoneInfo(ZONE), False)


# Meta's export as a French spreadsheet saves it (the sample meta-facebook-excel-fr.csv):
# ';', Windows-1252, dates written day first.
FR_HEADER = (
    "Post ID;Publish time;Permalink;Nom de la Page;Reach;Reactions;Comments;Shares;Link Clicks\n"
)


def _fr_row(i: int, when: str) -> str:
    return (
        f"{i};{when};https://www.facebook.com/maisonexemple/posts/pfbid{i};Maison;1 730;12;1;0;4\n"
    )


def test_a_day_first_column_names_its_order_to_a_month_first_date(tmp_path: Path) -> None:
    rows = [_fr_row(1, "25/11/2026 12:34"), _fr_row(2, "03/11/2026 09:00")]
    rows.append(_fr_row(3, "11/30/2026 10:00"))  # month first, in a day-first column
    r = write(tmp_path, "meta.csv", (FR_HEADER + "".join(rows)).encode("cp1252"))
    assert [(d.line, d.message) for d in r.diagnostics] == [
        (
            4,
            (
                "row left out: '11/30/2026 10:00' puts the month first, but this column puts the "
                "day first (line 2: '25/11/2026 12:34'): write it in the column's order, "
                "day/month/year"
            ),
        )
    ]
    assert [n.day for n in r.numbers] == [date(2026, 11, 25), date(2026, 11, 3)]


def test_a_month_first_column_refuses_a_day_first_date(tmp_path: Path) -> None:
    rows = [_fr_row(1, "11/26/2026 12:34"), _fr_row(2, "11/03/2026 09:00")]
    rows.append(_fr_row(3, "31/10/2026 10:00"))  # was read as 31 October: the column disagrees
    r = write(tmp_path, "meta.csv", (FR_HEADER + "".join(rows)).encode("cp1252"))
    assert [d.message for d in r.diagnostics] == [
        (
            "row left out: '31/10/2026 10:00' puts the day first, but this column puts the month "
            "first (line 2: '11/26/2026 12:34'): write it in the column's order, month/day/year"
        )
    ]
    assert [n.day for n in r.numbers] == [date(2026, 11, 26), date(2026, 11, 3)]


def test_the_order_of_a_column_is_told_by_all_its_dates(tmp_path: Path) -> None:
    # The first 600 dates could be either order (days 1 to 12); the 601st says the day comes
    # first, and so it does in all of them (the first 500 alone used to decide: month first).
    rows = [_fr_row(i, f"{1 + i % 12:02d}/11/2026 09:00") for i in range(600)]
    rows.append(_fr_row(600, "25/11/2026 09:00"))
    r = write(tmp_path, "meta.csv", (FR_HEADER + "".join(rows)).encode("cp1252"))
    assert codes(r) == []
    assert r.numbers[0].day == date(2026, 11, 1)
    assert {n.day.month for n in r.numbers if n.day} == {11}
