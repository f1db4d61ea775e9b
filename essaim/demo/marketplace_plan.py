"""The demo marketplace as plain data: who worked with whom, month by month, and the requests
behind it and beside it (no database here; `essaim.demo.marketplace` writes the rows).

The shape follows the study of cooperation between the entrepreneurs (shared seed, « la
coopération entre entrepreneurs salariés »): cooperation is mostly between two people who chose
each other and work together again (« les coopérations à deux et de manière ponctuelle et pas
les groupes »), co-contracting and joint answers to tenders (3 to 5 members) are rare, some
members are at the centre of the network and most members have no deal at all.

- Some 40 % of the members may ever take part (`NETWORK_SHARE`; about a third of the present
  members end up with a deal), each with a « fitness » (log-normal); a new partner is picked in
  proportion to fitness × (partners + 1) ** `ATTACHMENT`, so the well-connected get more
  (preferential attachment, a little damped so that nobody deals with everyone: a heavy-tailed
  number of partners); most of the time the other side of a new pair is someone without a
  partner yet (`P_NEWCOMER`).
- Each month, a deal repeats an existing pair (`P_REPEAT`, weighted by their deals so far up to
  `REPEAT_CAP`), brings 3 to 5 members together (`P_GROUP`) or starts a new pair. A pair whose
  work went badly is never repeated, and its feedback says « would not work again ».
- A member takes part only while present: every deal starts and ends between each party's first
  contract and exit; every request, answer and introduction falls in its member's presence.
- Some deals come from a published request (awarded to the providers; the other responders are
  declined), some of those from an advisor's introduction; the other requests, of every kind,
  are expired, cancelled, open, in discussion or drafts, and ask for skills members hold.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field

from essaim.core.dates import add_months
from essaim.demo.identity import Identity
from essaim.demo.marketplace_catalog import CLIENTS, REQUEST_DESCRIPTIONS, REQUEST_TITLES, fill
from essaim.demo.profiles import Builtin
from essaim.demo.profiles_catalog import PRICES, PriceLine
from essaim.marketplace import matching
from essaim.marketplace.models import DealKind, RequestKind, RequestStatus, ResponseStatus
from essaim.members.models import Member

DAY = dt.timedelta(days=1)
NETWORK_SHARE = 0.4  # members who ever take part in a deal
FITNESS_SIGMA = 0.7  # spread of how strongly members attract partners (log-normal)
ATTACHMENT = 0.7  # a member's pull grows as (partners + 1) ** ATTACHMENT
DEAL_RATE = 0.05  # deals a month per member of the network present
P_REPEAT = 0.45  # a deal repeats an existing pair
REPEAT_CAP = 3  # a pair's chance to work together again grows with their deals, up to this
P_GROUP = 0.05  # a deal brings 3 to 5 members together
P_NEWCOMER = 0.7  # a new pair's second side is someone without a partner yet
GOOD_PAIR = 0.9  # pairs whose work goes well (the others are not repeated)
P_REQUEST = {"pair": 0.3, "group": 0.6}  # new deals found through a published request
P_INTRODUCED = 0.25  # of those, found through an advisor's introduction
P_CANCELLED = 0.05
PAIR_KINDS = ((DealKind.PURCHASE, 45), (DealKind.SUBCONTRACTING, 40), (DealKind.EXCHANGE, 15))
DURATION = {  # days, by deal kind
    DealKind.PURCHASE: (1, 20),
    DealKind.SUBCONTRACTING: (10, 90),
    DealKind.EXCHANGE: (1, 30),
    DealKind.COCONTRACTING: (30, 180),
    DealKind.TENDER: (60, 240),
}
QUANTITY = {"heure": (2, 24), "jour": (1, 8), "demi-journee": (1, 4), "mois": (1, 6)}
QUANTITY |= {"mot": (800, 6000), "page": (4, 40)}
HOURS_PER = {"heure": 1, "jour": 7, "demi-journee": 3.5, "mois": 20}
REQUEST_KINDS = (
    (RequestKind.PURCHASE, 35),
    (RequestKind.SUBCONTRACTING, 35),
    (RequestKind.COCONTRACTING, 12),
    (RequestKind.TENDER, 8),
    (RequestKind.PARTNERSHIP, 10),
)


# ---------------------------------------------------------------- the people


@dataclass(eq=False)
class Person:
    key: int
    member: Member
    who: Identity
    entry: dt.date
    exit: dt.date | None
    now: bool  # present on the reference day (has a profile)
    skills: list[tuple[int, int]] = field(default_factory=list)  # professional: node, level
    candidate: matching.Candidate | None = None  # as the matching sees them
    fitness: float = 0.0  # 0: never takes part in a deal
    partners: set[int] = field(default_factory=set)

    @property
    def until(self) -> dt.date:
        return self.exit or dt.date.max

    def present(self, day: dt.date) -> bool:
        return self.entry <= day <= self.until

    @property
    def city(self) -> str:
        return self.member.city or "Paris"


def choose_network(rng: random.Random, people: list[Person], always: Person | None) -> None:
    """Who ever takes part in a deal, and how strongly they attract partners."""
    for person in people:
        if person is always:
            person.fitness = 3.0
        elif rng.random() < NETWORK_SHARE:
            person.fitness = rng.lognormvariate(0, FITNESS_SIGMA)


# ---------------------------------------------------------------- deals


@dataclass(eq=False)
class Pair:
    buyer: Person
    provider: Person
    kind: str
    good: bool
    deals: int = 0
    until: dt.date = dt.date.max  # the last day both are present (both are there at the start)

    def __post_init__(self) -> None:
        self.until = min(self.buyer.until, self.provider.until)


@dataclass(eq=False)
class PlannedDeal:
    kind: str
    title: str
    buyer: Person
    providers: list[Person]
    shares: list[decimal.Decimal | None]
    amount: decimal.Decimal | None
    hours: decimal.Decimal | None
    start: dt.date
    end: dt.date
    status: str
    good: bool
    fresh: bool  # the first deal of these people together
    via_request: bool = False
    introduced: bool = False

    @property
    def parties(self) -> list[Person]:
        return [self.buyer, *self.providers]


def money(value: float | decimal.Decimal) -> decimal.Decimal:
    return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))


def price_of(rng: random.Random, line: PriceLine) -> tuple[decimal.Decimal, int]:
    """A unit price drawn from the line, and a quantity of its unit."""
    steps = (line.high - line.low) // line.step
    unit = decimal.Decimal(line.low + line.step * rng.randint(0, steps)) / line.per
    low, high = QUANTITY.get(line.unit, (1, 3))
    return money(unit), rng.randint(low, high)


def line_of(rng: random.Random, person: Person) -> PriceLine:
    return rng.choice(PRICES.get(person.who.trade.sector) or PRICES["conseil"])


class Network:
    """Who worked with whom, month by month from `start` to `today`."""

    def __init__(
        self, rng: random.Random, people: list[Person], start: dt.date, today: dt.date
    ) -> None:
        self.rng = rng
        self.pool = [p for p in people if p.fitness > 0]
        self.start, self.today = start, today
        self.pairs: dict[tuple[int, int], Pair] = {}
        self.deals: list[PlannedDeal] = []

    def run(self) -> list[PlannedDeal]:
        rng, month = self.rng, self.start
        while month <= self.today:
            last = min(add_months(month, 1) - DAY, self.today)
            present = [p for p in self.pool if p.entry <= last and p.until >= month]
            expected = DEAL_RATE * len(present)
            count = int(expected) + (rng.random() < expected - int(expected))
            for _ in range(count):
                day = month + DAY * rng.randint(0, (last - month).days)
                alive = [p for p in present if p.entry <= day <= p.until]
                if len(alive) >= 2:
                    self.event(day, alive)
            month = add_months(month, 1)
        return self.deals

    def pick(self, among: list[Person]) -> Person:
        weights = [p.fitness * (len(p.partners) + 1) ** ATTACHMENT for p in among]
        return self.rng.choices(among, weights)[0]

    def event(self, day: dt.date, alive: list[Person]) -> None:
        draw = self.rng.random()
        if draw < P_REPEAT:
            pairs = [p for p in self.pairs.values() if p.good and p.until >= day]
            if pairs:
                weights = [min(p.deals, REPEAT_CAP) for p in pairs]
                self.pair_deal(self.rng.choices(pairs, weights)[0], day)
                return
        if draw < P_REPEAT + P_GROUP and len(alive) >= 4:
            self.group(day, alive)
        else:
            self.new_pair(day, alive)

    def new_pair(self, day: dt.date, alive: list[Person]) -> None:
        rng = self.rng
        first = self.pick(alive)
        others = [p for p in alive if p is not first and p.key not in first.partners]
        if not others:
            return
        newcomers = [p for p in others if not p.partners]
        second = (
            rng.choice(newcomers) if newcomers and rng.random() < P_NEWCOMER else self.pick(others)
        )
        buyer, provider = (first, second) if rng.random() < 0.5 else (second, first)
        kind = rng.choices(*zip(*PAIR_KINDS, strict=True))[0]
        pair = Pair(buyer, provider, kind, good=rng.random() < GOOD_PAIR)
        if self.pair_deal(pair, day):
            self.pairs[(min(buyer.key, provider.key), max(buyer.key, provider.key))] = pair
            link([buyer, provider])

    def pair_deal(self, pair: Pair, day: dt.date) -> bool:
        rng = self.rng
        fresh = pair.deals == 0
        buyer, provider = pair.buyer, pair.provider
        if not fresh and pair.kind == DealKind.EXCHANGE and rng.random() < 0.5:
            buyer, provider = provider, buyer  # an exchange goes both ways
        line = line_of(rng, provider)
        unit, quantity = price_of(rng, line)
        per = HOURS_PER.get(line.unit)
        planned = self.add(
            kind=pair.kind,
            title=f"{line.label} pour {buyer.who.enseigne}",
            buyer=buyer,
            providers=[provider],
            amount=None if pair.kind == DealKind.EXCHANGE else unit * quantity,
            hours=decimal.Decimal(str(per * quantity)).quantize(decimal.Decimal("0.1"))
            if per
            else None,
            day=day,
            good=pair.good,
            fresh=fresh,
            via_request=fresh and rng.random() < P_REQUEST["pair"],
        )
        if planned is None:
            return False
        pair.deals += 1
        return True

    def group(self, day: dt.date, alive: list[Person]) -> None:
        rng = self.rng
        lead = self.pick(alive)
        chosen: list[Person] = []
        for _ in range(rng.choice([2, 2, 2, 3, 4])):
            left = [p for p in alive if p is not lead and p not in chosen]
            if left:
                chosen.append(self.pick(left))
        kind = rng.choice([DealKind.COCONTRACTING, DealKind.TENDER])
        amount = decimal.Decimal(500 * rng.randint(8, 60))
        share = money(round(amount * rng.randint(50, 80) / 100 / len(chosen)))
        client = fill(rng.choice(CLIENTS), city=lead.city)
        what = "Marché" if kind == DealKind.TENDER else "Projet commun"
        planned = self.add(
            kind=kind,
            title=f"{what} pour {client}",
            buyer=lead,
            providers=chosen,
            amount=money(amount),
            hours=None,
            day=day,
            good=True,
            fresh=True,
            via_request=rng.random() < P_REQUEST["group"],
            shares=[share] * len(chosen),
        )
        if planned is not None:
            link([lead, *chosen])

    def add(
        self,
        *,
        kind: str,
        title: str,
        buyer: Person,
        providers: list[Person],
        amount: decimal.Decimal | None,
        hours: decimal.Decimal | None,
        day: dt.date,
        good: bool,
        fresh: bool,
        via_request: bool,
        shares: list[decimal.Decimal] | None = None,
    ) -> PlannedDeal | None:
        """A deal starting about `day`, cut to its parties' presence; None when it cannot fit."""
        rng = self.rng
        parties = [buyer, *providers]
        start = day
        if via_request and day > self.today - 45 * DAY:
            start = day + DAY * rng.randint(0, 40)  # awarded lately, starting soon
        low, high = DURATION[kind]
        end = min(start + DAY * rng.randint(low, high), min(p.until for p in parties))
        if end < start or start < max(p.entry for p in parties):
            return None
        if rng.random() < P_CANCELLED:
            status = "cancelled"
        elif end < self.today:
            status = "done"
        elif start <= self.today:
            status = "in_progress"
        else:
            status = "planned"
        planned = PlannedDeal(
            kind=kind,
            title=title[:200],
            buyer=buyer,
            providers=providers,
            shares=list(shares) if shares is not None else [amount],
            amount=amount,
            hours=hours,
            start=start,
            end=end,
            status=status,
            good=good,
            fresh=fresh,
            via_request=via_request,
            introduced=via_request and rng.random() < P_INTRODUCED,
        )
        self.deals.append(planned)
        return planned


def link(people: list[Person]) -> None:
    for a, b in itertools.combinations(people, 2):
        a.partners.add(b.key)
        b.partners.add(a.key)


# ---------------------------------------------------------------- requests


@dataclass(eq=False)
class PlannedResponse:
    person: Person
    day: dt.date
    status: str
    price: decimal.Decimal | None
    decided: dt.date | None = None


@dataclass(eq=False)
class PlannedRequest:
    kind: str
    author: Person
    title: str
    description: str
    nodes: list[tuple[int, int]]  # node id, minimum level
    created: dt.date
    published: dt.date | None
    deadline: dt.date
    status: str
    closed: dt.date | None = None
    zone: str = ""
    remote: bool = False
    start: dt.date | None = None
    end: dt.date | None = None
    hours: decimal.Decimal | None = None
    budget: decimal.Decimal | None = None
    responses: list[PlannedResponse] = field(default_factory=list)
    introduced: list[tuple[Person, dt.date]] = field(default_factory=list)
    deal: PlannedDeal | None = None
    opportunity: int | None = None  # index in the planned opportunities


def about(amount: decimal.Decimal, rng: random.Random) -> decimal.Decimal:
    """Another price for the same work: within -20 % to +30 %, in tens of euros."""
    return money(max(10, round(float(amount) * rng.uniform(0.8, 1.3) / 10) * 10))


def round_budget(amount: decimal.Decimal | None, rng: random.Random) -> decimal.Decimal | None:
    """What the author announced: about the amount, in fifties, or nothing."""
    if amount is None or rng.random() < 0.3:
        return None
    return money(max(50, round(float(amount) * rng.uniform(0.8, 1.3) / 50) * 50))


class Requests:
    """The requests: those behind deals, and the others, of every kind and status."""

    def __init__(
        self,
        rng: random.Random,
        people: list[Person],
        builtin: Builtin,
        start: dt.date,
        today: dt.date,
    ) -> None:
        self.rng, self.people, self.builtin = rng, people, builtin
        self.start, self.today = start, today
        self.holders: dict[int, list[Person]] = defaultdict(list)
        for person in people:
            for node_id, _level in person.skills:
                self.holders[node_id].append(person)
        self.skilled = [p for p in people if p.skills]
        self.planned: list[PlannedRequest] = []

    def nodes_of(self, person: Person) -> list[tuple[int, int]]:
        """What a request asks when it looks for `person`: one of their best skills (their
        trade's node for a member who has left: they have no profile any more)."""
        if person.skills:
            node_id, level = self.rng.choice(person.skills[:3])
            return [(node_id, self.rng.randint(1, level))]
        trades = self.builtin.trades_for(person.who.trade.label, person.who.trade.sector)
        return [(trades[0].pk, 1)] if trades else []

    def words(self, kind: str, author: Person, sought: Person) -> tuple[str, str]:
        rng = self.rng
        label = line_of(rng, sought).label
        values = {
            "need": label[:1].lower() + label[1:],
            "city": author.city,
            "client": fill(rng.choice(CLIENTS), city=author.city),
            "enseigne": author.who.enseigne,
        }
        title = fill(rng.choice(REQUEST_TITLES[kind]), **values)
        return title[:200], fill(rng.choice(REQUEST_DESCRIPTIONS[kind]), **values)

    def place(self, request: PlannedRequest, sought: Person) -> None:
        zones = sought.candidate.zones if sought.candidate else ()
        if zones and self.rng.random() < 0.6:
            request.zone = self.rng.choice(list(zones))
        request.remote = self.rng.random() < 0.35

    def from_deal(self, deal: PlannedDeal) -> PlannedRequest | None:
        """The request a deal was found through; None when it cannot have had one."""
        rng = self.rng
        kind = {
            DealKind.PURCHASE: RequestKind.PURCHASE,
            DealKind.SUBCONTRACTING: rng.choice([RequestKind.SUBCONTRACTING] * 4 + ["partnership"]),
            DealKind.COCONTRACTING: RequestKind.COCONTRACTING,
            DealKind.TENDER: RequestKind.TENDER,
        }.get(deal.kind)
        nodes: dict[int, int] = {}
        for provider in deal.providers[:3]:
            for node_id, level in self.nodes_of(provider):
                nodes.setdefault(node_id, level)
        awarded = min(deal.start - DAY * rng.randint(1, 7), self.today)
        published = awarded - DAY * rng.randint(8, 30)
        created = published - DAY * rng.randint(0, 3)
        if (
            kind is None  # an exchange of services is agreed directly
            or not nodes
            or created < max(self.start, *(p.entry for p in deal.parties))
        ):
            return None
        title, description = self.words(kind, deal.buyer, deal.providers[0])
        request = PlannedRequest(
            kind=kind,
            author=deal.buyer,
            title=title,
            description=description,
            nodes=list(nodes.items()),
            created=created,
            published=published,
            deadline=published + DAY * rng.randint(7, 21),
            status=RequestStatus.AWARDED,
            closed=awarded,
            start=deal.start,
            end=deal.end,
            hours=deal.hours,
            budget=round_budget(deal.amount, rng),
            deal=deal,
        )
        self.place(request, deal.providers[0])
        for provider, share in zip(deal.providers, deal.shares, strict=True):
            day = self.answer_day(request, awarded)
            request.responses.append(
                PlannedResponse(provider, day, ResponseStatus.AWARDED, share, awarded)
            )
        if deal.introduced and deal.buyer.member.advisor_id is not None:
            request.introduced.append((deal.providers[0], published + DAY))
        share = deal.shares[0]
        for person in self.responders(request, exclude={p.key for p in deal.parties}, most=3):
            price = about(share, rng) if share is not None else None
            request.responses.append(
                PlannedResponse(
                    person,
                    self.answer_day(request, awarded),
                    ResponseStatus.DECLINED,
                    price,
                    awarded,
                )
            )
        self.planned.append(request)
        return request

    def answer_day(self, request: PlannedRequest, last: dt.date) -> dt.date:
        assert request.published is not None
        days = (min(last, self.today) - request.published).days
        return request.published + DAY * (self.rng.randint(1, days) if days >= 1 else 0)

    def responders(
        self, request: PlannedRequest, *, exclude: set[int], most: int, least: int = 0
    ) -> list[Person]:
        """`least` to `most` present members holding a needed skill since before the request
        (fewer when there are not so many)."""
        assert request.published is not None
        found: dict[int, Person] = {}
        for node_id, _level in request.nodes:
            for person in self.holders.get(node_id, ()):
                if person.key not in exclude and person.entry < request.published:
                    found.setdefault(person.key, person)
        count = min(len(found), self.rng.randint(least, most) if most else 0)
        return sorted(self.rng.sample(list(found.values()), count), key=lambda p: p.key)

    def dates(self, status: str) -> tuple[dt.date, dt.date | None, dt.date]:
        """Created, published and answer deadline of a request in this status."""
        rng, today = self.rng, self.today
        if status == RequestStatus.DRAFT:
            return today - DAY * rng.randint(0, 20), None, today + DAY * rng.randint(10, 40)
        if status in (RequestStatus.OPEN, RequestStatus.DISCUSSION):
            published = today - DAY * rng.randint(1, 20)
            deadline = today + DAY * rng.randint(3, 30)
        else:  # closed long enough ago
            published = self.start + DAY * rng.randint(5, (today - self.start).days - 45)
            deadline = published + DAY * rng.randint(10, 30)
        return published - DAY * rng.randint(0, 3), published, deadline

    def other(
        self, status: str, *, author: Person | None = None, answers: int = 0
    ) -> PlannedRequest | None:
        """A request that led to no deal (None when its people were not there then)."""
        rng = self.rng
        created, published, deadline = self.dates(status)
        sought = rng.choice([p for p in self.skilled if p.entry < created] or self.skilled)
        if author is None:
            authors = [p for p in self.people if p.present(created) and p is not sought]
            network = [p for p in authors if p.fitness > 0]
            author = rng.choice(network if network and rng.random() < 0.7 else authors)
        if not author.present(created) or author.until < deadline or author is sought:
            return None
        kind = rng.choices(*zip(*REQUEST_KINDS, strict=True))[0]
        title, description = self.words(kind, author, sought)
        start = deadline + DAY * rng.randint(5, 40) if rng.random() < 0.7 else None
        request = PlannedRequest(
            kind=kind,
            author=author,
            title=title,
            description=description,
            nodes=self.nodes_of(sought),
            created=created,
            published=published,
            deadline=deadline,
            status=status,
            start=start,
            end=start + DAY * rng.randint(1, 60) if start else None,
            budget=money(50 * rng.randint(4, 80)) if rng.random() < 0.6 else None,
        )
        self.place(request, sought)
        if published is not None:
            if status == RequestStatus.CANCELLED:
                request.closed = min(published + DAY * rng.randint(2, 20), self.today)
            most = {RequestStatus.OPEN: 0, RequestStatus.DISCUSSION: 4}.get(status, 2)
            found = self.responders(
                request, exclude={author.key}, most=max(most, answers), least=answers
            )
            self.answer(request, found)
        if status == RequestStatus.DISCUSSION and not request.responses:
            request.status = RequestStatus.OPEN
        self.planned.append(request)
        return request

    def answer(self, request: PlannedRequest, people: list[Person]) -> None:
        rng = self.rng
        last = request.closed or request.deadline
        for person in people:
            day = self.answer_day(request, last)
            status, decided = ResponseStatus.SENT, None
            if request.status == RequestStatus.DISCUSSION:
                status = rng.choices(
                    [ResponseStatus.SENT, ResponseStatus.SHORTLISTED, ResponseStatus.WITHDRAWN],
                    [60, 25, 15],
                )[0]
                if status != ResponseStatus.SENT:
                    decided = min(day + DAY * rng.randint(0, 3), self.today)
            price = about(request.budget, rng) if request.budget else None
            request.responses.append(PlannedResponse(person, day, status, price, decided))
        if request.responses and all(
            r.status == ResponseStatus.WITHDRAWN for r in request.responses
        ):
            request.responses[0].status, request.responses[0].decided = ResponseStatus.SENT, None
