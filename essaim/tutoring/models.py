"""Collective tutoring (*tutorat collectif*): a confidential case review modelled on the
hospital "staff". An entrepreneur asks for one (or their advisor proposes one, which waits for
the member's consent); volunteers holding the needed skills are invited; a session records the
situation, the shared diagnosis and an action plan; a follow-up comes later.

Nothing here names the case's content outside its pages: `__str__` gives a number only, so that
audit entries, logs and notifications never carry the situation (see rules.py for who sees
what).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.members.models import Member
from essaim.skills.models import Node


class CaseStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandé")
    VOLUNTEERS_INVITED = "volunteers_invited", _("Bénévoles invité·es")
    SESSION_HELD = "session_held", _("Séance tenue")
    FOLLOW_UP = "follow_up", _("Suivi en cours")
    CLOSED = "closed", _("Clos")


class Consent(models.TextChoices):
    PENDING = "pending", _("En attente de l'accord du membre")
    GIVEN = "given", _("Accord donné")
    REFUSED = "refused", _("Refusé par le membre")


class TutoringCase(models.Model):
    """One member's situation, reviewed by peers. `member.advisor` (whoever follows the member
    today) is the case's advisor."""

    member = models.ForeignKey(
        Member, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="tutoring_cases"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouvert par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by_member = models.BooleanField(_("demandé par le membre"), default=True)
    consent = models.CharField(
        _("accord du membre"), max_length=10, choices=Consent.choices, default=Consent.PENDING
    )
    consent_at = models.DateTimeField(_("accord ou refus le"), null=True, blank=True)
    title = models.CharField(_("titre"), max_length=200)
    situation = models.TextField(_("situation"))
    needed_skills = models.ManyToManyField(
        Node, verbose_name=_("compétences recherchées"), related_name="+", blank=True
    )
    status = models.CharField(
        _("état"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REQUESTED
    )
    created_at = models.DateTimeField(_("ouvert le"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("cas de tutorat collectif")
        verbose_name_plural = _("cas de tutorat collectif")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent="pending", consent_at__isnull=True)
                | ~Q(consent="pending") & Q(consent_at__isnull=False),
                name="tutoring_consent_dated",
            ),
            models.CheckConstraint(
                condition=Q(requested_by_member=False) | Q(consent="given"),
                name="tutoring_request_is_consent",
            ),
            models.CheckConstraint(
                condition=Q(consent="given") | Q(status__in=["requested", "closed"]),
                name="tutoring_no_work_without_consent",
            ),
        ]

    def __str__(self) -> str:
        # A number only: this text lands in the audit log and in e-mails.
        return _("Cas de tutorat n° %(pk)s") % {"pk": self.pk}

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    @property
    def has_consent(self) -> bool:
        return self.consent == Consent.GIVEN


class VolunteerStatus(models.TextChoices):
    INVITED = "invited", _("Invité·e, sans réponse")
    ACCEPTED = "accepted", _("A accepté")
    DECLINED = "declined", _("A décliné")


class Volunteer(models.Model):
    """A member invited to review the case, and their answer (dated: read back as
    participation)."""

    case = models.ForeignKey(
        TutoringCase, verbose_name=_("cas"), on_delete=models.CASCADE, related_name="volunteers"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("bénévole"),
        on_delete=models.CASCADE,
        related_name="tutoring_volunteering",
    )
    status = models.CharField(
        _("réponse"),
        max_length=10,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.INVITED,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité·e par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invité·e le"), default=timezone.now)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    class Meta:
        verbose_name = _("bénévole du tutorat")
        verbose_name_plural = _("bénévoles du tutorat")
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "member"], name="tutoring_one_invitation"),
            models.CheckConstraint(
                condition=Q(status="invited", answered_at__isnull=True)
                | ~Q(status="invited") & Q(answered_at__isnull=False),
                name="tutoring_answer_dated",
            ),
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_status_display()})"


class Session(models.Model):
    """The case review itself: who attended, the situation as presented, the shared
    diagnosis. The action plan and the follow-ups hang on the case."""

    case = models.OneToOneField(
        TutoringCase, verbose_name=_("cas"), on_delete=models.CASCADE, related_name="session"
    )
    date = models.DateField(_("date de la séance"))
    member_present = models.BooleanField(_("le membre était présent"), default=True)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·e d'accompagnement présent·e"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    volunteers = models.ManyToManyField(
        Member, verbose_name=_("bénévoles présent·es"), related_name="+", blank=True
    )
    situation = models.TextField(_("la situation telle que présentée"))
    diagnosis = models.TextField(_("le diagnostic partagé"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noté par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("noté le"), default=timezone.now)

    class Meta:
        verbose_name = _("séance de tutorat")
        verbose_name_plural = _("séances de tutorat")

    def __str__(self) -> str:
        return _("Séance du %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}


class ActionItem(models.Model):
    """One step of the action plan: what, who (the member, a volunteer or the advisor), by
    when, done when."""

    case = models.ForeignKey(
        TutoringCase, verbose_name=_("cas"), on_delete=models.CASCADE, related_name="actions"
    )
    action = models.CharField(_("action"), max_length=300)
    owner_member = models.ForeignKey(
        Member,
        verbose_name=_("responsable (membre ou bénévole)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    owner_advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable (chargé·e d'accompagnement)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("échéance"))
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    created_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        verbose_name = _("action du plan")
        verbose_name_plural = _("plan d'action")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_member__isnull=False, owner_advisor__isnull=True)
                | Q(owner_member__isnull=True, owner_advisor__isnull=False),
                name="tutoring_action_one_owner",
            )
        ]

    def __str__(self) -> str:
        return _("Action n° %(pk)s") % {"pk": self.pk}

    @property
    def owner(self) -> object:
        return self.owner_member if self.owner_member_id else self.owner_advisor


class FollowUp(models.Model):
    """Where the member stands some time after the session, and what comes next."""

    case = models.ForeignKey(
        TutoringCase, verbose_name=_("cas"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    date = models.DateField(_("date du suivi"))
    notes = models.TextField(_("où en est le membre"))
    next_step = models.CharField(_("prochaine étape"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noté par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("noté le"), default=timezone.now)

    class Meta:
        verbose_name = _("suivi du cas")
        verbose_name_plural = _("suivis du cas")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return _("Suivi du %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}
