"""The demo marketplace: offers, requests with their answers, matches and introductions, deals
and feedback, the business watch and a few conversations, over the last `YEARS` years.

A step of `essaim.demo.generator.STEPS`, after the profiles (requests ask for skills members
hold), with its own random stream (`marketplace`), written in bulk like the rest of the demo.
The plan — who worked with whom, and the requests behind and beside it — is plain data drawn in
`essaim.demo.marketplace_plan` (the shape of the study, and why, is told there); here it becomes
rows.

A request's matching members are computed with the marketplace's own rule
(`essaim.marketplace.matching`, the nodes answering for each need from
`selectors.matching.needs_of`) on the members' profiles, among the members present when it was
published, in the fair order of its publication day. A profile's availability describes today:
it is applied to requests published in the last `AVAILABILITY_DAYS` days only.

The demo entrepreneur login always has a deal, a request in discussion with answers, an offer
and a conversation, so that every page of the marketplace shows something.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import random
from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils import timezone

from essaim.core.dates import add_years
from essaim.demo.marketplace_catalog import (
    AVAILABILITIES,
    CLIENTS,
    CONVERSATIONS,
    FEEDBACK_BAD,
    FEEDBACK_GOOD,
    INTRODUCTION_REASONS,
    OFFER_CLOSINGS,
    OPPORTUNITIES,
    RESPONSE_MESSAGES,
    fill,
)
from essaim.demo.marketplace_plan import (
    DAY,
    Network,
    Pair,
    Person,
    PlannedDeal,
    PlannedRequest,
    Requests,
    choose_network,
    line_of,
    link,
    money,
    price_of,
)
from essaim.demo.profiles import PRESENT_STAGES, Builtin
from essaim.marketplace import matching
from essaim.marketplace.models import (
    Audience,
    Conversation,
    ConversationParticipant,
    Deal,
    DealKind,
    DealOrigin,
    DealProvider,
    DealStatus,
    Feedback,
    Message,
    Offer,
    Opportunity,
    OpportunityKind,
    RequestIntroduction,
    RequestKind,
    RequestMatch,
    RequestResponse,
    RequestSkill,
    RequestStatus,
    ResponseStatus,
    WatchSubscription,
    WorkRequest,
)
from essaim.marketplace.selectors.matching import needs_of
from essaim.marketplace.services.offers import offer_search_text
from essaim.skills.models import MemberSkill, Node, Profile

if TYPE_CHECKING:
    from essaim.demo.generator import DemoContext

BATCH = 1000
TENTH = decimal.Decimal("0.1")
YEARS = 3
AVAILABILITY_DAYS = 120
# Requests that led to no deal, per present member: (status, share).
OTHER_REQUESTS = (
    (RequestStatus.EXPIRED, 0.09),
    (RequestStatus.CANCELLED, 0.05),
    (RequestStatus.OPEN, 0.012),
    (RequestStatus.DISCUSSION, 0.02),
    (RequestStatus.DRAFT, 0.008),
)
INTRODUCED_OPEN = 0.25  # open requests an advisor points a member to
OFFER_SHARE = {True: 0.4, False: 0.17}  # by « in the network »: about 1 member in 4
PUBLIC_OFFERS = 0.35
SUBSCRIBERS = 0.08
OPPORTUNITIES_PER_MEMBER = 1 / 60
CONVERSATION_SHARE = {"deal": 0.2, "request": 0.5}
FEEDBACK_SHARE = {"buyer": 0.5, "provider": 0.4}


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working hour of that day, in the cooperative's time zone."""
    moment = dt.datetime.combine(day, dt.time(rng.randint(8, 19), rng.choice([0, 15, 30, 45])))
    return timezone.make_aware(moment)


# ---------------------------------------------------------------- reading the cooperative


def read_people(ctx: DemoContext, builtin: Builtin, start: dt.date) -> list[Person]:
    """Members present at some point since `start`, in person-key order; the present ones with
    their professional skills (best first) and their profile as the matching sees it."""
    professional = {
        n.pk for n in builtin.by_code.values() if not n.is_social and n.kind in ("trade", "skill")
    }
    skills: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = MemberSkill.objects.filter(member__exit_date__isnull=True).order_by(
        "member_id", "-level", "node_id"
    )
    for member_id, node_id, level in rows.values_list("member_id", "node_id", "level"):
        if node_id in professional:
            skills[member_id].append((node_id, level))
    profiles = {
        row[0]: row[1:]
        for row in Profile.objects.values_list(
            "member_id", "zones", "remote", "days_per_week", "available_from", "available_until"
        )
    }
    people = []
    for plan, member, who in zip(ctx.plans, ctx.members, ctx.identities, strict=True):
        exit = plan.exit_at(ctx.today)
        if not plan.capes or plan.entry > ctx.today or (exit is not None and exit.date < start):
            continue
        now = exit is None and member.stage in PRESENT_STAGES
        if exit is None and not now:
            continue
        person = Person(plan.key, member, who, plan.entry, exit.date if exit else None, now)
        profile = profiles.get(member.pk)
        if now and profile is not None and skills.get(member.pk):
            zones, remote, days, since, until = profile
            person.skills = skills[member.pk]
            person.candidate = matching.Candidate(
                member_id=member.pk,
                skills=dict(person.skills),
                zones=tuple(zones or ()),
                remote=bool(remote),
                days_per_week=float(days or 0),
                available_from=since,
                available_until=until,
            )
        people.append(person)
    return people


# ---------------------------------------------------------------- the step


def build_marketplace(ctx: DemoContext) -> None:
    from essaim.demo.generator import ENTREPRENEUR_EMAIL

    builtin = Builtin()
    if not builtin or not ctx.members:
        return
    rng = ctx.stream("marketplace")
    start = add_years(ctx.today, -YEARS)
    people = read_people(ctx, builtin, start)
    login = ctx.logins.get(ENTREPRENEUR_EMAIL)
    demo = next((p for p in people if login and p.member.user_id == login.pk and p.now), None)
    choose_network(rng, people, demo)
    network = Network(rng, people, start, ctx.today)
    deals = network.run()
    if demo is not None and not any(demo in d.parties for d in deals):
        _first_deal(rng, network, demo)
    plan = Requests(rng, people, builtin, start, ctx.today)
    for deal in deals:
        if deal.via_request and plan.from_deal(deal) is None:
            deal.via_request = deal.introduced = False
    present = sum(p.now for p in people)
    for status, share in OTHER_REQUESTS:
        for _ in range(round(share * present)):
            plan.other(status)
    if demo is not None:
        for _ in range(10):  # a request of theirs with answers, on a skill others hold
            mine = plan.other(RequestStatus.DISCUSSION, author=demo, answers=2)
            if mine is not None and len(mine.responses) >= 2:
                break
    _introduce(rng, plan)
    opportunities = _opportunities(ctx, rng, plan, people, builtin)
    requests = _write_requests(rng, plan.planned, opportunities, people, ctx.today)
    written = _write_deals(rng, deals, requests, plan.planned, ctx.today)
    ctx.extra_counts.update(
        offers=_write_offers(rng, people, demo, ctx.today),
        requests=len(requests),
        responses=sum(len(r.responses) for r in plan.planned),
        deals=len(deals),
        feedback=written,
        conversations=_write_conversations(rng, deals, plan.planned, requests, demo, ctx.today),
        opportunities=len(opportunities),
    )
    _write_subscriptions(rng, people, builtin, demo, ctx.today)


def _first_deal(rng: random.Random, network: Network, demo: Person) -> None:
    """The demo entrepreneur's deal, when the draw gave them none."""
    partners = [p for p in network.pool if p is not demo and p.now]
    for partner in rng.sample(partners, min(len(partners), 20)):
        first = max(demo.entry, partner.entry, network.start)
        if first >= network.today:
            continue
        day = first + DAY * rng.randint(0, (network.today - first).days)
        pair = Pair(partner, demo, DealKind.PURCHASE, good=True)
        if network.pair_deal(pair, day):
            network.pairs[(min(demo.key, partner.key), max(demo.key, partner.key))] = pair
            link([demo, partner])
            return


def _introduce(rng: random.Random, plan: Requests) -> None:
    """Advisors point some open requests' authors to a member who holds the skill."""
    for request in plan.planned:
        if request.status not in (RequestStatus.OPEN, RequestStatus.DISCUSSION):
            continue
        if rng.random() >= INTRODUCED_OPEN:
            continue
        taken = {request.author.key, *(r.person.key for r in request.responses)}
        for person in plan.responders(request, exclude=taken, most=1, least=1):
            assert request.published is not None
            request.introduced.append((person, min(request.published + DAY, plan.today)))


# ---------------------------------------------------------------- the business watch


def _opportunities(
    ctx: DemoContext,
    rng: random.Random,
    plan: Requests,
    people: list[Person],
    builtin: Builtin,
) -> list[tuple[Opportunity, list[int]]]:
    """Opportunities of the last year (staff's imports and members' leads); two of them are
    the origin of a joint request."""
    found: list[tuple[Opportunity, list[int]]] = []
    joint = [
        r
        for r in plan.planned
        if r.kind in (RequestKind.COCONTRACTING, RequestKind.TENDER) and r.published is not None
    ]
    for request in joint[-2:]:
        created = request.created - DAY * rng.randint(1, 10)
        opportunity = _opportunity(ctx, rng, request.author, created, len(found))
        opportunity.deadline = request.deadline + DAY * rng.randint(5, 20)
        request.opportunity = len(found)
        found.append((opportunity, [n for n, _level in request.nodes]))
    present = [p for p in people if p.skills]
    for _ in range(max(3, round(OPPORTUNITIES_PER_MEMBER * len(present)))):
        person = rng.choice(present)
        created = max(ctx.today - DAY * rng.randint(0, 365), person.entry)
        opportunity = _opportunity(ctx, rng, person, created, len(found))
        found.append((opportunity, [person.skills[0][0]]))
    rows = Opportunity.objects.bulk_create([o for o, _nodes in found], batch_size=BATCH)
    through = Opportunity.nodes.through
    through.objects.bulk_create(
        [
            through(opportunity_id=o.pk, node_id=node_id)
            for o, (_o, nodes) in zip(rows, found, strict=True)
            for node_id in dict.fromkeys(nodes)
        ],
        batch_size=BATCH,
    )
    return found


def _opportunity(
    ctx: DemoContext, rng: random.Random, person: Person, created: dt.date, index: int
) -> Opportunity:
    kind, title, description = rng.choice(OPPORTUNITIES)
    label = line_of(rng, person).label
    values = {
        "need": label[:1].lower() + label[1:],
        "city": person.city,
        "client": fill(rng.choice(CLIENTS), city=person.city),
    }
    imported = kind == OpportunityKind.TENDER and rng.random() < 0.7
    reference = f"AO-{created.year}-{index + 1:04d}" if imported else ""
    zones = person.candidate.zones if person.candidate else ()
    return Opportunity(
        kind=kind,
        title=fill(title, **values)[:255],
        description=description,
        client=values["client"][:200],
        deadline=created + DAY * rng.randint(15, 60),
        source_url=f"https://marches.example.org/avis/{reference}" if reference else "",
        zone=zones[0] if zones else "",
        budget=money(1000 * rng.randint(5, 80)) if kind == OpportunityKind.TENDER else None,
        external_ref=reference,
        posted_by=ctx.staff if imported or not person.now else person.member.user,
        created_at=_at(created, rng),
    )


def _write_subscriptions(
    rng: random.Random,
    people: list[Person],
    builtin: Builtin,
    demo: Person | None,
    today: dt.date,
) -> None:
    rows = []
    for person in people:
        if not person.skills or (person is not demo and rng.random() >= SUBSCRIBERS):
            continue
        trades = builtin.trades_for(person.who.trade.label, person.who.trade.sector)
        node_id = trades[0].pk if trades else person.skills[0][0]
        day = max(person.entry, today - DAY * rng.randint(0, 400))
        rows.append(
            WatchSubscription(member=person.member, node_id=node_id, created_at=_at(day, rng))
        )
    WatchSubscription.objects.bulk_create(rows, batch_size=BATCH)


# ---------------------------------------------------------------- offers


def _write_offers(
    rng: random.Random, people: list[Person], demo: Person | None, today: dt.date
) -> int:
    """About one present member in four offers a service (the network's members more often);
    returns how many offers."""
    offers: list[tuple[Offer, list[int]]] = []
    for person in people:
        chance = 1.0 if person is demo else OFFER_SHARE[person.fitness > 0]
        if not person.skills or rng.random() >= chance:
            continue
        line = line_of(rng, person)
        priced = rng.random() < 0.65
        unit, _quantity = price_of(rng, line)
        day = max(person.entry, today - DAY * rng.randint(0, 730))
        offer = Offer(
            member=person.member,
            title=line.label,
            description=" ".join(
                s for s in (person.who.description, rng.choice(OFFER_CLOSINGS)) if s
            ),
            price=unit if priced else None,
            price_unit=line.unit if priced else "",
            audience=Audience.PUBLIC if rng.random() < PUBLIC_OFFERS else Audience.MEMBERS,
            active=rng.random() < 0.92,
            created_at=_at(day, rng),
        )
        offers.append((offer, [n for n, _level in person.skills[: rng.randint(1, 3)]]))
    nodes = Node.objects.in_bulk({n for _o, ids in offers for n in ids})
    for offer, ids in offers:
        offer.search_text = offer_search_text(
            title=offer.title, description=offer.description, nodes=[nodes[n] for n in ids]
        )
    rows = Offer.objects.bulk_create([o for o, _ids in offers], batch_size=BATCH)
    through = Offer.nodes.through
    through.objects.bulk_create(
        [
            through(offer_id=o.pk, node_id=n)
            for o, (_o, ids) in zip(rows, offers, strict=True)
            for n in ids
        ],
        batch_size=BATCH,
    )
    return len(rows)


# ---------------------------------------------------------------- requests


def _write_requests(
    rng: random.Random,
    planned: list[PlannedRequest],
    opportunities: list[tuple[Opportunity, list[int]]],
    people: list[Person],
    today: dt.date,
) -> list[WorkRequest]:
    planned.sort(key=lambda r: (r.created, r.author.key, r.title))
    rows = WorkRequest.objects.bulk_create(
        [
            WorkRequest(
                author=r.author.member,
                kind=r.kind,
                title=r.title,
                description=r.description,
                start_date=r.start,
                end_date=r.end,
                estimated_hours=r.hours,
                estimated_days=(r.hours / 7).quantize(TENTH) if r.hours else None,
                budget=r.budget,
                zone=r.zone,
                remote=r.remote,
                answer_deadline=r.deadline,
                status=r.status,
                opportunity=opportunities[r.opportunity][0] if r.opportunity is not None else None,
                published_at=_at(r.published, rng) if r.published else None,
                closed_at=_at(r.closed, rng) if r.closed else None,
                created_at=_at(r.created, rng),
            )
            for r in planned
        ],
        batch_size=BATCH,
    )
    RequestSkill.objects.bulk_create(
        [
            RequestSkill(request=row, node_id=node_id, min_level=level)
            for row, r in zip(rows, planned, strict=True)
            for node_id, level in r.nodes
        ],
        batch_size=BATCH,
    )
    RequestResponse.objects.bulk_create(
        [
            RequestResponse(
                request=row,
                member=answer.person.member,
                message=fill(rng.choice(RESPONSE_MESSAGES), first=r.author.member.first_name),
                availability=rng.choice(AVAILABILITIES),
                price=answer.price,
                status=answer.status,
                created_at=_at(answer.day, rng),
                decided_at=_at(answer.decided, rng) if answer.decided else None,
            )
            for row, r in zip(rows, planned, strict=True)
            for answer in r.responses
        ],
        batch_size=BATCH,
    )
    introductions = []
    for row, r in zip(rows, planned, strict=True):
        for person, day in r.introduced:
            advisor = person.member.advisor_id or r.author.member.advisor_id
            if advisor is not None:
                reason = rng.choice(INTRODUCTION_REASONS)
                introductions.append(
                    RequestIntroduction(
                        request=row,
                        member=person.member,
                        advisor_id=advisor,
                        reason=fill(reason, first=person.member.first_name),
                        created_at=_at(day, rng),
                    )
                )
    RequestIntroduction.objects.bulk_create(introductions, batch_size=BATCH)
    RequestMatch.objects.bulk_create(_matches(rows, planned, people, today), batch_size=BATCH)
    return rows


def _matches(
    rows: list[WorkRequest], planned: list[PlannedRequest], people: list[Person], today: dt.date
) -> list[RequestMatch]:
    """Each published request's matching members, as when it was published."""
    holders: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        for node_id in person.candidate.skills if person.candidate else ():
            holders[node_id].append(person)
    timeless: dict[int, matching.Candidate] = {}
    asked = sorted({need for r in planned if r.published is not None for need in r.nodes})
    need_of = dict(zip(asked, needs_of(asked), strict=True))
    found = []
    for row, r in zip(rows, planned, strict=True):
        if r.published is None:
            continue
        needs = [need_of[need] for need in r.nodes]
        recent = (today - r.published).days <= AVAILABILITY_DAYS
        candidates: dict[int, matching.Candidate] = {}
        for need in needs:
            for node_id in need.answering:
                for person in holders.get(node_id, ()):
                    if person is r.author or not person.present(r.published):
                        continue
                    candidate = person.candidate
                    assert candidate is not None
                    if not recent:
                        if person.key not in timeless:
                            timeless[person.key] = dataclasses.replace(
                                candidate,
                                days_per_week=max(candidate.days_per_week, 1.0),
                                available_from=None,
                                available_until=None,
                            )
                        candidate = timeless[person.key]
                    candidates[candidate.member_id] = candidate
        place = matching.Place(zone=row.zone, remote=row.remote, start=r.start, end=r.end)
        ordered = matching.match(
            needs,
            place,
            sorted(candidates.values(), key=lambda c: c.member_id),
            today=r.published,
            key=f"request:{row.pk}",
        )
        found += [
            RequestMatch(
                request=row,
                member_id=m.member_id,
                rank=rank,
                covered=m.covered,
                created_at=row.published_at,
            )
            for rank, m in enumerate(ordered, start=1)
        ]
    return found


# ---------------------------------------------------------------- deals and feedback


def _write_deals(
    rng: random.Random,
    deals: list[PlannedDeal],
    requests: list[WorkRequest],
    planned: list[PlannedRequest],
    today: dt.date,
) -> int:
    """The deals, their providers and feedback; returns how much feedback."""
    of_deal = {id(p.deal): row for row, p in zip(requests, planned, strict=True) if p.deal}
    deals.sort(key=lambda d: (d.start, d.buyer.key, d.title))
    rows = []
    for deal in deals:
        request = of_deal.get(id(deal))
        origin = DealOrigin.DIRECT
        if request is not None:
            origin = DealOrigin.INTRODUCTION if deal.introduced else DealOrigin.MATCHING
        recorded = (
            request.closed_at
            if request is not None
            else _at(min(max(deal.start - DAY, *(p.entry for p in deal.parties)), today), rng)
        )
        rows.append(
            Deal(
                kind=deal.kind,
                title=deal.title,
                buyer=deal.buyer.member,
                amount=deal.amount,
                hours=deal.hours,
                start_date=deal.start,
                end_date=deal.end,
                status=deal.status,
                origin=origin,
                request=request,
                created_at=recorded,
                done_at=deal.end if deal.status == DealStatus.DONE else None,
            )
        )
    rows = Deal.objects.bulk_create(rows, batch_size=BATCH)
    DealProvider.objects.bulk_create(
        [
            DealProvider(deal=row, member=provider.member, amount=share)
            for row, deal in zip(rows, deals, strict=True)
            for provider, share in zip(deal.providers, deal.shares, strict=True)
        ],
        batch_size=BATCH,
    )
    feedback = [
        f
        for row, deal in zip(rows, deals, strict=True)
        if deal.status == DealStatus.DONE
        for f in _feedback(rng, row, deal, today)
    ]
    Feedback.objects.bulk_create(feedback, batch_size=BATCH)
    return len(feedback)


def _feedback(rng: random.Random, row: Deal, deal: PlannedDeal, today: dt.date) -> list[Feedback]:
    """Each side of a done deal may say how it went: mostly well; « would not work again »
    where the pair went badly."""
    found = []
    for provider in deal.providers:
        for author, about, share in (
            (deal.buyer, provider, "buyer"),
            (provider, deal.buyer, "provider"),
        ):
            if rng.random() >= FEEDBACK_SHARE[share]:
                continue
            day = min(deal.end + DAY * rng.randint(1, 21), today, author.until)
            if day < deal.end:
                continue
            good = deal.good or rng.random() < 0.15
            grades = [3, 4, 4, 5, 5, 5] if good else [1, 2, 2, 3]
            found.append(
                Feedback(
                    deal=row,
                    author=author.member,
                    about=about.member,
                    would_work_again=good,
                    quality=rng.choice(grades),
                    deadlines=rng.choice(grades),
                    communication=rng.choice(grades),
                    comment=rng.choice(FEEDBACK_GOOD if good else FEEDBACK_BAD),
                    created_at=_at(day, rng),
                )
            )
    return found


# ---------------------------------------------------------------- conversations


def _write_conversations(
    rng: random.Random,
    deals: list[PlannedDeal],
    planned: list[PlannedRequest],
    requests: list[WorkRequest],
    demo: Person | None,
    today: dt.date,
) -> int:
    """Some new pairs talked before working together; some authors talk with a responder of
    their request in discussion. Returns how many conversations."""
    # subject, request, who writes first, the other, first and last day
    threads: list[tuple[str, WorkRequest | None, Person, Person, dt.date, dt.date]] = []
    for deal in deals:
        if not deal.fresh or deal.via_request or deal.status == DealStatus.CANCELLED:
            continue
        if rng.random() < CONVERSATION_SHARE["deal"]:
            other = deal.providers[0]
            first = max(deal.start - 14 * DAY, deal.buyer.entry, other.entry)
            threads.append((deal.title, None, deal.buyer, other, first, min(deal.start, today)))
    for row, r in zip(requests, planned, strict=True):
        if r.status != RequestStatus.DISCUSSION:
            continue
        if r.author is demo or rng.random() < CONVERSATION_SHARE["request"]:
            answer = next((a for a in r.responses if a.status != ResponseStatus.WITHDRAWN), None)
            if answer is not None:
                threads.append((r.title, row, r.author, answer.person, answer.day, today))
    conversations, people, messages = [], [], []
    for subject, request, starter, other, first, last in threads:
        pattern = rng.choice(CONVERSATIONS)
        days = sorted(first + DAY * rng.randint(0, (last - first).days) for _ in pattern)
        times = sorted(_at(day, rng) for day in days)
        speakers = [(starter, other) if who == 0 else (other, starter) for who, _text in pattern]
        conversations.append(
            Conversation(
                subject=subject[:200],
                request=request,
                created_at=times[0],
                last_message_at=times[-1],
            )
        )
        people.append((starter, other, speakers[-1][0], times))
        messages.append(
            [
                (author, fill(text, first=to.member.first_name), at)
                for (author, to), (_who, text), at in zip(speakers, pattern, times, strict=True)
            ]
        )
    rows = Conversation.objects.bulk_create(conversations, batch_size=BATCH)
    participants = []
    for row, (starter, other, last_author, times) in zip(rows, people, strict=True):
        read_all = times[-1].date() < today - 14 * DAY
        for person in (starter, other):
            seen = times[-1] if read_all or person is last_author else times[-2]
            participants.append(
                ConversationParticipant(conversation=row, member=person.member, last_read_at=seen)
            )
    ConversationParticipant.objects.bulk_create(participants, batch_size=BATCH)
    Message.objects.bulk_create(
        [
            Message(conversation=row, author=author.member, body=body, created_at=at)
            for row, thread in zip(rows, messages, strict=True)
            for author, body, at in thread
        ],
        batch_size=BATCH,
    )
    return len(rows)


# ---------------------------------------------------------------- reset


def reset_marketplace() -> None:
    """What the marketplace holds (deleted in bulk before the members and accounts)."""
    for model in (
        Feedback,
        DealProvider,
        Deal,
        Message,
        ConversationParticipant,
        Conversation,
        RequestResponse,
        RequestIntroduction,
        RequestMatch,
        RequestSkill,
        WorkRequest,
        WatchSubscription,
        Opportunity.nodes.through,
        Opportunity,
        Offer.nodes.through,
        Offer,
    ):
        model.objects.all().delete()
