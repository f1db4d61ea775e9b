"""Reads of requests: the board, a member's own requests and answers, a request's page (its
skills, its matching members in the stored fair order, the answers the reader may see)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value

from essaim.marketplace import matching, rules
from essaim.marketplace.models import (
    RequestIntroduction,
    RequestMatch,
    RequestResponse,
    RequestSkill,
    RequestStatus,
    ResponseStatus,
    WorkRequest,
)
from essaim.marketplace.selectors.matching import needs_of
from essaim.members.models import Member
from essaim.skills.models import MemberSkill, Node

BOARD_STATUSES = (RequestStatus.OPEN, RequestStatus.DISCUSSION)


def _skills_prefetch() -> Prefetch:
    return Prefetch(
        "skills", queryset=RequestSkill.objects.select_related("node").order_by("-min_level", "pk")
    )


@dataclass(frozen=True)
class BoardFilters:
    """What the board is narrowed to; empty values filter nothing."""

    text: str = ""
    kind: str = ""
    node: Node | None = None  # a needed skill at or below this node
    zone: str = ""  # work in this département, or remote work
    status: str = ""  # "" : the requests still open to answers
    matching: Member | None = None  # only the requests that matched this member


def request_board(*, user: Any, filters: BoardFilters | None = None) -> QuerySet[WorkRequest]:
    """Published requests, newest first, with what a board row shows (author, activity,
    skills); `matches_me`/`answered` say whether the viewer's member matched or answered."""
    filters = filters or BoardFilters()
    if not rules.can_use_marketplace(user):
        return WorkRequest.objects.none()
    qs = WorkRequest.objects.exclude(status=RequestStatus.DRAFT)
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(status__in=BOARD_STATUSES)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.zone:
        qs = qs.filter(Q(zone=filters.zone) | Q(remote=True))
    if filters.node is not None:
        needing = RequestSkill.objects.filter(
            request=OuterRef("pk"), node__path__startswith=filters.node.path
        )
        qs = qs.filter(Exists(needing))
    for word in filters.text.split():
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if rules.can_take_part(user):
        mine = Q(request=OuterRef("pk"), member__user_id=user.pk)
        qs = qs.annotate(
            matches_me=Exists(RequestMatch.objects.filter(mine)),
            answered=Exists(
                RequestResponse.objects.filter(mine).exclude(status=ResponseStatus.WITHDRAWN)
            ),
        )
    else:
        qs = qs.annotate(
            matches_me=Value(False, output_field=BooleanField()),
            answered=Value(False, output_field=BooleanField()),
        )
    if filters.matching is not None:
        qs = qs.filter(
            Exists(RequestMatch.objects.filter(request=OuterRef("pk"), member=filters.matching))
        )
    return (
        qs.select_related("author__activity")
        .prefetch_related(_skills_prefetch())
        .order_by("-published_at", "-pk")
    )


def requests_of(member: Member) -> QuerySet[WorkRequest]:
    """A member's own requests, drafts included, with how many answers each has."""
    return (
        WorkRequest.objects.filter(author=member)
        .annotate(
            response_count=Count(
                "responses",
                filter=~Q(responses__status=ResponseStatus.WITHDRAWN),
                distinct=True,
            ),
            match_count=Count("matches", distinct=True),
        )
        .prefetch_related(_skills_prefetch())
        .order_by("-created_at", "-pk")
    )


def responses_of(member: Member) -> QuerySet[RequestResponse]:
    """The answers a member sent, with the request and its author."""
    return (
        RequestResponse.objects.filter(member=member)
        .select_related("request__author__activity")
        .order_by("-created_at", "-pk")
    )


def request_detail(pk: int) -> WorkRequest:
    """A request with its author and needed skills (raises DoesNotExist)."""
    return (
        WorkRequest.objects.select_related("author__activity", "author__user", "opportunity")
        .prefetch_related(_skills_prefetch())
        .get(pk=pk)
    )


@dataclass
class MatchRow:
    """A matching member as the request's author sees them: rank, member (with activity),
    and which of the needed skills they cover."""

    match: RequestMatch
    covered_skills: list[RequestSkill] = field(default_factory=list)

    @property
    def member(self) -> Member:
        return self.match.member


def request_matches(request: WorkRequest) -> list[MatchRow]:
    """The members the request matched, in the stored fair order, each with the skills of the
    request they cover (three queries whatever their number)."""
    matches = list(
        RequestMatch.objects.filter(request=request)
        .select_related("member__activity")
        .order_by("rank", "pk")
    )
    if not matches:
        return []
    wanted = list(request.skills.all())  # prefetched by request_detail
    needs = needs_of([(s.node_id, s.min_level) for s in wanted])
    answering = set().union(*(n.answering for n in needs)) if needs else set()
    held: dict[int, dict[int, int]] = defaultdict(dict)
    for member_id, node_id, level in MemberSkill.objects.filter(
        member_id__in=[m.member_id for m in matches], node_id__in=answering
    ).values_list("member_id", "node_id", "level"):
        held[member_id][node_id] = level
    rows = []
    for found in matches:
        skills = held.get(found.member_id, {})
        covered = [
            skill
            for skill, need in zip(wanted, needs, strict=True)
            if matching.covered_needs([need], skills)
        ]
        rows.append(MatchRow(found, covered))
    return rows


def request_responses(*, user: Any, request: WorkRequest) -> QuerySet[RequestResponse]:
    """The answers to the request that `user` may read (rules.responses_visible_to)."""
    return (
        RequestResponse.objects.filter(request=request)
        .filter(rules.responses_visible_to(user))
        .select_related("member__activity")
        .order_by("created_at", "pk")
    )


def own_response(*, member: Member | None, request: WorkRequest) -> RequestResponse | None:
    if member is None:
        return None
    return RequestResponse.objects.filter(request=request, member=member).first()


def request_introductions(request: WorkRequest) -> QuerySet[RequestIntroduction]:
    return RequestIntroduction.objects.filter(request=request).select_related(
        "member__activity", "advisor"
    )
