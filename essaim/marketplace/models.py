"""The internal marketplace: offers, requests and their answers, conversations, deals (the
record of who worked with whom), feedback, and the business watch."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.members.models import Member
from essaim.skills.models import Level, Node, PriceUnit

MONEY = {"max_digits": 12, "decimal_places": 2}


# ---------------------------------------------------------------- offers


class Audience(models.TextChoices):
    MEMBERS = "members", _("Les membres de la coopérative")
    PUBLIC = "public", _("Aussi la vitrine publique")


class Offer(models.Model):
    """A service or product a member offers to the other members (and perhaps the public)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))
    nodes = models.ManyToManyField(Node, related_name="offers", verbose_name=_("compétences"))
    price = models.DecimalField(
        _("prix hors taxes"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    price_unit = models.CharField(
        _("unité de prix"), max_length=16, choices=PriceUnit.choices, blank=True
    )
    audience = models.CharField(
        _("visible par"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    active = models.BooleanField(_("publiée"), default=True)
    search_text = models.TextField(editable=False, default="")  # folded words, for search
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["active", "audience"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0), name="offer_price_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def on_quote(self) -> bool:
        """No price: "sur devis"."""
        return self.price is None


# ---------------------------------------------------------------- business watch


class OpportunityKind(models.TextChoices):
    TENDER = "tender", _("Appel d'offres")
    LEAD = "lead", _("Piste client")


class Opportunity(models.Model):
    """A business opportunity spotted by staff or a member (the shared business watch)."""

    kind = models.CharField(_("type"), max_length=10, choices=OpportunityKind.choices)
    title = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    client = models.CharField(_("client ou acheteur"), max_length=200, blank=True)
    nodes = models.ManyToManyField(
        Node, related_name="opportunities", verbose_name=_("compétences"), blank=True
    )
    deadline = models.DateField(_("date limite de réponse"), null=True, blank=True)
    source_url = models.URLField(_("lien vers la source"), max_length=500, blank=True)
    zone = models.CharField(_("département"), max_length=3, blank=True)
    budget = models.DecimalField(
        _("budget estimé"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    external_ref = models.CharField(
        _("référence de la source"), max_length=100, blank=True, db_index=True
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities_posted",
    )
    created_at = models.DateTimeField(_("publiée le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("opportunité")
        verbose_name_plural = _("opportunités")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class WatchSubscription(models.Model):
    """A member follows a node of the nomenclature: opportunities on it (or below) reach them."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="watch_subscriptions")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="watchers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("abonnement à la veille")
        verbose_name_plural = _("abonnements à la veille")
        constraints = [
            models.UniqueConstraint(fields=["member", "node"], name="watch_subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.node}"


# ---------------------------------------------------------------- requests


class RequestKind(models.TextChoices):
    PURCHASE = "purchase", _("Achat pour moi")
    SUBCONTRACTING = "subcontracting", _("Sous-traitance")
    COCONTRACTING = "cocontracting", _("Cotraitance")
    TENDER = "tender", _("Réponse commune à un appel d'offres")
    PARTNERSHIP = "partnership", _("Partenaire sur la durée")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPEN = "open", _("Ouverte")
    DISCUSSION = "discussion", _("En discussion")
    AWARDED = "awarded", _("Attribuée")
    CANCELLED = "cancelled", _("Annulée")
    EXPIRED = "expired", _("Expirée")


CLOSED_STATUSES = (RequestStatus.AWARDED, RequestStatus.CANCELLED, RequestStatus.EXPIRED)


class WorkRequest(models.Model):
    """A member's request for work by other members: the dedicated board of the study."""

    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="work_requests")
    kind = models.CharField(_("type de demande"), max_length=16, choices=RequestKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))
    start_date = models.DateField(_("début souhaité"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    estimated_hours = models.DecimalField(
        _("heures estimées"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    estimated_days = models.DecimalField(
        _("jours estimés"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget = models.DecimalField(
        _("budget hors taxes"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    zone = models.CharField(_("département du lieu"), max_length=3, blank=True)
    remote = models.BooleanField(_("à distance possible"), default=False)
    answer_deadline = models.DateField(_("répondre avant le"))
    status = models.CharField(
        _("état"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name=_("opportunité d'origine"),
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "answer_deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="request_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="request_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class RequestSkill(models.Model):
    """A skill the request needs, with the minimum level."""

    request = models.ForeignKey(WorkRequest, on_delete=models.CASCADE, related_name="skills")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField(
        _("niveau minimum"), choices=Level.choices, default=Level.BEGINNER
    )

    class Meta:
        verbose_name = _("compétence demandée")
        verbose_name_plural = _("compétences demandées")
        constraints = [
            models.UniqueConstraint(fields=["request", "node"], name="request_skill_once"),
            models.CheckConstraint(
                condition=Q(min_level__gte=1, min_level__lte=3), name="request_level_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node} ≥ {self.min_level}"


class RequestMatch(models.Model):
    """A member the request matched when it was published, in the fair order shown to its
    author (`rank` 1 first). Recomputed when the request is published again."""

    request = models.ForeignKey(WorkRequest, on_delete=models.CASCADE, related_name="matches")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="request_matches")
    rank = models.PositiveIntegerField(_("rang"))
    covered = models.PositiveSmallIntegerField(_("compétences couvertes"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membre correspondant")
        verbose_name_plural = _("membres correspondants")
        ordering = ["request", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["request", "member"], name="request_match_once")
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.member}"


class RequestIntroduction(models.Model):
    """An advisor points a request's author to a member (a *mise en relation*)."""

    request = models.ForeignKey(WorkRequest, on_delete=models.CASCADE, related_name="introductions")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="request_introductions"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("pourquoi"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mise en relation sur une demande")
        verbose_name_plural = _("mises en relation sur une demande")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "member"], name="request_introduction_once")
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.member}"


class ResponseStatus(models.TextChoices):
    SENT = "sent", _("Envoyée")
    SHORTLISTED = "shortlisted", _("Retenue pour la suite")
    AWARDED = "awarded", _("Choisie")
    DECLINED = "declined", _("Non retenue")
    WITHDRAWN = "withdrawn", _("Retirée")


class RequestResponse(models.Model):
    """A member's answer to a request: a message, availability and a price."""

    request = models.ForeignKey(WorkRequest, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="request_responses")
    message = models.TextField(_("message"))
    availability = models.CharField(_("disponibilité"), max_length=255, blank=True)
    price = models.DecimalField(
        _("prix proposé hors taxes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    status = models.CharField(
        _("état"), max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.SENT
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "member"], name="response_once"),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="response_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.request}"


# ---------------------------------------------------------------- conversations


class Conversation(models.Model):
    """A thread of messages between members, perhaps about a request: the simple contact
    procedure. Only its participants read it."""

    subject = models.CharField(_("objet"), max_length=200)
    request = models.ForeignKey(
        WorkRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class ConversationParticipant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="conversations")
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "member"], name="conversation_participant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.conversation})"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="messages_sent")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} : {self.body[:40]}"


# ---------------------------------------------------------------- deals and feedback


class DealKind(models.TextChoices):
    PURCHASE = "purchase", _("Achat interne")
    SUBCONTRACTING = "subcontracting", _("Sous-traitance")
    COCONTRACTING = "cocontracting", _("Cotraitance")
    TENDER = "tender", _("Appel d'offres commun")
    EXCHANGE = "exchange", _("Échange de services sans argent")


class DealStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")


class DealOrigin(models.TextChoices):
    """How the members found each other: the statistics compare the advisors' introductions
    with the matches members found themselves."""

    MATCHING = "matching", _("Demande publiée (correspondance)")
    INTRODUCTION = "introduction", _("Mise en relation par l'accompagnement")
    DIRECT = "direct", _("Contact direct entre membres")
    STAFFING = "staffing", _("Équipe proposée par le staffing")


REQUEST_TO_DEAL_KIND = {
    RequestKind.PURCHASE: DealKind.PURCHASE,
    RequestKind.SUBCONTRACTING: DealKind.SUBCONTRACTING,
    RequestKind.COCONTRACTING: DealKind.COCONTRACTING,
    RequestKind.TENDER: DealKind.TENDER,
    RequestKind.PARTNERSHIP: DealKind.SUBCONTRACTING,
}


class Deal(models.Model):
    """The record of a cooperation: who bought what from whom, or who worked together."""

    kind = models.CharField(_("type"), max_length=16, choices=DealKind.choices)
    title = models.CharField(_("objet"), max_length=200)
    buyer = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="deals_bought",
        verbose_name=_("donneur d'ordre"),
    )
    providers = models.ManyToManyField(
        Member,
        through="DealProvider",
        related_name="deals_provided",
        verbose_name=_("prestataires"),
    )
    amount = models.DecimalField(
        _("montant hors taxes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    hours = models.DecimalField(
        _("heures"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=DealStatus.choices, default=DealStatus.PLANNED
    )
    origin = models.CharField(
        _("origine"), max_length=12, choices=DealOrigin.choices, default=DealOrigin.DIRECT
    )
    request = models.ForeignKey(
        WorkRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    done_at = models.DateField(_("terminée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("affaire")
        verbose_name_plural = _("affaires")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "done_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="deal_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0),
                name="deal_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="deal_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DealProvider(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="provider_links")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="deal_links")
    amount = models.DecimalField(
        _("part du montant"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    hours = models.DecimalField(
        _("heures"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("prestataire d'une affaire")
        verbose_name_plural = _("prestataires d'une affaire")
        constraints = [
            models.UniqueConstraint(fields=["deal", "member"], name="deal_provider_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.deal})"


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Feedback(models.Model):
    """What one side of a done deal privately says of another: seen by that person and the
    advisors; elsewhere only counted. Never a public star rating."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="feedback_given")
    about = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="feedback_received")
    would_work_again = models.BooleanField(_("je retravaillerais avec cette personne"))
    quality = models.PositiveSmallIntegerField(_("qualité du travail"), validators=RATING)
    deadlines = models.PositiveSmallIntegerField(_("respect des délais"), validators=RATING)
    communication = models.PositiveSmallIntegerField(_("communication"), validators=RATING)
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("retour")
        verbose_name_plural = _("retours")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "author", "about"], name="feedback_once"),
            models.CheckConstraint(
                condition=Q(quality__gte=1, quality__lte=5)
                & Q(deadlines__gte=1, deadlines__lte=5)
                & Q(communication__gte=1, communication__lte=5),
                name="feedback_ratings_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(author=models.F("about")), name="feedback_not_about_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} → {self.about} ({self.deal})"
