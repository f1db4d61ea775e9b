"""`essaim staffing solve INSTANCE.json`: the best teams for an opportunity, from a JSON file.

    essaim staffing solve opportunity.json --top 3 --time-limit 10 --json
    essaim staffing solve - < opportunity.json

The instance format and the output are described in docs/staffing.md. With --json the command
prints the solver's JSON answer; without, a summary in French. An unreadable file or an invalid
instance ends with a message naming the field at fault and exit status 1, never a traceback.
No database is read or written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.staffing.instance import InstanceError
from essaim.staffing.solver import Result, solve

STATUS_LABELS = {
    "optimal": "optimal (prouvé par le solveur)",
    "feasible": "réalisable (limite de temps atteinte avant la preuve d'optimalité)",
    "infeasible": "aucune équipe possible",
    "unknown": "inconnu (limite de temps atteinte avant de trouver une équipe)",
}


class Command(BaseCommand):
    help = (
        "Staffing coopératif : propose les meilleures équipes pour une opportunité décrite dans "
        "un fichier JSON (voir docs/staffing.md)."
    )
    requires_system_checks: list[str] = []  # a computation on a file: no model is involved
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        solving = actions.add_parser(
            "solve",
            help="résout une instance et affiche les meilleures équipes",
            description="Résout une instance de staffing et affiche les meilleures équipes.",
        )
        solving.add_argument(
            "instance", metavar="INSTANCE.json", help="le fichier de l'instance (« - » : stdin)"
        )
        solving.add_argument(
            "--top", type=int, default=1, metavar="K", help="nombre d'équipes proposées (1)"
        )
        solving.add_argument(
            "--time-limit",
            type=float,
            default=None,
            metavar="S",
            help="limite de temps en secondes (aucune par défaut)",
        )
        solving.add_argument("--json", action="store_true", help="la réponse en JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        data = self.read(options["instance"])
        try:
            result = solve(data, top=options["top"], time_limit=options["time_limit"])
        except InstanceError as error:
            raise CommandError(f"Instance invalide — {error}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.write_summary(result)

    def read(self, name: str) -> Any:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {name}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{name} n'est pas un texte encodé en UTF-8.") from None
        except OSError as error:
            raise CommandError(f"Lecture impossible de {name} : {error.strerror}.") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{name} n'est pas un JSON valide : erreur ligne {error.lineno}, "
                f"colonne {error.colno}."
            ) from None

    def write_summary(self, result: Result) -> None:
        self.stdout.write(f"Statut : {STATUS_LABELS[result.status]}")
        for rank, team in enumerate(result.teams, 1):
            self.stdout.write(
                f"\nÉquipe {rank} — score {team.score:.2f}, coût {team.cost:.2f} €, "
                f"{len(team.members)} membre(s) : {', '.join(team.members)}"
            )
            for role, member in team.assignment.items():
                self.stdout.write(f"  {role} → {member}")
        if result.uncoverable_roles:
            self.stdout.write(
                "\nRôles que personne ne peut tenir (compétence, niveau ou heures) : "
                + ", ".join(result.uncoverable_roles)
            )
        elif result.status == "infeasible":
            self.stdout.write(
                "\nChaque rôle a des candidat·es, mais aucune équipe ne respecte à la fois les "
                "heures, la taille maximale et le budget."
            )
        self.stdout.write(f"\nCalcul : {result.seconds:.2f} s")
