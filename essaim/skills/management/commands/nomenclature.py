"""`essaim nomenclature …`: load the builtin nomenclature, import the ROME, count the nodes.

- `essaim nomenclature load-builtin`: apply essaim/skills/data/nomenclature.jsonl (idempotent);
- `essaim nomenclature import-rome DIR`: import or update to a ROME 4.0 open-data release
  (the "unix utf8" CSV files, e.g. ../shared/data/rome-v460/);
- `essaim nomenclature stats`: nodes by source and level, aliases, links.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from essaim.core.models import User
from essaim.skills import rome
from essaim.skills.models import Alias, MemberSkill, Node
from essaim.skills.nomenclature import NomenclatureFileError, builtin_load


class Command(BaseCommand):
    help = (
        "Nomenclature des compétences : load-builtin (nomenclature Essaim), "
        "import-rome DOSSIER (ROME 4.0 de France Travail), stats."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        builtin = actions.add_parser(
            "load-builtin", help="charge ou met à jour la nomenclature Essaim (idempotent)"
        )
        importer = actions.add_parser(
            "import-rome", help="importe ou met à jour le ROME 4.0 depuis ses fichiers CSV"
        )
        importer.add_argument("directory", help="dossier des fichiers unix_*_utf8.csv")
        importer.add_argument(
            "--no-progress", action="store_true", help="sans barre de progression"
        )
        for sub in (builtin, importer):
            sub.add_argument("--actor", metavar="EMAIL", help="compte auquel le journal l'attribue")
        actions.add_parser("stats", help="compte les nœuds, synonymes et liens")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "stats":
            self.stats()
            return
        actor = self.actor(options.get("actor"))
        if action == "load-builtin":
            try:
                report = builtin_load(actor=actor)
            except NomenclatureFileError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"Nomenclature Essaim : {report.created} nœuds créés, {report.updated} mis à "
                f"jour, {report.obsoleted} marqués obsolètes ; synonymes : "
                f"{report.aliases_created} créés, {report.aliases_updated} modifiés, "
                f"{report.aliases_deleted} supprimés"
            )
        else:
            # The raw stream: Django's wrapper would end each "\r" redraw of the bar with a newline.
            progress = None if options["no_progress"] else getattr(self.stderr, "_out", sys.stderr)
            try:
                result = rome.import_rome(
                    Path(options["directory"]), actor=actor, progress_file=progress
                )
            except rome.RomeImportError as exc:
                raise CommandError(f"rien n'a été importé :\n{exc}") from None
            for line in rome.describe(result):
                self.stdout.write(line)

    def actor(self, email: str | None) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"aucun compte n'a l'adresse « {email} » (--actor)")
        return user

    def stats(self) -> None:
        rows = (
            Node.objects.values("source", "kind")
            .annotate(total=Count("pk"), obsolete=Count("pk", filter=Q(obsolete=True)))
            .order_by("source", "kind")
        )
        for row in rows:
            self.stdout.write(
                f"{row['source']:8} {row['kind']:10} {row['total']:7} nœuds"
                f" ({row['obsolete']} obsolètes)"
            )
        for row in (
            Alias.objects.values("source", "kind")
            .annotate(total=Count("pk"))
            .order_by("source", "kind")
        ):
            self.stdout.write(f"{row['source']:8} {row['kind']:12} {row['total']:7} synonymes")
        links = Node.related_skills.through.objects.count()
        self.stdout.write(f"liens métier → compétence : {links}")
        self.stdout.write(f"compétences déclarées par les membres : {MemberSkill.objects.count()}")
