"""The demo's collective life: groups, events and peer trainings, collective tutoring.

A step of `essaim.demo.generator.STEPS`, after the profiles (peer trainings are given on skills
the offerer holds; tutoring volunteers hold the needed skills), drawing from its own random
stream (`collective`), written in bulk like the rest of the demo. What is drawn, and why it
looks the way it does, is told in `collective_groups`, `collective_events` and
`collective_tutoring`; who is present when in `collective_people` (only present members take
part in anything).

Behind the demo logins: the entrepreneur leads an active project group (whose health panel
asks its question), belongs to their trade's group, is registered to the next *mensuelle* and
is invited to review a tutoring case; the advisor has a recent workshop whose attendance is
still to take, and follows the member of a tutoring case.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import TYPE_CHECKING

from essaim.demo import collective_catalog as words
from essaim.demo.collective_events import Calendar, plan_peer_trainings, write_events
from essaim.demo.collective_groups import GroupMaker
from essaim.demo.collective_people import Cooperative, Someone
from essaim.demo.collective_tutoring import CaseMaker
from essaim.demo.profiles import Builtin
from essaim.events.models import (
    CalendarFeed,
    Event,
    EventKind,
    Feedback,
    PeerInterest,
    PeerTraining,
    Registration,
    RegistrationStatus,
)
from essaim.groups.models import (
    Charter,
    Cycle,
    Decision,
    Group,
    MeetingNote,
    Membership,
    Milestone,
    OutsideReviewer,
    Phase,
    Post,
    SharedFile,
    Task,
    Thread,
    TimeEntry,
)
from essaim.skills.models import MemberSkill
from essaim.tutoring.models import ActionItem, FollowUp, Session, TutoringCase, Volunteer

if TYPE_CHECKING:
    from essaim.demo.generator import DemoContext


def build_collective(ctx: DemoContext) -> None:
    from essaim.demo.generator import ADVISOR_EMAIL, ENTREPRENEUR_EMAIL

    if not ctx.members or ctx.staff is None:
        return
    root = ctx.stream("collective")
    # One stream per part, drawn from the step's: changing one part leaves the others alone.
    groups_rng, events_rng, peer_rng, cases_rng = (
        random.Random(root.getrandbits(64)) for _ in range(4)
    )
    coop = Cooperative.of(ctx)
    builtin = Builtin()
    demo = _login_person(ctx, coop, ENTREPRENEUR_EMAIL)
    advisor = ctx.logins.get(ADVISOR_EMAIL)
    skills = _skills(coop)

    GroupMaker(
        groups_rng, coop, staff=ctx.staff, sectors=ctx.sectors, builtin=builtin, demo=demo
    ).build().write()

    calendar = Calendar(ctx, events_rng, coop)
    sheets = calendar.build()
    trainings = plan_peer_trainings(peer_rng, calendar, skills["professional"])
    _for_the_logins(calendar, demo, advisor.pk if advisor is not None else None)
    counts = write_events(events_rng, sheets, trainings, ctx.today)

    cases = CaseMaker(
        cases_rng,
        coop,
        holders=_holders(coop, skills["social"]),
        demo=demo,
        demo_advisor_id=advisor.pk if advisor is not None else None,
    ).build()
    cases.write()
    ctx.extra_counts.update(groups=Group.objects.count(), tutoring_cases=len(cases.cases), **counts)


def _login_person(ctx: DemoContext, coop: Cooperative, email: str) -> Someone | None:
    user = ctx.logins.get(email)
    if user is None:
        return None
    return next((p for p in coop.now() if p.user_id == user.pk), None)


def _skills(coop: Cooperative) -> dict[str, dict[int, list[tuple[int, str, int]]]]:
    """Present members' skills (today's profiles) by member pk: (node pk, label, level), split
    into professional skills and social (transversal) ones."""
    present = {p.pk for p in coop.now()}
    found: dict[str, dict[int, list[tuple[int, str, int]]]] = {
        "professional": defaultdict(list),
        "social": defaultdict(list),
    }
    rows = (
        MemberSkill.objects.filter(member_id__in=present, node__kind="skill")
        .order_by("member_id", "-level", "node_id")
        .values_list(
            "member_id", "node_id", "node__label", "level", "node__is_social", "node__code"
        )
    )
    for member_id, node_id, label, level, social, code in rows:
        part = "social" if social else "professional"
        found[part][member_id].append((node_id, code if social else label, level))
    return found


def _holders(
    coop: Cooperative, social: dict[int, list[tuple[int, str, int]]]
) -> dict[str, tuple[int, list[Someone]]]:
    """For each skill a tutoring situation needs: its node pk and who holds it today."""
    wanted = {code for s in words.SITUATIONS for code in s.skills}
    found: dict[str, tuple[int, list[Someone]]] = {}
    for member_id, held in sorted(social.items()):
        for node_id, code, _level in held:
            if code in wanted:
                found.setdefault(code, (node_id, []))[1].append(coop.by_pk[member_id])
    return found


def _for_the_logins(calendar: Calendar, demo: Someone | None, advisor_id: int | None) -> None:
    """The demo entrepreneur registered to the next mensuelle; the demo advisor organised the
    last workshop, whose attendance is still to take."""
    today = calendar.today
    if demo is not None:
        upcoming = [
            s for s in calendar.sheets if s.day > today and s.event.kind == EventKind.MONTHLY
        ]
        if upcoming:
            upcoming[0].marks.setdefault(demo, (RegistrationStatus.REGISTERED, ""))
    if advisor_id is not None:
        past = [s for s in calendar.sheets if s.day < today and s.event.kind == EventKind.WORKSHOP]
        if past:
            past[-1].event.organiser_id = advisor_id
            past[-1].pending = True


def reset_collective() -> None:
    """What groups, events and tutoring hold (deleted in bulk before the members and the
    accounts: events are protected by their organiser's account)."""
    for model in (
        FollowUp,
        ActionItem,
        Session.volunteers.through,
        Session,
        Volunteer,
        TutoringCase.needed_skills.through,
        TutoringCase,
        Feedback,
        PeerInterest,
        Registration,
        CalendarFeed,
        Event,
        PeerTraining.nodes.through,
        PeerTraining,
        Post.mentions.through,
        Post,
        Thread,
        SharedFile,
        TimeEntry,
        MeetingNote.attendees.through,
        MeetingNote,
        Decision,
        Task,
        Milestone,
        Phase,
        Charter,
        Cycle,
        OutsideReviewer,
        Membership,
        Group.nodes.through,
        Group,
    ):
        model.objects.all().delete()
