"""Who may see and do what in staffing: views and templates all ask here.

- Management staff and entrepreneurs describe opportunities; whoever organised one (or
  management staff) asks for teams, invites, solves again, edits and cancels it.
- Advisors see every opportunity, its proposals and invitations, without changing anything.
- An invited member sees the opportunity and their own invitation (not the proposals: they
  hold the other members' costs and priorities), and answers it.
- The priority policy: set by management staff, read by advisors too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from essaim.core import roles
from essaim.staffing.models import (
    Invitation,
    InvitationStatus,
    OpportunityStatus,
    StaffingOpportunity,
)


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def can_use_staffing(user: Any) -> bool:
    return roles.is_management(user) or roles.is_advisor(user) or roles.is_entrepreneur(user)


def can_create_opportunity(user: Any) -> bool:
    return roles.is_management(user) or roles.is_entrepreneur(user)


def sees_every_opportunity(user: Any) -> bool:
    return roles.is_management(user) or roles.is_advisor(user)


def is_organiser(user: Any, opportunity: StaffingOpportunity) -> bool:
    uid = _uid(user)
    return uid is not None and opportunity.organiser_id == uid and can_create_opportunity(user)


def can_manage_opportunity(user: Any, opportunity: StaffingOpportunity) -> bool:
    """Ask for teams, invite, solve again, edit, cancel."""
    return roles.is_management(user) or is_organiser(user, opportunity)


def is_invited(user: Any, opportunity: StaffingOpportunity) -> bool:
    uid = _uid(user)
    if uid is None or not roles.is_entrepreneur(user):
        return False
    return Invitation.objects.filter(opportunity=opportunity, member__user_id=uid).exists()


def can_see_opportunity(user: Any, opportunity: StaffingOpportunity) -> bool:
    return (
        sees_every_opportunity(user)
        or is_organiser(user, opportunity)
        or is_invited(user, opportunity)
    )


def can_see_team(user: Any, opportunity: StaffingOpportunity) -> bool:
    """Proposals with their explanations, and every invitation."""
    return sees_every_opportunity(user) or is_organiser(user, opportunity)


def can_edit_opportunity(user: Any, opportunity: StaffingOpportunity) -> bool:
    """Change the description and roles: before anyone is invited."""
    return can_manage_opportunity(user, opportunity) and opportunity.status in (
        OpportunityStatus.DRAFT,
        OpportunityStatus.PROPOSED,
    )


def opportunities_visible_to(user: Any) -> Q:
    """A Q on StaffingOpportunity rows the user may see."""
    if sees_every_opportunity(user):
        return Q()
    uid = _uid(user)
    if uid is None or not can_create_opportunity(user):
        return Q(pk__in=[])
    if not roles.is_entrepreneur(user):
        return Q(organiser_id=uid)
    invited = Invitation.objects.filter(member__user_id=uid).values("opportunity_id")
    return Q(organiser_id=uid) | Q(pk__in=invited)


def can_answer_invitation(user: Any, invitation: Invitation) -> bool:
    uid = _uid(user)
    return (
        uid is not None
        and roles.is_entrepreneur(user)
        and invitation.member.user_id == uid
        and invitation.status == InvitationStatus.PENDING
        and invitation.opportunity.status == OpportunityStatus.INVITING
    )


def can_see_policy(user: Any) -> bool:
    return roles.is_management(user) or roles.is_advisor(user)


def can_set_policy(user: Any) -> bool:
    return roles.is_management(user)
