"""/api/v1/: the ninja API, then a JSON 404 for any other address under it."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path

from essaim.api.api import api


def unknown_endpoint(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse(
        {
            "detail": f"Adresse inconnue dans l'API : {request.path}. "
            "La liste des adresses est dans la documentation, /api/v1/docs."
        },
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_endpoint),
]
