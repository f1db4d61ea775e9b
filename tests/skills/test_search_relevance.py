"""The labelled relevance set: recall@10 of the directory's search on this database.

A quality assertion (which members come first), not a timing one. The same tests run on SQLite
and on PostgreSQL: both reach the bar, and both give the very same answers — the same members
with the same scores for each of the queries (a fingerprint of all the answers is compared)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from essaim.skills.search import DirectoryQuery, directory_search
from tests.skills import relevance_set

TODAY = dt.date(2026, 3, 2)

# The fingerprint of every answer to the relevance set (see `answers`). A change of the
# ranking changes it: check the figures of bench/search_relevance.py, then update it here.
ANSWERS_SHA256 = "032114a630e1986623fb88c997c74d00612d73be9d60783f653a4f08c5392eb6"


@pytest.fixture
def directory(db) -> dict[str, int]:
    return relevance_set.build_directory(TODAY)


def _hits(judged: relevance_set.Judged, limit: int = 20) -> list[tuple[int, float]]:
    result = directory_search(
        viewer=None,
        query=DirectoryQuery(text=judged.text, zone=judged.zone, limit=limit, semantic=False),
        today=TODAY,
        record_exposure=False,
    )
    return [(hit.member.pk, hit.score) for hit in result.hits]


def answers(ids: dict[str, int]) -> str:
    """Each query's members (all of them: a page would cut through ties) and scores, ties in
    the order of their keys (member ids, hence the day's rotation, may differ between two
    databases; the scores may not)."""
    keys = {pk: key for key, pk in ids.items()}
    rows = {
        judged.text: sorted(
            ((keys[pk], round(score, 4)) for pk, score in _hits(judged, 500)),
            key=lambda row: (-row[1], row[0]),
        )
        for judged in relevance_set.QUERIES
    }
    return json.dumps(rows, ensure_ascii=False, sort_keys=True)


def test_relevance_set_is_sound():
    assert len(relevance_set.QUERIES) >= 30
    assert len(relevance_set.MEMBERS) >= 150
    for judged in relevance_set.QUERIES:
        assert 1 <= len(relevance_set.relevant_keys(judged)) <= 10, judged.text


def test_recall_at_10_reaches_the_target(directory):
    results = relevance_set.evaluate(lambda j: [pk for pk, _s in _hits(j)], directory)
    recall, mrr = relevance_set.summary(results)
    assert recall >= 0.9, [(r.judged.text, r.missed) for r in results if r.missed]
    assert mrr >= 0.9


def test_both_databases_give_the_same_answers(directory):
    text = answers(directory)
    assert hashlib.sha256(text.encode()).hexdigest() == ANSWERS_SHA256, text
