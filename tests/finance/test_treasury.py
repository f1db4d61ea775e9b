"""Treasury cover: each activity's exposure and the total, overdue invoices and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from essaim.core.models import AuditEntry, EmailFrequency, Notification, NotificationSettings
from essaim.finance.selectors.treasury import overdue_invoices, treasury
from essaim.finance.services.contribution import contribution_rule_set
from essaim.finance.services.payments import payment_record
from essaim.finance.services.treasury import invoice_remind
from tests.factories import ActivityFactory, MemberFactory
from tests.finance import invoicing_fixtures as fx
from tests.finance.accounts_data import pay_salary, sale, spend
from tests.finance.invoicing_fixtures import company, draft

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
acme = fx.acme
carol = fx.carol

D = Decimal
TODAY = dt.date(2026, 4, 5)


@pytest.fixture
def figures(coop, alice_activity, acme, carol):
    """Alice is advanced money by the cooperative; Carol's customer has paid."""
    contribution_rule_set(actor=None, valid_from=dt.date(2024, 1, 1), preset="oxalis")
    first = sale(alice_activity, acme, dt.date(2026, 3, 2), "1000")  # 1 200 TTC, due 1 April
    second = sale(alice_activity, acme, dt.date(2026, 3, 10), "2000")  # due 9 April
    spend(alice_activity, dt.date(2026, 3, 5), "supplies", "100")
    pay_salary(alice_activity, dt.date(2026, 3, 1), "1500")
    payment_record(actor=None, invoice=first, date=dt.date(2026, 3, 20), amount="600")
    carol_activity = carol.activity
    paid = sale(carol_activity, company(carol_activity), dt.date(2026, 3, 11), "1000")
    payment_record(actor=None, invoice=paid, date=dt.date(2026, 3, 25), amount="1200")
    return first, second


def test_exposure_of_each_activity_and_the_total(figures, alice_activity, carol) -> None:
    cover = treasury(today=TODAY)

    alice, carol_exposure = cover.exposures
    assert alice.activity == alice_activity
    # Received: 600 TTC of an invoice of 1 000 HT / 1 200 TTC → 500 HT.
    # Spent: 100 of supplies + 1 500 of salary + 15 % × 3 000 of contribution = 2 050.
    assert (alice.received, alice.expenses, alice.salaries, alice.contributions) == (
        D("500.00"),
        D("100.00"),
        D("1500.00"),
        D("450.00"),
    )
    assert (alice.cash_position, alice.exposure) == (D("-1550.00"), D("1550.00"))
    # Customers still owe 600 + 2 400 TTC, of which 600 are overdue (due on 1 April).
    assert (alice.receivable, alice.overdue, alice.covered_by_receivable) == (
        D("3000.00"),
        D("600.00"),
        True,
    )
    # Carol: 1 000 received, 150 of contribution: a positive position, no advance.
    assert carol_exposure.activity == carol.activity
    assert (carol_exposure.cash_position, carol_exposure.exposure) == (D("850.00"), D("0.00"))
    # A positive position does not offset another member's advance.
    assert cover.total_exposure == D("1550.00")
    assert (cover.total_receivable, cover.total_overdue) == (D("3000.00"), D("600.00"))
    assert cover.exposed == [alice]


def test_the_cover_on_an_earlier_day(figures) -> None:
    """On 15 March: no payment yet, the salary of March already paid."""
    alice = treasury(today=dt.date(2026, 3, 15)).exposures[0]
    assert (alice.received, alice.expenses, alice.salaries) == (D("0"), D("100.00"), D("1500.00"))
    assert alice.overdue == D("0.00")
    assert alice.exposure == D("2050.00")


def test_restricted_to_one_activity(figures, alice_activity) -> None:
    cover = treasury(today=TODAY, activities=alice_activity)
    assert [e.activity for e in cover.exposures] == [alice_activity]


@pytest.mark.parametrize("count", [1, 3])
def test_queries_do_not_grow_with_the_activities(coop, count, django_assert_num_queries):
    for index in range(count):
        activity = ActivityFactory(member=MemberFactory())
        invoice = sale(activity, company(activity), dt.date(2026, 3, 2 + index), "100")
        payment_record(actor=None, invoice=invoice, date=dt.date(2026, 3, 20), amount="60")
        spend(activity, dt.date(2026, 3, 5), "travel", "10")
        pay_salary(activity, dt.date(2026, 3, 1), "50")
    # payments, expenses, salaries, the account's five, open invoices, activities
    with django_assert_num_queries(10):
        assert len(treasury(today=TODAY).exposures) == count


# ---------------------------------------------------------------------------------------------
# Overdue invoices and reminders


def test_overdue_invoices_with_their_days_late(figures) -> None:
    first, second = figures
    rows = overdue_invoices(today=TODAY)
    assert [(r.invoice, r.amount_due, r.days_late, r.last_reminder) for r in rows] == [
        (first, D("600.00"), 4, None)
    ]
    later = overdue_invoices(today=dt.date(2026, 4, 30))
    assert [(r.invoice, r.days_late) for r in later] == [(first, 29), (second, 21)]


def test_a_reminder_is_logged_and_the_member_told(
    figures, alice, claire, django_capture_on_commit_callbacks
) -> None:
    first, _second = figures
    NotificationSettings.objects.create(user=alice.user, email_frequency=EmailFrequency.IMMEDIATE)
    late = (timezone.localdate() - dt.date(2026, 4, 1)).days

    with django_capture_on_commit_callbacks(execute=True):
        entry = invoice_remind(actor=claire, invoice=first)

    assert (entry.action, entry.actor, entry.data["amount_due"], entry.data["days_late"]) == (
        "invoice.reminded",
        claire,
        "600.00",
        late,
    )
    note = Notification.objects.get(user=alice.user)
    assert (note.kind, note.url) == ("finance.invoice_reminder", f"/finance/factures/{first.pk}/")
    assert note.title == f"Facture 2026-000001 impayée depuis {late} jours : relancez ACME SAS"
    assert "ACME SAS doit encore 600,00 € sur la facture 2026-000001" in note.body
    assert "Essaim ne lui écrit pas" in note.body
    # The member is e-mailed (their setting); the customer is not.
    assert [message.to for message in mail.outbox] == [[alice.user.email]]
    assert overdue_invoices(today=TODAY)[0].last_reminder == entry.created_at


def test_what_cannot_be_reminded(figures, coop, alice_activity, acme) -> None:
    first, second = figures
    payment_record(actor=None, invoice=second, date=dt.date(2026, 4, 1), amount="2400")
    not_due = sale(alice_activity, acme, timezone.localdate(), "100")
    drafted = draft(alice_activity, acme)
    entries = AuditEntry.objects.count()
    for invoice, message in [
        (second, "Seule une facture émise et non réglée se relance."),
        (drafted, "Seule une facture émise et non réglée se relance."),
        (not_due, "n'est pas encore échue"),
    ]:
        with pytest.raises(ValidationError) as error:
            invoice_remind(actor=None, invoice=invoice)
        assert message in error.value.messages[0]
    assert AuditEntry.objects.count() == entries
    assert not Notification.objects.exists()
