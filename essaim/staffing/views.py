"""Staffing pages: opportunities and their roles, proposed teams with their explanations,
invitations, the members' answers, and the priority policy.

One address per action (no view branches on which button was pressed); rules decide who may,
services write, selectors read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core import roles
from essaim.core.views_utils import allowed, form_page, service_errors
from essaim.marketplace import rules as market_rules
from essaim.marketplace.models import Opportunity, WorkRequest
from essaim.members.models import Member
from essaim.members.selectors import member_of_user
from essaim.skills import profile_selectors
from essaim.skills.models import Level
from essaim.staffing import policy, rules, selectors, services
from essaim.staffing.forms import (
    ROLES_PREFIX,
    OpportunityForm,
    PolicyForm,
    role_formset,
    role_initial,
)
from essaim.staffing.models import (
    Invitation,
    InvitationStatus,
    OpportunityStatus,
    Proposal,
    StaffingOpportunity,
)

SUGGESTIONS = 12
ROLE_PREFIX = re.compile(rf"^{ROLES_PREFIX}-[0-7]$")
NAV = "staffing"


def _opportunity(request: HttpRequest, pk: int) -> StaffingOpportunity:
    try:
        opportunity = selectors.opportunity_detail(pk)
    except StaffingOpportunity.DoesNotExist:
        raise Http404(_("Cette opportunité n'existe pas.")) from None
    if not rules.can_see_opportunity(request.user, opportunity):
        raise PermissionDenied(_("Cette opportunité ne vous concerne pas."))
    return opportunity


def _managed(request: HttpRequest, pk: int) -> StaffingOpportunity:
    opportunity = get_object_or_404(StaffingOpportunity, pk=pk)
    if not rules.can_manage_opportunity(request.user, opportunity):
        raise PermissionDenied(
            _("Seuls l'organisateur·rice et l'équipe de gestion peuvent faire cela.")
        )
    return opportunity


# ---------------------------------------------------------------- list


@allowed(rules.can_use_staffing)
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    opportunities = selectors.opportunities_visible_to(request.user)
    page = Paginator(opportunities, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staffing/list.html",
        {
            "page": page,
            "can_create": rules.can_create_opportunity(request.user),
            "can_see_policy": rules.can_see_policy(request.user),
            "sees_all": rules.sees_every_opportunity(request.user),
            "nav": NAV,
        },
    )


# ---------------------------------------------------------------- create, edit


def _source(request: HttpRequest) -> tuple[Opportunity | None, WorkRequest | None]:
    """The business-watch opportunity (?opportunite=) or request (?demande=) it comes from."""
    watch = request.GET.get("opportunite", "")
    asked = request.GET.get("demande", "")
    found_watch = Opportunity.objects.filter(pk=watch).first() if watch.isdigit() else None
    found_request = None
    if asked.isdigit():
        found_request = WorkRequest.objects.select_related("author").filter(pk=asked).first()
        if found_request and not market_rules.can_see_request(request.user, found_request):
            found_request = None
    return found_watch, found_request


def _initial_from(watch: Opportunity | None, asked: WorkRequest | None) -> dict[str, Any]:
    if asked is not None:
        return {
            "title": asked.title,
            "description": asked.description,
            "start_date": asked.start_date,
            "end_date": asked.end_date,
            "zone": asked.zone,
            "remote": asked.remote,
            "budget": asked.budget,
        }
    if watch is not None:
        return {
            "title": watch.title,
            "description": watch.description,
            "zone": watch.zone,
            "budget": watch.budget,
        }
    return {}


def _edit_page(
    request: HttpRequest,
    *,
    form: OpportunityForm,
    formset: Any,
    save: Any,
    done: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The form page of an opportunity and its roles (two forms, one service call)."""
    # `&`, not `and`: both are validated, so that every error shows at once.
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            saved = save(form.cleaned_data, formset.specs())
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("staffing:detail", saved.pk)
    return render(
        request,
        "staffing/form.html",
        {"form": form, "formset": formset, "nav": NAV, "shown_roles": _shown(formset), **context},
    )


def _shown(formset: Any) -> int:
    """How many role rows are open at first (the others wait in a fold)."""
    filled = sum(1 for f in formset.forms if (f.is_bound and f.has_changed()) or f.initial)
    return max(3, min(filled + 1, len(formset.forms)))


@allowed(rules.can_create_opportunity)
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    watch, asked = _source(request)

    def save(data: dict[str, Any], specs: list[services.RoleSpec]) -> StaffingOpportunity:
        return services.opportunity_create(
            actor=request.user, roles=specs, opportunity=watch, request=asked, **data
        )

    return _edit_page(
        request,
        form=OpportunityForm(request.POST or None, initial=_initial_from(watch, asked)),
        formset=role_formset(request.POST or None),
        save=save,
        done=_("Opportunité enregistrée : demandez maintenant des propositions d'équipe."),
        context={
            "title": _("Nouvelle opportunité"),
            "back_url": reverse("staffing:list"),
            "source": asked or watch,
        },
    )


@allowed(rules.can_create_opportunity)
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _managed(request, pk)
    if not rules.can_edit_opportunity(request.user, opportunity):
        messages.error(
            request, _("Des membres sont déjà invités : l'opportunité ne peut plus être modifiée.")
        )
        return redirect("staffing:detail", pk)
    initial = {
        f: getattr(opportunity, f)
        for f in (
            "title",
            "description",
            "start_date",
            "end_date",
            "zone",
            "remote",
            "budget",
            "max_team_size",
        )
    }
    roles_initial = [role_initial(r) for r in opportunity.roles.select_related("node")]

    def save(data: dict[str, Any], specs: list[services.RoleSpec]) -> StaffingOpportunity:
        return services.opportunity_update(
            actor=request.user, opportunity=opportunity, roles=specs, **data
        )

    return _edit_page(
        request,
        form=OpportunityForm(request.POST or None, initial=initial),
        formset=role_formset(request.POST or None, initial=roles_initial),
        save=save,
        done=_("Opportunité modifiée : les propositions précédentes sont effacées."),
        context={
            "title": _("Modifier l'opportunité"),
            "back_url": reverse("staffing:detail", args=[pk]),
            "opportunity": opportunity,
        },
    )


@allowed(rules.can_create_opportunity)
@require_GET
def skill_suggestions(request: HttpRequest) -> HttpResponse:
    """The role's skill autocomplete (htmx): the directory's node search, for one row."""
    prefix = request.GET.get("prefix", "")
    if not ROLE_PREFIX.match(prefix):
        return HttpResponseBadRequest(_("Rôle inconnu."))
    text = request.GET.get(f"{prefix}-skill", "")
    nodes = profile_selectors.node_search(text, limit=SUGGESTIONS) if len(text.strip()) >= 2 else []
    return render(
        request,
        "staffing/_skill_suggestions.html",
        {"rows": profile_selectors.node_rows(nodes), "text": text, "prefix": prefix},
    )


# ---------------------------------------------------------------- detail


LEVELS = dict(Level.choices)
REASONS = {
    policy.LOW_ACTIVITY: lambda p: (
        _("aucune affaire terminée depuis %(months)d mois") % {"months": p.low_activity_months}
    ),
    policy.CAPE_FIRST: lambda p: _("en CAPE, une première expérience à acquérir"),
}
COST_SOURCES = {
    policy.FROM_HOUR: lambda: _("son tarif à l'heure"),
    policy.FROM_DAY: lambda: _("son tarif à la journée ÷ 7"),
    policy.FROM_DEFAULT: lambda: _("coût par défaut de la politique"),
}


@dataclass
class ProposedMember:
    member: Member
    roles: list[dict[str, Any]] = field(default_factory=list)  # name, skill, level, hours
    hours: Decimal = Decimal(0)
    available_hours: Decimal = Decimal(0)
    hourly_cost: Decimal = Decimal(0)
    cost_source: str = ""
    priority: Decimal = Decimal(0)
    reasons: list[str] = field(default_factory=list)
    worked_with: list[Member] = field(default_factory=list)
    kept: bool = False


@dataclass
class ProposalView:
    proposal: Proposal
    members: list[ProposedMember]


def _proposal_views(proposals: list[Proposal], values: policy.PolicyValues) -> list[ProposalView]:
    views = []
    for proposal in proposals:
        rows: dict[int, ProposedMember] = {}
        for assignment in proposal.assignments.all():
            facts = proposal.explanation.get(str(assignment.member_id), {})
            row = rows.get(assignment.member_id)
            if row is None:
                row = rows[assignment.member_id] = ProposedMember(
                    member=assignment.member,
                    available_hours=Decimal(facts.get("available_hours", "0")),
                    hourly_cost=Decimal(facts.get("hourly_cost", "0")),
                    cost_source=COST_SOURCES.get(facts.get("cost_source"), lambda: "")(),
                    priority=Decimal(facts.get("priority", "0")),
                    reasons=[REASONS[r](values) for r in facts.get("reasons", []) if r in REASONS],
                    kept=bool(facts.get("fixed")),
                )
            fit = facts.get("fits", {}).get(str(assignment.role_id), {})
            row.roles.append(
                {
                    "name": assignment.role.name,
                    "skill": fit.get("skill", assignment.role.node.label),
                    "level": LEVELS.get(fit.get("level"), ""),
                    "hours": assignment.role.hours,
                }
            )
            row.hours += assignment.role.hours
        for member_id, row in rows.items():
            others = proposal.explanation.get(str(member_id), {}).get("worked_with", {})
            row.worked_with = [rows[int(o)].member for o in others if int(o) in rows]
        views.append(ProposalView(proposal, list(rows.values())))
    return views


@allowed(rules.can_use_staffing)
@require_GET
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk)
    user = request.user
    sees_team = rules.can_see_team(user, opportunity)
    can_manage = rules.can_manage_opportunity(user, opportunity)
    invitations = selectors.invitations_of(opportunity) if sees_team else []
    open_roles = (
        selectors.open_roles(opportunity)
        if opportunity.status == OpportunityStatus.INVITING and sees_team
        else []
    )
    context = {
        "opportunity": opportunity,
        "roles": list(opportunity.roles.all()),
        "sees_team": sees_team,
        "can_manage": can_manage and opportunity.is_open,
        "can_edit": rules.can_edit_opportunity(user, opportunity),
        "can_solve": can_manage
        and opportunity.status in (OpportunityStatus.DRAFT, OpportunityStatus.PROPOSED),
        "can_invite": can_manage and opportunity.status == OpportunityStatus.PROPOSED,
        "can_open_group": can_manage
        and opportunity.status == OpportunityStatus.FORMED
        and opportunity.project_group_id is None,
        "proposals": (
            _proposal_views(selectors.proposals_of(opportunity), selectors.policy_values())
            if sees_team
            else []
        ),
        "invitations": invitations,
        "declined": [i for i in invitations if i.status == InvitationStatus.DECLINED],
        "open_roles": open_roles,
        "own_invitation": None if sees_team else selectors.invitation_of(opportunity, user),
        "last_solve": opportunity.last_solve,
        "nav": NAV,
    }
    return render(request, "staffing/detail.html", context)


# ---------------------------------------------------------------- actions


def _service_action(request: HttpRequest, action: Any, done: str, back: str) -> HttpResponse:
    try:
        result = action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if callable(done):
            done = done(result)
        if done:
            messages.success(request, done)
    return redirect(back)


@allowed(rules.can_create_opportunity)
@require_POST
def opportunity_solve(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _managed(request, pk)

    def done(proposals: list[Proposal]) -> str:
        if proposals:
            return _("Propositions d'équipe calculées : comparez-les, puis invitez une équipe.")
        messages.error(request, _("Aucune équipe ne répond à cette opportunité : voyez pourquoi."))
        return ""

    return _service_action(
        request,
        lambda: services.opportunity_solve(actor=request.user, opportunity=opportunity),
        done,
        reverse("staffing:detail", args=[pk]) + "#propositions",
    )


@allowed(rules.can_create_opportunity)
@require_POST
def proposal_invite(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("opportunity"), pk=pk)
    _managed(request, proposal.opportunity_id)
    return _service_action(
        request,
        lambda: services.team_invite(actor=request.user, proposal=proposal),
        _("Équipe invitée : chaque membre répond depuis « Mes invitations »."),
        reverse("staffing:detail", args=[proposal.opportunity_id]) + "#invitations",
    )


@allowed(rules.can_create_opportunity)
@require_POST
def opportunity_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _managed(request, pk)

    def done(proposal: Proposal | None) -> str:
        if proposal is None:
            messages.error(
                request,
                _("Personne d'autre ne peut prendre les rôles restés ouverts : voyez pourquoi."),
            )
            return ""
        return _("Équipe complétée : les nouveaux membres sont invités.")

    return _service_action(
        request,
        lambda: services.opportunity_resolve_without(actor=request.user, opportunity=opportunity),
        done,
        reverse("staffing:detail", args=[pk]) + "#invitations",
    )


@allowed(rules.can_create_opportunity)
@require_POST
def opportunity_project_group(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the formed team's project group, then go and write its charter."""
    opportunity = _managed(request, pk)
    try:
        group = services.team_project_group(actor=request.user, opportunity=opportunity)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("staffing:detail", pk)
    messages.success(
        request,
        _("Groupe projet ouvert : l'équipe y est invitée ; écrivez maintenant sa charte."),
    )
    return redirect("groups:detail", group.pk)


@allowed(rules.can_create_opportunity)
@require_POST
def opportunity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _managed(request, pk)
    return _service_action(
        request,
        lambda: services.opportunity_cancel(actor=request.user, opportunity=opportunity),
        _("Opportunité annulée."),
        reverse("staffing:detail", args=[pk]),
    )


# ---------------------------------------------------------------- the member's invitations


@allowed(roles.is_entrepreneur)
@require_GET
def my_invitations(request: HttpRequest) -> HttpResponse:
    member = member_of_user(request.user)
    invitations = selectors.invitations_of_member(member) if member else Invitation.objects.none()
    page = Paginator(invitations, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "staffing/my_invitations.html", {"page": page, "member": member, "nav": NAV}
    )


def _answer(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("member", "opportunity"), pk=pk
    )
    if invitation.member.user_id != request.user.pk:
        raise PermissionDenied(_("Cette invitation ne vous est pas adressée."))
    done = (
        _("Merci : vous faites partie de l'équipe « %(title)s ».")
        if accept
        else _("C'est noté : vous avez décliné « %(title)s ».")
    )
    return _service_action(
        request,
        lambda: services.invitation_answer(
            actor=request.user, invitation=invitation, accept=accept
        ),
        done % {"title": invitation.opportunity.title},
        reverse("staffing:my_invitations"),
    )


@allowed(roles.is_entrepreneur)
@require_POST
def invitation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=True)


@allowed(roles.is_entrepreneur)
@require_POST
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=False)


# ---------------------------------------------------------------- the policy


@allowed(rules.can_see_policy)
@require_http_methods(["GET", "POST"])
def policy_page(request: HttpRequest) -> HttpResponse:
    can_set = rules.can_set_policy(request.user)
    if request.method == "POST" and not can_set:
        raise PermissionDenied(_("Seule l'équipe de gestion fixe la politique de priorité."))
    current = selectors.policy_in_force()
    initial = {}
    if current is not None:
        initial = {
            f: getattr(current, f)
            for f in (
                "trust_weight",
                "priority_weight",
                "default_hourly_cost",
                "low_activity_months",
                "low_activity_bonus",
                "cape_first_bonus",
            )
        }
    return form_page(
        request,
        PolicyForm(request.POST or None, initial=initial),
        save=lambda data: services.policy_set(actor=request.user, **data),
        done=_("Politique de priorité enregistrée."),
        next_url=reverse("staffing:policy"),
        template="staffing/policy.html",
        context={
            "current": current,
            "values": selectors.policy_values(),
            "policies": selectors.policies()[:20],
            "can_set": can_set,
            "nav": NAV,
        },
    )
