"""Shared facts about the plan: which posts count, which posts a key date or a campaign has."""

from __future__ import annotations

from datetime import date, timedelta

from ..model import Campaign, Post, Project, Status
from .recurrence import Occurrence, previous_end

# A post linked to a key date counts for the occurrence it prepares or follows:
# from two months before it (or from the end of the previous one) to two weeks after.
LINK_BEFORE_DAYS = 60
LINK_AFTER_DAYS = 14
# Statuses whose posts are still being prepared (shown on the board), and those overdue when late.
NOT_READY = (Status.idea, Status.draft, Status.review)


def planned(project: Project) -> list[Post]:
    """Dated posts that are not cancelled, by time then slug (clash and gap checks use these)."""
    posts = [p for p in project.posts if p.date is not None and p.status is not Status.cancelled]
    # By instant, not wall clock: two times of one zone compare by their wall clocks in Python.
    return sorted(posts, key=lambda p: (p.date.timestamp(), p.slug))  # type: ignore[union-attr]


def local_day(post: Post, project: Project) -> date | None:
    return post.date.astimezone(project.tz).date() if post.date else None


def linked_posts(project: Project, occurrence: Occurrence) -> list[Post]:
    """Posts (not cancelled) linked to this occurrence of a key date, by time."""
    key = occurrence.key_date
    lower = occurrence.start - timedelta(days=LINK_BEFORE_DAYS)
    previous = previous_end(key, occurrence, LINK_BEFORE_DAYS)
    if previous is not None:
        lower = max(lower, previous + timedelta(days=1))
    upper = occurrence.end + timedelta(days=LINK_AFTER_DAYS)
    out = []
    for post in planned(project):
        day = local_day(post, project)
        if post.key_date == key.id and day is not None and lower <= day <= upper:
            out.append(post)
    return out


def campaign_posts(project: Project, campaign: Campaign) -> list[Post]:
    """Every post of a campaign (cancelled ones too), dated first by time, then undated by slug."""
    posts = [p for p in project.posts if p.campaign == campaign.id]
    return sorted(posts, key=lambda p: (p.date is None, p.date.timestamp() if p.date else 0.0, p.slug))


def is_overdue(post: Post, today: date) -> bool:
    """A post whose `due` day has passed while it is not approved yet."""
    return post.due is not None and post.due < today and post.status in NOT_READY
