"""Salaries paid from an activity, one entry a month: employer cost, gross, net, hours.

Management records what the payroll paid. Given the employer cost, the gross and the net are
simulated (essaim.finance.salary.simulate, the year's parameters); given the net, the employer
cost and the gross are; given both (a real payslip), both are kept and the gross is simulated
from the employer cost. The employer cost is what the activity account is charged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.core.audit import diff, log_action
from essaim.core.models import User
from essaim.finance import salary
from essaim.finance.models import SalaryEntry
from essaim.finance.services.documents import parse_decimal
from essaim.members.models import Activity

SALARY_FIELDS = ("employer_cost", "gross", "net", "hours")
MAX_AMOUNT = Decimal("1e10")


def _amount(value: object, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    number = parse_decimal(value)
    if not isinstance(number, Decimal):
        raise ValidationError(
            {field: _("%(f)s : « %(v)s » n'est pas un montant.") % {"f": label, "v": value}}
        )
    if number < 0 or number >= MAX_AMOUNT:
        raise ValidationError({field: _("%(f)s : montant impossible.") % {"f": label}})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: _("%(f)s : au centime près.") % {"f": label}})
    return number.quantize(Decimal("0.01"))


def _hours(value: object) -> Decimal:
    number = parse_decimal(value)
    if not isinstance(number, Decimal) or not Decimal(0) < number <= Decimal(400):
        raise ValidationError(
            {"hours": _("Heures payées : « %(v)s » impossible (de 0 à 400 heures par mois).")
             % {"v": value}}
        )  # fmt: skip
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({"hours": _("Heures payées : deux décimales au plus.")})
    return number


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def salary_record(
    *,
    actor: User | None,
    activity: Activity,
    month: dt.date,
    employer_cost: object = None,
    net: object = None,
    hours: object = salary.FULL_TIME_HOURS,
) -> SalaryEntry:
    """Record (or replace) the salary of `month` (any day of it) paid from `activity`."""
    if not isinstance(month, dt.date):
        raise ValidationError({"month": _("Indiquez le mois du salaire.")})
    cost = _amount(employer_cost, "employer_cost", _("Coût employeur"))
    wanted_net = _amount(net, "net", _("Salaire net"))
    if cost is None and wanted_net is None:
        raise ValidationError(
            _("Indiquez le coût employeur, le salaire net, ou les deux (bulletin de paie).")
        )
    paid_hours = _hours(hours)
    try:
        if cost is not None:
            simulated = salary.simulate(month.year, employer_cost=cost, hours=paid_hours)
        else:
            simulated = salary.simulate(month.year, net=wanted_net, hours=paid_hours)
    except ValueError as error:
        raise ValidationError(
            _("Simulation du salaire impossible : %(e)s.") % {"e": error}
        ) from None
    values = {
        "employer_cost": cost if cost is not None else simulated.employer_cost,
        "gross": simulated.gross,
        "net": wanted_net if wanted_net is not None else simulated.net,
        "hours": paid_hours,
    }
    first = first_of_month(month)
    entry = SalaryEntry.objects.select_for_update().filter(activity=activity, month=first).first()
    before: dict[str, Any] = {}
    if entry is None:
        entry = SalaryEntry(activity=activity, month=first)
    else:
        before = {name: getattr(entry, name) for name in SALARY_FIELDS}
    for name, value in values.items():
        setattr(entry, name, value)
    entry.save()
    log_action(
        actor=actor,
        action="salary.updated" if before else "salary.recorded",
        target=entry,
        subject=activity,
        changes=diff(before, values) if before else None,
        data={"month": first, **values},
    )
    return entry


@transaction.atomic
def salary_delete(*, actor: User | None, entry: SalaryEntry) -> None:
    """Remove a salary recorded by mistake."""
    entry = SalaryEntry.objects.select_related("activity").get(pk=entry.pk)
    log_action(
        actor=actor,
        action="salary.deleted",
        target=entry,
        subject=entry.activity,
        data={"month": entry.month, **{name: getattr(entry, name) for name in SALARY_FIELDS}},
    )
    entry.delete()
