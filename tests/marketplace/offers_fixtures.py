"""Fixtures and shared functions of the offers and business-watch tests: offers and opportunities
written through the services, and a few readers of the rendered pages.

Import what a test module uses (`from tests.marketplace.offers_fixtures import tree, make_offer
# noqa: F401`). The small nomenclature is the directory tests' (codes "t-…").
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from essaim.core.models import User
from essaim.marketplace.models import Offer, Opportunity
from essaim.marketplace.services import offers as offer_services
from essaim.marketplace.services import watch as watch_services
from essaim.members.models import Member
from essaim.skills.models import Node
from tests.factories import MemberFactory
from tests.members.pages import days
from tests.skills.directory_data import Tree, leave, make_profile, tree  # noqa: F401

__all__ = [
    "Tree",
    "entrepreneur",
    "leave",
    "listed",
    "make_offer",
    "make_opportunity",
    "make_profile",
    "tree",
]


def entrepreneur(first_name: str, last_name: str = "Test", **fields: Any) -> Member:
    """A member with an entrepreneur's account (the factory gives every member one)."""
    return MemberFactory(
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}.{last_name.lower()}@example.org",
        **fields,
    )


def make_offer(
    member: Member,
    nodes: list[Node],
    *,
    title: str = "Coupe à domicile",
    description: str = "Je me déplace chez vous.",
    price: object = None,
    price_unit: str = "",
    audience: str = "members",
    active: bool = True,
    actor: User | None = None,
) -> Offer:
    return offer_services.offer_save(
        actor=actor,
        member=member,
        title=title,
        description=description,
        nodes=nodes,
        price=price,
        price_unit=price_unit,
        audience=audience,
        active=active,
    )


def make_opportunity(
    nodes: list[Node],
    *,
    title: str = "Refonte du site de la médiathèque",
    kind: str = "tender",
    deadline: dt.date | None = None,
    actor: User | None = None,
    **fields: Any,
) -> Opportunity:
    values: dict[str, Any] = {
        "description": "Un site accessible et facile à mettre à jour.",
        "client": "Ville de Montreuil",
        "source_url": "https://www.boamp.fr/avis/1",
        "zone": "93",
        "budget": Decimal("45000"),
    }
    values.update(fields)
    return watch_services.opportunity_post(
        actor=actor,
        kind=kind,
        title=title,
        nodes=nodes,
        deadline=deadline if deadline is not None else days(30),
        **values,
    )


def listed(response: HttpResponse, prefix: str, list_class: str = "cards") -> list[int]:
    """The ids linked as `<prefix><id>/` in the page's result list, in the order shown."""
    body = response.content.decode()
    marker = f'<ol class="{list_class}">'
    if marker not in body:
        return []
    start = body.index(marker)
    block = body[start : body.index("</ol>", start)]
    found = re.findall(rf'<h2><a href="{re.escape(prefix)}(\d+)/"', block)
    return [int(pk) for pk in found]
