"""The REST API instance, mounted under /api/v1/, and its French error answers.

Every error is JSON with a French `detail` saying what is wrong: 401 (no or bad credentials),
403 (the role may not do this), 404 (nothing there, or nothing the caller may see), 422 (bad
parameters; ninja's structured `errors` are kept next to the French summary).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from essaim.api import auth
from essaim.api.collective import router as collective_router
from essaim.api.marketplace import router as marketplace_router
from essaim.api.members import router as members_router
from essaim.api.skills import router as skills_router

DESCRIPTION = """
API de la plateforme Essaim (coopérative d'activités et d'emploi).

**Authentification** : envoyez `Authorization: Bearer <jeton>` ; un jeton se crée avec
`essaim create-token EMAIL`. Dans le navigateur, la session Essaim suffit (lecture de cette
documentation et essais des requêtes de lecture).

Les erreurs sont du JSON `{"detail": "…"}` en français : 401 sans jeton valide, 403 quand le
rôle ne le permet pas, 404 pour une ressource absente ou hors de votre périmètre, 422 pour des
paramètres invalides (le détail par champ est dans `errors`).
"""

NOT_FOUND = "Ressource introuvable, ou hors de votre périmètre."
FORBIDDEN = "Votre rôle ne permet pas cette opération."


def _forbidden(request: HttpRequest, exc: AuthorizationError, api: NinjaAPI) -> HttpResponse:
    message = exc.message if exc.message != "Forbidden" else FORBIDDEN
    return api.create_response(request, {"detail": message}, status=403)


def _unauthorized(request: HttpRequest, exc: AuthenticationError, api: NinjaAPI) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else auth.MISSING
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="essaim"'
    return response


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


def _not_found(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


def _validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    problems = " ; ".join(_describe(error) for error in exc.errors)
    return api.create_response(
        request,
        {"detail": f"Requête invalide : {problems}.", "errors": exc.errors},
        status=422,
    )


SOURCES = {"query": "paramètre", "path": "chemin", "body": "corps", "header": "en-tête"}


def _describe(error: dict[str, Any]) -> str:
    """One validation error in French: where, then what is wrong."""
    loc = [str(part) for part in error.get("loc", ())]
    source = SOURCES.get(loc[0], loc[0]) if loc else "requête"
    where = f"{source} « {'.'.join(loc[1:])} »" if len(loc) > 1 else source
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    what = {
        "missing": "est obligatoire",
        "int_parsing": "doit être un nombre entier",
        "int_type": "doit être un nombre entier",
        "less_than_equal": f"doit être inférieur ou égal à {ctx.get('le')}",
        "less_than": f"doit être inférieur à {ctx.get('lt')}",
        "greater_than_equal": f"doit être supérieur ou égal à {ctx.get('ge')}",
        "greater_than": f"doit être supérieur à {ctx.get('gt')}",
        "string_too_long": f"compte au plus {ctx.get('max_length')} caractères",
        "enum": f"valeur inconnue (attendu : {ctx.get('expected')})",
        "literal_error": f"valeur inconnue (attendu : {ctx.get('expected')})",
        "date_from_datetime_parsing": "doit être une date au format AAAA-MM-JJ",
        "date_parsing": "doit être une date au format AAAA-MM-JJ",
    }.get(kind, f"valeur invalide ({error.get('msg', kind)})")
    return f"{where} {what}"


class Utf8JSONRenderer(JSONRenderer):
    """Accented letters as they are (the body is UTF-8), so French reads well in curl."""

    json_dumps_params = {"ensure_ascii": False}


def add_error_handlers(api: NinjaAPI) -> None:
    """French JSON errors; also used by tests that build a throwaway API."""
    api.add_exception_handler(AuthenticationError, lambda r, e: _unauthorized(r, e, api))
    api.add_exception_handler(AuthorizationError, lambda r, e: _forbidden(r, e, api))
    api.add_exception_handler(HttpError, lambda r, e: _http_error(r, e, api))
    api.add_exception_handler(Http404, lambda r, e: _not_found(r, e, api))
    api.add_exception_handler(ValidationError, lambda r, e: _validation_error(r, e, api))


api = NinjaAPI(
    title="Essaim API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=auth.api_auth(),
    renderer=Utf8JSONRenderer(),
)
add_error_handlers(api)
api.add_router("", members_router)
api.add_router("", skills_router)
api.add_router("", marketplace_router)
api.add_router("", collective_router)
