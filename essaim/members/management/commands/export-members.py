"""`essaim export-members FILE`: export members as JSON Lines (or CSV), the import's format.

Hyphenated file name, hence the command name: see import-members.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.members.exporting import members_export, members_export_csv
from essaim.members.importing import FORMATS

EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


class Command(BaseCommand):
    help = (
        "Exporte tous les membres au format de l'import : JSON Lines (.jsonl, parcours compris) "
        "ou CSV (.csv, sans parcours). « - » écrit sur la sortie standard."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="fichier .jsonl ou .csv à écrire, ou - ")
        parser.add_argument("--format", choices=FORMATS, help="sinon, d'après l'extension")
        parser.add_argument(
            "--delimiter", default=",", choices=[",", ";"], help="séparateur du CSV (« , »)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["file"]
        fmt = options["format"] or (
            "jsonl" if target == "-" else EXTENSIONS.get(Path(target).suffix.lower())
        )
        if fmt is None:
            raise CommandError(
                f"format inconnu pour « {target} » : nommez le fichier .jsonl ou .csv, "
                "ou précisez --format jsonl|csv"
            )
        started = time.perf_counter()
        if target == "-":
            self.export(sys.stdout, fmt, options["delimiter"])
            return
        try:
            with open(target, "w", encoding="utf-8", newline="") as stream:
                count = self.export(stream, fmt, options["delimiter"])
        except OSError as exc:
            raise CommandError(f"écriture impossible de « {target} » : {exc.strerror}") from None
        seconds = f"{time.perf_counter() - started:.2f}".replace(".", ",")
        self.stdout.write(f"{count} membre(s) exporté(s) dans « {target} » — {seconds} s")

    def export(self, stream: Any, fmt: str, delimiter: str) -> int:
        if fmt == "csv":
            return members_export_csv(stream=stream, delimiter=delimiter)
        return members_export(stream=stream)
