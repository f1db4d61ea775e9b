"""Fixtures and helpers of the deals tests: a third and a fourth entrepreneur, deals built
through the services, reading the pages.

Import the fixtures into a test module: `from tests.marketplace.deals_fixtures import carol`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from essaim.marketplace.models import Deal, DealKind, DealStatus
from essaim.marketplace.services.deals import ProviderShare, deal_create, deal_set_status
from essaim.members.models import Member
from tests.factories import MemberFactory


@pytest.fixture
def carol(db) -> Member:
    """A third entrepreneur, with a login, followed by nobody."""
    return MemberFactory(first_name="Carol", last_name="Petit", email="carol@example.org")


@pytest.fixture
def dan(db) -> Member:
    return MemberFactory(first_name="Dan", last_name="Roux", email="dan@example.org")


def make_deal(
    buyer: Member,
    providers: Sequence[Member],
    *,
    kind: str = DealKind.SUBCONTRACTING,
    title: str = "Site vitrine",
    amount: object = "1200.00",
    status: str = DealStatus.PLANNED,
    **fields: Any,
) -> Deal:
    """A deal recorded through the service (no notifications)."""
    return deal_create(
        actor=None,
        kind=kind,
        title=title,
        buyer=buyer,
        providers=[ProviderShare(member=m) for m in providers],
        amount=amount,
        status=status,
        notify_parties=False,
        **fields,
    )


def done_deal(buyer: Member, providers: Sequence[Member], **fields: Any) -> Deal:
    """A deal moved along planned → in progress → done, as its parties would."""
    deal = make_deal(buyer, providers, **fields)
    deal_set_status(actor=None, deal=deal, status=DealStatus.IN_PROGRESS)
    return deal_set_status(actor=None, deal=deal, status=DealStatus.DONE)


def text(response: HttpResponse) -> str:
    return html.unescape(response.content.decode())


def plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def queries_to_render(client: Any, url: str) -> int:
    """How many SQL queries one GET of `url` runs (after a first request warms caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def days_ago(n: int, today: dt.date | None = None) -> dt.date:
    from django.utils import timezone

    return (today or timezone.localdate()) - dt.timedelta(days=n)
