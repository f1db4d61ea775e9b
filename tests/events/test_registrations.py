"""Registration, the waiting list, invitations, attendance and feedback (services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from essaim.core.models import AuditEntry
from essaim.events.models import Event, Feedback, Registration
from essaim.events.services import registrations as services
from tests.events.factories import (
    entrepreneur,
    make_event,
    move_to_past,
    notes_of,
)

pytestmark = pytest.mark.django_db


def states(event: Event) -> list[tuple[str, str, int | None]]:
    return [
        (r.member.first_name, r.status, r.position)
        for r in Registration.objects.filter(event=event).select_related("member").order_by("id")
    ]


def test_registering_past_capacity_puts_on_the_waiting_list(alice, bob):
    carol = entrepreneur("Carol")
    event = make_event(capacity=1)
    first = services.registration_register(actor=alice.user, event=event, member=alice)
    second = services.registration_register(actor=bob.user, event=event, member=bob)
    third = services.registration_register(actor=carol.user, event=event, member=carol)
    assert (first.status, first.position) == ("registered", None)
    assert (second.status, second.position) == ("waiting", 1)
    assert (third.status, third.position) == ("waiting", 2)
    assert AuditEntry.objects.filter(action="events.waiting_listed").count() == 2


def test_a_cancellation_promotes_the_first_waiting_who_is_told(alice, bob):
    carol = entrepreneur("Carol")
    event = make_event(capacity=1)
    mine = services.registration_register(actor=alice.user, event=event, member=alice)
    services.registration_register(actor=bob.user, event=event, member=bob)
    services.registration_register(actor=carol.user, event=event, member=carol)

    services.registration_cancel(actor=alice.user, registration=mine)

    assert states(event) == [
        ("Alice", "cancelled", None),
        ("Bob", "registered", None),
        ("Carol", "waiting", 1),
    ]
    [note] = notes_of(bob.user, "events.promoted")
    assert note.title == "Une place s'est libérée : vous êtes inscrit·e à « Atelier prospection »"
    assert note.url == f"/evenements/{event.pk}/"
    assert notes_of(carol.user, "events.promoted") == []


def test_leaving_the_waiting_list_moves_those_behind_up(alice, bob):
    carol, dan = entrepreneur("Carol"), entrepreneur("Dan")
    event = make_event(capacity=1)
    services.registration_register(actor=None, event=event, member=alice)
    waiting_bob = services.registration_register(actor=None, event=event, member=bob)
    services.registration_register(actor=None, event=event, member=carol)
    services.registration_register(actor=None, event=event, member=dan)

    services.registration_cancel(actor=None, registration=waiting_bob)

    assert states(event) == [
        ("Alice", "registered", None),
        ("Bob", "cancelled", None),
        ("Carol", "waiting", 1),
        ("Dan", "waiting", 2),
    ]


def test_registering_twice_is_refused_in_french(alice):
    event = make_event()
    services.registration_register(actor=None, event=event, member=alice)
    with pytest.raises(ValidationError) as error:
        services.registration_register(actor=None, event=event, member=alice)
    assert error.value.messages == ["Alice Martin est déjà inscrit·e à « Atelier prospection »."]


def test_a_cancelled_member_may_register_again_at_the_end_of_the_queue(alice, bob):
    event = make_event(capacity=1)
    mine = services.registration_register(actor=None, event=event, member=alice)
    services.registration_cancel(actor=None, registration=mine)
    services.registration_register(actor=None, event=event, member=bob)
    again = services.registration_register(actor=None, event=event, member=alice)
    assert (again.pk, again.status, again.position) == (mine.pk, "waiting", 1)


def test_closed_and_invitation_only_events_refuse_registration(alice):
    closed = make_event(registration_mode="closed", title="AG")
    private = make_event(registration_mode="invitation", title="Comité")
    with pytest.raises(ValidationError) as error:
        services.registration_register(actor=None, event=closed, member=alice)
    assert error.value.messages == ["Les inscriptions à « AG » sont fermées."]
    with pytest.raises(ValidationError) as error:
        services.registration_register(actor=None, event=private, member=alice)
    assert error.value.messages == [
        "« Comité » est sur invitation : seules les personnes invitées s'y inscrivent."
    ]
    assert not Registration.objects.exists()


def test_an_invited_member_accepts_by_registering_or_declines(alice, bob, claire):
    event = make_event(registration_mode="invitation", capacity=1, organiser=claire)
    invited = services.registrations_invite(
        actor=claire, event=event, members=[alice, bob], message="Venez !"
    )
    assert [r.status for r in invited] == ["invited", "invited"]
    [note] = notes_of(alice.user, "events.invited")
    assert note.body == "Venez !"

    accepted = services.registration_register(actor=alice.user, event=event, member=alice)
    assert accepted.status == "registered"
    declined = services.registration_decline(
        actor=bob.user, registration=Registration.objects.get(event=event, member=bob)
    )
    assert declined.status == "cancelled"
    # Invited again: the row comes back as an invitation; already registered: left alone.
    again = services.registrations_invite(actor=claire, event=event, members=[alice, bob])
    assert [(r.member_id, r.status) for r in again] == [(bob.pk, "invited")]


def test_no_registration_once_started_or_cancelled(alice, claire):
    started = make_event(title="Mensuelle", kind="monthly", organiser=claire)
    move_to_past(started)
    with pytest.raises(ValidationError) as error:
        services.registration_register(actor=None, event=started, member=alice)
    assert "« Mensuelle » a commencé le" in error.value.messages[0]


def test_more_seats_give_them_to_the_waiting_list(alice, bob, claire):
    from essaim.events.services.events import event_update
    from tests.events.factories import data

    event = make_event(capacity=1, organiser=claire)
    services.registration_register(actor=None, event=event, member=alice)
    services.registration_register(actor=None, event=event, member=bob)
    event_update(
        actor=claire,
        event=event,
        data=data(capacity=2, start=event.start, end=event.end),
    )
    assert states(event) == [("Alice", "registered", None), ("Bob", "registered", None)]
    assert len(notes_of(bob.user, "events.promoted")) == 1


def test_fewer_seats_than_registered_is_refused(alice, bob, claire):
    from essaim.events.services.events import event_update
    from tests.events.factories import data

    event = make_event(capacity=5, organiser=claire)
    services.registration_register(actor=None, event=event, member=alice)
    services.registration_register(actor=None, event=event, member=bob)
    with pytest.raises(ValidationError) as error:
        event_update(actor=claire, event=event, data=data(capacity=1, start=event.start))
    assert error.value.message_dict["capacity"][0].startswith(
        "2 membres sont déjà inscrit·es : le nombre de places ne peut pas descendre à 1."
    )
    event.refresh_from_db()
    assert event.capacity == 5


# -- attendance ----------------------------------------------------------------------------


def test_attendance_for_all_registered_at_once(alice, bob, claire):
    event = make_event(organiser=claire)
    services.registration_register(actor=None, event=event, member=alice)
    services.registration_register(actor=None, event=event, member=bob)
    move_to_past(event)

    services.attendance_take(
        actor=claire, event=event, marks={alice.pk: "present", bob.pk: "excused"}
    )

    assert dict(Registration.objects.values_list("member_id", "attendance")) == {
        alice.pk: "present",
        bob.pk: "excused",
    }
    event.refresh_from_db()
    assert event.attendance_taken_at is not None
    entry = AuditEntry.objects.get(action="events.attendance_taken")
    assert entry.changes == {"Alice Martin": ["", "present"], "Bob Durand": ["", "excused"]}


def test_attendance_for_someone_not_registered_is_refused_whole(alice, bob, claire):
    event = make_event(organiser=claire)
    services.registration_register(actor=None, event=event, member=alice)
    move_to_past(event)
    with pytest.raises(ValidationError) as error:
        services.attendance_take(
            actor=claire, event=event, marks={alice.pk: "present", bob.pk: "present"}
        )
    assert error.value.messages == [
        "Présence notée pour quelqu'un qui n'est pas inscrit·e à « Atelier prospection » : "
        "Bob Durand. On ne note la présence que des membres inscrits."
    ]
    assert Registration.objects.get(member=alice).attendance == ""  # nothing partial
    event.refresh_from_db()
    assert event.attendance_taken_at is None


def test_a_waiting_member_gets_no_attendance(alice, bob, claire):
    event = make_event(organiser=claire, capacity=1)
    services.registration_register(actor=None, event=event, member=alice)
    services.registration_register(actor=None, event=event, member=bob)  # waiting
    move_to_past(event)
    with pytest.raises(ValidationError) as error:
        services.attendance_take(actor=claire, event=event, marks={bob.pk: "absent"})
    assert "Bob Durand" in error.value.messages[0]


def test_attendance_waits_for_the_event_to_start(alice, claire):
    event = make_event(organiser=claire)
    services.registration_register(actor=None, event=event, member=alice)
    with pytest.raises(ValidationError) as error:
        services.attendance_take(actor=claire, event=event, marks={alice.pk: "present"})
    assert error.value.messages[0].startswith(
        "Les présences se notent une fois l'événement commencé"
    )


def test_unknown_attendance_value_is_refused(alice, claire):
    event = make_event(organiser=claire)
    services.registration_register(actor=None, event=event, member=alice)
    move_to_past(event)
    with pytest.raises(ValidationError) as error:
        services.attendance_take(actor=claire, event=event, marks={alice.pk: "late"})
    assert error.value.messages == ["Présence inconnue : late (présent·e, absent·e ou excusé·e)."]


# -- feedback ------------------------------------------------------------------------------


def attended(alice, bob, claire) -> Event:
    event = make_event(organiser=claire)
    services.registration_register(actor=None, event=event, member=alice)
    services.registration_register(actor=None, event=event, member=bob)
    move_to_past(event)
    services.attendance_take(
        actor=claire, event=event, marks={alice.pk: "present", bob.pk: "absent"}
    )
    return event


def test_only_attendees_give_feedback_once_it_is_over(alice, bob, claire):
    event = attended(alice, bob, claire)
    feedback = services.feedback_give(
        actor=alice.user, event=event, member=alice, rating=4, comment=" Très utile. "
    )
    assert (feedback.rating, feedback.comment) == (4, "Très utile.")
    again = services.feedback_give(actor=alice.user, event=event, member=alice, rating=5)
    assert again.pk == feedback.pk and Feedback.objects.get().rating == 5
    with pytest.raises(ValidationError) as error:
        services.feedback_give(actor=bob.user, event=event, member=bob, rating=1)
    assert error.value.messages == [
        "Seules les personnes notées présentes à « Atelier prospection » donnent leur avis ; "
        "Bob Durand ne l'est pas."
    ]


def test_feedback_rating_goes_from_1_to_5(alice, bob, claire):
    event = attended(alice, bob, claire)
    with pytest.raises(ValidationError) as error:
        services.feedback_give(actor=None, event=event, member=alice, rating=6)
    assert error.value.message_dict == {"rating": ["La note va de 1 à 5."]}


def test_feedback_waits_for_the_end(alice, claire):
    event = make_event(organiser=claire)
    services.registration_register(actor=None, event=event, member=alice)
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=1)
    )
    event.refresh_from_db()
    services.attendance_take(actor=claire, event=event, marks={alice.pk: "present"})
    with pytest.raises(ValidationError) as error:
        services.feedback_give(actor=None, event=event, member=alice, rating=3)
    assert error.value.messages == ["Les avis se donnent une fois « Atelier prospection » terminé."]
