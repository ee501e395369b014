"""Statistics checks: the `published:` map of each post, and slots in a measured dead hour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..diagnostics import Diagnostic, Severity, did_you_mean, error
from ..model import Project
from .published import address_problem


def _published(project: Project, now: datetime) -> Iterator[Diagnostic]:
    for post in project.posts:
        for network, url in post.published.items():
            line = post.line("published", network)
            if network not in post.networks:
                yield error(
                    post.file,
                    line,
                    "published-network",
                    f"published names '{network}', which is not in this post's networks",
                    did_you_mean(network, post.networks)
                    or f"add '{network}' to networks, or remove this address",
                )
                continue
            problem = address_problem(
                network, url, allow_http=project.config.stats.allow_private_addresses
            )
            if problem:
                yield error(
                    post.file,
                    line,
                    "published-url",
                    f"published.{network}: {problem}",
                    "paste the address of the post as the network shows it, e.g. "
                    "https://www.linkedin.com/feed/update/urn:li:activity:…",
                )


def _dead_slots(project: Project, now: datetime) -> Iterator[Diagnostic]:
    if not project.stats.numbers or not project.slots:
        return  # nothing measured: no figures to compute for a repository without exports
    from .figures import dead_hours

    dead = dead_hours(project, now)
    for slot in project.slots:
        found = dead.get((slot.network, int(slot.time.split(":")[0])))
        if found is None:
            continue
        rate, median, posts = found
        yield Diagnostic(
            Severity.NOTICE,
            slot.src.file,
            slot.line("time"),
            "slot-dead-hour",
            f"the {slot.network} slot at {slot.time} sits in a measured dead hour: "
            f"{rate:.1%} engagement over {posts} posts, against {median:.1%} for {slot.network}",
            "see Statistics, best days and hours, and move the slot to a better hour",
        )


CHECKS = [_published, _dead_slots]
