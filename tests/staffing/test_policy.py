"""The priority policy and the numbers of a candidate, from plain facts (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from essaim.staffing.policy import (
    CAPE_FIRST,
    DEFAULT_POLICY,
    LOW_ACTIVITY,
    MemberFacts,
    PolicyValues,
    available_hours,
    hourly_cost,
    overlap_days,
    priority,
)

TODAY = dt.date(2026, 3, 15)
POLICY = PolicyValues(low_activity_bonus=Decimal("1.5"), cape_first_bonus=Decimal("2"))


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (MemberFacts(), (Decimal("1.5"), (LOW_ACTIVITY,))),
        (MemberFacts(in_cape=True), (Decimal("3.5"), (LOW_ACTIVITY, CAPE_FIRST))),
        (
            MemberFacts(in_cape=True, done_deals=1, last_done_deal=dt.date(2025, 3, 15)),
            (Decimal(0), ()),
        ),
        (
            MemberFacts(in_cape=True, done_deals=1, last_done_deal=dt.date(2025, 3, 14)),
            (Decimal("1.5"), (LOW_ACTIVITY,)),
        ),
        (MemberFacts(done_deals=4, last_done_deal=dt.date(2026, 1, 2)), (Decimal(0), ())),
    ],
)
def test_priority_adds_the_bonuses_the_member_is_due(facts, expected):
    found = priority(facts, POLICY, today=TODAY)

    assert (found.value, found.reasons) == expected


def test_a_bonus_of_zero_gives_no_reason():
    none = PolicyValues(low_activity_bonus=Decimal(0), cape_first_bonus=Decimal(0))

    found = priority(MemberFacts(in_cape=True), none, today=TODAY)

    assert (found.value, found.reasons) == (Decimal(0), ())


def test_the_low_activity_window_is_the_policys_number_of_months():
    six = PolicyValues(low_activity_months=6)
    facts = MemberFacts(done_deals=1, last_done_deal=dt.date(2025, 9, 1))

    assert priority(facts, six, today=TODAY).reasons == (LOW_ACTIVITY,)
    assert priority(facts, DEFAULT_POLICY, today=TODAY).reasons == ()


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ((None, None), 28),
        ((dt.date(2026, 4, 15), None), 13),
        ((None, dt.date(2026, 4, 2)), 3),
        ((dt.date(2026, 5, 1), None), 0),
        ((dt.date(2026, 3, 1), dt.date(2026, 6, 1)), 28),
    ],
)
def test_overlap_days_counts_the_days_within_the_availability(window, expected):
    assert overlap_days(dt.date(2026, 3, 31), dt.date(2026, 4, 27), *window) == expected


def test_available_hours_are_days_per_week_times_seven_per_week_minus_commitments():
    start, end = dt.date(2026, 3, 30), dt.date(2026, 4, 26)  # four weeks

    def hours(days: object, **kw: object) -> Decimal:
        return available_hours(days_per_week=days, start=start, end=end, **kw)

    assert hours(Decimal("3")) == 84
    assert hours(Decimal("2.5"), committed=Decimal("20")) == 50
    assert hours(Decimal("1"), committed=Decimal("100")) == 0
    assert hours(None) == 0
    # one week and a day of 3 days a week: 3 × 7 × 8/7 = 24 h
    assert available_hours(
        days_per_week=Decimal("3"), start=start, end=start + dt.timedelta(days=7)
    ) == Decimal(24)
    # rounded down to the half hour: 0.7 × 7 × 3/7 = 2.1 h → 2 h
    assert available_hours(
        days_per_week=Decimal("0.7"), start=start, end=start + dt.timedelta(days=2)
    ) == Decimal("2")


def test_hourly_cost_prefers_an_hourly_price_then_a_day_price_then_the_default():
    default = Decimal("40")

    def cost(hours: list[str], days: list[str]) -> tuple[Decimal, str]:
        found = hourly_cost(
            hour_prices=[Decimal(h) for h in hours],
            day_prices=[Decimal(d) for d in days],
            default=default,
        )
        return found.amount, found.source

    assert cost(["60", "45"], ["1"]) == (Decimal("45"), "hour")
    assert cost([], ["350", "300"]) == (Decimal("42.86"), "day")
    assert cost([], []) == (default, "default")
