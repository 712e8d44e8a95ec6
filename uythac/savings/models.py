"""Member savings accounts (tiền gửi của tổ viên Tổ TK&VV, VBSP product TK 105) and group deposit conventions.

* ``MemberSavingsAccount`` — one household's voluntary-savings account, opened through its group. The money itself
  lives in the ledger (account ``SAVINGS_105``, sub-ledger ``("savings", account_number)``); ``balance`` is a cache
  of that sub-ledger, written only by the services in the same transaction as the posting, so it always equals
  ``uythac.ledger.selectors.balance("SAVINGS_105", subledger_type="savings", subledger_key=number, normal=True)``.
* ``GroupDepositMinimum`` — the minimum deposit a group's convention sets (10C/TD allows a group to change it), in
  force from a date; the effective minimum is the larger of it and the national rule ``savings.minimum_deposit``
  (5,000 VND, eng.vbsp.org.vn/terms-savings-deposits.html, 2016, H).

Process (process.md §3.2): the group leader collects deposits at members' homes with a receipt 01/BL and lists them
on 13/TD; the teller posts them at the commune session. Members may also deposit and withdraw at the session or
the office; "principal repaid from deposit" is a 13/TD column.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SavingsAccountStatus(models.TextChoices):
    ACTIVE = "A", _("Đang hoạt động")
    CLOSED = "C", _("Đã tất toán")


class MemberSavingsAccount(models.Model):
    # Assigned by the service right after the insert ("105" + the row id on 9 digits) unless a data load gives
    # one; NULL only inside that transaction.
    account_number = models.CharField(_("số tài khoản tiền gửi"), max_length=20, unique=True, null=True)
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="savings_accounts", verbose_name=_("hộ")
    )
    group = models.ForeignKey(
        "groups.SavingsGroup", on_delete=models.PROTECT, related_name="savings_accounts",
        verbose_name=_("tổ TK&VV khi mở tài khoản"),
    )
    opened_on = models.DateField(_("ngày mở"))
    status = models.CharField(
        _("trạng thái"), max_length=1, choices=SavingsAccountStatus.choices, default=SavingsAccountStatus.ACTIVE
    )
    closed_on = models.DateField(_("ngày tất toán"), null=True, blank=True)
    balance = models.BigIntegerField(_("số dư"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài khoản tiền gửi tổ viên")
        ordering = ["account_number"]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="savings_balance_not_negative"),
            models.CheckConstraint(condition=Q(status__in=["A", "C"]), name="savings_status_valid"),
            models.CheckConstraint(
                condition=Q(status="A", closed_on__isnull=True) | Q(status="C", closed_on__isnull=False, balance=0),
                name="savings_closed_on_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="savings_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="A"), name="one_active_savings_account_per_household"
            ),
        ]
        indexes = [models.Index(fields=["group", "status"], name="savings_group_status_idx")]

    def __str__(self) -> str:
        return f"{self.account_number} — {self.household.name}"

    def audit_key(self) -> str:
        return str(self.account_number)

    @property
    def is_active(self) -> bool:
        return self.status == SavingsAccountStatus.ACTIVE


class GroupDepositMinimum(models.Model):
    """A group convention's minimum deposit per transaction (changed at a group meeting, minutes 10C/TD)."""

    group = models.ForeignKey(
        "groups.SavingsGroup", on_delete=models.CASCADE, related_name="deposit_minimums", verbose_name=_("tổ")
    )
    amount = models.BigIntegerField(_("mức gửi tối thiểu"))
    effective_from = models.DateField(_("hiệu lực từ"))
    minutes = models.CharField(_("biên bản họp tổ (10C/TD)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("mức gửi tối thiểu theo quy ước tổ")
        ordering = ["group", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["group", "effective_from"], name="deposit_minimum_unique_start"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_minimum_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.amount} ({self.effective_from})"
