"""What the events' pages share: the event as the viewer sees it, refusals, small POST
actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from essaim.events import rules, selectors
from essaim.events.models import Event, Registration
from essaim.members.models import Member

NAV = "events"


@dataclass
class EventPage:
    event: Event
    user: Any
    mine: Registration | None

    @cached_property
    def can(self) -> dict[str, bool]:
        user, event, mine = self.user, self.event, self.mine
        return {
            "register": rules.can_register(user, event, mine),
            "unregister": rules.can_unregister(user, event, mine),
            "decline": rules.can_decline(user, event, mine),
            "manage": rules.can_manage_event(user, event),
            "edit": rules.can_edit_event(user, event),
            "attendance": rules.can_take_attendance(user, event),
            "see_feedback": rules.can_see_feedback(user, event),
            "give_feedback": rules.can_give_feedback(user, event, mine),
        }

    def context(self, **extra: Any) -> dict[str, Any]:
        return {"event": self.event, "mine": self.mine, "can": self.can, "nav": NAV, **extra}


def event_page(request: HttpRequest, pk: int) -> EventPage:
    """The event, if the viewer may see it (404 when it does not exist, 403 when on
    invitation and the viewer is not invited)."""
    try:
        event = selectors.event_for(pk)
    except Event.DoesNotExist:
        raise Http404(_("Aucun événement ne porte ce numéro.")) from None
    mine = selectors.registration_of(request.user, event)
    if not rules.can_see_event(request.user, event, mine):
        raise PermissionDenied(
            _("Cet événement est sur invitation : seules les personnes invitées le voient.")
        )
    return EventPage(event=event, user=request.user, mine=mine)


def manager_page(request: HttpRequest, pk: int) -> EventPage:
    page = event_page(request, pk)
    if not page.can["manage"]:
        raise PermissionDenied(
            _(
                "Seules l'organisatrice ou l'organisateur de l'événement et l'équipe de gestion "
                "peuvent faire cela."
            )
        )
    return page


def own_member(request: HttpRequest) -> Member:
    """The viewer's member record (entrepreneurs only)."""
    member = selectors.member_of(request.user)
    if member is None:
        raise PermissionDenied(
            _(
                "Aucune fiche de membre n'est rattachée à votre compte : seules les personnes "
                "membres de la coopérative s'inscrivent."
            )
        )
    return member


def act(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    done: str | Callable[[Any], str],
    back: str,
) -> HttpResponse:
    """A small POST action: run the service; say it was done (`done` may be worked out from
    what the service returned), or why it was refused; go back."""
    try:
        result = action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(back)
