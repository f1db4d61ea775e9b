"""The activity account month by month: worked numbers with the published presets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essaim.finance import salary
from essaim.finance.selectors.accounts import (
    activity_account,
    activity_accounts,
    salary_what_if,
    year_totals,
)
from essaim.finance.services.contribution import contribution_rule_set
from tests.factories import ActivityFactory, MemberFactory
from tests.finance import invoicing_fixtures as fx
from tests.finance.accounts_data import by_month, credit, internal_sale, pay_salary, sale, spend
from tests.finance.invoicing_fixtures import company

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity
acme = fx.acme
carol = fx.carol

D = Decimal
JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
END_OF_MARCH = dt.date(2026, 3, 31)


def rule(preset: str | None = None, day: dt.date = JAN, **parameters: str) -> None:
    contribution_rule_set(actor=None, valid_from=day, preset=preset, parameters=parameters)


def test_a_month_with_the_coopaname_preset_and_resold_goods(coop, alice_activity, acme) -> None:
    """Alice (CAPE from February 2024, CESA from February 2025) in March 2026, under
    "Coopaname today": 13.5 % of the gross margin + 30 € a month."""
    rule("coopaname")
    sale(alice_activity, acme, dt.date(2026, 3, 2), "1350")  # a training
    spend(alice_activity, dt.date(2026, 3, 5), "resold_goods", "800", vat="160")
    sale(alice_activity, acme, dt.date(2026, 3, 10), "2000")  # the goods, resold
    spend(alice_activity, dt.date(2026, 3, 12), "supplies", "100", vat="20")
    pay_salary(alice_activity, MAR, "1500")

    months = activity_account(alice_activity, 2026, today=END_OF_MARCH)

    march = months[2]
    assert march.month == MAR
    assert (march.turnover, march.internal_turnover, march.margin_costs) == (
        D("3350.00"),
        D("0.00"),
        D("800.00"),
    )
    assert march.gross_margin == D("2550.00")  # 3 350 − 800
    assert march.contribution == D("374.25")  # 13.5 % × 2 550 = 344.25, + 30
    assert march.contribution_rule == "Coopaname : 13,5 % de la marge brute + 30 € par mois"
    assert (march.other_expenses, march.salary_cost) == (D("100.00"), D("1500.00"))
    assert march.balance == D("575.75")  # 2 550 − 374.25 − 100 − 1 500
    # Every month under contract owes the fixed 30 €: 23 months from February 2024 to
    # December 2025 (the default rule is the same preset), then January and February 2026.
    assert months[0].running_balance - months[0].balance == D("-690.00")
    assert [m.balance for m in months[:2]] == [D("-30.00"), D("-30.00")]
    assert march.running_balance == D("-174.25")  # −690 − 60 + 575.75
    assert march.available_for_salary == D("0.00")
    # Months to come owe nothing yet.
    assert [m.contribution for m in months[3:]] == [D("0.00")] * 9
    assert all(m.in_contract for m in months[:3]) and not months[3].in_contract


def test_the_internal_reduced_rate(coop, alice_activity, bob_activity, bob, acme) -> None:
    """Oxalis' 15 % of the gross margin, with a reduced rate of 5 % on internal invoices."""
    rule("oxalis", internal_rate="5")
    sale(alice_activity, acme, dt.date(2026, 3, 2), "3000")
    internal_sale(alice_activity, bob, dt.date(2026, 3, 3), "1000")

    alice, bob_account = activity_accounts(
        [alice_activity, bob_activity], 2026, today=END_OF_MARCH
    ).values()

    assert (alice[2].turnover, alice[2].internal_turnover) == (D("4000.00"), D("1000.00"))
    assert alice[2].contribution == D("500.00")  # 15 % × 3 000 + 5 % × 1 000
    # Bob's side: a sub-contracting purchase of 1 000 €, a negative margin owing nothing.
    assert (bob_account[2].subcontracting, bob_account[2].gross_margin) == (
        D("1000.00"),
        D("-1000.00"),
    )
    assert bob_account[2].contribution == D("0.00")
    assert bob_account[2].balance == D("-1000.00")


def test_bands_run_over_the_year(coop, alice_activity, acme) -> None:
    """Optéos: 11.5 % up to 30 000 € of gross margin a year, 9.5 % up to 60 000 €."""
    rule("opteos")
    sale(alice_activity, acme, dt.date(2026, 1, 15), "25000")
    sale(alice_activity, acme, dt.date(2026, 2, 15), "10000")

    months = activity_account(alice_activity, 2026, today=END_OF_MARCH)

    assert by_month(months, "contribution") == {
        1: D("2875.00"),  # 11.5 % × 25 000
        2: D("1050.00"),  # 11.5 % × 5 000 + 9.5 % × 5 000
    }
    assert (months[1].year_to_date_contribution, months[1].year_to_date_base) == (
        D("2875.00"),
        D("25000.00"),
    )


def test_minimum_and_annual_cap(coop, alice_activity, acme) -> None:
    """Mosaïque: 12 % of the turnover, 40 € a month at least, 8 400 € a year at most."""
    rule("mosaique")
    sale(alice_activity, acme, dt.date(2026, 1, 20), "60000")
    sale(alice_activity, acme, dt.date(2026, 2, 20), "20000")

    months = activity_account(alice_activity, 2026, today=dt.date(2026, 5, 31))

    assert [m.contribution for m in months[:6]] == [
        D("7200.00"),  # 12 % × 60 000
        D("1200.00"),  # 12 % × 20 000 = 2 400, cut to 8 400 − 7 200
        D("0.00"),  # the minimum of 40 € is past the cap too
        D("0.00"),
        D("0.00"),
        D("0.00"),  # June: after "today", not yet due
    ]
    # In 2025 nothing was invoiced: the minimum of the default rule (none) → 30 € fixed.
    assert {m.contribution for m in activity_account(alice_activity, 2025)} == {D("30.00")}


def test_rule_changes_in_the_year_and_credit_notes(coop, alice_activity, acme) -> None:
    rule("coopaname_2010")  # 10 % of the turnover
    rule("oxalis", day=FEB)  # 15 % of the gross margin from February
    invoice = sale(alice_activity, acme, dt.date(2026, 1, 10), "1000")
    sale(alice_activity, acme, dt.date(2026, 2, 10), "1000")
    credit(invoice, dt.date(2026, 2, 20), amount="400")  # a discount granted in February

    months = activity_account(alice_activity, 2026, today=END_OF_MARCH)

    assert by_month(months, "turnover") == {1: D("1000.00"), 2: D("600.00")}
    assert by_month(months, "contribution") == {1: D("100.00"), 2: D("90.00")}
    assert months[1].contribution_rule == "Oxalis : 15 % de la marge brute"


def test_outside_a_contract_only_the_variable_part(coop, carol) -> None:
    """Carol has no CAPE nor CESA on record: no fixed part, no minimum."""
    activity = carol.activity
    sale(activity, company(activity), dt.date(2026, 2, 2), "1000")

    months = activity_account(activity, 2026, today=END_OF_MARCH)

    assert by_month(months, "contribution") == {2: D("135.00")}  # 13.5 %, no 30 €
    assert not any(m.in_contract for m in months)


def test_the_balance_carries_over_the_years(coop, alice_activity, acme) -> None:
    rule("oxalis", day=dt.date(2024, 1, 1))  # no fixed part: the figures stay round
    sale(alice_activity, acme, dt.date(2025, 6, 2), "4000")
    pay_salary(alice_activity, dt.date(2025, 6, 1), "1000")
    pay_salary(alice_activity, dt.date(2026, 1, 1), "1500")

    months = activity_account(alice_activity, 2026, today=END_OF_MARCH)
    totals = year_totals(months)

    assert totals.opening_balance == D("2400.00")  # 4 000 − 15 % − 1 000
    assert (totals.balance, totals.running_balance) == (D("-1500.00"), D("900.00"))
    assert [m.available_for_salary for m in months[:2]] == [D("900.00"), D("900.00")]
    assert totals.salary_cost == D("1500.00")


def test_what_if_i_invoice_more_this_month(coop, alice_activity, acme) -> None:
    rule("oxalis", day=dt.date(2024, 1, 1))  # 15 % of the gross margin, nothing fixed
    sale(alice_activity, acme, dt.date(2026, 3, 2), "2000")
    pay_salary(alice_activity, MAR, "300")

    answer = salary_what_if(
        activity=alice_activity, extra_turnover=D("1000"), day=dt.date(2026, 3, 20)
    )

    # Before: the month could pay 2 000 − 15 % = 1 700 (its own salary of 300 included).
    assert answer.before == salary.simulate(2026, employer_cost=D("1700.00"))
    assert (answer.extra_contribution, answer.extra_employer_cost) == (D("150.00"), D("850.00"))
    assert answer.after == salary.simulate(2026, employer_cost=D("2550.00"))


def test_an_activity_without_figures_has_a_year_of_zeros(db) -> None:
    activity = ActivityFactory(member=MemberFactory())
    months = activity_account(activity, 2026, today=END_OF_MARCH)
    assert [m.month for m in months] == [dt.date(2026, n, 1) for n in range(1, 13)]
    assert {(m.turnover, m.contribution, m.running_balance) for m in months} == {
        (D("0.00"), D("0.00"), D("0.00"))
    }


def test_bulk_gives_the_same_months_as_one_at_a_time(coop, alice_activity, bob_activity, acme):
    sale(alice_activity, acme, dt.date(2026, 2, 2), "1000")
    spend(bob_activity, dt.date(2026, 2, 3), "travel", "50")
    pay_salary(bob_activity, FEB, "300")

    together = activity_accounts([alice_activity, bob_activity], 2026, today=END_OF_MARCH)

    assert together == {
        alice_activity.pk: activity_account(alice_activity, 2026, today=END_OF_MARCH),
        bob_activity.pk: activity_account(bob_activity, 2026, today=END_OF_MARCH),
    }


@pytest.mark.parametrize("count", [1, 3])
def test_queries_do_not_grow_with_the_activities(coop, count, django_assert_num_queries) -> None:
    activities = []
    for index in range(count):
        activity = ActivityFactory(member=MemberFactory())
        customer = company(activity)
        sale(activity, customer, dt.date(2026, 2, 2 + index), "100")
        spend(activity, dt.date(2026, 2, 3), "supplies", "10")
        pay_salary(activity, FEB, "50")
        activities.append(activity)
    # invoices, expenses, salaries, contract stages, rules
    with django_assert_num_queries(5):
        accounts = activity_accounts(activities, 2026, today=END_OF_MARCH)
    assert len(accounts) == count


def test_a_queryset_of_activities(coop, alice_activity, bob_activity) -> None:
    from essaim.members.models import Activity

    with CaptureQueriesContext(connection) as queries:
        accounts = activity_accounts(Activity.objects.all(), 2026, today=END_OF_MARCH)
    assert set(accounts) == {alice_activity.pk, bob_activity.pk}
    assert len(queries) == 6  # the activities' ids, then the five of the account
