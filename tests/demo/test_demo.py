"""The demo cooperative: deterministic, valid paths, calibrated, working logins, safe command."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from essaim.core.models import AuditEntry, Role, User
from essaim.demo import generator
from essaim.demo.generator import (
    ADMIN_EMAIL,
    ADVISOR_EMAIL,
    ASSOCIATE_EMAIL,
    ENTREPRENEUR_EMAIL,
    LOGINS,
    STAFF_EMAIL,
    DemoRefused,
    build_demo,
)
from essaim.demo.models import DemoBuild
from essaim.members import path, selectors, services
from essaim.members.models import (
    AccompanimentMeeting,
    AdvisorAssignment,
    Member,
    PathStage,
)
from essaim.members.text import fold
from essaim.skills.models import MemberSkill, PortfolioItem, Price, Profile
from tests.factories import UserFactory

TODAY = dt.date(2026, 11, 26)
SMALL = 120
ACTIVE = ("cape", "cesa", "associate")
COMMAND = ("demo", "--no-serve", "--members", "120", "--today", "2026-11-26", "--no-semantic")


def build(seed: int = 7, active: int = SMALL, **options: Any) -> generator.DemoResult:
    return build_demo(seed=seed, active=active, today=TODAY, **options)


def facts() -> dict[str, list[tuple[Any, ...]]]:
    """The demo as natural keys and values, in a canonical order (no ids, no timestamps)."""
    meetings = [
        (
            m.advisor.email,
            m.date,
            m.kind,
            m.subject,
            m.notes,
            tuple(sorted(p.email for p in m.members.all())),
        )
        for m in AccompanimentMeeting.objects.select_related("advisor").prefetch_related("members")
    ]
    return {
        "members": list(
            Member.objects.order_by("email").values_list(
                "email",
                "first_name",
                "last_name",
                "phone",
                "postal_code",
                "city",
                "stage",
                "cohort_year",
                "exit_date",
                "exit_reason",
                "search_name",
                "advisor__email",
                "activity__name",
                "activity__description",
                "activity__sector__code",
                "user__email",
                "user__role",
                "user__is_active",
            )
        ),
        "stages": list(
            PathStage.objects.order_by("member__email", "start", "kind").values_list(
                "member__email", "kind", "start", "end", "trial_end"
            )
        ),
        "assignments": list(
            AdvisorAssignment.objects.order_by("member__email", "start", "id").values_list(
                "member__email", "advisor__email", "start", "end"
            )
        ),
        "advisors": list(
            User.objects.filter(role=Role.ADVISOR)
            .order_by("email")
            .values_list("email", "first_name", "last_name", "is_active")
        ),
        "meetings": sorted(meetings, key=repr),
        # The directory's profiles (essaim.demo.profiles).
        "profiles": list(
            Profile.objects.order_by("member__email").values_list(
                "member__email",
                "presentation",
                "zones",
                "remote",
                "languages",
                "days_per_week",
                "available_from",
                "available_until",
            )
        ),
        "skills": list(
            MemberSkill.objects.order_by("member__email", "node__code").values_list(
                "member__email", "node__code", "level", "years"
            )
        ),
        "portfolio": sorted(
            PortfolioItem.objects.values_list(
                "member__email", "title", "description", "year", "client_kind"
            )
        ),
        "prices": sorted(
            Price.objects.values_list("member__email", "label", "amount", "unit", "visibility")
        ),
    }


def active_members() -> Any:
    return Member.objects.filter(exit_date__isnull=True, stage__in=ACTIVE)


def months(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


# Determinism ---------------------------------------------------------------------------------


def test_the_same_seed_builds_the_same_cooperative(db):
    build()
    first = facts()
    build(reset=True)
    second = facts()
    assert len(first["members"]) > SMALL
    assert len(first["stages"]) > 3 * SMALL
    assert len(first["profiles"]) == SMALL and len(first["skills"]) > 2 * SMALL
    assert first == second


def test_another_seed_builds_another_cooperative(db):
    build(seed=7)
    first = facts()
    build(seed=8, reset=True)
    second = facts()
    assert active_members().count() == SMALL
    assert first["members"] != second["members"]
    assert first["stages"] != second["stages"]
    assert first["assignments"] != second["assignments"]
    assert first["profiles"] != second["profiles"] and first["skills"] != second["skills"]


# Paths and derived columns ---------------------------------------------------------------


def test_every_generated_path_is_valid_and_its_columns_derived(db):
    build()
    members = Member.objects.prefetch_related("stages")
    checked = 0
    for member in members:
        stages = [s.as_path() for s in member.stages.all()]
        assert path.validate_path(stages, member.path_exit()) == [], member
        state = services.member_path_state(stages, member.path_exit(), TODAY)
        assert (member.stage, member.cohort_year) == (state["stage"], state["cohort_year"])
        assert member.search_name == fold(f"{member.last_name} {member.first_name}")
        checked += 1
    assert checked == Member.objects.count() > SMALL
    kinds = Counter(PathStage.objects.values_list("kind", flat=True))
    assert set(kinds) == {"information", "cape", "cesa", "associate"}
    # Trial periods exist and never exceed what the law allows.
    cesas = PathStage.objects.filter(kind="cesa", trial_end__isnull=False)
    assert cesas.exists()
    for cesa in cesas.select_related("member"):
        stages = [s.as_path() for s in cesa.member.stages.all()]
        assert cesa.trial_end <= path.trial_max_end(stages)


def test_cape_only_leavers_and_prospects_exist(db):
    build()
    cape_only = Member.objects.filter(exit_date__isnull=False).exclude(stages__kind="cesa")
    assert cape_only.exists()
    prospects = Member.objects.filter(stage="information")
    assert prospects.exists()
    assert {s.kind for m in prospects for s in m.stages.all()} == {"information"}


# Calibration -------------------------------------------------------------------------------


def test_calibration_follows_the_reference_cooperative(db):
    build(seed=11, active=200)
    assert active_members().count() == 200

    advisors = User.objects.filter(role=Role.ADVISOR, is_active=True)
    assert advisors.count() == round(200 / 75)
    followed = Counter(active_members().values_list("advisor_id", flat=True))
    assert set(followed) == set(advisors.values_list("pk", flat=True))
    assert 50 <= statistics.mean(followed.values()) <= 100

    people = list(Member.objects.exclude(stage="information").prefetch_related("stages"))
    entry = {m.pk: min(s.start for s in m.stages.all() if s.kind == "cape") for m in people}
    entries, exits = [], []
    for year in range(2011, TODAY.year):
        start = dt.date(year, 1, 1)
        present = sum(
            1
            for m in people
            if entry[m.pk] < start and (m.exit_date is None or m.exit_date >= start)
        )
        entries.append(sum(1 for m in people if entry[m.pk].year == year) / present * 320)
        exits.append(
            sum(1 for m in people if m.exit_date and m.exit_date.year == year) / present * 320
        )
    # About 70 entries and 70 exits a year per 320 members, the cooperative growing.
    assert all(25 <= n <= 180 for n in entries + exits), (entries, exits)
    assert 60 <= statistics.mean(entries) <= 120
    assert 50 <= statistics.mean(exits) <= 100
    assert statistics.mean(entries) > statistics.mean(exits)

    leavers = [m for m in people if m.exit_date is not None]
    assert 18 <= statistics.mean(months(entry[m.pk], m.exit_date) for m in leavers) <= 30
    reasons = Counter(m.exit_reason for m in leavers)
    assert 0.17 <= reasons["own_company"] / len(leavers) <= 0.33
    assert set(reasons) == {"own_company", "salaried_job", "stopped", "other"}
    associates = [m for m in leavers if any(s.kind == "associate" for s in m.stages.all())]
    assert 0.25 <= len(associates) / len(leavers) <= 0.45
    share = active_members().filter(stage="associate").count() / 200
    assert 0.3 <= share <= 0.75


def test_advisor_history_has_some_changes_and_follows_the_members(db):
    build(seed=11, active=200)
    by_member: dict[int, list[AdvisorAssignment]] = {}
    for a in AdvisorAssignment.objects.order_by("start", "id"):
        by_member.setdefault(a.member_id, []).append(a)
    changes = [rows for rows in by_member.values() if len(rows) == 2]
    assert changes and max(len(rows) for rows in by_member.values()) == 2
    for first, second in changes:
        assert first.end == second.start and first.advisor_id != second.advisor_id
    for member in Member.objects.all():
        rows = by_member.get(member.pk, [])
        if member.stage == "information":
            assert rows == [] and member.advisor_id is None
            continue
        assert rows[-1].advisor_id == member.advisor_id
        assert rows[-1].end == member.exit_date
        assert rows[0].start == min(s.start for s in member.stages.all() if s.kind == "cape")


def test_meetings_are_recent_and_with_the_advisors_own_entrepreneurs(db):
    build()
    meetings = AccompanimentMeeting.objects.prefetch_related("members")
    kinds = Counter(m.kind for m in meetings)
    assert kinds["individual"] > SMALL // 2 and kinds["collective"] > 0
    for meeting in meetings:
        people = list(meeting.members.all())
        assert TODAY - dt.timedelta(days=180) <= meeting.date <= TODAY
        assert len(people) == 1 if meeting.kind == "individual" else len(people) >= 2
        assert all(p.advisor_id == meeting.advisor_id and p.stage in ACTIVE for p in people)


def test_default_size_builds_850_active_members_with_deadlines_for_the_demo_advisor(db):
    build_demo(today=TODAY)
    assert active_members().count() == 850
    assert User.objects.filter(role=Role.ADVISOR, is_active=True).count() == round(850 / 75)
    assert Member.objects.count() > 3 * 850
    staff = User.objects.get(email=STAFF_EMAIL)
    everyone = selectors.deadlines_for(user=staff, today=TODAY)
    kinds = Counter(d.kind for d in everyone)
    assert set(kinds) == {"cape_end", "trial_end", "associate_deadline"}
    assert any(d.overdue for d in everyone)
    advisor = User.objects.get(email=ADVISOR_EMAIL)
    assert len(selectors.deadlines_for(user=advisor, today=TODAY)) >= 3


# Logins and audit ------------------------------------------------------------------------


def test_demo_logins_authenticate_with_demo_and_are_who_they_say(db):
    build()
    roles = {
        ADMIN_EMAIL: Role.ADMIN,
        STAFF_EMAIL: Role.STAFF,
        ADVISOR_EMAIL: Role.ADVISOR,
        ENTREPRENEUR_EMAIL: Role.ENTREPRENEUR,
        ASSOCIATE_EMAIL: Role.ENTREPRENEUR,
    }
    assert [email for _, email in LOGINS] == list(roles)
    for email, role in roles.items():
        user = authenticate(None, username=email, password="demo")
        assert user is not None, email
        assert user.role == role
        assert authenticate(None, username=email, password="pas-demo") is None
    assert User.objects.get(email=ADMIN_EMAIL).is_superuser

    advisor = User.objects.get(email=ADVISOR_EMAIL)
    assert active_members().filter(advisor=advisor).exists()
    assert selectors.deadlines_for(user=advisor, today=TODAY)

    entrepreneur = Member.objects.get(email=ENTREPRENEUR_EMAIL)
    assert entrepreneur.user.email == ENTREPRENEUR_EMAIL
    assert entrepreneur.stage == "cesa" and entrepreneur.exit_date is None
    assert entrepreneur.advisor is not None and entrepreneur.activity.name
    assert {"information", "cape", "cesa"} <= {s.kind for s in entrepreneur.stages.all()}
    associate = Member.objects.get(email=ASSOCIATE_EMAIL)
    assert associate.stage == "associate" and associate.user.email == ASSOCIATE_EMAIL

    others = User.objects.exclude(email__in=list(roles))
    assert (
        others.count() == Member.objects.count() + User.objects.filter(role="advisor").count() - 3
    )
    assert not any(u.has_usable_password() for u in others)
    exited = Member.objects.filter(exit_date__isnull=False).select_related("user")
    assert exited.exists() and not any(m.user.is_active for m in exited)


def test_the_build_is_audited(db):
    result = build()
    built = AuditEntry.objects.get(action="demo.built")
    assert (built.target_type, built.target_id) == ("demo.demobuild", str(result.build.pk))
    assert (built.data["seed"], built.data["active_members"], built.data["today"]) == (
        7,
        SMALL,
        "2026-11-26",
    )
    created = AuditEntry.objects.filter(action="member.created")
    assert sorted(int(pk) for pk in created.values_list("subject_id", flat=True)) == sorted(
        Member.objects.values_list("pk", flat=True)
    )
    entry = created.get(subject_id=str(Member.objects.get(email=ENTREPRENEUR_EMAIL).pk))
    assert entry.changes["email"] == [None, ENTREPRENEUR_EMAIL]


# Refusals and the command -----------------------------------------------------------------


def test_refuses_to_build_over_existing_members_without_reset(alice, claire):
    admin = UserFactory(email="root@coop.example", role=Role.ADMIN)
    with pytest.raises(CommandError) as refused:
        call_command(*COMMAND, stdout=StringIO())
    assert "déjà 1 membre(s)" in str(refused.value) and "--reset" in str(refused.value)
    assert list(Member.objects.all()) == [alice]
    assert not DemoBuild.objects.exists()

    call_command(*COMMAND, "--reset", stdout=StringIO())
    assert not Member.objects.filter(pk=alice.pk).exists()
    assert not User.objects.filter(pk=claire.pk).exists()
    assert User.objects.filter(pk=admin.pk).exists()
    assert active_members().count() == SMALL


def test_another_demo_is_refused_and_the_same_one_left_alone(db):
    build(seed=7)
    members = set(Member.objects.values_list("pk", flat=True))
    with pytest.raises(DemoRefused, match="autres paramètres"):
        build(seed=8)
    again = build(seed=7)
    assert not again.built
    assert set(Member.objects.values_list("pk", flat=True)) == members
    assert DemoBuild.objects.count() == 1


def test_the_same_demo_on_another_day_is_kept_unless_the_day_is_given(db):
    build(seed=7)
    assert not build_demo(
        seed=7, active=SMALL, today=TODAY.replace(day=28), same_day_only=False
    ).built
    with pytest.raises(DemoRefused):
        build_demo(seed=7, active=SMALL, today=TODAY.replace(day=28))


def test_command_builds_prints_the_summary_and_logins_without_serving(db):
    out = StringIO()
    call_command(*COMMAND, stdout=out)
    text = out.getvalue()
    assert "Coopérative de démonstration construite en" in text
    assert "120 membres actifs" in text
    assert "mot de passe : demo" in text
    for _, email in LOGINS:
        assert email in text
    assert active_members().count() == SMALL

    out = StringIO()
    call_command(*COMMAND, stdout=out)
    assert "La démo est déjà en place" in out.getvalue()


def test_command_serves_the_demo_after_building(db, monkeypatch):
    from essaim.demo.management.commands import demo as command

    served = []

    def call(name: str, *args: Any, **options: Any) -> None:
        if name == "runserver":
            served.append((args, options))
        else:
            call_command(name, *args, **options)

    monkeypatch.setattr(command, "call_command", call)
    call_command(*COMMAND[:1], *COMMAND[2:], "--addrport", "0.0.0.0:9000", stdout=StringIO())
    assert served == [(("0.0.0.0:9000",), {"use_reloader": False, "insecure_serving": True})]
    assert active_members().count() == SMALL


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--today", "2026-13-01", "date invalide « 2026-13-01 »"),
        ("--today", "2002-06-01", "fondée en 2003"),
        ("--members", "5", "au moins 10 membres actifs"),
    ],
)
def test_command_rejects_bad_options_in_french(db, option, value, message):
    args = ["demo", "--no-serve", "--members", "120", "--today", "2026-11-26", option, value]
    with pytest.raises(CommandError, match=message):
        call_command(*args, stdout=StringIO())
    assert not Member.objects.exists()


def test_demo_logins_open_their_pages(db, client):
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.html import escape

    build_demo(seed=3, active=300, today=timezone.localdate())
    entrepreneur = Member.objects.get(email=ENTREPRENEUR_EMAIL)
    for email in (ADMIN_EMAIL, STAFF_EMAIL):
        assert client.login(username=email, password="demo")
        response = client.get(reverse("members:list"))
        assert response.status_code == 200 and response.context["page"].paginator.count > 300
        detail = client.get(reverse("members:detail", args=[entrepreneur.pk]))
        assert detail.status_code == 200 and escape(entrepreneur.activity.name) in detail.text
        client.logout()

    advisor = User.objects.get(email=ADVISOR_EMAIL)
    assert client.login(username=ADVISOR_EMAIL, password="demo")
    response = client.get(reverse("members:deadlines"))
    assert response.status_code == 200
    assert response.context["deadlines"] == selectors.deadlines_for(user=advisor)
    assert response.context["deadlines"]
    client.logout()

    for email in (ENTREPRENEUR_EMAIL, ASSOCIATE_EMAIL):
        member = Member.objects.get(email=email)
        assert client.login(username=email, password="demo")
        response = client.get(reverse("members:my_space"))
        assert response.status_code == 200 and response.context["member"] == member
        assert escape(member.activity.name) in response.text
        client.logout()
