"""A record of each demo build, so that `essaim demo` knows what the database already holds."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemoBuild(models.Model):
    """The parameters of a demo cooperative built into this database."""

    seed = models.BigIntegerField(_("graine"))
    active_members = models.PositiveIntegerField(_("membres actifs"))
    today = models.DateField(_("date de référence"))
    built_at = models.DateTimeField(_("construite le"), default=timezone.now)
    counts = models.JSONField(_("effectifs"), default=dict, blank=True)

    class Meta:
        verbose_name = _("construction de la démo")
        verbose_name_plural = _("constructions de la démo")
        ordering = ["-built_at", "-id"]

    def __str__(self) -> str:
        return (
            f"démo (graine {self.seed}, {self.active_members} membres actifs, "
            f"au {self.today:%d/%m/%Y})"
        )
