"""The member file's skills, profile and prices (essaim.skills.import_keys): read, checked in
bulk, written all or nothing, replaced on re-import, audited, exported back, prices kept from
whoever may not see them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from essaim.core.models import AuditEntry, Role, User
from essaim.members import import_extensions
from essaim.members.exporting import members_export, members_export_csv
from essaim.members.importing import members_import_check
from essaim.members.models import Member
from essaim.skills import services
from essaim.skills.import_keys import EXTENSION
from essaim.skills.models import MemberSkill, Node, Price, Profile
from essaim.skills.signals import profile_changed
from tests.members.helpers_import import ADVISOR, counts, jsonl, member, parsed_lines, run

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


# Builtin nodes (a migration loads the builtin nomenclature into every database).
PLANT = "coiffure.coloriste-vegetal.coloration-vegetale"  # "Coloration végétale"
COLOUR = "coiffure.coiffeur.coloration"  # "Coloration et mèches"
WORKSHOP = "transversal.animer-atelier"  # a social skill


@pytest.fixture
def nomenclature(db) -> dict[str, Node]:
    """Beside the builtin nomenclature: a ROME occupation, an obsolete one, and two of the
    cooperative's own nodes sharing a synonym."""
    create = services.node_create
    rome = create(actor=None, code="D1202", label="Coiffure", kind="trade", source="rome")
    old = create(actor=None, code="D1203", label="Coiffure de spectacle", kind="trade")
    Node.objects.filter(pk=old.pk).update(obsolete=True)
    for code, label in (
        ("coop-teinture-henne", "Teinture au henné"),
        ("coop-teinture-chimique", "Teinture chimique"),
    ):
        node = create(actor=None, code=code, label=label, kind="skill")
        services.alias_add(actor=None, node=node, label="teinture maison")
    return {"rome": rome, "old": Node.objects.get(pk=old.pk)}


# fmt: off
PROFILE_KEYS: dict[str, Any] = {
    "skills": [
        {"code": "D1202", "level": 3, "years": 12},
        {"label": "coloration VEGETALE", "level": 2},
        {"code": WORKSHOP, "level": 1},
    ],
    "presentation": "Coiffeuse à domicile depuis douze ans, colorations végétales.",
    "zones": ["93", "75", 94],
    "remote": False,
    "languages": ["fr", "EN"],
    "availability": {"days_per_week": 2.5, "from": "2026-01-05", "until": None},
    "prices": [
        {"label": "Coupe à domicile", "amount": "35.00", "unit": "prestation",
         "visibility": "members"},
        {"label": "Coloration végétale", "amount": 60, "unit": "prestation",
         "visibility": "advisor"},
        {"label": "Forfait mariée", "amount": "180,5", "unit": "forfait"},
    ],
}
# fmt: on


def full(**changes: Any) -> dict[str, Any]:
    """The documented member with every key of the skills app."""
    return member(**(PROFILE_KEYS | changes))


def skills_of(m: Member) -> list[tuple[str, int, int | None]]:
    return sorted(m.skills.values_list("node__code", "level", "years"))


def prices_of(m: Member) -> list[tuple[str, Decimal, str, str]]:
    return list(m.prices.order_by("id").values_list("label", "amount", "unit", "visibility"))


def profile_of(m: Member) -> tuple[Any, ...]:
    p = Profile.objects.get(member=m)
    return (
        p.presentation,
        p.zones,
        p.remote,
        p.languages,
        p.days_per_week,
        p.available_from,
        p.available_until,
    )


def all_counts() -> dict[str, int]:
    return counts() | {
        model.__name__: model.objects.count() for model in (MemberSkill, Profile, Price)
    }


def refused(text: str) -> list[str]:
    """The errors of a file that must be refused, after checking that nothing was written."""
    before = all_counts()
    report = run(text)
    assert not report.ok
    assert all_counts() == before
    return [str(e) for e in report.errors]


def exported() -> str:
    out = io.StringIO()
    members_export(stream=out)
    return out.getvalue()


# -- a file that imports ------------------------------------------------------------------------


def test_the_skills_app_registers_its_keys():
    assert [e.name for e in import_extensions.extensions()] == ["skills"]
    assert list(import_extensions.extension_keys()) == [
        "skills",
        "presentation",
        "zones",
        "remote",
        "languages",
        "availability",
        "prices",
    ]


def test_imports_skills_profile_and_prices(nomenclature, claire):
    report = run(jsonl(ADVISOR, full()), actor=claire)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    m = Member.objects.get()
    assert skills_of(m) == [("D1202", 3, 12), (PLANT, 2, None), (WORKSHOP, 1, None)]
    assert profile_of(m) == (
        "Coiffeuse à domicile depuis douze ans, colorations végétales.",
        ["75", "93", "94"],
        False,
        ["fr", "en"],
        Decimal("2.5"),
        D("2026-01-05"),
        None,
    )
    assert prices_of(m) == [
        ("Coupe à domicile", Decimal("35.00"), "prestation", "members"),
        ("Coloration végétale", Decimal("60.00"), "prestation", "advisor"),
        # Visibility not said: only the member sees it.
        ("Forfait mariée", Decimal("180.50"), "forfait", "me"),
    ]


def test_labels_resolve_through_aliases_and_codes_in_any_case(nomenclature):
    # A job title of the builtin nomenclature, case and accents aside.
    record = member(skills=[{"label": "  COIFFEUSE itinerante ", "level": 2}])
    assert run(jsonl(ADVISOR, record)).ok
    assert skills_of(Member.objects.get()) == [("coiffure.coiffeur-domicile", 2, None)]

    assert run(jsonl(ADVISOR, member(skills=[{"code": "d1202", "level": 3}]))).ok
    assert skills_of(Member.objects.get()) == [("D1202", 3, None)]


def test_a_member_without_these_keys_gets_no_profile(nomenclature):
    assert run(jsonl(ADVISOR, member())).ok
    assert all_counts()["Profile"] == 0 and all_counts()["MemberSkill"] == 0


# -- bad input: a clear message, nothing written -------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"skills": [{"code": "Z9999", "level": 2}]},
            ["skills[0].code: code de compétence inconnu « Z9999 » dans la nomenclature"],
        ),
        (
            {"skills": [{"code": "D1202", "level": 4}]},
            ["skills[0].level: niveau 4 inconnu : 1 (débutant), 2 (confirmé) ou 3 (expert)"],
        ),
        (
            {"prices": [{"label": "Coupe", "amount": "trente", "unit": "prestation"}]},
            ["prices[0].amount: « trente » n'est pas un montant : écrivez par exemple 35.00"],
        ),
        (
            {"zones": ["75", "100"]},
            ["zones[1]: « 100 » n'est pas un département français (ex. 75, 93, 2A, 974)"],
        ),
    ],
    ids=["unknown-code", "level-4", "price-with-letters", "zone-no-departement"],
)
def test_the_issue_s_bad_input_is_refused_with_a_clear_message(nomenclature, changes, errors):
    good = member(external_id="M-0002", email="m2@example.org", **PROFILE_KEYS)
    assert refused(jsonl(ADVISOR, good, full(**changes))) == [f"line 3: {e}" for e in errors]


def test_every_problem_of_the_keys_is_reported_at_once(nomenclature):
    record = full(
        skills=[
            {"code": "D1202", "level": 3},
            {"code": "Z9999", "level": 0},
            {"label": "Teinture maison", "level": 2},
            {"label": "Shampouineuse", "level": 1},
            {"code": "d1202", "level": 2},
            {"code": "D1203", "level": 1},
            {"level": 2},
            {"code": "D1202", "label": "Coiffure", "level": 2},
            {"code": WORKSHOP, "level": "3", "years": 80, "note": "?"},
        ],
        presentation=42,
        zones="75",
        remote="oui",
        languages=["fr", "klingon", 3],
        availability={"days_per_week": 8, "from": "2026-02-30", "until": "2026-01-01"},
        prices=[
            {"label": "", "amount": "-3", "unit": "heure"},
            {"label": "Coupe", "amount": "35.001", "unit": "la coupe", "visibility": "public"},
            {"label": "Brushing", "amount": True},
            "gratuit",
        ],
    )
    assert refused(jsonl(ADVISOR, record)) == [
        "line 2: skills[1].level: niveau 0 inconnu : 1 (débutant), 2 (confirmé) ou 3 (expert)",
        "line 2: skills[6]: donnez le code (« code ») ou le libellé (« label ») de la compétence",
        "line 2: skills[7]: donnez le code ou le libellé de la compétence, pas les deux",
        "line 2: skills[8].note: clé inconnue « note » "
        "(clés possibles : code, label, level, years)",
        "line 2: skills[8].level: niveau '3' inconnu : 1 (débutant), 2 (confirmé) ou 3 (expert)",
        "line 2: skills[8].years: 80 années de pratique : entre 0 et 70",
        "line 2: presentation: une chaîne de caractères est attendue, pas un nombre (42)",
        "line 2: zones: une liste est attendue, pas une chaîne de caractères (« 75 »)",
        "line 2: remote: true ou false est attendu, pas une chaîne de caractères (« oui »)",
        "line 2: languages[1]: « klingon » n'est pas un code de langue connu "
        "(ex. fr, en, es, ar, wo)",
        "line 2: languages[2]: un code de langue est attendu (ex. « fr »), pas un nombre (3)",
        "line 2: availability.days_per_week: 8 jours par semaine : entre 0 et 7",
        "line 2: availability.from: date impossible « 2026-02-30 »",
        "line 2: prices[0].label: ce champ ne peut pas être vide",
        "line 2: prices[0].amount: « -3 » n'est pas un montant positif",
        "line 2: prices[1].amount: « 35.001 » a plus de deux décimales",
        "line 2: prices[1].unit: unité « la coupe » inconnue (attendu : heure, demi-journee, "
        "jour, prestation, forfait, unite, mois, mot, page)",
        "line 2: prices[1].visibility: visibilité « public » inconnue (attendu : me, advisor, "
        "members)",
        "line 2: prices[2].amount: un montant est attendu (ex. « 35.00 »), pas un booléen (true)",
        "line 2: prices[2].unit: champ obligatoire manquant",
        "line 2: prices[3]: un objet JSON est attendu, pas une chaîne de caractères (« gratuit »)",
        # The check: the skills that read well are looked up, in bulk.
        "line 2: skills[2].label: « Teinture maison » est ambigu : donnez plutôt le code, "
        "parmi Teinture chimique (coop-teinture-chimique), Teinture au henné "
        "(coop-teinture-henne)",
        "line 2: skills[3].label: aucune compétence ne s'appelle « Shampouineuse » dans la "
        "nomenclature : donnez son code, ou faites ajouter ce nom comme synonyme",
        "line 2: skills[4].code: Coiffure (D1202) figure déjà en skills[0]",
        "line 2: skills[5].code: Coiffure de spectacle (D1203) est obsolète dans la "
        "nomenclature : choisissez un autre nœud",
    ]


def test_availability_ending_before_it_starts(nomenclature):
    record = full(availability={"from": "2026-03-01", "until": "2026-02-01"})
    assert refused(jsonl(ADVISOR, record)) == [
        "line 2: availability.until: la fin de disponibilité (01/02/2026) précède son début "
        "(01/03/2026)"
    ]


def test_checking_a_file_reports_the_same_problems(nomenclature):
    text = jsonl(ADVISOR, full(skills=[{"code": "Z9999", "level": 2}], zones=["2C"]))
    report = members_import_check(stream=io.StringIO(text), fmt="jsonl")
    assert [str(e) for e in report.errors] == [
        "line 2: zones[0]: « 2C » n'est pas un département français (ex. 75, 93, 2A, 974)",
        "line 2: skills[0].code: code de compétence inconnu « Z9999 » dans la nomenclature",
    ]
    assert all_counts()["Member"] == 0


def test_the_csv_format_keeps_its_columns(nomenclature):
    text = "external_id,first_name,last_name,email,skills\nM-1,Léa,Moreau,lea@example.org,D1202\n"
    report = run(text, "csv")
    assert [str(e) for e in report.errors] == [
        "line 1: skills: colonne inconnue « skills » (colonnes attendues : external_id, "
        "first_name, last_name, email, phone, postal_code, city, activity_name, "
        "activity_description, activity_sector, advisor_email)"
    ]


# -- re-import: the file's lists replace the stored ones ----------------------------------------


def test_reimport_replaces_skills_and_prices_and_updates_the_profile(nomenclature, claire):
    assert run(jsonl(ADVISOR, full()), actor=claire).ok
    m = Member.objects.get()
    kept_skill = m.skills.get(node__code="D1202").pk
    AuditEntry.objects.all().delete()

    record = full(
        skills=[{"code": "D1202", "level": 3, "years": 13}, {"code": COLOUR, "level": 1}],
        presentation="Coiffure à domicile et en EHPAD.",
        availability={"days_per_week": 1},
        prices=[{"label": "Coupe à domicile", "amount": "38", "unit": "prestation"}],
    )
    report = run(jsonl(ADVISOR, record), actor=claire)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert skills_of(m) == [("D1202", 3, 13), (COLOUR, 1, None)]
    assert m.skills.get(node__code="D1202").pk == kept_skill  # updated, not replaced
    assert prices_of(m) == [("Coupe à domicile", Decimal("38.00"), "prestation", "me")]
    assert profile_of(m) == (
        "Coiffure à domicile et en EHPAD.",
        ["75", "93", "94"],
        False,
        ["fr", "en"],
        Decimal("1.0"),
        None,
        None,
    )
    entry = AuditEntry.objects.get(action="member.imported")
    assert (entry.actor, entry.subject_id, entry.data["line"]) == (claire, str(m.pk), 2)
    assert entry.changes == {
        "availability": [{"days_per_week": 2.5, "from": "2026-01-05"}, {"days_per_week": 1}],
        "presentation": [
            "Coiffeuse à domicile depuis douze ans, colorations végétales.",
            "Coiffure à domicile et en EHPAD.",
        ],
        "skills": [
            [
                {"code": "D1202", "level": 3, "years": 12},
                {"code": PLANT, "level": 2},
                {"code": WORKSHOP, "level": 1},
            ],
            [{"code": "D1202", "level": 3, "years": 13}, {"code": COLOUR, "level": 1}],
        ],
        # Amounts are recorded only for prices every member may see: the history is read by
        # management and the member's advisor.
        "prices": [
            [
                {"label": "Coupe à domicile", "amount": "35.00", "unit": "prestation",
                 "visibility": "members"},
                {"label": "Coloration végétale", "amount": "masqué", "unit": "prestation",
                 "visibility": "advisor"},
                {"label": "Forfait mariée", "amount": "masqué", "unit": "forfait",
                 "visibility": "me"},
            ],
            [{"label": "Coupe à domicile", "amount": "masqué", "unit": "prestation",
              "visibility": "me"}],
        ],
    }  # fmt: skip


def test_keys_left_out_leave_the_profile_as_it_is_and_empty_lists_clear(nomenclature):
    assert run(jsonl(ADVISOR, full())).ok
    m = Member.objects.get()
    profile = profile_of(m)

    report = run(jsonl(ADVISOR, member()))  # none of the keys
    assert (report.ok, report.unchanged) == (True, 1)
    assert (len(skills_of(m)), len(prices_of(m)), profile_of(m)) == (3, 3, profile)

    report = run(
        jsonl(
            ADVISOR,
            member(skills=[], prices=[], zones=[], presentation="", availability={}, remote=True),
        )
    )
    assert (report.ok, report.updated) == (True, 1)
    assert (skills_of(m), prices_of(m)) == ([], [])
    assert profile_of(m) == ("", [], True, ["fr", "en"], None, None, None)


def test_the_same_file_again_changes_nothing_in_any_order(nomenclature):
    assert run(jsonl(ADVISOR, full())).ok
    before = all_counts()
    shuffled = full(
        skills=list(reversed(PROFILE_KEYS["skills"])),
        prices=list(reversed(PROFILE_KEYS["prices"])),
        zones=["94", "75", "93", "93"],
    )
    report = run(jsonl(ADVISOR, shuffled))
    assert (report.ok, report.updated, report.unchanged) == (True, 0, 1)
    assert all_counts() == before | {"AuditEntry": before["AuditEntry"] + 1}  # the summary


def test_a_member_keeps_an_obsolete_skill_they_hold(nomenclature):
    assert run(jsonl(ADVISOR, member(skills=[{"code": "D1202", "level": 1}]))).ok
    m = Member.objects.get()
    MemberSkill.objects.create(member=m, node=nomenclature["old"], level=2)
    record = member(skills=[{"code": "D1203", "level": 3}, {"code": "D1202", "level": 1}])
    assert run(jsonl(ADVISOR, record)).ok
    assert skills_of(m) == [("D1202", 1, None), ("D1203", 3, None)]


def test_one_bad_line_and_no_profile_of_the_file_is_written(nomenclature):
    assert run(jsonl(ADVISOR, member(skills=[{"code": "D1202", "level": 1}]))).ok
    first = full(external_id="M-0002", email="m2@example.org")
    assert refused(jsonl(ADVISOR, first, full(skills=[{"code": "D1202", "level": 5}]))) == [
        "line 3: skills[0].level: niveau 5 inconnu : 1 (débutant), 2 (confirmé) ou 3 (expert)"
    ]
    assert skills_of(Member.objects.get()) == [("D1202", 1, None)]


def test_the_directory_hears_of_the_imported_members_once(nomenclature, alice):
    heard: list[list[int]] = []

    def listen(sender: Any, member_ids: list[int], **kwargs: Any) -> None:
        heard.append(sorted(member_ids))

    profile_changed.connect(listen)
    try:
        assert run(jsonl(ADVISOR, full())).ok
        created = Member.objects.get(external_id="M-0001").pk
        assert heard == [[created]]
        heard.clear()
        report = run(jsonl(ADVISOR, full()))  # nothing changes: nobody to reindex
        assert (report.unchanged, heard) == (1, [])
        assert run(jsonl(ADVISOR, full(zones=["13"]))).ok
        assert heard == [[created]]
        heard.clear()
        # A change of name alone also reaches the directory (it searches names too).
        assert run(jsonl(ADVISOR, full(first_name="Fatoumata"))).ok
        assert heard == [[created]]
    finally:
        profile_changed.disconnect(listen)


# -- export --------------------------------------------------------------------------------------


def test_export_writes_the_keys_and_reads_back_identical(nomenclature):
    assert run(jsonl(ADVISOR, full(), member(external_id="M-0002", email="m2@example.org"))).ok
    text = exported()
    records = parsed_lines(text)
    first = {k: v for k, v in records[1].items() if k in PROFILE_KEYS}
    assert first == {
        "skills": [
            {"code": "D1202", "level": 3, "years": 12},
            {"code": PLANT, "level": 2},
            {"code": WORKSHOP, "level": 1},
        ],
        "presentation": "Coiffeuse à domicile depuis douze ans, colorations végétales.",
        "zones": ["75", "93", "94"],
        "languages": ["fr", "en"],
        "availability": {"days_per_week": 2.5, "from": "2026-01-05"},
        # The management's administrative export: every price, with its visibility.
        "prices": [
            {"label": "Coupe à domicile", "amount": "35.00", "unit": "prestation",
             "visibility": "members"},
            {"label": "Coloration végétale", "amount": "60.00", "unit": "prestation",
             "visibility": "advisor"},
            {"label": "Forfait mariée", "amount": "180.50", "unit": "forfait",
             "visibility": "me"},
        ],
    }  # fmt: skip
    keys = list(records[1])
    assert keys[keys.index("exit") + 1 :] == list(first)  # after the member's own keys
    assert not set(PROFILE_KEYS) & set(records[2])  # empty keys are left out

    report = run(text)
    assert (report.ok, report.unchanged) == (True, 2)
    assert exported() == text

    # Into an empty database: the same file again.
    Member.objects.all().delete()
    User.objects.filter(role=Role.ENTREPRENEUR).delete()
    assert run(text).ok
    assert exported() == text


def test_csv_export_has_no_profile_columns(nomenclature):
    assert run(jsonl(ADVISOR, full())).ok
    out = io.StringIO()
    members_export_csv(stream=out)
    assert "Forfait" not in out.getvalue() and "D1202" not in out.getvalue()


# -- prices stay with those allowed to see them ------------------------------------------------


def test_only_management_downloads_the_export_and_only_the_public_prices(
    nomenclature, client, claire, antoine, alice
):
    assert run(jsonl(ADVISOR, full(advisor_email=None))).ok
    url = reverse("members:export")
    for user in (antoine, alice.user):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(claire)
    response = client.get(url)
    assert response.status_code == 200
    # A person exporting sees only the prices shown to all members...
    text = response.content.decode()
    assert '"amount": "35.00"' in text
    assert '"amount": "180.50"' not in text and '"amount": "60.00"' not in text
    # ...while the operator's command keeps every price, for backups and round trips.
    stream = io.StringIO()
    members_export(stream=stream)
    assert '"amount": "180.50"' in stream.getvalue() and '"amount": "60.00"' in stream.getvalue()


def test_members_api_and_history_do_not_show_hidden_prices(nomenclature, client, claire, antoine):
    record = full(advisor_email=None)
    assert run(jsonl(record)).ok
    m = Member.objects.get()
    Member.objects.filter(pk=m.pk).update(advisor=antoine)
    for user in (claire, antoine):
        client.force_login(user)
        api = client.get(f"/api/v1/members/{m.pk}")
        assert api.status_code == 200
        assert "prices" not in api.json() and "180" not in api.content.decode()
        page = client.get(reverse("members:detail", args=[m.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Forfait mariée" in text  # the import's entry is in the history...
        assert "180" not in text and "60.00" not in text  # ...without the hidden amounts


def test_the_extension_is_registered_once_under_its_name():
    import_extensions.register(EXTENSION)  # as a second ready() would
    assert import_extensions.extensions() == [EXTENSION]
