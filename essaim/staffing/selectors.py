"""Reads of staffing: the solver's instance built from the database, and what the pages list.

The instance (the JSON object of docs/staffing.md) for an opportunity:

- roles: "r<role id>", skill = the role's node code (or a skill of its own when the role is
  kept by a member already invited, see `fixed`);
- members: present members with an active account who hold, at some level, the role's skill,
  a node below it or a ROME-linked one (the marketplace's matching), work where the
  opportunity takes place (its département, or remote on both sides) and are available over
  its dates. Members who declined the opportunity and its organiser are left out;
- available hours: days per week × 7 h × weeks of the opportunity's dates within the member's
  availability, minus the hours of roles they accepted on other opportunities over
  overlapping dates;
- hourly cost: the member's price per hour shown to all members, else their price per day
  shown to all members ÷ 7, else the policy's default;
- priority from the policy in force (policy.py); pairs: the trust of past done deals
  (marketplace.selectors.deals.trust_pairs) between candidates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Max, Prefetch, Q, QuerySet, Sum, When
from django.utils import timezone

from essaim.marketplace import matching
from essaim.marketplace.models import Deal, DealProvider, DealStatus
from essaim.marketplace.selectors.deals import trust_pairs
from essaim.marketplace.selectors.matching import candidates, needs_of
from essaim.members.models import CurrentStage, Member
from essaim.skills.models import MemberSkill, Price, PriceUnit, PriceVisibility, Profile
from essaim.skills.search_nodes import catalog
from essaim.staffing import policy, rules
from essaim.staffing.models import (
    LIVE_INVITATIONS,
    Invitation,
    InvitationStatus,
    OpportunityStatus,
    PriorityPolicy,
    Proposal,
    ProposalAssignment,
    StaffingOpportunity,
    StaffingRole,
)


def member_key(member_id: int) -> str:
    return f"m{member_id}"


def role_key(role_id: int) -> str:
    return f"r{role_id}"


def key_id(key: str) -> int:
    """ "m12" / "r7" → 12 / 7."""
    return int(key[1:])


# ---------------------------------------------------------------- the policy


def policy_in_force(today: dt.date | None = None) -> PriorityPolicy | None:
    today = today or timezone.localdate()
    return PriorityPolicy.objects.filter(valid_from__lte=today).order_by("-valid_from").first()


def policy_values(today: dt.date | None = None) -> policy.PolicyValues:
    found = policy_in_force(today)
    return found.values() if found is not None else policy.DEFAULT_POLICY


def policies() -> QuerySet[PriorityPolicy]:
    return PriorityPolicy.objects.select_related("created_by").order_by("-valid_from")


# ---------------------------------------------------------------- the instance


@dataclass
class RoleFit:
    role_id: int
    level: int
    skill: str  # the label of the member's skill that answers for the role


@dataclass
class CandidateFacts:
    """Why a member is a candidate, and the numbers the solver gets for them."""

    member_id: int
    fits: dict[int, RoleFit] = field(default_factory=dict)  # role id → fit
    available_hours: Decimal = Decimal(0)
    cost: policy.HourlyCost = policy.HourlyCost(Decimal(0), policy.FROM_DEFAULT)
    priority: policy.Priority = policy.Priority(Decimal(0), ())
    fixed: bool = False  # already invited: keeps their roles


@dataclass
class BuiltInstance:
    instance: dict[str, Any]
    roles: dict[int, StaffingRole]
    members: dict[int, CandidateFacts]
    trust: dict[tuple[int, int], float]  # (smaller id, larger id) → trust
    policy: policy.PolicyValues

    def trust_between(self, a: int, b: int) -> float:
        return self.trust.get((min(a, b), max(a, b)), 0.0)


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def excluded_members(opportunity: StaffingOpportunity) -> set[int]:
    """Who is never a candidate: members who declined, and the organiser (who buys)."""
    excluded = set(
        Invitation.objects.filter(
            opportunity=opportunity, status=InvitationStatus.DECLINED
        ).values_list("member_id", flat=True)
    )
    excluded.update(
        Member.objects.filter(user_id=opportunity.organiser_id).values_list("pk", flat=True)
    )
    return excluded


def _committed_hours(opportunity: StaffingOpportunity) -> dict[int, Decimal]:
    """Hours each member accepted on other live opportunities over overlapping dates."""
    rows = (
        Invitation.objects.filter(
            status=InvitationStatus.ACCEPTED,
            opportunity__start_date__lte=opportunity.end_date,
            opportunity__end_date__gte=opportunity.start_date,
        )
        .exclude(opportunity=opportunity)
        .exclude(opportunity__status=OpportunityStatus.CANCELLED)
        .values("member_id")
        .annotate(total=Sum("hours"))
    )
    return {row["member_id"]: row["total"] or Decimal(0) for row in rows}


def _prices() -> dict[int, tuple[list[Decimal], list[Decimal]]]:
    """Per member: (prices per hour, prices per day) shown to all members."""
    found: dict[int, tuple[list[Decimal], list[Decimal]]] = defaultdict(lambda: ([], []))
    rows = Price.objects.filter(
        visibility=PriceVisibility.MEMBERS,
        unit__in=[PriceUnit.HOUR, PriceUnit.DAY],
        member__exit_date__isnull=True,
    ).values_list("member_id", "unit", "amount")
    for member_id, unit, amount in rows:
        found[member_id][0 if unit == PriceUnit.HOUR else 1].append(amount)
    return found


def _deal_facts() -> dict[int, tuple[int, dt.date | None]]:
    """Per member: how many done deals they took part in, and the last day one was done."""
    count: dict[int, int] = defaultdict(int)
    last: dict[int, dt.date | None] = {}

    def add(member_id: int, deals: int, day: dt.date | None) -> None:
        count[member_id] += deals
        known = last.get(member_id)
        last[member_id] = max(d for d in (known, day) if d) if (known or day) else None

    done = Q(status=DealStatus.DONE)
    for row in (
        Deal.objects.filter(done)
        .values("buyer_id")
        .annotate(n=Count("pk"), day=Max("done_at"), end=Max("end_date"))
    ):
        add(row["buyer_id"], row["n"], row["day"] or row["end"])
    for row in (
        DealProvider.objects.filter(deal__status=DealStatus.DONE)
        .values("member_id")
        .annotate(n=Count("deal_id"), day=Max("deal__done_at"), end=Max("deal__end_date"))
    ):
        add(row["member_id"], row["n"], row["day"] or row["end"])
    return {pk: (count[pk], last.get(pk)) for pk in count}


def _best_fit(role: StaffingRole, need: matching.Need, skills: Mapping[int, int]) -> RoleFit | None:
    """The member's best skill answering for the role (highest level, then the closest)."""
    held = [(level, pk) for pk, level in skills.items() if pk in need.answering]
    if not held:
        return None
    level, node_id = max(held, key=lambda item: (item[0], item[1] == role.node_id))
    node = catalog().nodes.get(node_id)
    return RoleFit(role.pk, level, node.label if node else role.node.label)


def _fixed_candidates(
    fixed: Mapping[int, int], roles: Mapping[int, StaffingRole]
) -> dict[int, matching.Candidate]:
    """Members already invited: their availability and the skills answering for their roles
    (they are not looked for through their skills, their roles are theirs)."""
    members = set(fixed.values())
    found = {pk: matching.Candidate(member_id=pk) for pk in members}
    for profile in Profile.objects.filter(member_id__in=members):
        found[profile.member_id] = matching.Candidate(
            member_id=profile.member_id,
            days_per_week=float(profile.days_per_week or 0),
            available_from=profile.available_from,
            available_until=profile.available_until,
        )
    for member_id, node_id, level in MemberSkill.objects.filter(member_id__in=members).values_list(
        "member_id", "node_id", "level"
    ):
        found[member_id].skills[node_id] = level
    return found


def staffing_instance(
    opportunity: StaffingOpportunity,
    *,
    today: dt.date | None = None,
    fixed: Mapping[int, int] | None = None,
) -> BuiltInstance:
    """The solver's instance for the opportunity.

    `fixed` maps role ids to the member already invited to them: those roles get a skill of
    their own that only this member holds, and these members hold nothing else, so that they
    keep exactly their roles while the other roles are solved again.
    """
    today = today or timezone.localdate()
    fixed = dict(fixed or {})
    values = policy_values(today)
    roles = {r.pk: r for r in opportunity.roles.select_related("node").order_by("position", "pk")}
    open_roles = [r for pk, r in roles.items() if pk not in fixed]
    fixed_members = set(fixed.values())
    excluded = excluded_members(opportunity) - fixed_members

    wanted = needs_of([(r.node_id, r.min_level) for r in open_roles])
    needs = {r.pk: need for r, need in zip(open_roles, wanted, strict=True)}
    found = {
        c.member_id: c
        for c in candidates(list(needs.values()), exclude=sorted(excluded | fixed_members))
    }
    found.update(_fixed_candidates(fixed, roles))
    kept_roles = [roles[pk] for pk in fixed]
    kept_wanted = needs_of([(r.node_id, r.min_level) for r in kept_roles])
    kept_needs = {r.pk: need for r, need in zip(kept_roles, kept_wanted, strict=True)}
    reachable = dict(
        Member.objects.filter(exit_date__isnull=True, user__is_active=True).values_list(
            "pk", "stage"
        )
    )
    place = matching.Place(
        zone=opportunity.zone,
        remote=opportunity.remote,
        start=opportunity.start_date,
        end=opportunity.end_date,
    )
    committed = _committed_hours(opportunity)
    prices = _prices()
    deals = _deal_facts()

    facts: dict[int, CandidateFacts] = {}
    for member_id, candidate in found.items():
        if member_id not in reachable:
            continue
        is_fixed = member_id in fixed_members
        if not is_fixed and not (
            matching.works_there(place, candidate) and matching.available(place, candidate, today)
        ):
            continue
        hours = policy.available_hours(
            days_per_week=candidate.days_per_week,
            start=opportunity.start_date,
            end=opportunity.end_date,
            available_from=candidate.available_from,
            available_until=candidate.available_until,
            committed=committed.get(member_id, Decimal(0)),
        )
        fits: dict[int, RoleFit] = {}
        if is_fixed:
            kept = [roles[pk] for pk, m in fixed.items() if m == member_id]
            # Already invited: their promise stands whatever their profile says now.
            hours = max(hours, sum((r.hours for r in kept), Decimal(0)))
            for role in kept:
                fit = _best_fit(role, kept_needs[role.pk], candidate.skills)
                # Their level may have changed since: the role stays theirs all the same.
                fits[role.pk] = RoleFit(
                    role.pk,
                    max(fit.level if fit else 0, role.min_level),
                    fit.skill if fit else role.node.label,
                )
        else:
            for role in open_roles:
                fit = _best_fit(role, needs[role.pk], candidate.skills)
                if fit is not None and fit.level >= role.min_level:
                    fits[role.pk] = fit
        if not fits or hours <= 0:
            continue
        hour_prices, day_prices = prices.get(member_id, ([], []))
        done_deals, last_done = deals.get(member_id, (0, None))
        facts[member_id] = CandidateFacts(
            member_id=member_id,
            fits=fits,
            available_hours=hours,
            cost=policy.hourly_cost(
                hour_prices=hour_prices,
                day_prices=day_prices,
                default=values.default_hourly_cost,
            ),
            priority=policy.priority(
                policy.MemberFacts(
                    in_cape=reachable[member_id] == CurrentStage.CAPE,
                    done_deals=done_deals,
                    last_done_deal=last_done,
                ),
                values,
                today=today,
            ),
            fixed=is_fixed,
        )

    trust = {
        (a, b): value
        for a, b, value in trust_pairs(today=today)
        if a in facts and b in facts and value
    }
    instance = {
        "roles": [
            {
                "id": role_key(r.pk),
                "skill": f"{r.node.code}#{r.pk}" if r.pk in fixed else r.node.code,
                "min_level": r.min_level,
                "hours": _number(r.hours),
            }
            for r in roles.values()
        ],
        "members": [_member_entry(f, roles, fixed) for f in facts.values()],
        "pairs": [
            {"a": member_key(a), "b": member_key(b), "trust": value}
            for (a, b), value in trust.items()
        ],
        "max_team_size": opportunity.max_team_size,
        "weights": {
            "trust": _number(values.trust_weight),
            "priority": _number(values.priority_weight),
        },
    }
    if opportunity.budget is not None:
        instance["budget"] = _number(opportunity.budget)
    return BuiltInstance(instance, roles, facts, trust, values)


def _member_entry(
    facts: CandidateFacts, roles: Mapping[int, StaffingRole], fixed: Mapping[int, int]
) -> dict[str, Any]:
    skills: dict[str, int] = {}
    for role_id, fit in facts.fits.items():
        role = roles[role_id]
        key = f"{role.node.code}#{role.pk}" if role_id in fixed else role.node.code
        skills[key] = max(skills.get(key, 0), fit.level)
    return {
        "id": member_key(facts.member_id),
        "skills": skills,
        "available_hours": _number(facts.available_hours),
        "hourly_cost": _number(facts.cost.amount),
        "priority": _number(facts.priority.value),
    }


def explanation_for(built: BuiltInstance, team: Iterable[int]) -> dict[str, Any]:
    """What the page says of each member of a team, kept with the proposal: the skill and
    level for each role, the hours available, the trust with the other members, the
    priority and its reasons, the hourly cost and where it comes from."""
    team = list(team)
    explained: dict[str, Any] = {}
    for member_id in team:
        facts = built.members[member_id]
        explained[str(member_id)] = {
            "fits": {
                str(role_id): {"skill": fit.skill, "level": fit.level}
                for role_id, fit in facts.fits.items()
            },
            "available_hours": str(facts.available_hours),
            "hourly_cost": str(facts.cost.amount),
            "cost_source": facts.cost.source,
            "priority": str(facts.priority.value),
            "reasons": list(facts.priority.reasons),
            "worked_with": {
                str(other): round(built.trust_between(member_id, other), 3)
                for other in team
                if other != member_id and built.trust_between(member_id, other) > 0
            },
            "fixed": facts.fixed,
        }
    return explained


# ---------------------------------------------------------------- pages


def opportunities_visible_to(user: Any) -> QuerySet[StaffingOpportunity]:
    """The opportunities the user may see, newest first, with their number of roles."""
    visible = StaffingOpportunity.objects.filter(rules.opportunities_visible_to(user)).values("pk")
    return (
        StaffingOpportunity.objects.filter(pk__in=visible)
        .select_related("organiser")
        .annotate(role_count=Count("roles", distinct=True))
        .order_by("-created_at", "-id")
    )


def opportunity_detail(pk: int) -> StaffingOpportunity:
    return (
        StaffingOpportunity.objects.select_related("organiser", "deal", "opportunity", "request")
        .prefetch_related(Prefetch("roles", queryset=StaffingRole.objects.select_related("node")))
        .get(pk=pk)
    )


def latest_round(opportunity: StaffingOpportunity) -> int:
    return Proposal.objects.filter(opportunity=opportunity).aggregate(r=Max("round"))["r"] or 0


def proposals_of(opportunity: StaffingOpportunity) -> list[Proposal]:
    """The proposals of the last solve, best first, with their assignments."""
    last = latest_round(opportunity)
    return list(
        Proposal.objects.filter(opportunity=opportunity, round=last)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ProposalAssignment.objects.select_related("member", "role__node"),
            )
        )
        .order_by("rank")
    )


def invitations_of(opportunity: StaffingOpportunity) -> list[Invitation]:
    return list(
        Invitation.objects.filter(opportunity=opportunity)
        .select_related("member")
        .prefetch_related(Prefetch("roles", queryset=StaffingRole.objects.select_related("node")))
        .order_by("created_at", "id")
    )


def invitation_of(opportunity: StaffingOpportunity, user: Any) -> Invitation | None:
    """The user's own invitation to the opportunity, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Invitation.objects.filter(opportunity=opportunity, member__user=user)
        .select_related("member", "opportunity")
        .prefetch_related(Prefetch("roles", queryset=StaffingRole.objects.select_related("node")))
        .first()
    )


def invitations_of_member(member: Member) -> QuerySet[Invitation]:
    """A member's invitations, the pending ones first, then the newest."""
    return (
        Invitation.objects.filter(member=member)
        .select_related("opportunity__organiser", "member")
        .prefetch_related(Prefetch("roles", queryset=StaffingRole.objects.select_related("node")))
        .order_by(
            Case(When(status=InvitationStatus.PENDING, then=0), default=1),
            "-created_at",
            "-id",
        )
    )


def open_roles(opportunity: StaffingOpportunity) -> list[StaffingRole]:
    """Roles no pending or accepted invitation covers."""
    covered = set(
        StaffingRole.invitations.through.objects.filter(
            invitation__opportunity=opportunity, invitation__status__in=LIVE_INVITATIONS
        ).values_list("staffingrole_id", flat=True)
    )
    return [r for r in opportunity.roles.all() if r.pk not in covered]
