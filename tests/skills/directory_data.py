"""A small nomenclature and directory for the tests of the directory's pages and API.

Import the fixtures you use into the test module (`from tests.skills.directory_data import
tree, ...  # noqa: F401`). Everything is written through the services, so paths, folded
labels, audit entries and the search index are real. Codes start with "t-" so that they never
meet the built-in nomenclature's.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from essaim.members import services as member_services
from essaim.members.models import Member
from essaim.skills import services
from essaim.skills.models import Node
from tests.factories import ActivityFactory, MemberFactory


@dataclass
class Tree:
    hair: Node  # domain
    hairdresser: Node  # trade, ROME D1202
    vegetal: Node  # skill of the cooperative: "Coloration végétale"
    cut: Node  # skill
    digital: Node  # domain
    web: Node  # trade
    workshop: Node  # social skill


def node(code: str, label: str, kind: str, parent: Node | None = None, **extra: Any) -> Node:
    return services.node_create(
        actor=None,
        code=code,
        label=label,
        kind=kind,
        parent=parent,
        source=extra.pop("source", "builtin"),
        **extra,
    )


@pytest.fixture
def tree(db) -> Tree:
    hair = node("t-coif", "Coiffure et esthétique", "domain")
    hairdresser = node("t-coif.coiffeur", "Coiffeur·se", "trade", hair, rome_codes=["D1202"])
    services.alias_add(actor=None, node=hairdresser, label="Coiffeuse", kind="title")
    vegetal = node("t-coif.vegetal", "Coloration végétale", "skill", hairdresser, source="coop")
    cut = node("t-coif.coupe", "Coupe à domicile", "skill", hairdresser)
    digital = node("t-num", "Numérique", "domain")
    web = node("t-num.web", "Développeur·se web", "trade", digital)
    services.alias_add(actor=None, node=web, label="Développeuse web", kind="title")
    workshop = node("t-soc.atelier", "Animer un atelier", "skill", is_social=True)
    return Tree(hair, hairdresser, vegetal, cut, digital, web, workshop)


def make_profile(
    member: Member,
    *,
    skills: list[tuple[Node, int]] = (),  # type: ignore[assignment]
    presentation: str = "",
    zones: list[str] = (),  # type: ignore[assignment]
    activity: str | None = None,
    prices: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    **profile: Any,
) -> Member:
    """Give `member` a profile, skills (node, level) and prices (label, amount, visibility)."""
    if activity is not None:
        ActivityFactory(member=member, name=activity, description="", sector=None)
    services.profile_update(
        actor=None, member=member, presentation=presentation, zones=list(zones), **profile
    )
    for skill_node, level in skills:
        services.skill_set(actor=None, member=member, node=skill_node, level=level, years=5)
    for label, amount, visibility in prices:
        services.price_save(
            actor=None,
            member=member,
            label=label,
            amount=Decimal(amount),
            unit="prestation",
            visibility=visibility,
        )
    member.refresh_from_db()
    return member


@pytest.fixture
def priced(alice, tree) -> Member:
    """Alice, a hairdresser followed by antoine, with one price for each visibility."""
    return make_profile(
        alice,
        skills=[(tree.vegetal, 3), (tree.cut, 2), (tree.workshop, 2)],
        presentation="Coiffeuse à domicile, coloration végétale au henné.",
        zones=["93", "75"],
        activity="Les Ciseaux Verts",
        prices=[
            ("Tarif secret", "111.00", "me"),
            ("Tarif conseil", "222.00", "advisor"),
            ("Coupe à domicile", "35.00", "members"),
        ],
        days_per_week=Decimal("2.5"),
    )


PRICE_LABELS = {"me": "Tarif secret", "advisor": "Tarif conseil", "members": "Coupe à domicile"}


def leave(member: Member) -> Member:
    """The member leaves the cooperative yesterday (after a CAPE when they had no stage)."""
    if not member.stages.exists():
        start = timezone.localdate() - dt.timedelta(days=100)
        member_services.stage_add(actor=None, member=member, kind="cape", start=start)
    member_services.member_exit(
        actor=None,
        member=member,
        date=timezone.localdate() - dt.timedelta(days=1),
        reason="stopped",
    )
    member.refresh_from_db()
    return member


def png(width: int = 4, height: int = 3, name: str = "photo.png") -> SimpleUploadedFile:
    """A real, tiny PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def entrepreneur(**fields: Any) -> Member:
    """Another entrepreneur with an account (no advisor)."""
    return MemberFactory(**fields)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lexical_only(monkeypatch):
    """The pages are tested with the lexical search alone: whether the `[semantic]` extra is
    installed changes the order and suggestions, not what the pages do with them (and its
    model would embed the whole nomenclature in each test)."""
    from essaim.skills import semantic

    monkeypatch.setattr(semantic, "available", lambda: False)
