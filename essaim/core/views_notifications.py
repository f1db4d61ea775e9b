"""Each person's notifications: the list, opening one, "tout marquer comme lu", the settings.

Every logged-in person has notifications, whatever their role; each sees only their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core import notifications
from essaim.core.forms_notifications import NotificationSettingsForm
from essaim.core.models import Notification
from essaim.core.views_utils import form_page

LIST = "notifications:list"


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        notifications.notifications_of(request.user), settings.ESSAIM_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request, "core/notifications.html", {"page": page, "query": "", "nav": "notifications"}
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go where it points (to the list when it points nowhere,
    or outside the site)."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications.notification_mark_read(user=request.user, notification=note)
    safe = url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(note.url if note.url and safe else reverse(LIST))


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marquée comme lue.",
                "%(count)d notifications marquées comme lues.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Toutes vos notifications étaient déjà lues."))
    return redirect(LIST)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = notifications.frequency_of(request.user)
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, initial={"email_frequency": current}
    )

    def save(data: dict[str, Any]) -> None:
        notifications.settings_update(user=request.user, email_frequency=data["email_frequency"])

    return form_page(
        request,
        form,
        save=save,
        done=_("Vos réglages de notification sont enregistrés."),
        next_url=reverse(LIST),
        template="core/notification_settings.html",
        context={"nav": "notifications", "title": _("Réglages des notifications")},
    )
