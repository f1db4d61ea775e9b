"""Every write of staffing: opportunities and their roles, solving, inviting, answering,
solving again without the members who declined, forming the team (a co-contracting deal),
and the priority policy. Each function is one transaction and writes the audit log."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core.audit import diff, log_action
from essaim.core.models import Role, User
from essaim.core.notifications import notify
from essaim.groups.models import Group, GroupKind
from essaim.groups.services.groups import group_create, member_invite
from essaim.marketplace.models import (
    DealKind,
    DealOrigin,
    Opportunity,
    WorkRequest,
)
from essaim.marketplace.services.deals import ProviderShare, deal_create
from essaim.members.models import Member
from essaim.skills import geo
from essaim.skills.models import Node
from essaim.staffing import rules, selectors, solver
from essaim.staffing.models import (
    LIVE_INVITATIONS,
    MAX_ROLES,
    MAX_TEAM_SIZE,
    Invitation,
    InvitationStatus,
    OpportunityStatus,
    PriorityPolicy,
    Proposal,
    ProposalAssignment,
    SolveStatus,
    StaffingOpportunity,
    StaffingRole,
)

SOLVE_SECONDS = 20.0  # a page waits at most this long; the answer is then "feasible"
MAX_HOURS = Decimal("9999.9")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RoleSpec:
    node: Node
    min_level: int
    hours: Decimal
    label: str = ""


# ---------------------------------------------------------------- opportunities


def _money(value: object, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ValidationError(
            {field: _("« %(value)s » n'est pas un montant.") % {"value": value}}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("Le montant ne peut pas être négatif.")})
    return amount.quantize(CENT)


def _clean_fields(
    *,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    zone: str,
    budget: object,
    max_team_size: int,
) -> dict[str, Any]:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Donnez un titre à cette opportunité.")})
    if start_date is None or end_date is None:
        raise ValidationError({"start_date": _("Indiquez les dates de début et de fin.")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("La fin est avant le début : corrigez les dates.")})
    zone = (zone or "").strip()
    if zone:
        normalised = geo.normalise_zone(zone)
        if normalised is None:
            raise ValidationError(
                {"zone": _("« %(value)s » n'est pas un département français.") % {"value": zone}}
            )
        zone = normalised
    if not isinstance(max_team_size, int) or not 1 <= max_team_size <= MAX_TEAM_SIZE:
        raise ValidationError(
            {
                "max_team_size": _("La taille de l'équipe va de 1 à %(max)d personnes.")
                % {"max": MAX_TEAM_SIZE}
            }
        )
    return {
        "title": title,
        "start_date": start_date,
        "end_date": end_date,
        "zone": zone,
        "budget": _money(budget, "budget"),
        "max_team_size": max_team_size,
    }


def _clean_roles(roles: Sequence[RoleSpec]) -> list[RoleSpec]:
    if not roles:
        raise ValidationError({"roles": _("Décrivez au moins un rôle.")})
    if len(roles) > MAX_ROLES:
        raise ValidationError(
            {"roles": _("%(max)d rôles au plus par opportunité.") % {"max": MAX_ROLES}}
        )
    cleaned = []
    for number, spec in enumerate(roles, 1):
        if spec.node is None:
            raise ValidationError(
                {"roles": _("Rôle %(n)d : choisissez une compétence.") % {"n": number}}
            )
        if spec.min_level not in (1, 2, 3):
            raise ValidationError(
                {"roles": _("Rôle %(n)d : le niveau va de 1 à 3.") % {"n": number}}
            )
        try:
            hours = Decimal(str(spec.hours))
        except InvalidOperation:
            hours = Decimal(-1)
        if not hours.is_finite() or not Decimal(0) < hours <= MAX_HOURS:
            raise ValidationError(
                {
                    "roles": _("Rôle %(n)d : indiquez un nombre d'heures entre 0,5 et 9 999.")
                    % {"n": number}
                }
            )
        cleaned.append(
            RoleSpec(
                node=spec.node,
                min_level=spec.min_level,
                hours=hours.quantize(Decimal("0.1")),
                label=(spec.label or "").strip()[:120],
            )
        )
    return cleaned


def _write_roles(opportunity: StaffingOpportunity, roles: Sequence[RoleSpec]) -> None:
    StaffingRole.objects.bulk_create(
        [
            StaffingRole(
                opportunity=opportunity,
                position=position,
                label=spec.label,
                node=spec.node,
                min_level=spec.min_level,
                hours=spec.hours,
            )
            for position, spec in enumerate(roles)
        ]
    )


def _role_data(roles: Sequence[RoleSpec]) -> list[str]:
    return [
        f"{r.label or r.node.label} ({r.node.code}) ≥ {r.min_level}, {r.hours} h" for r in roles
    ]


@transaction.atomic
def opportunity_create(
    *,
    actor: User,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    roles: Sequence[RoleSpec],
    description: str = "",
    zone: str = "",
    remote: bool = False,
    budget: object = None,
    max_team_size: int = 5,
    opportunity: Opportunity | None = None,
    request: WorkRequest | None = None,
) -> StaffingOpportunity:
    """Describe an opportunity; the actor organises it."""
    if not rules.can_create_opportunity(actor):
        raise PermissionDenied(_("Votre rôle ne permet pas de proposer une opportunité."))
    fields = _clean_fields(
        title=title,
        start_date=start_date,
        end_date=end_date,
        zone=zone,
        budget=budget,
        max_team_size=max_team_size,
    )
    roles = _clean_roles(roles)
    created = StaffingOpportunity.objects.create(
        organiser=actor,
        description=(description or "").strip(),
        remote=bool(remote),
        opportunity=opportunity,
        request=request,
        **fields,
    )
    _write_roles(created, roles)
    log_action(
        actor=actor,
        action="staffing.opportunity_created",
        target=created,
        data={**fields, "roles": _role_data(roles)},
    )
    return created


def _locked(opportunity: StaffingOpportunity) -> StaffingOpportunity:
    return StaffingOpportunity.objects.select_for_update().get(pk=opportunity.pk)


def _check_manager(actor: User | None, opportunity: StaffingOpportunity) -> None:
    if not rules.can_manage_opportunity(actor, opportunity):
        raise PermissionDenied(_("Seuls l'organisateur·rice et l'équipe de gestion le peuvent."))


@transaction.atomic
def opportunity_update(
    *,
    actor: User,
    opportunity: StaffingOpportunity,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    roles: Sequence[RoleSpec],
    description: str = "",
    zone: str = "",
    remote: bool = False,
    budget: object = None,
    max_team_size: int = 5,
) -> StaffingOpportunity:
    """Change an opportunity before anyone is invited. The teams proposed so far were for the
    old description: they go, and the opportunity is a draft again."""
    locked = _locked(opportunity)
    _check_manager(actor, locked)
    if locked.status not in (OpportunityStatus.DRAFT, OpportunityStatus.PROPOSED):
        raise ValidationError(
            _("Des membres sont déjà invités : l'opportunité ne peut plus être modifiée.")
        )
    fields = _clean_fields(
        title=title,
        start_date=start_date,
        end_date=end_date,
        zone=zone,
        budget=budget,
        max_team_size=max_team_size,
    )
    roles = _clean_roles(roles)
    before = {
        "title": locked.title,
        "start_date": locked.start_date,
        "end_date": locked.end_date,
        "zone": locked.zone,
        "budget": locked.budget,
        "max_team_size": locked.max_team_size,
        "roles": [
            f"{r.name} ({r.node.code}) ≥ {r.min_level}, {r.hours} h"
            for r in locked.roles.select_related("node")
        ],
    }
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.description = (description or "").strip()
    locked.remote = bool(remote)
    locked.status = OpportunityStatus.DRAFT
    locked.last_solve = {}
    locked.save()
    locked.proposals.all().delete()
    locked.roles.all().delete()
    _write_roles(locked, roles)
    log_action(
        actor=actor,
        action="staffing.opportunity_updated",
        target=locked,
        changes=diff(before, {**fields, "roles": _role_data(roles)}),
    )
    return locked


@transaction.atomic
def opportunity_cancel(*, actor: User, opportunity: StaffingOpportunity) -> StaffingOpportunity:
    """Give up the opportunity: pending invitations are withdrawn and the invited told."""
    locked = _locked(opportunity)
    _check_manager(actor, locked)
    if not locked.is_open:
        raise ValidationError(_("Cette opportunité est déjà close."))
    before = locked.status
    told = list(
        locked.invitations.filter(status__in=LIVE_INVITATIONS).select_related("member__user")
    )
    locked.invitations.filter(status=InvitationStatus.PENDING).update(
        status=InvitationStatus.WITHDRAWN, answered_at=timezone.now()
    )
    locked.status = OpportunityStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor,
        action="staffing.opportunity_cancelled",
        target=locked,
        changes={"status": [before, locked.status]},
    )
    notify(
        users=[i.member.user for i in told],
        kind="staffing.cancelled",
        title=_("Opportunité annulée : %(title)s") % {"title": locked.title},
        url=reverse("staffing:my_invitations"),
    )
    return locked


# ---------------------------------------------------------------- solving


def _store_proposals(
    *,
    actor: User | None,
    opportunity: StaffingOpportunity,
    built: selectors.BuiltInstance,
    result: dict[str, Any],
) -> list[Proposal]:
    round_ = selectors.latest_round(opportunity) + 1
    proposals = []
    for rank, team in enumerate(result["teams"], 1):
        assignment = {
            selectors.key_id(role): selectors.key_id(member)
            for role, member in team["assignment"].items()
        }
        proposal = Proposal.objects.create(
            opportunity=opportunity,
            round=round_,
            rank=rank,
            solve_status=(
                SolveStatus.OPTIMAL if result["status"] == "optimal" else SolveStatus.FEASIBLE
            ),
            cost=Decimal(str(team["cost"])).quantize(CENT),
            score=float(team["score"]),
            seconds=float(result["seconds"]),
            explanation=selectors.explanation_for(
                built, [selectors.key_id(m) for m in team["members"]]
            ),
            created_by=actor if actor is not None and actor.pk else None,
        )
        ProposalAssignment.objects.bulk_create(
            [
                ProposalAssignment(proposal=proposal, role_id=role_id, member_id=member_id)
                for role_id, member_id in assignment.items()
            ]
        )
        proposals.append(proposal)
    return proposals


def _solve(built: selectors.BuiltInstance, *, top: int) -> dict[str, Any]:
    return solver.solve(built.instance, top=top, time_limit=SOLVE_SECONDS).as_dict()


def _last_solve(
    result: dict[str, Any], built: selectors.BuiltInstance, *, teams: int
) -> dict[str, Any]:
    return {
        "status": result["status"],
        "seconds": round(float(result["seconds"]), 3),
        "teams": teams,
        "candidates": len(built.members),
        "uncoverable": [
            built.roles[selectors.key_id(r)].name for r in result.get("uncoverable_roles", [])
        ],
        "at": timezone.now().isoformat(),
    }


@transaction.atomic
def opportunity_solve(
    *, actor: User, opportunity: StaffingOpportunity, top: int = 3
) -> list[Proposal]:
    """Ask the solver for the `top` best teams and keep them as the opportunity's proposals
    (none when no team exists: `last_solve` says why)."""
    locked = _locked(opportunity)
    _check_manager(actor, locked)
    if locked.status not in (OpportunityStatus.DRAFT, OpportunityStatus.PROPOSED):
        raise ValidationError(
            _("Des membres sont déjà invités : relancez seulement sans ceux qui ont décliné.")
        )
    built = selectors.staffing_instance(locked)
    result = _solve(built, top=top)
    proposals = _store_proposals(actor=actor, opportunity=locked, built=built, result=result)
    before = locked.status
    locked.last_solve = _last_solve(result, built, teams=len(proposals))
    locked.status = OpportunityStatus.PROPOSED if proposals else OpportunityStatus.DRAFT
    locked.save(update_fields=["last_solve", "status", "updated_at"])
    log_action(
        actor=actor,
        action="staffing.solved",
        target=locked,
        changes={"status": [before, locked.status]} if before != locked.status else {},
        data={k: v for k, v in locked.last_solve.items() if k != "at"},
    )
    return proposals


# ---------------------------------------------------------------- inviting


def _invite(
    *,
    actor: User | None,
    opportunity: StaffingOpportunity,
    proposal: Proposal,
    members: set[int] | None = None,
) -> list[Invitation]:
    """Invitations for the proposal's members (only `members` when given), each to the
    roles the proposal gives them; the members are told."""
    by_member: dict[int, list[ProposalAssignment]] = defaultdict(list)
    for assignment in proposal.assignments.select_related("role", "member__user"):
        if members is None or assignment.member_id in members:
            by_member[assignment.member_id].append(assignment)
    invitations = []
    for member_id, assignments in by_member.items():
        facts = proposal.explanation.get(str(member_id), {})
        invitation = Invitation.objects.create(
            opportunity=opportunity,
            member_id=member_id,
            proposal=proposal,
            hours=sum((a.role.hours for a in assignments), Decimal(0)),
            hourly_cost=Decimal(facts.get("hourly_cost", "0")),
        )
        invitation.roles.set([a.role for a in assignments])
        invitations.append(invitation)
        log_action(
            actor=actor,
            action="staffing.invited",
            target=invitation,
            subject=assignments[0].member,
            data={
                "opportunity": opportunity.title,
                "roles": [a.role.name for a in assignments],
            },
        )
    notify(
        users=[a[0].member.user for a in by_member.values()],
        kind="staffing.invitation",
        title=_("Invitation à rejoindre une équipe : %(title)s") % {"title": opportunity.title},
        body=_("Répondez dans Essaim, page « Mes invitations »."),
        url=reverse("staffing:my_invitations"),
    )
    proposal.invited_at = timezone.now()
    proposal.save(update_fields=["invited_at"])
    return invitations


@transaction.atomic
def team_invite(*, actor: User, proposal: Proposal) -> list[Invitation]:
    """Invite the team of a proposal of the last solve."""
    opportunity = _locked(proposal.opportunity)
    _check_manager(actor, opportunity)
    if opportunity.status != OpportunityStatus.PROPOSED:
        raise ValidationError(_("Une équipe est déjà invitée pour cette opportunité."))
    if proposal.round != selectors.latest_round(opportunity):
        raise ValidationError(
            _("Cette proposition est dépassée : choisissez parmi les dernières propositions.")
        )
    invitations = _invite(actor=actor, opportunity=opportunity, proposal=proposal)
    opportunity.status = OpportunityStatus.INVITING
    opportunity.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor,
        action="staffing.team_invited",
        target=opportunity,
        changes={"status": [OpportunityStatus.PROPOSED, OpportunityStatus.INVITING]},
        data={"proposal": proposal.rank, "members": [str(i.member) for i in invitations]},
    )
    return invitations


def _organiser_url(opportunity: StaffingOpportunity) -> str:
    return reverse("staffing:detail", args=[opportunity.pk])


@transaction.atomic
def invitation_answer(*, actor: User, invitation: Invitation, accept: bool) -> Invitation:
    """The invited member accepts or declines. When every role is then taken by a member who
    accepted, the team is formed."""
    opportunity = _locked(invitation.opportunity)
    invitation = (
        Invitation.objects.select_for_update().select_related("member").get(pk=invitation.pk)
    )
    if invitation.member.user_id is None or invitation.member.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Cette invitation ne vous est pas adressée."))
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("Vous avez déjà répondu à cette invitation."))
    if opportunity.status != OpportunityStatus.INVITING:
        raise ValidationError(_("Cette opportunité n'attend plus de réponse."))
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    log_action(
        actor=actor,
        action="staffing.accepted" if accept else "staffing.declined",
        target=invitation,
        subject=invitation.member,
        changes={"status": [InvitationStatus.PENDING, invitation.status]},
        data={"opportunity": opportunity.title},
    )
    if accept:
        title = _("%(name)s accepte de rejoindre l'équipe : %(title)s")
    else:
        title = _("%(name)s décline l'invitation : %(title)s — relancez sans cette personne")
    notify(
        users=[opportunity.organiser],
        kind="staffing.answer",
        title=title % {"name": invitation.member, "title": opportunity.title},
        url=_organiser_url(opportunity),
    )
    if accept:
        _form_if_complete(actor=actor, opportunity=opportunity)
    return invitation


def _form_if_complete(*, actor: User | None, opportunity: StaffingOpportunity) -> None:
    """Every role held by an accepted invitation and nobody left to answer: the team is formed
    and recorded as a co-contracting deal."""
    invitations = list(
        opportunity.invitations.filter(status__in=LIVE_INVITATIONS)
        .select_related("member__user")
        .prefetch_related("roles")
    )
    if any(i.status == InvitationStatus.PENDING for i in invitations):
        return
    held = {role.pk: i for i in invitations for role in i.roles.all()}
    roles = list(opportunity.roles.order_by("position", "pk"))
    if any(role.pk not in held for role in roles):
        return
    organiser_member = Member.objects.filter(
        user_id=opportunity.organiser_id, user__role=Role.ENTREPRENEUR
    ).first()
    buyer = organiser_member or held[roles[0].pk].member
    providers = [
        ProviderShare(member=i.member, amount=i.amount, hours=i.hours)
        for i in invitations
        if i.member_id != buyer.pk
    ]
    deal = None
    if providers:
        deal = deal_create(
            actor=actor,
            kind=DealKind.COCONTRACTING,
            title=opportunity.title,
            buyer=buyer,
            providers=providers,
            amount=sum((i.amount for i in invitations), Decimal(0)),
            hours=sum((i.hours for i in invitations), Decimal(0)),
            start_date=opportunity.start_date,
            end_date=opportunity.end_date,
            origin=DealOrigin.STAFFING,
            request=opportunity.request,
            notify_parties=False,  # told below, with the team's page
        )
    opportunity.deal = deal
    opportunity.status = OpportunityStatus.FORMED
    opportunity.save(update_fields=["deal", "status", "updated_at"])
    log_action(
        actor=actor,
        action="staffing.team_formed",
        target=opportunity,
        changes={"status": [OpportunityStatus.INVITING, OpportunityStatus.FORMED]},
        data={
            "members": [str(i.member) for i in invitations],
            "deal": deal.pk if deal else None,
            "buyer": str(buyer),
        },
    )
    notify(
        users=[opportunity.organiser, *[i.member.user for i in invitations]],
        kind="staffing.formed",
        title=_("L'équipe est formée : %(title)s") % {"title": opportunity.title},
        url=_organiser_url(opportunity),
    )


@transaction.atomic
def opportunity_resolve_without(
    *, actor: User, opportunity: StaffingOpportunity
) -> Proposal | None:
    """Solve again without the members who declined: the members invited who did not decline
    keep their roles, the roles left open go to other members, who alone are invited.
    Returns the new proposal, or None when nobody can take the open roles (`last_solve` says
    which roles nobody can take)."""
    locked = _locked(opportunity)
    _check_manager(actor, locked)
    if locked.status != OpportunityStatus.INVITING:
        raise ValidationError(_("Aucune invitation n'est en cours pour cette opportunité."))
    live = list(locked.invitations.filter(status__in=LIVE_INVITATIONS).prefetch_related("roles"))
    fixed = {role.pk: i.member_id for i in live for role in i.roles.all()}
    if not [r for r in locked.roles.all() if r.pk not in fixed]:
        raise ValidationError(_("Chaque rôle a déjà un membre invité : rien à relancer."))
    built = selectors.staffing_instance(locked, fixed=fixed)
    result = _solve(built, top=1)
    proposals = _store_proposals(actor=actor, opportunity=locked, built=built, result=result)
    locked.last_solve = _last_solve(result, built, teams=len(proposals))
    locked.save(update_fields=["last_solve", "updated_at"])
    declined = list(
        locked.invitations.filter(status=InvitationStatus.DECLINED).values_list(
            "member__first_name", "member__last_name"
        )
    )
    log_action(
        actor=actor,
        action="staffing.solved_again",
        target=locked,
        data={
            "without": [f"{first} {last}" for first, last in declined],
            **{k: v for k, v in locked.last_solve.items() if k != "at"},
        },
    )
    if not proposals:
        return None
    proposal = proposals[0]
    kept = {i.member_id for i in live}
    newcomers = {a.member_id for a in proposal.assignments.all()} - kept
    _invite(actor=actor, opportunity=locked, proposal=proposal, members=newcomers)
    return proposal


# ---------------------------------------------------------------- the policy


@transaction.atomic
def policy_set(
    *,
    actor: User,
    valid_from: dt.date,
    trust_weight: Decimal,
    priority_weight: Decimal,
    default_hourly_cost: Decimal,
    low_activity_months: int,
    low_activity_bonus: Decimal,
    cape_first_bonus: Decimal,
) -> PriorityPolicy:
    """The policy from `valid_from` on (replacing the one of that very day, if any)."""
    if not rules.can_set_policy(actor):
        raise PermissionDenied(_("Seule l'équipe de gestion fixe la politique de priorité."))
    values = {
        "trust_weight": trust_weight,
        "priority_weight": priority_weight,
        "default_hourly_cost": default_hourly_cost,
        "low_activity_bonus": low_activity_bonus,
        "cape_first_bonus": cape_first_bonus,
    }
    for name, value in values.items():
        if value is None or Decimal(value) < 0:
            raise ValidationError({name: _("Indiquez un nombre positif ou nul.")})
    if not isinstance(low_activity_months, int) or not 1 <= low_activity_months <= 120:
        raise ValidationError({"low_activity_months": _("Indiquez un nombre de mois de 1 à 120.")})
    before = PriorityPolicy.objects.filter(valid_from=valid_from).first()
    found, _created = PriorityPolicy.objects.update_or_create(
        valid_from=valid_from,
        defaults={**values, "low_activity_months": low_activity_months, "created_by": actor},
    )
    after = {**values, "low_activity_months": low_activity_months}
    log_action(
        actor=actor,
        action="staffing.policy_set",
        target=found,
        changes=diff(
            {k: getattr(before, k) for k in after} if before else {},
            after,
        ),
        data={"valid_from": valid_from},
    )
    return found


@transaction.atomic
def team_project_group(*, actor: User, opportunity: StaffingOpportunity) -> Group:
    """Open a project group for a formed team: the deal's buyer (or the first role's member)
    leads it, the other team members are invited (they accept in their groups page). The
    charter is then written in the group before it becomes active."""
    opportunity = _locked(opportunity)
    _check_manager(actor, opportunity)
    if opportunity.status != OpportunityStatus.FORMED:
        raise ValidationError(_("Seule une équipe formée peut ouvrir un groupe projet."))
    if opportunity.project_group_id is not None:
        raise ValidationError(_("Cette équipe a déjà son groupe projet."))
    invitations = list(
        opportunity.invitations.filter(status=InvitationStatus.ACCEPTED)
        .select_related("member")
        .order_by("pk")
    )
    members = list({i.member_id: i.member for i in invitations}.values())
    lead = opportunity.deal.buyer if opportunity.deal_id else members[0]
    if lead.pk not in {m.pk for m in members}:
        members.insert(0, lead)
    if len(members) < 2:
        raise ValidationError(
            _("Un groupe projet compte de 2 à 10 membres : cette équipe n'a qu'une personne.")
        )
    group = group_create(
        actor=actor,
        kind=GroupKind.PROJECT,
        name=opportunity.title[:200],
        description=opportunity.description,
        nodes=[role.node for role in opportunity.roles.select_related("node")],
        creator=lead,
    )
    for member in members:
        if member.pk != lead.pk:
            member_invite(actor=actor, group=group, member=member)
    opportunity.project_group = group
    opportunity.save(update_fields=["project_group", "updated_at"])
    log_action(
        actor=actor,
        action="staffing.project_group",
        target=opportunity,
        data={"group": group.pk, "members": [str(m) for m in members]},
    )
    return group
