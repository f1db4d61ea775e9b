"""/api/v1/groups, /events and an event's /registrations: each endpoint, who is refused (and
gets 404 rather than a glimpse), the waiting list, French 422 errors, and no N+1 on the
lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essaim.events.models import Registration
from essaim.events.services import registrations as registration_services
from essaim.groups.services import project as project_services
from essaim.members.models import Member
from tests.events.factories import in_days, make_event, move_to_past
from tests.factories import MemberFactory
from tests.groups.factories import active_project, days, make_group

GROUPS = "/api/v1/groups"
EVENTS = "/api/v1/events"


def registrations(event_id: int) -> str:
    return f"{EVENTS}/{event_id}/registrations"


def ids(response: Any) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def member(first_name: str) -> Member:
    return MemberFactory(
        first_name=first_name, last_name="Test", email=f"{first_name.lower()}@example.org"
    )


def count_queries(client: Any, url: str, headers: dict[str, str]) -> tuple[int, int]:
    """(items listed, SQL queries run) for one GET."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.json()
    body = response.json()
    return len(body["items"] if isinstance(body, dict) else body), len(queries)


# --- who may call at all -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [GROUPS, f"{GROUPS}/1", EVENTS, f"{EVENTS}/1", registrations(1)])
def test_anonymous_callers_are_refused(client, url):
    response = client.get(url)

    assert response.status_code == 401
    assert "Authentification requise" in response.json()["detail"]


@pytest.mark.django_db
def test_an_anonymous_caller_cannot_register(client):
    assert client.post(registrations(1)).status_code == 401
    assert client.delete(registrations(1)).status_code == 401


# --- groups ----------------------------------------------------------------------------------


@pytest.fixture
def groups(alice, bob):
    """A trade group bob belongs to; alice's active project with bob; carl's brand group."""
    carl = member("Carl")
    trade = make_group("trade", lead=None, members=[bob], name="Graphistes")
    project = active_project(alice, bob)
    brand = make_group("brand", lead=carl, name="Les Toques")
    return trade, project, brand


def test_an_entrepreneur_lists_trade_groups_and_their_own_closed_ones(client, bearer, groups, bob):
    trade, project, brand = groups
    dana = member("Dana")

    assert ids(client.get(GROUPS, headers=bearer(bob.user))) == [trade.pk, project.pk]
    assert ids(client.get(GROUPS, headers=bearer(dana.user))) == [trade.pk]


def test_advisors_read_trade_groups_only_and_staff_all(client, bearer, groups, antoine, claire):
    trade, project, brand = groups

    assert ids(client.get(GROUPS, headers=bearer(antoine))) == [trade.pk]
    body = client.get(GROUPS, headers=bearer(claire)).json()
    assert [g["id"] for g in body["items"]] == [trade.pk, brand.pk, project.pk]
    assert body["count"] == 3


def test_the_group_list_filters_and_pages(client, bearer, groups, claire, bob):
    trade, project, brand = groups

    assert ids(client.get(GROUPS, {"kind": "project"}, headers=bearer(claire))) == [project.pk]
    assert ids(client.get(GROUPS, {"mine": "true"}, headers=bearer(bob.user))) == [
        trade.pk,
        project.pk,
    ]
    page = client.get(GROUPS, {"limit": 1, "offset": 1}, headers=bearer(claire)).json()
    assert (page["count"], [g["id"] for g in page["items"]]) == (3, [brand.pk])
    item = client.get(GROUPS, {"kind": "trade"}, headers=bearer(bob.user)).json()["items"][0]
    assert item | {"created_at": None} == {
        "id": trade.pk,
        "kind": "trade",
        "kind_label": "Groupe métier",
        "name": "Graphistes",
        "description": "",
        "status": "active",
        "status_label": "Actif",
        "is_open": True,
        "skills": [],
        "member_count": 1,
        "my_state": "active",
        "created_at": None,
    }


def test_bad_group_filters_are_explained_in_french(client, bearer, bob):
    response = client.get(GROUPS, {"kind": "club"}, headers=bearer(bob.user))
    assert response.status_code == 422
    assert "paramètre « kind »" in response.json()["detail"]

    response = client.get(GROUPS, {"skill": "pas-un-code"}, headers=bearer(bob.user))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Requête invalide : paramètre « skill » : code de compétence inconnu « pas-un-code »"
    )


def test_a_project_group_with_its_charter_tasks_and_health(client, bearer, groups, alice, bob):
    _trade, project, _brand = groups
    project_services.task_add(
        actor=alice.user, group=project, title="Chiffrer l'offre", owner=bob, due_date=days(-2)
    )

    response = client.get(f"{GROUPS}/{project.pk}", headers=bearer(bob.user))

    assert response.status_code == 200
    body = response.json()
    assert [(m["member"]["name"], m["role"]) for m in body["members"]] == [
        ("Alice Martin", "lead"),
        ("Bob Durand", "facilitator"),
    ]
    assert body["charter"]["objective"].startswith("Répondre ensemble")
    assert body["charter"]["phases"][0]["name"] == "Préparation"
    assert body["charter"]["missing"] == []
    assert [(t["title"], t["owner"]["name"], t["status"]) for t in body["tasks"]] == [
        ("Chiffrer l'offre", "Bob Durand", "todo")
    ]
    assert body["health"]["overdue_tasks"] == 1
    assert body["cycles"] is None and body["split_rule"] is None


def test_a_closed_group_is_not_found_for_those_outside_it(
    client, bearer, groups, antoine, claire, bob
):
    _trade, project, brand = groups
    dana = member("Dana")

    for user in (dana.user, antoine):
        response = client.get(f"{GROUPS}/{project.pk}", headers=bearer(user))
        assert response.status_code == 404
        assert response.json()["detail"] == (
            f"Aucun groupe n° {project.pk} parmi ceux que vous pouvez voir."
        )
    assert client.get(f"{GROUPS}/{brand.pk}", headers=bearer(bob.user)).status_code == 404
    assert client.get(f"{GROUPS}/{brand.pk}", headers=bearer(claire)).json()["split_rule"] == (
        "equal"
    )
    assert client.get(f"{GROUPS}/999999", headers=bearer(claire)).status_code == 404


def test_a_trade_group_is_read_by_every_member_and_advisor(client, bearer, groups, antoine):
    trade, _project, _brand = groups
    dana = member("Dana")

    for user in (dana.user, antoine):
        body = client.get(f"{GROUPS}/{trade.pk}", headers=bearer(user)).json()
        assert [m["member"]["name"] for m in body["members"]] == ["Bob Durand"]
        assert body["cycles"] == [] and body["charter"] is None and body["my_state"] is None


def test_the_group_list_runs_the_same_queries_for_one_or_three_groups(client, bearer, claire):
    def add_group(n: int) -> None:
        lead = member(f"Lead{n}")
        make_group("trade", lead=None, members=[lead, member(f"Other{n}")], name=f"Métier {n}")
        make_group("project", lead=lead, name=f"Projet {n}")

    headers = bearer(claire)
    add_group(1)
    one = count_queries(client, GROUPS, headers)
    add_group(2)
    add_group(3)
    three = count_queries(client, GROUPS, headers)

    assert (one[0], three[0]) == (2, 6)
    assert one[1] == three[1]


def test_the_group_list_of_a_member_runs_the_same_queries(client, bearer):
    me = member("Moi")
    headers = bearer(me.user)

    def add_group(n: int) -> None:
        make_group("trade", lead=None, members=[me], name=f"Métier {n}")
        make_group("project", lead=me, members=[member(f"Pair{n}")], name=f"Projet {n}")

    add_group(1)
    one = count_queries(client, GROUPS, headers)
    add_group(2)
    add_group(3)
    three = count_queries(client, GROUPS, headers)

    assert (one[0], three[0]) == (2, 6)
    assert one[1] == three[1]


# --- events ----------------------------------------------------------------------------------


def test_events_list_the_upcoming_ones_in_calendar_order(client, bearer, bob, claire):
    later = make_event(organiser=claire, title="Mensuelle", kind="monthly", start=in_days(20))
    soon = make_event(organiser=claire, title="Atelier devis", capacity=12)
    past = move_to_past(make_event(organiser=claire, title="Atelier passé"), days=10)
    registration_services.registration_register(actor=None, event=soon, member=bob)

    body = client.get(EVENTS, headers=bearer(bob.user)).json()

    assert [e["id"] for e in body["items"]] == [soon.pk, later.pk]
    first = body["items"][0]
    assert first["kind_label"] == "Atelier"
    assert first["start"].endswith(("+01:00", "+02:00"))
    assert (first["registered_count"], first["seats_left"], first["my_status"]) == (
        1,
        11,
        "registered",
    )
    assert body["items"][1]["seats_left"] is None and body["items"][1]["my_status"] is None
    last_month = (in_days(-30)).date().isoformat()
    assert ids(client.get(EVENTS, {"from_date": last_month}, headers=bearer(bob.user))) == [
        past.pk,
        soon.pk,
        later.pk,
    ]
    assert ids(client.get(EVENTS, {"kind": "monthly"}, headers=bearer(bob.user))) == [later.pk]
    assert ids(client.get(EVENTS, {"mine": "true"}, headers=bearer(bob.user))) == [soon.pk]
    to_date = in_days(10).date().isoformat()
    assert ids(client.get(EVENTS, {"to_date": to_date}, headers=bearer(bob.user))) == [soon.pk]


def test_bad_event_periods_are_explained_in_french(client, bearer, bob):
    response = client.get(
        EVENTS, {"from_date": "2026-05-10", "to_date": "2026-05-01"}, headers=bearer(bob.user)
    )

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Requête invalide : paramètre « to_date » (2026-05-01) avant « from_date » (2026-05-10)"
    )
    response = client.get(EVENTS, {"from_date": "demain"}, headers=bearer(bob.user))
    assert response.status_code == 422
    assert "paramètre « from_date » doit être une date" in response.json()["detail"]


def test_an_event_on_invitation_is_seen_by_its_guests_only(
    client, bearer, alice, bob, antoine, claire
):
    organiser = antoine
    event = make_event(
        organiser=organiser, title="TP sur invitation", registration_mode="invitation"
    )
    registration_services.registrations_invite(actor=organiser, event=event, members=[alice])

    assert ids(client.get(EVENTS, headers=bearer(bob.user))) == []
    assert client.get(f"{EVENTS}/{event.pk}", headers=bearer(bob.user)).status_code == 404
    assert client.get(registrations(event.pk), headers=bearer(bob.user)).status_code == 404
    assert client.post(registrations(event.pk), headers=bearer(bob.user)).status_code == 404
    for user in (alice.user, organiser, claire):
        response = client.get(f"{EVENTS}/{event.pk}", headers=bearer(user))
        assert response.status_code == 200
    assert client.get(f"{EVENTS}/{event.pk}", headers=bearer(alice.user)).json()["my_status"] == (
        "invited"
    )


def test_the_event_list_runs_the_same_queries_for_one_or_three_events(client, bearer, bob):
    headers = bearer(bob.user)

    def add_event(n: int) -> None:
        event = make_event(title=f"Atelier {n}", capacity=1, start=in_days(n + 1))
        registration_services.registration_register(actor=None, event=event, member=bob)
        registration_services.registration_register(
            actor=None, event=event, member=member(f"Attente{n}")
        )

    add_event(1)
    one = count_queries(client, EVENTS, headers)
    add_event(2)
    add_event(3)
    three = count_queries(client, EVENTS, headers)

    assert (one[0], three[0]) == (1, 3)
    assert one[1] == three[1]


# --- registrations ---------------------------------------------------------------------------


def test_register_then_the_waiting_list_when_full(client, bearer, alice, bob, claire):
    event = make_event(organiser=claire, title="Atelier devis", capacity=1)

    first = client.post(registrations(event.pk), headers=bearer(alice.user))
    second = client.post(registrations(event.pk), headers=bearer(bob.user))

    assert first.status_code == 201
    body = first.json()
    assert (body["status"], body["position"], body["member"]["name"]) == (
        "registered",
        None,
        "Alice Martin",
    )
    assert body["message"] == "Vous êtes inscrit·e à « Atelier devis »."
    assert second.status_code == 201
    assert (second.json()["status"], second.json()["position"]) == ("waiting", 1)
    assert second.json()["message"] == (
        "« Atelier devis » est complet : vous êtes sur la liste d'attente, au rang 1. "
        "Vous serez prévenu·e si une place se libère."
    )


def test_cancelling_gives_the_seat_to_the_first_waiting(client, bearer, alice, bob, claire):
    event = make_event(organiser=claire, title="Atelier devis", capacity=1)
    client.post(registrations(event.pk), headers=bearer(alice.user))
    client.post(registrations(event.pk), headers=bearer(bob.user))

    response = client.delete(registrations(event.pk), headers=bearer(alice.user))

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["message"]) == (
        "cancelled",
        "Vous êtes désinscrit·e de « Atelier devis ».",
    )
    assert Registration.objects.get(event=event, member=bob).status == "registered"
    again = client.delete(registrations(event.pk), headers=bearer(alice.user))
    assert again.status_code == 422
    assert again.json()["detail"] == (
        "Requête invalide : Vous n'êtes ni inscrit·e ni sur la liste d'attente de « Atelier "
        "devis »."
    )


def test_an_invitation_is_accepted_by_post_and_declined_by_delete(
    client, bearer, alice, bob, claire
):
    event = make_event(organiser=claire, title="Forum", registration_mode="invitation")
    registration_services.registrations_invite(actor=claire, event=event, members=[alice, bob])

    accepted = client.post(registrations(event.pk), headers=bearer(alice.user))
    declined = client.delete(registrations(event.pk), headers=bearer(bob.user))

    assert (accepted.status_code, accepted.json()["status"]) == (201, "registered")
    assert (declined.status_code, declined.json()["status"]) == (200, "cancelled")
    assert declined.json()["message"] == "Invitation à « Forum » déclinée."


def test_closed_registrations_are_refused_in_french(client, bearer, alice, claire):
    event = make_event(organiser=claire, title="Atelier", registration_mode="closed")

    response = client.post(registrations(event.pk), headers=bearer(alice.user))

    assert response.status_code == 422
    message = "Les inscriptions à « Atelier » sont fermées."
    assert response.json()["detail"] == f"Requête invalide : {message}"
    assert response.json()["errors"] == [{"loc": ["body"], "msg": message, "type": "value_error"}]
    assert not Registration.objects.filter(event=event).exists()


def test_registering_twice_or_after_the_start_is_refused(client, bearer, alice, claire):
    event = make_event(organiser=claire, title="Atelier devis")
    client.post(registrations(event.pk), headers=bearer(alice.user))

    twice = client.post(registrations(event.pk), headers=bearer(alice.user))
    assert twice.status_code == 422
    assert twice.json()["detail"] == (
        "Requête invalide : Alice Martin est déjà inscrit·e à « Atelier devis »."
    )
    started = move_to_past(make_event(organiser=claire, title="Atelier d'hier"))
    late = client.post(registrations(started.pk), headers=bearer(alice.user))
    assert late.status_code == 422
    assert "a commencé le" in late.json()["detail"]
    assert client.delete(registrations(started.pk), headers=bearer(alice.user)).status_code == 422


def test_advisors_and_staff_do_not_register(client, bearer, antoine, claire):
    event = make_event(organiser=claire)

    for user in (antoine, claire):
        response = client.post(registrations(event.pk), headers=bearer(user))
        assert response.status_code == 403
        assert response.json()["detail"].startswith(
            "Seul·es les entrepreneur·es membres de la coopérative s'inscrivent"
        )
        assert client.delete(registrations(event.pk), headers=bearer(user)).status_code == 403


def test_the_organiser_reads_every_registration_others_their_own(
    client, bearer, alice, bob, antoine, claire
):
    event = make_event(organiser=antoine, title="Atelier devis", capacity=1)
    registration_services.registration_register(actor=None, event=event, member=alice)
    registration_services.registration_register(actor=None, event=event, member=bob)

    for user in (antoine, claire):
        rows = client.get(registrations(event.pk), headers=bearer(user)).json()
        assert [(r["member"]["name"], r["status"], r["position"]) for r in rows] == [
            ("Alice Martin", "registered", None),
            ("Bob Durand", "waiting", 1),
        ]
    own = client.get(registrations(event.pk), headers=bearer(bob.user)).json()
    assert [(r["member"]["name"], r["status"]) for r in own] == [("Bob Durand", "waiting")]
    dana = member("Dana")
    assert client.get(registrations(event.pk), headers=bearer(dana.user)).json() == []
    assert client.get(registrations(event.pk + 1), headers=bearer(claire)).status_code == 404


def test_attendance_shows_in_the_organiser_s_list(client, bearer, alice, bob, claire):
    event = make_event(organiser=claire, title="Mensuelle", kind="monthly")
    for who in (alice, bob):
        registration_services.registration_register(actor=None, event=event, member=who)
    move_to_past(event)
    registration_services.attendance_take(
        actor=claire, event=event, marks={alice.pk: "present", bob.pk: "excused"}
    )

    rows = client.get(registrations(event.pk), headers=bearer(claire)).json()
    detail = client.get(f"{EVENTS}/{event.pk}", headers=bearer(alice.user)).json()

    assert [(r["member"]["name"], r["attendance"]) for r in rows] == [
        ("Bob Durand", "excused"),
        ("Alice Martin", "present"),
    ]
    assert detail["attendance_taken"] is True


def test_the_registration_list_runs_the_same_queries_for_one_or_three(client, bearer, claire):
    event = make_event(organiser=claire, capacity=2)
    headers = bearer(claire)
    registration_services.registration_register(actor=None, event=event, member=member("Un"))
    one = count_queries(client, registrations(event.pk), headers)
    for name in ("Deux", "Trois"):
        registration_services.registration_register(actor=None, event=event, member=member(name))
    three = count_queries(client, registrations(event.pk), headers)

    assert (one[0], three[0]) == (1, 3)
    assert one[1] == three[1]
