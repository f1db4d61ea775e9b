"""The business watch: the feed of opportunities, one opportunity (and answering it together
through a co-contracting request), posting one, the staff's CSV import, my subscriptions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import allowed, form_page
from essaim.marketplace import rules
from essaim.marketplace.forms.watch import (
    OpportunityForm,
    OpportunityImportForm,
    SubscriptionForm,
    WatchFilterForm,
)
from essaim.marketplace.models import Opportunity
from essaim.marketplace.selectors import watch as selectors
from essaim.marketplace.services import watch as services
from essaim.marketplace.views.offers import PER_PAGE, page_query
from essaim.members.models import Member
from essaim.members.selectors import member_of_user

NAV = "watch"


def _subscriber(request: HttpRequest) -> Member | None:
    return member_of_user(request.user) if rules.can_take_part(request.user) else None


def _opportunity_or_404(pk: int) -> Opportunity:
    try:
        return selectors.opportunity_detail(pk)
    except Opportunity.DoesNotExist:
        raise Http404(_("Aucune opportunité ne porte ce numéro.")) from None


@allowed(rules.can_use_marketplace)
@require_GET
def watch_list(request: HttpRequest) -> HttpResponse:
    member = _subscriber(request)
    form = WatchFilterForm(request.GET or None, subscriber=member is not None)
    values = form.values()
    mine = bool(values.get("abonnements")) and member is not None
    feed = selectors.opportunity_feed(
        kind=values.get("kind") or "",
        node_code=values.get("skill") or "",
        subscriber=member if mine else None,
    )
    page = Paginator(feed, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "mine": mine,
        "can_post": rules.can_post_opportunity(request.user),
        "can_import": rules.can_import_opportunities(request.user),
        "can_subscribe": member is not None,
        "nav": NAV,
    }
    return render(request, "marketplace/watch_list.html", context)


@allowed(rules.can_use_marketplace)
@require_GET
def watch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_or_404(pk)
    context = {
        "opportunity": opportunity,
        "can_answer": rules.can_take_part(request.user) and opportunity.is_open,  # type: ignore[attr-defined]
        "followers": selectors.subscribers_count(opportunity),
        "nav": NAV,
    }
    return render(request, "marketplace/watch_detail.html", context)


@allowed(rules.can_take_part)
@require_POST
def watch_to_request(request: HttpRequest, pk: int) -> HttpResponse:
    """« Répondre à plusieurs »: a co-contracting request drafted from the opportunity, opened
    in its editor."""
    opportunity = _opportunity_or_404(pk)
    member = member_of_user(request.user)
    if member is None:
        raise PermissionDenied(
            _("Aucune fiche de membre n'est rattachée à votre compte : pas de demande possible.")
        )
    try:
        draft = services.opportunity_to_request(
            actor=request.user, opportunity=opportunity, author=member
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("marketplace:watch_detail", pk=opportunity.pk)
    messages.success(
        request,
        _(
            "Brouillon de demande de cotraitance préparé : complétez-le, puis publiez-le pour "
            "trouver vos partenaires."
        ),
    )
    return redirect("marketplace:request_edit", pk=draft.pk)


@allowed(rules.can_post_opportunity)
@require_http_methods(["GET", "POST"])
def watch_create(request: HttpRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> Opportunity:
        return services.opportunity_post(
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            client=data["client"],
            nodes=data["nodes"],
            deadline=data["deadline"],
            source_url=data["source_url"],
            zone=data["zone"],
            budget=data["budget"],
        )

    return form_page(
        request,
        OpportunityForm(request.POST if request.method == "POST" else None),
        save=save,
        done=_("Opportunité publiée : les membres qui suivent ces compétences sont prévenus."),
        next_url=lambda opp: reverse("marketplace:watch_detail", args=[opp.pk]),
        template="marketplace/watch_form.html",
        context={
            "title": _("Signaler une opportunité"),
            "back_url": reverse("marketplace:watch_list"),
            "nav": NAV,
        },
    )


@allowed(rules.can_import_opportunities)
@require_http_methods(["GET", "POST"])
def watch_import(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    # Bound on every POST: a POST without a file must say the file is missing.
    form = OpportunityImportForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    report = None
    if posted and form.is_valid():
        report = services.opportunities_import(actor=request.user, file=form.cleaned_data["file"])
        if report.ok:
            messages.success(
                request,
                _(
                    "Import terminé : %(created)s opportunité(s) créée(s), %(updated)s mise(s) "
                    "à jour, %(unchanged)s inchangée(s) ; %(notified)s personne(s) prévenue(s)."
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "notified": report.notified,
                },
            )
            return redirect("marketplace:watch_list")
    return render(
        request,
        "marketplace/watch_import.html",
        {"form": form, "report": report, "nav": NAV, "today": timezone.localdate()},
    )


@allowed(rules.can_take_part)
@require_http_methods(["GET", "POST"])
def watch_subscriptions(request: HttpRequest) -> HttpResponse:
    member = member_of_user(request.user)
    if member is None:
        raise PermissionDenied(
            _("Aucune fiche de membre n'est rattachée à votre compte : pas d'abonnement possible.")
        )
    # Bound on every POST: unchecking every node is an empty POST that unsubscribes.
    form = SubscriptionForm(
        request.POST if request.method == "POST" else None,
        initial_nodes=selectors.subscribed_nodes(member),
    )
    return form_page(
        request,
        form,
        save=lambda data: services.subscription_set(
            actor=request.user, member=member, nodes=data["nodes"]
        ),
        done=_("Vos abonnements à la veille sont enregistrés."),
        next_url=reverse("marketplace:watch_subscriptions"),
        template="marketplace/watch_subscriptions.html",
        context={"title": _("Mes abonnements à la veille"), "nav": NAV},
    )
