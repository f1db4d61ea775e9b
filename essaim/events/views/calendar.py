"""The calendar (a month's events and the upcoming ones), a member's registrations with their
calendar feed address, and the feed itself (read by calendar applications, no login)."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from essaim.core.views_utils import allowed
from essaim.events import ical, rules, selectors
from essaim.events.forms import CalendarFilterForm
from essaim.events.models import Event
from essaim.events.services import feed as feed_services
from essaim.events.views.common import NAV, own_member

PAST_PER_PAGE = 30
FEED_HISTORY = dt.timedelta(days=365)  # the feed shows a year back


def _month_step(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _params(request: HttpRequest, **changes: str) -> str:
    params: QueryDict = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def _days(events: list[Event], first: dt.date) -> list[tuple[dt.date, list[Event]]]:
    """The month's events by day (an event begun the month before under the 1st)."""

    def day(event: Event) -> dt.date:
        return max(timezone.localtime(event.start).date(), first)

    return [(d, list(items)) for d, items in groupby(events, key=day)]


@allowed(rules.can_use_events)
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    form = CalendarFilterForm(request.GET or None)
    values = form.values()
    today = timezone.localdate()
    first = values.get("mois") or today.replace(day=1)
    first = first.replace(day=1)
    filters = selectors.CalendarFilters(kind=values.get("type", ""), mine=bool(values.get("mes")))
    month = selectors.calendar_month(
        user=request.user, year=first.year, month=first.month, filters=filters
    )
    previous, following = _month_step(first, -1), _month_step(first, 1)
    return render(
        request,
        "events/calendar.html",
        {
            "form": form,
            "first": first,
            "days": _days(month, first),
            "month_count": len(month),
            "upcoming": selectors.upcoming_events(user=request.user, filters=filters),
            "previous_query": _params(request, mois=previous.strftime("%Y-%m")),
            "next_query": _params(request, mois=following.strftime("%Y-%m")),
            "can_create": rules.can_create_event(request.user),
            "can_have_feed": rules.can_have_feed(request.user),
            "nav": NAV,
        },
    )


def _mine_context(request: HttpRequest, **extra: object) -> dict[str, object]:
    member = own_member(request)
    past = Paginator(selectors.my_registrations(member, past=True), PAST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {
        "upcoming": list(selectors.my_registrations(member)),
        "page": past,
        "feed": selectors.feed_of(member),
        "nav": NAV,
        **extra,
    }


@allowed(rules.can_have_feed)
@require_http_methods(["GET", "POST"])
@never_cache
def my_registrations(request: HttpRequest) -> HttpResponse:
    """My registrations; a POST makes a new calendar address, shown on this response only
    (only its digest is kept)."""
    feed_url = ""
    if request.method == "POST":
        member = own_member(request)
        token = feed_services.feed_token_reset(actor=request.user, member=member)
        feed_url = request.build_absolute_uri(reverse("events:ical", args=[token]))
    return render(request, "events/mine.html", _mine_context(request, feed_url=feed_url))


@require_GET
@never_cache
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's events as iCalendar, for calendar applications: the secret token in the
    address is the only key (no login)."""
    member = feed_services.feed_member(token)
    if member is None:
        raise Http404(_("Adresse d'agenda inconnue ou remplacée par une nouvelle."))
    now = timezone.now()
    rows = selectors.feed_registrations(member, since=now - FEED_HISTORY)
    body = ical.feed_calendar(
        rows,
        name=_("Mes événements — %(coop)s") % {"coop": settings.ESSAIM_COOPERATIVE_NAME},
        pages={row.event_id: reverse("events:detail", args=[row.event_id]) for row in rows},
        now=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="essaim-evenements.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
