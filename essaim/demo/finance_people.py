"""Who invoices in the demo's books: the members under contract during the window, with their
contract periods (CAPE, CESA, associate) and salaried periods (CESA, associate) cut by their
exit and by today, their sector's trade and level of activity, and whether their turnover
dropped lately. Read from the generator's plans (the paths as of the reference day)."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from essaim.core.dates import add_months
from essaim.demo.finance_catalog import DEFAULT_SECTOR, SECTORS, SectorTrade
from essaim.members import path
from essaim.members.models import Activity

if TYPE_CHECKING:
    from essaim.demo.generator import DemoContext

CONTRACT = (path.CAPE, path.CESA, path.ASSOCIATE)
SALARIED = (path.CESA, path.ASSOCIATE)
DROP_SHARE = 0.06  # present members whose turnover dropped lately


@dataclass
class Person:
    key: int
    member: Any
    activity_id: int
    activity_name: str
    trade: SectorTrade
    entry: dt.date
    contract: list[tuple[dt.date, dt.date]]  # within the window, in order
    salaried: list[tuple[dt.date, dt.date]]
    present: bool
    level: float
    drop_from: dt.date | None = None
    demo: bool = False
    customers: list[dict[str, Any]] = field(default_factory=list)

    def days_in(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
        return [(max(a, first), min(b, last)) for a, b in self.contract if a <= last and b >= first]

    def in_contract(self, day: dt.date) -> bool:
        return any(a <= day <= b for a, b in self.contract)

    def interval_start(self, day: dt.date) -> dt.date:
        return next(a for a, b in self.contract if a <= day <= b)


def _periods(
    stages: list[path.Stage], kinds: tuple[str, ...], exit: dt.date | None, window: tuple
) -> list[tuple[dt.date, dt.date]]:
    start, today = window
    found = []
    for stage in stages:
        if stage.kind not in kinds:
            continue
        end = stage.end or today
        if exit is not None:
            end = min(end, exit)
        first, last = max(stage.start, start), min(end, today)
        if first <= last:
            found.append((first, last))
    found.sort()
    merged: list[tuple[dt.date, dt.date]] = []
    for a, b in found:
        if merged and a <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def read_people(ctx: DemoContext, rng: random.Random, start: dt.date) -> list[Person]:
    from essaim.demo.generator import ENTREPRENEUR_EMAIL

    activities = {
        member_id: (pk, name, sector)
        for member_id, pk, name, sector in Activity.objects.values_list(
            "member_id", "pk", "name", "sector__code"
        )
    }
    login = ctx.logins.get(ENTREPRENEUR_EMAIL)
    people = []
    for plan, member in zip(ctx.plans, ctx.members, strict=True):
        if member.pk not in activities or not plan.capes:
            continue
        exit = plan.exit_at(ctx.today)
        stages = plan.stages_at(ctx.today)
        window = (start, ctx.today)
        contract = _periods(stages, CONTRACT, exit.date if exit else None, window)
        if not contract:
            continue
        activity_id, name, sector = activities[member.pk]
        trade = SECTORS.get(sector or "", SECTORS[DEFAULT_SECTOR])
        person = Person(
            key=plan.key,
            member=member,
            activity_id=activity_id,
            activity_name=name,
            trade=trade,
            entry=plan.entry,
            contract=contract,
            salaried=_periods(stages, SALARIED, exit.date if exit else None, window),
            present=exit is None and contract[-1][1] == ctx.today,
            level=trade.level * math.exp(rng.gauss(0, 0.45)),
            demo=login is not None and member.user_id == login.pk,
        )
        if person.present and not person.demo and rng.random() < DROP_SHARE:
            person.drop_from = add_months(ctx.today.replace(day=1), -rng.randint(3, 5))
        people.append(person)
    return people
