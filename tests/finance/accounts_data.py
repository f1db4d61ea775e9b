"""Data of the account, treasury, alert and FEC tests: documents, expenses and salaries
written through the services (issue dates must follow each other: one numbering series).

Import the fixtures into a test module as the invoicing tests do:
`coop = fx.coop` with `from tests.finance import invoicing_fixtures as fx`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from essaim.finance.models import Customer, Expense, Invoice, SalaryEntry
from essaim.finance.services.documents import credit_note_create, invoice_issue
from essaim.finance.services.expenses import expense_save
from essaim.finance.services.internal import internal_invoice_create, internal_invoice_issue
from essaim.finance.services.salaries import salary_record
from essaim.members.models import Activity, Member
from tests.finance.invoicing_fixtures import draft, line


def sale(
    activity: Activity,
    customer: Customer,
    day: dt.date,
    amount: str,
    vat_rate: str = "20",
    **fields: Any,
) -> Invoice:
    """An issued invoice of one line of `amount` excluding VAT."""
    lines = [
        line(
            label=fields.pop("label", "Prestation"),
            quantity="1",
            unit="XPK",
            unit_price=amount,
            vat_rate=vat_rate,
            **fields,
        )
    ]
    return invoice_issue(
        actor=None, invoice=draft(activity, customer, lines), issue_date=day, render_pdf=False
    )


def credit(invoice: Invoice, day: dt.date, amount: str | None = None) -> Invoice:
    """An issued credit note: the whole invoice, or one line of `amount` excluding VAT."""
    lines = None
    if amount is not None:
        first = invoice.lines.first()
        assert first is not None
        lines = [
            line(
                label="Remise",
                quantity="1",
                unit="XPK",
                unit_price=amount,
                vat_rate=first.vat_rate,
                exemption_reason=first.exemption_reason,
            )
        ]
    note = credit_note_create(actor=None, invoice=invoice, lines=lines, reason="Correction")
    return invoice_issue(actor=None, invoice=note, issue_date=day, render_pdf=False)


def internal_sale(
    provider: Activity, buyer: Member, day: dt.date, amount: str, category: str = "subcontracting"
) -> Invoice:
    invoice = internal_invoice_create(
        actor=None,
        provider_activity=provider,
        buyer_member=buyer,
        subject="Sous-traitance",
        lines=[line(quantity="1", unit="XPK", unit_price=amount)],
    )
    return internal_invoice_issue(
        actor=None,
        invoice=invoice,
        purchase_category=category,
        issue_date=day,
        render_pdf=False,
    )


def spend(activity: Activity, day: dt.date, category: str, amount: str, vat: str = "0") -> Expense:
    return expense_save(
        actor=None,
        activity=activity,
        date=day,
        category=category,
        supplier="Fournisseur SA",
        label=f"Achat {category}",
        amount_net=amount,
        vat=vat,
    )


def pay_salary(
    activity: Activity, month: dt.date, employer_cost: str, net: str | None = None
) -> SalaryEntry:
    return salary_record(
        actor=None,
        activity=activity,
        month=month,
        employer_cost=Decimal(employer_cost),
        net=None if net is None else Decimal(net),
        hours=Decimal("151.67"),
    )


def by_month(months: list[Any], attribute: str) -> dict[int, Decimal]:
    """{month number: value} of the months where the value is not 0."""
    return {m.month.month: getattr(m, attribute) for m in months if getattr(m, attribute)}
