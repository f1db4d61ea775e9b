"""The account side's pages: the activity account (12 months, year selector), expenses with
their receipt, the salary simulation and "what if I invoice X this month?", the advisors'
follow-up with alerts, and management's treasury, reminders, contribution rules, identity of
the cooperative, salaries and FEC export."""

# The fixtures imported from views_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.core.models import AuditEntry
from essaim.core.notifications import notifications_of
from essaim.finance import salary
from essaim.finance.models import ContributionRuleRecord, Cooperative, Expense, SalaryEntry
from essaim.finance.selectors.accounts import activity_account, salary_what_if
from essaim.finance.services.documents import format_eur
from tests.finance.invoicing_fixtures import row_counts
from tests.finance.views_data import (  # noqa: F401
    DAY,
    acme,
    alice_activity,
    bob_activity,
    coop,
    expense,
    invoice,
    png,
    today,
    url,
)
from tests.members.pages import errors, page_messages, plain, section, text


def eur(value: Decimal) -> str:
    return plain(format_eur(value))


@pytest.fixture
def logged_alice(client, alice, alice_activity):
    client.force_login(alice.user)
    return client


# --- the activity account ---------------------------------------------------------------------


def month_row(response, label: str) -> str:
    rows = section(response, '<table class="responsive" id="account-months"', "</table>")
    start = rows.index(label)
    return plain(rows[start : rows.index("</tr>", start)])


def test_the_account_shows_twelve_months_of_the_chosen_year(
    logged_alice, alice_activity, invoice
) -> None:
    response = logged_alice.get(url("account") + "?annee=2026")

    months = section(response, '<table class="responsive" id="account-months"', "</table>")
    assert months.count('<th scope="row">') == 12
    march = activity_account(alice_activity, 2026)[2]
    # March 2026: 1,350 € of turnover; the default rule: 13.5 % of the gross margin + 30 €.
    assert month_row(response, "Mars 2026") == (
        "Mars 2026 1 350,00 € 1 350,00 € 212,25 € 0,00 € 0,00 € 1 137,75 € "
        f"{eur(march.running_balance)} {eur(march.available_for_salary)}"
    )
    assert 'option value="2026" selected' in text(response)


def test_an_other_year_is_chosen_in_the_address(logged_alice, invoice) -> None:
    response = logged_alice.get(url("account") + "?annee=2025")

    assert "Compte d'activité 2025" in text(response)
    assert "1 350,00" not in plain(section(response, 'id="account-months"', "</table>"))


# --- expenses ---------------------------------------------------------------------------------


def test_an_expense_is_recorded_with_its_receipt_which_only_the_entitled_open(
    client, alice, bob, bob_activity, alice_activity
) -> None:
    client.force_login(alice.user)

    response = client.post(
        url("expense_create", alice_activity.pk),
        {
            "date": DAY.isoformat(),
            "category": "travel",
            "supplier": "SNCF",
            "label": "Train Paris–Lyon",
            "amount_net": "85,00",
            "vat": "8,50",
            "receipt": SimpleUploadedFile("billet.png", png(), content_type="image/png"),
        },
    )

    assert response.url == url("expense_list", alice_activity.pk)
    expense = Expense.objects.get(activity=alice_activity)
    assert (expense.label, expense.amount_net, expense.vat) == (
        "Train Paris–Lyon",
        Decimal("85.00"),
        Decimal("8.50"),
    )
    receipt = client.get(url("expense_receipt", expense.pk))
    assert (receipt.status_code, receipt["Content-Type"]) == (200, "image/png")
    assert b"".join(receipt.streaming_content) == png()
    listing = client.get(url("expense_list") + "?annee=2026")
    assert "Train Paris–Lyon" in plain(section(listing, "<tbody>", "</tbody>"))
    client.force_login(bob.user)
    assert client.get(url("expense_receipt", expense.pk)).status_code == 403


def test_a_receipt_that_is_not_a_picture_nor_a_pdf_is_refused_on_its_field(
    logged_alice, alice_activity
) -> None:
    before = row_counts()

    response = logged_alice.post(
        url("expense_create", alice_activity.pk),
        {
            "date": DAY.isoformat(),
            "category": "travel",
            "supplier": "SNCF",
            "label": "Train",
            "amount_net": "85",
            "vat": "0",
            "receipt": SimpleUploadedFile("billet.png", b"pas une image", content_type="image/png"),
        },
    )

    assert errors(response) == [
        "Ce fichier n'est pas un justificatif lisible : envoyez un PDF, une photo JPEG ou une "
        "image PNG."
    ]
    assert row_counts() == before


def test_an_expense_is_changed_and_deleted(logged_alice, expense) -> None:
    data = {
        "date": DAY.isoformat(),
        "category": "supplies",
        "supplier": "Papeterie du coin",
        "label": "Ramettes et stylos",
        "amount_net": "45",
        "vat": "9",
    }

    logged_alice.post(url("expense_edit", expense.pk), data)
    expense.refresh_from_db()
    assert (expense.label, expense.amount_net) == ("Ramettes et stylos", Decimal("45.00"))
    logged_alice.post(url("expense_delete", expense.pk))
    assert not Expense.objects.filter(pk=expense.pk).exists()


# --- the salary simulation ----------------------------------------------------------------------


def test_the_simulation_gives_employer_cost_gross_and_net(logged_alice) -> None:
    year = max(y for y in (2024, 2025, 2026) if y <= today().year)

    response = logged_alice.get(
        url("simulation") + f"?year={year}&mode=cout&amount=2500&hours=151,67"
    )

    expected = salary.simulate(year, employer_cost=Decimal("2500"))
    result = plain(section(response, 'id="simulation-result"', "</dl>"))
    assert result.endswith(
        f"Coût employeur {eur(expected.employer_cost)} Salaire brut {eur(expected.gross)} "
        f"Salaire net {eur(expected.net)}"
    )


def test_the_simulation_from_a_wanted_net(logged_alice) -> None:
    response = logged_alice.get(url("simulation") + "?year=2026&mode=net&amount=1800&hours=151,67")

    expected = salary.simulate(2026, net=Decimal("1800"))
    assert f"Salaire net {eur(expected.net)}" in plain(
        section(response, 'id="simulation-result"', "</dl>")
    )


def test_a_bad_amount_is_said_on_its_field(logged_alice) -> None:
    response = logged_alice.get(url("simulation") + "?year=2026&mode=cout&amount=abc&hours=151,67")

    assert errors(response) == ["Montant : « abc » n'est pas un montant."]


def test_what_if_i_invoice_more_this_month(logged_alice, alice_activity, invoice) -> None:
    response = logged_alice.get(url("simulation") + "?extra=1000")

    expected = salary_what_if(activity=alice_activity, extra_turnover=Decimal("1000"))
    shown = plain(section(response, 'id="what-if-result"', "</dl>"))
    assert f"Contribution coopérative en plus {eur(expected.extra_contribution)}" in shown
    assert f"Salaire net après {eur(expected.after.net)}" in shown
    assert expected.after.net > expected.before.net


# --- the advisors' follow-up ---------------------------------------------------------------------


def test_the_advisor_sees_their_members_alerts_and_accounts(
    client, antoine, alice, alice_activity, bob, bob_activity
) -> None:
    client.force_login(antoine)

    response = client.get(url("followed"))

    alerts = plain(section(response, '<ul id="alerts"', "</ul>"))
    assert alerts.startswith("Alice Martin — Revenu net de 0,00 € par mois, sous le RSA")
    assert "Prochaine étape suggérée : Rencontrer l'entrepreneur·e rapidement" in alerts
    accounts = plain(section(response, "<tbody>", "</tbody>"))
    assert "Atelier Alice" in accounts and "Bob Menuiserie" not in accounts


def test_another_advisor_does_not_see_those_alerts(client, berenice, alice_activity) -> None:
    client.force_login(berenice)

    response = client.get(url("followed"))

    assert "Alice Martin" not in text(response)


# --- management -------------------------------------------------------------------------------


def test_the_treasury_shows_each_exposure_the_total_and_overdue_invoices(
    client, claire, invoice, expense
) -> None:
    client.force_login(claire)

    response = client.get(url("treasury"))

    assert response.status_code == 200
    overdue = plain(section(response, '<table class="responsive" id="overdue"', "</table>"))
    assert invoice.number in overdue and "1 620,00 €" in overdue
    exposures = plain(section(response, '<table class="responsive" id="exposures"', "</table>"))
    assert "Atelier Alice" in exposures


def test_reminding_an_overdue_invoice_notifies_the_member(client, claire, alice, invoice) -> None:
    client.force_login(claire)

    response = client.post(
        url("invoice_remind", invoice.pk), {"next": url("treasury")}, follow=True
    )

    assert page_messages(response)[-1] == (
        "Relance enregistrée : le membre est prévenu et relancera son client."
    )
    assert AuditEntry.objects.filter(action="invoice.reminded", target_id=str(invoice.pk)).exists()
    assert [n.title for n in notifications_of(alice.user)][0].startswith(
        f"Facture {invoice.number} impayée depuis"
    )


def test_a_contribution_rule_is_chosen_from_a_preset_and_dated(client, claire) -> None:
    client.force_login(claire)

    response = client.post(
        url("contribution"), {"preset": "oxalis", "valid_from": "2027-01-01", "name": ""}
    )

    assert response.url == url("contribution")
    record = ContributionRuleRecord.objects.get()
    assert (record.preset, record.valid_from.isoformat(), record.name) == (
        "oxalis",
        "2027-01-01",
        "Oxalis : 15 % de la marge brute",
    )
    page = client.get(url("contribution"))
    assert "Oxalis : 15 % de la marge brute" in plain(section(page, 'id="rules"', "</table>"))
    client.post(url("contribution_delete", record.pk))
    assert not ContributionRuleRecord.objects.exists()


def test_the_cooperatives_identity_is_checked_and_saved(client, claire) -> None:
    client.force_login(claire)
    data = {
        "name": "Coopérative Essaim",
        "legal_form": "SCOP SA à capital variable",
        "siren": "303265046",
        "address": "12 rue des Abeilles",
        "postal_code": "93100",
        "city": "Montreuil",
        "country": "FR",
        "payment_terms_days": "30",
        "late_payment_rate": "trois fois le taux d'intérêt légal",
        "numbering_pattern": "{year}-{seq:06d}",
    }

    refused = client.post(url("cooperative"), data)
    saved = client.post(url("cooperative"), data | {"siren": "303 265 045"})

    assert errors(refused)[0].startswith("Le SIREN 303265046 est invalide")
    assert saved.url == url("cooperative")
    assert Cooperative.objects.get().siren == "303265045"


def test_management_records_a_salary(client, claire, alice_activity) -> None:
    client.force_login(claire)

    response = client.post(
        url("salary_create", alice_activity.pk),
        {"month": "2026-10", "employer_cost": "2500", "net": "", "hours": "151,67"},
    )

    assert response.url == url("account", alice_activity.pk)
    entry = SalaryEntry.objects.get(activity=alice_activity)
    assert (entry.month.isoformat(), entry.employer_cost) == ("2026-10-01", Decimal("2500.00"))


def test_the_fec_of_a_year_is_downloaded(client, claire, coop, invoice) -> None:
    client.force_login(claire)

    response = client.get(url("exports") + "?year=2026")

    assert response["Content-Disposition"] == 'attachment; filename="303265045FEC20261231.txt"'
    content = response.content.decode("iso-8859-15")
    assert content.startswith("JournalCode\tJournalLib\tEcritureNum")
    assert invoice.number in content


def test_the_fec_needs_the_cooperatives_siren(client, claire) -> None:
    client.force_login(claire)

    response = client.get(url("exports") + "?year=2026", follow=True)

    assert page_messages(response)[-1].startswith("Le SIREN de la coopérative n'est pas renseigné")
