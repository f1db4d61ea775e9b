"""`essaim events remind`: remind the members registered to tomorrow's events; run it once a
day (cron or a systemd timer).

A notification goes to each registered member (in Essaim, and by e-mail as they chose); each
registration keeps when it was reminded, so running the command again reminds nobody twice.
Prints how many members were reminded.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import ngettext

from essaim.events.services.registrations import events_remind


class Command(BaseCommand):
    help = "Événements : rappels aux membres inscrits la veille (« remind »)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "remind",
            help="rappelle aux membres inscrits les événements du lendemain",
            description=(
                "Envoie un rappel aux membres inscrits aux événements de demain ; sans effet "
                "pour qui l'a déjà reçu."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = events_remind()
        self.stdout.write(
            ngettext("%(count)d rappel envoyé.", "%(count)d rappels envoyés.", reminded)
            % {"count": reminded}
        )
