"""The entrepreneur's profile editor: who may use it, and each form's success and refusals."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essaim.core.models import AuditEntry
from essaim.skills import services
from essaim.skills.models import MemberSkill, PortfolioImage, PortfolioItem, Price, Profile
from tests.factories import UserFactory
from tests.members.pages import (
    ROLE_REFUSED,
    errors,
    fast_passwords,  # noqa: F401
    login_url,
    page_messages,
    plain,
    section,
    text,
    today,
)
from tests.skills.directory_data import lexical_only, media, png, priced, tree  # noqa: F401

pytestmark = pytest.mark.usefixtures("lexical_only")

EDITOR = reverse("skills:my_profile")
PROFILE_EDIT = reverse("skills:profile_edit")
SKILL_ADD = reverse("skills:skill_add")
PRICE_CREATE = reverse("skills:price_create")
ITEM_CREATE = reverse("skills:portfolio_create")


# --- who may edit -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [EDITOR, PROFILE_EDIT, SKILL_ADD, PRICE_CREATE, ITEM_CREATE])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert (response.status_code, response.url) == (302, login_url(url))


@pytest.mark.parametrize("persona", ["claire", "antoine"])
@pytest.mark.parametrize("url", [EDITOR, PROFILE_EDIT, SKILL_ADD, PRICE_CREATE, ITEM_CREATE])
def test_staff_and_advisors_have_no_profile_to_edit(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url)

    assert response.status_code == 403
    assert ROLE_REFUSED in text(response)


def test_an_entrepreneur_account_without_a_member_record_is_refused(client, db):
    client.force_login(UserFactory(email="sans-fiche@example.org"))

    response = client.get(EDITOR)

    assert response.status_code == 403
    assert "Aucune fiche de membre n'est rattachée à votre compte" in text(response)


def test_the_editor_shows_the_members_own_profile(client, priced, tree):
    client.force_login(priced.user)

    response = client.get(EDITOR)

    assert response.status_code == 200
    skills = plain(section(response, '<h2 id="h-skills"', "<h3>"))
    assert skills == (
        "Mes compétences "
        "Coloration végétale t-coif.vegetal Expert·e 5 ans de pratique "
        "Coiffure et esthétique › Coiffeur·se Retirer "
        "Animer un atelier t-soc.atelier Confirmé·e 5 ans de pratique Retirer "
        "Coupe à domicile t-coif.coupe Confirmé·e 5 ans de pratique "
        "Coiffure et esthétique › Coiffeur·se Retirer"
    )
    prices = plain(section(response, '<h2 id="h-prices"', "</table>"))
    assert "Tarif secret 111,00 € la prestation Moi seul·e" in prices
    assert "Tarif conseil 222,00 € la prestation Mon accompagnement" in prices
    assert "Coupe à domicile 35,00 € la prestation Tous les membres" in prices


# --- presentation, zones, availability -------------------------------------------------------


def test_profile_edit_saves_and_is_audited(client, alice):
    client.force_login(alice.user)

    response = client.post(
        PROFILE_EDIT,
        {
            "presentation": "Couturière.",
            "zones": "93, 75 ; 2a",
            "remote": "on",
            "languages": "fr, EN",
            "days_per_week": "2,5",
            "available_from": "2026-01-05",
            "available_until": "",
        },
    )

    assert (response.status_code, response.url) == (302, EDITOR)
    profile = Profile.objects.get(member=alice)
    assert (
        profile.presentation,
        profile.zones,
        profile.remote,
        profile.languages,
        profile.days_per_week,
        profile.available_from,
        profile.available_until,
    ) == (
        "Couturière.",
        ["2A", "75", "93"],
        True,
        ["fr", "en"],
        Decimal("2.5"),
        dt.date(2026, 1, 5),
        None,
    )
    assert (
        AuditEntry.objects.filter(action="profile.updated", subject_id=str(alice.pk)).count() == 1
    )
    assert page_messages(client.get(EDITOR)) == ["Votre profil est à jour."]


def test_the_form_shows_the_current_values(client, priced):
    client.force_login(priced.user)

    body = text(client.get(PROFILE_EDIT))

    assert 'name="zones" value="75, 93"' in body
    assert 'name="days_per_week" value="2,5"' in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("zones", "93, 99", "« 99 » n'est pas un département français (ex. 75, 93, 2A, 974)."),
        ("zones", "Paris", "« Paris » n'est pas un département français (ex. 75, 93, 2A, 974)."),
        (
            "languages",
            "fr, klingon",
            "« klingon » n'est pas un code de langue connu (ex. fr, en, ar).",
        ),
        (
            "available_until",
            "2025-12-31",
            "La fin de disponibilité précède son début : corrigez-la.",
        ),
        ("days_per_week", "8", "Assurez-vous que cette valeur est inférieure ou égale à 7."),
    ],
)
def test_bad_profile_input_is_explained_and_nothing_is_written(
    client, alice, field, value, message
):
    client.force_login(alice.user)
    data = {"presentation": "Nouvelle", "zones": "93", "available_from": "2026-01-05"}

    response = client.post(PROFILE_EDIT, {**data, field: value})

    assert response.status_code == 200
    assert errors(response) == [message]
    assert not Profile.objects.filter(member=alice).exists()


# --- skills -------------------------------------------------------------------------------------


def skills_of(member) -> list[tuple[str, int, int | None]]:
    return list(
        MemberSkill.objects.filter(member=member)
        .order_by("node__code")
        .values_list("node__code", "level", "years")
    )


@pytest.mark.parametrize(
    "data",
    [
        {"skill": "t-coif.vegetal"},  # a code typed
        {"skill": "coloration VEGETALE (test)"},  # the exact label, case and accents aside
        {"skill": "colo", "choice": "t-coif.vegetal"},  # a suggestion picked
    ],
)
def test_a_skill_is_added_by_code_label_or_suggestion(client, alice, tree, data):
    # A label of its own: the built-in nomenclature has a "Coloration végétale" too.
    tree.vegetal.label, tree.vegetal.search_label = (
        "Coloration végétale (test)",
        "coloration vegetale (test)",
    )
    tree.vegetal.save()
    client.force_login(alice.user)

    response = client.post(SKILL_ADD, {**data, "level": "3", "years": "4"})

    assert (response.status_code, response.url) == (302, EDITOR)
    assert skills_of(alice) == [("t-coif.vegetal", 3, 4)]
    assert AuditEntry.objects.filter(action="skill.added").count() == 1


def test_a_rome_code_is_accepted_in_lower_case(client, alice, tree):
    rome = services.node_create(
        actor=None, code="D1202", label="Coiffure", kind="trade", source="rome"
    )
    client.force_login(alice.user)

    client.post(SKILL_ADD, {"skill": "d1202", "level": "2"})

    assert skills_of(alice) == [(rome.code, 2, None)]


def test_adding_a_skill_again_changes_its_level(client, priced, tree):
    client.force_login(priced.user)

    client.post(SKILL_ADD, {"skill": "t-coif.coupe", "level": "3", "years": "9"})

    assert ("t-coif.coupe", 3, 9) in skills_of(priced)


@pytest.mark.parametrize(
    ("data", "field_errors"),
    [
        (
            {"skill": "XX9999", "level": "2"},
            [
                "« XX9999 » n'est ni un code ni un nom de compétence connu : choisissez parmi "
                "les suggestions."
            ],
        ),
        (
            {"skill": "", "choice": "t-nope", "level": "2"},
            ["Code de compétence inconnu « t-nope »."],
        ),
        (
            {"skill": "t-coif.vegetal", "level": "4"},
            ["Niveau « 4 » inconnu : choisissez 1 (débutant·e), 2 (confirmé·e) ou 3 (expert·e)."],
        ),
        ({"skill": "", "level": "2"}, ["Choisissez une compétence."]),
        (
            {"skill": "t-coif.vegetal", "level": "2", "years": "-1"},
            ["Assurez-vous que cette valeur est supérieure ou égale à 0."],
        ),
    ],
)
def test_bad_skill_input_is_explained_and_nothing_is_written(
    client, alice, tree, data, field_errors
):
    client.force_login(alice.user)

    response = client.post(SKILL_ADD, data)

    assert response.status_code == 200
    assert errors(response) == field_errors
    assert skills_of(alice) == []


def test_an_ambiguous_label_asks_for_the_code(client, alice, tree):
    services.node_create(actor=None, code="t-vannerie-1", label="Vannerie sauvage", kind="skill")
    services.node_create(actor=None, code="t-vannerie-2", label="Vannerie Sauvage", kind="skill")
    client.force_login(alice.user)

    response = client.post(SKILL_ADD, {"skill": "vannerie sauvage", "level": "2"})

    assert errors(response) == [
        "« vannerie sauvage » désigne plusieurs compétences : précisez parmi "
        "Vannerie sauvage (t-vannerie-1), Vannerie Sauvage (t-vannerie-2)."
    ]
    assert skills_of(alice) == []


def test_an_obsolete_node_is_refused_by_the_service(client, alice, tree):
    tree.cut.obsolete = True
    tree.cut.save()
    client.force_login(alice.user)

    response = client.post(SKILL_ADD, {"skill": "", "choice": "t-coif.coupe", "level": "2"})

    assert errors(response) == [
        "Coupe à domicile (t-coif.coupe) est obsolète : choisissez un autre nœud"
    ]
    assert skills_of(alice) == []


def test_a_skill_is_removed(client, priced, tree):
    skill = MemberSkill.objects.get(member=priced, node=tree.cut)
    client.force_login(priced.user)

    response = client.post(reverse("skills:skill_remove", args=[skill.pk]))

    assert (response.status_code, response.url) == (302, EDITOR)
    assert ("t-coif.coupe", 2, 5) not in skills_of(priced)
    assert page_messages(client.get(EDITOR)) == ["Compétence « Coupe à domicile » retirée."]


def test_nobody_removes_another_members_skill(client, priced, bob, tree):
    skill = MemberSkill.objects.get(member=priced, node=tree.cut)
    client.force_login(bob.user)

    response = client.post(reverse("skills:skill_remove", args=[skill.pk]))

    assert response.status_code == 404
    assert MemberSkill.objects.filter(pk=skill.pk).exists()


def test_removing_takes_a_post(client, priced, tree):
    skill = MemberSkill.objects.get(member=priced, node=tree.cut)
    client.force_login(priced.user)

    assert client.get(reverse("skills:skill_remove", args=[skill.pk])).status_code == 405


def test_the_skill_autocomplete_shows_code_and_path(client, alice, tree):
    client.force_login(alice.user)

    response = client.get(reverse("skills:skill_suggestions"), {"skill": "coiffeuse"})

    labels = [plain(m) for m in text(response).split('<div class="suggestion">')[1:]]
    # The test's own nodes (codes "t-…"), whatever the built-in nomenclature adds.
    assert [label for label in labels if " t-" in label] == [
        "Coiffeur·se t-coif.coiffeur — Coiffure et esthétique"
    ]
    choice = f'name="choice" id="choice-{tree.hairdresser.pk}" value="t-coif.coiffeur"'
    assert choice in text(response)


def test_the_autocomplete_finds_words_anywhere_and_codes(client, alice, tree):
    client.force_login(alice.user)
    url = reverse("skills:skill_suggestions")

    by_word = client.get(url, {"skill": "vegetale"})
    by_code = client.get(url, {"skill": "t-num.web"})
    nothing = client.get(url, {"skill": "zzz"})

    assert 'value="t-coif.vegetal"' in text(by_word)
    assert 'value="t-num.web"' in text(by_code)
    assert (
        plain(text(nothing)) == "Aucune compétence ne correspond à « zzz » : essayez un autre mot."
    )


# --- portfolio ----------------------------------------------------------------------------------


ITEM = {
    "title": "Mariage Durand",
    "description": "Chignons et colorations pour 8 personnes.",
    "year": "2024",
    "client_kind": "individual",
    "link": "https://exemple.fr/mariage",
}


def test_a_realisation_is_added_edited_and_deleted(client, alice, media):
    client.force_login(alice.user)

    created = client.post(ITEM_CREATE, ITEM)
    item = PortfolioItem.objects.get(member=alice)
    edited = client.post(reverse("skills:portfolio_edit", args=[item.pk]), {**ITEM, "year": "2023"})
    item.refresh_from_db()
    year_after_edit = item.year
    deleted = client.post(reverse("skills:portfolio_delete", args=[item.pk]))

    assert [r.status_code for r in (created, edited, deleted)] == [302, 302, 302]
    assert year_after_edit == 2023
    assert not PortfolioItem.objects.filter(member=alice).exists()
    assert list(
        AuditEntry.objects.filter(subject_id=str(alice.pk), action__startswith="portfolio")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["portfolio.added", "portfolio.updated", "portfolio.deleted"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"year": "3000"}, "Assurez-vous que cette valeur est inférieure ou égale à 2100."),
        (
            {"year": "2099"},
            f"L'année 2099 n'est pas possible : entre 1950 et {today().year}.",
        ),
        (
            {"link": "exemple point fr"},
            "« exemple point fr » n'est pas une adresse web : écrivez-la en entier, par exemple "
            "https://exemple.fr.",
        ),
    ],
)
def test_bad_realisation_input_is_explained(client, alice, change, message):
    client.force_login(alice.user)

    response = client.post(ITEM_CREATE, {**ITEM, **change})

    assert response.status_code == 200
    assert errors(response) == [message]
    assert not PortfolioItem.objects.exists()


def test_nobody_edits_another_members_realisation(client, alice, bob):
    item = services.portfolio_item_save(actor=None, member=alice, title="À moi")
    client.force_login(bob.user)

    edit = client.post(reverse("skills:portfolio_edit", args=[item.pk]), ITEM)
    delete = client.post(reverse("skills:portfolio_delete", args=[item.pk]))

    assert (edit.status_code, delete.status_code) == (404, 404)
    item.refresh_from_db()
    assert item.title == "À moi"


def test_an_image_is_uploaded_served_to_its_owner_and_deleted(
    client, alice, media, django_capture_on_commit_callbacks
):
    item = services.portfolio_item_save(actor=None, member=alice, title="Mariage")
    client.force_login(alice.user)

    uploaded = client.post(
        reverse("skills:portfolio_image_add", args=[item.pk]),
        {"image": png(), "alt": "Chignon tressé"},
    )
    image = PortfolioImage.objects.get(item=item)
    stored = media / image.image.name
    served = client.get(reverse("skills:portfolio_image", args=[image.pk]))
    served_bytes = b"".join(served.streaming_content)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(reverse("skills:portfolio_image_delete", args=[image.pk]))

    assert (uploaded.status_code, uploaded.url) == (302, EDITOR + "#portfolio")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served_bytes == png().read()
    assert deleted.status_code == 302
    assert not PortfolioImage.objects.exists()
    assert not stored.exists()  # the file went with the row


@pytest.mark.parametrize(
    ("upload", "alt", "message"),
    [
        (
            SimpleUploadedFile("faux.png", b"ceci n'est pas une image", content_type="image/png"),
            "Une photo",
            "Ce fichier n'est pas une image lisible : envoyez une photo JPEG, PNG, GIF ou WebP.",
        ),
        (None, "Une photo", "Ce champ est obligatoire."),
        ("png", "", "Ce champ est obligatoire."),
    ],
)
def test_bad_images_are_refused_and_nothing_is_stored(client, alice, media, upload, alt, message):
    item = services.portfolio_item_save(actor=None, member=alice, title="Mariage")
    client.force_login(alice.user)
    data = {"alt": alt}
    if upload == "png":
        data["image"] = png()
    elif upload is not None:
        data["image"] = upload

    response = client.post(reverse("skills:portfolio_image_add", args=[item.pk]), data)

    assert response.status_code == 200
    assert errors(response) == [message]
    assert not PortfolioImage.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_an_image_over_5_mb_is_refused(client, alice, media, monkeypatch):
    monkeypatch.setattr(services, "PORTFOLIO_IMAGE_MAX_BYTES", 50)
    item = services.portfolio_item_save(actor=None, member=alice, title="Mariage")
    client.force_login(alice.user)
    big = png(width=200, height=200)

    response = client.post(
        reverse("skills:portfolio_image_add", args=[item.pk]), {"image": big, "alt": "Grande"}
    )

    assert response.status_code == 200
    assert len(errors(response)) == 1 and errors(response)[0].endswith("Mo : 5 Mo au plus.")
    assert not PortfolioImage.objects.exists()


def test_nobody_adds_an_image_to_another_members_realisation(client, alice, bob, media):
    item = services.portfolio_item_save(actor=None, member=alice, title="Mariage")
    client.force_login(bob.user)

    response = client.post(
        reverse("skills:portfolio_image_add", args=[item.pk]), {"image": png(), "alt": "Intrus"}
    )

    assert response.status_code == 404
    assert not PortfolioImage.objects.exists()


# --- prices -------------------------------------------------------------------------------------


PRICE = {"label": "Coupe", "amount": "35,50", "unit": "prestation", "visibility": "advisor"}


def test_a_price_is_added_edited_and_deleted(client, alice):
    client.force_login(alice.user)

    created = client.post(PRICE_CREATE, PRICE)
    price = Price.objects.get(member=alice)
    saved = (price.label, price.amount, price.unit, price.visibility)
    edited = client.post(
        reverse("skills:price_edit", args=[price.pk]), {**PRICE, "visibility": "members"}
    )
    price.refresh_from_db()
    visibility_after_edit = price.visibility
    deleted = client.post(reverse("skills:price_delete", args=[price.pk]))

    assert [r.status_code for r in (created, edited, deleted)] == [302, 302, 302]
    assert saved == ("Coupe", Decimal("35.50"), "prestation", "advisor")
    assert visibility_after_edit == "members"
    assert not Price.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="price")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["price.added", "price.updated", "price.deleted"]


def test_the_price_form_offers_the_three_visibilities_under_one_question(client, alice):
    client.force_login(alice.user)

    response = client.get(PRICE_CREATE)

    group = section(response, "<fieldset><legend>", "</fieldset>")
    assert plain(section(response, "<legend>", "</legend>")) == "Qui voit ce tarif *"
    assert re.findall(r'value="(\w+)"[^>]*id="id_visibility_\d"( checked)?', group) == [
        ("me", " checked"),
        ("advisor", ""),
        ("members", ""),
    ]
    assert [plain(label) for label in re.findall(r"<label[^>]*>(.*?)</label>", group, re.S)] == [
        "Moi seul·e",
        "Mon accompagnement",
        "Tous les membres",
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (
            "trente",
            "« trente » n'est pas un montant : écrivez un nombre positif avec au plus "
            "deux décimales, par exemple 35,00.",
        ),
        (
            "35€",
            "« 35€ » n'est pas un montant : écrivez un nombre positif avec au plus "
            "deux décimales, par exemple 35,00.",
        ),
        (
            "-5",
            "« -5 » n'est pas un montant : écrivez un nombre positif avec au plus "
            "deux décimales, par exemple 35,00.",
        ),
        (
            "1,234",
            "« 1,234 » n'est pas un montant : écrivez un nombre positif avec au plus "
            "deux décimales, par exemple 35,00.",
        ),
    ],
)
def test_a_price_with_letters_is_refused_and_nothing_written(client, alice, amount, message):
    client.force_login(alice.user)

    response = client.post(PRICE_CREATE, {**PRICE, "amount": amount})

    assert response.status_code == 200
    assert errors(response) == [message]
    assert not Price.objects.exists()


def test_nobody_edits_or_deletes_another_members_price(client, priced, bob):
    price = Price.objects.get(member=priced, visibility="members")
    client.force_login(bob.user)

    edit = client.post(reverse("skills:price_edit", args=[price.pk]), PRICE)
    delete = client.post(reverse("skills:price_delete", args=[price.pk]))

    assert (edit.status_code, delete.status_code) == (404, 404)
    assert Price.objects.filter(pk=price.pk, label="Coupe à domicile").exists()
