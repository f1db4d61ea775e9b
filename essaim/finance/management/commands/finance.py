"""`essaim finance …`: exports and simulations of the mutualised services.

    essaim finance export-facturx --out DIR [--year 2026]
    essaim finance export-fec --year 2026 --out FILE
    essaim finance simulate-salary --year 2026 (--employer-cost 2500 | --net 1600) [--json]

`export-facturx` writes one Factur-X PDF per issued invoice and credit note (drafts have none),
named after the document (facture-2026-000001.pdf, avoir-2026-000002.pdf): the PDF stored at
issue when there is one (an issued document never changes), else rendered now and stored.
`export-fec` writes the legal accounting file (Fichier des Écritures Comptables) of a year.
`simulate-salary` prints a month's employer cost, gross and net salary.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


def _year(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise CommandError(_("Année invalide : %(y)s.") % {"y": value}) from None
    if not 1900 <= year <= 9999:
        raise CommandError(_("Année invalide : %(y)s.") % {"y": value})
    return year


def _amount(value: str, option: str) -> Decimal:
    text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise CommandError(
            _("%(o)s : « %(v)s » n'est pas un montant (exemple : 2500 ou 2500,50).")
            % {"o": option, "v": value}
        )
    return amount


class Command(BaseCommand):
    help = (
        "Services mutualisés : export Factur-X des factures émises (export-facturx), export "
        "FEC (export-fec), simulation de salaire (simulate-salary)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        facturx = commands.add_parser(
            "export-facturx",
            help=_("écrit un PDF Factur-X par facture ou avoir émis"),
        )
        facturx.add_argument("--out", required=True, metavar="DOSSIER", help=_("dossier de sortie"))
        facturx.add_argument(
            "--year", metavar="ANNÉE", help=_("seulement les documents émis cette année")
        )

        fec = commands.add_parser(
            "export-fec", help=_("écrit le fichier des écritures comptables (FEC) d'une année")
        )
        fec.add_argument("--year", required=True, metavar="ANNÉE")
        fec.add_argument("--out", required=True, metavar="FICHIER")

        salary = commands.add_parser(
            "simulate-salary",
            help=_("coût employeur, brut et net d'un mois de salaire"),
        )
        salary.add_argument("--year", required=True, metavar="ANNÉE")
        amount = salary.add_mutually_exclusive_group(required=True)
        amount.add_argument(
            "--employer-cost", metavar="MONTANT", help=_("le montant disponible (coût employeur)")
        )
        amount.add_argument("--net", metavar="MONTANT", help=_("le salaire net souhaité"))
        salary.add_argument("--json", action="store_true", help=_("un objet JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export-facturx":
            year = _year(options["year"]) if options["year"] else None
            self._export_facturx(Path(options["out"]), year)
        elif action == "export-fec":
            self._export_fec(_year(options["year"]), Path(options["out"]))
        else:
            self._simulate_salary(options)

    # -----------------------------------------------------------------------------------------

    def _export_facturx(self, out: Path, year: int | None) -> None:
        # Imported here: the PDF machinery is loaded only by the command that needs it.
        from essaim.finance.facturx import FacturXError, pdf_filename, render_invoice
        from essaim.finance.models import Invoice, InvoiceStatus

        documents = (
            Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
            .select_related("activity__member", "customer", "corrects")
            .prefetch_related("lines")
            .order_by("issue_date", "number")
        )
        if year is not None:
            documents = documents.filter(issue_date__year=year)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(
                _("Impossible de créer le dossier %(d)s : %(e)s") % {"d": out, "e": error}
            ) from error
        written = rendered = 0
        for invoice in documents.iterator(chunk_size=200):
            pdf = self._stored_pdf(invoice)
            if pdf is None:
                try:
                    pdf = render_invoice(invoice)
                except FacturXError as error:
                    raise CommandError(
                        _("Document %(n)s : %(e)s") % {"n": invoice.number, "e": error}
                    ) from error
                rendered += 1
            (out / pdf_filename(invoice)).write_bytes(pdf)
            written += 1
        self.stdout.write(
            _("%(n)d PDF Factur-X écrit(s) dans %(d)s (dont %(r)d rendu(s) à l'instant).")
            % {"n": written, "d": out, "r": rendered}
        )

    @staticmethod
    def _stored_pdf(invoice: Any) -> bytes | None:
        if not invoice.pdf.name:
            return None
        try:
            with invoice.pdf.open("rb") as stored:
                return stored.read()
        except FileNotFoundError:
            return None  # the file was lost: render it again

    def _export_fec(self, year: int, out: Path) -> None:
        from essaim.finance.selectors.fec import write_fec

        try:
            result = write_fec(year, out)
        except ValueError as error:
            raise CommandError(str(error)) from error
        message = _("FEC %(y)s écrit dans %(f)s.") % {"y": year, "f": out}
        if isinstance(result, int):
            message += " " + _("%(n)d ligne(s).") % {"n": result}
        self.stdout.write(message)

    def _simulate_salary(self, options: dict[str, Any]) -> None:
        from essaim.finance.salary import simulate

        year = _year(options["year"])
        if options["employer_cost"] is not None:
            amounts = {"employer_cost": _amount(options["employer_cost"], "--employer-cost")}
        else:
            amounts = {"net": _amount(options["net"], "--net")}
        try:
            result = simulate(year, **amounts)
        except ValueError as error:
            raise CommandError(str(error)) from error
        figures = result.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        lines = [
            _("Salaire d'un mois en %(y)s (%(h)s heures)") % {"y": year, "h": figures["hours"]},
            _("Coût employeur : %(v)s €") % {"v": figures["employer_cost"]},
            _("Salaire brut : %(v)s €") % {"v": figures["gross"]},
            _("Salaire net : %(v)s €") % {"v": figures["net"]},
        ]
        self.stdout.write("\n".join(lines))
