"""The staff's priority policy, applied to plain facts: no Django here.

A member's priority is the sum of the bonuses the policy gives them:

- low activity: no done deal in the last `low_activity_months` months (12 by default);
- first experience: the member is in CAPE and has never taken part in a done deal.

Also here, the other numbers the solver gets for a member: the hours they can give over the
opportunity's dates, and their hourly cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from essaim.core.dates import add_months

HOURS_PER_DAY = Decimal(7)
DAYS_PER_WEEK = Decimal(7)

LOW_ACTIVITY = "low_activity"
CAPE_FIRST = "cape_first"


@dataclass(frozen=True)
class PolicyValues:
    trust_weight: Decimal = Decimal("100")
    priority_weight: Decimal = Decimal("200")
    default_hourly_cost: Decimal = Decimal("40")
    low_activity_months: int = 12
    low_activity_bonus: Decimal = Decimal("1")
    cape_first_bonus: Decimal = Decimal("1")


DEFAULT_POLICY = PolicyValues()


@dataclass(frozen=True)
class MemberFacts:
    """What the policy looks at for one member."""

    in_cape: bool = False
    done_deals: int = 0
    last_done_deal: dt.date | None = None


@dataclass(frozen=True)
class Priority:
    value: Decimal
    reasons: tuple[str, ...]  # LOW_ACTIVITY, CAPE_FIRST


def priority(facts: MemberFacts, policy: PolicyValues, *, today: dt.date) -> Priority:
    """The member's priority under the policy, with the reasons that make it up."""
    value = Decimal(0)
    reasons: list[str] = []
    since = add_months(today, -policy.low_activity_months)
    if policy.low_activity_bonus and (facts.last_done_deal is None or facts.last_done_deal < since):
        value += policy.low_activity_bonus
        reasons.append(LOW_ACTIVITY)
    if policy.cape_first_bonus and facts.in_cape and facts.done_deals == 0:
        value += policy.cape_first_bonus
        reasons.append(CAPE_FIRST)
    return Priority(value, tuple(reasons))


# ---------------------------------------------------------------- hours


def overlap_days(
    start: dt.date, end: dt.date, available_from: dt.date | None, available_until: dt.date | None
) -> int:
    """Days of [start, end] (both included) within the member's availability window."""
    first = max(start, available_from) if available_from else start
    last = min(end, available_until) if available_until else end
    return max((last - first).days + 1, 0)


def available_hours(
    *,
    days_per_week: Decimal | float | None,
    start: dt.date,
    end: dt.date,
    available_from: dt.date | None = None,
    available_until: dt.date | None = None,
    committed: Decimal = Decimal(0),
) -> Decimal:
    """Days per week × 7 hours × the weeks of the dates the member is available, minus the
    hours already promised to overlapping opportunities; never below 0, to the half hour."""
    if not days_per_week:
        return Decimal(0)
    days = overlap_days(start, end, available_from, available_until)
    hours = Decimal(str(days_per_week)) * HOURS_PER_DAY * Decimal(days) / DAYS_PER_WEEK
    left = max(hours - committed, Decimal(0))
    return (left * 2).to_integral_value(rounding=ROUND_FLOOR) / 2


# ---------------------------------------------------------------- cost

FROM_HOUR = "hour"
FROM_DAY = "day"
FROM_DEFAULT = "default"


@dataclass(frozen=True)
class HourlyCost:
    amount: Decimal
    source: str  # FROM_HOUR, FROM_DAY, FROM_DEFAULT


def hourly_cost(
    *, hour_prices: Iterable[Decimal], day_prices: Iterable[Decimal], default: Decimal
) -> HourlyCost:
    """The member's lowest hourly price, else their lowest day price / 7, else the default."""
    hours = sorted(hour_prices)
    if hours:
        return HourlyCost(hours[0], FROM_HOUR)
    days = sorted(day_prices)
    if days:
        amount = (days[0] / HOURS_PER_DAY).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return HourlyCost(amount, FROM_DAY)
    return HourlyCost(default, FROM_DEFAULT)
