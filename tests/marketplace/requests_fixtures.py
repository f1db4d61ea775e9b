"""Fixtures and helpers of the requests tests: entrepreneurs with profiles that a hairdressing
request matches (or not), requests and answers written through the services.

Import the fixtures into a test module (`from tests.marketplace.requests_fixtures import
hairdressers  # noqa: F401`); dates are counted from today, the day the services use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essaim.marketplace.models import RequestKind, RequestResponse, WorkRequest
from essaim.marketplace.services import requests as services
from essaim.members.models import Member
from essaim.skills.models import Node
from tests.factories import MemberFactory
from tests.members.pages import days
from tests.skills.directory_data import Tree, make_profile, tree  # noqa: F401


def entrepreneur(first_name: str, last_name: str | None = None, **fields: Any) -> Member:
    """An entrepreneur with a login (the factory gives each member an account)."""
    last_name = last_name or "Test"
    return MemberFactory(
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}.{last_name.lower()}@example.org",
        **fields,
    )


def hairdresser(
    first_name: str,
    tree: Tree,  # noqa: F811
    *,
    level: int = 3,
    zones: tuple[str, ...] = ("93",),
    remote: bool = False,
    days_per_week: str = "2",
    skill: Node | None = None,
    activity: str | None = None,
    **profile: Any,
) -> Member:
    """A member holding one hairdressing skill, with a profile (zones, availability)."""
    return make_profile(
        entrepreneur(first_name),
        skills=[(skill or tree.vegetal, level)],
        zones=list(zones),
        remote=remote,
        days_per_week=Decimal(days_per_week),
        activity=activity,
        **profile,
    )


@dataclass
class Hairdressers:
    carol: Member  # vegetal colouring, expert, in 93
    dan: Member  # haircut, confirmed, in 93


@pytest.fixture
def hairdressers(tree) -> Hairdressers:  # noqa: F811
    return Hairdressers(
        carol=hairdresser("Carol", tree, level=3, activity="Henné & Co"),
        dan=hairdresser("Dan", tree, level=2, skill=tree.cut),
    )


def make_request(
    author: Member,
    tree: Tree | None = None,  # noqa: F811
    *,
    skills: list[tuple[Node, int]] | None = None,
    publish: bool = True,
    title: str = "Coiffeuse pour un mariage",
    kind: str = RequestKind.SUBCONTRACTING,
    answer_deadline: dt.date | None = None,
    zone: str = "93",
    **fields: Any,
) -> WorkRequest:
    """A request written (and by default published) by `author` through the service."""
    if skills is None:
        assert tree is not None
        skills = [(tree.hairdresser, 1)]
    return services.request_create(
        actor=author.user,
        author=author,
        kind=kind,
        title=title,
        description=fields.pop("description", "Coiffure de la mariée et de six invitées."),
        answer_deadline=answer_deadline or days(20),
        skills=skills,
        zone=zone,
        publish=publish,
        **fields,
    )


def answer(
    request: WorkRequest, member: Member, price: object = "300.00", **fields: Any
) -> RequestResponse:
    return services.response_submit(
        actor=member.user,
        request=request,
        member=member,
        message=fields.pop("message", f"Bonjour, je suis {member.first_name}, disponible."),
        availability=fields.pop("availability", "Le samedi"),
        price=price,
        **fields,
    )


def queries_of(client: Any, url: str) -> int:
    """How many SQL queries one GET of `url` runs (after a first request warms caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)
