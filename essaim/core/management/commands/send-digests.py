"""`essaim send-digests`: e-mail the notification digests that are due; run it every hour.

Each person chooses in Essaim how often e-mails come (at once, daily, weekly, never); a daily or
weekly digest goes when its time has come, and notifications e-mailed at once but not sent
(mail server down) go with the next run. Prints how many e-mails went.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from essaim.core.notifications import send_digests


class Command(BaseCommand):
    help = "Envoie par e-mail les résumés de notifications arrivés à échéance (toutes les heures)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests()
        self.stdout.write(
            ngettext("%(count)d e-mail envoyé.", "%(count)d e-mails envoyés.", sent)
            % {"count": sent}
        )
