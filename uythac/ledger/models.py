"""The ledger's tables: chart of accounts, journal entries, postings, accounting periods.

* ``LedgerAccount`` — the chart of accounts as data (code, Vietnamese and English names, kind, normal side, the
  sub-ledger type its postings must carry). Seeded by migration ``0002_chart_of_accounts``.
* ``JournalEntry`` — one balanced business event (a disbursement, a leader's collection batch, a reversal…) with its
  value date, kind, actor, optional idempotency key and optional link to the record that caused it
  (``source_type``/``source_key``, plain strings so the ledger never imports loans, savings or sessions).
* ``Posting`` — one line of an entry: ``amount`` is a **signed** integer number of VND, **debit positive, credit
  negative**; the postings of an entry sum to 0. ``value_date`` repeats the entry's value date so balance queries
  ``as_of`` a date read one table through one index.
* ``LedgerPeriod`` — a month "YYYY-MM", OPEN or CLOSED; nothing is posted with a value date in a closed month.

Append-only: entries and postings are never updated or deleted — a mistake is corrected by a reversal
(``entry_reverse``). Three guards enforce it: ``save()`` refuses an existing row and ``delete()`` always refuses
(``AppendOnlyError``); the managers' ``update()``/``delete()`` refuse too; and on PostgreSQL triggers (migration
``0003_postgresql_guards``) reject UPDATE/DELETE whatever the client, and check at commit that every entry has at
least two postings summing to 0 on the entry's value date.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(RuntimeError):
    """A program tried to change or delete a journal entry or posting (a bug: post a reversal instead)."""


class AccountKind(models.TextChoices):
    ASSET = "ASSET", _("Tài sản")
    LIABILITY = "LIABILITY", _("Nợ phải trả")
    EQUITY = "EQUITY", _("Vốn chủ sở hữu")
    INCOME = "INCOME", _("Thu nhập")
    EXPENSE = "EXPENSE", _("Chi phí")
    SUSPENSE = "SUSPENSE", _("Chờ xử lý (treo)")


class Side(models.TextChoices):
    # Context: "Có" alone is also the generic "Yes" (web/templatetags/uythac_format.py).
    DEBIT = "D", pgettext_lazy("ledger side", "Nợ")
    CREDIT = "C", pgettext_lazy("ledger side", "Có")


class EntryKind(models.TextChoices):
    """What happened. Each value names the business event; the lines say which accounts moved."""

    OPENING_BALANCE = "OPENING_BALANCE", _("Số dư đầu kỳ (chuyển đổi dữ liệu)")
    DISBURSEMENT = "DISBURSEMENT", _("Giải ngân")
    PRINCIPAL_REPAYMENT = "PRINCIPAL_REPAYMENT", _("Thu nợ gốc")
    INTEREST_ACCRUAL = "INTEREST_ACCRUAL", _("Dự thu lãi")
    INTEREST_COLLECTION = "INTEREST_COLLECTION", _("Thu lãi")
    SAVINGS_DEPOSIT = "SAVINGS_DEPOSIT", _("Gửi tiền tiết kiệm tổ viên")
    SAVINGS_WITHDRAWAL = "SAVINGS_WITHDRAWAL", _("Rút tiền tiết kiệm tổ viên")
    REPAID_FROM_SAVINGS = "REPAID_FROM_SAVINGS", _("Trả nợ từ tiền gửi")
    COLLECTION_HANDOVER = "COLLECTION_HANDOVER", _("Tổ trưởng giao tiền thu hộ tại phiên giao dịch")
    OVERDUE_TRANSFER = "OVERDUE_TRANSFER", _("Chuyển nợ quá hạn")
    FREEZE = "FREEZE", _("Khoanh nợ")
    UNFREEZE = "UNFREEZE", _("Hết hạn khoanh nợ")
    WRITE_OFF = "WRITE_OFF", _("Xóa nợ")
    FEE_ACCRUAL = "FEE_ACCRUAL", _("Trích phí ủy thác phải trả")
    FEE_PAYMENT = "FEE_PAYMENT", _("Chi trả phí ủy thác")
    COMMISSION_ACCRUAL = "COMMISSION_ACCRUAL", _("Trích hoa hồng phải trả")
    COMMISSION_PAYMENT = "COMMISSION_PAYMENT", _("Chi trả hoa hồng")
    CASH_DIFFERENCE = "CASH_DIFFERENCE", _("Chênh lệch tiền mặt")
    CASH_TRANSFER = "CASH_TRANSFER", _("Điều chuyển tiền mặt")
    FUNDING = "FUNDING", _("Điều chuyển vốn")
    REVERSAL = "REVERSAL", _("Bút toán đảo")


class PeriodStatus(models.TextChoices):
    OPEN = "OPEN", _("Đang mở")
    CLOSED = "CLOSED", _("Đã khóa sổ")


class LedgerAccount(models.Model):
    """An account of the chart. ``subledger_type`` (when set) is the sub-ledger every posting must name."""

    code = models.CharField(_("mã tài khoản"), max_length=40, unique=True)
    name = models.CharField(_("tên tài khoản"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    kind = models.CharField(_("loại"), max_length=10, choices=AccountKind.choices)
    normal_side = models.CharField(_("số dư bình thường"), max_length=1, choices=Side.choices)
    subledger_type = models.CharField(_("loại sổ chi tiết bắt buộc"), max_length=20, blank=True)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("tài khoản sổ cái")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AccountKind.values), name="ledger_account_kind_valid"),
            models.CheckConstraint(condition=Q(normal_side__in=Side.values), name="ledger_account_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def audit_key(self) -> str:
        return self.code

    def to_normal(self, signed: int) -> int:
        """A signed (debit-positive) balance expressed on the account's normal side (positive = usual balance)."""
        return signed if self.normal_side == Side.DEBIT else -signed


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses UPDATE and DELETE in bulk (``update``, ``bulk_update``, ``delete``): journal rows are written once."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__}: append-only, update() is forbidden")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model.__name__}: append-only, bulk_update() is forbidden")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__}: append-only, delete() is forbidden")

    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} #{self.pk} is append-only: post a reversal instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} #{self.pk} is append-only: post a reversal instead")


class JournalEntry(AppendOnlyModel):
    value_date = models.DateField(_("ngày hạch toán"))
    kind = models.CharField(_("loại nghiệp vụ"), max_length=32, choices=EntryKind.choices)
    memo = models.CharField(_("diễn giải"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("người hạch toán"),
    )
    actor_label = models.CharField(_("tên người hạch toán"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    # A retried or doubled request carries the same key: the unique constraint makes it post once (NULL = no key).
    idempotency_key = models.CharField(_("mã chống trùng"), max_length=100, null=True, blank=True, unique=True)
    reversal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by",
        verbose_name=_("đảo bút toán"),
    )
    source_type = models.CharField(_("loại chứng từ gốc"), max_length=40, blank=True)
    source_key = models.CharField(_("mã chứng từ gốc"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("bút toán")
        ordering = ["value_date", "id"]
        indexes = [
            models.Index(fields=["value_date"], name="ledger_entry_date_idx"),
            models.Index(fields=["source_type", "source_key"], name="ledger_entry_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="REVERSAL") & Q(reversal_of__isnull=False))
                | (~Q(kind="REVERSAL") & Q(reversal_of__isnull=True)),
                name="ledger_entry_reversal_kind",
            ),
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="ledger_entry_key_not_blank"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.value_date:%d/%m/%Y} {self.kind}"

    def audit_key(self) -> str:
        return str(self.pk)


class Posting(AppendOnlyModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    # Signed VND: debit > 0, credit < 0, never 0.
    amount = models.BigIntegerField(_("số tiền (Nợ +, Có −)"))
    subledger_type = models.CharField(_("loại sổ chi tiết"), max_length=20, blank=True)
    subledger_key = models.CharField(_("mã sổ chi tiết"), max_length=40, blank=True)
    # Copy of entry.value_date (checked at commit on PostgreSQL) so as-of balances need no join.
    value_date = models.DateField(_("ngày hạch toán"))

    class Meta:
        verbose_name = _("dòng hạch toán")
        ordering = ["entry_id", "id"]
        indexes = [
            models.Index(
                fields=["account", "subledger_type", "subledger_key", "value_date"], name="ledger_posting_sub_idx"
            ),
            models.Index(fields=["account", "value_date"], name="ledger_posting_acct_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_posting_amount_nonzero"),
            models.CheckConstraint(
                condition=(Q(subledger_type="") & Q(subledger_key=""))
                | (~Q(subledger_type="") & ~Q(subledger_key="")),
                name="ledger_posting_subledger_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d} {self.subledger_type}:{self.subledger_key}"


class LedgerPeriod(models.Model):
    """An accounting month. A row appears (OPEN) the first time something is posted in that month."""

    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7, unique=True)
    status = models.CharField(_("trạng thái"), max_length=6, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    closed_at = models.DateTimeField(_("thời điểm khóa sổ"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("người khóa sổ"),
    )

    class Meta:
        verbose_name = _("kỳ kế toán")
        ordering = ["period"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PeriodStatus.values), name="ledger_period_status_valid"),
            models.CheckConstraint(
                condition=(Q(status="CLOSED") & Q(closed_at__isnull=False))
                | (Q(status="OPEN") & Q(closed_at__isnull=True)),
                name="ledger_period_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.period

    def audit_key(self) -> str:
        return self.period

