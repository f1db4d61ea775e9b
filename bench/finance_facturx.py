"""Issuing and rendering 1,000 Factur-X invoices: time per invoice, against the XML alone.

Builds a throwaway cooperative on a temporary SQLite database (its identity with an IBAN, one
entrepreneur's activity, three customers), drafts 1,000 invoices of 1 to 8 lines (four VAT
rates, discounts, exempt lines) through the invoicing services, then times, per invoice:

- issue: `invoice_issue` (check, totals, number under lock, audit), the PDF left for later;
- XML alone (the baseline): `build_cii_xml`, the EN 16931 CII XML;
- full render: `render_invoice`, the XML + the French page + the factur-x library (XSD check,
  PDF/A-3 embedding, XMP) + storing the file.

It prints the mean, median and max of each; the target is issue + render < 0.3 s an invoice.
A sample of the PDFs is read back (the embedded XML must equal the XML built alone): exit
status 1 when one differs, else 0 (times are only printed).

    python bench/finance_facturx.py [--invoices 1000] [--seed 2026]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_S = 0.3
SAMPLE = 20


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1000, help="factures (1000)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def setup_django(var_dir: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}"
    os.environ["ESSAIM_VAR_DIR"] = var_dir  # secret key and media (the PDFs) of this run
    os.environ["DJANGO_SETTINGS_MODULE"] = "essaim.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def create_cooperative() -> tuple[Any, list[Any]]:
    """The cooperative's identity, an activity and its customers."""
    from essaim.finance.models import Cooperative
    from essaim.finance.services.customers import customer_save
    from essaim.members.models import Activity, Member

    Cooperative.objects.create(
        name="Coopérative Essaim",
        siren="303265045",
        vat_number="FR40303265045",
        rcs="Bobigny",
        address="12 rue des Abeilles",
        postal_code="93100",
        city="Montreuil",
        email="factures@essaim.example",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    member = Member.objects.create(first_name="Alice", last_name="Martin", email="a@bench.example")
    activity = Activity.objects.create(member=member, name="Atelier Alice")
    base = {"address": "1 place de la Gare", "postal_code": "75010", "city": "Paris"}
    customers = [
        customer_save(
            actor=None,
            activity=activity,
            kind="company",
            name="ACME SAS",
            siret="73282932000074",
            **base,
        ),
        customer_save(
            actor=None,
            activity=activity,
            kind="company",
            name="Globex SARL",
            siren="303265045",
            vat_number="FR40303265045",
            **base,
        ),
        customer_save(
            actor=None, activity=activity, kind="individual", name="Jeanne Client", **base
        ),
    ]
    return activity, customers


def random_lines(rng: random.Random) -> list[dict[str, str]]:
    lines = []
    for i in range(rng.randint(1, 8)):
        rate = rng.choice(["20", "20", "10", "5.5", "0"])
        lines.append(
            {
                "label": f"Prestation {i + 1} : {rng.choice(['conseil', 'formation', 'atelier'])}",
                "quantity": str(rng.choice([1, 2, 3, 0.5, 7.25])),
                "unit": rng.choice(["HUR", "DAY", "C62", "XPK"]),
                "unit_price": f"{rng.uniform(10, 900):.2f}",
                "discount": rng.choice(["0", "0", "0", "5", "12.5"]),
                "vat_rate": rate,
                "exemption_reason": (
                    "Exonération de TVA, article 261-4-4° a du CGI" if rate == "0" else ""
                ),
            }
        )
    return lines


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def summary(label: str, times: list[float]) -> str:
    mean, median, worst = (
        value * 1000 for value in (statistics.mean(times), statistics.median(times), max(times))
    )
    return f"{label:<34} {mean:>9.1f} ms {median:>9.1f} ms {worst:>9.1f} ms"


def bench(args: argparse.Namespace) -> int:
    import facturx
    from django.db import connection

    from essaim.finance.facturx import build_cii_xml, render_invoice
    from essaim.finance.models import Invoice
    from essaim.finance.services.documents import invoice_issue, invoice_save

    rng = random.Random(args.seed)
    activity, customers = create_cooperative()
    started = time.perf_counter()
    drafts = [
        invoice_save(
            actor=None,
            activity=activity,
            customer=rng.choice(customers),
            subject=f"Mission {i + 1}",
            lines=random_lines(rng),
        )
        for i in range(args.invoices)
    ]
    drafting = time.perf_counter() - started
    first_day = dt.date.today() - dt.timedelta(days=365)
    days = sorted(first_day + dt.timedelta(days=rng.randint(0, 365)) for _ in drafts)

    issue_times = [
        timed(
            lambda d=d, day=day: invoice_issue(
                actor=None, invoice=d, issue_date=day, render_pdf=False
            )
        )
        for d, day in zip(drafts, days, strict=True)
    ]
    invoices = list(
        Invoice.objects.select_related("activity__member", "customer", "corrects")
        .prefetch_related("lines")
        .order_by("issue_date", "number")
    )
    build_cii_xml(invoices[0])  # warm-up: imports, fonts, colour profile
    render_invoice(invoices[0])
    xml_times = [timed(lambda i=i: build_cii_xml(i)) for i in invoices]
    render_times = [timed(lambda i=i: render_invoice(i)) for i in invoices]
    whole = [a + b for a, b in zip(issue_times, render_times, strict=True)]

    mismatches = 0
    for invoice in rng.sample(invoices, min(SAMPLE, len(invoices))):
        invoice.refresh_from_db(fields=["pdf"])
        with invoice.pdf.open("rb") as stored:
            _name, embedded = facturx.get_xml_from_pdf(stored.read(), check_xsd=False)
        mismatches += embedded != build_cii_xml(invoice)

    lines = sum(len(i.lines.all()) for i in invoices)
    print(f"Factur-X — SQLite {connection.Database.sqlite_version}, {len(invoices)} factures")
    print(
        f"{lines} lignes ({lines / len(invoices):.1f} par facture) ; brouillons en {drafting:.1f} s"
    )
    print()
    head = f"{'par facture':<34} {'moyenne':>12} {'médiane':>12} {'max':>12}"
    print(head)
    print("-" * len(head))
    print(summary("émission (numéro, figement)", issue_times))
    print(summary("XML CII seul (référence)", xml_times))
    print(summary("rendu complet (XML + PDF/A-3)", render_times))
    print(summary("émission + rendu", whole))
    mean = statistics.mean(whole)
    ratio = statistics.mean(render_times) / statistics.mean(xml_times)
    print()
    print(
        f"Objectif < {TARGET_S * 1000:.0f} ms par facture émise et rendue : "
        f"{'OK' if mean < TARGET_S else 'MISS'} ({mean * 1000:.1f} ms en moyenne) ; "
        f"le rendu coûte {ratio:.0f} fois le XML seul."
    )
    if mismatches:
        print(f"ÉCHEC : {mismatches} PDF dont le XML embarqué diffère.", file=sys.stderr)
        return 1
    print(f"XML embarqué identique au XML construit seul ({SAMPLE} PDF relus).")
    return 0


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="essaim-bench-facturx-") as var_dir:
        setup_django(var_dir)
        return bench(args)


if __name__ == "__main__":
    sys.exit(main())
