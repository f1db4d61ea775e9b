"""`essaim collective …`: figures of the cooperative's collective life.

    essaim collective stats [--year 2026] [--json]

`stats` prints the groups by kind, the events by kind, the attendance rate (present over
present, absent and excused, on the events whose attendance was taken) and the number of
collective tutoring cases: a JSON object with --json, a French table otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from essaim.collective.selectors import collective_stats
from essaim.events.models import EventKind
from essaim.groups.models import GroupKind


class Command(BaseCommand):
    help = "Vie collective : groupes, événements, présence et tutorat (stats)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        stats = commands.add_parser(
            "stats",
            help="affiche les chiffres de la vie collective",
            description=(
                "Groupes par type, événements par type, taux de présence et cas de tutorat "
                "collectif, pour une année civile ou depuis le début."
            ),
        )
        stats.add_argument("--year", type=int, metavar="ANNÉE", help="une seule année civile")
        stats.add_argument("--json", action="store_true", help="un objet JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if year is not None and not 1900 <= year <= 9999:
            raise CommandError(
                _("Année invalide : %(y)s (attendu : une année sur quatre chiffres, ex. 2026).")
                % {"y": year}
            )
        figures = collective_stats(year=year)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(table(figures))


def _percent(rate: float | None) -> str:
    if rate is None:
        return _("aucune présence notée")
    return f"{rate * 100:.1f}".replace(".", ",") + " %"


def table(figures: dict[str, Any]) -> str:
    """The figures as a plain French text table."""
    title = (
        _("Vie collective — année %(y)s") % {"y": figures["year"]}
        if figures["year"]
        else _("Vie collective — depuis le début")
    )
    lines = [title, "=" * len(title), ""]
    group_labels = dict(GroupKind.choices)
    groups = figures["groups_by_kind"]
    lines.append(_("Groupes par type (%(n)d) :") % {"n": sum(groups.values())})
    for kind, count in groups.items():
        lines.append(f"  {str(group_labels.get(kind, kind)):<32} {count:>6}")
    event_labels = dict(EventKind.choices)
    events = figures["events_by_kind"]
    lines += ["", _("Événements par type (%(n)d, hors annulés) :") % {"n": sum(events.values())}]
    for kind, count in events.items():
        lines.append(f"  {str(event_labels.get(kind, kind)):<32} {count:>6}")
    lines += [
        "",
        _("Taux de présence : %(rate)s") % {"rate": _percent(figures["attendance_rate"])},
        _("  (présent·es / présent·es, absent·es et excusé·es, événements aux présences notées)"),
        _("Cas de tutorat collectif : %(n)d") % {"n": figures["tutoring_cases"]},
    ]
    return "\n".join(lines)
