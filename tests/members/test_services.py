"""Writes to members: one transaction per action, an audit entry per change, French errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from essaim.core.models import AuditEntry, Role, User
from essaim.members import services
from essaim.members.models import AccompanimentMeeting, AdvisorAssignment, Member, PathStage
from tests.factories import AdvisorFactory, MemberFactory, UserFactory

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Every persona hashes a password; the production hasher takes half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    """Rows of every table a member service writes to."""
    return {
        "members": Member.objects.count(),
        "users": User.objects.count(),
        "stages": PathStage.objects.count(),
        "assignments": AdvisorAssignment.objects.count(),
        "meetings": AccompanimentMeeting.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def entries(member: Member) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """The member's history, oldest first: (action, target type, changes, data)."""
    return [
        (e.action, e.target_type, e.changes, e.data)
        for e in AuditEntry.objects.filter(
            subject_type="members.member", subject_id=str(member.pk)
        ).order_by("created_at", "id")
    ]


def stage_rows(member: Member) -> list[tuple[str, dt.date, dt.date | None, dt.date | None]]:
    return [
        (s.kind, s.start, s.end, s.trial_end)
        for s in PathStage.objects.filter(member=member).order_by("start", "id")
    ]


# --- member_create ---------------------------------------------------------------------------


def test_member_create_writes_the_member_its_account_and_an_audit_entry(claire) -> None:
    member = services.member_create(
        actor=claire,
        first_name="Chloé",
        last_name="Lefèvre",
        email="  Chloe.Lefevre@Example.ORG ",
        phone="06 11 22 33 44",
        city="Lille",
        external_id="EXT-42",
    )
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.email) == (
        "Chloé",
        "Lefèvre",
        "chloe.lefevre@example.org",
    )
    assert member.search_name == "lefevre chloe"
    assert (member.user.email, member.user.role, member.user.get_full_name()) == (
        "chloe.lefevre@example.org",
        Role.ENTREPRENEUR,
        "Chloé Lefèvre",
    )
    assert not member.user.has_usable_password()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        claire,
        "member.created",
        "members.member",
        str(member.pk),
    )
    assert (entry.subject_type, entry.subject_id, entry.target_repr) == (
        "members.member",
        str(member.pk),
        "Chloé Lefèvre",
    )
    assert entry.changes == {
        "first_name": [None, "Chloé"],
        "last_name": [None, "Lefèvre"],
        "email": [None, "chloe.lefevre@example.org"],
        "phone": [None, "06 11 22 33 44"],
        "city": [None, "Lille"],
        "external_id": [None, "EXT-42"],
    }
    assert entry.data == {}


def test_member_create_without_account(claire) -> None:
    member = services.member_create(
        actor=claire,
        first_name="Denis",
        last_name="Roux",
        email="denis@example.org",
        with_account=False,
    )
    assert member.user is None
    assert User.objects.filter(email="denis@example.org").exists() is False


def test_member_create_with_an_advisor(claire, antoine) -> None:
    member = services.member_create(
        actor=claire,
        first_name="Denis",
        last_name="Roux",
        email="denis@example.org",
        advisor=antoine,
    )
    # The member handed back already carries its advisor.
    assert member.advisor == antoine
    member.refresh_from_db()
    assert member.advisor == antoine
    assert list(member.assignments.values_list("advisor", "start", "end")) == [
        (antoine.pk, timezone.localdate(), None)
    ]
    assert [(a, t) for a, t, _, _ in entries(member)] == [
        ("member.created", "members.member"),
        ("member.advisor_assigned", "members.advisorassignment"),
    ]


@pytest.mark.parametrize("email", ["ALICE@example.org", "antoine@coop.example"])
def test_member_create_refuses_an_email_already_used(claire, alice, email: str) -> None:
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.member_create(actor=claire, first_name="A", last_name="B", email=email)
    assert error.value.message_dict == {
        "email": [
            f"l'adresse {email.lower()} est déjà celle d'une autre personne de la coopérative"
        ]
    }
    assert counts() == before


def test_member_create_refuses_an_external_id_already_used(claire) -> None:
    services.member_create(
        actor=claire,
        first_name="Anne",
        last_name="Petit",
        email="anne@example.org",
        external_id="EXT-1",
    )
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.member_create(
            actor=claire,
            first_name="Paul",
            last_name="Grand",
            email="paul@example.org",
            external_id="EXT-1",
        )
    assert error.value.message_dict == {
        "external_id": ["l'identifiant externe EXT-1 est déjà celui de Anne Petit"]
    }
    assert counts() == before


# --- member_update ---------------------------------------------------------------------------


def test_member_update_records_the_diff(claire, alice) -> None:
    services.member_update(
        actor=claire,
        member=alice,
        last_name="Martin-Leroy",
        phone="07 00 00 00 00",
        city="Montreuil",
    )
    alice.refresh_from_db()
    assert (alice.last_name, alice.phone, alice.search_name) == (
        "Martin-Leroy",
        "07 00 00 00 00",
        "martin-leroy alice",
    )
    assert alice.user.last_name == "Martin-Leroy"
    entry = AuditEntry.objects.filter(action="member.updated").get()
    assert (entry.actor, entry.subject_id) == (claire, str(alice.pk))
    # The city did not change: it is not in the diff.
    assert entry.changes == {
        "last_name": ["Martin", "Martin-Leroy"],
        "phone": ["+33 6 12 34 56 78", "07 00 00 00 00"],
    }


def test_member_update_login_email_follows(claire, alice) -> None:
    services.member_update(actor=claire, member=alice, email=" Alice.Martin@Example.org")
    alice.refresh_from_db()
    assert alice.email == "alice.martin@example.org"
    assert User.objects.get(pk=alice.user_id).email == "alice.martin@example.org"
    assert AuditEntry.objects.filter(action="member.updated").get().changes == {
        "email": ["alice@example.org", "alice.martin@example.org"]
    }


def test_member_update_without_change_writes_nothing(claire, alice) -> None:
    before = counts()
    services.member_update(actor=claire, member=alice, email="ALICE@example.org", city="Montreuil")
    assert counts() == before


def test_member_update_refuses_an_email_taken(claire, alice, bob) -> None:
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.member_update(actor=claire, member=alice, email="bob@example.org", phone="01")
    assert error.value.message_dict == {
        "email": ["l'adresse bob@example.org est déjà celle d'une autre personne de la coopérative"]
    }
    alice.refresh_from_db()
    assert (alice.email, alice.phone) == ("alice@example.org", "+33 6 12 34 56 78")
    assert counts() == before


def test_member_update_refuses_unknown_fields(claire, alice) -> None:
    with pytest.raises(TypeError, match=r"unknown member fields: \['stage'\]"):
        services.member_update(actor=claire, member=alice, stage="exited")


def test_member_update_blank_external_ids_do_not_clash(claire, alice, bob) -> None:
    services.member_update(actor=claire, member=alice, external_id="A-1")
    services.member_update(actor=claire, member=alice, external_id="")
    services.member_update(actor=claire, member=bob, external_id="  ")
    assert list(Member.objects.values_list("external_id", flat=True)) == [None, None]
    services.member_update(actor=claire, member=alice, external_id="B-1")
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.member_update(actor=claire, member=bob, external_id="B-1")
    assert error.value.message_dict == {
        "external_id": ["l'identifiant externe B-1 est déjà celui de Alice Martin"]
    }
    assert counts() == before


# --- advisor_assign --------------------------------------------------------------------------


def test_advisor_assign_keeps_the_history(claire, alice, antoine, berenice) -> None:
    assignment = services.advisor_assign(
        actor=claire, member=alice, advisor=berenice, start=D(2025, 3, 1)
    )
    alice.refresh_from_db()
    assert alice.advisor == berenice
    assert list(
        AdvisorAssignment.objects.filter(member=alice).values_list("advisor", "start", "end")
    ) == [
        (antoine.pk, D(2024, 1, 1), D(2025, 3, 1)),
        (berenice.pk, D(2025, 3, 1), None),
    ]
    entry = AuditEntry.objects.filter(action="member.advisor_assigned", actor=claire).get()
    assert (entry.target_type, entry.target_id, entry.subject_id) == (
        "members.advisorassignment",
        str(assignment.pk),
        str(alice.pk),
    )
    assert entry.changes == {"advisor": ["Antoine Conseil", "Bérénice Accompagne"]}
    assert entry.data == {"start": "2025-03-01"}


def test_advisor_assign_to_nobody_closes_the_follow_up(claire, alice, antoine) -> None:
    assert (
        services.advisor_assign(actor=claire, member=alice, advisor=None, start=D(2025, 6, 1))
        is None
    )
    alice.refresh_from_db()
    assert alice.advisor is None
    assert list(alice.assignments.values_list("advisor", "start", "end")) == [
        (antoine.pk, D(2024, 1, 1), D(2025, 6, 1))
    ]
    entry = AuditEntry.objects.filter(action="member.advisor_assigned", actor=claire).get()
    assert (entry.target_type, entry.changes) == (
        "members.member",
        {"advisor": ["Antoine Conseil", None]},
    )


def test_advisor_assign_same_advisor_writes_nothing(claire, alice, antoine) -> None:
    before = counts()
    assert services.advisor_assign(actor=claire, member=alice, advisor=antoine) is None
    assert counts() == before


@pytest.mark.parametrize("who", ["staff", "entrepreneur", "inactive advisor"])
def test_advisor_assign_refuses_a_non_advisor(claire, alice, who: str) -> None:
    user = {
        "staff": lambda: claire,
        "entrepreneur": lambda: UserFactory(first_name="Eve", last_name="Nord"),
        "inactive advisor": lambda: AdvisorFactory(
            first_name="Eve", last_name="Nord", is_active=False
        ),
    }[who]()
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.advisor_assign(actor=claire, member=alice, advisor=user)
    assert error.value.message_dict == {"advisor": [f"{user} n'est pas chargé·e d'accompagnement"]}
    assert counts() == before
    alice.refresh_from_db()
    assert alice.advisor.email == "antoine@coop.example"


def test_advisor_assign_cannot_start_before_the_current_follow_up(claire, alice, berenice) -> None:
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.advisor_assign(actor=claire, member=alice, advisor=berenice, start=D(2023, 12, 31))
    assert error.value.message_dict == {
        "start": ["le suivi actuel a commencé le 01/01/2024 : le nouveau ne peut commencer avant"]
    }
    assert counts() == before


# --- stage_add / stage_update ------------------------------------------------------------------


def test_stage_add_audits_and_refreshes_the_member(claire) -> None:
    member = MemberFactory()
    stage = services.stage_add(
        actor=claire, member=member, kind="cape", start=D(2024, 2, 1), end=D(2024, 7, 31)
    )
    member.refresh_from_db()
    assert (member.stage, member.cohort_year) == ("cape", 2024)
    assert stage_rows(member) == [("cape", D(2024, 2, 1), D(2024, 7, 31), None)]
    assert entries(member) == [
        (
            "stage.added",
            "members.pathstage",
            {"kind": [None, "cape"], "start": [None, "2024-02-01"], "end": [None, "2024-07-31"]},
            {},
        )
    ]
    assert AuditEntry.objects.get().target_id == str(stage.pk)


INVALID_ADDITIONS = {
    "a second CESA": (
        {"kind": "cesa", "start": D(2026, 1, 1)},
        ["un parcours compte au plus une étape « CESA »"],
    ),
    "an associate before the CESA": (
        {"kind": "associate", "start": D(2025, 1, 15)},
        [
            "on devient associé·e pendant le CESA : le 15/01/2025 n'est pas dans le CESA "
            "(en cours depuis le 01/02/2025)"
        ],
    ),
    "a CAPE overlapping the first one": (
        {"kind": "cape", "start": D(2025, 1, 1), "end": D(2025, 1, 20)},
        [
            "la période de CAPE du 01/01/2025 chevauche celle du 01/02/2024 (jusqu'au 31/01/2025)",
        ],
    ),
    "an unknown kind": (
        {"kind": "stage", "start": D(2025, 6, 1)},
        ["étape inconnue « stage » (attendu : information, cape, cesa, associate)"],
    ),
}


@pytest.mark.parametrize("name", list(INVALID_ADDITIONS))
def test_stage_add_validates_the_whole_path_and_writes_nothing(claire, alice, name: str) -> None:
    fields, messages = INVALID_ADDITIONS[name]
    before, stages_before = counts(), stage_rows(alice)
    with pytest.raises(ValidationError) as error:
        services.stage_add(actor=claire, member=alice, **fields)
    assert error.value.messages == messages
    assert counts() == before
    assert stage_rows(alice) == stages_before


def test_stage_add_refuses_a_cape_of_40_months(claire) -> None:
    member = MemberFactory()
    services.stage_add(actor=claire, member=member, kind="information", start=D(2026, 1, 8))
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.stage_add(
            actor=claire, member=member, kind="cape", start=D(2026, 2, 1), end=D(2029, 5, 31)
        )
    assert error.value.messages == [
        "une période de CAPE dure au plus 12 mois : celle du 01/02/2026 au 31/05/2029 dure "
        "40 mois (fin au plus tard le 31/01/2027) ; au-delà, enregistrez un renouvellement",
        "le CAPE dure au plus 36 mois en tout, renouvellements compris (40 mois enregistrés)",
    ]
    assert counts() == before
    assert stage_rows(member) == [("information", D(2026, 1, 8), None, None)]


def test_stage_add_then_associate(claire, alice) -> None:
    services.stage_add(actor=claire, member=alice, kind="associate", start=D(2026, 3, 1))
    alice.refresh_from_db()
    assert alice.stage == "associate"
    assert entries(alice)[-1] == (
        "stage.added",
        "members.pathstage",
        {"kind": [None, "associate"], "start": [None, "2026-03-01"]},
        {},
    )


def test_stage_update_sets_an_end_and_audits(claire, bob) -> None:
    cape = bob.stages.get()
    services.stage_update(actor=claire, stage=cape, end=D(2026, 6, 30), trial_end=None)
    assert stage_rows(bob) == [("cape", D(2026, 1, 5), D(2026, 6, 30), None)]
    entry = AuditEntry.objects.filter(action="stage.updated").get()
    assert (entry.actor, entry.target_id, entry.subject_id, entry.changes) == (
        claire,
        str(cape.pk),
        str(bob.pk),
        {"end": [None, "2026-06-30"]},
    )


def test_stage_update_trial_end_of_a_cesa(claire) -> None:
    member = MemberFactory()
    cesa = services.stage_add(actor=claire, member=member, kind="cesa", start=D(2025, 1, 15))
    services.stage_update(actor=claire, stage=cesa, end=None, trial_end=D(2025, 9, 14))
    assert stage_rows(member) == [("cesa", D(2025, 1, 15), None, D(2025, 9, 14))]
    with pytest.raises(ValidationError) as error:
        services.stage_update(actor=claire, stage=cesa, end=None, trial_end=D(2025, 9, 15))
    assert error.value.messages == [
        "la période d'essai dure au plus 8 mois moins le temps de CAPE : fin au plus tard le "
        "14/09/2025, pas le 15/09/2025"
    ]
    assert stage_rows(member) == [("cesa", D(2025, 1, 15), None, D(2025, 9, 14))]


INVALID_UPDATES = {
    "a trial after 12 months of CAPE": (
        "cesa",
        {"end": None, "trial_end": D(2025, 3, 1)},
        [
            "pas de période d'essai possible : le temps passé en CAPE (366 jours) atteint déjà "
            "8 mois"
        ],
    ),
    "a CAPE stretched past 12 months": (
        "cape",
        {"end": D(2025, 2, 28), "trial_end": None},
        [
            "une période de CAPE dure au plus 12 mois : celle du 01/02/2024 au 28/02/2025 dure "
            "13 mois (fin au plus tard le 31/01/2025) ; au-delà, enregistrez un renouvellement",
            "le CAPE du 01/02/2024 au 28/02/2025 chevauche le CESA qui commence le 01/02/2025 : "
            "CAPE et CESA ne se chevauchent pas",
        ],
    ),
    "a CESA ending before it starts": (
        "cesa",
        {"end": D(2025, 1, 1), "trial_end": None},
        ["la fin (01/01/2025) précède le début (01/02/2025) de CESA"],
    ),
    "an end on the information meeting": (
        "information",
        {"end": D(2024, 1, 11), "trial_end": None},
        ["l'étape « réunion d'information » est une date, sans fin"],
    ),
}


@pytest.mark.parametrize("name", list(INVALID_UPDATES))
def test_stage_update_validates_the_whole_path_and_writes_nothing(claire, alice, name: str) -> None:
    kind, fields, messages = INVALID_UPDATES[name]
    before, stages_before = counts(), stage_rows(alice)
    with pytest.raises(ValidationError) as error:
        services.stage_update(actor=claire, stage=alice.stages.get(kind=kind), **fields)
    assert error.value.messages == messages
    assert counts() == before
    assert stage_rows(alice) == stages_before


def test_stage_update_without_change_writes_nothing(claire, alice) -> None:
    before = counts()
    cape = alice.stages.get(kind="cape")
    services.stage_update(actor=claire, stage=cape, end=D(2025, 1, 31), trial_end=None)
    assert counts() == before


# --- member_exit -------------------------------------------------------------------------------


def test_member_exit_closes_open_contracts_on_the_exit_date(claire, bob, berenice) -> None:
    services.member_exit(actor=claire, member=bob, date=D(2026, 9, 30), reason="stopped")
    bob.refresh_from_db()
    assert (bob.exit_date, bob.exit_reason, bob.stage) == (D(2026, 9, 30), "stopped", "exited")
    assert stage_rows(bob) == [("cape", D(2026, 1, 5), D(2026, 9, 30), None)]
    assert list(bob.assignments.values_list("advisor", "start", "end")) == [
        (berenice.pk, D(2025, 6, 1), D(2026, 9, 30))
    ]
    # The advisor stays on the record: they keep seeing their former entrepreneur.
    assert bob.advisor == berenice
    assert [(a, t, c) for a, t, c, _ in entries(bob) if a != "stage.added"][-3:] == [
        ("stage.updated", "members.pathstage", {"end": [None, "2026-09-30"]}),
        (
            "member.exited",
            "members.member",
            {"exit_date": [None, "2026-09-30"], "exit_reason": [None, "stopped"]},
        ),
        ("assignment.closed", "members.advisorassignment", {"end": [None, "2026-09-30"]}),
    ]


def test_member_exit_leaves_finished_stages_alone(claire, alice) -> None:
    services.member_exit(actor=claire, member=alice, date=D(2026, 3, 31), reason="own_company")
    assert stage_rows(alice) == [
        ("information", D(2024, 1, 10), None, None),
        ("cape", D(2024, 2, 1), D(2025, 1, 31), None),
        ("cesa", D(2025, 2, 1), D(2026, 3, 31), None),
    ]


def test_member_exit_shortens_a_contract_planned_to_end_later(claire) -> None:
    member = MemberFactory()
    services.stage_add(
        actor=claire, member=member, kind="cape", start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    services.member_exit(actor=claire, member=member, date=D(2025, 6, 30), reason="salaried_job")
    assert stage_rows(member) == [("cape", D(2025, 1, 1), D(2025, 6, 30), None)]
    assert AuditEntry.objects.filter(action="stage.updated").get().changes == {
        "end": ["2025-12-31", "2025-06-30"]
    }


def test_member_exit_leaves_an_open_cape_that_ran_its_twelve_months(claire) -> None:
    member = MemberFactory()
    services.stage_add(actor=claire, member=member, kind="cape", start=D(2024, 1, 1))
    services.member_exit(actor=claire, member=member, date=D(2025, 6, 30), reason="other")
    assert stage_rows(member) == [("cape", D(2024, 1, 1), None, None)]
    assert [a for a, _, _, _ in entries(member)] == ["stage.added", "member.exited"]


def test_member_exit_refuses_a_second_exit(claire, bob) -> None:
    services.member_exit(actor=claire, member=bob, date=D(2026, 9, 30), reason="stopped")
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.member_exit(actor=claire, member=bob, date=D(2026, 10, 31), reason="other")
    assert error.value.message_dict == {"date": ["la sortie est déjà enregistrée au 30/09/2026"]}
    assert counts() == before


def test_member_exit_before_a_stage_starts_is_refused(claire, bob) -> None:
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.member_exit(actor=claire, member=bob, date=D(2025, 12, 31), reason="stopped")
    assert error.value.messages == [
        "CAPE commence le 05/01/2026, après la sortie du 31/12/2025 : rien ne commence après la "
        "sortie"
    ]
    assert counts() == before
    bob.refresh_from_db()
    assert (bob.exit_date, bob.stage) == (None, "cape")
    assert stage_rows(bob) == [("cape", D(2026, 1, 5), None, None)]


def test_member_exit_refuses_an_unknown_reason(claire, bob) -> None:
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.member_exit(actor=claire, member=bob, date=D(2026, 9, 30), reason="démission")
    assert error.value.messages == [
        "motif de sortie inconnu « démission » (attendu : own_company, salaried_job, stopped, "
        "other)"
    ]
    assert counts() == before


def test_no_stage_starts_after_the_exit(claire, bob) -> None:
    services.member_exit(actor=claire, member=bob, date=D(2026, 9, 30), reason="stopped")
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.stage_add(actor=claire, member=bob, kind="cesa", start=D(2026, 10, 1))
    assert error.value.messages == [
        "CESA commence le 01/10/2026, après la sortie du 30/09/2026 : rien ne commence après la "
        "sortie"
    ]
    assert counts() == before


# --- meeting_record ----------------------------------------------------------------------------


def test_meeting_record_by_the_advisor(antoine, alice) -> None:
    meeting = services.meeting_record(
        actor=antoine,
        members=[alice],
        date=D(2025, 3, 4),
        kind="individual",
        subject="Bilan",
        notes="Point sur le chiffre d'affaires.",
    )
    meeting.refresh_from_db()
    assert (meeting.advisor, meeting.date, meeting.kind, meeting.subject, meeting.notes) == (
        antoine,
        D(2025, 3, 4),
        "individual",
        "Bilan",
        "Point sur le chiffre d'affaires.",
    )
    assert list(meeting.members.all()) == [alice]
    entry = AuditEntry.objects.filter(action="meeting.recorded").get()
    assert (entry.actor, entry.target_type, entry.target_id, entry.subject_id, entry.data) == (
        antoine,
        "members.accompanimentmeeting",
        str(meeting.pk),
        str(alice.pk),
        {"date": "2025-03-04", "kind": "individual", "subject": "Bilan"},
    )


def test_collective_meeting_is_in_every_members_history(antoine, alice) -> None:
    other = MemberFactory(first_name="Hugo", last_name="Blanc")
    services.advisor_assign(actor=None, member=other, advisor=antoine, start=D(2025, 1, 1))
    other.refresh_from_db()
    meeting = services.meeting_record(
        actor=antoine,
        members=[alice, other],
        date=D(2025, 3, 4),
        kind="collective",
        subject="Atelier devis",
    )
    assert set(meeting.members.all()) == {alice, other}
    assert sorted(
        AuditEntry.objects.filter(action="meeting.recorded").values_list("subject_id", flat=True)
    ) == sorted([str(alice.pk), str(other.pk)])


def test_individual_meeting_with_two_members_is_refused(antoine, alice) -> None:
    other = MemberFactory()
    services.advisor_assign(actor=None, member=other, advisor=antoine, start=D(2025, 1, 1))
    other.refresh_from_db()
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            actor=antoine,
            members=[alice, other],
            date=D(2025, 3, 4),
            kind="individual",
            subject="Bilan",
        )
    assert error.value.message_dict == {
        "kind": ["un rendez-vous individuel concerne une seule personne"]
    }
    assert counts() == before


def test_an_advisor_records_meetings_only_with_their_entrepreneurs(antoine, alice, bob) -> None:
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            actor=antoine,
            members=[alice, bob],
            date=D(2025, 3, 4),
            kind="collective",
            subject="Atelier",
        )
    assert error.value.message_dict == {"members": ["vous ne suivez pas Bob Durand"]}
    assert counts() == before


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"members": [], "kind": "individual"},
            {"members": ["choisissez au moins un·e entrepreneur·e"]},
        ),
        (
            {"kind": "telephone"},
            {
                "kind": [
                    "type de rendez-vous inconnu « telephone » (attendu : individual, collective)"
                ]
            },
        ),
    ],
)
def test_meeting_record_refuses_incomplete_meetings(
    antoine, alice, fields: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            actor=antoine, date=D(2025, 3, 4), subject="Bilan", **{"members": [alice], **fields}
        )
    assert error.value.message_dict == expected
    assert counts() == before


def test_only_an_advisor_records_a_meeting(claire, alice) -> None:
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            actor=claire, members=[alice], date=D(2025, 3, 4), kind="individual", subject="Bilan"
        )
    assert error.value.message_dict == {
        "advisor": ["seul·e un·e chargé·e d'accompagnement enregistre ses rendez-vous"]
    }
    assert counts() == before


# --- member_refresh_path -----------------------------------------------------------------------


def test_member_refresh_path_follows_the_day(claire, django_assert_num_queries) -> None:
    member = MemberFactory()
    services.stage_add(actor=claire, member=member, kind="information", start=D(2023, 12, 12))
    services.stage_add(actor=claire, member=member, kind="cape", start=D(2024, 2, 1))
    services.member_refresh_path(member=member, today=D(2024, 1, 15))
    member.refresh_from_db()
    assert (member.stage, member.cohort_year) == ("information", 2024)
    refreshed = services.member_refresh_path(member=member, today=D(2024, 2, 1))
    assert (refreshed.stage, refreshed.cohort_year) == ("cape", 2024)
    member.refresh_from_db()
    assert member.stage == "cape"
    # Nothing changed: one read, no write.
    with django_assert_num_queries(1):
        services.member_refresh_path(member=member, today=D(2024, 3, 1))


def test_member_refresh_path_of_a_member_without_stages() -> None:
    member = MemberFactory(stage="cape", cohort_year=2020)
    services.member_refresh_path(member=member, today=D(2024, 3, 1))
    member.refresh_from_db()
    assert (member.stage, member.cohort_year) == ("none", None)
