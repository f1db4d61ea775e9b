"""The directory's search: the suite SQLite and PostgreSQL share (CI runs it on both).

Every expectation here is a whole answer (which members, in which order, with which score), so
that both databases passing it means both give the same answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essaim.members import services as member_services
from essaim.skills import ranking, services
from essaim.skills.models import Exposure, Node
from essaim.skills.search import DirectoryQuery, directory_search
from tests.factories import ActivityFactory, MemberFactory, SectorFactory

TODAY = dt.date(2026, 3, 2)


def search(text: str = "", viewer=None, today: dt.date = TODAY, **facets) -> list[str]:
    """First names of the members found, best first (lexical search, nothing recorded)."""
    result = directory_search(
        viewer=viewer,
        query=DirectoryQuery(text=text, semantic=False, **facets),
        today=today,
        record_exposure=False,
    )
    return [hit.member.first_name for hit in result.hits]


def node(code: str, label: str, kind: str, parent: Node | None = None, *aliases: str, **kw):
    created = services.node_create(
        actor=None, code=code, label=label, kind=kind, parent=parent, **kw
    )
    for alias in aliases:
        services.alias_add(actor=None, node=created, label=alias)
    return created


@pytest.fixture
def tree(db) -> dict[str, Node]:
    """A small nomenclature: beauty (hairdressing), digital (web development), building
    (electricity), management (accounting), and a ROME occupation."""
    nodes: dict[str, Node] = {}
    nodes["beaute"] = node("BEA", "Beauté et bien-être", "domain")
    nodes["coiffure"] = node(
        "COIF",
        "Coiffeur / coiffeuse",
        "trade",
        nodes["beaute"],
        "coiffeur",
        "coiffeuse",
        rome_codes=["D1202"],
    )
    nodes["coloration"] = node("COLVEG", "Coloration végétale", "skill", nodes["coiffure"])
    nodes["coupe"] = node("COUPE", "Coupe femme", "skill", nodes["coiffure"])
    nodes["num"] = node("NUM", "Numérique", "domain")
    nodes["dev"] = node("DEVWEB", "Développeur web", "trade", nodes["num"], "programmeur")
    nodes["site"] = node("SITE", "Création de site internet", "skill", nodes["dev"])
    nodes["bat"] = node("BAT", "Bâtiment", "domain")
    nodes["elec"] = node("ELEC", "Installation électrique", "trade", nodes["bat"])
    nodes["gestion"] = node("GES", "Gestion", "domain")
    nodes["compta"] = node("COMPTA", "Comptabilité", "trade", nodes["gestion"], "compta")
    nodes["rome"] = node("D1202", "Coiffure", "trade", None, source="rome")
    nodes["accueil"] = node("RS-ACC", "Accueillir une clientèle", "skill", None, source="rome")
    nodes["rome"].related_skills.add(nodes["accueil"])
    return nodes


def member(first_name: str, *, skills=(), presentation="", zones=(), activity=None, **profile):
    """A member made the way the application makes them: through the services."""
    m = MemberFactory(first_name=first_name, last_name="Test")
    for skill_node, level in skills:
        services.skill_set(actor=None, member=m, node=skill_node, level=level)
    services.profile_update(
        actor=None, member=m, presentation=presentation, zones=list(zones), **profile
    )
    if activity:
        ActivityFactory(member=m, name=activity, description="", sector=SectorFactory())
    return m


# ---------------------------------------------------------------- French words


def test_case_and_accents_do_not_matter(tree):
    member("Lina", presentation="Électricienne du bâtiment.")
    member("Marc", presentation="Plombier.")
    for text in ["électricienne", "ELECTRICIENNE", "Electricienne", "électricienne"]:
        assert search(text) == ["Lina"], text


def test_words_are_stemmed(tree):
    member("Lina", presentation="Je donne des formations aux salariés.")
    member("Marc", presentation="Formateur indépendant.")
    assert search("formation") == ["Lina"]
    assert search("salarié") == ["Lina"]


def test_words_the_stemmers_may_disagree_on_are_found_alike(tree):
    # PostgreSQL 15's Snowball keeps « bijoux » and stems « française » to "francais";
    # snowballstemmer 3 gives "bijou" and "franc". Both databases must still answer alike.
    member("Lina", presentation="Créatrice de bijoux, cuisine française.")
    member("Marc", presentation="Plombier.")
    for text in ["bijou", "bijoux", "Bijoux", "française", "francaise", "françaises"]:
        assert search(text) == ["Lina"], text


def test_a_job_title_finds_the_other_gender(tree):
    member("Lina", presentation="Électricienne depuis dix ans.")
    member("Marc", skills=[(tree["dev"], 2)])
    member("Zoé", presentation="Développeuse indépendante.")
    assert search("electricien") == ["Lina"]
    # « développeuse » stems to "developp", « développeur » to "developpeur": the query word
    # also looks for its other gender's form.
    assert sorted(search("développeuse")) == ["Marc", "Zoé"]
    assert sorted(search("développeur")) == ["Marc", "Zoé"]


def test_an_alias_finds_the_members_of_its_node(tree):
    member("Paul", skills=[(tree["compta"], 2)])
    member("Zoé", presentation="Je tiens ma compta moi-même.")
    member("Marc", skills=[(tree["coupe"], 2)])
    assert search("compta") == ["Paul", "Zoé"]  # the skill weighs more than the word
    assert search("comptabilité") == ["Paul"]


def test_a_node_named_in_the_query_finds_its_subtree(tree):
    member("Léa", skills=[(tree["coloration"], 3)])
    member("Inès", skills=[(tree["coupe"], 2)])
    member("Marc", skills=[(tree["site"], 2)])
    assert search("coiffeuse") == ["Léa", "Inès"]  # a level 3 skill before a level 2 one
    assert search("numérique") == ["Marc"]


def test_stop_words_alone_find_nothing_but_browse(tree):
    member("Léa", skills=[(tree["coloration"], 3)])
    result = directory_search(
        viewer=None, query=DirectoryQuery(text="le la les de", semantic=False), today=TODAY
    )
    assert (result.total, [h.member.first_name for h in result.hits]) == (1, ["Léa"])


def test_the_askers_own_context_counts_less(tree):
    member("Léa", skills=[(tree["coupe"], 3)], presentation="Mon salon de coiffure à Montreuil.")
    member("Marc", skills=[(tree["site"], 2)], presentation="Je refais les sites internet.")
    need = "quelqu'un pour refaire le site internet de mon salon de coiffure"
    assert search(need) == ["Marc", "Léa"]
    result = directory_search(viewer=None, query=DirectoryQuery(text=need, semantic=False))
    assert result.suggested_nodes[0].code == "SITE"
    # Without the possessive, every word is the need.
    assert search("coiffure salon site") == ["Léa", "Marc"]


def test_activity_and_portfolio_are_searched(tree):
    lea = member("Léa", activity="Atelier Tournesol")
    marc = member("Marc")
    services.portfolio_item_save(
        actor=None, member=marc, title="Fresque de la médiathèque", description="Peinture murale"
    )
    assert search("tournesol") == ["Léa"]
    assert search("fresque") == ["Marc"]
    assert lea.pk != marc.pk


def test_prices_are_not_searched(tree):
    lea = member("Léa")
    services.price_save(
        actor=None,
        member=lea,
        label="Forfait zorglub",
        amount="35",
        unit="forfait",
        visibility="members",
    )
    assert search("zorglub") == []


def test_weightier_fields_rank_first(tree):
    member("Léa", presentation="J'aime la coloration végétale.")
    member("Inès", skills=[(tree["coloration"], 2)])
    result = directory_search(
        viewer=None,
        query=DirectoryQuery(text="coloration végétale", semantic=False),
        today=TODAY,
        record_exposure=False,
    )
    assert [h.member.first_name for h in result.hits] == ["Inès", "Léa"]
    assert [[s.node.code for s in h.matched_skills] for h in result.hits] == [["COLVEG"], []]
    assert result.hits[0].score > result.hits[1].score > 0
    assert [n.code for n in result.suggested_nodes][:1] == ["COLVEG"]


# ---------------------------------------------------------------- facets


def test_node_facet_keeps_the_subtree(tree):
    member("Léa", skills=[(tree["coloration"], 3)], presentation="Coiffure et site internet")
    member("Marc", skills=[(tree["site"], 2)], presentation="Site internet")
    assert search(node_code="COIF") == ["Léa"]
    assert search("site internet", node_code="NUM") == ["Marc"]
    assert search("site internet", node_code="COLVEG") == ["Léa"]


def test_node_facet_through_rome_codes_and_related_skills(tree):
    member("Léa", skills=[(tree["coupe"], 2)])  # under a trade linked to D1202
    member("Nora", skills=[(tree["accueil"], 2)])  # a skill ROME links to D1202
    member("Marc", skills=[(tree["site"], 2)])
    assert sorted(search(node_code="d1202")) == ["Léa", "Nora"]
    assert search(node_code="COIF") == ["Léa"]


def test_zone_facet(tree):
    member("Léa", skills=[(tree["coupe"], 2)], zones=["93", "75"])
    member("Inès", skills=[(tree["coupe"], 2)], zones=["94"])
    member("Nour", skills=[(tree["coupe"], 2)], zones=["2a"])
    assert search("coiffeur", zone="93") == ["Léa"]
    assert search("coiffeur", zone="2A") == ["Nour"]
    assert search(zone="94") == ["Inès"]


def test_a_departement_in_the_words_favours_its_members(tree):
    member("Léa", skills=[(tree["coupe"], 2)], zones=["75"])
    member("Inès", skills=[(tree["coupe"], 2)], zones=["93"])
    member("Omar", skills=[(tree["site"], 2)], zones=["93"])
    assert search("coiffeur 93") == ["Inès", "Léa", "Omar"]


def test_available_now_facet(tree):
    member("Léa", skills=[(tree["coupe"], 2)], days_per_week=Decimal("2"))
    member(
        "Inès",
        skills=[(tree["coupe"], 2)],
        days_per_week=Decimal("1"),
        available_from=dt.date(2026, 3, 1),
        available_until=dt.date(2026, 3, 2),
    )
    member("Anna", skills=[(tree["coupe"], 2)], days_per_week=Decimal("0"))
    member(
        "Mia",
        skills=[(tree["coupe"], 2)],
        days_per_week=Decimal("3"),
        available_from=dt.date(2026, 3, 3),
    )
    member(
        "Eva",
        skills=[(tree["coupe"], 2)],
        days_per_week=Decimal("3"),
        available_until=dt.date(2026, 3, 1),
    )
    member("Ada", skills=[(tree["coupe"], 2)])  # never said
    assert sorted(search("coiffeur", available_now=True)) == ["Inès", "Léa"]
    assert sorted(search(available_now=True)) == ["Inès", "Léa"]
    assert sorted(search("coiffeur", available_now=True, today=dt.date(2026, 3, 3))) == [
        "Léa",
        "Mia",
    ]


def test_minimum_level(tree):
    member("Léa", skills=[(tree["coloration"], 3), (tree["site"], 1)])
    member("Inès", skills=[(tree["coloration"], 1), (tree["site"], 3)])
    assert search("coloration", min_level=3) == ["Léa"]
    assert search(node_code="SITE", min_level=2) == ["Inès"]
    assert sorted(search("coloration site", min_level=3)) == ["Inès", "Léa"]
    assert sorted(search(min_level=3)) == ["Inès", "Léa"]
    assert search(min_level=2, node_code="COLVEG") == ["Léa"]


def test_bad_facets_are_refused_in_french(tree):
    cases = [
        (dict(node_code="XX9"), {"node_code": ["code de compétence inconnu « XX9 »"]}),
        (
            dict(zone="99"),
            {"zone": ["« 99 » n'est pas un département français (ex. 75, 93, 2A)"]},
        ),
        (
            dict(min_level=4),
            {"min_level": ["niveau 4 inconnu : 1 (débutant), 2 (confirmé) ou 3 (expert)"]},
        ),
        (dict(limit=0), {"limit": ["entre 1 et 500 résultats par page"]}),
    ]
    for facets, expected in cases:
        with pytest.raises(ValidationError) as error:
            directory_search(viewer=None, query=DirectoryQuery(text="x", **facets))
        assert error.value.message_dict == expected


# ---------------------------------------------------------------- who is found


def test_members_who_left_are_not_found(tree):
    lea = member("Léa", skills=[(tree["coupe"], 2)])
    member("Inès", skills=[(tree["coupe"], 2)])
    member_services.stage_add(actor=None, member=lea, kind="cape", start=dt.date(2025, 1, 6))
    member_services.member_exit(
        actor=None, member=lea, date=dt.date(2025, 9, 30), reason="own_company"
    )
    assert search("coiffeur") == ["Inès"]
    assert search() == ["Inès"]


def test_the_index_follows_profile_changes(tree):
    lea = member("Léa", presentation="Couturière à Montreuil.")
    assert search("couturière") == ["Léa"]
    services.profile_update(actor=None, member=lea, presentation="Tapissière d'ameublement.")
    assert (search("couturière"), search("tapissier")) == ([], ["Léa"])
    skill = services.skill_set(actor=None, member=lea, node=tree["site"], level=2)
    assert search("site internet") == ["Léa"]
    services.skill_remove(actor=None, skill=skill)
    assert search("site internet") == []
    member_services.activity_set(actor=None, member=lea, name="Les Fauteuils de Léa", sector=None)
    assert search("fauteuil") == ["Léa"]


def test_the_index_follows_the_nomenclature(tree, django_capture_on_commit_callbacks):
    member("Léa", skills=[(tree["coloration"], 2)])
    assert search("henné") == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.alias_add(actor=None, node=tree["coloration"], label="Henné")
        tree["coiffure"].label = "Coiffure et barbier"
        tree["coiffure"].save()
        # The alias names the node at once; the renamed branch's words reach the documents
        # once the change is committed.
        assert (search("henné"), search("barbier")) == (["Léa"], [])
    assert len(callbacks) == 2  # the first reindexes for both changes
    assert search("henné") == ["Léa"]
    assert search("barbier") == ["Léa"]


# ---------------------------------------------------------------- fair exposure


@pytest.fixture
def twins(tree):
    """Six members with the very same profile: equally relevant to « coiffeur »."""
    return [
        member(name, skills=[(tree["coupe"], 2)], presentation="Coiffeur à domicile.")
        for name in ["Ada", "Bea", "Cyd", "Dan", "Eve", "Fay"]
    ]


def scored(text: str, today: dt.date, viewer=None, **facets) -> list[tuple[str, float]]:
    result = directory_search(
        viewer=viewer,
        query=DirectoryQuery(text=text, semantic=False, **facets),
        today=today,
        record_exposure=False,
    )
    return [(h.member.first_name, h.score) for h in result.hits]


def test_ties_keep_their_order_all_day(twins):
    first = scored("coiffeur", TODAY)
    assert len({score for _name, score in first}) == 1
    assert scored("coiffeur", TODAY) == first
    assert scored("COIFFEUR", TODAY) == first  # the same query, written otherwise


def test_ties_rotate_from_day_to_day(twins):
    days = [TODAY + dt.timedelta(days=n) for n in range(60)]
    orders = [tuple(name for name, _score in scored("coiffeur", day)) for day in days]
    assert {order[0] for order in orders} == {"Ada", "Bea", "Cyd", "Dan", "Eve", "Fay"}
    assert len(set(orders)) > 50
    assert {tuple(sorted(order)) for order in orders} == {
        ("Ada", "Bea", "Cyd", "Dan", "Eve", "Fay")
    }


def test_ties_rotate_from_query_to_query(twins):
    by_query = {
        tuple(name for name, _score in scored(text, TODAY))
        for text in ["coiffeur", "coiffeuse", "coiffeur domicile", "domicile", "coupe"]
    }
    assert len(by_query) > 1


def test_browsing_rotates_too_and_pages_do_not_overlap(twins):
    pages = [scored("", TODAY, node_code="COIF", limit=2, offset=offset) for offset in (0, 2, 4)]
    names = [name for page in pages for name, _score in page]
    assert sorted(names) == ["Ada", "Bea", "Cyd", "Dan", "Eve", "Fay"]
    assert names == [name for name, _score in scored("", TODAY, node_code="COIF")]
    other_days = {
        tuple(n for n, _s in scored("", TODAY + dt.timedelta(days=d), node_code="COIF"))
        for d in range(10)
    }
    assert len(other_days) > 1


def test_text_pages_do_not_overlap(twins):
    full = scored("coiffeur", TODAY)
    pages = [
        scored("coiffeur", TODAY, limit=4, offset=0),
        scored("coiffeur", TODAY, limit=4, offset=4),
    ]
    assert pages[0] + pages[1] == full


def test_who_searches_does_not_change_the_order(twins, alice, bob, claire, antoine):
    # Alice works in 93 and is followed by Antoine: none of that may favour anyone.
    services.profile_update(actor=None, member=twins[3], zones=["93"])
    twins[4].advisor = antoine
    twins[4].save()
    services.profile_update(actor=None, member=alice, zones=["93"])
    answers = [
        scored("coiffeur", TODAY, viewer=viewer)
        for viewer in [alice.user, bob.user, claire, antoine, None]
    ]
    assert all(answer == answers[0] for answer in answers)
    assert len(answers[0]) == 6


def test_exposure_counts_each_member_shown(twins, alice):
    query = DirectoryQuery(text="coiffeur", limit=4, semantic=False)
    first = directory_search(viewer=alice.user, query=query, today=TODAY)
    directory_search(viewer=alice.user, query=query, today=TODAY)
    directory_search(viewer=alice.user, query=query, today=TODAY + dt.timedelta(days=1))
    directory_search(viewer=alice.user, query=query, today=TODAY, record_exposure=False)
    directory_search(viewer=None, query=query, today=TODAY)
    shown_today = {h.member.pk for h in first.hits}
    assert dict(
        Exposure.objects.filter(day=TODAY).values_list("member_id", "shown")
    ) == dict.fromkeys(shown_today, 2)
    assert Exposure.objects.filter(day=TODAY + dt.timedelta(days=1)).count() == 4


def test_the_directory_is_for_people_of_the_cooperative(twins):
    with pytest.raises(PermissionDenied):
        directory_search(viewer=AnonymousUser(), query=DirectoryQuery(text="coiffeur"))


def test_semantic_similarity_is_blended_as_a_share_of_the_best_lexical_score():
    # e5's cosines sit in a narrow band: only their order within the candidates counts.
    blended = ranking.blend_semantic({1: 10.0, 2: 8.0}, {1: 0.80, 2: 0.86, 3: 0.85}, floor=0.6)
    assert {pk: round(score, 4) for pk, score in blended.items()} == {
        1: 10.0,  # the least similar gets nothing more
        2: 11.5,  # the most similar: 0.35 × 10
        3: 2.9167,  # found by the model alone, similar enough: 0.35 × 10 × 5/6
    }
    assert ranking.blend_semantic({1: 10.0}, {1: 0.8, 3: 0.81}, floor=0.6) == {1: 10.0, 3: 3.5}
    assert ranking.blend_semantic({1: 10.0}, {}, floor=0.6) == {1: 10.0}


# ---------------------------------------------------------------- cost


def test_a_very_common_word_scores_the_likeliest_first(tree, monkeypatch):
    """Past CAP matching documents, the members holding a named node are scored first, then
    those with the word in their skills or activity; the rest follow, unscored."""
    monkeypatch.setattr("essaim.skills.search.CAP", 3)
    for name in ["Ada", "Bea"]:
        member(name, skills=[(tree["coupe"], 2)])
    member("Cyd", activity="Coiffeur de quartier")
    for name in ["Dan", "Eve", "Fay"]:
        member(name, presentation="Je travaille près d'un coiffeur.")
    result = directory_search(
        viewer=None, query=DirectoryQuery(text="coiffeur", semantic=False), today=TODAY
    )
    hits = [(h.member.first_name, h.score) for h in result.hits]
    assert result.total == 6
    assert sorted(name for name, _score in hits[:2]) == ["Ada", "Bea"]
    assert hits[2][0] == "Cyd" and hits[2][1] > 0
    assert sorted(name for name, _score in hits[3:]) == ["Dan", "Eve", "Fay"]
    assert {score for _name, score in hits[3:]} == {0.0}


def count_queries(**query) -> int:
    with CaptureQueriesContext(connection) as captured:
        directory_search(viewer=None, query=DirectoryQuery(semantic=False, **query), today=TODAY)
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_hits(tree):
    member("Léa", skills=[(tree["coupe"], 2)], zones=["93"], activity="Léa Coiffure")
    counts = [
        count_queries(text="coiffeur 93", zone="93"),
        count_queries(zone="93"),
        count_queries(text="coiffeur", node_code="BEA", min_level=1, available_now=True),
    ]
    for i in range(9):
        m = member(f"M{i}", skills=[(tree["coupe"], 2), (tree["coloration"], 1)], zones=["93"])
        services.portfolio_item_save(actor=None, member=m, title="Coupe", description="")
    assert [
        count_queries(text="coiffeur 93", zone="93"),
        count_queries(zone="93"),
        count_queries(text="coiffeur", node_code="BEA", min_level=1, available_now=True),
    ] == counts
    assert max(counts) <= 10
