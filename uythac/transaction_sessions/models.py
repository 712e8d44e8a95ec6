"""Commune transaction sessions (phiên giao dịch xã) and group leaders' collection batches (bảng kê 13/TD).

A session (process.md §5) is one record per transaction point and date: the team (team leader — usually the credit
officer —, controller, teller), the cash the team brought and took back, the monthly briefing (giao ban) with who
attended, and every ledger entry made during it (``SessionEntry``: disbursements, principal repayments, hand-overs
of leaders' batches, counter interest and savings, fees and commissions, cash transfers). Closing a session posts
what is still pending (fees/commissions entered at the desk, the cash count and the return of cash to the PGD
vault) and locks it: afterwards the only correction is a reversal entry.

A collection batch (process.md §3.2, form 13/TD) is what a group leader collected at members' homes: per member a
receipt 01/BL with interest per loan and a savings deposit — never principal —, and optionally "principal repaid
from deposit" (a 13/TD column: the member's savings repay a loan, no cash moves). It stays PENDING (cash in the
leader's hands, nothing in the ledger) until handed over at a session, where the teller counts the cash, records
any difference, and the interest, deposits and repayments from savings are posted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    OPEN = "OPEN", _("Đang giao dịch")
    CLOSED = "CLOSED", _("Đã đóng phiên")


class TransactionSession(models.Model):
    transaction_point = models.ForeignKey(
        "network.TransactionPoint", on_delete=models.PROTECT, related_name="sessions", verbose_name=_("điểm giao dịch")
    )
    session_date = models.DateField(_("ngày giao dịch"))
    status = models.CharField(_("trạng thái"), max_length=6, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    team_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ trưởng tổ giao dịch")
    )
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("kiểm soát viên"),
    )
    teller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("thủ quỹ"),
    )
    opening_cash = models.BigIntegerField(_("tiền mặt mang đi"), default=0)
    expected_closing_cash = models.BigIntegerField(_("tồn quỹ theo sổ khi đóng phiên"), null=True, blank=True)
    closing_cash = models.BigIntegerField(_("tiền mặt kiểm đếm khi đóng phiên"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    briefing_notes = models.TextField(_("nội dung giao ban"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người mở")
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("người đóng phiên"),
    )
    closed_at = models.DateTimeField(_("đóng phiên lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên giao dịch xã")
        ordering = ["-session_date", "transaction_point__code"]
        constraints = [
            models.UniqueConstraint(fields=["transaction_point", "session_date"], name="one_session_per_point_day"),
            models.CheckConstraint(condition=Q(status__in=["OPEN", "CLOSED"]), name="session_status_valid"),
            models.CheckConstraint(condition=Q(opening_cash__gte=0), name="session_opening_cash_not_negative"),
            models.CheckConstraint(
                condition=Q(status="OPEN", closed_at__isnull=True, closing_cash__isnull=True)
                | Q(status="CLOSED", closed_at__isnull=False, closing_cash__gte=0),
                name="session_closed_fields_match_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_point.code} {self.session_date:%d/%m/%Y}"

    def audit_key(self) -> str:
        return str(self.pk)

    # The loan services duck-type a session (``uythac.loans.services_common.session_cash_subledger``).
    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN

    @property
    def held_on(self):
        return self.session_date

    @property
    def cash_difference(self) -> int | None:
        """Counted minus expected cash at close (negative: shortage)."""
        if self.closing_cash is None or self.expected_closing_cash is None:
            return None
        return self.closing_cash - self.expected_closing_cash


class AttendeeRole(models.TextChoices):
    ASSOCIATION_OFFICER = "ASSOCIATION", _("Cán bộ hội đoàn thể")
    GROUP_LEADER = "GROUP_LEADER", _("Tổ trưởng tổ TK&VV")
    COMMUNE_OFFICIAL = "COMMUNE", _("Đại diện UBND xã")
    OTHER = "OTHER", _("Khác")


class SessionAttendee(models.Model):
    """Who attended the giao ban at the session (association officers and group leaders must attend)."""

    session = models.ForeignKey(TransactionSession, on_delete=models.CASCADE, related_name="attendees")
    role = models.CharField(_("vai trò"), max_length=12, choices=AttendeeRole.choices)
    name = models.CharField(_("họ tên"), max_length=150)
    association_unit = models.ForeignKey(
        "network.AssociationUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("hội"),
    )
    group = models.ForeignKey(
        "groups.SavingsGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ")
    )

    class Meta:
        verbose_name = _("người dự giao ban")
        ordering = ["session", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class SessionEntryPurpose(models.TextChoices):
    CASH_OPEN = "CASH_OPEN", _("Nhận tiền mặt từ quỹ PGD")
    DISBURSEMENT = "DISBURSEMENT", _("Giải ngân")
    PRINCIPAL_REPAYMENT = "PRINCIPAL", _("Thu nợ gốc")
    REPAID_FROM_SAVINGS = "FROM_SAVINGS", _("Trả nợ gốc từ tiền gửi")
    INTEREST = "INTEREST", _("Thu lãi")
    SAVINGS_DEPOSIT = "DEPOSIT", _("Gửi tiền tiết kiệm")
    SAVINGS_WITHDRAWAL = "WITHDRAWAL", _("Rút tiền tiết kiệm")
    HANDOVER = "HANDOVER", _("Tổ trưởng giao tiền (13/TD)")
    FEE = "FEE", _("Chi phí ủy thác")
    COMMISSION = "COMMISSION", _("Chi hoa hồng")
    CASH_DIFFERENCE = "CASH_DIFF", _("Chênh lệch tiền mặt khi đóng phiên")
    CASH_CLOSE = "CASH_CLOSE", _("Nộp tiền mặt về quỹ PGD")
    REVERSAL = "REVERSAL", _("Bút toán đảo (điều chỉnh sau khi đóng phiên)")


class SessionEntry(models.Model):
    """A ledger entry made at (or for) the session, with what it was for — the session's journal."""

    session = models.ForeignKey(TransactionSession, on_delete=models.PROTECT, related_name="entries")
    entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, related_name="session_link")
    purpose = models.CharField(_("nội dung"), max_length=12, choices=SessionEntryPurpose.choices)
    loan_number = models.CharField(_("số khế ước"), max_length=16, blank=True)
    savings_account_number = models.CharField(_("số tài khoản tiền gửi"), max_length=20, blank=True)
    batch = models.ForeignKey(
        "CollectionBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="session_entries"
    )
    amount = models.BigIntegerField(_("số tiền"))
    description = models.CharField(_("diễn giải"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bút toán của phiên")
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.purpose} {self.amount}"


class PaymentKind(models.TextChoices):
    FEE = "FEE", _("Phí ủy thác trả hội đoàn thể")
    COMMISSION = "COMMISSION", _("Hoa hồng trả tổ TK&VV")


class SessionPayment(models.Model):
    """A fee to an association unit or a commission to a group paid in cash at the session (process.md §8).

    Entered at the desk (amounts will come from the fee engine; entered by hand until then) and posted when the
    session closes: FEE_PAYABLE [unit] / CASH_TELLER [session] or COMMISSION_PAYABLE [group] / CASH_TELLER.
    """

    session = models.ForeignKey(TransactionSession, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("loại"), max_length=10, choices=PaymentKind.choices)
    association_unit = models.ForeignKey(
        "network.AssociationUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("hội nhận phí"),
    )
    group = models.ForeignKey(
        "groups.SavingsGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("tổ nhận hoa hồng"),
    )
    amount = models.BigIntegerField(_("số tiền"))
    period = models.CharField(_("kỳ (tháng)"), max_length=7)
    recipient = models.CharField(_("người nhận"), max_length=150)
    entry = models.OneToOneField(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("bút toán"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("khoản chi phí, hoa hồng tại phiên")
        ordering = ["session", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="session_payment_positive"),
            models.CheckConstraint(
                condition=Q(kind="FEE", association_unit__isnull=False, group__isnull=True)
                | Q(kind="COMMISSION", group__isnull=False, association_unit__isnull=True),
                name="session_payment_recipient_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} ({self.period})"


class BatchStatus(models.TextChoices):
    PENDING = "PENDING", _("Chờ giao tại phiên")
    HANDED_OVER = "HANDED_OVER", _("Đã giao và hạch toán")
    REJECTED = "REJECTED", _("Đã hủy")


class CollectionBatch(models.Model):
    """A group leader's collection list (bảng kê 13/TD)."""

    group = models.ForeignKey(
        "groups.SavingsGroup", on_delete=models.PROTECT, related_name="collection_batches", verbose_name=_("tổ")
    )
    idempotency_key = models.CharField(_("mã chống trùng"), max_length=100, unique=True)
    list_number = models.CharField(_("số bảng kê"), max_length=40, blank=True)
    declared_total = models.BigIntegerField(_("tổng tiền theo bảng kê"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người lập")
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    session = models.ForeignKey(
        TransactionSession, null=True, blank=True, on_delete=models.PROTECT, related_name="batches",
        verbose_name=_("phiên giao dịch nhận"),
    )
    counted_total = models.BigIntegerField(_("tiền mặt thực nhận"), null=True, blank=True)
    cash_count = models.JSONField(_("bảng kê tiền theo mệnh giá"), default=dict, blank=True)
    difference_note = models.CharField(_("giải trình chênh lệch"), max_length=255, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("người nhận tiền"),
    )
    handed_over_at = models.DateTimeField(_("giao tiền lúc"), null=True, blank=True)
    rejection_reason = models.CharField(_("lý do hủy"), max_length=255, blank=True)
    # The commune association officer checks each leader's 13/TD before the transaction (process.md §3.2, M).
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("cán bộ hội kiểm tra"),
    )
    checked_on = models.DateField(_("ngày hội kiểm tra"), null=True, blank=True)
    check_note = models.CharField(_("ý kiến kiểm tra"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bảng kê thu lãi, thu tiền gửi (13/TD)")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(declared_total__gt=0), name="batch_total_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["PENDING", "REJECTED"], session__isnull=True, counted_total__isnull=True)
                | Q(status="HANDED_OVER", session__isnull=False, counted_total__gte=0),
                name="batch_handover_fields_match_status",
            ),
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True, checked_on__isnull=True)
                | Q(checked_by__isnull=False, checked_on__isnull=False),
                name="batch_check_fields_together",
            ),
        ]
        indexes = [models.Index(fields=["group", "status"], name="batch_group_status_idx")]

    def __str__(self) -> str:
        return f"13/TD {self.group_id} #{self.pk}"

    def audit_key(self) -> str:
        return str(self.pk)

    @property
    def difference(self) -> int | None:
        """Counted cash minus the list's total (negative: shortage). Flagged whenever it is not 0."""
        return None if self.counted_total is None else self.counted_total - self.declared_total

    @property
    def has_difference(self) -> bool:
        return bool(self.difference)

    @property
    def is_checked(self) -> bool:
        return self.checked_on is not None


class CollectionReceipt(models.Model):
    """One member's receipt (biên lai 01/BL) on the list."""

    batch = models.ForeignKey(CollectionBatch, on_delete=models.CASCADE, related_name="receipts")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    receipt_number = models.CharField(_("số biên lai (01/BL)"), max_length=30)
    collected_on = models.DateField(_("ngày thu"))

    class Meta:
        verbose_name = _("biên lai thu lãi (01/BL)")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "receipt_number"], name="receipt_number_unique_in_batch"),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class ItemKind(models.TextChoices):
    INTEREST = "INTEREST", _("Lãi")
    SAVINGS = "SAVINGS", _("Tiền gửi")
    SAVINGS_TO_PRINCIPAL = "FROM_SAVINGS", _("Trả nợ gốc từ tiền gửi")


class CollectionItem(models.Model):
    """A line of a receipt: interest of one loan, a savings deposit, or principal repaid from the member's deposit
    (no cash: excluded from the list's cash total). Principal in cash is never a line: the leader may not collect it.
    """

    receipt = models.ForeignKey(CollectionReceipt, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("loại"), max_length=12, choices=ItemKind.choices)
    loan = models.ForeignKey("loans.Loan", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    savings_account = models.ForeignKey(
        "savings.MemberSavingsAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(_("số tiền"))

    class Meta:
        verbose_name = _("dòng biên lai")
        ordering = ["receipt", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="collection_item_positive"),
            models.CheckConstraint(
                condition=Q(kind="INTEREST", loan__isnull=False, savings_account__isnull=True)
                | Q(kind="SAVINGS", loan__isnull=True, savings_account__isnull=False)
                | Q(kind="FROM_SAVINGS", loan__isnull=False, savings_account__isnull=False),
                name="collection_item_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
