"""The list of groups, a group's page (members, charter or plan, health panel), creating and
changing a group, activating and closing it, and the node picker."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core import roles
from essaim.core.views_utils import allowed, form_page
from essaim.groups import rules, selectors
from essaim.groups.forms import GroupFilterForm, GroupForm
from essaim.groups.models import Group, Task
from essaim.groups.services import groups as services
from essaim.groups.views.common import NAV, GroupPage, act, group_page, manager_page

PER_PAGE = 30


def _query(request: HttpRequest) -> str:
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@allowed(rules.can_use_groups)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET or None)
    values = form.values()
    filters = selectors.GroupFilters(
        kind=values.get("kind", ""), node=values.get("node", ""), mine=bool(values.get("mine"))
    )
    page = Paginator(selectors.group_list(user=request.user, filters=filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    mine = selectors.my_memberships(request.user)
    for group in page.object_list:
        group.my_row = mine.get(group.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "groups/list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "invitations": list(selectors.invitations_for(request.user)),
            "can_create": rules.can_create_group(request.user),
            "nav": NAV,
        },
    )


@allowed(rules.can_create_group)
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    creator = selectors.member_of(request.user)
    kinds = rules.kinds_for(request.user)
    if roles.is_entrepreneur(request.user) and creator is None:
        raise PermissionDenied(
            _("Aucune fiche de membre n'est rattachée à votre compte : pas de groupe possible.")
        )

    def save(data: dict[str, Any]) -> Group:
        return services.group_create(
            actor=request.user,
            kind=data["kind"],
            name=data["name"],
            description=data["description"],
            nodes=data["nodes"],
            creator=creator,
        )

    return form_page(
        request,
        GroupForm(request.POST or None, kinds=kinds),
        save=save,
        done=_("Groupe créé."),
        next_url=services.group_url,
        template="groups/form.html",
        context={"title": _("Créer un groupe"), "back_url": reverse("groups:list"), "nav": NAV},
    )


@allowed(rules.can_use_groups)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = manager_page(request, pk)
    group = page.group
    nodes = list(group.nodes.order_by("label"))
    form = GroupForm(
        request.POST or None,
        initial={"name": group.name, "description": group.description},
        initial_nodes=nodes,
    )
    return form_page(
        request,
        form,
        save=lambda data: services.group_update(
            actor=request.user,
            group=group,
            name=data["name"],
            description=data["description"],
            nodes=data["nodes"],
        ),
        done=_("Groupe modifié."),
        next_url=services.group_url(group),
        template="groups/form.html",
        context={"title": _("Modifier le groupe"), "group": group, "nav": NAV},
    )


def _health_context(page: GroupPage) -> dict[str, Any]:
    group = page.group
    panel = selectors.health_of(group)
    members = {m.member_id: m.member for m in selectors.members_of(group)}
    overdue = list(
        Task.objects.filter(pk__in=panel.overdue_tasks)
        .select_related("owner")
        .order_by("due_date", "id")
    )
    return {
        "health": panel,
        "overdue": overdue,
        "below": [members[pk] for pk in panel.below_commitment if pk in members],
        "prompt": selectors.stall_prompt(panel),
    }


@allowed(rules.can_use_groups)
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = group_page(request, pk)
    group = page.group
    can = page.can
    members = selectors.members_of(group)
    context: dict[str, Any] = {
        "members": members if can["see"] else [m for m in members if m.manages],
        "member_count": len(members),
    }
    if group.is_project and can["charter"]:
        context["charter"] = getattr(group, "charter", None)
        context["phases"] = list(selectors.phases_of(group))
        context["reviewers"] = list(selectors.reviewers_of(group))
        if group.status == "draft":
            context["missing"] = selectors.charter_missing(group)
        context.update(_health_context(page))
    if group.is_trade and can["see"]:
        today = timezone.localdate()
        context["cycles"] = list(selectors.cycles_of(group).filter(date__gte=today)[:6])
    if group.is_brand and can["see"]:
        context["split_problems"] = selectors.split_problems(group)
    return render(request, "groups/detail.html", page.context("overview", **context))


@allowed(rules.can_use_groups)
@require_POST
def group_activate(request: HttpRequest, pk: int) -> HttpResponse:
    page = manager_page(request, pk)
    return act(
        request,
        lambda: services.group_activate(actor=request.user, group=page.group),
        done=_("Le groupe projet est actif."),
        back=services.group_url(page.group),
    )


@allowed(rules.can_use_groups)
@require_POST
def group_close(request: HttpRequest, pk: int) -> HttpResponse:
    page = group_page(request, pk)
    if not page.can["close"]:
        raise PermissionDenied(
            _("Seul·es la porteuse ou le porteur du groupe et l'équipe de gestion le closent.")
        )
    return act(
        request,
        lambda: services.group_close(actor=request.user, group=page.group),
        done=_("Le groupe est clos."),
        back=services.group_url(page.group),
    )
