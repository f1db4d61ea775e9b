"""What the finance pages share: which activity a page is about, and who may see or change it.

An entrepreneur's pages are about their own activity (`/finance/factures/`); the same pages for
another activity carry its number (`/finance/enseignes/12/factures/`), for their advisor (to
read) and management staff. Every refusal is a 403 with a French reason; finance rules
(essaim.finance.rules) decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaim.core import roles
from essaim.finance import rules
from essaim.finance.selectors.invoicing import activities_finance_visible_to
from essaim.members.models import Activity

NOT_YOURS = gettext_lazy(
    "Ces comptes sont ceux d'une autre enseigne : ils ne vous sont pas accessibles."
)
READ_ONLY = gettext_lazy("Vous pouvez consulter ces comptes, pas les modifier.")


def own_activity(user: Any) -> Activity | None:
    """The entrepreneur's own activity (None for anyone else, or without one)."""
    if not roles.is_entrepreneur(user):
        return None
    return activities_finance_visible_to(user).first()


def is_entrepreneur_with_activity(user: Any) -> bool:
    return own_activity(user) is not None


def check_activity(user: Any, activity: Activity, *, edit: bool) -> None:
    if not rules.can_see_activity_finance(user, activity):
        raise PermissionDenied(NOT_YOURS)
    if edit and not rules.can_edit_activity_finance(user, activity):
        raise PermissionDenied(READ_ONLY)


def activity_of(request: HttpRequest, activity_pk: int | None, *, edit: bool = False) -> Activity:
    """The activity a page is about: the one named in the address, else the user's own."""
    if activity_pk is None:
        activity = own_activity(request.user)
        if activity is None:
            raise PermissionDenied(
                _(
                    "Aucune enseigne n'est rattachée à votre compte : ces pages sont celles "
                    "d'un·e entrepreneur·e. Ouvrez les comptes d'une enseigne depuis le suivi "
                    "ou la trésorerie."
                )
            )
        return activity
    activity = get_object_or_404(Activity.objects.select_related("member"), pk=activity_pk)
    check_activity(request.user, activity, edit=edit)
    return activity


def object_of(request: HttpRequest, queryset: Any, pk: int, *, edit: bool = False) -> Any:
    """One row of an activity (invoice, customer, estimate, expense), checked by the rules."""
    found = get_object_or_404(queryset.select_related("activity__member"), pk=pk)
    check_activity(request.user, found.activity, edit=edit)
    return found


def is_own(user: Any, activity: Activity) -> bool:
    return activity.member.user_id is not None and activity.member.user_id == getattr(
        user, "pk", None
    )


def activity_context(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    """What every activity page shows of whose activity it is and what the user may do."""
    return {
        "activity": activity,
        "own": is_own(request.user, activity),
        "can_edit": rules.can_edit_activity_finance(request.user, activity),
        "can_manage": rules.can_manage_finance(request.user),
        "today": timezone.localdate(),
        "nav": "finance",
    }


def run_action(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    done: str,
    next_url: str | Callable[[Any], str],
    failed_url: str | None = None,
) -> HttpResponseRedirect:
    """A one-button action (issue, delete, remind): the service runs; its refusal is shown as
    a message on the page the button was on; nothing is written."""
    try:
        result = action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(failed_url or (next_url if isinstance(next_url, str) else "/"))
    messages.success(request, done)
    return redirect(next_url(result) if callable(next_url) else next_url)


def year_from(request: HttpRequest, name: str = "annee") -> int:
    """The year asked in the address (?annee=2025), the current one by default."""
    value = request.GET.get(name, "")
    today = timezone.localdate()
    if value.isdigit() and 2000 <= int(value) <= today.year + 1:
        return int(value)
    return today.year
