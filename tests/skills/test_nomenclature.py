"""The builtin nomenclature: its file, its loading, its aliases."""

from __future__ import annotations

import csv
import importlib
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from essaim.core.models import AuditEntry
from essaim.members.text import fold
from essaim.skills import search_index, selectors, services
from essaim.skills.models import Alias, MemberSkill, Node
from essaim.skills.nomenclature import (
    DATA_FILE,
    NomenclatureFileError,
    builtin_load,
    load_builtin,
    read_builtin,
)
from tests.factories import MemberFactory
from tests.skills.conftest import ROME_DIR

RELEASE = read_builtin()

# Exact labels or aliases that name more than one builtin node, on purpose. Each new one must
# be argued here: resolving a member's skill by its label would then ask for the code.
ACCEPTED_AMBIGUITIES: dict[str, set[str]] = {}


def builtin_counts() -> dict[str, int]:
    return dict(Counter(Node.objects.filter(source="builtin").values_list("kind", flat=True)))


def test_the_file_is_large_enough_and_social_skills_are_in_it():
    kinds = Counter(spec.kind for spec in RELEASE.specs)

    assert kinds["domain"] >= 20
    assert kinds["trade"] >= 120
    assert kinds["skill"] >= 400
    social = {spec.label for spec in RELEASE.specs if spec.is_social and spec.kind == "skill"}
    assert {
        "Animer un atelier",
        "Former des adultes",
        "Conduire un projet",
        "Médier un conflit",
        "Vendre et prospecter",
        "Répondre à un appel d'offres",
        "Travailler en équipe",
        "Négocier",
        "Prendre la parole en public",
        "Tutorer un pair",
    } <= social


def test_every_trade_has_rome_codes_and_only_trades_have_them():
    trades = [spec for spec in RELEASE.specs if spec.kind == "trade"]

    assert [spec.code for spec in trades if not spec.rome_codes] == []
    assert [spec.code for spec in RELEASE.specs if spec.kind != "trade" and spec.rome_codes] == []


def test_every_rome_code_of_the_file_is_a_real_rome_4_code():
    path = ROME_DIR / "unix_referentiel_code_rome_v460_utf8.csv"
    if not path.is_file():
        pytest.skip("fichiers ROME 4.0 absents de ../shared/data/rome-v460/ : rien à comparer")
    with path.open(encoding="utf-8") as stream:
        real = {row["code_rome"] for row in csv.DictReader(stream)}
    used = {(spec.code, code) for spec in RELEASE.specs for code in spec.rome_codes}

    assert sorted((node, code) for node, code in used if code not in real) == []
    assert len({code for _, code in used}) >= 150


def test_loading_matches_the_file_and_is_idempotent(db):
    load_builtin()  # the migration loaded it; a flushed database gets it back here
    AuditEntry.objects.all().delete()

    assert load_builtin() == (0, 0)
    assert load_builtin() == (0, 0)
    expected = dict(Counter(spec.kind for spec in RELEASE.specs))
    assert builtin_counts() == expected
    assert Alias.objects.filter(source="builtin").count() == sum(
        len(aliases) for aliases in RELEASE.aliases.values()
    )
    entries = AuditEntry.objects.filter(action="nomenclature.loaded")
    assert [entry.data for entry in entries] == [
        {
            "created": 0,
            "updated": 0,
            "obsoleted": 0,
            "aliases_created": 0,
            "aliases_updated": 0,
            "aliases_deleted": 0,
            "created_by_kind": {},
        }
    ] * 2


def test_every_node_has_its_path_and_folded_label(builtin_nomenclature):
    nodes = {node.pk: node for node in Node.objects.all()}
    wrong = [
        node.code
        for node in nodes.values()
        if node.path != (nodes[node.parent_id].path if node.parent_id else "/") + f"{node.pk}/"
        or node.search_label != fold(node.label)
    ]
    assert wrong == []
    domain = selectors.node_by_code("coiffure")
    assert {"coiffure.coloriste-vegetal.coloration-vegetale", "coiffure.coiffeur-ehpad"} <= set(
        selectors.subtree(domain).values_list("code", flat=True)
    )
    colour = selectors.node_by_code("coiffure.coloriste-vegetal.coloration-vegetale")
    assert (colour.kind, colour.label, colour.parent.code, colour.parent.rome_codes) == (
        "skill",
        "Coloration végétale",
        "coiffure.coloriste-vegetal",
        ["D1202"],
    )


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("compta", "gestion.comptable"),
        ("comptabilité", "gestion.comptable"),
        ("Coiffeuse", "coiffure.coiffeur"),
        ("coiffeur", "coiffure.coiffeur"),
        ("développeuse", "numerique.developpeur-web"),
        ("dev", "numerique.developpeur-web"),
        ("electricienne", "batiment.electricien"),
        ("graphiste", "graphisme.graphiste"),
        ("RH", "conseil.rh"),
        ("SEO", "numerique.referenceur"),
        ("UX", "graphisme.designer-ux"),
        ("coloration végétale", "coiffure.coloriste-vegetal.coloration-vegetale"),
        ("Coiffeuse à domicile", "coiffure.coiffeur-domicile"),
        ("socio-coiffeuse", "coiffure.coiffeur-ehpad"),
        ("bijoux de cheveux", "coiffure.bijoux-cheveux"),
        ("animer un atelier", "transversal.animer-atelier"),
        ("appels d'offres", "transversal.appel-offres"),
    ],
)
def test_labels_and_aliases_resolve_to_one_node(builtin_nomenclature, label, code):
    assert selectors.resolve_node(label=label).code == code


def test_no_label_or_alias_names_two_builtin_nodes_unless_accepted(builtin_nomenclature):
    names: dict[str, set[str]] = defaultdict(set)
    for code, folded in Node.objects.filter(source="builtin").values_list("code", "search_label"):
        names[folded].add(code)
    for code, folded in Alias.objects.filter(node__source="builtin").values_list(
        "node__code", "folded"
    ):
        names[folded].add(code)

    assert {name: codes for name, codes in names.items() if len(codes) > 1} == (
        ACCEPTED_AMBIGUITIES
    )


def test_job_title_labels_give_both_forms_as_titles(builtin_nomenclature):
    trade = Node.objects.get(code="coiffure.coiffeur")

    assert sorted(trade.aliases.filter(kind="title").values_list("label", flat=True)) == [
        "Coiffeur",
        "Coiffeuse",
        "coiffeur en salon",
        "coiffeur mixte",
        "coiffeuse en salon",
        "coiffeuse mixte",
    ]


def write_release(path: Path, lines: list[dict]) -> Path:
    path.write_text(
        "# essai\n\n" + "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


SMALL = [
    {"code": "essai", "kind": "domain", "label": "Jardin"},
    {
        "code": "essai.jardinier",
        "kind": "trade",
        "label": "Jardinier / Jardinière",
        "rome": ["A1208"],
        "abbreviations": ["jardi"],
    },
    {"code": "essai.jardinier.tonte", "kind": "skill", "label": "Tonte", "synonyms": ["gazon"]},
    {"code": "essai.jardinier.haies", "kind": "skill", "label": "Taille de haies"},
]


def test_a_new_file_updates_labels_and_marks_dropped_nodes_obsolete(db, tmp_path):
    first = builtin_load(path=write_release(tmp_path / "v1.jsonl", SMALL))
    hedges = Node.objects.get(code="essai.jardinier.haies")
    member = MemberFactory()
    MemberSkill.objects.create(member=member, node=hedges, level=2)
    trade = Node.objects.get(code="essai.jardinier")
    services.alias_add(actor=None, node=trade, label="paysagiste du dimanche")
    changed = [dict(line) for line in SMALL[:3]]
    changed[2]["label"] = "Tonte des pelouses"
    changed[1]["abbreviations"] = []

    second = builtin_load(path=write_release(tmp_path / "v2.jsonl", changed))

    assert first.created == 4
    assert (second.created, second.updated, second.obsoleted) == (0, 2, 1)
    assert (second.aliases_created, second.aliases_updated, second.aliases_deleted) == (0, 0, 1)
    hedges.refresh_from_db()
    assert (hedges.obsolete, hedges.label, hedges.member_skills.get().member) == (
        True,
        "Taille de haies",
        member,
    )
    mowing = Node.objects.get(code="essai.jardinier.tonte")
    assert (mowing.label, mowing.search_label, mowing.obsolete) == (
        "Tonte des pelouses",
        "tonte des pelouses",
        False,
    )
    assert sorted(trade.aliases.values_list("label", "source")) == [
        ("Jardinier", "builtin"),
        ("Jardinière", "builtin"),
        ("paysagiste du dimanche", "coop"),
    ]
    assert selectors.resolve_node(label="gazon") == mowing

    third = builtin_load(path=write_release(tmp_path / "v3.jsonl", SMALL))

    hedges.refresh_from_db()
    assert (third.created, third.updated, third.obsoleted, hedges.obsolete) == (0, 3, 0, False)


def test_the_loader_adopts_a_code_another_source_holds(db, tmp_path):
    builtin_load(path=write_release(tmp_path / "v0.jsonl", SMALL[:1]))
    services.node_create(
        actor=None,
        code="essai.jardinier",
        label="Jardinier maison",
        kind="trade",
        parent=Node.objects.get(code="essai"),
    )

    report = builtin_load(path=write_release(tmp_path / "v1.jsonl", SMALL))

    trade = Node.objects.get(code="essai.jardinier")
    assert (report.created, report.updated) == (2, 1)
    assert (trade.source, trade.label, trade.rome_codes) == (
        "builtin",
        "Jardinier / Jardinière",
        ["A1208"],
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{", "v.jsonl, ligne 4 : JSON invalide"),
        ('{"code": "x", "kind": "domain", "label": "X", "color": 1}', "clé inconnue « color »"),
        ('{"code": "Jardin.X", "kind": "skill", "label": "X"}', "code « Jardin.X » invalide"),
        ('{"code": "essai", "kind": "domain", "label": "X"}', "le code « essai » est déjà"),
        ('{"code": "autre.x", "kind": "skill", "label": "X"}', "le parent « autre » doit"),
        ('{"code": "essai.x", "kind": "metier", "label": "X"}', "kind « metier » inconnu"),
        ('{"code": "essai.x", "kind": "trade", "label": "X"}', "indique son ou ses codes ROME"),
        ('{"code": "essai.x", "kind": "trade", "label": "X", "rome": ["D12"]}', "« D12 »"),
        ('{"code": "essai.x", "kind": "skill", "label": " "}', "libellé manquant"),
        ('{"code": "x", "kind": "skill", "label": "X"}', "seul un domaine est sans parent"),
        ('{"code": "essai.x", "kind": "skill", "label": "X", "synonyms": "y"}', "liste"),
        (json.dumps({"code": "essai." + "x" * 100, "kind": "skill", "label": "X"}), "trop long"),
    ],
)
def test_a_malformed_file_is_refused_before_any_write(db, tmp_path, line, message):
    path = tmp_path / "v.jsonl"
    path.write_text(
        "# essai\n"
        + json.dumps(SMALL[0])
        + "\n"
        + json.dumps({"code": "essai.y", "kind": "skill", "label": "Y"})
        + f"\n{line}\n",
        encoding="utf-8",
    )
    before = (Node.objects.count(), Alias.objects.count(), AuditEntry.objects.count())

    with pytest.raises(NomenclatureFileError) as error:
        builtin_load(path=path)

    assert message in str(error.value)
    assert str(error.value).startswith("v.jsonl, ligne 4 : ")
    assert (Node.objects.count(), Alias.objects.count(), AuditEntry.objects.count()) == before


def test_the_data_migration_loads_through_the_models_it_is_given(db):
    migration = importlib.import_module("essaim.skills.migrations.0007_builtin_nomenclature")
    Node.objects.filter(code="coiffure.coloriste-vegetal.coloration-vegetale").update(label="?")

    migration.load(django_apps, None)

    assert Node.objects.get(code="coiffure.coloriste-vegetal.coloration-vegetale").label == (
        "Coloration végétale"
    )
    assert builtin_counts() == dict(Counter(spec.kind for spec in RELEASE.specs))
    assert AuditEntry.objects.count() == 0  # installing is nobody's action


def test_the_shipped_file_is_one_node_a_line():
    lines = [
        line
        for line in DATA_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    assert len(lines) == len(RELEASE.specs)
    assert all(isinstance(json.loads(line), dict) for line in lines)


def test_a_relabelled_node_is_searchable_under_its_new_label(db, tmp_path):
    builtin_load(path=write_release(tmp_path / "v1.jsonl", SMALL))
    member = MemberFactory()
    mowing = Node.objects.get(code="essai.jardinier.tonte")
    services.skill_set(actor=None, member=member, node=mowing, level=2)
    before = search_index.stored_document(member.pk)["skills"]
    changed = [dict(line) for line in SMALL]
    changed[2]["label"] = "Scarification des pelouses"

    builtin_load(path=write_release(tmp_path / "v2.jsonl", changed))

    after = search_index.stored_document(member.pk)["skills"]
    assert ("scarif" in before, "scarif" in after) == (False, True)
