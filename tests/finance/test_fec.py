"""The FEC export: the 18 legal columns, balanced entries, the file's format."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from essaim.finance.models import Invoice
from essaim.finance.selectors.fec import COLUMNS, fec_filename, fec_lines, fec_rows, write_fec
from essaim.finance.services.contribution import contribution_rule_set
from essaim.finance.services.documents import invoice_issue
from essaim.finance.services.payments import payment_record
from tests.finance import invoicing_fixtures as fx
from tests.finance.accounts_data import credit, internal_sale
from tests.finance.invoicing_fixtures import draft, line

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity
acme = fx.acme

D = Decimal
TODAY = dt.date(2026, 5, 10)
EXEMPTION = "Exonération de TVA, article 261-4-4° a du CGI"


@pytest.fixture
def year(coop, alice_activity, bob_activity, bob, acme) -> dict[str, Invoice]:
    contribution_rule_set(actor=None, valid_from=dt.date(2024, 1, 1), preset="oxalis")
    lines = [
        line(quantity="1", unit="XPK", unit_price="1000"),
        line(label="Livret", quantity="1", unit="C62", unit_price="100", vat_rate="5.5"),
        line(label="Formation", quantity="1", unit="XPK", unit_price="50", vat_rate="0",
             exemption_reason=EXEMPTION),
    ]  # fmt: skip
    sale = invoice_issue(
        actor=None,
        invoice=draft(alice_activity, acme, lines),
        issue_date=dt.date(2026, 3, 2),
        render_pdf=False,
    )
    note = credit(sale, dt.date(2026, 3, 15), amount="100")
    internal = internal_sale(alice_activity, bob, dt.date(2026, 3, 20), "500")
    payment_record(
        actor=None, invoice=sale, date=dt.date(2026, 4, 2), amount="500", reference="VIR 42"
    )
    payment_record(
        actor=None, invoice=internal, date=dt.date(2026, 4, 3), amount="600", method="internal"
    )
    draft(alice_activity, acme)  # a draft is not in the books
    return {"sale": sale, "note": note, "internal": internal}


def entries(lines) -> dict[str, list[tuple[str, str, Decimal, Decimal]]]:
    found = defaultdict(list)
    for fec_line in lines:
        found[fec_line.entry_num].append(
            (fec_line.account, fec_line.aux_num, fec_line.debit, fec_line.credit)
        )
    return dict(found)


def test_the_entries_of_the_year(year, acme, bob) -> None:
    customer = f"C{acme.pk:06d}"
    bob_customer = f"C{year['internal'].customer_id:06d}"
    assert entries(fec_lines(2026, today=TODAY)) == {
        # Invoice: 1 000 at 20 %, 100 at 5.5 %, 50 exempt → 1 150 HT + 205.50 VAT.
        "VE000001": [
            ("411000", customer, D("1355.50"), D("0")),
            ("706000", "", D("0"), D("1150.00")),
            ("445711", "", D("0"), D("200.00")),
            ("445713", "", D("0"), D("5.50")),
        ],
        # Credit note of 100 at 20 %: the invoice's entry reversed.
        "VE000002": [
            ("411000", customer, D("0"), D("120.00")),
            ("706000", "", D("100.00"), D("0")),
            ("445711", "", D("20.00"), D("0")),
        ],
        # Internal invoice to Bob: its own sales account.
        "VE000003": [
            ("411000", bob_customer, D("600.00"), D("0")),
            ("706100", "", D("0"), D("500.00")),
            ("445711", "", D("0"), D("100.00")),
        ],
        # March's contribution of Alice: 15 % × (1 150 − 100 + 500). Bob's negative margin
        # (a purchase of 500) owes nothing.
        "OD000001": [
            ("628100", "", D("232.50"), D("0")),
            ("708800", "", D("0"), D("232.50")),
        ],
        "BQ000001": [
            ("512000", "", D("500.00"), D("0")),
            ("411000", customer, D("0"), D("500.00")),
        ],
        # An internal compensation is no bank movement.
        "OD000002": [
            ("467100", "", D("600.00"), D("0")),
            ("411000", bob_customer, D("0"), D("600.00")),
        ],
    }


def test_every_entry_is_balanced_and_dated_in_order(year) -> None:
    lines = fec_lines(2026, today=TODAY)
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [D(0), D(0)])
    for fec_line in lines:
        totals[fec_line.entry_num][0] += fec_line.debit
        totals[fec_line.entry_num][1] += fec_line.credit
        assert fec_line.debit >= 0 and fec_line.credit >= 0
        assert (fec_line.debit == 0) != (fec_line.credit == 0)
    assert all(debit == credit for debit, credit in totals.values())
    assert sum(d for d, _c in totals.values()) == sum(c for _d, c in totals.values())
    dates = [fec_line.entry_date for fec_line in lines]
    assert dates == sorted(dates)


def test_the_rows_as_written(year, acme) -> None:
    rows = fec_rows(2026, today=TODAY)
    assert rows[0] == list(COLUMNS)
    assert len(COLUMNS) == 18 and all(len(row) == 18 for row in rows)
    assert rows[1] == [
        "VE",
        "Ventes",
        "VE000001",
        "20260302",
        "411000",
        "Clients",
        f"C{acme.pk:06d}",
        "ACME SAS",
        "2026-000001",
        "20260302",
        "Facture 2026-000001 - ACME SAS (Atelier Alice)",
        "1355,50",
        "0,00",
        "",
        "",
        "20260302",
        "",
        "",
    ]
    payment = next(row for row in rows if row[2] == "BQ000001")
    assert payment[10] == "Règlement facture 2026-000001 - ACME SAS (VIR 42)"
    note = next(row for row in rows if row[2] == "VE000002")
    assert note[10] == "Avoir 2026-000002 sur facture 2026-000001 - ACME SAS (Atelier Alice)"
    contribution = next(row for row in rows if row[2] == "OD000001")
    assert contribution[3] == "20260331" and contribution[8].startswith("CONTRIB-202603-")
    assert contribution[10] == "Contribution coopérative 03/2026 - Atelier Alice"


def test_the_file(year, tmp_path) -> None:
    path = tmp_path / fec_filename(2026)
    assert path.name == "303265045FEC20261231.txt"
    written = write_fec(2026, path, today=TODAY)
    content = path.read_bytes()
    assert written == 16 and content.count(b"\r\n") == 17
    text = content.decode("iso-8859-15")
    header, first = text.split("\r\n")[:2]
    assert header == "\t".join(COLUMNS)
    assert first.split("\t")[11] == "1355,50"
    assert "Règlement".encode("iso-8859-15") in content  # accents in ISO 8859-15
    write_fec(2026, path, today=TODAY, encoding="utf-8")
    assert path.read_bytes().decode("utf-8") == text


def test_another_year_is_empty_and_months_to_come_are_not_exported(year) -> None:
    assert fec_rows(2025, today=TODAY) == [list(COLUMNS)]
    # On 20 March, March's contribution is not known yet.
    early = fec_lines(2026, today=dt.date(2026, 3, 20))
    assert {line.account for line in early}.isdisjoint({"628100", "708800"})


def test_a_document_whose_totals_do_not_reconcile_is_reported(year) -> None:
    Invoice.objects.filter(pk=year["sale"].pk).update(total_vat=D("205.49"))
    with pytest.raises(ValueError, match="2026-000001 ne se réconcilie pas"):
        fec_lines(2026, today=TODAY)


def test_the_name_needs_the_siren(db) -> None:
    with pytest.raises(ValueError, match="SIREN de la coopérative"):
        fec_filename(2026)
