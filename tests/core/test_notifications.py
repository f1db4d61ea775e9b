"""Notifications: telling people in the app, e-mailing them at once or as digests, the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from essaim.core import context_processors, notifications
from essaim.core.models import EmailFrequency, Notification, NotificationSettings
from tests.members.pages import (
    errors,
    fast_passwords,  # noqa: F401
    login_url,
    page_messages,
    plain,
    queries_to_render,
    text,
)

LIST = reverse("notifications:list")
SETTINGS = reverse("notifications:settings")
MARK_ALL = reverse("notifications:mark_all_read")


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.ESSAIM_SITE_URL = "https://essaim.coop.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def open_url(note: Notification) -> str:
    return reverse("notifications:open", args=[note.pk])


def choose(user, frequency: str) -> None:
    notifications.settings_update(user=user, email_frequency=frequency)


def tell(user, title: str = "Nouvelle demande", **extra) -> Notification:
    [note] = notifications.notify(users=[user], kind="test", title=title, **extra)
    return note


def nav_link(response) -> str:
    """The words of the nav's notifications link, as a screen reader says them."""
    link = re.search(r'<a href="/notifications/"[^>]*>(.*?)</a>', text(response), re.S)
    assert link is not None
    return re.sub(r"<[^>]+>", "", link.group(1))


def shown(response) -> list[tuple[str, bool]]:
    """(title, unread) of each notification listed, in order."""
    body = text(response)
    return [
        (plain(title), "unread" in classes)
        for classes, title in re.findall(
            r'<li class="notification([^"]*)">.*?<button[^>]*>(.*?)</button>', body, re.S
        )
    ]


# --- notify ------------------------------------------------------------------------------------


def test_notify_tells_each_active_person_once(antoine, berenice, claire):
    claire.is_active = False
    claire.save()

    created = notifications.notify(
        users=[antoine, None, berenice, antoine, claire],
        kind="message",
        title="Nouveau message",
        body="Bonjour",
        url="/marche/conversations/1/",
    )

    assert sorted(
        Notification.objects.values_list("user__email", "kind", "title", "body", "url", "read_at")
    ) == [
        (
            "antoine@coop.example",
            "message",
            "Nouveau message",
            "Bonjour",
            "/marche/conversations/1/",
            None,
        ),
        (
            "berenice@coop.example",
            "message",
            "Nouveau message",
            "Bonjour",
            "/marche/conversations/1/",
            None,
        ),
    ]
    assert len(created) == 2


def test_notify_nobody_writes_nothing(db):
    assert notifications.notify(users=[None], kind="test", title="Rien") == []
    assert not Notification.objects.exists()


def test_immediate_email_goes_after_the_commit(
    antoine, berenice, django_capture_on_commit_callbacks
):
    choose(antoine, EmailFrequency.IMMEDIATE)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            users=[antoine, berenice],
            kind="message",
            title="Nouveau message de Bob",
            body="Êtes-vous libre mardi ?",
            url="/marche/conversations/7/",
        )
        assert mail.outbox == []  # nothing leaves before the commit

    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (
            ["antoine@coop.example"],
            "Nouveau message de Bob",
            "Êtes-vous libre mardi ?\n\nhttps://essaim.coop.example/marche/conversations/7/",
        )
    ]
    emailed = dict(Notification.objects.values_list("user__email", "emailed_at"))
    assert emailed["antoine@coop.example"] is not None
    assert emailed["berenice@coop.example"] is None  # her daily digest will carry it


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("serveur de courriel injoignable")


def test_a_mail_server_down_does_not_fail_the_action_and_the_digest_retries(
    antoine, settings, django_capture_on_commit_callbacks
):
    choose(antoine, EmailFrequency.IMMEDIATE)
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"

    with django_capture_on_commit_callbacks(execute=True):
        tell(antoine, "Message important")

    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_digests() == 1
    assert "• Message important" in mail.outbox[0].body
    assert Notification.objects.get().emailed_at is not None


# --- digests -----------------------------------------------------------------------------------


def test_daily_digest_once_a_day_with_what_is_new(antoine):
    start = timezone.now()
    tell(antoine, "Demande : site web", url="/marche/demandes/1/")
    tell(antoine, "Demande : logo")

    assert notifications.send_digests(now=start) == 1
    [digest] = mail.outbox
    assert (digest.to, digest.subject) == (
        ["antoine@coop.example"],
        "Essaim : 2 nouvelles notifications",
    )
    assert digest.body.splitlines()[:5] == [
        "Vous avez 2 nouvelles notifications dans Essaim :",
        "",
        "• Demande : site web",
        "  https://essaim.coop.example/marche/demandes/1/",
        "• Demande : logo",
    ]

    tell(antoine, "Demande : photos")
    assert notifications.send_digests(now=start + dt.timedelta(hours=23)) == 0
    assert notifications.send_digests(now=start + dt.timedelta(days=1)) == 1
    assert mail.outbox[1].subject == "Essaim : 1 nouvelle notification"
    assert "• Demande : photos" in mail.outbox[1].body
    assert "logo" not in mail.outbox[1].body  # already sent
    assert notifications.send_digests(now=start + dt.timedelta(days=3)) == 0  # nothing new


def test_weekly_digest_waits_a_week(antoine):
    choose(antoine, EmailFrequency.WEEKLY)
    start = timezone.now()
    tell(antoine)
    assert notifications.send_digests(now=start) == 1

    tell(antoine, "Une autre")
    assert notifications.send_digests(now=start + dt.timedelta(days=6)) == 0
    assert notifications.send_digests(now=start + dt.timedelta(days=7)) == 1
    assert len(mail.outbox) == 2


def test_never_means_no_email_but_the_notification_stays(antoine):
    choose(antoine, EmailFrequency.NEVER)
    tell(antoine)

    assert notifications.send_digests(now=timezone.now() + dt.timedelta(days=30)) == 0
    assert mail.outbox == []
    assert Notification.objects.filter(user=antoine, emailed_at__isnull=True).count() == 1


def test_digests_leave_out_what_was_read_and_inactive_people(antoine, berenice):
    read = tell(antoine, "Déjà lue")
    notifications.notification_mark_read(user=antoine, notification=read)
    tell(berenice)
    berenice.is_active = False
    berenice.save()

    assert notifications.send_digests() == 0
    assert mail.outbox == []


def test_send_digests_command_says_how_many_went(antoine, berenice, claire, capsys):
    tell(antoine)
    tell(berenice)

    call_command("send-digests")

    assert capsys.readouterr().out == "2 e-mails envoyés.\n"
    assert sorted(m.to[0] for m in mail.outbox) == ["antoine@coop.example", "berenice@coop.example"]


# --- pages -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, antoine):
    note = tell(antoine)
    for url, method in (
        (LIST, "get"),
        (SETTINGS, "get"),
        (MARK_ALL, "post"),
        (open_url(note), "post"),
    ):
        response = getattr(client, method)(url)
        assert (response.status_code, response.url) == (302, login_url(url))
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize("persona", ["claire", "antoine", "alice"])
def test_everyone_sees_their_own_notifications_newest_first(client, request, persona, berenice):
    person = request.getfixturevalue(persona)
    user = getattr(person, "user", person)
    older = tell(user, "Ancienne")
    Notification.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    read = tell(user, "Lue")
    notifications.notification_mark_read(user=user, notification=read)
    tell(user, "Récente")
    tell(berenice, "Pas pour vous")
    client.force_login(user)

    response = client.get(LIST)

    assert response.status_code == 200
    assert shown(response) == [
        ("Nouvelle Récente", True),
        ("Lue", False),
        ("Nouvelle Ancienne", True),
    ]
    assert nav_link(response) == "Notifications (2 non lues)"
    assert "Tout marquer comme lu" in text(response)


def test_nav_counts_nothing_when_all_is_read(client, antoine):
    client.force_login(antoine)

    response = client.get(LIST)
    body = plain(text(response))

    assert nav_link(response) == "Notifications"
    assert "Tout marquer comme lu" not in body
    assert "Aucune notification pour le moment." in body


def test_opening_marks_read_and_goes_to_its_page(client, antoine):
    note = tell(antoine, url="/marche/conversations/3/")
    client.force_login(antoine)

    response = client.post(open_url(note))

    assert (response.status_code, response.url) == (302, "/marche/conversations/3/")
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("url", ["", "https://ailleurs.example/piege", "//ailleurs.example/"])
def test_opening_without_a_page_of_ours_goes_back_to_the_list(client, antoine, url):
    note = tell(antoine, url=url)
    client.force_login(antoine)

    response = client.post(open_url(note))

    assert (response.status_code, response.url) == (302, LIST)
    assert Notification.objects.get().read_at is not None


def test_opening_is_a_post_and_someone_elses_is_not_found(client, antoine, berenice):
    note = tell(berenice)
    client.force_login(antoine)

    assert client.get(open_url(tell(antoine))).status_code == 405
    assert client.post(open_url(note)).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_only_touches_mine(client, antoine, berenice):
    tell(antoine)
    tell(antoine)
    theirs = tell(berenice)
    client.force_login(antoine)

    response = client.post(MARK_ALL, follow=True)

    assert page_messages(response) == ["2 notifications marquées comme lues."]
    assert not Notification.objects.filter(user=antoine, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    again = client.post(MARK_ALL, follow=True)
    assert page_messages(again) == ["Toutes vos notifications étaient déjà lues."]


def test_settings_page_changes_the_frequency(client, antoine):
    client.force_login(antoine)

    page = client.get(SETTINGS)
    assert page.status_code == 200
    assert re.search(
        r'<input type="radio" name="email_frequency" value="daily"[^>]*checked', text(page)
    )
    assert "Recevoir mes notifications par e-mail" in text(page)

    response = client.post(SETTINGS, {"email_frequency": "weekly"}, follow=True)

    assert page_messages(response) == ["Vos réglages de notification sont enregistrés."]
    assert NotificationSettings.objects.get(user=antoine).email_frequency == "weekly"


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"email_frequency": "hourly"}, "Choisissez une des fréquences proposées."),
        ({}, "Choisissez à quelle fréquence recevoir les e-mails."),
    ],
)
def test_settings_refuse_an_unknown_frequency_in_french(client, antoine, posted, message):
    client.force_login(antoine)

    response = client.post(SETTINGS, posted)

    assert response.status_code == 200
    assert errors(response) == [message]
    assert not NotificationSettings.objects.exists()


def test_the_list_is_paginated(client, antoine, settings):
    settings.ESSAIM_PAGE_SIZE = 2
    for title in ("Un", "Deux", "Trois"):
        tell(antoine, title)
    client.force_login(antoine)

    second = client.get(LIST, {"page": 2})

    assert [title for title, _unread in shown(second)] == ["Nouvelle Un"]
    assert "Page 2 sur 2" in plain(text(second))


def test_list_queries_do_not_grow_with_notifications(client, antoine):
    client.force_login(antoine)
    tell(antoine, "Un", body="Texte")
    one = queries_to_render(client, LIST)

    tell(antoine, "Deux", body="Texte", url="/a/")
    notifications.notification_mark_read(user=antoine, notification=tell(antoine, "Trois"))

    assert queries_to_render(client, LIST) == one


def test_the_nav_count_costs_one_query_and_only_when_shown(antoine, rf, django_assert_num_queries):
    tell(antoine)
    tell(antoine)
    request = rf.get("/")
    request.user = antoine

    with django_assert_num_queries(0):
        context = context_processors.roles(request)
    with django_assert_num_queries(1):
        counts = [context["unread_notifications"](), context["unread_notifications"]()]

    assert counts == [2, 2]
