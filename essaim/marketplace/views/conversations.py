"""Conversations between members: the list of mine, one thread and its reply form, starting
one from a "Contacter" link (`?avec=<member>&demande=<request>`).

Only entrepreneurs take part; a conversation is read by its participants only — anyone else
gets a 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import allowed, form_page
from essaim.marketplace import rules
from essaim.marketplace.forms.conversations import ConversationStartForm, MessageForm
from essaim.marketplace.models import Conversation, Message
from essaim.marketplace.selectors import conversations as selectors
from essaim.marketplace.services import conversations as services
from essaim.members.models import Member

NAV = "conversations"


def _own_member(request: HttpRequest) -> Member:
    member = selectors.member_of(request.user)
    if member is None:
        raise PermissionDenied(
            _("Aucune fiche de membre n'est rattachée à votre compte : pas de conversations.")
        )
    return member


def _visible_or_404(request: HttpRequest, pk: int) -> Conversation:
    conversation = selectors.conversation_visible(user=request.user, pk=pk)
    if conversation is None:
        raise Http404(_("Aucune de vos conversations ne porte ce numéro."))
    return conversation


def _thread_context(
    conversation: Conversation, member: Member, *, mark_new: bool = False
) -> dict[str, Any]:
    """With `mark_new`, the others' messages after `member` last read are marked new."""
    participants = selectors.participants_of(conversation)
    mine = next((p for p in participants if p.member_id == member.pk), None)
    read_until = mine.last_read_at if mine is not None else None
    thread = list(selectors.messages_of(conversation))
    for message in thread:
        message.mine = message.author_id == member.pk  # type: ignore[attr-defined]
        message.new = (  # type: ignore[attr-defined]
            mark_new
            and not message.mine
            and (read_until is None or message.created_at > read_until)
        )
    return {
        "conversation": conversation,
        "thread": thread,
        "others": [p.member for p in participants if p.member_id != member.pk],
        "me": member,
        "nav": NAV,
    }


@allowed(rules.can_take_part)
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    page = Paginator(
        selectors.conversations_of(user=request.user), settings.ESSAIM_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "marketplace/conversation_list.html",
        {
            "page": page,
            "conversations": selectors.with_others(page.object_list, member),
            "query": "",
            "nav": NAV,
        },
    )


@allowed(rules.can_take_part)
@require_GET
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    conversation = _visible_or_404(request, pk)
    # Messages after the previous visit are marked new on this page, then all is read.
    context = _thread_context(conversation, member, mark_new=True)
    services.conversation_mark_read(actor=request.user, conversation=conversation, member=member)
    return render(
        request, "marketplace/conversation_detail.html", {"form": MessageForm(), **context}
    )


@allowed(rules.can_take_part)
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    conversation = _visible_or_404(request, pk)

    def next_url(message: Message) -> str:
        return f"{services.conversation_url(conversation)}#message-{message.pk}"

    return form_page(
        request,
        MessageForm(request.POST),
        save=lambda data: services.message_post(
            actor=request.user, conversation=conversation, author=member, body=data["body"]
        ),
        done=_("Message envoyé."),
        next_url=next_url,
        template="marketplace/conversation_detail.html",
        context=_thread_context(conversation, member),
    )


@allowed(rules.can_take_part)
@require_http_methods(["GET", "POST"])
def conversation_start(request: HttpRequest) -> HttpResponse:
    author = _own_member(request)
    problems: list[str] = []  # what is wrong with the link, shown before any typing
    if request.method == "POST":
        form = ConversationStartForm(request.POST, viewer=request.user)
        form.is_valid()  # the bound form shows its own errors; its target is read back
        recipient, about = form.cleaned_data.get("member"), form.cleaned_data.get("request")
    else:
        target = selectors.contact_target(
            viewer=request.user, avec=request.GET.get("avec"), demande=request.GET.get("demande")
        )
        recipient, about = target.member, target.request
        form = ConversationStartForm(
            initial={
                "avec": request.GET.get("avec", ""),
                "demande": request.GET.get("demande", ""),
                "subject": about.title if about is not None else "",
            },
            viewer=request.user,
        )
        problems = list(target.problems)
        if recipient is not None:
            problems += services.participant_problems(
                author=author, participants=[recipient], request=about
            )
    existing = None
    if about is not None and recipient is not None and recipient != author:
        existing = selectors.conversation_about(request=about, members=[author, recipient])

    def save(data: dict[str, Any]) -> Conversation:
        return services.conversation_start(
            actor=request.user,
            author=author,
            participants=[data["member"]],
            subject=data["subject"],
            body=data["body"],
            request=data["request"],
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Message envoyé."),
        next_url=services.conversation_url,
        template="marketplace/conversation_start.html",
        context={
            "recipient": recipient,
            "work_request": about,
            "problems": problems,
            "existing": existing,
            "nav": NAV,
        },
    )
