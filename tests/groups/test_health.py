"""The health panel's rules, on plain data (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from essaim.groups.health import (
    STALL_MEETINGS,
    Health,
    MeetingFact,
    MemberFact,
    MilestoneFact,
    TaskFact,
    health,
    previous_month,
)

TODAY = dt.date(2025, 6, 18)
START = dt.date(2025, 1, 6)


def d(month: int, day: int) -> dt.date:
    return dt.date(2025, month, day)


def test_a_new_group_with_nothing_yet():
    assert health(today=TODAY, started=START) == Health(
        overdue_tasks=(),
        milestones_reached=0,
        milestones_total=0,
        overdue_milestones=(),
        meetings_held=0,
        below_commitment=(),
        last_progress=None,
        days_since_progress=(TODAY - START).days,
        meetings_without_progress=0,
    )


def test_overdue_tasks_are_the_undone_ones_past_their_due_date():
    tasks = [
        TaskFact("late", d(6, 17), done=False),
        TaskFact("due-today", TODAY, done=False),
        TaskFact("no-date", None, done=False),
        TaskFact("late-but-done", d(6, 1), done=True, done_at=d(6, 2)),
    ]

    assert health(today=TODAY, started=START, tasks=tasks).overdue_tasks == ("late",)


def test_milestones_reached_against_meetings_held():
    milestones = [
        MilestoneFact("a", d(3, 1), reached_at=d(2, 27)),
        MilestoneFact("b", d(5, 1)),  # late
        MilestoneFact("c", d(9, 1)),
    ]
    meetings = [
        MeetingFact(d(2, 1), True),
        MeetingFact(d(4, 1), False),
        MeetingFact(d(7, 1), False),
    ]

    panel = health(today=TODAY, started=START, milestones=milestones, meetings=meetings)

    assert (
        panel.milestones_reached,
        panel.milestones_total,
        panel.overdue_milestones,
        panel.meetings_held,  # the meeting of July is not held yet
    ) == (1, 3, ("b",), 2)


def test_members_below_their_commitment_last_month():
    assert previous_month(TODAY) == d(5, 1)
    members = [
        MemberFact("under", 8, Decimal("7.5"), since=START),
        MemberFact("exact", 8, 8, since=START),
        MemberFact("silent", 4, None, since=START),  # nothing declared: 0 h
        MemberFact("no-commitment", None, None, since=START),
        MemberFact("joined-this-month", 8, None, since=d(6, 3)),
    ]

    assert health(today=TODAY, started=START, members=members).below_commitment == (
        "under",
        "silent",
    )


def test_the_last_progress_is_the_latest_task_milestone_or_meeting_with_progress():
    panel = health(
        today=TODAY,
        started=START,
        tasks=[TaskFact(1, None, done=True, done_at=d(5, 2))],
        milestones=[MilestoneFact(2, d(5, 1), reached_at=d(5, 20))],
        meetings=[MeetingFact(d(6, 1), True), MeetingFact(d(6, 10), False)],
    )

    assert (panel.last_progress, panel.days_since_progress) == (d(6, 1), 17)


def test_three_meetings_without_progress_raise_the_prompt():
    meetings = [
        MeetingFact(d(3, 1), True),
        MeetingFact(d(4, 1), False),
        MeetingFact(d(5, 1), False),
    ]
    two = health(today=TODAY, started=START, meetings=meetings)
    three = health(today=TODAY, started=START, meetings=[*meetings, MeetingFact(d(6, 1), False)])

    assert (two.meetings_without_progress, two.stalled) == (2, False)
    assert (three.meetings_without_progress, three.stalled) == (STALL_MEETINGS, True)


def test_a_task_done_resets_the_count_of_meetings_without_progress():
    meetings = [MeetingFact(d(m, 1), False) for m in (2, 3, 4, 5, 6)]
    # A task done on the day of the May meeting: that meeting did not go without progress.
    task = TaskFact(1, None, done=True, done_at=d(5, 1))

    panel = health(today=TODAY, started=START, meetings=meetings, tasks=[task])

    assert (panel.meetings_without_progress, panel.stalled) == (1, False)


def test_meetings_before_any_progress_count_from_the_start():
    meetings = [MeetingFact(d(m, 1), False) for m in (2, 3, 4)]

    panel = health(today=TODAY, started=START, meetings=meetings)

    assert (panel.last_progress, panel.meetings_without_progress, panel.stalled) == (
        None,
        3,
        True,
    )
