"""The nomenclature pages (staff): browse the tree, search, a node's page, add coop nodes and
aliases."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from essaim.core.models import AuditEntry
from essaim.skills import services
from essaim.skills.models import Alias, Node
from tests.members.pages import (
    ROLE_REFUSED,
    card,
    errors,
    fast_passwords,  # noqa: F401
    login_url,
    page_messages,
    plain,
    queries_to_render,
    section,
    text,
)
from tests.skills.directory_data import make_profile, node, tree  # noqa: F401

INDEX = reverse("skills:nomenclature")


def node_url(n: Node, name: str = "skills:node") -> str:
    return reverse(name, args=[n.pk])


def tree_items(fragment: str) -> list[str]:
    """The codes of the nodes listed in a fragment of the tree, in order."""
    return re.findall(r"</a> <code>([^<]+)</code>", fragment)


# --- who may ------------------------------------------------------------------------------------


def urls(tree) -> list[str]:
    return [
        INDEX,
        node_url(tree.hair),
        node_url(tree.hair, "skills:node_children"),
        node_url(tree.hairdresser, "skills:node_create"),
        node_url(tree.hairdresser, "skills:alias_add"),
    ]


def test_anonymous_is_sent_to_login(client, tree):
    for url in urls(tree):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, login_url(url))


@pytest.mark.parametrize("persona", ["alice", "antoine"])
def test_entrepreneurs_and_advisors_are_refused(client, request, tree, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    for url in urls(tree):
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 403
        assert ROLE_REFUSED in text(response)
    posted = client.post(node_url(tree.hairdresser, "skills:alias_add"), {"label": "Figaro"})
    assert posted.status_code == 403
    assert not Alias.objects.filter(label="Figaro").exists()


# --- browsing -----------------------------------------------------------------------------------


def test_the_tree_starts_with_the_domains(client, claire, tree):
    client.force_login(claire)

    response = client.get(INDEX)

    listed = tree_items(section(response, '<ul class="tree">', "</section>"))
    assert {"t-coif", "t-num", "t-soc.atelier"} <= set(listed)
    assert "t-coif.coiffeur" not in listed  # children come on request
    button = section(
        response, f'hx-get="{node_url(tree.hair, "skills:node_children")}"', "</button>"
    )
    assert plain(button + "</button>").endswith(
        "Déplier « Coiffure et esthétique » (1 sous-niveau)"
    )


def test_htmx_unfolds_the_children_with_their_counts(client, claire, tree, alice):
    make_profile(alice, skills=[(tree.vegetal, 3)])
    client.force_login(claire)

    response = client.get(
        node_url(tree.hairdresser, "skills:node_children"), headers={"HX-Request": "true"}
    )

    assert text(response).startswith(f'<ul class="tree" id="children-{tree.hairdresser.pk}">')
    items = [plain(li) for li in re.findall(r"<li>(.*?)</li>", text(response), re.S)]
    assert items == [
        "Coupe à domicile t-coif.coupe",
        "Coloration végétale t-coif.vegetal Propre à la coopérative 1 membre",
    ]


def test_without_htmx_the_children_address_leads_to_the_nodes_page(client, claire, tree):
    client.force_login(claire)

    response = client.get(node_url(tree.hair, "skills:node_children"))

    assert (response.status_code, response.url) == (302, node_url(tree.hair))


def test_the_children_list_runs_no_query_per_node(client, claire, tree, alice):
    client.force_login(claire)
    parent = node("t-n1", "Parent", "trade")
    url = node_url(parent, "skills:node_children")
    child = node("t-n1.a", "A", "skill", parent)
    make_profile(alice, skills=[(child, 2)])

    def count() -> int:
        client.get(url, headers={"HX-Request": "true"})
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
        return len(captured.captured_queries)

    one = count()
    for n in range(2):
        grand = node(f"t-n1.b{n}", f"B{n}", "skill", parent)
        node(f"t-n1.b{n}.x", f"X{n}", "skill", grand)

    assert count() == one


def test_the_node_page_runs_no_query_per_child_or_alias(client, claire, tree):
    client.force_login(claire)
    one = queries_to_render(client, node_url(tree.hairdresser))
    for n in range(3):
        node(f"t-coif.extra{n}", f"Extra {n}", "skill", tree.hairdresser)
        services.alias_add(actor=None, node=tree.hairdresser, label=f"Synonyme {n}")

    assert queries_to_render(client, node_url(tree.hairdresser)) == one


def test_search_by_label_alias_or_code(client, claire, tree):
    client.force_login(claire)

    by_alias = client.get(INDEX, {"q": "coiffeuse"})
    by_code = client.get(INDEX, {"q": "t-num.web"})
    nothing = client.get(INDEX, {"q": "zzzz"})

    found = section(by_alias, 'aria-labelledby="h-found"', "</section>")
    assert "t-coif.coiffeur" in tree_items(found)
    rows = [plain(li) for li in re.findall(r"<li>(.*?)</li>", found, re.S)]
    assert (
        "Coiffeur·se t-coif.coiffeur Métier · Nomenclature Essaim — Coiffure et esthétique" in rows
    )
    assert tree_items(section(by_code, 'aria-labelledby="h-found"', "</section>"))[0] == "t-num.web"
    assert tree_items(section(nothing, 'aria-labelledby="h-found"', "</section>")) == []


def test_a_node_page_shows_its_place_aliases_rome_codes_and_members(client, claire, tree, alice):
    make_profile(alice, skills=[(tree.hairdresser, 2)])
    client.force_login(claire)

    response = client.get(node_url(tree.hairdresser))

    assert plain(section(response, '<nav aria-label="Position', "</nav>")) == (
        "Nomenclature › Coiffure et esthétique"
    )
    assert card(response, "h-node") == (
        "Fiche Niveau Métier Source Nomenclature Essaim Codes ROME D1202 Membres 1 "
        "Sociale ou transversale non"
    )
    assert card(response, "h-aliases").startswith(
        "Synonymes Coiffeuse · Intitulé de métier · Propre à la coopérative"
    )
    # Two forms on the page: each label points at its own field.
    assert 'for="alias_label"' in text(response) and 'for="node_label"' in text(response)


# --- adding the cooperative's own nodes and aliases ---------------------------------------------


def test_staff_add_a_coop_node_under_a_trade(client, claire, tree):
    client.force_login(claire)

    response = client.post(
        node_url(tree.hairdresser, "skills:node_create"),
        {"label": "Coloration au henné", "kind": "skill", "code": "", "description": ""},
    )

    created = Node.objects.get(code="COOP-COLORATION-AU-HENNE")
    assert (response.status_code, response.url) == (302, node_url(created))
    assert (created.parent, created.source, created.kind, created.path) == (
        tree.hairdresser,
        "coop",
        "skill",
        f"{tree.hairdresser.path}{created.pk}/",
    )
    assert AuditEntry.objects.filter(action="node.created", target_id=str(created.pk)).exists()
    assert page_messages(client.get(response.url)) == ["Nœud ajouté à la nomenclature."]


def test_a_generated_code_never_clashes(client, claire, tree):
    client.force_login(claire)
    url = node_url(tree.hairdresser, "skills:node_create")

    client.post(url, {"label": "Balayage", "kind": "skill"})
    client.post(url, {"label": "Balayage", "kind": "skill"})

    assert sorted(Node.objects.filter(label="Balayage").values_list("code", flat=True)) == [
        "COOP-BALAYAGE",
        "COOP-BALAYAGE-2",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": "", "kind": "skill"}, "Ce champ est obligatoire."),
        (
            {"label": "X", "kind": "skill", "code": "t-coif"},
            "Le code t-coif existe déjà dans la nomenclature",
        ),
        (
            {"label": "X", "kind": "planet"},
            "Sélectionnez un choix valide. planet n’en fait pas partie.",
        ),
    ],
)
def test_bad_node_input_is_explained_and_nothing_written(client, claire, tree, data, message):
    client.force_login(claire)
    before = Node.objects.count()

    response = client.post(node_url(tree.hairdresser, "skills:node_create"), data)

    assert response.status_code == 200
    assert errors(response) == [message]
    assert Node.objects.count() == before


def test_staff_add_an_alias(client, claire, tree):
    client.force_login(claire)

    response = client.post(
        node_url(tree.hairdresser, "skills:alias_add"), {"label": "Figaro", "kind": "synonym"}
    )

    assert (response.status_code, response.url) == (302, node_url(tree.hairdresser))
    alias = Alias.objects.get(node=tree.hairdresser, label="Figaro")
    assert (alias.source, alias.folded, alias.kind) == ("coop", "figaro", "synonym")
    assert AuditEntry.objects.filter(action="alias.added").count() == 3  # 2 in the tree fixture


def test_a_duplicate_alias_is_refused(client, claire, tree):
    client.force_login(claire)

    response = client.post(
        node_url(tree.hairdresser, "skills:alias_add"), {"label": "COIFFEUSE", "kind": "title"}
    )

    assert errors(response) == ["« COIFFEUSE » désigne déjà Coiffeur·se"]
    assert Alias.objects.filter(node=tree.hairdresser).count() == 1


def test_an_unknown_node_is_not_found(client, claire, db):
    client.force_login(claire)

    assert client.get(reverse("skills:node", args=[999999])).status_code == 404
