"""Credit notes: whole or partial, never more than the invoice, numbered in the same series."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.finance.models import Invoice
from essaim.finance.services.documents import (
    amount_due,
    credit_note_create,
    invoice_issue,
    invoice_save,
)
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import draft, issued, line, row_counts

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
acme = fx.acme

TWO_LINES = [line(), line(label="Support de cours", quantity="10", unit="C62", unit_price="15")]
# 1 350 + 150 = 1 500 HT, VAT 300, 1 800 TTC


@pytest.fixture
def invoice(coop, alice_activity, acme) -> Invoice:
    return issued(alice_activity, acme, dt.date(2026, 3, 2), TWO_LINES)


def _issue(note: Invoice, day: dt.date = dt.date(2026, 3, 10)) -> Invoice:
    return invoice_issue(actor=None, invoice=note, issue_date=day, render_pdf=False)


def test_whole_credit_note(invoice) -> None:
    note = credit_note_create(actor=None, invoice=invoice, reason="Formation annulée")
    assert (note.kind, note.status, note.corrects, note.customer, note.notes) == (
        "credit_note",
        "draft",
        invoice,
        invoice.customer,
        "Formation annulée",
    )
    assert note.subject == "Avoir sur la facture 2026-000001 : Formation"
    assert (note.total_net, note.total_vat, note.total_gross) == (
        Decimal("1500.00"),
        Decimal("300.00"),
        Decimal("1800.00"),
    )
    fields = ("label", "quantity", "unit_price", "vat_rate", "net")
    assert list(note.lines.values_list(*fields)) == list(invoice.lines.values_list(*fields))
    note = _issue(note)
    assert (note.number, note.status, note.due_date) == ("2026-000002", "issued", None)
    invoice.refresh_from_db()
    # Nothing is due any more: the invoice is settled.
    assert (amount_due(invoice), invoice.status) == (Decimal("0.00"), "paid")
    entry = AuditEntry.objects.get(action="credit_note.issued")
    assert (entry.target_id, entry.data["corrects"]) == (str(note.pk), "2026-000001")


def test_partial_credit_note(invoice) -> None:
    note = credit_note_create(
        actor=None,
        invoice=invoice,
        lines=[line(label="Support de cours", quantity="4", unit="C62", unit_price="15")],
        reason="4 supports non livrés",
    )
    assert note.total_gross == Decimal("72.00")  # 60 HT + 12 VAT
    _issue(note)
    invoice.refresh_from_db()
    assert (amount_due(invoice), invoice.status) == (Decimal("1728.00"), "issued")


def test_credit_notes_above_the_invoice_are_refused_and_nothing_is_written(invoice) -> None:
    credit_note_create(
        actor=None,
        invoice=invoice,
        lines=[line(quantity="2")],  # 900 HT, 1 080 TTC
        reason="2 journées annulées",
    )
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        credit_note_create(
            actor=None,
            invoice=invoice,
            lines=[line(quantity="1.5")],  # 675 HT, 810 TTC: 1 890 in all > 1 800
            reason="Encore",
        )
    assert error.value.messages == [
        "Avoir supérieur à la facture : avec cet avoir de 810,00 €, les avoirs sur la facture "
        "2026-000001 totaliseraient 1\u00a0890,00 € TTC, pour une facture de 1\u00a0800,00 € TTC "
        "(reste à créditer : 720,00 €)."
    ]
    assert row_counts() == before


def test_a_single_credit_note_above_the_invoice_is_refused(invoice) -> None:
    with pytest.raises(ValidationError, match="Avoir supérieur à la facture"):
        credit_note_create(actor=None, invoice=invoice, lines=[line(quantity="5")], reason="Trop")


def test_editing_a_draft_credit_note_respects_the_cap(invoice) -> None:
    note = credit_note_create(actor=None, invoice=invoice, lines=[line()], reason="Annulation")
    with pytest.raises(ValidationError, match="Avoir supérieur à la facture"):
        invoice_save(
            actor=None,
            activity=invoice.activity,
            customer=invoice.customer,
            subject=note.subject,
            lines=[line(quantity="5")],
            invoice=note,
        )
    edited = invoice_save(
        actor=None,
        activity=invoice.activity,
        customer=invoice.customer,
        subject=note.subject,
        lines=[line(quantity="1")],
        invoice=note,
    )
    assert (edited.kind, edited.total_gross) == ("credit_note", Decimal("540.00"))


def test_the_cap_is_checked_again_at_issue(invoice) -> None:
    first = credit_note_create(actor=None, invoice=invoice, lines=[line()], reason="A")
    _issue(first)  # 1 620 credited
    # A draft written before (as if by another person at the same time) is stopped at issue.
    late = Invoice.objects.create(
        kind="credit_note",
        activity=invoice.activity,
        customer=invoice.customer,
        corrects=invoice,
        subject="Avoir",
    )
    late.lines.create(  # 270 TTC; 1 620 + 270 > 1 800
        label="Demi-journée",
        quantity=Decimal("0.5"),
        unit="DAY",
        unit_price=Decimal("450"),
        vat_rate="20.0",
    )
    before = row_counts()
    with pytest.raises(ValidationError, match="Avoir supérieur à la facture"):
        _issue(late)
    assert row_counts() == before


def test_an_issued_credit_note_does_not_change(invoice) -> None:
    note = _issue(credit_note_create(actor=None, invoice=invoice, reason="Annulation"))
    with pytest.raises(ValidationError) as error:
        invoice_save(
            actor=None,
            activity=invoice.activity,
            customer=invoice.customer,
            subject="Autre",
            lines=[line()],
            invoice=note,
        )
    assert error.value.messages == ["Un avoir émis ne se modifie plus."]


def test_what_a_credit_note_corrects(coop, alice_activity, acme, invoice) -> None:
    with pytest.raises(ValidationError, match="Indiquez le motif de l'avoir"):
        credit_note_create(actor=None, invoice=invoice, reason="  ")
    with pytest.raises(ValidationError, match="est un brouillon"):
        credit_note_create(actor=None, invoice=draft(alice_activity, acme), reason="Erreur")
    note = _issue(credit_note_create(actor=None, invoice=invoice, lines=[line()], reason="A"))
    with pytest.raises(ValidationError, match="pas un autre avoir"):
        credit_note_create(actor=None, invoice=note, reason="Erreur")
    with pytest.raises(ValidationError, match="taux de TVA 7 %"):
        credit_note_create(actor=None, invoice=invoice, lines=[line(vat_rate="7")], reason="B")
    with pytest.raises(ValidationError, match="aucune ligne"):
        credit_note_create(actor=None, invoice=invoice, lines=[], reason="B")
