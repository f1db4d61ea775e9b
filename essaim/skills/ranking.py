"""The directory's ranking: plain data in, scores and a fair order out (no database).

Both databases only *retrieve* candidates; the score is computed here from the stems the index
stored, so SQLite and PostgreSQL rank the same members in the same order.

- Text: BM25F over the fields of the search document (skills weigh more than the activity,
  which weighs more than the portfolio and the presentation), one term per query word, a word
  and its other-gender forms counting as one term.
- Skills: a query word covered by a nomenclature label or alias the member holds (or holds a
  node below) adds that word's weight again, more for an expert, less for a node far below.
- Fair order: scores are rounded, and equal scores are ordered by a keyed hash of member ids
  drawn from the day and the query — the same all day for the same query, another tomorrow.
  Nothing about the person searching enters the ranking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

FIELDS = ("skills", "activity", "portfolio", "presentation", "zones")
FIELD_WEIGHTS = {
    "skills": 3.0,
    "activity": 2.0,
    "portfolio": 1.5,
    "presentation": 1.0,
    "zones": 1.5,
}
# Length normalisation per field: the skills field is long by construction (aliases) and
# should not penalise a member for holding a node with many job titles.
FIELD_B = {"skills": 0.3, "activity": 0.6, "portfolio": 0.6, "presentation": 0.75, "zones": 0.0}
K1 = 1.2
SKILL_WEIGHT = 2.0  # a word covered by a held skill counts this many times its idf
LEVEL_FACTOR = {1: 0.8, 2: 1.0, 3: 1.2}
DEPTH_DECAY = 0.8  # per level between the matched node and the member's own node
# A word naming a whole domain ("restauration", "numérique") says less about a member than one
# naming their trade or skill.
KIND_FACTOR = {"domain": 0.5, "subdomain": 0.7}
CONTEXT_WEIGHT = 0.25  # a word of the asker's own context ("… de mon salon de coiffure")
SEMANTIC_WEIGHT = 0.35  # share of the best lexical score the semantic similarity may add
ROUND = 6


@dataclass(frozen=True)
class Term:
    """A query word: its stem and the stems of its other forms; `weight` below 1 for a word of
    the asker's own context."""

    stems: tuple[str, ...]
    weight: float = 1.0


Counts = tuple[tuple[int, ...], tuple[int, ...]]


def field_counts(fields: Sequence[str], terms: Sequence[Sequence[str]]) -> Counts:
    """What the database computes for a stored document (search_index.fetch_counts): each
    field's length in characters, then for each term (a group of stems), field by field, how
    often its most frequent stem occurs."""
    return (
        tuple(len(f) for f in fields),
        tuple(max(f.count(f" {stem} ") for stem in stems) for stems in terms for f in fields),
    )


def bm25_scores(
    terms: Sequence[Term],
    docs: Mapping[int, Counts],
    collection_size: int,
    df_scale: float = 1.0,
) -> tuple[dict[int, float], list[float]]:
    """BM25F score of each document, and each term's idf.

    `docs` gives, per member, the field lengths and each term's counts per field (see
    field_counts). Every document holding a query stem is normally given, so a term's
    document frequency is counted exactly among them; when only a sample is, the counts are
    multiplied by `df_scale`. `collection_size` is the number of indexed members."""
    if not terms:
        return {}, []
    n_fields = len(FIELDS)
    n_terms = len(terms)
    weights = [FIELD_WEIGHTS[f] for f in FIELDS]
    bs = [FIELD_B[f] for f in FIELDS]
    total_len = [0] * n_fields  # integers: the same sums whatever the order of the rows
    for lens, _counts in docs.values():
        for i in range(n_fields):
            total_len[i] += lens[i]
    n_docs = max(len(docs), 1)
    slope = [bs[i] / max(total_len[i] / n_docs, 1.0) for i in range(n_fields)]
    base = [1.0 - b for b in bs]
    fields = range(n_fields)
    tf: dict[int, list[float]] = {}
    found = [0] * n_terms
    for pk, (lens, counts) in docs.items():
        factors = [weights[i] / (base[i] + slope[i] * lens[i]) for i in fields]
        row = []
        for t in range(n_terms):
            at = t * n_fields
            weighted = 0.0
            for i in fields:
                count = counts[at + i]
                if count:
                    weighted += factors[i] * count
            if weighted:
                found[t] += 1
            row.append(weighted)
        tf[pk] = row
    counted = [round(f * df_scale) for f in found]
    idf = [term_idf(d, max(collection_size, d)) for d in counted]
    scores: dict[int, float] = {}
    for pk, row in tf.items():
        score = 0.0
        for t, weighted in enumerate(row):
            if weighted:
                score += terms[t].weight * idf[t] * weighted * (K1 + 1.0) / (weighted + K1)
        scores[pk] = score
    return scores, idf


def term_idf(df: int, collection_size: int) -> float:
    size = max(collection_size, df)
    return math.log(1.0 + (size - df + 0.5) / (df + 0.5))


def skill_strength(level: int, depth_below: int, matched_kind: str = "") -> float:
    """How well a held skill answers a matched node: level, distance below that node, and
    how broad that node is."""
    return (
        LEVEL_FACTOR.get(level, 1.0)
        * DEPTH_DECAY ** max(depth_below, 0)
        * KIND_FACTOR.get(matched_kind, 1.0)
    )


def skill_scores(
    coverage: Mapping[int, Mapping[int, float]], word_weights: Sequence[float]
) -> dict[int, float]:
    """Skill score of each member: for each query word position covered by a matched node,
    the best strength among the member's skills under it, times the word's weight."""
    return {
        pk: SKILL_WEIGHT * sum(word_weights[pos] * strength for pos, strength in by_pos.items())
        for pk, by_pos in coverage.items()
    }


def blend_semantic(
    scores: dict[int, float], similarities: Mapping[int, float], floor: float = 0.0
) -> dict[int, float]:
    """Add the semantic similarity, rescaled within the candidates to [0, 1], as a share of the
    best lexical score: the model's cosines sit in a narrow band and only their order means
    something. Members the model alone finds enter with that share only if above `floor`."""
    if not similarities:
        return scores
    low, high = min(similarities.values()), max(similarities.values())
    spread = high - low
    best = max(scores.values(), default=0.0) or 1.0
    out = dict(scores)
    for pk, sim in similarities.items():
        share = (sim - low) / spread if spread > 0 else 1.0
        if pk in out:
            out[pk] += SEMANTIC_WEIGHT * best * share
        elif share > floor:
            out[pk] = SEMANTIC_WEIGHT * best * share
    return out


@dataclass(frozen=True)
class Rotation:
    """The day's order of members among equal scores for one query: a keyed hash of member
    ids (affine, square, affine, each modulo a different prime below 2**31 so that every
    product fits in 63 bits), which SQL computes as well as Python."""

    a1: int
    b1: int
    b2: int
    a3: int
    b3: int

    def key(self, member_id: int) -> int:
        p1, p2, p3 = PRIMES
        x = ((member_id % p1) * self.a1 + self.b1) % p1
        x = (x * x + self.b2) % p2
        return (x * self.a3 + self.b3) % p3

    def sql(self, column: str) -> str:
        """The same key as an SQL expression (with "%%" for modulo: Django's placeholders)."""
        p1, p2, p3 = PRIMES
        x = f"((({column} %% {p1}) * {self.a1} + {self.b1}) %% {p1})"
        x = f"(({x} * {x} + {self.b2}) %% {p2})"
        return f"(({x} * {self.a3} + {self.b3}) %% {p3})"


PRIMES = (2_147_483_647, 2_147_483_629, 2_147_483_587)


def rotation(day: dt.date, key: str) -> Rotation:
    """The rotation of a day for a query: drawn from SHA-256 of both, the same all day."""
    digest = hashlib.sha256(f"{day.isoformat()}|{key}".encode()).digest()
    words = [int.from_bytes(digest[i : i + 4], "big") for i in range(0, 20, 4)]
    p1, p2, p3 = PRIMES
    return Rotation(
        a1=words[0] % (p1 - 1) + 1,
        b1=words[1] % p1,
        b2=words[2] % p2,
        a3=words[3] % (p3 - 1) + 1,
        b3=words[4] % p3,
    )


def fair_order(
    scores: Mapping[int, float], day: dt.date, key: str, limit: int | None = None
) -> list[tuple[int, float]]:
    """Members by rounded score, best first; equal scores in the day's order for this query."""
    order = rotation(day, key)
    pool: Iterable[int] = scores
    if limit is not None and len(scores) > limit:
        # Only the members scoring about the limit-th best score or more can make the page
        # (the margin keeps those whose score rounds to the same value).
        threshold = heapq.nlargest(limit, scores.values())[-1] - 10.0**-ROUND
        pool = [pk for pk, score in scores.items() if score >= threshold]
    rounded = {pk: round(scores[pk], ROUND) for pk in pool}
    chosen = sorted(rounded, key=lambda pk: (-rounded[pk], order.key(pk), pk))
    if limit is not None:
        chosen = chosen[:limit]
    return [(pk, rounded[pk]) for pk in chosen]
