"""The health panel of a project group: plain data in, plain data out (no Django, no
database), so that the rules are unit-tested on their own.

The rules (docs/groups.md, "Le tableau de bord de santé"):

- an overdue task is a task not done whose due date is before today;
- milestones reached are counted against the meetings held (meetings dated today or before);
- a member is below their commitment when the hours they declared for last month are fewer
  than their minimum commitment (no declaration counts as 0 h); members who joined this month
  are left out, they owed nothing last month;
- the last progress is the latest of: a task done, a milestone reached, a meeting whose notes
  record a progress; days since the last progress count from it (or from the group's start
  when nothing moved yet);
- meetings without progress are the meetings held after the last progress that recorded none;
  from `STALL_MEETINGS` of them on, the panel asks plainly whether to revise the plan or to
  name who decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

STALL_MEETINGS = 3


@dataclass(frozen=True)
class TaskFact:
    id: Hashable
    due_date: dt.date | None
    done: bool
    done_at: dt.date | None = None


@dataclass(frozen=True)
class MilestoneFact:
    id: Hashable
    due_date: dt.date
    reached_at: dt.date | None = None


@dataclass(frozen=True)
class MeetingFact:
    date: dt.date
    progress: bool


@dataclass(frozen=True)
class MemberFact:
    id: Hashable
    commitment_hours: Decimal | int | None  # per month; None: no commitment recorded
    last_month_hours: Decimal | int | None  # None: nothing declared
    since: dt.date  # member of the group since


@dataclass(frozen=True)
class Health:
    overdue_tasks: tuple[Hashable, ...]
    milestones_reached: int
    milestones_total: int
    overdue_milestones: tuple[Hashable, ...]
    meetings_held: int
    below_commitment: tuple[Hashable, ...]
    last_progress: dt.date | None
    days_since_progress: int
    meetings_without_progress: int

    @property
    def stalled(self) -> bool:
        """Meetings pile up without progress: the panel shows its prompt."""
        return self.meetings_without_progress >= STALL_MEETINGS


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before `day`'s."""
    return (first_of_month(day) - dt.timedelta(days=1)).replace(day=1)


def health(
    *,
    today: dt.date,
    started: dt.date,
    tasks: Sequence[TaskFact] = (),
    milestones: Sequence[MilestoneFact] = (),
    meetings: Sequence[MeetingFact] = (),
    members: Sequence[MemberFact] = (),
) -> Health:
    """The panel of a group started on `started` (its activation, or its creation)."""
    overdue = tuple(
        t.id for t in tasks if not t.done and t.due_date is not None and t.due_date < today
    )
    reached = [m for m in milestones if m.reached_at is not None and m.reached_at <= today]
    late_milestones = tuple(m.id for m in milestones if m.reached_at is None and m.due_date < today)
    held = sorted((m for m in meetings if m.date <= today), key=lambda m: m.date)

    this_month = first_of_month(today)
    below = tuple(
        m.id
        for m in members
        if m.commitment_hours
        and m.since < this_month
        and Decimal(m.last_month_hours or 0) < Decimal(m.commitment_hours)
    )

    progress_days = [t.done_at for t in tasks if t.done and t.done_at and t.done_at <= today]
    progress_days += [m.reached_at for m in reached if m.reached_at]
    progress_days += [m.date for m in held if m.progress]
    last_progress = max(progress_days) if progress_days else None
    since = last_progress or started
    # A meeting on the day a task was done or a milestone reached did not go without progress.
    without = sum(1 for m in held if not m.progress and (last_progress is None or m.date > since))
    return Health(
        overdue_tasks=overdue,
        milestones_reached=len(reached),
        milestones_total=len(milestones),
        overdue_milestones=late_milestones,
        meetings_held=len(held),
        below_commitment=below,
        last_progress=last_progress,
        days_since_progress=max((today - since).days, 0),
        meetings_without_progress=without,
    )
