"""The demo cooperative's history as plain data: who entered when, which path, which advisor.

A month-by-month simulation from the founding (2003) to the reference day. Each month, members
whose exit falls in it leave, advisors are hired as the cooperative grows (taking over part of
their colleagues' entrepreneurs), a few entrepreneurs change advisor, and new members enter so
that the number of active members follows the growth curve of the source study (about 400 in
2010, about 850 today), scaled to the requested size. Every entrant gets a whole life plan at
entry (CAPE periods, CESA, associate, exit); the reference day cuts it into what has happened.

Calibration (shared/docs/mission.md, Coopilote figures): about 70 entries and 70 exits a year
per 320 members, an average path of 24 months for leavers, of whom 25% create a company and 35%
had become associates; an advisor follows 50 to 100 entrepreneurs.

No Django and no database here: `essaim.demo.generator` turns a `Population` into rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from essaim.core.dates import add_months, period_end
from essaim.members import path

DAY = dt.timedelta(days=1)
FOUNDED = dt.date(2003, 1, 1)
EARLIEST_TODAY = dt.date(2004, 1, 1)
REFERENCE_ACTIVE = 850
# Active members of the reference cooperative over time; the reference day closes the curve
# at REFERENCE_ACTIVE. 359 entrepreneurs in 2009, about 400 in 2010 (source study).
GROWTH: tuple[tuple[dt.date, float], ...] = (
    (dt.date(2003, 1, 1), 8),
    (dt.date(2004, 1, 1), 60),
    (dt.date(2006, 1, 1), 170),
    (dt.date(2008, 1, 1), 285),
    (dt.date(2009, 12, 31), 370),
    (dt.date(2010, 12, 31), 400),
    (dt.date(2014, 6, 30), 540),
    (dt.date(2018, 12, 31), 680),
    (dt.date(2022, 12, 31), 780),
)
MEMBERS_PER_ADVISOR = 75
# Share of entrants who stay for good (they become associates and have not left by today):
# with the fates below it gives ~70 exits a year per 320 members and a 24-month average path.
STAYER_SHARE = 0.15
LEAVER_FATES: tuple[tuple[str, int], ...] = (("cape", 30), ("cesa", 35), ("associate", 35))
EXIT_REASONS: tuple[tuple[str, int], ...] = (
    ("own_company", 25),
    ("salaried_job", 35),
    ("stopped", 30),
    ("other", 10),
)
# People who came to an information meeting lately and have signed nothing yet.
PROSPECT_SHARE = 0.02
# Each month, this share of active members asks for (or is given) another advisor.
ADVISOR_CHANGE_RATE = 0.002
# Associates who sign up some months after their deadline, and CESA members who leave some
# months after theirs without having become associates: the deadline page shows them overdue.
LATE_ASSOCIATE_SHARE = 0.15
LATE_LEAVER_SHARE = 0.25


@dataclass
class Assignment:
    advisor: int
    start: dt.date
    end: dt.date | None = None


@dataclass
class PersonPlan:
    """One person's whole path as planned at entry; `stages_at(today)` is what has happened."""

    key: int
    fate: str  # "cape", "cesa", "associate" (leavers), "stayer" or "prospect"
    information: dt.date
    capes: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    cesa: dt.date | None = None
    trial_end: dt.date | None = None
    associate: dt.date | None = None
    exit_date: dt.date | None = None
    exit_reason: str = ""
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def entry(self) -> dt.date:
        """First contract day (the information meeting for a prospect)."""
        return self.capes[0][0] if self.capes else self.information

    @property
    def advisor(self) -> int | None:
        return self.assignments[-1].advisor if self.assignments else None

    @property
    def changed_advisor(self) -> bool:
        return len(self.assignments) > 1

    def exit_at(self, today: dt.date) -> path.Exit | None:
        if self.exit_date is None or self.exit_date > today:
            return None
        return path.Exit(self.exit_date, self.exit_reason)

    def stages_at(self, today: dt.date) -> list[path.Stage]:
        """The stages recorded by `today`, in order; contracts still running have no end."""
        exit = self.exit_at(today)
        stages = [path.Stage(path.INFORMATION, self.information)]
        for start, end in self.capes:
            if start <= today:
                # A CAPE period is signed with its end; an exit cuts it short.
                stages.append(path.Stage(path.CAPE, start, min(end, exit.date) if exit else end))
        if self.cesa is not None and self.cesa <= today:
            stages.append(
                path.Stage(path.CESA, self.cesa, exit.date if exit else None, self.trial_end)
            )
        if self.associate is not None and self.associate <= today:
            stages.append(path.Stage(path.ASSOCIATE, self.associate))
        return stages

    def assignments_at(self, today: dt.date) -> list[Assignment]:
        exit = self.exit_at(today)
        found = []
        for a in self.assignments:
            if a.start > today:
                continue
            end = a.end if a.end is not None and a.end <= today else None
            if end is None and exit is not None:
                end = exit.date
            found.append(Assignment(a.advisor, a.start, end))
        return found


@dataclass
class AdvisorPlan:
    index: int
    hired: dt.date
    # Part-timers and full-timers: entrants go to the advisor with the lowest load/capacity.
    capacity: float = 1.0


@dataclass
class Population:
    today: dt.date
    active_target: int
    people: list[PersonPlan]
    advisors: list[AdvisorPlan]

    def check(self) -> list[tuple[int, list[path.PathError]]]:
        """Every person whose path (as of today) breaks a rule: a generator bug if not []."""
        found = []
        for p in self.people:
            errors = path.validate_path(p.stages_at(self.today), p.exit_at(self.today))
            if errors:
                found.append((p.key, errors))
        return found


def growth_target(day: dt.date, *, today: dt.date, active: int) -> int:
    """Active members wanted on `day`: the reference curve scaled to `active` today."""
    if day >= today:
        return active
    anchors = [(d, v) for d, v in GROWTH if d < today] + [(today, float(REFERENCE_ACTIVE))]
    value = anchors[0][1]
    for (d0, v0), (d1, v1) in zip(anchors, anchors[1:], strict=False):
        if d0 <= day <= d1:
            value = v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
            break
    return round(value * active / REFERENCE_ACTIVE)


def months(start: dt.date, today: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """(first day, last day) of each month from `start` to `today`, the last one cut at today."""
    first = start.replace(day=1)
    while first <= today:
        following = add_months(first, 1)
        yield max(first, start), min(following - DAY, today)
        first = following


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _cape_periods(rng: random.Random, start: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive CAPE periods of at most 12 months each (the first and its renewals)."""
    periods = []
    for i in range(count):
        if i == 0:
            months_ = rng.choices([12, 6, 0], [40, 25, 35])[0] or rng.randint(3, 11)
        else:
            months_ = rng.choices([6, 12, 0], [40, 40, 20])[0] or rng.randint(3, 11)
        end = period_end(start, months_)
        periods.append((start, end))
        start = end + DAY
    return periods


def plan_person(rng: random.Random, *, key: int, entry: dt.date) -> PersonPlan:
    """A whole life plan for someone signing their first CAPE on `entry`."""
    fate = "stayer" if rng.random() < STAYER_SHARE else _pick(rng, LEAVER_FATES)
    information = max(entry - dt.timedelta(days=rng.randint(7, 60)), FOUNDED)
    person = PersonPlan(key=key, fate=fate, information=information)
    if fate != "stayer":
        person.exit_reason = _pick(rng, EXIT_REASONS)
    if fate == "cape":
        person.capes = _cape_periods(rng, entry, rng.choices([1, 2, 3], [60, 30, 10])[0])
        start, end = person.capes[-1]
        # Half leave when a period ends without renewing it, half in the middle of one.
        person.exit_date = (
            end if rng.random() < 0.5 else _day_between(rng, add_months(start, 1), end)
        )
        return person
    person.capes = _cape_periods(rng, entry, rng.choices([1, 2, 3], [70, 25, 5])[0])
    person.cesa = person.capes[-1][1] + DAY
    stages = [path.Stage(path.CAPE, s, e) for s, e in person.capes]
    stages.append(path.Stage(path.CESA, person.cesa))
    # The trial period lasts as long as the law allows (8 months minus the CAPE time), if any.
    person.trial_end = path.trial_max_end(stages)
    deadline = path.associate_deadline(stages)
    assert deadline is not None
    if fate == "cesa":
        leave = _day_between(rng, add_months(person.cesa, 2), add_months(person.cesa, 24))
        if leave >= deadline:
            late = rng.random() < LATE_LEAVER_SHARE
            leave = deadline + dt.timedelta(days=rng.randint(1, 150)) if late else deadline - DAY
        person.exit_date = max(leave, person.cesa + DAY)
        return person
    # Associates sign between 6 months into the CESA and their deadline (a few, later).
    earliest = max(min(add_months(person.cesa, 6), deadline), person.cesa)
    if rng.random() < LATE_ASSOCIATE_SHARE:
        person.associate = max(deadline, earliest) + dt.timedelta(days=rng.randint(15, 240))
    else:
        person.associate = _day_between(rng, earliest, max(deadline, earliest))
    if fate == "associate":
        person.exit_date = _day_between(
            rng, add_months(person.associate, 2), add_months(person.associate, 24)
        )
    return person


class _Simulation:
    def __init__(self, rng: random.Random, *, active: int, today: dt.date) -> None:
        self.rng = rng
        self.active = active
        self.today = today
        self.people: list[PersonPlan] = []
        self.current: list[PersonPlan] = []
        self.advisors: list[AdvisorPlan] = []
        self.load: list[int] = []

    def run(self) -> Population:
        for first, last in months(FOUNDED, self.today):
            self._exits(last)
            target = growth_target(last, today=self.today, active=self.active)
            wanted = max(1, round(target / MEMBERS_PER_ADVISOR))
            while len(self.advisors) < wanted:
                self._hire(first, last)
            self._changes(first, last)
            for _ in range(target - len(self.current)):
                self._enter(first, last)
        self._prospects()
        return Population(self.today, self.active, self.people, self.advisors)

    def _exits(self, last: dt.date) -> None:
        staying = []
        for person in self.current:
            if person.exit_date is not None and person.exit_date <= last:
                person.assignments[-1].end = person.exit_date
                self.load[person.assignments[-1].advisor] -= 1
            else:
                staying.append(person)
        self.current = staying

    def _least_loaded(self, *, besides: int | None = None) -> int:
        candidates = [a for a in self.advisors if a.index != besides]
        lowest = min(self.load[a.index] / a.capacity for a in candidates)
        return self.rng.choice(
            [a.index for a in candidates if self.load[a.index] / a.capacity == lowest]
        )

    def _move(self, person: PersonPlan, advisor: int, day: dt.date) -> None:
        person.assignments[-1].end = day
        self.load[person.assignments[-1].advisor] -= 1
        person.assignments.append(Assignment(advisor, day))
        self.load[advisor] += 1

    def _hire(self, first: dt.date, last: dt.date) -> None:
        """A new advisor takes over half an average load from the busiest colleagues."""
        new = len(self.advisors)
        self.advisors.append(AdvisorPlan(new, first, round(self.rng.uniform(0.8, 1.25), 2)))
        self.load.append(0)
        quota = len(self.current) // len(self.advisors) // 2
        for _ in range(quota):
            donor = max(range(new), key=lambda a: (self.load[a], -a))
            candidates = [p for p in self.current if p.advisor == donor and not p.changed_advisor]
            if not candidates:
                break
            self._move(self.rng.choice(candidates), new, _day_between(self.rng, first, last))

    def _changes(self, first: dt.date, last: dt.date) -> None:
        if len(self.advisors) < 2 or not self.current:
            return
        for _ in range(int(len(self.current) * ADVISOR_CHANGE_RATE + self.rng.random())):
            person = self.rng.choice(self.current)
            if not person.changed_advisor:
                advisor = self._least_loaded(besides=person.advisor)
                self._move(person, advisor, _day_between(self.rng, first, last))

    def _enter(self, first: dt.date, last: dt.date) -> None:
        entry = _day_between(self.rng, first, last)
        person = plan_person(self.rng, key=len(self.people), entry=entry)
        advisor = self._least_loaded()
        person.assignments.append(Assignment(advisor, entry))
        self.load[advisor] += 1
        self.people.append(person)
        self.current.append(person)

    def _prospects(self) -> None:
        for _ in range(max(1, round(self.active * PROSPECT_SHARE))):
            day = self.today - dt.timedelta(days=self.rng.randint(0, 40))
            self.people.append(PersonPlan(key=len(self.people), fate="prospect", information=day))


def plan_population(*, rng: random.Random, active: int, today: dt.date) -> Population:
    """The cooperative's whole history up to `today`, with `active` members in it that day."""
    if today < EARLIEST_TODAY:
        raise ValueError(
            f"la coopérative de démonstration est fondée en {FOUNDED.year} : choisissez une "
            f"date de référence à partir du {path.fr(EARLIEST_TODAY)}"
        )
    if active < 1:
        raise ValueError("il faut au moins un membre actif")
    return _Simulation(rng, active=active, today=today).run()
