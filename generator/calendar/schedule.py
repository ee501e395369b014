"""Shared facts about the plan: which posts count, which posts a key date or a campaign has."""

from __future__ import annotations

from datetime import date, timedelta

from ..model import Campaign, Post, Project, Status
from .recurrence import Occurrence, occurrences

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


class KeyDateLinks:
    """Which posts each occurrence of a key date has: posts indexed once, occurrences expanded once."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.by_key: dict[str, list[tuple[date, Post]]] = {}
        for post in planned(project):
            day = local_day(post, project)
            if post.key_date and day is not None:
                self.by_key.setdefault(post.key_date, []).append((day, post))

    def occurrences(self, start: date, end: date) -> list[tuple[Occurrence, date | None]]:
        """Occurrences overlapping `start`..`end`, each with the end of the one before it (if recent)."""
        out = []
        for key in self.project.key_dates:
            previous: date | None = None
            for occ in occurrences(key, start - timedelta(days=LINK_BEFORE_DAYS), end):
                if occ.end >= start:
                    recent = previous is not None and previous >= occ.start - timedelta(
                        days=LINK_BEFORE_DAYS
                    )
                    out.append((occ, previous if recent else None))
                previous = occ.end
        return sorted(out, key=lambda pair: (pair[0].start, pair[0].end, pair[0].key_date.id))

    def posts(self, occurrence: Occurrence, previous_end: date | None) -> list[Post]:
        """Posts (not cancelled) linked to this occurrence, by time: from two months before it
        (or the day after the previous occurrence) to two weeks after it."""
        lower = occurrence.start - timedelta(days=LINK_BEFORE_DAYS)
        if previous_end is not None:
            lower = max(lower, previous_end + timedelta(days=1))
        upper = occurrence.end + timedelta(days=LINK_AFTER_DAYS)
        return [
            post
            for day, post in self.by_key.get(occurrence.key_date.id, [])
            if lower <= day <= upper
        ]


def campaign_posts(project: Project, campaign: Campaign) -> list[Post]:
    """Every post of a campaign (cancelled ones too), dated first by time, then undated by slug."""
    posts = [p for p in project.posts if p.campaign == campaign.id]
    return sorted(
        posts, key=lambda p: (p.date is None, p.date.timestamp() if p.date else 0.0, p.slug)
    )


def is_overdue(post: Post, today: date) -> bool:
    """A post whose `due` day has passed while it is not approved yet."""
    return post.due is not None and post.due < today and post.status in NOT_READY
