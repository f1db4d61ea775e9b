"""Groups and their members: create, activate, close; join, ask, invite, answer, leave.

Every change writes an audit entry whose subject is the group. A project group counts 2 to
10 members: the 11th is refused whichever way they come (invitation, request, approval).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.groups import selectors
from essaim.groups.models import (
    PROJECT_MAX_MEMBERS,
    PROJECT_MIN_MEMBERS,
    Group,
    GroupKind,
    GroupStatus,
    Membership,
    MembershipRole,
    MembershipState,
    SplitRule,
)
from essaim.members.models import Member
from essaim.skills.models import Node

NAME_MAX = Group._meta.get_field("name").max_length


def group_url(group: Group) -> str:
    return reverse("groups:detail", args=[group.pk])


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _locked(group: Group) -> Group:
    """The group row locked: two answers at once cannot both take the 10th seat."""
    return Group.objects.select_for_update().get(pk=group.pk)


def _check_present(member: Member, today: dt.date) -> None:
    if member.exit_date is not None and member.exit_date <= today:
        raise ValidationError(
            _("%(name)s a quitté la coopérative : ne peut plus rejoindre de groupe.")
            % {"name": member}
        )
    if member.user_id is None or not member.user.is_active:
        raise ValidationError(
            _(
                "%(name)s n'a pas de compte Essaim actif : ouvrez-lui un accès avant de "
                "l'ajouter à un groupe."
            )
            % {"name": member}
        )


def _check_open(group: Group) -> None:
    if group.status == GroupStatus.CLOSED:
        raise ValidationError(_("Le groupe « %(name)s » est clos.") % {"name": group.name})


def _size_error(group: Group, count: int, *, pending: bool) -> ValidationError:
    detail = (
        _(
            "« %(name)s » en compte déjà %(count)d, invitations en attente comprises : "
            "retirez une invitation ou un membre avant d'en ajouter un autre."
        )
        if pending
        else _("« %(name)s » en compte déjà %(count)d : il est complet.")
    )
    return ValidationError(
        _("Un groupe projet compte de 2 à 10 membres.")
        + " "
        + detail % {"name": group.name, "count": count}
    )


def _check_room(group: Group, *, counting_invitations: bool) -> None:
    if group.kind != GroupKind.PROJECT:
        return
    states = [MembershipState.ACTIVE]
    if counting_invitations:
        states.append(MembershipState.INVITED)
    count = Membership.objects.filter(group=group, state__in=states).count()
    if count >= PROJECT_MAX_MEMBERS:
        raise _size_error(group, count, pending=counting_invitations)


def _open_row(group: Group, member: Member) -> Membership | None:
    return Membership.objects.filter(group=group, member=member, state__in=_OPEN).first()


_OPEN = [MembershipState.INVITED, MembershipState.REQUESTED, MembershipState.ACTIVE]


def _check_not_in(group: Group, member: Member) -> None:
    row = _open_row(group, member)
    if row is None:
        return
    messages = {
        MembershipState.ACTIVE: _("%(name)s est déjà membre du groupe."),
        MembershipState.INVITED: _("%(name)s est déjà invité·e : l'invitation attend sa réponse."),
        MembershipState.REQUESTED: _(
            "%(name)s a déjà demandé à rejoindre le groupe : répondez à sa demande."
        ),
    }
    raise ValidationError(messages[row.state] % {"name": member})


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Donnez un nom au groupe.")})
    if len(name) > NAME_MAX:
        raise ValidationError(
            {"name": _("Le nom est trop long : %(max)d caractères au plus.") % {"max": NAME_MAX}}
        )
    return name


def _managers(group: Group) -> list[User | None]:
    return [
        m.member.user
        for m in Membership.objects.filter(
            group=group,
            state=MembershipState.ACTIVE,
            role__in=[MembershipRole.LEAD, MembershipRole.FACILITATOR],
        ).select_related("member__user")
    ]


# ---------------------------------------------------------------- the group


@transaction.atomic
def group_create(
    *,
    actor: User | None,
    kind: str,
    name: str,
    description: str = "",
    nodes: Iterable[Node] = (),
    creator: Member | None = None,
    today: dt.date | None = None,
) -> Group:
    """Create a group. `creator` (a member) becomes its lead. Trade and brand groups are
    active at once; a project group is in preparation until its charter is complete."""
    if kind not in GroupKind.values:
        raise ValidationError({"kind": _("Type de groupe inconnu : %(kind)s.") % {"kind": kind}})
    name = _clean_name(name)
    # A date given (the demo's history) dates the creation too.
    created_at = (
        timezone.now()
        if today is None
        else timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    )
    today = _today(today)
    if kind == GroupKind.PROJECT and creator is None:
        raise ValidationError(
            _("Un groupe projet est créé par l'un de ses membres, qui en devient porteur·se.")
        )
    if creator is not None:
        _check_present(creator, today)
    active = kind != GroupKind.PROJECT
    group = Group.objects.create(
        kind=kind,
        name=name,
        description=(description or "").strip(),
        is_open=kind == GroupKind.TRADE,
        status=GroupStatus.ACTIVE if active else GroupStatus.DRAFT,
        split_rule=SplitRule.EQUAL if kind == GroupKind.BRAND else "",
        created_by=actor if actor is not None and actor.pk else None,
        created_at=created_at,
        activated_on=today if active else None,
    )
    group.nodes.set(list(nodes))
    if creator is not None:
        Membership.objects.create(
            group=group,
            member=creator,
            role=MembershipRole.LEAD,
            state=MembershipState.ACTIVE,
            start=today,
        )
    log_action(
        actor=actor,
        action="group.created",
        target=group,
        data={"kind": kind, "name": name, "lead": creator.pk if creator else None},
    )
    return group


@transaction.atomic
def group_update(
    *, actor: User | None, group: Group, name: str, description: str, nodes: Iterable[Node]
) -> Group:
    _check_open(group)
    before = {"name": group.name, "description": group.description}
    before_nodes = sorted(group.nodes.values_list("code", flat=True))
    group.name = _clean_name(name)
    group.description = (description or "").strip()
    group.save(update_fields=["name", "description"])
    nodes = list(nodes)
    group.nodes.set(nodes)
    changes = {k: [v, getattr(group, k)] for k, v in before.items() if v != getattr(group, k)}
    after_nodes = sorted(n.code for n in nodes)
    if after_nodes != before_nodes:
        changes["nodes"] = [before_nodes, after_nodes]
    if changes:
        log_action(actor=actor, action="group.updated", target=group, changes=changes)
    return group


@transaction.atomic
def group_activate(*, actor: User | None, group: Group, today: dt.date | None = None) -> Group:
    """A project group becomes active once its charter is complete and it has 2 members."""
    group = _locked(group)
    if group.kind != GroupKind.PROJECT or group.status != GroupStatus.DRAFT:
        raise ValidationError(_("Seul un groupe projet en préparation peut être activé."))
    if not hasattr(group, "charter"):
        raise ValidationError(
            _(
                "Ce groupe projet n'a pas encore de charte : rédigez-la (objectif, clients "
                "visés, offre, phases et jalons, engagements, rôles, relecteur·rices) avant "
                "de l'activer."
            )
        )
    missing = selectors.charter_missing(group)
    if missing:
        raise ValidationError(
            _("La charte n'est pas complète : il manque %(missing)s.")
            % {"missing": " ; ".join(missing)}
        )
    count = Membership.objects.filter(group=group, state=MembershipState.ACTIVE).count()
    if count < PROJECT_MIN_MEMBERS:
        raise ValidationError(
            _("Un groupe projet compte de 2 à 10 membres.")
            + " "
            + _("Invitez au moins un autre membre avant d'activer le groupe.")
        )
    group.status = GroupStatus.ACTIVE
    group.activated_on = _today(today)
    group.save(update_fields=["status", "activated_on"])
    log_action(
        actor=actor,
        action="group.activated",
        target=group,
        changes={"status": [GroupStatus.DRAFT, GroupStatus.ACTIVE]},
    )
    return group


@transaction.atomic
def group_close(*, actor: User | None, group: Group, today: dt.date | None = None) -> Group:
    """Close the group: its members' memberships end today, waiting invitations and requests
    are dropped. Its content stays readable by those who could read it."""
    group = _locked(group)
    _check_open(group)
    today = _today(today)
    before = group.status
    group.status = GroupStatus.CLOSED
    group.closed_on = today
    group.save(update_fields=["status", "closed_on"])
    now = timezone.now()
    Membership.objects.filter(group=group, state=MembershipState.ACTIVE).update(
        state=MembershipState.LEFT, end=today
    )
    Membership.objects.filter(group=group, state=MembershipState.INVITED).update(
        state=MembershipState.DECLINED, decided_at=now
    )
    Membership.objects.filter(group=group, state=MembershipState.REQUESTED).update(
        state=MembershipState.REFUSED, decided_at=now
    )
    log_action(
        actor=actor, action="group.closed", target=group, changes={"status": [before, "closed"]}
    )
    return group


# ---------------------------------------------------------------- joining and leaving


@transaction.atomic
def member_join(
    *, actor: User | None, group: Group, member: Member, today: dt.date | None = None
) -> Membership:
    """Join an open (trade) group at once."""
    group = _locked(group)
    _check_open(group)
    if not group.is_open:
        raise ValidationError(
            _(
                "Le groupe « %(name)s » est fermé : on le rejoint sur invitation ou en "
                "demandant à y entrer."
            )
            % {"name": group.name}
        )
    today = _today(today)
    _check_present(member, today)
    _check_not_in(group, member)
    membership = Membership.objects.create(
        group=group, member=member, state=MembershipState.ACTIVE, start=today
    )
    log_action(actor=actor, action="group.joined", target=membership, subject=group)
    return membership


@transaction.atomic
def member_request(
    *,
    actor: User | None,
    group: Group,
    member: Member,
    message: str = "",
    today: dt.date | None = None,
) -> Membership:
    """Ask to join a closed group; its leads and facilitators are told."""
    group = _locked(group)
    _check_open(group)
    if group.is_open:
        raise ValidationError(
            _("Le groupe « %(name)s » est ouvert : rejoignez-le directement.")
            % {"name": group.name}
        )
    _check_present(member, _today(today))
    _check_not_in(group, member)
    _check_room(group, counting_invitations=False)
    membership = Membership.objects.create(
        group=group, member=member, state=MembershipState.REQUESTED, message=message.strip()
    )
    log_action(actor=actor, action="group.requested", target=membership, subject=group)
    notify(
        users=_managers(group),
        kind="group.request",
        title=_("%(name)s demande à rejoindre « %(group)s »") % {"name": member, "group": group},
        body=message.strip(),
        url=reverse("groups:members", args=[group.pk]),
    )
    return membership


@transaction.atomic
def member_invite(
    *,
    actor: User | None,
    group: Group,
    member: Member,
    role: str = MembershipRole.MEMBER,
    message: str = "",
    today: dt.date | None = None,
) -> Membership:
    """Invite a member; the invitation is told to them. Pending invitations count in a
    project group's 10 seats. (`today`: the day of the invitation, for a history.)"""
    group = _locked(group)
    _check_open(group)
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s.") % {"role": role}})
    _check_present(member, _today(today))
    _check_not_in(group, member)
    _check_room(group, counting_invitations=True)
    membership = Membership.objects.create(
        group=group,
        member=member,
        role=role,
        state=MembershipState.INVITED,
        invited_by=actor if actor is not None and actor.pk else None,
        message=message.strip(),
    )
    log_action(
        actor=actor, action="group.invited", target=membership, subject=group, data={"role": role}
    )
    notify(
        users=[member.user],
        kind="group.invited",
        title=_("Invitation à rejoindre « %(group)s »") % {"group": group},
        body=message.strip(),
        url=group_url(group),
    )
    return membership


def _pending(membership: Membership, state: str) -> Membership:
    row = Membership.objects.select_related("member__user").get(pk=membership.pk)
    if row.state != state:
        raise ValidationError(_("Cette invitation ou cette demande a déjà reçu une réponse."))
    return row


@transaction.atomic
def invitation_accept(
    *, actor: User | None, membership: Membership, today: dt.date | None = None
) -> Membership:
    group = _locked(membership.group)
    _check_open(group)
    row = _pending(membership, MembershipState.INVITED)
    today = _today(today)
    _check_present(row.member, today)
    _check_room(group, counting_invitations=False)
    row.state, row.start, row.decided_at = MembershipState.ACTIVE, today, timezone.now()
    row.save(update_fields=["state", "start", "decided_at"])
    log_action(actor=actor, action="group.invitation_accepted", target=row, subject=group)
    notify(
        users=_managers(group),
        kind="group.joined",
        title=_("%(name)s a rejoint « %(group)s »") % {"name": row.member, "group": group},
        url=group_url(group),
    )
    return row


@transaction.atomic
def invitation_decline(*, actor: User | None, membership: Membership) -> Membership:
    group = _locked(membership.group)
    row = _pending(membership, MembershipState.INVITED)
    row.state, row.decided_at = MembershipState.DECLINED, timezone.now()
    row.save(update_fields=["state", "decided_at"])
    log_action(actor=actor, action="group.invitation_declined", target=row, subject=group)
    return row


@transaction.atomic
def request_approve(
    *, actor: User | None, membership: Membership, today: dt.date | None = None
) -> Membership:
    group = _locked(membership.group)
    _check_open(group)
    row = _pending(membership, MembershipState.REQUESTED)
    today = _today(today)
    _check_present(row.member, today)
    _check_room(group, counting_invitations=False)
    row.state, row.start, row.decided_at = MembershipState.ACTIVE, today, timezone.now()
    row.save(update_fields=["state", "start", "decided_at"])
    log_action(actor=actor, action="group.request_approved", target=row, subject=group)
    notify(
        users=[row.member.user],
        kind="group.approved",
        title=_("Vous avez rejoint « %(group)s »") % {"group": group},
        url=group_url(group),
    )
    return row


@transaction.atomic
def request_refuse(*, actor: User | None, membership: Membership) -> Membership:
    group = _locked(membership.group)
    row = _pending(membership, MembershipState.REQUESTED)
    row.state, row.decided_at = MembershipState.REFUSED, timezone.now()
    row.save(update_fields=["state", "decided_at"])
    log_action(actor=actor, action="group.request_refused", target=row, subject=group)
    notify(
        users=[row.member.user],
        kind="group.refused",
        title=_("Votre demande pour « %(group)s » n'a pas été retenue") % {"group": group},
        url=group_url(group),
    )
    return row


@transaction.atomic
def invitation_withdraw(*, actor: User | None, membership: Membership) -> Membership:
    """A manager takes back an invitation not answered yet."""
    group = _locked(membership.group)
    row = _pending(membership, MembershipState.INVITED)
    row.state, row.decided_at = MembershipState.DECLINED, timezone.now()
    row.save(update_fields=["state", "decided_at"])
    log_action(actor=actor, action="group.invitation_withdrawn", target=row, subject=group)
    return row


@transaction.atomic
def membership_end(
    *, actor: User | None, membership: Membership, today: dt.date | None = None
) -> Membership:
    """The member leaves the group (or a manager removes them): the row is kept, ended."""
    group = _locked(membership.group)
    row = Membership.objects.select_related("member").get(pk=membership.pk)
    if row.state != MembershipState.ACTIVE:
        raise ValidationError(_("%(name)s ne fait plus partie du groupe.") % {"name": row.member})
    today = max(_today(today), row.start or _today(today))
    row.state, row.end = MembershipState.LEFT, today
    row.save(update_fields=["state", "end"])
    log_action(
        actor=actor,
        action="group.left",
        target=row,
        subject=group,
        data={"member": row.member_id, "end": today},
    )
    return row


@transaction.atomic
def membership_update(
    *,
    actor: User | None,
    membership: Membership,
    role: str,
    commitment_hours_per_month: int | None,
) -> Membership:
    """A member's role and minimum commitment (hours per month)."""
    _check_open(membership.group)
    if membership.state != MembershipState.ACTIVE:
        raise ValidationError(_("Ce membre ne fait plus partie du groupe."))
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s.") % {"role": role}})
    if commitment_hours_per_month is not None and not 0 <= commitment_hours_per_month <= 200:
        raise ValidationError(
            {
                "commitment_hours_per_month": _(
                    "L'engagement se compte en heures par mois, de 0 à 200."
                )
            }
        )
    before = {
        "role": membership.role,
        "commitment_hours_per_month": membership.commitment_hours_per_month,
    }
    membership.role = role
    membership.commitment_hours_per_month = commitment_hours_per_month
    membership.save(update_fields=["role", "commitment_hours_per_month"])
    changes = {
        k: [v, getattr(membership, k)] for k, v in before.items() if v != getattr(membership, k)
    }
    if changes:
        log_action(
            actor=actor,
            action="group.membership_updated",
            target=membership,
            subject=membership.group,
            changes=changes,
        )
    return membership


def membership_mute(*, actor: User | None, membership: Membership, muted: bool) -> Membership:
    """The member's own choice to get (or not) the group's discussion notifications; mentions
    and invitations still reach them. A preference, not a business change: no audit entry."""
    membership.muted = muted
    membership.save(update_fields=["muted"])
    return membership
