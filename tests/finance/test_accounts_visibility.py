"""Who sees an activity account: the member, their advisor and management staff; nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from essaim.finance.selectors.accounts import accounts_visible_to, activity_account_for
from tests.factories import AdvisorFactory
from tests.finance import invoicing_fixtures as fx
from tests.finance.accounts_data import sale

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity
acme = fx.acme


@pytest.fixture
def figures(coop, alice_activity, bob_activity, acme) -> None:
    sale(alice_activity, acme, dt.date(2026, 2, 2), "1000")


@pytest.mark.parametrize("who", ["alice", "antoine", "claire"])
def test_the_member_their_advisor_and_staff_see_the_account(
    request, figures, alice, alice_activity, who
) -> None:
    user = alice.user if who == "alice" else request.getfixturevalue(who)
    months = activity_account_for(user=user, activity=alice_activity, year=2026)
    assert months[1].turnover == 1000


@pytest.mark.parametrize("who", ["bob", "berenice", "another_advisor", "anonymous"])
def test_anyone_else_is_refused(request, figures, alice_activity, bob, who) -> None:
    user = {
        "bob": lambda: bob.user,
        "berenice": lambda: request.getfixturevalue("berenice"),
        "another_advisor": lambda: AdvisorFactory(),
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(PermissionDenied):
        activity_account_for(user=user, activity=alice_activity, year=2026)


def test_an_inactive_member_is_refused(figures, alice, alice_activity) -> None:
    alice.user.is_active = False
    alice.user.save()
    with pytest.raises(PermissionDenied):
        activity_account_for(user=alice.user, activity=alice_activity, year=2026)


def test_lists_of_accounts_follow_the_same_rule(
    figures, alice, bob, alice_activity, bob_activity, antoine, berenice, claire
) -> None:
    def names(user) -> list[str]:
        return [activity.name for activity, _totals in accounts_visible_to(user=user, year=2026)]

    assert names(claire) == ["Atelier Alice", "Bob Menuiserie"]
    assert names(antoine) == ["Atelier Alice"]
    assert names(berenice) == ["Bob Menuiserie"]
    assert names(alice.user) == ["Atelier Alice"]
    assert names(AnonymousUser()) == []
    totals = dict(accounts_visible_to(user=claire, year=2026))
    assert (totals[alice_activity].turnover, totals[bob_activity].turnover) == (1000, 0)


@pytest.mark.parametrize("count", [1, 3])
def test_the_staff_list_does_not_query_per_activity(
    coop, claire, count, django_assert_num_queries
) -> None:
    from tests.factories import ActivityFactory, MemberFactory
    from tests.finance.invoicing_fixtures import company

    for index in range(count):
        activity = ActivityFactory(member=MemberFactory(), name=f"Enseigne {index}")
        sale(activity, company(activity), dt.date(2026, 2, 2 + index), "100")
    with django_assert_num_queries(6):  # the activities, then the five of the accounts
        assert len(accounts_visible_to(user=claire, year=2026)) == count
