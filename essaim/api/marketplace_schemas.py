"""The marketplace API's bodies: what /offers, /requests and /deals answer and accept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from essaim.marketplace.models import DealKind, DealStatus, RequestKind, RequestStatus
from essaim.skills.models import Node, PriceUnit

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
CODE_MAX_LENGTH = Node._meta.get_field("code").max_length
Amount = Decimal | str | None  # numbers or text as typed ("1200,50"): the services check them


class MemberRefOut(Schema):
    id: int
    name: str
    activity: str | None = Field(description="Nom de l'enseigne")


class PartyOut(Schema):
    id: int
    name: str


class NodeRefOut(Schema):
    code: str
    label: str


class OfferOut(Schema):
    id: int
    title: str
    description: str
    member: MemberRefOut
    skills: list[NodeRefOut]
    price: str | None = Field(description="Prix HT en euros (« 35.00 ») ; null : sur devis")
    price_unit: str
    price_unit_label: str
    audience: str = Field(description="members ou public (aussi la vitrine publique)")
    active: bool
    created_at: dt.datetime


class OfferIn(Schema):
    title: str = Field(max_length=200)
    description: str
    skills: list[str] = Field(description="Codes des nœuds de la nomenclature")
    price: Amount = Field(None, description="Prix HT ; vide ou null : sur devis")
    price_unit: str = Field("", description=", ".join(PriceUnit.values))
    audience: str = Field("members", description="members ou public")
    active: bool = True


class OfferQuery(Schema):
    q: str = Field("", max_length=200, description="Mots libres")
    skill: str = Field(
        "", max_length=CODE_MAX_LENGTH, description="Code d'un nœud : son sous-arbre"
    )
    zone: str = Field("", max_length=3, description="Département d'intervention du membre")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class OfferPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[OfferOut]


class RequestSkillOut(Schema):
    code: str
    label: str
    min_level: int = Field(description="1 débutant·e, 2 confirmé·e, 3 expert·e")


class RequestOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    author: MemberRefOut
    status: str
    status_label: str
    skills: list[RequestSkillOut]
    start_date: dt.date | None
    end_date: dt.date | None
    estimated_hours: str | None
    estimated_days: str | None
    budget: str | None = Field(description="Budget HT en euros")
    zone: str
    remote: bool
    answer_deadline: dt.date
    published_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime


class MatchOut(Schema):
    rank: int
    member: MemberRefOut
    covered: int = Field(description="Nombre de compétences demandées que le membre couvre")


class RequestDetailOut(RequestOut):
    matches: list[MatchOut] | None = Field(
        description="Les membres correspondants dans l'ordre équitable : pour l'auteur·e et "
        "l'accompagnement seulement (null pour les autres)"
    )


class RequestSkillIn(Schema):
    code: str = Field(max_length=CODE_MAX_LENGTH)
    min_level: int = Field(1, ge=1, le=3)


class RequestIn(Schema):
    kind: str = Field(description=", ".join(RequestKind.values))
    title: str = Field(max_length=200)
    description: str
    answer_deadline: dt.date
    skills: list[RequestSkillIn] = Field(default_factory=list)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    estimated_hours: Amount = None
    estimated_days: Amount = None
    budget: Amount = None
    zone: str = Field("", max_length=3)
    remote: bool = False
    publish: bool = Field(False, description="Publier tout de suite (sinon : brouillon)")


class RequestQuery(Schema):
    q: str = Field("", max_length=200, description="Mots du titre ou de la description")
    kind: RequestKind | None = None
    skill: str = Field("", max_length=CODE_MAX_LENGTH, description="Code d'un nœud")
    zone: str = Field("", max_length=3, description="Département (ou à distance)")
    status: RequestStatus | None = Field(None, description="Par défaut : ouvertes aux réponses")
    matching_me: bool = Field(False, description="Seulement celles qui m'ont trouvé·e")
    mine: bool = Field(False, description="Mes demandes, brouillons compris")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class RequestPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[RequestOut]


class ResponseOut(Schema):
    id: int
    request: int
    member: MemberRefOut
    message: str
    availability: str
    price: str | None
    status: str
    status_label: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


class ResponseIn(Schema):
    message: str
    availability: str = Field("", max_length=255)
    price: Amount = None


class AwardIn(Schema):
    responses: list[int] = Field(description="Identifiants des réponses choisies")


class ProviderOut(Schema):
    member: PartyOut
    amount: str | None
    hours: str | None


class DealOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    buyer: PartyOut
    providers: list[ProviderOut]
    amount: str | None
    hours: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    status: str
    status_label: str
    origin: str
    origin_label: str
    request: int | None
    created_at: dt.datetime
    done_at: dt.date | None


class FeedbackOut(Schema):
    author: PartyOut
    about: PartyOut
    would_work_again: bool
    quality: int
    deadlines: int
    communication: int
    comment: str
    created_at: dt.datetime


class DealDetailOut(DealOut):
    feedback: list[FeedbackOut] = Field(description="Les retours que vous pouvez lire")
    feedback_count: int = Field(description="Nombre de retours laissés sur cette affaire")


class DealPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[DealOut]


class ProviderIn(Schema):
    member: int = Field(description="Identifiant du membre prestataire")
    amount: Amount = None
    hours: Amount = None


class DealIn(Schema):
    kind: str = Field(description=", ".join(DealKind.values))
    title: str = Field(max_length=200)
    buyer: int | None = Field(None, description="Donneur d'ordre ; par défaut : moi")
    providers: list[ProviderIn]
    amount: Amount = None
    hours: Amount = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: str = Field(DealStatus.PLANNED, description=", ".join(DealStatus.values))
    done_at: dt.date | None = Field(None, description="Fin, pour une affaire déjà terminée")


class DealQuery(Schema):
    kind: DealKind | None = None
    status: DealStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class DealStatusIn(Schema):
    status: str = Field(description=", ".join(DealStatus.values))
    done_at: dt.date | None = Field(
        None, description="Fin de l'affaire (terminée) ; par défaut : aujourd'hui"
    )
