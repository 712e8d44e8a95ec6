"""Savings & Loan Groups (Tổ TK&VV) and their boards, members, meetings and consolidations.

Rules (process.md §7): members live in the same village (adjacent clusters; a small village may join a
neighbouring one of the same commune); 5–60 members (727 checklist, M — stored as the dated rule
``group.size``); leader and deputy not spouse, parent, child or sibling (M — rule ``group.board.forbidden_kinship``).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from uythac.core.models import SearchableNameMixin


class GroupStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Đang hoạt động")
    MERGED = "MERGED", _("Đã sáp nhập")
    SPLIT = "SPLIT", _("Đã tách")
    DISSOLVED = "DISSOLVED", _("Đã giải thể")


class SavingsGroup(SearchableNameMixin):
    code = models.CharField(_("mã tổ"), max_length=7, unique=True)
    name = models.CharField(_("tên tổ"), max_length=150)
    name_search = models.CharField(max_length=150, editable=False, db_index=True)
    commune = models.ForeignKey(
        "geography.Commune", on_delete=models.PROTECT, related_name="savings_groups", verbose_name=_("xã")
    )
    villages = models.ManyToManyField("geography.Village", related_name="savings_groups", verbose_name=_("thôn"))
    association_unit = models.ForeignKey(
        "network.AssociationUnit", on_delete=models.PROTECT, related_name="savings_groups",
        verbose_name=_("hội quản lý"),
    )
    transaction_point = models.ForeignKey(
        "network.TransactionPoint", on_delete=models.PROTECT, related_name="savings_groups",
        verbose_name=_("điểm giao dịch"),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=GroupStatus.choices, default=GroupStatus.ACTIVE)
    established_on = models.DateField(_("ngày thành lập"))
    approval_decision = models.CharField(_("quyết định thành lập của UBND xã"), max_length=100, blank=True)
    closed_on = models.DateField(_("ngày ngừng hoạt động"), null=True, blank=True)
    convention_note = models.TextField(_("quy ước hoạt động"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tổ TK&VV")
        indexes = [models.Index(fields=["commune", "status"], name="group_commune_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="ACTIVE", closed_on__isnull=True)
                | (~Q(status="ACTIVE") & Q(closed_on__isnull=False)),
                name="group_closed_on_matches_status",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def audit_key(self) -> str:
        return self.code

    @property
    def organization_code(self) -> str:
        return self.association_unit.organization.code


class GroupStatusChange(models.Model):
    """History of status changes (kept when a group is merged, split or dissolved)."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=GroupStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=GroupStatus.choices)
    changed_on = models.DateField(_("ngày"))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.from_status} → {self.to_status} ({self.changed_on})"


class GroupMembership(models.Model):
    """A household's membership (tổ viên) between ``joined_on`` and ``left_on``."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("hộ")
    )
    joined_on = models.DateField(_("ngày vào tổ"))
    left_on = models.DateField(_("ngày rời tổ"), null=True, blank=True)
    leave_reason = models.CharField(_("lý do rời tổ"), max_length=255, blank=True)
    moved_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("chuyển từ tư cách tổ viên"),
    )

    class Meta:
        ordering = ["group", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(left_on__isnull=True), name="one_current_membership_per_household"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="membership_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["group", "left_on"], name="membership_group_current_idx")]

    def __str__(self) -> str:
        return f"{self.household} @ {self.group.code}"


class GroupBoardTerm(models.Model):
    """Ban quản lý tổ: leader and deputy for a term (both are member households' representatives)."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.CASCADE, related_name="board_terms")
    leader = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ trưởng")
    )
    deputy = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("tổ phó"),
    )
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    election_minutes = models.CharField(_("biên bản bầu"), max_length=150, blank=True)

    class Meta:
        ordering = ["group", "-started_on"]
        constraints = [
            models.UniqueConstraint(fields=["group"], condition=Q(ended_on__isnull=True), name="one_current_board"),
            models.CheckConstraint(condition=~Q(leader=F("deputy")), name="board_leader_not_deputy"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="board_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group.code}: {self.leader.name}"


class AgencyContract(models.Model):
    """Hợp đồng ủy nhiệm between the PGD and the group's board: authorises interest and savings collection."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.CASCADE, related_name="agency_contracts")
    number = models.CharField(_("số hợp đồng"), max_length=60)
    office = models.ForeignKey("network.TransactionOffice", on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("ngày ký"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    leader = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    collects_interest = models.BooleanField(_("được thu lãi"), default=True)
    collects_savings = models.BooleanField(_("được thu tiền gửi"), default=True)

    class Meta:
        ordering = ["group", "-signed_on"]
        constraints = [models.UniqueConstraint(fields=["office", "number"], name="agency_contract_number_unique")]

    def __str__(self) -> str:
        return self.number


class MeetingKind(models.TextChoices):
    REGULAR = "REGULAR", _("Sinh hoạt định kỳ")
    REVIEW = "REVIEW", _("Họp bình xét cho vay")
    ELECTION = "ELECTION", _("Bầu ban quản lý tổ")
    CONSOLIDATION = "CONSOLIDATION", _("Củng cố, kiện toàn tổ")


class GroupMeeting(models.Model):
    """Sinh hoạt tổ with its minutes."""

    group = models.ForeignKey(SavingsGroup, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("ngày họp"))
    kind = models.CharField(_("loại cuộc họp"), max_length=14, choices=MeetingKind.choices, default="REGULAR")
    attendee_count = models.PositiveSmallIntegerField(_("số tổ viên dự"))
    association_present = models.BooleanField(_("có đại diện hội"), default=False)
    village_head_present = models.BooleanField(_("có trưởng thôn"), default=False)
    minutes = models.TextField(_("biên bản"))
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["group", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.group.code} {self.held_on:%d/%m/%Y}"


class ConsolidationKind(models.TextChoices):
    MERGE = "MERGE", _("Sáp nhập tổ")
    SPLIT = "SPLIT", _("Tách tổ")


class GroupConsolidation(models.Model):
    """A merge (several sources into one target) or split (one source into several targets)."""

    kind = models.CharField(_("loại"), max_length=5, choices=ConsolidationKind.choices)
    effective_on = models.DateField(_("ngày hiệu lực"))
    decision = models.CharField(_("quyết định/biên bản"), max_length=150, blank=True)
    sources = models.ManyToManyField(SavingsGroup, related_name="consolidations_as_source")
    targets = models.ManyToManyField(SavingsGroup, related_name="consolidations_as_target")
    members_moved = models.PositiveIntegerField(_("số tổ viên chuyển"), default=0)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y}"
