"""The demo marketplace: deterministic, consistent with the members' paths, shaped like the
study's findings (pairs who work together again, few groups, a few members at the centre, most
with no deal), matches computed by the marketplace's own rule, and something to show behind the
demo entrepreneur login."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from essaim.demo.generator import ENTREPRENEUR_EMAIL, build_demo, record_build
from essaim.marketplace.models import (
    ConversationParticipant,
    Deal,
    DealProvider,
    DealStatus,
    Feedback,
    Message,
    Offer,
    Opportunity,
    RequestIntroduction,
    RequestKind,
    RequestMatch,
    RequestResponse,
    RequestStatus,
    WatchSubscription,
    WorkRequest,
)
from essaim.marketplace.selectors.matching import matching_members
from essaim.members.models import Member, PathStage

TODAY = dt.date(2026, 11, 26)
SMALL = 120
PRESENT = ("cape", "cesa", "associate")


def build(seed: int = 7, **options: Any) -> Any:
    return build_demo(seed=seed, active=SMALL, today=TODAY, **options)


def day_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def parties() -> dict[int, list[int]]:
    """Deal id → member ids, the buyer first."""
    found: dict[int, list[int]] = {
        pk: [buyer] for pk, buyer in Deal.objects.values_list("pk", "buyer_id")
    }
    for deal_id, member_id in DealProvider.objects.order_by("member_id").values_list(
        "deal_id", "member_id"
    ):
        found[deal_id].append(member_id)
    return found


def facts() -> dict[str, Any]:
    """The marketplace as natural keys (e-mails, titles, dates), in a canonical order."""
    emails = dict(Member.objects.values_list("pk", "email"))
    return {
        "deals": sorted(
            (
                d.kind,
                d.title,
                d.status,
                d.origin,
                d.amount,
                d.start_date,
                d.end_date,
                tuple(emails[m] for m in parties()[d.pk]),
            )
            for d in Deal.objects.all()
        ),
        "requests": sorted(
            WorkRequest.objects.values_list(
                "author__email", "kind", "title", "status", "answer_deadline", "zone", "budget"
            )
        ),
        "responses": sorted(
            RequestResponse.objects.values_list(
                "request__title", "member__email", "status", "price"
            )
        ),
        "matches": sorted(
            RequestMatch.objects.values_list("request__title", "member__email", "covered")
        ),
        "feedback": sorted(
            Feedback.objects.values_list(
                "author__email", "about__email", "would_work_again", "quality", "comment"
            )
        ),
        "offers": sorted(
            Offer.objects.values_list("member__email", "title", "price", "audience", "active")
        ),
        "messages": sorted(Message.objects.values_list("author__email", "body")),
        "opportunities": sorted(Opportunity.objects.values_list("title", "deadline")),
    }


def presence() -> dict[int, tuple[dt.date, dt.date | None]]:
    """Member id → (first contract day, exit day or None), from the recorded path."""
    first: dict[int, dt.date] = {}
    for member_id, start in PathStage.objects.filter(kind__in=PRESENT).values_list(
        "member_id", "start"
    ):
        first[member_id] = min(start, first.get(member_id, start))
    exits = dict(Member.objects.values_list("pk", "exit_date"))
    return {pk: (start, exits[pk]) for pk, start in first.items()}


def present_members() -> set[int]:
    return set(
        Member.objects.filter(exit_date__isnull=True, stage__in=PRESENT).values_list(
            "pk", flat=True
        )
    )


# Determinism ---------------------------------------------------------------------------------


def test_the_same_seed_builds_the_same_marketplace(db):
    first = build()
    before = facts()
    second = build(reset=True)

    assert facts() == before
    assert first.build.counts == second.build.counts
    assert {k: first.build.counts[k] for k in ("offers", "requests", "deals")} == {
        "offers": Offer.objects.count(),
        "requests": WorkRequest.objects.count(),
        "deals": Deal.objects.count(),
    }
    assert all(before[key] for key in before)


def test_another_seed_builds_other_pairs(db):
    build()
    first = {d[-1] for d in facts()["deals"]}
    build(seed=8, reset=True)

    assert {d[-1] for d in facts()["deals"]} != first


def test_reset_deletes_the_marketplace_first(db):
    build()

    build(reset=True, steps=[record_build])  # delete everything, rebuild nothing

    assert not Deal.objects.exists() and not WorkRequest.objects.exists()
    assert not Offer.objects.exists() and not Opportunity.objects.exists()


# Consistency with the members' paths -----------------------------------------------------------


def test_nobody_deals_answers_or_writes_outside_their_presence(db):
    build()
    present = presence()

    def there(member_id: int, first: dt.date, last: dt.date | None = None) -> bool:
        entry, exit = present[member_id]
        return entry <= first and (exit is None or (last or first) <= exit)

    for deal in Deal.objects.all():
        for member_id in parties()[deal.pk]:
            assert there(member_id, deal.start_date, deal.end_date), (deal.title, member_id)
        assert deal.start_date <= deal.end_date
        assert day_of(deal.created_at) <= TODAY  # recorded by now, even when it starts later
        assert (deal.done_at is not None) == (deal.status == DealStatus.DONE)
        assert deal.status != DealStatus.DONE or deal.end_date <= TODAY
        assert deal.start_date >= TODAY - dt.timedelta(days=3 * 366)
    for request in WorkRequest.objects.all():
        assert there(request.author_id, day_of(request.created_at))
    for response in RequestResponse.objects.select_related("request"):
        assert there(response.member_id, day_of(response.created_at))
        assert day_of(response.created_at) >= day_of(response.request.published_at)
    for message in Message.objects.all():
        assert there(message.author_id, day_of(message.created_at))
    for feedback in Feedback.objects.select_related("deal"):
        assert feedback.deal.status == DealStatus.DONE
        assert feedback.deal.end_date <= day_of(feedback.created_at) <= TODAY
        assert {feedback.author_id, feedback.about_id} <= set(parties()[feedback.deal_id])


def test_request_statuses_agree_with_their_dates_and_answers(db):
    build()

    for request in WorkRequest.objects.prefetch_related("responses", "deals"):
        live = request.status in (RequestStatus.OPEN, RequestStatus.DISCUSSION)
        assert (request.published_at is None) == (request.status == RequestStatus.DRAFT)
        assert live == (request.answer_deadline >= TODAY) or request.status in (
            RequestStatus.DRAFT,
            RequestStatus.AWARDED,
            RequestStatus.CANCELLED,
        )
        answers = [r.status for r in request.responses.all()]
        if request.status == RequestStatus.DISCUSSION:
            assert set(answers) - {"withdrawn"}
        if request.status == RequestStatus.OPEN:
            assert not set(answers) - {"withdrawn"}
        if request.status == RequestStatus.AWARDED:
            assert "awarded" in answers and len(request.deals.all()) == 1
            deal = request.deals.all()[0]
            awarded = {r.member_id for r in request.responses.all() if r.status == "awarded"}
            assert awarded == set(parties()[deal.pk][1:])
        else:
            assert "awarded" not in answers and not request.deals.all()


# Shape -----------------------------------------------------------------------------------------


def test_a_minority_of_the_present_members_ever_dealt(db):
    build()
    present = present_members()
    dealt = {m for members in parties().values() for m in members}

    share = len(dealt & present) / len(present)

    assert 0.15 <= share <= 0.45


def test_pairs_work_together_again_groups_are_few_and_some_are_at_the_centre(db):
    build()
    pairs: Counter[tuple[int, int]] = Counter()
    partners: dict[int, set[int]] = defaultdict(set)
    sizes = Counter()
    for members in parties().values():
        sizes[len(members)] += 1
        if len(members) == 2:
            pairs[(min(members), max(members))] += 1
        for a in members:
            partners[a] |= set(members) - {a}

    assert sum(1 for n in pairs.values() if n > 1) >= 0.15 * len(pairs)
    assert 0 < sum(n for size, n in sizes.items() if size >= 3) <= 0.1 * sum(sizes.values())
    assert max(sizes) <= 5
    degrees = [len(p) for p in partners.values()]
    assert max(degrees) >= 4 * statistics.median(degrees)


def test_every_kind_and_status_of_request_and_deal_is_there(db):
    build()

    assert set(WorkRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert set(WorkRequest.objects.values_list("kind", flat=True)) == set(RequestKind.values)
    assert set(Deal.objects.values_list("kind", flat=True)) >= {
        "purchase",
        "subcontracting",
        "exchange",
    }
    assert set(Deal.objects.values_list("origin", flat=True)) >= {"direct", "matching"}
    assert Deal.objects.filter(kind="exchange", amount__isnull=False).count() == 0


def test_feedback_is_mostly_positive_with_some_who_would_not_work_again(db):
    build(seed=2003)
    again = Counter(Feedback.objects.values_list("would_work_again", flat=True))

    assert again[True] > 5 * again[False] > 0
    assert not Feedback.objects.filter(author=F("about")).exists()


def test_about_one_present_member_in_four_offers_something(db):
    build()
    offers = Offer.objects.all()
    owners = {o.member_id for o in offers}

    assert 0.15 <= len(owners) / len(present_members()) <= 0.4
    assert owners <= present_members()
    assert offers.filter(audience="public").exists() and offers.filter(audience="members").exists()
    assert offers.filter(price__isnull=True).exists()  # « sur devis »
    assert all(o.search_text.strip() and o.nodes.exists() for o in offers)


def test_the_business_watch_has_opportunities_subscriptions_and_introductions(db):
    build()

    assert Opportunity.objects.filter(deadline__gte=TODAY).exists()
    assert Opportunity.objects.filter(deadline__lt=TODAY).exists()
    assert WorkRequest.objects.filter(opportunity__isnull=False).exists()
    assert WatchSubscription.objects.exists()
    for introduction in RequestIntroduction.objects.select_related("request", "advisor"):
        assert introduction.advisor.role == "advisor"
        assert introduction.member_id != introduction.request.author_id


# Matches ---------------------------------------------------------------------------------------


def test_open_requests_match_whom_the_marketplace_s_rule_finds(db):
    build()
    present = presence()
    checked = 0
    for request in WorkRequest.objects.filter(
        status__in=[RequestStatus.OPEN, RequestStatus.DISCUSSION]
    ):
        published = day_of(request.published_at)
        expected = [
            m.member_id
            for m in matching_members(request, today=published)
            if present[m.member_id][0] <= published
        ]
        stored = list(request.matches.order_by("rank").values_list("member_id", flat=True))
        assert stored == expected
        checked += len(stored)
    assert checked > 0


def test_drafts_have_no_matches_and_published_requests_mostly_do(db):
    build()

    assert not RequestMatch.objects.filter(request__status=RequestStatus.DRAFT).exists()
    published = WorkRequest.objects.exclude(status=RequestStatus.DRAFT)
    matched = published.filter(matches__isnull=False).distinct().count()
    assert matched >= 0.7 * published.count()
    assert not RequestMatch.objects.filter(member=F("request__author")).exists()


# The demo login ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [7, 2003])
def test_the_demo_entrepreneur_has_something_to_show(db, seed):
    build(seed=seed)
    me = Member.objects.get(email=ENTREPRENEUR_EMAIL)

    assert Deal.objects.filter(buyer=me).exists() or DealProvider.objects.filter(member=me).exists()
    mine = WorkRequest.objects.filter(author=me, status=RequestStatus.DISCUSSION)
    assert any(r.responses.count() >= 2 for r in mine)
    assert ConversationParticipant.objects.filter(member=me).exists()
    assert Offer.objects.filter(member=me).exists()
