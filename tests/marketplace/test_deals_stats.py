"""The marketplace's figures on a worked example, and the `essaim marketplace` command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from essaim.marketplace.models import (
    Deal,
    DealKind,
    DealOrigin,
    DealStatus,
    RequestIntroduction,
    RequestStatus,
    WorkRequest,
)
from essaim.marketplace.selectors.stats import marketplace_stats
from essaim.members import services as member_services
from essaim.members.models import Member
from tests.factories import MemberFactory
from tests.marketplace.deals_fixtures import make_deal

ZERO_KINDS = {k: 0 for k in DealKind.values}


def at(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def month(name: str, volume: float = 0.0, **counts: int) -> dict:
    return {"month": name, **ZERO_KINDS, **counts, "volume_eur": volume}


@pytest.fixture
def cooperative(alice, bob, antoine) -> dict[str, Member]:
    """alice (since 2024) and bob (since 2026-01-05) from the personas; carol since 2025-09;
    dan from 2024 until he left on 2025-06-30; erin since 2026-10 with no deal; fred recorded
    in 2027 without a stage."""
    carol, dan, erin, fred = (MemberFactory(first_name=n) for n in ("Carol", "Dan", "Erin", "Fred"))
    member_services.stage_add(actor=None, member=carol, kind="cape", start=dt.date(2025, 9, 1))
    member_services.stage_add(actor=None, member=dan, kind="cape", start=dt.date(2024, 3, 1))
    member_services.member_exit(actor=None, member=dan, date=dt.date(2025, 6, 30), reason="other")
    member_services.stage_add(actor=None, member=erin, kind="cape", start=dt.date(2026, 10, 1))
    Member.objects.filter(pk=fred.pk).update(created_at=at(2027, 1, 15))

    make_deal(
        alice, [bob], kind=DealKind.PURCHASE, amount="1000.00",
        start_date=dt.date(2026, 3, 10), status=DealStatus.DONE,
    )  # fmt: skip
    make_deal(
        bob, [carol], kind=DealKind.SUBCONTRACTING, amount="500.50",
        start_date=dt.date(2026, 3, 20), status=DealStatus.IN_PROGRESS,
        origin=DealOrigin.MATCHING,
    )  # fmt: skip
    exchange = make_deal(alice, [carol], kind=DealKind.EXCHANGE, amount=None)
    Deal.objects.filter(pk=exchange.pk).update(created_at=at(2026, 5, 2))  # no start date
    make_deal(
        alice, [bob, dan], kind=DealKind.COCONTRACTING, amount="3000",
        start_date=dt.date(2025, 11, 1), origin=DealOrigin.INTRODUCTION,
    )  # fmt: skip
    make_deal(
        bob, [alice], kind=DealKind.TENDER, amount="999",
        start_date=dt.date(2026, 4, 1), status=DealStatus.CANCELLED,
    )  # fmt: skip
    request = WorkRequest.objects.create(
        author=alice,
        kind="purchase",
        title="Un logo",
        description="Pour ma boutique.",
        answer_deadline=dt.date(2026, 2, 15),
        status=RequestStatus.OPEN,
    )
    RequestIntroduction.objects.create(
        request=request,
        member=bob,
        advisor=antoine,
        reason="Bob dessine.",
        created_at=at(2026, 2, 1),
    )
    return {"carol": carol, "dan": dan, "erin": erin, "fred": fred}


EXPECTED_2026 = {
    "year": 2026,
    "deals": 3,
    "deals_by_kind": {**ZERO_KINDS, "purchase": 1, "subcontracting": 1, "exchange": 1},
    "deal_volume_eur": 1500.5,
    # present during 2026: alice, bob, carol, erin (dan left in 2025, fred came in 2027);
    # with a deal: alice, bob, carol
    "members_with_deal_share": 0.75,
    "by_month": [
        month("2026-01"),
        month("2026-02"),
        month("2026-03", 1500.5, purchase=1, subcontracting=1),
        month("2026-04"),  # the tender was cancelled
        month("2026-05", 0.0, exchange=1),
        *(month(f"2026-{m:02d}") for m in range(6, 13)),
    ],
    "introductions": 1,
    "deals_by_origin": {"matching": 1, "introduction": 0, "direct": 2, "staffing": 0},
}


def test_the_figures_of_a_year(cooperative):
    assert marketplace_stats(year=2026) == EXPECTED_2026


def test_the_figures_since_the_beginning(cooperative):
    assert marketplace_stats() == {
        "year": None,
        "deals": 4,
        "deals_by_kind": {
            **ZERO_KINDS,
            "purchase": 1,
            "subcontracting": 1,
            "cocontracting": 1,
            "exchange": 1,
        },
        "deal_volume_eur": 4500.5,
        # present now: alice, bob, carol, erin, fred; with a deal: alice, bob, carol (dan left)
        "members_with_deal_share": 0.6,
        "by_month": [
            month("2025-11", 3000.0, cocontracting=1),
            month("2025-12"),
            month("2026-01"),
            month("2026-02"),
            month("2026-03", 1500.5, purchase=1, subcontracting=1),
            month("2026-04"),
            month("2026-05", 0.0, exchange=1),
        ],
        # the introduction on the request, and the joint deal recorded as introduced
        "introductions": 2,
        "deals_by_origin": {"matching": 1, "introduction": 1, "direct": 2, "staffing": 0},
    }


def test_a_member_not_yet_there_does_not_count_for_the_year(cooperative):
    figures = marketplace_stats(year=2025)

    # present during 2025: alice, carol, dan (left in June); bob came in 2026, so his part
    # in the joint deal does not count: alice and dan out of three
    assert figures["members_with_deal_share"] == round(2 / 3, 4)
    assert figures["deals_by_kind"]["cocontracting"] == 1


def test_no_deal_no_figures(db):
    assert marketplace_stats() == {
        "year": None,
        "deals": 0,
        "deals_by_kind": ZERO_KINDS,
        "deal_volume_eur": 0.0,
        "members_with_deal_share": 0.0,
        "by_month": [],
        "introductions": 0,
        "deals_by_origin": {o: 0 for o in DealOrigin.values},
    }


# ---------------------------------------------------------------- the command


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("marketplace", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_figures_as_json(cooperative):
    assert json.loads(run("stats", "--year", "2026", "--json")) == EXPECTED_2026


def test_the_command_prints_a_french_table(cooperative):
    output = run("stats", "--year", "2026")

    assert output.splitlines()[0] == "Marché interne — année 2026"
    assert "Affaires (hors annulées) : 3" in output
    assert "Montant total : 1 500.50 €" in output
    assert "Membres ayant au moins une affaire : 75.0 %" in output
    assert "  2026-03 | 1 | 1 | 0 | 0 | 0 | 1500.50" in output


def test_the_command_refuses_an_impossible_year(db):
    with pytest.raises(CommandError, match="Année invalide : 12."):
        run("stats", "--year", "12")


def test_the_command_expires_the_requests_past_their_deadline(alice):
    today = timezone.localdate()
    past, future = (
        WorkRequest.objects.create(
            author=alice,
            kind="purchase",
            title=title,
            description="…",
            answer_deadline=deadline,
            status=RequestStatus.OPEN,
        )
        for title, deadline in (
            ("Passée", today - dt.timedelta(days=1)),
            ("À venir", today + dt.timedelta(days=1)),
        )
    )

    output = run("expire")

    past.refresh_from_db()
    future.refresh_from_db()
    assert (past.status, future.status) == (RequestStatus.EXPIRED, RequestStatus.OPEN)
    assert output.strip() == "1 demande(s) passée(s) en « expirée »."
