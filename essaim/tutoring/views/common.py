"""What the tutoring pages share: the case as the viewer sees it (their invitation, what they
may do), the 404 for everyone else, and the small POST actions' shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from essaim.tutoring import rules, selectors
from essaim.tutoring.models import Session, TutoringCase, Volunteer

NAV = "tutoring"


@dataclass
class CasePage:
    """The case and the viewer: their own invitation (if any) and what they may do."""

    case: TutoringCase
    user: Any
    row: Volunteer | None

    @cached_property
    def session(self) -> Session | None:
        return selectors.session_of(self.case)

    @cached_property
    def can(self) -> dict[str, bool]:
        user, case, row = self.user, self.case, self.row
        has_session = self.session is not None
        return {
            "lead": rules.can_lead(user, case),
            "consent": rules.can_consent(user, case),
            "invite": rules.can_invite(user, case),
            "answer": rules.can_answer(user, case, row),
            "session": rules.can_record_session(user, case),
            "plan": rules.can_plan(user, case, has_session),
            "close": rules.can_close(user, case),
        }

    @property
    def url(self) -> str:
        return reverse("tutoring:detail", args=[self.case.pk])

    def context(self, **extra: Any) -> dict[str, Any]:
        return {"case": self.case, "row": self.row, "can": self.can, "nav": NAV, **extra}


def case_page(request: HttpRequest, pk: int) -> CasePage:
    """The case, if the viewer may see it; otherwise a 404 — the same answer whether the case
    exists or not, so that a case's existence is not revealed."""
    found = selectors.case_access(user=request.user, pk=pk)
    if found is None:
        raise Http404(_("Aucun de vos cas de tutorat ne porte ce numéro."))
    case, row = found
    return CasePage(case=case, user=request.user, row=row)


def act(
    request: HttpRequest, action: Callable[[], object], *, done: str, back: str
) -> HttpResponse:
    """A small POST action: run the service; say it was done, or why it was refused; go
    back."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)
