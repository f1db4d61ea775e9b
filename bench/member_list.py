"""The member list with 10,000 members: server time and queries, against 10 members.

Builds a throwaway cooperative (10,000 members, each with an activity in a sector, an advisor
among 130 and 3 or 4 path stages), then asks the member list through Django's test client, as
staff: the first page, a stage filter, a name search (as htmx sends it while one types), a page
deep in the pagination and an advisor's own list. Each case is timed as the median of --runs
requests, once with the first 10 members only (the baseline, same run, same machine) and once
with all of them. The query count must not grow with the number of members.

    python bench/member_list.py                      # SQLite, in a temporary file
    python bench/member_list.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    DATABASE_URL=postgres://... python bench/member_list.py

With PostgreSQL the benchmark creates the database essaim_bench_list on that server and drops
it afterwards. Exit status: 1 when the query counts differ, else 0 (times are only printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH_DB = "essaim_bench_list"
TARGET_MS = 150.0
ADVISORS = 130
BASELINE_MEMBERS = 10
PROFILES = [("cape", 30), ("cesa", 40), ("associate", 20), ("exited", 10)]
MEMBER_LINK = re.compile(rb'href="/membres/\d+/"')  # one per row of the list


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000, help="members (10000)")
    parser.add_argument("--runs", type=int, default=20, help="requests timed per case (20)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=None,
        help="a PostgreSQL server to benchmark on (default: DATABASE_URL if set, else SQLite)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


@contextmanager
def throwaway_database(postgres_url: str | None) -> Iterator[str]:
    """A DATABASE_URL for an empty database that disappears afterwards."""
    if not postgres_url:
        with tempfile.TemporaryDirectory(prefix="essaim-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return

    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(postgres_url)
    server = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }

    def admin(sql: str) -> None:
        with psycopg.connect(**server) as conn:
            conn.execute("SET client_min_messages = warning")
            conn.execute(sql)

    admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {BENCH_DB}")
    try:
        auth = cfg.get("USER") or ""
        if cfg.get("PASSWORD"):
            auth += f":{cfg['PASSWORD']}"
        host = f"{cfg.get('HOST') or 'localhost'}:{cfg.get('PORT') or 5432}"
        yield f"postgres://{auth}{'@' if auth else ''}{host}/{BENCH_DB}"
    finally:
        from django.db import connections

        connections.close_all()
        admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def setup_django(database_url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["ESSAIM_VAR_DIR"] = var_dir  # secret key and static root of the throwaway run
    os.environ["DJANGO_SETTINGS_MODULE"] = "essaim.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- the cooperative -----------------------------------------------------------------------


@dataclass
class People:
    staff: Any
    advisors: list[Any]
    sectors: list[Any]


def create_people() -> People:
    from essaim.core.models import Role, User
    from essaim.members.models import Sector

    staff = User.objects.create_user("gestion@bench.example", role=Role.STAFF)
    advisors = User.objects.bulk_create(
        User(
            email=f"conseil{i}@bench.example",
            first_name=f"Conseil{i}",
            last_name=f"Accompagne{i:03d}",
            role=Role.ADVISOR,
            password="!",
        )
        for i in range(ADVISORS)
    )
    return People(staff, advisors, list(Sector.objects.all()))


def member_path(profile: str, today: dt.date, rng: random.Random) -> tuple[list[Any], Any]:
    """3 or 4 stages (and an exit) that respect the path rules, ending in `profile`."""
    from essaim.members import path

    def days(n: int) -> dt.timedelta:
        return dt.timedelta(days=n)

    if profile == "cape":  # a first CAPE year, then a renewal under way
        info = today - days(rng.randint(400, 650))
        cape = info + days(20)
        return [
            path.Stage(path.INFORMATION, info),
            path.Stage(path.CAPE, cape, cape + days(364)),
            path.Stage(path.CAPE, cape + days(365)),
        ], None
    # Days since the information meeting, long enough for the CESA (and what follows) to have
    # started by today.
    ago = {"cesa": (250, 1000), "associate": (950, 2500), "exited": (600, 2000)}[profile]
    info = today - days(rng.randint(*ago))
    cape = info + days(20)
    cesa = cape + days(181)
    stages = [
        path.Stage(path.INFORMATION, info),
        path.Stage(path.CAPE, cape, cape + days(180)),
        path.Stage(path.CESA, cesa),
    ]
    if profile == "associate":
        stages.append(path.Stage(path.ASSOCIATE, cesa + days(rng.randint(200, 700))))
    if profile == "exited":
        return stages, path.Exit(cesa + days(rng.randint(30, 300)), rng.choice(path.EXIT_REASONS))
    return stages, None


def create_members(people: People, first: int, count: int, rng: random.Random) -> None:
    """Members first..first+count-1, with activity, advisor assignment and stages."""
    from django.db import transaction
    from django.utils import timezone
    from faker import Faker

    from essaim.members import path
    from essaim.members.models import Activity, AdvisorAssignment, Member, PathStage
    from essaim.members.text import fold

    fake = Faker("fr_FR")
    fake.seed_instance(rng.randint(0, 2**31))
    today = timezone.localdate()
    profiles = [p for p, _ in PROFILES]
    weights = [w for _, w in PROFILES]
    members, paths = [], []
    for i in range(first, first + count):
        first_name, last_name = fake.first_name(), fake.last_name()
        stages, exit = member_path(rng.choices(profiles, weights)[0], today, rng)
        errors = path.validate_path(stages, exit)
        assert not errors, errors  # the benchmark's data must be data the application accepts
        members.append(
            Member(
                first_name=first_name,
                last_name=last_name,
                email=f"membre{i}@bench.example",
                city=fake.city(),
                postal_code=fake.postcode(),
                advisor=people.advisors[i % ADVISORS],
                stage=path.current_stage(stages, exit, today),
                cohort_year=path.cohort_year(stages),
                exit_date=exit.date if exit else None,
                exit_reason=exit.reason if exit else "",
                search_name=fold(f"{last_name} {first_name}"),
            )
        )
        paths.append(stages)
    with transaction.atomic():
        members = Member.objects.bulk_create(members, batch_size=1000)
        Activity.objects.bulk_create(
            (
                Activity(
                    member=m,
                    name=fake.company(),
                    description=fake.sentence(),
                    sector=rng.choice(people.sectors),
                )
                for m in members
            ),
            batch_size=1000,
        )
        AdvisorAssignment.objects.bulk_create(
            (
                AdvisorAssignment(member=m, advisor_id=m.advisor_id, start=stages[0].start)
                for m, stages in zip(members, paths, strict=True)
            ),
            batch_size=1000,
        )
        PathStage.objects.bulk_create(
            (
                PathStage(member=m, kind=s.kind, start=s.start, end=s.end, trial_end=s.trial_end)
                for m, stages in zip(members, paths, strict=True)
                for s in stages
            ),
            batch_size=2000,
        )
    analyze()


def analyze() -> None:
    """Fresh planner statistics, as a database in service has."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    url: str
    client: str  # "staff" or "advisor"
    htmx: bool = False


@dataclass
class Figure:
    median_ms: float
    sql_ms: float
    queries: int
    rows: int


class QueryTimer:
    """Counts the queries of a request and the time spent in the database."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def measure(get: Callable[[], Any], runs: int) -> Figure:
    from django.db import connection

    for _ in range(2):  # warm-up: templates, caches, connection
        get()
    times, sql_times = [], []
    for _ in range(runs):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = get()
            times.append((time.perf_counter() - started) * 1000)
        sql_times.append(timer.seconds * 1000)
    rows = len(MEMBER_LINK.findall(response.content))
    return Figure(statistics.median(times), statistics.median(sql_times), timer.count, rows)


def request(client: Any, case: Case) -> Callable[[], Any]:
    headers = {"HX-Request": "true"} if case.htmx else {}

    def get() -> Any:
        response = client.get(case.url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{case.label} : HTTP {response.status_code} pour {case.url}")
        return response

    return get


def run_cases(cases: list[Case], clients: dict[str, Any], runs: int) -> dict[str, Figure]:
    return {case.label: measure(request(clients[case.client], case), runs) for case in cases}


def main() -> int:
    args = parse_args()
    postgres_url = args.postgres or os.environ.get("DATABASE_URL") or None
    if postgres_url and not postgres_url.startswith(("postgres://", "postgresql://")):
        postgres_url = None  # a DATABASE_URL for SQLite: use our own temporary file
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="essaim-bench-var-") as var_dir:
        with throwaway_database(postgres_url) as database_url:
            setup_django(database_url, var_dir)
            return bench(args, rng)


def bench(args: argparse.Namespace, rng: random.Random) -> int:
    from django.db import connection
    from django.test import Client

    from essaim.members.models import Member

    started = time.perf_counter()
    people = create_people()
    create_members(people, 0, BASELINE_MEMBERS, rng)
    clients = {"staff": Client(), "advisor": Client()}
    clients["staff"].force_login(people.staff)
    clients["advisor"].force_login(people.advisors[0])  # follows members 0, 130, 260...
    first = Member.objects.order_by("pk").first()
    assert first is not None
    name = first.search_name.split()[0]  # a last name present in both runs
    cases = [
        Case("première page", "/membres/", "staff"),
        Case("étape = CESA", "/membres/?stage=cesa", "staff"),
        Case(f"recherche « {name} » (htmx)", f"/membres/?{urlencode({'q': name})}", "staff", True),
        Case("page 150", "/membres/?page=150", "staff"),
        Case("liste d'un·e chargé·e", "/membres/", "advisor"),
    ]
    if not Member.objects.filter(stage="cesa").exists():
        Member.objects.filter(pk=first.pk).update(stage="cesa")  # the filter must find someone
    baseline = run_cases(cases, clients, args.runs)

    build = time.perf_counter()
    create_members(people, BASELINE_MEMBERS, args.members - BASELINE_MEMBERS, rng)
    build = time.perf_counter() - build
    full = run_cases(cases, clients, args.runs)
    total = Member.objects.count()

    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        engine = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    print(f"Liste des membres — {engine}, {args.runs} requêtes par cas (médiane)")
    print(
        f"{total} membres, {ADVISORS} chargé·es, {len(people.sectors)} secteurs ; "
        f"création de {args.members - BASELINE_MEMBERS} membres en {build:.1f} s"
    )
    print()
    head = (
        f"{'cas':<34} {'10 membres':>12} {f'{total} membres':>16} {'dont SQL':>9} "
        f"{'lignes':>7} {'requêtes 10 / N':>16}  objectif < {TARGET_MS:.0f} ms"
    )
    print(head)
    print("-" * len(head))
    same_queries = True
    for case in cases:
        b, f = baseline[case.label], full[case.label]
        equal = b.queries == f.queries
        same_queries &= equal
        print(
            f"{case.label:<34} {b.median_ms:>9.1f} ms {f.median_ms:>13.1f} ms "
            f"{f.sql_ms:>6.1f} ms {f.rows:>7} {f'{b.queries} / {f.queries}':>16}"
            f"{'' if equal else ' ≠'}  {'OK' if f.median_ms < TARGET_MS else 'MISS'}"
        )
    print()
    print(f"Temps total : {time.perf_counter() - started:.1f} s")
    if not same_queries:
        print("ÉCHEC : le nombre de requêtes dépend du nombre de membres (N+1).", file=sys.stderr)
        return 1
    print("Nombre de requêtes identique avec 10 et avec", total, "membres.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
