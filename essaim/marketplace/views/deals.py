"""Pages of the deals area: the list, a deal recorded by hand, one deal (status, feedback),
the member's marketplace space and management's statistics.

One address per action (no view branches on which button was pressed); each valid POST goes to
one service, whose refusal is shown on the page; nothing is written on a refusal.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core.views_utils import allowed, form_page, service_errors
from essaim.marketplace import rules
from essaim.marketplace.forms.deals import (
    BUYER,
    DealFilterForm,
    DealForm,
    DealStatusForm,
    FeedbackForm,
)
from essaim.marketplace.models import Deal, DealKind, DealOrigin, DealStatus
from essaim.marketplace.selectors import deals as selectors
from essaim.marketplace.selectors.my_space import my_space as my_space_of
from essaim.marketplace.selectors.stats import marketplace_stats
from essaim.marketplace.services import deals as services
from essaim.members.models import Member
from essaim.members.selectors import member_of_user

SUGGESTIONS = 10
NEXT_LABELS = {
    DealStatus.IN_PROGRESS: gettext_lazy("Passer « en cours »"),
    DealStatus.DONE: gettext_lazy("Marquer comme terminée"),
    DealStatus.CANCELLED: gettext_lazy("Annuler l'affaire"),
}


def _is_member_entrepreneur(user: Any) -> bool:
    return rules.can_take_part(user) and member_of_user(user) is not None


def _own_member(request: HttpRequest) -> Member:
    member = member_of_user(request.user)
    if member is None:
        raise PermissionDenied(_("Aucune fiche de membre n'est rattachée à votre compte."))
    return member


# ---------------------------------------------------------------- list


@allowed(rules.can_use_marketplace)
@require_GET
def deal_list(request: HttpRequest) -> HttpResponse:
    form = DealFilterForm(request.GET or None, years=selectors.deal_years())
    deals = selectors.deals_visible_to(user=request.user, filters=form.filters())
    page = Paginator(deals, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_record": _is_member_entrepreneur(request.user),
        "nav": "deals",
    }
    return render(request, "marketplace/deals_list.html", context)


# ---------------------------------------------------------------- recording a deal by hand


@allowed(_is_member_entrepreneur)
@require_http_methods(["GET", "POST"])
def deal_create(request: HttpRequest) -> HttpResponse:
    me = _own_member(request)
    form = DealForm(request.POST or None, me=me.pk)

    def save(data: dict[str, Any]) -> Deal:
        others = form.chosen_members()
        if data["role"] == BUYER:
            buyer, providers = me, others
        else:
            buyer, providers = others[0], [me]
        single = len(providers) == 1
        return services.deal_create(
            actor=request.user,
            kind=data["kind"],
            title=data["title"],
            buyer=buyer,
            providers=[
                services.ProviderShare(
                    member=m,
                    amount=data["amount"] if single else None,
                    hours=data["hours"] if single else None,
                )
                for m in providers
            ],
            amount=data["amount"],
            hours=data["hours"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            status=data["status"],
            origin=data["origin"],
            # A deal recorded as done ended on its end date, or today when it has none.
            done_at=(data["end_date"] or timezone.localdate())
            if data["status"] == DealStatus.DONE
            else None,
        )

    search = (request.POST.get("member_search") or "").strip() if request.POST else ""
    return form_page(
        request,
        form,
        save=save,
        done=_("Affaire enregistrée."),
        next_url=lambda deal: reverse("marketplace:deal_detail", args=[deal.pk]),
        template="marketplace/deals_form.html",
        context={
            "title": _("Enregistrer une affaire"),
            "suggestions": _suggestions(search, form),
            "search": search,
            "nav": "deals",
        },
    )


def _suggestions(text: str, form: DealForm) -> list[Member]:
    exclude = {form.me, *(m.pk for m in form.chosen)}
    return selectors.member_suggestions(text, exclude=exclude, limit=SUGGESTIONS)


@allowed(_is_member_entrepreneur)
@require_GET
def deal_member_suggestions(request: HttpRequest) -> HttpResponse:
    """The member autocomplete of the deal form (htmx): the members already ticked stay
    ticked, then the present members whose name holds the typed words."""
    me = _own_member(request)
    form = DealForm(request.GET, me=me.pk)
    text = request.GET.get("member_search", "")
    return render(
        request,
        "marketplace/deals_member_choices.html",
        {"form": form, "suggestions": _suggestions(text, form), "search": text.strip()},
    )


# ---------------------------------------------------------------- one deal


def _visible_deal(request: HttpRequest, pk: int) -> Deal:
    get_object_or_404(Deal, pk=pk)
    try:
        return selectors.deal_detail(user=request.user, pk=pk)
    except Deal.DoesNotExist:
        raise PermissionDenied(_("Vous ne pouvez pas consulter cette affaire.")) from None


def _detail_context(
    request: HttpRequest, deal: Deal, bound: FeedbackForm | None = None
) -> dict[str, Any]:
    user = request.user
    parties = selectors.parties_of(deal)
    viewer = member_of_user(user) if rules.can_leave_feedback(user, deal) else None
    feedback_forms: list[tuple[Member, FeedbackForm]] = []
    if viewer is not None:
        missing = selectors.feedback_missing(member=viewer, deals=[deal]).get(deal.pk, [])
        for other in missing:
            if bound is not None and bound.data.get("about") == str(other.pk):
                feedback_forms.append((other, bound))
            else:
                feedback_forms.append((other, _feedback_form(other.pk)))
    can_edit = rules.can_edit_deal(user, deal)
    visible = list(selectors.feedback_visible_to(user=user, deal=deal))
    return {
        "deal": deal,
        "buyer": deal.buyer,
        "provider_links": list(deal.provider_links.all()),
        "party_count": len(parties),
        "next_statuses": [
            (status, NEXT_LABELS[status]) for status in services.TRANSITIONS[deal.status]
        ]
        if can_edit
        else [],
        "done_status": DealStatus.DONE,
        "feedback": visible,
        "feedback_hidden": selectors.feedback_count(deal) - len(visible),
        "feedback_forms": feedback_forms,
        "nav": "deals",
    }


def _feedback_form(about: object, data: Any = None) -> FeedbackForm:
    """One form per other party on the page: the ids differ, the field names do not."""
    return FeedbackForm(data, initial={"about": about}, auto_id=f"f{about}_%s")


@allowed(rules.can_use_marketplace)
@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _visible_deal(request, pk)
    return render(request, "marketplace/deals_detail.html", _detail_context(request, deal))


@allowed(rules.can_use_marketplace)
@require_POST
def deal_status(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _visible_deal(request, pk)
    if not rules.can_edit_deal(request.user, deal):
        raise PermissionDenied(_("Seules les personnes parties à l'affaire peuvent la modifier."))
    form = DealStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("État inconnu : rien n'a changé."))
        return redirect("marketplace:deal_detail", pk=deal.pk)
    try:
        services.deal_set_status(
            actor=request.user,
            deal=deal,
            status=form.cleaned_data["status"],
            done_at=form.cleaned_data["done_at"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("L'affaire est maintenant « %(s)s ».")
            % {"s": DealStatus(form.cleaned_data["status"]).label},
        )
    return redirect("marketplace:deal_detail", pk=deal.pk)


@allowed(rules.can_take_part)
@require_POST
def feedback_leave(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _visible_deal(request, pk)
    if not rules.can_leave_feedback(request.user, deal):
        raise PermissionDenied(
            _("Seules les personnes parties à une affaire terminée peuvent laisser un retour.")
        )
    author = _own_member(request)
    about_id = request.POST.get("about", "")
    form = _feedback_form(about_id if about_id.isdigit() else "x", data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        about = Member.objects.filter(pk=data["about"]).first()
        try:
            if about is None:
                raise ValidationError(_("Ce membre n'existe pas."))
            services.feedback_leave(
                actor=request.user,
                deal=deal,
                author=author,
                about=about,
                would_work_again=data["would_work_again"],
                quality=data["quality"],
                deadlines=data["deadlines"],
                communication=data["communication"],
                comment=data["comment"],
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(
                request, _("Merci : votre retour sur %(name)s est enregistré.") % {"name": about}
            )
            return redirect("marketplace:deal_detail", pk=deal.pk)
    context = _detail_context(request, deal, bound=form)
    if not any(f is form for _m, f in context["feedback_forms"]):
        for message in form.non_field_errors() or [_("Ce retour n'a pas pu être enregistré.")]:
            messages.error(request, message)
    return render(request, "marketplace/deals_detail.html", context)


# ---------------------------------------------------------------- the member's space


@allowed(_is_member_entrepreneur)
@require_GET
def my_space(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    space = my_space_of(user=request.user, member=member)
    return render(
        request,
        "marketplace/deals_my_space.html",
        {"member": member, "space": space, "nav": "market_space"},
    )


# ---------------------------------------------------------------- statistics


def _width(value: float, top: float) -> int:
    """A bar's width class, in steps of 5 %: no inline style is needed."""
    if top <= 0 or value <= 0:
        return 0
    return max(5, round(value / top * 20) * 5)


@allowed(rules.can_see_stats)
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    years = selectors.deal_years()
    year_text = request.GET.get("annee", "")
    year = int(year_text) if year_text.isdigit() and int(year_text) in years else None
    figures = marketplace_stats(year=year)
    rows = figures["by_month"]
    top_count = max((sum(r[k] for k in DealKind.values) for r in rows), default=0)
    top_volume = max((r["volume_eur"] for r in rows), default=0)
    months = [
        {
            **row,
            "counts": [row[k] for k in DealKind.values],
            "total": sum(row[k] for k in DealKind.values),
            "count_width": _width(sum(row[k] for k in DealKind.values), top_count),
            "volume_width": _width(row["volume_eur"], top_volume),
        }
        for row in rows
    ]
    kinds = dict(DealKind.choices)
    context = {
        "figures": figures,
        "share_percent": round(figures["members_with_deal_share"] * 100, 1),
        "kinds": [(kinds[k], figures["deals_by_kind"][k]) for k in DealKind.values],
        "kind_labels": [kinds[k] for k in DealKind.values],
        "origins": _origins(figures),
        "months": months,
        "years": years,
        "year": year,
        "nav": "market_stats",
    }
    return render(request, "marketplace/deals_stats.html", context)


def _origins(figures: dict[str, Any]) -> list[tuple[str, int]]:
    labels = dict(DealOrigin.choices)
    return [(labels[o], n) for o, n in figures["deals_by_origin"].items()]
