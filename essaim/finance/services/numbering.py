"""Invoice numbers: one chronological series without gaps for the whole cooperative.

The number is taken while issuing, inside the issuing transaction, with the series' row
locked (`select_for_update`): two people issuing at the same moment wait for each other, and
an issue that fails (rolls back) gives its number back, so the series never has a hole.
Invoices and credit notes share the series.

The pattern is the cooperative's `numbering_pattern`: `{year}` is the issue year, `{seq}` the
rank in the series (`{seq:06d}` pads it to 6 digits). The series restarts each year when the
pattern holds `{year}`; otherwise it runs on forever (key "all").
"""

from __future__ import annotations

import datetime as dt
import string

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from essaim.finance.models import Cooperative, Invoice, NumberSequence

PATTERN_FIELDS = {"year", "seq"}
ALL_TIME_KEY = "all"


def cooperative_current() -> Cooperative:
    """The cooperative's identity row; an unsaved one with the defaults when none exists yet
    (payment terms of 30 days, pattern `{year}-{seq:06d}`)."""
    return Cooperative.objects.order_by("pk").first() or Cooperative()


def numbering_pattern_errors(pattern: str) -> list[str]:
    """What is wrong with a numbering pattern (empty list: it is usable)."""
    try:
        fields = [name for _text, name, _spec, _conv in string.Formatter().parse(pattern)]
    except ValueError:
        return [_("Accolade mal fermée dans le modèle « %(p)s ».") % {"p": pattern}]
    errors = []
    unknown = sorted({f for f in fields if f is not None and f not in PATTERN_FIELDS})
    if unknown:
        errors.append(
            _("Champ inconnu dans le modèle « %(p)s » : %(f)s (seuls {year} et {seq} existent).")
            % {"p": pattern, "f": ", ".join(unknown)}
        )
    if "seq" not in fields:
        errors.append(
            _("Le modèle « %(p)s » doit contenir {seq}, le numéro d'ordre.") % {"p": pattern}
        )
    if not errors:
        try:
            sample = pattern.format(year=2026, seq=1)
        except (ValueError, IndexError) as error:
            errors.append(_("Modèle « %(p)s » invalide : %(e)s.") % {"p": pattern, "e": error})
        else:
            if len(pattern.format(year=2026, seq=999_999)) > 40 or not sample.strip():
                errors.append(
                    _("Le modèle « %(p)s » donne des numéros de plus de 40 caractères.")
                    % {"p": pattern}
                )
    return errors


def sequence_key(pattern: str, day: dt.date) -> str:
    """The series a number belongs to: the year when the pattern holds `{year}`, else "all"."""
    fields = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern)}
    return str(day.year) if "year" in fields else ALL_TIME_KEY


def format_number(pattern: str, *, day: dt.date, seq: int) -> str:
    return pattern.format(year=day.year, seq=seq)


def last_issue_date() -> dt.date | None:
    """The latest issue date of the series (invoices and credit notes)."""
    return Invoice.objects.exclude(number="").aggregate(last=Max("issue_date"))["last"]


def check_chronology(day: dt.date) -> None:
    """Refuse a date before the last issued document's, or after today."""
    if day > timezone.localdate():
        raise ValidationError(
            {
                "issue_date": _(
                    "La date d'émission (%(d)s) est dans le futur : une facture est datée du "
                    "jour où elle est émise."
                )
                % {"d": formats.date_format(day, "SHORT_DATE_FORMAT")}
            }
        )
    last = last_issue_date()
    if last is not None and day < last:
        raise ValidationError(
            {
                "issue_date": _(
                    "La date d'émission (%(d)s) est antérieure à celle de la dernière facture "
                    "émise (%(last)s) : la numérotation doit rester chronologique. Émettez-la "
                    "au %(last)s ou plus tard."
                )
                % {
                    "d": formats.date_format(day, "SHORT_DATE_FORMAT"),
                    "last": formats.date_format(last, "SHORT_DATE_FORMAT"),
                }
            }
        )


def next_number(*, day: dt.date) -> str:
    """The next number of the series for a document issued on `day`.

    Must run inside the issuing transaction (it refuses otherwise): the series' rows stay
    locked until that transaction ends, and a rollback gives the number back. Checks the
    chronology under the same lock, so two issuers cannot interleave dates.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the issuing transaction")
    pattern = cooperative_current().numbering_pattern
    errors = numbering_pattern_errors(pattern)
    if errors:
        raise ValidationError({"numbering_pattern": errors})
    key = sequence_key(pattern, day)
    # The row of a new series (a new year) is created without a race: ON CONFLICT DO NOTHING.
    NumberSequence.objects.bulk_create([NumberSequence(key=key)], ignore_conflicts=True)
    # Every series row is locked, in key order (no deadlock): an issue in one year waits for
    # an issue in another, so the chronology check below sees every committed date.
    sequences = {s.key: s for s in NumberSequence.objects.select_for_update().order_by("key")}
    check_chronology(day)
    sequence = sequences[key]
    sequence.last += 1
    number = format_number(pattern, day=day, seq=sequence.last)
    if Invoice.objects.filter(number=number).exists():
        raise ValidationError(
            {
                "numbering_pattern": _(
                    "Le numéro %(n)s est déjà pris : le modèle de numérotation « %(p)s » a "
                    "changé et redonne d'anciens numéros. Choisissez un modèle distinct."
                )
                % {"n": number, "p": pattern}
            }
        )
    sequence.save(update_fields=["last"])
    return number
