"""The skills nomenclature (a tree with aliases), members' profiles, and the directory's records.

The nomenclature holds three sources side by side: the project's own compact nomenclature of
CAE trades (`builtin`), France Travail's ROME 4.0 (`rome`), and the cooperative's own additions
(`coop`). Codes are stable: a member's skill points to a node, and a node a member uses is never
deleted, only marked obsolete.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.members.models import Member


class NodeKind(models.TextChoices):
    DOMAIN = "domain", _("Domaine")
    SUBDOMAIN = "subdomain", _("Domaine professionnel")
    TRADE = "trade", _("Métier")
    SKILL = "skill", _("Compétence")


class NodeSource(models.TextChoices):
    BUILTIN = "builtin", _("Nomenclature Essaim")
    ROME = "rome", _("ROME (France Travail)")
    COOP = "coop", _("Propre à la coopérative")


class Node(models.Model):
    """A node of the nomenclature: domain → (professional domain) → trade → skill."""

    code = models.CharField(_("code"), max_length=100, unique=True)
    kind = models.CharField(_("niveau"), max_length=12, choices=NodeKind.choices)
    source = models.CharField(_("source"), max_length=10, choices=NodeSource.choices)
    label = models.CharField(_("libellé"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ancestor ids, "/3/17/42/" (own id last): a subtree is one
    # indexed prefix query on every database.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # ROME occupation codes a builtin or coop trade corresponds to (e.g. ["D1202"]).
    rome_codes = models.JSONField(_("codes ROME"), default=list, blank=True)
    # ROME links an occupation to its skills (a skill serves many occupations).
    related_skills = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="occupations"
    )
    is_social = models.BooleanField(
        _("compétence sociale ou transversale"),
        default=False,
        help_text=_("Animer, former, médier, vendre… plutôt qu'un savoir-faire de métier."),
    )
    obsolete = models.BooleanField(_("obsolète"), default=False)
    search_label = models.CharField(max_length=255, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nœud de la nomenclature")
        verbose_name_plural = _("nomenclature")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "source"])]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"


class AliasKind(models.TextChoices):
    TITLE = "title", _("Intitulé de métier")
    SYNONYM = "synonym", _("Synonyme")
    ABBREVIATION = "abbreviation", _("Abréviation")


class Alias(models.Model):
    """Another name of a node: masculine/feminine job titles, synonyms, abbreviations."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(_("libellé"), max_length=255)
    kind = models.CharField(
        _("type"), max_length=16, choices=AliasKind.choices, default=AliasKind.SYNONYM
    )
    source = models.CharField(_("source"), max_length=10, choices=NodeSource.choices)
    # Lower-case, accent-free label: exact resolution and search go through it.
    folded = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("synonyme")
        verbose_name_plural = _("synonymes")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["node", "folded"], name="alias_unique_per_node")
        ]

    def __str__(self) -> str:
        return self.label


class Level(models.IntegerChoices):
    BEGINNER = 1, _("Débutant·e")
    CONFIRMED = 2, _("Confirmé·e")
    EXPERT = 3, _("Expert·e")


class MemberSkill(models.Model):
    """A skill a member declares, with its level and years of practice."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="skills")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="member_skills")
    level = models.PositiveSmallIntegerField(_("niveau"), choices=Level.choices)
    years = models.PositiveSmallIntegerField(
        _("années de pratique"), null=True, blank=True, validators=[MaxValueValidator(70)]
    )

    class Meta:
        verbose_name = _("compétence d'un membre")
        verbose_name_plural = _("compétences des membres")
        ordering = ["-level", "node__label"]
        constraints = [
            models.UniqueConstraint(fields=["member", "node"], name="member_skill_once"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="level_1_to_3"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.node.label} ({self.level})"


class Profile(models.Model):
    """What a member tells the cooperative about their work: presentation, zones, availability."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="profile")
    presentation = models.TextField(_("présentation"), blank=True)
    # Départements where the member works ("75", "93", "2A", "971"...).
    zones = models.JSONField(_("zones d'intervention"), default=list, blank=True)
    remote = models.BooleanField(_("travail à distance possible"), default=False)
    # ISO 639-1 codes ("fr", "en", "ar"...).
    languages = models.JSONField(_("langues"), default=list, blank=True)
    days_per_week = models.DecimalField(
        _("jours disponibles par semaine"),
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(7)],
    )
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    available_until = models.DateField(_("disponible jusqu'au"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")

    def __str__(self) -> str:
        return str(self.member)


class ClientKind(models.TextChoices):
    COMPANY = "company", _("Entreprise")
    ASSOCIATION = "association", _("Association")
    PUBLIC = "public", _("Collectivité ou service public")
    INDIVIDUAL = "individual", _("Particulier")
    MEMBER = "member", _("Membre de la coopérative")


class PortfolioItem(models.Model):
    """A piece of past work: partners judge competence on a realisation."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="portfolio")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True, validators=[MinValueValidator(1950)]
    )
    client_kind = models.CharField(
        _("type de client"), max_length=16, choices=ClientKind.choices, blank=True
    )
    link = models.URLField(_("lien"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réalisation")
        verbose_name_plural = _("portfolio")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class PortfolioImage(models.Model):
    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="portfolio/%Y/")
    alt = models.CharField(_("description de l'image"), max_length=200)

    class Meta:
        verbose_name = _("image de réalisation")
        verbose_name_plural = _("images de réalisations")

    def __str__(self) -> str:
        return self.alt


class PriceVisibility(models.TextChoices):
    ME = "me", _("Moi seul·e")
    ADVISOR = "advisor", _("Mon accompagnement")
    MEMBERS = "members", _("Tous les membres")


class PriceUnit(models.TextChoices):
    HOUR = "heure", _("l'heure")
    HALF_DAY = "demi-journee", _("la demi-journée")
    DAY = "jour", _("la journée")
    SERVICE = "prestation", _("la prestation")
    PACKAGE = "forfait", _("le forfait")
    UNIT = "unite", _("l'unité")
    MONTH = "mois", _("le mois")
    WORD = "mot", _("le mot")
    PAGE = "page", _("la page")


class Price(models.Model):
    """A price the member charges; who sees it is the member's choice (prices are a taboo)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="prices")
    label = models.CharField(_("prestation"), max_length=200)
    amount = models.DecimalField(
        _("montant HT (€)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unité"), max_length=16, choices=PriceUnit.choices)
    visibility = models.CharField(
        _("visible par"),
        max_length=10,
        choices=PriceVisibility.choices,
        default=PriceVisibility.ME,
    )

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return f"{self.label} : {self.amount} € / {self.unit}"


class Introduction(models.Model):
    """A *mise en relation*: an advisor suggests a member to someone, and says why."""

    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="introductions_made"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="introductions_received"
    )
    to_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="introductions_asked",
    )
    to_other = models.CharField(_("à (hors coopérative)"), max_length=200, blank=True)
    date = models.DateField(_("date"), default=timezone.localdate)
    reason = models.TextField(_("pourquoi"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_member__isnull=False) | ~Q(to_other=""),
                name="introduction_has_a_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_member or self.to_other}"


class Exposure(models.Model):
    """How often a member was shown in directory results, per day: fairness is measured."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="exposures")
    day = models.DateField()
    shown = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("exposition dans l'annuaire")
        verbose_name_plural = _("expositions dans l'annuaire")
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="exposure_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.day}: {self.shown}"


class MemberEmbedding(models.Model):
    """A member's profile as a vector for semantic search (`essaim.skills.semantic`).

    Written only when the `[semantic]` extra is installed; `text_hash` is the SHA-256 of the
    profile text that was embedded, so an unchanged profile is never embedded twice, and
    `model_name` (package and version) makes a model upgrade re-embed everything.
    """

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="embedding")
    model_name = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()  # float32, little-endian, L2-normalised
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("vecteur de profil")
        verbose_name_plural = _("vecteurs de profils")

    def __str__(self) -> str:
        return f"{self.member} ({self.model_name})"


class NodeEmbedding(models.Model):
    """A nomenclature node (label and aliases) as a vector, to suggest nodes for a need."""

    node = models.OneToOneField(Node, on_delete=models.CASCADE, related_name="embedding")
    model_name = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()  # float32, little-endian, L2-normalised
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("vecteur de nœud")
        verbose_name_plural = _("vecteurs de nœuds")

    def __str__(self) -> str:
        return f"{self.node} ({self.model_name})"
