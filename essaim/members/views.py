"""Pages of the members area. Thin: rules decide, services write, selectors read."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from essaim.core.views_utils import allowed, form_page
from essaim.members import rules, selectors, services
from essaim.members.exporting import members_export, members_export_csv
from essaim.members.forms import (
    AdvisorChangeForm,
    ContactForm,
    ExitForm,
    ImportForm,
    MeetingForm,
    MemberFilterForm,
    MemberForm,
    StageEditForm,
    StageForm,
)
from essaim.members.history import history_rows
from essaim.members.importing import members_import
from essaim.members.models import Member, PathStage

View = Callable[..., HttpResponseBase]
IDENTITY = MemberForm.Meta.fields


def _visible_member(request: HttpRequest, pk: int) -> Member:
    member = get_object_or_404(Member, pk=pk)
    if not rules.can_view_member(request.user, member):
        raise PermissionDenied(_("Vous ne pouvez pas consulter la fiche de ce membre."))
    return member


@allowed(rules.can_list_members)
@vary_on_headers("HX-Request")  # the same address answers a page or its results: cache both
def member_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(
        request.GET or None, show_advisor=rules.can_manage_members(request.user)
    )
    members = selectors.member_list(user=request.user, filters=form.filters())
    page = Paginator(members, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "nav": "members"}
    # htmx asks for the whole page when it restores a history entry it no longer holds.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "members/_list_results.html" if partial else "members/list.html"
    return render(request, template, context)


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _visible_member(request, pk)
    if rules.is_own_record(request.user, member):
        return redirect("members:my_space")
    member = selectors.member_detail(user=request.user, pk=pk)
    context = {
        "member": member,
        "timeline": selectors.member_timeline(member),
        "history": history_rows(selectors.member_history(member)[:100]),
        "meetings": member.meetings.all(),  # prefetched by member_detail
        "can_manage": rules.can_manage_members(request.user),
        "can_record_meeting": rules.can_record_meeting(request.user, member),
        "nav": "members",
    }
    return render(request, "members/detail.html", context)


def _form_page(request: HttpRequest, form: Form, **kwargs: Any) -> HttpResponse:
    """Every form page of this area, in the members' form template."""
    return form_page(request, form, template="members/form.html", **kwargs)


@allowed(rules.can_manage_members)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("activity"), pk=pk)
    activity = getattr(member, "activity", None)
    initial = {
        "activity_name": activity.name if activity else "",
        "activity_description": activity.description if activity else "",
        "activity_sector": activity.sector_id if activity else None,
    }

    @transaction.atomic  # one user action, one transaction: record and activity together
    def save(data: dict[str, Any]) -> None:
        # An empty external id is no id (NULL), so that many members may have none.
        identity = {f: (data[f] or None) if f == "external_id" else data[f] for f in IDENTITY}
        services.member_update(actor=request.user, member=member, **identity)
        if data["activity_name"]:
            services.activity_set(
                actor=request.user,
                member=member,
                name=data["activity_name"],
                description=data["activity_description"],
                sector=data["activity_sector"],
            )

    return _form_page(
        request,
        MemberForm(request.POST or None, instance=member, initial=initial),
        save=save,
        done=_("Fiche enregistrée."),
        next_url=reverse("members:detail", args=[member.pk]),
        context={"member": member, "title": _("Modifier la fiche"), "nav": "members"},
    )


@allowed(rules.can_manage_members)
@require_http_methods(["GET", "POST"])
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    return _form_page(
        request,
        StageForm(request.POST or None),
        save=lambda data: services.stage_add(actor=request.user, member=member, **data),
        done=_("Étape ajoutée au parcours."),
        next_url=reverse("members:detail", args=[member.pk]),
        context={"member": member, "title": _("Ajouter une étape"), "nav": "members"},
    )


@allowed(rules.can_manage_members)
@require_http_methods(["GET", "POST"])
def stage_edit(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = get_object_or_404(PathStage.objects.select_related("member"), pk=stage_pk, member_id=pk)
    return _form_page(
        request,
        StageEditForm(
            request.POST or None, initial={"end": stage.end, "trial_end": stage.trial_end}
        ),
        save=lambda data: services.stage_update(actor=request.user, stage=stage, **data),
        done=_("Étape modifiée."),
        next_url=reverse("members:detail", args=[pk]),
        context={
            "member": stage.member,
            "title": _("Modifier l'étape : %(stage)s") % {"stage": stage},
            "nav": "members",
        },
    )


@allowed(rules.can_manage_members)
@require_http_methods(["GET", "POST"])
def member_exit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    return _form_page(
        request,
        ExitForm(request.POST or None),
        save=lambda data: services.member_exit(actor=request.user, member=member, **data),
        done=_("Sortie enregistrée."),
        next_url=reverse("members:detail", args=[member.pk]),
        context={"member": member, "title": _("Enregistrer la sortie"), "nav": "members"},
    )


@allowed(rules.can_manage_members)
@require_http_methods(["GET", "POST"])
def advisor_change(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    return _form_page(
        request,
        AdvisorChangeForm(
            request.POST or None,
            initial={"advisor": member.advisor_id, "start": timezone.localdate()},
        ),
        save=lambda data: services.advisor_assign(actor=request.user, member=member, **data),
        done=_("Accompagnement mis à jour."),
        next_url=reverse("members:detail", args=[member.pk]),
        context={"member": member, "title": _("Changer d'accompagnement"), "nav": "members"},
    )


@allowed(rules.can_see_deadlines)
def deadlines(request: HttpRequest) -> HttpResponse:
    items = selectors.deadlines_for(user=request.user)
    return render(request, "members/deadlines.html", {"deadlines": items, "nav": "deadlines"})


@allowed(rules.can_record_meeting)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"date": timezone.localdate()}
    if member_pk := request.GET.get("member"):
        initial["members"] = [member_pk]

    def after(meeting: Any) -> str:
        # One person: back to their page; a collective meeting: back to the list.
        members = list(meeting.members.all())
        if len(members) == 1:
            return reverse("members:detail", args=[members[0].pk])
        return reverse("members:list")

    return form_page(
        request,
        MeetingForm(request.POST or None, advisor=request.user, initial=initial),
        save=lambda data: services.meeting_record(
            actor=request.user, **{**data, "members": list(data["members"])}
        ),
        done=_("Rendez-vous enregistré."),
        next_url=after,
        template="members/form.html",
        context={"title": _("Noter un rendez-vous d'accompagnement"), "nav": "meeting"},
    )


@allowed(lambda user: selectors.member_of_user(user) is not None)
def my_space(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of_user(request.user)
    assert member is not None
    context = {
        "member": member,
        "timeline": selectors.member_timeline(member),
        "meetings": selectors.meetings_of(member=member)[:10],
        "nav": "my_space",
    }
    return render(request, "members/my_space.html", context)


@allowed(lambda user: selectors.member_of_user(user) is not None)
@require_http_methods(["GET", "POST"])
def my_contact_edit(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of_user(request.user)
    assert member is not None
    return _form_page(
        request,
        ContactForm(request.POST or None, instance=Member.objects.get(pk=member.pk)),
        save=lambda data: services.member_update(actor=request.user, member=member, **data),
        done=_("Vos coordonnées sont à jour."),
        next_url=reverse("members:my_space"),
        context={
            "title": _("Mes coordonnées"),
            "nav": "my_space",
            "cancel_url": "members:my_space",
        },
    )


@allowed(rules.can_manage_members)
@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest) -> HttpResponse:
    # Bound on every POST: a POST without a file must say the file is missing.
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fmt = "csv" if upload.name.lower().endswith(".csv") else "jsonl"
        upload.seek(0)
        # The upload's lines as bytes: the import decodes them and names the line of a byte
        # that is not UTF-8 (a text wrapper would fail on a whole block, line unknown).
        report = members_import(actor=request.user, stream=upload, fmt=fmt, source_name=upload.name)
        if report.ok:
            messages.success(
                request,
                _("Import terminé : %(created)s membre(s) créé(s), %(updated)s mis à jour.")
                % {"created": report.created, "updated": report.updated},
            )
            return redirect("members:import")
    return render(
        request,
        "members/import.html",
        {
            "form": form,
            "report": report,
            "nav": "import",
        },
    )


@allowed(rules.can_manage_members)
def member_export(request: HttpRequest) -> HttpResponse:
    # Anything but CSV is JSON Lines, and the audit entry records the format actually sent.
    fmt = "csv" if request.GET.get("format") == "csv" else "jsonl"
    buffer = io.StringIO()
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        # A byte order mark, so that a spreadsheet opens the accents as UTF-8 (the import
        # skips it).
        buffer.write("\ufeff")
        members_export_csv(stream=buffer)
        content_type, name = "text/csv; charset=utf-8", f"membres-{stamp}.csv"
    else:
        members_export(stream=buffer, viewer=request.user)
        content_type, name = "application/x-ndjson; charset=utf-8", f"membres-{stamp}.jsonl"
    services.export_record(actor=request.user, fmt=fmt)
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
