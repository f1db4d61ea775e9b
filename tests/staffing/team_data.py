"""Data of the staffing tests in the platform: a small nomenclature, members with profiles,
prices and stages, opportunities and done deals, all written through the services.

Import the fixtures you use into the test module (`from tests.staffing.team_data import
nodes  # noqa: F401`). Codes start with "st-" so that they never meet the built-in ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from essaim.core.models import User
from essaim.marketplace.models import Deal, DealKind, DealStatus
from essaim.marketplace.services.deals import ProviderShare, deal_create
from essaim.members import services as member_services
from essaim.members.models import Member
from essaim.skills import services as skill_services
from essaim.skills.models import Node
from essaim.staffing import services
from essaim.staffing.models import StaffingOpportunity
from tests.factories import MemberFactory


@dataclass
class Nodes:
    digital: Node  # domain
    web: Node  # trade, ROME M1805 (a ROME node of that code exists)
    frontend: Node  # skill below web
    rome_web: Node  # the ROME occupation M1805
    design: Node  # trade
    writing: Node  # trade
    photo: Node  # trade nobody holds


def _node(code: str, label: str, kind: str, parent: Node | None = None, **extra: Any) -> Node:
    return skill_services.node_create(
        actor=None,
        code=code,
        label=label,
        kind=kind,
        parent=parent,
        source=extra.pop("source", "builtin"),
        **extra,
    )


@pytest.fixture
def nodes(db) -> Nodes:
    digital = _node("st-num", "Numérique et communication", "domain")
    web = _node("st-num.web", "Développement web", "trade", digital, rome_codes=["M1805"])
    frontend = _node("st-num.web.front", "Intégration d'interfaces", "skill", web)
    rome_web = _node("M1805", "Études et développement informatique", "trade", source="rome")
    design = _node("st-num.graph", "Identité graphique", "trade", digital)
    writing = _node("st-num.redac", "Rédaction", "trade", digital)
    photo = _node("st-num.photo", "Photographie", "trade", digital)
    return Nodes(digital, web, frontend, rome_web, design, writing, photo)


def monday_in(weeks: int) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 * weeks - today.weekday())


# Four whole weeks, starting on a Monday five weeks from now.
START = monday_in(5)
END = START + dt.timedelta(days=27)


def person(
    first_name: str,
    last_name: str,
    *,
    skills: Sequence[tuple[Node, int]] = (),
    days_per_week: Decimal | None = Decimal("3"),
    zones: Sequence[str] = ("93",),
    remote: bool = True,
    prices: Sequence[tuple[str, str, str]] = (),  # amount, unit, visibility
    cape: bool = False,
    **profile: Any,
) -> Member:
    """An entrepreneur with a login, a profile, skills (node, level), prices; in CAPE since
    last year when `cape`, else in CESA (and so not in want of a first experience)."""
    member = MemberFactory(
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}.{last_name.lower()}@example.org",
    )
    start = timezone.localdate() - dt.timedelta(days=200)
    member_services.stage_add(
        actor=None, member=member, kind="cape" if cape else "cesa", start=start
    )
    skill_services.profile_update(
        actor=None,
        member=member,
        zones=list(zones),
        remote=remote,
        days_per_week=days_per_week,
        **profile,
    )
    for node, level in skills:
        skill_services.skill_set(actor=None, member=member, node=node, level=level, years=3)
    for amount, unit, visibility in prices:
        skill_services.price_save(
            actor=None,
            member=member,
            label=f"Prix {unit}",
            amount=Decimal(amount),
            unit=unit,
            visibility=visibility,
        )
    member.refresh_from_db()
    return member


def opportunity(
    organiser: User,
    roles: Sequence[tuple[Node, int, str]],  # node, min level, hours
    *,
    title: str = "Site et identité visuelle d'une ressourcerie",
    start: dt.date = START,
    end: dt.date = END,
    **fields: Any,
) -> StaffingOpportunity:
    return services.opportunity_create(
        actor=organiser,
        title=title,
        start_date=start,
        end_date=end,
        roles=[
            services.RoleSpec(node=node, min_level=level, hours=Decimal(hours))
            for node, level, hours in roles
        ],
        **fields,
    )


def done_deal(buyer: Member, providers: Sequence[Member], *, done: dt.date | None = None) -> Deal:
    """A done deal between members (no notifications)."""
    day = done or timezone.localdate() - dt.timedelta(days=30)
    return deal_create(
        actor=None,
        kind=DealKind.SUBCONTRACTING,
        title="Travail passé",
        buyer=buyer,
        providers=[ProviderShare(member=m) for m in providers],
        status=DealStatus.DONE,
        start_date=day - dt.timedelta(days=10),
        end_date=day,
        done_at=day,
        notify_parties=False,
    )


def user_of(member: Member) -> User:
    assert member.user is not None
    return member.user
