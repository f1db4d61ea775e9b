"""The calendar feed: a secret address per member, no login, valid RFC 5545 read back by the
`icalendar` parser."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from essaim.core.models import AuditEntry
from essaim.events.models import CalendarFeed
from essaim.events.services import registrations
from essaim.events.services.events import event_cancel
from essaim.events.services.feed import feed_token_reset
from tests.events.factories import in_days, make_event

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def feed_url(token: str) -> str:
    return reverse("events:ical", args=[token])


@pytest.fixture
def agenda(alice, bob, claire):
    """Alice: registered to a workshop, waiting for a full mensuelle, registered to a forum
    that is then cancelled; not registered to a fourth event."""
    workshop = make_event(organiser=claire, title="Atelier devis", start=in_days(3, 9))
    monthly = make_event(
        organiser=claire,
        kind="monthly",
        title="Mensuelle",
        capacity=1,
        start=in_days(10),
        place="",
        online_url="https://visio.example.org/mensuelle",
    )
    forum = make_event(
        organiser=claire, kind="forum", title="Forum export", sponsor=claire, start=in_days(20)
    )
    make_event(organiser=claire, title="Sans Alice")
    for event in (workshop, forum):
        registrations.registration_register(actor=None, event=event, member=alice)
    registrations.registration_register(actor=None, event=monthly, member=bob)
    registrations.registration_register(actor=None, event=monthly, member=alice)  # waiting
    event_cancel(actor=claire, event=forum)
    return {"workshop": workshop, "monthly": monthly, "forum": forum}


def test_the_feed_is_valid_icalendar_with_the_required_properties(client, settings, alice, agenda):
    settings.ESSAIM_SITE_URL = "https://essaim.coop.example"
    token = feed_token_reset(actor=alice.user, member=alice)
    response = client.get(feed_url(token))  # no login
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content

    calendar = Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Essaim//")
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    for item in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in item, required
        assert item["DTSTAMP"].dt.tzinfo is not None
        assert item["DTSTAMP"].dt.utcoffset() == dt.timedelta(0)
        assert item["DTSTART"].params["TZID"] == "Europe/Paris"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"

    by_uid = {str(item["UID"]): item for item in events}
    host = "essaim.coop.example"
    workshop = by_uid[f"evenement-{agenda['workshop'].pk}@{host}"]
    assert str(workshop["SUMMARY"]) == "Atelier devis"
    assert workshop["DTSTART"].dt == in_days(3, 9).astimezone(PARIS)
    assert str(workshop["STATUS"]) == "CONFIRMED"
    assert str(workshop["LOCATION"]) == "Salle du conseil, 3 rue des Abeilles, Montreuil"
    page = f"https://essaim.coop.example/evenements/{agenda['workshop'].pk}/"
    assert str(workshop["URL"]) == page
    monthly = by_uid[f"evenement-{agenda['monthly'].pk}@{host}"]
    assert str(monthly["STATUS"]) == "TENTATIVE"
    assert str(monthly["SUMMARY"]) == "Mensuelle (liste d'attente, rang 1)"
    assert str(monthly["URL"]) == "https://visio.example.org/mensuelle"
    forum = by_uid[f"evenement-{agenda['forum'].pk}@{host}"]
    assert str(forum["STATUS"]) == "CANCELLED"
    assert int(forum["SEQUENCE"]) == 1


def test_the_feed_follows_rfc_5545_lines(client, alice, agenda):
    token = feed_token_reset(actor=None, member=alice)
    body = client.get(feed_url(token)).content
    lines = body.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert b"\n" not in body.replace(b"\r\n", b"")  # CRLF line ends only
    assert max(len(line) for line in lines) <= 75  # folded at 75 octets


def test_the_uid_is_stable_between_reads(client, alice, agenda):
    token = feed_token_reset(actor=None, member=alice)

    def uids() -> list[str]:
        calendar = Calendar.from_ical(client.get(feed_url(token)).content)
        return sorted(str(item["UID"]) for item in calendar.walk("VEVENT"))

    assert uids() == uids()


def test_a_new_address_replaces_the_old_one(client, alice, agenda):
    old = feed_token_reset(actor=alice.user, member=alice)
    new = feed_token_reset(actor=alice.user, member=alice)
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    feed = CalendarFeed.objects.get(member=alice)
    assert new not in feed.digest and feed.last_used_at is not None
    assert list(
        AuditEntry.objects.filter(subject_id=str(alice.pk), action__startswith="events.feed")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["events.feed_created", "events.feed_reset"]


def test_an_unknown_token_opens_nothing(client, alice, agenda):
    feed_token_reset(actor=None, member=alice)
    assert client.get(feed_url("not-a-token")).status_code == 404


def test_an_inactive_account_closes_the_feed(client, alice, agenda):
    token = feed_token_reset(actor=None, member=alice)
    alice.user.is_active = False
    alice.user.save()
    assert client.get(feed_url(token)).status_code == 404


def test_an_empty_feed_is_valid_too(client, bob):
    token = feed_token_reset(actor=None, member=bob)
    calendar = Calendar.from_ical(client.get(feed_url(token)).content)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"


def test_the_token_is_never_stored(alice):
    token = feed_token_reset(actor=None, member=alice)
    stored = CalendarFeed.objects.values_list("digest", flat=True).get()
    assert re.fullmatch(r"[0-9a-f]{64}", stored) and token not in stored
