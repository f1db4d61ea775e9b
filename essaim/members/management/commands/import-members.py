"""`essaim import-members FILE`: import members from JSON Lines or CSV, all or nothing.

The file name has a hyphen so that the command has one: Django finds commands by listing the
modules of this folder, and imports them by name with importlib, which accepts the hyphen.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.core.models import User
from essaim.members.importing import FORMATS, members_import

EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def format_of(path: Path, given: str | None) -> str:
    if given:
        return given
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise CommandError(
            f"format inconnu pour « {path.name} » : nommez le fichier .jsonl ou .csv, "
            "ou précisez --format jsonl|csv"
        ) from None


class Command(BaseCommand):
    help = (
        "Importe des membres depuis un fichier JSON Lines (.jsonl, parcours compris) ou CSV "
        "(.csv, sans parcours). Tout ou rien : à la moindre erreur, rien n'est enregistré et "
        "chaque erreur est affichée « line N: champ: message »."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="fichier .jsonl ou .csv, en UTF-8")
        parser.add_argument("--format", choices=FORMATS, help="sinon, d'après l'extension")
        parser.add_argument(
            "--actor", metavar="EMAIL", help="compte à qui le journal attribue l'import"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="tout vérifier et compter, puis annuler : rien n'est enregistré",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = format_of(path, options["format"])
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"].strip()).first()
            if actor is None:
                raise CommandError(f"aucun compte n'a l'adresse « {options['actor']} » (--actor)")
        started = time.perf_counter()
        try:
            # Bytes, decoded line by line by the importer: a non-UTF-8 line is named exactly.
            with path.open("rb") as stream:
                report = members_import(
                    actor=actor,
                    stream=stream,
                    fmt=fmt,
                    source_name=path.name,
                    dry_run=options["dry_run"],
                )
        except OSError as exc:
            raise CommandError(f"lecture impossible de « {path} » : {exc.strerror}") from None
        seconds = f"{time.perf_counter() - started:.2f}".replace(".", ",")
        if not report.ok:
            for problem in report.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(report.errors)} erreur(s) dans « {path.name} » : rien n'a été importé"
            )
        verb = (
            "Vérification terminée (rien n'est enregistré)"
            if options["dry_run"]
            else "Import terminé"
        )
        self.stdout.write(f"{verb} : {report.summary()} — {seconds} s")
