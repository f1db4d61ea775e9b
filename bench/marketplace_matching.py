"""The matching members of a request over 10,000 profiles, beside a naive ORM baseline.

Builds a throwaway directory (the members of `bench/search_latency.py`: each holds a built-in
trade and two to four of its skills, sometimes a transversal one, with zones, remote work and an
availability; about one in ten has left the cooperative), writes a few requests through the
marketplace's service (drafts: nobody is told), then times
`essaim.marketplace.selectors.matching.matching_members` for each: a rare skill, a common trade
(its whole subtree), a whole domain, several skills at once, a trade in one département without
remote work. The baseline, in the same run, is the same computation done the way a first version
would: the present members holding an answering skill loaded as model instances through the ORM
(profile joined, skills prefetched), then the same pure rule (`essaim.marketplace.matching`).
Both must find the same members in the same order: the script checks it.

Prints the median and the slowest of --runs runs per request, against the target of 200 ms.

    python bench/marketplace_matching.py                      # SQLite, in a temporary file
    python bench/marketplace_matching.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    DATABASE_URL=postgres://... python bench/marketplace_matching.py

With PostgreSQL the benchmark creates the database essaim_bench_matching and drops it afterwards.
Exit status 0 (times are only printed) unless the two computations disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench.member_list as member_list  # noqa: E402
import bench.search_latency as directory  # noqa: E402

TARGET_MS = 200.0
TODAY = directory.TODAY  # the profiles' availability is drawn around this day


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000, help="profiles (10000)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per request (20)")
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- the requests ---------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    skills: list[tuple[Any, int]]  # (node, minimum level)
    zone: str = ""
    remote: bool = False


def cases() -> list[Case]:
    """Requests on nodes chosen from what the members hold: the rarest skill held, the most
    held trade, its domain, three skills of different trades, a trade in one département."""
    from django.db.models import Count

    from essaim.skills.models import Node

    held = Node.objects.filter(source="builtin").annotate(n=Count("member_skills"))
    skills = held.filter(kind="skill", is_social=False, n__gt=0)
    rare = skills.order_by("n", "code").first()
    trades = list(held.filter(kind="trade").order_by("-n", "code")[:3])
    domain = Node.objects.get(code=trades[0].code.split(".")[0])
    several: list[Any] = []  # the most held skill of three trades
    for trade in held.filter(kind="trade").order_by("-n", "code"):
        skill = skills.filter(code__startswith=f"{trade.code}.").order_by("-n", "code").first()
        if skill is not None:
            several.append(skill)
        if len(several) == 3:
            break
    assert rare is not None and len(several) == 3
    return [
        Case(f"compétence rare : {rare.label} ({rare.n} membres)", [(rare, 1)]),
        Case(f"métier courant : {trades[0].label} (et son sous-arbre)", [(trades[0], 1)]),
        Case(f"domaine entier : {domain.label}", [(domain, 1)]),
        Case(
            "trois compétences, niveau 2 : " + ", ".join(n.label for n in several),
            [(n, 2) for n in several],
        ),
        Case(f"métier courant, en 93, sans distance : {trades[1].label}", [(trades[1], 1)], "93"),
        Case(
            f"métier courant, en 75 ou à distance : {trades[2].label}", [(trades[2], 1)], "75", True
        ),
    ]


def write_requests(author: Any, found: list[Case]) -> list[Any]:
    from essaim.marketplace.services.requests import request_create

    return [
        request_create(
            actor=None,
            author=author,
            kind="subcontracting",
            title=case.label[:200],
            description="Demande du banc d'essai.",
            answer_deadline=TODAY + dt.timedelta(days=20),
            start_date=TODAY + dt.timedelta(days=30),
            end_date=TODAY + dt.timedelta(days=60),
            skills=case.skills,
            zone=case.zone,
            remote=case.remote,
            today=TODAY,
        )
        for case in found
    ]


# --- the two computations ---------------------------------------------------------------------


def engine(request: Any) -> list[tuple[int, int]]:
    from essaim.marketplace.selectors.matching import matching_members

    return [(m.member_id, m.covered) for m in matching_members(request, today=TODAY)]


def naive(request: Any) -> list[tuple[int, int]]:
    """Model instances through the ORM, then the same rule."""
    from essaim.marketplace import matching
    from essaim.marketplace.selectors.matching import needs_of, place_of
    from essaim.members.models import Member

    needs = needs_of([(s.node_id, s.min_level) for s in request.skills.all()])
    answering = set().union(*(n.answering for n in needs))
    members = (
        Member.objects.filter(exit_date__isnull=True, skills__node_id__in=answering)
        .exclude(pk=request.author_id)
        .distinct()
        .select_related("profile")
        .prefetch_related("skills")
    )
    candidates = [
        matching.Candidate(
            member_id=m.pk,
            skills={s.node_id: s.level for s in m.skills.all()},
            zones=tuple(m.profile.zones or ()),
            remote=m.profile.remote,
            days_per_week=float(m.profile.days_per_week or 0),
            available_from=m.profile.available_from,
            available_until=m.profile.available_until,
        )
        for m in members
    ]
    found = matching.match(
        needs, place_of(request), candidates, today=TODAY, key=f"request:{request.pk}"
    )
    return [(m.member_id, m.covered) for m in found]


@dataclass
class Timing:
    median_ms: float
    max_ms: float


def measure(run: Callable[[Any], Any], request: Any, runs: int) -> Timing:
    run(request)  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run(request)
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(statistics.median(samples), max(samples))


# --- running --------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    postgres_url = args.postgres or os.environ.get("DATABASE_URL") or None
    if postgres_url and not postgres_url.startswith(("postgres://", "postgresql://")):
        postgres_url = None
    member_list.BENCH_DB = "essaim_bench_matching"
    with tempfile.TemporaryDirectory(prefix="essaim-bench-var-") as var_dir:
        with member_list.throwaway_database(postgres_url) as database_url:
            member_list.setup_django(database_url, var_dir)
            return bench(args)


def bench(args: argparse.Namespace) -> int:
    from django.db import connection

    from essaim.members.models import Member
    from essaim.skills.search_nodes import catalog, forget

    started = time.perf_counter()
    rng = random.Random(args.seed)
    nomen = directory.nomenclature()
    t0 = time.perf_counter()
    directory.create_members(nomen, 0, args.members, rng)
    author = Member.objects.create(
        first_name="Autrice", last_name="Banc", email="autrice@bench.example", search_name="banc"
    )
    member_list.analyze()
    created = time.perf_counter() - t0
    forget()  # the nomenclature's first load, apart from the timed runs
    t0 = time.perf_counter()
    catalog()
    loaded = time.perf_counter() - t0
    found = cases()
    requests = write_requests(author, found)
    if connection.vendor == "sqlite":
        engine_name = f"SQLite {connection.Database.sqlite_version}"
    else:
        engine_name = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    print(f"Membres correspondant à une demande — {engine_name}")
    print(
        f"{args.members} profils créés en {created:.1f} s ; nomenclature chargée une fois en "
        f"{loaded * 1000:.0f} ms ; {args.runs} passages par demande"
    )
    print()
    head = (
        f"{'trouvés':>7} {'médiane':>9} {'max':>9} {'naïf méd.':>10} {'naïf max':>9}  "
        f"objectif          demande"
    )
    print(head)
    print("-" * len(head))
    disagree = 0
    for case, request in zip(found, requests, strict=True):
        matches = engine(request)
        if naive(request) != matches:
            disagree += 1
        ours = measure(engine, request, args.runs)
        baseline = measure(naive, request, max(1, args.runs // 2))
        verdict = "OK" if ours.max_ms < TARGET_MS else "MISS"
        print(
            f"{len(matches):>7} {ours.median_ms:>6.1f} ms {ours.max_ms:>6.1f} ms "
            f"{baseline.median_ms:>7.1f} ms {baseline.max_ms:>6.1f} ms  "
            f"< {TARGET_MS:.0f} ms {verdict:<4}  {case.label}",
            flush=True,
        )
    if disagree:
        print(f"\n{disagree} demande(s) : le calcul naïf ne trouve pas les mêmes membres !")
    print(f"\nTemps total : {time.perf_counter() - started:.1f} s")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
