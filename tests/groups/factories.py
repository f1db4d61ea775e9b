"""Groups built through the services, so memberships, charters and audit entries are real."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from essaim.groups.models import Group, Membership, MembershipRole
from essaim.groups.services import groups as group_services
from essaim.groups.services import project as project_services
from essaim.members.models import Member
from tests.factories import MemberFactory


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def entrepreneur(**fields) -> Member:
    """A member with an active account."""
    return MemberFactory(**fields)


def add_member(
    group: Group, member: Member, *, role: str = MembershipRole.MEMBER, since: dt.date | None = None
) -> Membership:
    """`member` joins `group` (invited and accepting for a closed group)."""
    if group.is_open:
        return group_services.member_join(actor=None, group=group, member=member, today=since)
    row = group_services.member_invite(actor=None, group=group, member=member, role=role)
    return group_services.invitation_accept(actor=None, membership=row, today=since)


def make_group(
    kind: str,
    *,
    lead: Member | None,
    members: list[Member] = (),  # type: ignore[assignment]
    name: str = "",
    since: dt.date | None = None,
) -> Group:
    group = group_services.group_create(
        actor=lead.user if lead else None,
        kind=kind,
        name=name or f"Groupe {kind}",
        creator=lead,
        today=since,
    )
    for member in members:
        add_member(group, member, since=since)
    group.refresh_from_db()
    return group


def complete_charter(group: Group, *, reviewer_email: str = "experte@example.net") -> Group:
    """Everything a charter needs: text, a phase with a milestone, roles, commitments and an
    outside reviewer. The group's members must already be in (a lead among them)."""
    project_services.charter_save(
        actor=None,
        group=group,
        objective="Répondre ensemble à l'appel d'offres de la métropole.",
        target_clients="Collectivités du 93",
        offer="Ateliers numériques clés en main",
    )
    phase = project_services.phase_add(actor=None, group=group, name="Préparation")
    project_services.milestone_add(
        actor=None, phase=phase, name="Dossier déposé", due_date=days(30)
    )
    rows = list(Membership.objects.filter(group=group, state="active").order_by("id"))
    for index, row in enumerate(rows):
        role = row.role
        if index == 1 and not any(r.role == MembershipRole.FACILITATOR for r in rows):
            role = MembershipRole.FACILITATOR
        group_services.membership_update(
            actor=None, membership=row, role=role, commitment_hours_per_month=8
        )
    project_services.reviewer_add(
        actor=None, group=group, name="Experte Conseil", email=reviewer_email
    )
    return group


def active_project(lead: Member, *others: Member) -> Group:
    group = make_group("project", lead=lead, members=list(others), name="Projet métropole")
    complete_charter(group)
    return group_services.group_activate(actor=None, group=group)


def hours(value: str) -> Decimal:
    return Decimal(value)
