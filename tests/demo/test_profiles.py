"""The demo members' profiles: valid, matching their trade, from the builtin nomenclature; the
study's three hairdressers told apart; a full profile behind the demo entrepreneur login."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter, defaultdict
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from essaim.demo.catalog import TRADES
from essaim.demo.generator import ENTREPRENEUR_EMAIL, build_demo
from essaim.demo.profiles_catalog import (
    SECTOR_DOMAINS,
    STUDY_HAIRDRESSERS,
    TRADE_NODES,
)
from essaim.members.models import Member
from essaim.skills import geo
from essaim.skills.models import (
    ClientKind,
    MemberSkill,
    Node,
    PortfolioImage,
    PortfolioItem,
    Price,
    PriceUnit,
    PriceVisibility,
    Profile,
)
from essaim.skills.nomenclature import DATA_FILE
from essaim.skills.services import LANGUAGE_CODES

TODAY = dt.date(2026, 11, 26)
SMALL = 120
PRESENT = ("cape", "cesa", "associate")


def build(seed: int = 7, active: int = SMALL, **options: Any) -> Any:
    return build_demo(seed=seed, active=active, today=TODAY, **options)


def builtin_codes() -> set[str]:
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["code"] for line in lines if line.strip() and line[0] != "#"}


def domains_of_sector(sector: str) -> set[str]:
    """The builtin domains a member of this sector draws their professional skills from."""
    codes = [c for t in TRADES if t.sector == sector for c in TRADE_NODES[t.label]]
    return {c.split(".")[0] for c in codes} | set(SECTOR_DOMAINS[sector])


def test_every_code_the_demo_names_is_in_the_builtin_nomenclature():
    codes = builtin_codes()
    assert {t.label for t in TRADES} == set(TRADE_NODES)
    named = {c for trades in TRADE_NODES.values() for c in trades}
    named |= {code for person in STUDY_HAIRDRESSERS for code, _level in person.skills}
    named |= {d for domains in SECTOR_DOMAINS.values() for d in domains}
    assert named - codes == set()


@pytest.mark.django_db
def test_present_members_have_valid_profiles_matching_their_trade():
    build()
    present = Member.objects.filter(stage__in=PRESENT, exit_date__isnull=True)
    assert set(Profile.objects.values_list("member_id", flat=True)) == set(
        present.values_list("pk", flat=True)
    )
    assert present.count() == SMALL
    sectors = dict(present.values_list("pk", "activity__sector__code"))
    homes = dict(present.values_list("pk", "postal_code"))

    skills: dict[int, list[MemberSkill]] = defaultdict(list)
    for skill in MemberSkill.objects.select_related("node"):
        skills[skill.member_id].append(skill)
    for member_id, held in skills.items():
        assert {s.level for s in held} <= {1, 2, 3}
        assert all(s.node.source == "builtin" and not s.node.obsolete for s in held)
        assert all(s.years is None or 0 <= s.years <= 70 for s in held)
        professional = [s for s in held if not s.node.is_social]
        social = [s for s in held if s.node.is_social]
        assert 2 <= len(professional) <= 6, member_id
        assert len(social) <= 3
        assert {s.node.kind for s in professional} <= {"trade", "skill"}
        allowed = domains_of_sector(sectors[member_id])
        assert {s.node.code.split(".")[0] for s in professional} <= allowed, member_id
    assert set(skills) == set(sectors)

    for p in Profile.objects.all():
        assert len(p.presentation) > 80 and p.presentation.count(".") >= 2
        assert p.zones and set(p.zones) <= geo.DEPARTEMENTS
        assert homes[p.member_id][:2] in p.zones
        assert p.zones == sorted(set(p.zones))
        assert p.languages[0] == "fr" and set(p.languages) <= LANGUAGE_CODES
        assert p.days_per_week is not None and 0 <= p.days_per_week <= 7
        assert p.available_until is None or p.available_until > TODAY
    # Varied presentations, some members at a distance, some not available now.
    profiles = Profile.objects.all()
    assert len({p.presentation for p in profiles}) == SMALL
    assert 0 < profiles.filter(remote=True).count() < SMALL
    busy = profiles.filter(days_per_week=0).count()
    later = profiles.filter(available_from__gt=TODAY).count()
    assert busy > 0 and later > 0 and busy + later < SMALL // 3
    assert Counter(len(p.languages) for p in profiles)[1] < SMALL

    per_member = Counter(Price.objects.values_list("member_id", flat=True))
    assert max(per_member.values()) <= 3
    for price in Price.objects.all():
        assert price.amount > 0 and price.unit in PriceUnit.values
    assert set(Price.objects.values_list("visibility", flat=True)) == set(PriceVisibility.values)
    works = Counter(PortfolioItem.objects.values_list("member_id", flat=True))
    assert max(works.values()) <= 4 and len(works) < SMALL
    for item in PortfolioItem.objects.all():
        assert item.title and item.client_kind in ClientKind.values
        assert 2000 <= item.year <= TODAY.year
    assert not PortfolioImage.objects.exists()


@pytest.mark.django_db
def test_long_time_members_are_more_often_experts():
    build(seed=11, active=200)
    entries = {
        m.pk: min(s.start for s in m.stages.all() if s.kind == "cape")
        for m in Member.objects.filter(stage__in=PRESENT).prefetch_related("stages")
    }
    trades = MemberSkill.objects.filter(node__kind="trade", node__is_social=False)
    old, new = [], []
    for member_id, level in trades.values_list("member_id", "level"):
        years = (TODAY - entries[member_id]).days / 365.25
        if years >= 8:
            old.append(level)
        elif years < 2:
            new.append(level)
    assert len(old) > 20 and len(new) > 20
    assert statistics.mean(old) > statistics.mean(new) + 0.4
    assert Counter(old)[3] / len(old) > 2 * Counter(new)[3] / len(new)


def _study(pk: int) -> tuple[Member, set[str], str]:
    member = Member.objects.select_related("activity", "profile").get(pk=pk)
    codes = set(member.skills.values_list("node__code", flat=True))
    return member, codes, member.profile.presentation


@pytest.mark.django_db
def test_the_study_s_three_hairdressers_are_told_apart():
    build()
    by_code = {
        n.code: n.pk
        for n in Node.objects.filter(
            code__in=[
                "coiffure.coiffeur-ehpad",
                "coiffure.bijoux-cheveux.creation-bijoux-cheveux",
                "coiffure.coloriste-vegetal.coloration-vegetale",
            ]
        )
    }
    holders = {
        code: set(MemberSkill.objects.filter(node_id=pk).values_list("member_id", flat=True))
        for code, pk in by_code.items()
    }
    ehpad = [pk for pk in holders["coiffure.coiffeur-ehpad"] if "EHPAD" in _study(pk)[2]]
    jewels = holders["coiffure.bijoux-cheveux.creation-bijoux-cheveux"]
    plants = [
        pk
        for pk in holders["coiffure.coloriste-vegetal.coloration-vegetale"]
        if "antiquaire" in _study(pk)[2]
    ]
    assert len(ehpad) == len(plants) == 1 and len(jewels) >= 1
    (ehpad_member, ehpad_codes, ehpad_text) = _study(ehpad[0])
    (plant_member, plant_codes, plant_text) = _study(plants[0])
    jewel_pk = next(pk for pk in jewels if "bijoux de cheveux" in _study(pk)[2])
    (jewel_member, jewel_codes, jewel_text) = _study(jewel_pk)

    three = [ehpad_member, jewel_member, plant_member]
    assert len({m.pk for m in three}) == 3
    assert all(m.stage in PRESENT and m.activity.sector.code == "coiffure" for m in three)
    assert [m.activity.name for m in three] == [p.enseigne for p in STUDY_HAIRDRESSERS]
    assert "antiquaire" in plant_member.activity.description
    # Each has what the other two have not.
    assert "coiffure.coiffeur-ehpad.coiffure-alite" in ehpad_codes - jewel_codes - plant_codes
    assert "coiffure.bijoux-cheveux.creation-bijoux-cheveux" in (
        jewel_codes - ehpad_codes - plant_codes
    )
    assert "coiffure.coloriste-vegetal.henne" in plant_codes - ehpad_codes - jewel_codes
    assert "antiquaire" not in ehpad_text + jewel_text
    assert "EHPAD" not in jewel_text + plant_text
    # Their past work shows it, and some of their prices are for members to see.
    assert all(m.portfolio.count() >= 2 for m in three)
    assert all(m.prices.filter(visibility="members").exists() for m in three)


@pytest.mark.django_db
def test_the_directory_search_tells_the_three_hairdressers_apart():
    search = pytest.importorskip("essaim.skills.search")
    from essaim.core.models import User

    build()
    viewer = User.objects.get(email=ENTREPRENEUR_EMAIL)
    names = {p.enseigne: p.key for p in STUDY_HAIRDRESSERS}
    study = dict(
        Member.objects.filter(activity__name__in=list(names)).values_list("pk", "activity__name")
    )

    # The words alone (the semantic blend is the semantic search's own tests' business).
    def found(text: str) -> list[str]:
        result = search.directory_search(
            viewer=viewer,
            query=search.DirectoryQuery(text=text, limit=50, semantic=False),
            record_exposure=False,
        )
        return [names[study[h.member.pk]] for h in result.hits if h.member.pk in study]

    # Each need finds its hairdresser first among the three.
    assert found("coiffure en EHPAD")[0] == "ehpad"
    assert found("bijoux de cheveux")[0] == "domicile-bijoux"
    assert found("coloration végétale")[0] == "vegetal-antiquaire"
    assert found("EHPAD") == ["ehpad"]
    assert found("henné") == ["vegetal-antiquaire"]


@pytest.mark.django_db
def test_the_demo_entrepreneur_has_a_full_profile():
    build()
    member = Member.objects.get(email=ENTREPRENEUR_EMAIL)
    held = list(member.skills.select_related("node"))
    assert len([s for s in held if not s.node.is_social]) >= 4
    assert len([s for s in held if s.node.is_social]) == 2
    profile = member.profile
    assert profile.presentation and len(profile.zones) >= 2 and len(profile.languages) >= 2
    assert profile.days_per_week and profile.days_per_week > 0
    assert profile.available_from is None or profile.available_from <= TODAY
    assert member.portfolio.count() == 3
    assert sorted(member.prices.values_list("visibility", flat=True)) == [
        "advisor",
        "me",
        "members",
    ]


@pytest.mark.django_db
def test_the_directory_index_holds_every_member_not_gone():
    search_index = pytest.importorskip("essaim.skills.search_index")
    build()
    assert search_index.document_count() == Member.objects.filter(exit_date__isnull=True).count()


@pytest.mark.django_db
def test_reset_deletes_the_profiles_and_builds_them_again():
    build()
    first = sorted(Profile.objects.values_list("member__email", "presentation"))
    build(seed=8, reset=True)
    assert Profile.objects.count() == SMALL
    assert sorted(Profile.objects.values_list("member__email", "presentation")) != first


@pytest.mark.django_db
def test_command_counts_the_profiles_and_embeds_them_when_semantic_search_is_there():
    from essaim.skills import semantic
    from essaim.skills.models import MemberEmbedding

    out = StringIO()
    call_command("demo", "--no-serve", "--members", "10", "--today", "2026-11-26", stdout=out)
    text = out.getvalue()
    assert (
        f"{Profile.objects.count()} profils dans l'annuaire : {MemberSkill.objects.count()} "
        f"compétences, {PortfolioItem.objects.count()} réalisations, "
        f"{Price.objects.count()} tarifs"
    ) in text
    if not semantic.available():
        assert "recherche sémantique non installée" in text
        return
    present = Member.objects.filter(exit_date__isnull=True).count()
    assert f"recherche sémantique : profils de {present} membres à jour" in text
    embedded = set(MemberEmbedding.objects.values_list("member_id", flat=True))
    assert set(Profile.objects.values_list("member_id", flat=True)) <= embedded
