"""The directory and the nomenclature: /directory/search, /directory/members/{id},
/nomenclature/nodes, /nomenclature/nodes/{code}.

Who sees what (from `essaim.skills.rules`):
- every person of the cooperative (entrepreneurs, advisors, staff) searches the directory and
  reads profiles and the nomenclature; any other account is refused (403);
- a profile's prices follow the member's choice: the member sees all of theirs, their advisor
  those shown to the advisor or to members, everyone else only those shown to all members;
- a member who has left the cooperative answers 404, like an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthorizationError, HttpError

from essaim.api.schemas import ErrorOut, ValidationErrorOut
from essaim.members.models import Activity, Member
from essaim.skills import geo, profile_selectors, rules, selectors
from essaim.skills.models import Level, MemberSkill, Node, NodeKind
from essaim.skills.search import DirectoryQuery
from essaim.skills.search import directory_search as search

CODE_MAX_LENGTH = Node._meta.get_field("code").max_length  # a node code, everywhere

router = Router(tags=["Annuaire"])

MAX_LIMIT = 100


def _require_directory(user: Any) -> None:
    if not rules.can_use_directory(user):
        raise AuthorizationError(
            message=_("L'annuaire est réservé aux personnes de la coopérative.")
        )


# ---------------------------------------------------------------- schemas


class SkillOut(Schema):
    code: str
    label: str
    level: int = Field(description="1 débutant·e, 2 confirmé·e, 3 expert·e")
    level_label: str
    years: int | None = Field(description="Années de pratique")
    is_social: bool
    domain: str | None = Field(description="Libellé du domaine de la nomenclature")


class HitOut(Schema):
    id: int
    external_id: str | None
    name: str
    score: float
    activity: str | None = Field(description="Nom de l'enseigne")
    zones: list[str]
    matched_skills: list[SkillOut]


class SearchQuery(Schema):
    q: str = Field("", max_length=200, description="Mots libres (métier, savoir-faire, besoin)")
    skill: str = Field(
        "",
        max_length=CODE_MAX_LENGTH,
        description="Code d'un nœud : le sous-arbre (ex. D1202, un domaine)",
    )
    zone: str = Field("", max_length=3, description="Département (ex. 75, 93, 2A, 974)")
    available: bool = Field(False, description="Disponible aujourd'hui seulement")
    min_level: int | None = Field(None, ge=1, le=3, description="Niveau minimum de la compétence")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class ImageOut(Schema):
    url: str
    alt: str


class PortfolioItemOut(Schema):
    title: str
    description: str
    year: int | None
    client_kind: str
    client_kind_label: str
    link: str
    images: list[ImageOut]


class PriceOut(Schema):
    label: str
    amount: str = Field(description="Montant HT en euros, deux décimales (ex. « 35.00 »)")
    unit: str
    unit_label: str
    visibility: str = Field(description="me, advisor ou members")


class AvailabilityOut(Schema):
    days_per_week: float | None
    available_from: dt.date | None
    available_until: dt.date | None


class ProfileOut(Schema):
    id: int
    external_id: str | None
    name: str
    email: str
    activity: str | None
    presentation: str
    zones: list[str]
    remote: bool
    languages: list[str]
    availability: AvailabilityOut
    skills: list[SkillOut]
    portfolio: list[PortfolioItemOut]
    prices: list[PriceOut] = Field(description="Seulement les tarifs que vous pouvez voir")


class NodeOut(Schema):
    code: str
    label: str
    kind: str
    source: str
    parent: str | None = Field(description="Code du parent")
    is_social: bool
    obsolete: bool
    rome_codes: list[str]


class AliasOut(Schema):
    label: str
    kind: str
    source: str


class NodeDetailOut(NodeOut):
    description: str
    path: list[NodeOut] = Field(description="Les ancêtres, de la racine au parent")
    aliases: list[AliasOut]
    children: list[NodeOut]
    members_count: int


class NodeQuery(Schema):
    q: str = Field("", max_length=200, description="Libellé, synonyme ou code")
    parent: str = Field(
        "",
        max_length=CODE_MAX_LENGTH,
        description="Code du parent : ses enfants (sans q ni parent : domaines)",
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


# ---------------------------------------------------------------- helpers


def _activity_name(member: Member) -> str | None:
    try:
        activity: Activity = member.activity
    except Activity.DoesNotExist:
        return None
    return activity.name


def _skill_out(skill: MemberSkill, node: Node, domain: Node | None) -> SkillOut:
    return SkillOut(
        code=node.code,
        label=node.label,
        level=skill.level,
        level_label=str(Level(skill.level).label),
        years=skill.years,
        is_social=node.is_social,
        domain=domain.label if domain else None,
    )


def _node_out(node: Node, parents: dict[int, Node] | None = None) -> NodeOut:
    parent = (parents or {}).get(node.parent_id) if node.parent_id else None
    return NodeOut(
        code=node.code,
        label=node.label,
        kind=node.kind,
        source=node.source,
        parent=parent.code if parent else None,
        is_social=node.is_social,
        obsolete=node.obsolete,
        rome_codes=list(node.rome_codes or []),
    )


def _parents_of(nodes: list[Node]) -> dict[int, Node]:
    ids = {n.parent_id for n in nodes if n.parent_id}
    return Node.objects.in_bulk(ids) if ids else {}


def _unprocessable(field: str, message: str) -> JsonResponse:
    """A 422 shaped like ninja's own: a French summary and the field at fault."""
    return JsonResponse(
        {
            "detail": _("Requête invalide : %(message)s") % {"message": message},
            "errors": [{"loc": ["query", field], "msg": message, "type": "value_error"}],
        },
        status=422,
        json_dumps_params={"ensure_ascii": False},
    )


# ---------------------------------------------------------------- directory


@router.get(
    "/directory/search",
    response={200: list[HitOut], 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Rechercher dans l'annuaire",
)
def directory_search(request: HttpRequest, params: Query[SearchQuery]) -> Any:
    """La même recherche que la page Annuaire : les membres présents, les plus pertinents
    d'abord, avec les compétences qui correspondent. Réservé aux personnes de la coopérative."""
    user = request.auth  # type: ignore[attr-defined]
    _require_directory(user)
    node_code = None
    if params.skill.strip():
        node = selectors.node_by_code(params.skill)
        if node is None:
            return _unprocessable(
                "skill",
                _("code de compétence inconnu « %(code)s ».") % {"code": params.skill},
            )
        node_code = node.code
    zone = None
    if params.zone.strip():
        zone = geo.normalise_zone(params.zone)
        if zone is None:
            return _unprocessable(
                "zone",
                _("« %(zone)s » n'est pas un département français (ex. 75, 93, 2A, 974).")
                % {"zone": params.zone},
            )
    result = search(
        viewer=user,
        query=DirectoryQuery(
            text=params.q,
            node_code=node_code,
            zone=zone,
            available_now=params.available,
            min_level=params.min_level,
            limit=params.limit,
            offset=params.offset,
        ),
    )
    hits = []
    for hit in result.hits:  # members come with activity and profile, skills with their node
        profile = profile_selectors.profile_of(hit.member)
        hits.append(
            HitOut(
                id=hit.member.pk,
                external_id=hit.member.external_id,
                name=str(hit.member),
                score=round(float(hit.score), 6),
                activity=_activity_name(hit.member),
                zones=list(profile.zones) if profile else [],
                matched_skills=[_skill_out(s, s.node, None) for s in hit.matched_skills],
            )
        )
    return hits


@router.get(
    "/directory/members/{member_id}",
    response={200: ProfileOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Profil d'un membre de l'annuaire",
)
def directory_member(request: HttpRequest, member_id: int) -> ProfileOut:
    """Le profil d'un membre présent : présentation, compétences, réalisations, et les seuls
    tarifs que vous pouvez voir (le membre choisit qui voit chacun de ses tarifs)."""
    user = request.auth  # type: ignore[attr-defined]
    _require_directory(user)
    try:
        member = profile_selectors.directory_member(member_id)
    except Member.DoesNotExist:
        raise HttpError(
            404, _("Aucun membre n° %(id)s dans l'annuaire.") % {"id": member_id}
        ) from None
    profile = profile_selectors.profile_of(member)
    skills = list(member.skills.all())
    groups, social = profile_selectors.skills_by_domain(skills)
    domain_of = {s.pk: g.domain for g in groups for s in g.skills}
    return ProfileOut(
        id=member.pk,
        external_id=member.external_id,
        name=str(member),
        email=member.email,
        activity=_activity_name(member),
        presentation=profile.presentation if profile else "",
        zones=list(profile.zones) if profile else [],
        remote=bool(profile and profile.remote),
        languages=list(profile.languages) if profile else [],
        availability=AvailabilityOut(
            days_per_week=float(profile.days_per_week)
            if profile and profile.days_per_week is not None
            else None,
            available_from=profile.available_from if profile else None,
            available_until=profile.available_until if profile else None,
        ),
        skills=[_skill_out(s, s.node, domain_of.get(s.pk)) for s in skills],
        portfolio=[
            PortfolioItemOut(
                title=item.title,
                description=item.description,
                year=item.year,
                client_kind=item.client_kind,
                client_kind_label=item.get_client_kind_display() if item.client_kind else "",
                link=item.link,
                images=[
                    ImageOut(
                        url=request.build_absolute_uri(
                            reverse("skills:portfolio_image", args=[image.pk])
                        ),
                        alt=image.alt,
                    )
                    for image in item.images.all()
                ],
            )
            for item in member.portfolio.all()
        ],
        prices=[
            PriceOut(
                label=price.label,
                amount=f"{price.amount:.2f}",
                unit=price.unit,
                unit_label=price.get_unit_display(),
                visibility=price.visibility,
            )
            for price in selectors.prices_visible_to(user, member)
        ],
    )


# ---------------------------------------------------------------- nomenclature


@router.get(
    "/nomenclature/nodes",
    response={
        200: list[NodeOut],
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Nœuds de la nomenclature",
    tags=["Nomenclature"],
)
def node_list(request: HttpRequest, params: Query[NodeQuery]) -> list[NodeOut]:
    """Avec `q` : les nœuds dont le code, le libellé ou un synonyme correspond ; avec
    `parent` : les enfants de ce nœud ; sans l'un ni l'autre : les domaines."""
    _require_directory(request.auth)  # type: ignore[attr-defined]
    parent = None
    if params.parent.strip():
        parent = selectors.node_by_code(params.parent)
        if parent is None:
            raise HttpError(
                404,
                _("Aucun nœud de code « %(code)s » dans la nomenclature.")
                % {"code": params.parent},
            )
    if params.q.strip():
        nodes = profile_selectors.node_search(
            params.q, limit=params.limit if parent is None else params.limit * 5
        )
        if parent is not None:
            nodes = [n for n in nodes if n.path.startswith(parent.path)][: params.limit]
    elif parent is not None:
        nodes = list(Node.objects.filter(parent=parent).order_by("label", "code")[: params.limit])
    else:
        nodes = list(
            Node.objects.filter(parent=None, kind=NodeKind.DOMAIN).order_by("source", "label")[
                : params.limit
            ]
        )
    parents = _parents_of(nodes)
    return [_node_out(n, parents) for n in nodes]


@router.get(
    "/nomenclature/nodes/{code}",
    response={200: NodeDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Un nœud de la nomenclature",
    tags=["Nomenclature"],
)
def node_detail(request: HttpRequest, code: str) -> NodeDetailOut:
    """Un nœud par son code (les codes ROME sont acceptés en minuscules), avec ses ancêtres,
    ses synonymes, ses enfants et le nombre de membres qui l'ont déclaré."""
    _require_directory(request.auth)  # type: ignore[attr-defined]
    found = selectors.node_by_code(code)
    if found is None:
        raise HttpError(
            404, _("Aucun nœud de code « %(code)s » dans la nomenclature.") % {"code": code}
        )
    node = profile_selectors.node_detail(found.pk)
    ancestors = profile_selectors.ancestors_of([node])[node.pk]
    children = list(Node.objects.filter(parent=node).order_by("label", "code"))
    parents = {a.pk: a for a in ancestors} | {node.pk: node}
    base = _node_out(node, parents)
    return NodeDetailOut(
        **base.dict(),
        description=node.description,
        path=[_node_out(a, parents) for a in ancestors],
        aliases=[AliasOut(label=a.label, kind=a.kind, source=a.source) for a in node.aliases.all()],
        children=[_node_out(c, parents) for c in children],
        members_count=node.n_members,  # type: ignore[attr-defined]
    )
