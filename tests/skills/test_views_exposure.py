"""The exposure page (staff): how often each member was shown and introduced."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from essaim.skills import services
from essaim.skills.models import Exposure
from tests.factories import MemberFactory
from tests.members.pages import (
    ROLE_REFUSED,
    fast_passwords,  # noqa: F401
    login_url,
    plain,
    queries_to_render,
    text,
    today,
)
from tests.skills.directory_data import leave

URL = reverse("skills:exposure")


def rows(response) -> list[list[str]]:
    body = text(response)
    tbody = body[body.index("<tbody>") : body.index("</tbody>")] if "<tbody>" in body else ""
    return [
        [plain(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
    ]


def shown(member, days_ago: int, times: int) -> None:
    Exposure.objects.create(member=member, day=today() - dt.timedelta(days=days_ago), shown=times)


@pytest.fixture
def exposures(claire, antoine, alice, bob):
    """Alice: 3 views today, 4 a week ago, 50 two months ago, introduced twice.
    Bob: 10 views yesterday, never introduced. Zoé has left."""
    shown(alice, 0, 3)
    shown(alice, 7, 4)
    shown(alice, 60, 50)
    shown(bob, 1, 10)
    shown(bob, 29, 1)  # the 30th day back is still in the last 30 days
    shown(bob, 30, 100)  # the 31st is not
    for reason in ("Besoin d'une coiffeuse", "Un mariage"):
        services.introduction_record(actor=antoine, member=alice, to_other="Mairie", reason=reason)
    zoe = leave(MemberFactory(first_name="Zoé", last_name="Partie"))
    shown(zoe, 0, 99)
    return {"alice": alice, "bob": bob}


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)

    assert (response.status_code, response.url) == (302, login_url(URL))


@pytest.mark.parametrize("persona", ["alice", "antoine"])
def test_entrepreneurs_and_advisors_are_refused(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    response = client.get(URL)

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


def test_staff_see_views_over_30_days_in_total_and_introductions(client, claire, exposures):
    client.force_login(claire)

    response = client.get(URL)

    # Most seen over the last 30 days first; Zoé, who left, is not in the directory.
    assert rows(response) == [
        ["Durand Bob", "—", "11", "111", "0"],
        ["Martin Alice", "—", "7", "57", "2"],
    ]


@pytest.mark.parametrize(
    ("order", "names"),
    [
        ("nom", ["Durand Bob", "Martin Alice"]),
        ("-nom", ["Martin Alice", "Durand Bob"]),
        ("vues30", ["Martin Alice", "Durand Bob"]),
        ("vues", ["Martin Alice", "Durand Bob"]),
        ("-vues", ["Durand Bob", "Martin Alice"]),
        ("relations", ["Durand Bob", "Martin Alice"]),
        ("-relations", ["Martin Alice", "Durand Bob"]),
        ("n'importe quoi", ["Durand Bob", "Martin Alice"]),  # the default: -vues30
    ],
)
def test_each_column_sorts(client, claire, exposures, order, names):
    client.force_login(claire)

    response = client.get(URL, {"tri": order})

    assert [row[0] for row in rows(response)] == names


def test_a_sorted_header_links_to_the_reverse_order(client, claire, exposures):
    client.force_login(claire)

    response = client.get(URL, {"tri": "nom"})

    assert '<th scope="col" aria-sort="ascending"><a href="?tri=-nom">Membre</a></th>' in text(
        response
    )


def test_the_list_is_paginated_and_keeps_its_order(client, claire, exposures, settings):
    settings.ESSAIM_PAGE_SIZE = 1
    client.force_login(claire)

    second = client.get(URL, {"tri": "nom", "page": "2"})

    assert [row[0] for row in rows(second)] == ["Martin Alice"]
    assert 'href="?tri=nom&page=1"' in text(second)


def test_the_exposure_page_runs_no_query_per_member(client, claire, antoine, db):
    client.force_login(claire)

    def member(n: int) -> None:
        m = MemberFactory(first_name=f"M{n}", last_name="Vu")
        shown(m, 0, n + 1)
        shown(m, 40, 3)
        services.introduction_record(actor=antoine, member=m, to_other="X", reason="Pourquoi")

    member(0)
    one = queries_to_render(client, URL)
    member(1)
    member(2)

    assert queries_to_render(client, URL) == one
    assert len(rows(client.get(URL))) == 3
