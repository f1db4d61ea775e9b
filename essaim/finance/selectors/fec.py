"""The accounting export in the legal FEC format (Fichier des Écritures Comptables, article
A47 A-1 of the Livre des procédures fiscales) for a calendar year.

    write_fec(2026, "303265045FEC20261231.txt")

The file: a first line naming the 18 columns, in their legal order; then one line per entry
line, fields separated by a tab, lines ended by CR LF, encoded in ISO 8859-15 (one of the
encodings the text names; `encoding="utf-8"` is possible); dates as AAAAMMJJ; amounts with a
comma for decimals, no thousands separator, always positive, on the debit or the credit
side. The file is named `<SIREN>FEC<closing date AAAAMMJJ>.txt` (`fec_filename`); the
financial year is taken as the calendar year (closing on 31 December).

What it holds — the operations Essaim knows, for the cooperative's accounting software to take
in (it is not the whole accounting: bank fees, payroll entries, fixed assets... are kept
elsewhere):

- journal VE (ventes), one entry per issued invoice on its issue date: debit 411000 (the
  customer as auxiliary account `C<id>`) with the total including VAT; credit 706000
  (706100 for an internal invoice between members) with the total excluding VAT; credit
  4457xx with the VAT of each rate (EN 16931: VAT per rate on the sum of the line nets);
- credit notes: the same entry reversed (credit 411000, debit 706/4457xx);
- journal BQ (banque), one entry per payment on its date: debit 512000, credit 411000 (an
  internal compensation between members: journal OD, debit 467100 instead of 512000);
- journal OD, one entry per activity and month of the year with a contribution (months over by
  the day of the export): debit 628100 "contribution coopérative des activités", credit
  708800 "contribution coopérative (services mutualisés)". Both are internal accounts of the
  cooperative, the activity's charge and the mutualised services' income: they cancel out in
  the result and give the contribution per activity.

Entries are numbered per journal in date order without gaps (VE000001, VE000002...), and every
entry is balanced (Σ debit = Σ credit); the validation date is the entry's date (an issued
document or a recorded payment never changes afterwards).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone

from essaim.finance import amounts
from essaim.finance.models import (
    DocumentLine,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentMethod,
)
from essaim.finance.selectors.accounts import history
from essaim.finance.services.numbering import cooperative_current
from essaim.members.models import Activity

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
ZERO = Decimal("0.00")

JOURNALS = {
    "VE": "Ventes",
    "BQ": "Banque",
    "OD": "Opérations diverses",
}
JOURNAL_ORDER = {code: index for index, code in enumerate(JOURNALS)}

# The chart of accounts of the export (documented in docs/finance.md).
CUSTOMERS = ("411000", "Clients")
SALES = ("706000", "Prestations de services")
INTERNAL_SALES = ("706100", "Prestations internes entre membres")
BANK = ("512000", "Banque")
INTERNAL_COMPENSATION = ("467100", "Compensations internes entre activités")
CONTRIBUTION_CHARGE = ("628100", "Contribution coopérative des activités")
CONTRIBUTION_INCOME = ("708800", "Contribution coopérative (services mutualisés)")
VAT_ACCOUNTS = {
    Decimal("20"): ("445711", "TVA collectée 20 %"),
    Decimal("10"): ("445712", "TVA collectée 10 %"),
    Decimal("5.5"): ("445713", "TVA collectée 5,5 %"),
    Decimal("2.1"): ("445714", "TVA collectée 2,1 %"),
}


@dataclass(frozen=True)
class FecLine:
    """One line of an entry, typed (amounts Decimal, dates date)."""

    journal_code: str
    journal_lib: str
    entry_num: str
    entry_date: dt.date
    account: str
    account_lib: str
    aux_num: str
    aux_lib: str
    piece_ref: str
    piece_date: dt.date
    label: str
    debit: Decimal
    credit: Decimal

    def fields(self) -> list[str]:
        """The 18 columns as written in the file."""
        return [
            self.journal_code,
            _text(self.journal_lib),
            self.entry_num,
            fec_date(self.entry_date),
            self.account,
            _text(self.account_lib),
            self.aux_num,
            _text(self.aux_lib),
            _text(self.piece_ref),
            fec_date(self.piece_date),
            _text(self.label),
            fec_amount(self.debit),
            fec_amount(self.credit),
            "",  # EcritureLet: no lettering
            "",  # DateLet
            fec_date(self.entry_date),  # ValidDate
            "",  # Montantdevise: amounts are in euros
            "",  # Idevise
        ]


@dataclass
class _Entry:
    journal: str
    date: dt.date
    order: tuple[str, int]  # the order within a day and journal: piece, then row id
    piece_ref: str
    label: str
    # (account number and label), auxiliary number, auxiliary label, debit, credit
    lines: list[tuple[tuple[str, str], str, str, Decimal, Decimal]]


def fec_date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def fec_amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _text(value: str) -> str:
    """A field without the separator nor line breaks."""
    return " ".join(str(value).split())


def fec_filename(year: int) -> str:
    """`<SIREN>FEC<AAAAMMJJ>.txt`, the closing date of the year (31 December)."""
    siren = cooperative_current().siren
    if not siren:
        raise ValueError(
            "le SIREN de la coopérative n'est pas renseigné : complétez son identité avant "
            "l'export FEC"
        )
    return f"{siren}FEC{year}1231.txt"


def _customer(invoice: Invoice) -> tuple[str, str]:
    return f"C{invoice.customer_id:06d}", invoice.customer.name


def _vat_groups(invoice: Invoice) -> list[amounts.VatBreakdown]:
    lines = [
        amounts.Line(
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
            vat_rate=Decimal(line.vat_rate),
            exemption_reason=line.exemption_reason,
        )
        for line in invoice.lines.all()
    ]
    groups = list(amounts.breakdown(lines))
    vat = sum((g.vat for g in groups), ZERO)
    base = sum((g.base for g in groups), ZERO)
    if base != invoice.total_net or vat != invoice.total_vat:
        raise ValueError(
            f"le document {invoice.number} ne se réconcilie pas : ses lignes font {base} € HT "
            f"et {vat} € de TVA, ses totaux figés {invoice.total_net} € et "
            f"{invoice.total_vat} €"
        )
    return groups


def _document_entry(invoice: Invoice) -> _Entry | None:
    if invoice.total_gross == 0:
        return None
    credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    aux, aux_lib = _customer(invoice)
    sales = INTERNAL_SALES if invoice.internal else SALES
    # (account, aux num, aux lib, amount on the "sales" side) — reversed for a credit note.
    sides: list[tuple[tuple[str, str], str, str, Decimal, bool]] = [
        (CUSTOMERS, aux, aux_lib, invoice.total_gross, True),
        (sales, "", "", invoice.total_net, False),
    ]
    for group in _vat_groups(invoice):
        if group.vat:
            sides.append((VAT_ACCOUNTS[group.rate], "", "", group.vat, False))
    lines = []
    for account, num, lib, amount, debit_side in sides:
        if amount == 0:
            continue
        if debit_side != credit_note:
            lines.append((account, num, lib, amount, ZERO))
        else:
            lines.append((account, num, lib, ZERO, amount))
    activity = invoice.activity.name
    if credit_note:
        label = f"Avoir {invoice.number} sur facture {invoice.corrects.number} - {aux_lib}"
    else:
        label = f"Facture {invoice.number} - {aux_lib}"
    assert invoice.issue_date is not None
    return _Entry(
        journal="VE",
        date=invoice.issue_date,
        order=(invoice.number, invoice.pk),
        piece_ref=invoice.number,
        label=f"{label} ({activity})",
        lines=lines,
    )


def _payment_entry(payment: Payment) -> _Entry:
    invoice = payment.invoice
    aux, aux_lib = _customer(invoice)
    internal = payment.method == PaymentMethod.INTERNAL
    label = f"Règlement facture {invoice.number} - {aux_lib}"
    if payment.reference:
        label += f" ({payment.reference})"
    return _Entry(
        journal="OD" if internal else "BQ",
        date=payment.date,
        order=(invoice.number, payment.pk),
        piece_ref=invoice.number,
        label=label,
        lines=[
            (INTERNAL_COMPENSATION if internal else BANK, "", "", payment.amount, ZERO),
            (CUSTOMERS, aux, aux_lib, ZERO, payment.amount),
        ],
    )


def _contribution_entries(year: int, today: dt.date) -> list[_Entry]:
    """One entry per activity and month of `year` over by `today`, with a contribution."""
    last_over = min(today.replace(day=1) - dt.timedelta(days=1), dt.date(year, 12, 31))
    if last_over < dt.date(year, 1, 1):
        return []
    accounts = history(None, until=last_over, today=today)
    names = dict(
        Activity.objects.filter(pk__in=list(accounts)).values_list("pk", "name").order_by()
    )
    entries = []
    for activity_id, months in accounts.items():
        for month in months:
            if month.month.year != year or month.contribution == 0:
                continue
            end = _month_end(month.month)
            ref = f"CONTRIB-{month.month:%Y%m}-{activity_id}"
            entries.append(
                _Entry(
                    journal="OD",
                    date=end,
                    order=(ref, activity_id),
                    piece_ref=ref,
                    label=(
                        f"Contribution coopérative {month.month:%m/%Y} - "
                        f"{names.get(activity_id, activity_id)}"
                    ),
                    lines=[
                        (CONTRIBUTION_CHARGE, "", "", month.contribution, ZERO),
                        (CONTRIBUTION_INCOME, "", "", ZERO, month.contribution),
                    ],
                )
            )
    return entries


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def fec_lines(year: int, *, today: dt.date | None = None) -> list[FecLine]:
    """Every line of the year's FEC, in file order (see the module doc). Raises ValueError
    (French) if a document's lines do not reconcile with its frozen totals."""
    today = today or timezone.localdate()
    documents = (
        Invoice.objects.filter(issue_date__year=year)
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("customer", "activity", "corrects")
        .prefetch_related(Prefetch("lines", queryset=DocumentLine.objects.order_by("id")))
        .order_by("issue_date", "number")
    )
    entries = [entry for entry in map(_document_entry, documents) if entry is not None]
    payments = Payment.objects.filter(date__year=year).select_related(
        "invoice__customer", "invoice__activity"
    )
    entries += [_payment_entry(payment) for payment in payments]
    entries += _contribution_entries(year, today)
    entries.sort(key=lambda e: (e.date, JOURNAL_ORDER[e.journal], e.order))
    counters = dict.fromkeys(JOURNALS, 0)
    result = []
    for entry in entries:
        counters[entry.journal] += 1
        number = f"{entry.journal}{counters[entry.journal]:06d}"
        for (account, account_lib), aux, aux_lib, debit, credit in entry.lines:
            result.append(
                FecLine(
                    journal_code=entry.journal,
                    journal_lib=JOURNALS[entry.journal],
                    entry_num=number,
                    entry_date=entry.date,
                    account=account,
                    account_lib=account_lib,
                    aux_num=aux,
                    aux_lib=aux_lib,
                    piece_ref=entry.piece_ref,
                    piece_date=entry.date,
                    label=entry.label,
                    debit=debit,
                    credit=credit,
                )
            )
    return result


def fec_rows(year: int, *, today: dt.date | None = None) -> list[list[str]]:
    """The file's rows as text: the header, then the 18 fields of each line."""
    return [list(COLUMNS), *(line.fields() for line in fec_lines(year, today=today))]


def write_rows(rows: Iterable[list[str]], path: str | Path, *, encoding: str) -> None:
    with open(path, "w", encoding=encoding, errors="replace", newline="") as out:
        for row in rows:
            out.write("\t".join(row) + "\r\n")


def write_fec(
    year: int,
    path: str | Path,
    *,
    today: dt.date | None = None,
    encoding: str = "iso-8859-15",
) -> int:
    """Write the year's FEC to `path` (see the module doc); returns the number of lines
    written after the header."""
    rows = fec_rows(year, today=today)
    write_rows(rows, path, encoding=encoding)
    return len(rows) - 1
