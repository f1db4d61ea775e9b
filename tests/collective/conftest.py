"""A small worked history of collective life, written through the three apps' services and
dated in the first months of 2025 (dates the services set to "now" are moved back, as time
would have), so that participation and figures can be checked value by value.

- the trade group « Graphistes d'Île-de-France » (created 15/01/2025 by management staff):
  alice joins on 20/01 and leaves on 10/02; bob joins on 05/03 and attends its meeting of
  10/03;
- a brand group of carole, created on 01/06/2024 and closed on 01/12/2024;
- the *mensuelle* of 12/03/2025 (2 seats): alice present, bob excused, carole on the waiting
  list; a workshop of 20/03/2025 cancelled; a *mensuelle* in 2024 with nobody's attendance
  taken;
- alice's tutoring case, opened on 02/04/2025; carole volunteers on 05/04 and both attend the
  session of 20/04.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from essaim.events.models import Event
from essaim.events.services import events as event_services
from essaim.events.services import registrations as registration_services
from essaim.groups.models import Group
from essaim.groups.services import groups as group_services
from essaim.groups.services import project as project_services
from essaim.members.models import Member
from essaim.skills import services as skill_services
from essaim.tutoring import services as tutoring_services
from essaim.tutoring.models import Session, TutoringCase, Volunteer
from tests.events.factories import data as event_data
from tests.events.factories import in_days
from tests.factories import MemberFactory


def at(day: dt.date, hour: int = 18) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def move_event(event: Event, day: dt.date) -> Event:
    """The event took place on `day`, 18:00–20:00."""
    Event.objects.filter(pk=event.pk).update(start=at(day), end=at(day, 20))
    event.refresh_from_db()
    return event


@dataclass
class History:
    alice: Member
    bob: Member
    carole: Member
    trade: Group
    brand: Group
    monthly: Event
    case: TutoringCase


@pytest.fixture
def carole(db) -> Member:
    return MemberFactory(first_name="Carole", last_name="Petit", email="carole@example.org")


@pytest.fixture
def history(alice, bob, carole, claire) -> History:
    trade = group_services.group_create(
        actor=claire, kind="trade", name="Graphistes d'Île-de-France", today=dt.date(2025, 1, 15)
    )
    joined = group_services.member_join(
        actor=None, group=trade, member=alice, today=dt.date(2025, 1, 20)
    )
    group_services.membership_end(actor=None, membership=joined, today=dt.date(2025, 2, 10))
    group_services.member_join(actor=None, group=trade, member=bob, today=dt.date(2025, 3, 5))
    project_services.note_add(
        actor=None,
        group=trade,
        date=dt.date(2025, 3, 10),
        attendees=[bob],
        notes="Tour de table des commandes du trimestre.",
    )

    brand = group_services.group_create(
        actor=carole.user,
        kind="brand",
        name="Les Toques réunies",
        creator=carole,
        today=dt.date(2024, 6, 1),
    )
    group_services.group_close(actor=None, group=brand, today=dt.date(2024, 12, 1))

    monthly = event_services.event_create(
        actor=claire,
        data=event_data(kind="monthly", title="Mensuelle de mars", capacity=2, start=in_days(3)),
    )
    for member in (alice, bob, carole):
        registration_services.registration_register(actor=None, event=monthly, member=member)
    move_event(monthly, dt.date(2025, 3, 12))
    registration_services.attendance_take(
        actor=claire, event=monthly, marks={alice.pk: "present", bob.pk: "excused"}
    )
    workshop = event_services.event_create(
        actor=claire, data=event_data(kind="workshop", title="Atelier annulé", start=in_days(4))
    )
    registration_services.registration_register(actor=None, event=workshop, member=alice)
    event_services.event_cancel(actor=claire, event=workshop, reason="Salle indisponible.")
    move_event(workshop, dt.date(2025, 3, 20))
    old = event_services.event_create(
        actor=claire, data=event_data(kind="monthly", title="Mensuelle de 2024", start=in_days(5))
    )
    registration_services.registration_register(actor=None, event=old, member=bob)
    move_event(old, dt.date(2024, 11, 13))

    node = skill_services.node_create(
        actor=None,
        code="t-coll.compta",
        label="Comptabilité",
        kind="skill",
        parent=None,
        source="coop",
    )
    case = tutoring_services.case_open(
        actor=alice.user,
        member=alice,
        title="Relancer mes clients",
        situation="Deux clients ne paient pas.",
        nodes=[node],
    )
    tutoring_services.volunteers_invite(actor=alice.user, case=case, members=[carole])
    tutoring_services.volunteer_answer(actor=carole.user, case=case, accept=True)
    tutoring_services.session_record(
        actor=alice.user,
        case=case,
        date=timezone.localdate(),
        situation="Deux clients ne paient pas.",
        diagnosis="Aucune relance écrite.",
        member_present=True,
        advisor_present=True,
        volunteers=[carole],
    )
    # Time passes: the case was opened in April 2025.
    TutoringCase.objects.filter(pk=case.pk).update(
        created_at=at(dt.date(2025, 4, 2), 10), consent_at=at(dt.date(2025, 4, 2), 10)
    )
    Volunteer.objects.filter(case=case).update(
        invited_at=at(dt.date(2025, 4, 3), 10), answered_at=at(dt.date(2025, 4, 5), 10)
    )
    Session.objects.filter(case=case).update(date=dt.date(2025, 4, 20))
    case.refresh_from_db()
    return History(alice, bob, carole, trade, brand, monthly, case)
