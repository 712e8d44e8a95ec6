"""Households (customers) and their borrowers' facts.

Customer code: 10 digits (export-formats.md §1.4). Citizen ID (CCCD) 12 digits; the old 9-digit CMND is kept
only to flag it (invalid from 01/01/2025). Poverty status is a history: each record names the year and the
commune list (decision) it comes from.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from uythac.core.models import SearchableNameMixin


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Household(SearchableNameMixin):
    customer_code = models.CharField(_("mã khách hàng"), max_length=10, unique=True)
    name = models.CharField(_("họ tên chủ hộ/người đại diện"), max_length=150)
    name_search = models.CharField(max_length=150, editable=False, db_index=True)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, default="Kinh")
    national_id = models.CharField(_("số CCCD"), max_length=12, blank=True, db_index=True)
    national_id_issued_on = models.DateField(_("ngày cấp CCCD"), null=True, blank=True)
    national_id_expires_on = models.DateField(_("ngày hết hạn CCCD"), null=True, blank=True)
    legacy_id_number = models.CharField(_("số CMND cũ (9 số)"), max_length=9, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=10, blank=True)
    commune = models.ForeignKey(
        "geography.Commune", on_delete=models.PROTECT, related_name="households", verbose_name=_("xã")
    )
    village = models.ForeignKey(
        "geography.Village", on_delete=models.PROTECT, related_name="households", verbose_name=_("thôn")
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    member_count = models.PositiveSmallIntegerField(_("số nhân khẩu"), default=1)
    moved_away_on = models.DateField(_("ngày bỏ đi khỏi nơi cư trú"), null=True, blank=True)
    moved_away_note = models.CharField(_("ghi chú đi khỏi địa phương"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer_code"]
        verbose_name = _("hộ gia đình")
        indexes = [models.Index(fields=["commune", "name_search"], name="household_commune_name_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"], condition=~Q(national_id=""), name="household_national_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(national_id_expires_on__isnull=True)
                | Q(national_id_issued_on__isnull=True)
                | Q(national_id_expires_on__gt=F("national_id_issued_on")),
                name="household_id_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_code})"

    def audit_key(self) -> str:
        return self.customer_code

    @property
    def has_legacy_id_only(self) -> bool:
        return bool(self.legacy_id_number) and not self.national_id

    @property
    def is_moved_away(self) -> bool:
        return self.moved_away_on is not None


class PovertyStatus(models.TextChoices):
    POOR = "POOR", _("Hộ nghèo")
    NEAR_POOR = "NEAR_POOR", _("Hộ cận nghèo")
    RECENTLY_ESCAPED = "RECENTLY_ESCAPED", _("Hộ mới thoát nghèo")
    AVERAGE_LIVING_STANDARD = "AVERAGE_LIVING_STANDARD", _("Hộ có mức sống trung bình")
    NONE = "NONE", _("Không thuộc diện")


class PovertyStatusRecord(models.Model):
    """The household's status on one year's official commune list (approved by the commune chair)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="poverty_records")
    status = models.CharField(_("diện hộ"), max_length=24, choices=PovertyStatus.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    source_list = models.CharField(_("danh sách/quyết định của xã"), max_length=150)
    recorded_on = models.DateField(_("ngày ghi nhận"))

    class Meta:
        ordering = ["-year", "-recorded_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="poverty_one_status_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="poverty_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.year}"


class KinshipKind(models.TextChoices):
    SPOUSE = "SPOUSE", _("Vợ/chồng")
    PARENT = "PARENT", _("Cha/mẹ")
    CHILD = "CHILD", _("Con")
    SIBLING = "SIBLING", _("Anh/chị/em ruột")
    OTHER = "OTHER", _("Họ hàng khác")


class Kinship(models.Model):
    """A declared family tie between the representatives of two households (``person`` is ``kind`` of ``relative``).

    Used by the group-board rule: leader and deputy must not be spouse, parent, child or sibling (727 checklist, M).
    """

    person = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="kinships")
    relative = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="kinships_as_relative")
    kind = models.CharField(_("quan hệ"), max_length=8, choices=KinshipKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="kinship_unique_pair"),
            models.CheckConstraint(condition=~Q(person=F("relative")), name="kinship_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} — {self.relative}"
