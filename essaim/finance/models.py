"""Mutualised services: customers, estimates, invoices and credit notes, payments, expenses,
the cooperative's contribution rules, salaries, and the cooperative's identity on documents.

Amounts are Decimal with cents (EUR). An issued invoice or credit note never changes: the
services refuse it and the lines' totals are frozen on the document at issue time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from essaim.members.models import Activity, Member

MONEY = {"max_digits": 12, "decimal_places": 2}
POSITIVE = [MinValueValidator(0)]


class Cooperative(models.Model):
    """The cooperative's identity, printed on every document (one row)."""

    name = models.CharField(_("raison sociale"), max_length=200)
    legal_form = models.CharField(
        _("forme juridique"), max_length=200, default="SCOP SA à capital variable"
    )
    siren = models.CharField(_("SIREN"), max_length=9)
    siret = models.CharField(_("SIRET du siège"), max_length=14, blank=True)
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)
    rcs = models.CharField(_("RCS"), max_length=100, blank=True)
    address = models.CharField(_("adresse"), max_length=255)
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=120)
    country = models.CharField(_("pays (code ISO)"), max_length=2, default="FR")
    email = models.EmailField(_("e-mail"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("délai de paiement (jours)"), default=30
    )
    late_payment_rate = models.CharField(
        _("taux des pénalités de retard"),
        max_length=200,
        default="trois fois le taux d'intérêt légal",
    )
    numbering_pattern = models.CharField(
        _("modèle de numérotation"),
        max_length=60,
        default="{year}-{seq:06d}",
        help_text=_("{year} l'année d'émission, {seq} le numéro d'ordre (ex. {seq:06d})."),
    )

    class Meta:
        verbose_name = _("coopérative")
        verbose_name_plural = _("coopérative")

    def __str__(self) -> str:
        return self.name


class NumberSequence(models.Model):
    """The last number taken in a series (the key: the pattern's period, e.g. "2026").
    Taken under a row lock at issue time: one chronological series without gaps."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Entreprise ou organisation")
    INDIVIDUAL = "individual", _("Particulier")
    MEMBER = "member", _("Membre de la coopérative (client interne)")


class Customer(models.Model):
    """A customer of an activity (enseigne)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="customers")
    kind = models.CharField(_("type"), max_length=12, choices=CustomerKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    country = models.CharField(_("pays (code ISO)"), max_length=2, default="FR")
    email = models.EmailField(_("e-mail"), blank=True)
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="as_customer",
        verbose_name=_("membre (client interne)"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="member") | Q(member__isnull=False),
                name="internal_customer_is_a_member",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_professional(self) -> bool:
        return self.kind != CustomerKind.INDIVIDUAL


class VatRate(models.TextChoices):
    NORMAL = "20.0", _("20 %")
    INTERMEDIATE = "10.0", _("10 %")
    REDUCED = "5.5", _("5,5 %")
    SUPER_REDUCED = "2.1", _("2,1 %")
    ZERO = "0.0", _("0 % (exonéré)")


class Unit(models.TextChoices):
    """UN/ECE Recommendation 20 codes, as EN 16931 requires."""

    HOUR = "HUR", _("heure")
    DAY = "DAY", _("jour")
    UNIT = "C62", _("unité")
    PACKAGE = "XPK", _("forfait")
    MONTH = "MON", _("mois")
    KILOMETRE = "KMT", _("kilomètre")


class EstimateStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SENT = "sent", _("Envoyé")
    ACCEPTED = "accepted", _("Accepté")
    REFUSED = "refused", _("Refusé")
    INVOICED = "invoiced", _("Facturé")


class Estimate(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="estimates")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="estimates")
    number = models.CharField(_("numéro"), max_length=40, blank=True)
    subject = models.CharField(_("objet"), max_length=255)
    date = models.DateField(_("date"), default=timezone.localdate)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=EstimateStatus.choices, default=EstimateStatus.DRAFT
    )
    notes = models.TextField(_("conditions particulières"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("devis")
        verbose_name_plural = _("devis")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.number or f"Devis {self.pk}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ISSUED = "issued", _("Émise")
    PAID = "paid", _("Payée")


class Invoice(models.Model):
    """An invoice or a credit note. Issued: numbered, frozen, rendered as Factur-X."""

    kind = models.CharField(
        _("type"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="invoices")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    estimate = models.ForeignKey(
        Estimate, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("facture corrigée"),
    )
    deal = models.ForeignKey(
        "marketplace.Deal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
        verbose_name=_("affaire de la place de marché"),
    )
    internal = models.BooleanField(_("facture interne entre membres"), default=False)
    number = models.CharField(_("numéro"), max_length=40, blank=True)
    subject = models.CharField(_("objet"), max_length=255)
    issue_date = models.DateField(_("date d'émission"), null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    notes = models.TextField(_("mentions particulières"), blank=True)
    # Frozen at issue time (the lines' arithmetic, essaim.finance.amounts).
    total_net = models.DecimalField(_("total HT"), default=0, **MONEY)
    total_vat = models.DecimalField(_("TVA"), default=0, **MONEY)
    total_gross = models.DecimalField(_("total TTC"), default=0, **MONEY)
    paid = models.DecimalField(_("déjà payé"), default=0, **MONEY)
    pdf = models.FileField(_("PDF Factur-X"), upload_to="factures/%Y/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-issue_date", "-id"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="invoice_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="credit_note") | Q(corrects__isnull=False),
                name="credit_note_corrects_an_invoice",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(number=""), name="issued_invoice_is_numbered"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} (brouillon {self.pk})"


class DocumentLine(models.Model):
    """A line of an estimate or an invoice."""

    estimate = models.ForeignKey(
        Estimate, null=True, blank=True, on_delete=models.CASCADE, related_name="lines"
    )
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=1)
    label = models.CharField(_("désignation"), max_length=255)
    quantity = models.DecimalField(
        _("quantité"), max_digits=12, decimal_places=3, validators=POSITIVE
    )
    unit = models.CharField(_("unité"), max_length=3, choices=Unit.choices, default=Unit.UNIT)
    unit_price = models.DecimalField(
        _("prix unitaire HT"), max_digits=12, decimal_places=4, validators=POSITIVE
    )
    discount = models.DecimalField(
        _("remise (%)"), max_digits=5, decimal_places=2, default=0, validators=POSITIVE
    )
    vat_rate = models.CharField(_("taux de TVA"), max_length=4, choices=VatRate.choices)
    exemption_reason = models.CharField(_("motif d'exonération"), max_length=255, blank=True)
    net = models.DecimalField(_("montant HT"), default=0, **MONEY)

    class Meta:
        verbose_name = _("ligne")
        verbose_name_plural = _("lignes")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimate__isnull=False, invoice__isnull=True)
                | Q(estimate__isnull=True, invoice__isnull=False),
                name="line_of_one_document",
            )
        ]

    def __str__(self) -> str:
        return self.label


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Virement")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte")
    CASH = "cash", _("Espèces")
    INTERNAL = "internal", _("Compensation interne")


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("montant"), validators=[MinValueValidator(0.01)], **MONEY)
    method = models.CharField(
        _("moyen"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.amount} € ({self.invoice})"


class ExpenseCategory(models.TextChoices):
    RESOLD_GOODS = "resold_goods", _("Marchandises revendues")
    SUBCONTRACTING = "subcontracting", _("Sous-traitance")
    MISSION = "mission", _("Frais de mission")
    TRAVEL = "travel", _("Déplacements")
    SUPPLIES = "supplies", _("Fournitures et petit matériel")
    SERVICES = "services", _("Services extérieurs")
    TRAINING = "training", _("Formation")
    OTHER = "other", _("Autre")


# The categories taken off the turnover to give the gross margin.
MARGIN_CATEGORIES = (
    ExpenseCategory.RESOLD_GOODS,
    ExpenseCategory.SUBCONTRACTING,
    ExpenseCategory.MISSION,
)


class Expense(models.Model):
    """An expense or purchase of an activity, with its receipt."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="expenses")
    date = models.DateField(_("date"))
    category = models.CharField(_("catégorie"), max_length=16, choices=ExpenseCategory.choices)
    supplier = models.CharField(_("fournisseur"), max_length=200)
    label = models.CharField(_("libellé"), max_length=255)
    amount_net = models.DecimalField(_("montant HT"), validators=POSITIVE, **MONEY)
    vat = models.DecimalField(_("TVA"), default=0, validators=POSITIVE, **MONEY)
    receipt = models.FileField(_("justificatif"), upload_to="justificatifs/%Y/", blank=True)
    internal_invoice = models.ForeignKey(
        Invoice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchases",
        verbose_name=_("facture interne d'origine"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.amount_net} €)"


class ContributionRuleRecord(models.Model):
    """A contribution rule in force from a date (the arithmetic: essaim.finance.contribution)."""

    name = models.CharField(_("nom"), max_length=120)
    valid_from = models.DateField(_("en vigueur à partir du"), unique=True)
    preset = models.CharField(_("modèle"), max_length=40, blank=True)
    parameters = models.JSONField(_("paramètres"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("règle de contribution")
        verbose_name_plural = _("règles de contribution")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from})"


class SalaryEntry(models.Model):
    """The salary paid from an activity for a month (employer cost, gross, net)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="salaries")
    month = models.DateField(_("mois"))  # the first day of the month
    employer_cost = models.DecimalField(_("coût employeur"), validators=POSITIVE, **MONEY)
    gross = models.DecimalField(_("salaire brut"), validators=POSITIVE, **MONEY)
    net = models.DecimalField(_("salaire net"), validators=POSITIVE, **MONEY)
    hours = models.DecimalField(_("heures"), max_digits=6, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("salaire")
        verbose_name_plural = _("salaires")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "month"], name="one_salary_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.month:%m/%Y}"
