"""Discussions: threads, replies, mentions and who is told (in the app, by e-mail as each
chose, not when they muted the group unless mentioned); shared files checked, served to
members only, never half-stored."""

# ruff: noqa: F811

from __future__ import annotations

import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from essaim.core.models import EmailFrequency, Notification, NotificationSettings
from essaim.groups.models import Membership, Post, SharedFile, Thread
from essaim.groups.services import discussions as services
from tests.groups.pages import closed, pdf, trade  # noqa: F401
from tests.members.pages import errors, page_messages, text


def told(member) -> list[tuple[str, str]]:
    return [(n.kind, n.title) for n in Notification.objects.filter(user=member.user)]


def test_a_new_thread_tells_the_other_members_and_mentions_stand_out(closed, alice):
    Notification.objects.all().delete()
    Membership.objects.filter(member=closed.denis).update(muted=True)

    thread = services.thread_start(
        actor=alice.user,
        group=closed.group,
        author=alice,
        title="Planning",
        body="@carole lefort peux-tu relire ? Et @denis@example.org aussi.",
    )

    post = thread.posts.get()
    assert sorted(m.first_name for m in post.mentions.all()) == ["Carole", "Denis"]
    assert told(closed.carole) == [
        ("group.mention", "Alice Martin vous mentionne dans « Projet métropole » : Planning")
    ]
    assert told(closed.denis) == told(closed.carole)  # muted, but mentioned
    assert told(alice) == []


def test_a_reply_tells_members_except_the_muted_and_the_author(closed, alice):
    Notification.objects.all().delete()
    Membership.objects.filter(member=closed.denis).update(muted=True)

    services.post_reply(actor=None, thread=closed.thread, author=closed.carole, body="Moi.")

    assert told(alice) == [
        (
            "group.post",
            "Carole Lefort a répondu dans « Projet métropole » : Réponse à l'appel d'offres",
        )
    ]
    assert told(closed.denis) == []
    assert told(closed.carole) == []


def test_members_who_want_emails_at_once_get_one(closed, alice, django_capture_on_commit_callbacks):
    NotificationSettings.objects.create(user=alice.user, email_frequency=EmailFrequency.IMMEDIATE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(actor=None, thread=closed.thread, author=closed.denis, body="Bien vu")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["alice@example.org"],
            "Denis Roux a répondu dans « Projet métropole » : Réponse à l'appel d'offres",
        )
    ]
    assert "Bien vu" in mail.outbox[0].body


def test_strangers_are_not_mentioned(closed, alice, bob):
    post = services.post_reply(
        actor=None, thread=closed.thread, author=alice, body="@Bob Durand, tu en penses quoi ?"
    )

    assert list(post.mentions.all()) == []
    assert told(bob) == []


def test_empty_messages_and_outsiders_are_refused(closed, bob):
    with pytest.raises(Exception) as empty:
        services.post_reply(actor=None, thread=closed.thread, author=closed.denis, body="  ")
    with pytest.raises(Exception) as outsider:
        services.post_reply(actor=None, thread=closed.thread, author=bob, body="Coucou")

    assert empty.value.message_dict == {"body": ["Écrivez votre message : il est vide."]}
    assert outsider.value.messages == ["Rejoignez le groupe « Projet métropole » pour y écrire."]
    assert Post.objects.filter(thread=closed.thread).count() == 1


def test_threads_and_replies_from_the_pages(client, closed):
    client.force_login(closed.denis.user)
    pk = closed.group.pk

    started = client.post(f"/groupes/{pk}/discussions/", {"title": "Devis", "body": "Qui ?"})
    thread = Thread.objects.get(title="Devis")
    replied = client.post(f"/groupes/{pk}/discussions/{thread.pk}/repondre/", {"body": "Moi"})
    empty = client.post(f"/groupes/{pk}/discussions/{thread.pk}/repondre/", {"body": ""})

    assert started.url == f"/groupes/{pk}/discussions/{thread.pk}/"
    assert replied.url.startswith(f"/groupes/{pk}/discussions/{thread.pk}/#post-")
    assert errors(empty) == ["Écrivez votre message : il est vide."]
    page = text(client.get(started.url))
    assert "Qui ?" in page and "Moi" in page


def test_opening_a_thread_marks_its_notifications_read(client, closed):
    services.post_reply(actor=None, thread=closed.thread, author=closed.carole, body="Lu ?")
    client.force_login(closed.denis.user)
    unread = Notification.objects.filter(
        user=closed.denis.user, kind="group.post", read_at__isnull=True
    )
    assert unread.exists()

    client.get(f"/groupes/{closed.group.pk}/discussions/{closed.thread.pk}/")

    assert not unread.exists()


def test_staff_moderate_a_thread(client, closed, claire):
    client.force_login(closed.denis.user)
    refused = client.post(f"/groupes/{closed.group.pk}/discussions/{closed.thread.pk}/supprimer/")
    client.force_login(claire)
    removed = client.post(
        f"/groupes/{closed.group.pk}/discussions/{closed.thread.pk}/supprimer/", follow=True
    )

    assert refused.status_code == 403
    assert page_messages(removed) == ["Discussion supprimée (modération)."]
    assert not Thread.objects.filter(pk=closed.thread.pk).exists()


# ---------------------------------------------------------------- files


def stored(media) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file())


def test_a_shared_file_is_served_to_members_with_its_name(client, closed, media):
    client.force_login(closed.denis.user)

    response = client.get(f"/groupes/{closed.group.pk}/fichiers/{closed.shared.pk}/")
    body = b"".join(response.streaming_content)
    response.close()

    assert body.startswith(b"%PDF-1.7")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="devis.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "devis" not in closed.shared.file.name  # the stored name cannot be guessed


def docx(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("word/document.xml", "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf(size=10 * 1024 * 1024), "Le fichier pèse 10,0 Mo : 10 Mo au plus."),
        (
            SimpleUploadedFile("virus.exe", b"MZ"),
            "« virus.exe » n'est pas un fichier accepté, ou son contenu ne correspond pas à "
            "son extension : formats acceptés PDF, PNG, JPEG, ODT, DOCX, XLSX, TXT.",
        ),
        (
            docx("budget.xlsx"),
            "« budget.xlsx » n'est pas un fichier accepté, ou son contenu ne correspond pas à "
            "son extension : formats acceptés PDF, PNG, JPEG, ODT, DOCX, XLSX, TXT.",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(client, closed, media, upload, message):
    before = stored(media)
    client.force_login(closed.denis.user)

    response = client.post(f"/groupes/{closed.group.pk}/fichiers/", {"file": upload})

    assert errors(response) == [message]
    assert stored(media) == before
    assert SharedFile.objects.count() == 1


def test_uploading_and_deleting_ones_own_file(
    client, closed, media, django_capture_on_commit_callbacks
):
    client.force_login(closed.denis.user)
    url = f"/groupes/{closed.group.pk}/fichiers/"

    shared = client.post(
        url, {"file": docx("charte.docx"), "description": "La charte"}, follow=True
    )
    new = SharedFile.objects.get(name="charte.docx")
    others = client.post(f"{url}{closed.shared.pk}/supprimer/")
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(f"{url}{new.pk}/supprimer/", follow=True)

    assert page_messages(shared) == ["Fichier partagé avec le groupe."]
    assert new.content_type.endswith("wordprocessingml.document")
    assert others.status_code == 403
    assert page_messages(deleted) == ["Fichier supprimé."]
    assert not SharedFile.objects.filter(pk=new.pk).exists()
    assert len(stored(media)) == 1  # the fixture's file only
