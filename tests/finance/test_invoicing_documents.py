"""Estimates, draft invoices and their issue: totals frozen, numbered, bad input refused with
nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.finance.models import DocumentLine, Estimate, Invoice
from essaim.finance.services.documents import (
    DocumentLinesError,
    estimate_save,
    estimate_set_status,
    estimate_to_invoice,
    format_eur,
    invoice_delete,
    invoice_issue,
    invoice_save,
)
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import company, draft, issued, line, row_counts

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity
acme = fx.acme

EXEMPTION = "Exonération de TVA, article 261-4-4° a du CGI"
MIXED_LINES = [
    line(),  # 3 × 450 = 1 350,00 at 20 %
    # 2 × 19,99 = 39,98, discount 10 % = 4,00 (3,998 to the cent) → 35,98 at 5,5 %
    line(label="Livret", quantity="2", unit="C62", unit_price="19,99", discount="10",
         vat_rate="5.5"),
    line(label="Formation certifiante", quantity="1", unit="XPK", unit_price="250",
         vat_rate="0", exemption_reason=EXEMPTION),  # 250,00 exempt
    # 1,5 × 33,333 = 49,9995 → 50,00 at 20 %
    line(label="Suivi", quantity="1.5", unit="HUR", unit_price="33.333"),
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Issue


def test_issue_freezes_totals_numbers_and_sets_the_due_date(coop, alice_activity, acme) -> None:
    invoice = draft(alice_activity, acme, MIXED_LINES)
    assert invoice.status == "draft" and invoice.number == ""
    issued_invoice = invoice_issue(
        actor=None, invoice=invoice, issue_date=dt.date(2026, 3, 2), render_pdf=False
    )
    issued_invoice.refresh_from_db()
    # HT = 1 350 + 35,98 + 250 + 50 = 1 685,98; VAT 20 % on 1 400,00 = 280,00, 5,5 % on
    # 35,98 = 1,9789 → 1,98; TTC = 1 685,98 + 281,98 = 1 967,96.
    assert (
        issued_invoice.number,
        issued_invoice.status,
        issued_invoice.issue_date,
        issued_invoice.due_date,
        issued_invoice.total_net,
        issued_invoice.total_vat,
        issued_invoice.total_gross,
    ) == (
        "2026-000001",
        "issued",
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 1),  # 30 days, the cooperative's payment terms
        Decimal("1685.98"),
        Decimal("281.98"),
        Decimal("1967.96"),
    )
    assert issued_invoice.issued_at is not None
    assert list(issued_invoice.lines.values_list("position", "net", "vat_rate")) == [
        (1, Decimal("1350.00"), "20.0"),
        (2, Decimal("35.98"), "5.5"),
        (3, Decimal("250.00"), "0.0"),
        (4, Decimal("50.00"), "20.0"),
    ]
    # The caller's object follows too.
    assert (invoice.number, invoice.status) == ("2026-000001", "issued")
    entry = AuditEntry.objects.get(action="invoice.issued")
    assert (entry.target_id, entry.data["number"], entry.data["total_gross"]) == (
        str(invoice.pk),
        "2026-000001",
        "1967.96",
    )


def test_due_date_follows_the_cooperative_terms(coop, alice_activity, acme) -> None:
    coop.payment_terms_days = 45
    coop.save()
    assert issued(alice_activity, acme, dt.date(2026, 3, 2)).due_date == dt.date(2026, 4, 16)


def test_issue_today_by_default(coop, alice_activity, acme) -> None:
    invoice = invoice_issue(actor=None, invoice=draft(alice_activity, acme), render_pdf=False)
    assert invoice.issue_date == dt.date.today()


def test_an_invoice_without_lines_is_not_issued_and_nothing_is_written(
    coop, alice_activity, acme
) -> None:
    empty = draft(alice_activity, acme, lines=[])
    before = row_counts()
    with pytest.raises(DocumentLinesError) as error:
        invoice_issue(actor=None, invoice=empty, issue_date=fx.DAY)
    assert error.value.messages == ["Le document n'a aucune ligne : ajoutez-en au moins une."]
    assert row_counts() == before
    empty.refresh_from_db()
    assert (empty.status, empty.number) == ("draft", "")


def test_a_vat_rate_not_allowed_is_refused_and_nothing_is_written(
    coop, alice_activity, acme
) -> None:
    before = row_counts()
    with pytest.raises(DocumentLinesError) as error:
        draft(alice_activity, acme, [line(), line(vat_rate="7")])
    assert error.value.message_dict == {
        "lines": ["Ligne 2 : taux de TVA 7 % non autorisé (20, 10, 5,5, 2,1 ou 0)"]
    }
    assert error.value.line_errors == [
        (1, "vat_rate", "Ligne 2 : taux de TVA 7 % non autorisé (20, 10, 5,5, 2,1 ou 0)")
    ]
    assert row_counts() == before


def test_a_vat_rate_not_allowed_is_refused_at_issue_too(coop, alice_activity, acme) -> None:
    invoice = draft(alice_activity, acme)
    DocumentLine.objects.filter(invoice=invoice).update(vat_rate="7.0")  # e.g. through the admin
    before = row_counts()
    with pytest.raises(DocumentLinesError, match="taux de TVA 7 % non autorisé"):
        invoice_issue(actor=None, invoice=invoice, issue_date=fx.DAY)
    assert row_counts() == before
    assert Invoice.objects.get(pk=invoice.pk).number == ""


def test_zero_rate_needs_an_exemption_reason(coop, alice_activity, acme) -> None:
    before = row_counts()
    with pytest.raises(DocumentLinesError) as error:
        draft(alice_activity, acme, [line(vat_rate="0")])
    assert error.value.line_errors[0][:2] == (0, "exemption_reason")
    assert error.value.messages[0].startswith("Ligne 1 : taux de TVA 0 % sans motif d'exonération")
    assert row_counts() == before


def test_every_line_error_is_listed(coop, alice_activity, acme) -> None:
    with pytest.raises(DocumentLinesError) as error:
        draft(
            alice_activity,
            acme,
            [
                line(label=""),
                line(quantity="abc"),
                line(unit="XYZ", unit_price="-3"),
                line(vat_rate=""),
                line(quantity=1.5),  # a float: money is never a float
                line(vat_rate="0", exemption_reason="x" * 256),
            ],
        )
    assert [(i, f) for i, f, _m in error.value.line_errors] == [
        (0, "label"),
        (1, "quantity"),
        (2, "unit"),
        (2, "unit_price"),
        (3, "vat_rate"),
        (4, "quantity"),
        (5, "exemption_reason"),
    ]
    assert error.value.line_errors[0][2] == "Ligne 1 : désignation manquante"
    assert error.value.line_errors[4][2] == "Ligne 4 : taux de TVA manquant"


def test_editing_an_issued_invoice_is_refused_and_nothing_is_written(
    coop, alice_activity, acme
) -> None:
    invoice = issued(alice_activity, acme)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        invoice_save(
            actor=None,
            activity=alice_activity,
            customer=acme,
            subject="Autre objet",
            lines=[line(unit_price="1")],
            invoice=invoice,
        )
    assert error.value.messages == ["Une facture émise ne se modifie plus : faites un avoir."]
    assert row_counts() == before
    invoice.refresh_from_db()
    assert (invoice.subject, invoice.total_net) == ("Formation", Decimal("1350.00"))
    assert list(invoice.lines.values_list("unit_price", flat=True)) == [Decimal("450.0000")]


def test_an_issued_invoice_is_not_issued_twice(coop, alice_activity, acme) -> None:
    invoice = issued(alice_activity, acme)
    with pytest.raises(ValidationError, match="déjà émis \\(n° 2026-000001\\)"):
        invoice_issue(actor=None, invoice=invoice, issue_date=fx.DAY)


def test_a_draft_is_free_to_edit(coop, alice_activity, acme) -> None:
    invoice = draft(alice_activity, acme)
    other = company(alice_activity, name="Beta SARL", siret="", siren="303265045")
    edited = invoice_save(
        actor=None,
        activity=alice_activity,
        customer=other,
        subject="  Formation   avancée ",
        lines=[line(quantity="2"), line(label="Support", unit_price="1 200,50", vat_rate="10")],
        notes="Acompte déjà versé",
        invoice=invoice,
    )
    edited.refresh_from_db()
    # 2 × 450 = 900 at 20 % (VAT 180), 3 × 1 200,50 = 3 601,50 at 10 % (VAT 360,15)
    assert (edited.customer, edited.subject, edited.total_net, edited.total_gross) == (
        other,
        "Formation avancée",
        Decimal("4501.50"),
        Decimal("5041.65"),
    )
    assert edited.lines.count() == 2
    assert AuditEntry.objects.get(action="invoice.updated").changes["subject"] == [
        "Formation",
        "Formation avancée",
    ]


def test_customer_of_another_activity_is_refused(coop, alice_activity, bob_activity) -> None:
    bobs_customer = company(bob_activity)
    with pytest.raises(ValidationError) as error:
        draft(alice_activity, bobs_customer)
    assert error.value.message_dict == {
        "customer": ["ACME SAS n'est pas un client de l'enseigne Atelier Alice."]
    }


def test_subject_is_required(coop, alice_activity, acme) -> None:
    with pytest.raises(ValidationError) as error:
        draft(alice_activity, acme, subject=" ")
    assert error.value.message_dict == {"subject": ["Donnez l'objet du document."]}


def test_a_draft_is_deleted_an_issued_invoice_is_not(coop, alice_activity, acme) -> None:
    invoice = draft(alice_activity, acme)
    invoice_delete(actor=None, invoice=invoice)
    assert not Invoice.objects.filter(pk=invoice.pk).exists()
    assert not DocumentLine.objects.exists()
    kept = issued(alice_activity, acme)
    with pytest.raises(ValidationError, match="ne se supprime pas"):
        invoice_delete(actor=None, invoice=kept)


def test_pdf_rendering_is_left_for_after_commit(
    coop, alice_activity, acme, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        issued(alice_activity, acme)
    assert callbacks == []  # render_pdf=False
    with django_capture_on_commit_callbacks() as callbacks:
        invoice_issue(actor=None, invoice=draft(alice_activity, acme), issue_date=fx.DAY)
    assert len(callbacks) == 1


def test_pdf_is_rendered_after_commit(
    coop, alice_activity, acme, django_capture_on_commit_callbacks, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(actor=None, invoice=draft(alice_activity, acme), issue_date=fx.DAY)
    invoice.refresh_from_db()
    assert invoice.pdf
    with invoice.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_rendering_failure_leaves_the_issue_standing(
    coop, alice_activity, acme, django_capture_on_commit_callbacks, settings, tmp_path, caplog
) -> None:
    settings.MEDIA_ROOT = tmp_path
    coop.vat_number = ""  # Factur-X refuses to render without the cooperative's VAT number
    coop.save()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(actor=None, invoice=draft(alice_activity, acme), issue_date=fx.DAY)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.pdf.name) == ("issued", "2026-000001", "")
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "Factur-X rendering failed for invoice 2026-000001"
    ]


def test_format_eur() -> None:
    assert format_eur(Decimal("1234567.5")) == "1\u00a0234\u00a0567,50 €"
    assert format_eur(Decimal("0")) == "0,00 €"
    assert format_eur(Decimal("-12.3")) == "-12,30 €"


# ---------------------------------------------------------------------------------------------
# Estimates


def _estimate(activity, customer, lines=None, **fields) -> Estimate:
    return estimate_save(
        actor=None,
        activity=activity,
        customer=customer,
        subject=fields.pop("subject", "Devis formation"),
        lines=[line()] if lines is None else lines,
        date=fields.pop("date", dt.date(2026, 2, 20)),
        **fields,
    )


def test_estimate_is_numbered_per_activity_and_year(coop, alice_activity, acme) -> None:
    first = _estimate(alice_activity, acme, valid_until=dt.date(2026, 3, 20))
    second = _estimate(alice_activity, acme)
    assert (first.number, second.number) == ("D-2026-0001", "D-2026-0002")
    assert list(first.lines.values_list("net", flat=True)) == [Decimal("1350.00")]
    assert AuditEntry.objects.filter(action="estimate.created").count() == 2


def test_estimate_validity_after_its_date(coop, alice_activity, acme) -> None:
    with pytest.raises(ValidationError) as error:
        _estimate(alice_activity, acme, valid_until=dt.date(2026, 2, 1))
    assert list(error.value.message_dict) == ["valid_until"]


def test_estimate_bad_line_writes_nothing(coop, alice_activity, acme) -> None:
    before = row_counts()
    with pytest.raises(DocumentLinesError):
        _estimate(alice_activity, acme, [line(vat_rate="19.6")])
    assert row_counts() == before


def test_estimate_edit_and_status(coop, alice_activity, acme) -> None:
    estimate = _estimate(alice_activity, acme)
    estimate = estimate_save(
        actor=None,
        activity=alice_activity,
        customer=acme,
        subject="Devis révisé",
        lines=[line(quantity="4")],
        estimate=estimate,
    )
    assert (estimate.subject, estimate.date) == ("Devis révisé", dt.date(2026, 2, 20))
    assert list(estimate.lines.values_list("net", flat=True)) == [Decimal("1800.00")]
    estimate = estimate_set_status(actor=None, estimate=estimate, status="sent")
    estimate = estimate_set_status(actor=None, estimate=estimate, status="accepted")
    assert estimate.status == "accepted"
    with pytest.raises(ValidationError, match="Un devis accepté ou facturé ne se modifie plus"):
        estimate_save(
            actor=None,
            activity=alice_activity,
            customer=acme,
            subject="Encore",
            lines=[line()],
            estimate=estimate,
        )
    with pytest.raises(ValidationError) as error:
        estimate_set_status(actor=None, estimate=estimate, status="draft")
    assert error.value.message_dict == {
        "status": ["Un devis « Accepté » ne peut pas passer à « Brouillon »."]
    }
    with pytest.raises(ValidationError, match="État de devis inconnu"):
        estimate_set_status(actor=None, estimate=estimate, status="perdu")
    assert AuditEntry.objects.filter(action="estimate.status_changed").count() == 2


def test_estimate_to_invoice_copies_the_lines(coop, alice_activity, acme) -> None:
    estimate = _estimate(alice_activity, acme, MIXED_LINES, notes="Tarif valable 1 mois")
    invoice = estimate_to_invoice(actor=None, estimate=estimate)
    estimate.refresh_from_db()
    assert estimate.status == "invoiced"
    assert (invoice.status, invoice.estimate, invoice.customer, invoice.subject, invoice.notes) == (
        "draft",
        estimate,
        acme,
        "Devis formation",
        "Tarif valable 1 mois",
    )
    fields = ("label", "quantity", "unit", "unit_price", "discount", "vat_rate", "net")
    assert list(invoice.lines.values_list(*fields)) == list(estimate.lines.values_list(*fields))
    assert invoice.total_net == Decimal("1685.98")
    with pytest.raises(ValidationError, match="déjà été transformé en facture"):
        estimate_to_invoice(actor=None, estimate=estimate)


def test_a_refused_estimate_is_not_invoiced(coop, alice_activity, acme) -> None:
    estimate = estimate_set_status(
        actor=None, estimate=_estimate(alice_activity, acme), status="refused"
    )
    before = row_counts()
    with pytest.raises(ValidationError, match="a été refusé"):
        estimate_to_invoice(actor=None, estimate=estimate)
    assert row_counts() == before
