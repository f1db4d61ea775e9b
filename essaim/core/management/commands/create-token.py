"""`essaim create-token EMAIL`: print a new API token for that account, and nothing else.

Only the token goes to stdout, so `TOKEN=$(essaim create-token x@y)` works; the reminder that
it will not be shown again goes to stderr. Django finds the hyphenated name because command
modules are imported by name (`importlib.import_module`), not by a Python identifier.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.core.models import User
from essaim.core.tokens import api_token_create


class Command(BaseCommand):
    help = "Crée un jeton d'API pour le compte à cette adresse e-mail et l'affiche (une fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="adresse e-mail du compte")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        email = email.strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(
                f"aucun compte avec l'adresse « {email} » : vérifiez l'adresse "
                "(les comptes sont listés dans l'administration, /admin/)."
            )
        if not user.is_active:
            raise CommandError(
                f"le compte « {user.email} » est désactivé : réactivez-le avant de lui créer "
                "un jeton d'API."
            )
        token = api_token_create(user=user, actor=None)
        self.stdout.write(token)
        self.stderr.write(
            f"Jeton créé pour {user.email} ; conservez-le, il ne sera plus affiché.",
            style_func=lambda text: text,
        )
