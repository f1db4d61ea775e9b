"""The tutoring pages: "Mes cas", asking for a case, proposing one (advisor) and the member's
consent, a case's page, inviting volunteers and their answers, closing, the node picker.

A case's pages answer 404 to whoever may not see the case, whatever their role: the same
answer as for a case that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import allowed, form_page
from essaim.members.models import Member
from essaim.members.selectors import members_visible_to
from essaim.tutoring import rules, selectors, services
from essaim.tutoring.forms import CaseForm, InviteForm, ProposeForm
from essaim.tutoring.models import TutoringCase, VolunteerStatus
from essaim.tutoring.views.common import NAV, act, case_page


def _detail_url(case: TutoringCase) -> str:
    return reverse("tutoring:detail", args=[case.pk])


@allowed(rules.can_use_tutoring)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My cases (entrepreneur: mine, the proposals awaiting my consent, my invitations;
    advisor: the cases of the members I follow)."""
    return render(
        request,
        "tutoring/mine.html",
        {
            "found": selectors.my_cases(request.user),
            "can_open": rules.can_open_case(request.user),
            "can_propose": rules.can_propose_case(request.user),
            "nav": NAV,
        },
    )


@allowed(rules.can_open_case)
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of(request.user)
    if member is None:
        raise PermissionDenied(
            _("Aucune fiche de membre n'est rattachée à votre compte : pas de tutorat possible.")
        )

    def save(data: dict[str, Any]) -> TutoringCase:
        return services.case_open(
            actor=request.user,
            member=member,
            title=data["title"],
            situation=data["situation"],
            nodes=data["nodes"],
        )

    return form_page(
        request,
        CaseForm(request.POST or None),
        save=save,
        done=_(
            "Votre demande est ouverte : invitez maintenant des bénévoles parmi les suggestions."
        ),
        next_url=_detail_url,
        template="tutoring/form.html",
        context={
            "title": _("Demander un tutorat collectif"),
            "intro": _(
                "Exposez votre situation à quelques membres de la coopérative qui ont les "
                "compétences utiles, le temps d'une séance, comme dans un « staff » à "
                "l'hôpital. Seul·es votre chargé·e d'accompagnement et les bénévoles que vous "
                "inviterez liront ce que vous écrivez ici."
            ),
            "back_url": reverse("tutoring:mine"),
            "nav": NAV,
        },
    )


@allowed(rules.can_propose_case)
@require_http_methods(["GET", "POST"])
def case_propose(request: HttpRequest) -> HttpResponse:
    members = (
        members_visible_to(request.user)
        .filter(exit_date__isnull=True, user__isnull=False)
        .order_by("last_name", "first_name", "id")
    )
    initial: dict[str, Any] = {}
    wanted = request.GET.get("membre", "")
    if wanted.isdigit():
        initial["member"] = members.filter(pk=int(wanted)).first()
    form = ProposeForm(request.POST or None, members=members, initial=initial)

    def save(data: dict[str, Any]) -> TutoringCase:
        member: Member = data["member"]
        return services.case_propose(
            actor=request.user,
            member=member,
            title=data["title"],
            situation=data["situation"],
            nodes=data["nodes"],
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Proposition envoyée : le membre doit maintenant donner son accord."),
        next_url=_detail_url,
        template="tutoring/form.html",
        context={
            "title": _("Proposer un tutorat collectif"),
            "intro": _(
                "Le cas reste en attente, invisible de tout·e bénévole, tant que le membre "
                "n'a pas donné son accord dans son espace. Sans accord, rien ne se passe."
            ),
            "back_url": reverse("tutoring:mine"),
            "nav": NAV,
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = case_page(request, pk)
    case = page.case
    volunteers = selectors.volunteers_of(case)
    if not page.can["lead"]:
        # A volunteer sees who takes part, not who declined or has not answered yet.
        volunteers = [
            v for v in volunteers if v.status == VolunteerStatus.ACCEPTED or v == page.row
        ]
    actions = selectors.actions_of(case)
    for item in actions:
        item.can_done = rules.can_mark_done(request.user, case, item, page.row)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "skills": selectors.needed_skills_of(case),
        "volunteers": volunteers,
        "session": page.session,
        "actions": actions,
        "follow_ups": selectors.follow_ups_of(case),
    }
    if page.can["invite"]:
        context["suggestions"] = selectors.suggested_volunteers(case)
    return render(request, "tutoring/detail.html", page.context(**context))


@login_required
@require_GET
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The member reads the proposal and gives or refuses their consent."""
    page = case_page(request, pk)
    if not page.can["consent"]:
        if rules.is_case_member(request.user, page.case):
            messages.info(request, _("Vous avez déjà répondu à cette proposition."))
        return redirect(page.url)
    return render(
        request,
        "tutoring/consent.html",
        page.context(skills=selectors.needed_skills_of(page.case)),
    )


def _consent(request: HttpRequest, pk: int, *, given: bool) -> HttpResponse:
    page = case_page(request, pk)
    return act(
        request,
        lambda: services.case_consent(actor=request.user, case=page.case, given=given),
        done=_("Merci : le tutorat peut commencer, invitez des bénévoles.")
        if given
        else _("Vous avez refusé ce tutorat : la proposition est close."),
        back=page.url,
    )


@login_required
@require_POST
def consent_give(request: HttpRequest, pk: int) -> HttpResponse:
    return _consent(request, pk, given=True)


@login_required
@require_POST
def consent_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _consent(request, pk, given=False)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    page = case_page(request, pk)
    if not page.can["lead"]:
        raise PermissionDenied(
            _("Seul·es le membre et sa ou son chargé·e d'accompagnement invitent des bénévoles.")
        )
    suggestions = selectors.suggested_volunteers(page.case) if page.can["invite"] else []
    form = InviteForm(request.POST, choices=[s.member for s in suggestions])
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(page.url)
    chosen = {str(s.member.pk): s.member for s in suggestions}
    members = [chosen[pk] for pk in form.cleaned_data["members"]]
    return act(
        request,
        lambda: services.volunteers_invite(actor=request.user, case=page.case, members=members),
        done=_("Invitations envoyées : chaque bénévole accepte ou décline dans « Mes cas »."),
        back=page.url,
    )


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    page = case_page(request, pk)
    return act(
        request,
        lambda: services.volunteer_answer(actor=request.user, case=page.case, accept=True),
        done=_("Merci d'avoir accepté : vous serez de la séance."),
        back=page.url,
    )


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Declining ends the volunteer's access to the case: back to their list."""
    page = case_page(request, pk)
    return act(
        request,
        lambda: services.volunteer_answer(actor=request.user, case=page.case, accept=False),
        done=_("Vous avez décliné l'invitation : ce cas ne vous est plus accessible."),
        back=reverse("tutoring:mine"),
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    page = case_page(request, pk)
    return act(
        request,
        lambda: services.case_close(actor=request.user, case=page.case),
        done=_("Le cas est clos."),
        back=page.url,
    )
