"""`essaim finance …`: export-facturx, export-fec, simulate-salary."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import facturx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.finance.facturx import build_cii_xml, render_invoice
from essaim.finance.salary import simulate
from essaim.finance.services.documents import credit_note_create, invoice_issue
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import draft, issued

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
bob_activity = fx.bob_activity
acme = fx.acme


def run(*args: str) -> str:
    out = StringIO()
    call_command("finance", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def documents(coop, alice_activity, bob_activity, acme):
    """2025: one invoice; 2026: an invoice, its credit note, another activity's invoice and
    a draft."""
    old = issued(alice_activity, acme, dt.date(2025, 12, 30))
    invoice = issued(alice_activity, acme, dt.date(2026, 3, 2))
    note = credit_note_create(actor=None, invoice=invoice, reason="Erreur de quantité")
    note = invoice_issue(actor=None, invoice=note, issue_date=dt.date(2026, 3, 3), render_pdf=False)
    other = issued(bob_activity, fx.company(bob_activity), dt.date(2026, 3, 4))
    draft(alice_activity, acme, subject="Pas encore émise")
    return {"old": old, "invoice": invoice, "note": note, "other": other}


def test_export_facturx_writes_one_pdf_per_issued_document(documents, tmp_path) -> None:
    out = tmp_path / "export"
    output = run("export-facturx", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == [
        "avoir-2026-000002.pdf",
        "facture-2025-000001.pdf",
        "facture-2026-000001.pdf",
        "facture-2026-000003.pdf",
    ]
    assert "4 PDF Factur-X écrit(s)" in output
    for key, name in (("note", "avoir-2026-000002.pdf"), ("other", "facture-2026-000003.pdf")):
        pdf = (out / name).read_bytes()
        assert facturx.get_xml_from_pdf(pdf)[1] == build_cii_xml(documents[key])


def test_export_facturx_of_one_year(documents, tmp_path) -> None:
    out = tmp_path / "2025"
    run("export-facturx", "--out", str(out), "--year", "2025")
    assert [p.name for p in out.iterdir()] == ["facture-2025-000001.pdf"]


def test_export_facturx_reuses_the_stored_pdf(documents, tmp_path) -> None:
    stored = render_invoice(documents["invoice"])
    out = tmp_path / "export"
    output = run("export-facturx", "--out", str(out))
    assert (out / "facture-2026-000001.pdf").read_bytes() == stored
    assert "dont 3 rendu(s)" in output
    documents["note"].refresh_from_db()
    assert documents["note"].pdf.name  # rendered for the export, and kept


def test_export_facturx_without_documents(db, tmp_path) -> None:
    out = tmp_path / "empty"
    assert "0 PDF Factur-X écrit(s)" in run("export-facturx", "--out", str(out))
    assert list(out.iterdir()) == []


def test_export_facturx_says_which_document_fails(db, alice_activity, acme, tmp_path) -> None:
    issued(alice_activity, acme)  # no cooperative identity to print on it
    with pytest.raises(CommandError, match="Document 2026-000001 : L'identité de la coopérative"):
        run("export-facturx", "--out", str(tmp_path / "x"))


def test_export_facturx_bad_year(db, tmp_path) -> None:
    with pytest.raises(CommandError, match="Année invalide : deux-mille"):
        run("export-facturx", "--out", str(tmp_path), "--year", "deux-mille")


# ---------------------------------------------------------------------------------------------
# simulate-salary


def test_simulate_salary_from_employer_cost_json() -> None:
    figures = json.loads(
        run("simulate-salary", "--year", "2026", "--employer-cost", "2500", "--json")
    )
    assert figures == simulate(2026, employer_cost=Decimal("2500")).as_dict()
    assert Decimal(figures["employer_cost"]) <= Decimal("2500")
    assert Decimal(figures["net"]) < Decimal(figures["gross"]) < Decimal(figures["employer_cost"])


def test_simulate_salary_from_net_json() -> None:
    figures = json.loads(run("simulate-salary", "--year", "2026", "--net", "1600,00", "--json"))
    assert figures == simulate(2026, net=Decimal("1600")).as_dict()
    assert {"employer_cost", "gross", "net"} <= set(figures)


def test_simulate_salary_text() -> None:
    result = simulate(2026, net=Decimal("1600"))
    output = run("simulate-salary", "--year", "2026", "--net", "1600")
    assert f"Coût employeur : {result.employer_cost} €" in output
    assert f"Salaire brut : {result.gross} €" in output
    assert f"Salaire net : {result.net} €" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--employer-cost", "beaucoup"), "--employer-cost : « beaucoup » n'est pas un montant"),
        (("--net", "-5"), "montant -5"),
    ],
)
def test_simulate_salary_bad_amount(args, message) -> None:
    with pytest.raises(CommandError, match=message):
        run("simulate-salary", "--year", "2026", *args)


def test_simulate_salary_needs_exactly_one_amount() -> None:
    with pytest.raises(CommandError):
        run("simulate-salary", "--year", "2026")
    with pytest.raises(CommandError):
        run("simulate-salary", "--year", "2026", "--net", "1600", "--employer-cost", "2500")


# ---------------------------------------------------------------------------------------------
# export-fec


def test_export_fec_writes_the_file(documents, tmp_path) -> None:
    pytest.importorskip("essaim.finance.selectors.fec")
    out = tmp_path / "FEC2026.txt"
    output = run("export-fec", "--year", "2026", "--out", str(out))
    assert "FEC 2026 écrit dans" in output
    lines = out.read_text(encoding="iso-8859-15").splitlines()
    assert len(lines[0].split("\t")) == 18  # the 18 columns of the FEC
    assert f"{len(lines) - 1} ligne(s)." in output
