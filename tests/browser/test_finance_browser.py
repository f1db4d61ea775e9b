"""Invoicing in a real browser, on a phone: an entrepreneur creates a customer, an estimate,
turns it into an invoice, issues it, downloads the Factur-X PDF, records a payment, and sees
the activity account move."""

from __future__ import annotations

import re

import facturx
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from essaim.finance.models import Cooperative, Invoice
from tests.browser.conftest import PHONE
from tests.browser.test_members_browser import horizontal_overflow, log_in
from tests.factories import ActivityFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MONTHS = [
    "Janvier",
    "Février",
    "Mars",
    "Avril",
    "Mai",
    "Juin",
    "Juillet",
    "Août",
    "Septembre",
    "Octobre",
    "Novembre",
    "Décembre",
]


@pytest.fixture
def cooperative(db) -> Cooperative:
    return Cooperative.objects.create(
        name="Coopérative Essaim",
        siren="303265045",
        vat_number="FR40303265045",
        address="12 rue des Abeilles",
        postal_code="93100",
        city="Montreuil",
    )


@pytest.fixture
def activity(alice):
    return ActivityFactory(member=alice, name="Atelier Alice")


def this_month_turnover(page: Page) -> str:
    """The turnover cell of the current month in the activity account."""
    today = timezone.localdate()
    page.get_by_role("link", name="Compte d'activité").click()
    row = page.locator("#account-months tr", has_text=f"{MONTHS[today.month - 1]} {today.year}")
    return " ".join(row.locator("td").first.inner_text().split())


def test_an_entrepreneur_invoices_a_customer_and_sees_the_account_move(
    cooperative, activity, alice, password, results_dir, new_page
) -> None:
    page = new_page(viewport=PHONE)
    log_in(page, alice.email, password)
    page.goto("/finance/")
    expect(page.get_by_role("heading", name="Ma gestion — Atelier Alice")).to_be_visible()
    assert horizontal_overflow(page) == 0
    assert this_month_turnover(page) == "0,00 €"

    # A customer, with a SIRET whose key is checked.
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Nouveau client").click()
    page.get_by_label("Entreprise ou organisation").check()
    page.get_by_label("Nom", exact=True).fill("Boulangerie Martin")
    page.get_by_label("SIRET").fill("732 829 320 00075")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".error")).to_contain_text("Le SIRET 73282932000075 est invalide")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Client enregistré.")

    # An estimate with two lines, the second in the fold of extra rows.
    page.get_by_role("link", name="Devis", exact=True).click()
    page.get_by_role("link", name="Nouveau devis").click()
    page.get_by_label("Client").select_option(label="Boulangerie Martin")
    page.get_by_label("Objet").fill("Identité visuelle")
    first = page.locator("#lignes-0")
    first.get_by_label("Désignation").fill("Création du logo")
    first.get_by_label("Quantité").fill("3")
    first.get_by_label("Prix unitaire HT (€)").fill("400")
    second = page.locator("#lignes-1")
    second.get_by_label("Désignation").fill("Cartes de visite")
    second.get_by_label("Quantité").fill("1")
    second.get_by_label("Unité").select_option(label="forfait")
    second.get_by_label("Prix unitaire HT (€)").fill("150,50")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#totals")).to_contain_text("1 350,50 €")

    # Into an invoice, issued.
    page.get_by_role("button", name="Transformer en facture").click()
    expect(page.locator(".notice")).to_contain_text("Ce brouillon n'a pas encore de numéro")
    page.get_by_role("button", name="Émettre").click()
    year = timezone.localdate().year
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Facture {year}-000001")
    assert horizontal_overflow(page) == 0
    page.screenshot(path=str(results_dir / "finance-invoice-phone.png"), full_page=True)

    # The Factur-X PDF, served through the page.
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = info.value
    assert download.suggested_filename == f"facture-{year}-000001.pdf"
    with open(download.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert f"{year}-000001".encode() in xml
    assert b"1620.60" in xml  # 1,350.50 € + 20 % VAT

    # A partial payment.
    page.get_by_role("link", name="Enregistrer un paiement").click()
    page.get_by_label("Montant reçu (€)").fill("1 000")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#amount-due")).to_contain_text("620,60 €")

    # The account moved: this month's turnover is the invoice's total excluding VAT.
    assert this_month_turnover(page) == "1 350,50 €"
    page.screenshot(path=str(results_dir / "finance-account-phone.png"), full_page=True)
    assert horizontal_overflow(page) == 0
    invoice = Invoice.objects.get()
    assert (invoice.status, str(invoice.paid)) == ("issued", "1000.00")
    assert re.fullmatch(rf"factures/{year}/facture-{year}-000001.*\.pdf", invoice.pdf.name)
