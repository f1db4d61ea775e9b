"""Participation rows and yearly figures read by the collective statistics; the reminders
command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from essaim.events import selectors
from essaim.events.models import Event, PeerInterest, PeerTraining, Registration
from essaim.events.services import peer as peer_services
from essaim.events.services import registrations
from essaim.events.services.events import event_cancel
from tests.events.factories import (
    data,
    entrepreneur,
    give_skill,
    in_days,
    make_event,
    make_training,
    notes_of,
    skill,
)

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 18) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def set_dates(event: Event, start: dt.datetime) -> Event:
    Event.objects.filter(pk=event.pk).update(start=start, end=start + dt.timedelta(hours=2))
    event.refresh_from_db()
    return event


def test_participation_rows_dated_by_the_event(alice, bob, claire):
    carol = entrepreneur("Carol")
    monthly = make_event(organiser=claire, kind="monthly", capacity=2)
    for member in (alice, bob, carol):
        registrations.registration_register(actor=None, event=monthly, member=member)
    set_dates(monthly, at(dt.date(2025, 3, 13)))
    registrations.attendance_take(
        actor=claire, event=monthly, marks={alice.pk: "present", bob.pk: "excused"}
    )
    other = make_event(organiser=claire)
    registrations.registration_register(actor=None, event=other, member=alice)
    set_dates(other, at(dt.date(2025, 5, 2)))

    rows = selectors.participation_rows(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))

    day = dt.date(2025, 3, 13)
    assert rows == sorted(
        [
            (alice.pk, day, "event.registered"),
            (alice.pk, day, "event.attended"),
            (bob.pk, day, "event.registered"),
            (bob.pk, day, "event.excused"),
            (carol.pk, day, "event.waiting"),
        ],
        key=lambda r: (r[1], r[0], r[2]),
    )


def test_late_evening_events_keep_their_local_date(alice, claire):
    """23:30 in Paris is the next day in UTC: the row keeps the Paris date."""
    event = make_event(organiser=claire)
    registrations.registration_register(actor=None, event=event, member=alice)
    set_dates(event, at(dt.date(2025, 6, 30), hour=23))
    rows = selectors.participation_rows(start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30))
    assert rows == [(alice.pk, dt.date(2025, 6, 30), "event.registered")]


def test_cancelled_events_and_registrations_count_for_nothing(alice, bob, claire):
    event = make_event(organiser=claire)
    mine = registrations.registration_register(actor=None, event=event, member=alice)
    registrations.registration_cancel(actor=None, registration=mine)
    cancelled = make_event(organiser=claire)
    registrations.registration_register(actor=None, event=cancelled, member=bob)
    event_cancel(actor=claire, event=cancelled)
    today = timezone.localdate()
    assert selectors.participation_rows(start=today, end=today + dt.timedelta(days=30)) == []


def test_peer_training_rows(alice, bob):
    sheet = skill()
    give_skill(alice, sheet)
    training = make_training(alice, [sheet], min_interested=1)
    peer_services.peer_interest_add(actor=None, training=training, member=bob)
    PeerTraining.objects.update(created_at=at(dt.date(2025, 4, 1), 10))
    PeerInterest.objects.update(created_at=at(dt.date(2025, 4, 8), 10))
    session = peer_services.peer_session_schedule(
        actor=None,
        training=training,
        data=data(),
    )
    set_dates(session, at(dt.date(2025, 4, 20)))

    rows = selectors.participation_rows(start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 30))

    assert rows == [
        (alice.pk, dt.date(2025, 4, 1), "peer.offered"),
        (bob.pk, dt.date(2025, 4, 8), "peer.interested"),
        (alice.pk, dt.date(2025, 4, 20), "event.organised"),
        (bob.pk, dt.date(2025, 4, 20), "event.registered"),
    ]


def test_stats_of_a_year(alice, bob, claire):
    carol = entrepreneur("Carol")
    first = make_event(organiser=claire, kind="monthly")
    second = make_event(organiser=claire, kind="monthly")
    workshop = make_event(organiser=claire, kind="workshop")
    not_taken = make_event(organiser=claire, kind="workshop")
    for member in (alice, bob, carol):
        registrations.registration_register(actor=None, event=first, member=member)
        registrations.registration_register(actor=None, event=not_taken, member=member)
    registrations.registration_register(actor=None, event=second, member=alice)
    make_event(organiser=claire, kind="forum", sponsor=claire)  # next year's
    event_cancel(actor=claire, event=workshop)
    for event in (first, second, workshop, not_taken):
        set_dates(event, at(dt.date(2025, 2, 6)))
    registrations.attendance_take(
        actor=claire,
        event=first,
        marks={alice.pk: "present", bob.pk: "absent", carol.pk: "excused"},
    )
    registrations.attendance_take(actor=claire, event=second, marks={alice.pk: "present"})

    figures = selectors.stats(year=2025)

    assert figures == {
        "events_by_kind": {
            "monthly": 2,
            "autumn_university": 0,
            "general_assembly": 0,
            "workshop": 1,
            "peer_training": 0,
            "sales_practice": 0,
            "forum": 0,
        },
        "attendance_rate": 0.5,  # 2 present out of 4 marks
    }
    assert selectors.stats(year=2019)["attendance_rate"] is None
    assert selectors.stats()["events_by_kind"]["forum"] == 1


# -- reminders -------------------------------------------------------------------------------


def test_remind_tells_tomorrows_registered_once(alice, bob, claire):
    carol = entrepreneur("Carol")
    tomorrow = make_event(organiser=claire, capacity=2, start=in_days(1, 9))
    later = make_event(organiser=claire, start=in_days(2, 9))
    for member in (alice, bob, carol):  # carol waits: no reminder
        registrations.registration_register(actor=None, event=tomorrow, member=member)
    registrations.registration_register(actor=None, event=later, member=alice)

    out = io.StringIO()
    call_command("events", "remind", stdout=out)
    assert out.getvalue().strip() == "2 rappels envoyés."
    [note] = notes_of(alice.user, "events.reminder")
    assert note.title.startswith("Rappel : « Atelier prospection » demain,")
    assert notes_of(carol.user, "events.reminder") == []
    assert Registration.objects.filter(reminded_at__isnull=False).count() == 2

    out = io.StringIO()
    call_command("events", "remind", stdout=out)
    assert out.getvalue().startswith("0 rappel")  # French: singular once translated
    assert len(notes_of(alice.user, "events.reminder")) == 1


def test_no_reminder_for_a_cancelled_event(alice, claire):
    event = make_event(organiser=claire, start=in_days(1, 9))
    registrations.registration_register(actor=None, event=event, member=alice)
    event_cancel(actor=claire, event=event)
    assert registrations.events_remind() == 0
