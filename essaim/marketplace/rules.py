"""Who may see and do what in the marketplace: views, API and templates all ask here.

- Requests are seen by everyone of the cooperative once published; a draft by its author only.
- A request's responses: its author and the advisors (each responder sees their own).
- Conversations: their participants only — not staff, not advisors.
- Deals: their parties, the advisors and management staff.
- Feedback: its author, the person it is about and the advisors; elsewhere only counts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from essaim.core import roles
from essaim.marketplace.models import (
    Audience,
    Conversation,
    Deal,
    DealStatus,
    Feedback,
    Offer,
    RequestResponse,
    RequestStatus,
    WorkRequest,
)
from essaim.members.models import Member


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def is_member_user(user: Any, member: Member | None) -> bool:
    """The person logged in is this member (an entrepreneur's own account)."""
    uid = _uid(user)
    return (
        member is not None
        and uid is not None
        and member.user_id == uid
        and roles.is_entrepreneur(user)
    )


def can_use_marketplace(user: Any) -> bool:
    return roles.is_entrepreneur(user) or roles.is_advisor(user) or roles.is_management(user)


def can_take_part(user: Any) -> bool:
    """Publish offers and requests, answer, converse: the entrepreneurs themselves."""
    return roles.is_entrepreneur(user)


# ---------------------------------------------------------------- offers


def can_see_offer(user: Any, offer: Offer) -> bool:
    if offer.audience == Audience.PUBLIC and offer.active:
        return True
    if is_member_user(user, offer.member):
        return True
    return offer.active and can_use_marketplace(user)


def can_edit_offer(user: Any, offer: Offer) -> bool:
    return is_member_user(user, offer.member)


# ---------------------------------------------------------------- requests


def can_see_request(user: Any, request: WorkRequest) -> bool:
    if is_member_user(user, request.author):
        return True
    if request.status == RequestStatus.DRAFT:
        return False
    return can_use_marketplace(user)


def can_edit_request(user: Any, request: WorkRequest) -> bool:
    """Change, publish, cancel, shortlist, award: the author."""
    return is_member_user(user, request.author)


def can_see_matches(user: Any, request: WorkRequest) -> bool:
    """The whole list of matching members: the author and the accompaniment."""
    return (
        is_member_user(user, request.author) or roles.is_advisor(user) or roles.is_management(user)
    )


def can_introduce(user: Any, request: WorkRequest | None = None) -> bool:
    return roles.is_advisor(user) and (request is None or request.status != RequestStatus.DRAFT)


def can_respond(user: Any, request: WorkRequest) -> bool:
    return (
        roles.is_entrepreneur(user)
        and not is_member_user(user, request.author)
        and request.status in (RequestStatus.OPEN, RequestStatus.DISCUSSION)
    )


def can_see_responses(user: Any, request: WorkRequest) -> bool:
    """Every response of the request: its author and the advisors only."""
    return is_member_user(user, request.author) or roles.is_advisor(user)


def can_see_response(user: Any, response: RequestResponse) -> bool:
    return is_member_user(user, response.member) or can_see_responses(user, response.request)


def responses_visible_to(user: Any) -> Q:
    """A Q on RequestResponse rows the user may read."""
    if roles.is_advisor(user):
        return Q()
    uid = _uid(user)
    if uid is None or not roles.is_entrepreneur(user):
        return Q(pk__in=[])
    return Q(member__user_id=uid) | Q(request__author__user_id=uid)


# ---------------------------------------------------------------- conversations


def can_see_conversation(user: Any, conversation: Conversation, participant_ids: set[int]) -> bool:
    """`participant_ids`: the member ids of the conversation's participants."""
    uid = _uid(user)
    if uid is None or not roles.is_entrepreneur(user):
        return False
    return Member.objects.filter(pk__in=participant_ids, user_id=uid).exists()


def conversations_visible_to(user: Any) -> Q:
    uid = _uid(user)
    if uid is None or not roles.is_entrepreneur(user):
        return Q(pk__in=[])
    return Q(participants__member__user_id=uid)


# ---------------------------------------------------------------- deals and feedback


def deals_visible_to(user: Any) -> Q:
    if roles.is_advisor(user) or roles.is_management(user):
        return Q()
    uid = _uid(user)
    if uid is None or not roles.is_entrepreneur(user):
        return Q(pk__in=[])
    return Q(buyer__user_id=uid) | Q(provider_links__member__user_id=uid)


def is_party(user: Any, deal: Deal) -> bool:
    uid = _uid(user)
    if uid is None or not roles.is_entrepreneur(user):
        return False
    if deal.buyer.user_id == uid:
        return True
    return deal.provider_links.filter(member__user_id=uid).exists()


def can_see_deal(user: Any, deal: Deal) -> bool:
    return roles.is_advisor(user) or roles.is_management(user) or is_party(user, deal)


def can_edit_deal(user: Any, deal: Deal) -> bool:
    """Move a deal along (in progress, done, cancelled): its parties and management staff."""
    return roles.is_management(user) or is_party(user, deal)


def can_record_deal(user: Any) -> bool:
    """Record a deal by hand: an entrepreneur (as a party) or management staff."""
    return roles.is_entrepreneur(user) or roles.is_management(user)


def can_leave_feedback(user: Any, deal: Deal) -> bool:
    return deal.status == DealStatus.DONE and is_party(user, deal)


def feedback_visible_to(user: Any) -> Q:
    """A Q on Feedback rows the user may read in full."""
    if roles.is_advisor(user):
        return Q()
    uid = _uid(user)
    if uid is None or not roles.is_entrepreneur(user):
        return Q(pk__in=[])
    return Q(author__user_id=uid) | Q(about__user_id=uid)


def can_see_feedback(user: Any, feedback: Feedback) -> bool:
    return (
        roles.is_advisor(user)
        or is_member_user(user, feedback.author)
        or is_member_user(user, feedback.about)
    )


# ---------------------------------------------------------------- business watch, statistics


def can_post_opportunity(user: Any) -> bool:
    return roles.is_entrepreneur(user) or roles.is_management(user)


def can_import_opportunities(user: Any) -> bool:
    return roles.is_management(user)


def can_see_stats(user: Any) -> bool:
    return roles.is_management(user)
