"""The demo cooperative behind `essaim demo`: a deterministic build into an empty database.

Same seed, same number of active members and same reference day give the same cooperative.
The build is a list of steps sharing one `DemoContext`; an app that wants demo data appends its
own step to `STEPS` (and, if its rows must go on `--reset`, a function to `RESETS`). Each step
draws from its own random stream (`ctx.stream(name)`), so adding a step never changes the data
of the others.

Speed: everything is written with `bulk_create` in one transaction, bypassing `Member.save()`
and the members services (a few queries per row each), so the columns they maintain (stage,
cohort, search name) are set here with the same functions they use, and the audit is written
in bulk: one `member.created` entry per member and one `demo.built` entry for the build.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from essaim.core.audit import audit_entry, log_actions
from essaim.core.models import AuditEntry, Role, User
from essaim.demo.catalog import COLLECTIVE_SUBJECTS, INDIVIDUAL_SUBJECTS, MEETING_NOTES
from essaim.demo.collective import build_collective, reset_collective
from essaim.demo.finance import build_finance, reset_finance
from essaim.demo.identity import Identity, IdentityMaker
from essaim.demo.marketplace import build_marketplace, reset_marketplace
from essaim.demo.models import DemoBuild
from essaim.demo.population import PersonPlan, Population, plan_population
from essaim.demo.profiles import build_directory, build_profiles, ensure_nomenclature
from essaim.members import path, selectors, services
from essaim.members.models import (
    AccompanimentMeeting,
    Activity,
    AdvisorAssignment,
    CurrentStage,
    MeetingKind,
    Member,
    PathStage,
    Sector,
)
from essaim.members.sectors import DEFAULT_SECTORS
from essaim.members.text import fold

DEFAULT_SEED = 2003
DEFAULT_ACTIVE = 850
DEMO_DOMAIN = "demo.essaim.coop"
DEMO_PASSWORD = "demo"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
STAFF_EMAIL = f"gestion@{DEMO_DOMAIN}"
ADVISOR_EMAIL = f"conseil@{DEMO_DOMAIN}"
ENTREPRENEUR_EMAIL = f"entrepreneur@{DEMO_DOMAIN}"
ASSOCIATE_EMAIL = f"associe@{DEMO_DOMAIN}"
# (role as printed, e-mail) of the demo logins, in the order they are printed.
LOGINS: tuple[tuple[str, str], ...] = (
    ("Administrateur·rice", ADMIN_EMAIL),
    ("Équipe de gestion", STAFF_EMAIL),
    ("Chargé·e d'accompagnement", ADVISOR_EMAIL),
    ("Entrepreneur·e (CESA)", ENTREPRENEUR_EMAIL),
    ("Associé·e", ASSOCIATE_EMAIL),
)
MEETINGS_WINDOW_DAYS = 180
BATCH = 1000
ACTIVE_STAGES = (CurrentStage.CAPE, CurrentStage.CESA, CurrentStage.ASSOCIATE)


class DemoRefused(Exception):
    """The database holds something the demo must not overwrite; the message says what."""


@dataclass
class DemoContext:
    """What the steps share: parameters, random streams, and the rows built so far."""

    seed: int
    active: int
    today: dt.date
    password_hash: str = ""
    unusable_password: str = ""
    population: Population | None = None
    sectors: dict[str, Sector] = field(default_factory=dict)
    admin: User | None = None
    staff: User | None = None
    advisors: list[User] = field(default_factory=list)  # by population advisor index
    plans: list[PersonPlan] = field(default_factory=list)  # by person key
    identities: list[Identity] = field(default_factory=list)  # by person key
    members: list[Member] = field(default_factory=list)  # by person key
    # The source study's three hairdressers: their key (essaim.demo.profiles_catalog) → pk.
    study_hairdressers: dict[str, int] = field(default_factory=dict)
    extra_counts: dict[str, int] = field(default_factory=dict)  # what other steps built
    meetings: int = 0
    logins: dict[str, User] = field(default_factory=dict)  # e-mail → user
    audit: list[AuditEntry] = field(default_factory=list)
    build: DemoBuild | None = None

    def stream(self, name: str) -> random.Random:
        """A random stream of its own for each step: str seeds hash the same in every run."""
        return random.Random(f"{self.seed}:{name}")

    def faker(self, name: str) -> Faker:
        faker = Faker("fr_FR")
        faker.seed_instance(f"{self.seed}:{name}")
        return faker

    def counts(self) -> dict[str, int]:
        stages = Counter(m.stage for m in self.members)
        return {
            "active": sum(stages[s] for s in ACTIVE_STAGES),
            "exited": stages[CurrentStage.EXITED],
            "prospects": stages[CurrentStage.INFORMATION],
            "associates": stages[CurrentStage.ASSOCIATE],
            "advisors": len(self.advisors),
            "meetings": self.meetings,
        } | self.extra_counts


Step = Callable[[DemoContext], None]


def plan_people(ctx: DemoContext) -> None:
    ctx.population = plan_population(
        rng=ctx.stream("population"), active=ctx.active, today=ctx.today
    )
    broken = ctx.population.check()
    if broken:  # a bug of the generator, never of the user
        key, errors = broken[0]
        raise RuntimeError(f"parcours n° {key} invalide : {'; '.join(map(str, errors))}")
    ctx.plans = ctx.population.people


def _user(email: str, first_name: str, last_name: str, role: str, password: str) -> User:
    return User(
        email=email, first_name=first_name, last_name=last_name, role=role, password=password
    )


def build_staff(ctx: DemoContext) -> None:
    """The administrator (kept over a reset, so updated if present) and a management login."""
    admin = User.objects.filter(email=ADMIN_EMAIL).first() or User(email=ADMIN_EMAIL)
    admin.first_name, admin.last_name = "Adèle", "Administratrice"
    admin.role, admin.is_superuser, admin.is_active = Role.ADMIN, True, True
    admin.password = ctx.password_hash
    admin.save()
    ctx.admin = admin
    staff = _user(STAFF_EMAIL, "Gaspard", "Gestion", Role.STAFF, ctx.password_hash)
    staff.save()
    ctx.staff = staff
    ctx.logins[ADMIN_EMAIL] = admin
    ctx.logins[STAFF_EMAIL] = staff


def build_advisors(ctx: DemoContext) -> None:
    """One account per advisor of the population (the demo login is chosen later)."""
    assert ctx.population is not None
    maker = IdentityMaker(ctx.stream("advisors"), ctx.faker("advisors"))
    advisors = []
    for _ in ctx.population.advisors:
        first_name, last_name = maker.name()
        email = maker.email(first_name, last_name, DEMO_DOMAIN)
        advisors.append(_user(email, first_name, last_name, Role.ADVISOR, ctx.unusable_password))
    ctx.advisors = User.objects.bulk_create(advisors, batch_size=BATCH)


def _sectors() -> dict[str, Sector]:
    """The default sectors (a migration creates them; staff may have deleted some)."""
    found = {s.code: s for s in Sector.objects.filter(code__in=[c for c, _ in DEFAULT_SECTORS])}
    missing = [Sector(code=c, label=label) for c, label in DEFAULT_SECTORS if c not in found]
    for sector in Sector.objects.bulk_create(missing):
        found[sector.code] = sector
    return found


def build_members(ctx: DemoContext) -> None:
    """Members with their account, activity and derived columns, as of the reference day."""
    assert ctx.population is not None
    ctx.sectors = _sectors()
    maker = IdentityMaker(ctx.stream("members"), ctx.faker("members"))
    identities = ctx.identities = [maker.person() for _ in ctx.plans]
    users = User.objects.bulk_create(
        [
            User(
                email=who.email,
                first_name=who.first_name,
                last_name=who.last_name,
                role=Role.ENTREPRENEUR,
                password=ctx.unusable_password,
                is_active=plan.exit_at(ctx.today) is None,
            )
            for plan, who in zip(ctx.plans, identities, strict=True)
        ],
        batch_size=BATCH,
    )
    members = []
    for plan, who, user in zip(ctx.plans, identities, users, strict=True):
        exit = plan.exit_at(ctx.today)
        state = services.member_path_state(plan.stages_at(ctx.today), exit, ctx.today)
        members.append(
            Member(
                first_name=who.first_name,
                last_name=who.last_name,
                email=who.email,
                phone=who.phone,
                postal_code=who.postal_code,
                city=who.city,
                user=user,
                advisor=ctx.advisors[plan.advisor] if plan.advisor is not None else None,
                stage=state["stage"],
                cohort_year=state["cohort_year"],
                exit_date=exit.date if exit else None,
                exit_reason=exit.reason if exit else "",
                search_name=fold(f"{who.last_name} {who.first_name}"),
            )
        )
    ctx.members = Member.objects.bulk_create(members, batch_size=BATCH)
    Activity.objects.bulk_create(
        [
            Activity(
                member=member,
                name=who.enseigne,
                description=who.description,
                sector=ctx.sectors[who.trade.sector],
            )
            for member, who in zip(ctx.members, identities, strict=True)
        ],
        batch_size=BATCH,
    )


def build_paths(ctx: DemoContext) -> None:
    PathStage.objects.bulk_create(
        [
            PathStage(member=member, kind=s.kind, start=s.start, end=s.end, trial_end=s.trial_end)
            for plan, member in zip(ctx.plans, ctx.members, strict=True)
            for s in plan.stages_at(ctx.today)
        ],
        batch_size=BATCH,
    )


def build_assignments(ctx: DemoContext) -> None:
    AdvisorAssignment.objects.bulk_create(
        [
            AdvisorAssignment(
                member=member, advisor=ctx.advisors[a.advisor], start=a.start, end=a.end
            )
            for plan, member in zip(ctx.plans, ctx.members, strict=True)
            for a in plan.assignments_at(ctx.today)
        ],
        batch_size=BATCH,
    )


def build_meetings(ctx: DemoContext) -> None:
    """Recent accompaniment: a few individual meetings per active member, and monthly
    collective workshops of each advisor with some of their entrepreneurs."""
    rng = ctx.stream("meetings")
    window = ctx.today - dt.timedelta(days=MEETINGS_WINDOW_DAYS)
    meetings: list[AccompanimentMeeting] = []
    attendees: list[list[Member]] = []
    followed: dict[int, list[tuple[Member, dt.date]]] = defaultdict(list)
    for plan, member in zip(ctx.plans, ctx.members, strict=True):
        if member.stage not in ACTIVE_STAGES or plan.advisor is None:
            continue
        since = max(plan.assignments[-1].start, window)
        followed[plan.advisor].append((member, since))
        for _ in range(rng.choices([0, 1, 2, 3, 4], [15, 30, 30, 15, 10])[0]):
            meetings.append(
                AccompanimentMeeting(
                    advisor=ctx.advisors[plan.advisor],
                    date=since + dt.timedelta(days=rng.randint(0, (ctx.today - since).days)),
                    kind=MeetingKind.INDIVIDUAL,
                    subject=rng.choice(INDIVIDUAL_SUBJECTS[member.stage]),
                    notes=rng.choice(MEETING_NOTES),
                )
            )
            attendees.append([member])
    for index, advisor in enumerate(ctx.advisors):
        for months_ago in range(MEETINGS_WINDOW_DAYS // 30):
            day = ctx.today - dt.timedelta(days=30 * months_ago + rng.randint(0, 20))
            present = [m for m, since in followed[index] if since <= day]
            if len(present) < 2:
                continue
            meetings.append(
                AccompanimentMeeting(
                    advisor=advisor,
                    date=day,
                    kind=MeetingKind.COLLECTIVE,
                    subject=rng.choice(COLLECTIVE_SUBJECTS),
                )
            )
            attendees.append(rng.sample(present, min(len(present), rng.randint(4, 10))))
    meetings = AccompanimentMeeting.objects.bulk_create(meetings, batch_size=BATCH)
    through = AccompanimentMeeting.members.through
    through.objects.bulk_create(
        [
            through(accompanimentmeeting_id=meeting.pk, member_id=member.pk)
            for meeting, people in zip(meetings, attendees, strict=True)
            for member in people
        ],
        batch_size=BATCH,
    )
    ctx.meetings = len(meetings)


def _demo_member(
    ctx: DemoContext, stage: str, advisor: User | None, exclude: set[int]
) -> Member | None:
    """A well-furnished active member at `stage`, preferably followed by `advisor`."""
    meetings = Counter(
        AccompanimentMeeting.members.through.objects.filter(
            member_id__in=[m.pk for m in ctx.members if m.stage == stage]
        ).values_list("member_id", flat=True)
    )
    candidates = [m for m in ctx.members if m.stage == stage and m.pk not in exclude]
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda m: (
            advisor is not None and m.advisor_id == advisor.pk,
            min(meetings[m.pk], 3),
            -m.pk,
        ),
    )


def _rename(ctx: DemoContext, member: Member, email: str) -> None:
    """Give a member a demo login: their e-mail (and account's) becomes `email`."""
    member.email = email
    Member.objects.filter(pk=member.pk).update(email=email)
    User.objects.filter(pk=member.user_id).update(email=email, password=ctx.password_hash)
    ctx.logins[email] = User.objects.get(pk=member.user_id)


def build_logins(ctx: DemoContext) -> None:
    """Pick the demo advisor (the one whose deadline page shows the most kinds of deadline),
    one of their entrepreneurs in CESA and an associate, and give them the demo logins."""
    assert ctx.staff is not None
    kinds: dict[int, set[str]] = defaultdict(set)
    count: Counter[int] = Counter()
    for deadline in selectors.deadlines_for(user=ctx.staff, today=ctx.today):
        if deadline.member.advisor_id is not None:
            kinds[deadline.member.advisor_id].add(deadline.kind)
            count[deadline.member.advisor_id] += 1
    advisor = max(ctx.advisors, key=lambda a: (len(kinds[a.pk]), count[a.pk], -a.pk))
    advisor.email, advisor.password = ADVISOR_EMAIL, ctx.password_hash
    advisor.save(update_fields=["email", "password"])
    ctx.logins[ADVISOR_EMAIL] = advisor
    chosen: set[int] = set()
    for stage, email in ((path.CESA, ENTREPRENEUR_EMAIL), (path.ASSOCIATE, ASSOCIATE_EMAIL)):
        member = _demo_member(ctx, stage, advisor, chosen)
        if member is not None:
            chosen.add(member.pk)
            _rename(ctx, member, email)


def record_build(ctx: DemoContext) -> None:
    """The build's record and its audit: one `demo.built`, one `member.created` per member."""
    ctx.build = DemoBuild.objects.create(
        seed=ctx.seed, active_members=ctx.active, today=ctx.today, counts=ctx.counts()
    )
    ctx.audit.append(
        audit_entry(
            actor=None,
            action="demo.built",
            target=ctx.build,
            data={"seed": ctx.seed, "active_members": ctx.active, "today": ctx.today}
            | ctx.counts(),
        )
    )
    for member in ctx.members:
        ctx.audit.append(
            audit_entry(
                actor=None,
                action="member.created",
                target=member,
                changes={
                    f: [None, v] for f in services.IDENTITY_FIELDS if (v := getattr(member, f))
                },
                data={"source": "demo"},
            )
        )
    log_actions(ctx.audit)


STEPS: list[Step] = [
    plan_people,
    build_staff,
    build_advisors,
    build_members,
    build_paths,
    build_assignments,
    build_meetings,
    build_logins,
    ensure_nomenclature,
    build_profiles,
    build_directory,
    build_marketplace,
    build_finance,
    build_collective,
    record_build,
]


def reset_profiles() -> None:
    """What the skills app holds of members (deleted in bulk before the members)."""
    from essaim.skills.models import (
        Exposure,
        Introduction,
        MemberSkill,
        PortfolioImage,
        PortfolioItem,
        Price,
        Profile,
    )

    for model in (
        Exposure,
        Introduction,
        PortfolioImage,
        PortfolioItem,
        Price,
        MemberSkill,
        Profile,
    ):
        model.objects.all().delete()


def reset_members() -> None:
    AccompanimentMeeting.members.through.objects.all().delete()
    AccompanimentMeeting.objects.all().delete()
    AdvisorAssignment.objects.all().delete()
    PathStage.objects.all().delete()
    Activity.objects.all().delete()
    Member.objects.all().delete()


def reset_audit() -> None:
    AuditEntry.objects.all().delete()


def reset_users() -> None:
    User.objects.exclude(role=Role.ADMIN).exclude(is_superuser=True).delete()


def reset_builds() -> None:
    DemoBuild.objects.all().delete()


# What `--reset` deletes, in order (rows that point at members first, accounts last).
RESETS: list[Callable[[], None]] = [
    reset_collective,
    reset_finance,
    reset_marketplace,
    reset_profiles,
    reset_members,
    reset_audit,
    reset_builds,
    reset_users,
]


@dataclass
class DemoResult:
    build: DemoBuild
    built: bool  # False when the same demo was already there
    seconds: float = 0.0


def _describe(build: DemoBuild) -> str:
    return (
        f"graine {build.seed}, {build.active_members} membres actifs, "
        f"date de référence {path.fr(build.today)}"
    )


def demo_check(*, seed: int, active: int, today: dt.date | None) -> DemoBuild | None:
    """The demo already built with these parameters, None if the database is free for one;
    raises DemoRefused when it holds other members. `today=None` matches any reference day."""
    build = DemoBuild.objects.first()
    members = Member.objects.count()
    if (
        build is not None
        and members
        and (build.seed, build.active_members) == (seed, active)
        and (today is None or build.today == today)
    ):
        return build
    if build is not None and members:
        raise DemoRefused(
            f"La base contient déjà une démo construite avec d'autres paramètres "
            f"({_describe(build)}) : relancez avec --reset pour l'effacer et construire "
            "la nouvelle."
        )
    if members:
        raise DemoRefused(
            f"La base contient déjà {members} membre(s) : la démo se construit dans une base "
            "sans membres. Relancez avec --reset pour effacer membres, étapes, "
            "accompagnements, rendez-vous, journal et comptes non administrateurs, ou "
            "choisissez une autre base (variables ESSAIM_VAR_DIR ou DATABASE_URL)."
        )
    leftovers = User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").exclude(role=Role.ADMIN)
    if leftovers.exists():
        raise DemoRefused(
            f"La base contient déjà des comptes de démonstration (@{DEMO_DOMAIN}), sans "
            "membres : relancez avec --reset pour les effacer."
        )
    return None


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    active: int = DEFAULT_ACTIVE,
    today: dt.date,
    reset: bool = False,
    same_day_only: bool = True,
    steps: list[Step] | None = None,
) -> DemoResult:
    """Build the demo cooperative into the configured database, all or nothing.

    Without `reset`, a database that already holds this very demo is left alone and any other
    member makes it refuse (DemoRefused). `same_day_only=False` accepts a demo built on another
    reference day (a plain `essaim demo` run again the next day serves the existing one).
    """
    started = time.perf_counter()
    with transaction.atomic():
        if reset:
            for delete in RESETS:
                delete()
        else:
            existing = demo_check(seed=seed, active=active, today=today if same_day_only else None)
            if existing is not None:
                return DemoResult(existing, built=False)
        ctx = DemoContext(seed=seed, active=active, today=today)
        # Hashing is slow on purpose: one hash serves every demo login, and one unusable
        # password (any value starting with "!") every other account.
        ctx.password_hash = make_password(DEMO_PASSWORD)
        ctx.unusable_password = make_password(None)
        for step in steps if steps is not None else STEPS:
            step(ctx)
        assert ctx.build is not None
    return DemoResult(ctx.build, built=True, seconds=time.perf_counter() - started)


def demo_summary() -> dict[str, Any]:
    """Counts of what the database holds, as the command prints them."""
    stages = Counter(Member.objects.values_list("stage", flat=True))
    return (
        {
            "active": sum(stages[s] for s in ACTIVE_STAGES),
            "exited": stages[CurrentStage.EXITED],
            "prospects": stages[CurrentStage.INFORMATION],
            "associates": stages[CurrentStage.ASSOCIATE],
            "advisors": User.objects.filter(role=Role.ADVISOR, is_active=True).count(),
            "meetings": AccompanimentMeeting.objects.count(),
        }
        | profile_summary()
        | collective_life_summary()
    )


def collective_life_summary() -> dict[str, int]:
    """What the marketplace, finance and collective life hold."""
    from essaim.events.models import Event
    from essaim.finance.models import Expense, Invoice, InvoiceKind
    from essaim.groups.models import Group
    from essaim.marketplace.models import Deal, Offer, WorkRequest
    from essaim.tutoring.models import TutoringCase

    return {
        "offers": Offer.objects.count(),
        "requests": WorkRequest.objects.count(),
        "deals": Deal.objects.count(),
        "invoices": Invoice.objects.filter(kind=InvoiceKind.INVOICE).count(),
        "credit_notes": Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count(),
        "expenses": Expense.objects.count(),
        "groups": Group.objects.count(),
        "events": Event.objects.count(),
        "tutoring_cases": TutoringCase.objects.count(),
    }


def profile_summary() -> dict[str, int]:
    from essaim.skills.models import MemberSkill, PortfolioItem, Price, Profile

    return {
        "profiles": Profile.objects.count(),
        "skills": MemberSkill.objects.count(),
        "portfolio": PortfolioItem.objects.count(),
        "prices": Price.objects.count(),
    }


@dataclass(frozen=True)
class LoginLine:
    role: str
    email: str
    who: str


def demo_logins(today: dt.date) -> list[LoginLine]:
    """The demo logins present in the database, each with who it is."""
    users = {u.email: u for u in User.objects.filter(email__in=[e for _, e in LOGINS])}
    lines = []
    for role, email in LOGINS:
        user = users.get(email)
        if user is None:
            continue
        who = user.get_full_name()
        if user.role == Role.ADVISOR:
            followed = Member.objects.filter(advisor=user, stage__in=ACTIVE_STAGES).count()
            deadlines = len(selectors.deadlines_for(user=user, today=today))
            who += f", suit {followed} entrepreneur·es, {deadlines} échéance(s) proche(s)"
        elif user.role == Role.ENTREPRENEUR:
            member = Member.objects.select_related("activity", "advisor").filter(user=user).first()
            if member is not None:
                who += f", {member.get_stage_display()}"
                if (activity := getattr(member, "activity", None)) is not None:
                    who += f", « {activity.name} »"
                if member.advisor is not None:
                    who += f", suivi·e par {member.advisor.get_full_name()}"
        lines.append(LoginLine(role, email, who))
    return lines
