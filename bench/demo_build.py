"""Benchmark: build the demo cooperative (850 active members by default) on SQLite.

    .venv/bin/python bench/demo_build.py                 # 850 active members
    .venv/bin/python bench/demo_build.py --members 2000

Runs a worker subprocess on a throwaway SQLite database (a temporary ESSAIM_VAR_DIR, migrated
first) which measures:

- baseline 1: planning the population alone, in memory (`plan_population`, no database);
- the build itself (`essaim.demo.generator.build_demo`, bulk, one transaction), step by step,
  with the rows written and rows per second;
- baseline 2: a naive build of a few of the same people row by row through the members
  services (one transaction and audit entry per call), extrapolated to the whole population.

Prints figures only: nothing here asserts on time (see bench/README.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 26)


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def worker(active: int, naive: int) -> None:
    import random

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import transaction

    from essaim.core.models import AuditEntry, Role, User
    from essaim.demo import generator
    from essaim.demo.population import plan_population
    from essaim.members import services
    from essaim.members.models import (
        AccompanimentMeeting,
        Activity,
        AdvisorAssignment,
        Member,
        PathStage,
    )

    started = time.perf_counter()
    population = plan_population(rng=random.Random("2003:population"), active=active, today=TODAY)
    planning = time.perf_counter() - started
    print(f"baseline: planning only, no database    {planning:6.2f} s")

    timed: list[tuple[str, float]] = []

    def timing(step: generator.Step) -> generator.Step:
        def run(ctx: generator.DemoContext) -> None:
            begun = time.perf_counter()
            step(ctx)
            timed.append((step.__name__, time.perf_counter() - begun))

        return run

    result = generator.build_demo(
        active=active, today=TODAY, steps=[timing(step) for step in generator.STEPS]
    )
    from essaim.skills.models import MemberSkill, PortfolioItem, Price, Profile

    models = (
        User,
        Member,
        Activity,
        PathStage,
        AdvisorAssignment,
        AccompanimentMeeting,
        Profile,
        MemberSkill,
        PortfolioItem,
        Price,
    )
    rows = sum(m.objects.count() for m in models) + AuditEntry.objects.count()
    rows += AccompanimentMeeting.members.through.objects.count()
    print(
        f"build ({active} active, bulk)            {result.seconds:6.2f} s   "
        f"{_n(rows)} rows, {_n(rows / result.seconds)} rows/s (hashing the demo password "
        "included)"
    )
    for name, seconds in timed:
        print(f"  {name:<36} {seconds:6.2f} s")

    # Baseline 2: the same kind of people through the services, one call at a time.
    advisor = User.objects.create(email="naif@bench.example", role=Role.ADVISOR)
    people = [p for p in population.people if p.fate != "prospect"][:naive]
    begun = time.perf_counter()
    for n, person in enumerate(people):
        with transaction.atomic():
            member = services.member_create(
                actor=None, first_name="Naïf", last_name=f"N{n}", email=f"naif{n}@bench.example"
            )
            services.advisor_assign(actor=None, member=member, advisor=advisor, start=person.entry)
            exit = person.exit_at(TODAY)
            for stage in person.stages_at(TODAY):
                services.stage_add(
                    actor=None,
                    member=member,
                    kind=stage.kind,
                    start=stage.start,
                    end=stage.end if exit is None or stage.kind != "cesa" else None,
                    trial_end=stage.trial_end,
                )
            if exit is not None:
                services.member_exit(actor=None, member=member, date=exit.date, reason=exit.reason)
    naive_seconds = time.perf_counter() - begun
    whole = naive_seconds / max(len(people), 1) * len(population.people)
    print(
        f"baseline: naive services, {len(people)} people   {naive_seconds:6.2f} s   "
        f"→ {_n(whole)} s for {_n(len(population.people))} people"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=850)
    parser.add_argument("--naive", type=int, default=200)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        worker(options.members, options.naive)
        return 0
    with tempfile.TemporaryDirectory(prefix="essaim-bench-demo-") as var:
        env = os.environ | {
            "ESSAIM_VAR_DIR": var,
            "DJANGO_SETTINGS_MODULE": "essaim.settings",
        }
        env.pop("DATABASE_URL", None)  # SQLite under the temporary folder
        print(f"SQLite, {options.members} membres actifs au {TODAY:%d/%m/%Y}")
        return subprocess.call(
            [
                sys.executable,
                __file__,
                "--worker",
                "--members",
                str(options.members),
                "--naive",
                str(options.naive),
            ],
            env=env,
            cwd=ROOT,
        )


if __name__ == "__main__":
    sys.exit(main())
