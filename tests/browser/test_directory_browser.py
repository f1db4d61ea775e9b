"""The directory in a real browser: search, zone filter, a profile with its portfolio, and the
prices the member keeps from other members."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from essaim.skills import services
from tests.browser.conftest import PHONE
from tests.browser.test_members_browser import horizontal_overflow, log_in, overflowing_cards
from tests.factories import MemberFactory
from tests.skills.directory_data import lexical_only, make_profile, media, png, tree  # noqa: F401

# Data fixtures come before `page` in the signatures: the database is filled before Playwright
# starts. serialized_rollback keeps what data migrations install (sectors, the built-in
# nomenclature) for the tests that run after these.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("lexical_only"),
]

CARD_NAMES = "#results li.member-card h2"


@pytest.fixture
def colourists(tree, media, bob):
    """Two plant-based colourists: Coline in Seine-Saint-Denis with a portfolio and prices of
    each visibility, Romane in Marseille. Bob, an entrepreneur, searches."""
    coline = make_profile(
        MemberFactory(first_name="Coline", last_name="Henné", email="coline@example.org"),
        skills=[(tree.vegetal, 3), (tree.cut, 2)],
        presentation="Coloration végétale au henné et à l'indigo, à domicile.",
        zones=["93"],
        activity="Couleurs de plantes",
        prices=[
            ("Diagnostic offert aux amies", "0.00", "me"),
            ("Tarif négocié accompagnement", "48.00", "advisor"),
            ("Coloration végétale complète", "65.00", "members"),
        ],
        days_per_week=Decimal("3"),
    )
    item = services.portfolio_item_save(
        actor=None,
        member=coline,
        title="Mariage à Montreuil",
        description="Colorations végétales pour six personnes.",
        year=2025,
        client_kind="individual",
    )
    services.portfolio_image_add(
        actor=None, item=item, image=png(width=120, height=80), alt="Chevelure cuivrée au henné"
    )
    romane = make_profile(
        MemberFactory(first_name="Romane", last_name="Indigo", email="romane@example.org"),
        skills=[(tree.vegetal, 2)],
        zones=["13"],
        activity="Indigo Sud",
    )
    return {"coline": coline, "romane": romane}


def test_an_entrepreneur_finds_a_colourist_and_sees_only_the_prices_shown_to_members(
    bob, colourists, password, results_dir, page: Page
) -> None:
    coline = colourists["coline"]
    log_in(page, bob.email, password)
    page.get_by_role("link", name="Annuaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire des coopérateurs")
    page.evaluate("window.essaimMarker = 'same page'")

    page.get_by_label("Que cherchez-vous ?").press_sequentially("coloration végétale")
    expect(page.locator(CARD_NAMES)).to_have_count(2)
    expect(page.locator(CARD_NAMES)).to_contain_text(["Coline Henné", "Romane Indigo"])
    page.get_by_label("Département").select_option("93")
    expect(page.locator(CARD_NAMES)).to_have_text(["Coline Henné"])
    expect(page).to_have_url(re.compile(r"zone=93"))
    assert page.evaluate("window.essaimMarker") == "same page"  # htmx, not a page load
    card = page.locator("#results li.member-card")
    expect(card).to_contain_text("Couleurs de plantes")
    expect(card).to_contain_text("Coloration végétale · Expert·e")
    page.screenshot(path=results_dir / "directory.png", full_page=True)

    page.get_by_role("link", name="Coline Henné").click()
    expect(page).to_have_url(re.compile(rf"/annuaire/membres/{coline.pk}/$"))
    portfolio = page.get_by_role("region", name="Réalisations")
    expect(portfolio).to_contain_text("Mariage à Montreuil")
    image = portfolio.get_by_role("img", name="Chevelure cuivrée au henné")
    expect(image).to_be_visible()
    # The image really came through the permission-checked view.
    # (waits for the image's own load: visible is not yet loaded on a busy machine)
    loaded_width = image.evaluate(
        "img => img.complete && img.naturalWidth ? img.naturalWidth : new Promise(resolve => {"
        " img.addEventListener('load', () => resolve(img.naturalWidth));"
        " img.addEventListener('error', () => resolve(0)); })"
    )
    assert loaded_width == 120
    prices = page.get_by_role("region", name="Tarifs")
    expect(prices).to_contain_text("Coloration végétale complète")
    expect(prices).to_contain_text("65,00 €")
    for hidden in ("Diagnostic offert aux amies", "Tarif négocié accompagnement", "48,00"):
        expect(page.locator("main")).not_to_contain_text(hidden)
    page.screenshot(path=results_dir / "directory-profile.png", full_page=True)


def test_the_directory_and_a_profile_fit_a_phone(
    bob, colourists, password, results_dir, new_page
) -> None:
    page = new_page(viewport=PHONE)
    log_in(page, bob.email, password)
    page.goto("/annuaire/?q=coloration+v%C3%A9g%C3%A9tale")
    expect(page.locator(CARD_NAMES)).to_have_count(2)
    assert horizontal_overflow(page) == 0
    assert overflowing_cards(page) == []
    page.screenshot(path=results_dir / "directory-phone.png", full_page=True)

    page.get_by_role("link", name="Coline Henné").click()
    expect(page.get_by_role("region", name="Réalisations")).to_be_visible()
    assert horizontal_overflow(page) == 0
    assert overflowing_cards(page) == []
    page.screenshot(path=results_dir / "directory-profile-phone.png", full_page=True)


def test_the_search_works_without_javascript(bob, colourists, password, new_page) -> None:
    page = new_page(javascript=False)
    log_in(page, bob.email, password)
    page.goto("/annuaire/")
    page.get_by_label("Que cherchez-vous ?").fill("coloration végétale")
    page.get_by_label("Département").select_option("13")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator(CARD_NAMES)).to_have_text(["Romane Indigo"])


def test_an_entrepreneur_declares_a_skill_through_the_autocomplete(
    bob, tree, password, results_dir, page: Page
) -> None:
    log_in(page, bob.email, password)
    page.get_by_role("link", name="Mon profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil dans l'annuaire")

    page.get_by_label("Compétence ou métier").press_sequentially("coupe à dom")
    suggestion = page.get_by_role("radio", name=re.compile(r"Coupe à domicile t-coif\.coupe"))
    expect(suggestion).to_be_visible()
    expect(page.locator("#skill-suggestions")).to_contain_text(
        "Coupe à domicile t-coif.coupe — Coiffure et esthétique › Coiffeur·se"
    )
    page.screenshot(path=results_dir / "directory-autocomplete.png", full_page=True)
    suggestion.check()
    page.get_by_label("Niveau").select_option("3")
    page.get_by_label("Années de pratique").fill("12")
    page.get_by_role("button", name="Ajouter la compétence").click()

    expect(page.get_by_role("status")).to_have_text("Compétence enregistrée.")
    skills = page.get_by_role("region", name="Mes compétences").locator("ul.skill-list li")
    expect(skills).to_have_count(1)
    expect(skills).to_contain_text("Coupe à domicile t-coif.coupe Expert·e 12 ans de pratique")
