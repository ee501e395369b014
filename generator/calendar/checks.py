"""Schedule checks: clashes, silences, key dates and campaigns, statuses, due dates, daylight saving, rules.

Each check is a pure function of the project and `now`. Codes are stable (users
override severities with `rules.severity` in site_config.yml); docs-calendar.md
lists them with their default severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from .. import contrast
from .. import networks as net
from ..diagnostics import Diagnostic, error, warning
from ..model import Post, Project, Status
from .recurrence import rule_problem
from .schedule import KeyDateLinks, campaign_posts, local_day, planned
from .zones import exists, format_offset, gap_around, in_zone, is_ambiguous, offsets

KEY_DATE_NOTICE_DAYS = 14
RULE_EXAMPLE = "e.g. FREQ=MONTHLY;BYDAY=1TH (the first Thursday of every month) or FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=16"


def _label(network_id: str) -> str:
    network = net.get(network_id)
    return network.label if network else network_id


def _stamp(value: datetime, project: Project) -> str:
    return value.astimezone(project.tz).strftime("%Y-%m-%dT%H:%M")


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes:02d} min"
    return f"{hours} h" if hours else f"{minutes} min"


def _number(value: float) -> str:
    return f"{value:g}"


def _on(project: Project, network_id: str) -> list[Post]:
    return [p for p in planned(project) if network_id in p.networks]


def min_gap(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Two posts on one network closer than rules.min_gap_hours (reported on the later one, from now on)."""
    for network_id, hours in sorted(project.config.rules.min_gap_hours.items()):
        gap = timedelta(hours=hours)
        posts = _on(project, network_id)
        for previous, post in pairwise(posts):
            assert previous.date is not None and post.date is not None
            # Elapsed time, in UTC: Python subtracts two times of one zone by their wall clocks.
            apart = post.date.astimezone(UTC) - previous.date.astimezone(UTC)
            if apart >= gap or post.date < now:
                continue
            yield warning(
                post.file,
                post.line("date"),
                "min-gap",
                f"this {_label(network_id)} post is {_duration(apart)} after '{previous.slug}' "
                f"({_stamp(previous.date, project)}), less than rules.min_gap_hours.{network_id} ({_number(hours)} h)",
                f"move it to {_stamp(previous.date.astimezone(UTC) + gap, project)} or later, or move {previous.file}:{previous.line('date')}",
            )


def max_silence(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A gap longer than rules.max_silence_days between now and the last planned post of a network."""
    for network_id, days in sorted(project.config.rules.max_silence_days.items()):
        limit = timedelta(days=days)
        posts = [p for p in _on(project, network_id) if p.date is not None and p.date >= now]
        start: datetime = now.astimezone(UTC)
        previous: Post | None = None
        for post in posts:
            assert post.date is not None
            if post.date.astimezone(UTC) - start > limit:
                since = (
                    f"'{previous.slug}' ({_stamp(start, project)})"
                    if previous
                    else f"now ({_stamp(start, project)})"
                )
                yield warning(
                    post.file,
                    post.line("date"),
                    "max-silence",
                    f"no {_label(network_id)} post for {_duration_days(post.date.astimezone(UTC) - start)} between {since} and this post, "
                    f"more than rules.max_silence_days.{network_id} ({_number(days)})",
                    f"plan a {_label(network_id)} post before {_stamp(start + limit, project)}, e.g. in a free slot: "
                    f'relais new post "…" --network {network_id} --next-slot',
                )
            start, previous = post.date.astimezone(UTC), post


def _duration_days(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    text = f"{days} day" + ("s" if days != 1 else "")
    return f"{text} {hours} h" if hours else text


def key_date_uncovered(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A key date in the next 14 days that no post is linked to."""
    today = now.astimezone(project.tz).date()
    horizon = today + timedelta(days=KEY_DATE_NOTICE_DAYS)
    links = KeyDateLinks(project)
    reported: set[str] = set()
    for occurrence, previous in links.occurrences(today, horizon):
        key = occurrence.key_date
        if key.id in reported or links.posts(occurrence, previous):
            continue
        reported.add(key.id)  # once per key date: a daily rule would otherwise warn fourteen times
        if occurrence.start <= today:
            when = (
                f"runs until {occurrence.end.isoformat()}" if occurrence.end > today else "is today"
            )
        else:
            n = (occurrence.start - today).days
            when = f"is on {occurrence.start.isoformat()}, in {n} day" + ("s" if n > 1 else "")
        yield warning(
            key.src.file,
            key.line("id"),
            "key-date-uncovered",
            f"key date '{key.id}' {when} and no post is linked to it",
            f"add 'key_date: {key.id}' to a post planned around it, or plan one: relais new post \"…\" --date "
            f"{occurrence.start.isoformat()}T09:00",
        )


def campaign_empty(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A campaign that no post (other than cancelled ones) belongs to."""
    for campaign in project.campaigns:
        if any(p.status is not Status.cancelled for p in campaign_posts(project, campaign)):
            continue
        yield warning(
            campaign.src.file,
            campaign.line("id"),
            "campaign-empty",
            f"campaign '{campaign.id}' has no post",
            f"add 'campaign: {campaign.id}' to the posts that belong to it, or remove the campaign",
        )


def campaign_colour(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A campaign colour too pale to be seen next to the white page (WCAG 2.2, 1.4.11: 3:1).

    The text on a campaign's band is black or white, whichever contrasts more (see
    contrast.ink): for an opaque colour, all the model accepts, one of them always reaches
    4.58:1 (the two ratios multiply to 21), above the 4.5:1 text needs. What can fail is the
    colour itself beside the page: the band of the days after the first, which shows no text,
    and the stripe beside the campaign's name in lists.
    """
    for campaign in project.campaigns:
        on_page = contrast.ratio(campaign.color, contrast.WHITE)
        if on_page >= contrast.GRAPHIC_MINIMUM:
            continue
        yield warning(
            campaign.src.file,
            campaign.line("color"),
            "campaign-colour",
            f"campaign colour {campaign.color} has a contrast of {on_page:.2f}:1 with the white "
            "page: its bands and stripes need 3:1 to be seen (WCAG 2.2, 1.4.11); its text, "
            f"{contrast.ink_name(campaign.color)}, has {contrast.best_ratio(campaign.color):.2f}:1",
            f'use a darker colour, e.g. color: "{contrast.darkened(campaign.color)}"',
        )


def post_outside_campaign(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A post dated outside the start..end of its campaign."""
    for post in planned(project):
        campaign = project.campaign(post.campaign)
        day = local_day(post, project)
        if campaign is None or day is None or campaign.start <= day <= campaign.end:
            continue
        yield warning(
            post.file,
            post.line("date"),
            "post-outside-campaign",
            f"the post is dated {day.isoformat()} but campaign '{campaign.id}' runs from "
            f"{campaign.start.isoformat()} to {campaign.end.isoformat()}",
            f"move the post into the campaign, extend the campaign ({campaign.src.file}:{campaign.line('end')}), "
            "or remove 'campaign:'",
        )


def status_date(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """`published` with a date still to come; `scheduled` or `approved` with a date already past."""
    for post in project.posts:
        if post.date is None:
            continue
        when = _stamp(post.date, project)
        if post.status is Status.published and post.date > now:
            yield warning(
                post.file,
                post.line("status"),
                "status-date",
                f"status is published but the date {when} is still to come",
                "set 'status: scheduled' (or approved) until it is out, or correct the date",
            )
        elif post.status in (Status.scheduled, Status.approved) and post.date < now:
            yield warning(
                post.file,
                post.line("status"),
                "status-date",
                f"status is {post.status.value} but the date {when} has passed",
                "set 'status: published' once it is out, 'cancelled' if it was dropped, or move the date",
            )


def due_after_date(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """A `due` day after the publication day (an error: the draft would be ready too late)."""
    for post in project.posts:
        day = local_day(post, project)
        if post.due is None or day is None or post.status is Status.cancelled or post.due <= day:
            continue
        yield error(
            post.file,
            post.line("due"),
            "due-after-date",
            f"due date {post.due.isoformat()} is after the publication date {day.isoformat()}",
            f"set 'due: {(day - timedelta(days=1)).isoformat()}' or earlier (the day the draft must be ready), "
            "or move the date",
        )


def _clock(value: datetime) -> str:
    return value.strftime("%H:%M")


def daylight_saving(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Local times that a daylight-saving change skips (error) or repeats (warning)."""
    tz = project.tz
    for post in project.posts:
        value = post.date
        if value is None or post.status is Status.cancelled or not in_zone(value, tz):
            continue  # an explicit offset is unambiguous; a cancelled post will not be published
        wall = value.replace(tzinfo=None)
        stamp = wall.strftime("%Y-%m-%dT%H:%M")
        if not exists(wall, tz):
            before, after = gap_around(wall, tz)
            yield error(
                post.file,
                post.line("date"),
                "dst-nonexistent",
                f"{stamp} does not exist in {tz.key}: clocks go forward from {_clock(before + timedelta(minutes=1))} "
                f"to {_clock(after)} that night",
                f"use {before.strftime('%Y-%m-%dT%H:%M')} or {after.strftime('%Y-%m-%dT%H:%M')} (valid times around the change)",
            )
        elif is_ambiguous(wall, tz):
            first, second = offsets(wall, tz)
            yield warning(
                post.file,
                post.line("date"),
                "dst-ambiguous",
                f"{stamp} happens twice in {tz.key}: clocks go back that night",
                f"add the offset to choose: {stamp}{format_offset(first)} (the first time) or "
                f"{stamp}{format_offset(second)} (the second); without it, the first is used",
            )


def rrules(project: Project, now: datetime) -> Iterator[Diagnostic]:
    """Key date rules that are not valid RFC 5545, or that never happen (both errors)."""
    for key in project.key_dates:
        problem = rule_problem(key)
        if problem is None:
            continue
        code, message = problem
        hint = (
            RULE_EXAMPLE
            if code == "rrule-invalid"
            else (
                "check BYMONTH, BYMONTHDAY and BYDAY together (e.g. there is no 30 February), and UNTIL or COUNT"
            )
        )
        yield error(key.src.file, key.line("rrule"), code, message, hint)


Check = Callable[[Project, datetime], Iterable[Diagnostic]]
CHECKS: list[Check] = [
    min_gap,
    max_silence,
    key_date_uncovered,
    campaign_empty,
    campaign_colour,
    post_outside_campaign,
    status_date,
    due_after_date,
    daylight_saving,
    rrules,
]
