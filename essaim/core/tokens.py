"""API tokens: created once and shown once, stored as a digest."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from essaim.core.audit import log_action
from essaim.core.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: User, actor: User | None = None) -> str:
    token = "ess_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, digest=_digest(token), prefix=token[:12])
    log_action(actor=actor, action="api_token.created", target=row, subject=user)
    return token


def api_token_user(token: str) -> User | None:
    """The active user a token belongs to, or None."""
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token.strip()), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
