"""The demo's collective life: deterministic, consistent with the members' paths (only present
members take part in anything), shaped like the study (the *mensuelle* draws a faithful few,
the autumn university and the general assembly draw more), and with something to show behind
the demo logins."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from essaim.collective.selectors import participation_rows
from essaim.core.models import User
from essaim.demo.generator import (
    ADVISOR_EMAIL,
    ENTREPRENEUR_EMAIL,
    RESETS,
    build_demo,
    record_build,
)
from essaim.events.models import Event, PeerInterest, PeerTraining, Registration
from essaim.groups import selectors as group_selectors
from essaim.groups.models import Group, MeetingNote, Membership
from essaim.members.models import Member, PathStage
from essaim.skills.models import MemberSkill
from essaim.tutoring.models import Session, TutoringCase, Volunteer

TODAY = dt.date(2026, 11, 26)
SMALL = 120
PRESENT = ("cape", "cesa", "associate")


def build(seed: int = 7, **options: Any) -> Any:
    return build_demo(seed=seed, active=SMALL, today=TODAY, **options)


def day_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def presence() -> dict[int, tuple[dt.date, dt.date | None]]:
    """Member id → (first contract day, exit day or None), from the recorded path."""
    first: dict[int, dt.date] = {}
    for member_id, start in PathStage.objects.filter(kind__in=PRESENT).values_list(
        "member_id", "start"
    ):
        first[member_id] = min(start, first.get(member_id, start))
    exits = dict(Member.objects.values_list("pk", "exit_date"))
    return {pk: (start, exits[pk]) for pk, start in first.items()}


def present_on(present: dict[int, tuple[dt.date, dt.date | None]], member_id: int, day: dt.date):
    entry, exit = present.get(member_id, (None, None))
    return entry is not None and entry <= day and (exit is None or day < exit)


def facts() -> dict[str, Any]:
    """The collective life as natural keys (e-mails, names, titles, dates), sorted."""
    return {
        "groups": sorted(
            Group.objects.values_list("kind", "name", "status", "split_rule", "created_at")
        ),
        "memberships": sorted(
            Membership.objects.values_list("group__name", "member__email", "role", "start", "end")
        ),
        "events": sorted(
            Event.objects.values_list("kind", "title", "start", "organiser__email", "capacity")
        ),
        "registrations": sorted(
            Registration.objects.values_list(
                "event__title", "event__start", "member__email", "status", "attendance"
            )
        ),
        "trainings": sorted(PeerTraining.objects.values_list("offerer__email", "title", "status")),
        "cases": sorted(
            TutoringCase.objects.values_list("member__email", "title", "status", "consent")
        ),
        "volunteers": sorted(
            Volunteer.objects.values_list("case__title", "member__email", "status")
        ),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo for the read-only tests of this module (built once: it takes seconds)."""
    with django_db_blocker.unblock():
        result = build(reset=True)
        yield result
        for delete in RESETS:  # leave the database as empty as the other tests expect it
            delete()
        User.objects.all().delete()


# Determinism -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_collective_life():
    first = build(reset=True)
    before = facts()
    second = build(reset=True)

    assert facts() == before
    assert all(before[key] for key in before)
    counts = first.build.counts
    assert counts == second.build.counts
    assert {k: counts[k] for k in ("groups", "events", "registrations", "tutoring_cases")} == {
        "groups": Group.objects.count(),
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "tutoring_cases": TutoringCase.objects.count(),
    }


@pytest.mark.django_db
def test_another_seed_draws_other_attendees_and_a_reset_deletes_it_all():
    build(reset=True)
    first = set(facts()["registrations"])
    build(seed=8, reset=True)

    assert set(facts()["registrations"]) != first

    build(reset=True, steps=[record_build])  # delete everything, rebuild nothing

    assert not Group.objects.exists() and not Event.objects.exists()
    assert not TutoringCase.objects.exists() and not PeerTraining.objects.exists()


# Consistency with the members' paths -----------------------------------------------------------


def test_every_participation_falls_within_the_member_s_presence(demo, django_db_blocker):
    with django_db_blocker.unblock():
        present = presence()
        rows = participation_rows(start=dt.date(2003, 1, 1), end=TODAY + dt.timedelta(days=90))

        assert len(rows) > 1000
        kinds = Counter(kind for _m, _d, kind in rows)
        assert {
            "group.member",
            "group.meeting",
            "event.registered",
            "event.attended",
            "event.excused",
            "event.absent",
            "event.waiting",
            "event.organised",
            "peer.offered",
            "peer.interested",
            "tutoring.case",
            "tutoring.volunteer",
            "tutoring.session",
        } <= set(kinds)
        strays = [
            (member_id, day, kind)
            for member_id, day, kind in rows
            if day <= TODAY and not present_on(present, member_id, day)
        ]
        assert strays == []
        # Registrations to the events to come are those of members still present.
        upcoming = Registration.objects.filter(event__start__date__gt=TODAY)
        assert upcoming.exists()
        assert not upcoming.filter(member__exit_date__isnull=False).exists()


def test_groups_follow_their_rules_and_their_members_paths(demo, django_db_blocker):
    with django_db_blocker.unblock():
        present = presence()
        for row in Membership.objects.select_related("group"):
            last = row.end or TODAY
            assert row.start <= last <= TODAY
            assert present_on(present, row.member_id, row.start)
            assert present_on(present, row.member_id, last), (row.group.name, row.member_id)
            assert row.start >= day_of(row.group.created_at)
        for group in Group.objects.filter(kind="project"):
            size = group.memberships.count()
            assert 2 <= size <= 10
            if group.status == "active":
                assert group_selectors.charter_missing(group) == []
        for note in MeetingNote.objects.prefetch_related("attendees"):
            members = set(
                Membership.objects.filter(group_id=note.group_id, start__lte=note.date)
                .filter(Q(end__isnull=True) | Q(end__gte=note.date))
                .values_list("member_id", flat=True)
            )
            assert {m.pk for m in note.attendees.all()} <= members
        assert set(Group.objects.values_list("kind", flat=True)) == {"trade", "project", "brand"}
        assert set(Group.objects.values_list("status", flat=True)) == {"active", "draft", "closed"}


def test_trainings_and_tutoring_are_given_by_those_who_hold_the_skills(demo, django_db_blocker):
    with django_db_blocker.unblock():
        held = set(MemberSkill.objects.values_list("member_id", "node_id"))
        for training in PeerTraining.objects.prefetch_related("nodes"):
            assert {(training.offerer_id, n.pk) for n in training.nodes.all()} <= held
        assert PeerTraining.objects.filter(sessions__isnull=False).exists()
        for interest in PeerInterest.objects.filter(session__isnull=False):
            assert Registration.objects.filter(
                event=interest.session, member=interest.member
            ).exists()
        for volunteer in Volunteer.objects.select_related("case").prefetch_related(
            "case__needed_skills"
        ):
            needed = {n.pk for n in volunteer.case.needed_skills.all()}
            mine = {node for member, node in held if member == volunteer.member_id}
            assert volunteer.member_id != volunteer.case.member_id
            assert needed & mine or volunteer.member.email == ENTREPRENEUR_EMAIL
        for session in Session.objects.prefetch_related("volunteers"):
            accepted = set(
                Volunteer.objects.filter(case=session.case_id, status="accepted").values_list(
                    "member_id", flat=True
                )
            )
            assert {m.pk for m in session.volunteers.all()} <= accepted
        statuses = set(TutoringCase.objects.values_list("status", "consent"))
        assert {
            ("requested", "pending"),
            ("volunteers_invited", "given"),
            ("session_held", "given"),
            ("follow_up", "given"),
            ("closed", "given"),
            ("closed", "refused"),
        } <= statuses


# Shape -----------------------------------------------------------------------------------------


def _present_count(event: Event) -> int:
    return event.registrations.filter(attendance="present").count()


def test_the_mensuelle_draws_a_faithful_few(demo, django_db_blocker):
    with django_db_blocker.unblock():
        year_ago = TODAY - dt.timedelta(days=365)
        meetings = Event.objects.filter(
            kind="monthly", start__date__gte=year_ago, start__date__lt=TODAY
        )
        came = Counter(
            Registration.objects.filter(event__in=meetings, attendance="present").values_list(
                "member_id", flat=True
            )
        )
        present = Member.objects.filter(exit_date__isnull=True, stage__in=PRESENT).count()
        faithful = {m for m, n in came.items() if n >= meetings.count() / 2}

        assert meetings.count() == 11  # every month but August
        assert 2 <= len(faithful) <= 0.05 * present  # a few regulars...
        assert sum(came[m] for m in faithful) >= 0.5 * sum(came.values())  # ...most of the room
        assert len(came) < 0.5 * present  # most members never came this year
        assert all(n <= 3 for m, n in came.items() if m not in faithful)  # visitors come rarely


def test_the_autumn_university_and_the_assembly_draw_more(demo, django_db_blocker):
    with django_db_blocker.unblock():
        since = TODAY - dt.timedelta(days=3 * 365)
        past = Event.objects.filter(start__date__gte=since, start__date__lt=TODAY)
        monthly = statistics.mean(_present_count(e) for e in past.filter(kind="monthly"))
        for kind in ("autumn_university", "general_assembly"):
            big = [_present_count(e) for e in past.filter(kind=kind)]
            assert len(big) == 3
            assert min(big) >= 2 * monthly, kind
        full = past.filter(kind__in=["workshop", "sales_practice"]).annotate(
            waiting=Count("registrations", filter=Q(registrations__status="waiting"))
        )
        assert full.filter(waiting__gt=0).exists()
        for event in full:
            registered = event.registrations.filter(status="registered").count()
            assert registered <= event.capacity


def test_attendance_is_taken_after_the_events_and_rates_are_plausible(demo, django_db_blocker):
    with django_db_blocker.unblock():
        past = Event.objects.filter(start__date__lt=TODAY - dt.timedelta(days=5))
        assert (
            not past.filter(attendance_taken_at__isnull=True)
            .exclude(title__startswith="Atelier")
            .exists()
        )
        future = Registration.objects.filter(event__start__date__gt=TODAY)
        assert not future.exclude(attendance="").exists()
        assert not Event.objects.filter(start__date__gt=TODAY, attendance_taken_at__isnull=False)
        marks = Counter(
            Registration.objects.exclude(attendance="").values_list("attendance", flat=True)
        )
        rate = marks["present"] / sum(marks.values())
        assert 0.75 <= rate <= 0.95
        assert not Registration.objects.filter(status="waiting", position__isnull=True).exists()


# The demo logins ---------------------------------------------------------------------------------


def _logins_have_something_to_show() -> None:
    me = Member.objects.get(email=ENTREPRENEUR_EMAIL)
    led = Group.objects.get(
        kind="project", status="active", memberships__member=me, memberships__role="lead"
    )
    assert group_selectors.stall_prompt(group_selectors.health_of(led, today=TODAY))
    assert Membership.objects.filter(member=me, group__kind="trade", state="active").exists()
    next_monthly = Event.objects.filter(kind="monthly", start__date__gt=TODAY).earliest("start")
    assert Registration.objects.filter(event=next_monthly, member=me).exists()
    assert Volunteer.objects.filter(member=me, status="invited").exists()

    advisor_events = Event.objects.filter(organiser__email=ADVISOR_EMAIL, kind="workshop")
    pending = advisor_events.filter(start__date__lt=TODAY, attendance_taken_at__isnull=True)
    assert pending.exists()
    assert TutoringCase.objects.filter(member__advisor__email=ADVISOR_EMAIL).exists()


def test_the_demo_logins_have_something_to_show(demo, django_db_blocker):
    with django_db_blocker.unblock():
        _logins_have_something_to_show()


@pytest.mark.django_db
def test_the_demo_logins_have_something_to_show_with_the_default_seed():
    build(seed=2003, reset=True)

    _logins_have_something_to_show()
