"""Which members a request matches, and in what order: plain data in, a fair order out.

A member matches a request when they hold at least one of the skills it needs (the skill
itself, a skill below it in the nomenclature, or a ROME-linked one) at the minimum level or
above, can work where it takes place (the member works in its département, or both the
request and the member allow remote work; a request with no département accepts everyone), and
are available over its dates (a profile with days per week, whose availability window overlaps
the request's dates).

The order: members who cover more of the needed skills first; among equals, the directory's
rotation of the day for this request — the same all day, another tomorrow — so that nobody is
always on top and nothing about who asks, or who knows whom, enters it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from essaim.skills import ranking


@dataclass(frozen=True)
class Need:
    """A needed skill: the node ids that answer for it, and the minimum level."""

    answering: frozenset[int]
    min_level: int


@dataclass(frozen=True)
class Place:
    zone: str = ""  # département of the work, "" when none is given
    remote: bool = False  # the work can be done remotely
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class Candidate:
    member_id: int
    skills: dict[int, int] = field(default_factory=dict)  # node id → level
    zones: Sequence[str] = ()
    remote: bool = False
    days_per_week: float = 0.0
    available_from: dt.date | None = None
    available_until: dt.date | None = None


@dataclass(frozen=True)
class Match:
    member_id: int
    covered: int  # how many needs the member answers


def covered_needs(needs: Sequence[Need], skills: Mapping[int, int]) -> int:
    count = 0
    for need in needs:
        if any(skills.get(pk, 0) >= need.min_level for pk in need.answering & skills.keys()):
            count += 1
    return count


def works_there(place: Place, candidate: Candidate) -> bool:
    if not place.zone or place.zone in candidate.zones:
        return True
    return place.remote and candidate.remote


def available(place: Place, candidate: Candidate, today: dt.date) -> bool:
    if candidate.days_per_week <= 0:
        return False
    start = place.start or today
    end = place.end or start
    if candidate.available_from is not None and candidate.available_from > end:
        return False
    return candidate.available_until is None or candidate.available_until >= start


def fair_order(matches: Iterable[Match], *, day: dt.date, key: str) -> list[Match]:
    rotation = ranking.rotation(day, key)
    return sorted(matches, key=lambda m: (-m.covered, rotation.key(m.member_id)))


def match(
    needs: Sequence[Need],
    place: Place,
    candidates: Iterable[Candidate],
    *,
    today: dt.date,
    key: str,
) -> list[Match]:
    """The matching members in fair order."""
    found = []
    for candidate in candidates:
        covered = covered_needs(needs, candidate.skills)
        if covered and works_there(place, candidate) and available(place, candidate, today):
            found.append(Match(candidate.member_id, covered))
    return fair_order(found, day=today, key=key)
