"""Importing opportunities from CSV: the documented format, every kind of error with its line
and column, all or nothing, re-imports that update, notifications for new ones only, and the
`essaim import-opportunities` command."""

# The fixtures imported from offers_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.core.models import AuditEntry, Notification
from essaim.marketplace.models import Opportunity
from essaim.marketplace.services.watch import opportunities_import, subscription_set
from essaim.skills.nomenclature import load_builtin
from tests.marketplace.offers_fixtures import entrepreneur, tree  # noqa: F401
from tests.skills.directory_data import node

TODAY = dt.date(2027, 1, 4)
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "opportunites.csv"
HEADER = "reference;type;titre;description;client;competences;date_limite;lien;departement;budget"
GOOD = "R1;appel d'offres;Site de la médiathèque;Refonte;Ville;t-num.web;15/03/2027;https://x.fr/1;93;45000"


def run(text: str | bytes, actor=None):
    return opportunities_import(actor=actor, file=text, today=TODAY)


def problems(report) -> list[str]:
    return [str(p) for p in report.problems]


def csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


# --- the format ---------------------------------------------------------------------------------


def test_the_documented_example_imports(db):
    load_builtin()

    report = opportunities_import(actor=None, file=EXAMPLE.read_bytes(), today=TODAY)

    assert problems(report) == []
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    site = Opportunity.objects.get(external_ref="BOAMP-27-104512")
    assert (site.kind, site.deadline, site.zone, site.budget, site.client) == (
        "tender",
        dt.date(2027, 3, 15),
        "93",
        Decimal("45000.00"),
        "Ville de Montreuil",
    )
    assert sorted(site.nodes.values_list("code", flat=True)) == [
        "formation.formateur-numerique",
        "graphisme.graphiste",
        "numerique.developpeur-web",
    ]
    wedding = Opportunity.objects.get(external_ref="PISTE-2027-007")
    assert (wedding.kind, wedding.source_url, wedding.budget) == ("lead", "", None)
    assert list(wedding.nodes.values_list("code", flat=True)) == [
        "coiffure.coiffeur-domicile.coiffure-mariee"
    ]
    garden = Opportunity.objects.get(external_ref="PISTE-2027-011")
    assert garden.deadline is None


def test_commas_a_bom_crlf_quoted_lines_and_both_date_forms(tree):
    text = (
        "\ufeffReference,Type,Titre,Description,Client,Compétences,Date limite,Lien,"
        "Département,Budget\r\n"
        'R1,piste client,"Coupe, couleur","Sur deux\r\nlignes",,'
        't-coif.coupe|Coloration végétale,2027-02-01,,2a,"1 200,50"\r\n'
    )

    report = run(text.encode("utf-8"))

    assert problems(report) == []
    opp = Opportunity.objects.get()
    assert (opp.title, opp.description, opp.deadline, opp.zone, opp.budget) == (
        "Coupe, couleur",
        "Sur deux\r\nlignes",
        dt.date(2027, 2, 1),
        "2A",
        Decimal("1200.50"),
    )
    assert set(opp.nodes.all()) == {tree.cut, tree.vegetal}


def test_columns_in_another_order_and_optional_ones_left_out(tree):
    report = run(csv("Coupe;R9;t-coif.coupe;ao", header="titre;reference;competences;type"))

    assert problems(report) == []
    assert Opportunity.objects.get().kind == "tender"


# --- errors: each kind, with its line and column, and nothing written --------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [GOOD.replace("R1;appel d'offres", "R1;job")],
            "ligne 3, colonne « type » : type inconnu « job » : écrivez « appel d'offres » ou "
            "« piste client ».",
        ),
        (
            [GOOD.replace("15/03/2027", "31/02/2027")],
            "ligne 3, colonne « date_limite » : « 31/02/2027 » n'est pas une date : écrivez "
            "JJ/MM/AAAA ou AAAA-MM-JJ.",
        ),
        (
            [GOOD.replace("15/03/2027", "03/01/2027")],
            "ligne 3, colonne « date_limite » : la date limite (03/01/2027) est déjà passée.",
        ),
        (
            [GOOD.replace("t-num.web", "t-num.web|zorglub")],
            "ligne 3, colonne « competences » : « zorglub » n'est ni un code ni un libellé de la "
            "nomenclature : vérifiez l'orthographe, ou donnez le code (page Nomenclature).",
        ),
        (
            [GOOD.replace("t-num.web", "")],
            "ligne 3, colonne « competences » : valeur obligatoire manquante.",
        ),
        (
            [GOOD.replace("Site de la médiathèque", "")],
            "ligne 3, colonne « titre » : valeur obligatoire manquante.",
        ),
        (
            [GOOD.replace("https://x.fr/1", "www.x.fr")],
            "ligne 3, colonne « lien » : « www.x.fr » n'est pas une adresse web : elle commence "
            "par https:// ou http://.",
        ),
        (
            [GOOD.replace(";93;", ";100;")],
            "ligne 3, colonne « departement » : « 100 » n'est pas un département français "
            "(ex. 75, 93, 2A).",
        ),
        (
            [GOOD.replace("45000", "-45000")],
            "ligne 3, colonne « budget » : le budget « -45000 » n'est pas valable : un montant "
            "positif avec au plus deux décimales (ex. 15000 ou 15000,50).",
        ),
        (
            [GOOD, "", GOOD],
            "ligne 5, colonne « reference » : la référence « R1 » figure déjà ligne 3.",
        ),
        (
            [GOOD + ";en trop"],
            "ligne 3 : 11 valeurs pour 10 colonnes : un séparateur en trop, ou un guillemet non "
            "refermé ?",
        ),
    ],
)
def test_each_error_is_named_with_its_line_and_column(tree, rows, expected):
    subscription_set(actor=None, member=entrepreneur("Ana"), nodes=[tree.digital])
    fine = GOOD.replace("R1;", "R0;")  # line 2: a good line, not written either

    report = run(csv(fine, *rows))

    assert problems(report) == [expected]
    assert not Opportunity.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="opportunity.").exists()


def test_an_ambiguous_label_asks_for_the_code(tree):
    node("t-autre.coupe", "Coupe à domicile", "skill")

    report = run(csv(GOOD.replace("t-num.web", "Coupe à domicile")))

    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.line, problem.column) == (2, "competences")
    assert "« Coupe à domicile » est ambigu : précisez le code parmi" in problem.message


def test_every_error_of_the_file_is_listed(tree):
    text = csv(
        GOOD,
        "R2;piste;;;;zorglub;hier;;;",
        GOOD.replace("R1", "R3").replace("45000", "1,234"),
    )

    report = run(text)

    assert [(p.line, p.column) for p in report.problems] == [
        (3, "titre"),  # a line's problems come in the order of the columns
        (3, "competences"),
        (3, "date_limite"),
        (4, "budget"),
    ]
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "reference;type;titre",
            ["ligne 1, colonne « competences » : colonne obligatoire absente de l'en-tête."],
        ),
        (
            HEADER + ";prix",
            [
                "ligne 1, colonne « prix » : colonne inconnue ; les colonnes sont : reference, "
                "type, titre, description, client, competences, date_limite, lien, departement, "
                "budget."
            ],
        ),
        (
            HEADER + ";titre",
            ["ligne 1, colonne « titre » : colonne présente deux fois."],
        ),
    ],
)
def test_header_errors(tree, header, expected):
    report = run(csv(GOOD, header=header))

    assert problems(report) == expected
    assert not Opportunity.objects.exists()


def test_a_line_that_is_not_utf8_is_named(tree):
    data = csv(GOOD, GOOD.replace("R1", "R2").replace("Ville", "Ville de Sète")).encode("utf-8")
    data = data.replace("Sète".encode(), "Sète".encode("latin-1"))

    report = run(data)

    assert [(p.line, p.column) for p in report.problems] == [(3, "")]
    assert "le fichier n'est pas en UTF-8" in report.problems[0].message
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["ligne 1 : le fichier est vide : la première ligne nomme les colonnes."]),
        (HEADER + "\n", ["ligne 1 : aucune opportunité sous l'en-tête."]),
    ],
)
def test_an_empty_file_is_refused(db, text, expected):
    assert problems(run(text)) == expected


# --- re-imports and notifications --------------------------------------------------------------


def test_a_reimport_updates_by_reference_and_tells_only_about_new_ones(tree):
    alice, bob = entrepreneur("Alice"), entrepreneur("Bob")
    subscription_set(actor=None, member=alice, nodes=[tree.digital])
    subscription_set(actor=None, member=bob, nodes=[tree.hair])
    first = run(csv(GOOD, "R2;piste;Coupe;;;t-coif.coupe;;;;"))
    assert (first.created, first.updated, first.notified) == (2, 0, 2)
    before = Notification.objects.count()

    again = run(
        csv(
            GOOD.replace("Site de la médiathèque", "Site de la médiathèque (lot 2)"),
            "R2;piste;Coupe;;;t-coif.coupe;;;;",
            "R3;piste;Coloration;;;t-coif.vegetal;;;;",
        )
    )

    assert (again.created, again.updated, again.unchanged, again.notified) == (1, 1, 1, 1)
    assert Opportunity.objects.count() == 3
    assert Opportunity.objects.get(external_ref="R1").title == "Site de la médiathèque (lot 2)"
    new_notes = Notification.objects.order_by("pk")[before:]
    assert [(n.user.email, n.title) for n in new_notes] == [
        (bob.user.email, "Nouvelle opportunité : Coloration")
    ]
    updated = AuditEntry.objects.get(action="opportunity.updated")
    assert updated.changes == {
        "title": ["Site de la médiathèque", "Site de la médiathèque (lot 2)"]
    }


def test_changed_skills_are_updated(tree):
    run(csv(GOOD))

    report = run(csv(GOOD.replace("t-num.web", "t-num.web|t-coif.coupe")))

    assert report.updated == 1
    assert set(Opportunity.objects.get().nodes.all()) == {tree.web, tree.cut}


def test_a_member_matched_by_several_new_ones_gets_one_notification(tree):
    alice = entrepreneur("Alice")
    subscription_set(actor=None, member=alice, nodes=[tree.hair])

    run(csv("R1;piste;Coupe;;;t-coif.coupe;;;;", "R2;piste;Coloration;;;t-coif.vegetal;;;;"))

    note = Notification.objects.get()
    assert (note.user, note.title, note.body, note.url) == (
        alice.user,
        "2 nouvelles opportunités correspondent à vos abonnements",
        "• Coupe\n• Coloration",
        "/marche/veille/?abonnements=1",
    )


def test_the_import_is_journaled_with_its_actor(claire, tree):
    run(csv(GOOD), actor=claire)

    entry = AuditEntry.objects.get(action="opportunity.imported")
    assert (entry.actor, entry.data["external_ref"], entry.data["nodes"]) == (
        claire,
        "R1",
        ["t-num.web"],
    )
    assert Opportunity.objects.get().posted_by == claire


# --- the command --------------------------------------------------------------------------------


def test_the_command_imports_a_file(tree, tmp_path, claire, monkeypatch):
    path = tmp_path / "opportunites.csv"
    path.write_text(csv(GOOD.replace("15/03/2027", "15/03/2099")), encoding="utf-8")
    out = StringIO()

    call_command("import-opportunities", str(path), "--actor", claire.email, stdout=out)

    assert out.getvalue() == (
        "Import terminé : 1 créée(s), 0 mise(s) à jour, 0 inchangée(s) ; "
        "0 personne(s) prévenue(s).\n"
    )
    assert Opportunity.objects.get().posted_by == claire


def test_the_command_lists_errors_and_writes_nothing(tree, tmp_path):
    path = tmp_path / "opportunites.csv"
    path.write_text(csv(GOOD.replace("15/03/2027", "01/01/2001")), encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("import-opportunities", str(path), stderr=err)

    assert str(exc.value) == "1 erreur(s) dans « opportunites.csv » : rien n'a été importé"
    assert err.getvalue() == (
        "ligne 2, colonne « date_limite » : la date limite (01/01/2001) est déjà passée.\n"
    )
    assert not Opportunity.objects.exists()


def test_the_command_says_when_the_file_is_missing(db, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("import-opportunities", str(tmp_path / "absent.csv"))

    assert "lecture impossible" in str(exc.value)
