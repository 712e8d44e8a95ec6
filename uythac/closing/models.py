"""Month-end close (khóa sổ cuối tháng): run bookkeeping and the per-period snapshots reports read.

Bookkeeping (imitates zulip's ``analytics`` ``FillState``):

* ``ClosingRun`` — one invocation of ``uythac close-month``. While it runs it holds the close lock: a partial unique
  constraint allows one RUNNING row at a time (whatever the database: SQLite and PostgreSQL both enforce it), so a
  second close started meanwhile is refused with a clear message instead of racing on the loans' balances.
* ``ClosingStepState`` — one row per (scope, period, step): STARTED when the step begins (committed before its work),
  DONE with the rows affected and the seconds taken when its transaction commits. A re-run skips DONE steps and redoes
  a STARTED one after cleaning up what a half-done attempt may have left.

Snapshots (append-only per period; a re-run of a period for a scope first deletes that scope's rows in the same
transaction, so totals never double). Reports read only these tables:

* ``LoanSnapshot`` — every loan alive during the period: balances at the period end, interest arrears by bucket
  (posted + not yet posted up to the period end), last transaction date and the 3-months-inactive flag, the month's
  flows (disbursed, collected, transferred).
* ``GroupSnapshot``, ``UnitSnapshot`` (association unit), ``CommuneSnapshot``, ``OfficeSnapshot`` (PGD) and
  ``ProvinceSnapshot`` — sums of the loan snapshots plus the member savings (TK 105) at the period end. Commune,
  office and province rows come once per organization code 11/12/13/14 and once for the total
  (``organization_code`` = ``ALL_ORGANIZATIONS`` = "", which also counts direct loans, made without an association).

Foreign keys of the snapshot tables carry no database constraint and no index of their own: the rows are derived
data written by ``INSERT … SELECT`` from rows that exist in the same transaction, and a check plus an index per
reference (eight on a loan snapshot) multiplied the insert time by five on the bench. They are records of a past
period: deleting master data leaves them as they are (``DO_NOTHING``), so whoever deletes loans or households in bulk
(a synthetic-data reset) deletes the periods' snapshots first. ``LoanSnapshot`` keeps only the indexes the close and
the obvious report lookups need — its key (period, loan) and (period, commune, group) —: each index costs ~0.2 s per
100,000 rows on the bench machine. On PostgreSQL its fillfactor is 85 (migration 0003) so that
the 3-months-inactive flag is set by HOT updates, without touching the indexes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: ``organization_code`` of the total row of commune, office and province snapshots (all organizations + direct).
ALL_ORGANIZATIONS = ""
#: The lock every run takes: one close at a time (see ``uythac.closing.runner``).
CLOSE_LOCK = "close-month"


class RunStatus(models.TextChoices):
    RUNNING = "RUNNING", _("Đang chạy")
    DONE = "DONE", _("Đã hoàn thành")
    FAILED = "FAILED", _("Lỗi, dừng giữa chừng")
    ABANDONED = "ABANDONED", _("Bị bỏ dở (tiến trình không còn chạy)")


class StepStatus(models.TextChoices):
    STARTED = "STARTED", _("Đang làm / làm dở")
    DONE = "DONE", _("Đã xong")


class ClosingRun(models.Model):
    scope = models.CharField(_("phạm vi"), max_length=40)
    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7)
    lock_key = models.CharField(max_length=20, default=CLOSE_LOCK, editable=False)
    status = models.CharField(_("trạng thái"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    pid = models.PositiveIntegerField(_("mã tiến trình"))
    host = models.CharField(_("máy chạy"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("người chạy"),
    )
    redo = models.BooleanField(_("làm lại các bước đã xong"), default=False)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần chạy khóa sổ cuối tháng")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lock_key"], condition=Q(status="RUNNING"), name="closing_one_running_run"),
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="closing_run_status_valid"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.scope} {self.period} {self.status}"

    def audit_key(self) -> str:
        return f"{self.scope}/{self.period}/{self.pk}"


class ClosingStepState(models.Model):
    scope = models.CharField(_("phạm vi"), max_length=40)
    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7)
    step = models.CharField(_("bước"), max_length=40)
    status = models.CharField(_("trạng thái"), max_length=8, choices=StepStatus.choices)
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    rows = models.BigIntegerField(_("số dòng"), default=0)
    seconds = models.FloatField(_("số giây"), default=0)
    attempts = models.PositiveIntegerField(_("số lần chạy"), default=0)
    run = models.ForeignKey(ClosingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="steps")

    class Meta:
        verbose_name = _("trạng thái bước khóa sổ")
        ordering = ["period", "scope", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "period", "step"], name="closing_step_state_unique"),
            models.CheckConstraint(condition=Q(status__in=StepStatus.values), name="closing_step_status_valid"),
            models.CheckConstraint(
                condition=Q(status="STARTED", finished_at__isnull=True) | Q(status="DONE", finished_at__isnull=False),
                name="closing_step_finished_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.period} {self.step}: {self.status}"

    def audit_key(self) -> str:
        return f"{self.scope}/{self.period}/{self.step}"


def _fk(model: str, verbose_name, *, null: bool = False) -> models.ForeignKey:
    """A reference from a snapshot: no constraint, no index of its own, and nothing done when the row it points to is
    deleted — a snapshot is the record of a past period (see the module docstring)."""
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+", null=null,
        blank=null, verbose_name=verbose_name,
    )


class Balances(models.Model):
    """Principal and interest arrears at the period end (VND)."""

    principal_current = models.BigIntegerField(_("dư nợ trong hạn"), default=0)
    principal_overdue = models.BigIntegerField(_("dư nợ quá hạn"), default=0)
    principal_frozen = models.BigIntegerField(_("dư nợ khoanh"), default=0)
    interest_arrears_in_term = models.BigIntegerField(_("lãi tồn trong hạn"), default=0)
    interest_arrears_overdue = models.BigIntegerField(_("lãi tồn quá hạn"), default=0)
    interest_arrears_grace = models.BigIntegerField(_("lãi tồn ân hạn"), default=0)

    class Meta:
        abstract = True

    @property
    def outstanding(self) -> int:
        """Dư nợ = in-term + overdue + frozen (scoring-and-inspection.md §5)."""
        return self.principal_current + self.principal_overdue + self.principal_frozen

    @property
    def interest_arrears(self) -> int:
        return self.interest_arrears_in_term + self.interest_arrears_overdue + self.interest_arrears_grace


class LoanSnapshot(Balances):
    # (period, loan) is the key: one row per loan and period, enforced by the database (no surrogate id, one index
    # fewer to maintain for every row).
    pk = models.CompositePrimaryKey("period", "loan")
    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7)
    loan = _fk("loans.Loan", _("món vay"))
    loan_number = models.CharField(_("số khế ước"), max_length=16)
    household = _fk("households.Household", _("hộ vay"))
    group = _fk("groups.SavingsGroup", _("tổ TK&VV"), null=True)
    association_unit = _fk("network.AssociationUnit", _("đơn vị nhận ủy thác"), null=True)
    commune = _fk("geography.Commune", _("xã"))
    office = _fk("network.TransactionOffice", _("phòng giao dịch"))
    province = _fk("geography.Province", _("tỉnh"))
    # "" for a direct loan (no association).
    organization_code = models.CharField(_("mã ĐVUT"), max_length=2, blank=True)
    program = _fk("programs.CreditProgram", _("chương trình"))
    program_code = models.CharField(_("mã chương trình"), max_length=2)
    status = models.CharField(_("trạng thái cuối kỳ"), max_length=12)
    last_transaction_on = models.DateField(_("ngày giao dịch gần nhất"))
    is_inactive_3m = models.BooleanField(_("3 tháng không hoạt động"), default=False)
    # The month's flows.
    disbursed_in_period = models.BigIntegerField(_("giải ngân trong tháng"), default=0)
    principal_collected = models.BigIntegerField(_("thu nợ gốc trong tháng"), default=0)
    interest_collected = models.BigIntegerField(_("thu lãi trong tháng"), default=0)
    overdue_transferred = models.BigIntegerField(_("chuyển nợ quá hạn trong tháng"), default=0)

    class Meta:
        verbose_name = _("số liệu món vay cuối tháng")
        ordering = ["period", "loan_number"]
        # Lists by commune, and by group within a commune (Mẫu 14 by commune, a group's loans).
        indexes = [models.Index(fields=["period", "commune", "group"], name="loan_snap_place_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.loan_number}"


class AggregateSnapshot(Balances):
    """Measures shared by every aggregate level (sums over LoanSnapshot rows and member savings at the period end)."""

    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7)
    organization_code = models.CharField(_("mã ĐVUT"), max_length=2, blank=True)
    outstanding = models.BigIntegerField(_("dư nợ"), default=0)
    loans_with_balance = models.BigIntegerField(_("số món vay còn dư nợ"), default=0)
    borrowing_households = models.BigIntegerField(_("số hộ còn dư nợ"), default=0)
    groups_with_balance = models.BigIntegerField(_("số tổ có dư nợ"), default=0)
    overdue_loans = models.BigIntegerField(_("số món có nợ quá hạn"), default=0)
    inactive_3m_loans = models.BigIntegerField(_("số món 3 tháng không hoạt động"), default=0)
    inactive_3m_amount = models.BigIntegerField(_("dư nợ món 3 tháng không hoạt động"), default=0)
    savings_balance = models.BigIntegerField(_("số dư tiền gửi tổ viên"), default=0)
    savings_members = models.BigIntegerField(_("số tổ viên có tiền gửi"), default=0)
    # BC0437 K, Y, Z among the households with a balance (``steps.aggregates.FLAGS``).
    members_paid_interest_3m = models.BigIntegerField(_("số hộ còn dư nợ có nộp lãi trong 3 tháng"), default=0)
    members_with_interest_arrears = models.BigIntegerField(_("số hộ còn dư nợ có lãi tồn"), default=0)
    members_with_grace_arrears = models.BigIntegerField(_("số hộ còn dư nợ có lãi tồn ân hạn"), default=0)
    savings_deposited = models.BigIntegerField(_("tiền gửi trong tháng"), default=0)
    savings_withdrawn = models.BigIntegerField(_("tiền rút trong tháng"), default=0)
    disbursed_count = models.BigIntegerField(_("số món giải ngân trong tháng"), default=0)
    disbursed_amount = models.BigIntegerField(_("doanh số cho vay trong tháng"), default=0)
    principal_collected = models.BigIntegerField(_("doanh số thu nợ gốc trong tháng"), default=0)
    interest_collected = models.BigIntegerField(_("thu lãi trong tháng"), default=0)
    overdue_transferred = models.BigIntegerField(_("chuyển nợ quá hạn trong tháng"), default=0)

    class Meta:
        abstract = True


class GroupSnapshot(AggregateSnapshot):
    group = _fk("groups.SavingsGroup", _("tổ TK&VV"))
    association_unit = _fk("network.AssociationUnit", _("hội quản lý"))
    commune = _fk("geography.Commune", _("xã"))
    office = _fk("network.TransactionOffice", _("phòng giao dịch"))
    province = _fk("geography.Province", _("tỉnh"))
    # Members on the period's last day (memberships joined by then and not left): BC0437 column H, and the divisor
    # of its savings per member (``steps.aggregates``).
    members = models.BigIntegerField(_("số tổ viên cuối tháng"), default=0)

    class Meta:
        verbose_name = _("số liệu tổ TK&VV cuối tháng")
        ordering = ["period", "group_id"]
        constraints = [models.UniqueConstraint(fields=["period", "group"], name="group_snapshot_unique")]
        # (period, unit): the unit dashboard's groups — 198 ms → 0.4 ms on the national profile (166,000 groups a
        # month, docs/performance.md "Reports at national size").
        indexes = [models.Index(fields=["period", "commune"], name="group_snap_commune_idx"),
                   models.Index(fields=["period", "association_unit"], name="group_snap_unit_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.group_id} {self.organization_code or '*'}"


class UnitSnapshot(AggregateSnapshot):
    association_unit = _fk("network.AssociationUnit", _("đơn vị hội"))
    commune = _fk("geography.Commune", _("xã"), null=True)
    province = _fk("geography.Province", _("tỉnh"), null=True)
    # BC0438 ①: the villages of the unit's groups that have a balance (``steps.aggregates``).
    villages_with_balance = models.BigIntegerField(_("số thôn có dư nợ"), default=0)

    class Meta:
        verbose_name = _("số liệu đơn vị hội cuối tháng")
        ordering = ["period", "association_unit_id"]
        constraints = [models.UniqueConstraint(fields=["period", "association_unit"], name="unit_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.association_unit_id} {self.organization_code or '*'}"


class UnitProgramSnapshot(models.Model):
    """BC0438 ③: the loans of one association unit by PGD, commune and program at the period end, written by the
    aggregates step from the period's loan snapshots (the report used to group 117,000 of them per page)."""

    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7)
    organization_code = models.CharField(_("mã ĐVUT"), max_length=2)
    association_unit = _fk("network.AssociationUnit", _("đơn vị hội"))
    office = _fk("network.TransactionOffice", _("phòng giao dịch"))
    commune = _fk("geography.Commune", _("xã"))
    province = _fk("geography.Province", _("tỉnh"))
    program_code = models.CharField(_("mã chương trình"), max_length=2)
    customers = models.BigIntegerField(_("số khách hàng còn dư nợ"), default=0)
    principal_current = models.BigIntegerField(_("dư nợ trong hạn"), default=0)
    principal_overdue = models.BigIntegerField(_("dư nợ quá hạn"), default=0)
    principal_frozen = models.BigIntegerField(_("dư nợ khoanh"), default=0)
    interest_arrears = models.BigIntegerField(_("lãi tồn"), default=0)
    inactive_3m_loans = models.BigIntegerField(_("số món 3 tháng không hoạt động"), default=0)

    class Meta:
        verbose_name = _("số liệu chương trình của đơn vị hội cuối tháng")
        ordering = ["period", "association_unit_id", "office_id", "commune_id", "program_code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "association_unit", "office", "commune", "program_code"],
                                    name="unit_program_snapshot_unique")
        ]
        indexes = [models.Index(fields=["period", "province"], name="unit_program_snap_province_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.association_unit_id} {self.program_code}"


class CommuneSnapshot(AggregateSnapshot):
    commune = _fk("geography.Commune", _("xã"))
    province = _fk("geography.Province", _("tỉnh"))

    class Meta:
        verbose_name = _("số liệu xã cuối tháng")
        ordering = ["period", "commune_id", "organization_code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "commune", "organization_code"], name="commune_snapshot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.commune_id} {self.organization_code or '*'}"


class OfficeSnapshot(AggregateSnapshot):
    office = _fk("network.TransactionOffice", _("phòng giao dịch"))
    province = _fk("geography.Province", _("tỉnh"), null=True)

    class Meta:
        verbose_name = _("số liệu phòng giao dịch cuối tháng")
        ordering = ["period", "office_id", "organization_code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "office", "organization_code"], name="office_snapshot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.office_id} {self.organization_code or '*'}"


class ProvinceSnapshot(AggregateSnapshot):
    province = _fk("geography.Province", _("tỉnh"))

    class Meta:
        verbose_name = _("số liệu tỉnh cuối tháng")
        ordering = ["period", "province_id", "organization_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "province", "organization_code"], name="province_snapshot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.province_id} {self.organization_code or '*'}"
