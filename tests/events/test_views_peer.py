"""Peer trainings' pages: the list, offering, saying one is interested, scheduling a session."""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.events.models import Event, PeerInterest, PeerTraining, Registration
from essaim.events.services import peer as services
from tests.events.factories import (
    data,
    entrepreneur,
    give_skill,
    in_days,
    make_training,
    queries_to_render,
    skill,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def sheet(db):
    return skill()


@pytest.fixture
def training(alice, sheet):
    give_skill(alice, sheet)
    return make_training(alice, [sheet], min_interested=2)


def page_of(training: PeerTraining) -> str:
    return reverse("events:peer_detail", args=[training.pk])


@pytest.mark.parametrize("who", ["bob", "antoine", "claire"])
def test_everyone_of_the_cooperative_sees_peer_trainings(client, training, who, request):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    assert "Le tableur pour suivre sa trésorerie" in text(client.get(reverse("events:peer_list")))
    assert client.get(page_of(training)).status_code == 200


def test_peer_list_queries_stay_flat(client, bob, sheet):
    client.force_login(bob.user)
    url = reverse("events:peer_list")

    def add(name: str) -> None:
        member = give_skill(entrepreneur(name), sheet)
        training = make_training(member, [sheet])
        services.peer_interest_add(actor=None, training=training, member=bob)

    add("Carol")
    one = queries_to_render(client, url)
    add("Dan")
    add("Eve")
    assert queries_to_render(client, url) == one


def test_offering_lists_only_my_own_skills(client, alice, bob, sheet):
    give_skill(alice, sheet)
    give_skill(bob, skill("t-form.compta", "Comptabilité de base"))
    client.force_login(alice.user)
    form = text(client.get(reverse("events:peer_create")))
    assert "Tableur avancé" in form and "Comptabilité de base" not in form

    response = client.post(
        reverse("events:peer_create"),
        {
            "title": "Tableur",
            "description": "Pour suivre sa trésorerie.",
            "nodes": [sheet.pk],
            "min_interested": 4,
        },
    )
    training = PeerTraining.objects.get()
    assert response.status_code == 302 and response["Location"] == page_of(training)
    assert (training.offerer, training.min_interested) == (alice, 4)


def test_without_skills_the_member_is_sent_to_their_profile(client, bob):
    client.force_login(bob.user)
    response = client.get(reverse("events:peer_create"))
    assert response.status_code == 200
    assert reverse("skills:my_profile") in text(response)
    assert "Votre profil n'en déclare aucune" in text(response)


@pytest.mark.parametrize("who", ["antoine", "claire"])
def test_only_entrepreneurs_offer_trainings(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("events:peer_create")).status_code == 403


def test_interest_then_scheduling_by_the_offerer(client, training, alice, bob):
    carol = entrepreneur("Carol")
    client.force_login(bob.user)
    response = client.post(reverse("events:peer_interest", args=[training.pk]), follow=True)
    assert "C&#x27;est noté" in text(response)
    services.peer_interest_add(actor=None, training=training, member=carol)

    # Bob may not schedule; alice, the offerer, may.
    schedule = reverse("events:peer_schedule", args=[training.pk])
    assert client.get(schedule).status_code == 403
    client.force_login(alice.user)
    assert "Programmer une session" in text(client.get(page_of(training)))
    start = in_days(10)
    response = client.post(
        schedule,
        {
            "title": "Tableur, session 1",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": start.replace(hour=20).strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle informatique",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "events:detail", args=[event.pk]
    )
    assert sorted(Registration.objects.values_list("member__first_name", "status")) == [
        ("Bob", "registered"),
        ("Carol", "registered"),
    ]
    page = text(client.get(page_of(training)))
    assert reverse("events:detail", args=[event.pk]) in page


def test_scheduling_below_the_minimum_is_refused_on_the_form(client, training, alice, bob):
    services.peer_interest_add(actor=None, training=training, member=bob)
    client.force_login(alice.user)
    start = in_days(10)
    response = client.post(
        reverse("events:peer_schedule", args=[training.pk]),
        {
            "title": "Tableur",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": start.replace(hour=20).strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle",
        },
    )
    assert response.status_code == 200
    assert "compte 1 intéressé·es en attente" in text(response)
    assert not Event.objects.exists()


def test_interested_names_are_for_the_offerer_and_staff(client, training, alice, bob, claire):
    carol = entrepreneur("Carol")
    services.peer_interest_add(actor=None, training=training, member=bob)
    client.force_login(carol.user)
    assert "Bob Durand" not in text(client.get(page_of(training)))
    for person in (alice.user, claire):
        client.force_login(person)
        assert "Bob Durand" in text(client.get(page_of(training)))


def test_edit_and_close_are_the_offerers(client, training, alice, bob):
    client.force_login(bob.user)
    assert client.get(reverse("events:peer_edit", args=[training.pk])).status_code == 403
    assert client.post(reverse("events:peer_close", args=[training.pk])).status_code == 403
    client.force_login(alice.user)
    assert client.post(reverse("events:peer_close", args=[training.pk])).status_code == 302
    training.refresh_from_db()
    assert not training.is_open


def test_withdraw_interest(client, training, bob):
    services.peer_interest_add(actor=None, training=training, member=bob)
    client.force_login(bob.user)
    response = client.post(reverse("events:peer_withdraw", args=[training.pk]))
    assert response.status_code == 302 and not PeerInterest.objects.exists()


def test_peer_page_queries_stay_flat(client, training, alice, sheet):
    """The offerer's page lists the interested members and the sessions."""
    client.force_login(alice.user)
    url = page_of(training)
    people = [entrepreneur(name) for name in ("Carol", "Dan", "Eve", "Fred")]
    for member in people[:2]:
        services.peer_interest_add(actor=None, training=training, member=member)
    services.peer_session_schedule(actor=alice.user, training=training, data=data())
    services.peer_interest_add(actor=None, training=training, member=people[2])
    one = queries_to_render(client, url)
    services.peer_interest_add(actor=None, training=training, member=people[3])
    services.peer_interest_add(
        actor=None, training=training, member=give_skill(entrepreneur("Gil"), sheet)
    )
    assert "Gil Test" in text(client.get(url))
    assert queries_to_render(client, url) == one
