"""A tutoring case is strictly confidential: the member, their advisor and the invited
volunteers see it; nobody else — not management staff, not administrators, not other
advisors, not other members, not a volunteer who declined, not anonymous visitors. One test per
role, on the pages (404, the same answer as for a case that does not exist) and on the
selectors."""

# The fixtures imported from conftest are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from essaim.core.models import Role
from essaim.members import services as member_services
from essaim.tutoring import selectors, services
from essaim.tutoring.models import ActionItem, TutoringCase, Volunteer
from tests.factories import UserFactory
from tests.members.pages import login_url, text
from tests.tutoring.conftest import TITLE
from tests.tutoring.factories import accept, hold_session

NOT_FOUND = "Page introuvable"  # the same page as for any address that does not exist

GET_PAGES = ["detail", "consent", "session", "action_add", "follow_up"]
POST_PAGES = [
    "invite",
    "accept",
    "decline",
    "close",
    "consent_give",
    "consent_refuse",
]


@pytest.fixture
def reviewed(invited, alice, people):
    """Carol accepted, dan declined; the session is held with carol; one action for carol."""
    accept(invited, people.carol)
    services.volunteer_answer(actor=people.dan.user, case=invited, accept=False)
    hold_session(invited, people.carol)
    services.action_add(
        actor=alice.user,
        case=invited,
        action="Écrire un modèle de relance",
        owner=people.carol,
        due_date=timezone.localdate(),
    )
    invited.refresh_from_db()
    return invited


def outsider(request, who: str):
    """The login of each person who must not see alice's case."""
    if who == "admin":
        return UserFactory(email="admin@coop.example", role=Role.ADMIN)
    if who in ("dan", "eve"):
        return getattr(request.getfixturevalue("people"), who).user
    if who == "bob":
        return request.getfixturevalue("bob").user
    return request.getfixturevalue(who)


OUTSIDERS = ["claire", "admin", "berenice", "bob", "eve", "dan"]
INSIDERS = ["alice", "antoine", "carol"]


def insider(request, who: str):
    if who == "alice":
        return request.getfixturevalue("alice").user
    if who == "carol":
        return request.getfixturevalue("people").carol.user
    return request.getfixturevalue(who)


# ---------------------------------------------------------------- selectors


@pytest.mark.parametrize("who", INSIDERS)
def test_the_member_the_advisor_and_an_accepted_volunteer_see_the_case(request, reviewed, who):
    user = insider(request, who)

    assert selectors.case_visible(user=user, pk=reviewed.pk) == reviewed
    assert list(selectors.cases_visible_to(user)) == [reviewed]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_sees_the_case_through_the_selectors(request, reviewed, who):
    user = outsider(request, who)

    assert selectors.case_visible(user=user, pk=reviewed.pk) is None
    assert list(selectors.cases_visible_to(user)) == []
    found = selectors.my_cases(user)
    assert (found.own, found.invitations, found.followed, found.awaiting_consent) == (
        [],
        [],
        [],
        [],
    )


def test_anonymous_sees_nothing_through_the_selectors(reviewed):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.case_visible(user=AnonymousUser(), pk=reviewed.pk) is None
    assert list(selectors.cases_visible_to(AnonymousUser())) == []


def test_an_invited_volunteer_sees_the_case_until_they_decline(invited, people):
    carol = people.carol.user
    assert selectors.case_visible(user=carol, pk=invited.pk) == invited

    services.volunteer_answer(actor=carol, case=invited, accept=False)

    assert selectors.case_visible(user=carol, pk=invited.pk) is None
    assert selectors.my_cases(carol).invitations == []


def test_a_proposal_waiting_for_consent_is_seen_by_the_member_and_advisor_only(
    request, alice, antoine, tree
):
    case = services.case_propose(
        actor=antoine, member=alice, title=TITLE, situation="Situation", nodes=[tree.cut]
    )

    assert selectors.case_visible(user=alice.user, pk=case.pk) == case
    assert selectors.case_visible(user=antoine, pk=case.pk) == case
    assert [c.pk for c in selectors.my_cases(alice.user).awaiting_consent] == [case.pk]
    for who in ("claire", "berenice"):
        assert selectors.case_visible(user=request.getfixturevalue(who), pk=case.pk) is None


def test_a_new_advisor_takes_the_case_over_and_the_former_one_loses_it(case, alice, antoine):
    berenice = UserFactory(email="nouvelle@coop.example", role=Role.ADVISOR)
    member_services.advisor_assign(
        actor=None, member=alice, advisor=berenice, start=timezone.localdate()
    )

    assert selectors.case_visible(user=antoine, pk=case.pk) is None
    assert selectors.case_visible(user=berenice, pk=case.pk) == case


# ---------------------------------------------------------------- pages


def _urls(case: TutoringCase, names: list[str]) -> list[str]:
    return [reverse(f"tutoring:{name}", args=[case.pk]) for name in names]


def _done_url(case: TutoringCase) -> str:
    item = ActionItem.objects.get(case=case)
    return reverse("tutoring:action_done", args=[case.pk, item.pk])


@pytest.mark.parametrize("who", OUTSIDERS)
def test_every_page_of_the_case_is_a_404_for_anyone_else(client, request, reviewed, who):
    client.force_login(outsider(request, who))
    missing = reverse("tutoring:detail", args=[reviewed.pk + 1000])
    nowhere = client.get(missing)

    for url in _urls(reviewed, GET_PAGES):
        response = client.get(url)
        assert (url, response.status_code) == (url, 404)
        assert NOT_FOUND in text(response)
        assert TITLE not in text(response)
    for url in [*_urls(reviewed, POST_PAGES), _done_url(reviewed)]:
        assert (url, client.post(url, {"members": []}).status_code) == (url, 404)
    assert (nowhere.status_code, NOT_FOUND in text(nowhere)) == (404, True)
    # nothing changed behind the refusals
    reviewed.refresh_from_db()
    assert (reviewed.status, reviewed.closed_at) == ("session_held", None)
    assert ActionItem.objects.filter(done_at__isnull=False).count() == 0


@pytest.mark.parametrize("who", OUTSIDERS)
def test_mes_cas_does_not_list_the_case_for_anyone_else(client, request, reviewed, who):
    client.force_login(outsider(request, who))

    response = client.get(reverse("tutoring:mine"))

    assert TITLE not in text(response)
    # management staff and administrators have no tutoring page at all
    expected = 403 if who in ("claire", "admin") else 200
    assert response.status_code == expected


def test_anonymous_is_sent_to_login_from_every_page(client, reviewed):
    for url in [reverse("tutoring:mine"), *_urls(reviewed, GET_PAGES)]:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, login_url(url))
    for url in _urls(reviewed, POST_PAGES):
        response = client.post(url)
        assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.status == "session_held"


@pytest.mark.parametrize("who", INSIDERS)
def test_the_case_page_opens_for_those_who_see_it(client, request, reviewed, who):
    client.force_login(insider(request, who))

    response = client.get(reverse("tutoring:detail", args=[reviewed.pk]))

    assert response.status_code == 200
    assert TITLE in text(response)
    assert "Pas de relance écrite, pas d'acompte demandé." in text(response)


def test_a_declined_volunteer_gets_a_404(client, reviewed, people):
    client.force_login(people.dan.user)

    response = client.get(reverse("tutoring:detail", args=[reviewed.pk]))

    assert response.status_code == 404


def test_a_volunteer_cannot_run_the_case(client, reviewed, people):
    """Carol sees the case but neither invites, nor records, nor closes: 403."""
    client.force_login(people.carol.user)

    for name in ("session", "action_add", "follow_up"):
        assert client.get(reverse(f"tutoring:{name}", args=[reviewed.pk])).status_code == 403
    assert client.post(reverse("tutoring:invite", args=[reviewed.pk])).status_code == 403
    client.post(reverse("tutoring:close", args=[reviewed.pk]))
    reviewed.refresh_from_db()
    assert reviewed.closed_at is None


def test_the_cases_are_not_in_the_admin_site():
    for model in (TutoringCase, Volunteer, ActionItem):
        assert model not in admin.site._registry
