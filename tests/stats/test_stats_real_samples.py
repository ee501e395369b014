"""Real exports downloaded by strangers, read as they are and shown as a user would see them.

The samples and their licences are listed in tests/stats/samples/README.md.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.load import load
from generator.plan import plan
from generator.stats.config import StatsConfig
from generator.stats.read import read_exports

SAMPLES = Path(__file__).parent / "samples"
DATABZH = "real-x-tweet-activity-fr-DataBzh-2017-11.csv"
DEC_2017 = datetime(2017, 12, 1, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))

# Two of the account's tweets as a team would have planned them (times in Paris).
POSTS = {
    "airbnb": """\
---
title: Airbnb en Bretagne
date: 2017-11-26T15:15
networks: [x]
status: published
messages:
  x: "Airbnb. Ces communes bretonnes très rentables - #Dataspot - LeTelegramme.fr"
published:
  x: https://x.com/DataBzh/status/934787614544146432
---
""",
    "api": """\
---
title: C'est quoi une API ?
date: 2017-11-02T17:40
networks: [x]
status: published
messages:
  x: "[Archive] Dis, c'est quoi une API ? #blog"
---
""",
}


def test_real_french_x_export_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "stats").mkdir()
    shutil.copy(SAMPLES / DATABZH, tmp_path / "stats" / DATABZH)
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert r.diagnostics == ()
    (f,) = r.files
    assert (f.format_id, f.rows, f.encoding) == ("x-tweets", 130, "utf-8")
    n = r.numbers
    # Totals of the file's own columns (counts written "682.0"), checked by hand in a spreadsheet.
    assert sum(x.impressions or 0 for x in n) == 71_914
    assert sum(x.reactions or 0 for x in n) == 157  # "J'aime"
    assert sum(x.shares or 0 for x in n) == 137  # "Retweets"
    assert sum(x.clicks or 0 for x in n) == 581  # "clics sur l'URL"
    assert sum(x.comments or 0 for x in n) == 6  # "réponses"
    # Tweets of several lines: the last of 130 rows is on line 132 of the file.
    assert (n[0].line, n[-1].line) == (2, 132)
    assert n[0].moment == datetime(2017, 11, 30, 8, 10, tzinfo=UTC)
    assert n[0].key == "x:936145296026980352"


def test_real_french_x_export_reaches_the_posts_pages(
    repo: Callable[..., Path],
) -> None:
    root = repo({DATABZH: (SAMPLES / DATABZH).read_bytes()}, posts=POSTS)
    loaded = load(root)
    assert loaded.project is not None
    site = plan(loaded.project, DEC_2017)
    # Matched by its address (x.com in the plan, twitter.com in the export).
    (airbnb,) = site.post_blocks["airbnb"]
    assert "5\u202f579" in airbnb  # impressions, in French
    assert re.search(r"<td>2,7\s%</td>", airbnb)  # 148 engagements of 5,579
    assert "<td>101</td>" in airbnb  # URL clicks
    # Matched by network and time: 16:44 UTC is 17:44 in Paris, four minutes after the plan.
    (api,) = site.post_blocks["api"]
    assert "2\u202f111" in api
    overview = site.pages["stats/index.md"]
    assert "Airbnb en Bretagne" in overview
    report = site.pages["stats/reports/2017-11.md"]
    assert "<td>7\u202f690</td>" in report  # the month's impressions: the two posts planned
    # Every other tweet is listed with its line, none dropped: 130 rows, 2 posts. The tweet of
    # 18:01 is near the API post's time, but that post already has its own tweet.
    data = site.pages["stats/data.md"]
    assert data.count(f'<th scope="row">stats/2026-11/{DATABZH}:') == 128
    assert f"{DATABZH}:122</th>" in data
    assert "une autre publication du réseau a déjà été retrouvée pour api" in data


# The members of a Plausible export zip, byte for byte as Plausible's own export test expects
# them (plausible/analytics, test/plausible_web/controllers/stats_controller_test.exs): CRLF,
# reports without rows reduced to their header, dimensions Relais does not read beside.
PLAUSIBLE_MEMBERS = {
    "visitors.csv": b"date,visitors,pageviews,bounce_rate,visit_duration\r\n"
    b"2021-10-19,1,1,100,0\r\n2021-10-20,1,1,100,0\r\n",
    "sources.csv": b"name,visitors,bounce_rate,visit_duration\r\nGoogle,1,100,0\r\n",
    "utm_mediums.csv": b"name,visitors,bounce_rate,visit_duration\r\n",
    "utm_sources.csv": b"name,visitors,bounce_rate,visit_duration\r\n",
    "utm_campaigns.csv": b"name,visitors,bounce_rate,visit_duration\r\nads,1,100,0\r\n",
    "pages.csv": b"name,visitors,bounce_rate,time_on_page\r\n/,2,100,\r\n",
    "entry_pages.csv": b"name,unique_entrances,total_entrances,visit_duration\r\n/,2,2,0\r\n",
    "exit_pages.csv": b"name,unique_exits,total_exits,exit_rate\r\n/,2,2,100.0\r\n",
    "countries.csv": b"name,visitors\r\nEstonia,1\r\n",
    "browsers.csv": b"name,visitors\r\n,2\r\n",
    "conversions.csv": b"name,unique_conversions,total_conversions\r\n",
}


def test_plausible_zip_as_plausible_writes_it(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in PLAUSIBLE_MEMBERS.items():
            z.writestr(name, data)
    (tmp_path / "stats").mkdir()
    name = "Plausible export new-site.com 2021-09-20 to 2021-10-20.zip"
    (tmp_path / "stats" / name).write_bytes(buf.getvalue())
    r = read_exports(tmp_path, StatsConfig(), "Europe/Paris")
    assert r.diagnostics == ()  # empty reports and the others are no problem
    (visit,) = r.visits
    assert (visit.campaign, visit.visitors, visit.sessions) == ("ads", 1, None)
    assert (visit.start, visit.end) == (date(2021, 9, 20), date(2021, 10, 20))
