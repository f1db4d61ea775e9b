"""Participation per member and per month, gathered from groups, events and tutoring."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from essaim.collective.selectors import aggregate, month_key, participation

JANUARY = dt.date(2025, 1, 1)
APRIL_END = dt.date(2025, 4, 30)


def test_month_key():
    assert month_key(dt.date(2025, 3, 31)) == "2025-03"
    assert month_key(dt.date(987, 12, 1)) == "0987-12"


def test_participation_of_the_worked_history(history):
    found = participation(start=JANUARY, end=APRIL_END)

    assert found == {
        history.alice.pk: {
            "2025-01": Counter({"group.member": 1}),
            "2025-02": Counter({"group.member": 1}),
            "2025-03": Counter({"event.registered": 1, "event.attended": 1}),
            "2025-04": Counter({"tutoring.case": 1, "tutoring.session": 1}),
        },
        history.bob.pk: {
            "2025-03": Counter(
                {
                    "group.member": 1,
                    "group.meeting": 1,
                    "event.registered": 1,
                    "event.excused": 1,
                }
            ),
            "2025-04": Counter({"group.member": 1}),
        },
        history.carole.pk: {
            "2025-03": Counter({"event.waiting": 1}),
            "2025-04": Counter({"tutoring.volunteer": 1, "tutoring.session": 1}),
        },
    }
    assert list(found) == sorted(found)
    assert list(found[history.alice.pk]) == ["2025-01", "2025-02", "2025-03", "2025-04"]


def test_the_period_cuts_memberships_and_events(history):
    found = participation(start=dt.date(2025, 3, 11), end=dt.date(2025, 3, 31))

    assert found == {
        history.alice.pk: {"2025-03": Counter({"event.registered": 1, "event.attended": 1})},
        history.bob.pk: {
            "2025-03": Counter({"group.member": 1, "event.registered": 1, "event.excused": 1})
        },
        history.carole.pk: {"2025-03": Counter({"event.waiting": 1})},
    }


def test_only_the_members_asked_for(history):
    found = participation(start=JANUARY, end=APRIL_END, member_ids=[history.carole.pk, 999_999])

    assert list(found) == [history.carole.pk]
    assert found[history.carole.pk]["2025-04"] == Counter(
        {"tutoring.volunteer": 1, "tutoring.session": 1}
    )


def test_a_cancelled_event_and_the_brand_group_of_2024_are_not_in_2025(history):
    found = participation(start=JANUARY, end=APRIL_END)

    kinds = {kind for months in found.values() for c in months.values() for kind in c}
    assert "event.registered" in kinds
    assert sum(c["event.registered"] for c in found[history.alice.pk].values()) == 1
    assert history.carole.pk not in participation(start=JANUARY, end=dt.date(2025, 2, 28))


def test_the_brand_group_of_2024_counts_for_its_months(history):
    found = participation(start=dt.date(2024, 11, 1), end=dt.date(2024, 12, 31))

    assert found == {
        history.carole.pk: {
            "2024-11": Counter({"group.member": 1}),
            "2024-12": Counter({"group.member": 1}),
        },
        history.bob.pk: {"2024-11": Counter({"event.registered": 1})},
    }


def test_nothing_happened_outside_the_history(history):
    assert participation(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31)) == {}


def test_an_empty_period_is_refused(db):
    with pytest.raises(ValueError, match="période vide"):
        participation(start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 31))


def test_aggregate_counts_each_occurrence():
    day = dt.date(2025, 5, 4)
    rows = [
        (2, day, "event.attended"),
        (1, day, "event.attended"),
        (2, day.replace(day=20), "event.attended"),
        (2, dt.date(2025, 6, 1), "group.member"),
    ]

    assert aggregate(rows) == {
        1: {"2025-05": Counter({"event.attended": 1})},
        2: {
            "2025-05": Counter({"event.attended": 2}),
            "2025-06": Counter({"group.member": 1}),
        },
    }
    assert aggregate(rows, member_ids=[]) == {}
