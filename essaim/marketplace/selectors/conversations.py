"""Reading conversations: a person's own, with what is unread; one conversation's messages;
whom a "Contacter" link points to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from essaim.marketplace import rules
from essaim.marketplace.models import (
    Conversation,
    ConversationParticipant,
    Message,
    WorkRequest,
)
from essaim.members.models import Member

EXCERPT = 160  # characters of the last message shown in the list


def member_of(user: Any) -> Member | None:
    """The member record of a logged-in person, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user_id=user.pk).first()


def conversations_of(*, user: Any) -> QuerySet[Conversation]:
    """The conversations the person takes part in, the latest message first, each with
    `unread` (a message came after they last read it), `last_excerpt` and `last_author_id`,
    and its participants (with their member) prefetched."""
    mine = ConversationParticipant.objects.filter(
        conversation=OuterRef("pk"), member__user_id=getattr(user, "pk", None)
    )
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        Conversation.objects.filter(rules.conversations_visible_to(user))
        .annotate(
            my_last_read=Subquery(mine.values("last_read_at")[:1]),
            last_excerpt=Subquery(
                last.annotate(excerpt=Substr("body", 1, EXCERPT)).values("excerpt")[:1]
            ),
            last_author_id=Subquery(last.values("author_id")[:1]),
        )
        .annotate(
            unread=Case(
                When(my_last_read__isnull=True, then=True),
                When(last_message_at__gt=F("my_last_read"), then=True),
                default=False,
                output_field=BooleanField(),
            )
        )
        .select_related("request")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=ConversationParticipant.objects.select_related("member").order_by(
                    "member__last_name", "member__first_name", "pk"
                ),
            )
        )
        .order_by("-last_message_at", "-id")
    )


def unread_conversation_count(*, user: Any) -> int:
    return conversations_of(user=user).filter(unread=True).count()


def with_others(conversations: Iterable[Conversation], member: Member) -> list[Conversation]:
    """Set `others` on each conversation (its participants but `member`, from the prefetch)
    and `last_is_mine` (`member` wrote the last message)."""
    rows = list(conversations)
    for conversation in rows:
        conversation.others = [  # type: ignore[attr-defined]
            p.member for p in conversation.participants.all() if p.member_id != member.pk
        ]
        conversation.last_is_mine = (  # type: ignore[attr-defined]
            getattr(conversation, "last_author_id", None) == member.pk
        )
    return rows


def conversation_visible(*, user: Any, pk: int) -> Conversation | None:
    """The conversation if the person may read it (a participant), else None."""
    conversation = Conversation.objects.select_related("request").filter(pk=pk).first()
    if conversation is None:
        return None
    ids = set(
        ConversationParticipant.objects.filter(conversation=conversation).values_list(
            "member_id", flat=True
        )
    )
    return conversation if rules.can_see_conversation(user, conversation, ids) else None


def participants_of(conversation: Conversation) -> list[ConversationParticipant]:
    return list(
        ConversationParticipant.objects.filter(conversation=conversation)
        .select_related("member")
        .order_by("member__last_name", "member__first_name", "pk")
    )


def messages_of(conversation: Conversation) -> QuerySet[Message]:
    """The messages, oldest first, with their author."""
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("author")
        .order_by("created_at", "id")
    )


def conversation_about(*, request: WorkRequest, members: Iterable[Member]) -> Conversation | None:
    """The latest conversation about `request` that all `members` take part in."""
    found = Conversation.objects.filter(request=request)
    for member in members:
        found = found.filter(
            pk__in=ConversationParticipant.objects.filter(member=member).values("conversation_id")
        )
    return found.order_by("-last_message_at", "-id").first()


@dataclass
class ContactTarget:
    """Whom a "Contacter" link points to, and about which request; `problems` says in French
    what is wrong with the link."""

    member: Member | None = None
    request: WorkRequest | None = None
    problems: list[str] = field(default_factory=list)


def _as_id(value: object) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


def contact_target(*, viewer: Any, avec: object, demande: object = None) -> ContactTarget:
    """Read the `avec` (member id) and `demande` (request id) of a "Contacter" link."""
    target = ContactTarget()
    if avec in (None, ""):
        target.problems.append(
            _(
                "Choisissez d'abord la personne à contacter : bouton « Contacter » sur sa fiche "
                "de l'annuaire ou sur une demande."
            )
        )
    else:
        member_id = _as_id(avec)
        target.member = (
            Member.objects.select_related("user").filter(pk=member_id).first()
            if member_id is not None
            else None
        )
        if target.member is None:
            target.problems.append(
                _(
                    "Aucun membre ne correspond au numéro « %(value)s » : revenez à l'annuaire "
                    "et choisissez « Contacter » sur la fiche de la personne."
                )
                % {"value": avec}
            )
    if demande not in (None, ""):
        request_id = _as_id(demande)
        found = (
            WorkRequest.objects.select_related("author").filter(pk=request_id).first()
            if request_id is not None
            else None
        )
        if found is None or not rules.can_see_request(viewer, found):
            target.problems.append(
                _(
                    "Aucune demande visible ne correspond au numéro « %(value)s » : revenez à la "
                    "liste des demandes."
                )
                % {"value": demande}
            )
        else:
            target.request = found
    return target
