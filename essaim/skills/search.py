"""The cooperators' directory: one search box, facets, a fair order.

    directory_search(viewer=user, query=DirectoryQuery(text="coloration végétale", zone="93"))

- Text: French words, case and accents aside, stemmed, through the nomenclature's aliases
  (« compta » finds the accountants, « développeuse » the developers); a query word also
  stands for its singular or plural, its other gender, the action of an agent noun
  (« médiatrice » → « médiation »). A query word or phrase naming a nomenclature node also
  finds every member holding that node or a node below it. Any query word may match (OR);
  members matching more words, in weightier fields, with a higher level, come first
  (`essaim.skills.ranking`). The words of the asker's own context (« … de mon salon de
  coiffure ») count less.
- Facets: a nomenclature subtree (`node_code`, any code including a ROME one), a département,
  available now, a minimum level. Without text the facets browse the directory.
- Fair exposure: equal scores are ordered by a keyed hash of the member drawn from the day and
  the query, never by anything about the person searching; each hit shown counts in
  `Exposure`.
- When the `[semantic]` extra is installed, the similarity of the need to each profile is
  blended in, and the model's nearest nodes are suggested too.

Only members present in the cooperative (not exited) are found. Prices are not searched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from essaim.members.models import Member
from essaim.skills import french, geo, ranking, rules
from essaim.skills.models import Exposure, MemberSkill, Node, NodeSource, Profile
from essaim.skills.search_index import (
    HEAVY_FIELDS,
    Condition,
    Filter,
    document_count,
    fetch_counts,
    match_ids,
    match_ids_heavy,
    zone_condition,
)
from essaim.skills.search_nodes import Catalog, PhraseMatch, catalog
from essaim.skills.selectors import node_by_code

MAX_LIMIT = 500
CAP = 1000  # matching documents scored in full (see _lexical_scores)…
CAP_TERMS = 4000  # …fewer for a long query: documents × distinct words scored at most
SUGGESTIONS = 5
SEMANTIC_EXTRA = 30  # members the model alone may bring in, before the facets
SEMANTIC_FLOOR = 0.6  # their rescaled similarity must reach this to enter


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    node_code: str | None = None
    zone: str | None = None
    available_now: bool = False
    min_level: int | None = None
    limit: int = 20
    offset: int = 0
    semantic: bool = True  # blend the semantic similarity in when the extra is installed


@dataclass
class DirectoryHit:
    member: Member
    score: float
    matched_skills: list[MemberSkill] = field(default_factory=list)


@dataclass
class DirectoryResult:
    hits: list[DirectoryHit]
    total: int
    suggested_nodes: list[Node]


# ---------------------------------------------------------------- the query's words


@dataclass(frozen=True)
class QueryWord:
    raw: str  # as typed
    stems: frozenset[str]  # its stem and the stems of its other forms (french.query_variants)
    forms: tuple[str, ...]  # the words PostgreSQL receives: as typed, then its other forms


@dataclass
class ParsedQuery:
    words: list[QueryWord]
    terms: list[ranking.Term]  # distinct words
    term_of_word: list[int]
    weights: list[float]  # per word: 1, or less for the asker's own context

    @property
    def stems(self) -> list[str]:
        return list(dict.fromkeys(s for term in self.terms for s in term.stems))

    @property
    def forms(self) -> list[str]:
        return list(dict.fromkeys(f for w in self.words for f in w.forms))

    @property
    def key(self) -> str:
        return " ".join(sorted("|".join(term.stems) for term in self.terms))


def parse_query(text: str) -> ParsedQuery:
    raw_words = french.words(text or "")
    context = french.context_start(raw_words)
    words: list[QueryWord] = []
    weights: list[float] = []
    for i, raw in enumerate(raw_words):
        folded = french.fold(raw)
        if french.is_stop(folded) or folded in french.QUERY_FILLERS:
            continue
        variants = french.query_variants(folded)
        stems = [french.stem(folded)] + [french.stem(v) for v in variants]
        words.append(QueryWord(raw, frozenset(stems), (raw, *variants)))
        weights.append(ranking.CONTEXT_WEIGHT if context is not None and i > context else 1.0)
    if weights and max(weights) < 1.0:  # nothing but context: it is the need
        weights = [1.0] * len(weights)
    terms: list[ranking.Term] = []
    index: dict[tuple[str, ...], int] = {}
    term_of_word: list[int] = []
    for word, weight in zip(words, weights, strict=True):
        main = french.stem(french.fold(word.raw))
        key = (main, *sorted(word.stems - {main}))
        if key not in index:
            index[key] = len(terms)
            terms.append(ranking.Term(key, weight))
        elif weight > terms[index[key]].weight:
            terms[index[key]] = ranking.Term(key, weight)
        term_of_word.append(index[key])
    return ParsedQuery(words, terms, term_of_word, weights)


# ---------------------------------------------------------------- checks


def _clean(query: DirectoryQuery) -> tuple[Node | None, str | None]:
    node = None
    if query.node_code:
        node = node_by_code(query.node_code)
        if node is None:
            raise ValidationError(
                {"node_code": f"code de compétence inconnu « {query.node_code} »"}
            )
    zone = None
    if query.zone:
        zone = geo.normalise_zone(query.zone)
        if zone is None:
            raise ValidationError(
                {"zone": f"« {query.zone} » n'est pas un département français (ex. 75, 93, 2A)"}
            )
    if query.min_level is not None and query.min_level not in (1, 2, 3):
        raise ValidationError(
            {
                "min_level": f"niveau {query.min_level} inconnu : 1 (débutant), 2 (confirmé) "
                "ou 3 (expert)"
            }
        )
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ValidationError({"limit": f"entre 1 et {MAX_LIMIT} résultats par page"})
    if query.offset < 0:
        raise ValidationError({"offset": "le décalage ne peut pas être négatif"})
    return node, zone


def _facet_nodes(node: Node, nodes: Catalog) -> set[int]:
    """The facet's subtree, its ROME-linked nodes' subtrees, and for the ROME occupations of
    its subtree the skills ROME links to them."""
    found = set(nodes.expand([node.pk]))
    # Only the facet's own ROME occupations: a built-in trade does not take in every generic
    # skill ROME links to the occupation it corresponds to.
    occupations = [pk for pk in nodes.subtree(node.pk) if nodes.nodes[pk].source == NodeSource.ROME]
    if occupations:
        through = Node.related_skills.through
        for start in range(0, len(occupations), 900):
            found |= set(
                through.objects.filter(
                    from_node_id__in=occupations[start : start + 900]
                ).values_list("to_node_id", flat=True)
            )
    return found


def _in_list(ids: set[int] | list[int]) -> tuple[str, list[object]]:
    ordered = sorted(ids)
    return ", ".join(["%s"] * len(ordered)), list(ordered)


def _skill_condition(node_ids: set[int] | None, min_level: int | None) -> Condition:
    sql = f"FROM {MemberSkill._meta.db_table} s WHERE {{link}}"
    params: list[object] = []
    if node_ids is not None:
        marks, ids = _in_list(node_ids)
        sql += f" AND s.node_id IN ({marks})" if ids else " AND 1 = 0"
        params += ids
    if min_level is not None:
        sql += " AND s.level >= %s"
        params.append(min_level)
    return Condition(
        "m.id IN (SELECT s.member_id " + sql.format(link="1 = 1") + ")",
        "EXISTS (SELECT 1 " + sql.format(link="s.member_id = m.id") + ")",
        tuple(params),
    )


def _available_condition(today: dt.date) -> Condition:
    sql = (
        f"FROM {Profile._meta.db_table} p WHERE {{link}} AND p.days_per_week > 0 "
        "AND (p.available_from IS NULL OR p.available_from <= %s) "
        "AND (p.available_until IS NULL OR p.available_until >= %s)"
    )
    return Condition(
        "m.id IN (SELECT p.member_id " + sql.format(link="1 = 1") + ")",
        "EXISTS (SELECT 1 " + sql.format(link="p.member_id = m.id") + ")",
        (today, today),
    )


# ---------------------------------------------------------------- search


@dataclass
class _Matches:
    """What the query's words name in the nomenclature."""

    phrases: list[PhraseMatch]
    answering: dict[int, list[tuple[int, int]]]  # node → [(matched node, distance below)]
    covers: dict[int, set[int]]  # matched node → query word positions it covers
    touched: set[int]  # nodes sharing a stem with the query


def _match_nodes(parsed: ParsedQuery, nodes: Catalog) -> _Matches:
    # A node named only in the asker's context ("… de mon salon de coiffure") brings nobody.
    phrases = [
        m
        for m in nodes.phrase_matches([w.stems for w in parsed.words])
        if max(parsed.weights[m.start : m.start + m.length]) >= 1.0
    ]
    covers: dict[int, set[int]] = defaultdict(set)
    for match in phrases:
        covers[match.node_id].update(range(match.start, match.start + match.length))
    answering: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for root in covers:
        for pk, (_root, depth) in nodes.expand([root]).items():
            answering[pk].append((root, depth))
    return _Matches(phrases, answering, covers, nodes.touched(parsed.stems))


def _skill_rows(node_ids: set[int], where: Filter) -> list[tuple[int, int, int]]:
    if not node_ids:
        return []
    marks, ids = _in_list(node_ids)
    sql = (
        f"SELECT s.member_id, s.node_id, s.level FROM {MemberSkill._meta.db_table} s "
        f"JOIN {Member._meta.db_table} m ON m.id = s.member_id "
        f"WHERE s.node_id IN ({marks}) AND {where.where()}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *where.params])
        return [tuple(row) for row in cursor.fetchall()]


def _skill_coverage(
    rows: list[tuple[int, int, int]], matches: _Matches, nodes: Catalog
) -> dict[int, dict[int, float]]:
    """For each member holding a matched node (or one below), the best strength per query
    word position it covers."""
    kinds = {root: nodes.nodes[root].kind for root in matches.covers}
    coverage: dict[int, dict[int, float]] = defaultdict(dict)
    for member_id, node_id, level in rows:
        for root, depth in matches.answering[node_id]:
            strength = ranking.skill_strength(level, depth, kinds[root])
            by_pos = coverage[member_id]
            for pos in matches.covers[root]:
                if strength > by_pos.get(pos, 0.0):
                    by_pos[pos] = strength
    return coverage


def _lexical_scores(
    parsed: ParsedQuery,
    matches: _Matches,
    nodes: Catalog,
    where: Filter,
    rotation: ranking.Rotation,
) -> dict[int, float]:
    """Every member matching a word or holding a named node, with its score.

    Up to CAP matching documents (fewer for a long query) are all scored. Beyond (a very
    common word in a large directory), the documents scored are those of the members holding
    a named node (best first), then those with the words in their skills or activity, in the
    day's order; the idf is estimated from them; the other members follow with the score 0,
    in the day's order."""
    ids, heavy = match_ids_heavy(parsed.stems, parsed.forms, where)
    size = document_count()
    coverage = _skill_coverage(_skill_rows(set(matches.answering), where), matches, nodes)
    groups = [term.stems for term in parsed.terms]
    cap = min(CAP, CAP_TERMS // len(groups))
    if len(ids) <= cap:
        text, idf = ranking.bm25_scores(parsed.terms, fetch_counts(ids, groups), size)
    else:
        texts = set(ids)
        provisional = ranking.skill_scores(coverage, parsed.weights)
        chosen = sorted(
            (pk for pk in provisional if pk in texts),
            key=lambda pk: (-round(provisional[pk], ranking.ROUND), rotation.key(pk)),
        )[:cap]
        if len(chosen) < cap:
            if heavy is None:
                heavy = set(match_ids(parsed.stems, parsed.forms, where, fields=HEAVY_FIELDS))
            taken = set(chosen)
            chosen += sorted((pk for pk in heavy if pk not in taken), key=rotation.key)[
                : cap - len(chosen)
            ]
        counts = fetch_counts(chosen, groups)
        scale = len(ids) / max(len(counts), 1)
        text, idf = ranking.bm25_scores(parsed.terms, counts, size, df_scale=scale)
    weights = [idf[t] * w for t, w in zip(parsed.term_of_word, parsed.weights, strict=True)]
    scores = dict.fromkeys(ids, 0.0)
    scores.update(text)
    for pk, score in ranking.skill_scores(coverage, weights).items():
        scores[pk] = scores.get(pk, 0.0) + score
    return scores


def _semantic_blend(
    text: str, scores: dict[int, float], where: Filter
) -> tuple[dict[int, float], list[Node]]:
    try:
        from essaim.skills import semantic
    except ImportError:
        return scores, []
    if not semantic.available():
        return scores, []
    similarities = semantic.rank(text)
    if not similarities:
        return scores, semantic.suggest_nodes(text, k=SUGGESTIONS)
    outside = sorted(
        (pk for pk in similarities if pk not in scores),
        key=lambda pk: (-similarities[pk], pk),
    )[:SEMANTIC_EXTRA]
    keep = set(scores)
    if outside:
        marks, ids = _in_list(outside)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT m.id FROM {Member._meta.db_table} m "
                f"WHERE m.id IN ({marks}) AND {where.where()}",
                [*ids, *where.params],
            )
            keep |= {row[0] for row in cursor.fetchall()}
    blended = ranking.blend_semantic(
        scores, {pk: s for pk, s in similarities.items() if pk in keep}, SEMANTIC_FLOOR
    )
    return blended, semantic.suggest_nodes(text, k=SUGGESTIONS)


def _browse(
    where: Filter, day: dt.date, key: str, limit: int, offset: int
) -> tuple[list[int], int]:
    order = ranking.rotation(day, key).sql("m.id")
    member = Member._meta.db_table
    with connection.cursor() as cursor:
        # The members selected first (materialised: the planner would otherwise walk all the
        # members in the day's order, testing each), then one pass gives the page and, beside
        # each row, their number.
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT m.id FROM {member} m WHERE {where.where(drive=True)}) "
            f"SELECT m.id, COUNT(*) OVER () FROM m ORDER BY {order}, m.id LIMIT %s OFFSET %s",
            [*where.params, limit, offset],
        )
        rows = cursor.fetchall()
        if rows:
            return [row[0] for row in rows], int(rows[0][1])
        cursor.execute(
            f"SELECT COUNT(*) FROM {member} m WHERE {where.where(drive=True)}", where.params
        )
        return [], int(cursor.fetchone()[0])


def _suggestions(parsed: ParsedQuery, matches: _Matches, nodes: Catalog) -> list[int]:
    """Nodes the query names (longest phrase first), then nodes sharing its words; the words
    of the need before those of the asker's context."""
    source_rank = {NodeSource.COOP: 0, NodeSource.BUILTIN: 1, NodeSource.ROME: 2}
    best: dict[int, tuple[Any, ...]] = {}
    for m in matches.phrases:
        node = nodes.nodes[m.node_id]
        weight = max(parsed.weights[m.start : m.start + m.length])
        key = (
            -weight,
            0,
            -m.length,
            m.start,
            source_rank.get(node.source, 3),
            -node.depth,
            node.code,
        )
        if m.node_id not in best or key < best[m.node_id]:
            best[m.node_id] = key
    stem_weight: dict[str, float] = {}
    for word, weight in zip(parsed.words, parsed.weights, strict=True):
        for stem in word.stems:
            stem_weight[stem] = max(weight, stem_weight.get(stem, 0.0))
    for pk in sorted(matches.touched)[:2000]:
        if pk in best:
            continue
        shared = [stem_weight[s] for s in set(nodes.words(pk).label_stems) if s in stem_weight]
        if shared:
            node = nodes.nodes[pk]
            best[pk] = (
                -max(shared),
                1,
                -len(shared),
                0,
                source_rank.get(node.source, 3),
                0,
                node.code,
            )
    return sorted(best, key=best.__getitem__)[:SUGGESTIONS]


def _record_exposure(member_ids: Sequence[int], day: dt.date) -> None:
    if not member_ids:
        return
    table = Exposure._meta.db_table
    values = ", ".join(["(%s, %s, 1)"] * len(member_ids))
    params: list[object] = []
    for pk in member_ids:
        params += [pk, day]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (member_id, day, shown) VALUES {values} "
            f"ON CONFLICT (member_id, day) DO UPDATE SET shown = {table}.shown + 1",
            params,
        )


def _hydrate(
    ranked: list[tuple[int, float]], wanted: set[int] | None, min_level: int | None
) -> list[DirectoryHit]:
    ids = [pk for pk, _score in ranked]
    members = (
        Member.objects.filter(exit_date__isnull=True)  # an index not yet told of an exit
        .select_related("activity__sector", "profile")
        .in_bulk(ids)
    )
    skills: dict[int, list[MemberSkill]] = defaultdict(list)
    for skill in (
        MemberSkill.objects.filter(member_id__in=ids)
        .select_related("node")
        .order_by("-level", "node__label", "id")
    ):
        if wanted is not None and skill.node_id not in wanted:
            continue
        if min_level is not None and skill.level < min_level:
            continue
        if wanted is None and min_level is None:
            continue
        skills[skill.member_id].append(skill)
    return [
        DirectoryHit(members[pk], score, skills.get(pk, []))
        for pk, score in ranked
        if pk in members
    ]


def directory_search(
    *,
    viewer: Any,
    query: DirectoryQuery,
    today: dt.date | None = None,
    record_exposure: bool = True,
) -> DirectoryResult:
    """Search the directory. `viewer` None is the system (command line): nothing recorded."""
    if viewer is not None and not rules.can_use_directory(viewer):
        raise PermissionDenied("l'annuaire est réservé aux personnes de la coopérative")
    facet, zone = _clean(query)
    today = today or timezone.localdate()
    parsed = parse_query(query.text)
    nodes = catalog()

    where = Filter()  # the most selective condition first: it drives a browse
    if zone:
        where.add(zone_condition(zone))
    facet_ids = _facet_nodes(facet, nodes) if facet is not None else None
    if facet_ids is not None:
        where.add(_skill_condition(facet_ids, query.min_level))

    key = "|".join(
        [
            parsed.key,
            facet.code if facet else "",
            zone or "",
            str(query.available_now),
            str(query.min_level or ""),
        ]
    )
    suggested: list[Node] = []
    if not parsed.words:
        if query.min_level is not None and facet_ids is None:
            where.add(_skill_condition(None, query.min_level))
        if query.available_now:
            where.add(_available_condition(today))
        page, total = _browse(where, today, key, query.limit, query.offset)
        ranked = [(pk, 0.0) for pk in page]
        wanted = facet_ids
    else:
        matches = _match_nodes(parsed, nodes)
        wanted = set(matches.answering) | matches.touched | (facet_ids or set())
        if query.min_level is not None and facet_ids is None:
            where.add(_skill_condition(set(matches.answering) | matches.touched, query.min_level))
        if query.available_now:
            where.add(_available_condition(today))
        scores = _lexical_scores(parsed, matches, nodes, where, ranking.rotation(today, key))
        semantic_nodes: list[Node] = []
        if query.semantic:
            scores, semantic_nodes = _semantic_blend(query.text, scores, where)
        total = len(scores)
        ordered = ranking.fair_order(scores, today, key, limit=query.offset + query.limit)
        ranked = ordered[query.offset :]
        ids = _suggestions(parsed, matches, nodes)
        found = Node.objects.in_bulk(ids)
        suggested = [found[pk] for pk in ids if pk in found]
        for node in semantic_nodes:
            if node.pk not in {n.pk for n in suggested}:
                suggested.append(node)
    hits = _hydrate(ranked, wanted, query.min_level)
    if record_exposure and viewer is not None:
        _record_exposure([hit.member.pk for hit in hits], today)
    return DirectoryResult(hits=hits, total=total, suggested_nodes=suggested)
