"""The loan lifecycle's tables (shared/domain/process.md §3–§4; glossary §5–§7).

Origination: ``LoanApplication`` (form 01/TD) → ``ReviewMeeting`` with its ``ReviewItem`` per application (họp bình
xét: minutes 10C/TD, list 03/TD) → commune confirmation (fields on the application) → dossier complete and bank
approval (deadline 3 working days) → notice 04/TD (fields on the application) → ``Loan`` (debt acknowledgment,
khế ước nhận nợ) with its ``Installment`` schedule. Changes and history: ``LoanEvent`` (08/TD adjustment, extension,
14/TD overdue transfer, freeze, write-off, moved away, repayments…). Risk handling: ``RiskRound`` (đợt xử lý rủi ro)
and ``RiskCase`` (01/XLN → 02/XLN → 03/04/05/XLN → approved/refused).

THE LEDGER IS THE TRUTH. ``Loan.principal_current / principal_overdue / principal_frozen`` and the three interest
arrears buckets are caches of the loan's sub-ledger balances (LOAN_CURRENT, LOAN_OVERDUE, LOAN_FROZEN,
INTEREST_RECEIVABLE with sub-ledger ``("loan", loan_number)``), written by the loan services in the same
transaction as the posting. Set-based readers (month-end close, reports) may read the cached columns; a check
(`uythac.loans.selectors.loan_balances`) proves them equal to the ledger.

Money is integer VND (``BigIntegerField``); rates are never stored on a loan: they are read from the program data
for each day (``uythac.programs.selectors.rate_segments``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from uythac.programs.models import InstallmentRegime

LOAN_NUMBER_PATTERN = r"^[0-9]{16}$"


class LoanChannel(models.TextChoices):
    """How one loan is lent (programs.md §2: UT / TT)."""

    ENTRUSTED = "ENTRUSTED", _("Ủy thác qua tổ TK&VV")
    DIRECT = "DIRECT", _("Cho vay trực tiếp")


class CapitalSource(models.TextChoices):
    """Vốn Trung ương / vốn địa phương (glossary §4: ``capital_source`` 1/2)."""

    CENTRAL = "1", _("Vốn Trung ương")
    LOCAL = "2", _("Vốn địa phương")


# --- origination ------------------------------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", _("Đã nộp giấy đề nghị (01/TD)")
    REVIEWED = "REVIEWED", _("Tổ đã bình xét, đồng ý")
    NOT_AGREED = "NOT_AGREED", _("Tổ bình xét không đồng ý")
    CONFIRMED = "CONFIRMED", _("UBND xã đã xác nhận")
    COMPLETE = "COMPLETE", _("Hồ sơ đầy đủ, chờ phê duyệt")
    APPROVED = "APPROVED", _("Đã phê duyệt")
    REJECTED = "REJECTED", _("Không phê duyệt")
    NOTIFIED = "NOTIFIED", _("Đã thông báo kết quả (04/TD)")
    DISBURSED = "DISBURSED", _("Đã giải ngân")


class ReviewMeeting(models.Model):
    """Họp bình xét cho vay of a group (process.md §3.1 step 2): the loan side of a ``groups.GroupMeeting`` of kind
    REVIEW, which holds the meeting itself (group, date, attendees, presence of the association and the village
    head, minutes text, who recorded it). This row adds what only lending needs: the numbers of the minutes 10C/TD
    and of the request list 03/TD, the names of the association officer and village head who attended, and the
    applications reviewed (``ReviewItem``). Nothing is stored twice; the properties below read the meeting."""

    group_meeting = models.OneToOneField(
        "groups.GroupMeeting", on_delete=models.PROTECT, related_name="review", verbose_name=_("cuộc họp tổ")
    )
    minutes_number = models.CharField(_("số biên bản họp tổ (10C/TD)"), max_length=60)
    request_list_number = models.CharField(_("số danh sách hộ đề nghị vay vốn (03/TD)"), max_length=60)
    association_officer_name = models.CharField(_("cán bộ hội dự họp"), max_length=150, blank=True)
    village_head_name = models.CharField(_("trưởng thôn dự họp"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-group_meeting__held_on", "-id"]
        verbose_name = _("cuộc họp bình xét cho vay")

    def __str__(self) -> str:
        return f"{self.group.code} {self.held_on:%d/%m/%Y} ({self.minutes_number})"

    def audit_key(self) -> str:
        return str(self.pk)

    # The meeting's own data lives on the GroupMeeting (read-through, never copied).
    @property
    def group(self):
        return self.group_meeting.group

    @property
    def group_id(self):
        return self.group_meeting.group_id

    @property
    def held_on(self):
        return self.group_meeting.held_on

    @property
    def attendee_count(self) -> int:
        return self.group_meeting.attendee_count

    @property
    def association_present(self) -> bool:
        return self.group_meeting.association_present

    @property
    def village_head_present(self) -> bool:
        return self.group_meeting.village_head_present

    @property
    def note(self) -> str:
        return self.group_meeting.minutes

    @property
    def recorded_by(self):
        return self.group_meeting.recorded_by


class LoanApplication(models.Model):
    """Giấy đề nghị vay vốn kiêm phương án sử dụng vốn vay (01/TD) and the steps to its approval notice (04/TD)."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="loan_applications", verbose_name=_("hộ vay")
    )
    # Null for direct lending at the office (channel DIRECT).
    group = models.ForeignKey(
        "groups.SavingsGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="loan_applications",
        verbose_name=_("tổ TK&VV"),
    )
    program = models.ForeignKey(
        "programs.CreditProgram", on_delete=models.PROTECT, related_name="+", verbose_name=_("chương trình")
    )
    category = models.ForeignKey(
        "programs.BeneficiaryCategory", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("đối tượng thụ hưởng"),
    )
    office = models.ForeignKey(
        "network.TransactionOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("phòng giao dịch")
    )
    channel = models.CharField(_("phương thức cho vay"), max_length=10, choices=LoanChannel.choices)
    requested_amount = models.BigIntegerField(_("số tiền đề nghị vay"))
    term_months = models.PositiveSmallIntegerField(_("thời hạn vay (tháng)"))
    # Principal installments every N months (null: one installment at maturity).
    installment_frequency_months = models.PositiveSmallIntegerField(_("kỳ hạn trả gốc (tháng)"), null=True, blank=True)
    purpose = models.CharField(_("mục đích sử dụng vốn"), max_length=255)
    use_of_funds_plan = models.TextField(_("phương án sử dụng vốn"), blank=True)
    capital_source = models.CharField(
        _("nguồn vốn"), max_length=1, choices=CapitalSource.choices, default=CapitalSource.CENTRAL
    )
    submitted_on = models.DateField(_("ngày nộp"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    # Review (họp bình xét): the amount the group agreed, from the last ReviewItem that agreed.
    agreed_amount = models.BigIntegerField(_("số tiền tổ bình xét"), null=True, blank=True)
    # Commune People's Committee confirmation on 03/TD (and on 01/TD for difficult-area business).
    commune_confirmed_on = models.DateField(_("ngày UBND xã xác nhận"), null=True, blank=True)
    commune_confirmation_ref = models.CharField(_("số/ký hiệu xác nhận của UBND xã"), max_length=100, blank=True)
    commune_confirmed_by = models.CharField(_("người ký xác nhận (UBND xã)"), max_length=150, blank=True)
    # Bank appraisal and approval: within 3 working days of a complete dossier (process.md §3.1 step 4, H).
    dossier_complete_on = models.DateField(_("ngày hồ sơ đầy đủ"), null=True, blank=True)
    approval_deadline = models.DateField(_("hạn phê duyệt"), null=True, blank=True)
    decided_on = models.DateField(_("ngày phê duyệt/từ chối"), null=True, blank=True)
    approved_amount = models.BigIntegerField(_("số tiền phê duyệt"), null=True, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("người phê duyệt"),
    )
    rejection_reason = models.CharField(_("lý do không phê duyệt"), max_length=255, blank=True)
    # Notice of approval result 04/TD: lists the approved households, disbursement date and place.
    notice_number = models.CharField(_("số thông báo (04/TD)"), max_length=60, blank=True)
    notice_on = models.DateField(_("ngày thông báo"), null=True, blank=True)
    planned_disbursement_on = models.DateField(_("ngày giải ngân dự kiến"), null=True, blank=True)
    planned_disbursement_place = models.CharField(_("địa điểm giải ngân"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người lập")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("giấy đề nghị vay vốn")
        indexes = [
            models.Index(fields=["office", "status"], name="loan_app_office_status_idx"),
            models.Index(fields=["status", "approval_deadline"], name="loan_app_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(requested_amount__gt=0), name="loan_app_requested_positive"),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="loan_app_term_positive"),
            models.CheckConstraint(
                condition=Q(channel="DIRECT", group__isnull=True) | Q(channel="ENTRUSTED", group__isnull=False),
                name="loan_app_group_matches_channel",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0), name="loan_app_approved_positive"
            ),
            models.CheckConstraint(
                condition=Q(agreed_amount__isnull=True) | Q(agreed_amount__gt=0), name="loan_app_agreed_positive"
            ),
            models.CheckConstraint(
                condition=Q(dossier_complete_on__isnull=True) | Q(approval_deadline__isnull=False),
                name="loan_app_deadline_set",
            ),
        ]

    def __str__(self) -> str:
        return f"01/TD #{self.pk} {self.household.name}"

    def audit_key(self) -> str:
        return str(self.pk)


class ReviewItem(models.Model):
    """One application as reviewed in a meeting: agreed or not, and the amount the group agreed."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.PROTECT, related_name="items")
    application = models.ForeignKey(LoanApplication, on_delete=models.PROTECT, related_name="review_items")
    agreed = models.BooleanField(_("tổ đồng ý"))
    agreed_amount = models.BigIntegerField(_("số tiền tổ bình xét"), null=True, blank=True)
    note = models.CharField(_("ý kiến"), max_length=255, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="review_item_unique"),
            models.CheckConstraint(
                condition=Q(agreed=True, agreed_amount__gt=0) | Q(agreed=False, agreed_amount__isnull=True),
                name="review_item_amount_when_agreed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.application_id}: {'+' if self.agreed else '-'}"


class ApplicationStatusChange(models.Model):
    """Status history of an application (who moved it, when, why)."""

    application = models.ForeignKey(LoanApplication, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    changed_on = models.DateField(_("ngày"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status} ({self.changed_on})"


# --- the loan -----------------------------------------------------------------------------------------------------


class LoanStatus(models.TextChoices):
    """Export values OPEN / CLOSE (glossary §5); WRITTEN_OFF after xóa nợ."""

    OPEN = "OPEN", _("Đang vay")
    CLOSED = "CLOSED", _("Đã tất toán")
    WRITTEN_OFF = "WRITTEN_OFF", _("Đã xóa nợ")


NON_NEGATIVE = (
    "approved_amount", "principal_current", "principal_overdue", "principal_frozen",
    "interest_arrears_in_term", "interest_arrears_overdue", "interest_arrears_grace",
)


class Loan(models.Model):
    """Khế ước nhận nợ: one disbursed loan, its terms, and its balances cached from the ledger."""

    loan_number = models.CharField(_("số khế ước"), max_length=16, unique=True)
    # Null for loans imported from the core system (no 01/TD in uythac).
    application = models.OneToOneField(
        LoanApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="loan",
        verbose_name=_("giấy đề nghị vay vốn"),
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="loans", verbose_name=_("hộ vay")
    )
    group = models.ForeignKey(
        "groups.SavingsGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="loans",
        verbose_name=_("tổ TK&VV"),
    )
    # The entrustee (đơn vị nhận ủy thác): the group's association unit at disbursement; null for direct loans.
    association_unit = models.ForeignKey(
        "network.AssociationUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="loans",
        verbose_name=_("đơn vị nhận ủy thác"),
    )
    # The borrower's commune (rate overrides by province, snapshots by commune / province).
    commune = models.ForeignKey(
        "geography.Commune", on_delete=models.PROTECT, related_name="loans", verbose_name=_("xã")
    )
    transaction_point = models.ForeignKey(
        "network.TransactionPoint", null=True, blank=True, on_delete=models.PROTECT, related_name="loans",
        verbose_name=_("điểm giao dịch"),
    )
    office = models.ForeignKey(
        "network.TransactionOffice", on_delete=models.PROTECT, related_name="loans", verbose_name=_("phòng giao dịch")
    )
    program = models.ForeignKey(
        "programs.CreditProgram", on_delete=models.PROTECT, related_name="loans", verbose_name=_("chương trình")
    )
    category = models.ForeignKey(
        "programs.BeneficiaryCategory", null=True, blank=True, on_delete=models.PROTECT, related_name="loans",
        verbose_name=_("đối tượng thụ hưởng"),
    )
    channel = models.CharField(_("phương thức cho vay"), max_length=10, choices=LoanChannel.choices)
    capital_source = models.CharField(_("nguồn vốn"), max_length=1, choices=CapitalSource.choices)
    purpose = models.CharField(_("mục đích sử dụng vốn"), max_length=255, blank=True)
    approved_amount = models.BigIntegerField(_("số tiền phê duyệt"))
    disbursed_amount = models.BigIntegerField(_("số tiền giải ngân"))
    disbursed_on = models.DateField(_("ngày giải ngân"))
    term_months = models.PositiveSmallIntegerField(_("thời hạn vay (tháng)"))
    grace_months = models.PositiveSmallIntegerField(_("thời gian ân hạn (tháng)"), default=0)
    installment_frequency_months = models.PositiveSmallIntegerField(_("kỳ hạn trả gốc (tháng)"), null=True, blank=True)
    contract_maturity = models.DateField(_("hạn trả nợ cuối cùng theo khế ước"))
    # = contract_maturity until an extension moves it (ngày đến hạn theo gia hạn).
    current_maturity = models.DateField(_("hạn trả nợ cuối cùng hiện hành"))
    # ROLL_INTO_NEXT (disbursed before 01/03/2026) / AUTO_OVERDUE (from it): ProgramLimit INSTALLMENT_REGIME on the
    # disbursement date (597/NHCS-TDNN, M).
    installment_regime = models.CharField(_("xử lý kỳ hạn chưa trả"), max_length=16, choices=InstallmentRegime.choices)
    status = models.CharField(_("trạng thái"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.OPEN)
    # Cached ledger balances (see the module docstring).
    principal_current = models.BigIntegerField(_("dư nợ trong hạn"), default=0)
    principal_overdue = models.BigIntegerField(_("dư nợ quá hạn"), default=0)
    principal_frozen = models.BigIntegerField(_("dư nợ khoanh"), default=0)
    interest_arrears_in_term = models.BigIntegerField(_("lãi tồn trong hạn"), default=0)
    interest_arrears_overdue = models.BigIntegerField(_("lãi tồn quá hạn"), default=0)
    interest_arrears_grace = models.BigIntegerField(_("lãi tồn ân hạn"), default=0)
    # Last day whose interest is posted to INTEREST_RECEIVABLE (null: none yet). Whoever accrues (collection,
    # month-end) posts the days after it and moves it; balance changes dated on or before it are refused.
    interest_accrued_through = models.DateField(_("đã tính lãi đến ngày"), null=True, blank=True)
    last_transaction_on = models.DateField(_("ngày giao dịch gần nhất"))
    frozen_on = models.DateField(_("ngày khoanh nợ"), null=True, blank=True)
    frozen_until = models.DateField(_("ngày hết hạn khoanh"), null=True, blank=True)
    moved_away_on = models.DateField(_("ngày hộ vay bỏ đi khỏi nơi cư trú"), null=True, blank=True)
    closed_on = models.DateField(_("ngày tất toán/xóa nợ"), null=True, blank=True)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("người giải ngân"),
    )
    # The transaction session of the disbursement (transaction_sessions sits above loans: its id, not a FK).
    disbursement_session_key = models.CharField(_("phiên giao dịch giải ngân"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan_number"]
        verbose_name = _("khế ước nhận nợ")
        indexes = [
            models.Index(fields=["status", "office"], name="loan_status_office_idx"),
            models.Index(fields=["status", "commune"], name="loan_status_commune_idx"),
            models.Index(fields=["group", "status"], name="loan_group_status_idx"),
            models.Index(fields=["household", "program", "status"], name="loan_household_program_idx"),
            models.Index(fields=["status", "current_maturity"], name="loan_status_maturity_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(loan_number__regex=LOAN_NUMBER_PATTERN), name="loan_number_16_digits"),
            *[
                models.CheckConstraint(condition=Q(**{f"{name}__gte": 0}), name=f"loan_{name}_non_negative")
                for name in NON_NEGATIVE
            ],
            models.CheckConstraint(condition=Q(disbursed_amount__gt=0), name="loan_disbursed_positive"),
            models.CheckConstraint(
                condition=Q(disbursed_amount__lte=F("approved_amount")), name="loan_disbursed_within_approval"
            ),
            models.CheckConstraint(
                condition=Q(
                    principal_current__lte=F("disbursed_amount") - F("principal_overdue") - F("principal_frozen")
                ),
                name="loan_principal_within_disbursed",
            ),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="loan_term_positive"),
            models.CheckConstraint(condition=Q(grace_months__lt=F("term_months")), name="loan_grace_before_term"),
            models.CheckConstraint(
                condition=Q(current_maturity__gte=F("contract_maturity")), name="loan_maturity_not_before_contract"
            ),
            models.CheckConstraint(
                condition=Q(capital_source__in=CapitalSource.values), name="loan_capital_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel="DIRECT", group__isnull=True, association_unit__isnull=True)
                | Q(channel="ENTRUSTED", group__isnull=False, association_unit__isnull=False),
                name="loan_group_matches_channel",
            ),
            models.CheckConstraint(
                condition=Q(status="OPEN", closed_on__isnull=True)
                | (Q(status__in=["CLOSED", "WRITTEN_OFF"], closed_on__isnull=False)
                   & Q(principal_current=0, principal_overdue=0, principal_frozen=0)),
                name="loan_closed_consistent",
            ),
        ]

    def __str__(self) -> str:
        return self.loan_number

    def audit_key(self) -> str:
        return self.loan_number

    @property
    def outstanding(self) -> int:
        """Dư nợ = in-term + overdue + frozen (glossary §6)."""
        return self.principal_current + self.principal_overdue + self.principal_frozen

    @property
    def interest_arrears(self) -> int:
        return self.interest_arrears_in_term + self.interest_arrears_overdue + self.interest_arrears_grace

    @property
    def is_open(self) -> bool:
        return self.status == LoanStatus.OPEN


class Installment(models.Model):
    """Kỳ hạn trả nợ gốc. ``original_due_on`` is the contract date; ``due_on`` moves with 08/TD or an extension.
    ``principal_paid``: repayments applied oldest installment first; ``transferred_to_overdue``: the part moved to
    overdue for this installment (per-installment regime, or its share of a whole-balance transfer)."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField(_("kỳ số"))
    due_on = models.DateField(_("ngày đến hạn"))
    original_due_on = models.DateField(_("ngày đến hạn theo khế ước"))
    principal = models.BigIntegerField(_("số tiền gốc phải trả"))
    principal_paid = models.BigIntegerField(_("gốc đã trả"), default=0)
    transferred_to_overdue = models.BigIntegerField(_("gốc đã chuyển quá hạn"), default=0)
    adjustment_count = models.PositiveSmallIntegerField(_("số lần điều chỉnh kỳ hạn"), default=0)

    class Meta:
        ordering = ["loan", "number"]
        verbose_name = _("kỳ hạn trả nợ")
        indexes = [models.Index(fields=["due_on"], name="installment_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="installment_unique_number"),
            models.CheckConstraint(condition=Q(number__gt=0), name="installment_number_positive"),
            models.CheckConstraint(condition=Q(principal__gte=0), name="installment_principal_non_negative"),
            models.CheckConstraint(
                condition=Q(principal_paid__gte=0) & Q(principal_paid__lte=F("principal")),
                name="installment_paid_within_principal",
            ),
            models.CheckConstraint(
                condition=Q(transferred_to_overdue__gte=0) & Q(transferred_to_overdue__lte=F("principal")),
                name="installment_overdue_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}#{self.number} {self.due_on:%d/%m/%Y}"

    @property
    def unpaid(self) -> int:
        return self.principal - self.principal_paid


class LoanEventKind(models.TextChoices):
    DISBURSEMENT = "DISBURSEMENT", _("Giải ngân")
    PRINCIPAL_REPAYMENT = "PRINCIPAL_REPAYMENT", _("Thu nợ gốc")
    INTEREST_COLLECTION = "INTEREST_COLLECTION", _("Thu lãi")
    ADJUSTMENT = "ADJUSTMENT", _("Điều chỉnh kỳ hạn trả nợ (08/TD)")
    EXTENSION = "EXTENSION", _("Gia hạn nợ")
    OVERDUE_TRANSFER = "OVERDUE_TRANSFER", _("Chuyển nợ quá hạn (14/TD)")
    FREEZE = "FREEZE", _("Khoanh nợ")
    WRITE_OFF = "WRITE_OFF", _("Xóa nợ")
    MOVED_AWAY = "MOVED_AWAY", _("Hộ vay bỏ đi khỏi nơi cư trú")
    CLOSE = "CLOSE", _("Tất toán")
    FREEZE_EXPIRY = "FREEZE_EXPIRY", _("Hết hạn khoanh nợ")
    REVERSAL = "REVERSAL", _("Đảo giao dịch")
    RETURNED = "RETURNED", _("Hộ vay đã trở về nơi cư trú")


class LoanEvent(models.Model):
    """One thing that happened to a loan, with its form, dates and amounts and the journal entry it posted."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("loại"), max_length=20, choices=LoanEventKind.choices)
    form_number = models.CharField(_("mẫu biểu/số chứng từ"), max_length=60, blank=True)
    happened_on = models.DateField(_("ngày"))
    # Principal moved/paid (VND, ≥ 0) and interest collected/written off.
    principal_amount = models.BigIntegerField(_("số tiền gốc"), default=0)
    interest_amount = models.BigIntegerField(_("số tiền lãi"), default=0)
    installment_number = models.PositiveSmallIntegerField(_("kỳ số"), null=True, blank=True)
    old_date = models.DateField(_("ngày cũ"), null=True, blank=True)
    new_date = models.DateField(_("ngày mới"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("số tháng"), null=True, blank=True)
    from_savings = models.BooleanField(_("trả từ tiền gửi"), default=False)
    journal_entry = models.OneToOneField(
        "ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="loan_event",
        verbose_name=_("bút toán"),
    )
    risk_case = models.ForeignKey(
        "loans.RiskCase", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # A REVERSAL event points at the event it cancels; one reversal per event (process: corrections after a closed
    # session are reversals, never edits). Nullable columns only: the month-end close inserts events in raw SQL.
    reversal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal",
        verbose_name=_("đảo giao dịch"),
    )
    # Interest collections: how the amount settled the arrears buckets {"in_term", "overdue", "grace"} (a reversal
    # puts each part back where it came from).
    detail = models.JSONField(_("chi tiết"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "happened_on", "id"]
        verbose_name = _("biến động món vay")
        indexes = [
            models.Index(fields=["loan", "kind", "happened_on"], name="loan_event_kind_idx"),
            models.Index(fields=["kind", "happened_on"], name="loan_event_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal_amount__gte=0, interest_amount__gte=0), name="loan_event_amounts_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind="REVERSAL", reversal_of__isnull=False) | (~Q(kind="REVERSAL")
                                                                          & Q(reversal_of__isnull=True)),
                name="loan_event_reversal_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.kind} {self.happened_on:%d/%m/%Y}"


# --- risk handling (process.md §4) --------------------------------------------------------------------------------


class RiskRoundStatus(models.TextChoices):
    OPEN = "OPEN", _("Đang lập hồ sơ")
    SUBMITTED = "SUBMITTED", _("Đã trình Hội sở chính")
    CLOSED = "CLOSED", _("Đã có kết quả")


class RiskRound(models.Model):
    """Đợt xử lý nợ bị rủi ro: numbered I, II, III… per branch and year (seed 001: 3 rounds in 2020)."""

    branch = models.ForeignKey("network.Branch", on_delete=models.PROTECT, related_name="risk_rounds")
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("đợt số"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=RiskRoundStatus.choices, default="OPEN")
    opened_on = models.DateField(_("ngày mở đợt"))
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    decision_ref = models.CharField(_("văn bản thông báo kết quả"), max_length=100, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["branch", "-year", "-number"]
        verbose_name = _("đợt xử lý nợ bị rủi ro")
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "number"], name="risk_round_unique_number"),
            models.CheckConstraint(condition=Q(number__gt=0), name="risk_round_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Đợt {self.roman}/{self.year}"

    def audit_key(self) -> str:
        return f"{self.branch.code}/{self.year}/{self.number}"

    @property
    def roman(self) -> str:
        numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        value, text = self.number, ""
        for amount, numeral in numerals:
            while value >= amount:
                text, value = text + numeral, value - amount
        return text


class RiskMeasure(models.TextChoices):
    EXTENSION = "EXTENSION", _("Gia hạn nợ")
    FREEZE = "FREEZE", _("Khoanh nợ")
    WRITE_OFF = "WRITE_OFF", _("Xóa nợ")


class RiskCause(models.TextChoices):
    """Objective causes (50/2010/QĐ-TTg amended 08/2021; tiers as coded by a practitioner, M)."""

    K1 = "K1", _("K1 — Thiên tai, dịch bệnh")
    K2 = "K2", _("K2 — Nhà nước thay đổi chính sách")
    K3 = "K3", _("K3 — Biến động kinh tế, chính trị, xã hội")
    K4 = "K4", _("K4 — Ốm đau, mất năng lực, chết, mất tích, bỏ đi ≥ 2 năm")
    K5 = "K5", _("K5 — Bản án chưa thi hành được")


class RiskCaseState(models.TextChoices):
    REQUESTED = "REQUESTED", _("Đề nghị của khách hàng (01/XLN)")
    MINUTES = "MINUTES", _("Biên bản đề nghị xử lý (02/XLN)")
    PROPOSED = "PROPOSED", _("Đã tổng hợp đề nghị (03/04/05/XLN)")
    APPROVED = "APPROVED", _("Đã phê duyệt")
    REFUSED = "REFUSED", _("Không phê duyệt")


SUMMARY_FORM = {RiskMeasure.EXTENSION: "03/XLN", RiskMeasure.FREEZE: "04/XLN", RiskMeasure.WRITE_OFF: "05/XLN"}


class RiskCase(models.Model):
    """A loan proposed for risk handling in a round, with its dossier state and the amounts proposed."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="risk_cases")
    round = models.ForeignKey(RiskRound, on_delete=models.PROTECT, related_name="cases")
    measure = models.CharField(_("biện pháp"), max_length=10, choices=RiskMeasure.choices)
    cause = models.CharField(_("nguyên nhân"), max_length=2, choices=RiskCause.choices)
    loss_percent = models.PositiveSmallIntegerField(_("mức độ thiệt hại (%)"))
    risk_on = models.DateField(_("ngày xảy ra rủi ro"))
    freeze_months = models.PositiveSmallIntegerField(_("thời gian khoanh (tháng)"), null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(_("thời gian gia hạn (tháng)"), null=True, blank=True)
    state = models.CharField(_("trạng thái hồ sơ"), max_length=10, choices=RiskCaseState.choices, default="REQUESTED")
    requested_on = models.DateField(_("ngày đề nghị (01/XLN)"))
    minutes_number = models.CharField(_("số biên bản (02/XLN)"), max_length=60, blank=True)
    minutes_on = models.DateField(_("ngày lập biên bản (02/XLN)"), null=True, blank=True)
    summary_form = models.CharField(_("mẫu tổng hợp"), max_length=8, blank=True)
    summary_number = models.CharField(_("số tổng hợp đề nghị"), max_length=60, blank=True)
    summary_on = models.DateField(_("ngày tổng hợp đề nghị"), null=True, blank=True)
    decided_on = models.DateField(_("ngày phê duyệt/từ chối"), null=True, blank=True)
    decision_ref = models.CharField(_("văn bản phê duyệt"), max_length=100, blank=True)
    principal_amount = models.BigIntegerField(_("gốc đề nghị xử lý"))
    interest_amount = models.BigIntegerField(_("lãi đề nghị xử lý"), default=0)
    capital_source = models.CharField(_("nguồn vốn"), max_length=1, choices=CapitalSource.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("hồ sơ xử lý nợ bị rủi ro")
        constraints = [
            models.UniqueConstraint(
                fields=["loan"], condition=Q(state__in=["REQUESTED", "MINUTES", "PROPOSED"]),
                name="risk_case_one_pending_per_loan",
            ),
            models.CheckConstraint(condition=Q(loss_percent__lte=100), name="risk_case_loss_percent_range"),
            models.CheckConstraint(
                condition=Q(principal_amount__gte=0, interest_amount__gte=0), name="risk_case_amounts_non_negative"
            ),
            models.CheckConstraint(
                condition=~Q(measure="FREEZE") | Q(freeze_months__gt=0), name="risk_case_freeze_months"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.measure} ({self.round})"

    def audit_key(self) -> str:
        return str(self.pk)
