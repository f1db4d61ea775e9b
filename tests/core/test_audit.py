"""The audit log: diffs, masking of secrets, and the history of a record."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.utils import timezone

from essaim.core.audit import audit_entry, diff, history_of, is_secret_key, log_action, log_actions
from essaim.core.models import AuditEntry, User
from tests.factories import MemberFactory, StageFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Every persona hashes a password; the production hasher takes half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- diff ----------------------------------------------------------------------------------------


def test_diff_lists_changed_fields_only_in_plain_values() -> None:
    before = {
        "city": "Lille",
        "start": dt.date(2025, 1, 1),
        "amount": decimal.Decimal("10.50"),
        "phone": "01",
        "note": None,
    }
    after = {
        "city": "Lille",
        "start": dt.date(2025, 2, 1),
        "amount": decimal.Decimal("12.00"),
        "phone": None,
        "email": "a@example.org",
    }
    assert diff(before, after) == {
        "amount": ["10.50", "12.00"],
        "email": [None, "a@example.org"],
        "phone": ["01", None],
        "start": ["2025-01-01", "2025-02-01"],
    }
    assert list(diff(before, after)) == ["amount", "email", "phone", "start"]


def test_diff_of_equal_values_is_empty() -> None:
    assert diff({}, {}) == {}
    assert diff({"amount": decimal.Decimal("1.0")}, {"amount": decimal.Decimal("1.00")}) == {}
    assert diff({"note": None}, {}) == {}


def test_diff_renders_records_and_datetimes() -> None:
    moment = dt.datetime(2025, 3, 4, 10, 30, tzinfo=dt.UTC)
    assert diff(
        {"advisor": None, "at": None}, {"advisor": User(first_name="Ana"), "at": moment}
    ) == {
        "advisor": [None, "Ana"],
        "at": [None, "2025-03-04T10:30:00+00:00"],
    }


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("Password", True),
        ("new_password", True),
        ("password2", True),
        ("api_token", True),
        ("secret_key", True),
        ("digest", True),
        ("key", True),
        ("client-secret", True),
        ("keyword", False),
        ("monkey", False),
        ("email", False),
        ("tokens_count", False),
        (3, False),
    ],
)
def test_is_secret_key(key: object, secret: bool) -> None:
    assert is_secret_key(key) is secret


# --- entries -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_log_action_masks_secrets_in_changes_and_data(claire) -> None:
    entry = log_action(
        actor=claire,
        action="user.updated",
        target=claire,
        changes={
            **diff(
                {"password": "old", "email": "a@x.org"}, {"password": "new", "email": "b@x.org"}
            ),
            "api_token": [None, "tok_123"],
        },
        data={
            "digest": "abc",
            "format": "csv",
            "nested": {"secret": "s", "label": "l"},
            "rows": [{"password": "p", "line": 2}],
        },
    )
    entry.refresh_from_db()
    assert entry.changes == {
        "api_token": "***",
        "email": ["a@x.org", "b@x.org"],
        "password": "***",
    }
    assert entry.data == {
        "digest": "***",
        "format": "csv",
        "nested": {"secret": "***", "label": "l"},
        "rows": [{"password": "***", "line": 2}],
    }


@pytest.mark.django_db
def test_entry_names_its_target_and_subject() -> None:
    stage = StageFactory(start=dt.date(2025, 1, 1))
    member = stage.member
    entry = log_action(
        actor=None, action="stage.added", target=stage, subject=member, data={"on": stage.start}
    )
    entry.refresh_from_db()
    assert (
        entry.actor,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.target_repr,
        entry.subject_type,
        entry.subject_id,
        entry.changes,
        entry.data,
    ) == (
        None,
        "stage.added",
        "members.pathstage",
        str(stage.pk),
        "CAPE 01/01/2025",
        "members.member",
        str(member.pk),
        {},
        {"on": "2025-01-01"},
    )


@pytest.mark.django_db
def test_entry_without_subject_is_its_own_subject_and_repr_is_cut() -> None:
    member = MemberFactory(first_name="A" * 150, last_name="B" * 150)
    unsaved_actor = User(email="nobody@example.org")
    entry = audit_entry(actor=unsaved_actor, action="member.created", target=member)
    assert entry.actor is None
    assert (entry.subject_type, entry.subject_id) == ("members.member", str(member.pk))
    assert entry.target_repr == "A" * 150 + " " + "B" * 104
    assert entry.pk is None


# --- history_of ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_of_is_newest_first_and_only_the_subjects(claire) -> None:
    member, other = MemberFactory(), MemberFactory()
    stage = StageFactory(member=member)
    first = log_action(actor=claire, action="member.created", target=member)
    third = log_action(actor=claire, action="stage.added", target=stage, subject=member)
    second = log_action(actor=None, action="member.updated", target=member)
    log_action(actor=claire, action="member.created", target=other)
    for entry, day in ((first, 1), (second, 2), (third, 3)):
        AuditEntry.objects.filter(pk=entry.pk).update(
            created_at=dt.datetime(2025, 1, day, 9, 0, tzinfo=dt.UTC)
        )
    assert [e.pk for e in history_of(member)] == [third.pk, second.pk, first.pk]
    assert [e.action for e in history_of(other)] == ["member.created"]


@pytest.mark.django_db
def test_history_of_breaks_ties_by_newest_entry(claire, django_assert_num_queries) -> None:
    member = MemberFactory()
    now = timezone.now()
    log_actions(audit_entry(actor=claire, action=f"step.{n}", target=member) for n in range(3))
    AuditEntry.objects.update(created_at=now)
    # The actor comes with the entry: one query for the whole history.
    with django_assert_num_queries(1):
        rows = [(e.action, e.actor.email) for e in history_of(member)]
    assert rows == [
        ("step.2", "claire@coop.example"),
        ("step.1", "claire@coop.example"),
        ("step.0", "claire@coop.example"),
    ]
