"""Who is in the demo cooperative when, as the collective life's builders need it.

Only present members take part in anything: a member is present from their first contract day
(the first CAPE) to the day before their exit. Prospects (an information meeting, nothing
signed) never take part.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.utils import timezone

from essaim.members.models import Member

if TYPE_CHECKING:
    from essaim.demo.generator import DemoContext

DAY = dt.timedelta(days=1)
T = TypeVar("T")


@dataclass(eq=False)
class Someone:
    """A member of the demo with the dates that bound their taking part."""

    key: int  # the person key of the population
    member: Member
    entry: dt.date
    exit: dt.date | None  # the exit day: no longer present that day
    sector: str
    associate: dt.date | None  # became an associate that day (None: never, by today)

    def present(self, day: dt.date) -> bool:
        return self.entry <= day and (self.exit is None or day < self.exit)

    def present_from(self, first: dt.date, last: dt.date) -> bool:
        """Present every day from `first` to `last`."""
        return self.entry <= first and (self.exit is None or last < self.exit)

    def last_day(self, today: dt.date) -> dt.date:
        """The last day they are present (today when they are still there)."""
        return today if self.exit is None else min(self.exit - DAY, today)

    def is_associate(self, day: dt.date) -> bool:
        return self.associate is not None and self.associate <= day

    @property
    def pk(self) -> int:
        return self.member.pk

    @property
    def user_id(self) -> int | None:
        return self.member.user_id


class Cooperative:
    """Everyone who was ever present, and who was present on a given day."""

    def __init__(self, people: list[Someone], today: dt.date) -> None:
        self.people = sorted(people, key=lambda p: (p.entry, p.key))
        self.today = today
        self._entries = [p.entry for p in self.people]
        self._at: dict[dt.date, list[Someone]] = {}
        self.by_pk = {p.pk: p for p in self.people}

    @classmethod
    def of(cls, ctx: DemoContext) -> Cooperative:
        people = []
        for plan, member, who in zip(ctx.plans, ctx.members, ctx.identities, strict=True):
            if not plan.capes or plan.entry > ctx.today:
                continue
            exit = plan.exit_at(ctx.today)
            associate = plan.associate if plan.associate and plan.associate <= ctx.today else None
            people.append(
                Someone(
                    key=plan.key,
                    member=member,
                    entry=plan.entry,
                    exit=exit.date if exit else None,
                    sector=who.trade.sector,
                    associate=associate,
                )
            )
        return cls(people, ctx.today)

    def at(self, day: dt.date) -> list[Someone]:
        """Present on `day`, by entry day (the list is shared: do not change it)."""
        found = self._at.get(day)
        if found is None:
            arrived = self.people[: bisect_right(self._entries, day)]
            found = self._at[day] = [p for p in arrived if p.exit is None or day < p.exit]
        return found

    def now(self) -> list[Someone]:
        return self.at(self.today)

    def first_day(self) -> dt.date | None:
        return self.people[0].entry if self.people else None


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """That day at that time, in the cooperative's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def sample(rng: random.Random, items: Sequence[T], count: int) -> list[T]:
    """Up to `count` distinct items."""
    return rng.sample(list(items), min(max(count, 0), len(items)))


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    month = first.replace(day=1)
    found = []
    while month <= last:
        found.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found


def weekday_of_month(month: dt.date, weekday: int, nth: int) -> dt.date:
    """The `nth` (1-based) given weekday (0 = Monday) of the month of `month`."""
    first = month.replace(day=1)
    shift = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=shift + 7 * (nth - 1))
