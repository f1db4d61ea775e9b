"""The member export: the import's format, so that import → export gives the file back."""

from __future__ import annotations

import io

import pytest

from essaim.core.models import Role, User
from essaim.members.exporting import members_export, members_export_csv
from essaim.members.models import Member
from tests.factories import AdvisorFactory, MemberFactory
from tests.members.helpers_import import ADVISOR, EXAMPLES, MEMBER, jsonl, member, parsed_lines, run

pytestmark = pytest.mark.django_db


def exported(**kwargs) -> str:
    out = io.StringIO()
    members_export(stream=out, **kwargs)
    return out.getvalue()


def exported_csv(**kwargs) -> str:
    out = io.StringIO()
    members_export_csv(stream=out, **kwargs)
    return out.getvalue()


def test_writes_the_documented_lines():
    run(jsonl(ADVISOR, MEMBER))
    assert exported() == (
        '{"record": "advisor", "email": "conseil1@coop.example", "first_name": "Nadia", '
        '"last_name": "Benali"}\n'
        '{"record": "member", "external_id": "M-0001", "first_name": "Fatou", '
        '"last_name": "Diallo", "email": "m0001@example.org", "phone": "+33 6 12 34 56 78", '
        '"postal_code": "93100", "city": "Montreuil", "activity": {"name": "Coiffure à domicile", '
        '"description": "Coupes et couleurs à domicile.", "sector": "coiffure"}, '
        '"advisor_email": "conseil1@coop.example", "stages": [{"kind": "information", '
        '"start": "2007-09-10"}, {"kind": "cape", "start": "2007-10-01", "end": "2008-09-30"}, '
        '{"kind": "cesa", "start": "2008-10-01"}, {"kind": "associate", "start": "2010-06-15"}], '
        '"exit": {"date": "2012-03-31", "reason": "own_company"}}\n'
    )


def test_advisors_first_by_email_then_members_by_external_id_optional_keys_left_out():
    AdvisorFactory(email="zoe@coop.example", first_name="Zoé", last_name="Z")
    AdvisorFactory(email="ali@coop.example", first_name="Ali", last_name="A")
    AdvisorFactory(email="unused@coop.example")  # follows nobody: not exported
    text = jsonl(
        member(external_id="M-2", email="m2@example.org", advisor_email="zoe@coop.example"),
        member(
            external_id="M-1",
            email="m1@example.org",
            advisor_email="ali@coop.example",
            phone=None,
            postal_code=None,
            city=None,
            activity={"name": "Seule l'enseigne"},
            exit=None,
            stages=[{"kind": "cesa", "start": "2025-01-06", "trial_end": "2025-03-01"}],
        ),
    )
    assert run(text).ok

    lines = parsed_lines(exported())

    assert [(r["record"], r.get("email")) for r in lines[:2]] == [
        ("advisor", "ali@coop.example"),
        ("advisor", "zoe@coop.example"),
    ]
    assert [r["external_id"] for r in lines[2:]] == ["M-1", "M-2"]
    assert lines[2] == {
        "record": "member",
        "external_id": "M-1",
        "first_name": "Fatou",
        "last_name": "Diallo",
        "email": "m1@example.org",
        "activity": {"name": "Seule l'enseigne"},
        "advisor_email": "ali@coop.example",
        "stages": [{"kind": "cesa", "start": "2025-01-06", "trial_end": "2025-03-01"}],
    }


def test_a_member_without_external_id_gets_one_and_no_path_gives_empty_stages():
    m = MemberFactory(first_name="Léa", last_name="Moreau", email="lea@example.org", phone="")
    assert parsed_lines(exported()) == [
        {
            "record": "member",
            "external_id": f"essaim-{m.pk}",
            "first_name": "Léa",
            "last_name": "Moreau",
            "email": "lea@example.org",
            "postal_code": "93100",
            "city": "Montreuil",
            "stages": [],
        }
    ]


def test_exports_a_queryset_and_counts_members():
    run(jsonl(ADVISOR, MEMBER, member(external_id="M-0002", email="m2@example.org")))
    out = io.StringIO()
    assert members_export(stream=out, queryset=Member.objects.filter(external_id="M-0002")) == 1
    assert [r.get("external_id") for r in parsed_lines(out.getvalue())] == [None, "M-0002"]


def test_import_then_export_gives_the_same_records():
    text = (EXAMPLES / "members.jsonl").read_text(encoding="utf-8")
    assert run(text).ok
    assert parsed_lines(exported()) == parsed_lines(text)


def test_export_import_export_is_byte_identical(alice, bob):
    """Members entered through the services (no external id) survive the round trip."""
    first = exported()
    report = run(first)
    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 0, 0, 2)
    assert exported() == first


def test_export_import_export_into_an_empty_database_is_byte_identical(alice, bob):
    first = exported()
    Member.objects.all().delete()
    User.objects.filter(role=Role.ENTREPRENEUR).delete()
    report = run(first)
    assert (report.ok, report.created, report.advisors_created) == (True, 2, 0), report.errors
    assert exported() == first


def test_csv_export():
    run(jsonl(ADVISOR, MEMBER, member(external_id="M-0002", email="m2@example.org", city=None)))
    assert exported_csv() == (
        "external_id,first_name,last_name,email,phone,postal_code,city,activity_name,"
        "activity_description,activity_sector,advisor_email\n"
        "M-0001,Fatou,Diallo,m0001@example.org,+33 6 12 34 56 78,93100,Montreuil,"
        "Coiffure à domicile,Coupes et couleurs à domicile.,coiffure,conseil1@coop.example\n"
        "M-0002,Fatou,Diallo,m2@example.org,+33 6 12 34 56 78,93100,,"
        "Coiffure à domicile,Coupes et couleurs à domicile.,coiffure,conseil1@coop.example\n"
    )


def test_csv_import_export_round_trip_with_semicolons():
    text = (EXAMPLES / "members.csv").read_text(encoding="utf-8")
    assert run(text, "csv").ok
    out = io.StringIO()
    members_export_csv(stream=out, delimiter=";")
    assert out.getvalue() == text


def test_an_advisor_without_a_name_survives_the_round_trip():
    advisor = AdvisorFactory(email="anonyme@coop.example", first_name="", last_name="")
    assert run(jsonl(member(advisor_email=advisor.email))).ok
    first = exported()
    assert parsed_lines(first)[0] == {
        "record": "advisor",
        "email": "anonyme@coop.example",
        "first_name": "",
        "last_name": "",
    }
    report = run(first)
    assert (report.ok, report.unchanged, report.advisors_updated) == (True, 1, 0)
    assert exported() == first
