"""Staffing services: describing an opportunity, solving, inviting, answering, solving again
without the members who declined, forming the team as a co-contracting deal, the policy."""

# The fixtures imported from team_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from essaim.core.models import AuditEntry, Notification
from essaim.marketplace.models import Deal, DealKind, DealOrigin, DealStatus
from essaim.staffing import services
from essaim.staffing.models import (
    Invitation,
    InvitationStatus,
    OpportunityStatus,
    PriorityPolicy,
    Proposal,
)
from tests.skills.directory_data import lexical_only  # noqa: F401
from tests.staffing.team_data import (  # noqa: F401
    END,
    START,
    done_deal,
    nodes,
    opportunity,
    person,
    user_of,
)

pytestmark = pytest.mark.usefixtures("lexical_only")


@pytest.fixture
def people(nodes):
    """Web, design and writing people, each at a known hourly price; Ali (web) once worked
    with Bruno (design) — recently, so neither is "low activity"."""
    hour = "heure"
    found = {
        "ali": person("Ali", "Web", skills=[(nodes.web, 3)], prices=[("50", hour, "members")]),
        "bea": person("Bea", "Graph", skills=[(nodes.design, 2)], prices=[("40", hour, "members")]),
        "bruno": person(
            "Bruno", "Graph", skills=[(nodes.design, 3)], prices=[("60", hour, "members")]
        ),
        "chloe": person(
            "Chloe", "Redac", skills=[(nodes.writing, 2)], prices=[("45", hour, "members")]
        ),
        "camille": person(
            "Camille", "Redac", skills=[(nodes.writing, 2)], prices=[("70", hour, "members")]
        ),
    }
    done_deal(found["ali"], [found["bruno"]])
    return found


@pytest.fixture
def job(claire, nodes, people):
    """Three roles: web 40 h, design 20 h, writing 10 h; organised by Claire (staff)."""
    return opportunity(
        claire, [(nodes.web, 2, "40"), (nodes.design, 2, "20"), (nodes.writing, 2, "10")]
    )


def team_names(proposal: Proposal) -> list[str]:
    return sorted(str(a.member) for a in proposal.assignments.all())


def invitation_of(job, member) -> Invitation:
    return Invitation.objects.get(opportunity=job, member=member)


# ---------------------------------------------------------------- describing


def test_an_opportunity_is_written_with_its_roles_in_order(claire, nodes):
    job = opportunity(
        claire,
        [(nodes.design, 1, "12.5"), (nodes.web, 3, "40")],
        description="  Refonte  ",
        zone="93",
        budget="4 500,50",
        max_team_size=2,
    )

    assert (job.organiser, job.status, job.description, job.budget, job.zone) == (
        claire,
        OpportunityStatus.DRAFT,
        "Refonte",
        Decimal("4500.50"),
        "93",
    )
    assert [(r.node.code, r.min_level, r.hours) for r in job.roles.order_by("position")] == [
        ("st-num.graph", 1, Decimal("12.5")),
        ("st-num.web", 3, Decimal("40.0")),
    ]
    assert AuditEntry.objects.filter(action="staffing.opportunity_created").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"roles": []}, "roles", "Décrivez au moins un rôle."),
        ({"end": START - dt.timedelta(days=1)}, "end_date", "La fin est avant le début"),
        ({"budget": "-5"}, "budget", "Le montant ne peut pas être négatif."),
        ({"zone": "99"}, "zone", "« 99 » n'est pas un département français."),
        ({"max_team_size": 0}, "max_team_size", "La taille de l'équipe va de 1 à 20"),
        ({"title": "  "}, "title", "Donnez un titre à cette opportunité."),
    ],
)
def test_bad_input_is_refused_with_a_french_message_and_nothing_written(
    claire, nodes, change, field, message
):
    roles = change.pop("roles", [(nodes.web, 2, "40")])
    with pytest.raises(ValidationError) as refused:
        opportunity(claire, roles, **change)

    assert message in " ".join(refused.value.message_dict[field])
    assert not Deal.objects.exists()
    from essaim.staffing.models import StaffingOpportunity

    assert not StaffingOpportunity.objects.exists()


def test_role_hours_and_count_are_checked(claire, nodes):
    with pytest.raises(ValidationError) as no_hours:
        opportunity(claire, [(nodes.web, 2, "0")])
    with pytest.raises(ValidationError) as too_many:
        opportunity(claire, [(nodes.web, 2, "4")] * 9)

    assert no_hours.value.message_dict["roles"] == [
        "Rôle 1 : indiquez un nombre d'heures entre 0,5 et 9 999."
    ]
    assert too_many.value.message_dict["roles"] == ["8 rôles au plus par opportunité."]


def test_an_advisor_does_not_create_opportunities(antoine, nodes):
    with pytest.raises(PermissionDenied):
        opportunity(antoine, [(nodes.web, 2, "40")])


def test_an_entrepreneur_organises_their_own(nodes):
    orga = person("Orga", "Niseuse")

    job = opportunity(user_of(orga), [(nodes.web, 2, "40")])

    assert job.organiser == orga.user


# ---------------------------------------------------------------- solving


def test_solving_keeps_the_best_teams_with_their_explanations(claire, job, people):
    proposals = services.opportunity_solve(actor=claire, opportunity=job)

    job.refresh_from_db()
    assert job.status == OpportunityStatus.PROPOSED
    assert [(p.round, p.rank, p.solve_status) for p in proposals] == [
        (1, 1, "optimal"),
        (1, 2, "optimal"),
        (1, 3, "optimal"),
    ]
    assert [team_names(p) for p in proposals] == [
        ["Ali Web", "Bea Graph", "Chloe Redac"],
        ["Ali Web", "Bea Graph", "Camille Redac"],
        ["Ali Web", "Bruno Graph", "Chloe Redac"],
    ]
    # 40 h × 50 + 20 h × 40 + 10 h × 45; priority 1 for Bea and Chloe (no recent deal)
    assert proposals[0].cost == Decimal("3250.00")
    assert proposals[0].score == pytest.approx(2 * 200 - 3250)
    ali, bruno = people["ali"], people["bruno"]
    web_role = job.roles.order_by("position")[0]
    assert proposals[2].explanation[str(ali.pk)] == {
        "fits": {str(web_role.pk): {"skill": "Développement web", "level": 3}},
        "available_hours": "84",
        "hourly_cost": "50.00",
        "cost_source": "hour",
        "priority": "0",
        "reasons": [],
        "worked_with": {str(bruno.pk): 0.48},
        "fixed": False,
    }
    assert proposals[0].explanation[str(people["bea"].pk)]["reasons"] == ["low_activity"]
    assert job.last_solve["status"] == "optimal"
    assert job.last_solve["candidates"] == 5


def test_solving_again_replaces_the_proposals_shown(claire, job):
    services.opportunity_solve(actor=claire, opportunity=job, top=1)
    again = services.opportunity_solve(actor=claire, opportunity=job, top=2)

    assert [(p.round, p.rank) for p in again] == [(2, 1), (2, 2)]


def test_when_nobody_holds_a_skill_no_team_is_proposed_and_the_role_is_named(claire, nodes, people):
    job = opportunity(claire, [(nodes.web, 2, "40"), (nodes.photo, 1, "8")])

    assert services.opportunity_solve(actor=claire, opportunity=job) == []

    job.refresh_from_db()
    assert job.status == OpportunityStatus.DRAFT
    assert (job.last_solve["status"], job.last_solve["uncoverable"]) == (
        "infeasible",
        ["Photographie"],
    )


def test_a_budget_too_small_for_any_team_gives_no_team(claire, nodes, people):
    job = opportunity(claire, [(nodes.web, 2, "40")], budget="1000")

    assert services.opportunity_solve(actor=claire, opportunity=job) == []
    job.refresh_from_db()
    assert (job.last_solve["status"], job.last_solve["uncoverable"]) == ("infeasible", [])


def test_only_the_organiser_or_management_solves(job, antoine, people):
    with pytest.raises(PermissionDenied):
        services.opportunity_solve(actor=antoine, opportunity=job)
    with pytest.raises(PermissionDenied):
        services.opportunity_solve(actor=user_of(people["ali"]), opportunity=job)


# ---------------------------------------------------------------- inviting and answering


def invited(claire, job) -> list[Invitation]:
    proposals = services.opportunity_solve(actor=claire, opportunity=job)
    return services.team_invite(actor=claire, proposal=proposals[0])


def test_inviting_a_team_invites_each_member_to_their_roles_and_tells_them(claire, job, people):
    invitations = invited(claire, job)

    job.refresh_from_db()
    assert job.status == OpportunityStatus.INVITING
    assert sorted(
        (str(i.member), [r.node.code for r in i.roles.all()], i.hours, i.hourly_cost, i.status)
        for i in invitations
    ) == [
        ("Ali Web", ["st-num.web"], Decimal("40"), Decimal("50"), "pending"),
        ("Bea Graph", ["st-num.graph"], Decimal("20"), Decimal("40"), "pending"),
        ("Chloe Redac", ["st-num.redac"], Decimal("10"), Decimal("45"), "pending"),
    ]
    told = Notification.objects.filter(kind="staffing.invitation")
    assert sorted(n.user.email for n in told) == [
        "ali.web@example.org",
        "bea.graph@example.org",
        "chloe.redac@example.org",
    ]
    assert {n.url for n in told} == {"/staffing/mes-invitations/"}


def test_a_team_is_invited_once_and_only_from_the_last_proposals(claire, job):
    first = services.opportunity_solve(actor=claire, opportunity=job, top=1)
    services.opportunity_solve(actor=claire, opportunity=job, top=1)

    with pytest.raises(ValidationError, match="dépassée"):
        services.team_invite(actor=claire, proposal=first[0])
    latest = Proposal.objects.get(opportunity=job, round=2)
    services.team_invite(actor=claire, proposal=latest)
    with pytest.raises(ValidationError, match="déjà invitée"):
        services.team_invite(actor=claire, proposal=latest)


def test_only_the_invited_member_answers_once(claire, job, people):
    invited(claire, job)
    invitation = invitation_of(job, people["bea"])

    with pytest.raises(PermissionDenied):
        services.invitation_answer(actor=user_of(people["ali"]), invitation=invitation, accept=True)
    services.invitation_answer(actor=user_of(people["bea"]), invitation=invitation, accept=True)
    with pytest.raises(ValidationError, match="déjà répondu"):
        services.invitation_answer(
            actor=user_of(people["bea"]), invitation=invitation, accept=False
        )
    told = Notification.objects.get(kind="staffing.answer")
    assert (told.user, told.title) == (
        claire,
        "Bea Graph accepte de rejoindre l'équipe : Site et identité visuelle d'une ressourcerie",
    )


def test_a_decline_then_solving_again_replaces_only_the_decliner(claire, job, people):
    invited(claire, job)
    bea = people["bea"]
    services.invitation_answer(
        actor=user_of(people["ali"]), invitation=invitation_of(job, people["ali"]), accept=True
    )
    services.invitation_answer(actor=user_of(bea), invitation=invitation_of(job, bea), accept=False)

    proposal = services.opportunity_resolve_without(actor=claire, opportunity=job)

    assert proposal is not None
    assert team_names(proposal) == ["Ali Web", "Bruno Graph", "Chloe Redac"]
    assert proposal.explanation[str(people["ali"].pk)]["fixed"] is True
    assert proposal.explanation[str(people["bruno"].pk)]["fixed"] is False
    rows = sorted(
        (str(i.member), [r.node.code for r in i.roles.all()], i.status)
        for i in Invitation.objects.filter(opportunity=job)
    )
    assert rows == [
        ("Ali Web", ["st-num.web"], "accepted"),
        ("Bea Graph", ["st-num.graph"], "declined"),
        ("Bruno Graph", ["st-num.graph"], "pending"),
        ("Chloe Redac", ["st-num.redac"], "pending"),
    ]
    invited_now = Notification.objects.filter(kind="staffing.invitation").order_by("-id")[0]
    assert invited_now.user == people["bruno"].user
    with pytest.raises(ValidationError, match="rien à relancer"):
        services.opportunity_resolve_without(actor=claire, opportunity=job)


def test_when_nobody_else_can_take_the_open_role_nobody_is_invited(claire, nodes, people):
    job = opportunity(claire, [(nodes.web, 3, "40"), (nodes.design, 2, "20")])
    services.team_invite(
        actor=claire, proposal=services.opportunity_solve(actor=claire, opportunity=job)[0]
    )
    ali = people["ali"]
    services.invitation_answer(actor=user_of(ali), invitation=invitation_of(job, ali), accept=False)

    assert services.opportunity_resolve_without(actor=claire, opportunity=job) is None

    job.refresh_from_db()
    assert job.last_solve["uncoverable"] == ["Développement web"]
    assert Invitation.objects.filter(opportunity=job).count() == 2


def test_when_all_accept_the_team_is_formed_as_a_co_contracting_deal(claire, job, people):
    invited(claire, job)
    bea = people["bea"]
    services.invitation_answer(actor=user_of(bea), invitation=invitation_of(job, bea), accept=False)
    services.opportunity_resolve_without(actor=claire, opportunity=job)
    for name in ("ali", "chloe", "bruno"):
        member = people[name]
        job.refresh_from_db()
        assert job.status == OpportunityStatus.INVITING
        services.invitation_answer(
            actor=user_of(member), invitation=invitation_of(job, member), accept=True
        )

    job.refresh_from_db()
    assert job.status == OpportunityStatus.FORMED
    deal = job.deal
    assert (deal.kind, deal.origin, deal.status, deal.title, deal.buyer) == (
        DealKind.COCONTRACTING,
        DealOrigin.STAFFING,
        DealStatus.PLANNED,
        job.title,
        people["ali"],  # the first role's member leads when staff organise
    )
    assert (deal.amount, deal.hours, deal.start_date, deal.end_date) == (
        Decimal("3650.00"),  # 40 × 50 + 20 × 60 + 10 × 45
        Decimal("70.0"),
        START,
        END,
    )
    assert sorted((str(p.member), p.amount, p.hours) for p in deal.provider_links.all()) == [
        ("Bruno Graph", Decimal("1200.00"), Decimal("20.0")),
        ("Chloe Redac", Decimal("450.00"), Decimal("10.0")),
    ]
    formed = Notification.objects.filter(kind="staffing.formed")
    assert sorted(n.user.email for n in formed) == [
        "ali.web@example.org",
        "bruno.graph@example.org",
        "chloe.redac@example.org",
        "claire@coop.example",
    ]


def test_an_entrepreneur_organiser_leads_the_deal_and_is_never_a_candidate(nodes, people):
    orga = person("Orga", "Niseuse", skills=[(nodes.web, 3)], prices=[("10", "heure", "members")])
    job = opportunity(user_of(orga), [(nodes.web, 2, "40"), (nodes.writing, 2, "10")])
    proposals = services.opportunity_solve(actor=user_of(orga), opportunity=job, top=1)
    assert team_names(proposals[0]) == ["Ali Web", "Chloe Redac"]
    services.team_invite(actor=user_of(orga), proposal=proposals[0])

    for name in ("ali", "chloe"):
        member = people[name]
        services.invitation_answer(
            actor=user_of(member), invitation=invitation_of(job, member), accept=True
        )

    job.refresh_from_db()
    assert job.deal.buyer == orga
    assert job.deal.amount == Decimal("2450.00")
    assert sorted(str(p.member) for p in job.deal.provider_links.all()) == [
        "Ali Web",
        "Chloe Redac",
    ]


def test_a_one_person_team_is_formed_without_a_deal(claire, nodes, people):
    job = opportunity(claire, [(nodes.web, 2, "10")])
    services.team_invite(
        actor=claire, proposal=services.opportunity_solve(actor=claire, opportunity=job, top=1)[0]
    )
    ali = people["ali"]

    services.invitation_answer(actor=user_of(ali), invitation=invitation_of(job, ali), accept=True)

    job.refresh_from_db()
    assert (job.status, job.deal) == (OpportunityStatus.FORMED, None)


def test_hours_accepted_here_count_as_taken_for_other_opportunities(claire, nodes, people):
    first = opportunity(claire, [(nodes.web, 3, "80")], title="Premier")
    services.team_invite(
        actor=claire, proposal=services.opportunity_solve(actor=claire, opportunity=first)[0]
    )
    ali = people["ali"]
    services.invitation_answer(
        actor=user_of(ali), invitation=invitation_of(first, ali), accept=True
    )
    second = opportunity(claire, [(nodes.web, 3, "10")], title="Second")

    assert services.opportunity_solve(actor=claire, opportunity=second) == []
    second.refresh_from_db()
    assert second.last_solve["uncoverable"] == ["Développement web"]  # 84 − 80 h < 10 h


# ---------------------------------------------------------------- changing, cancelling


def test_changing_the_roles_drops_the_proposals_until_someone_is_invited(claire, job, nodes):
    services.opportunity_solve(actor=claire, opportunity=job)

    services.opportunity_update(
        actor=claire,
        opportunity=job,
        title="Nouveau titre",
        start_date=START,
        end_date=END,
        roles=[services.RoleSpec(node=nodes.web, min_level=1, hours=Decimal("8"))],
    )

    job.refresh_from_db()
    assert (job.title, job.status, job.proposals.count(), job.roles.count()) == (
        "Nouveau titre",
        OpportunityStatus.DRAFT,
        0,
        1,
    )
    entry = AuditEntry.objects.get(action="staffing.opportunity_updated")
    assert entry.changes["title"] == [
        "Site et identité visuelle d'une ressourcerie",
        "Nouveau titre",
    ]
    services.team_invite(
        actor=claire, proposal=services.opportunity_solve(actor=claire, opportunity=job)[0]
    )
    with pytest.raises(ValidationError, match="déjà invités"):
        services.opportunity_update(
            actor=claire, opportunity=job, title="x", start_date=START, end_date=END, roles=[]
        )


def test_cancelling_withdraws_the_pending_invitations(claire, job, people):
    invited(claire, job)
    ali = people["ali"]
    services.invitation_answer(actor=user_of(ali), invitation=invitation_of(job, ali), accept=True)

    services.opportunity_cancel(actor=claire, opportunity=job)

    assert sorted(
        (str(i.member), i.status) for i in Invitation.objects.filter(opportunity=job)
    ) == [
        ("Ali Web", InvitationStatus.ACCEPTED),
        ("Bea Graph", InvitationStatus.WITHDRAWN),
        ("Chloe Redac", InvitationStatus.WITHDRAWN),
    ]
    assert Notification.objects.filter(kind="staffing.cancelled").count() == 3
    with pytest.raises(ValidationError, match="déjà close"):
        services.opportunity_cancel(actor=claire, opportunity=job)


# ---------------------------------------------------------------- the policy


def test_management_sets_a_dated_policy(claire, antoine):
    values = {
        "trust_weight": Decimal("10"),
        "priority_weight": Decimal("5"),
        "default_hourly_cost": Decimal("35"),
        "low_activity_months": 6,
        "low_activity_bonus": Decimal("2"),
        "cape_first_bonus": Decimal("3"),
    }
    day = timezone.localdate()

    found = services.policy_set(actor=claire, valid_from=day, **values)
    again = services.policy_set(actor=claire, valid_from=day, **{**values, "trust_weight": 12})

    assert found.pk == again.pk
    assert PriorityPolicy.objects.get().trust_weight == 12
    with pytest.raises(PermissionDenied):
        services.policy_set(actor=antoine, valid_from=day, **values)
    with pytest.raises(ValidationError):
        services.policy_set(actor=claire, valid_from=day, **{**values, "cape_first_bonus": -1})


def _formed(claire, job, people) -> None:
    invited(claire, job)
    bea = people["bea"]
    services.invitation_answer(actor=user_of(bea), invitation=invitation_of(job, bea), accept=False)
    services.opportunity_resolve_without(actor=claire, opportunity=job)
    for name in ("ali", "chloe", "bruno"):
        member = people[name]
        services.invitation_answer(
            actor=user_of(member), invitation=invitation_of(job, member), accept=True
        )
    job.refresh_from_db()


def test_a_formed_team_opens_its_project_group_led_by_the_deal_s_buyer(claire, job, people):
    _formed(claire, job, people)

    group = services.team_project_group(actor=claire, opportunity=job)

    job.refresh_from_db()
    assert job.project_group == group
    assert (group.kind, group.name) == ("project", job.title)
    rows = {(str(m.member), m.role, m.state) for m in group.memberships.all()}
    assert rows == {
        ("Ali Web", "lead", "active"),
        ("Bruno Graph", "member", "invited"),
        ("Chloe Redac", "member", "invited"),
    }
    assert set(group.nodes.all()) == {role.node for role in job.roles.all()}


def test_a_team_opens_one_project_group_and_only_once_formed(claire, job, people):
    with pytest.raises(ValidationError, match="équipe formée"):
        services.team_project_group(actor=claire, opportunity=job)
    _formed(claire, job, people)
    services.team_project_group(actor=claire, opportunity=job)

    with pytest.raises(ValidationError, match="déjà son groupe projet"):
        services.team_project_group(actor=claire, opportunity=job)
    with pytest.raises(PermissionDenied):
        services.team_project_group(actor=user_of(people["bruno"]), opportunity=job)
