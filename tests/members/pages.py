"""Helpers for the tests of the members pages: dated fixtures and reading rendered HTML.

Dates are computed from `timezone.localdate()`, the day the views themselves use, so the
tests hold whatever day they run.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from essaim.core.models import User
from essaim.members import services
from essaim.members.models import Member, Sector
from tests.factories import ActivityFactory, MemberFactory

ROLE_REFUSED = "Cette page n'est pas accessible avec votre rôle."
MEMBER_REFUSED = "Vous ne pouvez pas consulter la fiche de ce membre."


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Personas are created with a password: hash it fast (import this into a test module)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    """`n` days from today (negative: in the past)."""
    return today() + dt.timedelta(days=n)


def fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def login_url(next_path: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={quote(next_path)}"


def text(response: HttpResponse) -> str:
    """The response body as text, tags kept, entities decoded."""
    return html.unescape(response.content.decode())


def plain(fragment: str) -> str:
    """A fragment of HTML as the words a reader sees: tags dropped, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(response: HttpResponse, start: str, end: str) -> str:
    """The HTML between the first `start` marker and the next `end` marker."""
    body = response.content.decode()
    begin = body.index(start)
    return body[begin : body.index(end, begin)]


def card(response: HttpResponse, heading_id: str) -> str:
    """The readable text of the `<section>` headed by `heading_id`."""
    body = response.content.decode()
    begin = body.rindex("<section", 0, body.index(f'aria-labelledby="{heading_id}"'))
    return plain(body[begin : body.index("</section>", begin)])


def items(fragment: str, tag: str = "li") -> list[str]:
    """The readable text of each `<tag>` of a fragment, in order."""
    return [plain(m) for m in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", fragment, re.S)]


def timeline(response: HttpResponse) -> list[str]:
    return items(section(response, '<ol class="timeline"', "</ol>"))


def listed_member_ids(response: HttpResponse) -> list[int]:
    """The members of a list page (or of its htmx partial), in the order shown."""
    results = section(response, '<div class="results">', "</div>")
    return [int(pk) for pk in re.findall(r'href="/membres/(\d+)/"', results)]


def errors(response: HttpResponse) -> list[str]:
    """Every error message shown on a form page, as read on screen."""
    body = response.content.decode()
    found = [plain(m) for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', body, re.S)]
    for block in re.findall(r'<div class="errors"[^>]*>(.*?)</div>', body, re.S):
        found += items(block, "p")
    return found


def page_messages(response: HttpResponse) -> list[str]:
    body = response.content.decode()
    return [plain(m) for m in re.findall(r'<p class="message[^"]*">(.*?)</p>', body, re.S)]


def make_member(
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    advisor: User | None = None,
    stages: Sequence[dict[str, Any]] = (),
    activity: str | None = None,
    sector: Sector | None = None,
    exit: tuple[dt.date, str] | None = None,
    **fields: Any,
) -> Member:
    """A member built through the services, so the derived columns and the audit are real."""
    names = {k: v for k, v in (("first_name", first_name), ("last_name", last_name)) if v}
    member = MemberFactory(**names, **fields)
    if advisor is not None:
        services.advisor_assign(actor=None, member=member, advisor=advisor, start=days(-1000))
    for stage in stages:
        services.stage_add(actor=None, member=member, **stage)
    if activity is not None:
        ActivityFactory(member=member, name=activity, sector=sector)
    if exit is not None:
        services.member_exit(actor=None, member=member, date=exit[0], reason=exit[1])
    member.refresh_from_db()
    return member


def queries_to_render(client: Any, url: str) -> int:
    """How many SQL queries one GET of `url` runs (after a first request warms caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)
