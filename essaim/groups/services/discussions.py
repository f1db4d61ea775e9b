"""Discussions in a group: threads, replies, mentions and shared files.

A new message tells the group's active members (in the app, and by e-mail as each chose in
their notification settings), except those who muted the group; a member mentioned
(`@Prénom Nom` or `@adresse e-mail`) is told even then. Message texts and file names stay out
of the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from essaim.core.audit import log_action
from essaim.core.models import User
from essaim.core.notifications import notify
from essaim.groups import files as file_rules
from essaim.groups.mentions import Person, find_mentions
from essaim.groups.models import (
    Group,
    GroupStatus,
    Membership,
    MembershipState,
    Post,
    SharedFile,
    Thread,
)
from essaim.members.models import Member

TITLE_MAX = Thread._meta.get_field("title").max_length
EXCERPT = 300


def thread_url(thread: Thread) -> str:
    return reverse("groups:thread", args=[thread.group_id, thread.pk])


def _check_writer(group: Group, author: Member) -> list[Membership]:
    """The group's active memberships; the author must hold one."""
    if group.status == GroupStatus.CLOSED:
        raise ValidationError(_("Le groupe « %(name)s » est clos.") % {"name": group.name})
    rows = list(
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE).select_related(
            "member__user"
        )
    )
    if author.pk not in {m.member_id for m in rows}:
        raise ValidationError(
            _("Rejoignez le groupe « %(name)s » pour y écrire.") % {"name": group.name}
        )
    return rows


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Écrivez votre message : il est vide.")})
    return body


def _mentioned(body: str, rows: Sequence[Membership]) -> list[Member]:
    people = [
        Person(m.member_id, m.member.first_name, m.member.last_name, m.member.email) for m in rows
    ]
    by_id = {m.member_id: m.member for m in rows}
    return [by_id[pk] for pk in find_mentions(body, people)]  # type: ignore[index]


def _tell(
    *, thread: Thread, post: Post, author: Member, rows: Sequence[Membership], new: bool
) -> None:
    mentioned = {m.pk for m in post.mentions.all()}
    excerpt = Truncator(post.body).chars(EXCERPT)
    url = thread_url(thread)  # the thread's page marks them read (see views.thread_detail)
    names = {"name": author, "group": thread.group, "title": thread.title}
    mention_users = [m.member.user for m in rows if m.member_id in mentioned]
    others = [
        m.member.user
        for m in rows
        if m.member_id != author.pk and m.member_id not in mentioned and not m.muted
    ]
    notify(
        users=[u for u in mention_users if u is not None and u.pk != author.user_id],
        kind="group.mention",
        title=_("%(name)s vous mentionne dans « %(group)s » : %(title)s") % names,
        body=excerpt,
        url=url,
    )
    notify(
        users=others,
        kind="group.post",
        title=(
            _("Nouvelle discussion dans « %(group)s » : %(title)s")
            if new
            else _("%(name)s a répondu dans « %(group)s » : %(title)s")
        )
        % names,
        body=excerpt,
        url=url,
    )


@transaction.atomic
def thread_start(
    *, actor: User | None, group: Group, author: Member, title: str, body: str
) -> Thread:
    """Open a thread with its first message."""
    rows = _check_writer(group, author)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Donnez un sujet à la discussion.")})
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {
                "title": _("Le sujet est trop long : %(max)d caractères au plus.")
                % {"max": TITLE_MAX}
            }
        )
    body = _clean_body(body)
    now = timezone.now()
    thread = Thread.objects.create(
        group=group, title=title, author=author, created_at=now, last_post_at=now
    )
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    post.mentions.set(_mentioned(body, rows))
    log_action(
        actor=actor,
        action="group.thread_started",
        target=thread,
        subject=group,
        data={"author": author.pk, "mentions": sorted(m.pk for m in post.mentions.all())},
    )
    _tell(thread=thread, post=post, author=author, rows=rows, new=True)
    return thread


@transaction.atomic
def post_reply(*, actor: User | None, thread: Thread, author: Member, body: str) -> Post:
    """Answer in a thread."""
    thread = Thread.objects.select_for_update().select_related("group").get(pk=thread.pk)
    rows = _check_writer(thread.group, author)
    body = _clean_body(body)
    now = timezone.now()
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    post.mentions.set(_mentioned(body, rows))
    thread.last_post_at = now
    thread.save(update_fields=["last_post_at"])
    log_action(
        actor=actor,
        action="group.post_added",
        target=thread,
        subject=thread.group,
        data={
            "post": post.pk,
            "author": author.pk,
            "mentions": sorted(m.pk for m in post.mentions.all()),
        },
    )
    _tell(thread=thread, post=post, author=author, rows=rows, new=False)
    return post


@transaction.atomic
def thread_delete(*, actor: User | None, thread: Thread) -> None:
    """Moderation: remove a whole thread."""
    log_action(
        actor=actor,
        action="group.thread_deleted",
        target=thread,
        subject=thread.group,
        data={"posts": thread.posts.count()},
    )
    thread.delete()


# ---------------------------------------------------------------- files


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def check_upload(upload: File) -> str:
    """The content type of an accepted upload; a French ValidationError on `file` otherwise."""
    if upload is None:
        raise ValidationError({"file": _("Choisissez le fichier à partager.")})
    if upload.size is not None and upload.size > file_rules.MAX_BYTES:
        raise ValidationError(
            {
                "file": _("Le fichier pèse %(size)s Mo : 10 Mo au plus.")
                % {"size": _size_text(upload.size)}
            }
        )
    content_type = file_rules.sniff(upload.name or "", upload)
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "« %(name)s » n'est pas un fichier accepté, ou son contenu ne correspond "
                    "pas à son extension : formats acceptés %(formats)s."
                )
                % {"name": upload.name or "", "formats": file_rules.ACCEPTED}
            }
        )
    return content_type


@transaction.atomic
def file_share(
    *, actor: User | None, group: Group, member: Member, upload: File, description: str = ""
) -> SharedFile:
    """Share a file with the group (≤ 10 MB, a type the group accepts, checked from its
    contents)."""
    _check_writer(group, member)
    content_type = check_upload(upload)
    name = (upload.name or "fichier").rsplit("/", 1)[-1][:255]
    shared = SharedFile(
        group=group,
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        description=(description or "").strip()[:300],
        uploaded_by=member,
    )
    shared.file.save(name, upload, save=False)
    try:
        shared.save()
        log_action(
            actor=actor,
            action="group.file_shared",
            target=shared,
            subject=group,
            data={"member": member.pk, "size": shared.size, "type": content_type},
        )
    except Exception:  # nothing half-written: no stored file without its row
        shared.file.storage.delete(shared.file.name)
        raise
    return shared


@transaction.atomic
def file_delete(*, actor: User | None, shared: SharedFile) -> None:
    """Remove a shared file (its author, or moderation); the stored file goes after the
    commit."""
    name = shared.file.name
    storage = shared.file.storage
    log_action(
        actor=actor,
        action="group.file_deleted",
        target=shared,
        subject=shared.group,
        data={"size": shared.size},
    )
    shared.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)
