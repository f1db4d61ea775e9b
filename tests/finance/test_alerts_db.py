"""Activity alerts for the advisor, from the members' accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from essaim.finance import alerts, salary
from essaim.finance.selectors.alerts import (
    alerts_for_advisor,
    alerts_for_members,
    alerts_visible_to,
)
from essaim.members import services as members
from essaim.members.models import Member
from tests.factories import ActivityFactory, MemberFactory
from tests.finance import invoicing_fixtures as fx
from tests.finance.accounts_data import pay_salary, sale
from tests.finance.invoicing_fixtures import company

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity
acme = fx.acme

D = Decimal
TODAY = dt.date(2026, 11, 10)  # the last 3 full months: August to October 2026
RECENT = [dt.date(2026, month, 1) for month in (8, 9, 10)]


def month(year: int, number: int, day: int = 5) -> dt.date:
    return dt.date(year, number, day)


@pytest.fixture
def alice_drops(coop, alice_activity, acme) -> None:
    """3 000 € a month from August 2025 to July 2026, then 900 € in three months; a net
    salary of 500 € a month."""
    for index in range(12):
        year, number = divmod(2025 * 12 + 7 + index, 12)
        sale(alice_activity, acme, month(year, number + 1), "3000")
    sale(alice_activity, acme, month(2026, 9), "900")
    for first in RECENT:
        salary_entry = salary.simulate(2026, net=D("500"))
        pay_salary(alice_activity, first, str(salary_entry.employer_cost), net="500")


def test_the_advisor_sees_a_drop_and_an_income_below_the_rsa(alice_drops, alice, antoine):
    found = alerts_for_advisor(antoine, today=TODAY)

    assert [(a.member, a.kind) for a in found] == [
        (alice, alerts.SUDDEN_DROP),
        (alice, alerts.INCOME_BELOW_RSA),
    ]
    drop, income = found
    assert drop.alert.figures == {
        "recent_average": D("300.00"),
        "reference_average": D("3000.00"),
    }
    assert drop.message.startswith("Chiffre d'affaires en forte baisse")
    assert drop.next_step.startswith("Proposer un rendez-vous d'accompagnement")
    assert income.alert.figures["net_monthly"] == D("500.00")
    assert "RSA" in income.message and income.next_step


def test_a_member_in_cape_is_judged_on_what_the_activity_could_pay(
    coop, bob, bob_activity, berenice
) -> None:
    customer = company(bob_activity)
    for first in RECENT:
        sale(bob_activity, customer, first.replace(day=12), "1500")

    (found,) = alerts_for_advisor(berenice, today=TODAY)

    # Default rule: 13.5 % × 1 500 + 30 = 232.50; 1 267.50 a month before salary.
    expected = salary.simulate(2026, employer_cost=D("1267.50")).net
    assert (found.member, found.kind) == (bob, alerts.INCOME_BELOW_SMIC)
    assert found.alert.figures["net_monthly"] == expected


def test_no_alert_for_a_steady_activity_paying_a_full_salary(coop, alice_activity, acme, antoine):
    for index in range(15):
        year, number = divmod(2025 * 12 + 7 + index, 12)
        sale(alice_activity, acme, month(year, number + 1), "4000")
    for first in RECENT:
        pay_salary(alice_activity, first, "3000")
    assert alerts_for_advisor(antoine, today=TODAY) == []


def test_a_new_member_is_not_alerted_on_income_before_three_months(coop, antoine) -> None:
    member = MemberFactory()
    members.advisor_assign(actor=None, member=member, advisor=antoine, start=dt.date(2026, 8, 1))
    members.stage_add(actor=None, member=member, kind="cape", start=dt.date(2026, 9, 1))
    ActivityFactory(member=member)
    assert alerts_for_advisor(antoine, today=TODAY) == []


def test_each_advisor_sees_their_own_members_and_staff_all(
    alice_drops, alice, bob, bob_activity, antoine, berenice, claire
) -> None:
    pay_salary(bob_activity, dt.date(2026, 8, 1), "100")  # Bob earns little too
    assert {a.member for a in alerts_visible_to(antoine, today=TODAY)} == {alice}
    assert {a.member for a in alerts_visible_to(berenice, today=TODAY)} == {bob}
    assert {a.member for a in alerts_visible_to(claire, today=TODAY)} == {alice, bob}
    assert alerts_visible_to(alice.user, today=TODAY) == []


def test_members_who_left_are_not_watched(alice_drops, alice, antoine) -> None:
    Member.objects.filter(pk=alice.pk).update(stage="exited")
    assert alerts_for_advisor(antoine, today=TODAY) == []


@pytest.mark.parametrize("count", [1, 3])
def test_queries_do_not_grow_with_the_members(coop, antoine, count, django_assert_num_queries):
    for index in range(count):
        member = MemberFactory()
        members.advisor_assign(
            actor=None, member=member, advisor=antoine, start=dt.date(2025, 1, 1)
        )
        members.stage_add(actor=None, member=member, kind="cape", start=dt.date(2025, 2, 1))
        activity = ActivityFactory(member=member)
        sale(activity, company(activity), dt.date(2026, 8, 3 + index), "100")
    # members, invoices, expenses, salaries, contract stages, rules
    with django_assert_num_queries(6):
        found = alerts_for_members(Member.objects.filter(advisor=antoine), today=TODAY)
    assert len(found) == count  # each earns far below the RSA
