"""The staffing solver (`essaim.staffing.solver.solve`) against the contract of docs/staffing.md."""

from __future__ import annotations

import copy
import functools
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from essaim.staffing import solver
from essaim.staffing.instance import Instance, InstanceError, Role, parse_instance
from essaim.staffing.solver import solve
from tests.staffing.checker import View, brute_force, violations
from tests.staffing.generators import medium_instance, small_instance

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "staffing-instance.json"


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def scores(result: Any) -> list[float]:
    return [team["score"] for team in result.as_dict()["teams"]]


def assert_valid_teams(instance: dict[str, Any], result: Any) -> None:
    teams = result.as_dict()["teams"]
    for team in teams:
        assert violations(instance, team) == []
    assert len({tuple(team["members"]) for team in teams}) == len(teams)
    assert scores(result) == sorted(scores(result), reverse=True)


# --- exactness -------------------------------------------------------------------------------


@functools.cache
def solved(seed: int) -> tuple[dict[str, Any], int, Any]:
    """Brute-force instance number `seed`, its K, and the solver's result (shared below)."""
    instance = small_instance(random.Random(seed))
    top = 1 + seed % 3
    return instance, top, solve(instance, top=top)


@pytest.mark.parametrize("seed", range(200))
def test_matches_brute_force(seed):
    """The K best scores (K = 1..3) equal the brute force's; every team is valid."""
    instance, top, result = solved(seed)
    expected = brute_force(instance)
    assert scores(result) == [float(score) for score, _ in expected[:top]]
    assert_valid_teams(instance, result)
    if expected:
        assert result.status == "optimal"
        assert result.uncoverable_roles == ()
        # Each team's member set is one the brute force found with that very score.
        best_of = {members: float(score) for score, members in expected}
        for team in result.as_dict()["teams"]:
            assert best_of[tuple(team["members"])] == team["score"]
    else:
        assert result.status == "infeasible"
        assert list(result.uncoverable_roles) == View(instance).uncoverable()


def test_the_brute_force_instances_cover_the_hard_cases():
    """The 200 instances above exercise what can go wrong (else they prove little)."""
    kinds = {"infeasible": 0, "reduced": 0, "two_stage": 0, "budget": 0, "shared": 0}
    for seed in range(200):
        instance, _, result = solved(seed)
        kinds["infeasible"] += result.status == "infeasible"
        kinds["reduced"] += result.stats.kept < result.stats.qualified
        kinds["two_stage"] += result.stats.two_stage
        kinds["budget"] += "budget" in instance and result.status == "optimal"
        kinds["shared"] += any(
            len(t.members) < len(t.assignment) for t in result.teams
        )  # a member holding several roles
    assert min(kinds.values()) >= 5, kinds


@pytest.mark.parametrize("seed", range(12))
def test_reductions_keep_the_best_scores(seed):
    """Too big for brute force: the reduced model gives the scores of the full one."""
    rng = random.Random(1000 + seed)
    instance = medium_instance(rng, members=rng.choice([40, 80]), roles=rng.choice([4, 6]))
    top = 1 + seed % 3
    reduced = solve(instance, top=top)
    full = solve(instance, top=top, reduce=False)
    assert reduced.status == full.status
    assert scores(reduced) == scores(full)
    assert_valid_teams(instance, reduced)
    assert reduced.stats.kept < full.stats.kept  # the reduction did drop members


@pytest.mark.parametrize("seed", range(40))
def test_versatile_rule_matches_brute_force(seed, monkeypatch):
    """Members offered several roles all go through the all-or-nothing rule here."""
    monkeypatch.setattr(solver, "MAX_SUBSET_ROLES", 1)
    instance = small_instance(random.Random(seed))
    top = 1 + seed % 3
    result = solve(instance, top=top)
    assert scores(result) == [float(score) for score, _ in brute_force(instance)[:top]]
    assert_valid_teams(instance, result)


@pytest.mark.parametrize("seed", range(6))
def test_many_roles_of_one_skill(seed):
    """Eight roles any of 60 members can take: the versatile rule, against the full model."""
    rng = random.Random(2000 + seed)
    instance = medium_instance(rng, members=60, roles=8)
    for entry in instance["roles"]:
        entry["skill"], entry["min_level"] = "S0", 1
    for entry in instance["members"]:
        entry["skills"]["S0"] = 1
    top = 1 + seed % 3
    reduced = solve(instance, top=top)
    full = solve(instance, top=top, reduce=False)
    assert (reduced.status, scores(reduced)) == (full.status, scores(full))
    assert_valid_teams(instance, reduced)
    assert reduced.stats.kept < full.stats.kept


def test_two_stage_objective_is_exact():
    """Trust written with 16 decimals: coefficients too big for one stage, same optimum."""
    instance = {
        "roles": [
            {"id": "r1", "skill": "A", "min_level": 1, "hours": 35},
            {"id": "r2", "skill": "B", "min_level": 1, "hours": 12.5},
        ],
        "members": [
            {
                "id": f"m{i}",
                "skills": {"A": 1 + i % 3} if i % 2 else {"B": 2, "A": 1},
                "available_hours": 60,
                "hourly_cost": 40 + 1.37 * i,
                "priority": (i % 4) / 3,
            }
            for i in range(9)
        ],
        "pairs": [
            {"a": f"m{a}", "b": f"m{b}", "trust": 1 / (a + b + 1) + 0.1234567890123}
            for a in range(9)
            for b in range(a + 1, 9)
        ],
        "weights": {"trust": 100.0, "priority": 71.43},
        "max_team_size": 2,
    }
    result = solve(instance, top=3)
    assert result.stats.two_stage
    assert result.status == "optimal"
    assert scores(result) == [float(score) for score, _ in brute_force(instance)[:3]]
    assert_valid_teams(instance, result)


def test_absurd_precision_is_refused_with_a_message():
    instance = {
        "roles": [role("r1", "A", hours=1e-20), role("r2", "A", hours=3)],
        "members": [member(f"m{i}", {"A": 1}, cost=1 / (i + 3)) for i in range(4)],
        "pairs": [{"a": "m0", "b": "m1", "trust": 1 / 7}],
        "weights": {"trust": 1 / 3},
    }
    with pytest.raises(InstanceError, match="trop de décimales"):
        solve(instance)


# --- semantics -------------------------------------------------------------------------------


def test_example_file():
    result = solve(example(), top=3)
    output = result.as_dict()
    assert output["seconds"] >= 0
    del output["seconds"]
    assert output == {
        "status": "optimal",
        "teams": [
            {
                "members": ["alice", "bob", "driss"],
                "assignment": {"dev": "bob", "design": "driss", "redaction": "alice"},
                "cost": 3010.0,
                "score": -2710.0,
            },
            {
                "members": ["bob", "chloe", "driss"],
                "assignment": {"dev": "bob", "design": "driss", "redaction": "chloe"},
                "cost": 2940.0,
                "score": -2740.0,
            },
            {
                "members": ["alice", "bob", "chloe"],
                "assignment": {"dev": "bob", "design": "chloe", "redaction": "alice"},
                "cost": 3210.0,
                "score": -2960.0,
            },
        ],
        "uncoverable_roles": [],
    }
    assert result.teams[0].cost == Decimal("3010") and result.teams[0].score == Decimal("-2710")


def test_top_k_returns_every_team_when_fewer_exist():
    instance = example()
    every = brute_force(instance)
    result = solve(instance, top=len(every) + 5)
    assert result.status == "optimal"
    assert scores(result) == [float(score) for score, _ in every]
    assert [tuple(t.members) for t in result.teams] == [members for _, members in every]
    assert_valid_teams(instance, result)


def role(id: str, skill: str, hours: float = 10, min_level: int = 1) -> dict[str, Any]:
    return {"id": id, "skill": skill, "min_level": min_level, "hours": hours}


def member(id: str, skills: dict[str, int], cost: float = 40, hours: float = 100, **extra: Any):
    return {"id": id, "skills": skills, "available_hours": hours, "hourly_cost": cost, **extra}


def test_infeasible_lists_the_uncoverable_roles():
    instance = {
        "roles": [
            role("unknown_skill", "Z"),
            role("fine", "A"),
            role("too_high", "A", min_level=3),
            role("too_long", "B", hours=50),
        ],
        "members": [member("m1", {"A": 2, "B": 1}, hours=40), member("m2", {"B": 3}, hours=49)],
    }
    result = solve(instance, top=2)
    assert result.as_dict()["status"] == "infeasible"
    assert result.teams == ()
    assert result.uncoverable_roles == ("unknown_skill", "too_high", "too_long")


def test_infeasible_when_the_roles_cannot_be_filled_together():
    instance = {
        "roles": [role("r1", "A"), role("r2", "B")],
        "members": [member("m1", {"A": 1}), member("m2", {"B": 1})],
        "max_team_size": 1,
    }
    result = solve(instance)
    assert (result.status, result.teams, result.uncoverable_roles) == ("infeasible", (), ())


def test_budget_binds_and_equality_is_allowed():
    instance = {
        "roles": [role("r1", "A", hours=10)],
        "members": [
            member("keen", {"A": 1}, cost=50, priority=10),
            member("cheap", {"A": 1}, cost=20),
        ],
        "weights": {"priority": 100},
    }
    assert solve(instance).teams[0].members == ("keen",)  # 1000 - 500 > -200
    assert solve({**instance, "budget": 499.99}).teams[0].members == ("cheap",)
    assert solve({**instance, "budget": 500}).teams[0].members == ("keen",)
    assert solve({**instance, "budget": 199}).status == "infeasible"


def test_a_member_takes_several_roles_within_their_hours():
    instance = {
        "roles": [role("r1", "A", hours=20), role("r2", "A", hours=20)],
        "members": [member("solo", {"A": 1}, cost=10, hours=30), member("dear", {"A": 1}, cost=90)],
        "max_team_size": 2,
    }
    team = solve(instance).teams[0]
    assert team.members == ("dear", "solo") and team.cost == Decimal(2000)
    instance["members"][0]["available_hours"] = 40
    team = solve(instance).teams[0]
    assert team.assignment == {"r1": "solo", "r2": "solo"} and team.cost == Decimal(400)


def test_team_size_forces_a_member_to_take_several_roles():
    instance = {
        "roles": [role("r1", "A"), role("r2", "B")],
        "members": [
            member("a", {"A": 1}, cost=10),
            member("b", {"B": 1}, cost=10),
            member("ab", {"A": 1, "B": 1}, cost=30),
        ],
    }
    assert solve(instance).teams[0].members == ("a", "b")
    assert solve({**instance, "max_team_size": 1}).teams[0].members == ("ab",)


def test_trust_and_negative_values():
    instance = {
        "roles": [role("r1", "A"), role("r2", "B")],
        "members": [
            member("a1", {"A": 1}, cost=10),
            member("a2", {"A": 1}, cost=11),
            member("b1", {"B": 1}, cost=10, priority=-1),
            member("b2", {"B": 1}, cost=12),
        ],
        "pairs": [
            {"a": "a1", "b": "b2", "trust": -1},
            {"a": "a2", "b": "b2", "trust": 0.5},
            {"a": "b2", "b": "a2", "trust": 0.5},  # entries of one pair add up
        ],
        "weights": {"trust": 100, "priority": 50},
    }
    result = solve(instance, top=4)
    assert [(t.members, t.score) for t in result.teams] == [
        (("a2", "b2"), Decimal(-230 + 100)),
        (("a1", "b1"), Decimal(-200 - 50)),
        (("a2", "b1"), Decimal(-210 - 50)),
        (("a1", "b2"), Decimal(-220 - 100)),
    ]


def test_no_budget_no_pairs_no_weights():
    instance = {"roles": [role("r1", "A", hours=7.5)], "members": [member("m", {"A": 2}, 12.3)]}
    assert solve(instance).as_dict()["teams"] == [
        {"members": ["m"], "assignment": {"r1": "m"}, "cost": 92.25, "score": -92.25}
    ]


def test_decimals_are_read_as_written():
    """0.1 + 0.2 is 0.3 here: no binary rounding in costs or scores."""
    instance = {
        "roles": [role("r1", "A", hours=1), role("r2", "B", hours=1)],
        "members": [member("m1", {"A": 1}, cost=0.1), member("m2", {"B": 1}, cost=0.2)],
    }
    team = solve(instance).teams[0]
    assert team.cost == Decimal("0.3") and team.as_dict()["cost"] == 0.3


def test_decimal_numbers_give_the_same_answer():
    instance = example()
    as_decimals = copy.deepcopy(instance)
    for entry in as_decimals["members"]:
        entry["hourly_cost"] = Decimal(str(entry["hourly_cost"]))
    as_decimals["budget"] = Decimal("3500.00")
    assert scores(solve(as_decimals, top=3)) == scores(solve(instance, top=3))


def test_an_instance_object_round_trips():
    parsed = parse_instance(example())
    assert isinstance(parsed, Instance)
    assert scores(solve(parsed, top=2)) == scores(solve(parsed.as_dict(), top=2))


# --- time limit ------------------------------------------------------------------------------


def test_time_limit_answers_honestly():
    rng = random.Random(7)
    instance = medium_instance(rng, members=1500, roles=8)
    instance["max_team_size"] = 5
    instance.pop("budget", None)
    best = solve(instance)
    assert best.status == "optimal"
    hurried = solve(instance, time_limit=0.001)
    assert hurried.status in {"optimal", "feasible", "unknown"}
    if hurried.status == "optimal":
        assert scores(hurried) == scores(best)
    if hurried.status == "feasible":
        assert scores(hurried)[0] <= scores(best)[0]
    if hurried.status == "unknown":
        assert hurried.teams == ()
    assert_valid_teams(instance, hurried)


# --- invalid input ---------------------------------------------------------------------------


def base() -> dict[str, Any]:
    return {
        "roles": [role("r1", "A"), role("r2", "B"), role("r3", "A")],
        "members": [
            member("m1", {"A": 2}),
            member("m2", {"B": 1}),
            member("m3", {"A": 1, "B": 3}),
        ],
        "pairs": [{"a": "m1", "b": "m2", "trust": 1}],
        "budget": 5000,
        "max_team_size": 3,
        "weights": {"trust": 10, "priority": 5},
    }


def _set(path: list[Any], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


INVALID = [
    (_set(["colour"], "bleu"), "colour", "clé inconnue"),
    (_set(["members", 0, "colour"], "bleu"), "members[0].colour", "clé inconnue"),
    (_set(["roles", 2, "skill"], KeyError), "roles[2].skill", "manquant"),
    (_set(["roles", 1, "skill"], " "), "roles[1].skill", "compétence"),
    (_set(["roles", 0, "hours"], -1), "roles[0].hours", "positif ou nul"),
    (_set(["roles", 0, "hours"], True), "roles[0].hours", "nombre"),
    (_set(["roles", 0, "min_level"], -1), "roles[0].min_level", "entier ≥ 0"),
    (_set(["roles", 1, "id"], "r1"), "roles[1].id", "en double"),
    (_set(["roles"], []), "roles", "au moins un rôle"),
    (_set(["members", 1, "hourly_cost"], -5), "members[1].hourly_cost", "positif ou nul"),
    (_set(["members", 1, "hourly_cost"], float("nan")), "members[1].hourly_cost", "fini"),
    (_set(["members", 2, "available_hours"], "40"), "members[2].available_hours", "nombre"),
    (_set(["members", 2, "id"], "m1"), "members[2].id", "« m1 » en double"),
    (_set(["members", 0, "skills", "A"], 0), "members[0].skills.A", "entier ≥ 1"),
    (_set(["members", 0, "skills"], ["A"]), "members[0].skills", "objet"),
    (_set(["members", 0, "priority"], None), "members[0].priority", "nombre"),
    (_set(["members"], {"m1": {}}), "members", "liste"),
    (_set(["pairs", 0, "b"], "m9"), "pairs[0].b", "membre inconnu « m9 »"),
    (_set(["pairs", 0, "b"], "m1"), "pairs[0].b", "lui-même"),
    (_set(["pairs", 0, "trust"], KeyError), "pairs[0].trust", "manquant"),
    (_set(["budget"], -1), "budget", "positif ou nul"),
    (_set(["max_team_size"], 0), "max_team_size", "entier ≥ 1"),
    (_set(["weights", "colour"], 1), "weights.colour", "clé inconnue"),
    (_set(["weights", "trust"], "10"), "weights.trust", "nombre"),
]


@pytest.mark.parametrize(("change", "field", "words"), INVALID, ids=[f for _, f, _ in INVALID])
def test_invalid_instances_name_the_field(change, field, words):
    instance = base()
    change(instance)
    with pytest.raises(InstanceError) as caught:
        solve(instance)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field} : ")
    assert words in str(caught.value)


def test_the_base_of_the_invalid_instances_is_valid():
    assert solve(base()).status == "optimal"


def test_an_invalid_instance_object_names_the_field():
    instance = parse_instance(base())
    broken = Instance(
        roles=(*instance.roles[:2], Role(id="r3", skill="A", min_level=1, hours=-2)),
        members=instance.members,
    )
    with pytest.raises(InstanceError, match=r"^roles\[2\]\.hours : "):
        solve(broken)


def test_not_an_object():
    with pytest.raises(InstanceError, match="L'instance doit être un objet JSON"):
        solve([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "field"),
    [({"top": 0}, "top"), ({"top": 1.5}, "top"), ({"time_limit": 0}, "time_limit")],
)
def test_invalid_options(options, field):
    with pytest.raises(InstanceError) as caught:
        solve(base(), **options)
    assert caught.value.field == field
