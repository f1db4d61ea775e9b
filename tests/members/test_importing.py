"""The member import: every record written as the file says, or nothing at all."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.hashers import is_password_usable

from essaim.core.models import AuditEntry, Role, User
from essaim.members import path
from essaim.members.importing import members_import_check
from essaim.members.models import AdvisorAssignment, Member, PathStage
from essaim.members.sectors import DEFAULT_SECTORS
from tests.factories import AdvisorFactory, MemberFactory
from tests.members.helpers_import import (
    ADVISOR,
    EXAMPLES,
    MEMBER,
    TODAY,
    counts,
    jsonl,
    member,
    rejected,
    run,
)

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
SECTOR_CODES = ", ".join(sorted(code for code, _ in DEFAULT_SECTORS))
MEMBER_KEYS = (
    "record, external_id, first_name, last_name, email, phone, postal_code, city, activity, "
    "advisor_email, stages, exit, "
    # Added by the skills app (essaim.skills.import_keys).
    "skills, presentation, zones, remote, languages, availability, prices"
)


def stages_of(m: Member) -> list[tuple[str, dt.date, dt.date | None, dt.date | None]]:
    return [(s.kind, s.start, s.end, s.trial_end) for s in m.stages.order_by("start", "id")]


def path_errors(stages: list[dict], exit: dict | None = None, line: int = 1) -> list[str]:
    """What path.validate_path says of these stages: the import reports it as it is."""
    plain = [
        path.Stage(
            s["kind"],
            D(s["start"]),
            D(s["end"]) if "end" in s else None,
            D(s["trial_end"]) if "trial_end" in s else None,
        )
        for s in stages
    ]
    leave = path.Exit(D(exit["date"]), exit["reason"]) if exit else None
    return [f"line {line}: {e.field}: {e.message}" for e in path.validate_path(plain, leave)]


# -- a file that imports ------------------------------------------------------------------------


def test_imports_the_documented_record_with_its_advisor(claire):
    report = run(jsonl(ADVISOR, MEMBER), actor=claire)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert (report.advisors_created, report.advisors_updated) == (1, 0)
    m = Member.objects.select_related("user", "advisor", "activity__sector").get()
    assert (m.external_id, m.first_name, m.last_name, m.email) == (
        "M-0001", "Fatou", "Diallo", "m0001@example.org"
    )  # fmt: skip
    assert (m.phone, m.postal_code, m.city) == ("+33 6 12 34 56 78", "93100", "Montreuil")
    assert (m.activity.name, m.activity.description, m.activity.sector.code) == (
        "Coiffure à domicile", "Coupes et couleurs à domicile.", "coiffure"
    )  # fmt: skip
    assert stages_of(m) == [
        ("information", D("2007-09-10"), None, None),
        ("cape", D("2007-10-01"), D("2008-09-30"), None),
        ("cesa", D("2008-10-01"), None, None),
        ("associate", D("2010-06-15"), None, None),
    ]
    assert (m.exit_date, m.exit_reason) == (D("2012-03-31"), "own_company")
    # Derived columns, which bulk writes must set themselves.
    assert (m.stage, m.cohort_year, m.search_name) == ("exited", 2007, "diallo fatou")
    # The advisor: an account with no usable password, following the member since the first
    # stage and until the exit.
    advisor = m.advisor
    assert (advisor.email, advisor.first_name, advisor.last_name, advisor.role) == (
        "conseil1@coop.example", "Nadia", "Benali", Role.ADVISOR
    )  # fmt: skip
    assert not is_password_usable(advisor.password)
    assert list(AdvisorAssignment.objects.values_list("member", "advisor", "start", "end")) == [
        (m.pk, advisor.pk, D("2007-09-10"), D("2012-03-31"))
    ]
    # The member's own account.
    assert (m.user.email, m.user.first_name, m.user.last_name, m.user.role) == (
        "m0001@example.org", "Fatou", "Diallo", Role.ENTREPRENEUR
    )  # fmt: skip
    assert not is_password_usable(m.user.password)


def test_writes_one_summary_entry_and_one_entry_per_member(claire):
    run(jsonl(ADVISOR, MEMBER), actor=claire)
    m = Member.objects.get()

    entries = {e.action: e for e in AuditEntry.objects.all()}
    assert sorted(entries) == ["advisor.imported", "member.imported", "members.imported"]
    summary = entries["members.imported"]
    assert (summary.actor, summary.target_type, summary.target_id, summary.target_repr) == (
        claire, "members.member", "", "Import « test.jsonl »"
    )  # fmt: skip
    assert summary.data == {
        "source": "test.jsonl",
        "format": "jsonl",
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "advisors_created": 1,
        "advisors_updated": 0,
    }
    entry = entries["member.imported"]
    assert (entry.actor, entry.target_id, entry.subject_type, entry.subject_id) == (
        claire, str(m.pk), "members.member", str(m.pk)
    )  # fmt: skip
    assert entry.data == {"source": "test.jsonl", "format": "jsonl", "line": 2, "created": True}
    assert entry.changes == {
        "external_id": [None, "M-0001"],
        "first_name": [None, "Fatou"],
        "last_name": [None, "Diallo"],
        "email": [None, "m0001@example.org"],
        "phone": [None, "+33 6 12 34 56 78"],
        "postal_code": [None, "93100"],
        "city": [None, "Montreuil"],
        "activity": [
            None,
            {
                "name": "Coiffure à domicile",
                "description": "Coupes et couleurs à domicile.",
                "sector": "coiffure",
            },
        ],
        "advisor": [None, "conseil1@coop.example"],
        "stages": [
            None,
            [
                "information 2007-09-10",
                "cape 2007-10-01 → 2008-09-30",
                "cesa 2008-10-01",
                "associate 2010-06-15",
            ],
        ],
        "exit": [None, {"date": "2012-03-31", "reason": "own_company"}],
    }
    advisor_entry = entries["advisor.imported"]
    assert advisor_entry.changes == {
        "email": [None, "conseil1@coop.example"],
        "first_name": [None, "Nadia"],
        "last_name": [None, "Benali"],
        "role": [None, "advisor"],
    }


def test_an_existing_advisor_is_found_by_email_and_optional_keys_may_be_left_out():
    advisor = AdvisorFactory(email="conseil1@coop.example")
    record = member(phone=None, postal_code=None, city=None, activity=None, exit=None)
    record.pop("record")  # `record` defaults to member

    report = run("\n" + jsonl(record) + "   \n\n")  # blank lines are skipped

    assert report.ok, report.errors
    m = Member.objects.get()
    assert (m.phone, m.postal_code, m.city, m.exit_date, m.exit_reason) == ("", "", "", None, "")
    assert not hasattr(m, "activity")
    assert m.advisor == advisor
    assert (m.stage, m.cohort_year) == ("associate", 2007)
    assert report.advisors_created == 0


def test_a_member_with_an_open_cesa_is_in_cesa_today():
    record = member(
        advisor_email=None,
        exit=None,
        stages=[
            {"kind": "information", "start": "2024-06-10"},
            {"kind": "cape", "start": "2024-07-01", "end": "2024-12-31"},
            {"kind": "cesa", "start": "2025-01-06", "trial_end": "2025-03-01"},
        ],
    )
    assert run(jsonl(record)).ok
    m = Member.objects.get()
    assert (m.stage, m.cohort_year) == ("cesa", 2024)
    assert stages_of(m)[-1] == ("cesa", D("2025-01-06"), None, D("2025-03-01"))


def test_values_are_stripped_and_emails_lower_cased():
    record = member(first_name="  Fatou ", email=" M0001@Example.ORG", advisor_email=None)
    assert run(jsonl(record)).ok
    m = Member.objects.select_related("user").get()
    assert (m.first_name, m.email, m.user.email) == (
        "Fatou",
        "m0001@example.org",
        "m0001@example.org",
    )


def test_the_example_files_import_cleanly():
    jsonl_report = run((EXAMPLES / "members.jsonl").read_bytes())
    csv_report = run((EXAMPLES / "members.csv").read_bytes(), "csv")

    assert jsonl_report.ok, jsonl_report.errors
    assert csv_report.ok, csv_report.errors
    assert (jsonl_report.created, jsonl_report.advisors_created, csv_report.created) == (4, 2, 3)


def test_dry_run_counts_and_writes_nothing():
    before = counts()
    report = run(jsonl(ADVISOR, MEMBER), dry_run=True)
    assert report.ok
    assert (report.created, report.advisors_created) == (1, 1)
    assert counts() == before


def test_check_only_reads_and_counts_new_and_known_members():
    run(jsonl(ADVISOR, MEMBER))
    before = counts()
    text = jsonl(MEMBER, member(external_id="M-0002", email="m0002@example.org"))
    report = members_import_check(stream=io.StringIO(text), fmt="jsonl")
    assert (report.ok, report.created, report.updated) == (True, 1, 1)
    assert counts() == before


# -- files refused, nothing written -------------------------------------------------------------


def test_malformed_json_gives_the_position():
    text = jsonl(ADVISOR, '{"external_id": "M-0001", "first_name": "Fatou" "last_name": "D"}')
    assert rejected(text) == ["line 2: json: JSON mal formé à la colonne 49 : virgule attendue"]


def test_an_object_with_a_key_twice_is_refused():
    text = jsonl('{"external_id": "M-1", "email": "a@example.org", "email": "b@example.org"}')
    assert rejected(text) == ["line 1: email: clé « email » en double dans l'objet"]


def test_a_line_that_is_not_a_record():
    assert rejected(jsonl(["M-0001"], {"record": "boss"}, 42)) == [
        "line 1: record: un objet JSON est attendu, pas une liste",
        "line 2: record: type d'enregistrement inconnu : « boss » (attendu : member, advisor)",
        "line 3: record: un objet JSON est attendu, pas un nombre (42)",
    ]


def test_duplicate_emails_in_the_file():
    text = jsonl(
        ADVISOR,
        MEMBER,
        member(external_id="M-0002", email="M0001@example.org"),
        member(external_id="M-0003", email="conseil1@coop.example", advisor_email=None),
    )
    assert rejected(text) == [
        "line 3: email: l'adresse m0001@example.org figure déjà ligne 2 : "
        "chaque membre a la sienne",
        "line 4: email: l'adresse conseil1@coop.example est celle du·de la chargé·e "
        "d'accompagnement déclaré·e ligne 1",
    ]


def test_email_of_another_existing_member(alice):
    text = jsonl(ADVISOR, member(email="alice@example.org"))
    assert rejected(text) == [
        "line 2: email: l'adresse alice@example.org est déjà celle d'un autre membre : "
        f"Alice Martin (identifiant externe essaim-{alice.pk})"
    ]


def test_email_of_an_existing_account(claire):
    text = jsonl(ADVISOR, member(email="claire@coop.example"))
    assert rejected(text) == [
        "line 2: email: l'adresse claire@coop.example est déjà celle du compte de "
        "Claire Gestion (équipe de gestion)"
    ]


def test_duplicate_external_id_in_the_file():
    text = jsonl(ADVISOR, MEMBER, member(email="autre@example.org"))
    assert rejected(text) == [
        "line 3: external_id: l'identifiant externe « M-0001 » figure déjà ligne 2 : "
        "une seule ligne par membre"
    ]


@pytest.mark.parametrize(
    ("stages", "exit", "fields"),
    [
        pytest.param(
            [
                {"kind": "cape", "start": "2020-01-01", "end": "2020-12-31"},
                {"kind": "cesa", "start": "2020-06-01"},
            ],
            None,
            ["stages[0].end"],
            id="overlapping-cape-cesa",
        ),
        pytest.param(
            [{"kind": "cape", "start": "2020-01-01", "end": "2023-04-30"}],
            None,
            ["stages[0].end", "stages[0].end"],  # 12 months a period, 36 in all
            id="cape-of-40-months",
        ),
        pytest.param(
            [
                {"kind": "cape", "start": "2020-01-01", "end": "2020-12-31"},
                {"kind": "cesa", "start": "2021-01-01"},
                {"kind": "associate", "start": "2020-06-01"},
            ],
            None,
            ["stages[2].start"],
            id="associate-before-cesa",
        ),
        pytest.param(
            [
                {"kind": "cape", "start": "2020-01-01", "end": "2020-12-31"},
                {"kind": "cesa", "start": "2021-01-01"},
            ],
            {"date": "2020-10-31", "reason": "stopped"},
            ["stages[0].end", "stages[1].start"],
            id="stage-after-exit",
        ),
        pytest.param(
            [{"kind": "cape", "start": "2020-01-01", "end": "2020-12-31"}],
            {"date": "2020-12-31", "reason": "bored"},
            ["exit.reason"],
            id="unknown-exit-reason",
        ),
        pytest.param(
            [{"kind": "contrat", "start": "2020-01-01"}],
            None,
            ["stages[0].kind"],
            id="unknown-stage-kind",
        ),
    ],
)
def test_path_rules_are_those_of_validate_path(stages, exit, fields):
    record = member(stages=stages, exit=exit, advisor_email=None)
    errors = rejected(jsonl(record))
    expected = path_errors(stages, exit)
    assert errors == expected
    assert [e.split(": ")[1] for e in errors] == fields


def test_path_messages_say_what_is_wrong():
    """A few fragments, lest validate_path and the import agree on saying nothing."""
    cape = member(stages=[{"kind": "cape", "start": "2020-01-01", "end": "2023-04-30"}], exit=None)
    overlap = member(
        external_id="M-0002",
        email="m0002@example.org",
        exit=None,
        stages=[
            {"kind": "cape", "start": "2020-01-01", "end": "2020-12-31"},
            {"kind": "cesa", "start": "2020-06-01"},
        ],
    )
    errors = rejected(jsonl(ADVISOR, cape, overlap))
    assert errors[0].startswith("line 2: stages[0].end: une période de CAPE dure au plus 12 mois")
    assert errors[-1].startswith("line 3: stages[0].end: le CAPE du 01/01/2020 au 31/12/2020")
    assert errors[-1].endswith("CAPE et CESA ne se chevauchent pas")


def test_unknown_advisor():
    assert rejected(jsonl(MEMBER)) == [
        "line 1: advisor_email: chargé·e d'accompagnement inconnu·e « conseil1@coop.example » : "
        "créez son compte, ou déclarez-le·la dans le fichier JSON Lines par une ligne "
        '{"record": "advisor", "email": "conseil1@coop.example", "first_name": ..., '
        '"last_name": ...}'
    ]


def test_an_advisor_must_be_an_advisor(claire, alice):
    text = jsonl(
        {**ADVISOR, "email": "alice@example.org"},
        member(advisor_email="claire@coop.example"),
    )
    assert rejected(text) == [
        "line 1: email: l'adresse alice@example.org est celle d'un compte « Entrepreneur·e », "
        "pas d'un·e chargé·e d'accompagnement",
        "line 2: advisor_email: claire@coop.example n'est pas chargé·e d'accompagnement "
        "(compte « Équipe de gestion »)",
    ]


def test_an_advisor_declared_twice():
    assert rejected(jsonl(ADVISOR, ADVISOR)) == [
        "line 2: email: le·la chargé·e d'accompagnement conseil1@coop.example est déjà "
        "déclaré·e ligne 1"
    ]


def test_bad_dates():
    record = member(
        advisor_email=None,
        stages=[
            {"kind": "information", "start": "2007-02-30"},
            {"kind": "cape", "start": "01/10/2007"},
            {"kind": "cesa", "start": 20081001},
        ],
        exit={"date": "2012-03-31T00:00", "reason": "own_company"},
    )
    assert rejected(jsonl(record)) == [
        "line 1: stages[0].start: date impossible « 2007-02-30 »",
        "line 1: stages[1].start: date attendue au format AAAA-MM-JJ, pas « 01/10/2007 »",
        "line 1: stages[2].start: une date AAAA-MM-JJ est attendue, pas un nombre (20081001)",
        "line 1: exit.date: date attendue au format AAAA-MM-JJ, pas « 2012-03-31T00:00 »",
    ]


def test_missing_required_fields():
    text = jsonl(
        member(external_id=None, first_name=None, stages=None, advisor_email=None),
        {"record": "advisor", "email": "x@coop.example"},
        member(
            external_id="M-0003",
            email="m3@example.org",
            advisor_email=None,
            activity={"description": "sans nom"},
            stages=[{"start": "2020-01-01"}],
            exit={"reason": "other"},
        ),
    )
    assert rejected(text) == [
        "line 1: external_id: champ obligatoire manquant",
        "line 1: first_name: champ obligatoire manquant",
        "line 1: stages: champ obligatoire manquant",
        "line 2: first_name: champ obligatoire manquant",
        "line 2: last_name: champ obligatoire manquant",
        "line 3: activity.name: champ obligatoire manquant",
        "line 3: stages[0].kind: champ obligatoire manquant",
        "line 3: exit.date: champ obligatoire manquant",
    ]


def test_empty_required_values():
    record = member(first_name="  ", external_id="", advisor_email=None)
    assert rejected(jsonl(record)) == [
        "line 1: external_id: ce champ ne peut pas être vide",
        "line 1: first_name: ce champ ne peut pas être vide",
    ]


def test_unknown_keys_at_every_level():
    record = member(
        advisor_email=None,
        hobbies=["coupe"],
        activity={"name": "Coiffure", "colour": "rouge"},
        stages=[{"kind": "information", "start": "2007-09-10", "note": "?"}],
        exit={"date": "2012-03-31", "reason": "other", "why": "?"},
    )
    advisor = {**ADVISOR, "phone": "01"}
    assert rejected(jsonl(record, advisor)) == [
        f"line 1: hobbies: clé inconnue « hobbies » (clés possibles : {MEMBER_KEYS})",
        "line 1: activity.colour: clé inconnue « colour » (clés possibles : name, description, "
        "sector)",
        "line 1: stages[0].note: clé inconnue « note » (clés possibles : kind, start, end, "
        "trial_end)",
        "line 1: exit.why: clé inconnue « why » (clés possibles : date, reason)",
        "line 2: phone: clé inconnue « phone » (clés possibles : record, email, first_name, "
        "last_name)",
    ]


def test_wrong_types():
    record = member(
        first_name=42,
        phone=["+33"],
        activity="Coiffure",
        advisor_email=True,
        stages={"kind": "cape"},
    )
    assert rejected(jsonl(record)) == [
        "line 1: first_name: une chaîne de caractères est attendue, pas un nombre (42)",
        "line 1: phone: une chaîne de caractères est attendue, pas une liste",
        "line 1: activity: un objet JSON est attendu, pas une chaîne de caractères (« Coiffure »)",
        "line 1: advisor_email: une chaîne de caractères est attendue, pas un booléen (true)",
        "line 1: stages: une liste est attendue, pas un objet",
    ]


def test_bad_email_too_long_values_and_unknown_sector():
    record = member(
        email="pas-une-adresse",
        postal_code="93100-93200-93300",
        activity={"name": "Coiffure", "sector": "astrologie"},
        advisor_email=None,
    )
    assert rejected(jsonl(record)) == [
        "line 1: email: adresse e-mail invalide « pas-une-adresse »",
        "line 1: postal_code: trop long : 17 caractères, 10 au plus",
        f"line 1: activity.sector: secteur inconnu « astrologie » (codes valides : {SECTOR_CODES})",
    ]


def test_a_file_that_is_not_utf8():
    text = jsonl(ADVISOR).encode() + "Hélène\n".encode("latin-1")
    assert rejected(text) == [
        "line 2: fichier: le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 "
        "(dans un tableur : « CSV UTF-8 »)"
    ]


def test_every_error_of_the_file_is_listed_in_line_order():
    text = jsonl(member(email="x"), ADVISOR, member(external_id="M-2", email="ok@example.org"))
    # The advisor is declared after the line that names it: the file is read as a whole.
    assert rejected(text) == ["line 1: email: adresse e-mail invalide « x »"]


# -- CSV ----------------------------------------------------------------------------------------

CSV_HEADER = (
    "external_id;first_name;last_name;email;phone;postal_code;city;activity_name;"
    "activity_description;activity_sector;advisor_email\n"
)


def test_csv_with_semicolons_and_a_bom(antoine):
    text = (
        "\ufeff"
        + CSV_HEADER
        + 'M-1;Léa;Moreau;lea@example.org;;93100;Montreuil;Studio;"Web; print";web;'
        "antoine@coop.example\n" + ";;;;;;;;;;\n" + "M-2;Paul;Petit;paul@example.org;;;;;;;\n"
    )
    report = run(text, "csv")
    assert report.ok, report.errors
    lea = Member.objects.select_related("activity__sector").get(external_id="M-1")
    assert (lea.first_name, lea.postal_code, lea.city, lea.advisor) == (
        "Léa", "93100", "Montreuil", antoine
    )  # fmt: skip
    assert (lea.activity.name, lea.activity.description, lea.activity.sector.code) == (
        "Studio", "Web; print", "web"
    )  # fmt: skip
    assert (lea.stage, lea.cohort_year, lea.stages.count()) == ("none", None, 0)
    assert Member.objects.count() == 2


def test_csv_with_commas_and_only_the_required_columns():
    text = "external_id,first_name,last_name,email\r\nM-1,Léa,Moreau,lea@example.org\r\n"
    assert run(text, "csv").ok
    assert Member.objects.get().email == "lea@example.org"


def test_csv_header_errors():
    assert rejected("external_id,first_name,nom,email,email\nM-1,A,B,c@example.org,\n", "csv") == [
        "line 1: nom: colonne inconnue « nom » (colonnes attendues : external_id, first_name, "
        "last_name, email, phone, postal_code, city, activity_name, activity_description, "
        "activity_sector, advisor_email)",
        "line 1: email: colonne « email » en double",
        "line 1: last_name: colonne obligatoire « last_name » absente de l'en-tête",
    ]
    assert rejected("", "csv") == [
        "line 1: en-tête: la première ligne doit nommer les colonnes : external_id, first_name, "
        "last_name, email, phone, postal_code, city, activity_name, activity_description, "
        "activity_sector, advisor_email"
    ]


def test_csv_errors_name_the_column_and_count_the_header_as_line_1():
    text = (
        CSV_HEADER
        + 'M-1;Léa;Moreau;lea@example.org;;;;"Studio\nsur deux lignes";;astrologie;\n'
        + "M-2;Paul;;paul@example.org;;;;;Sans nom;;inconnu@coop.example\n"
        + "M-3;A;B;c@example.org;;;;;;;;en trop\n"
    )
    assert rejected(text, "csv") == [
        f"line 2: activity_sector: secteur inconnu « astrologie » (codes valides : {SECTOR_CODES})",
        "line 4: last_name: champ obligatoire manquant",
        "line 4: activity_name: champ obligatoire manquant",
        "line 4: advisor_email: chargé·e d'accompagnement inconnu·e « inconnu@coop.example » : "
        "créez son compte, ou déclarez-le·la dans le fichier JSON Lines par une ligne "
        '{"record": "advisor", "email": "inconnu@coop.example", "first_name": ..., '
        '"last_name": ...}',
        "line 5: csv: 12 valeurs pour 11 colonnes : un séparateur en trop, ou un guillemet non "
        "refermé ?",
    ]


def test_csv_the_csv_module_cannot_read():
    text = 'external_id,first_name,last_name,email\nM-1,A,B,"' + "x" * 200_000 + "\n"
    assert rejected(text, "csv") == [
        "line 2: csv: ligne CSV illisible : une valeur dépasse 131072 caractères : un guillemet "
        "n'est sans doute pas refermé"
    ]


def test_csv_reimport_leaves_the_path_alone():
    assert run(jsonl(ADVISOR, MEMBER)).ok
    text = CSV_HEADER + "M-0001;Fatou;Diallo;m0001@example.org;;;Bagnolet;;;;\n"
    report = run(text, "csv")
    assert (report.ok, report.updated) == (True, 1)
    m = Member.objects.get()
    assert (m.city, m.phone, m.stages.count(), m.exit_reason) == (
        "Bagnolet", "+33 6 12 34 56 78", 4, "own_company"
    )  # fmt: skip


# -- re-import ----------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing():
    text = jsonl(ADVISOR, MEMBER)
    run(text)
    before = counts()

    report = run(text)

    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert (report.advisors_created, report.advisors_updated) == (0, 0)
    # Only the summary entry of the second import.
    assert counts() == {**before, "AuditEntry": before["AuditEntry"] + 1}


def test_reimport_updates_fields_and_the_account_follows(claire):
    run(jsonl(ADVISOR, MEMBER))
    m = Member.objects.get()
    changed = member(
        first_name="Fatoumata",
        email="fatou.diallo@example.org",
        city="Bagnolet",
        postal_code="93170",
        activity={"name": "Coiffure afro", "sector": "coiffure"},
    )

    report = run(jsonl(changed), actor=claire)

    assert (report.ok, report.created, report.updated) == (True, 0, 1)
    m = Member.objects.select_related("user", "activity").get(pk=m.pk)
    assert (m.first_name, m.email, m.city, m.postal_code, m.search_name) == (
        "Fatoumata", "fatou.diallo@example.org", "Bagnolet", "93170", "diallo fatoumata"
    )  # fmt: skip
    assert (m.user.email, m.user.first_name) == ("fatou.diallo@example.org", "Fatoumata")
    assert (m.activity.name, m.activity.description) == ("Coiffure afro", "")
    entry = AuditEntry.objects.get(action="member.imported", data__created=False)
    assert entry.actor == claire
    assert entry.changes == {
        "first_name": ["Fatou", "Fatoumata"],
        "email": ["m0001@example.org", "fatou.diallo@example.org"],
        "city": ["Montreuil", "Bagnolet"],
        "postal_code": ["93100", "93170"],
        "activity": [
            {
                "name": "Coiffure à domicile",
                "description": "Coupes et couleurs à domicile.",
                "sector": "coiffure",
            },
            {"name": "Coiffure afro", "description": "", "sector": "coiffure"},
        ],
    }


def test_reimport_adds_stages_and_updates_ends_without_duplicates():
    first = member(
        exit=None,
        stages=[
            {"kind": "information", "start": "2024-06-10"},
            {"kind": "cape", "start": "2024-07-01"},
        ],
    )
    run(jsonl(ADVISOR, first))
    later = member(
        exit=None,
        stages=[
            {"kind": "information", "start": "2024-06-10"},
            {"kind": "cape", "start": "2024-07-01", "end": "2024-12-31"},
            {"kind": "cesa", "start": "2025-01-06"},
        ],
    )

    report = run(jsonl(later))

    assert (report.ok, report.updated) == (True, 1)
    m = Member.objects.get()
    assert stages_of(m) == [
        ("information", D("2024-06-10"), None, None),
        ("cape", D("2024-07-01"), D("2024-12-31"), None),
        ("cesa", D("2025-01-06"), None, None),
    ]
    assert PathStage.objects.count() == 3
    assert (m.stage, m.cohort_year) == ("cesa", 2024)
    entry = AuditEntry.objects.get(action="member.imported", data__created=False)
    assert entry.changes == {
        "stages": [
            ["information 2024-06-10", "cape 2024-07-01"],
            ["information 2024-06-10", "cape 2024-07-01 → 2024-12-31", "cesa 2025-01-06"],
        ]
    }


def test_history_is_never_overwritten():
    run(jsonl(ADVISOR, MEMBER))
    without_cape = member(stages=[MEMBER["stages"][0], *MEMBER["stages"][2:]])
    # The same record without its CAPE also breaks no path rule:
    assert path_errors(without_cape["stages"], without_cape["exit"]) == []
    assert rejected(jsonl(without_cape)) == [
        "line 1: stages: l'historique ne s'efface pas : l'étape CAPE du 01/10/2007 enregistrée "
        "n'est pas dans le fichier"
    ]


def test_a_changed_advisor_closes_the_assignment_and_opens_another(antoine, berenice):
    run(jsonl(member(exit=None, advisor_email="antoine@coop.example")))
    first = AdvisorAssignment.objects.get()

    run(jsonl(member(exit=None, advisor_email="berenice@coop.example")))

    m = Member.objects.get()
    assert m.advisor == berenice
    assignments = AdvisorAssignment.objects.order_by("id")
    assert [(a.advisor, a.start, a.end) for a in assignments] == [
        (antoine, D("2007-09-10"), TODAY),
        (berenice, TODAY, None),
    ]
    assert assignments[0].pk == first.pk
    entry = AuditEntry.objects.get(action="member.imported", data__created=False)
    assert entry.changes == {"advisor": ["antoine@coop.example", "berenice@coop.example"]}
    # The same advisor again: nothing changes.
    report = run(jsonl(member(exit=None, advisor_email="berenice@coop.example")))
    assert (report.unchanged, AdvisorAssignment.objects.count()) == (1, 2)


def test_reimport_sets_the_exit_and_keeps_what_the_file_leaves_out():
    run(jsonl(ADVISOR, member(exit=None)))
    assert Member.objects.get().stage == "associate"

    report = run(jsonl(member(phone=None, activity=None, advisor_email=None)))

    assert (report.ok, report.updated) == (True, 1)
    m = Member.objects.select_related("activity").get()
    assert (m.exit_date, m.exit_reason, m.stage) == (D("2012-03-31"), "own_company", "exited")
    # Keys the file does not give are left as they were.
    assert (m.phone, m.activity.name, m.advisor.email) == (
        "+33 6 12 34 56 78", "Coiffure à domicile", "conseil1@coop.example"
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="member.imported", data__created=False)
    assert entry.changes == {"exit": [None, {"date": "2012-03-31", "reason": "own_company"}]}
    # As when the exit is recorded by hand, the follow-up ends with it.
    assert list(AdvisorAssignment.objects.values_list("start", "end")) == [
        (D("2007-09-10"), D("2012-03-31"))
    ]


def test_a_stage_after_the_stored_exit_is_refused_even_if_the_file_omits_the_exit():
    run(jsonl(ADVISOR, MEMBER))
    later = member(exit=None, stages=[*MEMBER["stages"], {"kind": "cape", "start": "2013-01-01"}])
    errors = rejected(jsonl(later))
    assert errors == path_errors(later["stages"], MEMBER["exit"])
    assert errors[0].startswith("line 1: stages[4].start: ")


def test_a_member_without_external_id_is_found_by_its_exported_id(alice):
    record = {
        "external_id": f"essaim-{alice.pk}",
        "first_name": "Alice",
        "last_name": "Martin",
        "email": "alice@example.org",
        "phone": "+33 6 00 00 00 00",
        "stages": [
            {"kind": "information", "start": "2024-01-10"},
            {"kind": "cape", "start": "2024-02-01", "end": "2025-01-31"},
            {"kind": "cesa", "start": "2025-02-01"},
        ],
    }
    report = run(jsonl(record))
    assert (report.ok, report.created, report.updated) == (True, 0, 1), report.errors
    alice.refresh_from_db()
    assert (alice.phone, alice.external_id) == ("+33 6 00 00 00 00", None)


def test_reimport_of_an_advisor_follows_the_names():
    advisor = AdvisorFactory(email="conseil1@coop.example", first_name="N", last_name="B")
    report = run(jsonl(ADVISOR))
    assert (report.ok, report.advisors_created, report.advisors_updated) == (True, 0, 1)
    advisor.refresh_from_db()
    assert (advisor.first_name, advisor.last_name) == ("Nadia", "Benali")
    entry = AuditEntry.objects.get(action="advisor.imported")
    assert entry.changes == {"first_name": ["N", "Nadia"], "last_name": ["B", "Benali"]}


def test_an_existing_member_keeps_its_email_on_reimport():
    """Its own e-mail and its own account are no clash."""
    existing = MemberFactory(external_id="M-0001", email="m0001@example.org")
    report = run(jsonl(member(advisor_email=None, exit=None, stages=[])))
    assert (report.ok, report.updated) == (True, 1), report.errors
    existing.refresh_from_db()
    assert existing.first_name == "Fatou"
    assert User.objects.get(pk=existing.user_id).first_name == "Fatou"
