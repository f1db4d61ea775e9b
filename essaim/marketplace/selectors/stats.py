"""The marketplace's figures for management: how much members buy from and work with each
other, month by month, how many take part, and how they found each other.

The figures leave cancelled deals out and count each deal on its start date (or the day it was
recorded when it has none). Computed in Python over a few columns: a cooperative records a few
thousand deals at most, and the same code then runs alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from essaim.marketplace.models import (
    Deal,
    DealKind,
    DealOrigin,
    DealProvider,
    DealStatus,
    RequestIntroduction,
)
from essaim.members.models import Member

ZERO = decimal.Decimal(0)


def _day(start: dt.date | None, created: dt.datetime) -> dt.date:
    return start or timezone.localtime(created).date()


def _months(first: dt.date, last: dt.date) -> list[str]:
    """Every month from `first` to `last`, as "YYYY-MM"."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _present_members(year: int | None) -> set[int]:
    """Members present now (not exited), or present at some time during `year`: arrived by its
    end (first stage, else the day they were recorded) and not gone before it began."""
    if year is None:
        return set(Member.objects.filter(exit_date__isnull=True).values_list("pk", flat=True))
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    present = set()
    for pk, arrived, created in (
        Member.objects.filter(Q(exit_date__isnull=True) | Q(exit_date__gte=first))
        .annotate(arrived=Min("stages__start"))
        .values_list("pk", "arrived", "created_at")
    ):
        if (arrived or timezone.localtime(created).date()) <= last:
            present.add(pk)
    return present


def _money(value: decimal.Decimal) -> float:
    return float(value.quantize(decimal.Decimal("0.01")))


def marketplace_stats(*, year: int | None = None) -> dict[str, Any]:
    """The marketplace's figures, for all time or one calendar year.

    - `deals`: how many deals; `deals_by_kind` and `deals_by_origin`: how many of each (every
      kind and origin listed, zeros included);
    - `deal_volume_eur`: the sum of their amounts (deals without money count 0);
    - `members_with_deal_share`: among members present (now, or during the year), the share
      who were buyer or provider of at least one of these deals, from 0 to 1 (4 decimals);
    - `by_month`: one row a month, {"month": "2026-03", <kind>: n, ..., "volume_eur": x} —
      every month of the year, or from the first deal's month to the last one's;
    - `introductions`: the advisors' introductions: introductions on requests
      (RequestIntroduction, by the day they were made) plus deals recorded by hand as coming
      from an introduction (a deal from a request is already counted by its introduction).
    """
    deals = [
        d
        for d in Deal.objects.exclude(status=DealStatus.CANCELLED).values(
            "pk", "kind", "origin", "amount", "start_date", "created_at", "request_id", "buyer_id"
        )
        if year is None or _day(d["start_date"], d["created_at"]).year == year
    ]
    for d in deals:
        d["day"] = _day(d["start_date"], d["created_at"])
    by_kind = Counter(d["kind"] for d in deals)
    by_origin = Counter(d["origin"] for d in deals)
    volume = sum((d["amount"] or ZERO for d in deals), ZERO)

    if year is not None:
        months = _months(dt.date(year, 1, 1), dt.date(year, 12, 1))
    elif deals:
        months = _months(min(d["day"] for d in deals), max(d["day"] for d in deals))
    else:
        months = []
    rows: dict[str, dict[str, Any]] = {
        m: {"month": m, **{k: 0 for k in DealKind.values}, "volume_eur": ZERO} for m in months
    }
    for d in deals:
        row = rows[d["day"].strftime("%Y-%m")]
        row[d["kind"]] += 1
        row["volume_eur"] += d["amount"] or ZERO
    for row in rows.values():
        row["volume_eur"] = _money(row["volume_eur"])

    counted = {d["pk"] for d in deals}
    parties = {d["buyer_id"] for d in deals}
    parties |= {
        member_id
        for deal_id, member_id in DealProvider.objects.exclude(
            deal__status=DealStatus.CANCELLED
        ).values_list("deal_id", "member_id")
        if deal_id in counted
    }
    present = _present_members(year)
    share = len(parties & present) / len(present) if present else 0.0

    introductions = RequestIntroduction.objects.all()
    if year is not None:
        introductions = introductions.filter(created_at__year=year)
    introduced_by_hand = sum(
        1 for d in deals if d["origin"] == DealOrigin.INTRODUCTION and d["request_id"] is None
    )
    return {
        "year": year,
        "deals": len(deals),
        "deals_by_kind": {k: by_kind.get(k, 0) for k in DealKind.values},
        "deal_volume_eur": _money(volume),
        "members_with_deal_share": round(share, 4),
        "by_month": list(rows.values()),
        "introductions": introductions.count() + introduced_by_hand,
        "deals_by_origin": {o: by_origin.get(o, 0) for o in DealOrigin.values},
    }
