"""A member's profile in the directory: who sees it, what it shows, whose prices, images."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from essaim.skills import services
from essaim.skills.models import PortfolioImage
from tests.factories import AdvisorFactory, MemberFactory, UserFactory
from tests.members.pages import (
    card,
    fast_passwords,  # noqa: F401
    login_url,
    plain,
    section,
    text,
)
from tests.skills.directory_data import (  # noqa: F401
    PRICE_LABELS,
    leave,
    lexical_only,
    make_profile,
    media,
    png,
    priced,
    tree,
)

pytestmark = pytest.mark.usefixtures("lexical_only")


def url(member) -> str:
    return reverse("skills:profile", args=[member.pk])


def shown_prices(response) -> list[str]:
    if 'id="h-prices"' not in text(response):
        return []
    table = section(response, '<h2 id="h-prices"', "</section>")
    return [plain(row) for row in re.findall(r"<tr><td>(.*?)</tr>", table, re.S)]


# --- who sees a profile -----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, priced):
    response = client.get(url(priced))

    assert (response.status_code, response.url) == (302, login_url(url(priced)))


@pytest.mark.parametrize("persona", ["bob", "antoine", "berenice", "claire"])
def test_every_person_of_the_cooperative_reads_a_profile(client, request, priced, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    response = client.get(url(priced))

    assert response.status_code == 200
    assert plain(section(response, "<h1>", "</h1>")) == "Alice Martin"


def test_a_member_who_left_is_not_found(client, priced, bob):
    leave(priced)
    client.force_login(bob.user)

    assert client.get(url(priced)).status_code == 404


def test_an_unknown_member_is_not_found(client, bob):
    client.force_login(bob.user)

    assert client.get(reverse("skills:profile", args=[999999])).status_code == 404


# --- what it shows ------------------------------------------------------------------------------


def test_the_profile_shows_presentation_skills_by_domain_and_practical_facts(client, priced, bob):
    client.force_login(bob.user)

    response = client.get(url(priced))

    assert plain(section(response, '<p class="lead">', "</p>")) == "Les Ciseaux Verts"
    assert card(response, "h-presentation") == (
        "Présentation Coiffeuse à domicile, coloration végétale au henné."
    )
    assert card(response, "h-practical") == (
        "Disponibilité et zones Disponibilité 2,5 j par semaine Départements 75, 93 "
        "À distance non Langues — Contact alice@example.org"
    )
    assert card(response, "h-skills") == (
        "Compétences Coiffure et esthétique "
        "Coloration végétale Expert·e 5 ans de pratique "
        "Coupe à domicile Confirmé·e 5 ans de pratique "
        "Compétences sociales et transversales "
        "Animer un atelier Confirmé·e 5 ans de pratique"
    )


def test_a_member_without_profile_shows_empty_sections(client, bob, alice):
    client.force_login(bob.user)

    response = client.get(url(alice))

    assert card(response, "h-presentation") == "Présentation Pas encore de présentation."
    assert card(response, "h-skills") == "Compétences Aucune compétence de métier déclarée."
    assert card(response, "h-portfolio") == "Réalisations Aucune réalisation présentée."
    assert card(response, "h-prices") == "Tarifs Aucun tarif visible."


# --- prices: the member decides who sees each ---------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("owner", ["me", "advisor", "members"]),
        ("antoine", ["advisor", "members"]),  # Alice's advisor
        ("berenice", ["members"]),  # another advisor
        ("bob", ["members"]),  # another entrepreneur
        ("claire", ["members"]),  # staff: the member did not show it to them
    ],
)
def test_prices_follow_the_members_choice(client, request, priced, persona, visible):
    user = priced.user if persona == "owner" else request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    response = client.get(url(priced))

    amounts = {"me": "111,00", "advisor": "222,00", "members": "35,00"}
    expected = sorted(f"{PRICE_LABELS[v]} {amounts[v]} € la prestation" for v in visible)
    shown = sorted(
        re.sub(r" (Moi seul·e|Mon accompagnement|Tous les membres)$", "", p)
        for p in shown_prices(response)
    )
    assert shown == expected
    body = text(response)
    for hidden in {"me", "advisor", "members"} - set(visible):
        assert PRICE_LABELS[hidden] not in body
        assert amounts[hidden] not in body


def test_a_former_advisor_no_longer_sees_the_advisor_prices(client, priced, antoine, berenice):
    from essaim.members import services as member_services
    from tests.members.pages import today

    member_services.advisor_assign(actor=None, member=priced, advisor=berenice, start=today())
    client.force_login(antoine)

    response = client.get(url(priced))

    assert "Tarif conseil" not in text(response)
    client.force_login(berenice)
    assert "Tarif conseil" in text(client.get(url(priced)))


# --- the introduction button ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "shown"), [("antoine", True), ("claire", True), ("bob", False), ("owner", False)]
)
def test_advisors_and_staff_have_an_introduction_button(client, request, priced, persona, shown):
    user = priced.user if persona == "owner" else request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    response = client.get(url(priced))

    link = f'href="{reverse("skills:introduction_create", args=[priced.pk])}"'
    assert (link in text(response)) is shown


# --- portfolio and its images -----------------------------------------------------------------


@pytest.fixture
def wedding(priced, media):
    item = services.portfolio_item_save(
        actor=None,
        member=priced,
        title="Mariage Durand",
        description="Chignons et couleurs végétales.",
        year=2024,
        client_kind="individual",
        link="https://exemple.fr/mariage",
    )
    image = services.portfolio_image_add(actor=None, item=item, image=png(), alt="Chignon tressé")
    return image


def test_the_portfolio_shows_realisations_and_their_images(client, wedding, bob):
    client.force_login(bob.user)

    response = client.get(url(wedding.item.member))

    assert card(response, "h-portfolio") == (
        "Réalisations Mariage Durand 2024 · Particulier Chignons et couleurs végétales. "
        "https://exemple.fr/mariage"
    )
    image_url = reverse("skills:portfolio_image", args=[wedding.pk])
    assert f'<img src="{image_url}" alt="Chignon tressé" loading="lazy">' in text(response)


def test_the_profile_runs_no_query_per_realisation_or_image(client, wedding, bob):
    from tests.members.pages import queries_to_render

    client.force_login(bob.user)
    one = queries_to_render(client, url(wedding.item.member))
    for n in range(2):
        item = services.portfolio_item_save(actor=None, member=wedding.item.member, title=f"R{n}")
        services.portfolio_image_add(actor=None, item=item, image=png(), alt=f"Image {n}")

    assert queries_to_render(client, url(wedding.item.member)) == one


IMAGE_READERS = ["owner", "bob", "antoine", "berenice", "claire"]


@pytest.mark.parametrize("persona", IMAGE_READERS)
def test_images_are_served_to_the_people_of_the_cooperative(client, request, wedding, persona):
    owner = wedding.item.member
    user = owner.user if persona == "owner" else request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    response = client.get(reverse("skills:portfolio_image", args=[wedding.pk]))

    assert response.status_code == 200
    assert (response["Content-Type"], response["Cache-Control"]) == (
        "image/png",
        "private, max-age=3600",
    )
    assert b"".join(response.streaming_content) == png().read()


def test_images_are_not_public(client, wedding):
    image_url = reverse("skills:portfolio_image", args=[wedding.pk])

    response = client.get(image_url)

    assert (response.status_code, response.url) == (302, login_url(image_url))


def test_an_inactive_account_gets_no_image(client, wedding):
    former = UserFactory(email="ancienne@example.org", is_active=False)
    client.force_login(former)

    response = client.get(reverse("skills:portfolio_image", args=[wedding.pk]))

    assert response.status_code in (302, 403)
    assert not hasattr(response, "streaming_content")


def test_the_images_of_a_member_who_left_are_hidden_from_others_not_from_them(client, wedding, bob):
    owner = leave(wedding.item.member)
    image_url = reverse("skills:portfolio_image", args=[wedding.pk])

    client.force_login(bob.user)
    others = client.get(image_url)
    client.force_login(owner.user)
    own = client.get(image_url)

    assert (others.status_code, own.status_code) == (404, 200)
    assert b"".join(own.streaming_content) == png().read()


def test_an_unknown_image_or_a_lost_file_is_not_found(client, wedding, bob, media):
    client.force_login(bob.user)
    (media / wedding.image.name).unlink()

    lost = client.get(reverse("skills:portfolio_image", args=[wedding.pk]))
    unknown = client.get(reverse("skills:portfolio_image", args=[999999]))

    assert (lost.status_code, unknown.status_code) == (404, 404)
    assert PortfolioImage.objects.filter(pk=wedding.pk).exists()


def test_a_new_advisor_without_members_still_reads_profiles(client, priced):
    client.force_login(AdvisorFactory(email="nouvelle@coop.example"))

    assert client.get(url(priced)).status_code == 200


def test_an_exited_members_profile_stays_readable_by_nobody_but_the_directory_shows_others(
    client, priced, bob, tree
):
    other = MemberFactory(first_name="Zoé", last_name="Active")
    make_profile(other, skills=[(tree.cut, 1)])
    leave(priced)
    client.force_login(bob.user)

    assert (client.get(url(priced)).status_code, client.get(url(other)).status_code) == (
        404,
        200,
    )
