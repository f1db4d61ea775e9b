"""Who sees what of a profile: the one place views, API, search and exports ask."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from essaim.core import roles
from essaim.members.models import Member
from essaim.skills.models import PriceVisibility


def can_use_directory(user: Any) -> bool:
    """Every person of the cooperative searches the directory."""
    return roles.is_entrepreneur(user) or roles.is_advisor(user) or roles.is_management(user)


def can_edit_profile(user: Any, member: Member) -> bool:
    return member.user_id is not None and member.user_id == getattr(user, "pk", None)


def can_manage_nomenclature(user: Any) -> bool:
    return roles.is_management(user)


def can_record_introduction(user: Any) -> bool:
    return roles.is_advisor(user) or roles.is_management(user)


def can_see_exposure(user: Any) -> bool:
    return roles.is_management(user)


def price_visibility_filter(user: Any, member_field: str = "member") -> Q:
    """A Q on Price rows: the member sees all their prices, their advisor those shown to the
    advisor or to members, everyone else only those shown to all members."""
    uid = getattr(user, "pk", None)
    mine = Q(**{f"{member_field}__user_id": uid}) if uid else Q(pk__in=[])
    advised = (
        Q(**{f"{member_field}__advisor_id": uid})
        & Q(visibility__in=[PriceVisibility.ADVISOR, PriceVisibility.MEMBERS])
        if uid and roles.is_advisor(user)
        else Q(pk__in=[])
    )
    return mine | advised | Q(visibility=PriceVisibility.MEMBERS)
