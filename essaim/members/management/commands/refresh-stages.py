"""Nightly: recompute each member's current stage (a stage may start on a future date)."""

from django.core.management.base import BaseCommand

from essaim.members.services import members_refresh_stages


class Command(BaseCommand):
    help = "Recalcule l'étape courante et la cohorte de chaque membre (à lancer chaque nuit)."

    def handle(self, *args: object, **options: object) -> None:
        changed = members_refresh_stages()
        self.stdout.write(f"{changed} membre(s) mis à jour.")
