"""The invoicing pages: customers (SIRET checked on the field), estimates with their lines
turned into invoices, drafts, "Émettre", the Factur-X PDF, payments and credit notes. Each bad
input shows a French message where it belongs, and nothing is written."""

# The fixtures imported from views_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal

import facturx
import pytest

from essaim.finance.models import Customer, Estimate, Invoice, Payment
from essaim.marketplace.models import DealKind
from essaim.marketplace.services.deals import ProviderShare, deal_create
from tests.finance.invoicing_fixtures import row_counts
from tests.finance.views_data import (  # noqa: F401
    DAY,
    SIRET,
    acme,
    alice_activity,
    bob_activity,
    coop,
    draft_invoice,
    estimate,
    invoice,
    lines_data,
    row,
    today,
    url,
)
from tests.members.pages import errors, page_messages, plain, section, text


@pytest.fixture
def logged_alice(client, alice, alice_activity):
    client.force_login(alice.user)
    return client


def field_errors(response, field: str) -> list[str]:
    """The errors shown under one field of a form."""
    body = response.content.decode()
    start = body.index(f'name="{field}"')
    end = body.find('<div class="field', start)
    return [plain(m) for m in _errors_in(body[start : end if end > 0 else None])]


def _errors_in(fragment: str) -> list[str]:
    import re

    return re.findall(r'<p class="error"[^>]*>(.*?)</p>', fragment, re.S)


# --- customers --------------------------------------------------------------------------------


def test_an_invalid_siret_is_shown_on_its_field_and_nothing_is_written(
    logged_alice, alice_activity
) -> None:
    before = row_counts()

    response = logged_alice.post(
        url("customer_create", alice_activity.pk),
        {"kind": "company", "name": "Boulangerie Martin", "siret": "73282932000075"},
    )

    assert response.status_code == 200
    assert field_errors(response, "siret") == [
        "Le SIRET 73282932000075 est invalide : sa clé de contrôle ne correspond pas (vérifiez "
        "chaque chiffre, par exemple sur un extrait Kbis ou l'avis de situation INSEE)."
    ]
    assert row_counts() == before


def test_a_customer_is_created_then_listed(logged_alice, alice_activity) -> None:
    response = logged_alice.post(
        url("customer_create", alice_activity.pk),
        {
            "kind": "company",
            "name": "Boulangerie Martin",
            "siret": "732 829 320 00074",
            "city": "Paris",
            "country": "fr",
        },
    )

    assert (response.status_code, response.url) == (302, url("customer_list", alice_activity.pk))
    customer = Customer.objects.get(activity=alice_activity)
    assert (customer.name, customer.siret, customer.siren, customer.country) == (
        "Boulangerie Martin",
        SIRET,
        SIRET[:9],
        "FR",
    )
    listing = logged_alice.get(url("customer_list"))
    assert "Boulangerie Martin" in plain(section(listing, "<tbody>", "</tbody>"))


def test_a_customer_is_changed(logged_alice, acme) -> None:
    response = logged_alice.post(
        url("customer_edit", acme.pk), {"kind": "company", "name": "ACME Nord", "siret": SIRET}
    )

    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.name == "ACME Nord"


def test_an_internal_customer_is_another_member_with_an_activity(
    logged_alice, alice_activity, bob, bob_activity
) -> None:
    page = logged_alice.get(url("customer_create", alice_activity.pk))
    choices = section(page, 'name="member"', "</select>")
    assert "Bob Durand" in choices and "Alice Martin" not in choices

    response = logged_alice.post(
        url("customer_create", alice_activity.pk), {"kind": "member", "member": bob.pk}
    )

    assert response.status_code == 302
    customer = Customer.objects.get(activity=alice_activity)
    assert (customer.kind, customer.member, customer.name) == (
        "member",
        bob,
        "Bob Menuiserie (Bob Durand)",
    )


# --- estimates --------------------------------------------------------------------------------


def test_an_estimate_is_created_with_its_lines(logged_alice, alice_activity, acme) -> None:
    data = {"customer": acme.pk, "subject": "Site vitrine", "date": "2026-03-01"}
    data |= lines_data(
        row(), row(label="Hébergement", quantity="12", unit="MON", unit_price="9,90")
    )

    response = logged_alice.post(url("estimate_create", alice_activity.pk), data)

    estimate = Estimate.objects.get(activity=alice_activity)
    assert (response.status_code, response.url) == (302, url("estimate_detail", estimate.pk))
    assert [(line.label, line.quantity, line.net) for line in estimate.lines.all()] == [
        ("Journée de conseil", Decimal("2.000"), Decimal("1000.00")),
        ("Hébergement", Decimal("12.000"), Decimal("118.80")),
    ]
    detail = logged_alice.get(response.url)
    assert plain(section(detail, '<dl class="facts" id="totals"', "</dl>")) == (
        "Total HT 1 118,80 € TVA 223,76 € Total TTC 1 342,56 €"
    )


def test_a_bad_line_is_shown_on_its_row_and_nothing_is_written(
    logged_alice, alice_activity, acme
) -> None:
    before = row_counts()
    data = {"customer": acme.pk, "subject": "Site vitrine", "date": "2026-03-01"}
    data |= lines_data(row(), row(label="Atelier", vat_rate="0.0"))

    response = logged_alice.post(url("estimate_create", alice_activity.pk), data)

    assert response.status_code == 200
    second = section(response, 'id="lignes-1"', "</fieldset>")
    assert [plain(m) for m in _errors_in(second)] == [
        "Ligne 2 : taux de TVA 0 % sans motif d'exonération : indiquez la mention légale (par "
        "exemple « Exonération de TVA, article 261-4-4° a du CGI »)"
    ]
    assert _errors_in(section(response, 'id="lignes-0"', "</fieldset>")) == []
    assert row_counts() == before


def test_the_line_rows_let_add_lines_without_a_script(logged_alice, alice_activity) -> None:
    response = logged_alice.get(url("estimate_create", alice_activity.pk))

    body = text(response)
    assert 'name="lignes-TOTAL_FORMS" value="10"' in body
    assert body.count('<fieldset class="skill-row"') == 10
    assert "<summary>Ajouter des lignes</summary>" in body
    assert "<script" not in section(response, "<main", "</main>")


def test_an_estimate_is_turned_into_a_draft_invoice(logged_alice, estimate) -> None:
    response = logged_alice.post(url("estimate_invoice", estimate.pk))

    invoice = Invoice.objects.get(estimate=estimate)
    assert (response.status_code, response.url) == (302, url("invoice_detail", invoice.pk))
    assert (invoice.status, invoice.total_gross, invoice.subject) == (
        "draft",
        Decimal("1620.00"),
        "Refonte du site",
    )
    estimate.refresh_from_db()
    assert estimate.status == "invoiced"
    again = logged_alice.post(url("estimate_invoice", estimate.pk), follow=True)
    assert page_messages(again)[-1] == "Ce devis a déjà été transformé en facture."


def test_an_estimate_changes_status(logged_alice, estimate) -> None:
    response = logged_alice.post(url("estimate_status", estimate.pk), {"status": "sent"})

    assert response.status_code == 302
    estimate.refresh_from_db()
    assert estimate.status == "sent"


# --- invoices ---------------------------------------------------------------------------------


def test_a_draft_is_created_then_issued(logged_alice, coop, alice_activity, acme) -> None:
    data = {"customer": acme.pk, "subject": "Atelier", "notes": ""}
    data |= lines_data(row(quantity="1", unit_price="100"))

    created = logged_alice.post(url("invoice_create", alice_activity.pk), data)
    invoice = Invoice.objects.get(activity=alice_activity)
    issued = logged_alice.post(url("invoice_issue", invoice.pk), follow=True)

    assert created.url == url("invoice_detail", invoice.pk)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.issue_date, invoice.total_gross) == (
        "issued",
        f"{today().year}-000001",
        today(),
        Decimal("120.00"),
    )
    assert page_messages(issued)[-1] == (
        "Document émis : son numéro est attribué, il ne se modifie plus."
    )
    assert "Télécharger le PDF" in text(issued)


def test_issuing_a_draft_without_lines_says_why_and_writes_nothing(
    logged_alice, coop, alice_activity, acme
) -> None:
    data = {"customer": acme.pk, "subject": "Vide"} | lines_data()
    logged_alice.post(url("invoice_create", alice_activity.pk), data)
    invoice = Invoice.objects.get(activity=alice_activity)
    before = row_counts()

    response = logged_alice.post(url("invoice_issue", invoice.pk), follow=True)

    assert page_messages(response)[-1] == "Le document n'a aucune ligne : ajoutez-en au moins une."
    assert row_counts() == before
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", "")


def test_an_issued_invoice_cannot_be_edited(logged_alice, invoice) -> None:
    page = logged_alice.get(url("invoice_edit", invoice.pk), follow=True)
    before = row_counts()
    data = {"customer": invoice.customer_id, "subject": "Changé"} | lines_data(row())
    posted = logged_alice.post(url("invoice_edit", invoice.pk), data, follow=True)

    assert page_messages(page) == ["Une facture émise ne se modifie plus : faites un avoir."]
    assert page_messages(posted) == ["Une facture émise ne se modifie plus : faites un avoir."]
    assert row_counts() == before


def test_a_draft_is_edited_and_deleted(logged_alice, draft_invoice, acme) -> None:
    data = {"customer": acme.pk, "subject": "Formation d'avril"}
    data |= lines_data(row(quantity="1"), extra=3)

    edited = logged_alice.post(url("invoice_edit", draft_invoice.pk), data)

    assert edited.status_code == 302
    draft_invoice.refresh_from_db()
    assert (draft_invoice.subject, draft_invoice.total_gross) == (
        "Formation d'avril",
        Decimal("600.00"),
    )
    deleted = logged_alice.post(url("invoice_delete", draft_invoice.pk))
    assert deleted.url == url("invoice_list", draft_invoice.activity_id)
    assert not Invoice.objects.filter(pk=draft_invoice.pk).exists()


def test_the_pdf_is_rendered_when_missing_and_holds_the_facturx_xml(logged_alice, invoice) -> None:
    assert not invoice.pdf

    response = logged_alice.get(url("invoice_pdf", invoice.pk))

    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="facture-{invoice.number}.pdf"'
    )
    assert pdf.startswith(b"%PDF")
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert invoice.number.encode() in xml
    invoice.refresh_from_db()
    assert invoice.pdf.name  # stored: the next download serves the file
    assert logged_alice.get(url("invoice_pdf", invoice.pk)).content == pdf


def test_a_draft_has_no_pdf(logged_alice, draft_invoice) -> None:
    response = logged_alice.get(url("invoice_pdf", draft_invoice.pk))

    assert response.status_code == 404


def test_the_invoice_list_filters_by_status_and_kind(logged_alice, invoice, draft_invoice) -> None:
    every = logged_alice.get(url("invoice_list"))
    drafts = logged_alice.get(url("invoice_list") + "?status=draft")

    def subjects(response):
        return [
            cell
            for cell in _cells(section(response, "<tbody>", "</tbody>"))
            if cell.startswith("Formation")
        ]

    assert subjects(every) == ["Formation de mars", "Formation"]
    assert subjects(drafts) == ["Formation de mars"]


def _cells(fragment: str) -> list[str]:
    import re

    return [plain(m) for m in re.findall(r"<td[^>]*>(.*?)</td>", fragment, re.S)]


# --- payments and credit notes ------------------------------------------------------------------


def test_a_payment_above_the_balance_is_refused_on_its_field(logged_alice, invoice) -> None:
    before = row_counts()

    response = logged_alice.post(
        url("payment_create", invoice.pk),
        {"date": DAY.isoformat(), "amount": "2000", "method": "transfer"},
    )

    assert response.status_code == 200
    assert field_errors(response, "amount") == [
        "Le paiement (2 000,00 €) dépasse le reste à payer (1 620,00 €)."
    ]
    assert row_counts() == before


def test_partial_payments_then_the_invoice_is_paid(logged_alice, invoice) -> None:
    for amount in ("1 000,00", "620"):
        response = logged_alice.post(
            url("payment_create", invoice.pk),
            {"date": DAY.isoformat(), "amount": amount, "method": "cheque", "reference": "n° 12"},
        )
        assert response.url == url("invoice_detail", invoice.pk)

    invoice.refresh_from_db()
    assert (invoice.paid, invoice.status) == (Decimal("1620.00"), "paid")
    detail = logged_alice.get(url("invoice_detail", invoice.pk))
    assert plain(section(detail, '<dl class="facts" id="amount-due"', "</dl>")).endswith(
        "Reste à payer 0,00 €"
    )
    assert "Enregistrer un paiement" not in text(detail)


def test_a_payment_recorded_by_mistake_is_removed(logged_alice, invoice) -> None:
    logged_alice.post(
        url("payment_create", invoice.pk),
        {"date": DAY.isoformat(), "amount": "100", "method": "transfer"},
    )
    payment = Payment.objects.get(invoice=invoice)

    response = logged_alice.post(url("payment_delete", invoice.pk, payment.pk))

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.paid, Payment.objects.count()) == (Decimal("0.00"), 0)


def test_a_partial_credit_note_is_drafted_then_issued(logged_alice, invoice) -> None:
    page = logged_alice.get(url("credit_note_create", invoice.pk))
    assert 'value="Journée de formation"' in text(page)
    data = {"reason": "Une journée annulée"}
    data |= lines_data(
        {"label": "Journée de formation", "quantity": "1", "unit_price": "450", "unit": "DAY"}
    )

    response = logged_alice.post(url("credit_note_create", invoice.pk), data)

    note = Invoice.objects.get(kind="credit_note")
    assert response.url == url("invoice_detail", note.pk)
    assert (note.corrects, note.total_gross, note.notes) == (
        invoice,
        Decimal("540.00"),
        "Une journée annulée",
    )
    logged_alice.post(url("invoice_issue", note.pk))
    detail = logged_alice.get(url("invoice_detail", invoice.pk))
    assert plain(section(detail, '<dl class="facts" id="amount-due"', "</dl>")) == (
        "Déjà payé 0,00 € Avoirs émis 540,00 € Reste à payer 1 080,00 €"
    )


def test_a_credit_note_above_its_invoice_is_refused_and_nothing_is_written(
    logged_alice, invoice
) -> None:
    before = row_counts()
    data = {"reason": "Erreur"} | lines_data(
        {"label": "Journée de formation", "quantity": "4", "unit_price": "450", "unit": "DAY"}
    )

    response = logged_alice.post(url("credit_note_create", invoice.pk), data)

    assert response.status_code == 200
    assert errors(response) == [
        "Avoir supérieur à la facture : avec cet avoir de 2 160,00 €, les avoirs sur la "
        f"facture {invoice.number} totaliseraient 2 160,00 € TTC, pour une facture de "
        "1 620,00 € TTC (reste à créditer : 1 620,00 €)."
    ]
    assert row_counts() == before


def test_a_credit_note_needs_a_reason(logged_alice, invoice) -> None:
    data = {"reason": ""} | lines_data(
        {"label": "Journée de formation", "quantity": "1", "unit_price": "450", "unit": "DAY"}
    )

    response = logged_alice.post(url("credit_note_create", invoice.pk), data)

    assert field_errors(response, "reason") == ["Indiquez le motif de l'avoir."]


def test_the_advisor_sees_the_invoice_without_its_buttons(client, antoine, invoice) -> None:
    client.force_login(antoine)

    response = client.get(url("invoice_detail", invoice.pk))

    body = text(response)
    assert "Enregistrer un paiement" not in body and "Faire un avoir" not in body
    assert "Télécharger le PDF" in body
    assert "consultation seule" in body


# --- internal invoices of marketplace deals ----------------------------------------------------


@pytest.fixture
def deal(alice, bob, bob_activity):
    """Bob sub-contracts a website to Alice for 1,350 €."""
    return deal_create(
        actor=None,
        kind=DealKind.SUBCONTRACTING,
        title="Site vitrine",
        buyer=bob,
        providers=[ProviderShare(member=alice)],
        amount="1350",
        notify_parties=False,
    )


def test_a_deal_is_invoiced_to_its_buyer_in_one_action(
    logged_alice, coop, alice_activity, bob, bob_activity, deal
) -> None:
    page = logged_alice.get(url("deal_invoice_create", deal.pk))
    assert 'value="1350,00"' in text(page)
    data = {"subject": "Site vitrine", "notes": ""} | lines_data(
        {"label": "Site vitrine", "quantity": "1", "unit": "XPK", "unit_price": "1350,00"}
    )

    response = logged_alice.post(url("deal_invoice_create", deal.pk), data)
    invoice = Invoice.objects.get(deal=deal)
    logged_alice.post(url("invoice_issue", invoice.pk))

    assert response.url == url("invoice_detail", invoice.pk)
    invoice.refresh_from_db()
    assert (invoice.internal, invoice.customer.member, invoice.status) == (True, bob, "issued")
    purchase = invoice.purchases.get()
    assert (purchase.activity, purchase.amount_net) == (bob_activity, Decimal("1350.00"))


def test_only_a_provider_of_the_deal_invoices_it(client, bob, bob_activity, deal) -> None:
    client.force_login(bob.user)

    response = client.get(url("deal_invoice_create", deal.pk))

    assert response.status_code == 403
    assert "Vous n'êtes pas prestataire de cette affaire." in text(response)
