"""Credit programs as data (shared/domain/programs.md).

Rates, caps, terms, grace periods and extension limits are set by Prime Minister decisions and change several
times a decade, with temporary area overrides in between (programs.md, "Rule for the software"). Nothing here is
a constant: every parameter is an effective-dated row with its legal source and confidence, keyed by program
code and (optionally) beneficiary category.

- ``CreditProgram``: the 2-digit code of the bank's exports (§4), channel, legal basis.
- ``BeneficiaryCategory``: a sub-category inside a program whose rate or caps differ (labour export at half
  rate, job creation priority groups, the two phases of poor-household housing …).
- ``ProgramRate``: the annual contract rate (%/yr); the monthly rate the bank publishes is annual ÷ 12, derived.
- ``OverdueRateRule``: the overdue rate as a multiple of the contract rate (130 %) or a fixed rate.
- ``RateOverride``: a time-boxed area override (the storm relief of 01/10–31/12/2025) with the rule that says how
  it combines with the base rate, because the documents do not say it (programs.md §1.2, "Not known").
- ``ProgramLimit``: caps, terms, grace, extension limits, rollover and installment regime, one kind per row.

A category with rates of its own uses only those; one without them bears the program's rate. For limits and
overdue rules the most specific row in force wins: the category's, else the program's, else the system-wide one
(``program`` empty). Periods of the same (program, category, kind) never overlap: the services
refuse it, and the database refuses two rows starting on the same date.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from uythac.core.models import Confidence

RATE_FIELD = {"max_digits": 9, "decimal_places": 6}
RATE_IN_RANGE = Q(annual_rate__gt=0) & Q(annual_rate__lt=100)
DATES_ORDERED = Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from"))


class Channel(models.TextChoices):
    """How a program lends (programs.md §2: UT / TT / TT+UT)."""

    ENTRUSTED = "ENTRUSTED", _("Ủy thác qua tổ TK&VV")
    DIRECT = "DIRECT", _("Cho vay trực tiếp tại NHCSXH")
    BOTH = "BOTH", _("Trực tiếp và ủy thác")


class CreditProgram(models.Model):
    """A policy credit program, keyed by the 2-digit code of the core-system exports (programs.md §4)."""

    code = models.CharField(_("mã chương trình"), max_length=2, unique=True)
    identifier = models.CharField(_("định danh"), max_length=40, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=200)
    export_label = models.CharField(_("nhãn trong tệp xuất"), max_length=20, blank=True)
    # Empty = not known (programs 17, 21, 26, 99): never guessed.
    channel = models.CharField(_("kênh cho vay"), max_length=10, choices=Channel.choices, blank=True)
    legal_basis = models.TextField(_("cơ sở pháp lý"), blank=True)
    code_source = models.CharField(_("nguồn của mã"), max_length=255)
    code_confidence = models.CharField(_("độ tin cậy của mã"), max_length=1, choices=Confidence.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("chương trình tín dụng")
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{2}$"), name="program_code_two_digits")]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def audit_key(self) -> str:
        return self.code

    @property
    def is_provisional(self) -> bool:
        return self.code_confidence != Confidence.HIGH

    @property
    def source_document(self) -> str:
        return self.code_source


class BeneficiaryCategory(models.Model):
    """Đối tượng thụ hưởng inside a program, where its rate, caps or channel differ from the program's."""

    program = models.ForeignKey(CreditProgram, on_delete=models.PROTECT, related_name="categories")
    code = models.CharField(_("mã đối tượng"), max_length=40)
    name = models.CharField(_("tên đối tượng"), max_length=255)
    channel = models.CharField(_("kênh cho vay"), max_length=10, choices=Channel.choices, blank=True)
    source_document = models.CharField(_("văn bản nguồn"), max_length=255)
    confidence = models.CharField(_("độ tin cậy"), max_length=1, choices=Confidence.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["program__code", "code"]
        verbose_name = _("đối tượng thụ hưởng")
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="category_unique_code")]

    def __str__(self) -> str:
        return f"{self.program.code}/{self.code} – {self.name}"

    def audit_key(self) -> str:
        return f"{self.program.code}/{self.code}"

    @property
    def is_provisional(self) -> bool:
        return self.confidence != Confidence.HIGH


class DatedSourcedRow(models.Model):
    """Effective period, legal source and confidence shared by every parameter table."""

    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source_document = models.CharField(_("văn bản nguồn"), max_length=255)
    confidence = models.CharField(_("độ tin cậy"), max_length=1, choices=Confidence.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_provisional(self) -> bool:
        return self.confidence != Confidence.HIGH

    def covers(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def _scoped_unique(prefix: str, *extra: str) -> list[models.UniqueConstraint]:
    """One start date per (program, category[, kind]); NULL program/category compared as equal (partial indexes,
    because SQL treats NULLs as distinct in a plain unique constraint)."""
    return [
        models.UniqueConstraint(
            fields=[*extra, "effective_from"], condition=Q(program__isnull=True, category__isnull=True),
            name=f"{prefix}_unique_start_global",
        ),
        models.UniqueConstraint(
            fields=["program", *extra, "effective_from"], condition=Q(program__isnull=False, category__isnull=True),
            name=f"{prefix}_unique_start_program",
        ),
        models.UniqueConstraint(
            fields=["program", "category", *extra, "effective_from"], condition=Q(category__isnull=False),
            name=f"{prefix}_unique_start_category",
        ),
    ]


class ProgramRate(DatedSourcedRow):
    """The contract (preferential) rate of a program or category, %/yr. Monthly = annual ÷ 12, derived."""

    program = models.ForeignKey(CreditProgram, on_delete=models.PROTECT, related_name="rates")
    category = models.ForeignKey(
        BeneficiaryCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="rates"
    )
    annual_rate = models.DecimalField(_("lãi suất (%/năm)"), **RATE_FIELD)

    class Meta:
        ordering = ["program__code", "category__code", "effective_from"]
        verbose_name = _("lãi suất cho vay")
        constraints = [
            models.CheckConstraint(condition=RATE_IN_RANGE, name="program_rate_in_range"),
            models.CheckConstraint(condition=DATES_ORDERED, name="program_rate_dates_ordered"),
            *_scoped_unique("program_rate")[1:],
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.annual_rate}%/năm từ {self.effective_from:%d/%m/%Y}"

    def audit_key(self) -> str:
        category = self.category.code if self.category_id else "*"
        return f"{self.program.code}/{category}/{self.effective_from:%Y-%m-%d}"

    @property
    def monthly_rate(self) -> Decimal:
        return self.annual_rate / 12


class OverdueRateRule(DatedSourcedRow):
    """Overdue interest: ``multiplier_percent`` of the contract rate (130 %) or a ``fixed_annual_rate``.

    ``base_includes_overrides``: whether the multiplier applies to the rate the loan bears that day (area
    override included) or to the program's base rate. No source says which (programs.md §1.1–§1.2); the loaded
    rule records its choice with its confidence.
    """

    program = models.ForeignKey(
        CreditProgram, null=True, blank=True, on_delete=models.PROTECT, related_name="overdue_rules"
    )
    category = models.ForeignKey(
        BeneficiaryCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="overdue_rules"
    )
    multiplier_percent = models.DecimalField(_("bằng % lãi suất trong hạn"), null=True, blank=True, **RATE_FIELD)
    fixed_annual_rate = models.DecimalField(_("lãi suất quá hạn cố định (%/năm)"), null=True, blank=True, **RATE_FIELD)
    base_includes_overrides = models.BooleanField(_("tính trên lãi suất đã điều chỉnh theo địa bàn"), default=True)

    class Meta:
        ordering = ["program__code", "category__code", "effective_from"]
        verbose_name = _("quy định lãi suất quá hạn")
        constraints = [
            models.CheckConstraint(
                condition=(Q(multiplier_percent__isnull=False, fixed_annual_rate__isnull=True)
                           & Q(multiplier_percent__gt=0) & Q(multiplier_percent__lt=1000))
                | (Q(multiplier_percent__isnull=True, fixed_annual_rate__isnull=False)
                   & Q(fixed_annual_rate__gt=0) & Q(fixed_annual_rate__lt=100)),
                name="overdue_rule_one_kind",
            ),
            models.CheckConstraint(condition=DATES_ORDERED, name="overdue_rule_dates_ordered"),
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(program__isnull=False), name="overdue_rule_category_program"
            ),
            *_scoped_unique("overdue_rule"),
        ]

    def __str__(self) -> str:
        what = (f"{self.multiplier_percent}%" if self.multiplier_percent is not None
                else f"{self.fixed_annual_rate}%/năm")
        return f"{self.program.code if self.program_id else '*'} quá hạn {what} từ {self.effective_from:%d/%m/%Y}"

    def audit_key(self) -> str:
        program = self.program.code if self.program_id else "*"
        category = self.category.code if self.category_id else "*"
        return f"{program}/{category}/{self.effective_from:%Y-%m-%d}"


class OverrideCombination(models.TextChoices):
    """How a delta override meets a base-rate change inside its period (programs.md §1.2: not known → data)."""

    RATE_IN_FORCE = "RATE_IN_FORCE", _("Cộng/trừ vào lãi suất đang áp dụng từng ngày")
    RATE_AT_START = "RATE_AT_START", _("Cộng/trừ vào lãi suất tại ngày bắt đầu điều chỉnh")


class RateOverride(DatedSourcedRow):
    """A time-boxed change of the rate for some programs in some provinces, e.g. −2 points under 2654/QĐ-TTg.

    Either ``delta_points`` (signed, −2 = two points lower; the result never goes below 0) with its
    ``combination`` rule, or an ``absolute_rate`` that replaces the base rate. At most one override applies to a
    (program, province, day). ``area_note`` records how the instrument's list of localities was mapped to the
    current provinces, with ``area_confidence``.
    """

    name = models.CharField(_("nội dung"), max_length=255)
    legal_basis = models.CharField(_("cơ sở pháp lý"), max_length=255)
    delta_points = models.DecimalField(_("điều chỉnh (điểm %/năm)"), null=True, blank=True, **RATE_FIELD)
    absolute_rate = models.DecimalField(_("lãi suất thay thế (%/năm)"), null=True, blank=True, **RATE_FIELD)
    combination = models.CharField(
        _("cách kết hợp với lãi suất gốc"), max_length=16, choices=OverrideCombination.choices, blank=True
    )
    combination_confidence = models.CharField(
        _("độ tin cậy của cách kết hợp"), max_length=1, choices=Confidence.choices, blank=True
    )
    provinces = models.ManyToManyField("geography.Province", related_name="rate_overrides", verbose_name=_("tỉnh"))
    area_note = models.TextField(_("cách xác định địa bàn"), blank=True)
    area_confidence = models.CharField(_("độ tin cậy của địa bàn"), max_length=1, choices=Confidence.choices)
    programs = models.ManyToManyField(CreditProgram, related_name="rate_overrides", verbose_name=_("chương trình"))
    programs_confidence = models.CharField(
        _("độ tin cậy của danh sách chương trình"), max_length=1, choices=Confidence.choices
    )

    class Meta:
        ordering = ["-effective_from", "name"]
        verbose_name = _("điều chỉnh lãi suất theo địa bàn")
        constraints = [
            models.CheckConstraint(
                condition=(Q(delta_points__isnull=False, absolute_rate__isnull=True) & ~Q(combination="")
                           & ~Q(combination_confidence="") & Q(delta_points__gt=-100) & Q(delta_points__lt=100)
                           & ~Q(delta_points=0))
                | (Q(delta_points__isnull=True, absolute_rate__isnull=False, combination="")
                   & Q(absolute_rate__gt=0) & Q(absolute_rate__lt=100)),
                name="rate_override_one_kind",
            ),
            models.CheckConstraint(condition=DATES_ORDERED, name="rate_override_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.legal_basis}: {self.name}"

    def audit_key(self) -> str:
        return str(self.pk)

    @property
    def confidences(self) -> list[str]:
        found = [self.confidence, self.area_confidence, self.programs_confidence]
        if self.delta_points is not None:
            found.append(self.combination_confidence)
        return found

    @property
    def is_provisional(self) -> bool:
        return any(c != Confidence.HIGH for c in self.confidences)


class LimitUnit(models.TextChoices):
    AMOUNT = "AMOUNT", _("đồng")
    MONTHS = "MONTHS", _("tháng")
    PERCENT = "PERCENT", _("%")
    CHOICE = "CHOICE", _("quy tắc")


class LimitKind(models.TextChoices):
    MAX_AMOUNT_PER_HOUSEHOLD = "MAX_AMOUNT_PER_HOUSEHOLD", _("Mức cho vay tối đa/hộ")
    MAX_AMOUNT_PER_BORROWER = "MAX_AMOUNT_PER_BORROWER", _("Mức cho vay tối đa/khách hàng")
    MAX_AMOUNT_PER_LOAN = "MAX_AMOUNT_PER_LOAN", _("Mức cho vay tối đa/món vay")
    MAX_AMOUNT_PER_MONTH = "MAX_AMOUNT_PER_MONTH", _("Mức cho vay tối đa/tháng")
    MAX_AMOUNT_PER_SCHOOL_YEAR = "MAX_AMOUNT_PER_SCHOOL_YEAR", _("Mức cho vay tối đa/năm học")
    MAX_AMOUNT_PER_WORK = "MAX_AMOUNT_PER_WORK", _("Mức cho vay tối đa/loại công trình")
    MAX_AMOUNT_PER_PROJECT = "MAX_AMOUNT_PER_PROJECT", _("Mức cho vay tối đa/dự án")
    MAX_AMOUNT_PER_JOB = "MAX_AMOUNT_PER_JOB", _("Mức cho vay tối đa/chỗ làm việc tạo ra")
    COLLATERAL_THRESHOLD = "COLLATERAL_THRESHOLD", _("Phải có tài sản bảo đảm từ mức vay")
    MAX_TERM_MONTHS = "MAX_TERM_MONTHS", _("Thời hạn cho vay tối đa")
    GRACE_MONTHS = "GRACE_MONTHS", _("Thời gian ân hạn")
    GRACE_AFTER_GRADUATION_MONTHS = "GRACE_AFTER_GRADUATION_MONTHS", _("Thời gian chờ sau khi tốt nghiệp")
    SHORT_TERM_MAX_MONTHS = "SHORT_TERM_MAX_MONTHS", _("Cho vay ngắn hạn: đến")
    MEDIUM_TERM_MAX_MONTHS = "MEDIUM_TERM_MAX_MONTHS", _("Cho vay trung hạn: đến")
    EXTENSION_SHORT_TERM_MAX_MONTHS = "EXTENSION_SHORT_TERM_MAX_MONTHS", _("Gia hạn tối đa (ngắn hạn)")
    EXTENSION_MAX_PERCENT_OF_TERM = (
        "EXTENSION_MAX_PERCENT_OF_TERM", _("Gia hạn tối đa (trung, dài hạn) theo % thời hạn")
    )
    EXTENSION_MAX_PERCENT_OF_REPAYMENT = (
        "EXTENSION_MAX_PERCENT_OF_REPAYMENT", _("Gia hạn tối đa theo % thời hạn trả nợ")
    )
    EXTENSION_MAX_MONTHS = "EXTENSION_MAX_MONTHS", _("Gia hạn tối đa (riêng chương trình)")
    INSTALLMENT_MAX_INTERVAL_MONTHS = "INSTALLMENT_MAX_INTERVAL_MONTHS", _("Kỳ hạn trả nợ tối đa")
    POVERTY_EXIT_WINDOW_MONTHS = "POVERTY_EXIT_WINDOW_MONTHS", _("Thời gian kể từ khi thoát nghèo/cận nghèo")
    MAX_PERCENT_OF_COST = "MAX_PERCENT_OF_COST", _("Mức cho vay tối đa theo % chi phí/giá trị")
    MIN_OWN_CAPITAL_PERCENT = "MIN_OWN_CAPITAL_PERCENT", _("Vốn tự có tối thiểu")
    MIN_ANNUAL_REPAYMENT_PERCENT = "MIN_ANNUAL_REPAYMENT_PERCENT", _("Trả nợ tối thiểu mỗi năm (% số tiền vay)")
    ROLLOVER = "ROLLOVER", _("Lưu vụ")
    INSTALLMENT_REGIME = "INSTALLMENT_REGIME", _("Xử lý kỳ hạn trả nợ chưa trả")


class RolloverRule(models.TextChoices):
    ALLOWED = "ALLOWED", _("Được lưu vụ (theo lãi suất hiện hành)")
    NOT_ALLOWED = "NOT_ALLOWED", _("Không được lưu vụ")
    SHORT_TERM_ONLY = "SHORT_TERM_ONLY", _("Chỉ món vay ngắn hạn được lưu vụ")


class InstallmentRegime(models.TextChoices):
    """What happens to an unpaid installment, selected by the loan's disbursement date (programs.md §3)."""

    ROLL_INTO_NEXT = "ROLL_INTO_NEXT", _("Dồn sang kỳ hạn sau (không chuyển quá hạn từng kỳ)")
    AUTO_OVERDUE = "AUTO_OVERDUE", _("Kỳ hạn chưa trả, chưa điều chỉnh tự chuyển quá hạn")


LIMIT_UNITS: dict[str, str] = {
    **dict.fromkeys([k for k in LimitKind.values if k.startswith("MAX_AMOUNT")] + ["COLLATERAL_THRESHOLD"],
                    LimitUnit.AMOUNT),
    **dict.fromkeys([k for k in LimitKind.values if k.endswith("_MONTHS")], LimitUnit.MONTHS),
    **dict.fromkeys([k for k in LimitKind.values if "PERCENT" in k], LimitUnit.PERCENT),
    LimitKind.ROLLOVER: LimitUnit.CHOICE,
    LimitKind.INSTALLMENT_REGIME: LimitUnit.CHOICE,
}
LIMIT_CHOICES: dict[str, type[models.TextChoices]] = {
    LimitKind.ROLLOVER: RolloverRule,
    LimitKind.INSTALLMENT_REGIME: InstallmentRegime,
}
_VALUE_FIELDS = {
    LimitUnit.AMOUNT: "amount_vnd", LimitUnit.MONTHS: "months", LimitUnit.PERCENT: "percent",
    LimitUnit.CHOICE: "choice",
}


def _unit_condition(unit: str) -> Q:
    kinds = sorted(k for k, u in LIMIT_UNITS.items() if u == unit)
    condition = Q(kind__in=kinds)
    for other_unit, field in _VALUE_FIELDS.items():
        if field == "choice":
            condition &= ~Q(choice="") if other_unit == unit else Q(choice="")
        else:
            condition &= Q(**{f"{field}__isnull": other_unit != unit})
    return condition


class ProgramLimit(DatedSourcedRow):
    """One dated parameter of a program (or of every program when ``program`` is empty): a cap in VND, a number
    of months, a percentage or a rule choice — the field matching the kind's unit (``LIMIT_UNITS``) is set."""

    program = models.ForeignKey(CreditProgram, null=True, blank=True, on_delete=models.PROTECT, related_name="limits")
    category = models.ForeignKey(
        BeneficiaryCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="limits"
    )
    kind = models.CharField(_("loại quy định"), max_length=40, choices=LimitKind.choices)
    amount_vnd = models.BigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    months = models.PositiveIntegerField(_("số tháng"), null=True, blank=True)
    percent = models.DecimalField(_("tỷ lệ (%)"), max_digits=9, decimal_places=4, null=True, blank=True)
    choice = models.CharField(_("quy tắc"), max_length=20, blank=True)

    class Meta:
        ordering = ["program__code", "category__code", "kind", "effective_from"]
        verbose_name = _("hạn mức, thời hạn")
        constraints = [
            models.CheckConstraint(
                condition=_unit_condition(LimitUnit.AMOUNT) & Q(amount_vnd__gt=0)
                | _unit_condition(LimitUnit.MONTHS)
                | _unit_condition(LimitUnit.PERCENT) & Q(percent__gt=0) & Q(percent__lte=100)
                | _unit_condition(LimitUnit.CHOICE),
                name="program_limit_value_matches_kind",
            ),
            models.CheckConstraint(condition=DATES_ORDERED, name="program_limit_dates_ordered"),
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(program__isnull=False), name="program_limit_category_program"
            ),
            *_scoped_unique("program_limit", "kind"),
        ]

    def __str__(self) -> str:
        program = self.program.code if self.program_id else "*"
        return f"{program} {self.kind}={self.value} từ {self.effective_from:%d/%m/%Y}"

    def audit_key(self) -> str:
        program = self.program.code if self.program_id else "*"
        category = self.category.code if self.category_id else "*"
        return f"{program}/{category}/{self.kind}/{self.effective_from:%Y-%m-%d}"

    @property
    def unit(self) -> str:
        return LIMIT_UNITS[self.kind]

    @property
    def value(self):
        return getattr(self, _VALUE_FIELDS[self.unit])
