"""The cooperative's public showcase (/vitrine/): the offers members opened to the public,
without any login. It shows what is offered and by which activity, never a member's e-mail
or phone: the public gets in touch through the cooperative."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from essaim.marketplace.forms.offers import ShowcaseSearchForm
from essaim.marketplace.models import Offer
from essaim.marketplace.selectors import offers as selectors
from essaim.marketplace.views.offers import PER_PAGE, page_query


@require_GET
def showcase_list(request: HttpRequest) -> HttpResponse:
    form = ShowcaseSearchForm(request.GET or None)
    values = form.values()
    query = selectors.OfferQuery(
        text=values.get("q") or "", node_code=values.get("skill") or None, public_only=True
    )
    page = Paginator(selectors.offers_search(query=query), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "searched": bool(values.get("q") or values.get("skill")),
        "cooperative": settings.ESSAIM_COOPERATIVE_NAME,
    }
    return render(request, "marketplace/offers_showcase_list.html", context)


@require_GET
def showcase_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        offer = selectors.showcase_offer(pk)
    except Offer.DoesNotExist:
        raise Http404(_("Aucune offre publique ne porte ce numéro.")) from None
    context = {"offer": offer, "cooperative": settings.ESSAIM_COOPERATIVE_NAME}
    return render(request, "marketplace/offers_showcase_detail.html", context)
