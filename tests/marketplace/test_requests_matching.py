"""Which members a published request matches, in what order, and who is told."""

# The fixtures imported from requests_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import pytest

from essaim.core.models import Notification
from essaim.marketplace.models import RequestMatch
from essaim.marketplace.selectors.matching import matching_members
from essaim.marketplace.selectors.requests import BoardFilters, request_board
from essaim.members.models import Member
from essaim.skills import services as skill_services
from tests.marketplace.requests_fixtures import (
    entrepreneur,
    hairdresser,
    hairdressers,  # noqa: F401
    make_request,
    tree,  # noqa: F401
)
from tests.members.pages import days, fast_passwords, today  # noqa: F401
from tests.skills.directory_data import leave


def matched(request, day=None) -> list[str]:
    """First names of the members the request matches on `day`, in the fair order."""
    names = dict(Member.objects.values_list("pk", "first_name"))
    return [names[m.member_id] for m in matching_members(request, today=day or today())]


def stored(request) -> list[tuple[int, str, int]]:
    return list(
        RequestMatch.objects.filter(request=request)
        .order_by("rank")
        .values_list("rank", "member__first_name", "covered")
    )


def test_publishing_stores_the_matching_members_and_tells_them(bob, tree, hairdressers):
    nobody = entrepreneur("Zoé")  # no profile, no skill
    request = make_request(bob, tree)

    assert sorted(name for _rank, name, _covered in stored(request)) == ["Carol", "Dan"]
    assert [rank for rank, _n, _c in stored(request)] == [1, 2]
    told = Notification.objects.filter(kind="request.match")
    assert sorted(n.user.first_name for n in told) == ["Carol", "Dan"]
    assert {n.title for n in told} == {
        "Une demande correspond à vos compétences : Coiffeuse pour un mariage"
    }
    assert {n.url for n in told} == {f"/marche/demandes/{request.pk}/"}
    assert not Notification.objects.filter(user=nobody.user).exists()
    assert not Notification.objects.filter(user=bob.user, kind="request.match").exists()


def test_a_draft_tells_nobody(bob, tree, hairdressers):
    make_request(bob, tree, publish=False)

    assert (RequestMatch.objects.count(), Notification.objects.count()) == (0, 0)


def test_the_zone_counts_unless_both_sides_work_remotely(bob, tree):
    hairdresser("Paris", tree, zones=("75",))
    hairdresser("Distance", tree, zones=("75",), remote=True)
    hairdresser("Local", tree, zones=("93",))

    in_93 = make_request(bob, tree, zone="93", publish=False)
    remote_93 = make_request(bob, tree, zone="93", remote=True, publish=False)
    anywhere = make_request(bob, tree, zone="", publish=False)

    assert sorted(matched(in_93)) == ["Local"]
    assert sorted(matched(remote_93)) == ["Distance", "Local"]
    assert sorted(matched(anywhere)) == ["Distance", "Local", "Paris"]


def test_the_minimum_level_counts(bob, tree):
    hairdresser("Debutante", tree, level=1)
    hairdresser("Confirmee", tree, level=2)
    hairdresser("Experte", tree, level=3)

    request = make_request(bob, tree, skills=[(tree.vegetal, 2)], publish=False)

    assert sorted(matched(request)) == ["Confirmee", "Experte"]


def test_a_skill_below_the_needed_one_answers_for_it(bob, tree):
    hairdresser("Coloriste", tree, skill=tree.vegetal)
    hairdresser("Webeuse", tree, skill=tree.web)

    request = make_request(bob, tree, skills=[(tree.hair, 1)], publish=False)

    assert matched(request) == ["Coloriste"]


def test_availability_counts(bob, tree):
    hairdresser("Libre", tree)
    hairdresser("Pleine", tree, days_per_week="0")
    hairdresser("Plus-tard", tree, available_from=days(60))
    hairdresser("Partie", tree, available_until=days(5))

    request = make_request(bob, tree, start_date=days(10), end_date=days(20), publish=False)

    assert matched(request) == ["Libre"]


def test_members_who_left_and_the_author_are_not_matched(bob, tree, hairdressers):
    leave(hairdressers.dan)
    skill_services.skill_set(actor=None, member=bob, node=tree.vegetal, level=3)
    skill_services.profile_update(actor=None, member=bob, zones=["93"], days_per_week=2)

    request = make_request(bob, tree)

    assert [name for _r, name, _c in stored(request)] == ["Carol"]


def test_those_who_cover_more_needed_skills_come_first_whatever_the_day(bob, tree):
    for name in ("Une", "Deux", "Trois", "Quatre"):
        hairdresser(name, tree, skill=tree.cut)
    both = hairdresser("Complete", tree, skill=tree.cut)
    skill_services.skill_set(actor=None, member=both, node=tree.vegetal, level=3)
    request = make_request(bob, tree, skills=[(tree.cut, 1), (tree.vegetal, 1)], publish=False)

    for shift in range(5):
        order = matched(request, days(shift))
        assert order[0] == "Complete"
        assert len(order) == 5


def test_the_fair_order_holds_all_day_and_changes_another_day(bob, tree):
    for name in ("Ana", "Basile", "Chloe", "Driss", "Elie", "Fanny", "Gael"):
        hairdresser(name, tree)
    request = make_request(bob, tree, publish=False)

    first = matched(request, today())

    assert matched(request, today()) == first
    assert sorted(first) == ["Ana", "Basile", "Chloe", "Driss", "Elie", "Fanny", "Gael"]
    # Seven members: two days giving the same order by chance is 1 in 5,040; five days, never.
    assert any(matched(request, days(n)) != first for n in range(1, 6))


def test_the_board_lists_what_matched_me(bob, alice, tree, hairdressers):
    mine = make_request(bob, tree, title="Pour Carol")
    make_request(alice, tree, skills=[(tree.web, 1)], title="Pour une développeuse")

    found = request_board(
        user=hairdressers.carol.user, filters=BoardFilters(matching=hairdressers.carol)
    )

    assert [r.title for r in found] == [mine.title]
    assert [r.matches_me for r in found] == [True]


@pytest.mark.parametrize("persona", ["antoine", "claire"])
def test_the_board_shows_no_match_flag_to_the_accompaniment(request, bob, tree, persona):
    make_request(bob, tree)
    user = request.getfixturevalue(persona)

    assert [r.matches_me for r in request_board(user=user)] == [False]
