from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from essaim.core import notifications
from essaim.core import roles as predicates

COLLECTIVE_SECTIONS = ("groups", "events", "tutoring")


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "cooperative_name": settings.ESSAIM_COOPERATIVE_NAME,
        "is_management": predicates.is_management(user),
        "is_advisor": predicates.is_advisor(user),
        "is_entrepreneur": predicates.is_entrepreneur(user),
        # A callable, which templates call: counted (one query) only when a template shows it,
        # and once per response however often it is shown.
        "unread_notifications": functools.cache(lambda: _unread(user)),
        # URL namespaces of the collective-life section (its sub-navigation).
        "collective_sections": COLLECTIVE_SECTIONS,
    }


def _unread(user: Any) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return notifications.unread_count(user)
