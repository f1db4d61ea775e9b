"""`essaim import-opportunities FILE`: import opportunities of the business watch from a CSV
file, all or nothing (the format: docs/opportunities-format.md).

The file name has a hyphen so that the command has one, like `import-members`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.core.models import User
from essaim.marketplace.services.watch import opportunities_import


class Command(BaseCommand):
    help = (
        "Importe des opportunités de la veille depuis un fichier CSV (UTF-8, séparateur « ; » "
        "ou « , »). Tout ou rien : à la moindre erreur, rien n'est enregistré et chaque erreur "
        "est affichée avec sa ligne et sa colonne. Une référence déjà importée est mise à jour."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="fichier .csv en UTF-8")
        parser.add_argument(
            "--actor", metavar="EMAIL", help="compte à qui le journal attribue l'import"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"].strip()).first()
            if actor is None:
                raise CommandError(f"aucun compte n'a l'adresse « {options['actor']} » (--actor)")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"lecture impossible de « {path} » : {exc.strerror}") from None
        report = opportunities_import(actor=actor, file=data)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(report.problems)} erreur(s) dans « {path.name} » : rien n'a été importé"
            )
        self.stdout.write(
            f"Import terminé : {report.created} créée(s), {report.updated} mise(s) à jour, "
            f"{report.unchanged} inchangée(s) ; {report.notified} personne(s) prévenue(s)."
        )
