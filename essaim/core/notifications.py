"""Telling people: notifications in the app, e-mailed at once or as a digest.

Every app tells people through `notify`; each person chooses how often e-mails come
(`NotificationSettings`, daily digest by default). `send_digests` (the `send-digests` command,
run by cron every hour) e-mails the digests that are due.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from essaim.core.models import EmailFrequency, Notification, NotificationSettings, User

DIGEST_EVERY = {
    EmailFrequency.DAILY: dt.timedelta(days=1),
    EmailFrequency.WEEKLY: dt.timedelta(days=7),
}
# The hourly cron run starts a few seconds earlier or later each time: without this slack a
# daily digest would slip by an hour whenever a run starts a little early.
DIGEST_SLACK = dt.timedelta(minutes=10)


def frequency_of(user: User) -> str:
    try:
        return user.notification_settings.email_frequency
    except NotificationSettings.DoesNotExist:
        return EmailFrequency.DAILY


def settings_of(user: User) -> NotificationSettings:
    found, _created = NotificationSettings.objects.get_or_create(user=user)
    return found


def settings_update(*, user: User, email_frequency: str) -> NotificationSettings:
    if email_frequency not in EmailFrequency.values:
        raise ValidationError(
            {"email_frequency": _("Fréquence inconnue : %(value)s.") % {"value": email_frequency}}
        )
    found = settings_of(user)
    found.email_frequency = email_frequency
    found.save(update_fields=["email_frequency"])
    return found


def notifications_of(user: User) -> models.QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """The person opened the notification. Reading is not a business change: no audit entry."""
    if notification.user_id != user.pk:
        raise PermissionDenied(_("Cette notification ne vous est pas adressée."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User, url: str | None = None) -> int:
    """Mark the person's unread notifications read (only those pointing to `url` if given: a
    conversation read on its page). Returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if url is not None:
        unread = unread.filter(url=url)
    return unread.update(read_at=timezone.now())


def notify(
    *,
    users: Iterable[User | None],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Tell each (active) user; those who want e-mails at once get one after the commit."""
    people = {u.pk: u for u in users if u is not None and u.is_active}
    if not people:
        return []
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, title=title[:255], body=body, url=url, created_at=now)
            for u in people.values()
        ]
    )
    immediate = set(
        NotificationSettings.objects.filter(
            user_id__in=people, email_frequency=EmailFrequency.IMMEDIATE
        ).values_list("user_id", flat=True)
    )
    if immediate:
        ids = [n.pk for n in created if n.user_id in immediate]
        # robust: a mail server down must not turn the user's action (already committed) into
        # an error page; the notes stay un-e-mailed and `send_digests` retries them.
        transaction.on_commit(lambda: _send_now(ids), robust=True)
    return created


def _absolute(url: str) -> str:
    return settings.ESSAIM_SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _send_now(ids: list[int]) -> None:
    notes = list(
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("user")
    )
    if not notes:
        return
    messages = [
        EmailMessage(
            subject=note.title,
            body="\n\n".join(part for part in (note.body, _absolute(note.url)) if part),
            to=[note.user.email],
        )
        for note in notes
    ]
    get_connection().send_messages(messages)
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=timezone.now())


def _digest_body(notes: list[Notification]) -> str:
    lines = [
        ngettext(
            "Vous avez %(count)d nouvelle notification dans Essaim :",
            "Vous avez %(count)d nouvelles notifications dans Essaim :",
            len(notes),
        )
        % {"count": len(notes)},
        "",
    ]
    for note in notes:
        lines.append(f"• {note.title}")
        if note.body:
            lines.append(f"  {note.body}")
        if note.url:
            lines.append(f"  {_absolute(note.url)}")
    lines += ["", _("Réglez la fréquence de ces e-mails dans Essaim, page « Notifications ».")]
    return "\n".join(lines)


def send_digests(*, now: dt.datetime | None = None) -> int:
    """E-mail each person the notifications not yet e-mailed, when their digest is due.
    Returns how many e-mails were sent."""
    now = now or timezone.now()
    pending: dict[int, list[Notification]] = defaultdict(list)
    for note in (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    ):
        pending[note.user_id].append(note)
    if not pending:
        return 0
    chosen = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=pending.keys())}
    messages: list[EmailMessage] = []
    sent_ids: list[int] = []
    due_users: list[int] = []
    for user_id, notes in pending.items():
        found = chosen.get(user_id)
        frequency = found.email_frequency if found else EmailFrequency.DAILY
        if frequency == EmailFrequency.NEVER:
            continue
        last = found.last_digest_at if found else None
        every = DIGEST_EVERY.get(frequency)
        if every is not None and last is not None and now - last < every - DIGEST_SLACK:
            continue
        user = notes[0].user
        if not user.is_active:
            continue
        messages.append(
            EmailMessage(
                subject=ngettext(
                    "Essaim : %(count)d nouvelle notification",
                    "Essaim : %(count)d nouvelles notifications",
                    len(notes),
                )
                % {"count": len(notes)},
                body=_digest_body(notes),
                to=[user.email],
            )
        )
        sent_ids += [n.pk for n in notes]
        due_users.append(user_id)
    if messages:
        get_connection().send_messages(messages)
        with transaction.atomic():
            Notification.objects.filter(pk__in=sent_ids).update(emailed_at=now)
            for user_id in due_users:
                NotificationSettings.objects.update_or_create(
                    user_id=user_id, defaults={"last_digest_at": now}
                )
    return len(messages)
