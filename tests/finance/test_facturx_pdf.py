"""The Factur-X PDF: PDF/A-3 with the XML embedded, French legal mentions, storage."""

from __future__ import annotations

import datetime as dt

import facturx
import pytest

from essaim.finance.facturx import build_cii_xml, render_facturx, render_invoice
from essaim.finance.models import Invoice
from essaim.finance.services.documents import (
    credit_note_create,
    invoice_issue,
    render_pdf_after_issue,
)
from tests.finance import invoicing_fixtures as fx
from tests.finance.facturx_checks import pdfa_report
from tests.finance.invoicing_fixtures import draft, issued, line

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
acme = fx.acme

EXEMPT = "Exonération de TVA, article 261-4-4° a du CGI"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(invoice: Invoice) -> bytes:
    with invoice.pdf.open("rb") as file:
        return file.read()


@pytest.fixture
def invoice(coop, alice_activity, acme) -> Invoice:
    coop.iban = "FR7630006000011234567890189"
    coop.bic = "AGRIFRPP"
    coop.rcs = "Bobigny"
    coop.save()
    lines = [
        line(),
        line(label="Déplacement", quantity="120", unit="KMT", unit_price="0.6", vat_rate="10"),
        line(
            label="Formation certifiante", unit_price="300", vat_rate="0", exemption_reason=EXEMPT
        ),
    ]
    return issued(alice_activity, acme, lines=lines)


def test_embedded_xml_comes_back_equal(invoice) -> None:
    pdf = render_invoice(invoice)
    name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert name == "factur-x.xml"
    assert xml == build_cii_xml(invoice)


def test_pdf_is_pdfa3_with_embedded_fonts_and_an_output_intent(invoice) -> None:
    report = pdfa_report(render_invoice(invoice))
    assert report["header"].startswith(b"%PDF-1.")
    assert all(byte > 127 for byte in report["binary_comment"][1:5])
    assert report["id"] and not report["encrypted"]
    assert report["output_intent"] == "/GTS_PDFA1"
    assert report["profile_components"] == 3  # an RGB profile for the RGB the page uses
    assert report["fonts"] and all(report["fonts"].values()), report["fonts"]
    assert (report["pdfa_part"], report["pdfa_conformance"]) == ("3", "B")
    assert (report["fx_level"], report["fx_filename"]) == ("EN 16931", "factur-x.xml")
    assert report["af_relationship"] == ["/Data"]
    assert list(report["attachments"]) == ["factur-x.xml"]
    assert report["lang"] == "fr-FR"
    info, xmp = report["info"], report["xmp"]
    assert xmp["title"] == info["/Title"] == "Coopérative Essaim : Facture 2026-000001"
    assert xmp["author"] == info["/Author"] == "Coopérative Essaim"
    assert xmp["subject"] == info["/Subject"]
    assert xmp["producer"] == info["/Producer"]
    assert xmp["creator_tool"] == info["/Creator"]


def test_page_holds_the_legal_mentions(invoice) -> None:
    text = " ".join(pdfa_report(render_invoice(invoice))["text"].split())
    expected = [
        "Facture",
        "N° 2026-000001",
        "Date d'émission : 02/03/2026",
        "Échéance : 01/04/2026",
        # The cooperative's identity and the activity's name.
        "Coopérative Essaim",
        "SCOP SA à capital variable, RCS Bobigny",
        "12 rue des Abeilles",
        "SIREN 303 265 045",
        "FR40303265045",
        "Activité « Atelier Alice » de Alice Martin",
        # The customer.
        "ACME SAS",
        "1 place de la Gare",
        "SIRET 732 829 320 00074",
        # Lines, VAT breakdown, totals.
        "Journée de formation",
        "1 350,00 €",
        "Déplacement",
        "0,60 €",
        "72,00 €",
        "TVA 20 %",
        "270,00 €",
        "TVA 10 %",
        "7,20 €",
        EXEMPT,
        "Total HT",
        "2 322,00 €",
        "Net à payer TTC",
        "2 599,20 €",
        # Payment and the mentions of L441-9 and L441-10.
        "Paiement à 30 jours, au plus tard le 01/04/2026.",
        "FR76 3000 6000 0112 3456 7890 189",
        "Pas d'escompte pour paiement anticipé.",
        "pénalités",
        "trois fois le taux d'intérêt légal",
        "indemnité forfaitaire pour frais de recouvrement de 40 €",
    ]
    missing = [item for item in expected if item not in text]
    assert missing == [], text


def test_credit_note_pdf(invoice) -> None:
    note = credit_note_create(actor=None, invoice=invoice, reason="Formation annulée")
    note = invoice_issue(
        actor=None, invoice=note, issue_date=dt.date(2026, 3, 10), render_pdf=False
    )
    pdf = render_invoice(note)
    text = " ".join(pdfa_report(pdf)["text"].split())
    assert "Avoir" in text and "N° 2026-000002" in text
    assert "Facture corrigée : 2026-000001 du 02/03/2026" in text
    assert "Motif : Formation annulée" in text
    assert "40 €" not in text
    assert facturx.get_xml_from_pdf(pdf)[1] == build_cii_xml(note)
    note.refresh_from_db()
    assert note.pdf.name == "factures/2026/avoir-2026-000002.pdf"


def test_pdf_is_stored_and_replaced_not_duplicated(invoice, media) -> None:
    first = render_invoice(invoice)
    invoice.refresh_from_db()
    assert invoice.pdf.name == "factures/2026/facture-2026-000001.pdf"
    assert stored(invoice) == first
    render_invoice(invoice)
    invoice.refresh_from_db()
    assert invoice.pdf.name == "factures/2026/facture-2026-000001.pdf"
    assert [p.name for p in (media / "factures" / "2026").iterdir()] == ["facture-2026-000001.pdf"]


def test_issue_renders_the_pdf_after_commit(
    coop, alice_activity, acme, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(actor=None, invoice=draft(alice_activity, acme), issue_date=fx.DAY)
    invoice.refresh_from_db()
    assert invoice.pdf.name == "factures/2026/facture-2026-000001.pdf"
    assert facturx.get_xml_from_pdf(stored(invoice))[1] == build_cii_xml(invoice)


def test_rendering_failure_leaves_the_issue_standing(db, alice_activity, acme, caplog) -> None:
    """No cooperative identity: the issue stands, the failure is logged, no PDF."""
    invoice = issued(alice_activity, acme)
    render_pdf_after_issue(invoice.pk)
    invoice.refresh_from_db()
    assert (invoice.number, invoice.pdf.name) == ("2026-000001", "")
    assert "Factur-X rendering failed" in caplog.text


def test_characters_the_font_lacks_do_not_break_the_pdf(coop, alice_activity, acme) -> None:
    invoice = issued(alice_activity, acme, lines=[line(label="Calligraphie 漢字 ✓")])
    pdf, xml = render_facturx(invoice)
    assert "Calligraphie ?? ?" in pdfa_report(pdf)["text"]
    assert "Calligraphie 漢字 ✓" in xml.decode()  # the XML keeps the text as it is


def test_long_invoice_runs_on_several_pages(coop, alice_activity, acme) -> None:
    lines = [line(label=f"Séance n° {i}", quantity="1") for i in range(1, 61)]
    pdf = render_invoice(issued(alice_activity, acme, lines=lines))
    report = pdfa_report(pdf)
    assert "Page 2" in report["text"]
    assert "Séance n° 60" in report["text"]
    assert all(report["fonts"].values())
