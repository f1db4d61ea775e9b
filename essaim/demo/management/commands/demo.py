"""`essaim demo`: build the demo cooperative, print its logins, then serve it."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from essaim.demo.generator import (
    DEFAULT_ACTIVE,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DemoRefused,
    build_demo,
    demo_logins,
    demo_summary,
)
from essaim.demo.population import EARLIEST_TODAY, FOUNDED
from essaim.demo.profiles import demo_embeddings
from essaim.members.path import fr

MIN_ACTIVE = 10


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


class Command(BaseCommand):
    help = (
        "Construit la coopérative de démonstration (membres, parcours, chargé·es "
        "d'accompagnement, rendez-vous), affiche les connexions de démonstration, puis lance "
        "le serveur de développement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_ACTIVE,
            help=f"nombre de membres actifs à la date de référence (défaut : {DEFAULT_ACTIVE})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"graine : mêmes graine, taille et date donnent la même démo (défaut : "
            f"{DEFAULT_SEED})",
        )
        parser.add_argument(
            "--today",
            default=None,
            help="date de référence AAAA-MM-JJ (défaut : aujourd'hui)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="efface d'abord membres, étapes, accompagnements, rendez-vous, journal et "
            "comptes non administrateurs",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="construit sans lancer le serveur"
        )
        parser.add_argument(
            "--no-semantic",
            action="store_true",
            help="ne calcule pas les vecteurs de la recherche sémantique des profils",
        )
        parser.add_argument(
            "--addrport",
            default="127.0.0.1:8000",
            help="adresse et port du serveur (défaut : 127.0.0.1:8000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        active: int = options["members"]
        if active < MIN_ACTIVE:
            raise CommandError(
                f"--members : il faut au moins {MIN_ACTIVE} membres actifs ({active} demandé(s))"
            )
        today = self._today(options["today"])
        self._migrate_if_needed()
        try:
            result = build_demo(
                seed=options["seed"],
                active=active,
                today=today,
                reset=options["reset"],
                same_day_only=options["today"] is not None,
            )
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        except IntegrityError as clash:
            raise CommandError(
                f"La démo n'a pas pu être construite et rien n'a été écrit : une donnée existante "
                f"entre en conflit avec elle ({clash}). Relancez avec --reset, ou choisissez une "
                "autre base (variables ESSAIM_VAR_DIR ou DATABASE_URL)."
            ) from clash
        build = result.build
        if result.built:
            self.stdout.write(
                f"Coopérative de démonstration construite en {_decimal(result.seconds)} s "
                f"(graine {build.seed}, date de référence {fr(build.today)}) :"
            )
        else:
            self.stdout.write(
                f"La démo est déjà en place (graine {build.seed}, {build.active_members} "
                f"membres actifs, date de référence {fr(build.today)}) : rien à reconstruire "
                "(--reset pour la refaire)."
            )
        self._summary(build.today)
        if not options["no_semantic"]:
            self._node_vectors()
        if not options["no_semantic"] and options["no_serve"]:
            self._embeddings()
        elif not options["no_semantic"]:
            # Embedding ~900 profiles takes minutes on a laptop: serve at once, and let the
            # vectors arrive in the background (the directory searches by words meanwhile).
            threading.Thread(target=self._embeddings_quietly, daemon=True).start()
            self.stdout.write(
                "  recherche sémantique : vecteurs des profils calculés en arrière-plan ; "
                "l'annuaire cherche par mots en attendant"
            )
        self._logins(build.today)
        if not options["no_serve"]:
            self.stdout.write(
                f"Serveur de démonstration : http://{options['addrport']}/ (Ctrl+C pour arrêter)"
            )
            # DEBUG is off by default: --insecure lets runserver serve the static files anyway.
            call_command(
                "runserver", options["addrport"], use_reloader=False, insecure_serving=True
            )

    def _today(self, value: str | None) -> dt.date:
        if value is None:
            return timezone.localdate()
        try:
            today = dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                f"--today : date invalide « {value} » (attendu AAAA-MM-JJ, par exemple 2026-11-26)"
            ) from None
        if today < EARLIEST_TODAY:
            raise CommandError(
                f"--today : la coopérative de démonstration est fondée en {FOUNDED.year} ; "
                f"choisissez une date à partir du {fr(EARLIEST_TODAY)}, pas le {fr(today)}"
            )
        return today

    def _migrate_if_needed(self) -> None:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("La base n'est pas à jour : application des migrations…")
            call_command("migrate", interactive=False, verbosity=0)

    def _summary(self, today: dt.date) -> None:
        counts = demo_summary()
        self.stdout.write(
            f"  {counts['active']} membres actifs (dont {counts['associates']} associé·es), "
            f"{counts['exited']} sorti·es depuis {FOUNDED.year}, {counts['prospects']} venu·es "
            "en réunion d'information"
        )
        self.stdout.write(
            f"  {counts['advisors']} chargé·es d'accompagnement, {counts['meetings']} "
            "rendez-vous d'accompagnement"
        )
        self.stdout.write(
            f"  {counts['profiles']} profils dans l'annuaire : {counts['skills']} compétences, "
            f"{counts['portfolio']} réalisations, {counts['prices']} tarifs"
        )
        self.stdout.write(
            f"  place de marché : {counts['offers']} offres, {counts['requests']} demandes, "
            f"{counts['deals']} affaires entre membres"
        )
        self.stdout.write(
            f"  facturation : {counts['invoices']} factures, {counts['credit_notes']} avoirs, "
            f"{counts['expenses']} dépenses"
        )
        self.stdout.write(
            f"  vie collective : {counts['groups']} groupes, {counts['events']} événements, "
            f"{counts['tutoring_cases']} cas de tutorat"
        )

    def _node_vectors(self) -> None:
        """Before serving: the nomenclature's vectors, so that no search waits for them."""
        try:
            from essaim.skills import semantic
        except ImportError:
            return
        if semantic.available():
            started = time.perf_counter()
            semantic.index_nodes()
            self.stdout.write(
                f"  recherche sémantique : nomenclature vectorisée en "
                f"{_decimal(time.perf_counter() - started)} s"
            )

    def _embeddings_quietly(self) -> None:
        try:
            demo_embeddings()
        except Exception:  # a background nicety must never take the demo server down
            logging.getLogger(__name__).exception("vecteurs sémantiques de la démo")
        finally:
            connections.close_all()

    def _embeddings(self) -> None:
        """After the build's transaction: the profiles' vectors of the semantic search."""
        started = time.perf_counter()
        count = demo_embeddings()
        if count:
            self.stdout.write(
                f"  recherche sémantique : profils de {count} membres à jour en "
                f"{_decimal(time.perf_counter() - started)} s"
            )
        else:
            self.stdout.write(
                "  recherche sémantique non installée (pip install -e '.[semantic]') : "
                "l'annuaire cherche par mots"
            )

    def _logins(self, today: dt.date) -> None:
        lines = demo_logins(today)
        self.stdout.write("")
        self.stdout.write(f"Connexions de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        role_width = max(len(line.role) for line in lines)
        email_width = max(len(line.email) for line in lines)
        for line in lines:
            self.stdout.write(
                f"  {line.role:<{role_width}}  {line.email:<{email_width}}  {line.who}"
            )
        self.stdout.write("")
