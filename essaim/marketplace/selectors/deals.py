"""Reads of deals and feedback: lists, one deal with its parties, what feedback a person may
read, the counts shown elsewhere, and the trust between members that staffing builds on."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from essaim.marketplace import rules
from essaim.marketplace.models import Deal, DealProvider, DealStatus, Feedback
from essaim.members.models import Member
from essaim.members.text import fold
from essaim.skills.selectors import directory_members

OPEN_STATUSES = (DealStatus.PLANNED, DealStatus.IN_PROGRESS)


def _with_parties(qs: QuerySet[Deal]) -> QuerySet[Deal]:
    """Rows carry their buyer and their providers (two queries whatever the count)."""
    return qs.select_related("buyer").prefetch_related(
        Prefetch(
            "provider_links",
            queryset=DealProvider.objects.select_related("member").order_by(
                "member__last_name", "member__first_name", "member_id"
            ),
        )
    )


def in_year(year: int) -> Q:
    """Deals of a year, counted by their start date (or the day they were recorded)."""
    return Q(start_date__year=year) | Q(start_date__isnull=True, created_at__year=year)


def deal_day(deal: Deal) -> dt.date:
    """The day a deal counts for in lists and statistics: its start, else when it was recorded."""
    return deal.start_date or timezone.localtime(deal.created_at).date()


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class DealFilters:
    kind: str = ""
    status: str = ""
    year: int | None = None


def deals_visible_to(*, user: Any, filters: DealFilters | None = None) -> QuerySet[Deal]:
    """The deals the user may see (rules.deals_visible_to), filtered, newest first."""
    filters = filters or DealFilters()
    # The rule joins the providers: select the ids first so that a deal shows once.
    visible = Deal.objects.filter(rules.deals_visible_to(user)).values("pk")
    qs = Deal.objects.filter(pk__in=visible)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(in_year(filters.year))
    return _with_parties(qs).order_by("-created_at", "-id")


def deals_of_member(member: Member) -> QuerySet[Deal]:
    """The deals a member took part in, as buyer or provider, newest first."""
    ids = DealProvider.objects.filter(member=member).values("deal_id")
    return _with_parties(Deal.objects.filter(Q(buyer=member) | Q(pk__in=ids))).order_by(
        "-created_at", "-id"
    )


def deal_years() -> list[int]:
    """The years the deals count for, newest first (for the filters)."""
    years = {d.year for d in Deal.objects.values_list("start_date", flat=True) if d is not None}
    years |= {
        timezone.localtime(c).year
        for c in Deal.objects.filter(start_date__isnull=True).values_list("created_at", flat=True)
    }
    return sorted(years, reverse=True)


def deal_detail(*, user: Any, pk: int) -> Deal:
    """One deal the user may see, with its parties (raises Deal.DoesNotExist otherwise)."""
    deal = _with_parties(Deal.objects.filter(pk=pk)).get()
    if not rules.can_see_deal(user, deal):
        raise Deal.DoesNotExist
    return deal


def parties_of(deal: Deal) -> list[Member]:
    """The buyer, then the providers by name (uses the prefetched providers)."""
    return [deal.buyer, *[link.member for link in deal.provider_links.all()]]


# ---------------------------------------------------------------- feedback


def feedback_visible_to(*, user: Any, deal: Deal | None = None) -> QuerySet[Feedback]:
    """Feedback rows the user may read in full (rules.feedback_visible_to)."""
    qs = Feedback.objects.filter(rules.feedback_visible_to(user))
    if deal is not None:
        qs = qs.filter(deal=deal)
    return qs.select_related("author", "about", "deal").order_by("created_at", "id")


def feedback_count(deal: Deal) -> int:
    """How many feedback rows a deal has: what a reader of no feedback may know."""
    return Feedback.objects.filter(deal=deal).count()


@dataclass(frozen=True)
class FeedbackCounts:
    """What may be said of a member's feedback outside the private rows: counts only."""

    would_work_again: int = 0
    would_not: int = 0

    @property
    def total(self) -> int:
        return self.would_work_again + self.would_not


def feedback_counts_about(member: Member) -> FeedbackCounts:
    """How many times people said they would (or would not) work again with this member —
    no averages, no stars."""
    rows = Feedback.objects.filter(about=member).values_list("would_work_again", flat=True)
    yes = no = 0
    for value in rows:
        if value:
            yes += 1
        else:
            no += 1
    return FeedbackCounts(would_work_again=yes, would_not=no)


def feedback_missing(*, member: Member, deals: list[Deal]) -> dict[int, list[Member]]:
    """For each done deal among `deals`: the other parties `member` has not yet said anything
    about (one query; the deals carry their prefetched parties)."""
    done = [d for d in deals if d.status == DealStatus.DONE]
    given = set(
        Feedback.objects.filter(author=member, deal__in=done).values_list("deal_id", "about_id")
    )
    missing: dict[int, list[Member]] = {}
    for deal in done:
        others = [m for m in parties_of(deal) if m.pk != member.pk and (deal.pk, m.pk) not in given]
        if others:
            missing[deal.pk] = others
    return missing


# ---------------------------------------------------------------- picking members


def member_suggestions(text: str, *, exclude: set[int], limit: int = 10) -> list[Member]:
    """Present members whose name (or e-mail) holds every typed word: the autocomplete of
    the deal form."""
    words = fold(text).split()
    if not words or max(len(w) for w in words) < 2:
        return []
    qs = directory_members().exclude(pk__in=exclude).select_related("activity")
    for word in words:
        qs = qs.filter(Q(search_name__contains=word) | Q(email__icontains=word))
    return list(qs.order_by("last_name", "first_name", "id")[:limit])


def members_by_ids(ids: list[int]) -> list[Member]:
    """Present members among `ids`, by name."""
    return list(
        directory_members()
        .filter(pk__in=ids)
        .select_related("activity")
        .order_by("last_name", "first_name", "id")
    )


# ---------------------------------------------------------------- trust between members


def _done_day(deal: dict[str, Any]) -> dt.date:
    if deal["done_at"]:
        return deal["done_at"]
    if deal["end_date"]:
        return deal["end_date"]
    if deal["start_date"]:
        return deal["start_date"]
    return timezone.localtime(deal["created_at"]).date()


def trust_pairs(
    *, since: dt.date | None = None, today: dt.date | None = None
) -> list[tuple[int, int, float]]:
    """How much each pair of members has trusted each other through done deals.

    Every unordered pair of members who were parties together in a DONE deal (buyer with each
    provider, and providers with one another) gets

        trust(a, b) = Σ over their done deals d of  exp(-age_years(d) / 2) × f(d, a, b)

    - age_years(d) = (today − day(d)) / 365.25, never below 0, where day(d) is the day the
      deal was done (`done_at`, else its end, else its start, else the day it was recorded):
      a deal of today weighs 1, one of two years ago e⁻¹ ≈ 0.37;
    - f(d, a, b) = (g(a→b) + g(b→a)) / 2, the feedback each left on the other for that deal:
      g = 1.0 when they said they would work together again, 0.0 when they said they would not,
      0.5 when they left no feedback. No feedback at all gives 0.5; a "no" from both gives 0.

    Trust is in [0, ∞). `since` keeps only the deals done on or after that day. Returns
    (member_a_id, member_b_id, trust) with a < b, sorted by the ids; pairs whose trust is 0
    are kept (they did work together).
    """
    today = today or timezone.localdate()
    deals = {
        d["pk"]: d
        for d in Deal.objects.filter(status=DealStatus.DONE).values(
            "pk", "buyer_id", "done_at", "end_date", "start_date", "created_at"
        )
    }
    if since is not None:
        deals = {pk: d for pk, d in deals.items() if _done_day(d) >= since}
    if not deals:
        return []
    providers: dict[int, set[int]] = defaultdict(set)
    for deal_id, member_id in DealProvider.objects.filter(deal__status=DealStatus.DONE).values_list(
        "deal_id", "member_id"
    ):
        providers[deal_id].add(member_id)
    said: dict[tuple[int, int, int], bool] = {
        (deal_id, author_id, about_id): again
        for deal_id, author_id, about_id, again in Feedback.objects.filter(
            deal__status=DealStatus.DONE
        ).values_list("deal_id", "author_id", "about_id", "would_work_again")
    }

    def g(deal_id: int, author: int, about: int) -> float:
        again = said.get((deal_id, author, about))
        return 0.5 if again is None else (1.0 if again else 0.0)

    trust: dict[tuple[int, int], float] = defaultdict(float)
    for deal_id, deal in deals.items():
        parties = sorted({deal["buyer_id"], *providers.get(deal_id, ())})
        age_years = max((today - _done_day(deal)).days, 0) / 365.25
        weight = math.exp(-age_years / 2)
        for i, a in enumerate(parties):
            for b in parties[i + 1 :]:
                factor = (g(deal_id, a, b) + g(deal_id, b, a)) / 2
                trust[(a, b)] += weight * factor
    return [(a, b, value) for (a, b), value in sorted(trust.items())]
