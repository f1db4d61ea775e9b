"""The marketplace in a real browser: a member posts a sub-contracting request, a matching
member answers, the author awards it, the deal appears in both members' spaces, and each
leaves feedback once it is done."""

# The fixtures imported from directory_data are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from essaim.marketplace.models import Deal, DealStatus, Feedback, RequestStatus, WorkRequest
from tests.browser.conftest import PHONE
from tests.browser.test_members_browser import horizontal_overflow, log_in
from tests.factories import PASSWORD, MemberFactory
from tests.skills.directory_data import lexical_only, make_profile, tree  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("lexical_only"),
]


@pytest.fixture
def salon(tree):
    """Sofia runs a hair salon and needs a plant-based colourist; Coline is one, in the same
    département, available two days a week."""
    sofia = make_profile(
        MemberFactory(first_name="Sofia", last_name="Salon", email="sofia@example.org"),
        skills=[(tree.cut, 3)],
        zones=["93"],
        activity="Salon Sofia",
        days_per_week=Decimal("4"),
    )
    coline = make_profile(
        MemberFactory(first_name="Coline", last_name="Henné", email="coline@example.org"),
        skills=[(tree.vegetal, 3)],
        zones=["93"],
        activity="Couleurs de plantes",
        days_per_week=Decimal("2"),
    )
    return sofia, coline


def _page(browser: Browser, live_server, email: str, **options) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, email, PASSWORD)
    return page


def test_a_sub_contracting_request_from_posting_to_feedback(salon, tree, browser, live_server):
    sofia, coline = salon
    deadline = timezone.localdate() + dt.timedelta(days=10)

    # Sofia posts the request, on her phone.
    author = _page(browser, live_server, "sofia@example.org", viewport=PHONE)
    author.goto("/marche/demandes/nouvelle/")
    author.get_by_label("Type de demande").select_option("subcontracting")
    author.get_by_label("Titre").fill("Colorations végétales pour un mariage")
    author.get_by_label("Description").fill("Six colorations au henné le samedi matin.")
    author.get_by_label("Département du lieu de travail").select_option("93")
    author.get_by_label("Répondre avant le").fill(deadline.isoformat())
    author.get_by_label("Compétence ou métier").first.fill(tree.vegetal.code)
    author.get_by_label("Publier dès maintenant").check()
    author.get_by_role("button", name="Enregistrer").click()
    expect(
        author.get_by_role("heading", name="Colorations végétales pour un mariage")
    ).to_be_visible()
    matches = author.locator("#matches")
    expect(matches.get_by_role("link", name="Coline Henné", exact=True)).to_be_visible()
    assert horizontal_overflow(author) == 0
    request = WorkRequest.objects.get(title="Colorations végétales pour un mariage")
    assert request.status == RequestStatus.OPEN

    # Coline was told, and answers.
    provider = _page(browser, live_server, "coline@example.org")
    provider.goto("/notifications/")
    provider.get_by_role("button", name="Colorations végétales pour un mariage").first.click()
    provider.get_by_label("Votre message").fill("Disponible ce samedi, henné et indigo.")
    provider.get_by_label("Prix proposé hors taxes").fill("390")
    provider.get_by_role("button", name="Envoyer ma réponse").click()
    expect(provider.get_by_role("heading", name="Votre réponse")).to_be_visible()

    # Sofia awards it to Coline: the deal is recorded.
    author.reload()
    author.get_by_label("Coline Henné").check()
    author.get_by_role("button", name="Attribuer aux réponses cochées").click()
    author.get_by_role("link", name="Voir l'affaire enregistrée").click()
    expect(author.get_by_role("heading", name="Qui a travaillé avec qui")).to_be_visible()
    deal = Deal.objects.get(request=request)
    assert deal.amount == Decimal("390.00")
    assert list(deal.providers.all()) == [coline]

    # The deal is in both members' spaces.
    for page in (author, provider):
        page.goto("/marche/mon-espace/")
        deal_link = page.locator(f'a[href="/marche/affaires/{deal.pk}/"]')
        expect(deal_link).to_have_text("Colorations végétales pour un mariage")

    # The work is done; each side leaves private feedback.
    author.goto(f"/marche/affaires/{deal.pk}/")
    author.get_by_role("button", name="Passer « en cours »").click()
    author.get_by_role("button", name="Marquer comme terminée").click()
    deal.refresh_from_db()
    assert deal.status == DealStatus.DONE
    for page, comment in ((author, "Travail soigné."), (provider, "Consignes claires.")):
        page.goto(f"/marche/affaires/{deal.pk}/")
        form = page.locator("form.feedback-form")
        form.get_by_label("Oui").check()
        form.get_by_label("Qualité du travail").select_option("5")
        form.get_by_label("Respect des délais").select_option("4")
        form.get_by_label("Communication").select_option("5")
        form.get_by_label("Commentaire").fill(comment)
        form.get_by_role("button", name="Envoyer mon retour").click()
        expect(page.get_by_text("votre retour sur")).to_be_visible()
    given = {(f.author_id, f.about_id, f.comment) for f in Feedback.objects.filter(deal=deal)}
    assert given == {
        (sofia.pk, coline.pk, "Travail soigné."),
        (coline.pk, sofia.pk, "Consignes claires."),
    }
    # Each reads what the other said of them.
    author.reload()
    expect(author.get_by_text("Consignes claires.")).to_be_visible()
