"""An independent judge of the staffing solver's answers: constraints, exact values, brute force.

Written from the contract of `docs/staffing.md` alone, sharing no code with
`essaim.staffing`: numbers become `Fraction`s of the decimal they are written as, and the brute
force enumerates every assignment of roles to members (pruning only what breaks a constraint:
hours, team size, budget — never on the score).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any


def exact(value: Any) -> Fraction:
    """The decimal a JSON number is written as (a float: its shortest repr)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int | Decimal):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    raise TypeError(f"not a number: {value!r}")


class View:
    """The instance's numbers as fractions, for the checks below."""

    def __init__(self, instance: Mapping[str, Any]) -> None:
        self.roles = list(instance["roles"])
        self.members = {m["id"]: m for m in instance["members"]}
        weights = instance.get("weights") or {}
        self.w_trust = exact(weights.get("trust", 0))
        self.w_priority = exact(weights.get("priority", 0))
        self.budget = None if instance.get("budget") is None else exact(instance["budget"])
        self.max_team_size = instance.get("max_team_size")
        self.trust: dict[frozenset[str], Fraction] = {}
        for pair in instance.get("pairs") or []:
            key = frozenset((pair["a"], pair["b"]))
            self.trust[key] = self.trust.get(key, Fraction(0)) + exact(pair["trust"])

    def can_fill(self, member_id: str, role: Mapping[str, Any]) -> bool:
        member = self.members[member_id]
        level = member["skills"].get(role["skill"])
        return (
            level is not None
            and level >= role["min_level"]
            and exact(role["hours"]) <= exact(member["available_hours"])
        )

    def cost(self, assignment: Mapping[str, str]) -> Fraction:
        by_id = {r["id"]: r for r in self.roles}
        return sum(
            (
                exact(by_id[r]["hours"]) * exact(self.members[m]["hourly_cost"])
                for r, m in assignment.items()
            ),
            Fraction(0),
        )

    def members_value(self, team: frozenset[str]) -> Fraction:
        """Trust and priority of a member set (the score without the cost)."""
        people = sorted(team)
        total = Fraction(0)
        for i, a in enumerate(people):
            total += self.w_priority * exact(self.members[a].get("priority", 0))
            for b in people[i + 1 :]:
                total += self.w_trust * self.trust.get(frozenset((a, b)), Fraction(0))
        return total

    def score(self, assignment: Mapping[str, str]) -> Fraction:
        return self.members_value(frozenset(assignment.values())) - self.cost(assignment)

    def uncoverable(self) -> list[str]:
        return [r["id"] for r in self.roles if not any(self.can_fill(m, r) for m in self.members)]


def violations(instance: Mapping[str, Any], team: Mapping[str, Any]) -> list[str]:
    """What is wrong with `team` (an output team dict) for `instance`; [] when it is valid."""
    view = View(instance)
    found: list[str] = []
    assignment = team["assignment"]
    role_ids = [r["id"] for r in view.roles]
    if list(assignment) != role_ids:
        found.append(f"roles assigned {list(assignment)} instead of {role_ids}")
        return found
    hours: dict[str, Fraction] = {}
    for role in view.roles:
        member_id = assignment[role["id"]]
        if member_id not in view.members:
            found.append(f"{role['id']}: unknown member {member_id}")
            continue
        member = view.members[member_id]
        level = member["skills"].get(role["skill"])
        if level is None or level < role["min_level"]:
            found.append(f"{role['id']}: {member_id} lacks {role['skill']}≥{role['min_level']}")
        hours[member_id] = hours.get(member_id, Fraction(0)) + exact(role["hours"])
    if found:
        return found
    for member_id, total in hours.items():
        if total > exact(view.members[member_id]["available_hours"]):
            found.append(f"{member_id}: {total} hours > available")
    people = sorted(set(assignment.values()))
    if team["members"] != people:
        found.append(f"members {team['members']} != sorted assigned {people}")
    if view.max_team_size is not None and len(people) > view.max_team_size:
        found.append(f"team of {len(people)} > {view.max_team_size}")
    cost = view.cost(assignment)
    if view.budget is not None and cost > view.budget:
        found.append(f"cost {cost} > budget {view.budget}")
    if team["cost"] != float(cost):
        found.append(f"cost {team['cost']} != exact {float(cost)}")
    score = view.score(assignment)
    if team["score"] != float(score):
        found.append(f"score {team['score']} != exact {float(score)}")
    return found


def brute_force(instance: Mapping[str, Any]) -> list[tuple[Fraction, tuple[str, ...]]]:
    """Every feasible member set with its best score, best first (ties by member ids).

    Enumerates all assignments, role by role, keeping the cheapest assignment per member set
    (the rest of the score depends on the set only).
    """
    view = View(instance)
    roles = view.roles
    size = view.max_team_size
    fillers = [[m for m in view.members if view.can_fill(m, r)] for r in roles]
    role_hours = [exact(r["hours"]) for r in roles]
    available = {m: exact(view.members[m]["available_hours"]) for m in view.members}
    rate = {m: exact(view.members[m]["hourly_cost"]) for m in view.members}
    cheapest: dict[frozenset[str], Fraction] = {}
    used: dict[str, Fraction] = {}

    def walk(j: int, team: frozenset[str], cost: Fraction) -> None:
        if view.budget is not None and cost > view.budget:
            return
        if j == len(roles):
            if team not in cheapest or cost < cheapest[team]:
                cheapest[team] = cost
            return
        for m in fillers[j]:
            if m not in team and size is not None and len(team) >= size:
                continue
            spent = used.get(m, Fraction(0)) + role_hours[j]
            if spent > available[m]:
                continue
            before = used.get(m, Fraction(0))
            used[m] = spent
            walk(j + 1, team | {m}, cost + role_hours[j] * rate[m])
            used[m] = before

    walk(0, frozenset(), Fraction(0))
    ranked = [
        (view.members_value(team) - cost, tuple(sorted(team))) for team, cost in cheapest.items()
    ]
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return ranked
