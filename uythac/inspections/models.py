"""Inspections of the entrusted channel (kiểm tra, giám sát hoạt động ủy thác — 727/HD-NHCS, before 2026 10566/HD-NHCS).

One ``Inspection`` is one check of one subject — a loan (use-of-funds check 06/TD, e.g. within 30 days of the
disbursement), a household, a Savings & Loan Group (minutes 16/TD) or an association chapter (minutes 02/BB-CT,
03/BB-CX) — by one inspecting level: the bank (branch, PGD), an association level (province, district before the
2025 reform, commune) or the commune People's Committee.

Two dates, on purpose: ``inspected_on`` is the day of the check; ``entered_on`` the day it was entered in the system.
Seed 004 (Thanh Hóa, 2024) counts only inspections **entered in the software** for the association score, so the
coverage selectors look at both (``uythac.inspections.selectors``).

The subject's place and managing association unit are copied on the record when it is written (``commune``,
``province``, ``group``, ``household``, ``managing_unit``): lists are filtered by scope and the seed 001 table
(inspections by organization and level) is counted from this one table, without joining through four kinds of
subject. A record is never deleted: ``inspection_correct`` changes it within a configured number of days, audited.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InspectorLevel(models.TextChoices):
    BANK_BRANCH = "BANK_BRANCH", _("NHCSXH chi nhánh tỉnh")
    BANK_OFFICE = "BANK_OFFICE", _("NHCSXH phòng giao dịch")
    ASSOCIATION_PROVINCE = "ASSOC_PROVINCE", _("Hội cấp tỉnh")
    ASSOCIATION_DISTRICT = "ASSOC_DISTRICT", _("Hội cấp huyện (trước 01/07/2025)")
    ASSOCIATION_COMMUNE = "ASSOC_COMMUNE", _("Hội cấp xã")
    COMMUNE_COMMITTEE = "COMMUNE_COMMITTEE", _("UBND xã")


#: Levels at which an association inspects: the record names the organization (11–14). A tuple: its order is
#: written into the migration's check constraint and must not change from run to run.
ASSOCIATION_LEVELS = (
    InspectorLevel.ASSOCIATION_PROVINCE, InspectorLevel.ASSOCIATION_DISTRICT, InspectorLevel.ASSOCIATION_COMMUNE,
)
_ASSOCIATION_LEVEL_VALUES = [level.value for level in ASSOCIATION_LEVELS]


class InspectionReason(models.TextChoices):
    """Why the subject was inspected: the 727 coverage targets, or another (planned / spot) check."""

    POST_DISBURSEMENT = "POST_DISBURSEMENT", _("Kiểm tra sau cho vay (trong 30 ngày)")
    INACTIVE_3M = "INACTIVE_3M", _("Món vay 3 tháng không hoạt động")
    ANNUAL_GROUP = "ANNUAL_GROUP", _("Kiểm tra tổ TK&VV định kỳ hằng năm")
    OTHER = "OTHER", _("Kiểm tra khác (đột xuất, theo kế hoạch)")


class SubjectKind(models.TextChoices):
    LOAN = "LOAN", _("Món vay")
    HOUSEHOLD = "HOUSEHOLD", _("Hộ vay")
    GROUP = "GROUP", _("Tổ TK&VV")
    UNIT = "UNIT", _("Đơn vị hội")


class UseOfFunds(models.TextChoices):
    """Actual use found by the use-of-funds check (06/TD: put to work / correct purpose / wrong purpose)."""

    NOT_CHECKED = "NOT_CHECKED", _("Không kiểm tra sử dụng vốn")
    NOT_YET_USED = "NOT_YET_USED", _("Chưa sử dụng vốn")
    CORRECT = "CORRECT", _("Đúng mục đích")
    MISUSED = "MISUSED", _("Sai mục đích")


class MisappropriationLevel(models.TextChoices):
    """Level of the person responsible for a misappropriation found (scoring-and-inspection.md §6, M)."""

    GROUP_LEADER = "01", _("01 – Tổ trưởng tổ TK&VV")
    ASSOCIATION = "02", _("02 – Tổ chức hội")
    OTHER = "03", _("03 – Khác")


class Inspection(models.Model):
    # Who inspected.
    level = models.CharField(_("cấp kiểm tra"), max_length=20, choices=InspectorLevel.choices)
    organization = models.ForeignKey(
        "network.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("tổ chức hội kiểm tra"),
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("người nhập"),
    )
    inspector_name = models.CharField(_("người/đoàn kiểm tra"), max_length=150)
    inspected_on = models.DateField(_("ngày kiểm tra"))
    entered_on = models.DateField(_("ngày nhập vào hệ thống"), default=timezone.localdate)
    entered_at = models.DateTimeField(_("thời điểm nhập"), default=timezone.now)
    # What was inspected (exactly one subject, checked below) and where it was, copied when recorded.
    reason = models.CharField(_("lý do kiểm tra"), max_length=20, choices=InspectionReason.choices)
    subject_kind = models.CharField(_("đối tượng kiểm tra"), max_length=10, choices=SubjectKind.choices)
    loan = models.ForeignKey(
        "loans.Loan", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections",
        db_index=False, verbose_name=_("món vay"),
    )
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections",
        verbose_name=_("hộ vay"),
    )
    group = models.ForeignKey(
        "groups.SavingsGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections",
        db_index=False, verbose_name=_("tổ TK&VV"),
    )
    inspected_unit = models.ForeignKey(
        "network.AssociationUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections",
        verbose_name=_("đơn vị hội được kiểm tra"),
    )
    managing_unit = models.ForeignKey(
        "network.AssociationUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("hội quản lý"),
    )
    # loan, group, commune and province lead the composite indexes below: no single-column index of their own.
    commune = models.ForeignKey(
        "geography.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False,
        verbose_name=_("xã"),
    )
    province = models.ForeignKey(
        "geography.Province", on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("tỉnh")
    )
    # Findings.
    use_of_funds = models.CharField(
        _("sử dụng vốn vay"), max_length=12, choices=UseOfFunds.choices, default=UseOfFunds.NOT_CHECKED
    )
    misappropriation_level = models.CharField(
        _("phát hiện chiếm dụng (cấp)"), max_length=2, choices=MisappropriationLevel.choices, blank=True
    )
    findings = models.TextField(_("kết quả, tồn tại"), blank=True)
    follow_up_required = models.BooleanField(_("cần xử lý sau kiểm tra"), default=False)
    # Corrections (no deletion).
    corrected_at = models.DateTimeField(_("sửa lần cuối"), null=True, blank=True)
    correction_count = models.PositiveIntegerField(_("số lần sửa"), default=0)

    class Meta:
        verbose_name = _("lần kiểm tra")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["loan", "inspected_on"], name="inspection_loan_idx"),
            models.Index(fields=["group", "inspected_on"], name="inspection_group_idx"),
            models.Index(fields=["commune", "inspected_on"], name="inspection_commune_idx"),
            models.Index(fields=["province", "inspected_on"], name="inspection_province_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=InspectorLevel.values), name="inspection_level_valid"),
            models.CheckConstraint(condition=Q(reason__in=InspectionReason.values), name="inspection_reason_valid"),
            models.CheckConstraint(condition=Q(use_of_funds__in=UseOfFunds.values), name="inspection_use_valid"),
            # An association inspects in the name of its organization; the bank and the committee do not.
            models.CheckConstraint(
                condition=Q(level__in=_ASSOCIATION_LEVEL_VALUES, organization__isnull=False)
                | (~Q(level__in=_ASSOCIATION_LEVEL_VALUES) & Q(organization__isnull=True)),
                name="inspection_organization_matches_level",
            ),
            # Exactly the subject its kind names (a loan inspection also carries the loan's household and group).
            models.CheckConstraint(
                condition=Q(subject_kind="LOAN", loan__isnull=False, household__isnull=False,
                            inspected_unit__isnull=True)
                | Q(subject_kind="HOUSEHOLD", loan__isnull=True, household__isnull=False, inspected_unit__isnull=True)
                | Q(subject_kind="GROUP", loan__isnull=True, household__isnull=True, group__isnull=False,
                    inspected_unit__isnull=True)
                | Q(subject_kind="UNIT", loan__isnull=True, household__isnull=True, group__isnull=True,
                    inspected_unit__isnull=False),
                name="inspection_one_subject",
            ),
            models.CheckConstraint(condition=Q(entered_on__gte=models.F("inspected_on")),
                                   name="inspection_entered_after_inspected"),
            models.CheckConstraint(
                condition=Q(misappropriation_level="") | Q(misappropriation_level__in=MisappropriationLevel.values),
                name="inspection_misappropriation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_subject_kind_display()} {self.subject_code} {self.inspected_on:%d/%m/%Y}"

    def audit_key(self) -> str:
        return str(self.pk)

    @property
    def subject_code(self) -> str:
        if self.subject_kind == SubjectKind.LOAN:
            return self.loan.loan_number
        if self.subject_kind == SubjectKind.HOUSEHOLD:
            return self.household.customer_code
        if self.subject_kind == SubjectKind.GROUP:
            return self.group.code
        return self.inspected_unit.code
