"""The requests board: browse and filter, write (draft, publish, change, cancel), answer,
shortlist, award or decline, introduce a member.

One address per action (no view branches on which button was pressed); each valid POST goes to
one service, whose refusal is shown on the form or, for a one-click action, as a message on the
request's page. Who may do what is asked of `rules`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from essaim.core import roles
from essaim.core.views_utils import allowed, form_page
from essaim.marketplace import rules
from essaim.marketplace.forms.requests import (
    MAX_SKILLS,
    BoardForm,
    RequestForm,
    RequestIntroductionForm,
    ResponseForm,
    skill_initial,
)
from essaim.marketplace.models import RequestResponse, RequestStatus, ResponseStatus, WorkRequest
from essaim.marketplace.selectors import requests as selectors
from essaim.marketplace.services import requests as services
from essaim.members.models import Member
from essaim.members.selectors import member_of_user
from essaim.skills import profile_selectors

NAV = "requests"
SUGGESTIONS = 12
FIELDS = services.EDITABLE_FIELDS


def _own_member(request: HttpRequest) -> Member:
    member = member_of_user(request.user)
    if member is None:
        raise PermissionDenied(
            _("Aucune fiche de membre n'est rattachée à votre compte : pas de demandes.")
        )
    return member


def _request_or_404(pk: int) -> WorkRequest:
    try:
        return selectors.request_detail(pk)
    except WorkRequest.DoesNotExist:
        raise Http404(_("Aucune demande ne porte ce numéro.")) from None


def _visible_request(request: HttpRequest, pk: int) -> WorkRequest:
    work_request = _request_or_404(pk)
    if not rules.can_see_request(request.user, work_request):
        raise PermissionDenied(_("Ce brouillon n'est visible que par son auteur."))
    return work_request


def _editable_request(request: HttpRequest, pk: int) -> WorkRequest:
    work_request = _request_or_404(pk)
    if not rules.can_edit_request(request.user, work_request):
        raise PermissionDenied(_("Seul l'auteur de cette demande peut la modifier."))
    return work_request


def _detail(work_request: WorkRequest) -> str:
    return reverse("marketplace:request_detail", args=[work_request.pk])


def _one_click(request: HttpRequest, action: Any, done: str, back: str) -> HttpResponse:
    """A one-click action: its refusal is shown as a message on the page it came from."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)


# ---------------------------------------------------------------- the board


@allowed(rules.can_use_marketplace)
@require_GET
@vary_on_headers("HX-Request")  # the same address answers a page or its results
def request_board(request: HttpRequest) -> HttpResponse:
    can_match = rules.can_take_part(request.user)
    form = BoardForm(request.GET or None, can_match=can_match)
    values = form.values()
    member = member_of_user(request.user) if values.get("mine") else None
    filters = selectors.BoardFilters(
        text=values.get("q") or "",
        kind=values.get("kind") or "",
        node=values.get("skill"),
        zone=values.get("zone") or "",
        status=values.get("status") or "",
        matching=member,
    )
    found = selectors.request_board(user=request.user, filters=filters)
    if values.get("mine") and member is None:  # an account without a member record
        found = found.none()
    page = Paginator(found, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "work_requests": page.object_list,
        "query": params.urlencode(),
        "can_take_part": can_match,
        "nav": NAV,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = (
        "marketplace/requests_board_results.html" if partial else "marketplace/requests_board.html"
    )
    return render(request, template, context)


@allowed(rules.can_take_part)
@require_GET
def request_mine(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    context = {
        "work_requests": selectors.requests_of(member),
        "responses": selectors.responses_of(member),
        "nav": "my_requests",
    }
    return render(request, "marketplace/requests_mine.html", context)


# ---------------------------------------------------------------- writing a request


def _form_context(title: str, back_url: str, back_label: str) -> dict[str, Any]:
    return {
        "title": title,
        "back_url": back_url,
        "back_label": back_label,
        "max_skills": MAX_SKILLS,
        "nav": "my_requests",
    }


@allowed(rules.can_take_part)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    form = RequestForm(request.POST or None)

    def save(data: dict[str, Any]) -> WorkRequest:
        return services.request_create(
            actor=request.user,
            author=member,
            skills=data["skills"],
            publish=data["publish"],
            **{name: data[name] for name in FIELDS},
        )

    publish = form.is_bound and form.data.get("publish")
    return form_page(
        request,
        form,
        save=save,
        done=_("Demande publiée : les membres qui correspondent en sont prévenus.")
        if publish
        else _("Brouillon enregistré : publiez-le depuis sa page quand il est prêt."),
        next_url=_detail,
        template="marketplace/requests_form.html",
        context=_form_context(
            _("Nouvelle demande"), reverse("marketplace:request_mine"), _("Mes demandes")
        ),
    )


@allowed(rules.can_take_part)
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    work_request = _editable_request(request, pk)
    if work_request.is_closed:
        messages.error(request, _("Cette demande est close : elle ne peut plus être modifiée."))
        return redirect(_detail(work_request))
    draft = work_request.status == RequestStatus.DRAFT
    initial = {name: getattr(work_request, name) for name in FIELDS}
    for name in ("budget", "estimated_hours", "estimated_days"):
        if initial[name] is not None:
            initial[name] = str(initial[name]).replace(".", ",")
    form = RequestForm(
        request.POST or None,
        initial=initial,
        published=not draft,
        skill_rows=skill_initial(work_request),
    )

    def save(data: dict[str, Any]) -> WorkRequest:
        return services.request_update(
            actor=request.user,
            request=work_request,
            skills=data.get("skills"),
            publish=bool(data.get("publish")),
            **{name: data[name] for name in FIELDS if name in form.fields},
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Demande modifiée."),
        next_url=_detail(work_request),
        template="marketplace/requests_form.html",
        context={
            **_form_context(
                _("Modifier « %(title)s »") % {"title": work_request.title},
                _detail(work_request),
                work_request.title,
            ),
            "published": not draft,
        },
    )


@allowed(rules.can_take_part)
@require_GET
def request_skill_suggestions(request: HttpRequest) -> HttpResponse:
    """The needed-skill autocomplete of one row (htmx): radio buttons named for that row."""
    try:
        row = int(request.GET.get("row", ""))
    except ValueError:
        raise Http404(_("Ligne de compétence inconnue.")) from None
    if not 0 <= row < MAX_SKILLS:
        raise Http404(_("Ligne de compétence inconnue."))
    text = request.GET.get(f"skills-{row}-skill", "")
    nodes = profile_selectors.node_search(text, limit=SUGGESTIONS) if len(text.strip()) >= 2 else []
    return render(
        request,
        "marketplace/requests_skill_suggestions.html",
        {
            "rows": profile_selectors.node_rows(nodes),
            "text": text,
            "name": f"skills-{row}-choice",
            "row": row,
        },
    )


@allowed(rules.can_take_part)
@require_POST
def request_publish(request: HttpRequest, pk: int) -> HttpResponse:
    work_request = _editable_request(request, pk)
    return _one_click(
        request,
        lambda: services.request_publish(actor=request.user, request=work_request),
        _("Demande publiée : les membres qui correspondent en sont prévenus."),
        _detail(work_request),
    )


@allowed(rules.can_take_part)
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    work_request = _editable_request(request, pk)
    return _one_click(
        request,
        lambda: services.request_cancel(actor=request.user, request=work_request),
        _("Demande annulée."),
        _detail(work_request),
    )


# ---------------------------------------------------------------- a request's page


def _author_context(request: HttpRequest, work_request: WorkRequest) -> dict[str, Any]:
    responses = list(selectors.request_responses(user=request.user, request=work_request))
    live = work_request.status in (RequestStatus.OPEN, RequestStatus.DISCUSSION)
    return {
        "responses": responses,
        "can_decide": live and rules.can_edit_request(request.user, work_request),
        "awardable": [r for r in responses if r.status != ResponseStatus.WITHDRAWN],
    }


@allowed(rules.can_use_marketplace)
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    work_request = _visible_request(request, pk)
    user = request.user
    is_author = rules.can_edit_request(user, work_request)
    context: dict[str, Any] = {
        "work_request": work_request,
        "is_author": is_author,
        "responses": None,  # None: not shown at all; [] : shown, none yet
        "matches": None,
        "nav": "my_requests" if is_author else NAV,
    }
    if rules.can_see_matches(user, work_request):
        context["matches"] = selectors.request_matches(work_request)
        context["introductions"] = selectors.request_introductions(work_request)
    if rules.can_see_responses(user, work_request):
        context.update(_author_context(request, work_request))
    if rules.can_introduce(user, work_request) and not work_request.is_closed:
        context["introduction_form"] = RequestIntroductionForm(author=work_request.author)
    if rules.can_take_part(user) and not is_author:
        member = member_of_user(user)
        own = selectors.own_response(member=member, request=work_request)
        context["own_response"] = own
        answerable = own is None or own.status == ResponseStatus.WITHDRAWN
        if member is not None and answerable and rules.can_respond(user, work_request):
            context["response_form"] = ResponseForm()
    if work_request.status == RequestStatus.AWARDED:
        context["deals"] = [d for d in work_request.deals.all() if rules.can_see_deal(user, d)]
    return render(request, "marketplace/requests_detail.html", context)


# ---------------------------------------------------------------- answers


@allowed(rules.can_take_part)
@require_http_methods(["GET", "POST"])
def response_submit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    work_request = _visible_request(request, pk)
    if not rules.can_respond(request.user, work_request):
        raise PermissionDenied(
            _("Vous ne pouvez pas répondre à cette demande : elle est la vôtre, ou elle est close.")
        )
    return form_page(
        request,
        ResponseForm(request.POST or None),
        save=lambda data: services.response_submit(
            actor=request.user, request=work_request, member=member, **data
        ),
        done=_("Réponse envoyée : l'auteur de la demande en est prévenu."),
        next_url=_detail(work_request),
        template="marketplace/requests_simple_form.html",
        context={
            "title": _("Répondre à « %(title)s »") % {"title": work_request.title},
            "back_url": _detail(work_request),
            "back_label": work_request.title,
            "button": _("Envoyer ma réponse"),
            "nav": NAV,
        },
    )


def _response_or_404(pk: int) -> RequestResponse:
    return get_object_or_404(
        RequestResponse.objects.select_related("request__author", "member"), pk=pk
    )


@allowed(rules.can_take_part)
@require_POST
def response_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response_or_404(pk)
    if not rules.is_member_user(request.user, response.member):
        raise PermissionDenied(_("Seule la personne qui a répondu peut retirer sa réponse."))
    return _one_click(
        request,
        lambda: services.response_withdraw(actor=request.user, response=response),
        _("Votre réponse est retirée."),
        _detail(response.request),
    )


def _decided_response(request: HttpRequest, pk: int) -> RequestResponse:
    response = _response_or_404(pk)
    if not rules.can_edit_request(request.user, response.request):
        raise PermissionDenied(_("Seul l'auteur de la demande décide des réponses."))
    return response


@allowed(rules.can_take_part)
@require_POST
def response_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    response = _decided_response(request, pk)
    return _one_click(
        request,
        lambda: services.response_shortlist(actor=request.user, response=response),
        _("Réponse de %(name)s retenue pour la suite.") % {"name": response.member},
        _detail(response.request),
    )


@allowed(rules.can_take_part)
@require_POST
def response_decline(request: HttpRequest, pk: int) -> HttpResponse:
    response = _decided_response(request, pk)
    return _one_click(
        request,
        lambda: services.response_decline(actor=request.user, response=response),
        _("Réponse de %(name)s déclinée : un message aimable lui est envoyé.")
        % {"name": response.member},
        _detail(response.request),
    )


@allowed(rules.can_take_part)
@require_POST
def request_award(request: HttpRequest, pk: int) -> HttpResponse:
    work_request = _editable_request(request, pk)
    try:
        ids = [int(value) for value in request.POST.getlist("responses")]
    except ValueError:
        ids = [0]  # not a response number: refused below as an unknown response
    chosen = list(RequestResponse.objects.select_related("member").filter(pk__in=ids))

    def award() -> None:
        if len(chosen) != len(set(ids)):
            raise ValidationError(_("Une des réponses cochées n'existe pas (ou plus)."))
        services.request_award(actor=request.user, request=work_request, responses=chosen)

    return _one_click(
        request,
        award,
        _("Demande attribuée : l'affaire est enregistrée, les autres réponses sont déclinées."),
        _detail(work_request),
    )


# ---------------------------------------------------------------- introductions


@allowed(roles.is_advisor)
@require_http_methods(["GET", "POST"])
def introduction_add(request: HttpRequest, pk: int) -> HttpResponse:
    work_request = _visible_request(request, pk)
    if not rules.can_introduce(request.user, work_request):
        raise PermissionDenied(_("Cette demande n'accepte pas de mise en relation."))
    return form_page(
        request,
        RequestIntroductionForm(request.POST or None, author=work_request.author),
        save=lambda data: services.introduction_add(
            actor=request.user, request=work_request, **data
        ),
        done=_("Mise en relation enregistrée : l'auteur et le membre en sont prévenus."),
        next_url=_detail(work_request),
        template="marketplace/requests_simple_form.html",
        context={
            "title": _("Présenter un membre pour « %(title)s »") % {"title": work_request.title},
            "back_url": _detail(work_request),
            "back_label": work_request.title,
            "button": _("Enregistrer la mise en relation"),
            "nav": NAV,
        },
    )
