"""The demo's collective tutoring: a few case reviews of the last two years, at every stage.

A case is opened by a member present then (and for the following months), or proposed by
their advisor and accepted a few days later; volunteers are members holding one of the needed
skills (today's profiles: they are present now) who were in the cooperative when invited; some
decline. Older cases went through their session, action plan and follow-ups and are closed;
recent ones are still waiting for their session or their volunteers' answers. The newest is a
proposal still waiting for the member's consent, and one proposal was refused.

The demo entrepreneur login is invited to review a recent case, so that "Mes cas" shows
something; the demo advisor follows the member of at least one case.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from essaim.demo import collective_catalog as words
from essaim.demo.collective_people import DAY, Cooperative, Someone, at, sample
from essaim.tutoring.models import (
    ActionItem,
    CaseStatus,
    Consent,
    FollowUp,
    Session,
    TutoringCase,
    Volunteer,
    VolunteerStatus,
)

BATCH = 1000
YEARS = 2
CASES_PER_MEMBER = 1 / 150
ACCEPTS = 0.7
SEASONED_DAYS = 90
# The stage of a case from its age in days: (at least this old, status).
STAGES = (
    (240, CaseStatus.CLOSED),
    (120, CaseStatus.FOLLOW_UP),
    (50, CaseStatus.SESSION_HELD),
    (8, CaseStatus.VOLUNTEERS_INVITED),
    (0, CaseStatus.REQUESTED),
)


@dataclass
class Rows:
    cases: list[TutoringCase] = field(default_factory=list)
    skills: list[tuple[TutoringCase, int]] = field(default_factory=list)
    volunteers: list[Volunteer] = field(default_factory=list)
    sessions: list[tuple[Session, list[Someone]]] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def write(self) -> None:
        TutoringCase.objects.bulk_create(self.cases, batch_size=BATCH)
        needed = TutoringCase.needed_skills.through
        needed.objects.bulk_create(
            [needed(tutoringcase_id=c.pk, node_id=n) for c, n in self.skills], batch_size=BATCH
        )
        Volunteer.objects.bulk_create(self.volunteers, batch_size=BATCH)
        Session.objects.bulk_create([s for s, _who in self.sessions], batch_size=BATCH)
        came = Session.volunteers.through
        came.objects.bulk_create(
            [came(session_id=s.pk, member_id=p.pk) for s, people in self.sessions for p in people],
            batch_size=BATCH,
        )
        ActionItem.objects.bulk_create(self.actions, batch_size=BATCH)
        FollowUp.objects.bulk_create(self.follow_ups, batch_size=BATCH)


class CaseMaker:
    def __init__(
        self,
        rng: random.Random,
        coop: Cooperative,
        *,
        holders: dict[str, tuple[int, list[Someone]]],
        demo: Someone | None,
        demo_advisor_id: int | None,
    ) -> None:
        """`holders`: builtin node code → (node pk, present members holding it)."""
        self.rng = rng
        self.coop = coop
        self.today = coop.today
        self.holders = holders
        self.demo = demo
        self.demo_advisor_id = demo_advisor_id
        self.rows = Rows()

    def build(self) -> Rows:
        rng, today = self.rng, self.today
        count = max(2, round(CASES_PER_MEMBER * len(self.coop.now()))) * YEARS
        ages = sorted((rng.randint(1, 365 * YEARS) for _ in range(count)), reverse=True)
        # Every stage shows: a recent case (the demo login is invited to it), one whose
        # session was held, one in follow-up.
        ages[-3:] = [rng.randint(130, 230), rng.randint(60, 110), rng.randint(20, 40)]
        for index, age in enumerate(ages):
            # In turn, skipping the situations whose skills nobody holds.
            turn = words.SITUATIONS[index:] + words.SITUATIONS[:index]
            situation = next((s for s in turn if self._skills(s)), None)
            if situation is not None:
                opened = today - dt.timedelta(days=age)
                self._case(situation, opened, invite_demo=index == count - 1)
        self._proposal(consent=Consent.PENDING, age=rng.randint(1, 6))
        self._proposal(consent=Consent.REFUSED, age=rng.randint(200, 500))
        return self.rows

    # ------------------------------------------------------------ choosing people

    def _member(self, opened: dt.date, prefer_demo_advisor: bool = False) -> Someone | None:
        until = min(opened + dt.timedelta(days=120), self.today)
        fit = [
            p
            for p in self.coop.at(opened)
            if (opened - p.entry).days >= SEASONED_DAYS
            and p.present_from(opened, until)
            and p.user_id is not None
            and p.member.advisor_id is not None
            and p is not self.demo
        ]
        if prefer_demo_advisor:
            theirs = [p for p in fit if p.member.advisor_id == self.demo_advisor_id]
            fit = theirs or fit
        return self.rng.choice(fit) if fit else None

    def _skills(self, situation: words.Situation) -> list[tuple[int, list[Someone]]]:
        return [self.holders[c] for c in situation.skills if c in self.holders]

    # ------------------------------------------------------------ one case

    def _case(self, situation: words.Situation, opened: dt.date, *, invite_demo: bool) -> None:
        rng, today = self.rng, self.today
        member = self._member(opened, prefer_demo_advisor=not self.rows.cases)
        skills = self._skills(situation)
        if member is None or not skills:
            return
        by_member = rng.random() < 0.7
        consented = opened if by_member else opened + dt.timedelta(days=rng.randint(2, 10))
        consented = min(consented, today - DAY)
        age = (today - opened).days
        status = next(s for days, s in STAGES if age >= days)
        case = TutoringCase(
            member=member.member,
            opened_by_id=member.user_id if by_member else member.member.advisor_id,
            requested_by_member=by_member,
            consent=Consent.GIVEN,
            consent_at=at(consented, rng.randint(9, 19)),
            title=situation.title,
            situation=situation.situation,
            status=status,
            created_at=at(opened, rng.randint(9, 18)),
        )
        self.rows.cases.append(case)
        self.rows.skills += [(case, pk) for pk, _people in skills]
        if status == CaseStatus.REQUESTED:
            return
        invited = consented + dt.timedelta(days=rng.randint(1, 4))
        accepted = self._volunteers(case, member, skills, invited, status, invite_demo)
        if status == CaseStatus.VOLUNTEERS_INVITED or not accepted:
            case.status = CaseStatus.VOLUNTEERS_INVITED
            return
        held = min(invited + dt.timedelta(days=rng.randint(14, 30)), today - DAY)
        self._session(case, situation, member, accepted, held, status)

    def _volunteers(
        self,
        case: TutoringCase,
        member: Someone,
        skills: list[tuple[int, list[Someone]]],
        invited: dt.date,
        status: str,
        invite_demo: bool,
    ) -> list[Someone]:
        rng, today = self.rng, self.today
        pool = {
            p for _pk, people in skills for p in people if p is not member and p.present(invited)
        }
        chosen = sample(rng, sorted(pool, key=lambda p: p.key), rng.randint(3, 5))
        if invite_demo and self.demo is not None and self.demo.present(invited):
            chosen = [self.demo, *[p for p in chosen if p is not self.demo]]
        accepted = []
        for person in chosen:
            answered = invited + dt.timedelta(days=rng.randint(1, 6))
            pending = person is self.demo and invite_demo
            if status == CaseStatus.VOLUNTEERS_INVITED and rng.random() < 0.3:
                pending = True
            if answered >= today:
                pending = True
            answer = (
                VolunteerStatus.ACCEPTED if rng.random() < ACCEPTS else VolunteerStatus.DECLINED
            )
            if pending:
                answer = VolunteerStatus.INVITED
            if answer == VolunteerStatus.ACCEPTED:
                accepted.append(person)
            self.rows.volunteers.append(
                Volunteer(
                    case=case,
                    member=person.member,
                    status=answer,
                    invited_by_id=case.opened_by_id,
                    invited_at=at(invited, 10),
                    answered_at=None if pending else at(answered, rng.randint(8, 21)),
                )
            )
        return accepted

    def _session(
        self,
        case: TutoringCase,
        situation: words.Situation,
        member: Someone,
        accepted: list[Someone],
        held: dt.date,
        status: str,
    ) -> None:
        rng, today = self.rng, self.today
        advisor_id = member.member.advisor_id
        session = Session(
            case=case,
            date=held,
            member_present=True,
            advisor_id=advisor_id if rng.random() < 0.8 else None,
            situation=situation.situation,
            diagnosis=situation.diagnosis,
            recorded_by_id=member.user_id,
            recorded_at=at(held, 20),
        )
        self.rows.sessions.append((session, accepted))
        closed = status == CaseStatus.CLOSED
        owners = [("member", member), ("volunteer", rng.choice(accepted)), ("advisor", None)]
        for (kind, who), action in zip(owners, situation.actions, strict=False):
            due = held + dt.timedelta(days=rng.randint(20, 60))
            done = closed or (due < today - dt.timedelta(days=5) and rng.random() < 0.7)
            self.rows.actions.append(
                ActionItem(
                    case=case,
                    action=action,
                    owner_member=who.member if who is not None else None,
                    owner_advisor_id=advisor_id if kind == "advisor" else None,
                    due_date=due,
                    done_at=at(min(due, today - DAY), 18) if done else None,
                    created_at=at(held, 21),
                )
            )
        if status not in (CaseStatus.FOLLOW_UP, CaseStatus.CLOSED):
            return
        day = held
        for notes, next_step in words.FOLLOW_UPS[: 2 if closed else 1]:
            day = min(day + dt.timedelta(days=rng.randint(45, 75)), today - DAY)
            self.rows.follow_ups.append(
                FollowUp(
                    case=case,
                    date=day,
                    notes=notes,
                    next_step=next_step,
                    recorded_by_id=advisor_id,
                    created_at=at(day, 17),
                )
            )
        if closed:
            case.closed_at = at(min(day + dt.timedelta(days=5), today - DAY), 17)

    def _proposal(self, *, consent: str, age: int) -> None:
        """An advisor's proposal, still waiting for the member's answer or refused."""
        rng, today = self.rng, self.today
        opened = today - dt.timedelta(days=age)
        member = self._member(opened, prefer_demo_advisor=True)
        situation = rng.choice(words.SITUATIONS)
        skills = self._skills(situation)
        if member is None or not skills:
            return
        answered = min(opened + dt.timedelta(days=rng.randint(2, 9)), today - DAY)
        refused = consent == Consent.REFUSED
        case = TutoringCase(
            member=member.member,
            opened_by_id=member.member.advisor_id,
            requested_by_member=False,
            consent=consent,
            consent_at=at(answered, 18) if refused else None,
            title=situation.title,
            situation=situation.situation,
            status=CaseStatus.CLOSED if refused else CaseStatus.REQUESTED,
            created_at=at(opened, 11),
            closed_at=at(answered, 18) if refused else None,
        )
        self.rows.cases.append(case)
        self.rows.skills += [(case, pk) for pk, _people in skills]
