"""Entrustment fees (phí ủy thác) and group-board commissions (hoa hồng): schedules and monthly statements.

Every rate here is M or unknown (shared/domain/process.md §8), so the schedule is DATA, dated and sourced, and the
engine (``uythac.fees.engine``) only applies it:

* ``FeeSchedule`` — base monthly rate (% of the base per month), what the base is, the group-board commission rate
  (% of the interest collected), source, confidence, effective dates; published by ``fee_schedule_publish`` which
  checks the legal cap (Decision 30/2015/QĐ-TTg: fees + commissions ≤ 0.125 %/month of outstanding, the cap itself
  being the dated rule ``fees.legal_cap``), the bands, the split and that no two schedules are in force at once.
* ``FeeMultiplierBand`` — multiplier by the unit's overdue ratio: ``lower`` inclusive, ``upper`` exclusive (NULL =
  no upper bound). The bands of a schedule cover [0, ∞) without gap or overlap.
* ``FeeLevelShare`` — how a unit's fee is split between association levels (commune / district / province /
  central); shares sum to exactly 100 %.
* ``FeeProgramRate`` — program exceptions (social housing, NOXH, code 12): a fee rate and a commission rate, both
  %/month of the program's IN-TERM outstanding, replacing the ordinary base and commission for that program's loans.

Statements (one computation per month, from the month-end snapshots; see ``uythac.fees.statements``):

* ``FeeStatement`` — per association unit × period; ``CommissionStatement`` — per group × period. A statement is
  UNPAID until paid at a commune session (``uythac.fees.payments``), then PAID with its ledger entry. Re-running a
  period replaces the unpaid statements; a paid one is kept and a DIFFERENCE statement carries new − paid.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from uythac.core.models import Confidence

RATE = {"max_digits": 12, "decimal_places": 6}
RATIO = {"max_digits": 12, "decimal_places": 4}
HUNDRED = Decimal(100)


def _place(model: str, verbose_name, *, null: bool = False, related_name: str = "+") -> models.ForeignKey:
    """A statement's reference to the network, groups or geography: like the month-end snapshots
    (``uythac.closing.models``), no database constraint and nothing done on delete — a statement is the record of a
    past period, and the synthetic-data reset deletes a province's groups and units with set-based DELETEs (it must
    delete the province's statements first, see docs/fees.md)."""
    return models.ForeignKey(model, on_delete=models.DO_NOTHING, db_constraint=False, related_name=related_name,
                             null=null, blank=null, verbose_name=verbose_name)


class BaseDefinition(models.TextChoices):
    # process.md §8: "dư nợ có thu được lãi". uythac's reading (docs/fees.md): the period-end outstanding of the
    # unit's loans on which some interest was collected during the month (LoanSnapshot.interest_collected > 0).
    INTEREST_COLLECTED = "INTEREST_COLLECTED", _("Dư nợ các món có thu được lãi trong tháng")
    # Every loan's outstanding, whether interest was collected or not (for comparisons and other agreements).
    ALL_OUTSTANDING = "ALL_OUTSTANDING", _("Toàn bộ dư nợ")


class UnitShareLevel(models.TextChoices):
    COMMUNE = "COMMUNE", _("Hội cấp xã")
    DISTRICT = "DISTRICT", _("Hội cấp huyện")
    PROVINCE = "PROVINCE", _("Hội cấp tỉnh")
    CENTRAL = "CENTRAL", _("Hội cấp trung ương")


class FeeSchedule(models.Model):
    code = models.CharField(_("mã biểu phí"), max_length=40, unique=True)
    name = models.CharField(_("tên biểu phí"), max_length=255)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    base_rate = models.DecimalField(_("mức phí cơ bản (%/tháng)"), **RATE)
    base_definition = models.CharField(_("cơ sở tính phí"), max_length=20, choices=BaseDefinition.choices,
                                       default=BaseDefinition.INTEREST_COLLECTED)
    # xgettext:no-python-format (a percent sign, not a placeholder)
    commission_rate = models.DecimalField(_("tỷ lệ hoa hồng (% số lãi thu được)"), **RATE)
    commission_confidence = models.CharField(_("độ tin cậy của tỷ lệ hoa hồng"), max_length=1,
                                             choices=Confidence.choices)
    source_document = models.CharField(_("văn bản nguồn"), max_length=500)
    confidence = models.CharField(_("độ tin cậy"), max_length=1, choices=Confidence.choices)
    notes = models.TextField(_("ghi chú"), blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("người công bố"))

    class Meta:
        verbose_name = _("biểu phí ủy thác và hoa hồng")
        ordering = ["-effective_from", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F(
                "effective_from")), name="fee_schedule_dates_ordered"),
            models.CheckConstraint(condition=Q(base_rate__gte=0) & Q(commission_rate__gte=0) & Q(
                commission_rate__lte=100), name="fee_schedule_rates_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.effective_from:%d/%m/%Y})"

    def audit_key(self) -> str:
        return self.code

    @property
    def is_provisional(self) -> bool:
        return self.confidence != Confidence.HIGH

    @property
    def commission_is_provisional(self) -> bool:
        return self.commission_confidence != Confidence.HIGH


class FeeMultiplierBand(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="bands")
    lower = models.DecimalField(_("tỷ lệ nợ quá hạn từ (%, gồm)"), **RATIO)
    upper = models.DecimalField(_("đến dưới (%, không gồm)"), null=True, blank=True, **RATIO)
    multiplier = models.DecimalField(_("hệ số hưởng phí (%)"), **RATIO)

    class Meta:
        verbose_name = _("khung hệ số phí theo tỷ lệ nợ quá hạn")
        ordering = ["schedule", "lower"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "lower"], name="fee_band_unique_lower"),
            models.CheckConstraint(condition=Q(lower__gte=0) & (Q(upper__isnull=True) | Q(upper__gt=models.F(
                "lower"))), name="fee_band_bounds_ordered"),
            models.CheckConstraint(condition=Q(multiplier__gte=0) & Q(multiplier__lte=100),
                                   name="fee_band_multiplier_range"),
        ]

    def __str__(self) -> str:
        upper = "∞" if self.upper is None else f"{self.upper}"
        return f"[{self.lower}; {upper}) → {self.multiplier}%"


class FeeLevelShare(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="shares")
    level = models.CharField(_("cấp hội"), max_length=10, choices=UnitShareLevel.choices)
    share = models.DecimalField(_("tỷ lệ phân chia (%)"), **RATIO)
    confidence = models.CharField(_("độ tin cậy"), max_length=1, choices=Confidence.choices, default=Confidence.MEDIUM)

    class Meta:
        verbose_name = _("tỷ lệ phân chia phí giữa các cấp hội")
        ordering = ["schedule", "id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "level"], name="fee_share_unique_level"),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=100), name="fee_share_range"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.share}%"


class FeeProgramRate(models.Model):
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="program_rates")
    program = models.ForeignKey("programs.CreditProgram", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("chương trình"))
    fee_rate = models.DecimalField(_("phí cho hội cấp xã (%/tháng dư nợ trong hạn)"), **RATE)
    commission_rate = models.DecimalField(_("hoa hồng cho tổ (%/tháng dư nợ trong hạn)"), **RATE)

    class Meta:
        verbose_name = _("mức phí riêng theo chương trình")
        ordering = ["schedule", "program__code"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "program"], name="fee_program_rate_unique"),
            models.CheckConstraint(condition=Q(fee_rate__gte=0) & Q(commission_rate__gte=0),
                                   name="fee_program_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}: {self.fee_rate}% / {self.commission_rate}%"


class StatementKind(models.TextChoices):
    REGULAR = "REGULAR", _("Bảng kê tháng")
    DIFFERENCE = "DIFFERENCE", _("Chênh lệch sau khi tính lại")


class StatementStatus(models.TextChoices):
    UNPAID = "UNPAID", _("Chưa chi trả")
    PAID = "PAID", _("Đã chi trả")


class Statement(models.Model):
    """What fee and commission statements share: period, kind, the amount due on this line and its payment."""

    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7)
    kind = models.CharField(_("loại"), max_length=10, choices=StatementKind.choices, default=StatementKind.REGULAR)
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, related_name="+", verbose_name=_("biểu phí"))
    commune = _place("geography.Commune", _("xã"))
    province = _place("geography.Province", _("tỉnh"))
    office = _place("network.TransactionOffice", _("phòng giao dịch"))
    organization_code = models.CharField(_("mã ĐVUT"), max_length=2)
    # The whole month's figure of this computation, and what this line asks to pay: equal for a REGULAR statement;
    # for a DIFFERENCE statement ``amount`` = ``computed_total`` − what the paid statements of the period paid.
    computed_total = models.BigIntegerField(_("số tiền theo lần tính này"))
    amount = models.BigIntegerField(_("số tiền phải chi trả"))
    exception_lines = models.JSONField(_("dòng mức riêng theo chương trình"), default=list)
    status = models.CharField(_("trạng thái"), max_length=6, choices=StatementStatus.choices,
                              default=StatementStatus.UNPAID)
    computed_at = models.DateTimeField(_("tính lúc"))
    paid_session = models.ForeignKey("transaction_sessions.TransactionSession", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", verbose_name=_("phiên chi trả"))
    paid_entry = models.OneToOneField("ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("bút toán chi trả"))
    paid_at = models.DateTimeField(_("chi trả lúc"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("người chi trả"))

    class Meta:
        abstract = True

    @property
    def is_paid(self) -> bool:
        return self.status == StatementStatus.PAID


def _statement_constraints(prefix: str, subject: str) -> list:
    return [
        models.UniqueConstraint(fields=["period", subject], condition=Q(status="UNPAID"),
                                name=f"{prefix}_one_unpaid_per_period"),
        models.UniqueConstraint(fields=["period", subject], condition=Q(kind="REGULAR"),
                                name=f"{prefix}_one_regular_per_period"),
        models.CheckConstraint(
            condition=Q(status="UNPAID", paid_entry__isnull=True, paid_session__isnull=True)
            | Q(status="PAID", paid_entry__isnull=False, paid_session__isnull=False),
            name=f"{prefix}_paid_fields_match_status",
        ),
        models.CheckConstraint(condition=Q(kind="DIFFERENCE") | Q(amount=models.F("computed_total")),
                               name=f"{prefix}_regular_amount_is_total"),
    ]


class FeeStatement(Statement):
    association_unit = _place("network.AssociationUnit", _("hội nhận ủy thác"))
    outstanding = models.BigIntegerField(_("tổng dư nợ"))
    overdue = models.BigIntegerField(_("dư nợ quá hạn"))
    overdue_ratio = models.DecimalField(_("tỷ lệ nợ quá hạn (%)"), **RATIO)
    base_amount = models.BigIntegerField(_("dư nợ tính phí"))
    base_rate = models.DecimalField(_("mức phí (%/tháng)"), **RATE)
    fee_before_multiplier = models.BigIntegerField(_("phí trước hệ số"))
    band_lower = models.DecimalField(_("khung từ (%)"), **RATIO)
    band_upper = models.DecimalField(_("khung đến dưới (%)"), null=True, blank=True, **RATIO)
    multiplier = models.DecimalField(_("hệ số hưởng phí (%)"), **RATIO)
    fee_after_multiplier = models.BigIntegerField(_("phí sau hệ số"))
    exception_fee = models.BigIntegerField(_("phí theo mức riêng"), default=0)
    commissions = models.BigIntegerField(_("hoa hồng các tổ của hội"), default=0)
    cap_rate = models.DecimalField(_("mức trần (%/tháng)"), **RATE)
    cap_amount = models.BigIntegerField(_("mức trần (đồng)"))
    within_cap = models.BooleanField(_("trong mức trần"))

    class Meta:
        verbose_name = _("bảng kê phí ủy thác")
        ordering = ["-period", "association_unit__code", "id"]
        constraints = _statement_constraints("fee_statement", "association_unit")
        indexes = [models.Index(fields=["period", "commune"], name="fee_stmt_commune_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.association_unit.code}"

    def audit_key(self) -> str:
        return str(self.pk)


class FeeStatementShare(models.Model):
    statement = models.ForeignKey(FeeStatement, on_delete=models.CASCADE, related_name="shares")
    level = models.CharField(_("cấp hội"), max_length=10, choices=UnitShareLevel.choices)
    share = models.DecimalField(_("tỷ lệ (%)"), **RATIO)
    amount = models.BigIntegerField(_("số tiền"))
    recipient = _place("network.AssociationUnit", _("đơn vị hội nhận"), null=True)

    class Meta:
        verbose_name = _("phân chia phí theo cấp hội")
        ordering = ["statement", "id"]

    def __str__(self) -> str:
        return f"{self.level} {self.amount}"


class CommissionStatement(Statement):
    group = _place("groups.SavingsGroup", _("tổ TK&VV"))
    association_unit = _place("network.AssociationUnit", _("hội quản lý"))
    interest_collected = models.BigIntegerField(_("lãi thu được trong tháng"))
    # xgettext:no-python-format (a percent sign, not a placeholder)
    commission_rate = models.DecimalField(_("tỷ lệ hoa hồng (% số lãi)"), **RATE)
    commission_on_interest = models.BigIntegerField(_("hoa hồng trên số lãi"))
    exception_commission = models.BigIntegerField(_("hoa hồng theo mức riêng"), default=0)

    class Meta:
        verbose_name = _("bảng kê hoa hồng tổ TK&VV")
        ordering = ["-period", "group__code", "id"]
        constraints = _statement_constraints("commission_statement", "group")
        indexes = [models.Index(fields=["period", "commune"], name="comm_stmt_commune_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.group.code}"

    def audit_key(self) -> str:
        return str(self.pk)
