"""The member's marketplace space: what is theirs in every area of the marketplace, on one
page — open requests, answers sent, deals under way and done (with the feedback still to
give), offers, unread conversations, and the counts of feedback about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from essaim.marketplace.models import (
    CLOSED_STATUSES,
    Deal,
    DealStatus,
    Offer,
    RequestResponse,
    ResponseStatus,
    WorkRequest,
)
from essaim.marketplace.selectors.conversations import unread_conversation_count
from essaim.marketplace.selectors.deals import (
    OPEN_STATUSES,
    FeedbackCounts,
    deals_of_member,
    feedback_counts_about,
    feedback_missing,
)
from essaim.marketplace.selectors.offers import offers_of
from essaim.marketplace.selectors.requests import requests_of, responses_of
from essaim.members.models import Member

SHOWN = 10  # rows per block; the full lists are on each area's pages


@dataclass
class MySpace:
    requests: list[WorkRequest]
    responses: list[RequestResponse]
    current_deals: list[Deal]
    done_deals: list[Deal]
    offers: list[Offer]
    unread_conversations: int
    feedback_counts: FeedbackCounts
    # deal id → the other parties the member has not yet left feedback about
    feedback_to_give: dict[int, list[Member]] = field(default_factory=dict)

    @property
    def feedback_prompts(self) -> list[tuple[Deal, list[Member]]]:
        return [
            (d, self.feedback_to_give[d.pk])
            for d in self.done_deals
            if d.pk in self.feedback_to_give
        ]


def my_space(*, user: Any, member: Member) -> MySpace:
    """Everything the page shows, in a fixed number of queries."""
    deals = list(deals_of_member(member).exclude(status=DealStatus.CANCELLED)[: SHOWN * 3])
    current = [d for d in deals if d.status in OPEN_STATUSES][:SHOWN]
    done = [d for d in deals if d.status == DealStatus.DONE][:SHOWN]
    return MySpace(
        requests=list(requests_of(member).exclude(status__in=CLOSED_STATUSES)[:SHOWN]),
        responses=list(responses_of(member).exclude(status=ResponseStatus.WITHDRAWN)[:SHOWN]),
        current_deals=current,
        done_deals=done,
        offers=list(offers_of(member)[:SHOWN]),
        unread_conversations=unread_conversation_count(user=user),
        feedback_counts=feedback_counts_about(member),
        feedback_to_give=feedback_missing(member=member, deals=done),
    )
