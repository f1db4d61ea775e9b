"""Random staffing instances, seeded: small ones for brute force, medium ones for the reductions."""

from __future__ import annotations

import random
from typing import Any

HOURS = [0, 5, 7.5, 10, 20, 20, 35, 40]
AVAILABLE = [0, 20, 40, 45.5, 60, 80, 120, 160]
COSTS = [12.25, 20, 30, 30, 45, 45.5, 50, 80]
PRIORITIES = [0, 0, 0, 0.5, 1, 2, -1, -0.25]
TRUSTS = [1, 0.5, 2, 0.25, -1, 3]


def _number(rng: random.Random, choices: list[Any], precise: float) -> Any:
    """One of `choices`, or now and then a float with many decimals."""
    if rng.random() < precise:
        return rng.uniform(-1, 3) if choices is TRUSTS else round(rng.uniform(0, 80), 7)
    return rng.choice(choices)


def small_instance(rng: random.Random) -> dict[str, Any]:
    """≤ 12 members, ≤ 5 roles, few skill codes (members compete), all features mixed."""
    n_roles = rng.randint(1, 5)
    n_members = rng.randint(1, 12) if rng.random() < 0.1 else rng.randint(5, 12)
    dense = rng.random() < 0.35  # one or two codes: many candidates per role
    codes = ["A", "B"] if dense else ["A", "B", "C", "D"][: rng.randint(2, 4)]
    precise = 0.3 if rng.random() < 0.3 else 0.0  # the two-stage objective
    roles = [
        {
            "id": f"r{j}",
            "skill": rng.choice(codes),
            "min_level": rng.choice([0, 1, 1, 1, 2, 2, 3]),
            "hours": rng.choice(HOURS),
        }
        for j in range(n_roles)
    ]
    members = []
    for i in range(n_members):
        held = rng.sample(codes, rng.randint(1, min(3, len(codes))))
        skills = {c: rng.choice([1, 2, 2, 3, 3]) for c in held}
        members.append(
            {
                "id": f"m{i:02d}",
                "skills": skills,
                "available_hours": rng.choice(AVAILABLE),
                "hourly_cost": _number(rng, COSTS, precise),
                "priority": _number(rng, PRIORITIES, precise / 2),
            }
        )
    instance: dict[str, Any] = {"roles": roles, "members": members}
    if n_members >= 2 and rng.random() < 0.8:
        pairs = []
        for _ in range(rng.randint(1, 10)):
            a, b = rng.sample(range(n_members), 2)
            pairs.append(
                {"a": f"m{a:02d}", "b": f"m{b:02d}", "trust": _number(rng, TRUSTS, precise)}
            )
        instance["pairs"] = pairs
    if rng.random() < 0.85:
        instance["weights"] = {
            "trust": rng.choice([0, 1, 10, 100, 250.5]),
            "priority": rng.choice([0, 5, 50, 400]),
        }
        if rng.random() < 0.1:
            del instance["weights"][rng.choice(["trust", "priority"])]
    if rng.random() < 0.5:
        typical = sum(float(r["hours"]) for r in roles) * rng.uniform(20, 60)
        instance["budget"] = round(typical, 2)
    if rng.random() < 0.6:
        instance["max_team_size"] = rng.randint(max(1, n_roles - 2), n_roles)
    return instance


def medium_instance(rng: random.Random, members: int = 60, roles: int = 6) -> dict[str, Any]:
    """Too big for brute force, big enough for the dominance reduction to bite."""
    codes = [f"S{k}" for k in range(6)]
    instance: dict[str, Any] = {
        "roles": [
            {
                "id": f"r{j}",
                "skill": rng.choice(codes[:4]),
                "min_level": rng.choice([1, 2, 3]),
                "hours": rng.choice([10, 20, 35, 40]),
            }
            for j in range(roles)
        ],
        "members": [
            {
                "id": f"m{i:03d}",
                "skills": {c: rng.choice([1, 2, 3]) for c in rng.sample(codes, rng.randint(1, 3))},
                "available_hours": rng.choice([20, 40, 60, 80, 120]),
                "hourly_cost": rng.choice([30, 40, 45, 50, 60, round(rng.uniform(25, 90), 2)]),
                "priority": rng.choice([0, 0, 0, 1, 2, -1]),
            }
            for i in range(members)
        ],
        "pairs": [
            {
                "a": f"m{a:03d}",
                "b": f"m{b:03d}",
                "trust": rng.choice([0.5, 1, 2, 5, -1]),
            }
            for a, b in (rng.sample(range(members), 2) for _ in range(members // 3))
        ],
        "weights": {"trust": rng.choice([0, 10, 100]), "priority": rng.choice([0, 50, 300])},
    }
    if rng.random() < 0.5:
        instance["budget"] = rng.choice([4000, 6000, 9000])
    if rng.random() < 0.7:
        instance["max_team_size"] = rng.randint(2, roles)
    return instance
