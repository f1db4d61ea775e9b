"""`essaim marketplace …`: the marketplace's periodic work and figures.

    essaim marketplace stats [--year 2026] [--json]
    essaim marketplace expire

`stats` prints the figures of the statistics page (a JSON object with --json, a French table
otherwise). `expire` closes the requests whose answer deadline has passed; run it once a day
(cron or a systemd timer).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from essaim.marketplace.models import DealKind, DealOrigin
from essaim.marketplace.selectors.stats import marketplace_stats


class Command(BaseCommand):
    help = "Le marché interne : statistiques (stats) et clôture des demandes échues (expire)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        stats = commands.add_parser(
            "stats",
            help="affiche les chiffres du marché interne",
        )
        stats.add_argument("--year", type=int, metavar="ANNÉE", help="une seule année civile")
        stats.add_argument("--json", action="store_true", help="un objet JSON")
        commands.add_parser(
            "expire",
            help="passe en « expirée » les demandes dont la date limite de réponse est passée",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "stats":
            self._stats(year=options["year"], as_json=options["json"])
        else:
            self._expire()

    def _stats(self, *, year: int | None, as_json: bool) -> None:
        if year is not None and not 1900 <= year <= 9999:
            raise CommandError(_("Année invalide : %(y)s.") % {"y": year})
        figures = marketplace_stats(year=year)
        if as_json:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_table(figures))

    def _expire(self) -> None:
        # Imported here: the requests' services load the matching machinery, which the
        # statistics do not need.
        from essaim.marketplace.services.requests import requests_expire

        count = requests_expire(today=timezone.localdate())
        self.stdout.write(_("%(n)d demande(s) passée(s) en « expirée ».") % {"n": count})


def _table(figures: dict[str, Any]) -> str:
    """The figures as a plain French text table."""
    kinds = dict(DealKind.choices)
    origins = dict(DealOrigin.choices)
    title = (
        _("Marché interne — année %(y)s") % {"y": figures["year"]}
        if figures["year"]
        else _("Marché interne — depuis le début")
    )
    lines = [title, "=" * len(title), ""]
    lines.append(_("Affaires (hors annulées) : %(n)d") % {"n": figures["deals"]})
    lines.append(
        _("Montant total : %(v)s €") % {"v": f"{figures['deal_volume_eur']:,.2f}".replace(",", " ")}
    )
    lines.append(
        _("Membres ayant au moins une affaire : %(p)s %%")
        % {"p": f"{figures['members_with_deal_share'] * 100:.1f}"}
    )
    lines.append(
        _("Mises en relation par l'accompagnement : %(n)d") % {"n": figures["introductions"]}
    )
    lines += ["", _("Par type :")]
    for kind, count in figures["deals_by_kind"].items():
        lines.append(f"  {str(kinds[kind]):<40} {count:>6}")
    lines += ["", _("Par origine :")]
    for origin, count in figures["deals_by_origin"].items():
        lines.append(f"  {str(origins[origin]):<40} {count:>6}")
    if figures["by_month"]:
        lines += ["", _("Par mois :")]
        header = [_("Mois"), *[str(kinds[k]) for k in DealKind.values], _("Montant (€)")]
        lines.append("  " + " | ".join(header))
        for row in figures["by_month"]:
            cells = [row["month"], *[str(row[k]) for k in DealKind.values]]
            cells.append(f"{row['volume_eur']:.2f}")
            lines.append("  " + " | ".join(cells))
    return "\n".join(lines)
