"""The legal figures of French payroll, year by year, with where each comes from.

Data only: `essaim.finance.salary` computes with it, `essaim.finance.alerts` compares incomes
with the SMIC and the RSA of the period. Rates are percentages (6.90 means 6.90 %), amounts are
euros. The full list of sources, with titles and addresses, is in `docs/salary.md`; the short
name of the source stands beside each figure here.

Adding a year: copy the last `YearParams`, change what changed, cite the source, and add the
year's worked example to `tests/finance/test_salary.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class ReductionBefore2026:
    """Réduction générale (ex-Fillon), until 2025: C = T / 0.6 × (1.6 × SMIC / pay − 1),
    rounded to 4 decimals, between 0 and T; nothing from 1.6 SMIC."""

    t_small: Decimal  # T for employers of fewer than 50 (FNAL at 0.10 %)
    t_large: Decimal  # T for employers of 50 or more (FNAL at 0.50 %)
    ceiling_smic: Decimal = D("1.6")


@dataclass(frozen=True)
class ReductionRgdu:
    """Réduction générale dégressive unique (RGDU), from 2026:
    C = Tmin + Tdelta × [½ × (3 × SMIC / pay − 1)]^P, rounded to 4 decimals, at most
    Tmin + Tdelta; nothing from 3 SMIC."""

    t_min: Decimal
    t_delta_small: Decimal  # fewer than 50 (FNAL at 0.10 %)
    t_delta_large: Decimal  # 50 or more (FNAL at 0.50 %)
    power: Decimal = D("1.75")
    ceiling_smic: Decimal = D("3")


@dataclass(frozen=True)
class YearParams:
    """Everything payroll needs for a year (a non-cadre employee, régime général, outside
    Alsace-Moselle). Percentages of the gross unless said otherwise."""

    year: int
    smic_hourly: Decimal  # SMIC brut horaire used for the year's reduction
    pmss: Decimal  # plafond mensuel de la sécurité sociale
    # Assurance maladie (employer): full rate, and the reduced rate up to a threshold in SMIC
    # (annual pay ≤ threshold × SMIC at `reduced_rates_smic_hourly`); None: no reduced rate.
    maladie: Decimal
    maladie_reduced: Decimal | None
    maladie_threshold_smic: Decimal | None
    allocations_familiales: Decimal
    allocations_familiales_reduced: Decimal | None
    allocations_familiales_threshold_smic: Decimal | None
    reduced_rates_smic_hourly: Decimal | None
    vieillesse_plafonnee_employer: Decimal
    vieillesse_plafonnee_employee: Decimal
    vieillesse_deplafonnee_employer: Decimal
    vieillesse_deplafonnee_employee: Decimal
    csa: Decimal  # contribution solidarité autonomie
    fnal_small: Decimal  # fewer than 50, on the capped pay
    fnal_large: Decimal  # 50 or more, on the whole pay
    chomage: Decimal  # assurance chômage, up to 4 PMSS
    ags: Decimal  # garantie des salaires, up to 4 PMSS
    agirc_arrco_t1_employer: Decimal
    agirc_arrco_t1_employee: Decimal
    agirc_arrco_t2_employer: Decimal
    agirc_arrco_t2_employee: Decimal
    ceg_t1_employer: Decimal
    ceg_t1_employee: Decimal
    ceg_t2_employer: Decimal
    ceg_t2_employee: Decimal
    cet_employer: Decimal  # only when the pay exceeds the PMSS, on T1 + T2
    cet_employee: Decimal
    csg_deductible: Decimal
    csg_non_deductible: Decimal
    crds: Decimal
    csg_base_ratio: Decimal  # 98.25 % of the pay up to 4 PMSS (abattement pour frais pro)
    formation_small: Decimal  # fewer than 11
    formation_large: Decimal  # 11 or more
    apprentissage: Decimal  # taxe d'apprentissage, 0.59 % + solde 0.09 %
    dialogue_social: Decimal
    forfait_social_prevoyance: Decimal  # on employer health/provident parts, 11 or more
    reduction: ReductionBefore2026 | ReductionRgdu


# Sources (short names; titles and addresses in docs/salary.md):
#   [smic]     the revaluation decrees as reported by the press (service-public.fr net amounts)
#   [pmss]     URSSAF « Plafond de la sécurité sociale »
#   [css]      Code de la sécurité sociale, D. 242-3/-4 (vieillesse), and URSSAF « Taux de
#              cotisations secteur privé »
#   [rg2025]   décret n° 2025-318 du 4 avril 2025 (T from 1 May 2025; SMIC 11.88 € for the
#              reduced-rate thresholds); LFSS 2025 (thresholds 2.25 / 3.3 SMIC)
#   [rgdu]     décret n° 2025-887 du 4 septembre 2025 and décret n° 2025-1446 du 31 décembre
#              2025 (Tmin 0.0200, Tdelta 0.3781 / 0.3821, P 1.75); service-public fiche F24542
#   [agirc]    Agirc-Arrco « Taux de cotisation » (EFL chiffres et taux, 16/01/2026)
#   [ags]      AGS, décisions du conseil d'administration (0.20 % on 1 Jan 2024, 0.25 % from
#              1 Jul 2024, kept on 1 Jan 2025 and 1 Jan 2026)
#   [unedic]   Unédic: 4.05 %, 4.00 % from 1 May 2025 (décret n° 2025-318)
#   [cufpa]    Code du travail L. 6131-2, L. 6331-1/-3; CGI 1599 ter B (0.55 % / 1 %, 0.68 %)

PARAMS: dict[int, YearParams] = {
    2024: YearParams(
        year=2024,
        smic_hourly=D("11.65"),  # [smic] 1 Jan – 31 Oct 2024 (11.88 € from 1 Nov 2024)
        pmss=D("3864"),  # [pmss]
        maladie=D("13"),
        maladie_reduced=D("7"),
        maladie_threshold_smic=D("2.5"),
        allocations_familiales=D("5.25"),
        allocations_familiales_reduced=D("3.45"),
        allocations_familiales_threshold_smic=D("3.5"),
        reduced_rates_smic_hourly=D("11.52"),  # SMIC frozen at 31 Dec 2023 for the thresholds
        vieillesse_plafonnee_employer=D("8.55"),
        vieillesse_plafonnee_employee=D("6.90"),
        vieillesse_deplafonnee_employer=D("2.02"),
        vieillesse_deplafonnee_employee=D("0.40"),
        csa=D("0.30"),
        fnal_small=D("0.10"),
        fnal_large=D("0.50"),
        chomage=D("4.05"),  # [unedic]
        ags=D("0.25"),  # [ags] from 1 Jul 2024 (0.20 % in the first half)
        agirc_arrco_t1_employer=D("4.72"),
        agirc_arrco_t1_employee=D("3.15"),
        agirc_arrco_t2_employer=D("12.95"),
        agirc_arrco_t2_employee=D("8.64"),
        ceg_t1_employer=D("1.29"),
        ceg_t1_employee=D("0.86"),
        ceg_t2_employer=D("1.62"),
        ceg_t2_employee=D("1.08"),
        cet_employer=D("0.21"),
        cet_employee=D("0.14"),
        csg_deductible=D("6.80"),
        csg_non_deductible=D("2.40"),
        crds=D("0.50"),
        csg_base_ratio=D("98.25"),
        formation_small=D("0.55"),
        formation_large=D("1.00"),
        apprentissage=D("0.68"),
        dialogue_social=D("0.016"),
        forfait_social_prevoyance=D("8"),
        # T 2024 (AT/MP part 0.46 %, chômage 4.05 %), kept until 30 Apr 2025 [rg2025]
        reduction=ReductionBefore2026(t_small=D("0.3194"), t_large=D("0.3234")),
    ),
    2025: YearParams(
        year=2025,
        smic_hourly=D("11.88"),  # [smic] since 1 Nov 2024, all of 2025
        pmss=D("3925"),  # [pmss]
        maladie=D("13"),
        maladie_reduced=D("7"),
        maladie_threshold_smic=D("2.25"),  # [rg2025] LFSS 2025: 2.25 SMIC (2.5 before)
        allocations_familiales=D("5.25"),
        allocations_familiales_reduced=D("3.45"),
        allocations_familiales_threshold_smic=D("3.3"),  # [rg2025] 3.3 SMIC (3.5 before)
        reduced_rates_smic_hourly=D("11.88"),  # [rg2025] SMIC of 1 Jan 2025
        vieillesse_plafonnee_employer=D("8.55"),
        vieillesse_plafonnee_employee=D("6.90"),
        vieillesse_deplafonnee_employer=D("2.02"),
        vieillesse_deplafonnee_employee=D("0.40"),
        csa=D("0.30"),
        fnal_small=D("0.10"),
        fnal_large=D("0.50"),
        chomage=D("4.00"),  # [unedic] from 1 May 2025 (4.05 % before): 8 months of 12
        ags=D("0.25"),  # [ags]
        agirc_arrco_t1_employer=D("4.72"),
        agirc_arrco_t1_employee=D("3.15"),
        agirc_arrco_t2_employer=D("12.95"),
        agirc_arrco_t2_employee=D("8.64"),
        ceg_t1_employer=D("1.29"),
        ceg_t1_employee=D("0.86"),
        ceg_t2_employer=D("1.62"),
        ceg_t2_employee=D("1.08"),
        cet_employer=D("0.21"),
        cet_employee=D("0.14"),
        csg_deductible=D("6.80"),
        csg_non_deductible=D("2.40"),
        crds=D("0.50"),
        csg_base_ratio=D("98.25"),
        formation_small=D("0.55"),
        formation_large=D("1.00"),
        apprentissage=D("0.68"),
        dialogue_social=D("0.016"),
        forfait_social_prevoyance=D("8"),
        # [rg2025] T from 1 May 2025 (0.3194 / 0.3234 from January to April)
        reduction=ReductionBefore2026(t_small=D("0.3193"), t_large=D("0.3233")),
    ),
    2026: YearParams(
        year=2026,
        smic_hourly=D("12.02"),  # [smic] from 1 Jan 2026
        pmss=D("4005"),  # [pmss] [agirc]
        maladie=D("13"),
        maladie_reduced=None,  # [rgdu] the reduced rates merge into the RGDU
        maladie_threshold_smic=None,
        allocations_familiales=D("5.25"),
        allocations_familiales_reduced=None,
        allocations_familiales_threshold_smic=None,
        reduced_rates_smic_hourly=None,
        vieillesse_plafonnee_employer=D("8.55"),
        vieillesse_plafonnee_employee=D("6.90"),
        vieillesse_deplafonnee_employer=D("2.11"),  # [css] décret n° 2025-1446: +0.09 point
        vieillesse_deplafonnee_employee=D("0.40"),
        csa=D("0.30"),
        fnal_small=D("0.10"),
        fnal_large=D("0.50"),
        chomage=D("4.00"),  # [unedic]; Tmax 0.3981 = Σ eligible rates with 4.00 %
        ags=D("0.25"),  # [ags] kept on 1 Jan 2026
        agirc_arrco_t1_employer=D("4.72"),
        agirc_arrco_t1_employee=D("3.15"),
        agirc_arrco_t2_employer=D("12.95"),
        agirc_arrco_t2_employee=D("8.64"),
        ceg_t1_employer=D("1.29"),
        ceg_t1_employee=D("0.86"),
        ceg_t2_employer=D("1.62"),
        ceg_t2_employee=D("1.08"),
        cet_employer=D("0.21"),
        cet_employee=D("0.14"),
        csg_deductible=D("6.80"),
        csg_non_deductible=D("2.40"),
        crds=D("0.50"),
        csg_base_ratio=D("98.25"),
        formation_small=D("0.55"),
        formation_large=D("1.00"),
        apprentissage=D("0.68"),
        dialogue_social=D("0.016"),
        forfait_social_prevoyance=D("8"),
        reduction=ReductionRgdu(
            t_min=D("0.0200"), t_delta_small=D("0.3781"), t_delta_large=D("0.3821")
        ),
    ),
}

# The AT/MP rate is each employer's own (notified by the Carsat). Default: the national
# average net rate for 2025, 2.12 % (arrêté du 29 avril 2025); a cooperative sets its own.
DEFAULT_AT_MP_RATE = D("2.12")


@dataclass(frozen=True)
class Reference:
    """A monthly amount in force from `valid_from` to `valid_to` (inclusive; None: open)."""

    valid_from: dt.date
    valid_to: dt.date | None
    amount: Decimal
    source: str


# RSA socle, personne seule sans autre ressource (montant forfaitaire).
RSA_SINGLE: tuple[Reference, ...] = (
    Reference(dt.date(2009, 6, 1), dt.date(2009, 12, 31), D("454.63"), "mission.md"),
    Reference(dt.date(2010, 1, 1), dt.date(2010, 12, 31), D("460.09"), "mission.md"),
    Reference(dt.date(2023, 4, 1), dt.date(2024, 3, 31), D("607.75"), "Caf, revalorisation 2023"),
    Reference(dt.date(2024, 4, 1), dt.date(2025, 3, 31), D("635.71"), "mission.md"),
    # décret n° 2025-293 du 29 mars 2025; the April 2026 revaluation is not yet published in
    # our sources: the 2025 amount stays the reference until it is added here.
    Reference(dt.date(2025, 4, 1), None, D("646.52"), "mission.md ; décret n° 2025-293"),
)

# SMIC net mensuel for 35 h (151.67 h), as published (service-public.fr; press for 2009–2010,
# where the ministry gave it as "about").
SMIC_NET_MONTHLY: tuple[Reference, ...] = (
    Reference(dt.date(2009, 7, 1), dt.date(2009, 12, 31), D("1051.00"), "Libération, 2009"),
    Reference(dt.date(2010, 1, 1), dt.date(2010, 12, 31), D("1056.24"), "Libération, 2009"),
    Reference(dt.date(2024, 1, 1), dt.date(2024, 10, 31), D("1398.69"), "service-public.fr"),
    Reference(dt.date(2024, 11, 1), dt.date(2025, 12, 31), D("1426.30"), "service-public.fr"),
    Reference(dt.date(2026, 1, 1), None, D("1443.11"), "service-public.fr"),
)

# SMIC brut mensuel for 35 h (mission.md, reference figures; 2024 and 2026 service-public.fr).
SMIC_GROSS_MONTHLY: tuple[Reference, ...] = (
    Reference(dt.date(2009, 7, 1), dt.date(2009, 12, 31), D("1337.70"), "mission.md"),
    Reference(dt.date(2010, 1, 1), dt.date(2010, 12, 31), D("1343.77"), "mission.md"),
    Reference(dt.date(2024, 1, 1), dt.date(2024, 10, 31), D("1766.92"), "service-public.fr"),
    Reference(dt.date(2024, 11, 1), dt.date(2025, 12, 31), D("1801.80"), "mission.md"),
    Reference(dt.date(2026, 1, 1), None, D("1823.03"), "mission.md"),
)


def reference_on(table: tuple[Reference, ...], day: dt.date, what: str) -> Reference:
    """The reference in force on `day`; LookupError (French) when the table has no value."""
    for reference in table:
        if reference.valid_from <= day and (
            reference.valid_to is None or day <= reference.valid_to
        ):
            return reference
    raise LookupError(f"{what} inconnu pour le {day:%d/%m/%Y} : complétez salary_params.py")


def params_for(year: int) -> YearParams:
    """The year's parameters; ValueError (French) naming the known years otherwise."""
    try:
        return PARAMS[year]
    except KeyError:
        known = ", ".join(str(y) for y in sorted(PARAMS))
        raise ValueError(
            f"paramètres de paie inconnus pour {year} (années connues : {known})"
        ) from None
