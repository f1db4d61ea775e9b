"""The cooperative's collective life read across groups, events and tutoring: participation per
member and per month, and the yearly figures.

Each of the three apps stores its own dated rows and reads them back through its selectors
(`participation_rows`, `stats`); this module only puts them together, so a later evaluation
reads one shape: member → month → how many times of each kind.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from essaim.events import selectors as events
from essaim.groups import selectors as groups
from essaim.tutoring import selectors as tutoring

Row = tuple[int, dt.date, str]
RowSource = Callable[..., list[Row]]

# Where participation comes from, in this order (every kind's prefix names its app).
SOURCES: tuple[RowSource, ...] = (
    groups.participation_rows,
    events.participation_rows,
    tutoring.participation_rows,
)

Participation = dict[int, dict[str, Counter[str]]]


def month_key(day: dt.date) -> str:
    """ "2026-03" for any day of March 2026."""
    return f"{day.year:04d}-{day.month:02d}"


def participation_rows(*, start: dt.date, end: dt.date) -> list[Row]:
    """Every dated participation row of the three apps between `start` and `end` (included),
    ordered by day, member and kind."""
    if end < start:
        raise ValueError(f"période vide : le {end:%d/%m/%Y} précède le {start:%d/%m/%Y}")
    rows = [row for source in SOURCES for row in source(start=start, end=end)]
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    return rows


def aggregate(rows: Iterable[Row], *, member_ids: Iterable[int] | None = None) -> Participation:
    """member id → "YYYY-MM" → Counter(kind), members and months in ascending order; only
    the months in which the member took part appear."""
    wanted = set(member_ids) if member_ids is not None else None
    found: dict[int, dict[str, Counter[str]]] = {}
    for member_id, day, kind in rows:
        if wanted is not None and member_id not in wanted:
            continue
        found.setdefault(member_id, {}).setdefault(month_key(day), Counter())[kind] += 1
    return {member_id: dict(sorted(months.items())) for member_id, months in sorted(found.items())}


def participation(
    *, start: dt.date, end: dt.date, member_ids: Iterable[int] | None = None
) -> Participation:
    """How each member took part in the collective life, per month, between `start` and `end`
    (included): group membership and group meetings, event registrations and attendance,
    peer trainings, tutoring cases and volunteering (the kinds are those of each app's
    `participation_rows`, e.g. "group.member", "event.attended", "tutoring.volunteer").

    `member_ids` keeps only these members. A group membership counts once per month of
    membership; everything else once per occurrence.
    """
    return aggregate(participation_rows(start=start, end=end), member_ids=member_ids)


def collective_stats(*, year: int | None = None) -> dict[str, Any]:
    """The figures of `essaim collective stats`: groups by kind, events by kind, the
    attendance rate and the number of tutoring cases, for `year` (or ever, groups: those not
    closed today). No name, no content: counts only."""
    figures: dict[str, Any] = {"year": year}
    figures |= groups.stats(year=year)
    figures |= events.stats(year=year)
    figures |= tutoring.stats(year=year)
    return figures
