"""Fixtures and builders of the invoicing tests: the cooperative's identity, activities for the
personas, customers and documents built through the services.

Import the fixtures into a test module: `from tests.finance.invoicing_fixtures import coop`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from essaim.core.models import AuditEntry
from essaim.finance.models import (
    Cooperative,
    Customer,
    DocumentLine,
    Estimate,
    Expense,
    Invoice,
    NumberSequence,
    Payment,
)
from essaim.finance.services.customers import customer_save
from essaim.finance.services.documents import invoice_issue, invoice_save
from essaim.members.models import Activity, Member
from tests.factories import ActivityFactory, MemberFactory

# Valid identifiers (Luhn keys hold; the VAT key is (12 + 3 × (SIREN mod 97)) mod 97).
SIREN = "732829320"
SIRET = "73282932000074"
VAT_NUMBER = "FR40303265045"  # the SIREN 303 265 045
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def coop(db) -> Cooperative:
    return Cooperative.objects.create(
        name="Coopérative Essaim",
        siren="303265045",
        vat_number="FR40303265045",
        address="12 rue des Abeilles",
        postal_code="93100",
        city="Montreuil",
        payment_terms_days=30,
        numbering_pattern="{year}-{seq:06d}",
    )


@pytest.fixture
def alice_activity(alice: Member) -> Activity:
    return ActivityFactory(member=alice, name="Atelier Alice")


@pytest.fixture
def bob_activity(bob: Member) -> Activity:
    return ActivityFactory(member=bob, name="Bob Menuiserie")


@pytest.fixture
def carol(db) -> Member:
    """A third entrepreneur with an activity, followed by nobody."""
    member = MemberFactory(first_name="Carol", last_name="Petit", email="carol@example.org")
    ActivityFactory(member=member, name="Carol Traduction")
    return member


@pytest.fixture
def acme(alice_activity: Activity) -> Customer:
    return company(alice_activity)


def company(activity: Activity, **fields: Any) -> Customer:
    values: dict[str, Any] = {
        "kind": "company",
        "name": "ACME SAS",
        "siren": "",
        "siret": SIRET,
        "vat_number": "",
        "address": "1 place de la Gare",
        "postal_code": "75010",
        "city": "Paris",
        "country": "FR",
        "email": "compta@acme.example",
    }
    values.update(fields)
    return customer_save(actor=None, activity=activity, **values)


def line(**fields: Any) -> dict[str, Any]:
    """A line of 3 days at 450 € excluding VAT, 20 %."""
    values: dict[str, Any] = {
        "label": "Journée de formation",
        "quantity": "3",
        "unit": "DAY",
        "unit_price": "450",
        "discount": "0",
        "vat_rate": "20",
        "exemption_reason": "",
    }
    values.update(fields)
    return values


def draft(activity: Activity, customer: Customer, lines: Any = None, **fields: Any) -> Invoice:
    return invoice_save(
        actor=None,
        activity=activity,
        customer=customer,
        subject=fields.pop("subject", "Formation"),
        lines=[line()] if lines is None else lines,
        **fields,
    )


def issued(
    activity: Activity, customer: Customer, day: dt.date = DAY, lines: Any = None
) -> Invoice:
    return invoice_issue(
        actor=None, invoice=draft(activity, customer, lines), issue_date=day, render_pdf=False
    )


def row_counts() -> dict[str, int]:
    """How many rows each table the invoicing services write holds ("nothing written")."""
    models = (
        Customer,
        Estimate,
        Invoice,
        DocumentLine,
        Payment,
        Expense,
        NumberSequence,
        AuditEntry,
    )
    return {model.__name__: model.objects.count() for model in models}
