"""Users, roles and their scope.

A user has one role and the scope that role needs (constraints below): a province for branch staff and
province association officers, a PGD for PGD staff and credit officers (plus the communes the officer is
responsible for), a commune for commune association officers and commune viewers, a group for group leaders.
Association roles also carry the organization (11/12/13/14).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    BRANCH_STAFF = "branch_staff", _("Cán bộ chi nhánh tỉnh")
    PGD_STAFF = "pgd_staff", _("Cán bộ phòng giao dịch")
    CREDIT_OFFICER = "credit_officer", _("Cán bộ tín dụng")
    PROVINCE_ASSOCIATION = "province_association", _("Cán bộ hội cấp tỉnh")
    COMMUNE_ASSOCIATION = "commune_association", _("Cán bộ hội cấp xã")
    GROUP_LEADER = "group_leader", _("Tổ trưởng tổ TK&VV")
    COMMUNE_VIEWER = "commune_viewer", _("UBND xã (chỉ xem)")


ASSOCIATION_ROLES = frozenset({Role.PROVINCE_ASSOCIATION, Role.COMMUNE_ASSOCIATION})
READ_ONLY_ROLES = frozenset({Role.COMMUNE_VIEWER})


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices, default=Role.COMMUNE_VIEWER)
    organization = models.ForeignKey(
        "network.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("tổ chức hội"),
    )
    province = models.ForeignKey(
        "geography.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )
    office = models.ForeignKey(
        "network.TransactionOffice", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("phòng giao dịch"),
    )
    commune = models.ForeignKey(
        "geography.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã")
    )
    group = models.ForeignKey(
        "groups.SavingsGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("tổ TK&VV"),
    )
    responsible_communes = models.ManyToManyField(
        "geography.Commune", blank=True, related_name="credit_officers", verbose_name=_("các xã phụ trách")
    )
    phone = models.CharField(_("điện thoại"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="admin")
                | Q(role="branch_staff", province__isnull=False)
                | Q(role__in=["pgd_staff", "credit_officer"], office__isnull=False)
                | Q(role="province_association", province__isnull=False, organization__isnull=False)
                | Q(role="commune_association", commune__isnull=False, organization__isnull=False)
                | Q(role="group_leader", group__isnull=False)
                | Q(role="commune_viewer", commune__isnull=False),
                name="user_role_has_scope",
            )
        ]

    def audit_key(self) -> str:
        return self.username

    @property
    def is_read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES
