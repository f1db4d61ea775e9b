"""Conversations: the simple contact procedure between members, perhaps about a request.

Each message tells the other participants (in the app, and by e-mail as each chose). Message
texts stay out of the audit log: a conversation is read by its participants only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notifications_mark_all_read, notify
from essaim.marketplace.models import (
    Conversation,
    ConversationParticipant,
    Message,
    WorkRequest,
)
from essaim.members.models import Member

SUBJECT_MAX = Conversation._meta.get_field("subject").max_length
EXCERPT = 300  # characters of the message in the notification (and its e-mail)


def conversation_url(conversation: Conversation) -> str:
    return reverse("marketplace:conversation_detail", args=[conversation.pk])


def _is_present(member: Member, today: dt.date) -> bool:
    return member.exit_date is None or member.exit_date > today


def participant_problems(
    *, author: Member, participants: Sequence[Member], request: WorkRequest | None = None
) -> list[str]:
    """What prevents `author` from starting a conversation with `participants`, in French
    (empty when nothing does). The start page asks before showing its form; the service asks
    again before writing."""
    today = timezone.localdate()
    problems: list[str] = []
    if not _is_present(author, today):
        problems.append(
            _("Vous avez quitté la coopérative : vous ne pouvez plus ouvrir de conversation.")
        )
    others = [m for m in participants if m.pk != author.pk]
    if len(others) < len(participants):
        problems.append(
            _(
                "Vous ne pouvez pas ouvrir une conversation avec vous-même : choisissez un "
                "autre membre."
            )
        )
    elif not others:
        problems.append(_("Choisissez le membre à contacter."))
    for member in others:
        if not _is_present(member, today):
            problems.append(
                _("%(name)s a quitté la coopérative : vous ne pouvez plus lui écrire ici.")
                % {"name": member}
            )
        elif member.user_id is None or not member.user.is_active:
            problems.append(
                _(
                    "%(name)s n'a pas de compte Essaim actif et ne pourrait pas lire votre "
                    "message : contactez cette personne par e-mail ou par téléphone."
                )
                % {"name": member}
            )
    if request is not None and request.author_id not in {author.pk, *(m.pk for m in others)}:
        problems.append(
            _(
                "Une conversation sur la demande « %(title)s » réunit son auteur·e et un membre : "
                "l'auteur·e de la demande doit en faire partie."
            )
            % {"title": request.title}
        )
    return problems


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Écrivez votre message : il est vide.")})
    return body


def _tell_others(
    *, conversation: Conversation, message: Message, author: Member, recipients: Sequence[Member]
) -> None:
    users: list[User | None] = [m.user for m in recipients if m.pk != author.pk]
    notify(
        users=users,
        kind="message",
        title=_("Nouveau message de %(name)s : %(subject)s")
        % {"name": author, "subject": conversation.subject},
        body=Truncator(message.body).chars(EXCERPT),
        url=conversation_url(conversation),
    )


@transaction.atomic
def conversation_start(
    *,
    actor: User | None,
    author: Member,
    participants: list[Member],
    subject: str,
    body: str,
    request: WorkRequest | None = None,
) -> Conversation:
    """Open a conversation between `author` and `participants` with a first message. Without a
    subject, a conversation about a request takes the request's title."""
    subject = " ".join((subject or "").split())
    if not subject and request is not None:
        subject = Truncator(request.title).chars(SUBJECT_MAX)
    if not subject:
        raise ValidationError({"subject": _("Indiquez l'objet de la conversation.")})
    if len(subject) > SUBJECT_MAX:
        raise ValidationError(
            {
                "subject": _("L'objet est trop long : %(max)d caractères au plus.")
                % {"max": SUBJECT_MAX}
            }
        )
    body = _clean_body(body)
    unique = list({m.pk: m for m in participants}.values())
    problems = participant_problems(author=author, participants=unique, request=request)
    if problems:
        raise ValidationError(problems)
    others = [m for m in unique if m.pk != author.pk]
    now = timezone.now()
    conversation = Conversation.objects.create(
        subject=subject, request=request, created_at=now, last_message_at=now
    )
    ConversationParticipant.objects.bulk_create(
        [ConversationParticipant(conversation=conversation, member=author, last_read_at=now)]
        + [ConversationParticipant(conversation=conversation, member=m) for m in others]
    )
    message = Message.objects.create(
        conversation=conversation, author=author, body=body, created_at=now
    )
    log_action(
        actor=actor,
        action="conversation.started",
        target=conversation,
        data={
            "author": author.pk,
            "participants": sorted(m.pk for m in others),
            "request": request.pk if request is not None else None,
        },
    )
    _tell_others(conversation=conversation, message=message, author=author, recipients=others)
    return conversation


@transaction.atomic
def message_post(
    *, actor: User | None, conversation: Conversation, author: Member, body: str
) -> Message:
    """Add `author`'s message to the conversation; the other participants are told."""
    body = _clean_body(body)
    # Locked: two messages posted at once each move `last_message_at` forward, in order.
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    members = [
        p.member
        for p in ConversationParticipant.objects.filter(conversation=conversation)
        .select_related("member__user")
        .order_by("pk")
    ]
    if author.pk not in {m.pk for m in members}:
        raise ValidationError(_("Vous ne participez pas à cette conversation."))
    if not _is_present(author, timezone.localdate()):
        raise ValidationError(
            _("Vous avez quitté la coopérative : vous ne pouvez plus écrire dans Essaim.")
        )
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, author=author, body=body, created_at=now
    )
    conversation.last_message_at = now
    conversation.save(update_fields=["last_message_at"])
    ConversationParticipant.objects.filter(conversation=conversation, member=author).update(
        last_read_at=now
    )
    log_action(
        actor=actor,
        action="conversation.message_posted",
        target=conversation,
        data={"message": message.pk, "author": author.pk},
    )
    _tell_others(conversation=conversation, message=message, author=author, recipients=members)
    return message


def conversation_mark_read(*, actor: User, conversation: Conversation, member: Member) -> None:
    """`member` (logged in as `actor`) has read the conversation up to now; their
    notifications about it are read too. Reading is not a business change: no audit entry."""
    with transaction.atomic():
        ConversationParticipant.objects.filter(conversation=conversation, member=member).update(
            last_read_at=timezone.now()
        )
        if member.user_id == actor.pk:
            notifications_mark_all_read(user=actor, url=conversation_url(conversation))
