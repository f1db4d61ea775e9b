"""The project's own compact nomenclature of CAE trades, shipped in `data/nomenclature.jsonl`.

The file holds one node per line (JSON) — lines starting with "#" and blank lines are
ignored — with:

- `code`: a stable lowercase dotted slug; its parent is the code without the last segment
  (`coiffure.coloriste-vegetal.coloration-vegetale` is under `coiffure.coloriste-vegetal`);
- `kind`: `domain`, `trade` or `skill`; `label`: the French label; `social`: a social or
  transversal skill (animer, former, médier, vendre...);
- `rome`: the ROME 4.0 occupation codes of a trade;
- `titles`, `synonyms`, `abbreviations`: the node's other names. A label written
  "Coiffeur / Coiffeuse" also gives each form ("Coiffeur", "Coiffeuse") as a job title.

`load_builtin()` brings the database in line with the file: a data migration runs it on every
install, and `essaim nomenclature load-builtin` after the file changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from essaim.members.text import fold
from essaim.skills.nomenclature_sync import (
    AliasSpec,
    NodeSpec,
    SyncReport,
    refresh_search_index,
    sync_nodes,
)
from essaim.skills.titles import gender_forms

DATA_FILE = Path(__file__).resolve().parent / "data" / "nomenclature.jsonl"
SOURCE = "builtin"
KINDS = ("domain", "trade", "skill")
KEYS = frozenset(
    {
        "code",
        "kind",
        "label",
        "description",
        "rome",
        "social",
        "titles",
        "synonyms",
        "abbreviations",
    }
)
ALIAS_KEYS = {"titles": "title", "synonyms": "synonym", "abbreviations": "abbreviation"}
CODE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*")
ROME_PATTERN = re.compile(r"[A-N][0-9]{4}")
CODE_MAX_LENGTH = 100  # Node.code


class NomenclatureFileError(ValueError):
    """The builtin file is malformed; the message says where, in French."""


@dataclass(frozen=True)
class BuiltinRelease:
    specs: list[NodeSpec]
    aliases: dict[str, list[AliasSpec]]


def node_aliases(label: str, names: Iterable[tuple[str, str]]) -> list[AliasSpec]:
    """The aliases of a node: its label's gender forms, then its other names, each once."""
    seen = {fold(label)}
    aliases: list[AliasSpec] = []
    for name, kind in [*((form, "title") for form in gender_forms(label)), *names]:
        name = " ".join(name.split())
        key = fold(name)
        if key and key not in seen:
            seen.add(key)
            aliases.append(AliasSpec(label=name, kind=kind))
    return aliases


def _strings(value: Any, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise NomenclatureFileError(f"{where} : « {key} » doit être une liste de textes non vides")
    return [v.strip() for v in value]


def _entry(
    raw: dict[str, Any], where: str, kinds: dict[str, str]
) -> tuple[NodeSpec, list[AliasSpec]]:
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise NomenclatureFileError(f"{where} : clé inconnue « {unknown[0]} »")
    code, kind, label = raw.get("code"), raw.get("kind"), raw.get("label")
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise NomenclatureFileError(
            f"{where} : code « {code} » invalide (minuscules, chiffres, tirets, points)"
        )
    if len(code) > CODE_MAX_LENGTH:
        raise NomenclatureFileError(
            f"{where} : code « {code} » trop long ({CODE_MAX_LENGTH} caractères au plus)"
        )
    if code in kinds:
        raise NomenclatureFileError(f"{where} : le code « {code} » est déjà employé")
    if kind not in KINDS:
        raise NomenclatureFileError(f"{where} : kind « {kind} » inconnu ({', '.join(KINDS)})")
    if not isinstance(label, str) or not label.strip():
        raise NomenclatureFileError(f"{where} : libellé manquant")
    parent = code.rpartition(".")[0] or None
    if parent is not None and parent not in kinds:
        raise NomenclatureFileError(f"{where} : le parent « {parent} » doit le précéder")
    if (parent is None) != (kind == "domain"):
        raise NomenclatureFileError(f"{where} : seul un domaine est sans parent")
    rome = _strings(raw.get("rome", []), "rome", where)
    bad = [c for c in rome if not ROME_PATTERN.fullmatch(c)]
    if bad:
        raise NomenclatureFileError(f"{where} : « {bad[0]} » n'est pas un code ROME (ex. D1202)")
    if kind == "trade" and not rome:
        raise NomenclatureFileError(f"{where} : un métier indique son ou ses codes ROME")
    social = raw.get("social", False)
    if not isinstance(social, bool):
        raise NomenclatureFileError(f"{where} : « social » vaut true ou false")
    kinds[code] = kind
    names = [
        (name, alias_kind)
        for key, alias_kind in ALIAS_KEYS.items()
        for name in _strings(raw.get(key, []), key, where)
    ]
    label = " ".join(label.split())
    spec = NodeSpec(
        code=code,
        kind=kind,
        label=label,
        parent_code=parent,
        description=str(raw.get("description", "")).strip(),
        rome_codes=tuple(rome),
        is_social=social,
    )
    return spec, node_aliases(label, names)


def read_builtin(path: Path = DATA_FILE) -> BuiltinRelease:
    """The nodes and aliases of the file, checked; NomenclatureFileError names the line."""
    specs: list[NodeSpec] = []
    aliases: dict[str, list[AliasSpec]] = {}
    kinds: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            where = f"{path.name}, ligne {number}"
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                raise NomenclatureFileError(f"{where} : JSON invalide ({exc.msg})") from None
            if not isinstance(raw, dict):
                raise NomenclatureFileError(f"{where} : un objet JSON est attendu")
            spec, node_aliases_ = _entry(raw, where, kinds)
            specs.append(spec)
            aliases[spec.code] = node_aliases_
    return BuiltinRelease(specs=specs, aliases=aliases)


def sync_builtin(node_model: Any, alias_model: Any, *, path: Path = DATA_FILE) -> SyncReport:
    """Upsert the builtin nodes with the given model classes (historical ones in migrations)."""
    release = read_builtin(path)
    return sync_nodes(
        node_model, alias_model, source=SOURCE, specs=release.specs, aliases=release.aliases
    )


def builtin_load(*, actor: Any = None, path: Path = DATA_FILE) -> SyncReport:
    """Load the builtin nomenclature in one transaction and write one audit entry."""
    # Imported here so that the data migration, which imports this module, loads no model.
    from essaim.core.audit import audit_entry
    from essaim.skills.models import Alias, Node

    with transaction.atomic():
        report = sync_builtin(Node, Alias, path=path)
        refresh_search_index(report.changed_ids)
        entry = audit_entry(
            actor=actor, action="nomenclature.loaded", target=Node(), data=report.as_dict()
        )
        entry.target_repr = "Nomenclature Essaim"
        entry.save()
    return report


def load_builtin(actor: Any = None) -> tuple[int, int]:
    """Idempotent: (nodes created, nodes updated); a second call returns (0, 0)."""
    report = builtin_load(actor=actor)
    return report.created, report.updated
