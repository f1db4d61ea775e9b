"""Members' calendar feeds: a secret address per member, read by calendar applications
without logging in. Only the token's SHA-256 digest is stored: the address is shown once,
when it is made; a new one replaces (and disables) the previous one."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.events.models import CalendarFeed
from essaim.members.models import Member


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_token_reset(*, actor: User | None, member: Member) -> str:
    """A new secret token for the member's feed (the old address stops working)."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.update_or_create(
        member=member,
        defaults={"digest": _digest(token), "created_at": timezone.now(), "last_used_at": None},
    )
    log_action(
        actor=actor,
        action="events.feed_created" if created else "events.feed_reset",
        target=feed,
        subject=member,
    )
    return token


def feed_member(token: str) -> Member | None:
    """The member whose feed this token opens (present in the cooperative, with an active
    account), or None. Records when the feed was last read."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("member")
        .filter(digest=_digest(token), member__user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    member = feed.member
    if member.exit_date is not None and member.exit_date <= timezone.localdate():
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return member
