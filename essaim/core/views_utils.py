"""What every app's views share: the role gate, and the one shape of a form page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

View = Callable[..., HttpResponseBase]


def allowed(predicate: Callable[[Any], bool]) -> Callable[[View], View]:
    """Log in first, then refuse (403) users the predicate does not allow."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not predicate(request.user):
                raise PermissionDenied(_("Cette page n'est pas accessible avec votre rôle."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_page(
    request: HttpRequest,
    form: Form,
    *,
    save: Callable[[dict[str, Any]], object],
    done: str,
    next_url: str | Callable[[Any], str],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The one shape of every form page: a valid POST goes to a service; the service's
    refusal is shown on the form; success says so and moves on (`next_url` may be worked
    out from what `save` returned, e.g. the page of a new object)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(next_url(saved) if callable(next_url) else next_url)
    return render(request, template, {"form": form, **context})
