"""A group's working pages: the project charter (phases, milestones, reviewers), tasks,
decisions, meeting notes, the time log, a trade group's yearly plan, a brand group's split
rule."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import allowed, form_page
from essaim.groups import rules, selectors
from essaim.groups.forms import (
    CharterForm,
    CycleForm,
    DecisionForm,
    MilestoneForm,
    NoteForm,
    PhaseForm,
    ReviewerForm,
    SplitRuleForm,
    TaskForm,
    TaskStatusForm,
    TimeForm,
)
from essaim.groups.models import (
    Cycle,
    Membership,
    MembershipState,
    Milestone,
    OutsideReviewer,
    Phase,
    Task,
)
from essaim.groups.services import project as services
from essaim.groups.views.common import (
    GroupPage,
    act,
    charter_page,
    content_page,
    manager_page,
    participant_page,
)
from essaim.members.models import Member

TIME_MONTHS = 6


def _url(name: str, page: GroupPage) -> str:
    return reverse(f"groups:{name}", args=[page.group.pk])


def _group_members(page: GroupPage):  # type: ignore[no-untyped-def]
    return Member.objects.filter(
        group_memberships__group=page.group,
        group_memberships__state=MembershipState.ACTIVE,
    ).order_by("last_name", "first_name")


def _project_manager(request: HttpRequest, pk: int) -> GroupPage:
    page = manager_page(request, pk)
    if not page.group.is_project:
        raise Http404(_("Seul un groupe projet a une charte."))
    return page


# ---------------------------------------------------------------- the charter


def _charter_context(page: GroupPage) -> dict[str, Any]:
    group = page.group
    context: dict[str, Any] = {
        "charter": getattr(group, "charter", None),
        "phases": list(selectors.phases_of(group)),
        "members": selectors.members_of(group),
        "reviewers": list(selectors.reviewers_of(group)),
        "missing": selectors.charter_missing(group) if group.status == "draft" else [],
    }
    if page.can["manage"]:
        phases = selectors.phases_of(group)
        context["phase_form"] = PhaseForm(prefix="phase")
        context["milestone_form"] = MilestoneForm(phases=phases, prefix="milestone")
        context["reviewer_form"] = ReviewerForm(
            members=selectors.invitable_members(group), prefix="reviewer"
        )
    return context


@allowed(rules.can_use_groups)
@require_GET
def charter(request: HttpRequest, pk: int) -> HttpResponse:
    page = charter_page(request, pk)
    return render(request, "groups/charter.html", page.context("charter", **_charter_context(page)))


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def charter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = _project_manager(request, pk)
    current = getattr(page.group, "charter", None)
    initial = (
        {
            "objective": current.objective,
            "target_clients": current.target_clients,
            "offer": current.offer,
        }
        if current
        else {}
    )
    return form_page(
        request,
        CharterForm(request.POST or None, initial=initial),
        save=lambda data: services.charter_save(actor=request.user, group=page.group, **data),
        done=_("Charte enregistrée."),
        next_url=_url("charter", page),
        template="groups/simple_form.html",
        context=page.context("charter", title=_("La charte du projet"), submit=_("Enregistrer")),
    )


@allowed(rules.can_use_groups)
@require_POST
def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    page = _project_manager(request, pk)
    form = PhaseForm(request.POST, prefix="phase")
    return form_page(
        request,
        form,
        save=lambda data: services.phase_add(
            actor=request.user, group=page.group, name=data["name"]
        ),
        done=_("Phase ajoutée."),
        next_url=_url("charter", page),
        template="groups/charter.html",
        context=page.context("charter", **{**_charter_context(page), "phase_form": form}),
    )


@allowed(rules.can_use_groups)
@require_POST
def phase_delete(request: HttpRequest, pk: int, phase_id: int) -> HttpResponse:
    page = _project_manager(request, pk)
    phase = get_object_or_404(Phase, pk=phase_id, group=page.group)
    return act(
        request,
        lambda: services.phase_delete(actor=request.user, phase=phase),
        done=_("Phase supprimée."),
        back=_url("charter", page),
    )


@allowed(rules.can_use_groups)
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    page = _project_manager(request, pk)
    form = MilestoneForm(request.POST, phases=selectors.phases_of(page.group), prefix="milestone")
    return form_page(
        request,
        form,
        save=lambda data: services.milestone_add(
            actor=request.user, phase=data["phase"], name=data["name"], due_date=data["due_date"]
        ),
        done=_("Jalon ajouté."),
        next_url=_url("charter", page),
        template="groups/charter.html",
        context=page.context("charter", **{**_charter_context(page), "milestone_form": form}),
    )


def _milestone(page: GroupPage, milestone_id: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("phase__group"), pk=milestone_id, phase__group=page.group
    )


@allowed(rules.can_use_groups)
@require_POST
def milestone_reach(request: HttpRequest, pk: int, milestone_id: int) -> HttpResponse:
    page = content_page(request, pk)
    if not page.can["take_part"] or not page.group.is_project:
        raise PermissionDenied(_("Seuls les membres du projet marquent un jalon atteint."))
    milestone = _milestone(page, milestone_id)
    return act(
        request,
        lambda: services.milestone_reach(actor=request.user, milestone=milestone),
        done=_("Jalon « %(name)s » atteint.") % {"name": milestone.name},
        back=_url("charter", page),
    )


@allowed(rules.can_use_groups)
@require_POST
def milestone_delete(request: HttpRequest, pk: int, milestone_id: int) -> HttpResponse:
    page = _project_manager(request, pk)
    milestone = _milestone(page, milestone_id)
    return act(
        request,
        lambda: services.milestone_delete(actor=request.user, milestone=milestone),
        done=_("Jalon supprimé."),
        back=_url("charter", page),
    )


@allowed(rules.can_use_groups)
@require_POST
def reviewer_add(request: HttpRequest, pk: int) -> HttpResponse:
    page = _project_manager(request, pk)
    form = ReviewerForm(
        request.POST, members=selectors.invitable_members(page.group), prefix="reviewer"
    )
    return form_page(
        request,
        form,
        save=lambda data: services.reviewer_add(actor=request.user, group=page.group, **data),
        done=_("Relecteur·rice invité·e."),
        next_url=_url("charter", page),
        template="groups/charter.html",
        context=page.context("charter", **{**_charter_context(page), "reviewer_form": form}),
    )


@allowed(rules.can_use_groups)
@require_POST
def reviewer_remove(request: HttpRequest, pk: int, reviewer_id: int) -> HttpResponse:
    page = _project_manager(request, pk)
    reviewer = get_object_or_404(OutsideReviewer, pk=reviewer_id, group=page.group)
    return act(
        request,
        lambda: services.reviewer_remove(actor=request.user, reviewer=reviewer),
        done=_("Relecteur·rice retiré·e."),
        back=_url("charter", page),
    )


# ---------------------------------------------------------------- tasks


def _tasks_context(page: GroupPage, form: TaskForm | None = None) -> dict[str, Any]:
    tasks = list(selectors.tasks_of(page.group))
    member_id = page.mine.member_id if page.mine is not None else None
    today = timezone.localdate()
    for task in tasks:
        task.editable = page.can["manage"] or (  # type: ignore[attr-defined]
            page.can["take_part"] and task.owner_id == member_id
        )
        task.overdue = (  # type: ignore[attr-defined]
            task.status != "done" and task.due_date is not None and task.due_date < today
        )
    context: dict[str, Any] = {"tasks": tasks, "status_form": TaskStatusForm()}
    if page.can["take_part"]:
        context["form"] = form or TaskForm(members=_group_members(page))
    return context


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def tasks(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        page = participant_page(request, pk)
        form = TaskForm(request.POST, members=_group_members(page))
        return form_page(
            request,
            form,
            save=lambda data: services.task_add(actor=request.user, group=page.group, **data),
            done=_("Tâche ajoutée."),
            next_url=_url("tasks", page),
            template="groups/tasks.html",
            context=page.context("tasks", **_tasks_context(page, form)),
        )
    page = content_page(request, pk)
    return render(request, "groups/tasks.html", page.context("tasks", **_tasks_context(page)))


def _editable_task(request: HttpRequest, pk: int, task_id: int) -> tuple[GroupPage, Task]:
    page = content_page(request, pk)
    task = get_object_or_404(Task.objects.select_related("owner"), pk=task_id, group=page.group)
    if not rules.can_edit_task(request.user, page.group, page.mine, task):
        raise PermissionDenied(
            _("Seul·es la ou le responsable de la tâche et les porteur·ses du groupe la modifient.")
        )
    return page, task


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    page, task = _editable_task(request, pk, task_id)
    form = TaskForm(
        request.POST or None,
        members=_group_members(page),
        initial={"title": task.title, "owner": task.owner_id, "due_date": task.due_date},
    )
    return form_page(
        request,
        form,
        save=lambda data: services.task_update(actor=request.user, task=task, **data),
        done=_("Tâche modifiée."),
        next_url=_url("tasks", page),
        template="groups/simple_form.html",
        context=page.context("tasks", title=_("Modifier la tâche"), submit=_("Enregistrer")),
    )


@allowed(rules.can_use_groups)
@require_POST
def task_status(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    page, task = _editable_task(request, pk, task_id)
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        raise Http404(_("État de tâche inconnu."))
    status = form.cleaned_data["status"]
    return act(
        request,
        lambda: services.task_set_status(actor=request.user, task=task, status=status),
        done=_("Tâche « %(title)s » : %(status)s.")
        % {"title": task.title, "status": dict(form.fields["status"].choices)[status]},  # type: ignore[attr-defined]
        back=_url("tasks", page),
    )


# ---------------------------------------------------------------- decisions, meeting notes


def _paged(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        page = participant_page(request, pk)
        form = DecisionForm(request.POST)
    else:
        page = content_page(request, pk)
        form = DecisionForm(initial={"date": timezone.localdate()})
    context = page.context(
        "decisions", page=_paged(request, selectors.decisions_of(page.group)), query=""
    )
    if not page.can["take_part"]:
        return render(request, "groups/decisions.html", context)
    return form_page(
        request,
        form,
        save=lambda data: services.decision_add(
            actor=request.user, group=page.group, recorded_by=page.member, **data
        ),
        done=_("Décision enregistrée."),
        next_url=_url("decisions", page),
        template="groups/decisions.html",
        context=context,
    )


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        page = participant_page(request, pk)
        form = NoteForm(request.POST, members=_group_members(page))
    else:
        page = content_page(request, pk)
        form = NoteForm(members=_group_members(page), initial={"date": timezone.localdate()})
    context = page.context("notes", page=_paged(request, selectors.notes_of(page.group)), query="")
    if not page.can["take_part"]:
        return render(request, "groups/notes.html", context)
    return form_page(
        request,
        form,
        save=lambda data: services.note_add(
            actor=request.user, group=page.group, recorded_by=page.member, **data
        ),
        done=_("Compte rendu enregistré."),
        next_url=_url("notes", page),
        template="groups/notes.html",
        context=context,
    )


# ---------------------------------------------------------------- the time log


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def time_log(request: HttpRequest, pk: int) -> HttpResponse:
    page = content_page(request, pk) if request.method == "GET" else participant_page(request, pk)
    if page.group.is_trade:
        raise Http404(_("Un groupe métier ne tient pas de relevé de temps."))
    months = selectors.last_months(timezone.localdate(), TIME_MONTHS)
    form = TimeForm(request.POST or None, months=months)
    context = page.context(
        "time", months=months, rows=selectors.time_table(page.group, months), form=form
    )
    if not page.can["take_part"] or page.member is None:
        return render(request, "groups/time.html", context)
    member = page.member
    return form_page(
        request,
        form,
        save=lambda data: services.time_declare(
            actor=request.user, group=page.group, member=member, **data
        ),
        done=_("Temps déclaré."),
        next_url=_url("time", page),
        template="groups/time.html",
        context=context,
    )


# ---------------------------------------------------------------- trade groups: the plan


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    page = content_page(request, pk) if request.method == "GET" else manager_page(request, pk)
    if not page.group.is_trade:
        raise Http404(_("Le plan annuel est celui d'un groupe métier."))
    form = CycleForm(request.POST or None)
    context = page.context("plan", cycles=list(selectors.cycles_of(page.group)), form=form)
    if not page.can["manage"]:
        return render(request, "groups/plan.html", context)
    return form_page(
        request,
        form,
        save=lambda data: services.cycle_add(actor=request.user, group=page.group, **data),
        done=_("Cycle ajouté au plan."),
        next_url=_url("plan", page),
        template="groups/plan.html",
        context=context,
    )


@allowed(rules.can_use_groups)
@require_POST
def cycle_delete(request: HttpRequest, pk: int, cycle_id: int) -> HttpResponse:
    page = manager_page(request, pk)
    cycle = get_object_or_404(Cycle, pk=cycle_id, group=page.group)
    return act(
        request,
        lambda: services.cycle_delete(actor=request.user, cycle=cycle),
        done=_("Cycle retiré du plan."),
        back=_url("plan", page),
    )


# ---------------------------------------------------------------- brand groups: the split


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def split_rule(request: HttpRequest, pk: int) -> HttpResponse:
    page = content_page(request, pk) if request.method == "GET" else manager_page(request, pk)
    if not page.group.is_brand:
        raise Http404(_("Seul un groupe de marque partage son chiffre d'affaires."))
    memberships: list[Membership] = selectors.members_of(page.group)
    form = SplitRuleForm(
        request.POST or None, memberships=memberships, initial={"rule": page.group.split_rule}
    )
    context = page.context(
        "split",
        form=form,
        memberships=memberships,
        problems=selectors.split_problems(page.group),
    )
    if not page.can["manage"]:
        return render(request, "groups/split.html", context)
    return form_page(
        request,
        form,
        save=lambda data: services.split_rule_set(
            actor=request.user, group=page.group, rule=data["rule"], percents=form.percents()
        ),
        done=_("Règle de partage enregistrée."),
        next_url=_url("split", page),
        template="groups/split.html",
        context=context,
    )
