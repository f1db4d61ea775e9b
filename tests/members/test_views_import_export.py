"""Import and export pages: staff only; all or nothing; downloads with an audit entry."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essaim.core.models import AuditEntry
from essaim.members.exporting import members_export
from essaim.members.importing import CSV_COLUMNS, members_import_check
from essaim.members.models import Member, PathStage
from tests.members.pages import (
    ROLE_REFUSED,
    days,
    errors,
    fast_passwords,  # noqa: F401
    items,
    login_url,
    page_messages,
    plain,
    section,
    text,
    today,
)

IMPORT = reverse("members:import")
EXPORT = reverse("members:export")


def jsonl(*records: dict) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def good_records() -> list[dict]:
    return [
        {
            "record": "advisor",
            "email": "conseil@coop.example",
            "first_name": "Nadia",
            "last_name": "Benali",
        },
        {
            "record": "member",
            "external_id": "M-1",
            "first_name": "Fatou",
            "last_name": "Diallo",
            "email": "fatou@example.org",
            "city": "Montreuil",
            "advisor_email": "conseil@coop.example",
            "stages": [
                {"kind": "information", "start": days(-60).isoformat()},
                {"kind": "cape", "start": days(-30).isoformat()},
            ],
        },
        {
            "record": "member",
            "external_id": "M-2",
            "first_name": "Étienne",
            "last_name": "Lefèvre",
            "email": "etienne@example.org",
            "stages": [{"kind": "information", "start": days(-5).isoformat()}],
        },
    ]


def upload(name: str, content: bytes) -> dict:
    return {"file": SimpleUploadedFile(name, content)}


def import_errors(response) -> list[str]:
    """The import's own error list (the block under "rien n'a été importé")."""
    block = section(response, '<div class="errors" role="alert">', "</div>")
    return items(block, "li")


def expected_errors(content: bytes, fmt: str = "jsonl") -> list[str]:
    report = members_import_check(stream=io.BytesIO(content), fmt=fmt, source_name="x")
    return [
        (f"Ligne {e.line} — " if e.line else "") + f"{e.field} : {e.message}" for e in report.errors
    ]


# --- who may import and export ----------------------------------------------------------------


@pytest.mark.parametrize("url", [IMPORT, EXPORT])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert (response.status_code, response.url) == (302, login_url(url))


@pytest.mark.parametrize("url", [IMPORT, EXPORT])
def test_advisors_and_entrepreneurs_are_refused(client, antoine, alice, url):
    for user in (antoine, alice.user):
        client.force_login(user)
        got = client.get(url, {"format": "csv"})
        posted = client.post(url, upload("membres.jsonl", jsonl(*good_records())))
        assert (got.status_code, posted.status_code) == (403, 403)
        assert ROLE_REFUSED in text(got)
    assert not Member.objects.filter(external_id__in=["M-1", "M-2"]).exists()
    assert not AuditEntry.objects.filter(action="members.exported").exists()


def test_staff_gets_the_import_page(client, claire):
    client.force_login(claire)

    response = client.get(IMPORT)

    assert response.status_code == 200
    assert '<input type="file" name="file"' in text(response)
    assert f'href="{EXPORT}?format=csv"' in text(response)


# --- import ---------------------------------------------------------------------------------


def test_a_good_jsonl_file_is_imported(client, claire):
    client.force_login(claire)

    response = client.post(IMPORT, upload("membres.jsonl", jsonl(*good_records())))

    assert response.status_code == 302
    assert response.url == IMPORT
    assert page_messages(client.get(IMPORT)) == [
        "Import terminé : 2 membre(s) créé(s), 0 mis à jour."
    ]
    fatou = Member.objects.get(external_id="M-1")
    assert (fatou.first_name, fatou.city, fatou.advisor.email, fatou.stage) == (
        "Fatou",
        "Montreuil",
        "conseil@coop.example",
        "cape",
    )
    assert list(PathStage.objects.filter(member=fatou).values_list("kind", "start")) == [
        ("information", days(-60)),
        ("cape", days(-30)),
    ]
    summary = AuditEntry.objects.get(action="members.imported")
    assert (summary.actor, summary.data["source"], summary.data["created"]) == (
        claire,
        "membres.jsonl",
        2,
    )


def test_reimporting_updates_by_external_id(client, claire):
    client.force_login(claire)
    client.post(IMPORT, upload("membres.jsonl", jsonl(*good_records())))
    client.get(IMPORT)  # shows (and so clears) the first import's message
    records = good_records()
    records[2]["city"] = "Paris"

    response = client.post(IMPORT, upload("membres.jsonl", jsonl(*records)))

    assert response.status_code == 302
    assert page_messages(client.get(IMPORT)) == [
        "Import terminé : 0 membre(s) créé(s), 1 mis à jour."
    ]
    assert Member.objects.get(external_id="M-2").city == "Paris"
    assert Member.objects.filter(external_id__in=["M-1", "M-2"]).count() == 2


def test_a_good_csv_file_is_imported(client, claire):
    content = (
        "external_id;first_name;last_name;email;city;activity_name;activity_sector\n"
        "C-1;Amina;Traoré;amina@example.org;Saint-Denis;Traductions Traoré;traduction\n"
    ).encode()
    client.force_login(claire)

    response = client.post(IMPORT, upload("Membres.CSV", content))

    assert response.status_code == 302
    assert page_messages(client.get(IMPORT)) == [
        "Import terminé : 1 membre(s) créé(s), 0 mis à jour."
    ]
    amina = Member.objects.get(external_id="C-1")
    assert (amina.last_name, amina.activity.name, amina.activity.sector.code) == (
        "Traoré",
        "Traductions Traoré",
        "traduction",
    )


def test_a_bad_file_lists_every_error_and_writes_nothing(client, claire):
    records = good_records()
    records[1]["stages"][1]["end"] = days(1200).isoformat()  # a CAPE of about 40 months
    content = jsonl(*records) + b'{"record": "member", "first_name": \n'
    client.force_login(claire)
    before = (Member.objects.count(), AuditEntry.objects.count())

    response = client.post(IMPORT, upload("membres.jsonl", content))

    assert response.status_code == 200
    shown = import_errors(response)
    assert shown == expected_errors(content)
    assert len(shown) >= 2
    assert any(e.startswith("Ligne 2 — stages[1].end : une période de CAPE") for e in shown)
    assert any(e.startswith("Ligne 4 — ") for e in shown)
    heading = f"{len(shown)} erreurs : rien n'a été importé."
    assert heading in text(response)
    assert (Member.objects.count(), AuditEntry.objects.count()) == before
    assert page_messages(response) == []


def test_a_file_that_is_not_utf8_says_so(client, claire):
    content = jsonl(*good_records()).replace("Lefèvre".encode(), "Lefèvre".encode("latin-1"))
    client.force_login(claire)

    response = client.post(IMPORT, upload("membres.jsonl", content))

    assert response.status_code == 200
    [shown] = import_errors(response)
    assert shown.startswith("Ligne 3 — fichier : le fichier n'est pas encodé en UTF-8")
    assert not Member.objects.filter(external_id__in=["M-1", "M-2"]).exists()


@pytest.mark.parametrize("name", ["membres.xlsx", "membres.json", "membres"])
def test_a_file_of_another_kind_is_refused_in_french(client, claire, name):
    client.force_login(claire)
    before = AuditEntry.objects.count()

    response = client.post(IMPORT, upload(name, jsonl(*good_records())))

    assert response.status_code == 200
    assert errors(response) == [f"Le fichier doit se terminer par .jsonl ou .csv (reçu : {name})."]
    assert not Member.objects.filter(external_id__in=["M-1", "M-2"]).exists()
    assert AuditEntry.objects.count() == before


def test_no_file_is_refused(client, claire):
    client.force_login(claire)

    response = client.post(IMPORT, {})

    assert errors(response) == ["Ce champ est obligatoire."]


# --- export ---------------------------------------------------------------------------------


def test_export_jsonl_is_a_download_with_an_audit_entry(client, claire, alice, bob):
    client.force_login(claire)

    response = client.get(EXPORT, {"format": "jsonl"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="membres-{today().isoformat()}.jsonl"'
    )
    expected = io.StringIO()
    members_export(stream=expected)
    assert response.content.decode() == expected.getvalue()
    records = [json.loads(line) for line in response.content.decode().splitlines()]
    assert sorted(r["email"] for r in records if r["record"] == "member") == [
        "alice@example.org",
        "bob@example.org",
    ]
    entry = AuditEntry.objects.get(action="members.exported")
    assert (entry.actor, entry.data) == (claire, {"format": "jsonl"})


def test_export_csv_is_a_download_with_an_audit_entry(client, claire, alice, bob):
    client.force_login(claire)

    response = client.get(EXPORT, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="membres-{today().isoformat()}.csv"'
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == list(CSV_COLUMNS)
    assert sorted(row[3] for row in rows[1:]) == ["alice@example.org", "bob@example.org"]
    entry = AuditEntry.objects.get(action="members.exported")
    assert (entry.actor, entry.data) == (claire, {"format": "csv"})


def test_export_defaults_to_jsonl_and_records_it(client, claire, alice):
    client.force_login(claire)

    response = client.get(EXPORT, {"format": "xml"})

    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert AuditEntry.objects.get(action="members.exported").data == {"format": "jsonl"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_imports_back_unchanged(client, claire, alice, bob, fmt):
    client.force_login(claire)
    exported = client.get(EXPORT, {"format": fmt}).content
    before = Member.objects.count()

    response = client.post(IMPORT, upload(f"membres.{fmt}", exported))

    assert response.status_code == 302
    assert page_messages(client.get(IMPORT)) == [
        "Import terminé : 0 membre(s) créé(s), 0 mis à jour."
    ]
    assert Member.objects.count() == before


def test_an_imported_member_page_tells_the_import_in_its_history(client, claire):
    client.force_login(claire)
    client.post(IMPORT, upload("membres.jsonl", jsonl(*good_records())))
    etienne = Member.objects.get(external_id="M-2")

    page = client.get(reverse("members:detail", args=[etienne.pk]))

    rows = section(page, 'aria-labelledby="h-history"', "</section>").split("<tr>")[2:]
    assert [plain(row).split(" ", 2)[2] for row in rows] == [
        "Claire Gestion Fiche importée Étienne Lefèvre "
        "adresse e-mail : ∅ → etienne@example.org identifiant externe : ∅ → M-2 "
        "prénom : ∅ → Étienne nom : ∅ → Lefèvre "
        f"parcours : ∅ → Réunion d'information {days(-5):%d/%m/%Y}"
    ]


def test_a_long_error_list_is_cut_and_says_how_many_more(client, claire):
    content = b"".join(b"pas du json\n" for _ in range(205))
    client.force_login(claire)

    response = client.post(IMPORT, upload("membres.jsonl", content))

    assert len(expected_errors(content)) == 205
    assert import_errors(response) == expected_errors(content)[:200]
    assert "205 erreurs : rien n'a été importé." in text(response)
    assert "… et 5 autres erreurs." in text(response)
