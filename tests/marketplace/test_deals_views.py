"""Pages of the deals area: the list, recording a deal by hand, one deal with its status and
feedback. Each page refuses the roles that must not see it; lists do not grow in queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from essaim.marketplace.models import Deal, DealKind, DealOrigin, DealStatus, Feedback
from essaim.marketplace.services.deals import deal_set_status, feedback_leave
from essaim.members import services as member_services
from tests.marketplace import deals_fixtures as fx
from tests.marketplace.deals_fixtures import done_deal, make_deal, plain, queries_to_render, text

carol, dan = fx.carol, fx.dan  # fixtures

LIST = reverse("marketplace:deal_list")
CREATE = reverse("marketplace:deal_create")
SUGGEST = reverse("marketplace:deal_member_suggestions")
ROLE_REFUSED = "Cette page n'est pas accessible avec votre rôle."


def detail(deal: Deal) -> str:
    return reverse("marketplace:deal_detail", args=[deal.pk])


def listed_titles(response) -> list[str]:
    body = response.content.decode()
    return re.findall(r'<a href="/marche/affaires/\d+/">([^<]+)</a>', body)


def errors(response) -> list[str]:
    body = response.content.decode()
    found = [plain(m) for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', body, re.S)]
    for block in re.findall(r'<div class="errors"[^>]*>(.*?)</div>', body, re.S):
        found += [plain(m) for m in re.findall(r"<p>(.*?)</p>", block, re.S)]
    return found


def page_messages(response) -> list[str]:
    body = response.content.decode()
    return [plain(m) for m in re.findall(r'<p class="message[^"]*">(.*?)</p>', body, re.S)]


def login_url(path: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={path}"


# ---------------------------------------------------------------- the list


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_an_entrepreneur_lists_only_their_deals(client, alice, bob, carol):
    make_deal(alice, [bob], title="Logo")
    make_deal(bob, [carol], title="Comptabilité")
    client.force_login(alice.user)

    response = client.get(LIST)

    assert listed_titles(response) == ["Logo"]
    assert "<h1>Mes affaires</h1>" in text(response)


@pytest.mark.parametrize("who", ["antoine", "claire"])
def test_advisors_and_staff_list_every_deal_and_filter(client, request, alice, bob, carol, who):
    make_deal(alice, [bob], title="Logo", kind=DealKind.PURCHASE, start_date=dt.date(2025, 4, 1))
    make_deal(bob, [carol], title="Comptabilité", status=DealStatus.IN_PROGRESS)
    client.force_login(request.getfixturevalue(who))

    assert listed_titles(client.get(LIST)) == ["Comptabilité", "Logo"]
    assert listed_titles(client.get(LIST, {"kind": "purchase"})) == ["Logo"]
    assert listed_titles(client.get(LIST, {"status": "in_progress"})) == ["Comptabilité"]
    assert listed_titles(client.get(LIST, {"year": "2025"})) == ["Logo"]


def test_the_list_is_paginated(client, settings, claire, alice, bob):
    settings.ESSAIM_PAGE_SIZE = 2
    for n in range(3):
        make_deal(alice, [bob], title=f"Affaire {n}")
    client.force_login(claire)

    first, second = client.get(LIST), client.get(LIST, {"page": 2})

    assert listed_titles(first) == ["Affaire 2", "Affaire 1"]
    assert listed_titles(second) == ["Affaire 0"]


def test_list_queries_do_not_grow_with_the_deals(client, claire, alice, bob, carol, dan):
    client.force_login(claire)
    make_deal(alice, [bob, carol], title="Première")
    with_one = queries_to_render(client, LIST)
    make_deal(bob, [carol, dan], title="Deuxième")
    make_deal(dan, [alice], title="Troisième")

    with_three = queries_to_render(client, LIST)

    assert len(listed_titles(client.get(LIST))) == 3
    assert with_three == with_one


def test_an_entrepreneur_list_does_not_grow_either(client, alice, bob, carol):
    client.force_login(alice.user)
    make_deal(alice, [bob], title="Première")
    with_one = queries_to_render(client, LIST)
    make_deal(carol, [alice, bob], title="Deuxième")
    make_deal(alice, [carol], title="Troisième")

    assert queries_to_render(client, LIST) == with_one


# ---------------------------------------------------------------- recording a deal by hand


@pytest.mark.parametrize("who", ["antoine", "claire"])
def test_only_entrepreneurs_record_deals_by_hand(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(CREATE).status_code == 403
    assert client.get(SUGGEST, {"member_search": "dur"}).status_code == 403


def test_a_buyer_records_a_deal_with_a_member(client, alice, bob):
    client.force_login(alice.user)

    response = client.post(
        CREATE,
        {
            "role": "buyer",
            "members": [bob.pk],
            "kind": DealKind.SUBCONTRACTING,
            "title": "Traduction du site",
            "amount": "800,50",
            "hours": "12",
            "start_date": "2026-03-01",
            "end_date": "",
            "status": DealStatus.PLANNED,
            "origin": DealOrigin.INTRODUCTION,
        },
    )

    deal = Deal.objects.get()
    assert response.status_code == 302 and response.url == detail(deal)
    assert (deal.buyer, [link.member for link in deal.provider_links.all()]) == (alice, [bob])
    assert (str(deal.amount), str(deal.hours), deal.origin) == ("800.50", "12.0", "introduction")
    assert deal.created_by == alice.user


def test_a_provider_records_a_done_deal_for_their_buyer(client, alice, bob):
    client.force_login(bob.user)

    client.post(
        CREATE,
        {
            "role": "provider",
            "members": [alice.pk],
            "kind": DealKind.PURCHASE,
            "title": "Photos de la boutique",
            "amount": "300",
            "start_date": "2026-02-01",
            "end_date": "2026-02-03",
            "status": DealStatus.DONE,
            "origin": DealOrigin.DIRECT,
        },
    )

    deal = Deal.objects.get()
    assert (deal.buyer, deal.status, deal.done_at) == (alice, "done", dt.date(2026, 2, 3))
    assert [link.member for link in deal.provider_links.all()] == [bob]


BASE = {
    "role": "buyer",
    "kind": DealKind.PURCHASE,
    "title": "Logo",
    "amount": "100",
    "status": DealStatus.PLANNED,
    "origin": DealOrigin.DIRECT,
}


def test_choosing_no_member_shows_the_members_found(client, alice, bob):
    client.force_login(alice.user)

    response = client.post(CREATE, {**BASE, "member_search": "Durand"})

    assert errors(response) == [
        "Choisissez au moins un autre membre : tapez son nom, puis cochez-le."
    ]
    assert f'value="{bob.pk}"' in text(response)
    assert not Deal.objects.exists()


def test_a_provider_chooses_one_buyer_only(client, alice, bob, carol):
    client.force_login(alice.user)

    response = client.post(CREATE, {**BASE, "role": "provider", "members": [bob.pk, carol.pk]})

    assert errors(response) == [
        "Quand vous êtes prestataire, choisissez un seul membre : votre donneur d'ordre. "
        "Pour une réponse commune, c'est le membre qui la mène qui enregistre l'affaire."
    ]
    assert not Deal.objects.exists()


def test_bad_amounts_are_refused_in_french(client, alice, bob):
    client.force_login(alice.user)

    negative = client.post(CREATE, {**BASE, "members": [bob.pk], "amount": "-5"})
    exchange = client.post(
        CREATE, {**BASE, "members": [bob.pk], "kind": DealKind.EXCHANGE, "amount": "20"}
    )

    assert errors(negative) == ["Le montant ne peut pas être négatif (-5)."]
    assert errors(exchange) == [
        "Un échange de services se fait sans argent : laissez le montant vide."
    ]
    assert not Deal.objects.exists()


def test_oneself_or_a_member_who_left_cannot_be_chosen(client, alice, bob, carol):
    member_services.stage_add(actor=None, member=carol, kind="cape", start=dt.date(2025, 1, 1))
    member_services.member_exit(actor=None, member=carol, date=dt.date(2026, 1, 31), reason="other")
    client.force_login(alice.user)

    for chosen in (alice, carol):
        response = client.post(CREATE, {**BASE, "members": [bob.pk, chosen.pk]})

        assert errors(response) == [
            "Vous ne pouvez choisir ni vous-même, ni un membre qui a quitté la coopérative."
        ]
    assert not Deal.objects.exists()


def test_the_member_autocomplete_keeps_the_ticked_members(client, alice, bob, carol):
    client.force_login(alice.user)

    response = client.get(SUGGEST, {"member_search": "petit", "members": [bob.pk]})

    body = text(response)
    assert re.findall(r'id="member-(\d+)" value="\d+"( checked)?', body) == [
        (str(bob.pk), " checked"),
        (str(carol.pk), ""),
    ]
    assert client.get(SUGGEST, {"member_search": "martin"}).content.count(b"checkbox") == 0


# ---------------------------------------------------------------- one deal


@pytest.mark.parametrize("who", ["alice", "bob", "antoine", "berenice", "claire"])
def test_parties_advisors_and_staff_see_a_deal(client, request, alice, bob, who):
    deal = make_deal(alice, [bob], title="Logo")
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))

    response = client.get(detail(deal))

    assert response.status_code == 200
    assert "<h1>Logo</h1>" in text(response)


def test_a_third_member_is_refused_a_deal(client, alice, bob, carol):
    deal = make_deal(alice, [bob])
    client.force_login(carol.user)

    response = client.get(detail(deal))

    assert response.status_code == 403
    assert "Vous ne pouvez pas consulter cette affaire." in text(response)


def test_anonymous_is_sent_to_login_from_a_deal(client, alice, bob):
    deal = make_deal(alice, [bob])

    response = client.get(detail(deal))

    assert response.status_code == 302 and response.url == login_url(detail(deal))


def test_a_missing_deal_is_404(client, alice):
    client.force_login(alice.user)

    assert client.get(reverse("marketplace:deal_detail", args=[999])).status_code == 404


def status_buttons(response) -> list[str]:
    body = response.content.decode()
    return [
        plain(b) for b in re.findall(r'<div class="actions deal-status">(.*?)</div>', body, re.S)
    ]


def test_parties_and_staff_get_the_status_buttons_advisors_do_not(
    client, alice, bob, antoine, claire
):
    deal = make_deal(alice, [bob])
    for user in (bob.user, claire):
        client.force_login(user)
        assert status_buttons(client.get(detail(deal))) == ["Passer « en cours » Annuler l'affaire"]
    client.force_login(antoine)
    assert status_buttons(client.get(detail(deal))) == []


def test_a_party_moves_the_deal_along(client, alice, bob):
    deal = make_deal(alice, [bob], status=DealStatus.IN_PROGRESS)
    client.force_login(bob.user)

    response = client.post(
        reverse("marketplace:deal_status", args=[deal.pk]),
        {"status": "done", "done_at": "2026-04-02"},
        follow=True,
    )

    deal.refresh_from_db()
    assert (deal.status, deal.done_at) == (DealStatus.DONE, dt.date(2026, 4, 2))
    assert page_messages(response) == ["L'affaire est maintenant « Terminée »."]


def test_a_move_not_allowed_is_explained(client, alice, bob):
    deal = make_deal(alice, [bob])
    client.force_login(alice.user)

    response = client.post(
        reverse("marketplace:deal_status", args=[deal.pk]), {"status": "done"}, follow=True
    )

    assert page_messages(response) == ["Une affaire « Prévue » ne peut pas passer à « Terminée »."]
    deal.refresh_from_db()
    assert deal.status == DealStatus.PLANNED


@pytest.mark.parametrize("who", ["carol", "antoine"])
def test_others_cannot_move_a_deal(client, request, alice, bob, carol, who):
    deal = make_deal(alice, [bob])
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))

    response = client.post(
        reverse("marketplace:deal_status", args=[deal.pk]), {"status": "cancelled"}
    )

    assert response.status_code == 403
    deal.refresh_from_db()
    assert deal.status == DealStatus.PLANNED


# ---------------------------------------------------------------- feedback on the page

FEEDBACK = {
    "would_work_again": "oui",
    "quality": "5",
    "deadlines": "4",
    "communication": "5",
    "comment": "Un travail soigné, merci !",
}


def leave(client, deal: Deal, about, **changes):
    return client.post(
        reverse("marketplace:feedback_leave", args=[deal.pk]),
        {**FEEDBACK, "about": about.pk, **changes},
    )


def feedback_form_headings(response) -> list[str]:
    return [plain(h) for h in re.findall(r'<h3 id="h-fb-\d+">(.*?)</h3>', text(response))]


def test_a_done_deal_asks_each_party_for_feedback_on_the_others(client, alice, bob, carol):
    deal = done_deal(alice, [bob, carol], kind=DealKind.COCONTRACTING)
    client.force_login(bob.user)

    assert feedback_form_headings(client.get(detail(deal))) == [
        "Votre retour sur Alice Martin",
        "Votre retour sur Carol Petit",
    ]


def test_no_feedback_form_before_the_deal_is_done(client, alice, bob):
    deal = make_deal(alice, [bob], status=DealStatus.IN_PROGRESS)
    client.force_login(alice.user)

    assert feedback_form_headings(client.get(detail(deal))) == []
    assert leave(client, deal, bob).status_code == 403
    assert not Feedback.objects.exists()


def test_a_party_leaves_feedback_and_the_form_goes(client, alice, bob):
    deal = done_deal(alice, [bob])
    client.force_login(alice.user)

    response = leave(client, deal, bob)

    assert response.status_code == 302 and response.url == detail(deal)
    feedback = Feedback.objects.get()
    assert (feedback.author, feedback.about, feedback.would_work_again) == (alice, bob, True)
    page = client.get(detail(deal))
    assert feedback_form_headings(page) == []
    assert "Un travail soigné, merci !" in text(page)


def test_feedback_twice_is_refused(client, alice, bob):
    deal = done_deal(alice, [bob])
    client.force_login(alice.user)
    leave(client, deal, bob)
    client.get(detail(deal))  # reads the message of the first one

    response = leave(client, deal, bob, comment="Encore")

    assert page_messages(response) == [
        "Vous avez déjà laissé un retour sur Bob Durand pour cette affaire."
    ]
    assert Feedback.objects.count() == 1


def test_a_bad_rating_is_shown_on_the_form(client, alice, bob):
    deal = done_deal(alice, [bob])
    client.force_login(alice.user)

    response = leave(client, deal, bob, quality="6", would_work_again="")

    assert response.status_code == 200
    assert errors(response) == [
        "Répondez par oui ou par non.",
        "Donnez une note de 1 à 5.",
    ]
    assert not Feedback.objects.exists()


def test_a_third_member_cannot_leave_feedback(client, alice, bob, carol):
    deal = done_deal(alice, [bob])
    client.force_login(carol.user)

    assert leave(client, deal, bob).status_code == 403
    assert not Feedback.objects.exists()


@pytest.fixture
def feedback_given(alice, bob):
    deal = done_deal(alice, [bob])
    feedback_leave(
        actor=None,
        deal=deal,
        author=alice,
        about=bob,
        would_work_again=False,
        quality=2,
        deadlines=1,
        communication=3,
        comment="Des retards répétés.",
    )
    return deal


@pytest.mark.parametrize("who", ["alice", "bob", "antoine", "berenice"])
def test_feedback_is_read_by_the_parties_and_the_advisors(client, request, feedback_given, who):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))

    body = text(client.get(detail(feedback_given)))

    assert "Des retards répétés." in body
    assert "Ne retravaillerait pas avec cette personne." in body


def test_feedback_is_private_from_staff_who_see_only_a_count(client, feedback_given, claire):
    client.force_login(claire)

    body = text(client.get(detail(feedback_given)))

    assert "Des retards répétés." not in body
    assert "retravaillerait pas" not in body
    assert "1 autre retour, privé." in plain(body)


def test_feedback_between_two_others_stays_private_in_a_joint_deal(client, alice, bob, carol):
    deal = done_deal(alice, [bob, carol], kind=DealKind.COCONTRACTING)
    feedback_leave(
        actor=None,
        deal=deal,
        author=alice,
        about=bob,
        would_work_again=True,
        quality=5,
        deadlines=5,
        communication=5,
        comment="Bob au top.",
    )
    client.force_login(carol.user)

    body = text(client.get(detail(deal)))

    assert "Bob au top." not in body
    assert "1 autre retour, privé." in plain(body)


def test_detail_queries_do_not_grow_with_the_providers(client, claire, alice, bob, carol, dan):
    small = done_deal(alice, [bob])
    large = done_deal(alice, [bob, carol, dan], kind=DealKind.COCONTRACTING)
    client.force_login(claire)

    assert queries_to_render(client, detail(large)) == queries_to_render(client, detail(small))


def test_done_today_by_default_from_the_page(client, alice, bob):
    deal = make_deal(alice, [bob])
    deal_set_status(actor=None, deal=deal, status=DealStatus.IN_PROGRESS)
    client.force_login(alice.user)

    client.post(reverse("marketplace:deal_status", args=[deal.pk]), {"status": "done"})

    deal.refresh_from_db()
    assert deal.done_at == timezone.localdate()


def test_a_deal_recorded_as_done_without_an_end_was_done_today(client, alice, bob):
    client.force_login(alice.user)

    client.post(CREATE, {**BASE, "members": [bob.pk], "status": DealStatus.DONE})

    deal = Deal.objects.get()
    assert (deal.status, deal.done_at) == (DealStatus.DONE, timezone.localdate())
