"""Who may see and change an activity's money: views, API and templates all ask here.

An activity's invoices, customers, expenses, account, salary and alerts are seen by the member
themself, their advisor and management staff — nobody else.
"""

from __future__ import annotations

from typing import Any

from essaim.core import roles
from essaim.members.models import Activity


def _is_owner(user: Any, activity: Activity) -> bool:
    uid = getattr(user, "pk", None)
    return (
        roles.is_entrepreneur(user)
        and uid is not None
        and activity.member.user_id is not None
        and activity.member.user_id == uid
    )


def can_see_activity_finance(user: Any, activity: Activity) -> bool:
    if roles.is_management(user) or _is_owner(user, activity):
        return True
    return roles.is_advisor(user) and activity.member.advisor_id == user.pk


def can_edit_activity_finance(user: Any, activity: Activity) -> bool:
    """Customers, estimates, invoices, payments, expenses: the member and management."""
    return roles.is_management(user) or _is_owner(user, activity)


def can_manage_finance(user: Any) -> bool:
    """Contribution rules, the cooperative's identity, salaries, exports, treasury."""
    return roles.is_management(user)


def can_see_alerts(user: Any) -> bool:
    return roles.is_advisor(user) or roles.is_management(user)
