"""Staffing solver: exactness against brute force, a greedy baseline, time with proof of optimality.

    python bench/staffing_solver.py                   # about 2 minutes
    python bench/staffing_solver.py --sizes 400,10000 --seeds 1 --exact 50   # quicker

1. Exactness — the test suite's 200 random instances (≤ 12 members, ≤ 5 roles, K = 1 to 3
   best teams; `tests/staffing/generators.py`): the solver's scores against an independent
   brute force, and every returned team through the independent checker
   (`tests/staffing/checker.py`).
2. Greedy baseline — rarest role first (fewest qualified members), cheapest qualified member
   with the hours left, within team size and budget: the mean score gap to the optimum and how
   often it finds no team when one exists, on those 200 instances and on the large ones.
3. Time with proof — 8 roles, realistic instances of 400, 10,000 and 50,000 members (100 skill
   codes of zipf-like popularity, levels 1–3, a few thousand trust pairs, priorities, a
   budget, teams of at most 6), `--seeds` instances per size: the seconds of `solve()` (the
   whole call: checking, reductions, CP-SAT), its status, the members kept and the CP-SAT
   booleans; in the same run, the greedy's time and the unreduced model (`reduce=False`,
   stopped after `--baseline-limit` seconds) up to `--unreduced-max` members. Targets: < 1 s
   at 10,000 and < 5 s at 50,000 members.

Exit status 1 when an exactness check fails; times are only printed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from essaim.staffing.solver import solve  # noqa: E402
from tests.staffing.checker import View, brute_force, violations  # noqa: E402
from tests.staffing.generators import small_instance  # noqa: E402

TARGETS_S = {10_000: 1.0, 50_000: 5.0}
CODES = [f"S{k:03d}" for k in range(100)]
POPULARITY = [1 / (k + 1) ** 1.07 for k in range(100)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact", type=int, default=200, help="brute-force instances (200)")
    parser.add_argument("--sizes", default="400,10000,50000", help="members (400,10000,50000)")
    parser.add_argument("--seeds", type=int, default=3, help="instances per size (3)")
    parser.add_argument(
        "--unreduced-max", type=int, default=10_000, help="unreduced baseline up to this size"
    )
    parser.add_argument(
        "--baseline-limit", type=float, default=30.0, help="seconds for the unreduced model (30)"
    )
    return parser.parse_args()


# --- the greedy baseline ---------------------------------------------------------------------


def greedy(instance: dict[str, Any]) -> dict[str, str] | None:
    """Rarest role first, the cheapest qualified member with hours left; None when stuck."""
    view = View(instance)
    roles = view.roles
    qualified = {r["id"]: [m for m in view.members if view.can_fill(m, r)] for r in roles}
    order = sorted(range(len(roles)), key=lambda j: (len(qualified[roles[j]["id"]]), j))
    size = instance.get("max_team_size")
    budget = view.budget
    used: dict[str, Fraction] = {}
    cost = Fraction(0)
    chosen: dict[str, str] = {}
    for j in order:
        role = roles[j]
        hours = _exact(role["hours"])
        best = None
        for member_id in qualified[role["id"]]:
            member = view.members[member_id]
            if size is not None and member_id not in used and len(used) >= size:
                continue
            left = _exact(member["available_hours"]) - used.get(member_id, Fraction(0))
            price = hours * _exact(member["hourly_cost"])
            if left < hours or (budget is not None and cost + price > budget):
                continue
            key = (_exact(member["hourly_cost"]), member_id)
            if best is None or key < best[0]:
                best = (key, member_id, price)
        if best is None:
            return None
        _, member_id, price = best
        used[member_id] = used.get(member_id, Fraction(0)) + hours
        cost += price
        chosen[role["id"]] = member_id
    return {r["id"]: chosen[r["id"]] for r in roles}


def _exact(value: Any) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


# --- realistic instances ---------------------------------------------------------------------


def realistic_instance(members: int, seed: int, *, round_trust: bool = True) -> dict[str, Any]:
    """8 roles, `members` members, skill popularity zipf-like, a few thousand trust pairs."""
    rng = random.Random(seed)
    holders: dict[str, list[int]] = {}
    people = []
    for i in range(members):
        held: set[str] = set()
        wanted = rng.choice([1, 2, 2, 3, 3, 4])
        while len(held) < wanted:
            held.add(rng.choices(CODES, POPULARITY)[0])
        skills = {c: rng.choices([1, 2, 3], [4, 4, 2])[0] for c in sorted(held)}
        for code in held:
            holders.setdefault(code, []).append(i)
        people.append(
            {
                "id": f"m{i:05d}",
                "skills": skills,
                "available_hours": rng.choice([0, 14, 35, 70, 105, 140, 210]),
                "hourly_cost": round(math.exp(rng.gauss(math.log(45), 0.3)), 2),
                "priority": float(rng.choices([0, 1, 2, -1], [80, 10, 5, 5])[0]),
            }
        )
    roles = []
    while len(roles) < 8:
        skill = rng.choices(CODES[:40], POPULARITY[:40])[0]
        role = {
            "id": f"r{len(roles)}",
            "skill": skill,
            "min_level": rng.choice([1, 2, 2, 3]),
            "hours": rng.choice([14, 21, 35, 70, 105]),
        }
        able = sum(
            1
            for i in holders.get(skill, [])
            if people[i]["skills"][skill] >= role["min_level"]
            and people[i]["available_hours"] >= role["hours"]
        )
        if able >= 3:  # an opportunity nobody can staff is not a timing
            roles.append(role)
    pairs = []
    for _ in range(min(3000, 2 * members)):
        if rng.random() < 0.7:  # people who share a trade work together more
            group = holders.get(rng.choices(CODES, POPULARITY)[0], [])
            if len(group) < 2:
                continue
            a, b = rng.sample(group, 2)
        else:
            a, b = rng.sample(range(members), 2)
        trust = rng.uniform(0.2, 3)
        pairs.append(
            {"a": f"m{a:05d}", "b": f"m{b:05d}", "trust": round(trust, 2) if round_trust else trust}
        )
    return {
        "roles": roles,
        "members": people,
        "pairs": pairs,
        "budget": round(sum(r["hours"] for r in roles) * 45 * 1.05, 2),
        "max_team_size": 6,
        "weights": {"trust": 200.0, "priority": 500.0},
    }


# --- the three parts -------------------------------------------------------------------------


def exactness(count: int) -> tuple[int, list[tuple[Fraction, Fraction | None]]]:
    """Prints part 1 and part 2 on the small instances; returns failures and score pairs."""
    matches = failures = checked = infeasible = two_stage = 0
    greedy_pairs: list[tuple[Fraction, Fraction | None]] = []
    started = time.perf_counter()
    for seed in range(count):
        instance = small_instance(random.Random(seed))
        top = 1 + seed % 3
        result = solve(instance, top=top)
        output = result.as_dict()
        expected = brute_force(instance)
        two_stage += result.stats.two_stage
        ok = [t["score"] for t in output["teams"]] == [float(s) for s, _ in expected[:top]]
        ok = ok and output["status"] == ("optimal" if expected else "infeasible")
        if not expected:
            infeasible += 1
            ok = ok and output["uncoverable_roles"] == View(instance).uncoverable()
        matches += ok
        for team in output["teams"]:
            checked += 1
            if violations(instance, team):
                failures += 1
        if expected:
            found = greedy(instance)
            greedy_pairs.append(
                (expected[0][0], None if found is None else View(instance).score(found))
            )
    seconds = time.perf_counter() - started
    print("1. Exactitude (force brute, ≤ 12 membres, ≤ 5 rôles, K = 1 à 3)")
    print(f"   meilleurs scores identiques : {matches}/{count}")
    print(f"   équipes vérifiées : {checked}, contraintes violées : {failures}")
    print(
        f"   dont {infeasible} instances sans équipe, {two_stage} résolues en deux étapes "
        f"(nombres à nombreuses décimales) ; {seconds:.1f} s avec la force brute"
    )
    return (count - matches) + failures, greedy_pairs


def greedy_summary(label: str, pairs: list[tuple[Fraction, Fraction | None]]) -> None:
    missed = sum(1 for _, found in pairs if found is None)
    gaps = [float(best - found) for best, found in pairs if found is not None]
    relative = [
        float((best - found) / abs(best)) for best, found in pairs if found is not None and best
    ]
    optimal = sum(1 for gap in gaps if gap == 0)
    mean_gap = statistics.fmean(gaps) if gaps else 0.0
    mean_relative = 100 * statistics.fmean(relative) if relative else 0.0
    print(
        f"   {label} : sans équipe alors qu'il en existe {missed}/{len(pairs)} ; "
        f"écart moyen au meilleur score {mean_gap:.2f} ({mean_relative:.1f} % de |optimum|), "
        f"optimum atteint {optimal}/{len(gaps)}"
    )


def timings(args: argparse.Namespace) -> list[tuple[Fraction, Fraction | None]]:
    sizes = [int(s) for s in args.sizes.split(",")]
    print("\n3. Temps avec preuve d'optimalité (8 rôles, équipes de 6 au plus, budget)")
    head = (
        f"{'membres':>8} {'graine':>6} {'statut':>9} {'solve':>8} {'CPU':>8} {'qualifiés':>9} "
        f"{'gardés':>7} {'booléens':>9} {'glouton':>8} {'sans réduction':>24}"
    )
    print(head)
    print("-" * len(head))
    pairs: list[tuple[Fraction, Fraction | None]] = []
    worst: dict[int, float] = {}
    for size in sizes:
        for seed in range(args.seeds):
            instance = realistic_instance(size, seed)
            started, cpu = time.perf_counter(), time.process_time()
            result = solve(instance)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            worst[size] = max(worst.get(size, 0.0), seconds)
            started = time.perf_counter()
            found = greedy(instance)
            greedy_seconds = time.perf_counter() - started
            if result.teams:
                score = Fraction(result.teams[0].score)
                pairs.append((score, None if found is None else View(instance).score(found)))
            baseline = ""
            if size <= args.unreduced_max and seed == 0:
                started = time.perf_counter()
                plain = solve(instance, reduce=False, time_limit=args.baseline_limit)
                baseline = (
                    f"{time.perf_counter() - started:6.2f} s {plain.status:<9} "
                    f"{plain.stats.role_variables:>6} x"
                )
                if plain.status == "optimal" and plain.teams[0].score != result.teams[0].score:
                    baseline += " ÉCART"
            print(
                f"{size:>8} {seed:>6} {result.status:>9} {seconds:>6.2f} s {cpu:>6.2f} s "
                f"{result.stats.qualified:>9} {result.stats.kept:>7} "
                f"{result.stats.role_variables + result.stats.pair_variables:>9} "
                f"{greedy_seconds:>6.2f} s  {baseline}",
                flush=True,
            )
    for size, target in TARGETS_S.items():
        if size in worst:
            verdict = "OK" if worst[size] < target else "MANQUÉ"
            print(
                f"   objectif < {target:.0f} s à {size} membres : "
                f"pire {worst[size]:.2f} s {verdict}"
            )
    if 10_000 in sizes:
        instance = realistic_instance(10_000, 0, round_trust=False)
        started = time.perf_counter()
        result = solve(instance)
        print(
            f"   10000 membres, confiance non arrondie (flottants à 16 décimales) : "
            f"{time.perf_counter() - started:.2f} s, {result.status}, "
            f"{'deux étapes' if result.stats.two_stage else 'une étape'}"
        )
    return pairs


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Solveur de staffing coopératif (OR-Tools CP-SAT), {os.cpu_count()} cœur(s), "
        f"charge de la machine {load:.1f} au départ\n"
        "(solve : temps écoulé de l'appel ; CPU : temps de calcul du processus, moins "
        "sensible aux autres programmes)\n"
    )
    failed, small_pairs = exactness(args.exact)
    print("\n2. Référence gloutonne (rôle le plus rare d'abord, membre qualifié le moins cher)")
    greedy_summary(f"{len(small_pairs)} petites instances avec équipe", small_pairs)
    large_pairs = timings(args)
    print("\n2 (suite). Référence gloutonne sur les grandes instances")
    greedy_summary(f"{len(large_pairs)} grandes instances", large_pairs)
    print(f"\nTemps total : {time.perf_counter() - started:.1f} s")
    if failed:
        print(f"{failed} écart(s) d'exactitude.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
