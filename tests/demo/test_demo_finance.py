"""The demo cooperative's money: deterministic; consistent with each member's path (nothing
outside a CAPE, CESA or associate period, nothing after an exit, salaries in CESA only); one
gapless chronological numbering; amounts that reconcile; and pages with something to show
behind the demo logins."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse

from essaim.demo.generator import ADVISOR_EMAIL, ENTREPRENEUR_EMAIL, STAFF_EMAIL, build_demo
from essaim.finance import amounts
from essaim.finance.models import (
    ContributionRuleRecord,
    Customer,
    DocumentLine,
    Estimate,
    Expense,
    Invoice,
    NumberSequence,
    Payment,
    SalaryEntry,
)
from essaim.finance.selectors.accounts import activity_account
from essaim.finance.selectors.invoicing import vat_rate_of
from essaim.members.models import Member, PathStage

TODAY = dt.date(2026, 11, 26)
SMALL = 120
CONTRACT = ("cape", "cesa", "associate")


def build(seed: int = 7, **options: Any) -> Any:
    return build_demo(seed=seed, active=SMALL, today=TODAY, **options)


def facts() -> dict[str, Any]:
    """The finance data as natural keys (e-mails, numbers, dates, amounts), sorted."""
    emails = dict(Member.objects.values_list("activity__pk", "email"))
    return {
        "invoices": sorted(
            (emails[a], n, k, d, s, str(t), str(p))
            for a, n, k, d, s, t, p in Invoice.objects.values_list(
                "activity_id", "number", "kind", "issue_date", "status", "total_gross", "paid"
            )
        ),
        "expenses": sorted(
            (emails[a], d, c, str(n))
            for a, d, c, n in Expense.objects.values_list(
                "activity_id", "date", "category", "amount_net"
            )
        ),
        "salaries": sorted(
            (emails[a], m, str(c))
            for a, m, c in SalaryEntry.objects.values_list("activity_id", "month", "employer_cost")
        ),
        "customers": Customer.objects.count(),
        "estimates": Estimate.objects.count(),
    }


def test_the_same_seed_builds_the_same_books_and_reset_removes_them(db) -> None:
    first = build()
    before = facts()
    counts = {k: first.build.counts[k] for k in ("invoices", "credit_notes", "expenses")}

    build(reset=True)

    assert facts() == before
    assert counts["invoices"] > SMALL * 3 and counts["credit_notes"] > 0
    build(seed=8, reset=True)
    assert facts() != before


def periods() -> dict[int, list[tuple[dt.date, dt.date, str]]]:
    """Each activity's contract periods (start, end, kind) as recorded in the members app."""
    found: dict[int, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    rows = PathStage.objects.filter(kind__in=CONTRACT, member__activity__isnull=False)
    for activity, kind, start, end, exit in rows.values_list(
        "member__activity", "kind", "start", "end", "member__exit_date"
    ):
        last = min(d for d in (end, exit, TODAY) if d is not None)
        found[activity].append((start, last, kind))
    return found


def inside(day: dt.date, spans: list[tuple[dt.date, dt.date, str]], kinds=CONTRACT) -> bool:
    return any(a <= day <= b and kind in kinds for a, b, kind in spans)


def test_the_books_follow_each_members_path(db) -> None:
    build()
    spans = periods()
    exits = dict(
        Member.objects.filter(exit_date__isnull=False).values_list("activity", "exit_date")
    )

    documents = Invoice.objects.exclude(issue_date=None).values_list("activity_id", "issue_date")
    assert documents and all(inside(day, spans[a]) for a, day in documents)
    expenses = Expense.objects.values_list("activity_id", "date")
    assert all(inside(day, spans[a]) for a, day in expenses)
    estimates = Estimate.objects.values_list("activity_id", "date")
    assert all(inside(day, spans[a]) for a, day in estimates)
    payments = Payment.objects.values_list("invoice__issue_date", "date")
    assert all(issued <= paid <= TODAY for issued, paid in payments)
    for activity, month in SalaryEntry.objects.values_list("activity_id", "month"):
        last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
        assert any(
            a <= last and b >= month and kind in ("cesa", "associate")
            for a, b, kind in spans[activity]
        )
        assert month < TODAY.replace(day=1)
    after_exit = [
        (a, day) for a, day in documents if a in exits and day > exits[a]
    ]  # fmt: skip
    assert after_exit == []
    # Some left during the window and invoiced before leaving.
    assert any(a in exits for a, _day in documents)


def test_one_gapless_chronological_series(db) -> None:
    build()

    issued = list(
        Invoice.objects.exclude(number="").order_by("number").values_list("number", "issue_date")
    )
    by_year: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for number, day in issued:
        year, seq = number.split("-")
        assert int(year) == day.year
        by_year[day.year].append((int(seq), day))
    for year, rows in by_year.items():
        assert [seq for seq, _day in rows] == list(range(1, len(rows) + 1))
        days = [day for _seq, day in rows]
        assert days == sorted(days)
        assert NumberSequence.objects.get(key=str(year)).last == len(rows)
    assert not Invoice.objects.filter(number="").exclude(status="draft").exists()


def test_amounts_reconcile_and_payments_add_up(db) -> None:
    build()

    lines = defaultdict(list)
    for line in DocumentLine.objects.exclude(invoice=None).order_by("position"):
        lines[line.invoice_id].append(line)
    paid = dict(
        Payment.objects.values("invoice")
        .annotate(total=Sum("amount"))
        .values_list("invoice", "total")
    )
    credited = dict(
        Invoice.objects.filter(kind="credit_note")
        .values("corrects")
        .annotate(total=Sum("total_gross"))
        .values_list("corrects", "total")
    )
    for invoice in Invoice.objects.all():
        totals = amounts.compute_totals(
            [
                amounts.Line(
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount=line.discount,
                    vat_rate=vat_rate_of(line.vat_rate),
                    exemption_reason=line.exemption_reason,
                )
                for line in lines[invoice.pk]
            ]
        )
        assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
            totals.total_ht,
            totals.total_vat,
            totals.total_ttc,
        )
        assert [line.net for line in lines[invoice.pk]] == list(totals.line_nets)
        assert invoice.paid == paid.get(invoice.pk, Decimal(0))
        due = invoice.total_gross - invoice.paid - credited.get(invoice.pk, Decimal(0))
        if invoice.kind == "invoice" and invoice.status != "draft":
            assert due >= 0
            assert (invoice.status == "paid") == (due == 0)
    internal = Invoice.objects.filter(internal=True, kind="invoice").exclude(number="")
    assert internal.exists()
    for invoice in internal.select_related("customer__member__activity", "deal"):
        assert invoice.deal is not None and invoice.customer.kind == "member"
        purchase = Expense.objects.get(internal_invoice=invoice)
        assert purchase.activity == invoice.customer.member.activity
        assert purchase.amount_net == invoice.total_net
        assert purchase.label.startswith(f"Facture interne {invoice.number}")
    assert ContributionRuleRecord.objects.count() == 2


def test_the_demo_logins_have_something_to_show(db, client) -> None:
    build()
    member = Member.objects.select_related("activity").get(email=ENTREPRENEUR_EMAIL)
    activity = member.activity
    mine = Invoice.objects.filter(activity=activity)
    assert mine.filter(status="draft").exists()
    assert mine.filter(kind="credit_note").exists()
    assert mine.filter(kind="invoice", status="issued", due_date__lt=TODAY).exists()
    assert Estimate.objects.filter(activity=activity, status="sent").exists()
    assert SalaryEntry.objects.filter(activity=activity).exists()
    months = activity_account(activity, TODAY.year, today=TODAY)
    assert sum(m.turnover for m in months) > 0

    assert client.login(username=ENTREPRENEUR_EMAIL, password="demo")
    for name in ("home", "invoice_list", "estimate_list", "customer_list", "account"):
        assert client.get(reverse(f"finance:{name}")).status_code == 200
    client.logout()
    assert client.login(username=ADVISOR_EMAIL, password="demo")
    assert client.get(reverse("finance:followed")).status_code == 200
    client.logout()
    assert client.login(username=STAFF_EMAIL, password="demo")
    treasury = client.get(reverse("finance:treasury"))
    assert treasury.status_code == 200 and treasury.context["overdue"]
