"""Groups of members: trade groups (open), project groups (closed, with a charter) and brand
groups (closed, with a turnover split rule); their discussions and shared files.

Membership rows are never overwritten: leaving sets `end`, joining again opens a new row, so
the history of who was in when stays readable (and is read back as participation).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.members.models import Member
from essaim.skills.models import Node

PROJECT_MIN_MEMBERS = 2
PROJECT_MAX_MEMBERS = 10


class GroupKind(models.TextChoices):
    TRADE = "trade", _("Groupe métier")
    PROJECT = "project", _("Groupe projet")
    BRAND = "brand", _("Groupe de marque")


class GroupStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    ACTIVE = "active", _("Actif")
    CLOSED = "closed", _("Clos")


class SplitRule(models.TextChoices):
    """How a brand group's turnover is shared between its members (see docs/groups.md)."""

    EQUAL = "equal", _("Parts égales")
    HOURS = "hours", _("Au prorata des heures")
    FIXED = "fixed", _("Pourcentages fixes par membre")


class Group(models.Model):
    """A group of members. Trade groups are open to every member; project and brand groups
    are closed: one joins them by invitation or by an approved request."""

    kind = models.CharField(_("type de groupe"), max_length=10, choices=GroupKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    nodes = models.ManyToManyField(
        Node, blank=True, related_name="member_groups", verbose_name=_("compétences")
    )
    is_open = models.BooleanField(_("ouvert à tous les membres"), default=False)
    status = models.CharField(
        _("état"), max_length=10, choices=GroupStatus.choices, default=GroupStatus.DRAFT
    )
    split_rule = models.CharField(
        _("règle de partage du chiffre d'affaires"),
        max_length=10,
        choices=SplitRule.choices,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups_created",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    activated_on = models.DateField(_("actif depuis le"), null=True, blank=True)
    closed_on = models.DateField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=GroupKind.TRADE, is_open=True)
                | (~Q(kind=GroupKind.TRADE) & Q(is_open=False)),
                name="group_open_iff_trade",
            ),
            models.CheckConstraint(
                condition=Q(kind=GroupKind.BRAND) | Q(split_rule=""),
                name="group_split_rule_for_brands",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_project(self) -> bool:
        return self.kind == GroupKind.PROJECT

    @property
    def is_trade(self) -> bool:
        return self.kind == GroupKind.TRADE

    @property
    def is_brand(self) -> bool:
        return self.kind == GroupKind.BRAND

    @property
    def is_closed(self) -> bool:
        return self.status == GroupStatus.CLOSED


class MembershipRole(models.TextChoices):
    LEAD = "lead", _("Porteur·se du projet")
    FACILITATOR = "facilitator", _("Animateur·rice")
    MEMBER = "member", _("Membre")


class MembershipState(models.TextChoices):
    INVITED = "invited", _("Invitation en attente")
    REQUESTED = "requested", _("Demande en attente")
    ACTIVE = "active", _("Membre")
    LEFT = "left", _("Parti·e")
    DECLINED = "declined", _("Invitation déclinée")
    REFUSED = "refused", _("Demande refusée")


OPEN_STATES = (MembershipState.INVITED, MembershipState.REQUESTED, MembershipState.ACTIVE)


class Membership(models.Model):
    """A member in a group, from `start` to `end`; or an invitation or a request to join."""

    group = models.ForeignKey(
        Group, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="group_memberships",
    )
    role = models.CharField(
        _("rôle"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    state = models.CharField(_("état"), max_length=10, choices=MembershipState.choices)
    commitment_hours_per_month = models.PositiveSmallIntegerField(
        _("engagement minimum (heures par mois)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
    )
    split_percent = models.DecimalField(
        _("part du chiffre d'affaires (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    muted = models.BooleanField(_("notifications du groupe coupées"), default=False)
    start = models.DateField(_("membre depuis le"), null=True, blank=True)
    end = models.DateField(_("jusqu'au"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité·e par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    decided_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    class Meta:
        verbose_name = _("appartenance à un groupe")
        verbose_name_plural = _("appartenances aux groupes")
        ordering = ["group", "start", "id"]
        indexes = [
            models.Index(fields=["member", "state"]),
            models.Index(fields=["group", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"],
                condition=Q(state__in=["invited", "requested", "active"]),
                name="membership_one_open_row",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=False, end__gte=models.F("start")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.group}"

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def manages(self) -> bool:
        return self.is_active and self.role in (MembershipRole.LEAD, MembershipRole.FACILITATOR)


class OutsideReviewer(models.Model):
    """Someone invited to challenge a project: a member of the cooperative, or an outside
    expert (name and e-mail)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="reviewers")
    member = models.ForeignKey(
        Member,
        verbose_name=_("membre de la coopérative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("relecteur·rice extérieur·e")
        verbose_name_plural = _("relecteur·rices extérieur·es")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | (~Q(name="") & ~Q(email="")),
                name="reviewer_member_or_expert",
            )
        ]

    def __str__(self) -> str:
        return str(self.member) if self.member_id else f"{self.name} <{self.email}>"


# ---------------------------------------------------------------- trade groups: the yearly plan


class CycleKind(models.TextChoices):
    ACQUAINTANCE = "acquaintance", _("Faire connaissance")
    TRAINING = "training", _("Formation")
    CASE_STUDY = "case_study", _("Étude de cas")
    BUSINESS = "business", _("Coopération commerciale")


class Cycle(models.Model):
    """One dated step of a trade group's yearly plan."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="cycles")
    kind = models.CharField(_("type"), max_length=14, choices=CycleKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cycle du plan annuel")
        verbose_name_plural = _("plan annuel")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.title}"


# ---------------------------------------------------------------- project groups


class Charter(models.Model):
    """What a project group sets out to do; required before the group is active. Phases,
    commitments, roles and reviewers are rows of their own (Phase, Membership,
    OutsideReviewer)."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="charter")
    objective = models.TextField(_("objectif"))
    target_clients = models.TextField(_("clients visés"), blank=True)
    offer = models.TextField(_("offre"), blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)

    class Meta:
        verbose_name = _("charte de projet")
        verbose_name_plural = _("chartes de projet")

    def __str__(self) -> str:
        return str(self.group)


class Phase(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("phase"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("jalon"), max_length=200)
    due_date = models.DateField(_("échéance"))
    reached_at = models.DateField(_("atteint le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    DOING = "doing", _("En cours")
    DONE = "done", _("Fait")


class Task(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("tâche"), max_length=200)
    owner = models.ForeignKey(
        Member,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_tasks",
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=6, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    done_at = models.DateField(_("faite le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tâche")
        verbose_name_plural = _("tâches")
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | (~Q(status="done") & Q(done_at__isnull=True)),
                name="task_done_at_iff_done",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="decisions")
    date = models.DateField(_("date"))
    text = models.TextField(_("décision"))
    decided_by = models.CharField(_("décidé par"), max_length=200)
    recorded_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("relevé de décisions")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.text[:60]}"


class MeetingNote(models.Model):
    """The notes of a meeting of the group: who came, what was said, what moved forward
    (`progress` empty: nothing did)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meeting_notes")
    date = models.DateField(_("date"))
    attendees = models.ManyToManyField(
        Member, verbose_name=_("présent·es"), related_name="group_meetings_attended"
    )
    notes = models.TextField(_("compte rendu"), blank=True)
    progress = models.TextField(_("avancée obtenue"), blank=True)
    recorded_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("compte rendu de réunion")
        verbose_name_plural = _("comptes rendus de réunion")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"

    @property
    def made_progress(self) -> bool:
        return bool(self.progress.strip())


class TimeEntry(models.Model):
    """Hours a member says they gave the group in a month (`month`: its first day)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="time_entries")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="group_time")
    month = models.DateField(_("mois"))
    hours = models.DecimalField(
        _("heures"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(744)],
    )
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("temps déclaré")
        verbose_name_plural = _("temps déclarés")
        ordering = ["-month", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member", "month"], name="time_entry_once_a_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%m/%Y} {self.hours} h"


# ---------------------------------------------------------------- discussions


class Thread(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("sujet"), max_length=200)
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("fil de discussion")
        verbose_name_plural = _("fils de discussion")
        ordering = ["-last_post_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    mentions = models.ManyToManyField(Member, blank=True, related_name="group_mentions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


def shared_file_path(instance: SharedFile, filename: str) -> str:
    """A name nobody can guess; the original name is kept in `name`."""
    return f"groups/{instance.group_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class SharedFile(models.Model):
    """A file shared in a group; served by a view that checks who asks, never as public
    media."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("fichier"), upload_to=shared_file_path, max_length=255)
    name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fichier partagé")
        verbose_name_plural = _("fichiers partagés")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
