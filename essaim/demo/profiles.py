"""The demo members' profiles: skills from the builtin nomenclature, presentation, zones,
languages, availability, past work and prices, each matching the member's trade.

Steps of `essaim.demo.generator.STEPS`, with their own random stream (`profiles`), written in
bulk. Who gets what:

- every present member (in CAPE, CESA or associate): 2 to 6 professional skills — their
  trade's builtin node and skills under it — whose level grows with their years in the
  cooperative, 0 to 3 social skills, a presentation in French, zones (their département and
  some around it; a distance for some trades), languages, an availability (some are not
  available now), 0 to 4 pieces of past work (no images), 0 to 3 prices of mixed visibility;
- the demo entrepreneur login: a full profile of each kind;
- the three hairdressers of the source study (in an EHPAD; at home with hair jewellery; plant
  colouring in an antique shop): three present members whose profiles tell them apart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from essaim.demo.catalog import TRADES
from essaim.demo.identity import Identity, french
from essaim.demo.profiles_catalog import (
    APPROACHES,
    CLOSINGS,
    INTROS,
    INTROS_WITH_PAST,
    LANGUAGES,
    NEIGHBOURS,
    PRICES,
    REMOTE_DEFAULT,
    REMOTE_SHARE,
    SECTOR_DOMAINS,
    STUDY_HAIRDRESSERS,
    TRADE_NODES,
    TRANSLATOR_LANGUAGES,
    VISIBILITY_WEIGHTS,
    WORKS,
    PriceLine,
    StudyHairdresser,
    Work,
)
from essaim.members.models import Activity, CurrentStage, Member, Sector
from essaim.skills.models import MemberSkill, Node, PortfolioItem, Price, Profile

if TYPE_CHECKING:
    from essaim.demo.generator import DemoContext

BATCH = 1000
PRESENT_STAGES = (CurrentStage.CAPE, CurrentStage.CESA, CurrentStage.ASSOCIATE)
TRADES_BY_LABEL = {t.label: t for t in TRADES}


@dataclass(frozen=True)
class NodeRow:
    pk: int
    code: str
    kind: str
    is_social: bool


class Builtin:
    """The builtin nomenclature as the demo needs it: nodes by code, skills under a trade."""

    def __init__(self) -> None:
        rows = Node.objects.filter(source="builtin", obsolete=False).values_list(
            "pk", "code", "kind", "is_social"
        )
        self.by_code = {code: NodeRow(pk, code, kind, social) for pk, code, kind, social in rows}
        self.under: dict[str, list[NodeRow]] = defaultdict(list)
        for node in sorted(self.by_code.values(), key=lambda n: n.code):
            parent, _dot, _last = node.code.rpartition(".")
            if parent and node.kind == "skill":
                self.under[parent].append(node)
        self.social = [n for n in self.by_code.values() if n.is_social and n.kind == "skill"]
        self.social.sort(key=lambda n: n.code)

    def __bool__(self) -> bool:
        return bool(self.by_code)

    def trades_for(self, trade_label: str, sector: str) -> list[NodeRow]:
        """The builtin trades of a catalog trade, the main one first (else its sector's)."""
        found = [self.by_code[c] for c in TRADE_NODES.get(trade_label, ()) if c in self.by_code]
        if found:
            return found
        domains = tuple(f"{d}." for d in SECTOR_DOMAINS.get(sector, ()))
        return [
            n for n in self.by_code.values() if n.kind == "trade" and n.code.startswith(domains)
        ]


def ensure_nomenclature(ctx: DemoContext) -> None:
    """The builtin nomenclature (a data migration loads it; loaded here if it is missing)."""
    if not Node.objects.filter(source="builtin", kind="trade").exists():
        from essaim.skills.nomenclature import load_builtin

        load_builtin(actor=None)


# -- drawing one profile ----------------------------------------------------------------------


@dataclass
class Drawn:
    """One member's profile before it becomes rows."""

    skills: list[tuple[int, int, int | None]]  # node pk, level, years
    profile: Profile
    works: list[PortfolioItem]
    prices: list[Price]


def _level(rng: random.Random, seniority: float) -> int:
    """More experts among long-time members, more beginners among newcomers."""
    expert = min(0.1 + 0.08 * seniority, 0.7)
    beginner = max(0.35 - 0.08 * seniority, 0.05)
    return rng.choices([1, 2, 3], [beginner, 1 - expert - beginner, expert])[0]


def _departement(postal_code: str) -> str | None:
    dep = postal_code[:2]
    return dep if dep.isdigit() else None


class ProfileMaker:
    def __init__(self, rng: random.Random, builtin: Builtin, today: dt.date) -> None:
        self.rng = rng
        self.nodes = builtin
        self.today = today

    def skills(
        self, who: Identity, seniority: float, prior: int, count: int, social: int
    ) -> list[tuple[int, int, int | None]]:
        rng = self.rng
        trades = self.nodes.trades_for(who.trade.label, who.trade.sector)
        if not trades:
            return []
        main = trades[0]
        practice = int(seniority) + prior
        chosen = [(main.pk, _level(rng, seniority), practice)]
        pool = list(self.nodes.under[main.code])
        rng.shuffle(pool)
        others = [n for t in trades[1:] for n in [t, *self.nodes.under[t.code]]]
        rng.shuffle(others)
        for node in (pool + others)[: count - 1]:
            years = rng.randint(0, practice) if rng.random() < 0.6 else None
            chosen.append((node.pk, max(1, _level(rng, seniority) - rng.choice([0, 0, 1])), years))
        for node in rng.sample(self.nodes.social, min(social, len(self.nodes.social))):
            chosen.append((node.pk, rng.choice([1, 2, 2, 3]), None))
        return chosen

    def presentation(self, who: Identity, year: int, prior: int) -> str:
        rng = self.rng
        intros = INTROS + (INTROS_WITH_PAST if prior >= 3 else ())
        fields = {
            "first": who.first_name,
            "city": who.city,
            "enseigne": who.enseigne,
            "year": year,
            "prior": prior,
        }
        sentences = [
            french(rng.choice(intros).format(**fields)),
            who.description,
            rng.choice(APPROACHES),
            rng.choice(CLOSINGS),
        ]
        return " ".join(s for s in sentences if s)

    def zones(self, who: Identity) -> list[str]:
        home = _departement(who.postal_code)
        if home is None:
            return []
        around = list(NEIGHBOURS.get(home, ()))
        extra = self.rng.sample(around, self.rng.randint(0, min(3, len(around))))
        return sorted({home, *extra})

    def languages(self, who: Identity) -> list[str]:
        table = TRANSLATOR_LANGUAGES if who.trade.sector == "traduction" else LANGUAGES
        return ["fr"] + [code for code, share in table if self.rng.random() < share]

    def availability(self, profile: Profile, *, now: bool = False) -> None:
        """Most members are available now (`now`: surely); some are busy (0 day a week), some
        only later."""
        rng = self.rng
        draw = 1.0 if now else rng.random()
        if draw < 0.06:
            profile.days_per_week = decimal.Decimal("0")
        elif draw < 0.15:
            profile.days_per_week = decimal.Decimal(rng.choice(["1", "2", "3"]))
            profile.available_from = self.today + dt.timedelta(days=rng.randint(15, 120))
        else:
            profile.days_per_week = decimal.Decimal(
                rng.choice(["0.5", "1", "1.5", "2", "2.5", "3", "4"])
            )
            if rng.random() < 0.5:
                profile.available_from = self.today - dt.timedelta(days=rng.randint(0, 300))
            if rng.random() < 0.2:
                profile.available_until = self.today + dt.timedelta(days=rng.randint(60, 365))

    def works(self, member: Member, who: Identity, since: int, count: int) -> list[PortfolioItem]:
        templates = WORKS.get(who.trade.sector, ())
        picked = self.rng.sample(templates, min(count, len(templates)))
        return [
            self.work(member, w, self.rng.randint(since, self.today.year), who.city) for w in picked
        ]

    def work(self, member: Member, work: Work, year: int, city: str) -> PortfolioItem:
        return PortfolioItem(
            member=member,
            title=french(work.title.format(city=city))[:200],
            description=french(work.description.format(city=city)),
            year=year,
            client_kind=work.client_kind,
        )

    def prices(
        self, member: Member, sector: str, count: int, visibilities: list[str] | None = None
    ) -> list[Price]:
        lines = self.rng.sample(PRICES.get(sector, ()), min(count, len(PRICES.get(sector, ()))))
        out = []
        for i, line in enumerate(lines):
            visibility = (
                visibilities[i % len(visibilities)]
                if visibilities
                else self.rng.choices(*zip(*VISIBILITY_WEIGHTS, strict=True))[0]
            )
            out.append(
                Price(
                    member=member,
                    label=line.label,
                    amount=self.amount(line),
                    unit=line.unit,
                    visibility=visibility,
                )
            )
        return out

    def amount(self, line: PriceLine) -> decimal.Decimal:
        steps = (line.high - line.low) // line.step
        value = line.low + line.step * self.rng.randint(0, steps)
        return (decimal.Decimal(value) / line.per).quantize(decimal.Decimal("0.01"))

    def draw(
        self,
        member: Member,
        who: Identity,
        entry: dt.date,
        *,
        full: bool = False,
    ) -> Drawn:
        rng = self.rng
        seniority = max((self.today - entry).days / 365.25, 0)
        prior = rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 15])
        count = rng.randint(4, 6) if full else rng.randint(2, 6)
        social = 2 if full else rng.choices([0, 1, 2, 3], [20, 35, 30, 15])[0]
        profile = Profile(
            member=member,
            presentation=self.presentation(who, entry.year, prior),
            zones=self.zones(who),
            remote=rng.random() < REMOTE_SHARE.get(who.trade.sector, REMOTE_DEFAULT),
            languages=self.languages(who),
        )
        self.availability(profile, now=full)
        if full and profile.languages == ["fr"]:
            profile.languages = ["fr", "en"]
        if full and len(profile.zones) < 2:
            home = profile.zones[0] if profile.zones else "75"
            profile.zones = sorted({home, NEIGHBOURS.get(home, ("75", "93"))[0]})
        since = max(entry.year - prior, 2000)
        works = 3 if full else rng.choices([0, 1, 2, 3, 4], [25, 25, 25, 15, 10])[0]
        prices = 3 if full else rng.choices([0, 1, 2, 3], [30, 25, 25, 20])[0]
        return Drawn(
            skills=self.skills(who, seniority, prior, count, social),
            profile=profile,
            works=self.works(member, who, since, works),
            prices=self.prices(
                member, who.trade.sector, prices, ["members", "advisor", "me"] if full else None
            ),
        )

    def study(self, member: Member, who: Identity, person: StudyHairdresser) -> Drawn:
        """One of the study's hairdressers: the profile the study describes."""
        skills = [
            (self.nodes.by_code[code].pk, level, self.rng.randint(3, 20) if level == 3 else None)
            for code, level in person.skills
            if code in self.nodes.by_code
        ]
        profile = Profile(
            member=member,
            presentation=person.presentation,
            zones=self.zones(who) or ["93"],
            languages=["fr"],
        )
        self.availability(profile, now=True)
        works = [
            self.work(member, w, self.today.year - i, who.city) for i, w in enumerate(person.works)
        ]
        prices = [
            Price(
                member=member,
                label=label,
                amount=decimal.Decimal(amount),
                unit=unit,
                visibility=visibility,
            )
            for label, amount, unit, visibility in person.prices
        ]
        return Drawn(skills=skills, profile=profile, works=works, prices=prices)


# -- the step ------------------------------------------------------------------------------------


def _study_members(ctx: DemoContext, present: list[int], exclude: set[int]) -> dict[int, int]:
    """Person key → study hairdresser index: present members, of the matching trade first."""
    chosen: dict[int, int] = {}
    for index, person in enumerate(STUDY_HAIRDRESSERS):
        ranked = sorted(
            (k for k in present if k not in chosen and ctx.members[k].pk not in exclude),
            key=lambda k: (
                ctx.identities[k].trade.label != person.trade,
                ctx.identities[k].trade.sector != "coiffure",
                k,
            ),
        )
        if ranked:
            chosen[ranked[0]] = index
    return chosen


def _restyle(ctx: DemoContext, studied: dict[int, int]) -> None:
    """The study's hairdressers keep their names; their activity becomes the study's."""
    coiffure = ctx.sectors.get("coiffure") or Sector.objects.get(code="coiffure")
    for key, index in studied.items():
        person = STUDY_HAIRDRESSERS[index]
        member = ctx.members[key]
        Activity.objects.filter(member=member).update(
            name=person.enseigne, description=person.description, sector=coiffure
        )
        ctx.identities[key] = dataclasses.replace(
            ctx.identities[key],
            trade=TRADES_BY_LABEL[person.trade],
            enseigne=person.enseigne,
            description=person.description,
        )


def build_profiles(ctx: DemoContext) -> None:
    from essaim.demo.generator import ENTREPRENEUR_EMAIL

    builtin = Builtin()
    if not builtin:
        return
    maker = ProfileMaker(ctx.stream("profiles"), builtin, ctx.today)
    present = [
        k for k, m in enumerate(ctx.members) if m.stage in PRESENT_STAGES and m.exit_date is None
    ]
    logins = {u.pk for u in ctx.logins.values()}
    entrepreneur = ctx.logins.get(ENTREPRENEUR_EMAIL)
    studied = _study_members(ctx, present, {m.pk for m in ctx.members if m.user_id in logins})
    _restyle(ctx, studied)
    drawn: list[Drawn] = []
    for key in present:
        member, who, plan = ctx.members[key], ctx.identities[key], ctx.plans[key]
        if key in studied:
            drawn.append(maker.study(member, who, STUDY_HAIRDRESSERS[studied[key]]))
        else:
            full = entrepreneur is not None and member.user_id == entrepreneur.pk
            drawn.append(maker.draw(member, who, plan.entry, full=full))
    Profile.objects.bulk_create([d.profile for d in drawn], batch_size=BATCH)
    skills = [
        MemberSkill(member=d.profile.member, node_id=pk, level=level, years=years)
        for d in drawn
        for pk, level, years in d.skills
    ]
    MemberSkill.objects.bulk_create(skills, batch_size=BATCH)
    works = [w for d in drawn for w in d.works]
    PortfolioItem.objects.bulk_create(works, batch_size=BATCH)
    prices = [p for d in drawn for p in d.prices]
    Price.objects.bulk_create(prices, batch_size=BATCH)
    ctx.study_hairdressers = {
        STUDY_HAIRDRESSERS[i].key: ctx.members[k].pk for k, i in studied.items()
    }
    ctx.extra_counts.update(
        profiles=len(drawn), skills=len(skills), portfolio=len(works), prices=len(prices)
    )


def build_directory(ctx: DemoContext) -> None:
    """The directory's search index, once every profile is written (bulk writes send no
    signal). The semantic embeddings are made after the build, see `demo_embeddings`."""
    try:
        from essaim.skills.search_index import reindex_all
    except ImportError:  # the search engine is not there yet
        return
    reindex_all()


def demo_embeddings() -> int:
    """Embed the nomenclature and the present members' profiles for the semantic search, if
    its extra is installed (only what changed since the last time); returns how many members
    were looked at (0 without the extra)."""
    try:
        from essaim.skills import semantic
    except ImportError:
        return 0
    if not semantic.available():
        return 0
    ids = list(
        Member.objects.filter(exit_date__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    semantic.index_nodes()
    semantic.refresh_embeddings(ids)
    return len(ids)
