"""The directory's search index: one document per present member, kept current.

A member's document has five fields, each stored as the stems `essaim.skills.french` makes of
the member's words:

- skills: the label of each held node (repeated once per level: an expert's skill weighs
  more), its aliases (job titles in both genders, synonyms, abbreviations) and the labels of
  the nodes above it;
- activity: the enseigne's name and description, the sector;
- portfolio: titles and descriptions of past work;
- presentation;
- zones: the départements (« 93 ») and a facet token per département (« zone93 »), and
  « télétravail à distance » when the member works remotely.

Each field is stored as " a  b  c " (see `stored`). SQLite keeps them in a plain table
(`skills_searchtext`, by member id) indexed by an FTS5 table over it (`skills_searchdoc`,
external content) that matches stems. PostgreSQL keeps them in a table (`skills_searchdoc`)
with a `tsvector` under a GIN index; the tsvector holds, per field, the member's words as
written through the text search configuration `essaim_fr` (French Snowball stemming after
`unaccent`) and our own stems through `simple`: PostgreSQL's Snowball and the
`snowballstemmer` package agree on nearly every word, but not on all (releases differ:
« bijoux », « française »), so a match is confirmed on our stems (`strpos`), exactly what
SQLite's FTS5 matches.

Both databases answer "which members hold one of these stems" and count each stem in each
field of the members to score (`length`/`replace`, the same arithmetic on both); the scores
are computed in Python from those counts (`essaim.skills.ranking`): both databases give the
same answers, the same scores, in the same order.

Upkeep: `reindex_members(ids)` (the signals in `essaim.skills.signals` call it on every
profile, skill, portfolio, activity or member change), `reindex_all()`, and `reindex_nodes()`
after nomenclature labels changed in bulk.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from essaim.members.models import Member
from essaim.skills import french
from essaim.skills.models import MemberSkill, Node, PortfolioItem
from essaim.skills.search_nodes import Catalog, catalog, forget

TABLE = "skills_searchdoc"  # SQLite: the FTS5 index; PostgreSQL: the table
TEXT_TABLE = "skills_searchtext"  # SQLite: the stems, the FTS5 index's external content
STAT_TABLE = "skills_searchstat"  # one row: how many documents (the idf's collection size)
FIELDS = ("skills", "activity", "portfolio", "presentation", "zones")
PG_WEIGHTS = ("A", "B", "C", "C", "D")
PG_CONFIG = "essaim_fr"
BATCH = 2000
ZONE_TOKEN = "zone"


_unaccent: dict[str, bool] = {}
_unaccent_lock = threading.Lock()


def pg_has_unaccent() -> bool:
    """Whether `essaim_fr` removes accents itself (the extension may have been unavailable:
    then PostgreSQL receives words already folded, and answers the same)."""
    key = f"{connection.settings_dict.get('HOST')}/{connection.settings_dict.get('NAME')}"
    if key not in _unaccent:
        with _unaccent_lock, connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_ts_config_map m "
                "JOIN pg_ts_config c ON c.oid = m.mapcfg "
                "JOIN pg_ts_dict d ON d.oid = m.mapdict "
                "WHERE c.cfgname = %s AND d.dictname = 'unaccent')",
                [PG_CONFIG],
            )
            _unaccent[key] = bool(cursor.fetchone()[0])
    return _unaccent[key]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


_tables: set[tuple[str, str]] = set()


def table_exists() -> bool:
    """Whether the index's table exists (remembered once seen: it is not dropped in service)."""
    key = (connection.alias, str(connection.settings_dict.get("NAME")))
    if key not in _tables:
        with connection.cursor() as cursor:
            if TABLE not in connection.introspection.table_names(cursor):
                return False
        _tables.add(key)
    return True


# ---------------------------------------------------------------- documents


@dataclass
class Document:
    """A member's words per field: as written (for PostgreSQL) and as stems (stored)."""

    member_id: int
    raw: list[list[str]] = field(default_factory=lambda: [[] for _ in FIELDS])
    stems: list[list[str]] = field(default_factory=lambda: [[] for _ in FIELDS])

    def add_text(self, index: int, text: str | None) -> None:
        if text:
            raw = french.content_words(text)
            self.raw[index].extend(raw)
            self.stems[index].extend(french.normalise_words(raw))

    def add_words(self, index: int, raw: Sequence[str], stems: Sequence[str]) -> None:
        self.raw[index].extend(raw)
        self.stems[index].extend(stems)


def zone_token(zone: str) -> str:
    return f"{ZONE_TOKEN}{french.fold(zone)}"


def _skills_field(doc: Document, skills: Sequence[tuple[int, int]], nodes: Catalog) -> None:
    ancestors: list[int] = []
    for node_id, level in skills:
        if node_id not in nodes.nodes:
            continue
        words = nodes.words(node_id)
        for _ in range(max(1, min(level, 3))):
            doc.add_words(0, words.label_raw, words.label_stems)
        doc.add_words(0, words.alias_raw, words.alias_stems)
        ancestors.extend(a for a in nodes.ancestors(node_id) if a not in ancestors)
    held = {node_id for node_id, _level in skills}
    for node_id in ancestors:
        if node_id not in held:
            words = nodes.words(node_id)
            doc.add_words(0, words.label_raw, words.label_stems)


def build_documents(member_ids: Sequence[int], nodes: Catalog) -> list[Document]:
    """Documents of the given members who are present in the cooperative (3 queries)."""
    rows = list(
        Member.objects.filter(pk__in=member_ids, exit_date__isnull=True).values_list(
            "pk",
            "activity__name",
            "activity__description",
            "activity__sector__label",
            "profile__presentation",
            "profile__zones",
            "profile__remote",
        )
    )
    if not rows:
        return []
    present = [row[0] for row in rows]
    skills: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for member_id, node_id, level in (
        MemberSkill.objects.filter(member_id__in=present)
        .order_by("member_id", "-level", "node_id")
        .values_list("member_id", "node_id", "level")
    ):
        skills[member_id].append((node_id, level))
    portfolio: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for member_id, title, description in (
        PortfolioItem.objects.filter(member_id__in=present)
        .order_by("member_id", "id")
        .values_list("member_id", "title", "description")
    ):
        portfolio[member_id].append((title, description))
    docs = []
    for pk, name, description, sector, presentation, zones, remote in rows:
        doc = Document(pk)
        _skills_field(doc, skills.get(pk, []), nodes)
        doc.add_text(1, name)
        doc.add_text(1, description)
        doc.add_text(1, sector)
        for title, text in portfolio.get(pk, []):
            doc.add_text(2, title)
            doc.add_text(2, text)
        doc.add_text(3, presentation)
        for zone in map(str, zones or []):
            doc.add_words(4, [zone, zone_token(zone)], [french.fold(zone), zone_token(zone)])
        if remote:
            doc.add_text(4, "télétravail à distance")
        docs.append(doc)
    return docs


# ---------------------------------------------------------------- writing


def stored(stems: Sequence[str]) -> str:
    """A field as stored: " a  b  c " — a space on each side of every stem, so that counting
    " b " counts every occurrence, even of a stem repeated in a row."""
    return f" {'  '.join(stems)} " if stems else ""


def _sqlite_delete(cursor: Any, ids: Sequence[int]) -> int:
    # An external-content FTS5 index forgets a row when told its old values.
    columns = ", ".join(FIELDS)
    removed = 0
    for start in range(0, len(ids), 900):
        chunk = list(ids[start : start + 900])
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"INSERT INTO {TABLE} ({TABLE}, rowid, {columns}) "
            f"SELECT 'delete', member_id, {columns} FROM {TEXT_TABLE} "
            f"WHERE member_id IN ({marks})",
            chunk,
        )
        cursor.execute(f"DELETE FROM {TEXT_TABLE} WHERE member_id IN ({marks})", chunk)
        removed += cursor.rowcount
    return removed


def _postgres_delete(cursor: Any, ids: Sequence[int]) -> int:
    removed = 0
    for start in range(0, len(ids), 900):
        chunk = list(ids[start : start + 900])
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM {TABLE} WHERE member_id IN ({marks})", chunk)
        removed += cursor.rowcount
    return removed


def _write(docs: Sequence[Document], remove: Sequence[int], *, index: bool = True) -> None:
    """Replace the documents of `remove` by `docs`, and keep the count of documents. On
    SQLite with `index=False` only the stems are written (reindex_all rebuilds the FTS5
    index from them at the end)."""
    columns = ", ".join(FIELDS)
    marks = ", ".join(["%s"] * len(FIELDS))
    with connection.cursor() as cursor:
        if not is_postgres():
            removed = _sqlite_delete(cursor, remove) if remove else 0
            rows = [(doc.member_id, *(stored(s) for s in doc.stems)) for doc in docs]
            cursor.executemany(
                f"INSERT INTO {TEXT_TABLE} (member_id, {columns}) VALUES (%s, {marks})", rows
            )
            if index:
                cursor.executemany(
                    f"INSERT INTO {TABLE} (rowid, {columns}) VALUES (%s, {marks})", rows
                )
        else:
            removed = _postgres_delete(cursor, remove) if remove else 0
            if docs:
                _postgres_insert(cursor, docs)
        if len(docs) != removed:
            cursor.execute(
                f"UPDATE {STAT_TABLE} SET documents = documents + %s WHERE id = 1",
                [len(docs) - removed],
            )


def _postgres_insert(cursor: Any, docs: Sequence[Document]) -> None:
    # Each field twice: the words as written through the French configuration, and our own
    # stems as they are (see the module's docstring).
    columns = ", ".join(FIELDS)
    marks = ", ".join(["%s"] * len(FIELDS))
    folded = not pg_has_unaccent()
    vector = " || ".join(
        f"setweight(to_tsvector('{PG_CONFIG}', %s) || to_tsvector('simple', %s), '{w}')"
        for w in PG_WEIGHTS
    )
    rows = []
    for doc in docs:
        stems = [stored(s) for s in doc.stems]
        words = [
            " ".join(french.fold(w) for w in raw) if folded else " ".join(raw) for raw in doc.raw
        ]
        pairs = (v for pair in zip(words, stems, strict=True) for v in pair)
        rows.append((doc.member_id, *stems, *pairs))
    cursor.executemany(
        f"INSERT INTO {TABLE} (member_id, {columns}, document) VALUES (%s, {marks}, {vector})",
        rows,
    )


def reindex_members(member_ids: Iterable[int]) -> int:
    """Rebuild the documents of these members (present ones are indexed, the others removed).
    Returns the number of documents written."""
    ids = sorted({int(pk) for pk in member_ids if pk is not None})
    if not ids or not table_exists():
        return 0
    nodes = catalog()
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            docs = build_documents(chunk, nodes)
            _write(docs, chunk)
            written += len(docs)
    return written


def reindex_all(progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index (one transaction). `progress(done, total)` follows it."""
    nodes = catalog()
    ids = list(
        Member.objects.filter(exit_date__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE if is_postgres() else TEXT_TABLE}")
        cursor.execute(f"UPDATE {STAT_TABLE} SET documents = 0 WHERE id = 1")
        for start in range(0, len(ids), BATCH):
            docs = build_documents(ids[start : start + BATCH], nodes)
            _write(docs, [], index=False)
            written += len(docs)
            if progress:
                progress(min(start + BATCH, len(ids)), len(ids))
        if not is_postgres():
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}" if is_postgres() else f"ANALYZE {TEXT_TABLE}")
    return written


_deferred = threading.local()


def deferred_ids() -> set[int] | None:
    """The members waiting for `deferred_reindex` to end, or None when none is running."""
    return getattr(_deferred, "ids", None)


@contextmanager
def deferred_reindex() -> Iterator[None]:
    """Inside, `profile_changed` only notes the members; they are reindexed once, at the end
    (an import that writes each member through the services):

        with deferred_reindex():
            for record in records:
                ...
    """
    if deferred_ids() is not None:  # already inside one: the outer one reindexes
        yield
        return
    _deferred.ids = set()
    try:
        yield
        ids = _deferred.ids
    finally:
        _deferred.ids = None
    reindex_members(ids)


def reindex_nodes(node_ids: Iterable[int], *, refresh_catalog: bool = True) -> int:
    """Rebuild the documents of members holding these nodes or a node below them (after
    labels or aliases changed). One query when nobody holds them (a nomenclature import).
    `refresh_catalog`: reload the nomenclature even if its version did not change (labels
    changed in bulk, by QuerySet.update, leave it as it was)."""
    if refresh_catalog:
        forget()
    paths = list(Node.objects.filter(pk__in=list(node_ids)).values_list("path", flat=True))
    if not paths:
        return 0
    below = Q()
    for path in paths:
        below |= Q(node__path__startswith=path)
    holders = set(MemberSkill.objects.filter(below).values_list("member_id", flat=True))
    return reindex_members(holders)


def remove_members(member_ids: Iterable[int]) -> None:
    ids = [int(pk) for pk in member_ids]
    if ids and table_exists():
        _write([], ids)


def document_count() -> int:
    """The number of indexed members, the idf's collection size (kept by every write: counting
    100,000 documents would cost a scan)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT documents FROM {STAT_TABLE} WHERE id = 1")
        return int(cursor.fetchone()[0])


def _counted_documents() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE if is_postgres() else TEXT_TABLE}")
        return int(cursor.fetchone()[0])


def ensure_index() -> int | None:
    """Rebuild the index when it does not hold one document per present member, or miscounts
    them (after the migration that creates it, or a flush). Returns the documents written,
    None if it was right."""
    if not table_exists():
        return None
    present = Member.objects.filter(exit_date__isnull=True).count()
    if _counted_documents() == present == document_count():
        return None
    return reindex_all()


def stored_document(member_id: int) -> dict[str, str] | None:
    """A member's stored stems per field, one space between them (tests and diagnostics)."""
    table, key = (TABLE, "member_id") if is_postgres() else (TEXT_TABLE, "member_id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(FIELDS)} FROM {table} WHERE {key} = %s", [member_id])
        row = cursor.fetchone()
    return {f: " ".join(v.split()) for f, v in zip(FIELDS, row, strict=True)} if row else None


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Condition:
    """A condition on members (table alias `m`) in two forms meaning the same: `drive` lets
    the database go through the members it selects (browsing), `probe` checks each member a
    query found otherwise (SQLite would else scan the selected members first)."""

    drive: str
    probe: str
    params: tuple[object, ...] = ()


@dataclass
class Filter:
    """The conditions on members of a search, with their parameters."""

    conditions: list[Condition] = field(default_factory=list)

    def add(self, condition: Condition) -> None:
        self.conditions.append(condition)

    def where(self, drive: bool = False) -> str:
        """The conditions, all probing; with `drive`, the first one drives (add the most
        selective first)."""
        forms = [c.drive if drive and i == 0 else c.probe for i, c in enumerate(self.conditions)]
        return " AND ".join(["m.exit_date IS NULL", *forms])

    @property
    def params(self) -> list[object]:
        return [p for c in self.conditions for p in c.params]


def _fts_string(stems: Sequence[str], fields: Sequence[str] | None = None) -> str:
    terms = " OR ".join(f'"{s}"' for s in stems)
    return f"{{{' '.join(fields)}}} : ({terms})" if fields else terms


def _pg_holds(stems: Sequence[str], fields: Sequence[str]) -> tuple[str, list[object]]:
    """SQL true when one of the fields holds one of our stems (exactly what SQLite's FTS5
    matches): PostgreSQL's French stemmer may have found a document our stems do not. Field
    by field (no concatenation to build), the first found ends it."""
    tests, params = [], []
    for stem in stems:
        for name in fields:
            tests.append(f"strpos(d.{name}, %s) > 0")
            params.append(f" {stem} ")
    return " OR ".join(tests), params


def zone_condition(zone: str) -> Condition:
    """Members working in a département, through the index's facet token."""
    token = zone_token(zone)
    if is_postgres():
        sql = f"m.id IN (SELECT member_id FROM {TABLE} WHERE document @@ to_tsquery('simple', %s))"
        return Condition(sql, sql, (f"{token}:D",))
    sql = f"m.id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"
    return Condition(sql, f"+{sql}", (f'zones : "{token}"',))


HEAVY_FIELDS = ("skills", "activity")


def match_ids(
    stems: Sequence[str],
    words: Sequence[str],
    where: Filter,
    fields: Sequence[str] | None = None,
) -> list[int]:
    """Members the filter keeps whose document holds one of the stems (in one of `fields`,
    or anywhere)."""
    return _match(stems, words, where, fields)[0]


def match_ids_heavy(
    stems: Sequence[str], words: Sequence[str], where: Filter
) -> tuple[list[int], set[int] | None]:
    """match_ids, and those holding a stem in their skills or activity when it comes at no
    cost (PostgreSQL, in the same pass; None on SQLite: ask match_ids with HEAVY_FIELDS)."""
    ids, heavy = _match(stems, words, where, None, heavy=is_postgres())
    return ids, heavy


def _match(
    stems: Sequence[str],
    words: Sequence[str],
    where: Filter,
    fields: Sequence[str] | None,
    heavy: bool = False,
) -> tuple[list[int], set[int] | None]:
    unique = list(dict.fromkeys(stems))
    if not unique:
        return [], set() if heavy else None
    # The index holds present members only (a member's exit reindexes them): without other
    # conditions, no need to look each one up, which would double the time of a common word.
    join = (
        f"JOIN {Member._meta.db_table} m ON m.id = d.{'member_id' if is_postgres() else 'rowid'} "
        if where.conditions
        else ""
    )
    conditions = f" AND {where.where()}" if where.conditions else ""
    if is_postgres():
        # PostgreSQL finds the documents by the French configuration or by our stems, and
        # keeps those where our stems are (see the module's docstring).
        if not pg_has_unaccent():
            words = [french.fold(w) for w in words]
        holds, holds_params = _pg_holds(unique, fields or FIELDS)
        extra, extra_params = ("", [])
        if heavy:
            extra, extra_params = _pg_holds(unique, HEAVY_FIELDS)
            extra = f", ({extra})"
        sql = (
            f"SELECT d.member_id{extra} FROM {TABLE} d {join}"
            f"WHERE d.document @@ (to_tsquery('{PG_CONFIG}', %s) || to_tsquery('simple', %s)) "
            f"AND ({holds}){conditions}"
        )
        params: list[object] = [*extra_params, " | ".join(dict.fromkeys(words))]
        params += [" | ".join(unique), *holds_params]
    else:
        sql = f"SELECT d.rowid FROM {TABLE} d {join}WHERE {TABLE} MATCH %s{conditions}"
        params = [_fts_string(unique, fields)]
    if where.conditions:
        params += where.params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if heavy:
        return [row[0] for row in rows], {row[0] for row in rows if row[1]}
    return [row[0] for row in rows], None


def _ids_condition(ids: Sequence[int]) -> tuple[str, list[object]]:
    if is_postgres():
        return "d.member_id = ANY(%s)", [list(ids)]
    return "d.member_id IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


def fetch_documents(ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The stored fields of these members (one query, whatever their number)."""
    ordered = sorted(set(ids))
    if not ordered:
        return {}
    table = TABLE if is_postgres() else TEXT_TABLE
    condition, params = _ids_condition(ordered)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.member_id, {', '.join(FIELDS)} FROM {table} d WHERE {condition}", params
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def fetch_counts(
    ids: Iterable[int], terms: Sequence[Sequence[str]]
) -> dict[int, tuple[tuple[int, ...], tuple[int, ...]]]:
    """For each of these members: the length of each stored field (in characters), and for
    each term (a group of stems), field by field, how often its most frequent stem occurs.
    A term of letters is never looked for in the zones field (départements only).

    The database counts (`length`, `replace` and the greatest of a few integers mean the same
    in SQLite and PostgreSQL), so only small integers travel, not the documents."""
    ordered = sorted(set(ids))
    if not ordered:
        return {}
    table = TABLE if is_postgres() else TEXT_TABLE
    greatest = "GREATEST" if is_postgres() else "MAX"
    find = "strpos" if is_postgres() else "instr"
    columns = [f"length(d.{name})" for name in FIELDS]
    params: list[object] = []
    for stems in terms:
        for name in FIELDS:
            if name == "zones" and not any(may_be_in_zones(s) for s in stems):
                columns.append("0")
                continue
            counts = []
            for stem in stems:
                needle = f" {stem} "
                # Most fields lack most stems: looking for it first spares the replace.
                counts.append(
                    f"CASE WHEN {find}(d.{name}, %s) > 0 THEN "
                    f"(length(d.{name}) - length(replace(d.{name}, %s, ''))) / {len(needle)} "
                    "ELSE 0 END"
                )
                params += [needle, needle]
            columns.append(counts[0] if len(counts) == 1 else f"{greatest}({', '.join(counts)})")
    condition, id_params = _ids_condition(ordered)
    n = len(FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.member_id, {', '.join(columns)} FROM {table} d WHERE {condition}",
            [*params, *id_params],
        )
        return {row[0]: (tuple(row[1 : n + 1]), tuple(row[n + 1 :])) for row in cursor.fetchall()}


ZONE_WORDS = frozenset(french.normalise("télétravail à distance"))


def may_be_in_zones(stem: str) -> bool:
    """Whether a stem can occur in a zones field: a département, its facet token, remote work."""
    return any(c.isdigit() for c in stem) or stem in ZONE_WORDS
