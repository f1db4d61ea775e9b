"""Events of the cooperative's collective life, registrations and their waiting list,
attendance, feedback, members' calendar feeds, and peer trainings (*formations mutuelles*).

Dates and times are stored in UTC and shown in the cooperative's time zone (Europe/Paris).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.members.models import Member
from essaim.skills.models import Node


class EventKind(models.TextChoices):
    MONTHLY = "monthly", _("Mensuelle")
    AUTUMN_UNIVERSITY = "autumn_university", _("Université d'automne")
    GENERAL_ASSEMBLY = "general_assembly", _("Assemblée générale")
    WORKSHOP = "workshop", _("Atelier")
    PEER_TRAINING = "peer_training", _("Formation mutuelle")
    SALES_PRACTICE = "sales_practice", _("TP commercial")
    FORUM = "forum", _("Forum thématique")


class RegistrationMode(models.TextChoices):
    OPEN = "open", _("Inscriptions ouvertes")
    CLOSED = "closed", _("Inscriptions fermées")
    INVITATION = "invitation", _("Sur invitation")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Prévu")
    CANCELLED = "cancelled", _("Annulé")


class Event(models.Model):
    """A meeting of the cooperative: a *mensuelle*, a workshop, a forum, a peer training..."""

    kind = models.CharField(_("type"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    online_url = models.URLField(_("lien de connexion"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        help_text=_("Laissez vide pour un nombre de places illimité."),
    )
    registration_mode = models.CharField(
        _("inscriptions"),
        max_length=12,
        choices=RegistrationMode.choices,
        default=RegistrationMode.OPEN,
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisé par"),
        on_delete=models.PROTECT,
        related_name="organised_events",
    )
    # A thematic forum has a sponsor (*parrain* or *marraine*): a member or a staff person
    # who carries the theme.
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("parrain ou marraine"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsored_events",
    )
    status = models.CharField(
        _("état"), max_length=12, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    attendance_taken_at = models.DateTimeField(_("présences notées le"), null=True, blank=True)
    # The peer training this event is a session of (kind peer_training only).
    peer_training = models.ForeignKey(
        "events.PeerTraining",
        verbose_name=_("formation mutuelle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    # Raised when the date, the place or the state changes: calendar applications then
    # replace their copy (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["start", "id"]),
            models.Index(fields=["kind", "start"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""), name="event_place_or_link"
            ),
            models.CheckConstraint(
                condition=~Q(kind="forum") | Q(sponsor__isnull=False), name="event_forum_sponsor"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.end <= timezone.now()


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Inscrit·e")
    WAITING = "waiting", _("Sur liste d'attente")
    INVITED = "invited", _("Invité·e")
    CANCELLED = "cancelled", _("Désinscrit·e")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Présent·e")
    ABSENT = "absent", _("Absent·e")
    EXCUSED = "excused", _("Excusé·e")


class Registration(models.Model):
    """A member and an event: invited, registered, waiting for a seat, or cancelled.

    One row per member and event, kept when the member cancels (the history stays in the
    audit log). `position` is the rank on the waiting list (1 = next to get a seat), kept
    gapless by the services."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(
        Member, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("état"), max_length=12, choices=RegistrationStatus.choices)
    position = models.PositiveIntegerField(_("rang sur la liste d'attente"), null=True, blank=True)
    attendance = models.CharField(
        _("présence"), max_length=10, choices=Attendance.choices, blank=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité·e par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "created_at", "id"]
        indexes = [models.Index(fields=["event", "status", "position"])]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="event_registration_once"),
            models.CheckConstraint(
                condition=Q(status="waiting", position__isnull=False)
                | ~Q(status="waiting") & Q(position__isnull=True),
                name="event_registration_position_when_waiting",
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status="registered"),
                name="event_registration_attendance_when_registered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.event}"

    @property
    def is_active(self) -> bool:
        """Registered or waiting: the member counts on coming."""
        return self.status in {RegistrationStatus.REGISTERED, RegistrationStatus.WAITING}


class Feedback(models.Model):
    """What an attendee thought of an event: read by its organisers and management staff only;
    others see the counts."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="event_feedback")
    rating = models.PositiveSmallIntegerField(
        _("note"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("donné le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("avis sur un événement")
        verbose_name_plural = _("avis sur les événements")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="event_feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="event_feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.event} ({self.rating}/5)"


class CalendarFeed(models.Model):
    """A member's secret calendar address: only the SHA-256 digest of its token is stored."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière lecture"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda d'un membre")
        verbose_name_plural = _("agendas des membres")

    def __str__(self) -> str:
        return str(self.member)


class PeerTrainingStatus(models.TextChoices):
    OPEN = "open", _("Ouverte aux intéressé·es")
    CLOSED = "closed", _("Close")


class PeerTraining(models.Model):
    """A training a member offers to give to other members, on skills they hold."""

    offerer = models.ForeignKey(
        Member, verbose_name=_("proposée par"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))
    nodes = models.ManyToManyField(Node, verbose_name=_("compétences"), related_name="+")
    min_interested = models.PositiveSmallIntegerField(
        _("nombre minimum d'intéressé·es"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Une session peut être programmée dès que ce nombre est atteint."),
    )
    status = models.CharField(
        _("état"), max_length=8, choices=PeerTrainingStatus.choices, default=PeerTrainingStatus.OPEN
    )
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("formation mutuelle")
        verbose_name_plural = _("formations mutuelles")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_interested__gte=1, min_interested__lte=50),
                name="peer_training_min_1_to_50",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == PeerTrainingStatus.OPEN


class PeerInterest(models.Model):
    """A member would follow a peer training. `session`: the session they were registered to
    (empty while they wait for one)."""

    training = models.ForeignKey(PeerTraining, on_delete=models.CASCADE, related_name="interests")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("intéressé·e depuis le"), default=timezone.now)

    class Meta:
        verbose_name = _("intérêt pour une formation mutuelle")
        verbose_name_plural = _("intérêts pour les formations mutuelles")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training", "member"], name="peer_interest_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.training}"
