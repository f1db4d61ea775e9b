"""Bring the nodes of one source (builtin, ROME) in line with a release, in bulk.

One engine for both sources: given the release's nodes (parents first) and their aliases, it
creates what is new, updates labels and places, marks obsolete the nodes the release no longer
has (never deletes them: members' skills point to them), and adds or removes the source's own
aliases. Codes are the identity: a code keeps its row, so members' references survive a new
release.

It takes the model classes as arguments and uses only the fields of the first migration, so a
data migration can call it with its historical models. Queries are per batch, never per row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Substr
from django.utils import timezone

from essaim.members.text import fold

# SQLite accepts 32,766 parameters per query; stay far below on every database.
CHUNK = 500
BATCH = 1000
# The fields the engine owns on a node; compared one by one to count real updates.
NODE_FIELDS = (
    "kind",
    "source",
    "label",
    "description",
    "parent_id",
    "path",
    "rome_codes",
    "is_social",
    "obsolete",
    "search_label",
)

Progress = Callable[[int], object]


@dataclass(frozen=True)
class NodeSpec:
    """What a release says of one node."""

    code: str
    kind: str
    label: str
    parent_code: str | None = None
    description: str = ""
    rome_codes: tuple[str, ...] = ()
    is_social: bool = False


@dataclass(frozen=True)
class AliasSpec:
    label: str
    kind: str


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    obsoleted: int = 0
    aliases_created: int = 0
    aliases_updated: int = 0
    aliases_deleted: int = 0
    created_by_kind: Counter[str] = field(default_factory=Counter)
    # code → id of every node of the release, for the caller's own links.
    ids: dict[str, int] = field(default_factory=dict)
    # Nodes that existed and changed or became obsolete: members holding them need their
    # search documents rebuilt (bulk writes send no signal).
    changed_ids: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "obsoleted": self.obsoleted,
            "aliases_created": self.aliases_created,
            "aliases_updated": self.aliases_updated,
            "aliases_deleted": self.aliases_deleted,
            "created_by_kind": dict(sorted(self.created_by_kind.items())),
        }


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def folded(text: str) -> str:
    return fold(text)[:255]


def _depths(specs: Sequence[NodeSpec]) -> list[list[NodeSpec]]:
    """The specs by depth (roots first); a parent must come before its children."""
    depth: dict[str, int] = {}
    levels: list[list[NodeSpec]] = []
    for spec in specs:
        if spec.parent_code is None:
            level = 0
        elif spec.parent_code in depth:
            level = depth[spec.parent_code] + 1
        else:
            raise ValueError(f"le parent « {spec.parent_code} » de {spec.code} manque ou le suit")
        depth[spec.code] = level
        if level == len(levels):
            levels.append([])
        levels[level].append(spec)
    return levels


class _NodeWriter:
    def __init__(
        self, node_model: Any, source: str, now: dt.datetime, progress: Progress | None
    ) -> None:
        self.model = node_model
        self.source = source
        self.now = now
        self.progress = progress or (lambda _n: None)
        self.report = SyncReport()
        self.existing: dict[str, Any] = {}
        self.created_codes: set[str] = set()
        self.updated_codes: set[str] = set()
        self.moved: list[tuple[str, str]] = []  # (old path, new path)

    def load_existing(self, codes: set[str]) -> None:
        for node in self.model.objects.filter(source=self.source):
            self.existing[node.code] = node
        # A release may adopt a code another source already holds (a coop node named like a
        # builtin one): it keeps its row and joins the release.
        others = [
            code
            for code in self.model.objects.exclude(source=self.source).values_list(
                "code", flat=True
            )
            if code in codes
        ]
        for part in chunks(others):
            for node in self.model.objects.filter(code__in=part):
                self.existing[node.code] = node

    def create_missing(self, levels: list[list[NodeSpec]]) -> None:
        ids = self.report.ids
        for code, node in self.existing.items():
            ids[code] = node.pk
        for level in levels:
            new = [
                self.model(
                    code=spec.code,
                    kind=spec.kind,
                    source=self.source,
                    label=spec.label,
                    description=spec.description,
                    parent_id=ids[spec.parent_code] if spec.parent_code else None,
                    rome_codes=list(spec.rome_codes),
                    is_social=spec.is_social,
                    search_label=folded(spec.label),
                    path="",
                    created_at=self.now,
                )
                for spec in level
                if spec.code not in self.existing
            ]
            self.model.objects.bulk_create(new, batch_size=BATCH)
            if any(node.pk is None for node in new):  # a database that returns no ids
                by_code = {node.code: node for node in new}
                for part in chunks(list(by_code)):
                    rows = self.model.objects.filter(code__in=part).values_list("code", "pk")
                    for code, pk in rows:
                        by_code[code].pk = pk
            for node in new:
                ids[node.code] = node.pk
                self.existing[node.code] = node
                self.created_codes.add(node.code)
                self.report.created_by_kind[node.kind] += 1
            self.report.created += len(new)
            self._place([node.pk for node in new])

    def _place(self, pks: list[int]) -> None:
        """Set the path of new nodes in SQL: parent's path + own id (known only now)."""
        parent_path = Subquery(
            self.model.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
        )
        own = Cast("pk", output_field=CharField())
        path = Concat(Coalesce(parent_path, Value("/")), own, Value("/"), output_field=CharField())
        for part in chunks(pks):
            self.model.objects.filter(pk__in=part).update(path=path)

    def update_all(self, levels: list[list[NodeSpec]]) -> None:
        paths: dict[str, str] = {}
        changed = []
        for level in levels:
            for spec in level:
                node = self.existing[spec.code]
                parent_path = paths[spec.parent_code] if spec.parent_code else "/"
                paths[spec.code] = f"{parent_path}{node.pk}/"
                if spec.code in self.created_codes:
                    node.path = paths[spec.code]  # written by _place
                    continue
                wanted = {
                    "kind": spec.kind,
                    "source": self.source,
                    "label": spec.label,
                    "description": spec.description,
                    "parent_id": self.report.ids[spec.parent_code] if spec.parent_code else None,
                    "path": paths[spec.code],
                    "rome_codes": list(spec.rome_codes),
                    "is_social": spec.is_social,
                    "obsolete": False,
                    "search_label": folded(spec.label),
                }
                if any(getattr(node, name) != value for name, value in wanted.items()):
                    if node.path and node.path != wanted["path"]:
                        self.moved.append((node.path, wanted["path"]))
                    for name, value in wanted.items():
                        setattr(node, name, value)
                    node.updated_at = self.now
                    changed.append(node)
                    self.updated_codes.add(spec.code)
            self.progress(len(level))
        self.model.objects.bulk_update(changed, [*NODE_FIELDS, "updated_at"], batch_size=CHUNK)
        self._carry_moves()

    def _carry_moves(self) -> None:
        """Nodes below a moved one that the release does not hold (the cooperative's own,
        obsolete ones) follow it: their path keeps the moved node's new path as prefix."""
        # Deepest first: a path fixed under a moved child no longer starts with an old prefix.
        for old, new in sorted(self.moved, key=lambda move: len(move[0]), reverse=True):
            self.model.objects.filter(path__startswith=old).update(
                path=Concat(Value(new), Substr("path", len(old) + 1), output_field=CharField())
            )

    def mark_obsolete(self, codes: set[str]) -> None:
        gone = [
            node.pk
            for code, node in self.existing.items()
            if code not in codes and node.source == self.source and not node.obsolete
        ]
        for part in chunks(gone):
            self.model.objects.filter(pk__in=part).update(obsolete=True, updated_at=self.now)
        self.report.obsoleted = len(gone)
        self.report.changed_ids.update(gone)


def _sync_aliases(
    alias_model: Any,
    source: str,
    ids: Mapping[str, int],
    wanted_by_code: Mapping[str, Iterable[AliasSpec]],
    report: SyncReport,
    progress: Progress,
) -> set[int]:
    """Make the source's aliases of the release's nodes exactly the wanted ones.

    Aliases another source added (the cooperative's own) are left alone; aliases of nodes the
    release dropped are kept with their obsolete node. Returns the ids of nodes whose aliases
    changed.
    """
    wanted: dict[tuple[int, str], AliasSpec] = {}
    given = 0
    for code, aliases in wanted_by_code.items():
        node_id = ids[code]
        for alias in aliases:
            given += 1
            key = (node_id, folded(alias.label))
            if key[1] and key not in wanted:
                wanted[key] = alias
    release_ids = set(ids.values())
    rows = alias_model.objects.filter(node__source=source).values_list(
        "pk", "node_id", "folded", "label", "kind", "source"
    )
    present: set[tuple[int, str]] = set()
    stale: list[int] = []
    relabelled = []
    touched: set[int] = set()
    for pk, node_id, key_folded, label, kind, alias_source in rows.iterator(chunk_size=5000):
        if node_id not in release_ids:
            continue
        key = (node_id, key_folded)
        present.add(key)
        if alias_source != source:
            continue
        spec = wanted.get(key)
        if spec is None:
            stale.append(pk)
            touched.add(node_id)
        elif (spec.label, spec.kind) != (label, kind):
            relabelled.append(alias_model(pk=pk, label=spec.label, kind=spec.kind))
            touched.add(node_id)
    new = [
        alias_model(node_id=node_id, label=spec.label, kind=spec.kind, source=source, folded=key)
        for (node_id, key), spec in wanted.items()
        if (node_id, key) not in present
    ]
    touched.update(alias.node_id for alias in new)
    for part in chunks(stale):
        alias_model.objects.filter(pk__in=part).delete()
    alias_model.objects.bulk_update(relabelled, ["label", "kind"], batch_size=CHUNK)
    for part in chunks(new, BATCH):
        alias_model.objects.bulk_create(part)
        progress(len(part))
    progress(given - len(new))
    report.aliases_created += len(new)
    report.aliases_updated += len(relabelled)
    report.aliases_deleted += len(stale)
    return touched


def sync_nodes(
    node_model: Any,
    alias_model: Any,
    *,
    source: str,
    specs: Sequence[NodeSpec],
    aliases: Mapping[str, Iterable[AliasSpec]],
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> SyncReport:
    """Make the nodes of `source` match the release; the caller holds the transaction.

    `updated` counts nodes that existed and changed (label, place, flags, obsolete again, or
    their aliases); `created` the new ones; `obsoleted` those the release no longer has.
    """
    levels = _depths(specs)
    codes = {spec.code for spec in specs}
    writer = _NodeWriter(node_model, source, now or timezone.now(), progress)
    writer.load_existing(codes)
    writer.create_missing(levels)
    writer.update_all(levels)
    writer.mark_obsolete(codes)
    # Only the release's nodes from here on: a dropped node keeps its aliases.
    writer.report.ids = {code: writer.report.ids[code] for code in codes}
    touched = _sync_aliases(
        alias_model, source, writer.report.ids, aliases, writer.report, writer.progress
    )
    by_id = {node.pk: code for code, node in writer.existing.items()}
    for node_id in touched:
        code = by_id[node_id]
        if code not in writer.created_codes:
            writer.updated_codes.add(code)
    report = writer.report
    report.updated = len(writer.updated_codes)
    report.changed_ids.update(writer.existing[code].pk for code in writer.updated_codes)
    return report


def refresh_search_index(node_ids: Iterable[int]) -> int:
    """Rebuild the search documents of members holding these nodes (or nodes below them)."""
    from essaim.skills.search_index import reindex_nodes, table_exists

    ids = sorted(node_ids)
    if not ids or not table_exists():
        return 0
    return sum(reindex_nodes(part) for part in chunks(ids))
