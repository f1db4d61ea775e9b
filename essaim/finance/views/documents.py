"""The one shape of an estimate's or an invoice's edit page: the head (customer, subject...) and
its lines (a formset with empty rows to fill: adding a line needs no script). A valid POST goes
to one service; its refusal shows on the field, or on the line it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from essaim.core.views_utils import service_errors
from essaim.finance.services.documents import DocumentLinesError


def document_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    formset: Any,
    save: Callable[[dict[str, Any], list[dict[str, Any]]], Any],
    done: str,
    next_url: Callable[[Any], str],
    context: dict[str, Any],
) -> HttpResponse:
    # `&`, not `and`: both are validated, so that every error shows at once.
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            saved = save(form.cleaned_data, formset.lines())
        except DocumentLinesError as exc:
            for message in formset.show_errors(exc.line_errors):
                form.add_error(None, message)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(next_url(saved))
    return render(
        request,
        "finance/invoicing_document_form.html",
        {"form": form, "formset": formset, "shown_lines": formset.shown(), **context},
    )
