"""Personas shared by the suite.

- claire: management staff (sees everyone)
- antoine: an advisor; follows alice
- berenice: another advisor; follows bob
- alice: an entrepreneur in CESA, followed by antoine
- bob: an entrepreneur in CAPE, followed by berenice
"""

from __future__ import annotations

import datetime as dt

import pytest

from essaim.members import services
from tests.factories import PASSWORD, AdvisorFactory, MemberFactory, StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    """The production hasher costs ~0.5 s a user; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory) -> None:
    """Uploads and rendered invoices of a test go to a folder of its own, never to var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def claire(db):
    return StaffFactory(email="claire@coop.example", first_name="Claire", last_name="Gestion")


@pytest.fixture
def antoine(db):
    return AdvisorFactory(email="antoine@coop.example", first_name="Antoine", last_name="Conseil")


@pytest.fixture
def berenice(db):
    return AdvisorFactory(
        email="berenice@coop.example", first_name="Bérénice", last_name="Accompagne"
    )


@pytest.fixture
def alice(db, antoine):
    member = MemberFactory(first_name="Alice", last_name="Martin", email="alice@example.org")
    services.advisor_assign(actor=None, member=member, advisor=antoine, start=dt.date(2024, 1, 1))
    services.stage_add(actor=None, member=member, kind="information", start=dt.date(2024, 1, 10))
    services.stage_add(
        actor=None, member=member, kind="cape", start=dt.date(2024, 2, 1), end=dt.date(2025, 1, 31)
    )
    services.stage_add(actor=None, member=member, kind="cesa", start=dt.date(2025, 2, 1))
    member.refresh_from_db()
    return member


@pytest.fixture
def bob(db, berenice):
    member = MemberFactory(first_name="Bob", last_name="Durand", email="bob@example.org")
    services.advisor_assign(actor=None, member=member, advisor=berenice, start=dt.date(2025, 6, 1))
    services.stage_add(actor=None, member=member, kind="cape", start=dt.date(2026, 1, 5))
    member.refresh_from_db()
    return member


def login(client, user) -> None:
    client.force_login(user)
