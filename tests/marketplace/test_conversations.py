"""Conversations: the simple contact procedure between members, and who may read them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from essaim.core import notifications
from essaim.core.models import AuditEntry, EmailFrequency, Notification
from essaim.marketplace.models import (
    Conversation,
    ConversationParticipant,
    Message,
    RequestKind,
    RequestStatus,
    WorkRequest,
)
from essaim.marketplace.services import conversations as services
from tests.factories import MemberFactory, UserFactory
from tests.members.pages import (
    ROLE_REFUSED,
    errors,
    fast_passwords,  # noqa: F401
    login_url,
    page_messages,
    plain,
    queries_to_render,
    text,
)
from tests.skills.directory_data import leave

LIST = reverse("marketplace:conversation_list")
START = reverse("marketplace:conversation_start")


def detail_url(conversation: Conversation) -> str:
    return reverse("marketplace:conversation_detail", args=[conversation.pk])


def post_url(conversation: Conversation) -> str:
    return reverse("marketplace:message_post", args=[conversation.pk])


@pytest.fixture
def carol(db):
    return MemberFactory(first_name="Carol", last_name="Petit", email="carol@example.org")


def work_request(
    author, *, status=RequestStatus.OPEN, title="Site web pour un salon"
) -> WorkRequest:
    return WorkRequest.objects.create(
        author=author,
        kind=RequestKind.SUBCONTRACTING,
        title=title,
        description="Un site vitrine de cinq pages.",
        answer_deadline=timezone.localdate() + dt.timedelta(days=20),
        status=status,
    )


def started(author, other, *, subject="Votre offre de photos", body="Bonjour !", request=None):
    return services.conversation_start(
        actor=author.user,
        author=author,
        participants=[other],
        subject=subject,
        body=body,
        request=request,
    )


def thread(response) -> list[str]:
    """Each message shown, as read on screen."""
    body = text(response)
    return [plain(m) for m in re.findall(r'<li class="post[^"]*"[^>]*>(.*?)</li>', body, re.S)]


def listed(response) -> list[tuple[str, bool]]:
    """(subject, unread) of each conversation of the list page, in order."""
    body = text(response)
    return [
        (plain(re.sub(r'<span class="badge new">.*?</span>', "", subject)), "unread" in classes)
        for classes, subject in re.findall(
            r'<li class="conversation([^"]*)">\s*<h2><a[^>]*>(.*?)</a>', body, re.S
        )
    ]


def nothing_written() -> bool:
    return not (
        Conversation.objects.exists()
        or Message.objects.exists()
        or Notification.objects.exists()
        or AuditEntry.objects.filter(action__startswith="conversation.").exists()
    )


# --- starting a conversation --------------------------------------------------------------------


def test_contacter_opens_a_conversation_and_tells_the_other(client, alice, bob):
    client.force_login(alice.user)

    form = client.get(START, {"avec": bob.pk})
    response = client.post(
        START, {"avec": bob.pk, "subject": " Un logo ", "body": "Bonjour Bob,\nvous êtes libre ?"}
    )

    assert form.status_code == 200
    assert "Écrire à Bob Durand" in plain(text(form))
    conversation = Conversation.objects.get()
    assert (response.status_code, response.url) == (302, detail_url(conversation))
    assert (conversation.subject, conversation.request) == ("Un logo", None)
    assert sorted(conversation.participants.values_list("member__first_name", flat=True)) == [
        "Alice",
        "Bob",
    ]
    assert list(conversation.messages.values_list("author", "body")) == [
        (alice.pk, "Bonjour Bob,\nvous êtes libre ?")
    ]
    assert list(Notification.objects.values_list("user", "kind", "title", "body", "url")) == [
        (
            bob.user.pk,
            "message",
            "Nouveau message de Alice Martin : Un logo",
            "Bonjour Bob,\nvous êtes libre ?",
            detail_url(conversation),
        )
    ]
    assert list(
        AuditEntry.objects.filter(action__startswith="conversation.").values_list(
            "action", "actor", "data"
        )
    ) == [
        (
            "conversation.started",
            alice.user.pk,
            {"author": alice.pk, "participants": [bob.pk], "request": None},
        )
    ]


def test_the_other_gets_an_email_at_once_when_they_chose_so(
    client, alice, bob, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ESSAIM_SITE_URL = "https://essaim.coop.example"
    notifications.settings_update(user=bob.user, email_frequency=EmailFrequency.IMMEDIATE)
    client.force_login(alice.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(START, {"avec": bob.pk, "subject": "Un logo", "body": "Bonjour Bob"})

    conversation = Conversation.objects.get()
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (
            ["bob@example.org"],
            "Nouveau message de Alice Martin : Un logo",
            f"Bonjour Bob\n\nhttps://essaim.coop.example{detail_url(conversation)}",
        )
    ]


def test_contacting_about_a_request_takes_its_title(client, alice, bob):
    request = work_request(bob)
    client.force_login(alice.user)

    form = client.get(START, {"avec": bob.pk, "demande": request.pk})
    response = client.post(
        START, {"avec": bob.pk, "demande": request.pk, "subject": "", "body": "Je suis libre."}
    )

    assert 'value="Site web pour un salon"' in text(form)
    assert "À propos de la demande « Site web pour un salon »" in plain(text(form))
    conversation = Conversation.objects.get()
    assert response.url == detail_url(conversation)
    assert (conversation.subject, conversation.request) == ("Site web pour un salon", request)


def test_the_author_of_a_request_contacts_a_member_about_it(client, alice, bob):
    request = work_request(bob)
    client.force_login(bob.user)

    client.post(START, {"avec": alice.pk, "demande": request.pk, "body": "Intéressée ?"})

    conversation = Conversation.objects.get()
    assert (conversation.request, conversation.subject) == (request, "Site web pour un salon")
    assert Notification.objects.get().user == alice.user


def test_an_existing_conversation_on_the_request_is_offered(client, alice, bob):
    request = work_request(bob)
    earlier = started(alice, bob, request=request)
    client.force_login(alice.user)

    page = client.get(START, {"avec": bob.pk, "demande": request.pk})

    assert f'href="{detail_url(earlier)}">La reprendre</a>' in text(page)


@pytest.mark.parametrize(
    ("who", "posted", "message"),
    [
        (
            "bob",
            {"subject": "Un logo", "body": "  "},
            "Écrivez votre message : il est vide.",
        ),
        (
            None,
            {"avec": "99999", "subject": "Un logo", "body": "Bonjour"},
            "Aucun membre ne correspond au numéro « 99999 » : revenez à l'annuaire et choisissez "
            "« Contacter » sur la fiche de la personne.",
        ),
        (
            None,
            {"avec": "bob", "subject": "Un logo", "body": "Bonjour"},
            "Aucun membre ne correspond au numéro « bob » : revenez à l'annuaire et choisissez "
            "« Contacter » sur la fiche de la personne.",
        ),
        (
            None,
            {"subject": "Un logo", "body": "Bonjour"},
            "Choisissez d'abord la personne à contacter : bouton « Contacter » sur sa fiche de "
            "l'annuaire ou sur une demande.",
        ),
        (
            "alice",
            {"subject": "Un logo", "body": "Bonjour"},
            "Vous ne pouvez pas ouvrir une conversation avec vous-même : choisissez un autre "
            "membre.",
        ),
        ("bob", {"subject": "", "body": "Bonjour"}, "Indiquez l'objet de la conversation."),
        (
            "bob",
            {"subject": "x" * 201, "body": "Bonjour"},
            "L'objet est trop long : 200 caractères au plus.",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(
    client, alice, bob, who, posted, message
):
    if who is not None:
        posted = {"avec": {"alice": alice, "bob": bob}[who].pk, **posted}
    client.force_login(alice.user)

    response = client.post(START, posted)

    assert response.status_code == 200
    assert errors(response) == [message]
    assert nothing_written()


def test_a_member_who_has_left_cannot_be_written_to(client, alice, bob):
    leave(bob)
    client.force_login(alice.user)

    form = client.get(START, {"avec": bob.pk})
    response = client.post(START, {"avec": bob.pk, "subject": "Un logo", "body": "Bonjour"})

    said = "Bob Durand a quitté la coopérative : vous ne pouvez plus lui écrire ici."
    assert errors(form) == [said]
    assert '<textarea name="body"' not in text(form)  # no form to fill in vain
    assert errors(response) == [said]
    assert nothing_written()


def test_a_member_without_an_account_cannot_be_written_to(client, alice):
    no_account = MemberFactory(first_name="Denis", last_name="Sans", user=None)
    client.force_login(alice.user)

    response = client.post(START, {"avec": no_account.pk, "subject": "Un logo", "body": "Bonjour"})

    assert errors(response) == [
        "Denis Sans n'a pas de compte Essaim actif et ne pourrait pas lire votre message : "
        "contactez cette personne par e-mail ou par téléphone."
    ]
    assert nothing_written()


def test_a_request_conversation_must_include_its_author(client, alice, bob, carol):
    request = work_request(bob)
    client.force_login(alice.user)

    response = client.post(START, {"avec": carol.pk, "demande": request.pk, "body": "Bonjour"})

    assert errors(response) == [
        "Une conversation sur la demande « Site web pour un salon » réunit son auteur·e et un "
        "membre : l'auteur·e de la demande doit en faire partie."
    ]
    assert nothing_written()


@pytest.mark.parametrize("demande", ["draft", "unknown"])
def test_a_request_one_cannot_see_is_refused(client, alice, bob, demande):
    pk = work_request(bob, status=RequestStatus.DRAFT).pk if demande == "draft" else 4242
    client.force_login(alice.user)

    response = client.post(START, {"avec": bob.pk, "demande": pk, "body": "Bonjour"})

    assert errors(response) == [
        f"Aucune demande visible ne correspond au numéro « {pk} » : revenez à la liste des "
        "demandes."
    ]
    assert "Brouillon" not in text(response) and "Site web" not in text(response)
    assert nothing_written()


# --- reading and answering ----------------------------------------------------------------------


def test_participants_read_the_thread_and_reading_clears_its_notifications(client, alice, bob):
    conversation = started(alice, bob, body="Bonjour Bob")
    services.message_post(
        actor=alice.user, conversation=conversation, author=alice, body="Vous êtes là ?"
    )
    other = notifications.notify(users=[bob.user], kind="test", title="Autre chose")[0]
    client.force_login(bob.user)

    response = client.get(detail_url(conversation))

    assert response.status_code == 200
    assert [re.sub(r" \d\d/\d\d/\d{4} \d\d:\d\d", "", m) for m in thread(response)] == [
        "Alice Martin Nouveau Bonjour Bob",
        "Alice Martin Nouveau Vous êtes là ?",
    ]
    assert not Notification.objects.filter(user=bob.user, read_at__isnull=True).exclude(pk=other.pk)
    other.refresh_from_db()
    assert other.read_at is None
    assert ConversationParticipant.objects.get(member=bob).last_read_at is not None
    again = [
        re.sub(r" \d\d/\d\d/\d{4} \d\d:\d\d", "", m)
        for m in thread(client.get(detail_url(conversation)))
    ]
    assert again == ["Alice Martin Bonjour Bob", "Alice Martin Vous êtes là ?"]


def test_an_answer_is_added_and_tells_the_others(client, alice, bob):
    conversation = started(alice, bob)
    client.force_login(bob.user)

    response = client.post(post_url(conversation), {"body": "Avec plaisir."}, follow=True)

    answer = Message.objects.get(author=bob)
    assert response.redirect_chain == [(f"{detail_url(conversation)}#message-{answer.pk}", 302)]
    assert page_messages(response) == ["Message envoyé."]
    assert [m.split(" ", 1)[0] for m in thread(response)] == ["Alice", "Vous"]
    conversation.refresh_from_db()
    assert conversation.last_message_at == answer.created_at
    assert list(
        Notification.objects.filter(user=alice.user).values_list("title", "body", "url")
    ) == [
        (
            "Nouveau message de Bob Durand : Votre offre de photos",
            "Avec plaisir.",
            detail_url(conversation),
        )
    ]
    assert AuditEntry.objects.filter(
        action="conversation.message_posted", actor=bob.user, data__message=answer.pk
    ).exists()


def test_an_empty_answer_is_refused_in_french(client, alice, bob):
    conversation = started(alice, bob)
    client.force_login(bob.user)

    response = client.post(post_url(conversation), {"body": "   "})

    assert response.status_code == 200
    assert errors(response) == ["Écrivez votre message : il est vide."]
    assert Message.objects.count() == 1
    assert not Notification.objects.filter(user=alice.user).exists()


def test_my_conversations_say_which_have_news(client, alice, bob, carol):
    read = started(alice, bob, subject="Lue")
    unread = started(carol, alice, subject="Pas lue")
    started(bob, carol, subject="Pas la mienne")
    Conversation.objects.filter(pk=read.pk).update(
        last_message_at=timezone.now() - dt.timedelta(hours=1)
    )
    ConversationParticipant.objects.filter(conversation=read).update(last_read_at=timezone.now())
    client.force_login(alice.user)

    response = client.get(LIST)

    assert listed(response) == [("Pas lue", True), ("Lue", False)]
    assert "Avec Carol Petit" in plain(text(response))
    client.get(detail_url(unread))
    assert listed(client.get(LIST)) == [("Pas lue", False), ("Lue", False)]


def test_list_queries_do_not_grow_with_conversations(client, alice, bob, carol):
    client.force_login(alice.user)
    started(alice, bob)
    one = queries_to_render(client, LIST)

    started(carol, alice, request=work_request(carol))
    third = MemberFactory()
    started(alice, third)
    services.message_post(
        actor=None, conversation=Conversation.objects.first(), author=third, body="Oui"
    )

    assert queries_to_render(client, LIST) == one


# --- who may not --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, alice, bob):
    conversation = started(alice, bob)
    for url in (LIST, START, detail_url(conversation)):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, login_url(url))
    response = client.post(post_url(conversation), {"body": "Coucou"})
    assert (response.status_code, response.url) == (302, login_url(post_url(conversation)))
    assert Message.objects.count() == 1


@pytest.mark.parametrize("persona", ["claire", "antoine", "berenice"])
def test_staff_and_advisors_do_not_read_conversations(client, request, alice, bob, persona):
    """Not even alice's own advisor (antoine): conversations are their participants' only."""
    conversation = started(alice, bob)
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.get(LIST),
        client.get(START, {"avec": alice.pk}),
        client.get(detail_url(conversation)),
        client.post(post_url(conversation), {"body": "Je m'en mêle"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert all(ROLE_REFUSED in text(r) for r in responses)
    assert "Bonjour" not in text(responses[2])
    assert Message.objects.count() == 1


def test_other_members_get_not_found(client, alice, bob, carol):
    conversation = started(alice, bob, subject="Secret", body="Entre nous")
    client.force_login(carol.user)

    page = client.get(detail_url(conversation))
    posted = client.post(post_url(conversation), {"body": "Je m'incruste"})
    their_list = client.get(LIST)

    assert (page.status_code, posted.status_code) == (404, 404)
    assert "Entre nous" not in text(page)
    assert listed(their_list) == []
    assert Message.objects.count() == 1
    assert not Notification.objects.filter(user__in=[alice.user, carol.user]).exists()


def test_an_entrepreneur_account_without_a_member_record_is_refused(client, alice, bob):
    conversation = started(alice, bob)
    client.force_login(UserFactory(email="sans-fiche@example.org"))

    assert client.get(LIST).status_code == 403
    assert client.get(START, {"avec": bob.pk}).status_code == 403
    assert client.get(detail_url(conversation)).status_code == 403


def test_the_service_refuses_an_author_outside_the_conversation(alice, bob, carol):
    conversation = started(alice, bob)

    with pytest.raises(ValidationError, match="Vous ne participez pas à cette conversation."):
        services.message_post(actor=carol.user, conversation=conversation, author=carol, body="Hé")

    assert Message.objects.count() == 1
