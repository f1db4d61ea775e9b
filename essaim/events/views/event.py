"""An event's page and what is done on it: register, cancel, join the waiting list, answer
an invitation; for its organiser: change, cancel, invite, take the attendance, read the
feedback."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core import roles
from essaim.core.views_utils import allowed, form_page
from essaim.events import rules, selectors
from essaim.events.forms import (
    AttendanceForm,
    CancelForm,
    EventForm,
    FeedbackForm,
    InviteForm,
    event_initial,
)
from essaim.events.models import Event, Registration, RegistrationStatus
from essaim.events.services import events as event_services
from essaim.events.services import registrations as services
from essaim.events.services.common import event_url
from essaim.events.views.common import NAV, act, event_page, manager_page, own_member


@allowed(rules.can_use_events)
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = event_page(request, pk)
    event = page.event
    context: dict[str, Any] = {
        "registered_count": selectors.registered_count(event),
        "seats_left": selectors.seats_left(event),
        "summary": selectors.feedback_summary(event),
    }
    if page.can["manage"]:
        context["registrations"] = selectors.registrations_of(event)
    if page.mine is not None and page.can["give_feedback"]:
        context["my_feedback"] = selectors.feedback_by(event, page.mine.member)
    return render(request, "events/detail.html", page.context(**context))


@allowed(rules.can_create_event)
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    kinds = rules.kinds_for(request.user)
    if roles.is_entrepreneur(request.user):
        own_member(request)  # a member organises; an account without a record does not
    form = EventForm(request.POST or None, kinds=kinds)
    return form_page(
        request,
        form,
        save=lambda data: event_services.event_create(actor=request.user, data=form.event_data()),
        done=_("Événement créé."),
        next_url=event_url,
        template="events/form.html",
        context={
            "title": _("Nouvel événement"),
            "back_url": reverse("events:calendar"),
            "kinds": kinds,
            "nav": NAV,
        },
    )


@allowed(rules.can_use_events)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = manager_page(request, pk)
    event = page.event
    if event.is_cancelled:
        raise PermissionDenied(_("Cet événement est annulé : on ne le modifie plus."))
    kinds = list(dict.fromkeys([event.kind, *rules.kinds_for(request.user)]))
    if event.peer_training_id:
        kinds = [event.kind]
    form = EventForm(request.POST or None, kinds=kinds, initial=event_initial(event))
    return form_page(
        request,
        form,
        save=lambda data: event_services.event_update(
            actor=request.user, event=event, data=form.event_data()
        ),
        done=_("Événement modifié."),
        next_url=event_url(event),
        template="events/form.html",
        context={
            "title": _("Modifier l'événement"),
            "back_url": event_url(event),
            "event": event,
            "nav": NAV,
        },
    )


@allowed(rules.can_use_events)
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    page = manager_page(request, pk)
    event = page.event
    return form_page(
        request,
        CancelForm(request.POST or None),
        save=lambda data: event_services.event_cancel(
            actor=request.user, event=event, reason=data["reason"]
        ),
        done=_("Événement annulé ; les personnes inscrites sont prévenues."),
        next_url=event_url(event),
        template="events/form.html",
        context={
            "title": _("Annuler « %(title)s »") % {"title": event.title},
            "submit": _("Annuler l'événement"),
            "back_url": event_url(event),
            "event": event,
            "nav": NAV,
        },
    )


def _registered_message(row: Registration) -> str:
    if row.status == RegistrationStatus.WAITING:
        return _(
            "« %(title)s » est complet : vous êtes sur la liste d'attente, au rang %(rank)d. "
            "Vous serez prévenu·e si une place se libère."
        ) % {"title": row.event.title, "rank": row.position}
    return _("Vous êtes inscrit·e à « %(title)s ».") % {"title": row.event.title}


@allowed(rules.can_use_events)
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    page = event_page(request, pk)
    member = own_member(request)
    return act(
        request,
        lambda: services.registration_register(actor=request.user, event=page.event, member=member),
        done=_registered_message,
        back=event_url(page.event),
    )


@allowed(rules.can_use_events)
@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    page = event_page(request, pk)
    mine = page.mine
    if mine is None or not mine.is_active:
        raise PermissionDenied(_("Vous n'êtes pas inscrit·e à cet événement."))
    return act(
        request,
        lambda: services.registration_cancel(actor=request.user, registration=mine),
        done=_("Vous êtes désinscrit·e de « %(title)s ».") % {"title": page.event.title},
        back=event_url(page.event),
    )


@allowed(rules.can_use_events)
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    page = event_page(request, pk)
    mine = page.mine
    if mine is None or mine.status != RegistrationStatus.INVITED:
        raise PermissionDenied(_("Aucune invitation en attente pour vous à cet événement."))
    return act(
        request,
        lambda: services.registration_decline(actor=request.user, registration=mine),
        done=_("Invitation déclinée."),
        back=event_url(page.event),
    )


@allowed(rules.can_use_events)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    page = manager_page(request, pk)
    event = page.event
    form = InviteForm(request.POST or None, members=selectors.invitable_members(event))

    def save(data: dict[str, Any]) -> list[Registration]:
        return services.registrations_invite(
            actor=request.user, event=event, members=data["members"], message=data["message"]
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Invitations envoyées."),
        next_url=event_url(event),
        template="events/form.html",
        context={
            "title": _("Inviter à « %(title)s »") % {"title": event.title},
            "submit": _("Inviter"),
            "back_url": event_url(event),
            "event": event,
            "nav": NAV,
        },
    )


@allowed(rules.can_use_events)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance sheet: every registered member at once."""
    page = manager_page(request, pk)
    event = page.event
    rows = selectors.registered_of(event)
    form = AttendanceForm(request.POST or None, registrations=rows)
    return form_page(
        request,
        form,
        save=lambda data: services.attendance_take(
            actor=request.user, event=event, marks=form.marks()
        ),
        done=ngettext(
            "Présence notée pour %(count)d membre.",
            "Présences notées pour %(count)d membres.",
            len(rows),
        )
        % {"count": len(rows)},
        next_url=event_url(event),
        template="events/attendance.html",
        context={
            "rows": rows,
            "open": event.has_started and not event.is_cancelled,
            "nav": NAV,
            "event": event,
        },
    )


@allowed(rules.can_use_events)
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    page = event_page(request, pk)
    event, mine = page.event, page.mine
    if mine is None or not page.can["give_feedback"]:
        raise PermissionDenied(
            _(
                "Seules les personnes notées présentes donnent leur avis, une fois l'événement "
                "terminé."
            )
        )
    given = selectors.feedback_by(event, mine.member)
    initial = {"rating": given.rating, "comment": given.comment} if given else None
    return form_page(
        request,
        FeedbackForm(request.POST or None, initial=initial),
        save=lambda data: services.feedback_give(
            actor=request.user,
            event=event,
            member=mine.member,
            rating=data["rating"],
            comment=data["comment"],
        ),
        done=_("Merci pour votre avis."),
        next_url=event_url(event),
        template="events/form.html",
        context={
            "title": _("Votre avis sur « %(title)s »") % {"title": event.title},
            "submit": _("Envoyer mon avis"),
            "back_url": event_url(event),
            "event": event,
            "nav": NAV,
        },
    )


@allowed(rules.can_use_events)
@require_GET
def feedback_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The feedback one by one: the organiser and management staff only."""
    page = event_page(request, pk)
    if not page.can["see_feedback"]:
        raise PermissionDenied(
            _(
                "Les avis sont lus par l'organisation de l'événement et l'équipe de gestion "
                "seulement."
            )
        )
    event: Event = page.event
    return render(
        request,
        "events/feedback_list.html",
        page.context(
            feedback=list(selectors.feedback_of(event)),
            summary=selectors.feedback_summary(event),
        ),
    )
