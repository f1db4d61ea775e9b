"""`essaim search-members "QUERY"`: search the cooperators' directory from the command line.

    essaim search-members "coloration végétale" --zone 93 --json

Prints the members found, best first: a JSON array of {"external_id", "name", "score"} with
--json, a table otherwise. Runs as no particular user: nothing is counted in the members'
exposure. Hyphenated file name, hence the command name.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.skills.search import MAX_LIMIT, DirectoryQuery, directory_search


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ; ".join(m for messages in error.message_dict.values() for m in messages)
    return " ; ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Cherche dans l'annuaire des coopérateur·ices (texte libre et filtres) et affiche les "
        "membres trouvés, les plus pertinents d'abord."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="?", default="", help="les mots cherchés")
        parser.add_argument("--skill", metavar="CODE", help="une branche de la nomenclature")
        parser.add_argument("--zone", metavar="DEP", help="un département (75, 93, 2A…)")
        parser.add_argument(
            "--available", action="store_true", help="seulement les membres disponibles"
        )
        parser.add_argument("--min-level", type=int, metavar="N", help="niveau minimal : 1, 2 ou 3")
        parser.add_argument(
            "--limit",
            type=int,
            default=20,
            metavar="N",
            help=f"nombre de résultats (20, ≤ {MAX_LIMIT})",
        )
        parser.add_argument("--offset", type=int, default=0, metavar="N", help="à partir du N-ième")
        parser.add_argument("--lexical", action="store_true", help="sans la recherche sémantique")
        parser.add_argument("--json", action="store_true", help="un tableau JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        query = DirectoryQuery(
            text=options["query"],
            node_code=options["skill"],
            zone=options["zone"],
            available_now=options["available"],
            min_level=options["min_level"],
            limit=options["limit"],
            offset=options["offset"],
            semantic=not options["lexical"],
        )
        try:
            result = directory_search(viewer=None, query=query, record_exposure=False)
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        if options["json"]:
            rows = [
                {
                    "external_id": hit.member.external_id,
                    "name": hit.member.full_name,
                    "score": hit.score,
                }
                for hit in result.hits
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.write_table(result, options["offset"])

    def write_table(self, result: Any, offset: int) -> None:
        shown = len(result.hits)
        line = f"{result.total} membre(s) trouvé(s)"
        if shown and (offset or shown < result.total):
            line += f" — résultats {offset + 1} à {offset + shown}"
        self.stdout.write(line)
        if result.suggested_nodes:
            labels = ", ".join(f"{n.label} ({n.code})" for n in result.suggested_nodes)
            self.stdout.write(f"Branches suggérées : {labels}")
        if not shown:
            return
        names = [hit.member.full_name for hit in result.hits]
        width = max(len("membre"), *(len(n) for n in names))
        self.stdout.write(
            f"\n{'rang':>4}  {'score':>9}  {'membre':<{width}}  {'identifiant':<14}  compétences"
        )
        for rank, (hit, name) in enumerate(zip(result.hits, names, strict=True), offset + 1):
            skills = ", ".join(f"{s.node.label} ({s.level})" for s in hit.matched_skills[:3])
            self.stdout.write(
                f"{rank:>4}  {hit.score:>9.3f}  {name:<{width}}  "
                f"{hit.member.external_id or '-':<14}  {skills}"
            )
