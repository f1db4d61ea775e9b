"""Every write to the nomenclature and to members' profiles: one transaction, audited."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage

from essaim.core.audit import audit_entry, diff, log_action
from essaim.core.models import User
from essaim.members.models import Member
from essaim.members.text import fold
from essaim.skills import geo
from essaim.skills.models import (
    Alias,
    AliasKind,
    ClientKind,
    Introduction,
    MemberSkill,
    Node,
    NodeKind,
    NodeSource,
    PortfolioImage,
    PortfolioItem,
    Price,
    PriceUnit,
    PriceVisibility,
    Profile,
)
from essaim.skills.signals import profile_changed

LANGUAGE_CODES = frozenset(
    "fr en es de it pt ar nl pl ro ru tr zh ja ko vi he el sv da no fi cs hu bg uk fa hi bn ur "
    "sw wo ln ff bm ber kab br oc co eu ca gsw lb ta ti am so mg ht crs rcf lsf".split()
)


# ---------------------------------------------------------------- nomenclature


def _path_of(node: Node) -> str:
    prefix = node.parent.path if node.parent_id else "/"
    return f"{prefix}{node.pk}/"


@transaction.atomic
def node_create(
    *,
    actor: User | None,
    code: str,
    label: str,
    kind: str,
    parent: Node | None = None,
    source: str = NodeSource.COOP,
    description: str = "",
    rome_codes: Sequence[str] = (),
    is_social: bool = False,
) -> Node:
    code = code.strip()
    if not code:
        raise ValidationError({"code": "un code est obligatoire"})
    if Node.objects.filter(code=code).exists():
        raise ValidationError({"code": f"le code {code} existe déjà dans la nomenclature"})
    if kind not in NodeKind.values:
        raise ValidationError({"kind": f"niveau inconnu « {kind} »"})
    node = Node.objects.create(
        code=code,
        label=label.strip(),
        kind=kind,
        parent=parent,
        source=source,
        description=description,
        rome_codes=list(rome_codes),
        is_social=is_social,
        search_label=fold(label),
    )
    node.path = _path_of(node)
    node.save(update_fields=["path"])
    log_action(actor=actor, action="node.created", target=node, data={"code": code, "label": label})
    return node


@transaction.atomic
def alias_add(
    *,
    actor: User | None,
    node: Node,
    label: str,
    kind: str = AliasKind.SYNONYM,
    source: str = NodeSource.COOP,
) -> Alias:
    label = label.strip()
    folded = fold(label)
    if not folded:
        raise ValidationError({"label": "le synonyme est vide"})
    if Alias.objects.filter(node=node, folded=folded).exists() or node.search_label == folded:
        raise ValidationError({"label": f"« {label} » désigne déjà {node.label}"})
    alias = Alias.objects.create(node=node, label=label, kind=kind, source=source, folded=folded)
    log_action(actor=actor, action="alias.added", target=alias, subject=node, data={"label": label})
    return alias


# ---------------------------------------------------------------- profile values


def clean_zones(values: Iterable[object]) -> list[str]:
    zones: list[str] = []
    for value in values:
        zone = geo.normalise_zone(value)
        if zone is None:
            raise ValidationError(
                {"zones": f"« {value} » n'est pas un département français (ex. 75, 93, 2A, 974)"}
            )
        if zone not in zones:
            zones.append(zone)
    return sorted(zones)


def clean_languages(values: Iterable[object]) -> list[str]:
    languages: list[str] = []
    for value in values:
        code = str(value).strip().lower()
        if code not in LANGUAGE_CODES:
            raise ValidationError(
                {"languages": f"« {value} » n'est pas un code de langue connu (ex. fr, en, ar)"}
            )
        if code not in languages:
            languages.append(code)
    return languages


def clean_amount(value: object) -> decimal.Decimal:
    try:
        amount = decimal.Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except decimal.InvalidOperation:
        raise ValidationError(
            {"amount": f"« {value} » n'est pas un montant : écrivez par exemple 35.00"}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"amount": f"« {value} » n'est pas un montant positif"})
    if amount != amount.quantize(decimal.Decimal("0.01")):
        raise ValidationError({"amount": f"« {value} » a plus de deux décimales"})
    return amount.quantize(decimal.Decimal("0.01"))


def clean_level(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value not in (1, 2, 3):
        raise ValidationError(
            {"level": f"niveau {value!r} inconnu : 1 (débutant), 2 (confirmé) ou 3 (expert)"}
        )
    return value


# ---------------------------------------------------------------- profile writes


def _profile(member: Member) -> Profile:
    profile, _created = Profile.objects.get_or_create(member=member)
    return profile


@transaction.atomic
def profile_update(
    *,
    actor: User | None,
    member: Member,
    presentation: str | None = None,
    zones: Iterable[object] | None = None,
    remote: bool | None = None,
    languages: Iterable[object] | None = None,
    days_per_week: decimal.Decimal | float | None | Any = ...,
    available_from: dt.date | None | Any = ...,
    available_until: dt.date | None | Any = ...,
) -> Profile:
    """Change the given fields of the profile (`...` means: leave as it is)."""
    profile = _profile(member)
    fields: dict[str, Any] = {}
    if presentation is not None:
        fields["presentation"] = presentation.strip()
    if zones is not None:
        fields["zones"] = clean_zones(zones)
    if remote is not None:
        fields["remote"] = remote
    if languages is not None:
        fields["languages"] = clean_languages(languages)
    if days_per_week is not ...:
        if days_per_week is not None and not 0 <= decimal.Decimal(str(days_per_week)) <= 7:
            raise ValidationError({"days_per_week": "entre 0 et 7 jours par semaine"})
        fields["days_per_week"] = days_per_week
    if available_from is not ...:
        fields["available_from"] = available_from
    if available_until is not ...:
        fields["available_until"] = available_until
    start = fields.get("available_from", profile.available_from)
    end = fields.get("available_until", profile.available_until)
    if start and end and end < start:
        raise ValidationError({"available_until": "la fin de disponibilité précède son début"})
    before = {k: getattr(profile, k) for k in fields}
    for key, value in fields.items():
        setattr(profile, key, value)
    changes = diff(before, {k: getattr(profile, k) for k in fields})
    if changes:
        profile.save()
        log_action(
            actor=actor, action="profile.updated", target=profile, subject=member, changes=changes
        )
        profile_changed.send(sender=Profile, member_ids=[member.pk])
    return profile


@transaction.atomic
def skill_set(
    *, actor: User | None, member: Member, node: Node, level: object, years: int | None = None
) -> MemberSkill:
    """Declare a skill or change its level."""
    level = clean_level(level)
    if node.obsolete:
        raise ValidationError(
            {"node": f"{node.label} ({node.code}) est obsolète : choisissez un autre nœud"}
        )
    skill = MemberSkill.objects.filter(member=member, node=node).first()
    if skill is None:
        skill = MemberSkill.objects.create(member=member, node=node, level=level, years=years)
        log_action(
            actor=actor,
            action="skill.added",
            target=skill,
            subject=member,
            changes={"node": [None, node.code], "level": [None, level], "years": [None, years]},
        )
    else:
        changes = diff(
            {"level": skill.level, "years": skill.years}, {"level": level, "years": years}
        )
        if changes:
            skill.level, skill.years = level, years
            skill.save(update_fields=["level", "years"])
            log_action(
                actor=actor, action="skill.updated", target=skill, subject=member, changes=changes
            )
    profile_changed.send(sender=MemberSkill, member_ids=[member.pk])
    return skill


@transaction.atomic
def skill_remove(*, actor: User | None, skill: MemberSkill) -> None:
    member = skill.member
    log_action(
        actor=actor,
        action="skill.removed",
        target=skill,
        subject=member,
        changes={"node": [skill.node.code, None], "level": [skill.level, None]},
    )
    skill.delete()
    profile_changed.send(sender=MemberSkill, member_ids=[member.pk])


@transaction.atomic
def price_save(
    *,
    actor: User | None,
    member: Member,
    label: str,
    amount: object,
    unit: str,
    visibility: str,
    price: Price | None = None,
) -> Price:
    """Create a price, or change one of the member's own prices."""
    if not label.strip():
        raise ValidationError({"label": "nommez la prestation"})
    value = clean_amount(amount)
    if unit not in PriceUnit.values:
        raise ValidationError(
            {"unit": f"unité « {unit} » inconnue (attendu : {', '.join(PriceUnit.values)})"}
        )
    if visibility not in PriceVisibility.values:
        raise ValidationError(
            {
                "visibility": f"visibilité « {visibility} » inconnue "
                f"(attendu : {', '.join(PriceVisibility.values)})"
            }
        )
    after = {"label": label.strip(), "amount": value, "unit": unit, "visibility": visibility}
    if price is None:
        price = Price.objects.create(member=member, **after)
        _log_price(actor, "price.added", price, diff({}, after), shown=visibility == "members")
        return price
    if price.member_id != member.pk:
        raise ValidationError("ce tarif n'est pas le vôtre")
    before = {k: getattr(price, k) for k in after}
    for key, val in after.items():
        setattr(price, key, val)
    changes = diff(before, after)
    if changes:
        price.save()
        shown = before["visibility"] == after["visibility"] == PriceVisibility.MEMBERS
        _log_price(actor, "price.updated", price, changes, shown=shown)
    return price


def _log_price(
    actor: User | None, action: str, price: Price, changes: dict[str, Any], *, shown: bool
) -> None:
    """Prices are the member's to show: the history (read by staff and the advisor) keeps
    the amount only of a price shown to all members."""
    if not shown and "amount" in changes:
        changes = {
            **changes,
            "amount": [HIDDEN if v is not None else None for v in changes["amount"]],
        }
    entry = audit_entry(
        actor=actor, action=action, target=price, subject=price.member, changes=changes
    )
    entry.target_repr = price.label[:255]
    entry.save()


HIDDEN = "masqué"


@transaction.atomic
def price_delete(*, actor: User | None, price: Price) -> None:
    _log_price(actor, "price.deleted", price, {"label": [price.label, None]}, shown=False)
    price.delete()


# ---------------------------------------------------------------- portfolio

PORTFOLIO_IMAGE_MAX_BYTES = 5 * 1024 * 1024


def _clean_portfolio_fields(
    *, title: str, year: int | None, client_kind: str, link: str
) -> dict[str, Any]:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Donnez un titre à la réalisation.")})
    this_year = timezone.localdate().year
    if year is not None and not 1950 <= year <= this_year:
        raise ValidationError(
            {
                "year": _("L'année %(year)s n'est pas possible : entre 1950 et %(max)s.")
                % {"year": year, "max": this_year}
            }
        )
    if client_kind and client_kind not in ClientKind.values:
        raise ValidationError(
            {"client_kind": _("Type de client « %(kind)s » inconnu.") % {"kind": client_kind}}
        )
    link = link.strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ValidationError(
                {
                    "link": _(
                        "« %(link)s » n'est pas une adresse web : écrivez-la en entier, "
                        "par exemple https://exemple.fr."
                    )
                    % {"link": link}
                }
            ) from None
    return {"title": title, "year": year, "client_kind": client_kind, "link": link}


@transaction.atomic
def portfolio_item_save(
    *,
    actor: User | None,
    member: Member,
    title: str,
    description: str = "",
    year: int | None = None,
    client_kind: str = "",
    link: str = "",
    item: PortfolioItem | None = None,
) -> PortfolioItem:
    """Add a realisation to the member's portfolio, or change one of theirs."""
    after = _clean_portfolio_fields(title=title, year=year, client_kind=client_kind, link=link)
    after["description"] = description.strip()
    if item is None:
        item = PortfolioItem.objects.create(member=member, **after)
        log_action(
            actor=actor,
            action="portfolio.added",
            target=item,
            subject=member,
            changes=diff({}, after),
        )
    else:
        if item.member_id != member.pk:
            raise ValidationError(_("Cette réalisation n'est pas la vôtre."))
        before = {k: getattr(item, k) for k in after}
        changes = diff(before, after)
        if not changes:
            return item
        for key, value in after.items():
            setattr(item, key, value)
        item.save()
        log_action(
            actor=actor, action="portfolio.updated", target=item, subject=member, changes=changes
        )
    profile_changed.send(sender=PortfolioItem, member_ids=[member.pk])
    return item


def _delete_files_after_commit(names: list[str]) -> None:
    """Stored files go only once the rows are gone for good (a rollback keeps both)."""
    storage = PortfolioImage._meta.get_field("image").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def portfolio_item_delete(*, actor: User | None, item: PortfolioItem) -> None:
    member = item.member
    names = [image.image.name for image in item.images.all() if image.image]
    log_action(
        actor=actor,
        action="portfolio.deleted",
        target=item,
        subject=member,
        data={"title": item.title, "images": len(names)},
    )
    item.delete()
    _delete_files_after_commit(names)
    profile_changed.send(sender=PortfolioItem, member_ids=[member.pk])


def _check_image(image: File) -> None:
    if image.size is not None and image.size > PORTFOLIO_IMAGE_MAX_BYTES:
        raise ValidationError(
            {
                "image": _("L'image pèse %(size)s Mo : 5 Mo au plus.")
                % {"size": f"{image.size / 1024 / 1024:.1f}".replace(".", ",")}
            }
        )
    try:
        image.seek(0)
        with PILImage.open(image) as picture:
            picture.verify()
    except Exception:  # Pillow raises many kinds of errors for a file that is no image
        raise ValidationError(
            {"image": _("Ce fichier n'est pas une image lisible (JPEG, PNG, GIF ou WebP).")}
        ) from None
    finally:
        image.seek(0)


@transaction.atomic
def portfolio_image_add(
    *, actor: User | None, item: PortfolioItem, image: File, alt: str
) -> PortfolioImage:
    """Attach an image (≤ 5 MB, a real picture) with its text alternative."""
    alt = alt.strip()
    if not alt:
        raise ValidationError(
            {"alt": _("Décrivez l'image en quelques mots, pour qui ne la voit pas.")}
        )
    _check_image(image)
    picture = PortfolioImage(item=item, alt=alt)
    picture.image.save(image.name or "image", image, save=False)
    try:
        picture.save()
    except Exception:
        picture.image.storage.delete(picture.image.name)
        raise
    log_action(
        actor=actor,
        action="portfolio.image_added",
        target=picture,
        subject=item.member,
        data={"item": item.title, "alt": alt},
    )
    profile_changed.send(sender=PortfolioImage, member_ids=[item.member_id])
    return picture


@transaction.atomic
def portfolio_image_delete(*, actor: User | None, image: PortfolioImage) -> None:
    item = image.item
    log_action(
        actor=actor,
        action="portfolio.image_deleted",
        target=image,
        subject=item.member,
        data={"item": item.title, "alt": image.alt},
    )
    name = image.image.name
    image.delete()
    _delete_files_after_commit([name] if name else [])
    profile_changed.send(sender=PortfolioImage, member_ids=[item.member_id])


# ---------------------------------------------------------------- introductions


@transaction.atomic
def introduction_record(
    *,
    actor: User,
    member: Member,
    reason: str,
    to_member: Member | None = None,
    to_other: str = "",
    date: dt.date | None = None,
) -> Introduction:
    """Record a *mise en relation*: `actor` suggested `member` to another member or to
    someone outside the cooperative, and why."""
    reason, to_other = reason.strip(), to_other.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Dites en quelques mots pourquoi cette mise en relation.")}
        )
    if to_member is None and not to_other:
        raise ValidationError(
            _("Choisissez à qui vous présentez ce membre : un membre, ou une personne extérieure.")
        )
    if to_member is not None and to_other:
        raise ValidationError(
            _("Choisissez soit un membre, soit une personne extérieure, pas les deux.")
        )
    if to_member is not None and to_member.pk == member.pk:
        raise ValidationError({"to_member": _("Un membre ne se présente pas à lui-même.")})
    for who in (member, to_member):
        if who is not None and who.exit_date is not None:
            raise ValidationError(_("%(name)s a quitté la coopérative.") % {"name": who})
    introduction = Introduction.objects.create(
        advisor=actor,
        member=member,
        to_member=to_member,
        to_other=to_other,
        date=date or timezone.localdate(),
        reason=reason,
    )
    log_action(
        actor=actor,
        action="introduction.recorded",
        target=introduction,
        subject=member,
        data={
            "to_member": str(to_member) if to_member else None,
            "to_other": to_other,
            "reason": reason,
            "date": introduction.date,
        },
    )
    return introduction
