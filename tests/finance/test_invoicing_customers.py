"""Customers: companies with checked identifiers, individuals, other members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.finance.models import Customer
from essaim.finance.services.customers import customer_save, internal_customer_for
from essaim.members import services as member_services
from tests.factories import MemberFactory
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import SIRET, company, row_counts

alice_activity = fx.alice_activity  # fixtures
bob_activity = fx.bob_activity


def test_company_with_a_siret_gets_its_siren(alice_activity) -> None:
    customer = company(alice_activity, siret="732 829 320 00074", vat_number="fr 44 732829320")
    assert (customer.siren, customer.siret, customer.vat_number) == (
        "732829320",
        "73282932000074",
        "FR44732829320",
    )
    entry = AuditEntry.objects.get(action="customer.created")
    assert entry.target_id == str(customer.pk)
    assert entry.data["siret"] == "73282932000074"


def test_invalid_siret_is_refused_on_its_field_and_nothing_is_written(alice_activity) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        company(alice_activity, siret="73282932000075")
    assert error.value.message_dict == {
        "siret": [
            "Le SIRET 73282932000075 est invalide : sa clé de contrôle ne correspond pas "
            "(vérifiez chaque chiffre, par exemple sur un extrait Kbis ou l'avis de situation "
            "INSEE)."
        ]
    }
    assert row_counts() == before


def test_invalid_siren_is_refused(alice_activity) -> None:
    with pytest.raises(ValidationError) as error:
        company(alice_activity, siret="", siren="732829321")
    assert list(error.value.message_dict) == ["siren"]


def test_siret_of_another_siren_is_refused(alice_activity) -> None:
    with pytest.raises(ValidationError) as error:
        company(alice_activity, siren="303265045")
    assert error.value.message_dict["siret"] == [
        "Le SIRET 73282932000074 n'est pas un établissement du SIREN 303265045 : ses 9 "
        "premiers chiffres devraient être 303265045."
    ]


def test_vat_number_of_another_company_is_refused(alice_activity) -> None:
    with pytest.raises(ValidationError) as error:
        company(alice_activity, vat_number="FR40303265045")
    assert error.value.message_dict["vat_number"] == [
        "Le n° de TVA FR40303265045 est celui du SIREN 303265045, pas du SIREN 732829320 de ce "
        "client (son n° serait FR44732829320)."
    ]


def test_bad_vat_number_and_email_are_refused(alice_activity) -> None:
    with pytest.raises(ValidationError) as error:
        company(alice_activity, vat_number="FR41303265045")
    assert list(error.value.message_dict) == ["vat_number"]
    with pytest.raises(ValidationError) as error:
        company(alice_activity, email="pas-une-adresse")
    assert error.value.message_dict == {
        "email": ["L'adresse e-mail « pas-une-adresse » n'est pas valide."]
    }


def test_foreign_company_without_siren(alice_activity) -> None:
    customer = company(
        alice_activity, name="Brüder GmbH", siret="", vat_number="DE123456789", country="de"
    )
    assert (customer.siren, customer.country, customer.vat_number) == ("", "DE", "DE123456789")


def test_individual_keeps_no_company_identifier(alice_activity) -> None:
    customer = company(alice_activity, kind="individual", name="Jeanne Dupont")
    assert (customer.siren, customer.siret, customer.vat_number) == ("", "", "")
    assert not customer.is_professional


def test_name_is_required(alice_activity) -> None:
    with pytest.raises(ValidationError) as error:
        company(alice_activity, name="  ")
    assert error.value.message_dict == {"name": ["Donnez le nom du client."]}


def test_update_logs_the_changes(alice_activity) -> None:
    customer = company(alice_activity)
    customer_save(
        actor=None,
        activity=alice_activity,
        customer=customer,
        kind="company",
        name="ACME Group",
        siren="",
        siret=SIRET,
        vat_number="",
        address="1 place de la Gare",
        postal_code="75010",
        city="Paris",
        country="FR",
        email="compta@acme.example",
    )
    customer.refresh_from_db()
    assert customer.name == "ACME Group"
    entry = AuditEntry.objects.get(action="customer.updated")
    assert entry.changes == {"name": ["ACME SAS", "ACME Group"]}


def test_customer_of_another_activity_cannot_be_edited_from_this_one(
    alice_activity, bob_activity
) -> None:
    customer = company(alice_activity)
    with pytest.raises(ValidationError, match="appartient à une autre enseigne"):
        customer_save(
            actor=None, activity=bob_activity, customer=customer, kind="company", name="X"
        )


def _member_customer(activity, member, **fields):
    return customer_save(actor=None, activity=activity, kind="member", member=member, **fields)


def test_member_customer(alice_activity, bob_activity, bob) -> None:
    customer = _member_customer(alice_activity, bob)
    assert (customer.kind, customer.member, customer.name, customer.email) == (
        "member",
        bob,
        "Bob Menuiserie (Bob Durand)",
        "bob@example.org",
    )
    assert internal_customer_for(actor=None, activity=alice_activity, member=bob) == customer


def test_member_customer_is_not_oneself(alice_activity, alice) -> None:
    with pytest.raises(ValidationError) as error:
        _member_customer(alice_activity, alice)
    assert error.value.message_dict == {
        "member": ["On ne se facture pas soi-même : choisissez un autre membre."]
    }


def test_member_customer_needs_an_activity(alice_activity) -> None:
    dan = MemberFactory(first_name="Dan", last_name="Roux")
    with pytest.raises(ValidationError) as error:
        _member_customer(alice_activity, dan)
    assert "Dan Roux n'a pas d'enseigne" in error.value.message_dict["member"][0]


def test_member_customer_must_be_present(alice_activity, bob_activity, bob) -> None:
    member_services.member_exit(actor=None, member=bob, date=dt.date(2026, 6, 30), reason="stopped")
    bob.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _member_customer(alice_activity, bob)
    assert error.value.message_dict == {
        "member": ["Bob Durand a quitté la coopérative : ce n'est plus un client interne."]
    }


def test_member_customer_only_once(alice_activity, bob_activity, bob) -> None:
    _member_customer(alice_activity, bob)
    with pytest.raises(ValidationError) as error:
        _member_customer(alice_activity, bob)
    assert error.value.message_dict == {"member": ["Bob Durand est déjà l'un de vos clients."]}
    assert Customer.objects.filter(member=bob).count() == 1


def test_member_is_required_for_a_member_customer(alice_activity) -> None:
    with pytest.raises(ValidationError) as error:
        _member_customer(alice_activity, None)
    assert list(error.value.message_dict) == ["member"]


def test_unknown_kind_and_bad_country(alice_activity) -> None:
    with pytest.raises(ValidationError, match="Type de client inconnu"):
        company(alice_activity, kind="robot")
    with pytest.raises(ValidationError) as error:
        company(alice_activity, country="France")
    assert list(error.value.message_dict) == ["country"]
