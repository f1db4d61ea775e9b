"""Members of a group: the members page (who is in, who is invited or asking, who was in),
joining, asking, inviting, answering, roles and commitments, leaving, muting."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import allowed, form_page
from essaim.groups import rules, selectors
from essaim.groups.forms import InviteForm, MembershipForm, RequestForm
from essaim.groups.models import Membership, MembershipState
from essaim.groups.services import groups as services
from essaim.groups.views.common import (
    GroupPage,
    act,
    content_page,
    group_page,
    manager_page,
)


def _members_url(page: GroupPage) -> str:
    return reverse("groups:members", args=[page.group.pk])


def _row(page: GroupPage, membership_id: int, state: str) -> Membership:
    try:
        return Membership.objects.select_related("member__user", "group").get(
            pk=membership_id, group=page.group, state=state
        )
    except Membership.DoesNotExist:
        raise Http404(
            _("Aucune invitation, demande ou adhésion en cours ne porte ce numéro.")
        ) from None


@allowed(rules.can_use_groups)
@require_GET
def members(request: HttpRequest, pk: int) -> HttpResponse:
    page = content_page(request, pk)
    group = page.group
    context: dict[str, Any] = {
        "members": selectors.members_of(group),
        "past": list(selectors.past_members_of(group)),
    }
    if page.can["manage"]:
        context["pending"] = list(selectors.pending_of(group))
        context["invite_form"] = InviteForm(members=selectors.invitable_members(group))
        context["suggested"] = selectors.suggested_members(group, viewer=request.user)
    return render(request, "groups/members.html", page.context("members", **context))


@allowed(rules.can_use_groups)
@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    page = group_page(request, pk)
    member = selectors.member_of(request.user)
    if member is None or not page.can["join"]:
        raise PermissionDenied(_("Vous ne pouvez pas rejoindre ce groupe directement."))
    return act(
        request,
        lambda: services.member_join(actor=request.user, group=page.group, member=member),
        done=_("Vous avez rejoint le groupe."),
        back=services.group_url(page.group),
    )


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    page = group_page(request, pk)
    member = selectors.member_of(request.user)
    if member is None or not page.can["request"]:
        raise PermissionDenied(_("Vous ne pouvez pas demander à rejoindre ce groupe."))
    return form_page(
        request,
        RequestForm(request.POST or None),
        save=lambda data: services.member_request(
            actor=request.user, group=page.group, member=member, message=data["message"]
        ),
        done=_("Demande envoyée : les porteur·ses du groupe vous répondront."),
        next_url=services.group_url(page.group),
        template="groups/simple_form.html",
        context=page.context(
            "overview",
            title=_("Demander à rejoindre « %(name)s »") % {"name": page.group.name},
            submit=_("Envoyer la demande"),
        ),
    )


@allowed(rules.can_use_groups)
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    page = group_page(request, pk)
    if not page.can["leave"] or page.mine is None:
        raise PermissionDenied(_("Vous n'êtes pas membre de ce groupe."))
    mine = page.mine
    return act(
        request,
        lambda: services.membership_end(actor=request.user, membership=mine),
        done=_("Vous avez quitté le groupe."),
        back=services.group_url(page.group),
    )


@allowed(rules.can_use_groups)
@require_POST
def mute(request: HttpRequest, pk: int) -> HttpResponse:
    page = group_page(request, pk)
    if not page.can["leave"] or page.mine is None:
        raise PermissionDenied(_("Vous n'êtes pas membre de ce groupe."))
    muted = request.POST.get("muted") == "1"
    mine = page.mine
    return act(
        request,
        lambda: services.membership_mute(actor=request.user, membership=mine, muted=muted),
        done=_(
            "Vous ne recevrez plus les notifications des discussions de ce groupe, sauf "
            "quand on vous mentionne."
        )
        if muted
        else _("Vous recevrez de nouveau les notifications des discussions de ce groupe."),
        back=services.group_url(page.group),
    )


@allowed(rules.can_use_groups)
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    page = manager_page(request, pk)
    group = page.group
    form = InviteForm(request.POST, members=selectors.invitable_members(group))

    def save(data: dict[str, Any]) -> Membership:
        return services.member_invite(
            actor=request.user,
            group=group,
            member=data["member"],
            role=data["role"],
            message=data["message"],
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Invitation envoyée."),
        next_url=_members_url(page),
        template="groups/members.html",
        context=page.context(
            "members",
            members=selectors.members_of(group),
            past=list(selectors.past_members_of(group)),
            pending=list(selectors.pending_of(group)),
            invite_form=form,
            suggested=[],
        ),
    )


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    page = manager_page(request, pk)
    row = _row(page, membership_id, MembershipState.ACTIVE)
    form = MembershipForm(
        request.POST or None,
        initial={"role": row.role, "commitment_hours_per_month": row.commitment_hours_per_month},
    )
    return form_page(
        request,
        form,
        save=lambda data: services.membership_update(
            actor=request.user,
            membership=row,
            role=data["role"],
            commitment_hours_per_month=data["commitment_hours_per_month"],
        ),
        done=_("Rôle et engagement enregistrés."),
        next_url=_members_url(page),
        template="groups/simple_form.html",
        context=page.context(
            "members",
            title=_("Rôle et engagement de %(name)s") % {"name": row.member},
            submit=_("Enregistrer"),
        ),
    )


@allowed(rules.can_use_groups)
@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    page = manager_page(request, pk)
    row = _row(page, membership_id, MembershipState.ACTIVE)
    return act(
        request,
        lambda: services.membership_end(actor=request.user, membership=row),
        done=_("%(name)s ne fait plus partie du groupe.") % {"name": row.member},
        back=_members_url(page),
    )


def _own_invitation(request: HttpRequest, pk: int, membership_id: int) -> Membership:
    page = group_page(request, pk)
    row = _row(page, membership_id, MembershipState.INVITED)
    if not rules.can_answer_invitation(request.user, row):
        raise PermissionDenied(_("Cette invitation ne vous est pas adressée."))
    return row


@allowed(rules.can_use_groups)
@require_POST
def invitation_accept(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    row = _own_invitation(request, pk, membership_id)
    return act(
        request,
        lambda: services.invitation_accept(actor=request.user, membership=row),
        done=_("Bienvenue dans le groupe « %(name)s ».") % {"name": row.group.name},
        back=services.group_url(row.group),
    )


@allowed(rules.can_use_groups)
@require_POST
def invitation_decline(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    row = _own_invitation(request, pk, membership_id)
    return act(
        request,
        lambda: services.invitation_decline(actor=request.user, membership=row),
        done=_("Invitation déclinée."),
        back=reverse("groups:list"),
    )


@allowed(rules.can_use_groups)
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    page = manager_page(request, pk)
    row = _row(page, membership_id, MembershipState.INVITED)
    return act(
        request,
        lambda: services.invitation_withdraw(actor=request.user, membership=row),
        done=_("Invitation retirée."),
        back=_members_url(page),
    )


@allowed(rules.can_use_groups)
@require_POST
def request_approve(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    page = manager_page(request, pk)
    row = _row(page, membership_id, MembershipState.REQUESTED)
    return act(
        request,
        lambda: services.request_approve(actor=request.user, membership=row),
        done=_("%(name)s a rejoint le groupe.") % {"name": row.member},
        back=_members_url(page),
    )


@allowed(rules.can_use_groups)
@require_POST
def request_refuse(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    page = manager_page(request, pk)
    row = _row(page, membership_id, MembershipState.REQUESTED)
    return act(
        request,
        lambda: services.request_refuse(actor=request.user, membership=row),
        done=_("Demande refusée."),
        back=_members_url(page),
    )
