"""Fixtures for the API tests: bearer headers for any persona."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from essaim.core.models import User
from essaim.core.tokens import api_token_create


@pytest.fixture
def bearer(db) -> Callable[[User], dict[str, str]]:
    """Headers carrying a fresh API token of `user`."""

    def headers(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token_create(user=user)}"}

    return headers


@pytest.fixture(autouse=True)
def fast_password_hasher(settings) -> None:
    """The personas' passwords are hashed with the production hasher otherwise: slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
