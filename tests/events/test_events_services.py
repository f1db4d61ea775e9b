"""Creating, changing and cancelling events (services): the rules on kinds, dates, places,
sponsors, and who is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.events.models import Event
from essaim.events.services import registrations
from essaim.events.services.events import event_cancel, event_create, event_update
from tests.events.factories import data, entrepreneur, in_days, make_event, notes_of
from tests.factories import AdvisorFactory

pytestmark = pytest.mark.django_db


def test_staff_creates_an_event_with_an_audit_entry(claire):
    event = event_create(actor=claire, data=data(kind="monthly", title="Mensuelle de mars"))
    assert (event.organiser, event.status, event.sequence) == (claire, "scheduled", 0)
    entry = AuditEntry.objects.get(action="events.event_created")
    assert entry.target_id == str(event.pk) and entry.actor == claire


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        ("advisor", "workshop", "monthly"),
        ("entrepreneur", "peer_training", "general_assembly"),
    ],
)
def test_who_creates_which_kind(role, allowed, refused, antoine, alice):
    actor = antoine if role == "advisor" else alice.user
    assert event_create(actor=actor, data=data(kind=allowed)).kind == allowed
    with pytest.raises(ValidationError) as error:
        event_create(actor=actor, data=data(kind=refused))
    assert error.value.message_dict["kind"][0].startswith(
        "Votre rôle ne permet pas de créer un événement de type"
    )


def test_bad_input_is_refused_field_by_field(claire):
    start = in_days(3)
    with pytest.raises(ValidationError) as error:
        event_create(
            actor=claire,
            data=data(
                title=" ", start=start, end=start - dt.timedelta(hours=1), place="", capacity=0
            ),
        )
    assert set(error.value.message_dict) == {"title", "end", "place", "capacity"}
    assert error.value.message_dict["place"] == [
        "Indiquez un lieu ou un lien de connexion (l'un des deux au moins)."
    ]
    assert not Event.objects.exists()


def test_an_online_event_needs_no_place(claire):
    event = make_event(organiser=claire, place="", online_url="https://visio.example.org/abc")
    assert event.online_url == "https://visio.example.org/abc"


def test_a_forum_needs_its_sponsor(claire, alice, bob):
    with pytest.raises(ValidationError) as error:
        event_create(actor=alice.user, data=data(kind="forum", title="Forum export"))
    assert error.value.message_dict == {
        "sponsor": ["Un forum thématique a un parrain ou une marraine : choisissez-le ou la."]
    }
    forum = event_create(
        actor=alice.user, data=data(kind="forum", title="Forum export", sponsor=bob.user)
    )
    assert forum.sponsor == bob.user
    # A sponsor on another kind is dropped.
    workshop = make_event(organiser=claire, sponsor=bob.user)
    assert workshop.sponsor is None


def test_a_member_who_left_does_not_sponsor(alice, bob):
    from tests.skills.directory_data import leave

    leave(bob)
    with pytest.raises(ValidationError) as error:
        event_create(actor=alice.user, data=data(kind="forum", sponsor=bob.user))
    assert error.value.message_dict["sponsor"] == [
        "Bob Durand ne peut pas parrainer un forum : choisissez un membre de la coopérative ou "
        "une personne de l'équipe."
    ]


def test_a_new_date_is_told_and_raises_the_sequence(alice, claire):
    event = make_event(organiser=claire)
    registrations.registration_register(actor=None, event=event, member=alice)
    later = in_days(9)
    event_update(actor=claire, event=event, data=data(start=later))
    event.refresh_from_db()
    assert (event.start, event.sequence) == (later, 1)
    [note] = notes_of(alice.user, "events.changed")
    assert note.title == "« Atelier prospection » change de date ou de lieu"
    # A new description only: nobody told, same sequence.
    event_update(
        actor=claire, event=event, data=data(start=later, description="Apportez vos devis.")
    )
    event.refresh_from_db()
    assert event.sequence == 1
    assert len(notes_of(alice.user, "events.changed")) == 1


def test_cancelling_tells_registered_waiting_and_invited(alice, bob, claire):
    carol = entrepreneur("Carol")
    event = make_event(organiser=claire, capacity=1)
    registrations.registration_register(actor=None, event=event, member=alice)
    registrations.registration_register(actor=None, event=event, member=bob)
    registrations.registrations_invite(actor=claire, event=event, members=[carol])

    event_cancel(actor=claire, event=event, reason="Salle indisponible.")

    event.refresh_from_db()
    assert (event.status, event.sequence) == ("cancelled", 1)
    for member in (alice, bob, carol):
        [note] = notes_of(member.user, "events.cancelled")
        assert note.body == "Salle indisponible."
    with pytest.raises(ValidationError):
        event_cancel(actor=claire, event=event)
    with pytest.raises(ValidationError):
        event_update(actor=claire, event=event, data=data())


def test_an_advisor_keeps_the_kind_of_an_event_they_organise(antoine):
    event = make_event(organiser=antoine)
    changed = event_update(actor=antoine, event=event, data=data(title="Atelier devis"))
    assert changed.title == "Atelier devis"
    other = AdvisorFactory()
    with pytest.raises(ValidationError):
        event_update(actor=other, event=event, data=data(kind="general_assembly"))
