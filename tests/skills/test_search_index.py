"""The search index: French words, the documents it stores, and its upkeep.

On PostgreSQL, a test checks word by word that our normaliser and the text search
configuration `essaim_fr` (unaccent + French Snowball) agree: that is what makes the two
databases give the same answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from essaim.members.models import Member
from essaim.skills import french, ranking, search_index, services
from essaim.skills.models import Alias, Node
from essaim.skills.search import parse_query
from tests.factories import ActivityFactory, MemberFactory, SectorFactory
from tests.skills import relevance_set

# ---------------------------------------------------------------- French words


def test_fold_removes_case_accents_and_ligatures():
    assert [
        french.fold(w) for w in ["Électricienne", "Œuvre", "cœur", "Æther", "straße", "Łódź"]
    ] == [
        "electricienne",
        "oeuvre",
        "coeur",
        "aether",
        "strasse",
        "lodz",
    ]


def test_words_cut_at_anything_but_letters_and_digits():
    assert french.words("L'électricité, c'est 2A-2B ; porte-clés & www.salon-coiffure.fr") == [
        "L",
        "électricité",
        "c",
        "est",
        "2A",
        "2B",
        "porte",
        "clés",
        "www",
        "salon",
        "coiffure",
        "fr",
    ]
    # Decomposed accents (as macOS writes them) are the same letters.
    assert french.words("e\u0301lectricite\u0301") == ["électricité"]


def test_normalise_stems_and_drops_stop_words():
    assert french.normalise("Les développeurs et la développeuse d'applications") == [
        "developpeur",
        "developp",
        "appliqu",
    ]
    assert french.normalise("Électricienne, électriciens") == ["electricien", "electricien"]
    assert french.normalise("93 2A mp3") == ["93", "2a", "mp3"]


def test_query_words_stand_for_their_plural_gender_and_action():
    assert {
        w: french.query_variants(w) for w in ["photos", "mediatrice", "traducteurs", "web"]
    } == {
        "photos": ["photo"],
        "mediatrice": ["mediatrices", "mediateur", "mediation"],
        "traducteurs": ["traducteur", "traductrice", "traducteuse", "traduction"],
        "web": [],
    }


def test_gender_variants_of_job_titles():
    assert {
        w: french.gender_variants(w)
        for w in [
            "developpeuse",
            "formatrice",
            "electricienne",
            "jardiniere",
            "boulangere",
            "coiffeurs",
            "formateur",
            "jardinier",
            "web",
        ]
    } == {
        "developpeuse": ["developpeur"],
        "formatrice": ["formateur"],
        "electricienne": ["electricien"],
        "jardiniere": ["jardinier"],
        "boulangere": ["boulanger"],
        "coiffeurs": ["coiffeuse"],
        "formateur": ["formatrice", "formateuse"],
        "jardinier": ["jardiniere"],
        "web": [],
    }


def test_a_query_keeps_its_words_and_their_forms():
    parsed = parse_query("Je cherche une développeuse pour mon site")
    assert [(w.raw, sorted(w.stems), w.forms) for w in parsed.words] == [
        (
            "développeuse",
            ["developp", "developpeur"],
            ("développeuse", "developpeuses", "developpeur"),
        ),
        ("site", ["sit"], ("site", "sites")),
    ]


# ---------------------------------------------------------------- documents


@pytest.fixture
def coiffure(db):
    domain = services.node_create(actor=None, code="BEA", label="Beauté", kind="domain")
    trade = services.node_create(
        actor=None, code="COIF", label="Coiffeur", kind="trade", parent=domain
    )
    services.alias_add(actor=None, node=trade, label="Coiffeuse")
    skill = services.node_create(
        actor=None, code="COLVEG", label="Coloration végétale", kind="skill", parent=trade
    )
    services.alias_add(actor=None, node=skill, label="Henné")
    return {"domain": domain, "trade": trade, "skill": skill}


def test_a_document_holds_every_field(coiffure):
    lea = MemberFactory(first_name="Léa")
    ActivityFactory(
        member=lea,
        name="L'Atelier de Léa",
        description="Coupes à domicile.",
        sector=SectorFactory(code="coiffure-test", label="Coiffure"),
    )
    services.skill_set(actor=None, member=lea, node=coiffure["skill"], level=3)
    services.skill_set(actor=None, member=lea, node=coiffure["trade"], level=1)
    services.profile_update(
        actor=None,
        member=lea,
        presentation="Couleurs naturelles.",
        zones=["93", "2a"],
        remote=True,
    )
    services.portfolio_item_save(
        actor=None, member=lea, title="Mariage à Vincennes", description="Chignons."
    )
    assert search_index.stored_document(lea.pk) == {
        # the skill's label once per level, its alias, then the trade (level 1) and its
        # alias; the domain above them once
        "skills": "color vegetal color vegetal color vegetal hen coiffeur coiffeux beaut",
        "activity": "ateli le coup domicil coiffur",
        "portfolio": "mariag vincen chignon",
        "presentation": "couleur naturel",
        "zones": "2a zone2a 93 zone93 teletravail distanc",
    }


def test_the_database_counts_stems_as_python_does(coiffure):
    """The scores are computed from counts the database makes: they must be Python's."""
    lea, ines = MemberFactory(), MemberFactory()
    services.skill_set(actor=None, member=lea, node=coiffure["skill"], level=3)
    services.profile_update(
        actor=None, member=lea, presentation="Coloration, coloration, colorations !", zones=["93"]
    )
    services.profile_update(actor=None, member=ines, presentation="Henné et couleurs.")
    groups = [("color",), ("hen", "couleur"), ("93", "zone93"), ("absent",)]
    counted = search_index.fetch_counts([lea.pk, ines.pk], groups)
    stored = search_index.fetch_documents([lea.pk, ines.pk])
    assert counted == {pk: ranking.field_counts(fields, groups) for pk, fields in stored.items()}
    assert counted[lea.pk][1][:5] == (3, 0, 0, 3, 0)  # « color » thrice in skills and text


def test_members_who_left_have_no_document(coiffure):
    lea = MemberFactory()
    assert search_index.stored_document(lea.pk) is not None
    Member.objects.filter(pk=lea.pk).update(exit_date=dt.date(2026, 1, 31), exit_reason="other")
    search_index.reindex_members([lea.pk])
    assert search_index.stored_document(lea.pk) is None


def test_a_deleted_member_leaves_the_index(coiffure):
    lea = MemberFactory()
    pk = lea.pk
    lea.delete()
    assert search_index.stored_document(pk) is None


def test_reindex_all_and_ensure_index(coiffure):
    members = [MemberFactory() for _ in range(3)]
    Member.objects.bulk_create(
        [
            Member(first_name="Bulk", last_name=str(i), email=f"bulk{i}@example.org")
            for i in range(2)
        ]
    )  # bulk writes send no signal: not indexed yet
    assert search_index.document_count() == 3
    assert search_index.ensure_index() == 5
    assert search_index.ensure_index() is None  # one document per present member: left alone
    assert search_index.reindex_all() == 5
    assert search_index.stored_document(members[0].pk) == {
        "skills": "",
        "activity": "",
        "portfolio": "",
        "presentation": "",
        "zones": "",
    }


def test_a_deferred_reindex_waits_for_the_end(coiffure):
    lea = MemberFactory()
    with search_index.deferred_reindex():
        services.profile_update(actor=None, member=lea, presentation="Chignons.")
        services.skill_set(actor=None, member=lea, node=coiffure["skill"], level=2)
        assert search_index.stored_document(lea.pk)["presentation"] == ""  # not yet
    assert search_index.stored_document(lea.pk)["presentation"] == "chignon"
    assert search_index.deferred_ids() is None


def test_reindex_nodes_follows_a_renamed_branch(coiffure):
    lea = MemberFactory()
    services.skill_set(actor=None, member=lea, node=coiffure["skill"], level=1)
    Node.objects.filter(pk=coiffure["domain"].pk).update(label="Soins et beauté")
    assert "soin" not in search_index.stored_document(lea.pk)["skills"]
    assert search_index.reindex_nodes([coiffure["domain"].pk]) == 1
    assert search_index.stored_document(lea.pk)["skills"].endswith("soin beaut")


# ---------------------------------------------------------------- PostgreSQL agrees


def vocabulary() -> list[str]:
    """Every word of the built-in nomenclature and of the relevance set, words with ligatures
    and accents of other languages, numbers and codes."""
    texts = list(Node.objects.values_list("label", flat=True))
    texts += list(Alias.objects.values_list("label", flat=True))
    texts += list(relevance_set.SKILL_PHRASES.values())
    texts += [d for d, _s in relevance_set.TRADES.values()]
    texts += [m.presentation + " " + m.enseigne for m in relevance_set.MEMBERS]
    texts += [t + " " + d for m in relevance_set.MEMBERS for t, d in m.portfolio]
    texts += [q.text for q in relevance_set.QUERIES]
    texts.append(
        "Œuvre cœur Æsthétique Straße Łódź Ærø Ça Garçon Noël Zoë naïve Müller Ñandú "
        "São Paulo Dvořák façade Hôtel-Dieu 2ème 1er 3D mp3 2A 971 zone93 75011 "
        "développements applications électriciennes jardinières formatrices coiffeuses "
        "comptabilités télétravail quelqu'un aujourd'hui l'été c'était qu'il"
    )
    found: dict[str, None] = {}
    for text in texts:
        for word in french.words(text):
            found.setdefault(word, None)
    return list(found)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compare avec PostgreSQL")
@pytest.mark.django_db
def test_postgres_french_configuration_stems_nearly_every_word_as_we_do():
    """`essaim_fr` is French Snowball after unaccent, as our normaliser: on the whole
    vocabulary of the built-in nomenclature and the relevance set they differ on a handful of
    words only, where the two Snowball releases differ (the index holds our stems too, so that
    the answers never differ: see test_search.py)."""
    words = vocabulary()
    assert len(words) > 2000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, ARRAY(SELECT lexeme FROM unnest(to_tsvector('essaim_fr', w))) "
            "FROM unnest(%s::text[]) AS w",
            [words],
        )
        theirs = dict(cursor.fetchall())
    ours = {w: french.normalise_words([w]) for w in words}
    # PostgreSQL keeps some words we drop (our stop list is longer): they never reach it in a
    # query. Every word we keep, it should stem as we do.
    differ = {w: (ours[w], theirs[w]) for w in words if ours[w] and ours[w] != theirs[w]}
    assert len(differ) <= len(words) // 200, differ
    assert not [w for w in words if ours[w] and not theirs[w]]  # no stop word of theirs kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compare avec PostgreSQL")
@pytest.mark.django_db
def test_postgres_configuration_folds_accents_itself():
    assert search_index.pg_has_unaccent()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('essaim_fr', 'Électricienne ÉLECTRICIENNE')::text")
        assert cursor.fetchone()[0] == "'electricien':1,2"
