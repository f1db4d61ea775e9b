"""Directory search latency at 1,000, 10,000 and 100,000 profiles, beside a naive baseline.

Builds a throwaway directory whose members hold skills of the built-in nomenclature (a trade,
two to four of its skills, sometimes a transversal one), with a presentation, an enseigne, zones,
availability and now and then a portfolio item; about one in ten has left the cooperative. At
each size it times `directory_search` (lexical, as a member of staff: the exposure is recorded,
as on the page) over a mix of queries — trade words, phrases, a département in the words,
facets, browsing, a need in free words, very common words — and the same queries through a
naive search (`icontains` on presentation, enseigne and skill labels, OR of the words, with the
facets; what a first version would do). Prints p50/p95 per size, with the targets p95 < 50 ms at
10,000 and < 200 ms at 100,000.

    python bench/search_latency.py                      # SQLite, in a temporary file
    python bench/search_latency.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    DATABASE_URL=postgres://... python bench/search_latency.py
    python bench/search_latency.py --sizes 1000,10000   # quicker

With PostgreSQL the benchmark creates the database essaim_bench_search and drops it afterwards.
Exit status 0 (times are only printed) unless a query fails.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench.member_list as member_list  # noqa: E402

TARGETS_MS = {10_000: 50.0, 100_000: 200.0}
TODAY = dt.date(2026, 3, 2)
IDF = ["75", "77", "78", "91", "92", "93", "94", "95"]
OTHER_ZONES = ["13", "31", "33", "35", "38", "44", "59", "67", "69", "06", "34", "2A", "974"]
FIRST = (
    "Léa Inès Karim Samia Jeanne Hugo Nina Omar Chloé Lucas Amel Yanis Sarah Paul Fatou Rémi "
    "Aïcha Julien Maëlle Bilal Zoé Théo Awa Louis Emma Noah Lina Adam Jade Malik Rose Ibrahim "
    "Manon Sacha Anaïs Mehdi Clara Bruno Salomé Tom"
).split()
LAST = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier "
    "Dupont Lambert Bonnet Francois Martinez Legrand Garnier Faure Rousseau Blanc Guerin "
    "Muller Henry Roussel Nicolas Perrin Mathieu Clement Gauthier Dumont Lopez Fontaine "
    "Chevalier Robin Masson Sanchez Gerard Nguyen Boyer Denis Lemaire Duval Joly Gautier"
).split()
CONTEXTS = [
    "à domicile",
    "pour les particuliers et les entreprises",
    "pour les associations et les collectivités",
    "en Île-de-France",
    "sur rendez-vous",
    "avec des produits locaux",
    "dans le respect de l'environnement",
    "depuis plus de dix ans",
]
FILLERS = [
    "Entrepreneure salariée de la coopérative depuis deux ans.",
    "Je travaille seul ou en équipe avec d'autres membres.",
    "Devis gratuit sous 48 heures.",
    "J'interviens aussi le week-end.",
    "Formée en reconversion après quinze ans dans la banque.",
    "Ancien salarié d'une grande entreprise, j'ai choisi la coopération.",
    "Je partage un local avec deux autres entrepreneurs.",
    "Mes clients sont surtout des particuliers.",
    "Je réponds aussi aux marchés publics avec d'autres membres.",
    "Disponible pour des missions courtes.",
]
CLIENTS = ["une mairie", "un restaurant", "une association", "une famille", "une PME"]
PREFIXES = ["Atelier", "Studio", "Les Ateliers de", "Maison", "Collectif", "Agence", "Cabinet"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="profiles (1000,10000,100000)")
    parser.add_argument("--rounds", type=int, default=5, help="times each query runs (5)")
    parser.add_argument(
        "--naive-max",
        type=int,
        default=100_000,
        help="skip the naive baseline above this size (it can take minutes)",
    )
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- the directory --------------------------------------------------------------------------


@dataclass
class Nomenclature:
    trades: list[tuple[int, str, list[tuple[int, str]]]]  # trade id, label, [(skill id, label)]
    transversal: list[tuple[int, str]]
    sectors: list[int]


def nomenclature() -> Nomenclature:
    from essaim.members.models import Sector
    from essaim.skills.models import Node

    nodes = list(Node.objects.filter(source="builtin").values("id", "code", "label", "kind"))
    by_code = {n["code"]: n for n in nodes}
    children: dict[str, list[tuple[int, str]]] = {}
    for n in nodes:
        parent = n["code"].rsplit(".", 1)[0] if "." in n["code"] else None
        if parent and n["kind"] == "skill":
            children.setdefault(parent, []).append((n["id"], n["label"]))
    trades = [
        (n["id"], n["label"], children.get(n["code"], [])) for n in nodes if n["kind"] == "trade"
    ]
    transversal = children.get("transversal", [])
    if not trades:
        raise SystemExit("La nomenclature intégrée est absente : la migration l'a-t-elle chargée ?")
    assert by_code
    return Nomenclature(trades, transversal, list(Sector.objects.values_list("id", flat=True)))


def create_members(nomen: Nomenclature, first: int, count: int, rng: random.Random) -> list[int]:
    """Members first..first+count-1 with activity, profile, skills, portfolio (bulk)."""
    from django.db import transaction

    from essaim.members.models import Activity, Member
    from essaim.members.text import fold
    from essaim.skills.models import MemberSkill, PortfolioItem, Profile

    members, plans = [], []
    for i in range(first, first + count):
        first_name, last_name = rng.choice(FIRST), rng.choice(LAST)
        exited = rng.random() < 0.1
        trade_id, trade_label, skills = rng.choice(nomen.trades)
        chosen = rng.sample(skills, min(len(skills), rng.randint(2, 4))) if skills else []
        held = [(trade_id, trade_label), *chosen]
        if nomen.transversal and rng.random() < 0.4:
            held.append(rng.choice(nomen.transversal))
        members.append(
            Member(
                first_name=first_name,
                last_name=f"{last_name}{i}",
                email=f"membre{i}@bench.example",
                search_name=fold(f"{last_name}{i} {first_name}"),
                stage="exited" if exited else "cesa",
                exit_date=TODAY - dt.timedelta(days=rng.randint(1, 900)) if exited else None,
                exit_reason="stopped" if exited else "",
            )
        )
        plans.append((trade_label, held))
    with transaction.atomic():
        members = Member.objects.bulk_create(members, batch_size=5000)
        Activity.objects.bulk_create(
            (
                Activity(
                    member=m,
                    name=f"{rng.choice(PREFIXES)} {m.last_name}",
                    description=f"{trade} {rng.choice(CONTEXTS)}.",
                    sector_id=rng.choice(nomen.sectors),
                )
                for m, (trade, _held) in zip(members, plans, strict=True)
            ),
            batch_size=5000,
        )
        profiles = []
        for m, (trade, held) in zip(members, plans, strict=True):
            sentences = [f"{trade}, {rng.choice(CONTEXTS)}."]
            sentences += [f"Je propose : {label.lower()}." for _pk, label in held[1:3]]
            sentences += rng.sample(FILLERS, 2)
            zones = (
                rng.sample(IDF, rng.randint(1, 2))
                if rng.random() < 0.7
                else [rng.choice(OTHER_ZONES)]
            )
            start = TODAY + dt.timedelta(days=rng.randint(-400, 60))
            profiles.append(
                Profile(
                    member=m,
                    presentation=" ".join(sentences),
                    zones=sorted(zones),
                    remote=rng.random() < 0.2,
                    languages=["fr"],
                    days_per_week=rng.choice([0, 1, 2, 2.5, 3, 4, 5]),
                    available_from=start,
                    available_until=start + dt.timedelta(days=rng.randint(30, 900))
                    if rng.random() < 0.3
                    else None,
                )
            )
        Profile.objects.bulk_create(profiles, batch_size=5000)
        MemberSkill.objects.bulk_create(
            (
                MemberSkill(member=m, node_id=pk, level=rng.randint(1, 3), years=rng.randint(0, 20))
                for m, (_trade, held) in zip(members, plans, strict=True)
                for pk, _label in held
            ),
            batch_size=10_000,
        )
        PortfolioItem.objects.bulk_create(
            (
                PortfolioItem(
                    member=m,
                    title=f"{held[-1][1]} pour {rng.choice(CLIENTS)}",
                    description=f"Mission de {rng.randint(2, 30)} jours, {rng.choice(CONTEXTS)}.",
                    year=rng.randint(2015, 2025),
                )
                for m, (_trade, held) in zip(members, plans, strict=True)
                if rng.random() < 0.3
            ),
            batch_size=5000,
        )
    return [m.pk for m in members]


# --- the queries ----------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    text: str = ""
    facets: dict[str, Any] = field(default_factory=dict)


CASES = [
    Case("métier : coiffeuse", "coiffeuse"),
    Case("métier sans accent : electricien", "electricien"),
    Case("abréviation : compta", "compta"),
    Case("phrase : coloration végétale", "coloration végétale"),
    Case("phrase : site internet", "site internet"),
    Case("phrase : formatrice adultes", "formatrice adultes"),
    Case("département : jardinier 93", "jardinier 93"),
    Case("mot courant : formation", "formation"),
    Case("mot courant : domicile", "domicile"),
    Case(
        "besoin en mots libres", "quelqu'un pour refaire le site internet de mon salon de coiffure"
    ),
    Case("texte + zone 93", "plombier", {"zone": "93"}),
    Case("texte + disponible", "graphiste", {"available_now": True}),
    Case("texte + niveau 3", "traduction", {"min_level": 3}),
    Case("branche numérique + texte", "wordpress", {"node_code": "numerique"}),
    Case("parcourir : zone 75", "", {"zone": "75"}),
    Case("parcourir : branche bâtiment, niveau 2", "", {"node_code": "batiment", "min_level": 2}),
    Case("parcourir : disponibles en 93", "", {"zone": "93", "available_now": True}),
    Case("mot absent : zorglub", "zorglub"),
]


def naive(case: Case) -> int:
    """The naive search: icontains on each word, OR, with the facets; first page and count."""
    from django.db.models import Q

    from essaim.members.models import Member
    from essaim.skills import french
    from essaim.skills.models import Node

    qs = Member.objects.filter(exit_date__isnull=True)
    words = [w for w in french.words(case.text) if not french.is_stop(french.fold(w))]
    if words:
        condition = Q()
        for word in words:
            condition |= (
                Q(profile__presentation__icontains=word)
                | Q(activity__name__icontains=word)
                | Q(activity__description__icontains=word)
                | Q(skills__node__label__icontains=word)
            )
        qs = qs.filter(condition)
    facets = case.facets
    if facets.get("zone"):
        qs = qs.filter(profile__zones__icontains=f'"{facets["zone"]}"')
    if facets.get("available_now"):
        qs = qs.filter(
            Q(profile__days_per_week__gt=0),
            Q(profile__available_from__isnull=True) | Q(profile__available_from__lte=TODAY),
            Q(profile__available_until__isnull=True) | Q(profile__available_until__gte=TODAY),
        )
    if facets.get("node_code"):
        node = Node.objects.get(code=facets["node_code"])
        qs = qs.filter(skills__node__path__startswith=node.path)
    if facets.get("min_level"):
        qs = qs.filter(skills__level__gte=facets["min_level"])
    qs = qs.distinct()
    total = qs.count()
    list(qs.order_by("pk").values_list("pk", flat=True)[:20])
    return total


def engine(case: Case, viewer: Any) -> int:
    from essaim.skills.search import DirectoryQuery, directory_search

    result = directory_search(
        viewer=viewer,
        query=DirectoryQuery(text=case.text, semantic=False, **case.facets),
        today=TODAY,
    )
    return result.total


@dataclass
class Timing:
    p50: float
    p95: float
    worst: tuple[str, float]


def measure(run: Callable[[Case], int], rounds: int) -> tuple[Timing, dict[str, int]]:
    totals = {case.label: run(case) for case in CASES}  # warm-up, and what each finds
    samples: list[float] = []
    per_case: dict[str, list[float]] = {case.label: [] for case in CASES}
    for _ in range(rounds):
        for case in CASES:
            started = time.perf_counter()
            run(case)
            ms = (time.perf_counter() - started) * 1000
            samples.append(ms)
            per_case[case.label].append(ms)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    worst = max(per_case.items(), key=lambda item: statistics.median(item[1]))
    return Timing(statistics.median(samples), p95, (worst[0], statistics.median(worst[1]))), totals


# --- running --------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    postgres_url = args.postgres or os.environ.get("DATABASE_URL") or None
    if postgres_url and not postgres_url.startswith(("postgres://", "postgresql://")):
        postgres_url = None
    member_list.BENCH_DB = "essaim_bench_search"
    with tempfile.TemporaryDirectory(prefix="essaim-bench-var-") as var_dir:
        with member_list.throwaway_database(postgres_url) as database_url:
            member_list.setup_django(database_url, var_dir)
            return bench(args)


def bench(args: argparse.Namespace) -> int:
    from django.db import connection

    from essaim.core.models import Role, User
    from essaim.skills.search_index import reindex_members

    started = time.perf_counter()
    rng = random.Random(args.seed)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    staff = User.objects.create_user("gestion@bench.example", role=Role.STAFF)
    nomen = nomenclature()
    if connection.vendor == "sqlite":
        engine_name = f"SQLite {connection.Database.sqlite_version}"
    else:
        engine_name = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    print(f"Recherche dans l'annuaire — {engine_name}, recherche lexicale")
    print(
        f"{len(CASES)} requêtes × {args.rounds} passages par taille ; nomenclature intégrée : "
        f"{len(nomen.trades)} métiers"
    )
    print()
    head = (
        f"{'profils':>8} {'création':>9} {'index':>8} {'p50':>8} {'p95':>8} {'naïf p50':>9} "
        f"{'naïf p95':>9}  objectif p95       requête la plus lente (médiane)"
    )
    print(head)
    print("-" * len(head))
    done = 0
    for size in sizes:
        t0 = time.perf_counter()
        ids = create_members(nomen, done, size - done, rng)
        created = time.perf_counter() - t0
        t0 = time.perf_counter()
        reindex_members(ids)  # bulk writes send no signal: the import's way
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        indexed = time.perf_counter() - t0
        done = size
        timing, totals = measure(lambda case: engine(case, staff), args.rounds)
        if size <= args.naive_max:
            baseline, _ = measure(naive, max(1, args.rounds // 2))
            naive_cols = f"{baseline.p50:>6.1f} ms {baseline.p95:>6.1f} ms"
        else:
            naive_cols = f"{'-':>9} {'-':>9}"
        target = TARGETS_MS.get(size)
        verdict = (
            f"< {target:>3.0f} ms {'OK' if timing.p95 < target else 'MISS':<4}"
            if target
            else f"{'':<11}"
        )
        print(
            f"{size:>8} {created:>7.1f} s {indexed:>6.1f} s {timing.p50:>5.1f} ms "
            f"{timing.p95:>5.1f} ms {naive_cols}  {verdict}       "
            f"{timing.worst[0]} ({timing.worst[1]:.1f} ms)",
            flush=True,
        )
        if size == sizes[-1]:
            found = ", ".join(f"{label} : {n}" for label, n in totals.items())
            print(f"\nMembres trouvés à {size} profils — {found}")
    print(f"\nTemps total : {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
