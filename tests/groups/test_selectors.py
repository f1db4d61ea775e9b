"""Reads other apps build on: participation per member and month, figures per year, the
health panel of a real group, the hours behind a split."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from essaim.groups import selectors
from essaim.groups.models import Group, Membership, TimeEntry
from essaim.groups.services import groups as group_services
from essaim.groups.services import project as services
from essaim.groups.split import split_turnover
from tests.groups.factories import active_project, days, make_group, today


def test_participation_rows_per_month_of_membership_and_per_meeting_attended(alice, bob, claire):
    trade = group_services.group_create(
        actor=claire, kind="trade", name="Web", today=dt.date(2025, 1, 10)
    )
    row = group_services.member_join(
        actor=None, group=trade, member=alice, today=dt.date(2025, 1, 20)
    )
    group_services.membership_end(actor=None, membership=row, today=dt.date(2025, 3, 5))
    group_services.member_join(actor=None, group=trade, member=bob, today=dt.date(2025, 3, 1))
    services.note_add(
        actor=None, group=trade, date=dt.date(2025, 3, 3), attendees=[alice, bob], notes="Tour"
    )

    rows = selectors.participation_rows(start=dt.date(2025, 2, 1), end=dt.date(2025, 4, 30))

    assert rows == [
        (alice.pk, dt.date(2025, 2, 1), "group.member"),
        (alice.pk, dt.date(2025, 3, 1), "group.member"),
        (bob.pk, dt.date(2025, 3, 1), "group.member"),
        (alice.pk, dt.date(2025, 3, 3), "group.meeting"),
        (bob.pk, dt.date(2025, 3, 3), "group.meeting"),
        (bob.pk, dt.date(2025, 4, 1), "group.member"),
    ]


def test_participation_rows_leave_out_invitations_and_requests(alice, bob):
    group = make_group("project", lead=alice, since=dt.date(2025, 5, 2))
    group_services.member_invite(actor=None, group=group, member=bob)

    rows = selectors.participation_rows(start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 31))

    assert rows == [(alice.pk, dt.date(2025, 5, 2), "group.member")]


def test_stats_count_groups_by_kind_per_year(alice, claire):
    group_services.group_create(actor=claire, kind="trade", name="A", today=dt.date(2023, 3, 1))
    old = group_services.group_create(
        actor=claire, kind="trade", name="B", today=dt.date(2023, 3, 1)
    )
    group_services.group_close(actor=None, group=old, today=dt.date(2023, 12, 1))
    make_group("project", lead=alice, since=dt.date(2024, 5, 1))
    make_group("brand", lead=alice, since=dt.date(2024, 6, 1))

    assert selectors.stats(year=2023) == {"groups_by_kind": {"trade": 2, "project": 0, "brand": 0}}
    assert selectors.stats(year=2024) == {"groups_by_kind": {"trade": 1, "project": 1, "brand": 1}}
    assert selectors.stats() == {"groups_by_kind": {"trade": 1, "project": 1, "brand": 1}}


def test_health_of_a_project_and_its_plain_prompt(alice, bob):
    group = active_project(alice, bob)
    Group.objects.filter(pk=group.pk).update(activated_on=days(-60))
    group.refresh_from_db()
    Membership.objects.filter(group=group).update(start=days(-60))
    late = services.task_add(actor=None, group=group, title="Devis", owner=bob, due_date=days(-2))
    for offset in (-30, -20, -10):
        services.note_add(actor=None, group=group, date=days(offset), attendees=[alice, bob])
    last_month = selectors.health_rules.previous_month(today())
    TimeEntry.objects.create(group=group, member=alice, month=last_month, hours=Decimal(9))

    panel = selectors.health_of(group)

    assert panel.overdue_tasks == (late.pk,)
    assert panel.below_commitment == (bob.pk,)
    assert (panel.meetings_held, panel.meetings_without_progress, panel.days_since_progress) == (
        3,
        3,
        60,
    )
    assert selectors.stall_prompt(panel) == (
        "Trois réunions sans avancée : faut-il revoir le plan, ou désigner qui tranche ?"
    )
    services.task_set_status(actor=None, task=late, status="done")
    assert selectors.stall_prompt(selectors.health_of(group)) == ""


def test_the_split_of_a_brand_group_by_declared_hours(alice, bob):
    group = make_group("brand", lead=alice, members=[bob])
    services.split_rule_set(actor=None, group=group, rule="hours")
    month = today().replace(day=1)
    services.time_declare(actor=None, group=group, member=alice, month=month, hours=Decimal(10))
    services.time_declare(actor=None, group=group, member=bob, month=month, hours=Decimal(20))

    hours = selectors.hours_by_member(group, start=month, end=today())
    shares = split_turnover(selectors.split_rule_of(group), Decimal("100.00"), hours)

    assert shares == {alice.pk: Decimal("33.33"), bob.pk: Decimal("66.67")}
