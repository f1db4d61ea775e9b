"""The nomenclature as the search engine sees it: labels and aliases as stems, the tree, links.

Loaded once per process and kept until the nomenclature changes (one small aggregate query
per search tells); with the ROME imported it holds some tens of thousands of labels, a few
megabytes. It answers, without further queries:

- which nodes a query names: a label or alias whose words (stemmed, stop words aside) appear
  in the query in a row, a word also standing for its other gender's form;
- which nodes a query word touches at all (a stem shared with a label or alias);
- a node's subtree, and the nodes its ROME codes link it to (a built-in trade and the ROME
  occupation it corresponds to stand for each other).

It also keeps each node's words for the search documents of the members who hold it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection

from essaim.skills import french
from essaim.skills.models import Alias, Node, NodeSource


@dataclass
class CatalogNode:
    id: int
    code: str
    label: str
    kind: str
    source: str
    parent_id: int | None
    depth: int
    rome_codes: tuple[str, ...]
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PhraseMatch:
    """A node whose label or alias covers query words start..start+length-1."""

    node_id: int
    start: int
    length: int


@dataclass
class NodeWords:
    """A node's words for a search document: raw (for PostgreSQL) and stems (for the index)."""

    label_raw: list[str]
    label_stems: list[str]
    alias_raw: list[str]
    alias_stems: list[str]


class Catalog:
    def __init__(self, nodes: dict[int, CatalogNode]) -> None:
        self.nodes = nodes
        self.children: dict[int, list[int]] = defaultdict(list)
        self.by_code: dict[str, int] = {}
        self.by_rome_code: dict[str, list[int]] = defaultdict(list)
        # first stem → [(all stems, node id)]: phrases to look for in a query
        self.phrases: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        self.by_stem: dict[str, set[int]] = defaultdict(set)
        self._words: dict[int, NodeWords] = {}
        for node in nodes.values():
            if node.parent_id is not None:
                self.children[node.parent_id].append(node.id)
            self.by_code[node.code] = node.id
            if node.source != NodeSource.ROME:
                for rome in node.rome_codes:
                    self.by_rome_code[rome.upper()].append(node.id)
            for name in [node.label, *node.aliases]:
                stems = tuple(french.normalise(name))
                if not stems:
                    continue
                self.phrases[stems[0]].append((stems, node.id))
                for s in stems:
                    self.by_stem[s].add(node.id)

    # ------------------------------------------------------------ the tree

    def subtree(self, node_id: int) -> dict[int, int]:
        """Every node under this one (itself included), with its distance below it."""
        found: dict[int, int] = {}
        stack = [(node_id, 0)]
        while stack:
            pk, depth = stack.pop()
            if pk in found or pk not in self.nodes:
                continue
            found[pk] = depth
            stack.extend((child, depth + 1) for child in self.children.get(pk, ()))
        return found

    def linked(self, node_id: int) -> list[int]:
        """Nodes the same ROME code names: a built-in or coop trade's ROME occupations, and the
        built-in or coop trades that point to a ROME occupation."""
        node = self.nodes.get(node_id)
        if node is None:
            return []
        if node.source == NodeSource.ROME:
            return list(self.by_rome_code.get(node.code.upper(), ()))
        return [pk for code in node.rome_codes if (pk := self.by_code.get(code.upper()))]

    def expand(self, node_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """Nodes answering for the given ones: their subtrees and their ROME-linked nodes'
        subtrees. Each found node maps to (the given node it answers for, distance below)."""
        found: dict[int, tuple[int, int]] = {}
        for root in node_ids:
            for start in [root, *self.linked(root)]:
                for pk, depth in self.subtree(start).items():
                    known = found.get(pk)
                    if known is None or depth < known[1]:
                        found[pk] = (root, depth)
        return found

    # ------------------------------------------------------------ words

    def phrase_matches(self, positions: Sequence[frozenset[str]]) -> list[PhraseMatch]:
        """Labels and aliases whose stems appear in a row among the query's word positions
        (each position: the stems a query word stands for)."""
        matches: dict[tuple[int, int], int] = {}
        for start, stems in enumerate(positions):
            for first in stems:
                for phrase, node_id in self.phrases.get(first, ()):
                    end = start + len(phrase)
                    if end > len(positions):
                        continue
                    if all(phrase[k] in positions[start + k] for k in range(1, len(phrase))):
                        key = (node_id, start)
                        matches[key] = max(matches.get(key, 0), len(phrase))
        return [PhraseMatch(node_id, start, length) for (node_id, start), length in matches.items()]

    def touched(self, stems: Iterable[str]) -> set[int]:
        """Nodes one of whose label or alias words has one of these stems."""
        found: set[int] = set()
        for s in stems:
            found |= self.by_stem.get(s, set())
        return found

    def words(self, node_id: int) -> NodeWords:
        cached = self._words.get(node_id)
        if cached is None:
            node = self.nodes[node_id]
            label_raw = french.content_words(node.label)
            alias_raw = [w for alias in node.aliases for w in french.content_words(alias)]
            cached = self._words[node_id] = NodeWords(
                label_raw,
                french.normalise_words(label_raw),
                alias_raw,
                french.normalise_words(alias_raw),
            )
        return cached

    def ancestors(self, node_id: int) -> list[int]:
        out: list[int] = []
        node = self.nodes.get(node_id)
        while node is not None and node.parent_id is not None and len(out) < 20:
            out.append(node.parent_id)
            node = self.nodes.get(node.parent_id)
        return out


_lock = threading.Lock()
_cached: tuple[tuple[object, ...], Catalog] | None = None


def _version() -> tuple[object, ...]:
    node, alias = Node._meta.db_table, Alias._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {node}), (SELECT MAX(updated_at) FROM {node}), "
            f"(SELECT MAX(id) FROM {node}), (SELECT COUNT(*) FROM {alias}), "
            f"(SELECT MAX(id) FROM {alias})"
        )
        row = cursor.fetchone()
    return (connection.alias, connection.settings_dict.get("NAME"), *row)


def _load() -> Catalog:
    nodes: dict[int, CatalogNode] = {}
    for pk, code, label, kind, source, parent_id, path, rome_codes in Node.objects.values_list(
        "id", "code", "label", "kind", "source", "parent_id", "path", "rome_codes"
    ).order_by("id"):
        nodes[pk] = CatalogNode(
            pk,
            code,
            label,
            kind,
            source,
            parent_id,
            max(path.count("/") - 2, 0),
            tuple(rome_codes or ()),
        )
    for node_id, label in Alias.objects.values_list("node_id", "label").order_by("node_id", "id"):
        if node_id in nodes:
            nodes[node_id].aliases.append(label)
    return Catalog(nodes)


def catalog() -> Catalog:
    """The nomenclature as of now (reloaded when a node or an alias changed)."""
    global _cached
    version = _version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if _cached is not None and _cached[0] == version:
            return _cached[1]
        loaded = _load()
        _cached = (version, loaded)
        return loaded


def forget() -> None:
    """Drop the cached nomenclature (a change the version cannot see, e.g. an alias renamed)."""
    global _cached
    _cached = None
