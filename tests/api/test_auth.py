"""How the API tells who is calling: header forms, session, and CSRF on unsafe methods.

The real API has only reads so far; a throwaway API with one POST operation, built with the
same authentication and error handlers, is mounted here to prove the session stays CSRF-safe.
"""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from essaim.api import auth
from essaim.api.api import add_error_handlers

LIST = "/api/v1/members"

probe = NinjaAPI(title="probe", urls_namespace="csrf-probe", auth=auth.api_auth(), docs_url=None)
add_error_handlers(probe)


@probe.post("/write")
def write(request: HttpRequest) -> dict[str, str]:
    return {"who": request.auth.email}  # type: ignore[attr-defined]


urlpatterns = [path("probe/", probe.urls)]

# A CSRF secret as Django stores it in the cookie (32 letters or digits); the header may carry
# it unmasked.
CSRF_SECRET = "a" * 32


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Token abc", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz"])
def test_malformed_authorization_header_is_401(client, header):
    response = client.get(LIST, headers={"Authorization": header})
    assert (response.status_code, response.json()) == (401, {"detail": auth.MALFORMED})


def test_lowercase_scheme_and_surrounding_spaces_are_accepted(client, bearer, claire):
    token = bearer(claire)["Authorization"].removeprefix("Bearer ")
    response = client.get(LIST, headers={"Authorization": f"  bearer {token} "})
    assert response.status_code == 200


def test_session_is_enough_for_reads(client, claire, alice):
    client.force_login(claire)
    response = client.get(LIST)
    assert (response.status_code, response.json()["count"]) == (200, 1)


def test_session_keeps_role_rules(client, alice):
    client.force_login(alice.user)
    assert client.get(LIST).status_code == 403


def test_a_bad_token_is_refused_even_with_a_session(client, claire):
    client.force_login(claire)
    response = client.get(LIST, headers={"Authorization": "Bearer ess_wrong"})
    assert (response.status_code, response.json()) == (401, {"detail": auth.INVALID})


@pytest.mark.urls(__name__)
def test_session_write_without_csrf_token_is_refused(claire):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(claire)
    response = browser.post("/probe/write")
    assert (response.status_code, response.json()) == (403, {"detail": auth.CSRF_FAILED})


@pytest.mark.urls(__name__)
def test_session_write_with_csrf_token_passes(claire):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(claire)
    browser.cookies["csrftoken"] = CSRF_SECRET
    response = browser.post("/probe/write", headers={"X-CSRFToken": CSRF_SECRET})
    assert (response.status_code, response.json()) == (200, {"who": claire.email})


@pytest.mark.urls(__name__)
def test_token_write_needs_no_csrf_token(bearer, claire):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/probe/write", headers=bearer(claire))
    assert (response.status_code, response.json()) == (200, {"who": claire.email})


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_anonymous_write_is_401_not_a_csrf_error():
    response = Client(enforce_csrf_checks=True).post("/probe/write")
    assert (response.status_code, response.json()) == (401, {"detail": auth.MISSING})
