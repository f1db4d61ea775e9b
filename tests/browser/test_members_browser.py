"""The members pages in a real browser: login, htmx filters, timeline, refusals, phone, keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from essaim.members import services
from essaim.members.models import Sector
from tests.browser.conftest import PHONE
from tests.factories import MemberFactory

# Data fixtures come before `page` in the signatures: the database is filled before Playwright
# starts. serialized_rollback: the flush after each test would otherwise also wipe the sectors
# that a data migration installs, and tests running later would find none.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LIST_NAMES = "#results tbody tr td:first-child"


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def overflowing_cards(page: Page) -> list[str]:
    """Titles of the cards whose content sticks out of them (a long word, a wide table)."""
    return page.evaluate(
        """[...document.querySelectorAll('.card')]
            .filter(card => card.scrollWidth > card.clientWidth)
            .map(card => card.querySelector('h1, h2')?.textContent.trim() ?? card.className)"""
    )


@pytest.fixture
def cooperative(claire, alice, bob):
    """Alice has a long e-mail, a long activity name and a history; Zoé has no stage yet."""
    services.activity_set(
        actor=claire,
        member=alice,
        name="Atelier de couture, retouches et créations textiles sur mesure à domicile",
        description="Retouches, ourlets et créations.",
        sector=Sector.objects.get(code="mode"),
    )
    services.member_update(
        actor=claire,
        member=alice,
        email="alice.martin-couture@atelier-de-montreuil.example.org",
        phone="+33 6 00 00 00 01",
    )
    alice.refresh_from_db()
    MemberFactory(first_name="Zoé", last_name="Sanspas", email="zoe@example.org")
    return {"alice": alice, "bob": bob}


def test_staff_filters_with_htmx_and_opens_the_timeline(
    claire, cooperative, password, results_dir, page: Page
) -> None:
    log_in(page, claire.email, password)
    expect(page).to_have_url(re.compile(r"/membres/$"))
    expect(page.locator(LIST_NAMES)).to_have_text(["Durand Bob", "Martin Alice", "Sanspas Zoé"])
    # A full page load would drop this marker: finding it again proves htmx swapped the list.
    page.evaluate("window.essaimMarker = 'same page'")

    page.get_by_label("Étape").select_option("cesa")
    expect(page.locator(LIST_NAMES)).to_have_text(["Martin Alice"])
    expect(page).to_have_url(re.compile(r"stage=cesa"))

    page.get_by_label("Étape").select_option("")
    expect(page.locator(LIST_NAMES)).to_have_text(["Durand Bob", "Martin Alice", "Sanspas Zoé"])
    page.get_by_label("Rechercher un nom").press_sequentially("durand")
    expect(page.locator(LIST_NAMES)).to_have_text(["Durand Bob"])
    expect(page).to_have_url(re.compile(r"q=durand"))
    expect(page.locator("#results")).to_contain_text("1 membre")
    assert page.evaluate("window.essaimMarker") == "same page"

    page.get_by_label("Rechercher un nom").fill("")
    page.get_by_label("Étape").select_option("cesa")
    expect(page.locator(LIST_NAMES)).to_have_text(["Martin Alice"])
    page.screenshot(path=results_dir / "members-list.png", full_page=True)

    page.get_by_role("link", name="Martin Alice").click()
    expect(page).to_have_url(re.compile(rf"/membres/{cooperative['alice'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Martin En CESA")
    timeline = page.locator("ol.timeline > li")
    expect(timeline.locator("time")).to_have_text(
        ["10/01/2024", "01/02/2024", "01/02/2025", "31/01/2027"]
    )
    expect(timeline.locator("strong")).to_have_text(
        [
            "Réunion d'information",
            "Début du CAPE",
            "Signature du CESA",
            "Échéance pour devenir associé·e",
        ]
    )
    expect(page.get_by_role("region", name="Activité (enseigne)")).to_contain_text(
        "Atelier de couture"
    )
    page.screenshot(path=results_dir / "member-detail.png", full_page=True)


def test_filters_work_by_submitting_the_form_without_javascript(
    claire, cooperative, password, new_page
) -> None:
    page = new_page(javascript=False)
    log_in(page, claire.email, password)
    page.get_by_label("Rechercher un nom").fill("MARTÍN")  # case and accents do not matter
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"\?q=MART%C3%8DN"))
    expect(page.locator(LIST_NAMES)).to_have_text(["Martin Alice"])

    page.get_by_label("Rechercher un nom").fill("")
    page.get_by_label("Étape").select_option("cape")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator(LIST_NAMES)).to_have_text(["Durand Bob"])


def test_entrepreneur_is_refused_another_members_page(cooperative, password, page: Page) -> None:
    alice, bob = cooperative["alice"], cooperative["bob"]
    log_in(page, alice.email, password)
    expect(page).to_have_url(re.compile(r"/membres/mon-espace/$"))

    response = page.goto(f"/membres/{bob.pk}/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(page.locator("main")).to_contain_text(
        "Vous ne pouvez pas consulter la fiche de ce membre."
    )
    expect(page.locator("main")).not_to_contain_text("Durand")


def test_list_and_member_page_fit_a_phone(
    claire, cooperative, password, results_dir, new_page
) -> None:
    page = new_page(viewport=PHONE)
    log_in(page, claire.email, password)
    expect(page.locator(LIST_NAMES)).to_have_text(["Durand Bob", "Martin Alice", "Sanspas Zoé"])
    assert horizontal_overflow(page) == 0
    assert overflowing_cards(page) == []
    page.screenshot(path=results_dir / "members-list-phone.png", full_page=True)

    # The first result shows on the first screen, without the columns kept for wide screens.
    expect(page.get_by_role("link", name="Durand Bob")).to_be_in_viewport()
    first_row = page.locator("#results tbody tr").first
    expect(first_row.locator("td:visible")).to_have_text(["Durand Bob", "En CAPE", "—"])
    page.get_by_role("link", name="Martin Alice").click()
    expect(page.locator("ol.timeline > li")).to_have_count(4)
    assert horizontal_overflow(page) == 0
    assert overflowing_cards(page) == []
    page.screenshot(path=results_dir / "member-detail-phone.png", full_page=True)


def test_login_with_the_keyboard_only(claire, password, page: Page) -> None:
    page.goto("/connexion/")
    focused_id = "document.activeElement.id"
    assert page.evaluate(focused_id) == "id_username"  # the e-mail field has the focus
    page.keyboard.type(claire.email)
    page.keyboard.press("Tab")
    assert page.evaluate(focused_id) == "id_password"
    page.keyboard.type(password)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Se connecter"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/membres/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Membres")

    # The first Tab of a page reaches the skip link, which leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate(focused_id) == "contenu"
