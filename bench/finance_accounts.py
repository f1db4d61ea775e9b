"""Activity accounts of 1,000 members × 12 months: the bulk computation against one at a time.

    python bench/finance_accounts.py                     # SQLite, in a temporary file
    python bench/finance_accounts.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    DATABASE_URL=postgres://... python bench/finance_accounts.py

Builds a throwaway cooperative (by default 1,000 members, each with an activity, a CAPE then a
CESA, a customer) and a year of figures per activity: two issued invoices a month (one of them
internal now and then), a credit note now and then, a purchase of resold goods and another
expense a month, a salary a month, and the previous year's figures for the opening balance.
Then it times, on the same data:

- `activity_accounts(all activities, year)`: the bulk computation (a few GROUP BY queries),
  against the target of the issue (< 10 s for 1,000 members × 12 months);
- the baseline: `activity_account(activity, year)` one activity at a time (five queries each),
  on --baseline activities, extrapolated to all of them;
- for information, the treasury of every activity and the alerts of every member.

The bulk result is checked against the one-at-a-time result for the baseline's activities.
With PostgreSQL the database essaim_bench_accounts is created on that server and dropped
afterwards. Exit status 1 when the results differ; times are only printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

BENCH_DB = "essaim_bench_accounts"
TARGET_SECONDS = 10.0
YEAR = 2025
TODAY = dt.date(2026, 1, 15)  # the year is over: every month counts


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000, help="members (1000)")
    parser.add_argument(
        "--baseline", type=int, default=100, help="activities computed one at a time (100)"
    )
    parser.add_argument("--postgres", metavar="URL", default=None)
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
    os.environ["ESSAIM_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "essaim.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- the cooperative -----------------------------------------------------------------------


def build(members: int, rng: random.Random) -> dict[str, int]:
    """Members, activities, stages, customers and two years of figures, in bulk."""
    from django.db import connection, transaction

    from essaim.finance.models import (
        Customer,
        Expense,
        Invoice,
        Payment,
        SalaryEntry,
    )
    from essaim.finance.services.contribution import contribution_rule_set
    from essaim.members.models import Activity, Member, PathStage

    D = Decimal
    with transaction.atomic():
        contribution_rule_set(actor=None, valid_from=dt.date(2020, 1, 1), preset="coopaname")
        people = Member.objects.bulk_create(
            (
                Member(
                    first_name=f"Prénom{i}",
                    last_name=f"Nom{i:05d}",
                    email=f"membre{i}@bench.example",
                    stage="cesa",
                    search_name=f"nom{i:05d} prenom{i}",
                )
                for i in range(members)
            ),
            batch_size=1000,
        )
        activities = Activity.objects.bulk_create(
            (Activity(member=m, name=f"Enseigne {m.last_name}") for m in people), batch_size=1000
        )
        PathStage.objects.bulk_create(
            (
                stage
                for m in people
                for stage in (
                    PathStage(member=m, kind="cape", start=dt.date(2023, 6, 1),
                              end=dt.date(2024, 5, 31)),
                    PathStage(member=m, kind="cesa", start=dt.date(2024, 6, 1)),
                )
            ),
            batch_size=2000,
        )  # fmt: skip
        customers = Customer.objects.bulk_create(
            (Customer(activity=a, kind="company", name=f"Client de {a.name}") for a in activities),
            batch_size=1000,
        )
        invoices, expenses, salaries = [], [], []
        seq = 0
        for activity, customer in zip(activities, customers, strict=True):
            for year in (YEAR - 1, YEAR):
                for month in range(1, 13):
                    for day in (5, 20):
                        net = D(rng.randrange(20_000, 400_000)) / 100
                        vat = (net * D("0.2")).quantize(D("0.01"))
                        seq += 1
                        invoices.append(
                            Invoice(
                                activity=activity,
                                customer=customer,
                                internal=rng.random() < 0.1,
                                number=f"B-{seq:07d}",
                                subject="Prestation",
                                issue_date=dt.date(year, month, day),
                                due_date=dt.date(year, month, day) + dt.timedelta(days=30),
                                status="issued",
                                total_net=net,
                                total_vat=vat,
                                total_gross=net + vat,
                            )
                        )
                    expenses.append(
                        Expense(
                            activity=activity,
                            date=dt.date(year, month, 10),
                            category=rng.choice(["resold_goods", "subcontracting", "mission"]),
                            supplier="Fournisseur",
                            label="Achat",
                            amount_net=D(rng.randrange(0, 80_000)) / 100,
                        )
                    )
                    expenses.append(
                        Expense(
                            activity=activity,
                            date=dt.date(year, month, 12),
                            category=rng.choice(["travel", "supplies", "services"]),
                            supplier="Fournisseur",
                            label="Frais",
                            amount_net=D(rng.randrange(0, 20_000)) / 100,
                        )
                    )
                    cost = D(rng.randrange(100_000, 300_000)) / 100
                    salaries.append(
                        SalaryEntry(
                            activity=activity,
                            month=dt.date(year, month, 1),
                            employer_cost=cost,
                            gross=(cost / D("1.3")).quantize(D("0.01")),
                            net=(cost / D("1.7")).quantize(D("0.01")),
                            hours=D("151.67"),
                        )
                    )
        invoices = Invoice.objects.bulk_create(invoices, batch_size=2000)
        notes = []
        for invoice in invoices[::25]:  # a credit note of a tenth now and then
            seq += 1
            net = (invoice.total_net / 10).quantize(D("0.01"))
            notes.append(
                Invoice(
                    kind="credit_note",
                    corrects=invoice,
                    activity_id=invoice.activity_id,
                    customer_id=invoice.customer_id,
                    number=f"B-{seq:07d}",
                    subject="Avoir",
                    issue_date=invoice.issue_date + dt.timedelta(days=3),
                    status="issued",
                    total_net=net,
                    total_vat=(net * D("0.2")).quantize(D("0.01")),
                    total_gross=net + (net * D("0.2")).quantize(D("0.01")),
                )
            )
        Invoice.objects.bulk_create(notes, batch_size=2000)
        Payment.objects.bulk_create(
            (
                Payment(
                    invoice=invoice, date=invoice.issue_date + dt.timedelta(days=25),
                    amount=invoice.total_gross,
                )
                for invoice in invoices
                if rng.random() < 0.8
            ),
            batch_size=2000,
        )  # fmt: skip
        Expense.objects.bulk_create(expenses, batch_size=2000)
        SalaryEntry.objects.bulk_create(salaries, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "invoices": len(invoices) + len(notes),
        "expenses": len(expenses),
        "salaries": len(salaries),
    }


# --- measuring -----------------------------------------------------------------------------


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


def timed(function):  # type: ignore[no-untyped-def]
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
    return result, seconds, counter.count


def bench(args: argparse.Namespace, rng: random.Random) -> int:
    from django.db import connection

    from essaim.finance.selectors.accounts import activity_account, activity_accounts
    from essaim.finance.selectors.alerts import alerts_for_members
    from essaim.finance.selectors.treasury import treasury
    from essaim.members.models import Activity, Member

    started = time.perf_counter()
    rows = build(args.members, rng)
    built = time.perf_counter() - started
    activities = list(Activity.objects.order_by("pk"))
    sample = activities[: args.baseline]

    bulk, bulk_s, bulk_q = timed(
        lambda: activity_accounts(Activity.objects.all(), YEAR, today=TODAY)
    )
    one, one_s, one_q = timed(
        lambda: {a.pk: activity_account(a, YEAR, today=TODAY) for a in sample}
    )
    same = all(bulk[pk] == months for pk, months in one.items())
    cover, cover_s, cover_q = timed(lambda: treasury(today=TODAY))
    found, alerts_s, alerts_q = timed(lambda: alerts_for_members(Member.objects.all(), today=TODAY))

    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        engine = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    months = sum(len(m) for m in bulk.values())
    turnover = sum((m.turnover for ms in bulk.values() for m in ms), Decimal(0))
    contribution = sum((m.contribution for ms in bulk.values() for m in ms), Decimal(0))
    per_activity = one_s / max(len(sample), 1)
    print(f"Comptes d'activité — {engine}")
    print(
        f"{len(activities)} enseignes, {rows['invoices']} factures et avoirs, "
        f"{rows['expenses']} dépenses, {rows['salaries']} salaires sur {YEAR - 1}–{YEAR} "
        f"(construits en {built:.1f} s)"
    )
    money = {
        k: f"{v:,.2f}".replace(",", "\u202f")
        for k, v in {"turnover": turnover, "contribution": contribution}.items()
    }
    print(
        f"{months} mois calculés ; CA {YEAR} : {money['turnover']} €, contribution : "
        f"{money['contribution']} €"
    )
    print()
    print(f"{'calcul':<48} {'temps':>10} {'requêtes':>9}")
    print("-" * 69)
    print(f"{'activity_accounts (toutes, en bloc)':<48} {bulk_s:>8.2f} s {bulk_q:>9}")
    print(
        f"{f'activity_account une à une ({len(sample)} enseignes)':<48} {one_s:>8.2f} s {one_q:>9}"
    )
    print(
        f"{'  extrapolé à toutes (référence)':<48} {per_activity * len(activities):>8.2f} s "
        f"{one_q * len(activities) // max(len(sample), 1):>9}"
    )
    print(f"{'trésorerie (toutes les enseignes)':<48} {cover_s:>8.2f} s {cover_q:>9}")
    label = f"alertes (tous les membres, {len(found)} alertes)"
    print(f"{label:<48} {alerts_s:>8.2f} s {alerts_q:>9}")
    print()
    verdict = "OK" if bulk_s < TARGET_SECONDS else "MISS"
    speedup = per_activity * len(activities) / bulk_s
    exposure = f"{cover.total_exposure:,.2f}".replace(",", "\u202f")
    print(
        f"Objectif < {TARGET_SECONDS:.0f} s pour {len(activities)} membres × 12 mois : "
        f"{bulk_s:.2f} s, {verdict} ; {speedup:.0f} fois plus rapide qu'une enseigne à la "
        f"fois. Exposition totale : {exposure} €."
    )
    if not same:
        print("ÉCHEC : le calcul en bloc diffère du calcul une à une.", file=sys.stderr)
        return 1
    print(f"Calcul en bloc identique au calcul une à une sur {len(sample)} enseignes.")
    return 0


def main() -> int:
    args = parse_args()
    postgres_url = args.postgres or os.environ.get("DATABASE_URL") or None
    if postgres_url and not postgres_url.startswith(("postgres://", "postgresql://")):
        postgres_url = None
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="essaim-bench-var-") as var_dir:
        with throwaway_database(postgres_url) as database_url:
            setup_django(database_url, var_dir)
            return bench(args, rng)


if __name__ == "__main__":
    sys.exit(main())
