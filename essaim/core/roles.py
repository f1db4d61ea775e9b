"""Role predicates: the one place that says who is what."""

from __future__ import annotations

from typing import Any

from essaim.core.models import Role


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def is_management(user: Any) -> bool:
    """Management staff and administrators: they see every member."""
    return _role(user) in {Role.STAFF, Role.ADMIN}


def is_advisor(user: Any) -> bool:
    return _role(user) == Role.ADVISOR


def is_entrepreneur(user: Any) -> bool:
    return _role(user) == Role.ENTREPRENEUR
