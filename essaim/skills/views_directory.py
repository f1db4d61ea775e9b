"""The directory: search with facets, a member's profile, portfolio images, introductions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from essaim.core.views_utils import allowed, form_page
from essaim.members.models import Member
from essaim.skills import profile_selectors, rules, selectors, services
from essaim.skills.forms import DirectoryForm, IntroductionForm
from essaim.skills.models import MemberSkill, Node, PortfolioImage, Profile
from essaim.skills.search import DirectoryHit, DirectoryQuery, directory_search

RESULTS_PER_PAGE = 20


@dataclass
class Card:
    """One result of the directory, as its card shows it."""

    member: Member
    score: float
    profile: Profile | None
    skills: list[tuple[Node, MemberSkill]]


def _cards(hits: list[DirectoryHit]) -> list[Card]:
    """The hits as cards: the search hands members with their activity and profile, and
    matched skills with their node, so a page of cards runs no query per card (tested)."""
    return [
        Card(
            member=hit.member,
            score=hit.score,
            profile=profile_selectors.profile_of(hit.member),
            skills=[(skill.node, skill) for skill in hit.matched_skills],
        )
        for hit in hits
    ]


MAX_PAGE = 1000  # 20,000 results deep: further is no search, only a costly walk


def _page_number(request: HttpRequest) -> int:
    try:
        return min(max(1, int(request.GET.get("page", "1"))), MAX_PAGE)
    except ValueError:
        return 1


@allowed(rules.can_use_directory)
@require_GET
@vary_on_headers("HX-Request")  # the same address answers a page or its results: cache both
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    values = form.values()
    page = _page_number(request)
    query = DirectoryQuery(
        text=values.get("q") or "",
        node_code=values.get("skill") or None,
        zone=values.get("zone") or None,
        available_now=bool(values.get("available")),
        min_level=values.get("min_level"),
        limit=RESULTS_PER_PAGE,
        offset=(page - 1) * RESULTS_PER_PAGE,
    )
    result = directory_search(viewer=request.user, query=query)
    params = request.GET.copy()
    for key in ("page", "more"):
        params.pop(key, None)
    shown_until = query.offset + len(result.hits)
    context = {
        "form": form,
        "cards": _cards(result.hits),
        "total": result.total,
        "suggested": _suggestions(result.suggested_nodes, params),
        "next_page": _with(params, page=str(page + 1)) if shown_until < result.total else None,
        "page": page,
        "searched": bool(request.GET),
        "can_record_introduction": rules.can_record_introduction(request.user),
        "nav": "directory",
    }
    if request.htmx and request.GET.get("more"):
        return render(request, "skills/_directory_cards.html", context)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "skills/_directory_results.html" if partial else "skills/directory.html"
    return render(request, template, context)


def _suggestions(nodes: list[Node], params: QueryDict) -> list[tuple[str, str, str]]:
    """(text, code, query) of each suggested node; two nodes of the same label are told
    apart by their code."""
    labels = [node.label for node in nodes]
    return [
        (
            node.label if labels.count(node.label) == 1 else f"{node.label} ({node.code})",
            node.code,
            _with(params, skill=node.code),
        )
        for node in nodes
    ]


def _with(params: QueryDict, **changes: str) -> str:
    query = params.copy()
    for key, value in changes.items():
        query[key] = value
    if "skill" in changes:
        query.pop("page", None)
    return query.urlencode()


def _directory_member_or_404(pk: int) -> Member:
    try:
        return profile_selectors.directory_member(pk)
    except Member.DoesNotExist:
        raise Http404(_("Aucun membre de l'annuaire ne porte ce numéro.")) from None


@allowed(rules.can_use_directory)
@require_GET
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _directory_member_or_404(pk)
    groups, social = profile_selectors.skills_by_domain(member.skills.all())
    own = rules.can_edit_profile(request.user, member)
    context = {
        "member": member,
        "profile": profile_selectors.profile_of(member),
        "skill_groups": groups,
        "social_skills": social,
        "portfolio": member.portfolio.all(),
        "prices": selectors.prices_visible_to(request.user, member),
        "own": own,
        "can_record_introduction": rules.can_record_introduction(request.user),
        "today": timezone.localdate(),
        "nav": "my_profile" if own else "directory",
    }
    return render(request, "skills/profile.html", context)


@allowed(rules.can_use_directory)
@require_GET
def portfolio_image(request: HttpRequest, pk: int) -> FileResponse:
    """Portfolio images are not public media: each is served to who may see its owner."""
    try:
        image = profile_selectors.portfolio_image_for(request.user, pk)
    except PortfolioImage.DoesNotExist:
        raise Http404(_("Aucune image ne porte ce numéro.")) from None
    try:
        handle = image.image.open("rb")
    except FileNotFoundError:
        raise Http404(_("Le fichier de cette image est introuvable.")) from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@allowed(rules.can_record_introduction)
@require_http_methods(["GET", "POST"])
def introduction_create(request: HttpRequest, pk: int) -> HttpResponse:
    member = _directory_member_or_404(pk)
    form = IntroductionForm(
        request.POST or None, member=member, initial={"date": timezone.localdate()}
    )

    def save(data: dict[str, Any]) -> None:
        services.introduction_record(
            actor=request.user,
            member=member,
            to_member=data["to_member"],
            to_other=data["to_other"],
            reason=data["reason"],
            date=data["date"],
        )

    return form_page(
        request,
        form,
        save=save,
        done=_("Mise en relation enregistrée."),
        next_url=reverse("skills:profile", args=[member.pk]),
        template="skills/form.html",
        context={
            "title": _("Mettre en relation %(name)s") % {"name": member},
            "back_url": reverse("skills:profile", args=[member.pk]),
            "back_label": str(member),
            "nav": "directory",
        },
    )


@allowed(rules.can_record_introduction)
@require_GET
def introduction_list(request: HttpRequest) -> HttpResponse:
    introductions = profile_selectors.introductions_visible_to(request.user)
    page = Paginator(introductions, settings.ESSAIM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "skills/introductions.html",
        {"page": page, "query": "", "nav": "introductions"},
    )
