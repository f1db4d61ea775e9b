"""The project charter and activation, tasks, decisions, meeting notes, the time log, the
trade plan and the brand split rule: refusals in French, nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry, Notification
from essaim.groups import selectors
from essaim.groups.models import Charter, MeetingNote, Membership, Task, TimeEntry
from essaim.groups.services import groups as group_services
from essaim.groups.services import project as services
from tests.groups.factories import (
    active_project,
    complete_charter,
    days,
    entrepreneur,
    make_group,
    today,
)


def test_a_charter_without_objective_is_refused(alice):
    group = make_group("project", lead=alice)

    with pytest.raises(ValidationError) as exc:
        services.charter_save(actor=alice.user, group=group, objective="  ", offer="Ateliers")

    assert exc.value.message_dict == {
        "objective": [
            "Une charte sans objectif ne peut pas être enregistrée : écrivez en une ou deux "
            "phrases ce que le groupe veut atteindre."
        ]
    }
    assert Charter.objects.count() == 0


def test_the_charter_lists_what_it_lacks_then_the_group_activates(alice, bob):
    group = make_group("project", lead=alice, members=[bob])
    services.charter_save(actor=alice.user, group=group, objective="Gagner le marché")

    assert selectors.charter_missing(group) == [
        "les clients visés",
        "l'offre",
        "au moins une phase du planning",
        "un·e animateur·rice",
        "l'engagement minimum (heures par mois) de Alice Martin, Bob Durand",
        "au moins un·e relecteur·rice extérieur·e",
    ]
    with pytest.raises(ValidationError) as exc:
        group_services.group_activate(actor=alice.user, group=group)
    assert exc.value.messages[0].startswith("La charte n'est pas complète : il manque les clients")

    complete_charter(group)
    assert selectors.charter_missing(group) == []
    group = group_services.group_activate(actor=alice.user, group=group)
    assert (group.status, group.activated_on) == ("active", today())


def test_activation_needs_two_members(alice):
    group = make_group("project", lead=alice)
    complete_charter(group)
    assert "un·e animateur·rice" in selectors.charter_missing(group)  # alone: lead only

    with pytest.raises(ValidationError):
        group_services.group_activate(actor=alice.user, group=group)
    facilitator = entrepreneur()
    row = group_services.member_invite(
        actor=None, group=group, member=facilitator, role="facilitator"
    )
    row = group_services.invitation_accept(actor=None, membership=row)
    group_services.membership_update(
        actor=None, membership=row, role="facilitator", commitment_hours_per_month=4
    )
    group_services.membership_end(
        actor=None, membership=Membership.objects.get(group=group, member=alice)
    )
    # The lead left: one member, no lead.
    with pytest.raises(ValidationError) as exc:
        group_services.group_activate(actor=None, group=group)
    assert "un·e porteur·se du projet" in exc.value.messages[0]


def test_an_outside_expert_reviewer_is_emailed_a_member_reviewer_notified(alice, bob):
    group = make_group("project", lead=alice)
    mail.outbox.clear()

    with pytest.raises(ValidationError) as exc:
        services.reviewer_add(actor=alice.user, group=group, name="Sans adresse")
    assert exc.value.messages == [
        "Choisissez un membre de la coopérative, ou donnez le nom et l'adresse e-mail de "
        "l'expert·e extérieur·e."
    ]
    with pytest.raises(ValidationError) as in_group:
        services.reviewer_add(actor=alice.user, group=group, member=alice)
    assert "est membre du groupe" in in_group.value.messages[0]

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reviewer_add(actor=alice.user, group=group, name="Experte", email="E@x.net")
    services.reviewer_add(actor=alice.user, group=group, member=bob)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["e@x.net"], "Invitation à relire le projet « Groupe project »")
    ]
    assert "alice@example.org" in mail.outbox[0].body
    assert Notification.objects.filter(user=bob.user, kind="group.reviewer").count() == 1


def test_milestones_are_reached_once_and_not_in_the_future(alice):
    group = make_group("project", lead=alice)
    phase = services.phase_add(actor=None, group=group, name="Lancement")
    milestone = services.milestone_add(
        actor=None, phase=phase, name="Site en ligne", due_date=days(5)
    )

    with pytest.raises(ValidationError):
        services.milestone_reach(actor=None, milestone=milestone, on=days(1))
    services.milestone_reach(actor=None, milestone=milestone)
    with pytest.raises(ValidationError) as twice:
        services.milestone_reach(actor=None, milestone=milestone)

    assert twice.value.messages == [
        f"Le jalon « Site en ligne » est déjà atteint (le {today():%d/%m/%Y})."
    ]
    with pytest.raises(ValidationError):
        services.phase_delete(actor=None, phase=phase)


def test_tasks_have_an_owner_from_the_group_and_record_when_done(alice, bob):
    group = active_project(alice, bob)
    stranger = entrepreneur(first_name="Jean", last_name="Dehors")

    with pytest.raises(ValidationError) as exc:
        services.task_add(actor=alice.user, group=group, title="Devis", owner=stranger)
    assert exc.value.message_dict == {"owner": ["Jean Dehors n'est pas membre du groupe."]}

    task = services.task_add(
        actor=alice.user, group=group, title="Devis", owner=bob, due_date=days(3)
    )
    assert Notification.objects.get(user=bob.user, kind="group.task").title == (
        "Nouvelle tâche pour vous dans « Projet métropole » : Devis"
    )
    services.task_set_status(actor=bob.user, task=task, status="done")
    task.refresh_from_db()
    assert (task.status, task.done_at) == ("done", today())
    services.task_set_status(actor=bob.user, task=task, status="doing")
    task.refresh_from_db()
    assert (task.status, task.done_at) == ("doing", None)
    with pytest.raises(ValidationError):
        services.task_set_status(actor=bob.user, task=task, status="finished")


def test_meeting_notes_take_members_present_at_the_date_and_no_future_date(alice, bob):
    group = active_project(alice, bob)
    stranger = entrepreneur(first_name="Jean", last_name="Dehors")

    with pytest.raises(ValidationError) as future:
        services.note_add(actor=None, group=group, date=days(2), attendees=[alice])
    with pytest.raises(ValidationError) as outsider:
        services.note_add(actor=None, group=group, date=today(), attendees=[alice, stranger])
    with pytest.raises(ValidationError) as before:
        services.note_add(actor=None, group=group, date=days(-10), attendees=[alice])

    assert "la date est future" in future.value.message_dict["date"][0]
    assert outsider.value.message_dict == {
        "attendees": ["Pas membre du groupe à cette date : Jean Dehors."]
    }
    assert before.value.message_dict == {
        "attendees": ["Pas membre du groupe à cette date : Alice Martin."]
    }
    note = services.note_add(
        actor=None, group=group, date=today(), attendees=[alice, bob], progress=" "
    )
    assert (note.made_progress, sorted(m.pk for m in note.attendees.all())) == (
        False,
        sorted([alice.pk, bob.pk]),
    )
    assert MeetingNote.objects.count() == 1


def test_time_is_declared_per_month_and_replaced(alice, bob):
    group = active_project(alice, bob)

    services.time_declare(actor=None, group=group, member=bob, month=today(), hours=Decimal("3"))
    services.time_declare(actor=None, group=group, member=bob, month=today(), hours=Decimal("5.5"))
    with pytest.raises(ValidationError) as exc:
        services.time_declare(
            actor=None, group=group, member=bob, month=today(), hours=Decimal("-1")
        )

    assert exc.value.message_dict == {"hours": ["Un mois compte de 0 à 744 heures."]}
    assert list(TimeEntry.objects.values_list("month", "hours")) == [
        (today().replace(day=1), Decimal("5.50"))
    ]


def test_the_yearly_plan_belongs_to_trade_groups(alice, claire):
    trade = group_services.group_create(actor=claire, kind="trade", name="Web")
    project = make_group("project", lead=alice)

    cycle = services.cycle_add(
        actor=claire, group=trade, kind="training", title="Accessibilité", date=days(20)
    )
    with pytest.raises(ValidationError) as exc:
        services.cycle_add(actor=None, group=project, kind="training", title="X", date=days(2))

    assert (cycle.kind, cycle.title) == ("training", "Accessibilité")
    assert exc.value.messages == ["Le plan annuel de cycles est celui d'un groupe métier."]


def test_fixed_percentages_must_cover_every_member_and_sum_to_100(alice, bob):
    group = make_group("brand", lead=alice, members=[bob])

    with pytest.raises(ValidationError) as missing:
        services.split_rule_set(actor=None, group=group, rule="fixed", percents={alice.pk: 60})
    with pytest.raises(ValidationError) as total:
        services.split_rule_set(
            actor=None, group=group, rule="fixed", percents={alice.pk: 60, bob.pk: Decimal("30.5")}
        )

    assert missing.value.messages == [
        "Donnez un pourcentage à chaque membre : il manque Bob Durand."
    ]
    assert total.value.messages == [
        "Les pourcentages font 90,50 % : ils doivent faire 100 % exactement."
    ]
    group.refresh_from_db()
    assert group.split_rule == "equal"

    services.split_rule_set(
        actor=None, group=group, rule="fixed", percents={alice.pk: 60, bob.pk: 40}
    )
    rule = selectors.split_rule_of(group)
    assert (rule.kind, dict(rule.percents)) == ("fixed", {alice.pk: Decimal("60"), bob.pk: 40})
    assert selectors.split_problems(group) == []

    services.split_rule_set(actor=None, group=group, rule="hours")
    assert list(Membership.objects.filter(group=group).values_list("split_percent", flat=True)) == [
        None,
        None,
    ]
    assert AuditEntry.objects.filter(action="group.split_rule_set").count() == 2


def test_the_split_rule_reports_members_who_joined_after_fixed_percentages(alice, bob):
    group = make_group("brand", lead=alice)
    services.split_rule_set(actor=None, group=group, rule="fixed", percents={alice.pk: 100})
    row = group_services.member_invite(actor=None, group=group, member=bob)
    group_services.invitation_accept(actor=None, membership=row)

    assert selectors.split_problems(group) == ["Sans pourcentage : Bob Durand."]


def test_content_texts_stay_out_of_the_audit_log(alice, bob):
    group = active_project(alice, bob)
    services.decision_add(
        actor=None, group=group, date=today(), text="Secret de fabrication", decided_by="le groupe"
    )
    assert not AuditEntry.objects.filter(data__icontains="Secret").exists()
    assert Task.objects.count() == 0
