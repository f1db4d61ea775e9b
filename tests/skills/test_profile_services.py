"""Profile writes and the price visibility rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.skills import selectors, services
from essaim.skills.models import MemberSkill, Node, Price, Profile
from tests.factories import AdvisorFactory, MemberFactory, StaffFactory


@pytest.fixture
def hair(db) -> Node:
    domain = services.node_create(
        actor=None, code="t-coiffure", label="Coiffure", kind="domain", source="builtin"
    )
    trade = services.node_create(
        actor=None,
        code="t-coiffure.vegetal",
        label="Coloriste végétal·e",
        kind="trade",
        parent=domain,
        source="builtin",
        rome_codes=["D1202"],
    )
    services.alias_add(actor=None, node=trade, label="Coloriste végétale", kind="title")
    return trade


def test_node_paths_make_subtrees(hair):
    child = services.node_create(
        actor=None, code="t-coiffure.vegetal.henne", label="Henné", kind="skill", parent=hair
    )
    domain = hair.parent

    assert (domain.path, hair.path, child.path) == (
        f"/{domain.pk}/",
        f"/{domain.pk}/{hair.pk}/",
        f"/{domain.pk}/{hair.pk}/{child.pk}/",
    )
    assert set(selectors.subtree(domain).values_list("code", flat=True)) == {
        "t-coiffure",
        "t-coiffure.vegetal",
        "t-coiffure.vegetal.henne",
    }


def test_duplicate_code_and_alias_are_refused(hair):
    with pytest.raises(ValidationError, match="existe déjà"):
        services.node_create(actor=None, code="t-coiffure", label="Autre", kind="domain")
    with pytest.raises(ValidationError, match="désigne déjà"):
        services.alias_add(actor=None, node=hair, label="COLORISTE VÉGÉTALE")


def test_resolve_node_by_code_label_alias_and_errors(hair):
    other = services.node_create(
        actor=None, code="t-autre", label="Coloriste végétale", kind="trade", source="builtin"
    )
    services.node_create(actor=None, code="R9999", label="Henné", kind="trade", source="rome")
    mine = services.node_create(actor=None, code="t-mien", label="Henné", kind="skill")

    assert selectors.resolve_node(code="t-coiffure.vegetal") == hair
    assert selectors.resolve_node(label="coloriste vegetal·e") == hair
    with pytest.raises(ValidationError, match="code de compétence inconnu « X9999 »"):
        selectors.resolve_node(code="X9999")
    with pytest.raises(ValidationError, match="aucune compétence ne s'appelle"):
        selectors.resolve_node(label="astronaute")
    with pytest.raises(ValidationError, match="ambigu") as excinfo:
        selectors.resolve_node(label="Coloriste végétale")
    assert "t-autre" in str(excinfo.value) and "t-coiffure.vegetal" in str(excinfo.value)
    assert other.pk
    # The cooperative's own node wins over ROME's namesake.
    assert selectors.resolve_node(label="henne") == mine


def test_skill_levels_are_checked_and_audited(hair):
    member = MemberFactory()
    skill = services.skill_set(actor=None, member=member, node=hair, level=2, years=4)
    services.skill_set(actor=None, member=member, node=hair, level=3, years=5)

    with pytest.raises(ValidationError, match="niveau 4 inconnu"):
        services.skill_set(actor=None, member=member, node=hair, level=4)
    skill.refresh_from_db()
    assert (skill.level, skill.years) == (3, 5)
    assert MemberSkill.objects.filter(member=member).count() == 1
    assert list(
        AuditEntry.objects.filter(subject_id=str(member.pk), action__startswith="skill.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["skill.added", "skill.updated"]


def test_obsolete_nodes_take_no_new_members(hair):
    Node.objects.filter(pk=hair.pk).update(obsolete=True)
    hair.refresh_from_db()

    with pytest.raises(ValidationError, match="obsolète"):
        services.skill_set(actor=None, member=MemberFactory(), node=hair, level=1)


def test_profile_zones_languages_availability(db):
    member = MemberFactory()
    profile = services.profile_update(
        actor=None,
        member=member,
        zones=["93", "75", 9, "2a", "93"],
        languages=["FR", "en"],
        days_per_week=Decimal("2.5"),
        available_from=dt.date(2026, 1, 5),
        available_until=None,
    )

    assert (profile.zones, profile.languages) == (["09", "2A", "75", "93"], ["fr", "en"])
    with pytest.raises(ValidationError, match="« 99 » n'est pas un département"):
        services.profile_update(actor=None, member=member, zones=["75", "99"])
    with pytest.raises(ValidationError, match="précède son début"):
        services.profile_update(actor=None, member=member, available_until=dt.date(2025, 1, 1))
    assert Profile.objects.get(member=member).zones == ["09", "2A", "75", "93"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [("35 euros", "n'est pas un montant"), ("-3", "positif"), ("1.234", "deux décimales")],
)
def test_bad_prices_are_refused_and_nothing_written(db, amount, message):
    member = MemberFactory()

    with pytest.raises(ValidationError, match=message):
        services.price_save(
            actor=None,
            member=member,
            label="Coupe",
            amount=amount,
            unit="prestation",
            visibility="members",
        )
    assert not Price.objects.exists()


def test_price_visibility_per_role(db):
    advisor, other_advisor, staff = AdvisorFactory(), AdvisorFactory(), StaffFactory()
    owner = MemberFactory(advisor=advisor)
    peer = MemberFactory()
    for label, visibility in [("secret", "me"), ("conseil", "advisor"), ("public", "members")]:
        services.price_save(
            actor=None, member=owner, label=label, amount="10", unit="heure", visibility=visibility
        )

    def seen(user) -> set[str]:
        return set(selectors.prices_visible_to(user, owner).values_list("label", flat=True))

    assert seen(owner.user) == {"secret", "conseil", "public"}
    assert seen(advisor) == {"conseil", "public"}
    assert seen(other_advisor) == {"public"}
    assert seen(peer.user) == {"public"}
    assert seen(staff) == {"public"}


def test_the_history_keeps_no_hidden_amount(db):
    member = MemberFactory()
    hidden = services.price_save(
        actor=None, member=member, label="Coupe", amount="35", unit="prestation", visibility="me"
    )
    services.price_save(
        actor=None,
        member=member,
        label="Coupe",
        amount="40",
        unit="prestation",
        visibility="me",
        price=hidden,
    )
    services.price_save(
        actor=None,
        member=member,
        label="Brushing",
        amount="20",
        unit="prestation",
        visibility="members",
    )

    entries = AuditEntry.objects.filter(action__startswith="price.").order_by("id")
    assert [(e.target_repr, e.changes.get("amount")) for e in entries] == [
        ("Coupe", [None, "masqué"]),
        ("Coupe", ["masqué", "masqué"]),
        ("Brushing", [None, "20.00"]),
    ]
