"""What the groups' pages share: the group as the viewer sees it (their membership and what
they may do), the refusals, and the small POST actions' shape."""

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

from essaim.core import roles
from essaim.groups import rules, selectors
from essaim.groups.models import Group, Membership
from essaim.members.models import Member

NAV = "groups"


@dataclass
class GroupPage:
    """The group and the viewer: their current row (if any) and what they may do."""

    group: Group
    user: Any
    mine: Membership | None
    reviewer: bool

    @property
    def member(self) -> Member | None:
        return self.mine.member if self.mine is not None else None

    @cached_property
    def can(self) -> dict[str, bool]:
        user, group, mine = self.user, self.group, self.mine
        return {
            "see": rules.can_see_content(user, group, mine),
            "charter": rules.can_see_charter(user, group, mine, self.reviewer),
            "take_part": rules.can_take_part(user, group, mine),
            "manage": rules.can_manage(user, group, mine),
            "moderate": rules.can_moderate(user),
            "close": rules.can_close(user, group, mine),
            "join": rules.can_join(user, group, mine),
            "request": rules.can_request(user, group, mine),
            "leave": rules.can_leave(user, mine),
            "answer": mine is not None and rules.can_answer_invitation(user, mine),
        }

    def context(self, tab: str, **extra: Any) -> dict[str, Any]:
        return {
            "group": self.group,
            "mine": self.mine,
            "can": self.can,
            "tab": tab,
            "nav": NAV,
            **extra,
        }


def group_page(request: HttpRequest, pk: int) -> GroupPage:
    try:
        group = selectors.group_for(pk)
    except Group.DoesNotExist:
        raise Http404(_("Aucun groupe ne porte ce numéro.")) from None
    mine = selectors.membership_of(request.user, group)
    reviewer = group.is_project and mine is None and selectors.is_reviewer(request.user, group)
    return GroupPage(group=group, user=request.user, mine=mine, reviewer=reviewer)


def refuse_content(page: GroupPage) -> None:
    """403 with the reason, in French, for whoever may not read the group's content."""
    if roles.is_advisor(page.user):
        raise PermissionDenied(
            _(
                "Les chargé·es d'accompagnement ne sont pas membres des groupes : le contenu "
                "d'un groupe fermé est réservé à ses membres."
            )
        )
    raise PermissionDenied(
        _("Le contenu de ce groupe fermé est réservé à ses membres : demandez à le rejoindre.")
    )


def content_page(request: HttpRequest, pk: int) -> GroupPage:
    """The group, if the viewer may read its content."""
    page = group_page(request, pk)
    if not page.can["see"]:
        refuse_content(page)
    return page


def charter_page(request: HttpRequest, pk: int) -> GroupPage:
    page = group_page(request, pk)
    if not page.group.is_project:
        raise Http404(_("Seul un groupe projet a une charte."))
    if not page.can["charter"]:
        refuse_content(page)
    return page


def participant_page(request: HttpRequest, pk: int) -> GroupPage:
    """The group, if the viewer takes part in it (writes)."""
    page = content_page(request, pk)
    if not page.can["take_part"]:
        raise PermissionDenied(
            _("Seuls les membres du groupe y écrivent : rejoignez-le d'abord.")
            if not page.group.is_closed
            else _("Ce groupe est clos : on n'y écrit plus.")
        )
    return page


def manager_page(request: HttpRequest, pk: int) -> GroupPage:
    page = group_page(request, pk)
    if not page.can["manage"]:
        if not page.can["see"]:
            refuse_content(page)
        raise PermissionDenied(
            _("Seul·es les porteur·ses et animateur·rices du groupe peuvent faire cela.")
        )
    return page


def act(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    done: str,
    back: str,
) -> HttpResponse:
    """A small POST action: run the service; say it was done, or why it was refused; go
    back."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)
