"""The directory search's relevance set: recall@10 and MRR of the 49 labelled French queries.

Builds the test directory of tests/skills/relevance_set.py (209 members, skills from the
built-in nomenclature) in a throwaway database, runs every query through `directory_search`
and prints, per query, recall@10, the reciprocal rank of the first relevant member and the
relevant members missed from the first 10; then the means, against the target recall@10 ≥ 0.9.

    python bench/search_relevance.py                      # SQLite, in a temporary file
    python bench/search_relevance.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python bench/search_relevance.py --semantic           # blend in the [semantic] extra

Baseline in the same run: a naive search, members whose presentation, enseigne or skill labels
contain one of the query's words (`icontains`, most words matched first). With PostgreSQL the
benchmark creates the database essaim_bench_relevance and drops it afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.member_list import setup_django, throwaway_database  # noqa: E402

TODAY = dt.date(2026, 3, 2)
TARGET = 0.9


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", default=None)
    parser.add_argument(
        "--semantic", action="store_true", help="blend the semantic search in (if installed)"
    )
    parser.add_argument("--verbose", action="store_true", help="the first 10 of each query")
    return parser.parse_args()


def naive(text: str) -> list[int]:
    """Members with one of the words in their presentation, enseigne or skill labels, those
    matching more words first (ties by id): what a first version would do with icontains."""
    from django.db.models import Q

    from essaim.members.models import Member
    from essaim.skills import french

    words = [w for w in french.words(text) if not french.is_stop(french.fold(w))]
    hits: dict[int, int] = {}
    for word in words:
        condition = (
            Q(profile__presentation__icontains=word)
            | Q(activity__name__icontains=word)
            | Q(activity__description__icontains=word)
            | Q(skills__node__label__icontains=word)
        )
        for pk in (
            Member.objects.filter(exit_date__isnull=True)
            .filter(condition)
            .values_list("pk", flat=True)
            .distinct()
        ):
            hits[pk] = hits.get(pk, 0) + 1
    return [pk for pk, _n in sorted(hits.items(), key=lambda item: (-item[1], item[0]))][:20]


def main() -> int:
    args = parse_args()
    postgres_url = args.postgres or os.environ.get("DATABASE_URL") or None
    if postgres_url and not postgres_url.startswith(("postgres://", "postgresql://")):
        postgres_url = None
    import bench.member_list as member_list

    member_list.BENCH_DB = "essaim_bench_relevance"
    with tempfile.TemporaryDirectory(prefix="essaim-bench-var-") as var_dir:
        with throwaway_database(postgres_url) as database_url:
            setup_django(database_url, var_dir)
            return bench(args)


def bench(args: argparse.Namespace) -> int:
    from django.db import connection

    from essaim.skills.search import DirectoryQuery, directory_search
    from tests.skills import relevance_set

    started = time.perf_counter()
    ids = relevance_set.build_directory(TODAY)
    semantic_note = "lexicale"
    if args.semantic:
        from essaim.skills import semantic

        if semantic.available():
            semantic.refresh_embeddings(list(ids.values()))
            semantic_note = f"lexicale + sémantique ({semantic.model_name()})"
        else:
            semantic_note = "lexicale (l'extra [semantic] n'est pas installé)"
    built = time.perf_counter() - started

    def search(judged: relevance_set.Judged) -> list[int]:
        result = directory_search(
            viewer=None,
            query=DirectoryQuery(
                text=judged.text, zone=judged.zone, limit=20, semantic=args.semantic
            ),
            today=TODAY,
            record_exposure=False,
        )
        return [hit.member.pk for hit in result.hits]

    timings: list[float] = []

    def timed(judged: relevance_set.Judged) -> list[int]:
        t0 = time.perf_counter()
        found = search(judged)
        timings.append((time.perf_counter() - t0) * 1000)
        return found

    results = relevance_set.evaluate(timed, ids)
    baseline = relevance_set.evaluate(lambda j: naive(j.text), ids)
    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        engine = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    print(f"Pertinence de la recherche de l'annuaire — {engine}, recherche {semantic_note}")
    print(
        f"{len(relevance_set.MEMBERS)} membres, {len(results)} requêtes ; "
        f"annuaire construit en {built:.1f} s"
    )
    print()
    head = f"{'requête':<32} {'R@10':>5} {'RR':>5} {'naïf R@10':>10}  manqués dans les 10 premiers"
    print(head)
    print("-" * len(head))
    for r, b in zip(results, baseline, strict=True):
        print(
            f"{r.judged.text:<32} {r.recall_at_10:>5.2f} {r.reciprocal_rank:>5.2f} "
            f"{b.recall_at_10:>10.2f}  {', '.join(r.missed)}"
        )
        if args.verbose:
            print(f"{'':<32} {' '.join(r.ranked[:10])}")
    recall, mrr = relevance_set.summary(results)
    naive_recall, naive_mrr = relevance_set.summary(baseline)
    timings.sort()
    print()
    print(f"{'':<32} {'recall@10':>10} {'MRR':>6}")
    print(f"{'directory_search':<32} {recall:>10.3f} {mrr:>6.3f}")
    print(f"{'naïf (icontains)':<32} {naive_recall:>10.3f} {naive_mrr:>6.3f}")
    print(
        f"\nObjectif recall@10 ≥ {TARGET} : {'OK' if recall >= TARGET else 'MISS'} "
        f"(médiane {timings[len(timings) // 2]:.1f} ms par requête)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
