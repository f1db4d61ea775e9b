"""Events, registrations and peer trainings for the events tests, written through the services
so that audit entries, waiting lists and notifications are real.

Import what a module uses (`from tests.events.factories import make_event, ...`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from essaim.core.models import Notification, User
from essaim.events.models import Event, PeerTraining
from essaim.events.services import peer as peer_services
from essaim.events.services.events import EventData, event_create
from essaim.members.models import Member
from essaim.skills import services as skill_services
from essaim.skills.models import Node
from tests.factories import MemberFactory, StaffFactory


def in_days(days: float, hour: int = 18) -> dt.datetime:
    """`days` from today at `hour` o'clock, in the cooperative's time zone."""
    day = timezone.localdate() + dt.timedelta(days=int(days))
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def data(**fields: Any) -> EventData:
    start = fields.pop("start", in_days(7))
    values: dict[str, Any] = {
        "kind": "workshop",
        "title": "Atelier prospection",
        "start": start,
        "end": fields.pop("end", start + dt.timedelta(hours=2)),
        "place": "Salle du conseil, 3 rue des Abeilles, Montreuil",
        **fields,
    }
    return EventData(**values)


def make_event(*, organiser: User | None = None, **fields: Any) -> Event:
    """An event a week from now, 18:00–20:00, organised by a new staff person by default."""
    organiser = organiser or StaffFactory()
    return event_create(actor=organiser, data=data(**fields))


def move_to_past(event: Event, *, days: int = 1) -> Event:
    """Time passes: the event took place `days` ago (registrations stay as they were)."""
    start = in_days(-days)
    Event.objects.filter(pk=event.pk).update(start=start, end=start + dt.timedelta(hours=2))
    event.refresh_from_db()
    return event


def entrepreneur(first_name: str, last_name: str = "Test") -> Member:
    """A member with an entrepreneur's account."""
    return MemberFactory(
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}.{last_name.lower()}@example.org",
    )


def skill(code: str = "t-form.excel", label: str = "Tableur avancé") -> Node:
    return skill_services.node_create(
        actor=None, code=code, label=label, kind="skill", parent=None, source="coop"
    )


def give_skill(member: Member, node: Node, level: int = 3) -> Member:
    skill_services.skill_set(actor=None, member=member, node=node, level=level, years=5)
    return member


def make_training(offerer: Member, nodes: list[Node], *, min_interested: int = 2) -> PeerTraining:
    return peer_services.peer_training_offer(
        actor=offerer.user,
        offerer=offerer,
        title="Le tableur pour suivre sa trésorerie",
        description="Deux heures pour construire son tableau de trésorerie.",
        nodes=nodes,
        min_interested=min_interested,
    )


def notes_of(user: User | None, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind).order_by("id"))


def queries_to_render(client: Any, url: str) -> int:
    """How many SQL queries one GET of `url` runs (after a first request warms caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response: HttpResponse = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)
