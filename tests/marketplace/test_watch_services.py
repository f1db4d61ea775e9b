"""The business watch's services: posting an opportunity and telling the subscribers (a
subscription to a trade or domain covers what lies below), subscriptions, and turning an
opportunity into a co-contracting request."""

# The fixtures imported from offers_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry, Notification
from essaim.marketplace.models import (
    Opportunity,
    RequestKind,
    RequestStatus,
    WatchSubscription,
    WorkRequest,
)
from essaim.marketplace.services.watch import opportunity_to_request, subscription_set
from tests.marketplace.offers_fixtures import (  # noqa: F401
    entrepreneur,
    leave,
    make_opportunity,
    tree,
)
from tests.members.pages import days


def notified(kind: str = "watch.opportunity") -> dict[str, list[str]]:
    """Who was told what: e-mail → titles."""
    found: dict[str, list[str]] = {}
    for note in Notification.objects.filter(kind=kind).select_related("user").order_by("pk"):
        found.setdefault(note.user.email, []).append(note.title)
    return found


def test_an_opportunity_is_stored_and_journaled(claire, tree):
    opp = make_opportunity([tree.web], actor=claire, zone="2a", budget="12 000,50")

    opp.refresh_from_db()
    assert (opp.kind, opp.zone, opp.budget, opp.posted_by, list(opp.nodes.all())) == (
        "tender",
        "2A",
        Decimal("12000.50"),
        claire,
        [tree.web],
    )
    entry = AuditEntry.objects.get(action="opportunity.posted")
    assert (entry.actor, entry.data["nodes"]) == (claire, ["t-num.web"])


def test_subscribers_of_the_node_and_of_its_ancestors_are_told(alice, bob, tree):
    carol, dan, eve = entrepreneur("Carol"), entrepreneur("Dan"), entrepreneur("Eve")
    subscription_set(actor=None, member=alice, nodes=[tree.cut])  # the node itself
    subscription_set(actor=None, member=bob, nodes=[tree.hairdresser])  # its trade
    subscription_set(actor=None, member=carol, nodes=[tree.hair])  # its domain
    subscription_set(actor=None, member=dan, nodes=[tree.vegetal])  # a sibling: not told
    subscription_set(actor=None, member=eve, nodes=[tree.digital, tree.hair])  # told once

    opp = make_opportunity([tree.cut], title="Coiffures d'un mariage", kind="lead")

    title = "Nouvelle opportunité : Coiffures d'un mariage"
    assert notified() == {
        alice.user.email: [title],
        bob.user.email: [title],
        carol.user.email: [title],
        eve.user.email: [title],
    }
    note = Notification.objects.filter(kind="watch.opportunity").first()
    assert note.url == f"/marche/veille/{opp.pk}/"
    assert note.body.startswith("Piste client · Ville de Montreuil · réponse avant le ")


def test_the_poster_is_not_told_of_their_own_opportunity(alice, bob, tree):
    subscription_set(actor=None, member=alice, nodes=[tree.cut])
    subscription_set(actor=None, member=bob, nodes=[tree.cut])

    make_opportunity([tree.cut], actor=alice.user)

    assert list(notified()) == [bob.user.email]


def test_members_who_left_or_have_no_account_are_not_told(alice, bob, tree):
    carol = entrepreneur("Carol", user=None)
    for member in (alice, bob, carol):
        subscription_set(actor=None, member=member, nodes=[tree.cut])
    leave(bob)

    make_opportunity([tree.cut])

    assert list(notified()) == [alice.user.email]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"deadline": days(-1)}, {"deadline": ["La date limite ({d}) est déjà passée."]}),
        (
            {"source_url": "javascript:alert(1)"},
            {
                "source_url": [
                    "« javascript:alert(1) » n'est pas une adresse web : elle commence par "
                    "https:// ou http://."
                ]
            },
        ),
        (
            {"zone": "20"},
            {"zone": ["« 20 » n'est pas un département français (ex. 75, 93, 2A)."]},
        ),
        (
            {"budget": "-10"},
            {
                "budget": [
                    "Le budget « -10 » n'est pas valable : un montant positif avec au plus deux "
                    "décimales (ex. 15000 ou 15000,50)."
                ]
            },
        ),
        ({"title": " "}, {"title": ["Donnez un titre à l'opportunité."]}),
        ({"kind": "job"}, {"kind": ["Type inconnu « job » : appel d'offres ou piste client."]}),
        (
            {"nodes": []},
            {
                "nodes": [
                    "Indiquez au moins une compétence : les membres abonnés en seront avertis."
                ]
            },
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(alice, tree, changes, errors):
    subscription_set(actor=None, member=alice, nodes=[tree.hair])
    nodes = changes.pop("nodes", [tree.cut])

    with pytest.raises(ValidationError) as exc:
        make_opportunity(nodes, **changes)

    expected = {
        k: [m.format(d=days(-1).strftime("%d/%m/%Y")) for m in v] for k, v in errors.items()
    }
    assert exc.value.message_dict == expected
    assert not Opportunity.objects.exists()
    assert not Notification.objects.exists()


def test_every_field_in_error_is_said_at_once(tree):
    with pytest.raises(ValidationError) as exc:
        make_opportunity([tree.cut], deadline=days(-3), zone="XX", budget="-1")

    assert sorted(exc.value.message_dict) == ["budget", "deadline", "zone"]


def test_an_external_reference_is_recorded_once(tree):
    make_opportunity([tree.cut], external_ref="BOAMP-1")

    with pytest.raises(ValidationError) as exc:
        make_opportunity([tree.cut], external_ref="BOAMP-1")

    assert exc.value.message_dict == {
        "external_ref": ["La référence « BOAMP-1 » est déjà enregistrée."]
    }
    assert Opportunity.objects.count() == 1


def test_subscription_set_replaces_the_members_subscriptions(alice, tree):
    subscription_set(actor=alice.user, member=alice, nodes=[tree.cut, tree.web])
    kept = subscription_set(actor=alice.user, member=alice, nodes=[tree.web, tree.hair])

    assert kept == [tree.hair, tree.web]  # by label
    assert set(WatchSubscription.objects.values_list("node__code", flat=True)) == {
        "t-coif",
        "t-num.web",
    }
    last = AuditEntry.objects.filter(action="watch.subscriptions_set").order_by("pk").last()
    assert last.changes == {"nodes": [["t-coif.coupe", "t-num.web"], ["t-coif", "t-num.web"]]}


def test_subscription_set_refuses_a_member_who_left(alice, tree):
    leave(alice)

    with pytest.raises(ValidationError):
        subscription_set(actor=None, member=alice, nodes=[tree.cut])

    assert not WatchSubscription.objects.exists()


def test_an_opportunity_becomes_a_co_contracting_draft(alice, tree):
    opp = make_opportunity(
        [tree.web, tree.workshop],
        title="Refonte du site",
        description="Un site accessible.",
        deadline=days(20),
        zone="93",
        budget="45000",
        client="Ville de Montreuil",
        source_url="https://www.boamp.fr/avis/1",
    )

    draft = opportunity_to_request(actor=alice.user, opportunity=opp, author=alice)

    assert (
        draft.author,
        draft.kind,
        draft.status,
        draft.title,
        draft.answer_deadline,
        draft.zone,
        draft.budget,
        draft.opportunity,
    ) == (
        alice,
        RequestKind.COCONTRACTING,
        RequestStatus.DRAFT,
        "Refonte du site",
        days(20),
        "93",
        Decimal("45000.00"),
        opp,
    )
    assert draft.description == (
        "Un site accessible.\n\nOpportunité de la veille : Appel d'offres\n"
        "Client : Ville de Montreuil\nSource : https://www.boamp.fr/avis/1"
    )
    assert sorted(draft.skills.values_list("node__code", "min_level")) == [
        ("t-num.web", 1),
        ("t-soc.atelier", 1),
    ]
    # Asked again, the same draft comes back.
    assert opportunity_to_request(actor=alice.user, opportunity=opp, author=alice) == draft
    assert WorkRequest.objects.count() == 1


def test_an_opportunity_without_deadline_gives_two_weeks(alice, tree):
    opp = make_opportunity([tree.web])
    Opportunity.objects.filter(pk=opp.pk).update(deadline=None)
    opp.refresh_from_db()

    draft = opportunity_to_request(actor=None, opportunity=opp, author=alice)

    assert draft.answer_deadline == days(14)


def test_a_passed_opportunity_cannot_be_answered(alice, tree):
    opp = make_opportunity([tree.web])
    Opportunity.objects.filter(pk=opp.pk).update(deadline=days(-1))
    opp.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        opportunity_to_request(actor=None, opportunity=opp, author=alice)

    assert "il est trop tard pour y répondre" in exc.value.messages[0]
    assert not WorkRequest.objects.exists()
