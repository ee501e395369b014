"""The cache: atomic files, merges, limits, stale feeds, and the snapshot the build reads."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from generator.watch import cache as cache_module
from generator.watch.cache import (
    CacheState,
    apply_report,
    build_snapshot,
    load_snapshot,
    merge_duplicates,
    merge_entries,
    read_cache,
    write_cache,
)
from generator.watch.model import Entry, FetchOutcome, FetchReport, Status, WatchItem

from .conftest import NOW, watch_config


def entry(
    n: int,
    feed: str = "a",
    *,
    hours_ago: float = 0,
    title: str | None = None,
    link: str | None = None,
    summary: str = "",
    dated: bool = True,
) -> Entry:
    when = NOW - timedelta(hours=hours_ago)
    return Entry(
        id=f"{feed}-{n}",
        feed=feed,
        title=title or f"Entry {n}",
        link=link,
        summary_text=summary,
        summary_html=f"<p>{summary}</p>" if summary else "",
        published=when,
        dated=dated,
        first_seen=when,
    )


def report(*outcomes: FetchOutcome) -> FetchReport:
    return FetchReport(started=NOW, outcomes=outcomes)


def ok(feed: str, *entries: Entry, url: str = "https://a.example/feed") -> FetchOutcome:
    return FetchOutcome(
        feed, url, Status.OK, tuple(entries), http_status=200, title=f"Feed {feed}", etag='"e"'
    )


CONFIG = watch_config(
    [
        {"id": "a", "url": "https://a.example/feed"},
        {"id": "b", "url": "https://b.example/feed"},
        {"id": "c", "url": "https://c.example/feed", "theme": "concurrence"},
    ],
    max_entries_per_feed=3,
    max_entries_per_theme=4,
    max_age_days=10,
)


def test_write_then_read_round_trips(tmp_path: Path):
    state, runs = apply_report(
        CacheState(), report(ok("a", entry(1), entry(2, hours_ago=1))), CONFIG, now=NOW
    )
    assert [(r.feed, r.status, r.new_entries) for r in runs] == [("a", Status.OK, 2)]
    write_cache(tmp_path, CONFIG, state)
    again, problems = read_cache(tmp_path, CONFIG)
    assert problems == ()
    assert again.feed_entries("a") == state.feed_entries("a")
    assert again.feed_state("a") == state.feed_state("a")
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == [".relais/watch/feeds/a.json", ".relais/watch/state.json"]
    stored = json.loads((tmp_path / ".relais/watch/feeds/a.json").read_text())
    assert stored["format"] == 1 and stored["feed"] == "a" and len(stored["entries"]) == 2


def test_an_interrupted_write_leaves_the_previous_file_whole(tmp_path: Path, monkeypatch):
    first, _ = apply_report(CacheState(), report(ok("a", entry(1))), CONFIG, now=NOW)
    write_cache(tmp_path, CONFIG, first)
    before = (tmp_path / ".relais/watch/state.json").read_bytes()
    second, _ = apply_report(first, report(ok("a", entry(2))), CONFIG, now=NOW)

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(cache_module.os, "replace", crash)
    with pytest.raises(OSError):
        write_cache(tmp_path, CONFIG, second, previous=first)
    monkeypatch.undo()
    assert (tmp_path / ".relais/watch/state.json").read_bytes() == before
    assert not list(tmp_path.rglob("*.tmp"))
    assert read_cache(tmp_path, CONFIG)[0].feed_entries("a") == first.feed_entries("a")


def test_a_damaged_cache_is_reported_not_raised(tmp_path: Path):
    base = tmp_path / ".relais/watch"
    (base / "feeds").mkdir(parents=True)
    (base / "state.json").write_text("{not json")
    good = entry(1).model_dump(mode="json")
    (base / "feeds/a.json").write_text(
        json.dumps({"format": 1, "entries": [good, {"id": 3}, "junk"]})
    )
    (base / "feeds/b.json").write_text("[]")
    snapshot = load_snapshot(tmp_path, CONFIG, now=NOW)
    assert len(snapshot.problems) == 3
    assert [i.id for i in snapshot.theme("secteur").entries] == ["a-1"]
    assert snapshot.feed("a").status is Status.NEVER


def test_no_cache_at_all_gives_an_empty_snapshot(tmp_path: Path):
    snapshot = load_snapshot(tmp_path, CONFIG, now=NOW)
    assert snapshot.empty and snapshot.problems == ()
    assert [f.status for f in snapshot.feeds] == [Status.NEVER] * 3
    with pytest.raises(ValueError):
        load_snapshot(tmp_path, CONFIG, now=NOW.replace(tzinfo=None))


def test_merging_keeps_first_seen_and_old_entries_until_the_limit():
    feed = CONFIG.feed("a")
    old = [entry(1, hours_ago=5), entry(2, hours_ago=6, dated=False)]
    later = NOW + timedelta(hours=1)
    fresh = [
        entry(2, hours_ago=-1, dated=False).model_copy(update={"first_seen": later}),
        entry(3, hours_ago=-1),
    ]
    merged, new = merge_entries(old, fresh, CONFIG, feed, now=later)
    assert new == 1
    assert [e.id for e in merged] == ["a-3", "a-1", "a-2"]
    kept_2 = next(e for e in merged if e.id == "a-2")
    assert (
        kept_2.first_seen == old[1].first_seen and kept_2.published == old[1].published
    )  # undated: first seen
    merged, _ = merge_entries(merged, [entry(4, hours_ago=-2)], CONFIG, feed, now=later)
    assert [e.id for e in merged] == ["a-4", "a-3", "a-1"]  # max_entries_per_feed: 3


def test_too_old_entries_are_dropped():
    feed = CONFIG.feed("a")
    merged, new = merge_entries(
        [], [entry(1, hours_ago=24 * 11), entry(2, hours_ago=24 * 9)], CONFIG, feed, now=NOW
    )
    assert [e.id for e in merged] == ["a-2"] and new == 1


def test_a_failing_feed_keeps_its_entries_and_its_last_success():
    state, _ = apply_report(CacheState(), report(ok("a", entry(1))), CONFIG, now=NOW)
    later = NOW + timedelta(hours=6)
    failed = FetchOutcome("a", "https://a.example/feed", Status.ERROR, None, "timeout", "too slow")
    after, runs = apply_report(state, report(failed), CONFIG, now=later)
    fs = after.feed_state("a")
    assert fs.stale and fs.status is Status.ERROR and fs.error == "too slow"
    assert fs.last_success == NOW and fs.last_attempt == later
    assert fs.etag == '"e"'  # still sent next time
    assert after.feed_entries("a") == state.feed_entries("a")
    assert runs[0].stale_since == NOW and runs[0].error_code == "timeout"


def test_the_snapshot_merges_duplicates_across_feeds_per_theme():
    state, _ = apply_report(
        CacheState(),
        report(
            ok(
                "a",
                entry(
                    1,
                    title="Maison Exemple ouvre à Lyon",
                    link="https://news.example/lyon/",
                    hours_ago=2,
                ),
            ),
            ok(
                "b",
                entry(
                    1, "b", title="Autre titre", link="https://www.news.example/lyon#x", hours_ago=1
                ),
                entry(2, "b", title="MAISON EXEMPLE OUVRE A LYON !", hours_ago=3),
                entry(3, "b"),
            ),
        ),
        CONFIG,
        now=NOW,
    )
    snapshot = build_snapshot(state, CONFIG, now=NOW)
    items = snapshot.theme("secteur").entries
    assert [i.id for i in items] == ["b-3", "b-2"]
    merged = items[1]
    assert merged.sources == ("b", "a")  # the earliest copy is kept, with every source
    assert snapshot.feed("a").name == "Feed a"


def test_per_theme_limit_and_newest_first():
    state, _ = apply_report(
        CacheState(),
        report(
            ok("a", *(entry(n, hours_ago=n) for n in range(3))),
            ok("b", *(entry(n, "b", hours_ago=n + 0.5) for n in range(3))),
        ),
        CONFIG,
        now=NOW,
    )
    items = build_snapshot(state, CONFIG, now=NOW).theme("secteur").entries
    assert [i.id for i in items] == ["a-0", "b-0", "a-1", "b-1"]  # max_entries_per_theme: 4


def test_feed_and_theme_filters_both_apply():
    config = watch_config(
        [
            {
                "id": "a",
                "url": "https://a.example/",
                "keywords": {"include": ["pain"], "exclude": ["/recrut/"]},
            }
        ],
        themes={"secteur": {"label": "Secteur", "keywords": {"exclude": ["météo"]}}},
    )
    entries = [
        entry(1, title="Pain et levain"),
        entry(2, title="Du pain, recrutement"),
        entry(3, title="Pain et meteo"),
        entry(4, title="Sans rapport", summary="mais du PAIN"),
    ]
    state, _ = apply_report(CacheState(), report(ok("a", *entries)), config, now=NOW)
    assert [e.id for e in state.feed_entries("a")] == ["a-1", "a-4"]


def test_merge_duplicates_ignores_short_titles():
    def item(n, title):
        return WatchItem(
            id=str(n),
            theme="t",
            title=title,
            link=None,
            summary_html="",
            summary_text="",
            published=NOW - timedelta(hours=n),
            dated=True,
            sources=(f"f{n}",),
        )

    assert len(merge_duplicates([item(1, "Édito"), item(2, "Edito")])) == 2
    assert (
        len(
            merge_duplicates(
                [item(1, "Le grand édito de la semaine"), item(2, "Le grand edito de la semaine")]
            )
        )
        == 1
    )


def test_stray_temporary_files_are_cleaned(tmp_path: Path):
    feeds = tmp_path / ".relais/watch/feeds"
    feeds.mkdir(parents=True)
    (feeds / ".a.json.123.tmp").write_text("half")
    (feeds / "removed-feed.json").write_text("{}")
    state, _ = apply_report(CacheState(), report(ok("a", entry(1))), CONFIG, now=NOW)
    write_cache(tmp_path, CONFIG, state)
    assert sorted(os.listdir(feeds)) == ["a.json"]
