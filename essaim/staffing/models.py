"""Cooperative staffing: an opportunity with roles, the teams the solver proposes, the
invitations sent to a team, and the staff's priority policy."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.marketplace.models import Deal, Opportunity, WorkRequest
from essaim.members.models import Member
from essaim.skills.models import Level, Node
from essaim.staffing.policy import DEFAULT_POLICY, PolicyValues

MONEY = {"max_digits": 12, "decimal_places": 2}
MAX_ROLES = 8
MAX_TEAM_SIZE = 20


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PROPOSED = "proposed", _("Équipes proposées")
    INVITING = "inviting", _("Invitations envoyées")
    FORMED = "formed", _("Équipe formée")
    CANCELLED = "cancelled", _("Annulée")


class StaffingOpportunity(models.Model):
    """A piece of work for a temporary team of members: roles to fill over given dates."""

    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="staffing_organised",
        verbose_name=_("organisé par"),
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    zone = models.CharField(_("département du lieu"), max_length=3, blank=True)
    remote = models.BooleanField(_("à distance possible"), default=False)
    budget = models.DecimalField(
        _("budget hors taxes"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    max_team_size = models.PositiveSmallIntegerField(
        _("taille maximale de l'équipe"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TEAM_SIZE)],
    )
    status = models.CharField(
        _("état"), max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.DRAFT
    )
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staffing",
        verbose_name=_("opportunité de la veille"),
    )
    request = models.ForeignKey(
        WorkRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staffing",
        verbose_name=_("demande d'origine"),
    )
    deal = models.OneToOneField(
        Deal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staffing",
        verbose_name=_("affaire de cotraitance"),
    )
    project_group = models.OneToOneField(
        "groups.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staffing",
        verbose_name=_("groupe projet de l'équipe"),
    )
    # What the last solve said (status, seconds, roles nobody can fill): shown on the page.
    last_solve = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("opportunité de staffing")
        verbose_name_plural = _("opportunités de staffing")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="staffing_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="staffing_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(max_team_size__gte=1, max_team_size__lte=MAX_TEAM_SIZE),
                name="staffing_team_size_1_to_20",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status not in (OpportunityStatus.FORMED, OpportunityStatus.CANCELLED)


class StaffingRole(models.Model):
    """A role to fill: a skill of the nomenclature at a minimum level, for so many hours."""

    opportunity = models.ForeignKey(
        StaffingOpportunity, on_delete=models.CASCADE, related_name="roles"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    label = models.CharField(_("intitulé"), max_length=120, blank=True)
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("compétence")
    )
    min_level = models.PositiveSmallIntegerField(
        _("niveau minimum"), choices=Level.choices, default=Level.CONFIRMED
    )
    hours = models.DecimalField(
        _("heures"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    class Meta:
        verbose_name = _("rôle")
        verbose_name_plural = _("rôles")
        ordering = ["opportunity", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_level__gte=1, min_level__lte=3), name="staffing_role_level_1_to_3"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="staffing_role_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The role as people read it: its own label, else the skill's."""
        return self.label or self.node.label


class PriorityPolicy(models.Model):
    """The staff's policy, from a date on: the weights of trust and priority, the default
    hourly cost, and the priority bonuses (see policy.py and docs/staffing.md)."""

    valid_from = models.DateField(_("applicable à partir du"), unique=True)
    trust_weight = models.DecimalField(
        _("poids de la confiance"),
        max_digits=8,
        decimal_places=2,
        default=DEFAULT_POLICY.trust_weight,
        validators=[MinValueValidator(0)],
    )
    priority_weight = models.DecimalField(
        _("poids de la priorité"),
        max_digits=8,
        decimal_places=2,
        default=DEFAULT_POLICY.priority_weight,
        validators=[MinValueValidator(0)],
    )
    default_hourly_cost = models.DecimalField(
        _("coût horaire par défaut"),
        max_digits=8,
        decimal_places=2,
        default=DEFAULT_POLICY.default_hourly_cost,
        validators=[MinValueValidator(0)],
    )
    low_activity_months = models.PositiveSmallIntegerField(
        _("activité faible : aucune affaire terminée depuis (mois)"),
        default=DEFAULT_POLICY.low_activity_months,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    low_activity_bonus = models.DecimalField(
        _("priorité pour une activité faible"),
        max_digits=6,
        decimal_places=2,
        default=DEFAULT_POLICY.low_activity_bonus,
        validators=[MinValueValidator(0)],
    )
    cape_first_bonus = models.DecimalField(
        _("priorité pour une première expérience en CAPE"),
        max_digits=6,
        decimal_places=2,
        default=DEFAULT_POLICY.cape_first_bonus,
        validators=[MinValueValidator(0)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        verbose_name = _("politique de priorité")
        verbose_name_plural = _("politiques de priorité")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.valid_from:%d/%m/%Y}"

    def values(self) -> PolicyValues:
        return PolicyValues(
            trust_weight=self.trust_weight,
            priority_weight=self.priority_weight,
            default_hourly_cost=self.default_hourly_cost,
            low_activity_months=self.low_activity_months,
            low_activity_bonus=self.low_activity_bonus,
            cape_first_bonus=self.cape_first_bonus,
        )


class SolveStatus(models.TextChoices):
    OPTIMAL = "optimal", _("Optimale (prouvée)")
    FEASIBLE = "feasible", _("Bonne, sans preuve d'optimalité")


class Proposal(models.Model):
    """A team the solver proposed: who takes which role, at what cost and score, and why."""

    opportunity = models.ForeignKey(
        StaffingOpportunity, on_delete=models.CASCADE, related_name="proposals"
    )
    round = models.PositiveIntegerField(_("résolution n°"))
    rank = models.PositiveSmallIntegerField(_("rang"))
    solve_status = models.CharField(
        _("qualité de la solution"), max_length=10, choices=SolveStatus.choices
    )
    cost = models.DecimalField(_("coût estimé"), **MONEY)
    score = models.FloatField(_("score"))
    seconds = models.FloatField(_("durée du calcul (s)"))
    # Per member id (as text): the facts that made the member a candidate, see
    # selectors.explanation_for.
    explanation = models.JSONField(_("explications"), default=dict, blank=True)
    invited_at = models.DateTimeField(_("invitée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("proposition d'équipe")
        verbose_name_plural = _("propositions d'équipe")
        ordering = ["opportunity", "-round", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "round", "rank"], name="proposal_rank_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} — {self.round}.{self.rank}"


class ProposalAssignment(models.Model):
    """One role of a proposed team and the member it goes to."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(StaffingRole, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["proposal", "role__position", "role_id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "role"], name="proposal_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.role} → {self.member}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    WITHDRAWN = "withdrawn", _("Retirée")


LIVE_INVITATIONS = (InvitationStatus.PENDING, InvitationStatus.ACCEPTED)


class Invitation(models.Model):
    """A member asked to take one or more roles of an opportunity."""

    opportunity = models.ForeignKey(
        StaffingOpportunity, on_delete=models.CASCADE, related_name="invitations"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="staffing_invitations"
    )
    roles = models.ManyToManyField(StaffingRole, related_name="invitations")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    # Snapshot at invitation time: the roles' hours and the hourly cost the team was costed at.
    hours = models.DecimalField(_("heures"), max_digits=7, decimal_places=1)
    hourly_cost = models.DecimalField(_("coût horaire"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("réponse"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["opportunity", "created_at", "id"]
        indexes = [models.Index(fields=["member", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "member"], name="invitation_once"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="invitation_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.opportunity}"

    @property
    def amount(self) -> Decimal:
        return (self.hours * self.hourly_cost).quantize(Decimal("0.01"))
