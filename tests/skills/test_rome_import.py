"""Import of the ROME 4.0 open-data release: the real files, then a small release of our own."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from essaim.core.models import AuditEntry
from essaim.members.text import fold
from essaim.skills import selectors, services
from essaim.skills.models import Alias, MemberSkill, Node
from essaim.skills.rome import RomeImportError, describe, import_rome
from tests.factories import MemberFactory

LINKS = Node.related_skills.through


def rome_counts() -> dict[str, int]:
    nodes = Node.objects.filter(source="rome")
    return {kind: nodes.filter(kind=kind).count() for kind in ("domain", "subdomain", "trade")} | {
        "skill": nodes.filter(kind="skill").count(),
        "social": nodes.filter(is_social=True).count(),
        "title": Alias.objects.filter(source="rome", kind="title").count(),
        "links": LINKS.objects.filter(from_node__source="rome").count(),
    }


def read_csv(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_the_real_release_imports_whole_and_a_second_run_changes_nothing(db, rome_dir):
    titles = read_csv(rome_dir, "unix_referentiel_appellation_v460_utf8.csv")
    skills = {
        row["code_ogr"] for row in read_csv(rome_dir, "unix_referentiel_competence_v460_utf8.csv")
    }
    links = {
        (row["code_rome"], f"OGR{row['code_ogr']}")
        for row in read_csv(rome_dir, "unix_liens_rome_referentiels_v460_utf8.csv")
        if row["code_ogr"] in skills
    }

    first = import_rome(rome_dir)

    counts = rome_counts()
    assert {key: counts[key] for key in ("domain", "subdomain", "trade", "skill", "social")} == {
        "domain": 14,
        "subdomain": 110,
        "trade": 1584,
        "skill": 18317,
        "social": 16,
    }
    assert (len(titles), len(links), counts["links"]) == (13120, 54695, 54695)
    # Each of the 13,120 job titles is an alias of its occupation, and so is each of its forms.
    assert counts["title"] >= 13120
    present = set(
        Alias.objects.filter(source="rome").values_list("node__code", "folded").iterator()
    )
    missing = {
        (row["code_rome"], fold(row["libelle_appellation_long"]))
        for row in titles
        if (row["code_rome"], fold(row["libelle_appellation_long"])) not in present
    }
    assert missing == set()
    assert {
        ("F1402", "abatteur / abatteuse de carriere"),
        ("F1402", "abatteur de carriere"),
        ("F1402", "abatteuse de carriere"),
    } <= present
    assert set(LINKS.objects.values_list("from_node__code", "to_node__code").iterator()) == links
    hair = selectors.node_by_code("D1202")
    assert selectors.node_by_code("d1202") == hair
    assert (hair.kind, hair.label, hair.parent.code, hair.parent.parent.code) == (
        "trade",
        "Coiffeur / Coiffeuse",
        "D12",
        "D",
    )
    assert hair.path == f"/{hair.parent.parent_id}/{hair.parent_id}/{hair.pk}/"
    skill = Node.objects.get(code="OGR100023")
    assert (skill.label, skill.parent.code, skill.parent.parent_id) == (
        "Abattre un arbre",
        "OGR300230",
        None,
    )
    assert (first.nodes.created, first.links_created, first.release.version) == (20025, 54695, "60")

    second = import_rome(rome_dir)

    assert second.as_dict() == {
        "created": 0,
        "updated": 0,
        "obsoleted": 0,
        "aliases_created": 0,
        "aliases_updated": 0,
        "aliases_deleted": 0,
        "created_by_kind": {},
        "links_created": 0,
        "links_deleted": 0,
        "version": "60",
    }
    assert rome_counts() == counts
    assert AuditEntry.objects.filter(action="nomenclature.rome_imported").count() == 2


# ---------------------------------------------------------------- a small release of our own

HEADERS = {
    "unix_grand_domaine_v460_utf8.csv": ["code_grand_domaine", "libelle_grand_domaine"],
    "unix_domaine_professionnel_v460_utf8.csv": [
        "code_domaine_professionnel",
        "libelle_domaine_professionnel",
    ],
    "unix_referentiel_code_rome_v460_utf8.csv": [
        "code_rome",
        "code_fiche_metier",
        "code_ogr",
        "libelle_rome",
        "transition_eco",
        "transition_num",
        "transition_demo",
        "emploi_reglemente",
        "emploi_cadre",
        "code_rome_parent",
    ],
    "unix_referentiel_appellation_v460_utf8.csv": [
        "code_ogr",
        "libelle_appellation_long",
        "libelle_appellation_court",
        "code_rome",
        "transition_eco",
        "transition_num",
        "transition_demo",
        "emploi_reglemente",
        "emploi_cadre",
        "classification",
        "origine",
        "code_rome_parent",
        "peu_usite",
    ],
    "unix_referentiel_competence_v460_utf8.csv": [
        "code_ogr",
        "nature",
        "libelle_competence",
        "definition",
        "code_ogr_macro_comp",
        "code_macro_comp",
        "cat_comp",
        "sous_cat_comp",
        "transition_eco",
        "transition_num",
        "libelle_heterogeneite",
        "libelle_origine",
    ],
    "unix_liens_rome_referentiels_v460_utf8.csv": [
        "code_rome",
        "code_compo_bloc",
        "code_rubrique",
        "code_ogr",
    ],
}
DOMAINS = [["D", "Commerce, Vente et Grande distribution"], ["M", "Support à l'entreprise"]]
SUBDOMAINS = [["D12", "Commerce non alimentaire"], ["M12", "Comptabilité et gestion"]]
OCCUPATIONS = {"D1202": "Coiffeur / Coiffeuse", "D1208": "Esthéticien / Esthéticienne"} | {
    "M1203": "Comptable"
}
TITLES = [
    ("11111", "Coiffeur / Coiffeuse", "D1202"),
    ("11112", "Coiffeur / Coiffeuse à domicile", "D1202"),
    ("11113", "Barbier", "D1202"),
    ("11114", "Esthéticien / Esthéticienne", "D1208"),
    ("11115", "Comptable", "M1203"),
    ("11116", "Aide-comptable", "M1203"),
]
SKILLS = [
    ("300001", "Macro-compétence", "Réaliser une coupe", "", "Savoir-faire"),
    ("100001", "Compétence", "Couper les cheveux", "300001", "Savoir-faire"),
    ("100002", "Compétence", "Réaliser une coloration", "300001", "Savoir-faire"),
    ("300002", "Macro-compétence", "Faire preuve d'écoute", "", "Savoir-être professionnel"),
    ("100003", "Compétence", "Tenir la comptabilité", "", "Savoir-faire"),
]
LINK_ROWS = [
    ("D1202", "100001"),
    ("D1202", "100002"),
    ("D1202", "300002"),
    ("D1202", "11111"),  # a job title: not a skill link
    ("D1202", "999999"),  # a piece of knowledge: not in the skills file
    ("D1208", "300002"),
    ("M1203", "100003"),
    ("M1203", "300002"),
]


def write_release(
    directory: Path,
    *,
    occupations: dict[str, str] = OCCUPATIONS,
    titles: list[tuple[str, str, str]] = TITLES,
    skills: list[tuple[str, str, str, str, str]] = SKILLS,
    links: list[tuple[str, str]] = LINK_ROWS,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    rows = {
        "unix_grand_domaine_v460_utf8.csv": DOMAINS,
        "unix_domaine_professionnel_v460_utf8.csv": SUBDOMAINS,
        "unix_referentiel_code_rome_v460_utf8.csv": [
            [code, "1", "1", label, "", "", "", "", "", code] for code, label in occupations.items()
        ],
        "unix_referentiel_appellation_v460_utf8.csv": [
            [ogr, label, label, code, "", "", "", "", "", "SYNONYME", "", code, "N"]
            for ogr, label, code in titles
        ],
        "unix_referentiel_competence_v460_utf8.csv": [
            [ogr, nature, label, "", macro, "", category, "Technique", "", "N", "", ""]
            for ogr, nature, label, macro, category in skills
        ],
        "unix_liens_rome_referentiels_v460_utf8.csv": [[code, "1", "", ogr] for code, ogr in links],
    }
    for name, header in HEADERS.items():
        with (directory / name).open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows[name])
    return directory


def aliases_of(code: str) -> list[tuple[str, str]]:
    return sorted(Node.objects.get(code=code).aliases.values_list("label", "source"))


def links_of(code: str) -> list[str]:
    return sorted(Node.objects.get(code=code).related_skills.values_list("code", flat=True))


def test_a_small_release_gives_its_tree_titles_skills_and_links(db, tmp_path):
    report = import_rome(write_release(tmp_path / "v1"))

    assert (report.nodes.created, dict(report.nodes.created_by_kind)) == (
        12,
        {"domain": 2, "subdomain": 2, "trade": 3, "skill": 5},
    )
    assert (report.nodes.aliases_created, report.links_created) == (12, 6)
    assert aliases_of("D1202") == [
        ("Barbier", "rome"),
        ("Coiffeur", "rome"),
        ("Coiffeur / Coiffeuse", "rome"),
        ("Coiffeur / Coiffeuse à domicile", "rome"),
        ("Coiffeur à domicile", "rome"),
        ("Coiffeuse", "rome"),
        ("Coiffeuse à domicile", "rome"),
    ]
    assert links_of("D1202") == ["OGR100001", "OGR100002", "OGR300002"]
    listening = Node.objects.get(code="OGR300002")
    assert (listening.kind, listening.is_social, listening.parent) == ("skill", True, None)
    cut = Node.objects.get(code="OGR100001")
    assert (cut.parent.code, cut.is_social, cut.path) == (
        "OGR300001",
        False,
        f"/{cut.parent_id}/{cut.pk}/",
    )
    assert sorted(listening.occupations.values_list("code", flat=True)) == [
        "D1202",
        "D1208",
        "M1203",
    ]
    entry = AuditEntry.objects.get(action="nomenclature.rome_imported")
    assert (entry.target_repr, entry.data["created"], entry.data["directory"]) == (
        "ROME 4.0 version ?",
        12,
        "v1",
    )
    assert import_rome(tmp_path / "v1").as_dict() == {
        "created": 0,
        "updated": 0,
        "obsoleted": 0,
        "aliases_created": 0,
        "aliases_updated": 0,
        "aliases_deleted": 0,
        "created_by_kind": {},
        "links_created": 0,
        "links_deleted": 0,
        "version": "",
    }


def test_a_later_release_updates_labels_and_keeps_what_members_use(db, tmp_path):
    import_rome(write_release(tmp_path / "v1"))
    beauty = Node.objects.get(code="D1208")
    member = MemberFactory()
    MemberSkill.objects.create(member=member, node=beauty, level=3)
    services.alias_add(actor=None, node=Node.objects.get(code="D1202"), label="coiffeur du coin")
    later = write_release(
        tmp_path / "v2",
        occupations={"D1202": OCCUPATIONS["D1202"], "M1203": "Comptable généraliste"},
        titles=[title for title in TITLES if title[2] != "D1208" and title[1] != "Barbier"],
        skills=[
            (ogr, nature, "Réaliser une coloration ou un balayage" if ogr == "100002" else label)
            + (macro, category)
            for ogr, nature, label, macro, category in SKILLS
        ],
        links=[link for link in LINK_ROWS if link[0] != "D1208" and link[1] != "100002"],
    )

    report = import_rome(later)

    assert report.as_dict() | {"created_by_kind": None} == {
        "created": 0,
        "updated": 3,  # M1203 and OGR100002 relabelled; D1202 lost its title "Barbier"
        "obsoleted": 1,
        "aliases_created": 0,
        "aliases_updated": 0,
        "aliases_deleted": 1,
        "created_by_kind": None,
        "links_created": 0,
        "links_deleted": 1,
        "version": "",
    }
    beauty.refresh_from_db()
    assert (beauty.obsolete, beauty.label, beauty.member_skills.get().member) == (
        True,
        "Esthéticien / Esthéticienne",
        member,
    )
    assert selectors.node_by_code("D1208") == beauty
    assert links_of("D1208") == ["OGR300002"]  # an obsolete occupation keeps its links
    assert (Node.objects.get(code="M1203").label, Node.objects.get(code="M1203").search_label) == (
        "Comptable généraliste",
        "comptable generaliste",
    )
    assert Node.objects.get(code="OGR100002").label == "Réaliser une coloration ou un balayage"
    assert ("coiffeur du coin", "coop") in aliases_of("D1202")
    assert ("Barbier", "rome") not in aliases_of("D1202")
    assert links_of("D1202") == ["OGR100001", "OGR300002"]

    back = import_rome(tmp_path / "v1")

    beauty.refresh_from_db()
    assert (back.nodes.updated, back.nodes.aliases_created, back.links_created) == (4, 1, 1)
    assert beauty.obsolete is False


def test_the_builtin_nomenclature_is_left_alone(builtin_nomenclature, tmp_path):
    builtin = list(Node.objects.filter(source="builtin").values_list("code", "obsolete", "path"))

    import_rome(write_release(tmp_path / "v1"))

    after = list(Node.objects.filter(source="builtin").values_list("code", "obsolete", "path"))
    assert after == builtin


def spoil_missing_file(directory: Path) -> str:
    (directory / "unix_liens_rome_referentiels_v460_utf8.csv").unlink()
    return "fichier manquant dans « "


def spoil_missing_column(directory: Path) -> str:
    path = directory / "unix_referentiel_code_rome_v460_utf8.csv"
    path.write_text(path.read_text("utf-8").replace('"libelle_rome"', '"libelle"'), "utf-8")
    return (
        "unix_referentiel_code_rome_v460_utf8.csv : colonne « libelle_rome » absente de l'en-tête"
    )


def spoil_unknown_occupation(directory: Path) -> str:
    path = directory / "unix_referentiel_appellation_v460_utf8.csv"
    path.write_text(path.read_text("utf-8").replace('"D1208"', '"Z9999"', 1), "utf-8")
    return "unix_referentiel_appellation_v460_utf8.csv, ligne 5 : code ROME « Z9999 » inconnu"


def spoil_orphan_occupation(directory: Path) -> str:
    path = directory / "unix_referentiel_code_rome_v460_utf8.csv"
    path.write_text(path.read_text("utf-8").replace('"M1203"', '"M1303"', 1), "utf-8")
    return "M1303 n'a pas de domaine « M13 » dans unix_domaine_professionnel_v460_utf8.csv"


def spoil_encoding(directory: Path) -> str:
    path = directory / "unix_grand_domaine_v460_utf8.csv"
    path.write_bytes(path.read_text("utf-8").encode("latin-1"))
    return "unix_grand_domaine_v460_utf8.csv : le fichier n'est pas en UTF-8"


def spoil_two_releases(directory: Path) -> str:
    (directory / "unix_grand_domaine_v461_utf8.csv").write_text("", "utf-8")
    return "plusieurs fichiers pour unix_grand_domaine_v*_utf8.csv"


def spoil_empty_label(directory: Path) -> str:
    path = directory / "unix_referentiel_competence_v460_utf8.csv"
    path.write_text(path.read_text("utf-8").replace('"Couper les cheveux"', '""'), "utf-8")
    return "unix_referentiel_competence_v460_utf8.csv, ligne 3 : libellé vide pour 100001"


@pytest.mark.parametrize(
    "spoil",
    [
        spoil_missing_file,
        spoil_missing_column,
        spoil_unknown_occupation,
        spoil_orphan_occupation,
        spoil_encoding,
        spoil_two_releases,
        spoil_empty_label,
    ],
)
def test_bad_input_is_named_in_french_and_nothing_is_written(db, tmp_path, spoil):
    directory = write_release(tmp_path / "v1")
    expected = spoil(directory)
    before = (Node.objects.count(), Alias.objects.count(), AuditEntry.objects.count())

    with pytest.raises(RomeImportError) as error:
        import_rome(directory)

    assert expected in str(error.value)
    assert (Node.objects.count(), Alias.objects.count(), AuditEntry.objects.count()) == before


def test_a_missing_directory_is_named(db, tmp_path):
    with pytest.raises(RomeImportError) as error:
        import_rome(tmp_path / "absent")

    assert str(error.value) == f"le dossier « {tmp_path / 'absent'} » n'existe pas"


def test_the_command_prints_counts_and_a_progress_bar(db, tmp_path):
    directory = write_release(tmp_path / "v1")
    out, err = StringIO(), StringIO()

    call_command("nomenclature", "import-rome", str(directory), stdout=out, stderr=err)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Import ROME 4.0 (version inconnue) terminé en ")
    assert lines[1:] == [
        "Fichiers : 2 grands domaines, 2 domaines professionnels, 3 métiers, 6 appellations, "
        "5 compétences, 6 liens",
        "Nœuds : 12 créés (2 grands domaines, 2 domaines professionnels, 3 métiers, "
        "5 compétences), 0 mis à jour, 0 marqués obsolètes",
        "Intitulés : 12 créés, 0 modifiés, 0 supprimés",
        "Liens métier → compétence : 6 créés, 0 supprimés",
    ]
    assert "Import ROME: 100%" in err.getvalue()

    again = StringIO()
    call_command("nomenclature", "import-rome", str(directory), "--no-progress", stdout=again)

    assert again.getvalue().splitlines()[2] == (
        "Nœuds : 0 créés (0 grands domaines, 0 domaines professionnels, 0 métiers, "
        "0 compétences), 0 mis à jour, 0 marqués obsolètes"
    )


def test_the_command_refuses_bad_input_in_french(db, tmp_path):
    directory = write_release(tmp_path / "v1")
    spoil_missing_column(directory)

    with pytest.raises(CommandError) as error:
        call_command("nomenclature", "import-rome", str(directory), "--no-progress")

    assert str(error.value) == (
        "rien n'a été importé :\nunix_referentiel_code_rome_v460_utf8.csv : colonne "
        "« libelle_rome » absente de l'en-tête"
    )


def test_the_command_loads_the_builtin_nomenclature_and_counts(builtin_nomenclature, tmp_path):
    import_rome(write_release(tmp_path / "v1"))
    out = StringIO()

    call_command("nomenclature", "load-builtin", stdout=out)
    call_command("nomenclature", "stats", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Nomenclature Essaim : 0 nœuds créés, 0 mis à jour, 0 marqués obsolètes ; synonymes : "
        "0 créés, 0 modifiés, 0 supprimés"
    )
    assert "rome     trade            3 nœuds (0 obsolètes)" in lines
    assert "liens métier → compétence : 6" in lines


def test_describe_says_what_changed(db, tmp_path):
    report = import_rome(write_release(tmp_path / "v1"))

    assert describe(report)[4] == "Liens métier → compétence : 6 créés, 0 supprimés"


def test_the_command_credits_the_given_account_or_refuses_an_unknown_one(
    builtin_nomenclature, claire
):
    call_command(
        "nomenclature", "load-builtin", "--actor", "CLAIRE@coop.example", stdout=StringIO()
    )

    assert AuditEntry.objects.filter(action="nomenclature.loaded").latest("id").actor == claire
    with pytest.raises(CommandError) as error:
        call_command("nomenclature", "load-builtin", "--actor", "personne@coop.example")
    assert str(error.value) == "aucun compte n'a l'adresse « personne@coop.example » (--actor)"


def test_a_skill_moved_to_another_macro_skill_takes_the_cooperative_s_nodes_along(db, tmp_path):
    import_rome(write_release(tmp_path / "v1"))
    colour = Node.objects.get(code="OGR100002")
    own = services.node_create(
        actor=None, code="coop-balayage", label="Balayage", kind="skill", parent=colour
    )
    moved = [
        (ogr, nature, label, "300002" if ogr == "100002" else macro, category)
        for ogr, nature, label, macro, category in SKILLS
    ]

    report = import_rome(write_release(tmp_path / "v2", skills=moved))

    listening = Node.objects.get(code="OGR300002")
    colour.refresh_from_db()
    own.refresh_from_db()
    assert (report.nodes.updated, colour.parent, colour.path, own.path) == (
        1,
        listening,
        f"/{listening.pk}/{colour.pk}/",
        f"/{listening.pk}/{colour.pk}/{own.pk}/",
    )
    assert set(selectors.subtree(listening).values_list("code", flat=True)) == {
        "OGR300002",
        "OGR100002",
        "coop-balayage",
    }
