"""Reads of deals and feedback: who sees which deal, feedback is private, counts elsewhere,
and the trust between members that staffing builds on."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.contrib.auth.models import AnonymousUser

from essaim.marketplace.models import Deal, DealKind, DealStatus, Feedback
from essaim.marketplace.selectors.deals import (
    DealFilters,
    deal_detail,
    deals_of_member,
    deals_visible_to,
    feedback_counts_about,
    feedback_missing,
    feedback_visible_to,
    member_suggestions,
    trust_pairs,
)
from essaim.marketplace.services.deals import feedback_leave
from essaim.members import services as member_services
from tests.marketplace import deals_fixtures as fx
from tests.marketplace.deals_fixtures import done_deal, make_deal

carol, dan = fx.carol, fx.dan  # fixtures

TODAY = dt.date(2026, 6, 30)


def said(deal: Deal, author, about, again: bool = True) -> Feedback:
    return feedback_leave(
        actor=None,
        deal=deal,
        author=author,
        about=about,
        would_work_again=again,
        quality=4,
        deadlines=4,
        communication=4,
    )


# ---------------------------------------------------------------- who sees which deal


def test_a_member_sees_only_the_deals_they_took_part_in(alice, bob, carol):
    bought = make_deal(alice, [bob], title="Logo")
    provided = make_deal(bob, [alice, carol], title="Traduction")
    make_deal(bob, [carol], title="Comptabilité")

    assert [d.title for d in deals_visible_to(user=alice.user)] == [provided.title, bought.title]
    assert [d.title for d in deals_of_member(alice)] == ["Traduction", "Logo"]


def test_advisors_and_staff_see_every_deal_once(alice, bob, carol, antoine, claire):
    make_deal(alice, [bob, carol], title="Cotraitance")
    make_deal(bob, [carol], title="Comptabilité")

    for user in (antoine, claire):
        assert [d.title for d in deals_visible_to(user=user)] == ["Comptabilité", "Cotraitance"]


def test_nobody_else_sees_deals(alice, bob):
    make_deal(alice, [bob])

    assert list(deals_visible_to(user=AnonymousUser())) == []


def test_a_third_member_is_refused_a_deal(alice, bob, carol):
    deal = make_deal(alice, [bob])

    with pytest.raises(Deal.DoesNotExist):
        deal_detail(user=carol.user, pk=deal.pk)
    assert deal_detail(user=bob.user, pk=deal.pk) == deal


def test_filters_by_kind_status_and_year(alice, bob, claire):
    make_deal(alice, [bob], title="A", kind=DealKind.PURCHASE, start_date=dt.date(2025, 5, 1))
    make_deal(alice, [bob], title="B", kind=DealKind.PURCHASE, start_date=dt.date(2026, 5, 1))
    make_deal(alice, [bob], title="C", status=DealStatus.IN_PROGRESS)

    def titles(**filters) -> list[str]:
        return sorted(
            d.title for d in deals_visible_to(user=claire, filters=DealFilters(**filters))
        )

    assert titles(kind=DealKind.PURCHASE) == ["A", "B"]
    assert titles(status=DealStatus.IN_PROGRESS) == ["C"]
    assert titles(year=2025) == ["A"]


# ---------------------------------------------------------------- feedback is private


@pytest.fixture
def private_feedback(alice, bob):
    deal = done_deal(alice, [bob])
    return said(deal, alice, bob)


def test_feedback_is_read_by_its_author_and_the_person_it_is_about(private_feedback, alice, bob):
    assert list(feedback_visible_to(user=alice.user)) == [private_feedback]
    assert list(feedback_visible_to(user=bob.user)) == [private_feedback]


def test_feedback_is_read_by_the_advisors(private_feedback, antoine, berenice):
    assert list(feedback_visible_to(user=antoine)) == [private_feedback]
    assert list(feedback_visible_to(user=berenice)) == [private_feedback]


def test_feedback_is_private_from_a_third_member_and_staff(private_feedback, carol, claire):
    assert list(feedback_visible_to(user=carol.user)) == []
    assert list(feedback_visible_to(user=claire)) == []
    assert list(feedback_visible_to(user=AnonymousUser())) == []


def test_elsewhere_feedback_is_only_counted(alice, bob, carol):
    first = done_deal(alice, [bob])
    second = done_deal(carol, [bob])
    said(first, alice, bob, again=True)
    said(second, carol, bob, again=False)
    said(first, bob, alice, again=True)

    counts = feedback_counts_about(bob)

    assert (counts.would_work_again, counts.would_not, counts.total) == (1, 1, 2)
    assert feedback_counts_about(carol).total == 0


def test_feedback_still_to_give(alice, bob, carol):
    deal = done_deal(alice, [bob, carol])
    open_deal = make_deal(alice, [bob])
    said(deal, alice, bob)
    deals = list(deals_of_member(alice))

    assert feedback_missing(member=alice, deals=deals) == {deal.pk: [carol]}
    assert open_deal.pk not in feedback_missing(member=bob, deals=list(deals_of_member(bob)))


# ---------------------------------------------------------------- picking members


def test_member_suggestions_find_present_members_by_name(alice, bob, carol):
    member_services.stage_add(actor=None, member=carol, kind="cape", start=dt.date(2025, 9, 1))
    member_services.member_exit(actor=None, member=carol, date=dt.date(2026, 1, 31), reason="other")

    assert member_suggestions("dur", exclude=set()) == [bob]
    assert member_suggestions("petit", exclude=set()) == []  # carol has left
    assert member_suggestions("martin alice", exclude={alice.pk}) == []
    assert member_suggestions("a", exclude=set()) == []  # too short to search


# ---------------------------------------------------------------- trust between members


def test_trust_of_a_pair_with_no_feedback_is_half_its_recency(alice, bob):
    done_deal(alice, [bob])
    Deal.objects.update(done_at=TODAY)

    assert trust_pairs(today=TODAY) == [(min(alice.pk, bob.pk), max(alice.pk, bob.pk), 0.5)]


def test_recent_deals_count_more(alice, bob, carol):
    recent = done_deal(alice, [bob])
    old = done_deal(alice, [carol])
    Deal.objects.filter(pk=recent.pk).update(done_at=TODAY - dt.timedelta(days=30))
    Deal.objects.filter(pk=old.pk).update(done_at=dt.date(2024, 6, 30))  # 2 years before

    trust = {frozenset((a, b)): value for a, b, value in trust_pairs(today=TODAY)}

    assert trust[frozenset((alice.pk, bob.pk))] == pytest.approx(0.5 * math.exp(-(30 / 365.25) / 2))
    assert trust[frozenset((alice.pk, carol.pk))] == pytest.approx(
        0.5 * math.exp(-(730 / 365.25) / 2)
    )


def test_feedback_raises_or_cancels_trust(alice, bob, carol, dan):
    both_yes = done_deal(alice, [bob])
    one_no = done_deal(alice, [carol])
    both_no = done_deal(bob, [dan])
    said(both_yes, alice, bob, True)
    said(both_yes, bob, alice, True)
    said(one_no, alice, carol, False)
    said(both_no, bob, dan, False)
    said(both_no, dan, bob, False)
    Deal.objects.update(done_at=TODAY)

    trust = {frozenset((a, b)): value for a, b, value in trust_pairs(today=TODAY)}

    assert trust == {
        frozenset((alice.pk, bob.pk)): 1.0,
        frozenset((alice.pk, carol.pk)): 0.25,  # (0 + 0.5) / 2
        frozenset((bob.pk, dan.pk)): 0.0,
    }


def test_deals_add_up_and_co_providers_are_paired(alice, bob, carol):
    done_deal(alice, [bob, carol], kind=DealKind.COCONTRACTING)
    done_deal(bob, [alice])
    make_deal(alice, [bob])  # not done: not counted
    cancelled = make_deal(carol, [bob], status=DealStatus.CANCELLED)
    Deal.objects.update(done_at=TODAY)

    pairs = trust_pairs(today=TODAY)

    assert all(a < b for a, b, _t in pairs)
    trust = {frozenset((a, b)): value for a, b, value in pairs}
    assert trust == {
        frozenset((alice.pk, bob.pk)): 1.0,  # two deals, 0.5 each
        frozenset((alice.pk, carol.pk)): 0.5,
        frozenset((bob.pk, carol.pk)): 0.5,  # the two providers of the joint deal
    }
    assert cancelled.status == DealStatus.CANCELLED


def test_since_keeps_the_deals_done_from_that_day(alice, bob, carol):
    old = done_deal(alice, [bob])
    new = done_deal(alice, [carol])
    Deal.objects.filter(pk=old.pk).update(done_at=dt.date(2025, 1, 1))
    Deal.objects.filter(pk=new.pk).update(done_at=dt.date(2026, 1, 1))

    pairs = trust_pairs(since=dt.date(2026, 1, 1), today=TODAY)

    assert [frozenset((a, b)) for a, b, _t in pairs] == [frozenset((alice.pk, carol.pk))]
