"""The demo's events over the cooperative's whole history, with their registrations, waiting
lists, attendance and feedback, and the peer trainings (*formations mutuelles*) of the last
years with their sessions.

The shape follows the source study:
- the *mensuelle* (every month but August) draws a faithful few: a core of regulars (about
  `CORE_SHARE` of the present members, between `CORE_MIN` and `CORE_MAX`, each coming four
  times out of five and replaced when they leave), plus a handful of occasional visitors, more
  often newcomers discovering the cooperative;
- the autumn university (October) and the general assembly (June, above all the associates)
  draw many more;
- workshops and *TP commerciaux*, run by advisors, fill their seats with newcomers, the
  popular ones with a waiting list; thematic forums, organised by an associate with a sponsor,
  draw a few dozen;
- attendance is taken after each event, except for the last few days' (the organiser has not
  done it yet); some attendees leave feedback, mostly good.
Events already announced for the next `HORIZON_DAYS` days have registrations and no attendance.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from essaim.demo import collective_catalog as words
from essaim.demo.collective_people import (
    DAY,
    Cooperative,
    Someone,
    at,
    day_between,
    month_starts,
    sample,
    weekday_of_month,
)
from essaim.events.models import (
    Attendance,
    Event,
    EventKind,
    Feedback,
    PeerInterest,
    PeerTraining,
    PeerTrainingStatus,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)

if TYPE_CHECKING:
    from essaim.core.models import User
    from essaim.demo.generator import DemoContext

BATCH = 1000
HORIZON_DAYS = 60
NOT_TAKEN_DAYS = 3  # attendance of the events of the last days is not taken yet
CORE_SHARE = 0.012
CORE_MIN, CORE_MAX = 3, 14
CORE_COMES = 0.8
CORE_EXCUSED = 0.1
SEASONED_DAYS = 180  # one becomes a regular after some months in the cooperative
VISITOR_SHARE = 0.005
NEWCOMER_DAYS = 365
AUTUMN_SHARE = 0.12
ASSEMBLY_ASSOCIATES = 0.45
ASSEMBLY_OTHERS = 0.04
FEEDBACK_YEARS = 2
FEEDBACK_SHARE = 0.25
RATINGS = ((5, 45), (4, 35), (3, 15), (2, 4), (1, 1))
PEER_YEARS = 3
PEER_PER_MEMBER = 1 / 120

Mark = tuple[str, str]  # (registration status, attendance)


@dataclass
class Sheet:
    """An event to write and who registered to it: member → (status, attendance)."""

    event: Event
    day: dt.date
    marks: dict[Someone, Mark] = field(default_factory=dict)
    pending: bool = False  # past, but its organiser has not taken the attendance yet


class Calendar:
    def __init__(self, ctx: DemoContext, rng: random.Random, coop: Cooperative) -> None:
        assert ctx.staff is not None and ctx.population is not None
        self.rng = rng
        self.coop = coop
        self.today = ctx.today
        self.staff: User = ctx.staff
        self.advisors = [
            (plan.hired, user)
            for plan, user in zip(ctx.population.advisors, ctx.advisors, strict=True)
        ]
        self.last = ctx.today + dt.timedelta(days=HORIZON_DAYS)
        self.sheets: list[Sheet] = []
        self.core: list[Someone] = []

    # ------------------------------------------------------------ events

    def add(
        self,
        kind: str,
        title: str,
        day: dt.date,
        *,
        hours: tuple[tuple[int, int], tuple[int, int]] = ((18, 30), (20, 30)),
        description: str = "",
        place: str = words.HOME,
        online_url: str = "",
        capacity: int | None = None,
        organiser: User | None = None,
        organiser_id: int | None = None,
        sponsor_id: int | None = None,
        days: int = 0,
    ) -> Sheet:
        if day == self.today:  # nothing on the reference day itself: past or to come
            day += DAY
        (h1, m1), (h2, m2) = hours
        event = Event(
            kind=kind,
            title=title,
            description=description,
            start=at(day, h1, m1),
            end=at(day + dt.timedelta(days=days), h2, m2),
            place=place,
            online_url=online_url,
            capacity=capacity,
            registration_mode=RegistrationMode.OPEN,
            organiser_id=organiser_id if organiser_id is not None else (organiser or self.staff).pk,
            sponsor_id=sponsor_id,
            created_at=at(day - dt.timedelta(days=self.rng.randint(20, 50)), 10),
        )
        sheet = Sheet(event, day)
        if day <= self.last:  # beyond, not announced yet: drawn (same draws) but not kept
            self.sheets.append(sheet)
        return sheet

    def mark(self, sheet: Sheet, people: list[Someone], *, comes: float, excused: float) -> None:
        """Register `people`; once the event is past, note whether each came. Beyond the
        capacity, people wait."""
        past = sheet.day < self.today
        for person in people:
            if person in sheet.marks or not person.present(sheet.day):
                continue
            taken = sum(1 for s, _a in sheet.marks.values() if s == RegistrationStatus.REGISTERED)
            capacity = sheet.event.capacity
            if capacity is not None and taken >= capacity:
                sheet.marks[person] = (RegistrationStatus.WAITING, "")
                continue
            attendance = ""
            if past:
                roll = self.rng.random()
                attendance = (
                    Attendance.PRESENT
                    if roll < comes
                    else Attendance.EXCUSED
                    if roll < comes + excused
                    else Attendance.ABSENT
                )
            sheet.marks[person] = (RegistrationStatus.REGISTERED, attendance)

    def build(self) -> list[Sheet]:
        first = self.coop.first_day()
        if first is None:
            return []
        for month in month_starts(first, self.last):
            self._month(month)
        # An event of the past nobody registered to (the first months) did not take place.
        self.sheets = [s for s in self.sheets if s.marks or s.day > self.today]
        return self.sheets

    def _month(self, month: dt.date) -> None:
        rng = self.rng
        present = len(self.coop.at(month))
        if month.month != 8 and present:
            self._monthly(weekday_of_month(month, 1, 2))  # second Tuesday
        if month.month == 6 and present >= 10:
            self._assembly(weekday_of_month(month, 5, 3))  # third Saturday
        if month.month == 10 and present >= 10:
            self._autumn_university(weekday_of_month(month, 4, 1))  # first Friday
        if month.month not in (7, 8) and present >= 10:
            for _ in range(1 if present < 150 else 2):
                self._workshop(day_between(rng, month, month + dt.timedelta(days=25)))
        if month.month % 2 and month.month != 7 and present >= 40:
            self._sales_practice(day_between(rng, month, month + dt.timedelta(days=25)))
        if month.month in (3, 11) and present >= 80:
            self._forum(weekday_of_month(month, 3, 3))  # third Thursday

    def _monthly(self, day: dt.date) -> None:
        rng = self.rng
        present = self.coop.at(day)
        sheet = self.add(
            EventKind.MONTHLY,
            f"Mensuelle de {words.MONTHS[day.month - 1]} {day.year}",
            day,
            description=words.MONTHLY_DESCRIPTION,
        )
        target = min(max(round(CORE_SHARE * len(present)), CORE_MIN), CORE_MAX)
        self.core = [p for p in self.core if p.present(day)]
        regulars = set(self.core)
        seasoned = [
            p for p in present if (day - p.entry).days >= SEASONED_DAYS and p not in regulars
        ]
        for person in sample(rng, seasoned, target - len(self.core)):
            self.core.append(person)
        coming = []
        for person in self.core:
            roll = rng.random()
            if roll < CORE_COMES:
                coming.append((person, Attendance.PRESENT))
            elif roll < CORE_COMES + CORE_EXCUSED:
                coming.append((person, Attendance.EXCUSED))
        expected = max(1.0, VISITOR_SHARE * len(present))
        count = rng.randint(max(0, round(expected / 2)), round(expected * 1.5))
        regulars.update(self.core)
        others = [p for p in present if p not in regulars]
        newcomers = [p for p in others if (day - p.entry).days < NEWCOMER_DAYS]
        visitors = sample(rng, newcomers, (count + 1) // 2)
        chosen = set(visitors)
        visitors += sample(rng, [p for p in others if p not in chosen], count - len(visitors))
        coming += [
            (p, Attendance.PRESENT if rng.random() < 0.85 else Attendance.ABSENT) for p in visitors
        ]
        past = day < self.today
        for person, attendance in coming:
            if past:
                sheet.marks[person] = (RegistrationStatus.REGISTERED, attendance)
            elif attendance == Attendance.PRESENT:  # those who will come registered already
                sheet.marks[person] = (RegistrationStatus.REGISTERED, "")

    def _assembly(self, day: dt.date) -> None:
        rng = self.rng
        sheet = self.add(
            EventKind.GENERAL_ASSEMBLY,
            f"Assemblée générale {day.year}",
            day,
            hours=((9, 30), (12, 30)),
            description=words.ASSEMBLY_DESCRIPTION,
            place=words.BIG_PLACES[1],
        )
        people = [
            p
            for p in self.coop.at(day)
            if p in self.core
            or rng.random() < (ASSEMBLY_ASSOCIATES if p.is_associate(day) else ASSEMBLY_OTHERS)
        ]
        self.mark(sheet, people, comes=0.88, excused=0.08)

    def _autumn_university(self, day: dt.date) -> None:
        rng = self.rng
        theme = words.AUTUMN_THEMES[day.year % len(words.AUTUMN_THEMES)]
        sheet = self.add(
            EventKind.AUTUMN_UNIVERSITY,
            f"Université d'automne {day.year} : {theme}",
            day,
            hours=((9, 0), (17, 0)),
            days=1,
            description=words.AUTUMN_DESCRIPTION.format(theme=theme),
            place=words.BIG_PLACES[0],
        )
        people = [p for p in self.coop.at(day) if p in self.core or rng.random() < AUTUMN_SHARE]
        self.mark(sheet, people, comes=0.9, excused=0.06)

    def _advisor(self, day: dt.date) -> User:
        hired = [user for since, user in self.advisors if since <= day]
        return self.rng.choice(hired) if hired else self.staff

    def _newcomers(self, day: dt.date, count: int) -> list[Someone]:
        present = self.coop.at(day)
        newcomers = [p for p in present if (day - p.entry).days < NEWCOMER_DAYS]
        chosen = sample(self.rng, newcomers, count)
        if len(chosen) < count:
            taken = set(chosen)
            chosen += sample(self.rng, [p for p in present if p not in taken], count - len(chosen))
        return chosen

    def _workshop(self, day: dt.date) -> None:
        title, description = self.rng.choice(words.WORKSHOPS)
        sheet = self.add(
            EventKind.WORKSHOP,
            f"Atelier : {title}",
            day,
            hours=((9, 30), (12, 30)),
            description=description,
            place=self.rng.choice(words.PLACES),
            capacity=12,
            organiser=self._advisor(day),
        )
        self.mark(sheet, self._newcomers(day, self.rng.randint(5, 15)), comes=0.8, excused=0.08)

    def _sales_practice(self, day: dt.date) -> None:
        theme = self.rng.choice(words.SALES_PRACTICES)
        sheet = self.add(
            EventKind.SALES_PRACTICE,
            f"TP commercial : {theme}",
            day,
            hours=((14, 0), (17, 0)),
            description=words.SALES_DESCRIPTION,
            capacity=10,
            organiser=self._advisor(day),
        )
        self.mark(sheet, self._newcomers(day, self.rng.randint(4, 11)), comes=0.85, excused=0.05)

    def _forum(self, day: dt.date) -> None:
        rng = self.rng
        present = self.coop.at(day)
        hosts = [p for p in present if p.is_associate(day) and p.user_id] or [
            p for p in present if p.user_id
        ]
        if len(hosts) < 2:
            return
        host, sponsor = sample(rng, hosts, 2)
        theme, detail = rng.choice(words.FORUMS)
        online = rng.random() < 0.3
        sheet = self.add(
            EventKind.FORUM,
            f"Forum : {theme}",
            day,
            hours=((18, 30), (21, 0)),
            description=words.FORUM_DESCRIPTION.format(detail=detail),
            place="" if online else rng.choice(words.PLACES),
            online_url=words.ONLINE.format(slug=f"forum-{day:%Y-%m}") if online else "",
            capacity=40,
            organiser_id=host.user_id,
            sponsor_id=sponsor.user_id if rng.random() < 0.6 else self.staff.pk,
        )
        people = [host, *sample(rng, present, rng.randint(8, 30))]
        self.mark(sheet, people, comes=0.8, excused=0.08)


# ---------------------------------------------------------------- peer trainings


@dataclass
class PlannedTraining:
    training: PeerTraining
    nodes: list[int]
    interests: list[tuple[Someone, dt.date]]
    session: Sheet | None = None


def plan_peer_trainings(
    rng: random.Random,
    calendar: Calendar,
    skills: dict[int, list[tuple[int, str, int]]],
) -> list[PlannedTraining]:
    """Peer trainings of the last `PEER_YEARS` years: offered by members present then and
    now (their skills are today's profile) on skills they hold at level 2 or more; those who
    gathered enough interest had a session (past or to come)."""
    coop, today = calendar.coop, calendar.today
    per_year = max(2, round(PEER_PER_MEMBER * len(coop.now())))
    planned: list[PlannedTraining] = []
    for years_ago in range(PEER_YEARS, 0, -1):
        start = today - dt.timedelta(days=365 * years_ago)
        for _ in range(per_year):
            created = day_between(rng, start, min(start + dt.timedelta(days=364), today - DAY))
            offerers = [
                p
                for p in coop.at(created)
                if p.exit is None
                and (created - p.entry).days >= SEASONED_DAYS
                and any(level >= 2 for _n, _l, level in skills.get(p.pk, ()))
            ]
            if not offerers:
                continue
            offerer = rng.choice(offerers)
            held = [(node, label) for node, label, level in skills[offerer.pk] if level >= 2]
            nodes = sample(rng, held, rng.choice([1, 1, 2]))
            training = PeerTraining(
                offerer=offerer.member,
                title=rng.choice(words.PEER_TITLES).format(label=nodes[0][1]),
                description=words.PEER_DESCRIPTION,
                min_interested=rng.choice([3, 4, 4, 5]),
                status=PeerTrainingStatus.OPEN,
                created_at=at(created, rng.randint(8, 20)),
            )
            plan = PlannedTraining(training, [n for n, _label in nodes], [])
            candidates = [p for p in coop.at(created) if p is not offerer]
            for person in sample(rng, candidates, rng.randint(1, 9)):
                day = min(created + dt.timedelta(days=rng.randint(1, 30)), today)
                if person.present(day):
                    plan.interests.append((person, day))
            _schedule(rng, calendar, plan, offerer, created)
            planned.append(plan)
    return planned


def _schedule(
    rng: random.Random,
    calendar: Calendar,
    plan: PlannedTraining,
    offerer: Someone,
    created: dt.date,
) -> None:
    today = calendar.today
    training = plan.training
    if len(plan.interests) < training.min_interested:
        if created < today - dt.timedelta(days=180):
            training.status = PeerTrainingStatus.CLOSED
        return
    day = created + dt.timedelta(days=rng.randint(35, 75))
    last_interest = max(d for _p, d in plan.interests)
    day = max(day, last_interest + dt.timedelta(days=7))
    if not offerer.present(day) or day > today + dt.timedelta(days=HORIZON_DAYS):
        return
    sheet = calendar.add(
        EventKind.PEER_TRAINING,
        training.title,
        day,
        hours=((14, 0), (16, 0)),
        description=training.description,
        capacity=12,
        organiser_id=offerer.user_id,
    )
    sheet.event.peer_training = training
    plan.session = sheet
    calendar.mark(sheet, [p for p, _d in plan.interests], comes=0.85, excused=0.1)
    if day < today - dt.timedelta(days=90):
        training.status = PeerTrainingStatus.CLOSED


# ---------------------------------------------------------------- writing


def write_events(
    rng: random.Random, sheets: list[Sheet], trainings: list[PlannedTraining], today: dt.date
) -> dict[str, int]:
    """The rows, in bulk: trainings, events, registrations, feedback, interests."""
    PeerTraining.objects.bulk_create([p.training for p in trainings], batch_size=BATCH)
    through = PeerTraining.nodes.through
    through.objects.bulk_create(
        [through(peertraining_id=p.training.pk, node_id=n) for p in trainings for n in p.nodes],
        batch_size=BATCH,
    )
    for sheet in sheets:
        past = sheet.day < today
        taken = past and not sheet.pending and (today - sheet.day).days > NOT_TAKEN_DAYS
        if taken and any(a for _s, a in sheet.marks.values()):
            sheet.event.attendance_taken_at = sheet.event.end + dt.timedelta(hours=1)
        elif past:  # not taken yet: nobody is marked
            sheet.marks = {p: (s, "") for p, (s, _a) in sheet.marks.items()}
    Event.objects.bulk_create([s.event for s in sheets], batch_size=BATCH)
    registrations, feedback = _registrations(rng, sheets, today)
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    Feedback.objects.bulk_create(feedback, batch_size=BATCH)
    interests = [
        PeerInterest(
            training=plan.training,
            member=person.member,
            session=plan.session.event if plan.session and person in plan.session.marks else None,
            created_at=at(day, rng.randint(8, 21)),
        )
        for plan in trainings
        for person, day in plan.interests
    ]
    PeerInterest.objects.bulk_create(interests, batch_size=BATCH)
    kinds = Counter(s.event.kind for s in sheets)
    return {
        "events": len(sheets),
        "monthly_meetings": kinds[EventKind.MONTHLY],
        "registrations": len(registrations),
        "event_feedback": len(feedback),
        "peer_trainings": len(trainings),
    }


def _registrations(
    rng: random.Random, sheets: list[Sheet], today: dt.date
) -> tuple[list[Registration], list[Feedback]]:
    """Each sheet's registrations (waiting ranks in order of arrival), registered a few days
    before the event; and the feedback some attendees gave afterwards."""
    registrations = []
    feedback = []
    for sheet in sheets:
        waiting = 0
        for person, (status, attendance) in sheet.marks.items():
            position = None
            if status == RegistrationStatus.WAITING:
                waiting += 1
                position = waiting
            created = max(sheet.day - dt.timedelta(days=rng.randint(1, 21)), person.entry)
            moment = min(at(created, rng.randint(8, 21)), sheet.event.start)
            registrations.append(
                Registration(
                    event=sheet.event,
                    member=person.member,
                    status=status,
                    position=position,
                    attendance=attendance,
                    created_at=moment,
                    updated_at=moment,
                )
            )
            if _gives_feedback(rng, sheet, attendance, today):
                feedback.append(_feedback(rng, sheet, person, today))
    return registrations, feedback


def _gives_feedback(rng: random.Random, sheet: Sheet, attendance: str, today: dt.date) -> bool:
    if attendance != Attendance.PRESENT or sheet.day < today - dt.timedelta(
        days=365 * FEEDBACK_YEARS
    ):
        return False
    share = 2 * FEEDBACK_SHARE if sheet.event.kind == EventKind.PEER_TRAINING else FEEDBACK_SHARE
    return rng.random() < share


def _feedback(rng: random.Random, sheet: Sheet, person: Someone, today: dt.date) -> Feedback:
    rating = rng.choices([r for r, _w in RATINGS], [w for _r, w in RATINGS])[0]
    day = min(sheet.event.end.date() + dt.timedelta(days=rng.randint(0, 5)), today)
    moment = max(at(day, rng.randint(9, 22)), sheet.event.end)
    return Feedback(
        event=sheet.event,
        member=person.member,
        rating=rating,
        comment=rng.choice(words.FEEDBACK_COMMENTS)
        if rating >= 3
        else "Pas assez concret pour moi.",
        created_at=moment,
    )
