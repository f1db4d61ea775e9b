"""Benchmark: import 10,000 members (JSON Lines, ~4 stages each, 130 advisors; half of them
with skills, a profile and prices).

    .venv/bin/python bench/import_members.py                      # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/import_members.py
    .venv/bin/python bench/import_members.py --postgres postgres://postgres@127.0.0.1:5432/x

Generates a deterministic file into a temporary folder, then, for each database, runs a worker
subprocess on a throwaway database (a temporary SQLite file; on PostgreSQL a database
`essaim_bench` created on the given server and dropped afterwards) which measures:

- baseline 1: reading and checking the file without writing (`members_import_check`);
- the import itself (`members_import`), against the target of 30 s;
- re-importing the same file (nothing changes) and exporting everything;
- baseline 2: a naive import, row by row through the services, of a few hundred other members,
  extrapolated to the file's size.

Prints figures only: nothing here asserts on time (see bench/README.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 30.0
BENCH_DB = "essaim_bench"

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Fatou", "Aïcha", "Zoé", "Louise", "Jeanne",
    "Hugo", "Lucas", "Théo", "Karim", "Mamadou", "Étienne", "Noé", "Yanis", "Paul", "Arthur",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Diallo", "Nguyen", "Haddad",
    "Traoré", "Le Goff", "Benali", "Fontaine", "Chevalier", "Rousseau", "Blanc", "Guérin",
]  # fmt: skip
CITIES = [
    ("93100", "Montreuil"), ("75011", "Paris"), ("69003", "Lyon"), ("13001", "Marseille"),
    ("35000", "Rennes"), ("44000", "Nantes"), ("31000", "Toulouse"), ("59000", "Lille"),
]  # fmt: skip
ACTIVITIES = [
    ("Coiffure à domicile", "coiffure"), ("Traductions", "traduction"),
    ("Jardins en ville", "jardinage"), ("Studio web", "web"), ("Formations", "formation"),
    ("Atelier de reliure", "artisanat"), ("Photo de mariage", "photo-video"),
    ("Conseil RH", "conseil"), ("Rénovation", "batiment"), ("Traiteur", "alimentation"),
]  # fmt: skip
EXIT_REASONS = ["own_company", "salaried_job", "stopped", "other"]
# Nodes the worker adds to the nomenclature before importing (codes and labels of its own, so
# that the bench does not depend on the builtin nomenclature's content).
BENCH_NODES = 80
EMBED_SAMPLE = 200
ZONES = ["75", "77", "78", "91", "92", "93", "94", "95", "69", "13", "35", "44", "31", "59"]
UNITS = ["heure", "jour", "prestation", "forfait"]
VISIBILITIES = ["me", "advisor", "members"]


def bench_code(i: int) -> str:
    return f"BENCH-{i:03d}"


def bench_label(i: int) -> str:
    return f"Savoir-faire de banc numéro {i}"


# -- the file -----------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    from essaim.core.dates import add_months

    return add_months(day, months)


def member_path(rng: random.Random) -> tuple[list[dict[str, str]], dict[str, str] | None]:
    """A valid path: information, CAPE, then a renewal and a CESA, or a CESA and associate."""
    day = dt.timedelta(days=1)
    info = dt.date(rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28))
    cape = info + dt.timedelta(days=rng.randint(7, 60))
    cape_end = _add_months(cape, 12) - day
    stages = [
        {"kind": "information", "start": info.isoformat()},
        {"kind": "cape", "start": cape.isoformat(), "end": cape_end.isoformat()},
    ]
    if rng.random() < 0.25:
        renewal_end = _add_months(cape_end + day, 6) - day
        stages.append(
            {"kind": "cape", "start": (cape_end + day).isoformat(), "end": renewal_end.isoformat()}
        )
        cesa = renewal_end + day
        stages.append({"kind": "cesa", "start": cesa.isoformat()})
        last = cesa
    else:
        cesa = cape_end + day
        stages.append({"kind": "cesa", "start": cesa.isoformat()})
        last = cesa + dt.timedelta(days=rng.randint(200, 900))
        stages.append({"kind": "associate", "start": last.isoformat()})
    exit = None
    if rng.random() < 0.3:
        exit = {
            "date": (last + dt.timedelta(days=rng.randint(30, 900))).isoformat(),
            "reason": rng.choice(EXIT_REASONS),
        }
    return stages, exit


def profile_keys(rng: random.Random) -> dict[str, Any]:
    """Skills (by code, a few by label), a profile and prices, as the skills app reads them."""
    nodes = rng.sample(range(1, BENCH_NODES + 1), rng.randint(2, 6))
    skills: list[dict[str, Any]] = []
    for n in nodes:
        skill: dict[str, Any] = (
            {"label": bench_label(n).upper()} if rng.random() < 0.2 else {"code": bench_code(n)}
        )
        skill["level"] = rng.randint(1, 3)
        if rng.random() < 0.5:
            skill["years"] = rng.randint(0, 25)
        skills.append(skill)
    return {
        "skills": skills,
        "presentation": "Présentation de banc : " + " ".join(rng.choices(LAST_NAMES, k=30)),
        "zones": sorted(set(rng.sample(ZONES, rng.randint(1, 4)))),
        "remote": rng.random() < 0.3,
        "languages": ["fr", "en"] if rng.random() < 0.4 else ["fr"],
        "availability": {"days_per_week": rng.choice([1, 2, 2.5, 3, 5]), "from": "2026-01-05"},
        "prices": [
            {
                "label": f"Prestation {k + 1}",
                "amount": f"{rng.randint(20, 900)}.{rng.randint(0, 99):02d}",
                "unit": rng.choice(UNITS),
                "visibility": rng.choice(VISIBILITIES),
            }
            for k in range(rng.randint(0, 3))
        ],
    }


def generate(
    target: Path,
    *,
    members: int,
    advisors: int,
    prefix: str = "M",
    seed: int = 7,
    profiles: bool = True,
) -> None:
    rng = random.Random(seed)
    emails = [f"conseil{i:03d}@coop.example" for i in range(1, advisors + 1)]
    with target.open("w", encoding="utf-8") as out:
        for i, email in enumerate(emails):
            record = {
                "record": "advisor",
                "email": email,
                "first_name": FIRST_NAMES[i % len(FIRST_NAMES)],
                "last_name": LAST_NAMES[i % len(LAST_NAMES)],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        for i in range(1, members + 1):
            postal_code, city = rng.choice(CITIES)
            name, sector = rng.choice(ACTIVITIES)
            stages, exit = member_path(rng)
            record: dict[str, Any] = {
                "record": "member",
                "external_id": f"{prefix}-{i:05d}",
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "email": f"{prefix.lower()}{i:05d}@example.org",
                "phone": f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                "postal_code": postal_code,
                "city": city,
                "activity": {"name": name, "description": f"{name} — {city}", "sector": sector},
                "advisor_email": rng.choice(emails),
                "stages": stages,
            }
            if exit:
                record["exit"] = exit
            if profiles and i % 2 == 0:
                record.update(profile_keys(rng))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


# -- the worker: one database -------------------------------------------------------------------


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def naive_import(path: Path) -> int:
    """The import one would write first: the services, row by row, one transaction each."""
    from essaim.core.models import User
    from essaim.members import services
    from essaim.members.models import Sector

    sectors = {s.code: s for s in Sector.objects.all()}
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["record"] != "member":
            continue
        advisor = User.objects.get(email=record["advisor_email"])
        member = services.member_create(
            actor=None,
            external_id=record["external_id"],
            first_name=record["first_name"],
            last_name=record["last_name"],
            email=record["email"],
            phone=record["phone"],
            postal_code=record["postal_code"],
            city=record["city"],
            advisor=advisor,
        )
        activity = record["activity"]
        services.activity_set(
            actor=None,
            member=member,
            name=activity["name"],
            description=activity["description"],
            sector=sectors[activity["sector"]],
        )
        for stage in record["stages"]:
            services.stage_add(
                actor=None,
                member=member,
                kind=stage["kind"],
                start=dt.date.fromisoformat(stage["start"]),
                end=dt.date.fromisoformat(stage["end"]) if "end" in stage else None,
            )
        if exit := record.get("exit"):
            services.member_exit(
                actor=None,
                member=member,
                date=dt.date.fromisoformat(exit["date"]),
                reason=exit["reason"],
            )
        count += 1
    return count


def bench_nomenclature() -> None:
    """The nodes the generated file names: one domain, BENCH_NODES skills with an alias each."""
    from essaim.members.text import fold
    from essaim.skills.models import Alias, Node

    domain = Node.objects.create(code="BENCH", kind="domain", source="coop", label="Banc")
    domain.path = f"/{domain.pk}/"
    domain.save(update_fields=["path"])
    nodes = Node.objects.bulk_create(
        Node(
            code=bench_code(i),
            kind="skill",
            source="coop",
            label=bench_label(i),
            search_label=fold(bench_label(i)),
            parent=domain,
        )
        for i in range(1, BENCH_NODES + 1)
    )
    for node in nodes:
        node.path = f"{domain.path}{node.pk}/"
    Node.objects.bulk_update(nodes, ["path"])
    Alias.objects.bulk_create(
        Alias(node=n, label=f"Alias {n.code}", folded=fold(f"Alias {n.code}"), source="coop")
        for n in nodes
    )


def _semantic_off() -> Any:
    """The semantic module with its profile listener disconnected, None without the extra."""
    try:
        from essaim.skills import semantic
        from essaim.skills.signals import profile_changed
    except ImportError:
        return None
    if not semantic.available():
        return None
    profile_changed.disconnect(dispatch_uid="essaim.skills.semantic")
    return semantic


def worker(file: Path, naive_file: Path | None) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essaim.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from essaim.members.exporting import members_export
    from essaim.members.importing import members_import, members_import_check
    from essaim.members.models import Member, PathStage
    from essaim.skills.models import MemberSkill, Price

    call_command("migrate", verbosity=0)
    figures: dict[str, Any] = {"vendor": connection.vendor}
    bench_nomenclature()
    # The directory's lexical index is refreshed inside the import (and timed with it); the
    # semantic embeddings, when the extra is installed, follow after the commit: they are
    # timed apart, as a separate figure.
    semantic = _semantic_off()

    def run(fn: Any) -> Any:
        with file.open("rb") as stream:
            return fn(stream)

    figures["check_s"], report = _timed(
        lambda: run(lambda s: members_import_check(stream=s, fmt="jsonl"))
    )
    assert report.ok, report.errors[:5]
    figures["import_s"], report = _timed(
        lambda: run(
            lambda s: members_import(actor=None, stream=s, fmt="jsonl", source_name=file.name)
        )
    )
    assert report.ok, report.errors[:5]
    figures["members"] = report.created
    figures["stages"] = PathStage.objects.count()
    figures["skills"] = MemberSkill.objects.count()
    figures["prices"] = Price.objects.count()
    assert Member.objects.count() == report.created
    figures["reimport_s"], again = _timed(
        lambda: run(
            lambda s: members_import(actor=None, stream=s, fmt="jsonl", source_name=file.name)
        )
    )
    assert again.ok and again.unchanged == report.created, again.summary()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        figures["export_s"], _ = _timed(lambda: members_export(stream=out))
    if semantic is not None:
        # A sample, extrapolated: embedding every member would take the bench for hours.
        ids = list(Member.objects.order_by("pk").values_list("pk", flat=True)[:EMBED_SAMPLE])
        figures["embed_s"], _ = _timed(lambda: semantic.refresh_embeddings(ids))
        figures["embed_n"] = len(ids)
    if naive_file is not None:
        figures["naive_s"], figures["naive_members"] = _timed(lambda: naive_import(naive_file))
    return figures


# -- the conductor ------------------------------------------------------------------------------


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def run_worker(url: str, file: Path, naive_file: Path | None, var_dir: Path) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "ESSAIM_VAR_DIR": str(var_dir)}
    args = [sys.executable, __file__, "--worker", str(file)]
    if naive_file is not None:
        args += ["--naive-file", str(naive_file)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"le worker a échoué ({url}) :\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(label: str, f: dict[str, Any], members: int) -> None:
    rate = f["members"] / f["import_s"]
    verdict = "OK" if f["import_s"] < TARGET_SECONDS else "MISS"
    print(
        f"\n== {label} ({f['members']} members, {f['stages']} stages, {f['skills']} skills, "
        f"{f['prices']} prices)"
    )
    print(f"  baseline: parse + check, no write   {f['check_s']:8.2f} s")
    print(f"  import (bulk, one transaction)      {f['import_s']:8.2f} s   {rate:8.0f} members/s")
    print(f"  re-import, nothing changes          {f['reimport_s']:8.2f} s")
    print(f"  export JSON Lines                   {f['export_s']:8.2f} s")
    if "embed_s" in f:
        total = f["embed_s"] / f["embed_n"] * f["members"]
        print(
            f"  semantic embeddings (after commit)  {f['embed_s']:8.2f} s for {f['embed_n']} "
            f"→ {total:.0f} s extrapolated to {f['members']}"
        )
    if "naive_s" in f:
        per = f["naive_s"] / f["naive_members"]
        print(
            f"  baseline: naive per-row services    {f['naive_s']:8.2f} s for "
            f"{f['naive_members']} → {per * members:.0f} s extrapolated to {members} "
            f"({per * members / f['import_s']:.0f}× the import)"
        )
    print(f"  target < {TARGET_SECONDS:.0f} s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--advisors", type=int, default=130)
    parser.add_argument("--naive", type=int, default=500, help="members of the naive baseline")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server (else DATABASE_URL)")
    parser.add_argument("--worker", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--naive-file", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        naive = Path(args.naive_file) if args.naive_file else None
        print(json.dumps(worker(Path(args.worker), naive)))
        return

    postgres = args.postgres or os.environ.get("DATABASE_URL", "")
    if not postgres.startswith(("postgres://", "postgresql://")):
        postgres = ""
    with tempfile.TemporaryDirectory(prefix="essaim-bench-") as tmp:
        folder = Path(tmp)
        file, naive_file = folder / "members.jsonl", folder / "naive.jsonl"
        seconds, _ = _timed(lambda: generate(file, members=args.members, advisors=args.advisors))
        print(
            f"generated {file.name}: {args.members} members, {args.advisors} advisors, "
            f"{file.stat().st_size / 1e6:.1f} MB in {seconds:.1f} s"
        )
        naive = None
        if args.naive:
            # The naive baseline goes through the members services only: no profile keys.
            generate(
                naive_file,
                members=args.naive,
                advisors=args.advisors,
                prefix="N",
                seed=8,
                profiles=False,
            )
            naive_file.write_text(
                "\n".join(
                    line
                    for line in naive_file.read_text(encoding="utf-8").splitlines()
                    if '"record": "member"' in line
                )
                + "\n",
                encoding="utf-8",
            )
            naive = naive_file
        sqlite_url = f"sqlite:///{folder / 'bench.sqlite3'}"
        show("SQLite", run_worker(sqlite_url, file, naive, folder), args.members)
        if postgres:
            bench_url = _with_db(postgres, BENCH_DB)
            _postgres_admin(postgres, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            _postgres_admin(postgres, f"CREATE DATABASE {BENCH_DB}")
            try:
                figures = run_worker(bench_url, file, naive, folder)
            finally:
                _postgres_admin(postgres, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            show("PostgreSQL", figures, args.members)
        else:
            print("\nPostgreSQL: skipped (set DATABASE_URL=postgres://... or --postgres URL)")


if __name__ == "__main__":
    main()
