"""API tokens: `essaim create-token EMAIL`, and what the API does with a token."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from django.utils import timezone

from essaim import cli
from essaim.api import auth
from essaim.core.models import ApiToken, AuditEntry

ME = "/api/v1/members/me"


def create_token(email: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create-token", email, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_hyphenated_command_is_found():
    assert get_commands()["create-token"] == "essaim.core"
    command = load_command_class("essaim.core", "create-token")
    assert command.help.startswith("Crée un jeton d'API")


def test_create_token_prints_only_a_token_that_works(client, alice):
    out, err = create_token("alice@example.org")
    token = out.removesuffix("\n")
    assert "\n" not in token and token.startswith("ess_") and len(token) > 40
    assert err == "Jeton créé pour alice@example.org ; conservez-le, il ne sera plus affiché.\n"
    response = client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.json()["id"]) == (200, alice.pk)


def test_create_token_is_audited_and_stores_only_a_digest(alice):
    token = create_token("alice@example.org")[0].strip()
    row = ApiToken.objects.get(user=alice.user)
    assert token not in (row.digest, row.prefix) and row.prefix == token[:12]
    entry = AuditEntry.objects.get(action="api_token.created")
    assert (entry.actor, entry.subject_type, entry.subject_id, entry.target_id) == (
        None,
        "core.user",
        str(alice.user.pk),
        str(row.pk),
    )


def test_create_token_ignores_the_case_of_the_address(alice):
    create_token("  Alice@Example.ORG ")
    assert ApiToken.objects.filter(user=alice.user).count() == 1


@pytest.mark.django_db
def test_create_token_for_an_unknown_address_fails_in_french():
    with pytest.raises(CommandError) as error:
        create_token("personne@example.org")
    assert str(error.value) == (
        "aucun compte avec l'adresse « personne@example.org » : vérifiez l'adresse "
        "(les comptes sont listés dans l'administration, /admin/)."
    )
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_create_token_from_the_command_line_exits_non_zero(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["create-token", "personne@example.org"])
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "aucun compte avec l'adresse « personne@example.org »" in captured.err


def test_create_token_refuses_a_disabled_account(alice):
    alice.user.is_active = False
    alice.user.save()
    with pytest.raises(CommandError, match="le compte « alice@example.org » est désactivé"):
        create_token("alice@example.org")
    assert ApiToken.objects.count() == 0


def test_using_a_token_records_when(client, alice):
    token = create_token("alice@example.org")[0].strip()
    assert ApiToken.objects.get().last_used_at is None
    before = timezone.now()
    client.get(ME, headers={"Authorization": f"Bearer {token}"})
    used = ApiToken.objects.get().last_used_at
    assert used is not None and before <= used <= timezone.now()


def test_a_refused_token_records_nothing(client, alice):
    create_token("alice@example.org")
    client.get(ME, headers={"Authorization": "Bearer ess_something-else"})
    assert ApiToken.objects.get().last_used_at is None


def test_token_of_a_disabled_account_is_refused(client, alice):
    token = create_token("alice@example.org")[0].strip()
    alice.user.is_active = False
    alice.user.save()
    response = client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.json()) == (401, {"detail": auth.INVALID})
