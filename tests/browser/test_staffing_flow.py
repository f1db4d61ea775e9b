"""Staffing in a real browser: staff create an opportunity with three roles, get a proposal,
invite the team; one member declines, the re-solved team replaces them, the others accept,
and a co-contracting deal exists."""

# The fixtures imported from team_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from essaim.marketplace.models import Deal, DealOrigin
from tests.browser.conftest import PHONE
from tests.browser.test_members_browser import horizontal_overflow, log_in
from tests.skills.directory_data import lexical_only  # noqa: F401
from tests.staffing.team_data import END, START, done_deal, nodes, person  # noqa: F401

# Data fixtures come before `page` in the signatures: the database is filled before Playwright
# starts. serialized_rollback keeps what data migrations install for the tests after these.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("lexical_only"),
]

TITLE = "Site et identité d'une ressourcerie"


@pytest.fixture
def members(nodes):
    """Ali (web), Bea and Bruno (design, Bea cheaper), Chloe (writing)."""
    found = {
        "ali": person("Ali", "Web", skills=[(nodes.web, 3)], prices=[("50", "heure", "members")]),
        "bea": person(
            "Bea", "Graph", skills=[(nodes.design, 2)], prices=[("40", "heure", "members")]
        ),
        "bruno": person(
            "Bruno", "Graph", skills=[(nodes.design, 3)], prices=[("60", "heure", "members")]
        ),
        "chloe": person(
            "Chloe", "Redac", skills=[(nodes.writing, 2)], prices=[("45", "heure", "members")]
        ),
    }
    done_deal(found["ali"], [found["chloe"]])
    return found


def answer(new_page, member, password: str, button: str) -> None:
    """The member opens their invitations (on a phone) and answers."""
    page = new_page(viewport=PHONE)
    log_in(page, member.email, password)
    page.goto("/staffing/mes-invitations/")
    card = page.locator("li.invitation", has_text=TITLE)
    expect(card).to_contain_text("En attente de réponse")
    assert horizontal_overflow(page) == 0
    card.get_by_role("button", name=button).click()
    expect(page.locator(".messages")).to_contain_text(TITLE)
    expect(card).not_to_contain_text("En attente de réponse")
    page.context.close()


def role(page: Page, number: int):
    return page.locator(f"#roles-{number}")


def test_staff_form_a_team_that_replaces_a_member_who_declines(
    claire, members, password, results_dir, new_page
) -> None:
    page = new_page()
    log_in(page, claire.email, password)
    page.goto("/staffing/")
    page.get_by_role("link", name="Nouvelle opportunité").click()

    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Début").fill(START.isoformat())
    page.get_by_label("Fin").fill(END.isoformat())
    page.get_by_label("Département du lieu").select_option("93")
    # Role 1 picked among the suggestions, role 2 typed as a code, role 3 picked too.
    role(page, 0).get_by_label("Compétence ou métier").press_sequentially("Développement w")
    role(page, 0).locator("input[value='st-num.web']").check()
    role(page, 0).get_by_label("Heures").fill("40")
    role(page, 1).get_by_label("Compétence ou métier").fill("st-num.graph")
    role(page, 1).get_by_label("Heures").fill("20")
    role(page, 1).get_by_label("Intitulé du rôle (facultatif)").fill("Graphiste")
    role(page, 2).get_by_label("Compétence ou métier").press_sequentially("Rédac")
    role(page, 2).locator("input[value='st-num.redac']").check()
    role(page, 2).get_by_label("Heures").fill("10")
    page.screenshot(path=results_dir / "staffing-form.png", full_page=True)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    roles = page.get_by_role("region", name="Les rôles").locator("tbody tr td:first-child")
    expect(roles).to_have_text(["Développement web", "Graphiste", "Rédaction"])

    page.get_by_role("button", name="Proposer des équipes").click()
    best = page.locator("article.proposal").first
    expect(best.get_by_role("heading")).to_have_text("Équipe 1")
    expect(best).to_contain_text("Bea Graph")
    expect(best).to_contain_text("A déjà travaillé avec Chloe Redac")
    page.screenshot(path=results_dir / "staffing-proposals.png", full_page=True)
    best.get_by_role("button", name="Inviter cette équipe").click()

    invitations = page.get_by_role("region", name="Invitations")
    expect(invitations.locator("tbody tr")).to_have_count(3)
    expect(invitations).not_to_contain_text("Acceptée")

    answer(new_page, members["bea"], password, "Décliner")

    page.reload()
    expect(invitations).to_contain_text("Rôles à repourvoir : Graphiste")
    page.get_by_role("button", name="Relancer sans les personnes qui ont décliné").click()
    expect(page.locator(".messages")).to_contain_text("les nouveaux membres sont invités")
    rows = invitations.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Bruno Graph")).to_contain_text("En attente de réponse")
    expect(rows.filter(has_text="Bea Graph")).to_contain_text("Déclinée")

    for name in ("ali", "chloe", "bruno"):
        answer(new_page, members[name], password, "Accepter")

    page.reload()
    formed = page.get_by_role("region", name="L'équipe est formée")
    expect(formed).to_be_visible()
    deal = Deal.objects.get(origin=DealOrigin.STAFFING)
    assert (deal.origin, deal.buyer, sorted(str(m) for m in deal.providers.all())) == (
        DealOrigin.STAFFING,
        members["ali"],
        ["Bruno Graph", "Chloe Redac"],
    )
    formed.get_by_role("link", name=re.compile("Affaire de cotraitance")).click()
    expect(page).to_have_url(re.compile(rf"/marche/affaires/{deal.pk}/$"))

    phone = new_page(viewport=PHONE)
    log_in(phone, claire.email, password)
    phone.goto(f"/staffing/{deal.staffing.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(TITLE)
    assert horizontal_overflow(phone) == 0
    phone.screenshot(path=results_dir / "staffing-formed-phone.png", full_page=True)
