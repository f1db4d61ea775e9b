"""Writing offers: what is stored, the search text, the refusals, the journal."""

# The fixtures imported from offers_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.core.models import AuditEntry
from essaim.marketplace.models import Offer
from essaim.marketplace.services.offers import offer_delete, offer_save, offer_search_text
from essaim.skills import french
from tests.marketplace.offers_fixtures import leave, make_offer, tree  # noqa: F401


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_an_offer_is_stored_with_its_nodes_and_price(alice, tree):
    offer = make_offer(
        alice,
        [tree.cut, tree.vegetal],
        title="  Coupe et couleur végétale  ",
        price="35,5",
        price_unit="prestation",
        audience="public",
        actor=alice.user,
    )

    offer.refresh_from_db()
    assert (offer.member, offer.title, offer.price, offer.price_unit, offer.audience) == (
        alice,
        "Coupe et couleur végétale",
        Decimal("35.50"),
        "prestation",
        "public",
    )
    assert set(offer.nodes.all()) == {tree.cut, tree.vegetal}
    entry = AuditEntry.objects.get(action="offer.created")
    assert (entry.actor, entry.subject_id, entry.data["nodes"]) == (
        alice.user,
        str(alice.pk),
        ["t-coif.coupe", "t-coif.vegetal"],
    )


def test_no_price_is_on_quote_and_drops_the_unit(alice, tree):
    offer = make_offer(alice, [tree.cut], price="", price_unit="jour")

    assert (offer.price, offer.price_unit, offer.on_quote) == (None, "", True)


def test_the_search_text_holds_the_stems_of_title_description_labels_and_aliases(alice, tree):
    offer = make_offer(
        alice, [tree.hairdresser], title="Chignons de mariée", description="Au henné."
    )

    words = offer.search_text.split()
    assert offer.search_text.startswith(" ") and offer.search_text.endswith(" ")
    for word in ("chignons", "mariée", "henné", "coiffeur", "coiffeuse"):
        assert french.stem(french.fold(word)) in words, word
    assert len(words) == len(set(words))  # each stem once


def test_the_search_text_leaves_out_stop_words():
    assert offer_search_text(title="Le et la", description="de des", nodes=[]) == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"price": "-5"},
            "price",
            "Le prix « -5 » n'est pas valable : indiquez un montant positif ou nul avec au plus "
            "deux décimales (ex. 35,00), ou laissez vide pour « sur devis ».",
        ),
        ({"price": "12,345"}, "price", None),
        ({"price": "abc"}, "price", None),
        (
            {"price": "30", "price_unit": ""},
            "price_unit",
            "Indiquez l'unité du prix (l'heure, la journée, la prestation…).",
        ),
        ({"title": "   "}, "title", "Donnez un titre à votre offre."),
        ({"title": "x" * 201}, "title", "Le titre fait 201 caractères : 200 au plus."),
        ({"description": ""}, "description", "Décrivez ce que vous proposez."),
        ({"audience": "world"}, "audience", "Visibilité inconnue « world »."),
        (
            {"nodes": []},
            "nodes",
            "Choisissez au moins une compétence de la nomenclature pour cette offre.",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(
    alice, tree, changes, field, message
):
    values = {
        "title": "Coupe",
        "description": "À domicile.",
        "nodes": [tree.cut],
        "price": "30",
        "price_unit": "prestation",
        "audience": "members",
        "active": True,
    }
    values.update(changes)

    with pytest.raises(ValidationError) as exc:
        offer_save(actor=None, member=alice, **values)

    assert list(_messages(exc)) == [field]
    if message is not None:
        assert _messages(exc)[field] == [message]
    assert not Offer.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="offer.").exists()


def test_at_most_ten_nodes(alice, tree, db):
    from tests.skills.directory_data import node

    many = [node(f"t-extra.{i}", f"Extra {i}", "skill") for i in range(11)]

    with pytest.raises(ValidationError) as exc:
        make_offer(alice, many)

    assert _messages(exc) == {
        "nodes": ["Une offre porte sur 10 compétences au plus (11 choisies)."]
    }


def test_an_obsolete_node_cannot_be_added_but_may_stay(alice, tree):
    offer = make_offer(alice, [tree.cut])
    type(tree.cut).objects.filter(pk=tree.cut.pk).update(obsolete=True)
    tree.cut.refresh_from_db()

    offer_save(
        actor=None,
        member=alice,
        offer=offer,
        title="Coupe",
        description="Encore",
        nodes=[tree.cut],
        price=None,
        price_unit="",
        audience="members",
        active=True,
    )
    with pytest.raises(ValidationError) as exc:
        make_offer(alice, [tree.cut], title="Autre")

    assert _messages(exc) == {
        "nodes": [
            "La compétence « Coupe à domicile » n'est plus utilisée dans la nomenclature : "
            "choisissez-en une autre."
        ]
    }


def test_a_member_who_left_cannot_offer(alice, tree):
    leave(alice)

    with pytest.raises(ValidationError) as exc:
        make_offer(alice, [tree.cut])

    assert exc.value.messages == ["Alice Martin a quitté la coopérative."]


def test_editing_updates_fields_nodes_search_text_and_journal(alice, tree):
    offer = make_offer(alice, [tree.cut], title="Coupe")

    offer_save(
        actor=alice.user,
        member=alice,
        offer=offer,
        title="Coloration végétale",
        description="Je me déplace chez vous.",
        nodes=[tree.vegetal],
        price="40",
        price_unit="prestation",
        audience="members",
        active=False,
    )

    offer.refresh_from_db()
    assert (offer.title, offer.active, list(offer.nodes.all())) == (
        "Coloration végétale",
        False,
        [tree.vegetal],
    )
    assert offer.search_text == " color vegetal deplac "  # « chez vous » are stop words
    entry = AuditEntry.objects.get(action="offer.updated")
    assert entry.changes == {
        "title": ["Coupe", "Coloration végétale"],
        "price": [None, "40.00"],
        "price_unit": ["", "prestation"],
        "active": [True, False],
        "nodes": [["t-coif.coupe"], ["t-coif.vegetal"]],
    }


def test_someone_elses_offer_cannot_be_edited_through_the_service(alice, bob, tree):
    offer = make_offer(alice, [tree.cut], title="Coupe")

    with pytest.raises(ValidationError) as exc:
        offer_save(
            actor=bob.user,
            member=bob,
            offer=offer,
            title="Volée",
            description="x",
            nodes=[tree.cut],
            price=None,
            price_unit="",
            audience="members",
            active=True,
        )

    assert exc.value.messages == [
        "Cette offre n'est pas la vôtre : vous ne pouvez pas la modifier."
    ]
    offer.refresh_from_db()
    assert offer.title == "Coupe"


def test_delete_removes_the_offer_and_journals_it(alice, tree):
    offer = make_offer(alice, [tree.cut], title="Coupe")

    offer_delete(actor=alice.user, offer=offer)

    assert not Offer.objects.exists()
    entry = AuditEntry.objects.get(action="offer.deleted")
    assert (entry.data, entry.subject_id) == ({"title": "Coupe"}, str(alice.pk))
