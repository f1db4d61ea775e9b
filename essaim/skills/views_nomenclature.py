"""Staff pages: the nomenclature (browse, search, add the cooperative's own nodes and aliases)
and the directory's exposure figures (how often each member is shown and introduced)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from essaim.core.views_utils import allowed, form_page
from essaim.skills import profile_selectors, rules, services
from essaim.skills.forms import CHILD_KIND, AliasForm, NodeForm, NodeSearchForm
from essaim.skills.models import Node, NodeKind, NodeSource

SEARCH_LIMIT = 50


def _node_or_404(pk: int) -> Node:
    try:
        return profile_selectors.node_detail(pk)
    except Node.DoesNotExist:
        raise Http404(_("Aucun nœud de la nomenclature ne porte ce numéro.")) from None


@allowed(rules.can_manage_nomenclature)
@require_GET
def nomenclature(request: HttpRequest) -> HttpResponse:
    form = NodeSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    found = None
    if text:
        found = profile_selectors.node_rows(
            profile_selectors.node_search(text, limit=SEARCH_LIMIT, include_obsolete=True)
        )
    context = {
        "form": form,
        "found": found,
        "roots": None if text else profile_selectors.node_children(None),
        "nav": "nomenclature",
    }
    return render(request, "skills/nomenclature.html", context)


@allowed(rules.can_manage_nomenclature)
@require_GET
def node_children(request: HttpRequest, pk: int) -> HttpResponse:
    """A node's children, for htmx to unfold the tree; without htmx, the node's page."""
    if not request.htmx:
        return redirect("skills:node", pk=pk)
    node = _node_or_404(pk)
    return render(
        request,
        "skills/_node_children.html",
        {"node": node, "children": profile_selectors.node_children(node)},
    )


@allowed(rules.can_manage_nomenclature)
@require_GET
def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    node = _node_or_404(pk)
    context = {
        "node": node,
        "ancestors": profile_selectors.ancestors_of([node])[node.pk],
        "children": profile_selectors.node_children(node),
        # Two forms on one page: their own id prefixes keep the labels pointing right.
        "alias_form": AliasForm(auto_id="alias_%s"),
        "node_form": NodeForm(
            auto_id="node_%s", initial={"kind": CHILD_KIND.get(node.kind, NodeKind.SKILL)}
        ),
        "nav": "nomenclature",
    }
    return render(request, "skills/node.html", context)


def coop_code(label: str) -> str:
    """A free code for a node of the cooperative: COOP-COLORATION-VEGETALE(-2...)."""
    base = ("COOP-" + slugify(label).upper())[:34].rstrip("-") or "COOP"
    code, n = base, 1
    while Node.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@allowed(rules.can_manage_nomenclature)
@require_http_methods(["GET", "POST"])
def node_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _node_or_404(pk)
    form = NodeForm(
        request.POST or None, initial={"kind": CHILD_KIND.get(parent.kind, NodeKind.SKILL)}
    )
    return form_page(
        request,
        form,
        save=lambda data: services.node_create(
            actor=request.user,
            code=data["code"] or coop_code(data["label"]),
            label=data["label"],
            kind=data["kind"],
            parent=parent,
            source=NodeSource.COOP,
            description=data["description"],
            is_social=data["is_social"],
        ),
        done=_("Nœud ajouté à la nomenclature."),
        next_url=lambda node: reverse("skills:node", args=[node.pk]),
        template="skills/form.html",
        context=_node_context(parent, _("Ajouter sous « %(label)s »")),
    )


def _node_context(node: Node, title: str) -> dict[str, Any]:
    return {
        "title": title % {"label": node.label},
        "back_url": reverse("skills:node", args=[node.pk]),
        "back_label": str(node),
        "nav": "nomenclature",
    }


@allowed(rules.can_manage_nomenclature)
@require_http_methods(["GET", "POST"])
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    node = _node_or_404(pk)
    return form_page(
        request,
        AliasForm(request.POST or None),
        save=lambda data: services.alias_add(
            actor=request.user, node=node, label=data["label"], kind=data["kind"]
        ),
        done=_("Synonyme ajouté."),
        next_url=reverse("skills:node", args=[node.pk]),
        template="skills/form.html",
        context=_node_context(node, _("Ajouter un synonyme à « %(label)s »")),
    )


SORTS = ["nom", "vues30", "vues", "relations"]


@allowed(rules.can_see_exposure)
@require_GET
def exposure(request: HttpRequest) -> HttpResponse:
    order = request.GET.get("tri", "-vues30")
    if order not in profile_selectors.EXPOSURE_ORDERS:
        order = "-vues30"
    rows = profile_selectors.exposure_rows(order=order)
    page = Paginator(rows, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    # Each column header sorts by it; a second click reverses the order.
    sorts = {key: (f"-{key}" if order == key else key) for key in SORTS}
    return render(
        request,
        "skills/exposure.html",
        {
            "page": page,
            "order": order,
            "sorts": sorts,
            "query": f"tri={order}",
            "days": profile_selectors.RECENT_DAYS,
            "nav": "exposure",
        },
    )
