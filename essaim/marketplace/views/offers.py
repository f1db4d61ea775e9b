"""Offers: browse and search them, read one, write, change and delete one's own; the node
picker shared by the marketplace's forms. The public showcase is in views/showcase.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from essaim.core.views_utils import allowed, form_page
from essaim.marketplace import rules
from essaim.marketplace.forms.offers import OfferForm, OfferSearchForm
from essaim.marketplace.models import Offer
from essaim.marketplace.selectors import offers as selectors
from essaim.marketplace.services import offers as services
from essaim.members.models import Member
from essaim.members.selectors import member_of_user

NAV = "offers"
PER_PAGE = 20


def page_query(request: HttpRequest) -> str:
    """The query string of the page without its page number (pagination links add it)."""
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _own_member(request: HttpRequest) -> Member:
    member = member_of_user(request.user)
    if member is None:
        raise PermissionDenied(
            _("Aucune fiche de membre n'est rattachée à votre compte : pas d'offre possible.")
        )
    return member


def _offer_or_404(pk: int) -> Offer:
    try:
        return selectors.offer_for_members(pk)
    except Offer.DoesNotExist:
        raise Http404(_("Aucune offre ne porte ce numéro.")) from None


def _own_offer(request: HttpRequest, pk: int) -> tuple[Member, Offer]:
    member = _own_member(request)
    offer = _offer_or_404(pk)
    if not rules.can_edit_offer(request.user, offer):
        raise PermissionDenied(
            _("Cette offre n'est pas la vôtre : vous ne pouvez pas la modifier.")
        )
    return member, offer


@allowed(rules.can_use_marketplace)
@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    form = OfferSearchForm(request.GET or None)
    values = form.values()
    query = selectors.OfferQuery(
        text=values.get("q") or "",
        node_code=values.get("skill") or None,
        zone=values.get("zone") or None,
    )
    page = Paginator(selectors.offers_search(query=query), PER_PAGE).get_page(
        request.GET.get("page")
    )
    member = member_of_user(request.user) if rules.can_take_part(request.user) else None
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "searched": bool(values.get("q") or values.get("skill") or values.get("zone")),
        "mine": list(selectors.offers_of(member)) if member is not None else None,
        "can_create": member is not None,
        "nav": NAV,
    }
    return render(request, "marketplace/offers_list.html", context)


@allowed(rules.can_use_marketplace)
@require_GET
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_or_404(pk)
    if not rules.can_see_offer(request.user, offer):
        raise Http404(_("Aucune offre ne porte ce numéro."))
    own = rules.can_edit_offer(request.user, offer)
    context = {
        "offer": offer,
        "own": own,
        "can_contact": rules.can_take_part(request.user) and not own,
        "nav": NAV,
    }
    return render(request, "marketplace/offers_detail.html", context)


def _form_context(title: str, back_url: str) -> dict[str, Any]:
    return {"title": title, "back_url": back_url, "nav": NAV}


def _save(request: HttpRequest, member: Member, offer: Offer | None) -> Any:
    def save(data: dict[str, Any]) -> Offer:
        return services.offer_save(
            actor=request.user,
            member=member,
            offer=offer,
            title=data["title"],
            description=data["description"],
            nodes=data["nodes"],
            price=data["price"],
            price_unit=data["price_unit"],
            audience=data["audience"],
            active=data["active"],
        )

    return save


@allowed(rules.can_take_part)
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    return form_page(
        request,
        OfferForm(request.POST if request.method == "POST" else None),
        save=_save(request, member, None),
        done=_("Offre publiée."),
        next_url=lambda offer: reverse("marketplace:offer_detail", args=[offer.pk]),
        template="marketplace/offers_form.html",
        context=_form_context(_("Proposer une offre"), reverse("marketplace:offer_list")),
    )


@allowed(rules.can_take_part)
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member, offer = _own_offer(request, pk)
    initial = {
        "title": offer.title,
        "description": offer.description,
        "price": "" if offer.price is None else str(offer.price).replace(".", ","),
        "price_unit": offer.price_unit,
        "audience": offer.audience,
        "active": offer.active,
    }
    detail = reverse("marketplace:offer_detail", args=[offer.pk])
    return form_page(
        request,
        OfferForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            initial_nodes=list(offer.nodes.all()),
        ),
        save=_save(request, member, offer),
        done=_("Offre modifiée."),
        next_url=detail,
        template="marketplace/offers_form.html",
        context=_form_context(_("Modifier « %(title)s »") % {"title": offer.title}, detail),
    )


@allowed(rules.can_take_part)
@require_http_methods(["GET", "POST"])
def offer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    _member, offer = _own_offer(request, pk)
    if request.method == "POST":
        services.offer_delete(actor=request.user, offer=offer)
        messages.success(request, _("Offre « %(title)s » supprimée.") % {"title": offer.title})
        return redirect("marketplace:offer_list")
    return render(request, "marketplace/offers_delete.html", {"offer": offer, "nav": NAV})
