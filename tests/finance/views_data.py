"""Data and helpers of the finance pages' tests: alice's activity with a customer, an estimate,
a draft and an issued invoice; the pages' addresses; a form's POST data with its lines.

Import the fixtures into a test module (they are parameters of its tests).
"""

# The fixtures imported from invoicing_fixtures are parameters of the fixtures below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from essaim.finance.forms.invoicing import LINES_PREFIX
from essaim.finance.models import Customer, Estimate, Expense, Invoice
from essaim.finance.services.documents import estimate_save
from essaim.finance.services.expenses import expense_save
from tests.finance.invoicing_fixtures import (  # noqa: F401
    DAY,
    SIRET,
    alice_activity,
    bob_activity,
    company,
    coop,
    draft,
    issued,
    line,
)


def png() -> bytes:
    """A small real PNG picture (a receipt photo)."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def acme(alice_activity: Any) -> Customer:
    return company(alice_activity)


@pytest.fixture
def estimate(alice_activity: Any, acme: Customer) -> Estimate:
    return estimate_save(
        actor=None,
        activity=alice_activity,
        customer=acme,
        subject="Refonte du site",
        lines=[line()],
        date=DAY,
    )


@pytest.fixture
def draft_invoice(alice_activity: Any, acme: Customer) -> Invoice:
    return draft(alice_activity, acme, subject="Formation de mars")


@pytest.fixture
def invoice(coop: Any, alice_activity: Any, acme: Customer) -> Invoice:
    """Issued on DAY: 3 days × 450 € + 20 % = 1,620.00 € with VAT, due 30 days later."""
    return issued(alice_activity, acme)


@pytest.fixture
def expense(alice_activity: Any) -> Expense:
    return expense_save(
        actor=None,
        activity=alice_activity,
        date=DAY,
        category="supplies",
        supplier="Papeterie du coin",
        label="Ramettes de papier",
        amount_net="40",
        vat="8",
    )


def today() -> dt.date:
    return timezone.localdate()


def url(name: str, *args: Any) -> str:
    return reverse(f"finance:{name}", args=args)


def lines_data(*rows: dict[str, Any], extra: int = 1) -> dict[str, str]:
    """The line formset's POST data: `rows`, then `extra` empty rows as the page sends them."""
    data = {
        f"{LINES_PREFIX}-TOTAL_FORMS": str(len(rows) + extra),
        f"{LINES_PREFIX}-INITIAL_FORMS": "0",
        f"{LINES_PREFIX}-MIN_NUM_FORMS": "0",
        f"{LINES_PREFIX}-MAX_NUM_FORMS": "200",
    }
    empty = {"unit": "DAY", "vat_rate": "20.0"}
    for index, row in enumerate([*rows, *([empty] * extra)]):
        values = {
            "label": "",
            "quantity": "",
            "unit": "DAY",
            "unit_price": "",
            "discount": "",
            "vat_rate": "20.0",
            "exemption_reason": "",
        } | row
        for name, value in values.items():
            data[f"{LINES_PREFIX}-{index}-{name}"] = str(value)
    return data


def row(**fields: Any) -> dict[str, Any]:
    """A line as typed on the page: 2 days at 500 € excluding VAT, 20 %."""
    return {"label": "Journée de conseil", "quantity": "2", "unit_price": "500"} | fields
