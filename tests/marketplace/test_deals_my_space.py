"""The member's marketplace space, and management's statistics page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.marketplace.models import (
    Conversation,
    ConversationParticipant,
    DealKind,
    DealStatus,
    Message,
    Offer,
    RequestResponse,
    RequestStatus,
    WorkRequest,
)
from essaim.marketplace.services.deals import feedback_leave
from essaim.members.models import Member
from tests.marketplace import deals_fixtures as fx
from tests.marketplace.deals_fixtures import done_deal, make_deal, plain, queries_to_render, text

carol = fx.carol  # fixture

SPACE = reverse("marketplace:my_space")
STATS = reverse("marketplace:stats")


def card(response, heading_id: str) -> str:
    body = response.content.decode()
    begin = body.rindex("<section", 0, body.index(f'aria-labelledby="{heading_id}"'))
    return plain(body[begin : body.index("</section>", begin)])


def request_by(author: Member, title: str, status: str = RequestStatus.OPEN) -> WorkRequest:
    return WorkRequest.objects.create(
        author=author,
        kind="subcontracting",
        title=title,
        description="…",
        answer_deadline=timezone.localdate() + dt.timedelta(days=10),
        status=status,
    )


def conversation_with(me: Member, other: Member, subject: str, *, read: bool) -> Conversation:
    conversation = Conversation.objects.create(subject=subject)
    now = timezone.now()
    ConversationParticipant.objects.create(
        conversation=conversation, member=me, last_read_at=now if read else None
    )
    ConversationParticipant.objects.create(conversation=conversation, member=other)
    Message.objects.create(conversation=conversation, author=other, body="Bonjour")
    return conversation


def fill_space(me: Member, other: Member, n: int) -> None:
    """`n` of everything the space shows."""
    for i in range(n):
        request_by(me, f"Ma demande {i}")
        RequestResponse.objects.create(
            request=request_by(other, f"Sa demande {i}"), member=me, message="Je peux."
        )
        make_deal(me, [other], title=f"En cours {i}", status=DealStatus.IN_PROGRESS)
        done_deal(other, [me], title=f"Terminée {i}")
        Offer.objects.create(member=me, title=f"Offre {i}", description="…")
        conversation_with(me, other, f"Sujet {i}", read=False)


# ---------------------------------------------------------------- who may see it


def test_anonymous_is_sent_to_login(client, db):
    assert client.get(SPACE).status_code == 302


@pytest.mark.parametrize("who", ["antoine", "claire"])
def test_the_space_is_for_entrepreneurs(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(SPACE).status_code == 403


# ---------------------------------------------------------------- what it shows


def test_the_space_gathers_the_member_s_marketplace(client, alice, bob, carol):
    request_by(alice, "Refonte du site")
    request_by(alice, "Ancienne demande", status=RequestStatus.AWARDED)
    request_by(alice, "Un brouillon", status=RequestStatus.DRAFT)
    RequestResponse.objects.create(
        request=request_by(bob, "Des flyers"), member=alice, message="Avec plaisir."
    )
    make_deal(alice, [bob], title="Logo", status=DealStatus.IN_PROGRESS)
    make_deal(alice, [bob], title="Annulée", status=DealStatus.CANCELLED)
    done = done_deal(carol, [alice, bob], title="Salon", kind=DealKind.COCONTRACTING)
    Offer.objects.create(member=alice, title="Cours de poterie", description="…")
    Offer.objects.create(member=bob, title="L'offre de Bob", description="…")
    conversation_with(alice, bob, "Une question", read=False)
    conversation_with(alice, carol, "Déjà lue", read=True)
    feedback_leave(
        actor=None,
        deal=done,
        author=alice,
        about=bob,
        would_work_again=True,
        quality=5,
        deadlines=5,
        communication=5,
    )
    for author, again in ((carol, True), (bob, False)):
        feedback_leave(
            actor=None,
            deal=done,
            author=author,
            about=alice,
            would_work_again=again,
            quality=3,
            deadlines=3,
            communication=3,
            comment="secret",
        )
    client.force_login(alice.user)

    response = client.get(SPACE)

    assert response.status_code == 200
    assert (
        card(response, "h-requests")
        == "Mes demandes en cours Un brouillon Brouillon Refonte du site Ouverte"
    )
    assert card(response, "h-responses") == "Mes réponses Des flyers (Bob Durand) Envoyée"
    assert card(response, "h-conversations").startswith("Mes conversations 1 conversation non lue.")
    assert card(response, "h-offers") == "Mes offres Cours de poterie"
    deals = card(response, "h-deals")
    assert "Logo En cours — Sous-traitance · avec Bob Durand" in deals
    assert "Salon Terminée — Cotraitance · pour Carol Petit" in deals
    assert "Annulée" not in deals
    # only the feedback still to give: alice has spoken of bob, not yet of carol
    assert card(response, "h-prompts") == (
        "Retours à laisser Salon — dites comment s'est passée la collaboration avec Carol Petit"
    )
    # counts only, never what was said
    assert "1 personne a dit qu'elle retravaillerait avec vous, 1 que non." in deals
    assert "secret" not in text(response)


def test_the_space_links_to_the_other_areas(client, alice, bob):
    wanted = request_by(alice, "Refonte du site")
    offer = Offer.objects.create(member=alice, title="Cours de poterie", description="…")
    client.force_login(alice.user)

    body = text(client.get(SPACE))

    for url in (
        reverse("marketplace:request_detail", args=[wanted.pk]),
        reverse("marketplace:offer_detail", args=[offer.pk]),
        reverse("marketplace:conversation_list"),
        reverse("marketplace:deal_create"),
    ):
        assert f'href="{url}' in body


def test_space_queries_do_not_grow_with_its_rows(client, alice, bob):
    client.force_login(alice.user)
    fill_space(alice, bob, 1)
    with_one = queries_to_render(client, SPACE)
    fill_space(alice, bob, 2)

    with_three = queries_to_render(client, SPACE)

    assert card(client.get(SPACE), "h-conversations").startswith(
        "Mes conversations 3 conversations non lues."
    )
    assert with_three == with_one


# ---------------------------------------------------------------- statistics page


@pytest.mark.parametrize("who", ["antoine", "alice"])
def test_statistics_are_for_management_only(client, request, who):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))

    response = client.get(STATS)

    assert response.status_code == 403


def test_anonymous_is_sent_to_login_from_the_statistics(client, db):
    assert client.get(STATS).status_code == 302


def test_staff_read_the_figures_month_by_month(client, claire, alice, bob, carol):
    make_deal(alice, [bob], kind=DealKind.PURCHASE, amount="300", start_date=dt.date(2026, 3, 2))
    make_deal(bob, [alice], kind=DealKind.PURCHASE, amount="100", start_date=dt.date(2026, 3, 9))
    make_deal(
        alice, [bob], kind=DealKind.SUBCONTRACTING, amount="50", start_date=dt.date(2026, 5, 1)
    )
    make_deal(alice, [bob], kind=DealKind.TENDER, amount="900", start_date=dt.date(2025, 5, 1))
    client.force_login(claire)

    response = client.get(STATS, {"annee": "2026"})

    assert response.status_code == 200
    summary = card(response, "h-summary")
    # carol has no deal: two members out of three
    assert summary == (
        "En bref Affaires 3 Montant total HT 450,00 € Membres ayant au moins une affaire "
        "66,7 % Mises en relation par l'accompagnement 0"
    )
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(2026-0[35])</th>(.*?)</tr>", text(response), re.S)
    assert [(m, plain(cells)) for m, cells in rows] == [
        ("2026-03", "2 0 0 0 0 2 400,00"),
        ("2026-05", "0 1 0 0 0 1 50,00"),
    ]
    # bars: the busiest month is full width, the other in proportion
    assert re.findall(r'class="bar" aria-hidden="true"><span class="w-(\d+)"', text(response))[
        2:5
    ] == [
        "100",
        "0",
        "50",
    ]


def test_the_statistics_page_runs_a_fixed_number_of_queries(client, claire, alice, bob):
    client.force_login(claire)
    make_deal(alice, [bob], start_date=dt.date(2026, 3, 2))
    with_one = queries_to_render(client, STATS)
    make_deal(bob, [alice], start_date=dt.date(2026, 4, 2))
    make_deal(alice, [bob], start_date=dt.date(2026, 5, 2))

    assert queries_to_render(client, STATS) == with_one
