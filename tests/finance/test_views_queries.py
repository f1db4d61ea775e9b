"""No list of the finance pages runs a query per row: each is rendered with 1 and with 3 rows,
and both renderings run the same number of queries."""

# The fixtures imported from views_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from essaim.finance.services.contribution import contribution_rule_set
from essaim.finance.services.customers import customer_save
from essaim.finance.services.documents import estimate_save, invoice_issue
from essaim.finance.services.expenses import expense_save
from essaim.finance.services.payments import payment_record
from essaim.finance.services.salaries import salary_record
from tests.factories import ActivityFactory
from tests.finance.views_data import (  # noqa: F401
    DAY,
    SIRET,
    acme,
    alice_activity,
    coop,
    draft,
    issued,
    line,
    url,
)
from tests.members.pages import make_member, queries_to_render


def same_queries(client: Any, address: str, add: Callable[[int], None]) -> tuple[int, int]:
    """Queries to render `address` with one row, then with three (`add(i)` adds row i)."""
    add(0)
    one = queries_to_render(client, address)
    add(1)
    add(2)
    return one, queries_to_render(client, address)


@pytest.fixture
def as_alice(client, alice, alice_activity):
    client.force_login(alice.user)
    return client


def test_customer_list(as_alice, alice_activity) -> None:
    def add(i: int) -> None:
        customer_save(actor=None, activity=alice_activity, kind="individual", name=f"Client {i}")

    one, three = same_queries(as_alice, url("customer_list"), add)

    assert one == three


def test_estimate_list(as_alice, alice_activity, acme) -> None:
    def add(i: int) -> None:
        estimate_save(
            actor=None, activity=alice_activity, customer=acme, subject=f"Devis {i}", lines=[line()]
        )

    one, three = same_queries(as_alice, url("estimate_list"), add)

    assert one == three


def test_invoice_list_and_home(as_alice, coop, alice_activity, acme) -> None:
    def add(i: int) -> None:
        invoice = issued(alice_activity, acme, DAY + dt.timedelta(days=i))
        payment_record(actor=None, invoice=invoice, date=DAY + dt.timedelta(days=i), amount="10")

    one, three = same_queries(as_alice, url("invoice_list"), add)
    assert one == three
    home_one = queries_to_render(as_alice, url("home"))
    add(3)
    assert queries_to_render(as_alice, url("home")) == home_one


def test_invoice_detail_lines_and_payments(as_alice, coop, alice_activity, acme) -> None:
    invoice = invoice_issue(
        actor=None,
        invoice=draft(alice_activity, acme, [line(label=f"Ligne {i}") for i in range(1)]),
        issue_date=DAY,
        render_pdf=False,
    )
    payment_record(actor=None, invoice=invoice, date=DAY, amount="10")
    one = queries_to_render(as_alice, url("invoice_detail", invoice.pk))
    other = invoice_issue(
        actor=None,
        invoice=draft(alice_activity, acme, [line(label=f"Ligne {i}") for i in range(3)]),
        issue_date=DAY,
        render_pdf=False,
    )
    for _ in range(3):
        payment_record(actor=None, invoice=other, date=DAY, amount="10")

    assert queries_to_render(as_alice, url("invoice_detail", other.pk)) == one


def test_expense_list(as_alice, alice_activity) -> None:
    def add(i: int) -> None:
        expense_save(
            actor=None,
            activity=alice_activity,
            date=DAY,
            category="supplies",
            supplier="Papeterie",
            label=f"Achat {i}",
            amount_net="10",
            vat="2",
        )

    one, three = same_queries(as_alice, url("expense_list") + "?annee=2026", add)

    assert one == three


def test_account_salaries(client, claire, alice_activity) -> None:
    client.force_login(claire)

    def add(i: int) -> None:
        salary_record(
            actor=None, activity=alice_activity, month=dt.date(2026, i + 1, 1), employer_cost="2000"
        )

    one, three = same_queries(client, url("account", alice_activity.pk) + "?annee=2026", add)

    assert one == three


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_follow_up_of_advisors_and_management(client, request, antoine, persona) -> None:
    client.force_login(request.getfixturevalue(persona))

    def add(i: int) -> None:
        make_member(
            advisor=antoine,
            activity=f"Enseigne {i}",
            stages=[{"kind": "cape", "start": dt.date(2025, 1, 6)}],
        )

    one, three = same_queries(client, url("followed"), add)

    assert one == three


def test_treasury(client, claire, coop) -> None:
    client.force_login(claire)

    def add(i: int) -> None:
        activity = ActivityFactory(name=f"Enseigne {i}")
        customer = customer_save(
            actor=None, activity=activity, kind="individual", name=f"Client {i}"
        )
        issued(activity, customer, DAY + dt.timedelta(days=i))

    one, three = same_queries(client, url("treasury"), add)

    assert one == three


def test_contribution_rules(client, claire) -> None:
    client.force_login(claire)

    def add(i: int) -> None:
        contribution_rule_set(actor=claire, valid_from=dt.date(2026 + i, 1, 1), preset="oxalis")

    one, three = same_queries(client, url("contribution"), add)

    assert one == three


def test_the_customer_choices_of_a_new_invoice(as_alice, alice_activity) -> None:
    def add(i: int) -> None:
        customer_save(
            actor=None, activity=alice_activity, kind="company", name=f"Société {i}", siret=SIRET
        )

    one, three = same_queries(as_alice, url("invoice_create"), add)

    assert one == three
