"""The review itself: recording the session, the action plan and the follow-ups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from essaim.core.models import User
from essaim.core.views_utils import form_page
from essaim.members.models import Member
from essaim.tutoring import selectors, services
from essaim.tutoring.forms import ActionForm, FollowUpForm, SessionForm
from essaim.tutoring.models import ActionItem, VolunteerStatus
from essaim.tutoring.views.common import CasePage, act, case_page


def _leader_page(request: HttpRequest, pk: int) -> CasePage:
    """The case, for its member or advisor."""
    page = case_page(request, pk)
    if not page.can["lead"]:
        raise PermissionDenied(
            _("Seul·es le membre et sa ou son chargé·e d'accompagnement remplissent ce cas.")
        )
    return page


def _too_early(request: HttpRequest, page: CasePage, need: str) -> HttpResponse | None:
    """Back to the case, saying why, when it is not at the stage the page needs."""
    if page.can[need]:
        return None
    if need == "session":
        message = _(
            "La séance se note une fois des bénévoles invité·es, avec l'accord du membre, et "
            "tant que le cas n'est pas clos."
        )
    else:
        message = _("Notez d'abord la séance ; un cas clos ne change plus.")
    messages.error(request, message)
    return redirect(page.url)


def _accepted(page: CasePage) -> list[Member]:
    return [
        row.member
        for row in selectors.volunteers_of(page.case)
        if row.status == VolunteerStatus.ACCEPTED
    ]


@login_required
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, pk: int) -> HttpResponse:
    page = _leader_page(request, pk)
    if (back := _too_early(request, page, "session")) is not None:
        return back
    case, held = page.case, page.session
    accepted = _accepted(page)
    if held is not None:
        initial: dict[str, Any] = {
            "date": held.date,
            "member_present": held.member_present,
            "advisor_present": held.advisor_id is not None,
            "volunteers": [str(m.pk) for m in held.volunteers.all()],
            "situation": held.situation,
            "diagnosis": held.diagnosis,
        }
    else:
        initial = {
            "date": timezone.localdate(),
            "member_present": True,
            "advisor_present": True,
            "volunteers": [str(m.pk) for m in accepted],
            "situation": case.situation,
        }
    form = SessionForm(
        request.POST or None,
        initial=initial,
        accepted=accepted,
        has_advisor=case.member.advisor_id is not None,
    )
    by_pk = {str(m.pk): m for m in accepted}

    def save(data: dict[str, Any]) -> object:
        return services.session_record(
            actor=request.user,
            case=case,
            date=data["date"],
            situation=data["situation"],
            diagnosis=data["diagnosis"],
            member_present=data["member_present"],
            advisor_present=data.get("advisor_present", False),
            volunteers=[by_pk[v] for v in data["volunteers"]],
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("La séance est notée. Ajoutez maintenant le plan d'action."),
        next_url=page.url,
        template="tutoring/simple_form.html",
        context=page.context(
            title=_("Corriger la séance") if held else _("Noter la séance"),
            help=_(
                "Le compte rendu n'est lu que par le membre, sa ou son chargé·e "
                "d'accompagnement et les bénévoles du cas."
            ),
        ),
    )


def _owners(page: CasePage) -> list[tuple[str, Member | User, str]]:
    case = page.case
    owners: list[tuple[str, Member | User, str]] = [
        ("member", case.member, _("%(name)s (le membre)") % {"name": case.member})
    ]
    owners += [(f"v{m.pk}", m, _("%(name)s (bénévole)") % {"name": m}) for m in _accepted(page)]
    if case.member.advisor is not None:
        owners.append(
            (
                "advisor",
                case.member.advisor,
                _("%(name)s (chargé·e d'accompagnement)") % {"name": case.member.advisor},
            )
        )
    return owners


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    page = _leader_page(request, pk)
    if (back := _too_early(request, page, "plan")) is not None:
        return back

    def save(data: dict[str, Any]) -> object:
        return services.action_add(
            actor=request.user,
            case=page.case,
            action=data["action"],
            owner=data["owner"],
            due_date=data["due_date"],
        )

    return form_page(
        request,
        ActionForm(request.POST or None, owners=_owners(page)),
        save=save,
        done=_("Action ajoutée au plan."),
        next_url=page.url,
        template="tutoring/simple_form.html",
        context=page.context(title=_("Ajouter une action au plan")),
    )


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    page = case_page(request, pk)
    item = ActionItem.objects.filter(pk=item_id, case=page.case).first()
    if item is None:
        raise Http404(_("Aucune action de ce cas ne porte ce numéro."))
    return act(
        request,
        lambda: services.action_done(actor=request.user, case=page.case, item=item),
        done=_("Action marquée faite."),
        back=page.url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    page = _leader_page(request, pk)
    if (back := _too_early(request, page, "plan")) is not None:
        return back

    def save(data: dict[str, Any]) -> object:
        return services.follow_up_record(
            actor=request.user,
            case=page.case,
            date=data["date"],
            notes=data["notes"],
            next_step=data["next_step"],
        )

    return form_page(
        request,
        FollowUpForm(request.POST or None, initial={"date": timezone.localdate()}),
        save=save,
        done=_("Le suivi est noté."),
        next_url=page.url,
        template="tutoring/simple_form.html",
        context=page.context(title=_("Noter un suivi")),
    )
