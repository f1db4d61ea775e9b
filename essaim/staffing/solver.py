"""The staffing team solver: the best teams for an opportunity, with a proof of optimality.

    result = solve(instance_dict, top=3, time_limit=10)
    result.as_dict()  # {"status": ..., "teams": [...], "uncoverable_roles": [...], "seconds": ...}

Pure Python over OR-Tools CP-SAT, no Django. The instance format, the semantics and the output
are those of `docs/staffing.md`; `essaim.staffing.instance` parses and checks the instance.

How the answer is exact
-----------------------
1. Numbers. Every number is read as the decimal it is written as (a float as its shortest
   repr), then costs, scores and the budget are integers at a common power of ten: Python
   integers, unbounded, so every comparison made here is exact. The reported cost and score
   are recomputed from the assignment with those integers (a `Decimal`, rounded to the nearest
   float in `as_dict()` only).
2. Reductions, each keeping the K best scores (K = `top`). A member qualified for no role
   (skill, level, or the role's hours above their available hours) is dropped. Then rounds of
   dominance. Let t = min(#roles, max_team_size) bound the team's size, and for a set S of
   roles member m could take alone (qualified for each, hours(S) ≤ available hours):
       cost_S(m) = hours(S)·hourly_cost(m),  value_S(m) = w_priority·priority(m) − cost_S(m),
       U(m), L(m) = the sums of the t − 1 largest positive, most negative trust terms
                    w_trust·trust(m, b) over the members b still in play (0 without pairs).
   m' S-dominates m when m' can take S too and, lexicographically,
       (value_S(m') + L(m'), −cost_S(m'), −position(m')) > (value_S(m) + U(m), −cost_S(m),
       −position(m)),  and cost_S(m') ≤ cost_S(m) when there is a budget.
   Member m stops being offered role r when, for every such S ∋ r, at least D = t + K − 1
   members S-dominate m. Why the K best scores stay: take K best teams T1..Tk (distinct member
   sets). If Tj gives m a set S ∋ r, replace m in Tj by an S-dominator m' that is not already
   in Tj (at most t − 1 are) and does not turn Tj into another Ti (each Ti rules out at most
   one m': at most K − 1). The new team is feasible (m' holds the skills and the hours for S,
   same size, no dearer) and its score changes by value_S(m') + trust(m', Tj − m) − value_S(m)
   − trust(m, Tj − m) ≥ (value_S(m') + L(m')) − (value_S(m) + U(m)) ≥ 0. The triple
   (Σ scores, −Σ costs, −Σ positions of the members) over the K teams grows strictly at each
   replacement (by the lexicographic order) and takes finitely many values, so replacements
   end, with K distinct teams using only offered (member, role) pairs, each scoring at least
   as much as its original. Teams of the reduced problem are teams of the full one: the K best
   scores are equal. A round works on the previous round's output (members offered only what
   is left, bounds U and L over the members left) until nothing changes. Members offered too
   many roles to enumerate their sets keep all or none (`_reduce_versatile`).
3. The model. Booleans x[m, r] for the offered pairs, y[m] = OR_r x[m, r] (both directions),
   one z per trust pair of two kept members (z ≤ y_a, z ≤ y_b when the trust term is
   positive, z ≥ y_a + y_b − 1 when negative: at the optimum z = y_a ∧ y_b), exactly one
   member per role, hours per member, team size, budget; valid cuts for the LP relaxation:
   Σ y ≤ t, and Σ_b z_ab ≤ (t − 1)·y_a over a's positive pairs. The objective's integer
   coefficients are divided by their gcd. When their sum is below 2**53 CP-SAT maximises them
   directly. Otherwise (many decimals, e.g. trust computed as a float) in two exact stages:
   a_i = M·q_i + r_i with 0 ≤ r_i < M; maximise Q = Σ q_i v_i to Q*; the best solution has
   Q > Q* − n (n = terms that can be non-zero together: roles + t + t(t−1)/2 for t members),
   since its remainder R < n·M; then maximise M·(Q − Q*) + R under Q ≥ Q* − n + 1, which is
   the exact objective minus a constant.
4. The K best. Team k is the best team whose member set differs from teams 1..k−1 (a no-good
   cut on the y of each team found, then solve again). "optimal" means CP-SAT proved every
   stage of every returned team optimal and proved that no further team exists when fewer
   than K are returned.
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ortools.sat.python import cp_model

from essaim.staffing.instance import (
    Instance,
    InstanceError,
    Number,
    check_instance,
    parse_instance,
)

OBJECTIVE_LIMIT = 2**53  # CP-SAT's objective stays exact in a double below this
CONSTRAINT_LIMIT = 2**62  # int64 with room for CP-SAT's overflow checks
MAX_SUBSET_ROLES = 6  # members offered more roles: `_reduce_versatile` (2**6 role sets)
MAX_ROUNDS = 4  # rounds of the dominance reduction (each drops fewer members)

OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN = "optimal", "feasible", "infeasible", "unknown"


# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Team:
    """A team: its members (ids, sorted), who takes each role, its exact cost and score."""

    members: tuple[str, ...]
    assignment: dict[str, str]  # role id -> member id, in the order of the roles
    cost: Decimal
    score: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "assignment": dict(self.assignment),
            "cost": float(self.cost),
            "score": float(self.score),
        }


@dataclass(frozen=True)
class Stats:
    """What the solver did, for benchmarks and curious operators (not in `as_dict()`)."""

    members: int = 0  # in the instance
    qualified: int = 0  # able to fill at least one role
    kept: int = 0  # still offered a role after the reductions
    role_variables: int = 0  # booleans x[m, r]
    pair_variables: int = 0  # booleans z for trust pairs
    solves: int = 0  # CP-SAT runs
    two_stage: bool = False  # the objective needed the two-stage exact scheme


@dataclass(frozen=True)
class Result:
    """`status` is "optimal", "feasible", "infeasible", or "unknown" (see `docs/staffing.md`)."""

    status: str
    teams: tuple[Team, ...]
    uncoverable_roles: tuple[str, ...]
    seconds: float
    stats: Stats = Stats()

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "teams": [team.as_dict() for team in self.teams],
            "uncoverable_roles": list(self.uncoverable_roles),
            "seconds": self.seconds,
        }


def solve(
    instance: Instance | dict[str, Any],
    *,
    top: int = 1,
    time_limit: float | None = None,
    reduce: bool = True,
) -> Result:
    """The `top` best teams with distinct member sets, best first.

    `time_limit` (seconds, for the whole call) makes the answer "feasible" when CP-SAT is
    stopped before its proof. `reduce=False` skips the dominance reduction (for benchmarks and
    tests: same answer, bigger model). Raises `InstanceError` on an invalid instance, `top` or
    `time_limit`.
    """
    started = time.perf_counter()
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InstanceError("top", f"le nombre d'équipes doit être un entier ≥ 1 (reçu : {top}).")
    if time_limit is not None and (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not time_limit > 0
    ):
        raise InstanceError(
            "time_limit", f"la limite de temps doit être un nombre > 0 (reçu : {time_limit})."
        )
    if isinstance(instance, Instance):
        check_instance(instance)
    else:
        instance = parse_instance(instance)
    deadline = None if time_limit is None else started + time_limit

    problem = _Problem(instance)
    uncoverable = tuple(
        role.id
        for j, role in enumerate(instance.roles)
        if not any(mask >> j & 1 for mask in problem.masks)
    )
    if uncoverable:
        return Result(
            INFEASIBLE,
            (),
            uncoverable,
            _seconds(started),
            Stats(members=len(instance.members), qualified=len(problem.members)),
        )
    team_bound = min(len(instance.roles), instance.max_team_size or len(instance.roles))
    if reduce:
        offered = _offered_roles(problem, depth=team_bound + top - 1, team_bound=team_bound)
    else:
        offered = list(problem.masks)
    model = _Model(problem, offered, team_bound)
    status, teams = model.best_teams(top, deadline)
    stats = Stats(
        members=len(instance.members),
        qualified=len(problem.members),
        kept=len(model.kept),
        role_variables=model.role_variables,
        pair_variables=model.pair_variables,
        solves=model.solves,
        two_stage=model.two_stage,
    )
    return Result(status, tuple(teams), (), _seconds(started), stats)


def _seconds(started: float) -> float:
    return round(time.perf_counter() - started, 3)


# --- exact numbers ---------------------------------------------------------------------------


def _digits(value: Number) -> tuple[int, int]:
    """(n, k) with value == n / 10**k exactly, a float read as its shortest decimal."""
    if type(value) is int:
        return value, 0
    if isinstance(value, float):
        if value.is_integer():
            return int(value), 0
        text = repr(value)
        if "e" not in text:
            whole, _, fraction = text.partition(".")
            return int(whole + fraction), len(fraction)
        value = Decimal(text)
    if isinstance(value, Decimal):
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # finite: checked with the instance
        n = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
        return (n * 10**exponent, 0) if exponent >= 0 else (n, -exponent)
    return int(value), 0


def _scaled(values: list[tuple[int, int]], places: int) -> list[int]:
    return [n * 10 ** (places - k) for n, k in values]


def _places(*groups: list[tuple[int, int]]) -> int:
    return max((k for group in groups for _, k in group), default=0)


def _decimal(units: int, places: int) -> Decimal:
    """units / 10**places as an exact Decimal (no context rounding)."""
    digits = tuple(int(c) for c in str(abs(units)))
    return Decimal((1 if units < 0 else 0, digits, -places))


class _Problem:
    """The instance in exact integers, restricted to the qualified members.

    Member q (0 ≤ q < len(members)) is `instance.members[members[q]]`; `masks[q]` has bit j
    set when q can fill role j. Score terms are in units of 10**-places, the budget's in units
    of 10**-budget_places, hours in units of 10**-hour_places.
    """

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self._qualify()
        self._score_terms()
        self.max_team_size = instance.max_team_size
        self.budget: int | None = None
        if instance.budget is not None:
            budget = _digits(instance.budget)
            self.budget_places = max(self.cost_places, budget[1])
            self.budget = budget[0] * 10 ** (self.budget_places - budget[1])

    def _qualify(self) -> None:
        """The members able to fill at least one role (skill, level, hours), as bit masks."""
        instance = self.instance
        roles = instance.roles
        by_skill: dict[str, list[tuple[int, int]]] = {}
        for j, role in enumerate(roles):
            by_skill.setdefault(role.skill, []).append((j, role.min_level))
        skilled: list[tuple[int, int]] = []
        for i, member in enumerate(instance.members):
            mask = 0
            for code, level in member.skills.items():
                for j, min_level in by_skill.get(code, ()):
                    if level >= min_level:
                        mask |= 1 << j
            if mask:
                skilled.append((i, mask))

        role_hours = [_digits(role.hours) for role in roles]
        member_hours = [_digits(instance.members[i].available_hours) for i, _ in skilled]
        self.hour_places = hour_places = _places(role_hours, member_hours)
        self.role_hours = _scaled(role_hours, hour_places)
        self.members: list[int] = []
        self.masks: list[int] = []
        self.hours: list[int] = []
        for (i, mask), available in zip(skilled, _scaled(member_hours, hour_places), strict=True):
            for j, needed in enumerate(self.role_hours):
                if mask >> j & 1 and needed > available:
                    mask &= ~(1 << j)
            if mask:
                self.members.append(i)
                self.masks.append(mask)
                self.hours.append(available)

    def _score_terms(self) -> None:
        """Costs, priorities and trust of the qualified members, in exact integer units."""
        instance = self.instance
        chosen = [instance.members[i] for i in self.members]
        costs = [_digits(m.hourly_cost) for m in chosen]
        priorities = [_digits(m.priority) for m in chosen]
        position = {instance.members[i].id: q for q, i in enumerate(self.members)}
        trust_entries: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for pair in instance.pairs:
            a, b = position.get(pair.a), position.get(pair.b)
            if a is not None and b is not None:
                trust_entries.setdefault((min(a, b), max(a, b)), []).append(_digits(pair.trust))
        w_trust, w_priority = _digits(instance.weights.trust), _digits(instance.weights.priority)

        cost_places = _places(costs)
        priority_places = _places(priorities)
        trust_places = _places(*trust_entries.values())
        self.cost_places = self.hour_places + cost_places  # of hours × hourly cost
        self.places = max(
            self.cost_places,
            w_priority[1] + priority_places,
            w_trust[1] + trust_places,
        )
        self.hourly = _scaled(costs, cost_places)
        self.cost_factor = 10 ** (self.places - self.cost_places)
        factor = w_priority[0] * 10 ** (self.places - w_priority[1] - priority_places)
        self.priority = [p * factor for p in _scaled(priorities, priority_places)]
        factor = w_trust[0] * 10 ** (self.places - w_trust[1] - trust_places)
        self.trust: dict[tuple[int, int], int] = {}
        for key, entries in trust_entries.items():
            weight = sum(_scaled(entries, trust_places)) * factor
            if weight:
                self.trust[key] = weight
        self.partners: dict[int, list[int]] = {}
        for a, b in self.trust:
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)

    def cost(self, q: int, hours: int) -> int:
        """Cost of `hours` (hour units) by member q, in units of 10**-cost_places."""
        return self.hourly[q] * hours

    def team(self, chosen: list[int]) -> Team:
        """The team giving role j to member chosen[j], with its exact cost and score."""
        instance = self.instance
        cost = sum(self.cost(q, h) for q, h in zip(chosen, self.role_hours, strict=True))
        people = sorted(set(chosen))
        score = sum(self.priority[q] for q in people) - cost * self.cost_factor
        for x, a in enumerate(people):
            for b in people[x + 1 :]:
                score += self.trust.get((a, b), 0)
        ids = [instance.members[self.members[q]].id for q in chosen]
        return Team(
            members=tuple(sorted(set(ids))),
            assignment={role.id: m for role, m in zip(instance.roles, ids, strict=True)},
            cost=_decimal(cost, self.cost_places),
            score=_decimal(score, self.places),
        )


# --- the reduction ---------------------------------------------------------------------------


def _submasks(mask: int) -> list[int]:
    found, sub = [], mask
    while sub:
        found.append(sub)
        sub = (sub - 1) & mask
    return found


def _offered_roles(problem: _Problem, *, depth: int, team_bound: int) -> list[int]:
    """For each qualified member, the roles still offered after the dominance reduction.

    Rounds of `_dominance_round` until nothing changes: each round's problem (members offered
    only what the last round left them) has the same K best scores as the last, so the
    members a round drops no longer count in the next one's trust bounds.
    """
    offered = list(problem.masks)
    for _ in range(MAX_ROUNDS):
        reduced = _dominance_round(problem, offered, depth=depth, team_bound=team_bound)
        if reduced == offered:
            break
        offered = reduced
    return offered


def _trust_bounds(
    problem: _Problem, offered: list[int], team_bound: int
) -> tuple[dict[int, int], dict[int, int]]:
    """For each member with trust pairs: the most and the least their trust terms can add.

    A member has at most t − 1 team mates (t = min(#roles, max_team_size)), among the members
    still offered a role: the t − 1 largest positive terms, the t − 1 most negative ones.
    """
    upper: dict[int, int] = {}
    lower: dict[int, int] = {}
    for q, partners in problem.partners.items():
        if not offered[q]:
            continue
        weights = sorted(problem.trust[min(q, b), max(q, b)] for b in partners if offered[b])
        if weights:
            upper[q] = sum(w for w in weights[::-1][: team_bound - 1] if w > 0)
            lower[q] = sum(w for w in weights[: team_bound - 1] if w < 0)
    return upper, lower


def _dominance_round(
    problem: _Problem, offered: list[int], *, depth: int, team_bound: int
) -> list[int]:
    """One round of the reduction, as argued in the module's docstring.

    For each role set S, members able to take S are ranked by their optimistic key
    (value_S + U, −cost_S, −position) as the dominated, their pessimistic key
    (value_S + L, −cost_S, −position) as dominators (U, L: the bounds of their trust terms;
    both 0 without trust pairs). A member is S-dominated by those whose pessimistic key beats
    its optimistic key and, with a budget, cost no more for S.
    """
    upper, lower = _trust_bounds(problem, offered, team_bound)
    result = [0] * len(offered)
    hours_of: dict[int, int] = {}
    groups: dict[int, list[int]] = {}
    versatile: list[int] = []
    for q, mask in enumerate(offered):
        if not mask:
            continue
        if mask.bit_count() > MAX_SUBSET_ROLES:
            versatile.append(q)
            continue
        for sub in _submasks(mask):
            hours = hours_of.get(sub)
            if hours is None:
                hours = sum(h for j, h in enumerate(problem.role_hours) if sub >> j & 1)
                hours_of[sub] = hours
            if hours <= problem.hours[q]:
                groups.setdefault(sub, []).append(q)
    budgeted = problem.budget is not None
    factor = problem.cost_factor
    for sub, members in groups.items():
        if len(members) <= depth:
            for q in members:
                result[q] |= sub
            continue
        hours = hours_of[sub]
        events = []  # (key..., kind): kind 1 = a query (dominated?), 0 = a dominator
        for q in members:
            cost = problem.cost(q, hours)
            value = problem.priority[q] - cost * factor
            # At equal keys (a member without trust pairs), the query goes first: a member
            # does not dominate themself.
            events.append((value + upper.get(q, 0), -cost, -q, 1))
            events.append((value + lower.get(q, 0), -cost, -q, 0))
        events.sort(reverse=True)
        before = 0
        cheapest: list[int] = []  # the `depth` smallest costs among dominators seen, negated
        for _value, negative_cost, negative_q, query in events:
            cost = -negative_cost
            if query:
                if budgeted:
                    dominated = len(cheapest) == depth and -cheapest[0] <= cost
                else:
                    dominated = before >= depth
                if not dominated:
                    result[-negative_q] |= sub
            else:
                before += 1
                if len(cheapest) < depth:
                    heapq.heappush(cheapest, -cost)
                elif cost < -cheapest[0]:
                    heapq.heapreplace(cheapest, -cost)
    _reduce_versatile(problem, offered, versatile, upper, lower, depth, result)
    return result


def _reduce_versatile(
    problem: _Problem,
    offered: list[int],
    versatile: list[int],
    upper: dict[int, int],
    lower: dict[int, int],
    depth: int,
    result: list[int],
) -> None:
    """Members offered too many roles to go through their role sets: all roles or none.

    Such a member m is dropped when `depth` members m' dominate m for every set S m could
    take at once: m' is offered every role m is, has the hours for any S (hours(m') ≥
    min(hours(m), hours of all m's roles)), costs no more an hour, and w(m') > w(m) with
    w = value at the smallest S + trust bound (or w equal, same hourly cost, m' earlier).
    Since cost_S grows with hours(S) at least as fast for m as for m', this makes m' an
    S-dominator for every S; the module's argument then applies unchanged. Only the 4·depth
    members of best w are tried as dominators: a sufficient test, cheap.
    """
    factor = problem.cost_factor
    by_mask: dict[int, list[int]] = {}
    for q in versatile:
        by_mask.setdefault(offered[q], []).append(q)
    for mask, members in by_mask.items():
        roles = [h for j, h in enumerate(problem.role_hours) if mask >> j & 1]
        smallest, everything = min(roles), sum(roles)

        def worth(q: int, bound: int, smallest: int = smallest) -> int:
            return problem.priority[q] + bound - problem.cost(q, smallest) * factor

        # Offered all of m's roles: offered more than MAX_SUBSET_ROLES, versatile too.
        pool = [q for q in versatile if offered[q] & mask == mask]
        pool.sort(key=lambda q: -worth(q, lower.get(q, 0)))
        elite = [(q, worth(q, lower.get(q, 0))) for q in pool[: 4 * depth]]
        for q in members:
            w = worth(q, upper.get(q, 0))
            needed = min(problem.hours[q], everything)
            hourly = problem.hourly[q]
            dominators = sum(
                1
                for other, other_w in elite
                if other != q
                and problem.hours[other] >= needed
                and problem.hourly[other] <= hourly
                and (
                    other_w > w or (other_w == w and problem.hourly[other] == hourly and other < q)
                )
            )
            if dominators < depth:
                result[q] = mask


# --- the CP-SAT model ------------------------------------------------------------------------


def _gcd_reduced(coefficients: list[int], bound: int) -> tuple[list[int], int]:
    """Σ c_i x_i ≤ bound over integers, divided by the gcd of the c_i (bound floored)."""
    divisor = math.gcd(*coefficients) or 1
    return [c // divisor for c in coefficients], bound // divisor


class _Model:
    """The CP-SAT model of the reduced problem, and the search for the K best teams."""

    def __init__(self, problem: _Problem, offered: list[int], team_bound: int) -> None:
        self.problem = problem
        self.team_bound = team_bound
        self.solves = 0
        self.two_stage = False
        self.model = cp_model.CpModel()
        self.kept = [q for q, mask in enumerate(offered) if mask]
        self.x: dict[int, list[tuple[int, Any]]] = {}  # member -> [(role, literal)]
        self.y: dict[int, Any] = {}  # member -> literal "in the team"
        self._terms: dict[int, tuple[Any, int]] = {}  # variable index -> (literal, coefficient)
        self._add_assignment(offered)
        self._add_members()
        if len(self.y) > team_bound:  # also a valid cut when the size is not limited
            self.model.add(sum(self.y.values()) <= team_bound)
        if problem.budget is not None:
            self._add_budget(problem.budget)
        self._add_pairs()
        terms = [(lit, c) for lit, c in self._terms.values() if c]
        divisor = math.gcd(*(c for _, c in terms)) or 1
        self.terms = [(lit, c // divisor) for lit, c in terms]

    def _add_term(self, literal: Any, coefficient: int) -> None:
        old = self._terms.get(literal.index, (literal, 0))[1]
        self._terms[literal.index] = (literal, old + coefficient)

    def _add_assignment(self, offered: list[int]) -> None:
        """x[m, r] for the offered pairs, exactly one member per role, and their costs."""
        problem, model = self.problem, self.model
        by_role: list[list[Any]] = [[] for _ in problem.role_hours]
        for q in self.kept:
            pairs = []
            for j, hours in enumerate(problem.role_hours):
                if offered[q] >> j & 1:
                    literal = model.new_bool_var(f"x{q}_{j}")
                    pairs.append((j, literal))
                    by_role[j].append(literal)
                    self._add_term(literal, -problem.cost(q, hours) * problem.cost_factor)
            self.x[q] = pairs
        self.role_variables = sum(len(p) for p in self.x.values())
        for literals in by_role:
            model.add_exactly_one(literals)

    def _add_members(self) -> None:
        """y[m] = OR of m's x, m's hours, m's priority."""
        problem, model = self.problem, self.model
        for q, pairs in self.x.items():
            if len(pairs) == 1:
                self.y[q] = pairs[0][1]
            else:
                # y = OR of the x, as linear constraints so that the LP relaxation sees them.
                y = self.y[q] = model.new_bool_var(f"y{q}")
                for _, literal in pairs:
                    model.add(literal <= y)
                model.add(sum(literal for _, literal in pairs) >= y)
                needed = [problem.role_hours[j] for j, _ in pairs]
                if sum(needed) > problem.hours[q]:
                    coefficients, bound = _gcd_reduced(needed, problem.hours[q])
                    _check_fits(coefficients, "available_hours")
                    model.add(
                        sum(c * lit for c, (_, lit) in zip(coefficients, pairs, strict=True))
                        <= bound
                    )
            if problem.priority[q]:
                self._add_term(self.y[q], problem.priority[q])

    def _add_pairs(self) -> None:
        """z = y_a ∧ y_b for each trust pair of two kept members (the side that matters)."""
        model, team_bound = self.model, self.team_bound
        self.pair_variables = 0
        liked: dict[int, list[Any]] = {}  # member -> z of their positive pairs
        for (a, b), weight in self.problem.trust.items():
            if a in self.y and b in self.y:
                z = model.new_bool_var(f"z{a}_{b}")
                if weight > 0:
                    model.add(z <= self.y[a])
                    model.add(z <= self.y[b])
                    liked.setdefault(a, []).append(z)
                    liked.setdefault(b, []).append(z)
                else:
                    model.add(z >= self.y[a] + self.y[b] - 1)
                self._add_term(z, weight)
                self.pair_variables += 1
        for a, zs in liked.items():
            if len(zs) > team_bound - 1:  # a member has at most t - 1 team mates
                model.add(sum(zs) <= (team_bound - 1) * self.y[a])

    def _add_budget(self, budget: int) -> None:
        problem = self.problem
        scale = 10 ** (problem.budget_places - problem.cost_places)
        literals, coefficients = [], []
        by_role: dict[int, int] = {}
        for q, pairs in self.x.items():
            for j, literal in pairs:
                cost = problem.cost(q, problem.role_hours[j]) * scale
                literals.append(literal)
                coefficients.append(cost)
                by_role[j] = max(by_role.get(j, 0), cost)
        dearest = sum(by_role.values())
        if dearest <= budget:
            return  # no team can exceed it
        coefficients, bound = _gcd_reduced(coefficients, budget)
        _check_fits(coefficients, "budget")
        self.model.add(sum(c * lit for c, lit in zip(coefficients, literals, strict=True)) <= bound)

    # --- solving ---

    def best_teams(self, top: int, deadline: float | None) -> tuple[str, list[Team]]:
        teams: list[Team] = []
        for rank in range(top):
            outcome, chosen = self._best(deadline)
            if outcome == INFEASIBLE:
                return (INFEASIBLE if rank == 0 else OPTIMAL), teams
            if outcome == UNKNOWN:
                return (UNKNOWN if rank == 0 else FEASIBLE), teams
            assert chosen is not None
            teams.append(self.problem.team(chosen))
            if outcome == FEASIBLE:
                return FEASIBLE, teams
            if rank + 1 < top:
                team = set(chosen)
                self.model.add_bool_or([y.Not() if q in team else y for q, y in self.y.items()])
        return OPTIMAL, teams

    def _best(self, deadline: float | None) -> tuple[str, list[int] | None]:
        """The best team of the model as it stands: (outcome, member of each role)."""
        total = sum(abs(c) for _, c in self.terms)
        if total <= OBJECTIVE_LIMIT:
            self.model.clear_objective()
            if self.terms:
                self.model.maximize(sum(c * lit for lit, c in self.terms))
            return self._run(self.model, deadline)
        return self._best_in_two_stages(total, deadline)

    def _best_in_two_stages(self, total: int, deadline: float | None) -> tuple[str, Any]:
        self.two_stage = True
        count = len(self.terms)
        t = self.team_bound
        active = len(self.problem.role_hours) + t + t * (t - 1) // 2
        # M so that Σ|q_i| ≈ total / M ≤ 2**52 and (active + count) · M stays in range.
        base = max(1, -(-total // 2**52))
        if (active + count) * base > OBJECTIVE_LIMIT:
            raise InstanceError(
                "",
                "trop de décimales dans les nombres de l'instance pour un calcul exact : "
                "arrondissez les poids (weights), la confiance (pairs[].trust), les priorités "
                "ou les coûts horaires (une dizaine de décimales suffit).",
            )
        high = [(lit, c // base) for lit, c in self.terms]
        low = [(lit, c % base) for lit, c in self.terms]
        self.model.clear_objective()
        self.model.maximize(sum(c * lit for lit, c in high if c))
        outcome, chosen = self._run(self.model, deadline)
        if outcome != OPTIMAL:
            return outcome, chosen
        best_high = sum(c for lit, c in high if c and self._last_values[lit.index])
        second = self.model.clone()
        second.clear_objective()
        gap = second.new_int_var(-active + 1, 0, "gap")
        clone = {lit.index: second.get_bool_var_from_proto_index(lit.index) for lit, _ in high}
        second.add(sum(c * clone[lit.index] for lit, c in high if c) - gap == best_high)
        second.maximize(base * gap + sum(c * clone[lit.index] for lit, c in low if c))
        for q, pairs in self.x.items():
            for j, literal in pairs:
                second.add_hint(second.get_bool_var_from_proto_index(literal.index), chosen[j] == q)
        return self._run(second, deadline)

    def _run(self, model: cp_model.CpModel, deadline: float | None) -> tuple[str, Any]:
        solver = cp_model.CpSolver()
        # Measured on the benchmark's instances (bench/staffing_solver.py): after the
        # reductions the model is small, and one worker with the stronger LP relaxation
        # and no presolve proves optimality fastest; one worker also makes the answer
        # deterministic.
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.linearization_level = 2
        solver.parameters.cp_model_presolve = False
        if deadline is not None:
            solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.001)
        status = solver.solve(model)
        self.solves += 1
        if status == cp_model.INFEASIBLE:
            return INFEASIBLE, None
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if status == cp_model.MODEL_INVALID:  # pragma: no cover - a bug of ours
                raise RuntimeError(model.validate())
            return UNKNOWN, None
        self._last_values = {lit.index: solver.boolean_value(lit) for lit, _ in self.terms}
        chosen = [-1] * len(self.problem.role_hours)
        for q, pairs in self.x.items():
            for j, literal in pairs:
                if solver.boolean_value(literal):
                    chosen[j] = q
        return (OPTIMAL if status == cp_model.OPTIMAL else FEASIBLE), chosen


def _check_fits(coefficients: list[int], field: str) -> None:
    if sum(abs(c) for c in coefficients) > CONSTRAINT_LIMIT:
        raise InstanceError(
            field,
            "trop de décimales pour un calcul exact : arrondissez les heures, les coûts "
            "horaires et le budget.",
        )
