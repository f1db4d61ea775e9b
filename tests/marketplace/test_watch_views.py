"""The business watch's pages: who may see, post, import and subscribe; the feed's order and
filters; « Répondre à plusieurs »; a fixed number of queries per list."""

# The fixtures imported from offers_fixtures are parameters of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essaim.marketplace.models import Opportunity, WatchSubscription, WorkRequest
from essaim.marketplace.services.watch import subscription_set
from tests.factories import UserFactory
from tests.marketplace.offers_fixtures import (  # noqa: F401
    entrepreneur,
    listed,
    make_opportunity,
    tree,
)
from tests.members.pages import (
    ROLE_REFUSED,
    days,
    errors,
    login_url,
    page_messages,
    plain,
    queries_to_render,
    section,
    text,
)

LIST = reverse("marketplace:watch_list")
CREATE = reverse("marketplace:watch_create")
IMPORT = reverse("marketplace:watch_import")
SUBSCRIPTIONS = reverse("marketplace:watch_subscriptions")
PREFIX = "/marche/veille/"
HEADER = "reference;type;titre;description;client;competences;date_limite;lien;departement;budget"


def feed(response) -> list[int]:
    return listed(response, PREFIX, "opportunity-list")


def upload(text: str, name: str = "opportunites.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def close(opp: Opportunity) -> Opportunity:
    Opportunity.objects.filter(pk=opp.pk).update(deadline=days(-1))
    opp.refresh_from_db()
    return opp


# --- who may see and do what -------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, CREATE, IMPORT, SUBSCRIPTIONS, "/marche/veille/1/"])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert (response.status_code, response.url) == (302, login_url(url))


@pytest.mark.parametrize("persona", ["antoine", "alice"])
def test_only_management_staff_import(client, request, persona):
    person = request.getfixturevalue(persona)
    client.force_login(getattr(person, "user", person))

    refused = client.post(IMPORT, {"file": upload(HEADER + "\nR1;ao;Titre;;;t-x;;;;\n")})

    assert refused.status_code == 403
    assert ROLE_REFUSED in text(refused)
    assert not Opportunity.objects.exists()


def test_advisors_read_the_watch_but_do_not_post(client, antoine, tree):
    opp = make_opportunity([tree.web])
    client.force_login(antoine)

    assert feed(client.get(LIST)) == [opp.pk]
    detail = text(client.get(reverse("marketplace:watch_detail", args=[opp.pk])))
    assert "Répondre à plusieurs" not in detail
    assert client.get(CREATE).status_code == 403
    assert client.get(SUBSCRIPTIONS).status_code == 403
    answer = client.post(reverse("marketplace:watch_to_request", args=[opp.pk]))
    assert answer.status_code == 403


def test_staff_post_and_import_but_do_not_subscribe(client, claire):
    client.force_login(claire)

    assert client.get(CREATE).status_code == 200
    assert client.get(IMPORT).status_code == 200
    assert client.get(SUBSCRIPTIONS).status_code == 403


def test_an_entrepreneur_account_without_a_member_record_cannot_subscribe(client, db):
    client.force_login(UserFactory(email="sans-fiche@example.org"))

    response = client.get(SUBSCRIPTIONS)

    assert response.status_code == 403
    assert "Aucune fiche de membre n'est rattachée à votre compte" in text(response)


# --- the feed -----------------------------------------------------------------------------------


def test_open_opportunities_come_first_newest_first(client, alice, tree):
    old_open = make_opportunity([tree.web], title="Ancienne ouverte")
    passed = close(make_opportunity([tree.web], title="Passée"))
    new_open = make_opportunity([tree.cut], title="Nouvelle ouverte", kind="lead")
    client.force_login(alice.user)

    response = client.get(LIST)

    assert feed(response) == [new_open.pk, old_open.pk, passed.pk]
    card = plain(section(response, f'<h2><a href="{PREFIX}{passed.pk}/"', "</li>\n"))
    assert "Date limite passée" in card


def test_the_feed_filters_by_kind_node_and_my_subscriptions(client, alice, tree):
    web = make_opportunity([tree.web], title="Site")
    cut = make_opportunity([tree.cut], title="Coupe", kind="lead")
    subscription_set(actor=None, member=alice, nodes=[tree.hairdresser])
    client.force_login(alice.user)

    assert feed(client.get(LIST, {"kind": "lead"})) == [cut.pk]
    assert feed(client.get(LIST, {"skill": "t-num"})) == [web.pk]
    assert feed(client.get(LIST, {"abonnements": "on"})) == [cut.pk]
    assert feed(client.get(LIST)) == [cut.pk, web.pk]


def test_matching_my_subscriptions_without_any_lists_nothing(client, alice, tree):
    make_opportunity([tree.web])
    client.force_login(alice.user)

    response = client.get(LIST, {"abonnements": "on"})

    assert feed(response) == []
    assert "Aucune opportunité ne correspond à vos abonnements" in text(response)


def test_the_feed_runs_the_same_queries_for_one_or_three_opportunities(client, alice, tree):
    subscription_set(actor=None, member=alice, nodes=[tree.hair, tree.digital])
    make_opportunity([tree.web, tree.cut], title="Première")

    def render_with(extra: int) -> int:
        for i in range(extra):
            make_opportunity([tree.vegetal, tree.web], title=f"Autre {i}", kind="lead")
        return queries_to_render(client, LIST + "?abonnements=on")

    client.force_login(alice.user)
    one = render_with(0)
    three = render_with(2)

    assert Opportunity.objects.count() == 3
    assert one == three


# --- the detail and « Répondre à plusieurs » ---------------------------------------------------


def test_the_detail_shows_the_opportunity(client, alice, bob, tree):
    subscription_set(actor=None, member=bob, nodes=[tree.digital])
    opp = make_opportunity([tree.web], title="Site", client="Ville de Montreuil")
    client.force_login(alice.user)

    body = plain(text(client.get(reverse("marketplace:watch_detail", args=[opp.pk]))))

    assert "Client Ville de Montreuil" in body
    assert "Développeur·se web t-num.web" in body
    assert "1 membre suit ces compétences" in body
    assert "Répondre à plusieurs" in body


def test_an_unknown_opportunity_is_a_404(client, alice):
    client.force_login(alice.user)

    assert client.get(reverse("marketplace:watch_detail", args=[999])).status_code == 404


def test_answering_together_drafts_a_request_and_opens_its_editor(client, alice, tree):
    opp = make_opportunity([tree.web], title="Site")
    client.force_login(alice.user)

    response = client.post(reverse("marketplace:watch_to_request", args=[opp.pk]))

    draft = WorkRequest.objects.get()
    assert response.url == reverse("marketplace:request_edit", args=[draft.pk])
    assert (draft.author, draft.kind, draft.opportunity) == (alice, "cocontracting", opp)


def test_a_passed_opportunity_offers_no_answer_and_refuses_one(client, alice, tree):
    opp = close(make_opportunity([tree.web]))
    url = reverse("marketplace:watch_detail", args=[opp.pk])
    client.force_login(alice.user)

    assert "Répondre à plusieurs" not in text(client.get(url))
    response = client.post(reverse("marketplace:watch_to_request", args=[opp.pk]))

    assert response.url == url
    assert "il est trop tard pour y répondre" in page_messages(client.get(url))[0]
    assert not WorkRequest.objects.exists()


def test_answering_needs_a_post(client, alice, tree):
    opp = make_opportunity([tree.web])
    client.force_login(alice.user)

    assert client.get(reverse("marketplace:watch_to_request", args=[opp.pk])).status_code == 405


# --- posting ------------------------------------------------------------------------------------


def test_an_entrepreneur_posts_an_opportunity(client, alice, bob, tree):
    subscription_set(actor=None, member=bob, nodes=[tree.digital])
    client.force_login(alice.user)

    response = client.post(
        CREATE,
        {
            "kind": "lead",
            "title": "Un site pour une boulangerie",
            "client": "Boulangerie Dupain",
            "nodes": [tree.web.code],
            "deadline": days(10).isoformat(),
            "zone": "93",
            "budget": "2 500",
        },
    )

    opp = Opportunity.objects.get()
    assert response.url == reverse("marketplace:watch_detail", args=[opp.pk])
    assert (opp.posted_by, opp.budget, opp.zone) == (alice.user, 2500, "93")
    assert bob.user.notifications.get().title == (
        "Nouvelle opportunité : Un site pour une boulangerie"
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"deadline": days(-1).isoformat()}, ["La date limite ({d}) est déjà passée."]),
        ({"nodes": None}, ["Choisissez au moins une compétence."]),
        (
            {"zone": "100"},
            ["« 100 » n'est pas un département français (ex. 75, 93, 2A, 974)."],
        ),
        (
            {"budget": "-5"},
            [
                "« -5 » n'est pas un montant : écrivez un nombre positif avec au plus deux "
                "décimales, par exemple 15000,00."
            ],
        ),
        (
            {"source_url": "ftp://x"},
            ["« ftp://x » n'est pas une adresse web : elle commence par https:// ou http://."],
        ),
    ],
)
def test_bad_input_is_shown_on_the_form(client, alice, tree, changes, expected):
    client.force_login(alice.user)
    data = {"kind": "tender", "title": "Site", "nodes": [tree.web.code]}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}

    response = client.post(CREATE, data)

    assert response.status_code == 200
    assert errors(response) == [m.format(d=days(-1).strftime("%d/%m/%Y")) for m in expected]
    assert not Opportunity.objects.exists()


# --- importing ----------------------------------------------------------------------------------


def test_staff_import_a_file(client, claire, tree):
    client.force_login(claire)
    text_ = f"{HEADER}\nR1;ao;Site;;;t-num.web;{days(9).isoformat()};;93;\n"

    response = client.post(IMPORT, {"file": upload(text_)})

    assert response.url == LIST
    assert Opportunity.objects.get().external_ref == "R1"
    assert page_messages(client.get(LIST)) == [
        "Import terminé : 1 opportunité(s) créée(s), 0 mise(s) à jour, 0 inchangée(s) ; "
        "0 personne(s) prévenue(s)."
    ]


def test_import_errors_are_shown_in_a_table_and_nothing_is_written(client, claire, tree):
    client.force_login(claire)
    text_ = f"{HEADER}\nR1;ao;Site;;;t-num.web;;;93;\nR2;job;;;;zorglub;;;;\n"

    response = client.post(IMPORT, {"file": upload(text_)})

    assert response.status_code == 200
    table = section(response, '<table class="import-errors">', "</table>")
    rows = [plain(row) for row in table.split("<tr>")[2:]]
    assert rows == [
        "3 type Type inconnu « job » : écrivez « appel d'offres » ou « piste client ».",
        "3 titre Valeur obligatoire manquante.",
        "3 competences « zorglub » n'est ni un code ni un libellé de la nomenclature : "
        "vérifiez l'orthographe, ou donnez le code (page Nomenclature).",
    ]
    assert "3 erreurs : rien n'a été importé." in plain(text(response))
    assert not Opportunity.objects.exists()


def test_only_csv_files_are_taken(client, claire):
    client.force_login(claire)

    response = client.post(IMPORT, {"file": upload("x", name="liste.xlsx")})

    assert errors(response) == ["Le fichier doit se terminer par .csv (reçu : liste.xlsx)."]


# --- subscriptions ------------------------------------------------------------------------------


def test_a_member_sets_their_subscriptions(client, alice, tree):
    subscription_set(actor=None, member=alice, nodes=[tree.cut])
    client.force_login(alice.user)

    page = text(client.get(SUBSCRIPTIONS))
    assert f'value="{tree.cut.code}" checked' in page
    response = client.post(SUBSCRIPTIONS, {"nodes": [tree.hair.code], "choice": tree.web.code})

    assert response.url == SUBSCRIPTIONS
    assert set(WatchSubscription.objects.filter(member=alice).values_list("node", flat=True)) == {
        tree.hair.pk,
        tree.web.pk,
    }
    assert page_messages(client.get(SUBSCRIPTIONS)) == [
        "Vos abonnements à la veille sont enregistrés."
    ]


def test_unchecking_everything_unsubscribes(client, alice, tree):
    subscription_set(actor=None, member=alice, nodes=[tree.cut])
    client.force_login(alice.user)

    client.post(SUBSCRIPTIONS, {})

    assert not WatchSubscription.objects.exists()
