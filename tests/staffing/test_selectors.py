"""The solver's instance built from the database: who is a candidate for which role, at what
level, with how many hours, at what cost, with what priority and trust."""

# The fixtures imported from team_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from essaim.members import services as member_services
from essaim.staffing import selectors, services
from essaim.staffing.instance import parse_instance
from essaim.staffing.models import Invitation, InvitationStatus, PriorityPolicy
from tests.skills.directory_data import lexical_only  # noqa: F401
from tests.staffing.team_data import END, START, nodes, opportunity, person  # noqa: F401

pytestmark = pytest.mark.usefixtures("lexical_only")


def members_of(built) -> dict[str, dict]:
    """The instance's members by name ("First Last")."""
    from essaim.members.models import Member

    names = {f"m{m.pk}": str(m) for m in Member.objects.all()}
    return {names[entry["id"]]: entry for entry in built.instance["members"]}


@pytest.fixture
def web_job(claire, nodes):
    return opportunity(claire, [(nodes.web, 2, "40")])


# ---------------------------------------------------------------- candidates


def test_the_instance_has_the_contract_shape_and_the_solver_accepts_it(claire, nodes):
    person("Wanda", "Web", skills=[(nodes.web, 3)], prices=[("50", "heure", "members")])
    person("Gaston", "Graph", skills=[(nodes.design, 2)])
    job = opportunity(claire, [(nodes.web, 2, "40"), (nodes.design, 1, "12.5")], budget="5000")

    built = selectors.staffing_instance(job)

    roles = job.roles.order_by("position")
    assert built.instance["roles"] == [
        {"id": f"r{roles[0].pk}", "skill": "st-num.web", "min_level": 2, "hours": 40},
        {"id": f"r{roles[1].pk}", "skill": "st-num.graph", "min_level": 1, "hours": 12.5},
    ]
    assert built.instance["budget"] == 5000
    assert built.instance["max_team_size"] == 5
    assert built.instance["weights"] == {"trust": 100, "priority": 200}
    assert members_of(built)["Wanda Web"] == {
        "id": members_of(built)["Wanda Web"]["id"],
        "skills": {"st-num.web": 3},
        "available_hours": 84,
        "hourly_cost": 50,
        "priority": 1,
    }
    parse_instance(built.instance)  # raises on anything off the contract


def test_a_skill_below_the_role_or_rome_linked_to_it_qualifies_at_its_own_level(
    claire, nodes, web_job
):
    person("Fanny", "Front", skills=[(nodes.frontend, 3)])
    person("Romain", "Rome", skills=[(nodes.rome_web, 2)])
    person("Basile", "Debutant", skills=[(nodes.web, 1)])  # below the minimum level
    person("Gaston", "Graph", skills=[(nodes.design, 3)])  # another trade

    built = selectors.staffing_instance(web_job)

    found = members_of(built)
    assert {name: entry["skills"] for name, entry in found.items()} == {
        "Fanny Front": {"st-num.web": 3},
        "Romain Rome": {"st-num.web": 2},
    }
    fanny = next(f for f in built.members.values() if f.member_id == found_id(found, "Fanny Front"))
    assert [(fit.level, fit.skill) for fit in fanny.fits.values()] == [
        (3, "Intégration d'interfaces")
    ]


def found_id(found: dict[str, dict], name: str) -> int:
    return int(found[name]["id"][1:])


def test_members_who_cannot_take_part_are_left_out(claire, nodes):
    person("Ok", "Candidate", skills=[(nodes.web, 2)])
    gone = person("Partie", "Sortie", skills=[(nodes.web, 3)])
    member_services.member_exit(
        actor=None, member=gone, date=timezone.localdate() - dt.timedelta(days=1), reason="stopped"
    )
    no_account = person("Sans", "Compte", skills=[(nodes.web, 3)])
    no_account.user = None
    no_account.save()
    person("Loin", "Marseille", skills=[(nodes.web, 3)], zones=["13"], remote=False)
    person("Zero", "Jour", skills=[(nodes.web, 3)], days_per_week=Decimal("0"))
    person("Avant", "Fin", skills=[(nodes.web, 3)], available_until=START - dt.timedelta(days=1))
    organiser = person("Orga", "Niseuse", skills=[(nodes.web, 3)])
    decliner = person("Non", "Merci", skills=[(nodes.web, 3)])
    job = opportunity(organiser.user, [(nodes.web, 2, "40")], zone="93", remote=False)
    invitation = Invitation.objects.create(
        opportunity=job, member=decliner, hours=40, hourly_cost=40, status=InvitationStatus.DECLINED
    )
    assert invitation.pk

    built = selectors.staffing_instance(job)

    assert list(members_of(built)) == ["Ok Candidate"]


def test_remote_work_lets_members_of_other_departements_in(claire, nodes):
    person("Loin", "Distance", skills=[(nodes.web, 3)], zones=["13"], remote=True)
    person("Loin", "Surplace", skills=[(nodes.web, 3)], zones=["13"], remote=False)
    job = opportunity(claire, [(nodes.web, 2, "40")], zone="93", remote=True)

    assert list(members_of(selectors.staffing_instance(job))) == ["Loin Distance"]


# ---------------------------------------------------------------- hours


def test_hours_are_days_per_week_times_seven_over_the_weeks_of_the_dates(claire, nodes, web_job):
    person("Trois", "Jours", skills=[(nodes.web, 2)], days_per_week=Decimal("3"))
    person("Demi", "Journee", skills=[(nodes.web, 2)], days_per_week=Decimal("0.5"))
    person(
        "Deux",
        "Semaines",
        skills=[(nodes.web, 2)],
        days_per_week=Decimal("5"),
        available_from=START + dt.timedelta(days=14),
    )

    hours = {
        n: e["available_hours"] for n, e in members_of(selectors.staffing_instance(web_job)).items()
    }

    assert hours == {"Trois Jours": 84, "Demi Journee": 14, "Deux Semaines": 70}


def test_hours_accepted_on_overlapping_opportunities_are_already_taken(claire, nodes, web_job):
    busy = person("Tres", "Occupee", skills=[(nodes.web, 2)], days_per_week=Decimal("3"))

    def accepted(start: dt.date, end: dt.date, hours: str, status=InvitationStatus.ACCEPTED):
        other = opportunity(claire, [(nodes.web, 1, hours)], title="Autre", start=start, end=end)
        Invitation.objects.create(
            opportunity=other, member=busy, hours=Decimal(hours), hourly_cost=40, status=status
        )
        return other

    accepted(START - dt.timedelta(days=3), START + dt.timedelta(days=2), "20")  # overlaps
    accepted(END, END + dt.timedelta(days=30), "10.5")  # overlaps on the last day
    accepted(END + dt.timedelta(days=1), END + dt.timedelta(days=9), "30")  # after
    accepted(START, END, "7", status=InvitationStatus.PENDING)  # not promised yet
    cancelled = accepted(START, END, "9")
    services.opportunity_cancel(actor=claire, opportunity=cancelled)

    hours = members_of(selectors.staffing_instance(web_job))["Tres Occupee"]["available_hours"]

    assert hours == 84 - 20 - 10.5


# ---------------------------------------------------------------- cost


def test_hourly_cost_comes_from_prices_shown_to_members_else_the_default(claire, nodes, web_job):
    PriorityPolicy.objects.create(
        valid_from=timezone.localdate() - dt.timedelta(days=1), default_hourly_cost=Decimal("38")
    )
    person(
        "Heure",
        "Visible",
        skills=[(nodes.web, 2)],
        prices=[("55", "heure", "members"), ("48", "heure", "members"), ("30", "heure", "me")],
    )
    person(
        "Jour",
        "Visible",
        skills=[(nodes.web, 2)],
        prices=[("25", "heure", "advisor"), ("320", "jour", "members")],
    )
    person("Sans", "Tarif", skills=[(nodes.web, 2)], prices=[("500", "forfait", "members")])

    built = selectors.staffing_instance(web_job)

    costs = {n: e["hourly_cost"] for n, e in members_of(built).items()}
    assert costs == {"Heure Visible": 48, "Jour Visible": 45.71, "Sans Tarif": 38}
    sources = {str(f.member_id): f.cost.source for f in built.members.values()}
    assert sorted(sources.values()) == ["day", "default", "hour"]


# ---------------------------------------------------------------- priority and trust


def test_priority_follows_the_policy_in_force(claire, nodes, web_job):
    from tests.staffing.team_data import done_deal

    PriorityPolicy.objects.create(
        valid_from=timezone.localdate() - dt.timedelta(days=400),
        low_activity_bonus=Decimal("9"),
        cape_first_bonus=Decimal("9"),
    )
    PriorityPolicy.objects.create(
        valid_from=timezone.localdate(), low_activity_bonus=Decimal("1.5"), cape_first_bonus=2
    )
    PriorityPolicy.objects.create(  # not yet in force
        valid_from=timezone.localdate() + dt.timedelta(days=1), low_activity_bonus=7
    )
    newcomer = person("Nouvelle", "Cape", skills=[(nodes.web, 2)], cape=True)
    active = person("Active", "Recente", skills=[(nodes.web, 2)])
    quiet = person("Calme", "Depuis", skills=[(nodes.web, 2)])
    other = person("Client", "Interne")
    done_deal(other, [active])
    done_deal(other, [quiet], done=timezone.localdate() - dt.timedelta(days=500))

    built = selectors.staffing_instance(web_job)

    priorities = {
        str(m): (built.members[m.pk].priority.value, built.members[m.pk].priority.reasons)
        for m in (newcomer, active, quiet)
    }
    assert priorities == {
        "Nouvelle Cape": (Decimal("3.5"), ("low_activity", "cape_first")),
        "Active Recente": (Decimal(0), ()),
        "Calme Depuis": (Decimal("1.5"), ("low_activity",)),
    }
    assert built.instance["weights"] == {"trust": 100, "priority": 200}


def test_pairs_are_the_trust_of_done_deals_between_candidates_only(claire, nodes):
    from tests.staffing.team_data import done_deal

    web = person("Wanda", "Web", skills=[(nodes.web, 2)])
    designer = person("Gaston", "Graph", skills=[(nodes.design, 2)])
    outsider = person("Hors", "Equipe", skills=[(nodes.photo, 2)])
    done_deal(web, [designer], done=timezone.localdate())
    done_deal(outsider, [web])
    job = opportunity(claire, [(nodes.web, 2, "40"), (nodes.design, 2, "20")])

    built = selectors.staffing_instance(job)

    assert built.instance["pairs"] == [
        {"a": f"m{min(web.pk, designer.pk)}", "b": f"m{max(web.pk, designer.pk)}", "trust": 0.5}
    ]


def test_members_already_invited_keep_their_roles_and_nothing_else(claire, nodes):
    kept = person("Gardee", "Web", skills=[(nodes.web, 3), (nodes.design, 3)])
    person("Autre", "Graph", skills=[(nodes.design, 2)])
    job = opportunity(claire, [(nodes.web, 2, "40"), (nodes.design, 2, "20")])
    web_role, design_role = job.roles.order_by("position")

    built = selectors.staffing_instance(job, fixed={web_role.pk: kept.pk})

    assert built.instance["roles"][0]["skill"] == f"st-num.web#{web_role.pk}"
    assert built.instance["roles"][1]["skill"] == "st-num.graph"
    found = members_of(built)
    assert found["Gardee Web"]["skills"] == {f"st-num.web#{web_role.pk}": 3}
    assert found["Autre Graph"]["skills"] == {"st-num.graph": 2}
    assert design_role.pk not in built.members[kept.pk].fits


def test_a_member_already_invited_keeps_the_role_even_if_their_availability_changed(claire, nodes):
    kept = person("Gardee", "Web", skills=[(nodes.web, 3)], days_per_week=Decimal("0"))
    job = opportunity(claire, [(nodes.web, 2, "40"), (nodes.design, 2, "20")])
    web_role = job.roles.order_by("position")[0]

    built = selectors.staffing_instance(job, fixed={web_role.pk: kept.pk})

    assert members_of(built)["Gardee Web"]["available_hours"] == 40
