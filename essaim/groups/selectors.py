"""Reads of groups that views, the API and other apps reuse."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.core import roles
from essaim.groups import health as health_rules
from essaim.groups import split
from essaim.groups.models import (
    OPEN_STATES,
    Charter,
    Cycle,
    Decision,
    Group,
    GroupKind,
    GroupStatus,
    MeetingNote,
    Membership,
    MembershipRole,
    MembershipState,
    Milestone,
    OutsideReviewer,
    Phase,
    Post,
    SharedFile,
    SplitRule,
    Task,
    TaskStatus,
    Thread,
    TimeEntry,
)
from essaim.members.models import Member
from essaim.skills.models import Node

# ---------------------------------------------------------------- who is the viewer


def member_of(user: Any) -> Member | None:
    """The member record of an entrepreneur's account (None for anyone else)."""
    if not roles.is_entrepreneur(user):
        return None
    return Member.objects.filter(user=user).first()


def membership_of(user: Any, group: Group) -> Membership | None:
    """The user's current row in the group: active, or an invitation or request waiting."""
    if not roles.is_entrepreneur(user):
        return None
    return (
        Membership.objects.select_related("member")
        .filter(group=group, member__user=user, state__in=OPEN_STATES)
        .first()
    )


def is_reviewer(user: Any, group: Group) -> bool:
    """The user is a member of the cooperative invited to challenge this project."""
    if not roles.is_entrepreneur(user):
        return False
    return OutsideReviewer.objects.filter(group=group, member__user=user).exists()


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class GroupFilters:
    kind: str = ""
    node: str = ""  # a node code: groups on this node or below it
    mine: bool = False


def group_list(*, user: Any, filters: GroupFilters | None = None) -> QuerySet[Group]:
    """Every group (their existence is no secret: one asks to join a closed group), with
    their number of members and nodes; closed ones last."""
    filters = filters or GroupFilters()
    qs = Group.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__state=MembershipState.ACTIVE))
    ).prefetch_related(Prefetch("nodes", queryset=Node.objects.order_by("label")))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.node:
        node = Node.objects.filter(code=filters.node).first()
        if node is None:
            return qs.none()
        qs = qs.filter(pk__in=Group.objects.filter(nodes__path__startswith=node.path).values("pk"))
    if filters.mine:
        qs = qs.filter(
            pk__in=Membership.objects.filter(
                member__user=user if user.is_authenticated else None, state__in=OPEN_STATES
            ).values("group_id")
        )
    closed_last = Case(When(status=GroupStatus.CLOSED, then=1), default=0)
    return qs.order_by(closed_last, "name", "id")


def my_memberships(user: Any) -> dict[int, Membership]:
    """The user's current rows, by group id: to mark "mes groupes" in a list in one query."""
    if not roles.is_entrepreneur(user):
        return {}
    return {
        m.group_id: m for m in Membership.objects.filter(member__user=user, state__in=OPEN_STATES)
    }


def invitations_for(user: Any) -> QuerySet[Membership]:
    """Invitations waiting for the user's answer."""
    if not roles.is_entrepreneur(user):
        return Membership.objects.none()
    return (
        Membership.objects.filter(member__user=user, state=MembershipState.INVITED)
        .select_related("group", "invited_by")
        .order_by("-created_at")
    )


def group_for(pk: int) -> Group:
    """The group with its charter (Group.DoesNotExist when there is none)."""
    return Group.objects.select_related("charter", "created_by").get(pk=pk)


ROLE_ORDER = {MembershipRole.LEAD: 0, MembershipRole.FACILITATOR: 1, MembershipRole.MEMBER: 2}


def members_of(group: Group) -> list[Membership]:
    """Active members, leads and facilitators first."""
    rows = list(
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE).select_related(
            "member"
        )
    )
    return sorted(
        rows, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.member.last_name, m.member.first_name)
    )


def pending_of(group: Group) -> QuerySet[Membership]:
    """Invitations and requests waiting for an answer."""
    return (
        Membership.objects.filter(
            group=group, state__in=[MembershipState.INVITED, MembershipState.REQUESTED]
        )
        .select_related("member", "invited_by")
        .order_by("created_at", "id")
    )


def past_members_of(group: Group) -> QuerySet[Membership]:
    """Who was in the group and left, with when."""
    return (
        Membership.objects.filter(group=group, state=MembershipState.LEFT)
        .select_related("member")
        .order_by("-end", "-id")
    )


def invitable_members(group: Group) -> QuerySet[Member]:
    """Present members with an account, not in the group nor invited nor asking."""
    today = timezone.localdate()
    taken = Membership.objects.filter(group=group, state__in=OPEN_STATES).values("member_id")
    return (
        Member.objects.filter(user__isnull=False, user__is_active=True)
        .filter(Q(exit_date__isnull=True) | Q(exit_date__gt=today))
        .exclude(pk__in=taken)
        .order_by("last_name", "first_name", "id")
    )


def suggested_members(group: Group, *, viewer: Any, limit: int = 6) -> list[Member]:
    """Members the directory finds on the group's skills (its first three nodes), not in the
    group yet: whom to invite."""
    from essaim.skills.search import DirectoryQuery, directory_search

    invitable = set(invitable_members(group).values_list("pk", flat=True))
    found: dict[int, Member] = {}
    for node in list(group.nodes.order_by("label")[:3]):
        result = directory_search(
            viewer=viewer, query=DirectoryQuery(node_code=node.code, limit=limit * 2)
        )
        for hit in result.hits:
            if hit.member.pk in invitable and len(found) < limit:
                found.setdefault(hit.member.pk, hit.member)
    return list(found.values())


def reviewers_of(group: Group) -> QuerySet[OutsideReviewer]:
    return OutsideReviewer.objects.filter(group=group).select_related("member")


def cycles_of(group: Group) -> QuerySet[Cycle]:
    return Cycle.objects.filter(group=group).order_by("date", "id")


def phases_of(group: Group) -> QuerySet[Phase]:
    return Phase.objects.filter(group=group).prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id"))
    )


def tasks_of(group: Group, *, status: str = "") -> QuerySet[Task]:
    qs = Task.objects.filter(group=group).select_related("owner")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_date", "id")


def decisions_of(group: Group) -> QuerySet[Decision]:
    return Decision.objects.filter(group=group).select_related("recorded_by")


def notes_of(group: Group) -> QuerySet[MeetingNote]:
    return (
        MeetingNote.objects.filter(group=group)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("attendees", queryset=Member.objects.order_by("last_name", "first_name"))
        )
    )


def threads_of(group: Group) -> QuerySet[Thread]:
    return (
        Thread.objects.filter(group=group)
        .select_related("author")
        .annotate(post_count=Count("posts"))
        .order_by("-last_post_at", "-id")
    )


def thread_for(group: Group, pk: int) -> Thread:
    return Thread.objects.select_related("author").get(group=group, pk=pk)


def posts_of(thread: Thread) -> QuerySet[Post]:
    return (
        Post.objects.filter(thread=thread)
        .select_related("author")
        .prefetch_related("mentions")
        .order_by("created_at", "id")
    )


def files_of(group: Group) -> QuerySet[SharedFile]:
    return SharedFile.objects.filter(group=group).select_related("uploaded_by")


def file_for(group: Group, pk: int) -> SharedFile:
    return SharedFile.objects.get(group=group, pk=pk)


@dataclass(frozen=True)
class TimeRow:
    membership: Membership
    hours: dict[dt.date, Decimal | None]  # month → hours declared (None: nothing)


def time_table(group: Group, months: list[dt.date]) -> list[TimeRow]:
    """Each active member's declared hours for the given months (first days), one query for
    the hours."""
    members = members_of(group)
    entries = {
        (e.member_id, e.month): e.hours
        for e in TimeEntry.objects.filter(group=group, month__in=months)
    }
    return [
        TimeRow(m, {month: entries.get((m.member_id, month)) for month in months}) for m in members
    ]


def last_months(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` months up to today's, oldest first."""
    months = [health_rules.first_of_month(today)]
    while len(months) < count:
        months.insert(0, health_rules.previous_month(months[0]))
    return months


# ---------------------------------------------------------------- the charter


def charter_missing(group: Group) -> list[str]:
    """What the charter of a project group still lacks before the group can be active, in
    French (empty when complete)."""
    missing: list[str] = []
    charter = Charter.objects.filter(group=group).first()
    if charter is None or not charter.objective.strip():
        missing.append(_("l'objectif"))
    if charter is None or not charter.target_clients.strip():
        missing.append(_("les clients visés"))
    if charter is None or not charter.offer.strip():
        missing.append(_("l'offre"))
    phases = list(phases_of(group))
    if not phases:
        missing.append(_("au moins une phase du planning"))
    elif not any(p.milestones.all() for p in phases):
        missing.append(_("au moins un jalon daté"))
    members = members_of(group)
    if not any(m.role == MembershipRole.LEAD for m in members):
        missing.append(_("un·e porteur·se du projet"))
    if not any(m.role == MembershipRole.FACILITATOR for m in members):
        missing.append(_("un·e animateur·rice"))
    uncommitted = [str(m.member) for m in members if not m.commitment_hours_per_month]
    if uncommitted:
        missing.append(
            _("l'engagement minimum (heures par mois) de %(names)s")
            % {"names": ", ".join(uncommitted)}
        )
    if not OutsideReviewer.objects.filter(group=group).exists():
        missing.append(_("au moins un·e relecteur·rice extérieur·e"))
    return missing


# ---------------------------------------------------------------- the health panel


def health_of(group: Group, *, today: dt.date | None = None) -> health_rules.Health:
    """The health panel of a group from its tasks, milestones, meetings and time log."""
    today = today or timezone.localdate()
    last_month = health_rules.previous_month(today)
    declared = {
        e.member_id: e.hours
        for e in TimeEntry.objects.filter(group=group, month=last_month).only("member_id", "hours")
    }
    return health_rules.health(
        today=today,
        started=group.activated_on or timezone.localtime(group.created_at).date(),
        tasks=[
            health_rules.TaskFact(t.pk, t.due_date, t.status == TaskStatus.DONE, t.done_at)
            for t in Task.objects.filter(group=group).only("due_date", "status", "done_at")
        ],
        milestones=[
            health_rules.MilestoneFact(m.pk, m.due_date, m.reached_at)
            for m in Milestone.objects.filter(phase__group=group).only("due_date", "reached_at")
        ],
        meetings=[
            health_rules.MeetingFact(n.date, bool(n.progress.strip()))
            for n in MeetingNote.objects.filter(group=group).only("date", "progress")
        ],
        members=[
            health_rules.MemberFact(
                m.member_id, m.commitment_hours_per_month, declared.get(m.member_id), m.start
            )
            for m in Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
            if m.start is not None
        ],
    )


NUMBER_WORDS = {
    3: "Trois",
    4: "Quatre",
    5: "Cinq",
    6: "Six",
    7: "Sept",
    8: "Huit",
    9: "Neuf",
    10: "Dix",
}


def stall_prompt(panel: health_rules.Health) -> str:
    """The plain question the panel asks when meetings pile up without progress ("" when
    they do not)."""
    if not panel.stalled:
        return ""
    count = panel.meetings_without_progress
    return _(
        "%(count)s réunions sans avancée : faut-il revoir le plan, ou désigner qui tranche ?"
    ) % {"count": NUMBER_WORDS.get(count, str(count))}


# ---------------------------------------------------------------- brand groups


def split_rule_of(group: Group) -> split.Rule:
    """The stored rule of a brand group, for `split.split_turnover` (invoicing calls it)."""
    percents: dict[Any, Decimal] = {}
    if group.split_rule == SplitRule.FIXED:
        percents = {
            m.member_id: m.split_percent
            for m in Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
            if m.split_percent is not None
        }
    return split.Rule(kind=group.split_rule or SplitRule.EQUAL, percents=percents)


def split_problems(group: Group) -> list[str]:
    """Why the stored fixed percentages cannot be applied as they are (members joined or left
    since), in French; empty when the rule applies."""
    if group.split_rule != SplitRule.FIXED:
        return []
    rows = list(
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE).select_related(
            "member"
        )
    )
    problems = []
    missing = [str(m.member) for m in rows if m.split_percent is None]
    if missing:
        problems.append(_("Sans pourcentage : %(names)s.") % {"names": ", ".join(missing)})
    total = sum((m.split_percent for m in rows if m.split_percent is not None), Decimal(0))
    if total != 100:
        problems.append(
            _("Les pourcentages des membres actuels font %(total)s %% au lieu de 100 %%.")
            % {"total": f"{total:.2f}".replace(".", ",")}
        )
    return problems


def hours_by_member(group: Group, *, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Hours each active member declared for the months from `start` to `end` (pro rata of
    hours); active members who declared nothing count 0."""
    hours: dict[int, Decimal] = {
        m.member_id: Decimal(0)
        for m in Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
    }
    for entry in TimeEntry.objects.filter(
        group=group, month__gte=health_rules.first_of_month(start), month__lte=end
    ):
        if entry.member_id in hours:
            hours[entry.member_id] += entry.hours
    return hours


# ---------------------------------------------------------------- participation and figures


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    month = health_rules.first_of_month(start)
    found = []
    while month <= end:
        found.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found


def participation_rows(*, start: dt.date, end: dt.date) -> list[tuple[int, dt.date, str]]:
    """Participation in groups between `start` and `end` (included), one row each:

    - ("group.member"): one row per membership and month of that membership, dated on the
      month's first day within the membership and the period;
    - ("group.meeting"): one row per attendee of a group meeting, on the meeting's date.
    """
    rows: list[tuple[int, dt.date, str]] = []
    memberships = Membership.objects.filter(start__isnull=False, start__lte=end).filter(
        Q(end__isnull=True) | Q(end__gte=start)
    )
    for member_id, joined, left in memberships.values_list("member_id", "start", "end"):
        first = max(joined, start)
        last = min(left or end, end)
        for month in _months(first, last):
            rows.append((member_id, max(month, first), "group.member"))
    attended = MeetingNote.attendees.through.objects.filter(
        meetingnote__date__gte=start, meetingnote__date__lte=end
    ).values_list("member_id", "meetingnote__date")
    rows += [(member_id, day, "group.meeting") for member_id, day in attended]
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    return rows


def stats(*, year: int | None = None) -> dict[str, Any]:
    """`groups_by_kind`: the groups of each kind (every kind present, 0 included). With a
    year: groups that existed during that year (created by its end, not closed before its
    start); without: the groups not closed today."""
    qs = Group.objects.all()
    if year is None:
        qs = qs.exclude(status=GroupStatus.CLOSED)
    else:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        qs = qs.filter(created_at__date__lte=last).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=first)
        )
    counts: dict[str, int] = defaultdict(int)
    for row in qs.order_by().values("kind").annotate(n=Count("id")):
        counts[row["kind"]] = row["n"]
    return {"groups_by_kind": {kind: counts[kind] for kind in GroupKind.values}}
