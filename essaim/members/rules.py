"""Who may see and change which member: views, API and templates all ask here."""

from __future__ import annotations

from typing import Any

from essaim.core import roles
from essaim.members.models import Member


def can_list_members(user: Any) -> bool:
    return roles.is_management(user) or roles.is_advisor(user)


def can_view_member(user: Any, member: Member) -> bool:
    if roles.is_management(user):
        return True
    if roles.is_advisor(user):
        return member.advisor_id == user.pk
    if roles.is_entrepreneur(user):
        return member.user_id is not None and member.user_id == user.pk
    return False


def can_manage_members(user: Any) -> bool:
    """Edit records, stages, exits and advisors; import and export."""
    return roles.is_management(user)


def can_record_meeting(user: Any, member: Member | None = None) -> bool:
    if not roles.is_advisor(user):
        return False
    return member is None or member.advisor_id == user.pk


def can_see_deadlines(user: Any) -> bool:
    return roles.is_advisor(user) or roles.is_management(user)


def is_own_record(user: Any, member: Member) -> bool:
    return member.user_id is not None and member.user_id == getattr(user, "pk", None)
