"""The last seats under concurrency, on PostgreSQL: members registering from several
connections at once never overfill an event, and the waiting list stays gapless (SQLite
serialises every writer, so it proves nothing)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from essaim.events.models import Registration
from essaim.events.services.registrations import registration_cancel, registration_register
from tests.events.factories import make_event
from tests.factories import MemberFactory

# serialized_rollback: the flush after a transactional test would otherwise wipe what data
# migrations install (sectors, the built-in nomenclature) for the tests that run after it.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="verrous de ligne concurrents : PostgreSQL seulement (DATABASE_URL)",
    ),
]

THREADS = 4
MEMBERS = 20
SEATS = 5


def _in_threads(work, items: list) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    lock = threading.Lock()

    def worker(share: list) -> None:
        try:
            start.wait()
            for item in share:
                work(item)
        except BaseException as error:  # reported to the test below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(items[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_registrations_never_overfill(transactional_db) -> None:
    event = make_event(capacity=SEATS)
    members = [MemberFactory() for _ in range(MEMBERS)]

    def register(member) -> None:
        registration_register(actor=None, event=event, member=member)

    assert _in_threads(register, members) == []

    rows = Registration.objects.filter(event=event)
    assert rows.filter(status="registered").count() == SEATS
    positions = sorted(rows.filter(status="waiting").values_list("position", flat=True))
    assert positions == list(range(1, MEMBERS - SEATS + 1))

    # Half of the registered cancel at once: as many waiting members take their seats, in
    # the order of the list.
    first_waiting = list(
        rows.filter(status="waiting").order_by("position").values_list("member_id", flat=True)
    )[:2]
    leaving = list(rows.filter(status="registered")[:2])

    def cancel(row: Registration) -> None:
        registration_cancel(actor=None, registration=row)

    assert _in_threads(cancel, leaving) == []

    assert rows.filter(status="registered").count() == SEATS
    promoted = set(rows.filter(status="registered").values_list("member_id", flat=True))
    assert set(first_waiting) <= promoted
    positions = sorted(rows.filter(status="waiting").values_list("position", flat=True))
    assert positions == list(range(1, MEMBERS - SEATS - 2 + 1))
