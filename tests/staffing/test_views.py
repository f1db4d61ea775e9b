"""Staffing pages: who may see and do what (a refusal test for each page), the forms, the
explanations of a proposed team, the member's invitations, and the query counts of lists."""

# The fixtures imported from team_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.staffing import services
from essaim.staffing.models import (
    Invitation,
    InvitationStatus,
    PriorityPolicy,
    StaffingOpportunity,
)
from tests.members.pages import (
    ROLE_REFUSED,
    errors,
    fast_passwords,  # noqa: F401
    login_url,
    page_messages,
    plain,
    queries_to_render,
    text,
)
from tests.skills.directory_data import lexical_only  # noqa: F401
from tests.staffing.team_data import END, START, nodes, opportunity, person, user_of  # noqa: F401

pytestmark = pytest.mark.usefixtures("lexical_only")

LIST = reverse("staffing:list")
CREATE = reverse("staffing:create")
MINE = reverse("staffing:my_invitations")
POLICY = reverse("staffing:policy")
SUGGEST = reverse("staffing:skill_suggestions")
NOT_YOURS = "Cette opportunité ne vous concerne pas."
MANAGERS_ONLY = "Seuls l'organisateur·rice et l'équipe de gestion peuvent faire cela."


@pytest.fixture
def team(nodes):
    """Ali does web (50 €/h), Bea design (40 €/h); Ali once worked with Bruno (design)."""
    from tests.staffing.team_data import done_deal

    found = {
        "ali": person("Ali", "Web", skills=[(nodes.web, 3)], prices=[("50", "heure", "members")]),
        "bea": person(
            "Bea", "Graph", skills=[(nodes.design, 2)], prices=[("40", "heure", "members")]
        ),
        "bruno": person(
            "Bruno", "Graph", skills=[(nodes.design, 3)], prices=[("60", "heure", "members")]
        ),
    }
    done_deal(found["ali"], [found["bruno"]])
    return found


@pytest.fixture
def job(claire, nodes, team):
    return opportunity(claire, [(nodes.web, 2, "40"), (nodes.design, 2, "20")])


@pytest.fixture
def inviting(claire, job):
    """The best team (Ali and Bea) is invited."""
    proposals = services.opportunity_solve(actor=claire, opportunity=job)
    services.team_invite(actor=claire, proposal=proposals[0])
    return job


@pytest.fixture
def outsider(db):
    return person("Hors", "Sujet")


def detail(job) -> str:
    return reverse("staffing:detail", args=[job.pk])


def login(client, who) -> None:
    client.force_login(getattr(who, "user", None) or who)


# ---------------------------------------------------------------- who may see what


@pytest.mark.parametrize("url", [LIST, CREATE, MINE, POLICY])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert (response.status_code, response.url) == (302, login_url(url))


def test_anonymous_is_sent_to_login_from_an_opportunity(client, job):
    response = client.get(detail(job))

    assert (response.status_code, response.url) == (302, login_url(detail(job)))


@pytest.mark.parametrize(
    ("persona", "listed"),
    [("claire", 1), ("antoine", 1), ("outsider", 0), ("ali", 1), ("bruno", 0)],
)
def test_the_list_shows_staff_and_advisors_everything_members_their_invitations(
    client, request, inviting, team, persona, listed
):
    who = team.get(persona) or request.getfixturevalue(persona)
    login(client, who)

    response = client.get(LIST)

    assert response.status_code == 200
    assert len(re.findall(r'href="/staffing/\d+/"', text(response))) == listed


def test_an_entrepreneur_lists_the_opportunities_they_organise(client, nodes, outsider):
    opportunity(user_of(outsider), [(nodes.web, 2, "10")], title="La mienne")
    login(client, outsider)

    assert "La mienne" in text(client.get(LIST))


def test_advisors_do_not_create_opportunities(client, antoine):
    login(client, antoine)

    response = client.get(CREATE)

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


@pytest.mark.parametrize("persona", ["outsider", "bruno"])
def test_an_entrepreneur_neither_organiser_nor_invited_is_refused(
    client, request, inviting, team, persona
):
    login(client, team.get(persona) or request.getfixturevalue(persona))

    response = client.get(detail(inviting))

    assert response.status_code == 403
    assert NOT_YOURS in text(response)


def test_advisors_see_the_team_read_only(client, antoine, inviting):
    login(client, antoine)

    body = text(client.get(detail(inviting)))

    assert "Équipes proposées" in body and "Invitations" in body
    for action in ("Proposer des équipes", "Inviter cette équipe", "Annuler l'opportunité"):
        assert action not in body


def test_an_invited_member_sees_the_opportunity_and_their_own_invitation_only(
    client, inviting, team
):
    login(client, team["bea"])

    response = client.get(detail(inviting))

    body = plain(text(response))
    assert response.status_code == 200
    assert "Votre invitation" in body and "Accepter" in body
    for hidden in ("Équipes proposées", "Ali Web", "Coût horaire", "Proposer des équipes"):
        assert hidden not in body


def test_an_entrepreneur_organiser_manages_their_opportunity(client, nodes, team):
    orga = person("Orga", "Niseuse")
    job = opportunity(user_of(orga), [(nodes.web, 2, "40")])
    login(client, orga)

    response = client.post(reverse("staffing:solve", args=[job.pk]), follow=True)

    assert "Équipe 1" in text(response)
    assert "Inviter cette équipe" in text(response)


ACTIONS = ["edit", "solve", "resolve", "cancel", "project_group"]


@pytest.mark.parametrize("persona", ["antoine", "outsider", "bea"])
@pytest.mark.parametrize("action", ACTIONS)
def test_only_the_organiser_and_management_act_on_an_opportunity(
    client, request, inviting, team, persona, action
):
    who = team.get(persona) or request.getfixturevalue(persona)
    login(client, who)
    url = reverse(f"staffing:{action}", args=[inviting.pk])

    response = client.get(url) if action == "edit" else client.post(url)

    assert response.status_code == 403
    body = text(response)
    assert (ROLE_REFUSED if persona == "antoine" else MANAGERS_ONLY) in body


@pytest.mark.parametrize("persona", ["antoine", "bea"])
def test_only_the_organiser_and_management_invite(client, request, claire, job, team, persona):
    proposal = services.opportunity_solve(actor=claire, opportunity=job)[0]
    login(client, team.get(persona) or request.getfixturevalue(persona))

    response = client.post(reverse("staffing:invite", args=[proposal.pk]))

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_actions_are_posted_not_got(client, claire, job):
    login(client, claire)

    assert client.get(reverse("staffing:solve", args=[job.pk])).status_code == 405


@pytest.mark.parametrize("persona", ["claire", "antoine"])
def test_invitations_are_a_members_page(client, request, persona):
    login(client, request.getfixturevalue(persona))

    response = client.get(MINE)

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


@pytest.mark.parametrize("persona", ["claire", "outsider", "ali"])
@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_only_the_invited_member_answers(client, request, inviting, team, persona, answer):
    invitation = Invitation.objects.get(member=team["bea"])
    login(client, team.get(persona) or request.getfixturevalue(persona))

    response = client.post(reverse(f"staffing:{answer}", args=[invitation.pk]))

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_the_policy_is_set_by_management_and_read_by_advisors(client, claire, antoine, outsider):
    data = {
        "valid_from": "2099-01-01",
        "trust_weight": "80",
        "priority_weight": "150,5",
        "default_hourly_cost": "42",
        "low_activity_months": "9",
        "low_activity_bonus": "1",
        "cape_first_bonus": "2",
    }
    login(client, outsider)
    assert client.get(POLICY).status_code == 403
    login(client, antoine)
    read = client.get(POLICY)
    assert read.status_code == 200 and "Fixer une nouvelle politique" not in text(read)
    assert client.post(POLICY, data).status_code == 403
    assert not PriorityPolicy.objects.exists()
    login(client, claire)

    response = client.post(POLICY, data, follow=True)

    assert page_messages(response) == ["Politique de priorité enregistrée."]
    assert PriorityPolicy.objects.get().priority_weight == Decimal("150.50")


def test_a_policy_cannot_start_in_the_past(client, claire):
    login(client, claire)

    response = client.post(POLICY, {"valid_from": "2001-01-01", "trust_weight": "1"})

    assert "Une politique ne change pas le passé : choisissez aujourd'hui ou plus tard." in errors(
        response
    )


def test_skill_suggestions_fill_one_role_row(client, nodes, outsider, antoine):
    login(client, antoine)
    assert client.get(SUGGEST, {"prefix": "roles-2", "roles-2-skill": "graph"}).status_code == 403
    login(client, outsider)

    response = client.get(SUGGEST, {"prefix": "roles-2", "roles-2-skill": "graph"})

    radios = re.findall(r'<input type="radio" name="([^"]+)"[^>]*value="([^"]+)"', text(response))
    assert {name for name, _code in radios} == {"roles-2-choice"}
    assert ("roles-2-choice", "st-num.graph") in radios
    assert client.get(SUGGEST, {"prefix": "x", "x-skill": "graph"}).status_code == 400


# ---------------------------------------------------------------- create and edit


def form_data(roles: list[dict[str, str]], **fields: str) -> dict[str, str]:
    data = {
        "title": "Identité visuelle",
        "description": "Pour une ressourcerie.",
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "zone": "93",
        "budget": "4500,50",
        "max_team_size": "3",
        "roles-TOTAL_FORMS": "8",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "8",
        **fields,
    }
    for i in range(8):
        data[f"roles-{i}-min_level"] = "2"
    for i, role in enumerate(roles):
        data.update({f"roles-{i}-{k}": v for k, v in role.items()})
    return data


def test_the_create_page_shows_eight_role_rows(client, claire):
    login(client, claire)

    body = text(client.get(CREATE))

    assert len(re.findall(r'name="roles-\d-skill"', body)) == 8
    assert "Ajouter d'autres rôles" in body


def test_staff_create_an_opportunity_with_roles_by_code_name_or_choice(client, claire, nodes):
    login(client, claire)

    response = client.post(
        CREATE,
        form_data(
            [
                {"skill": "st-num.web", "hours": "40"},
                {"skill": "Identité graphique", "hours": "12,5", "min_level": "1", "label": "Logo"},
                {"skill": "réd", "choice": "st-num.redac", "hours": "8"},
            ]
        ),
        follow=True,
    )

    job = StaffingOpportunity.objects.get()
    assert response.redirect_chain == [(detail(job), 302)]
    assert (job.title, job.organiser, job.budget, job.zone, job.max_team_size) == (
        "Identité visuelle",
        claire,
        Decimal("4500.50"),
        "93",
        3,
    )
    assert [(r.name, r.node.code, r.min_level, r.hours) for r in job.roles.all()] == [
        ("Développement web", "st-num.web", 2, Decimal("40.0")),
        ("Logo", "st-num.graph", 1, Decimal("12.5")),
        ("Rédaction", "st-num.redac", 2, Decimal("8.0")),
    ]


def test_the_create_page_says_what_is_wrong_and_where(client, claire, nodes):
    login(client, claire)

    response = client.post(
        CREATE,
        form_data(
            [{"skill": "inconnu du tout", "hours": "4"}, {"skill": "st-num.web"}],
            end_date=(START.replace(day=1) if START.day > 1 else START).isoformat(),
            start_date=END.isoformat(),
        ),
    )

    assert response.status_code == 200
    assert errors(response) == [
        "La fin est avant le début : corrigez les dates.",
        "« inconnu du tout » n'est ni un code ni un nom de compétence connu : choisissez parmi "
        "les suggestions.",
        "Indiquez le nombre d'heures de ce rôle.",
    ]
    assert not StaffingOpportunity.objects.exists()


def test_an_opportunity_needs_a_role(client, claire, nodes):
    login(client, claire)

    response = client.post(CREATE, form_data([]))

    assert errors(response) == [
        "Décrivez au moins un rôle : une compétence, un niveau, des heures."
    ]


def test_editing_shows_the_roles_and_can_remove_one(client, claire, job):
    login(client, claire)
    url = reverse("staffing:edit", args=[job.pk])
    page = text(client.get(url))
    assert 'value="st-num.graph" checked' in page
    data = form_data(
        [
            {"skill": "Développement web", "choice": "st-num.web", "hours": "30"},
            {
                "skill": "Identité graphique",
                "choice": "st-num.graph",
                "hours": "20",
                "DELETE": "on",
            },
        ],
        **{"roles-INITIAL_FORMS": "2"},
    )

    client.post(url, data)

    assert [(r.node.code, r.hours) for r in job.roles.all()] == [("st-num.web", Decimal("30.0"))]


def test_once_invited_the_opportunity_is_not_edited(client, claire, inviting):
    login(client, claire)

    response = client.get(reverse("staffing:edit", args=[inviting.pk]), follow=True)

    assert page_messages(response) == [
        "Des membres sont déjà invités : l'opportunité ne peut plus être modifiée."
    ]


def test_an_opportunity_starts_from_a_request_of_the_marketplace(client, claire, team):
    from essaim.marketplace.models import WorkRequest

    asked = WorkRequest.objects.create(
        author=team["ali"],
        kind="cocontracting",
        title="Appel d'offres mairie",
        description="Site de la mairie.",
        answer_deadline=START,
        status="open",
        budget=Decimal("9000"),
    )
    login(client, claire)

    page = text(client.get(CREATE, {"demande": asked.pk}))
    client.post(f"{CREATE}?demande={asked.pk}", form_data([{"skill": "st-num.web", "hours": "8"}]))

    assert 'value="Appel d\'offres mairie"' in page and 'value="9000,00"' in page
    assert StaffingOpportunity.objects.get().request == asked


def test_an_opportunity_starts_from_the_business_watch(client, outsider, nodes):
    from essaim.marketplace.models import Opportunity

    spotted = Opportunity.objects.create(kind="tender", title="Marché public vidéo", zone="93")
    login(client, outsider)

    page = text(client.get(CREATE, {"opportunite": spotted.pk}))
    client.post(
        f"{CREATE}?opportunite={spotted.pk}", form_data([{"skill": "st-num.web", "hours": "8"}])
    )

    assert 'value="Marché public vidéo"' in page
    assert StaffingOpportunity.objects.get().opportunity == spotted


# ---------------------------------------------------------------- the team and its story


def test_proposals_explain_each_member(client, claire, job, team):
    login(client, claire)

    response = client.post(reverse("staffing:solve", args=[job.pk]), follow=True)

    assert page_messages(response) == [
        "Propositions d'équipe calculées : comparez-les, puis invitez une équipe."
    ]
    cards = [
        plain(c)
        for c in re.findall(r'<article class="card proposal".*?</article>', text(response), re.S)
    ]
    assert len(cards) == 2
    assert "Ali Web Développement web : Développement web, niveau Expert·e, 40,0 h" in cards[0]
    assert "Bea Graph" in cards[0]
    assert "Priorité 1 : aucune affaire terminée depuis 12 mois" in cards[0]
    assert "Coût horaire 50,00 € (son tarif à l'heure)" in cards[0]
    assert "Disponible 84 h sur la période" in cards[0]
    assert "A déjà travaillé avec Bruno Graph" in cards[1]
    assert "N'a pas encore travaillé avec les autres membres de cette équipe" in cards[0]


def test_no_team_says_which_roles_nobody_can_take(client, claire, nodes, team):
    job = opportunity(claire, [(nodes.photo, 1, "8")])
    login(client, claire)

    response = client.post(reverse("staffing:solve", args=[job.pk]), follow=True)

    body = plain(text(response))
    assert "Aucune équipe ne répond à cette opportunité : voyez pourquoi." in body
    assert "Aucun membre disponible ne peut tenir ces rôles : Photographie" in body


def test_the_whole_story_through_the_pages(client, claire, job, team):
    login(client, claire)
    client.post(reverse("staffing:solve", args=[job.pk]))
    best = job.proposals.get(rank=1)
    client.post(reverse("staffing:invite", args=[best.pk]))
    login(client, team["bea"])
    mine = client.get(MINE)
    assert "Site et identité visuelle d'une ressourcerie" in text(mine)
    bea_invitation = Invitation.objects.get(member=team["bea"])
    declined = client.post(reverse("staffing:decline", args=[bea_invitation.pk]), follow=True)
    assert page_messages(declined) == [
        "C'est noté : vous avez décliné « Site et identité visuelle d'une ressourcerie »."
    ]
    login(client, claire)
    page = plain(text(client.get(detail(job))))
    assert "Rôles à repourvoir : Identité graphique" in page
    client.post(reverse("staffing:resolve", args=[job.pk]))
    for name in ("ali", "bruno"):
        login(client, team[name])
        invitation = Invitation.objects.get(member=team[name])
        client.post(reverse("staffing:accept", args=[invitation.pk]))

    login(client, claire)
    body = plain(text(client.get(detail(job))))

    job.refresh_from_db()
    assert job.deal is not None
    assert "L'équipe est formée" in body
    assert f"Affaire de cotraitance « {job.title} »" in body
    assert "Ouvrir un groupe projet pour l'équipe" in body

    response = client.post(reverse("staffing:project_group", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[job.project_group_id])
    assert "Le groupe projet de l'équipe" in plain(text(client.get(detail(job))))


# ---------------------------------------------------------------- query counts of lists


def test_the_list_runs_the_same_queries_for_one_or_three_opportunities(client, claire, nodes):
    login(client, claire)
    opportunity(claire, [(nodes.web, 2, "4")])
    one = queries_to_render(client, LIST)
    opportunity(claire, [(nodes.web, 2, "4"), (nodes.design, 1, "3")])
    opportunity(claire, [(nodes.design, 1, "3")])

    assert queries_to_render(client, LIST) == one


def invite_to(claire, nodes, member, title: str) -> Invitation:
    job = opportunity(claire, [(nodes.web, 2, "4"), (nodes.design, 1, "2")], title=title)
    invitation = Invitation.objects.create(
        opportunity=job, member=member, hours=Decimal("6"), hourly_cost=Decimal("40")
    )
    invitation.roles.set(job.roles.all())
    return invitation


def test_a_members_lists_run_the_same_queries_for_one_or_three_invitations(
    client, claire, nodes, outsider
):
    login(client, outsider)
    invite_to(claire, nodes, outsider, "Une")
    one_mine, one_list = queries_to_render(client, MINE), queries_to_render(client, LIST)
    invite_to(claire, nodes, outsider, "Deux")
    invite_to(claire, nodes, outsider, "Trois")

    assert (queries_to_render(client, MINE), queries_to_render(client, LIST)) == (
        one_mine,
        one_list,
    )
    assert "Trois" in text(client.get(MINE))
