"""A member's events as an iCalendar feed (RFC 5545), built with the `icalendar` library.

- METHOD:PUBLISH, VERSION:2.0, a PRODID, the calendar's name (X-WR-CALNAME);
- one VEVENT per event: a UID stable for ever (the event's number and the site's host),
  DTSTAMP (when the feed was made, UTC), LAST-MODIFIED, SEQUENCE (raised when the date, the
  place or the state changes), DTSTART/DTEND in the cooperative's time zone with its TZID and
  a VTIMEZONE covering the feed's dates, SUMMARY, DESCRIPTION, LOCATION (the place, or the
  online link), URL (the online link, else the event's page), STATUS (CONFIRMED, TENTATIVE for
  a seat on the waiting list, CANCELLED for a cancelled event).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from essaim.events.models import Registration, RegistrationStatus

PRODID = "-//Essaim//Evenements de la cooperative//FR"


def site_host() -> str:
    return urlsplit(settings.ESSAIM_SITE_URL).hostname or "essaim.invalid"


def event_uid(event_id: int) -> str:
    return f"evenement-{event_id}@{site_host()}"


def _absolute(path: str) -> str:
    return settings.ESSAIM_SITE_URL.rstrip("/") + path


def _vevent(row: Registration, *, stamp: dt.datetime, page: str) -> VEvent:
    event = row.event
    zone = timezone.get_current_timezone()
    waiting = row.status == RegistrationStatus.WAITING
    item = VEvent()
    item.add("uid", event_uid(event.pk))
    item.add("dtstamp", stamp)
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    item.add("sequence", event.sequence)
    item.add("dtstart", event.start.astimezone(zone))
    item.add("dtend", event.end.astimezone(zone))
    summary = event.title
    if waiting:
        summary = _("%(title)s (liste d'attente, rang %(rank)s)") % {
            "title": event.title,
            "rank": row.position,
        }
    item.add("summary", summary)
    link = _absolute(page)
    item.add("description", "\n\n".join(part for part in (event.description, link) if part))
    item.add("location", event.place or event.online_url)
    item.add("url", event.online_url or link)
    if event.is_cancelled:
        item.add("status", "CANCELLED")
    elif waiting:
        item.add("status", "TENTATIVE")
    else:
        item.add("status", "CONFIRMED")
    item.add("transp", "OPAQUE")
    return item


def feed_calendar(
    rows: Sequence[Registration], *, name: str, pages: dict[int, str], now: dt.datetime
) -> bytes:
    """The feed of these registrations (their events loaded); `pages`: event id → the path
    of its page."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    for row in rows:
        calendar.add_component(_vevent(row, stamp=stamp, page=pages[row.event_id]))
    if rows:
        first = min(row.event.start for row in rows).date() - dt.timedelta(days=1)
        last = max(row.event.end for row in rows).date() + dt.timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
