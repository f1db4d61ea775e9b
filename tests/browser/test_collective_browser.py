"""Collective life in a real browser: a member creates a project group with its charter, invites
a colleague, activates the group, adds a task and sees it late on the health panel; a member
registers to a workshop and its organiser takes the attendance; an outsider is refused a
tutoring case (404, nothing of the case shown)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from essaim.events.models import Event, Registration
from essaim.groups.models import Group, GroupStatus, Task
from essaim.skills import services as skill_services
from essaim.tutoring import services as tutoring_services
from tests.browser.conftest import PHONE
from tests.browser.test_members_browser import horizontal_overflow, log_in
from tests.events.factories import in_days, make_event
from tests.factories import PASSWORD, MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SITUATION = "Trois clients me doivent plus de 4 000 € depuis l'été."


def _page(browser: Browser, live_server, email: str, **options) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, email, PASSWORD)
    return page


def _iso(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_a_project_group_from_its_charter_to_its_health_panel(alice, bob, browser, live_server):
    lead = _page(browser, live_server, alice.email)

    # Alice creates the project group.
    lead.goto("/groupes/nouveau/")
    lead.get_by_label("Groupe projet").check()
    lead.get_by_role("textbox", name="Nom", exact=True).fill("Boutique éphémère de Noël")
    lead.get_by_label("Description").fill("Une boutique de créateurs avant Noël.")
    lead.get_by_role("button", name="Enregistrer").click()
    expect(lead.get_by_role("heading", name="Boutique éphémère de Noël", level=1)).to_be_visible()
    group = Group.objects.get(name="Boutique éphémère de Noël")
    assert group.status == GroupStatus.DRAFT

    # Its charter: objective, clients, offer, a phase with a milestone, an outside reviewer.
    lead.goto(f"/groupes/{group.pk}/charte/modifier/")
    lead.get_by_label("Objectif").fill(
        "Vendre nos créations pendant les trois semaines avant Noël."
    )
    lead.get_by_label("Clients visés").fill("Habitant·es du quartier")
    lead.get_by_label("Offre", exact=True).fill("Artisanat d'art et ateliers pour enfants")
    lead.get_by_role("button", name="Enregistrer").click()
    expect(lead.get_by_role("heading", name="Objectif, clients, offre")).to_be_visible()
    lead.get_by_label("Nouvelle phase").fill("Préparation")
    lead.get_by_role("button", name="Ajouter la phase").click()
    # The phase and milestone forms both have a field "name" (same id): aim inside the form.
    milestone = lead.get_by_role("form", name="Ajouter un jalon")
    milestone.get_by_label("Phase").select_option(label="Préparation")
    milestone.get_by_label("Jalon").fill("Local trouvé")
    milestone.get_by_label("Échéance").fill(_iso(30))
    milestone.get_by_role("button", name="Ajouter le jalon").click()
    expect(lead.get_by_role("button", name="Marquer atteint — Local trouvé")).to_be_visible()
    reviewer = lead.locator("form", has=lead.get_by_role("button", name="Inviter à relire"))
    reviewer.locator("input[name=reviewer-name]").fill("Hélène Marchal")
    reviewer.get_by_label("Son adresse e-mail").fill("helene.marchal@example.net")
    reviewer.get_by_role("button", name="Inviter à relire").click()
    expect(lead.get_by_text("helene.marchal@example.net")).to_be_visible()

    # Bob is invited as facilitator and accepts.
    lead.goto(f"/groupes/{group.pk}/membres/")
    lead.get_by_label("Membre à inviter").select_option(label="Bob Durand")
    lead.get_by_label("Rôle").select_option("facilitator")
    lead.get_by_role("button", name="Envoyer l'invitation").click()
    colleague = _page(browser, live_server, bob.email)
    colleague.goto(f"/groupes/{group.pk}/")
    colleague.get_by_role("button", name="Accepter l'invitation").click()
    expect(colleague.get_by_role("button", name="Quitter le groupe")).to_be_visible()

    # Each one's minimum commitment, then the group is activated.
    for name, hours in (("Alice Martin", "8"), ("Bob Durand", "6")):
        lead.goto(f"/groupes/{group.pk}/membres/")
        lead.get_by_role("link", name=f"Rôle et engagement — {name}").click()
        lead.get_by_label("Engagement minimum (heures par mois)").fill(hours)
        lead.get_by_role("button", name="Enregistrer").click()
    lead.goto(f"/groupes/{group.pk}/")
    lead.get_by_role("button", name="Activer le groupe").click()
    expect(lead.get_by_text("Le groupe projet est actif.")).to_be_visible()
    group.refresh_from_db()
    assert group.status == GroupStatus.ACTIVE

    # A task for Bob, due yesterday: late.
    lead.goto(f"/groupes/{group.pk}/taches/")
    lead.get_by_role("textbox", name="Tâche", exact=True).fill("Réserver le local")
    lead.get_by_label("Responsable").select_option(label="Bob Durand")
    lead.get_by_label("Échéance").fill(_iso(-1))
    lead.get_by_role("button", name="Ajouter", exact=True).click()
    expect(lead.locator("table.task-table")).to_contain_text("Réserver le local")
    assert Task.objects.get(group=group).owner == bob

    # The health panel: the late task and who owns it, the milestone still to reach.
    lead.goto(f"/groupes/{group.pk}/")
    panel = lead.locator("section", has=lead.get_by_role("heading", name="Santé du projet"))
    expect(panel).to_contain_text("Tâches en retard")
    expect(panel).to_contain_text("Réserver le local (Bob Durand)")
    expect(panel).to_contain_text("0 sur 1")  # milestones reached


def test_a_member_registers_and_the_organiser_takes_attendance(bob, antoine, browser, live_server):
    event = make_event(
        organiser=antoine, title="Atelier prospection", capacity=10, start=in_days(3)
    )

    member = _page(browser, live_server, bob.email, viewport=PHONE)
    member.goto(f"/evenements/{event.pk}/")
    member.get_by_role("button", name="M'inscrire").click()
    expect(member.get_by_text("Vous êtes inscrit·e à « Atelier prospection ».")).to_be_visible()
    assert horizontal_overflow(member) == 0
    assert Registration.objects.get(event=event, member=bob).status == "registered"

    # The workshop took place.
    start = in_days(-1, hour=9)
    Event.objects.filter(pk=event.pk).update(start=start, end=start + dt.timedelta(hours=3))

    organiser = _page(browser, live_server, antoine.email)
    organiser.goto(f"/evenements/{event.pk}/")
    organiser.get_by_role("link", name="Noter les présences").click()
    organiser.get_by_role("group", name="Bob Durand").get_by_label("Présent·e").check()
    organiser.get_by_role("button", name="Enregistrer les présences").click()
    expect(organiser.get_by_text("Présence notée pour 1 membre.")).to_be_visible()
    assert Registration.objects.get(event=event, member=bob).attendance == "present"

    member.reload()
    expect(member.get_by_text("Présence notée : Présent·e.")).to_be_visible()


def test_an_outsider_is_refused_a_tutoring_case(alice, browser, live_server):
    node = skill_services.node_create(
        actor=None,
        code="t-tut.relance",
        label="Relance client",
        kind="skill",
        parent=None,
        source="coop",
    )
    case = tutoring_services.case_open(
        actor=alice.user,
        member=alice,
        title="Des clients qui ne paient pas",
        situation=SITUATION,
        nodes=[node],
    )
    outsider = MemberFactory(first_name="Olga", last_name="Dehors", email="olga@example.org")

    own = _page(browser, live_server, alice.email)
    own.goto(f"/tutorat/{case.pk}/")
    expect(own.get_by_text(SITUATION)).to_be_visible()

    stranger = _page(browser, live_server, outsider.email)
    response = stranger.goto(f"/tutorat/{case.pk}/")
    assert response is not None and response.status == 404
    expect(stranger.get_by_role("heading", name="Page introuvable")).to_be_visible()
    assert "Des clients qui ne paient pas" not in stranger.content()
    assert SITUATION not in stranger.content()
    stranger.goto("/tutorat/")
    assert "Des clients qui ne paient pas" not in stranger.content()
