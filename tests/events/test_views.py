"""The calendar, an event's page and its actions, my registrations: who sees and does what,
and the number of queries of every list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.events.models import Event, Registration
from essaim.events.services import registrations
from essaim.events.services.registrations import feedback_give
from tests.events.factories import (
    entrepreneur,
    in_days,
    make_event,
    move_to_past,
    queries_to_render,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def detail(event: Event) -> str:
    return reverse("events:detail", args=[event.pk])


# -- anonymous -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page_everywhere(client, claire):
    event = make_event(organiser=claire)
    urls = [
        reverse("events:calendar"),
        reverse("events:mine"),
        reverse("events:create"),
        detail(event),
        reverse("events:edit", args=[event.pk]),
        reverse("events:attendance", args=[event.pk]),
        reverse("events:feedback_list", args=[event.pk]),
        reverse("events:invite", args=[event.pk]),
        reverse("events:peer_list"),
        reverse("events:peer_create"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    response = client.post(reverse("events:register", args=[event.pk]))
    assert response.status_code == 302 and not Registration.objects.exists()


# -- calendar --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "antoine", "claire"])
def test_everyone_of_the_cooperative_sees_the_calendar(client, who, request, claire):
    person = request.getfixturevalue(who)
    make_event(organiser=claire, title="Mensuelle d'avril", kind="monthly")
    client.force_login(getattr(person, "user", person))
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 200
    assert "Mensuelle d&#x27;avril" in text(response)


def test_an_invitation_only_event_is_seen_by_its_guests_only(client, alice, bob, claire):
    event = make_event(organiser=claire, title="Comité restreint", registration_mode="invitation")
    registrations.registrations_invite(actor=claire, event=event, members=[alice])

    client.force_login(bob.user)
    assert "Comité restreint" not in text(client.get(reverse("events:calendar")))
    assert client.get(detail(event)).status_code == 403

    client.force_login(alice.user)
    assert "Comité restreint" in text(client.get(reverse("events:calendar")))
    page = client.get(detail(event))
    assert page.status_code == 200 and "Accepter l'invitation" in text(page)

    client.force_login(claire)
    assert client.get(detail(event)).status_code == 200


def test_calendar_filters_by_kind_and_my_registrations(client, alice, claire):
    monthly = make_event(organiser=claire, title="Grande mensuelle", kind="monthly")
    make_event(organiser=claire, title="Atelier devis")
    registrations.registration_register(actor=None, event=monthly, member=alice)
    client.force_login(alice.user)
    url = reverse("events:calendar")
    by_kind = text(client.get(url, {"type": "workshop"}))
    assert "Atelier devis" in by_kind and "Grande mensuelle" not in by_kind
    mine = text(client.get(url, {"mes": "on"}))
    assert "Grande mensuelle" in mine and "Atelier devis" not in mine


def test_calendar_shows_the_chosen_month(client, alice, claire):
    event = make_event(organiser=claire, title="Université d'automne", start=in_days(70))
    client.force_login(alice.user)
    month = event.start.strftime("%Y-%m")
    response = client.get(reverse("events:calendar"), {"mois": month})
    assert response.status_code == 200
    assert 'id="h-month"' in text(response) and "Université d&#x27;automne" in text(response)


def test_calendar_queries_do_not_grow_with_events(client, alice, bob, claire):
    client.force_login(alice.user)
    url = reverse("events:calendar")

    def add_event(n: int) -> None:
        event = make_event(organiser=claire, title=f"Événement {n}", start=in_days(2 + n))
        registrations.registration_register(actor=None, event=event, member=bob)

    add_event(1)
    one = queries_to_render(client, url)
    add_event(2)
    add_event(3)
    assert queries_to_render(client, url) == one


# -- registering -----------------------------------------------------------------------------


def test_registering_past_capacity_says_so(client, alice, bob, claire):
    event = make_event(organiser=claire, capacity=1)
    registrations.registration_register(actor=None, event=event, member=bob)
    client.force_login(alice.user)
    page = text(client.get(detail(event)))
    assert "M'inscrire sur la liste d'attente" in page

    response = client.post(reverse("events:register", args=[event.pk]), follow=True)

    assert (
        "« Atelier prospection » est complet : vous êtes sur la liste d&#x27;attente, au rang 1. "
        "Vous serez prévenu·e si une place se libère." in text(response)
    )
    assert Registration.objects.get(member=alice).status == "waiting"


def test_register_then_unregister(client, alice, claire):
    event = make_event(organiser=claire)
    client.force_login(alice.user)
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert "Vous êtes inscrit·e à « Atelier prospection »." in text(response)
    response = client.post(reverse("events:unregister", args=[event.pk]), follow=True)
    assert "Vous êtes désinscrit·e" in text(response)
    assert Registration.objects.get().status == "cancelled"


def test_a_refused_registration_shows_the_reason(client, alice, claire):
    event = make_event(organiser=claire, registration_mode="closed", title="AG")
    client.force_login(alice.user)
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert "Les inscriptions à « AG » sont fermées." in text(response)


@pytest.mark.parametrize("who", ["antoine", "claire"])
def test_people_without_a_member_record_do_not_register(client, who, request):
    person = request.getfixturevalue(who)
    event = make_event()
    client.force_login(person)
    assert client.post(reverse("events:register", args=[event.pk])).status_code == 403


# -- the organiser ----------------------------------------------------------------------------


def test_the_registrations_list_is_the_organisers_and_its_queries_stay_flat(client, alice, claire):
    event = make_event(organiser=claire, capacity=2)
    registrations.registration_register(actor=None, event=event, member=alice)
    client.force_login(claire)
    one = queries_to_render(client, detail(event))
    assert "Alice Martin" in text(client.get(detail(event)))
    for name in ("Carol", "Dan"):
        registrations.registration_register(actor=None, event=event, member=entrepreneur(name))
    assert queries_to_render(client, detail(event)) == one
    page = text(client.get(detail(event)))
    assert "Sur liste d&#x27;attente (rang 1)" in page


def test_other_members_do_not_see_who_registered(client, alice, bob, claire):
    event = make_event(organiser=claire)
    registrations.registration_register(actor=None, event=event, member=alice)
    client.force_login(bob.user)
    page = text(client.get(detail(event)))
    assert "Alice Martin" not in page and "Inscrit·es : 1 —" in page


@pytest.fixture
def past_event(alice, bob, claire, antoine):
    """A workshop antoine organised yesterday; alice and bob registered."""
    event = make_event(organiser=antoine)
    registrations.registration_register(actor=None, event=event, member=alice)
    registrations.registration_register(actor=None, event=event, member=bob)
    return move_to_past(event)


def test_the_organiser_takes_attendance_for_all_at_once(client, past_event, alice, bob, antoine):
    url = reverse("events:attendance", args=[past_event.pk])
    client.force_login(antoine)
    form = text(client.get(url))
    assert f'name="member_{alice.pk}"' in form and f'name="member_{bob.pk}"' in form

    response = client.post(url, {f"member_{alice.pk}": "present", f"member_{bob.pk}": "absent"})

    assert response.status_code == 302 and response["Location"] == detail(past_event)
    assert dict(Registration.objects.values_list("member_id", "attendance")) == {
        alice.pk: "present",
        bob.pk: "absent",
    }


def test_attendance_sheet_queries_stay_flat(client, alice, bob, antoine):
    event = make_event(organiser=antoine)
    registrations.registration_register(actor=None, event=event, member=alice)
    move_to_past(event)
    url = reverse("events:attendance", args=[event.pk])
    client.force_login(antoine)
    one = queries_to_render(client, url)
    for member in (bob, entrepreneur("Carol")):
        Registration.objects.create(event=event, member=member, status="registered")
    assert f'name="member_{bob.pk}"' in text(client.get(url))
    assert queries_to_render(client, url) == one


def test_a_forgotten_member_on_the_sheet_is_named(client, past_event, alice, bob, antoine):
    client.force_login(antoine)
    response = client.post(
        reverse("events:attendance", args=[past_event.pk]), {f"member_{alice.pk}": "present"}
    )
    assert response.status_code == 200
    assert "Indiquez si Bob Durand était présent·e, absent·e ou excusé·e." in text(response)
    assert not Registration.objects.exclude(attendance="").exists()


@pytest.mark.parametrize("who", ["alice", "berenice"])
def test_attendance_is_refused_to_others_than_organiser_and_staff(client, who, request, past_event):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    url = reverse("events:attendance", args=[past_event.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_staff_take_attendance_too(client, past_event, alice, bob, claire):
    client.force_login(claire)
    response = client.post(
        reverse("events:attendance", args=[past_event.pk]),
        {f"member_{alice.pk}": "excused", f"member_{bob.pk}": "present"},
    )
    assert response.status_code == 302


def test_edit_and_cancel_are_the_organisers(client, alice, bob, claire):
    event = make_event(organiser=claire)
    client.force_login(alice.user)
    assert client.get(reverse("events:edit", args=[event.pk])).status_code == 403
    assert client.post(reverse("events:cancel", args=[event.pk])).status_code == 403
    client.force_login(claire)
    response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": "Grève."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled


def test_the_organiser_invites_members(client, alice, bob, claire):
    event = make_event(organiser=claire, registration_mode="invitation")
    client.force_login(claire)
    response = client.post(
        reverse("events:invite", args=[event.pk]), {"members": [alice.pk, bob.pk]}
    )
    assert response.status_code == 302
    assert sorted(Registration.objects.values_list("status", flat=True)) == ["invited"] * 2


# -- feedback -----------------------------------------------------------------------------------


@pytest.fixture
def rated(past_event, alice, bob, antoine):
    registrations.attendance_take(
        actor=antoine, event=past_event, marks={alice.pk: "present", bob.pk: "absent"}
    )
    feedback_give(actor=None, event=past_event, member=alice, rating=4, comment="Secret d'Alice")
    return past_event


@pytest.mark.parametrize(
    ("who", "status"),
    [("antoine", 200), ("claire", 200), ("alice", 403), ("bob", 403), ("berenice", 403)],
)
def test_feedback_is_read_by_the_organiser_and_staff_only(client, rated, who, status, request):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    response = client.get(reverse("events:feedback_list", args=[rated.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Secret d&#x27;Alice" in text(response)
    # The event's page shows everyone the counts, never the comment.
    page = text(client.get(detail(rated)))
    assert "1 avis, note moyenne 4,0 sur 5." in page
    assert "Secret d&#x27;Alice" not in page


def test_an_attendee_gives_feedback_an_absent_member_may_not(client, rated, alice, bob):
    url = reverse("events:feedback", args=[rated.pk])
    client.force_login(bob.user)
    assert client.get(url).status_code == 403
    client.force_login(alice.user)
    response = client.post(url, {"rating": "5", "comment": "Encore !"})
    assert response.status_code == 302
    assert rated.feedback.get().rating == 5


def test_feedback_list_queries_stay_flat(client, alice, bob, antoine):
    carol = entrepreneur("Carol")
    event = make_event(organiser=antoine)
    for member in (alice, bob, carol):
        registrations.registration_register(actor=None, event=event, member=member)
    move_to_past(event)
    registrations.attendance_take(
        actor=antoine,
        event=event,
        marks={alice.pk: "present", bob.pk: "present", carol.pk: "present"},
    )
    url = reverse("events:feedback_list", args=[event.pk])
    client.force_login(antoine)
    feedback_give(actor=None, event=event, member=alice, rating=3)
    one = queries_to_render(client, url)
    feedback_give(actor=None, event=event, member=bob, rating=4)
    feedback_give(actor=None, event=event, member=carol, rating=5)
    assert queries_to_render(client, url) == one


# -- creating ------------------------------------------------------------------------------------


def test_an_entrepreneur_creates_peer_trainings_and_forums_only(client, alice, bob):
    client.force_login(alice.user)
    form = text(client.get(reverse("events:create")))
    assert 'value="forum"' in form and 'value="peer_training"' in form
    assert 'value="monthly"' not in form
    start = in_days(5)
    fields = {
        "kind": "forum",
        "title": "Forum export",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": start.replace(hour=20).strftime("%Y-%m-%dT%H:%M"),
        "place": "Maison des associations",
        "registration_mode": "open",
    }
    response = client.post(reverse("events:create"), fields)
    assert response.status_code == 200
    assert "Un forum thématique a un parrain ou une marraine" in text(response)

    response = client.post(reverse("events:create"), {**fields, "sponsor": bob.user.pk})
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(event)
    assert (event.organiser, event.sponsor, event.start) == (alice.user, bob.user, start)


def test_an_advisor_may_not_create_a_general_assembly(client, antoine):
    client.force_login(antoine)
    start = in_days(5)
    response = client.post(
        reverse("events:create"),
        {
            "kind": "general_assembly",
            "title": "AG",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": start.replace(hour=20).strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle",
            "registration_mode": "open",
        },
    )
    assert response.status_code == 200 and not Event.objects.exists()


# -- my registrations and my calendar address ----------------------------------------------------


def test_my_registrations_queries_stay_flat(client, alice, claire):
    client.force_login(alice.user)
    url = reverse("events:mine")

    def add(n: int, past: bool) -> None:
        event = make_event(organiser=claire, title=f"Événement {n}", start=in_days(2 + n))
        registrations.registration_register(actor=None, event=event, member=alice)
        if past:
            move_to_past(event, days=n)

    add(1, False)
    add(2, True)
    one = queries_to_render(client, url)
    for n in (3, 4):
        add(n, False)
    for n in (5, 6):
        add(n, True)
    assert queries_to_render(client, url) == one


def test_my_calendar_address_is_shown_once(client, alice):
    client.force_login(alice.user)
    response = client.post(reverse("events:mine"))
    page = text(response)
    assert response.status_code == 200
    assert "http://testserver/evenements/ical/" in page
    token = page.split("http://testserver/evenements/ical/")[1].split(".ics")[0]
    assert client.get(reverse("events:ical", args=[token])).status_code == 200
    again = text(client.get(reverse("events:mine")))
    assert token not in again and "Votre adresse a été créée le" in again


@pytest.mark.parametrize("who", ["antoine", "claire"])
def test_my_registrations_is_for_members(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("events:mine")).status_code == 403
