"""Payments: partial and several, never above what is due; paid when nothing is left."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.finance.models import Invoice, Payment
from essaim.finance.services.documents import amount_due, credit_note_create, invoice_issue
from essaim.finance.services.payments import payment_delete, payment_record
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import draft, issued, line, row_counts

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
acme = fx.acme

PAID_ON = dt.date(2026, 3, 20)


@pytest.fixture
def invoice(coop, alice_activity, acme) -> Invoice:
    return issued(alice_activity, acme, dt.date(2026, 3, 2))  # 1 620,00 € TTC


def _pay(invoice: Invoice, amount: object, day: dt.date = PAID_ON, **fields) -> Payment:
    return payment_record(actor=None, invoice=invoice, date=day, amount=amount, **fields)


def test_partial_payments_then_paid(invoice) -> None:
    first = _pay(invoice, "1000", reference="VIR 123")
    assert (first.amount, first.method, first.reference) == (Decimal("1000"), "transfer", "VIR 123")
    assert (invoice.paid, invoice.status) == (Decimal("1000.00"), "issued")
    _pay(invoice, Decimal("620.00"), method="cheque")
    invoice.refresh_from_db()
    assert (invoice.paid, invoice.status, amount_due(invoice)) == (
        Decimal("1620.00"),
        "paid",
        Decimal("0.00"),
    )
    entries = AuditEntry.objects.filter(action="payment.recorded", subject_id=invoice.pk)
    assert [e.data["due_after"] for e in entries.order_by("id")] == ["620.00", "0.00"]


def test_a_payment_above_the_balance_is_refused_and_nothing_is_written(invoice) -> None:
    _pay(invoice, "120")
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        _pay(invoice, "1500.01")
    assert error.value.message_dict == {
        "amount": ["Le paiement (1\u00a0500,01 €) dépasse le reste à payer (1\u00a0500,00 €)."]
    }
    assert row_counts() == before
    invoice.refresh_from_db()
    assert (invoice.paid, invoice.status) == (Decimal("120.00"), "issued")


def test_a_paid_invoice_takes_no_more_payment(invoice) -> None:
    _pay(invoice, "1620")
    with pytest.raises(ValidationError, match=r"dépasse le reste à payer \(0,00 €\)"):
        _pay(invoice, "1")


def test_credit_notes_reduce_what_is_due(invoice) -> None:
    note = credit_note_create(
        actor=None, invoice=invoice, lines=[line(quantity="1")], reason="Une journée annulée"
    )
    # A draft credit note changes nothing yet.
    with pytest.raises(ValidationError):
        _pay(invoice, "1620.01")
    invoice_issue(actor=None, invoice=note, issue_date=dt.date(2026, 3, 5), render_pdf=False)
    with pytest.raises(ValidationError) as error:
        _pay(invoice, "1620")
    assert error.value.messages == [
        "Le paiement (1\u00a0620,00 €) dépasse le reste à payer (1\u00a0080,00 €)."
    ]
    _pay(invoice, "1080")
    invoice.refresh_from_db()
    assert invoice.status == "paid"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Le montant d'un paiement est positif."),
        ("-5", "Le montant d'un paiement est positif."),
        ("abc", "Montant « abc » : ce n'est pas un nombre."),
        (12.5, "Montant « 12.5 » : ce n'est pas un nombre."),
        ("10.005", "Le montant se donne au centime près."),
    ],
)
def test_bad_amounts(invoice, amount, message) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        _pay(invoice, amount)
    assert error.value.message_dict == {"amount": [message]}
    assert row_counts() == before


def test_only_issued_invoices_are_paid(coop, alice_activity, acme, invoice) -> None:
    with pytest.raises(ValidationError, match="Émettez la facture avant"):
        _pay(draft(alice_activity, acme), "10")
    note = credit_note_create(actor=None, invoice=invoice, lines=[line()], reason="Annulation")
    with pytest.raises(ValidationError, match="Un avoir ne reçoit pas de paiement"):
        _pay(note, "10")


def test_dates_and_method(invoice) -> None:
    with pytest.raises(ValidationError) as error:
        _pay(invoice, "10", dt.date(2026, 3, 1))
    assert error.value.message_dict == {
        "date": ["La date du paiement est avant l'émission de la facture (02/03/2026)."]
    }
    with pytest.raises(ValidationError, match="dans le futur"):
        _pay(invoice, "10", dt.date.today() + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="Moyen de paiement inconnu"):
        _pay(invoice, "10", method="bitcoin")


def test_deleting_a_payment_owes_it_again(invoice) -> None:
    payment = _pay(invoice, "1620")
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    after = payment_delete(actor=None, payment=payment)
    assert (after.paid, after.status) == (Decimal("0.00"), "issued")
    assert not Payment.objects.exists()
    assert AuditEntry.objects.get(action="payment.deleted").data["amount"] == "1620.00"
    with pytest.raises(ValidationError, match="Ce paiement a déjà été retiré"):
        payment_delete(actor=None, payment=payment)
    invoice.refresh_from_db()
    assert invoice.paid == Decimal("0.00")
