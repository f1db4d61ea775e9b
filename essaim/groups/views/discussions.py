"""A group's discussions and shared files. Files are served by `file_download`, which checks
who asks: they are never public media."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.notifications import notifications_mark_all_read
from essaim.core.views_utils import allowed, form_page
from essaim.groups import rules, selectors
from essaim.groups.forms import FileForm, ReplyForm, ThreadForm
from essaim.groups.models import Post, SharedFile, Thread
from essaim.groups.services import discussions as services
from essaim.groups.views.common import GroupPage, act, content_page, participant_page


def _threads_url(page: GroupPage) -> str:
    return reverse("groups:threads", args=[page.group.pk])


def _files_url(page: GroupPage) -> str:
    return reverse("groups:files", args=[page.group.pk])


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def threads(request: HttpRequest, pk: int) -> HttpResponse:
    page = participant_page(request, pk) if request.method == "POST" else content_page(request, pk)
    listing = Paginator(selectors.threads_of(page.group), settings.ESSAIM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    form = ThreadForm(request.POST or None)
    context = page.context("threads", page=listing, query="", form=form)
    if not page.can["take_part"] or page.member is None:
        return render(request, "groups/threads.html", context)
    author = page.member
    return form_page(
        request,
        form,
        save=lambda data: services.thread_start(
            actor=request.user, group=page.group, author=author, **data
        ),
        done=_("Discussion ouverte."),
        next_url=services.thread_url,
        template="groups/threads.html",
        context=context,
    )


def _thread(page: GroupPage, thread_id: int) -> Thread:
    try:
        return selectors.thread_for(page.group, thread_id)
    except Thread.DoesNotExist:
        raise Http404(_("Aucune discussion de ce groupe ne porte ce numéro.")) from None


def _thread_context(page: GroupPage, thread: Thread, form: ReplyForm) -> dict[str, Any]:
    return page.context("threads", thread=thread, posts=list(selectors.posts_of(thread)), form=form)


@allowed(rules.can_use_groups)
@require_GET
def thread_detail(request: HttpRequest, pk: int, thread_id: int) -> HttpResponse:
    page = content_page(request, pk)
    thread = _thread(page, thread_id)
    notifications_mark_all_read(user=request.user, url=services.thread_url(thread))
    return render(request, "groups/thread.html", _thread_context(page, thread, ReplyForm()))


@allowed(rules.can_use_groups)
@require_POST
def reply(request: HttpRequest, pk: int, thread_id: int) -> HttpResponse:
    page = participant_page(request, pk)
    thread = _thread(page, thread_id)
    form = ReplyForm(request.POST)
    author = page.member
    assert author is not None

    def next_url(post: Post) -> str:
        return f"{services.thread_url(thread)}#post-{post.pk}"

    return form_page(
        request,
        form,
        save=lambda data: services.post_reply(
            actor=request.user, thread=thread, author=author, body=data["body"]
        ),
        done=_("Réponse publiée."),
        next_url=next_url,
        template="groups/thread.html",
        context=_thread_context(page, thread, form),
    )


@allowed(rules.can_moderate)
@require_POST
def thread_delete(request: HttpRequest, pk: int, thread_id: int) -> HttpResponse:
    page = content_page(request, pk)
    thread = _thread(page, thread_id)
    return act(
        request,
        lambda: services.thread_delete(actor=request.user, thread=thread),
        done=_("Discussion supprimée (modération)."),
        back=_threads_url(page),
    )


# ---------------------------------------------------------------- files


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def files(request: HttpRequest, pk: int) -> HttpResponse:
    page = participant_page(request, pk) if request.method == "POST" else content_page(request, pk)
    listing = Paginator(selectors.files_of(page.group), settings.ESSAIM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    member_id = page.mine.member_id if page.mine is not None else None
    for shared in listing.object_list:
        shared.deletable = page.can["moderate"] or (  # type: ignore[attr-defined]
            page.can["take_part"] and shared.uploaded_by_id == member_id
        )
    form = FileForm(request.POST or None, request.FILES or None)
    context = page.context("files", page=listing, query="", form=form)
    if not page.can["take_part"] or page.member is None:
        return render(request, "groups/files.html", context)
    member = page.member
    return form_page(
        request,
        form,
        save=lambda data: services.file_share(
            actor=request.user,
            group=page.group,
            member=member,
            upload=data["file"],
            description=data["description"],
        ),
        done=_("Fichier partagé avec le groupe."),
        next_url=_files_url(page),
        template="groups/files.html",
        context=context,
    )


def _file(page: GroupPage, file_id: int) -> SharedFile:
    try:
        return selectors.file_for(page.group, file_id)
    except SharedFile.DoesNotExist:
        raise Http404(_("Aucun fichier de ce groupe ne porte ce numéro.")) from None


@allowed(rules.can_use_groups)
@require_GET
def file_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A shared file, to whoever may read the group's content."""
    page = content_page(request, pk)
    shared = _file(page, file_id)
    try:
        handle = shared.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Le fichier est introuvable sur le serveur.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=shared.name, content_type=shared.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@allowed(rules.can_use_groups)
@require_POST
def file_delete(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    page = content_page(request, pk)
    shared = _file(page, file_id)
    if not rules.can_delete_file(request.user, page.group, page.mine, shared):
        raise PermissionDenied(
            _("Seul·e la personne qui a partagé ce fichier (ou la modération) le supprime.")
        )
    return act(
        request,
        lambda: services.file_delete(actor=request.user, shared=shared),
        done=_("Fichier supprimé."),
        back=_files_url(page),
    )
