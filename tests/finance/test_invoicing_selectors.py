"""Reads: an activity's documents with filters and amounts due, overdue invoices, customers,
and what each person may see (the member, their advisor, management; nobody else)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essaim.finance.models import Invoice
from essaim.finance.selectors.invoicing import (
    activities_finance_visible_to,
    creditable_amount,
    customers_of_activity,
    customers_visible_to,
    days_late,
    estimates_of_activity,
    estimates_visible_to,
    invoice_detail,
    invoice_years,
    invoices_of_activity,
    invoices_overdue,
    invoices_visible_to,
    vat_breakdown,
)
from essaim.finance.services.documents import credit_note_create, estimate_save, invoice_issue
from essaim.finance.services.payments import payment_record
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import company, draft, issued, line

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity
acme = fx.acme


def _credit(invoice: Invoice, quantity: str, day: dt.date) -> Invoice:
    note = credit_note_create(
        actor=None, invoice=invoice, lines=[line(quantity=quantity)], reason="Correction"
    )
    return invoice_issue(actor=None, invoice=note, issue_date=day, render_pdf=False)


def test_invoices_of_an_activity_with_filters(coop, alice_activity, acme) -> None:
    old = issued(alice_activity, acme, dt.date(2025, 11, 3))
    paid = issued(alice_activity, acme, dt.date(2026, 2, 2))
    payment_record(actor=None, invoice=paid, date=dt.date(2026, 2, 20), amount="1620")
    open_invoice = issued(alice_activity, acme, dt.date(2026, 3, 2))
    note = _credit(open_invoice, "1", dt.date(2026, 3, 3))
    waiting = draft(alice_activity, acme)
    rows = list(invoices_of_activity(alice_activity))
    assert rows == [waiting, note, open_invoice, paid, old]
    assert {r.pk: r.amount_due for r in rows if r.kind == "invoice" and r.status != "draft"} == {
        open_invoice.pk: Decimal("1080.00"),  # 1 620 − 540 credited
        paid.pk: Decimal("0.00"),
        old.pk: Decimal("1620.00"),
    }
    assert list(invoices_of_activity(alice_activity, status="paid")) == [paid]
    assert list(invoices_of_activity(alice_activity, kind="credit_note")) == [note]
    assert list(invoices_of_activity(alice_activity, year=2025)) == [old]
    assert waiting in invoices_of_activity(alice_activity, year=dt.date.today().year)
    assert list(invoices_of_activity(alice_activity, status="bogus")) == rows
    assert invoice_years(alice_activity) == [2026, 2025]


def test_invoice_list_queries_do_not_grow_with_rows(coop, alice_activity, acme) -> None:
    def render() -> int:
        with CaptureQueriesContext(connection) as captured:
            shown = [
                (row.customer.name, row.corrects and row.corrects.number, row.amount_due)
                for row in invoices_of_activity(alice_activity)
            ]
        assert len(shown) == Invoice.objects.count()
        return len(captured)

    first = issued(alice_activity, acme)
    _credit(first, "1", fx.DAY)
    one = render()
    for _ in range(2):
        _credit(issued(alice_activity, acme), "1", fx.DAY)
    assert Invoice.objects.count() == 6
    assert render() == one == 1


def test_overdue_invoices(coop, alice_activity, bob_activity, acme) -> None:
    today = dt.date(2026, 5, 1)
    late = issued(alice_activity, acme, dt.date(2026, 3, 2))  # due 1 April
    settled = issued(alice_activity, acme, dt.date(2026, 3, 2))
    payment_record(actor=None, invoice=settled, date=dt.date(2026, 3, 5), amount="1620")
    credited = issued(alice_activity, acme, dt.date(2026, 3, 2))
    _credit(credited, "3", dt.date(2026, 3, 6))
    half_paid = issued(alice_activity, acme, dt.date(2026, 3, 10))  # due 9 April
    payment_record(actor=None, invoice=half_paid, date=dt.date(2026, 3, 12), amount="810")
    bobs = issued(bob_activity, company(bob_activity), dt.date(2026, 4, 1))  # due 1 May
    not_due = issued(alice_activity, acme, dt.date(2026, 4, 15))
    rows = list(invoices_overdue(today=today))
    assert rows == [late, half_paid]
    assert [(r.amount_due, days_late(r, today)) for r in rows] == [
        (Decimal("1620.00"), 30),
        (Decimal("810.00"), 22),
    ]
    assert list(invoices_overdue(today=dt.date(2026, 5, 2), activities=bob_activity)) == [bobs]
    assert not_due not in invoices_overdue(today=today, activities=[alice_activity])
    assert days_late(not_due, today) == 0


def test_customers_and_estimates_of_an_activity(coop, alice_activity, bob, acme) -> None:
    beta = company(alice_activity, name="Beta", siret="", siren="303265045")
    assert list(customers_of_activity(alice_activity)) == [acme, beta]
    assert list(customers_of_activity(alice_activity, kind="individual")) == []
    estimate = estimate_save(
        actor=None,
        activity=alice_activity,
        customer=acme,
        subject="Devis",
        lines=[line(), line(quantity="1")],
        date=dt.date(2026, 2, 1),
    )
    rows = list(estimates_of_activity(alice_activity, year=2026))
    assert rows == [estimate]
    assert rows[0].total_net == Decimal("1800.00")
    assert list(estimates_of_activity(alice_activity, status="accepted")) == []


def test_detail_breakdown_and_what_is_left_to_credit(coop, alice_activity, acme) -> None:
    invoice = issued(
        alice_activity,
        acme,
        lines=[
            line(),
            line(vat_rate="5.5", unit_price="100", quantity="1"),
            line(vat_rate="0", exemption_reason="Art. 261-4-4° a du CGI", quantity="1"),
        ],
    )
    _credit(invoice, "1", fx.DAY)
    assert [(g.rate, g.base, g.vat) for g in vat_breakdown(invoice)] == [
        (Decimal("20"), Decimal("1350.00"), Decimal("270.00")),
        (Decimal("5.5"), Decimal("100.00"), Decimal("5.50")),
        (Decimal("0"), Decimal("450.00"), Decimal("0.00")),
    ]
    # 1 350 + 100 + 450 = 1 900 HT; TTC 2 175,50; minus 540 credited
    assert creditable_amount(invoice) == Decimal("1635.50")


@pytest.fixture
def documents(coop, alice_activity, bob_activity, acme):
    bobs_customer = company(bob_activity)
    estimate_save(
        actor=None, activity=alice_activity, customer=acme, subject="Devis", lines=[line()]
    )
    estimate_save(
        actor=None, activity=bob_activity, customer=bobs_customer, subject="Devis", lines=[]
    )
    return {
        "alice": issued(alice_activity, acme),
        "bob": issued(bob_activity, bobs_customer),
    }


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("claire", {"alice", "bob"}),
        ("antoine", {"alice"}),
        ("berenice", {"bob"}),
        ("alice", {"alice"}),
        ("bob", {"bob"}),
        ("anonymous", set()),
    ],
)
def test_who_sees_which_documents(request, documents, persona, sees) -> None:
    if persona == "anonymous":
        user = AnonymousUser()
    elif persona in ("alice", "bob"):
        user = request.getfixturevalue(persona).user
    else:
        user = request.getfixturevalue(persona)
    owners = {invoice.pk: owner for owner, invoice in documents.items()}
    assert {owners[i.pk] for i in invoices_visible_to(user)} == sees
    names = {"Atelier Alice": "alice", "Bob Menuiserie": "bob"}
    assert {names[e.activity.name] for e in estimates_visible_to(user)} == sees
    assert {names[c.activity.name] for c in customers_visible_to(user)} == sees
    assert {names[a.name] for a in activities_finance_visible_to(user)} == sees
    for owner, invoice in documents.items():
        if owner in sees:
            detail = invoice_detail(user=user, pk=invoice.pk)
            assert [li.net for li in detail.lines.all()] == [Decimal("1350.00")]
        else:
            with pytest.raises(Invoice.DoesNotExist):
                invoice_detail(user=user, pk=invoice.pk)


def test_a_former_entrepreneur_sees_nothing(documents, alice) -> None:
    alice.user.is_active = False
    alice.user.save()
    assert not invoices_visible_to(alice.user).exists()
