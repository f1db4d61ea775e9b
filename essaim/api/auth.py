"""Who is calling the API: a bearer token, or the browser's Django session (for /docs).

Both are tried in this order. A request that carries an `Authorization` header is judged on
that header alone: a bad token is refused even when a session cookie comes along, so a script
never silently runs as whoever is logged in in the same browser. The session is accepted only
with Django's CSRF check on unsafe methods (POST, PUT, PATCH, DELETE), as a form would be.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from essaim.core.models import User
from essaim.core.tokens import api_token_user

MISSING = (
    "Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> » "
    "(jeton créé par « essaim create-token EMAIL ») ou connectez-vous à Essaim."
)
MALFORMED = "En-tête Authorization mal formé : attendu « Authorization: Bearer <jeton> »."
INVALID = (
    "Jeton d'API invalide, révoqué ou rattaché à un compte désactivé : vérifiez la valeur "
    "envoyée dans l'en-tête Authorization ou créez un nouveau jeton."
)
CSRF_FAILED = (
    "Vérification CSRF échouée : une requête qui modifie des données avec la session du "
    "navigateur doit porter l'en-tête X-CSRFToken (ou utilisez un jeton d'API)."
)


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`, checked against the stored digests."""

    def __call__(self, request: HttpRequest) -> User | None:
        value = request.headers.get(self.header)
        if value is None:
            return None  # no header: let the session have its turn
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise AuthenticationError(message=MALFORMED)
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = api_token_user(token)
        if user is None:
            raise AuthenticationError(message=INVALID)
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a logged-in user, CSRF-checked for unsafe methods."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Nobody logged in: answer 401 rather than a CSRF error for an anonymous caller.
            return None
        # Ninja's views are csrf_exempt, so the check the middleware skipped happens here;
        # CsrfViewMiddleware lets safe methods (GET, HEAD, OPTIONS, TRACE) through.
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise HttpError(403, CSRF_FAILED)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return self(request)


def api_auth() -> list[Any]:
    """The authentication every operation requires unless it says otherwise."""
    return [BearerAuth(), SessionAuth(csrf=True)]
