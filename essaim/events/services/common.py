"""What the events' services share: links, dates as people read them, who to tell."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone

from essaim.core.models import User
from essaim.events.models import Event, PeerTraining, Registration


def event_url(event: Event) -> str:
    return reverse("events:detail", args=[event.pk])


def training_url(training: PeerTraining) -> str:
    return reverse("events:peer_detail", args=[training.pk])


def when(event: Event) -> str:
    """ "12/03/2026 18:00", in the cooperative's time zone."""
    return formats.date_format(timezone.localtime(event.start), "SHORT_DATETIME_FORMAT")


def people_of(event: Event, states: list[str]) -> list[User | None]:
    """The accounts of the members whose row for the event is in one of `states`."""
    return [
        r.member.user
        for r in Registration.objects.filter(event=event, status__in=states).select_related(
            "member__user"
        )
    ]
