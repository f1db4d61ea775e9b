"""The cooperative's series: pattern, yearly reset, no gap after a rollback, chronology."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from essaim.finance.models import Invoice, NumberSequence
from essaim.finance.services.documents import credit_note_create, invoice_issue
from essaim.finance.services.numbering import (
    cooperative_current,
    next_number,
    numbering_pattern_errors,
    sequence_key,
)
from tests.finance import invoicing_fixtures as fx
from tests.finance.invoicing_fixtures import draft, issued, row_counts

coop = fx.coop  # fixtures
alice_activity = fx.alice_activity
acme = fx.acme


def test_numbers_follow_the_pattern(coop, alice_activity, acme) -> None:
    numbers = [issued(alice_activity, acme, dt.date(2026, 3, d)).number for d in (2, 2, 5)]
    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]
    assert NumberSequence.objects.get().key == "2026"


def test_series_restarts_each_year(coop, alice_activity, acme) -> None:
    assert issued(alice_activity, acme, dt.date(2025, 12, 31)).number == "2025-000001"
    assert issued(alice_activity, acme, dt.date(2025, 12, 31)).number == "2025-000002"
    assert issued(alice_activity, acme, dt.date(2026, 1, 2)).number == "2026-000001"
    assert dict(NumberSequence.objects.values_list("key", "last")) == {"2025": 2, "2026": 1}


def test_pattern_without_year_runs_on(coop, alice_activity, acme) -> None:
    coop.numbering_pattern = "F{seq:05d}"
    coop.save()
    assert issued(alice_activity, acme, dt.date(2025, 12, 31)).number == "F00001"
    assert issued(alice_activity, acme, dt.date(2026, 1, 2)).number == "F00002"
    assert NumberSequence.objects.get().key == "all"


def test_credit_notes_share_the_series(coop, alice_activity, acme) -> None:
    invoice = issued(alice_activity, acme)
    note = credit_note_create(actor=None, invoice=invoice, reason="Annulation")
    note = invoice_issue(actor=None, invoice=note, issue_date=fx.DAY, render_pdf=False)
    assert (invoice.number, note.number) == ("2026-000001", "2026-000002")


def test_default_pattern_without_a_cooperative_row(db, alice_activity, acme) -> None:
    assert cooperative_current().pk is None
    assert issued(alice_activity, acme).number == "2026-000001"


def test_rollback_gives_the_number_back(coop, alice_activity, acme) -> None:
    first = draft(alice_activity, acme)
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(actor=None, invoice=first, issue_date=fx.DAY, render_pdf=False)
        raise RuntimeError("the rest of the action failed")
    first.refresh_from_db()
    assert (first.status, first.number) == ("draft", "")
    assert not NumberSequence.objects.filter(last__gt=0).exists()
    assert issued(alice_activity, acme).number == "2026-000001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_next_number_refuses_to_run_outside_a_transaction(transactional_db) -> None:
    # In autocommit the lock would end with the statement: the number could be lost.
    with pytest.raises(RuntimeError):
        next_number(day=fx.DAY)


def test_chronology_refuses_an_earlier_date_and_writes_nothing(coop, alice_activity, acme) -> None:
    issued(alice_activity, acme, dt.date(2026, 3, 10))
    late = draft(alice_activity, acme)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        invoice_issue(actor=None, invoice=late, issue_date=dt.date(2026, 3, 9))
    assert error.value.message_dict == {
        "issue_date": [
            "La date d'émission (09/03/2026) est antérieure à celle de la dernière facture "
            "émise (10/03/2026) : la numérotation doit rester chronologique. Émettez-la au "
            "10/03/2026 ou plus tard."
        ]
    }
    assert row_counts() == before
    late.refresh_from_db()
    assert late.number == ""


def test_chronology_across_years(coop, alice_activity, acme) -> None:
    issued(alice_activity, acme, dt.date(2026, 1, 5))
    with pytest.raises(ValidationError, match="antérieure"):
        issued(alice_activity, acme, dt.date(2025, 12, 31))
    assert not NumberSequence.objects.filter(key="2025").exists()


def test_same_day_is_chronological(coop, alice_activity, acme) -> None:
    issued(alice_activity, acme, dt.date(2026, 3, 10))
    assert issued(alice_activity, acme, dt.date(2026, 3, 10)).number == "2026-000002"


def test_future_date_is_refused(coop, alice_activity, acme, settings) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError, match="est dans le futur"):
        issued(alice_activity, acme, tomorrow)
    assert Invoice.objects.exclude(number="").count() == 0


def test_number_already_taken_after_a_pattern_change(coop, alice_activity, acme) -> None:
    issued(alice_activity, acme, dt.date(2026, 1, 5))  # "2026-000001", series "2026"
    coop.numbering_pattern = "2026-{seq:06d}"  # the same numbers again, series "all"
    coop.save()
    with pytest.raises(ValidationError, match="Le numéro 2026-000001 est déjà pris"):
        issued(alice_activity, acme, dt.date(2026, 1, 6))
    assert Invoice.objects.exclude(number="").count() == 1


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        ("{year}", "doit contenir {seq}"),
        ("{year}-{seq:06d}-{month}", "Champ inconnu dans le modèle"),
        ("{year-{seq}", "Accolade mal fermée"),
        ("{seq:d}{year:ZZ}", "invalide"),
        ("X" * 40 + "{seq}", "plus de 40 caractères"),
    ],
)
def test_pattern_errors(pattern: str, error: str) -> None:
    errors = numbering_pattern_errors(pattern)
    assert errors and error in errors[0]


def test_a_bad_pattern_stops_the_issue(coop, alice_activity, acme) -> None:
    coop.numbering_pattern = "{year}"
    coop.save()
    invoice = draft(alice_activity, acme)
    with pytest.raises(ValidationError) as error:
        invoice_issue(actor=None, invoice=invoice, issue_date=fx.DAY)
    assert list(error.value.message_dict) == ["numbering_pattern"]


def test_good_patterns_and_keys() -> None:
    assert numbering_pattern_errors("{year}-{seq:06d}") == []
    assert numbering_pattern_errors("FA{seq}") == []
    assert sequence_key("{year}-{seq:06d}", dt.date(2026, 5, 1)) == "2026"
    assert sequence_key("FA{seq}", dt.date(2026, 5, 1)) == "all"
