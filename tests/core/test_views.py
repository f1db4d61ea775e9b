"""Log in, log out, the home page by role and the language switch."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.members.pages import errors, fast_passwords, login_url, text  # noqa: F401

LOGIN = reverse("login")
HOME = reverse("home")
WRONG = "Adresse e-mail ou mot de passe incorrect. Vérifiez les deux et réessayez."


def logged_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def test_login_page(client, db):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert '<html lang="fr">' in text(response)
    assert '<input type="email" name="username"' in text(response)


@pytest.mark.parametrize(
    "typed", ["claire@coop.example", "CLAIRE@Coop.Example", " claire@coop.example "]
)
def test_login_with_the_email_whatever_its_case(client, claire, typed):
    response = client.post(LOGIN, {"username": typed, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_as(client) == claire.pk


def test_login_goes_back_to_the_page_asked_for(client, claire):
    wanted = reverse("members:deadlines")

    response = client.post(
        f"{LOGIN}?next={wanted}", {"username": claire.email, "password": PASSWORD, "next": wanted}
    )

    assert (response.status_code, response.url) == (302, wanted)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("claire@coop.example", "mauvais-mot-de-passe"),
        ("inconnue@coop.example", PASSWORD),
    ],
)
def test_wrong_password_or_unknown_email_says_so_in_french(client, claire, username, password):
    response = client.post(LOGIN, {"username": username, "password": password})

    assert response.status_code == 200
    assert errors(response) == [WRONG]
    assert logged_in_as(client) is None


def test_inactive_account_cannot_log_in(client, db):
    user = UserFactory(is_active=False)

    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert errors(response) == [WRONG]
    assert logged_in_as(client) is None


def test_login_without_an_email_says_what_is_missing(client, db):
    response = client.post(LOGIN, {"username": "", "password": ""})

    assert errors(response) == ["Ce champ est obligatoire.", "Ce champ est obligatoire."]


def test_a_logged_in_user_opening_login_goes_home(client, claire):
    client.force_login(claire)

    response = client.get(LOGIN)

    assert (response.status_code, response.url) == (302, HOME)


def test_home_sends_anonymous_to_login(client, db):
    response = client.get(HOME)

    assert (response.status_code, response.url) == (302, login_url(HOME))


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("claire", "members:list"),
        ("admin", "members:list"),
        ("antoine", "members:deadlines"),
        ("alice", "members:my_space"),
    ],
)
def test_home_sends_each_role_to_its_daily_page(client, claire, antoine, alice, who, target):
    user = {
        "claire": claire,
        "admin": StaffFactory(role="admin"),
        "antoine": antoine,
        "alice": alice.user,
    }[who]
    client.force_login(user)

    response = client.get(HOME)

    assert (response.status_code, response.url) == (302, reverse(target))
    assert client.get(response.url).status_code == 200


def test_logout(client, claire):
    client.force_login(claire)

    response = client.post(reverse("logout"))

    assert (response.status_code, response.url) == (302, LOGIN)
    assert logged_in_as(client) is None
    assert client.get(HOME).status_code == 302


def test_the_logout_button_is_a_form_on_every_page(client, claire):
    client.force_login(claire)

    response = client.get(reverse("members:list"))

    assert f'<form method="post" action="{reverse("logout")}">' in text(response)


def test_switch_to_english_and_back(client, claire):
    client.force_login(claire)
    page = reverse("members:list")

    switched = client.post(reverse("set_language"), {"language": "en", "next": page})

    assert (switched.status_code, switched.url) == (302, page)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = client.get(page)
    assert english.status_code == 200
    assert '<html lang="en">' in text(english)
    assert '<option value="en" selected>EN</option>' in text(english)
    # Every page of the area renders in English too.
    for name in ("members:deadlines", "members:import", "home"):
        assert client.get(reverse(name), follow=True).status_code == 200

    back = client.post(reverse("set_language"), {"language": "fr", "next": page})

    assert back.status_code == 302
    assert '<html lang="fr">' in text(client.get(page))


def test_switch_language_on_the_login_page(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN}, follow=True)

    assert response.status_code == 200
    assert '<html lang="en">' in text(response)


def test_an_unknown_language_keeps_french(client, claire):
    client.force_login(claire)

    client.post(reverse("set_language"), {"language": "xx", "next": HOME})

    assert '<html lang="fr">' in text(client.get(reverse("members:list")))
