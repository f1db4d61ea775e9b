"""The entrepreneur's profile editor: presentation and availability, skills, portfolio, prices.

One address per action (no view branches on which button was pressed); each valid POST goes to
one service, whose refusal is shown on the form; nothing is written on a refusal.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.core import roles
from essaim.core.views_utils import allowed, form_page
from essaim.members.models import Member
from essaim.skills import node_picker, profile_selectors, rules, services
from essaim.skills.forms import (
    PortfolioImageForm,
    PortfolioItemForm,
    PriceForm,
    ProfileForm,
    SkillForm,
)
from essaim.skills.models import (
    MemberSkill,
    PortfolioImage,
    PortfolioItem,
    Price,
)

EDITOR = "skills:my_profile"
SUGGESTIONS = 12


def _own_member(request: HttpRequest) -> Member:
    """The member record of the logged-in entrepreneur (403 when the account has none)."""
    member = Member.objects.filter(user=request.user).first()
    if member is None or not rules.can_edit_profile(request.user, member):
        raise PermissionDenied(
            _("Aucune fiche de membre n'est rattachée à votre compte : pas de profil à modifier.")
        )
    return member


def _editor_context(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "back_url": reverse(EDITOR),
        "back_label": _("Mon profil"),
        "nav": "my_profile",
        **extra,
    }


@allowed(roles.is_entrepreneur)
@require_GET
def my_profile(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    skills = list(
        MemberSkill.objects.filter(member=member)
        .select_related("node")
        .order_by("-level", "node__label")
    )
    rows = profile_selectors.node_rows(skill.node for skill in skills)
    portfolio = PortfolioItem.objects.filter(member=member).prefetch_related(
        Prefetch("images", queryset=PortfolioImage.objects.order_by("pk"))
    )
    context = {
        "member": member,
        "profile": profile_selectors.profile_of(member),
        "skills": list(zip(skills, rows, strict=True)),
        "portfolio": portfolio,
        "prices": Price.objects.filter(member=member),
        "skill_form": SkillForm(),
        "nav": "my_profile",
    }
    return render(request, "skills/my_profile.html", context)


@allowed(roles.is_entrepreneur)
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    profile = profile_selectors.profile_of(member)
    initial = {}
    if profile is not None:
        initial = {
            "presentation": profile.presentation,
            "zones": ", ".join(profile.zones),
            "remote": profile.remote,
            "languages": ", ".join(profile.languages),
            "days_per_week": profile.days_per_week,
            "available_from": profile.available_from,
            "available_until": profile.available_until,
        }
    return form_page(
        request,
        ProfileForm(request.POST or None, initial=initial),
        save=lambda data: services.profile_update(actor=request.user, member=member, **data),
        done=_("Votre profil est à jour."),
        next_url=reverse(EDITOR),
        template="skills/form.html",
        context=_editor_context(_("Présentation et disponibilités")),
    )


@allowed(roles.is_entrepreneur)
@require_http_methods(["GET", "POST"])
def skill_add(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    form = SkillForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        services.skill_set(
            actor=request.user,
            member=member,
            node=data["node"],
            level=data["level"],
            years=data["years"],
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Compétence enregistrée."),
        next_url=reverse(EDITOR),
        template="skills/skill_form.html",
        context=_editor_context(_("Déclarer une compétence")),
    )


@allowed(roles.is_entrepreneur)
@require_POST
def skill_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    skill = get_object_or_404(MemberSkill.objects.select_related("node"), pk=pk, member=member)
    services.skill_remove(actor=request.user, skill=skill)
    messages.success(request, _("Compétence « %(label)s » retirée.") % {"label": skill.node.label})
    return redirect(EDITOR)


@allowed(rules.can_use_directory)
@require_GET
def skill_suggestions(request: HttpRequest) -> HttpResponse:
    """The skill autocomplete (htmx): nodes matching the typed words, with code and trail."""
    text = request.GET.get("skill", "")
    nodes = profile_selectors.node_search(text, limit=SUGGESTIONS) if len(text.strip()) >= 2 else []
    return render(
        request,
        "skills/_skill_suggestions.html",
        {"rows": profile_selectors.node_rows(nodes), "text": text},
    )


# ---------------------------------------------------------------- portfolio


@allowed(rules.can_use_directory)
@require_GET
def node_pick(request: HttpRequest) -> HttpResponse:
    """The node picker (htmx), shared by every app's forms: the chosen nodes with the
    suggestion just picked added; the suggestions and the search box are emptied."""
    codes = node_picker.values_of(request.GET, "nodes") + node_picker.values_of(
        request.GET, "choice"
    )
    return render(
        request, "skills/node_picker/picked.html", {"chosen": node_picker.chosen_nodes(codes)}
    )


def _own_item(member: Member, pk: int) -> PortfolioItem:
    return get_object_or_404(PortfolioItem, pk=pk, member=member)


def _item_initial(item: PortfolioItem) -> dict[str, Any]:
    return {f: getattr(item, f) for f in ("title", "description", "year", "client_kind", "link")}


@allowed(roles.is_entrepreneur)
@require_http_methods(["GET", "POST"])
def portfolio_item_create(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    return form_page(
        request,
        PortfolioItemForm(request.POST or None),
        save=lambda data: services.portfolio_item_save(actor=request.user, member=member, **data),
        done=_("Réalisation ajoutée : ajoutez-lui des images si vous le souhaitez."),
        next_url=reverse(EDITOR) + "#portfolio",
        template="skills/form.html",
        context=_editor_context(_("Ajouter une réalisation")),
    )


@allowed(roles.is_entrepreneur)
@require_http_methods(["GET", "POST"])
def portfolio_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    item = _own_item(member, pk)
    return form_page(
        request,
        PortfolioItemForm(request.POST or None, initial=_item_initial(item)),
        save=lambda data: services.portfolio_item_save(
            actor=request.user, member=member, item=item, **data
        ),
        done=_("Réalisation modifiée."),
        next_url=reverse(EDITOR) + "#portfolio",
        template="skills/form.html",
        context=_editor_context(_("Modifier « %(title)s »") % {"title": item.title}),
    )


@allowed(roles.is_entrepreneur)
@require_POST
def portfolio_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    item = _own_item(member, pk)
    services.portfolio_item_delete(actor=request.user, item=item)
    messages.success(request, _("Réalisation « %(title)s » supprimée.") % {"title": item.title})
    return redirect(reverse(EDITOR) + "#portfolio")


@allowed(roles.is_entrepreneur)
@require_http_methods(["GET", "POST"])
def portfolio_image_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    item = _own_item(member, pk)
    posted = request.method == "POST"
    # Bound on every POST: a POST without a file must say the file is missing.
    form = PortfolioImageForm(request.POST if posted else None, request.FILES if posted else None)
    return form_page(
        request,
        form,
        save=lambda data: services.portfolio_image_add(
            actor=request.user, item=item, image=data["image"], alt=data["alt"]
        ),
        done=_("Image ajoutée."),
        next_url=reverse(EDITOR) + "#portfolio",
        template="skills/form.html",
        context=_editor_context(
            _("Ajouter une image à « %(title)s »") % {"title": item.title}, multipart=True
        ),
    )


@allowed(roles.is_entrepreneur)
@require_POST
def portfolio_image_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    image = get_object_or_404(PortfolioImage, pk=pk, item__member=member)
    services.portfolio_image_delete(actor=request.user, image=image)
    messages.success(request, _("Image supprimée."))
    return redirect(reverse(EDITOR) + "#portfolio")


# ---------------------------------------------------------------- prices


def _price_save(request: HttpRequest, member: Member, price: Price | None) -> Any:
    def save(data: dict[str, Any]) -> None:
        services.price_save(actor=request.user, member=member, price=price, **data)

    return save


@allowed(roles.is_entrepreneur)
@require_http_methods(["GET", "POST"])
def price_create(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    return form_page(
        request,
        PriceForm(request.POST or None),
        save=_price_save(request, member, None),
        done=_("Tarif enregistré."),
        next_url=reverse(EDITOR) + "#prices",
        template="skills/form.html",
        context=_editor_context(_("Ajouter un tarif")),
    )


@allowed(roles.is_entrepreneur)
@require_http_methods(["GET", "POST"])
def price_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    price = get_object_or_404(Price, pk=pk, member=member)
    initial = {f: getattr(price, f) for f in ("label", "unit", "visibility")}
    initial["amount"] = str(price.amount).replace(".", ",")
    return form_page(
        request,
        PriceForm(request.POST or None, initial=initial),
        save=_price_save(request, member, price),
        done=_("Tarif modifié."),
        next_url=reverse(EDITOR) + "#prices",
        template="skills/form.html",
        context=_editor_context(_("Modifier le tarif « %(label)s »") % {"label": price.label}),
    )


@allowed(roles.is_entrepreneur)
@require_POST
def price_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request)
    price = get_object_or_404(Price, pk=pk, member=member)
    services.price_delete(actor=request.user, price=price)
    messages.success(request, _("Tarif « %(label)s » supprimé.") % {"label": price.label})
    return redirect(reverse(EDITOR) + "#prices")
