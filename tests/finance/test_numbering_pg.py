"""The series under concurrency, on PostgreSQL: 200 invoices issued from 8 connections at once
get 200 distinct consecutive numbers (SQLite serialises every writer, so it proves nothing)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from essaim.finance.models import Invoice, NumberSequence
from essaim.finance.services.documents import invoice_issue
from essaim.finance.services.internal import internal_invoice_create
from essaim.finance.services.payments import payment_record
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import draft, issued, line

# serialized_rollback: the flush after a transactional test would otherwise wipe what data
# migrations install (sectors, the built-in nomenclature) for the tests that run after it.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="verrous de ligne concurrents : PostgreSQL seulement (DATABASE_URL)",
    ),
]

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
acme = fx.acme
bob_activity = fx.bob_activity

THREADS = 8
INVOICES = 200
DAY = dt.date(2026, 3, 2)


def _in_threads(work, items: list) -> list[BaseException]:
    """Run `work(item)` over the items from THREADS threads, each with its own connection,
    all starting together; return the errors raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def worker(share: list) -> None:
        try:
            start.wait()
            for item in share:
                work(item)
        except BaseException as error:  # reported to the test below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(items[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def drafts(transactional_db, coop, alice_activity, acme) -> list[int]:
    return [draft(alice_activity, acme, subject=f"Facture {i}").pk for i in range(INVOICES)]


def test_concurrent_issues_get_distinct_consecutive_numbers(drafts) -> None:
    def issue(pk: int) -> None:
        invoice_issue(
            actor=None, invoice=Invoice.objects.get(pk=pk), issue_date=DAY, render_pdf=False
        )

    assert _in_threads(issue, drafts) == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"2026-{n:06d}" for n in range(1, INVOICES + 1)]
    assert NumberSequence.objects.get(key="2026").last == INVOICES
    # Chronology holds in number order.
    dates = list(Invoice.objects.order_by("number").values_list("issue_date", flat=True))
    assert dates == sorted(dates)


def test_failed_issues_give_their_numbers_back(
    transactional_db, coop, alice_activity, acme, bob, bob_activity
) -> None:
    # An internal invoice fails after taking its number (the buyer's activity is gone, so
    # its purchase cannot be recorded): its transaction rolls back and the number returns.
    good = [draft(alice_activity, acme).pk for _ in range(60)]
    bad = [
        internal_invoice_create(
            actor=None,
            provider_activity=alice_activity,
            buyer_member=bob,
            subject="Sous-traitance",
            lines=[line()],
        ).pk
        for _ in range(20)
    ]
    bob_activity.delete()
    failures: list[int] = []

    def issue(pk: int) -> None:
        try:
            invoice_issue(
                actor=None, invoice=Invoice.objects.get(pk=pk), issue_date=DAY, render_pdf=False
            )
        except ValidationError:
            failures.append(pk)

    mixed = [
        pk for trio in zip(good[0::3], good[1::3], good[2::3], bad, strict=True) for pk in trio
    ]
    assert _in_threads(issue, mixed) == []
    assert sorted(failures) == sorted(bad)
    numbers = sorted(Invoice.objects.exclude(number="").values_list("number", flat=True))
    assert numbers == [f"2026-{n:06d}" for n in range(1, len(good) + 1)]
    assert NumberSequence.objects.get(key="2026").last == len(good)


def test_concurrent_payments_never_exceed_the_balance(
    transactional_db, coop, alice_activity, acme
) -> None:
    invoice = issued(alice_activity, acme, DAY)  # 1 620,00 € TTC
    refused = []

    def pay(_item: int) -> None:
        try:
            payment_record(actor=None, invoice=invoice, date=DAY, amount="100")
        except ValidationError:
            refused.append(1)

    assert _in_threads(pay, list(range(24))) == []
    invoice.refresh_from_db()
    # 16 payments of 100 fit in 1 620; the others are refused.
    assert (invoice.paid, invoice.payments.count(), len(refused)) == (1600, 16, 8)
