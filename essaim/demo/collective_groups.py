"""The demo's groups: trade groups (one per big trade, created over the years, that some of
its members join and leave), project groups of the last years (a charter, phases and
milestones, tasks, decisions, monthly meetings, declared hours; the oldest closed, the newest
still in preparation, one stalled so that its health panel asks its question) and a few brand
groups with their turnover split rule.

Memberships follow the members' paths: one joins after entering the cooperative and leaves at
the latest the day before exiting it; meetings and hours are those of members in the group on
that day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
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
)
from essaim.demo.profiles_catalog import SECTOR_DOMAINS
from essaim.groups.models import (
    Charter,
    Cycle,
    CycleKind,
    Decision,
    Group,
    GroupKind,
    GroupStatus,
    MeetingNote,
    Membership,
    MembershipRole,
    MembershipState,
    Milestone,
    OutsideReviewer,
    Phase,
    Post,
    SplitRule,
    Task,
    TaskStatus,
    Thread,
    TimeEntry,
)

if TYPE_CHECKING:
    from essaim.core.models import User
    from essaim.demo.profiles import Builtin
    from essaim.members.models import Sector

BATCH = 1000
TRADE_GROUPS_PER_MEMBER = 1 / 100
TRADE_GROUPS_MAX = 10
TRADE_JOIN = 0.3
TRADE_LEAVE = 0.15
PROJECTS_PER_MEMBER = 1 / 100
STALL_DAYS = 100


@dataclass
class Rows:
    """Everything the groups' step writes, by model, in the order they are written."""

    groups: list[Group] = field(default_factory=list)
    nodes: list[tuple[Group, int]] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    charters: list[Charter] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    reviewers: list[OutsideReviewer] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    notes: list[tuple[MeetingNote, list[Someone]]] = field(default_factory=list)
    hours: list[TimeEntry] = field(default_factory=list)
    threads: list[tuple[Thread, list[Post]]] = field(default_factory=list)

    def write(self) -> None:
        Group.objects.bulk_create(self.groups, batch_size=BATCH)
        through = Group.nodes.through
        through.objects.bulk_create(
            [through(group_id=g.pk, node_id=n) for g, n in self.nodes], batch_size=BATCH
        )
        # Parents before children: phases before milestones.
        for rows in (
            self.memberships,
            self.cycles,
            self.charters,
            self.phases,
            self.milestones,
            self.reviewers,
            self.tasks,
            self.decisions,
        ):
            if rows:
                type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)
        MeetingNote.objects.bulk_create([n for n, _who in self.notes], batch_size=BATCH)
        attended = MeetingNote.attendees.through
        attended.objects.bulk_create(
            [
                attended(meetingnote_id=note.pk, member_id=person.pk)
                for note, people in self.notes
                for person in people
            ],
            batch_size=BATCH,
        )
        TimeEntry.objects.bulk_create(self.hours, batch_size=BATCH)
        Thread.objects.bulk_create([t for t, _posts in self.threads], batch_size=BATCH)
        Post.objects.bulk_create([p for _t, posts in self.threads for p in posts], batch_size=BATCH)


class GroupMaker:
    def __init__(
        self,
        rng: random.Random,
        coop: Cooperative,
        *,
        staff: User,
        sectors: dict[str, Sector],
        builtin: Builtin,
        demo: Someone | None,
    ) -> None:
        self.rng = rng
        self.coop = coop
        self.today = coop.today
        self.staff = staff
        self.sectors = sectors
        self.builtin = builtin
        self.demo = demo
        self.rows = Rows()

    def build(self) -> Rows:
        self.trade_groups()
        self.project_groups()
        self.brand_groups()
        return self.rows

    # ------------------------------------------------------------ shared

    def _group(self, kind: str, name: str, description: str, created: dt.date, **fields) -> Group:
        values = {
            "is_open": kind == GroupKind.TRADE,
            "status": GroupStatus.ACTIVE,
            "split_rule": SplitRule.EQUAL if kind == GroupKind.BRAND else "",
            "activated_on": created if kind != GroupKind.PROJECT else None,
        }
        group = Group(
            kind=kind,
            name=name,
            description=description,
            created_at=at(created, self.rng.randint(9, 18)),
            **(values | fields),
        )
        self.rows.groups.append(group)
        return group

    def _member(
        self,
        group: Group,
        person: Someone,
        start: dt.date,
        end: dt.date | None,
        role: str = MembershipRole.MEMBER,
        **fields,
    ) -> Membership:
        row = Membership(
            group=group,
            member=person.member,
            role=role,
            state=MembershipState.LEFT if end is not None else MembershipState.ACTIVE,
            start=start,
            end=end,
            created_at=at(start, self.rng.randint(8, 20)),
            decided_at=at(start, 21),
            **fields,
        )
        self.rows.memberships.append(row)
        return row

    def _note(
        self, group: Group, day: dt.date, people: list[Someone], notes: str, progress: str
    ) -> None:
        note = MeetingNote(
            group=group,
            date=day,
            notes=notes,
            progress=progress,
            recorded_by=people[0].member,
            created_at=at(day, 21),
        )
        self.rows.notes.append((note, people))

    def _in_group(self, rows: list[tuple[Someone, dt.date, dt.date | None]], day: dt.date):
        return [p for p, start, end in rows if start <= day and (end is None or day <= end)]

    # ------------------------------------------------------------ trade groups

    def trade_groups(self) -> None:
        rng, today = self.rng, self.today
        first = self.coop.first_day()
        if first is None:
            return
        present = self.coop.now()
        counts: dict[str, int] = {}
        for person in present:
            counts[person.sector] = counts.get(person.sector, 0) + 1
        wanted = min(max(3, round(TRADE_GROUPS_PER_MEMBER * len(present))), TRADE_GROUPS_MAX)
        chosen = [s for s in sorted(counts, key=lambda s: (-counts[s], s)) if counts[s] >= 5]
        span = max((today - dt.timedelta(days=365) - first).days - 365, 0)
        chosen = chosen[:wanted]
        if self.demo is not None and self.demo.sector not in chosen:
            chosen.append(self.demo.sector)  # the demo entrepreneur's trade has its group
        for index, sector in enumerate(chosen):
            offset = 365 + span * index // max(wanted, 1)
            created = min(first + dt.timedelta(days=offset + rng.randint(0, 60)), today - DAY)
            self._trade_group(sector, created)

    def _trade_group(self, sector: str, created: dt.date) -> None:
        rng, today = self.rng, self.today
        label = self.sectors[sector].label if sector in self.sectors else sector
        group = self._group(
            GroupKind.TRADE,
            f"Groupe métier {label}",
            words.TRADE_GROUP_DESCRIPTION.format(label=label),
            created,
            created_by=self.staff,
        )
        for code in SECTOR_DOMAINS.get(sector, ()):
            if code in self.builtin.by_code:
                self.rows.nodes.append((group, self.builtin.by_code[code].pk))
        rows: list[tuple[Someone, dt.date, dt.date | None]] = []
        for person in self.coop.people:
            if person.sector != sector:
                continue
            demo = person is self.demo
            if not demo and rng.random() >= TRADE_JOIN:
                continue
            last = person.last_day(today)
            start = max(created, person.entry) + dt.timedelta(days=rng.randint(0, 240))
            if demo:
                start = max(created, person.entry)
            if start > last:
                continue
            end = None if person.exit is None else last
            if (
                end is None
                and not demo
                and rng.random() < TRADE_LEAVE
                and start < today - dt.timedelta(days=90)
            ):
                end = day_between(rng, start + dt.timedelta(days=60), today - DAY)
            rows.append((person, start, end))
        rows.sort(key=lambda r: (r[1], r[0].key))
        facilitator = next((p for p, _s, end in rows if end is None), None)
        for person, start, end in rows:
            role = MembershipRole.FACILITATOR if person is facilitator else MembershipRole.MEMBER
            self._member(group, person, start, end, role)
        self._plan(group)
        since = max(created, today - dt.timedelta(days=730))
        for day in month_starts(since, today - DAY)[::2]:
            day = day_between(rng, day, day + dt.timedelta(days=20))
            there = self._in_group(rows, day)
            if day >= today or len(there) < 2:
                continue
            people = sample(rng, there, max(2, round(len(there) * rng.uniform(0.2, 0.5))))
            self._note(group, day, people, rng.choice(words.TRADE_NOTES), "")
        self._threads(group, [(p, start) for p, start, end in rows if end is None])

    def _plan(self, group: Group) -> None:
        """This year's plan of cycles."""
        year = self.today.year
        kinds = (
            CycleKind.ACQUAINTANCE,
            CycleKind.TRAINING,
            CycleKind.CASE_STUDY,
            CycleKind.BUSINESS,
            CycleKind.TRAINING,
        )
        for kind, month in zip(kinds, (1, 3, 5, 9, 11), strict=True):
            self.rows.cycles.append(
                Cycle(
                    group=group,
                    kind=kind,
                    title=self.rng.choice(words.CYCLES[kind]),
                    date=dt.date(year, month, self.rng.randint(8, 24)),
                    created_at=at(dt.date(year, 1, 5), 10),
                )
            )

    def _threads(self, group: Group, members: list[tuple[Someone, dt.date]]) -> None:
        """A discussion or two of this year among the current members."""
        rng, today = self.rng, self.today
        if len(members) < 2:
            return
        for title, bodies in sample(rng, words.THREADS, rng.randint(1, 2)):
            day = today - dt.timedelta(days=rng.randint(5, 300))
            authors = [p for p, start in members if start <= day]
            if len(authors) < 2:
                continue
            thread = Thread(group=group, title=title, created_at=at(day, 9))
            posts = []
            for index, body in enumerate(bodies):
                moment = at(min(day + dt.timedelta(days=index), today), 9 + index)
                posts.append(
                    Post(
                        thread=thread,
                        author=rng.choice(authors).member,
                        body=body,
                        created_at=moment,
                    )
                )
            thread.author = posts[0].author
            thread.last_post_at = posts[-1].created_at
            self.rows.threads.append((thread, posts))

    # ------------------------------------------------------------ project groups

    def project_groups(self) -> None:
        rng, today = self.rng, self.today
        count = min(max(3, round(PROJECTS_PER_MEMBER * len(self.coop.now()))), len(words.PROJECTS))
        for index, project in enumerate(words.PROJECTS[:count]):
            newest = index == count - 1
            stalled = index == 1  # led by the demo entrepreneur when they can
            if newest:
                created = today - dt.timedelta(days=rng.randint(5, 40))
            elif index == 0:
                created = today - dt.timedelta(days=rng.randint(700, 1000))
            elif stalled:
                created = today - dt.timedelta(days=rng.randint(240, 400))
                if self.demo is not None:  # so that the demo entrepreneur can lead it
                    latest = today - dt.timedelta(days=STALL_DAYS + 90)
                    created = max(created, min(self.demo.entry + dt.timedelta(days=14), latest))
            else:
                created = today - dt.timedelta(days=rng.randint(120, 1000))
            closed = None
            if not newest and not stalled and created < today - dt.timedelta(days=540):
                closed = created + dt.timedelta(days=rng.randint(300, 480))
            self._project(
                project, created, closed, draft=newest, stalled=stalled, lead_demo=stalled
            )

    def _project(
        self,
        project: words.Project,
        created: dt.date,
        closed: dt.date | None,
        *,
        draft: bool,
        stalled: bool,
        lead_demo: bool,
    ) -> None:
        rng, today = self.rng, self.today
        until = closed or today
        fit = [p for p in self.coop.at(created) if p.present_from(created, until) and p.user_id]
        if len(fit) < 3:
            return
        people = sample(rng, fit, rng.randint(3, 6))
        if lead_demo and self.demo is not None and self.demo.present_from(created, until):
            people = [self.demo, *[p for p in people if p is not self.demo]][:6]
        lead = people[0]
        activated = None if draft else created + dt.timedelta(days=rng.randint(14, 30))
        group = self._group(
            GroupKind.PROJECT,
            project.name,
            project.objective,
            created,
            created_by_id=lead.user_id,
            status=GroupStatus.DRAFT
            if draft
            else (GroupStatus.CLOSED if closed else GroupStatus.ACTIVE),
            activated_on=activated,
            closed_on=closed,
        )
        rows = []
        for index, person in enumerate(people):
            role = (
                MembershipRole.LEAD
                if index == 0
                else MembershipRole.FACILITATOR
                if index == 1
                else MembershipRole.MEMBER
            )
            start = created if index == 0 else created + dt.timedelta(days=rng.randint(0, 10))
            commitment = rng.choice([4, 6, 8, 8, 10, 12, 16])
            self._member(group, person, start, closed, role, commitment_hours_per_month=commitment)
            rows.append((person, start, closed, commitment))
        self.rows.charters.append(
            Charter(
                group=group,
                objective=project.objective,
                target_clients="" if draft else project.target_clients,
                offer="" if draft else project.offer,
                updated_at=at(created + dt.timedelta(days=3), 10),
            )
        )
        if draft or activated is None:
            return
        expert = rng.choice(words.EXPERTS)
        self.rows.reviewers.append(
            OutsideReviewer(
                group=group, name=expert[0], email=expert[1], created_at=at(activated, 9)
            )
        )
        progress_until = today - dt.timedelta(days=STALL_DAYS) if stalled else until
        self._phases(group, activated, progress_until, closed)
        self._work(group, project, rows, activated, until, progress_until)

    def _phases(
        self, group: Group, activated: dt.date, progress_until: dt.date, closed: dt.date | None
    ) -> None:
        rng = self.rng
        step = 0
        for position, (name, milestones) in enumerate(words.PHASES):
            phase = Phase(group=group, name=name, position=position)
            self.rows.phases.append(phase)
            for milestone in milestones:
                step += 1
                due = activated + dt.timedelta(days=45 * step)
                reached = None
                if due <= progress_until and rng.random() < 0.85:
                    reached = min(due + dt.timedelta(days=rng.randint(-10, 15)), progress_until)
                    reached = max(reached, activated)
                if closed is not None and due <= closed:
                    reached = reached or min(due, closed)
                self.rows.milestones.append(
                    Milestone(phase=phase, name=milestone, due_date=due, reached_at=reached)
                )

    def _work(
        self,
        group: Group,
        project: words.Project,
        rows: list[tuple[Someone, dt.date, dt.date | None, int]],
        activated: dt.date,
        until: dt.date,
        progress_until: dt.date,
    ) -> None:
        """Tasks, decisions, meetings about every four weeks and each member's hours; nothing
        moves forward after `progress_until`."""
        people = [p for p, *_rest in rows]
        self._tasks(group, people, activated, until, progress_until)
        for text in project.decisions:
            day = day_between(self.rng, activated, min(until, self.today - DAY))
            self.rows.decisions.append(
                Decision(
                    group=group,
                    date=day,
                    text=text,
                    decided_by="Le groupe, à l'unanimité"
                    if self.rng.random() < 0.6
                    else str(people[0].member),
                    recorded_by=people[0].member,
                    created_at=at(day, 20),
                )
            )
        self._meetings(group, rows, activated, until, progress_until)
        self._hours(group, rows, activated, until)

    def _tasks(
        self,
        group: Group,
        people: list[Someone],
        activated: dt.date,
        until: dt.date,
        progress_until: dt.date,
    ) -> None:
        rng = self.rng
        for title in sample(rng, words.TASKS, rng.randint(6, 10)):
            due = day_between(rng, activated + dt.timedelta(days=7), until + dt.timedelta(days=45))
            done = due <= progress_until and rng.random() < 0.75
            status = TaskStatus.DONE if done else rng.choice([TaskStatus.TODO, TaskStatus.DOING])
            done_at = None
            if done:
                done_at = max(
                    min(due + dt.timedelta(days=rng.randint(-7, 5)), progress_until), activated
                )
            self.rows.tasks.append(
                Task(
                    group=group,
                    title=title,
                    owner=rng.choice(people).member,
                    due_date=due,
                    status=status,
                    done_at=done_at,
                    created_at=at(activated, 11),
                )
            )

    def _meetings(
        self,
        group: Group,
        rows: list[tuple[Someone, dt.date, dt.date | None, int]],
        activated: dt.date,
        until: dt.date,
        progress_until: dt.date,
    ) -> None:
        rng = self.rng
        day = activated + dt.timedelta(days=rng.randint(7, 20))
        while day < min(until, self.today):
            there = [
                p for p, start, end, _c in rows if start <= day and (end is None or day <= end)
            ]
            if there:
                came = sample(rng, there, max(1, round(len(there) * rng.uniform(0.6, 1.0))))
                moved = rng.choice(words.PROGRESS) if day <= progress_until else ""
                self._note(group, day, came, rng.choice(words.PROJECT_NOTES), moved)
            day += dt.timedelta(days=rng.randint(21, 35))

    def _hours(
        self,
        group: Group,
        rows: list[tuple[Someone, dt.date, dt.date | None, int]],
        activated: dt.date,
        until: dt.date,
    ) -> None:
        """Hours declared for each full month, around each member's commitment (some months
        below it)."""
        today = self.today
        for month in month_starts(activated, min(until, today) - dt.timedelta(days=31)):
            for person, start, end, commitment in rows:
                if start > month or (end is not None and end < month):
                    continue
                share = self.rng.choice([0.5, 0.8, 1.0, 1.0, 1.2, 1.5])
                hours = Decimal(round(commitment * share * 2) / 2).quantize(Decimal("0.01"))
                self.rows.hours.append(
                    TimeEntry(
                        group=group,
                        member=person.member,
                        month=month,
                        hours=hours,
                        declared_at=at(min(month + dt.timedelta(days=33), today), 19),
                    )
                )

    # ------------------------------------------------------------ brand groups

    def brand_groups(self) -> None:
        rng, today = self.rng, self.today
        for brand in words.BRANDS:
            created = today - dt.timedelta(days=rng.randint(400, 1400))
            fit = [p for p in self.coop.at(created) if p.present_from(created, today) and p.user_id]
            same = [p for p in fit if p.sector == brand.sector]
            people = sample(rng, same if len(same) >= 3 else fit, rng.randint(3, 5))
            if len(people) < 2:
                continue
            group = self._group(
                GroupKind.BRAND,
                brand.name,
                brand.description,
                created,
                created_by_id=people[0].user_id,
            )
            group.split_rule = brand.rule
            shares = _percentages(rng, len(people)) if brand.rule == SplitRule.FIXED else []
            for index, person in enumerate(people):
                role = MembershipRole.LEAD if index == 0 else MembershipRole.MEMBER
                start = created + dt.timedelta(days=0 if index == 0 else rng.randint(0, 20))
                percent = shares[index] if shares else None
                self._member(group, person, start, None, role, split_percent=percent)
                if brand.rule != SplitRule.HOURS:
                    continue
                for month in month_starts(
                    max(start, today - dt.timedelta(days=200)), today - dt.timedelta(days=31)
                ):
                    self.rows.hours.append(
                        TimeEntry(
                            group=group,
                            member=person.member,
                            month=month,
                            hours=Decimal(rng.randint(8, 60)),
                            declared_at=at(month + dt.timedelta(days=33), 19),
                        )
                    )


def _percentages(rng: random.Random, count: int) -> list[Decimal]:
    """`count` whole percentages summing to 100, none below 10."""
    cuts = sorted(rng.sample(range(1, 100 // 10), count - 1)) if count > 1 else []
    bounds = [0, *cuts, 100 // 10]
    return [Decimal((b - a) * 10) for a, b in zip(bounds, bounds[1:], strict=False)]
