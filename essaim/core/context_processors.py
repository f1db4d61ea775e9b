from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from essaim.core import roles as predicates


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "cooperative_name": settings.ESSAIM_COOPERATIVE_NAME,
        "is_management": predicates.is_management(user),
        "is_advisor": predicates.is_advisor(user),
        "is_entrepreneur": predicates.is_entrepreneur(user),
    }
