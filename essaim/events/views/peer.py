"""Peer trainings (*formations mutuelles*): the list, offering one, saying one is
interested, and scheduling a session once enough members are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import allowed, form_page
from essaim.events import rules, selectors
from essaim.events.forms import (
    PeerFilterForm,
    PeerTrainingForm,
    SessionForm,
    default_session_start,
)
from essaim.events.models import PeerTraining, PeerTrainingStatus
from essaim.events.services import peer as services
from essaim.events.services.common import event_url, training_url
from essaim.events.views.common import NAV, act, own_member

PER_PAGE = 30


def _training(pk: int) -> PeerTraining:
    try:
        return selectors.peer_training_for(pk)
    except PeerTraining.DoesNotExist:
        raise Http404(_("Aucune formation mutuelle ne porte ce numéro.")) from None


def _managed(request: HttpRequest, pk: int) -> PeerTraining:
    training = _training(pk)
    if not rules.can_manage_training(request.user, training):
        raise PermissionDenied(
            _(
                "Seules la personne qui propose la formation et l'équipe de gestion peuvent "
                "faire cela."
            )
        )
    return training


def _query(request: HttpRequest) -> str:
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@allowed(rules.can_use_events)
@require_GET
def peer_list(request: HttpRequest) -> HttpResponse:
    form = PeerFilterForm(request.GET or None)
    values = form.values()
    filters = selectors.PeerFilters(
        status="" if values.get("tout") else PeerTrainingStatus.OPEN,
        mine=bool(values.get("mes")),
    )
    page = Paginator(
        selectors.peer_training_list(user=request.user, filters=filters), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "events/peer_list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "can_offer": rules.can_offer_training(request.user),
            "nav": NAV,
        },
    )


def _no_skills(request: HttpRequest) -> HttpResponse:
    return render(request, "events/peer_no_skills.html", {"nav": NAV})


@allowed(rules.can_offer_training)
@require_http_methods(["GET", "POST"])
def peer_create(request: HttpRequest) -> HttpResponse:
    member = own_member(request)
    skills = selectors.skills_of(member)
    if not skills:
        return _no_skills(request)
    form = PeerTrainingForm(request.POST or None, skills=skills)
    return form_page(
        request,
        form,
        save=lambda data: services.peer_training_offer(
            actor=request.user,
            offerer=member,
            title=data["title"],
            description=data["description"],
            nodes=list(data["nodes"]),
            min_interested=data["min_interested"],
        ),
        done=_("Formation proposée : les membres intéressé·es peuvent le dire."),
        next_url=training_url,
        template="events/form.html",
        context={
            "title": _("Proposer une formation mutuelle"),
            "intro": _(
                "Vous formez d'autres membres sur des compétences de votre profil. Dès que "
                "le nombre minimum d'intéressé·es est atteint, vous programmez une session."
            ),
            "back_url": reverse("events:peer_list"),
            "nav": NAV,
        },
    )


@allowed(rules.can_use_events)
@require_http_methods(["GET", "POST"])
def peer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = _managed(request, pk)
    if not training.is_open:
        raise PermissionDenied(_("Cette formation est close : on ne la modifie plus."))
    form = PeerTrainingForm(
        request.POST or None,
        skills=selectors.skills_of(training.offerer),
        initial={
            "title": training.title,
            "description": training.description,
            "nodes": [n.pk for n in training.nodes.all()],
            "min_interested": training.min_interested,
        },
    )
    return form_page(
        request,
        form,
        save=lambda data: services.peer_training_update(
            actor=request.user,
            training=training,
            title=data["title"],
            description=data["description"],
            nodes=list(data["nodes"]),
            min_interested=data["min_interested"],
        ),
        done=_("Formation modifiée."),
        next_url=training_url(training),
        template="events/form.html",
        context={
            "title": _("Modifier la formation"),
            "back_url": training_url(training),
            "nav": NAV,
        },
    )


@allowed(rules.can_use_events)
@require_GET
def peer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(pk)
    mine = selectors.interest_of(request.user, training)
    pending = list(selectors.pending_interests(training))
    manage = rules.can_manage_training(request.user, training)
    return render(
        request,
        "events/peer_detail.html",
        {
            "training": training,
            "mine": mine,
            "pending_count": len(pending),
            "pending": pending if manage else [],
            "sessions": list(selectors.sessions_of(training)),
            "can": {
                "manage": manage,
                "interest": rules.can_express_interest(request.user, training, mine is not None),
                "withdraw": rules.can_withdraw_interest(request.user, training, mine is not None)
                and mine is not None
                and mine.session_id is None,
                "schedule": manage and training.is_open and len(pending) >= training.min_interested,
            },
            "nav": NAV,
        },
    )


@allowed(rules.can_use_events)
@require_POST
def peer_interest(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(pk)
    member = own_member(request)
    return act(
        request,
        lambda: services.peer_interest_add(actor=request.user, training=training, member=member),
        done=_("C'est noté : vous serez inscrit·e à la session dès qu'elle sera programmée."),
        back=training_url(training),
    )


@allowed(rules.can_use_events)
@require_POST
def peer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(pk)
    mine = selectors.interest_of(request.user, training)
    if mine is None:
        raise PermissionDenied(_("Vous ne vous êtes pas dit·e intéressé·e par cette formation."))
    return act(
        request,
        lambda: services.peer_interest_withdraw(actor=request.user, interest=mine),
        done=_("Vous n'êtes plus sur la liste des intéressé·es."),
        back=training_url(training),
    )


@allowed(rules.can_use_events)
@require_POST
def peer_close(request: HttpRequest, pk: int) -> HttpResponse:
    training = _managed(request, pk)
    return act(
        request,
        lambda: services.peer_training_close(actor=request.user, training=training),
        done=_("Formation close."),
        back=training_url(training),
    )


@allowed(rules.can_use_events)
@require_http_methods(["GET", "POST"])
def peer_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    training = _managed(request, pk)
    start = default_session_start()
    initial: dict[str, Any] = {
        "title": training.title,
        "description": training.description,
        "start": start,
        "end": start + dt.timedelta(hours=2),
    }
    form = SessionForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.peer_session_schedule(
            actor=request.user, training=training, data=form.event_data()
        ),
        done=_("Session programmée : les membres intéressé·es y sont inscrit·es et prévenu·es."),
        next_url=event_url,
        template="events/form.html",
        context={
            "title": _("Programmer une session de « %(title)s »") % {"title": training.title},
            "submit": _("Programmer la session"),
            "back_url": training_url(training),
            "nav": NAV,
        },
    )
