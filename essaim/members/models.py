"""Members, their activity (enseigne), advisors, path stages and accompaniment meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.members import path


class StageKind(models.TextChoices):
    INFORMATION = path.INFORMATION, _("Réunion d'information")
    CAPE = path.CAPE, _("CAPE")
    CESA = path.CESA, _("CESA")
    ASSOCIATE = path.ASSOCIATE, _("Associé·e")


class CurrentStage(models.TextChoices):
    NONE = "none", _("Sans étape")
    INFORMATION = path.INFORMATION, _("Réunion d'information")
    CAPE = path.CAPE, _("En CAPE")
    CESA = path.CESA, _("En CESA")
    ASSOCIATE = path.ASSOCIATE, _("Associé·e")
    EXITED = "exited", _("Sorti·e")


class ExitReason(models.TextChoices):
    OWN_COMPANY = "own_company", _("Création de sa propre entreprise")
    SALARIED_JOB = "salaried_job", _("Retour à l'emploi salarié")
    STOPPED = "stopped", _("Arrêt de l'activité")
    OTHER = "other", _("Autre motif")


class Sector(models.Model):
    """An activity sector (coiffure, formation, web...): a short stable code and a label."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=120)

    class Meta:
        verbose_name = _("secteur d'activité")
        verbose_name_plural = _("secteurs d'activité")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Member(models.Model):
    """An entrepreneur of the cooperative, from the information meeting to the exit."""

    external_id = models.CharField(
        _("identifiant externe"), max_length=64, unique=True, null=True, blank=True
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"), unique=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·e d'accompagnement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entrepreneurs",
    )
    # Derived from the stages and the exit by services.member_refresh_path; kept on the row
    # so that the member list filters and sorts without joining the stages.
    stage = models.CharField(
        _("étape"), max_length=20, choices=CurrentStage.choices, default=CurrentStage.NONE
    )
    cohort_year = models.PositiveSmallIntegerField(_("cohorte d'entrée"), null=True, blank=True)
    exit_date = models.DateField(_("date de sortie"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=20, choices=ExitReason.choices, blank=True
    )
    # Lower-case, accent-free "nom prénom" for a portable case- and accent-insensitive search.
    search_name = models.CharField(max_length=320, db_index=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"]),
            models.Index(fields=["stage", "last_name"]),
            models.Index(fields=["cohort_year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True, exit_reason="")
                | Q(exit_date__isnull=False) & ~Q(exit_reason=""),
                name="member_exit_date_and_reason_together",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        from essaim.members.text import fold

        self.search_name = fold(f"{self.last_name} {self.first_name}")
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return str(self)

    def path_exit(self) -> path.Exit | None:
        return path.Exit(self.exit_date, self.exit_reason) if self.exit_date else None


class Activity(models.Model):
    """A member's activity, their *enseigne*: what they sell, under which name."""

    member = models.OneToOneField(
        Member, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="activity"
    )
    name = models.CharField(_("nom de l'enseigne"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("secteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )

    class Meta:
        verbose_name = _("activité (enseigne)")
        verbose_name_plural = _("activités (enseignes)")

    def __str__(self) -> str:
        return self.name


class AdvisorAssignment(models.Model):
    """Who followed a member, from when to when: the history of advisors."""

    member = models.ForeignKey(
        Member, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="assignments"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·e d'accompagnement"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    start = models.DateField(_("depuis le"))
    end = models.DateField(_("jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("suivi par un·e chargé·e d'accompagnement")
        verbose_name_plural = _("historique des chargé·es d'accompagnement")
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(end__isnull=True), name="one_open_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.advisor} → {self.member}"


class PathStage(models.Model):
    """One stage of a member's path: information meeting, CAPE period, CESA, associate."""

    member = models.ForeignKey(
        Member, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("étape"), max_length=20, choices=StageKind.choices)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"), null=True, blank=True)
    trial_end = models.DateField(_("fin de la période d'essai"), null=True, blank=True)
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        verbose_name = _("étape de parcours")
        verbose_name_plural = _("étapes de parcours")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["kind", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="stage_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%d/%m/%Y}"

    def as_path(self) -> path.Stage:
        return path.Stage(self.kind, self.start, self.end, self.trial_end)


class MeetingKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individuel")
    COLLECTIVE = "collective", _("Collectif")


class AccompanimentMeeting(models.Model):
    """An accompaniment meeting held by an advisor with one or several entrepreneurs."""

    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chargé·e d'accompagnement"),
        on_delete=models.PROTECT,
        related_name="meetings_held",
    )
    members = models.ManyToManyField(
        Member, verbose_name=_("entrepreneur·es"), related_name="meetings"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("type"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.INDIVIDUAL
    )
    subject = models.CharField(_("objet"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        verbose_name = _("rendez-vous d'accompagnement")
        verbose_name_plural = _("rendez-vous d'accompagnement")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.subject}"
