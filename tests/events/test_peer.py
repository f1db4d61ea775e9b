"""Peer trainings (services): offered on skills one holds, interest, the minimum, sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.events.models import PeerInterest, Registration
from essaim.events.services import peer as services
from essaim.events.services import registrations
from essaim.events.services.events import event_cancel
from tests.events.factories import (
    data,
    entrepreneur,
    give_skill,
    in_days,
    make_training,
    notes_of,
    skill,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(db):
    return skill()


@pytest.fixture
def training(alice, sheet):
    give_skill(alice, sheet)
    return make_training(alice, [sheet], min_interested=2)


def test_a_member_offers_a_training_on_skills_they_hold(alice, sheet):
    give_skill(alice, sheet)
    training = make_training(alice, [sheet], min_interested=3)
    assert list(training.nodes.all()) == [sheet]
    assert (training.offerer, training.min_interested, training.status) == (alice, 3, "open")
    assert AuditEntry.objects.filter(action="events.peer_training_offered").count() == 1


def test_a_skill_not_on_the_profile_is_refused(alice, sheet):
    other = skill("t-form.compta", "Comptabilité de base")
    give_skill(alice, sheet)
    with pytest.raises(ValidationError) as error:
        make_training(alice, [sheet, other])
    assert error.value.message_dict["nodes"] == [
        "Alice Martin ne déclare pas sur son profil : « Comptabilité de base ». Une formation "
        "mutuelle porte sur des compétences que l'on a : ajoutez-les d'abord à votre profil."
    ]


def test_interest_and_the_offerer_told_when_the_minimum_is_reached(training, alice, bob):
    carol = entrepreneur("Carol")
    services.peer_interest_add(actor=bob.user, training=training, member=bob)
    assert notes_of(alice.user, "events.peer_ready") == []
    services.peer_interest_add(actor=carol.user, training=training, member=carol)
    [note] = notes_of(alice.user, "events.peer_ready")
    assert note.title == (
        "« Le tableur pour suivre sa trésorerie » : 2 membres intéressés, programmez une session"
    )
    with pytest.raises(ValidationError) as error:
        services.peer_interest_add(actor=bob.user, training=training, member=bob)
    assert error.value.messages == [
        "Bob Durand est déjà intéressé·e par « Le tableur pour suivre sa trésorerie »."
    ]
    with pytest.raises(ValidationError):
        services.peer_interest_add(actor=alice.user, training=training, member=alice)


def test_a_session_waits_for_the_minimum(training, alice, bob):
    services.peer_interest_add(actor=None, training=training, member=bob)
    with pytest.raises(ValidationError) as error:
        services.peer_session_schedule(actor=alice.user, training=training, data=data())
    assert error.value.messages == [
        "« Le tableur pour suivre sa trésorerie » compte 1 intéressé·es en attente d'une "
        "session sur les 2 fixé·es : une session se programme quand le minimum est atteint."
    ]


def test_scheduling_registers_the_interested_and_tells_them(training, alice, bob, claire):
    carol, dan = entrepreneur("Carol"), entrepreneur("Dan")
    for member in (bob, carol, dan):
        services.peer_interest_add(actor=None, training=training, member=member)

    # Management staff schedule it for the offerer, with two seats.
    event = services.peer_session_schedule(
        actor=claire, training=training, data=data(title="Tableur, session 1", capacity=2)
    )

    assert (event.kind, event.organiser, event.peer_training) == (
        "peer_training",
        alice.user,
        training,
    )
    assert [
        (r.member.first_name, r.status, r.position)
        for r in Registration.objects.filter(event=event).order_by("id")
    ] == [("Bob", "registered", None), ("Carol", "registered", None), ("Dan", "waiting", 1)]
    assert set(PeerInterest.objects.values_list("session", flat=True)) == {event.pk}
    for member in (bob, carol, dan):
        assert len(notes_of(member.user, "events.peer_scheduled")) == 1
    # Nobody left waiting for another session: the minimum is not met any more.
    with pytest.raises(ValidationError):
        services.peer_session_schedule(actor=alice.user, training=training, data=data())


def test_a_session_is_in_the_future(training, bob):
    carol = entrepreneur("Carol")
    services.peer_interest_add(actor=None, training=training, member=bob)
    services.peer_interest_add(actor=None, training=training, member=carol)
    start = in_days(-2)
    with pytest.raises(ValidationError) as error:
        services.peer_session_schedule(
            actor=None, training=training, data=data(start=start, end=start + dt.timedelta(hours=1))
        )
    assert error.value.message_dict == {"start": ["Une session se programme dans le futur."]}
    assert not Registration.objects.exists()


def test_unregistering_or_a_cancelled_session_puts_the_interest_back(training, alice, bob):
    carol = entrepreneur("Carol")
    services.peer_interest_add(actor=None, training=training, member=bob)
    services.peer_interest_add(actor=None, training=training, member=carol)
    event = services.peer_session_schedule(actor=alice.user, training=training, data=data())

    registrations.registration_cancel(
        actor=bob.user, registration=Registration.objects.get(event=event, member=bob)
    )
    assert PeerInterest.objects.get(member=bob).session is None
    assert PeerInterest.objects.get(member=carol).session == event

    event_cancel(actor=alice.user, event=event)
    assert PeerInterest.objects.filter(session__isnull=True).count() == 2


def test_withdrawing_interest_only_while_waiting(training, alice, bob):
    carol = entrepreneur("Carol")
    interest = services.peer_interest_add(actor=None, training=training, member=bob)
    services.peer_interest_withdraw(actor=bob.user, interest=interest)
    assert not PeerInterest.objects.filter(member=bob).exists()

    services.peer_interest_add(actor=None, training=training, member=bob)
    services.peer_interest_add(actor=None, training=training, member=carol)
    services.peer_session_schedule(actor=alice.user, training=training, data=data())
    with pytest.raises(ValidationError) as error:
        services.peer_interest_withdraw(
            actor=bob.user, interest=PeerInterest.objects.get(member=bob)
        )
    assert "désinscrivez-vous de la session plutôt" in error.value.messages[0]


def test_a_closed_training_takes_no_interest(training, alice, bob):
    services.peer_training_close(actor=alice.user, training=training)
    with pytest.raises(ValidationError) as error:
        services.peer_interest_add(actor=None, training=training, member=bob)
    assert error.value.messages == [
        "« Le tableur pour suivre sa trésorerie » est close : elle ne prend plus d'intéressé·es."
    ]


def test_update_checks_the_skills_again(training, alice, sheet):
    other = skill("t-form.compta", "Comptabilité de base")
    with pytest.raises(ValidationError):
        services.peer_training_update(
            actor=alice.user,
            training=training,
            title="Nouveau titre",
            description="x",
            nodes=[other],
            min_interested=2,
        )
    training.refresh_from_db()
    assert training.title == "Le tableur pour suivre sa trésorerie"
