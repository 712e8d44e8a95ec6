"""Administrative geography.

Current structure (from 01/07/2025): 34 provinces and 3,321 communes/wards, no district level
(Resolution 202/2025/QH15; loaded from the maintained ``vietnam-provinces`` package). Villages (thôn, 8-digit
codes) are created by users or imports. The pre-2025 units (63 provinces, districts, communes) are kept as
legacy rows with validity dates, because history and old exports refer to them.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from uythac.core.models import SearchableNameMixin

REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_VALID_TO = dt.date(2025, 6, 30)


class Province(SearchableNameMixin):
    code = models.CharField(_("mã tỉnh"), max_length=2, unique=True)
    name = models.CharField(_("tên tỉnh"), max_length=100)
    name_search = models.CharField(max_length=100, editable=False, db_index=True)
    division_type = models.CharField(_("loại"), max_length=40)
    valid_from = models.DateField(_("hiệu lực từ"), default=REFORM_DATE)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh/thành phố")

    def __str__(self) -> str:
        return self.name

    def audit_key(self) -> str:
        return self.code


class Commune(SearchableNameMixin):
    """Commune / ward / special zone of the two-tier structure.

    ``code`` is the 5-digit national (GSO) code; bank exports write it left-padded to 6 digits
    (export-formats.md §1.4), so lookups accept both.
    """

    code = models.CharField(_("mã xã"), max_length=5, unique=True)
    name = models.CharField(_("tên xã/phường"), max_length=100)
    name_search = models.CharField(max_length=100, editable=False, db_index=True)
    division_type = models.CharField(_("loại"), max_length=40)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("tỉnh"))
    valid_from = models.DateField(_("hiệu lực từ"), default=REFORM_DATE)
    is_difficult_area = models.BooleanField(_("xã đặc biệt khó khăn"), default=False)

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("xã/phường")

    def __str__(self) -> str:
        return self.name

    def audit_key(self) -> str:
        return self.code

    @property
    def bank_code(self) -> str:
        return self.code.zfill(6)


class VillageKind(models.TextChoices):
    THON = "THON", _("Thôn")
    AP = "AP", _("Ấp")
    BAN = "BAN", _("Bản")
    TO_DAN_PHO = "TDP", _("Tổ dân phố")
    KHOM = "KHOM", _("Khóm")
    OTHER = "OTHER", _("Khác")


class Village(SearchableNameMixin):
    """Thôn / ấp / bản / tổ dân phố: 8-digit code (export-formats.md §1.4)."""

    code = models.CharField(_("mã thôn"), max_length=8, unique=True)
    name = models.CharField(_("tên thôn"), max_length=100)
    name_search = models.CharField(max_length=100, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=5, choices=VillageKind.choices, default=VillageKind.THON)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="villages", verbose_name=_("xã"))
    legacy_commune = models.ForeignKey(
        "LegacyCommune", null=True, blank=True, on_delete=models.SET_NULL, related_name="villages",
        verbose_name=_("xã cũ (trước 01/07/2025)"),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["commune__code", "name"]
        verbose_name = _("thôn")

    def __str__(self) -> str:
        return self.name

    def audit_key(self) -> str:
        return self.code


class LegacyProvince(models.Model):
    """One of the 63 provinces before 01/07/2025."""

    code = models.CharField(_("mã tỉnh cũ"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    valid_to = models.DateField(_("hiệu lực đến"), default=LEGACY_VALID_TO)
    successor = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.SET_NULL, related_name="legacy_provinces",
        verbose_name=_("tỉnh mới"),
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LegacyDistrict(SearchableNameMixin):
    """District level, abolished as a government level on 01/07/2025; kept for history."""

    code = models.CharField(_("mã huyện"), max_length=3, unique=True)
    name = models.CharField(_("tên huyện"), max_length=100)
    name_search = models.CharField(max_length=100, editable=False, db_index=True)
    province = models.ForeignKey(LegacyProvince, on_delete=models.PROTECT, related_name="districts")
    valid_to = models.DateField(_("hiệu lực đến"), default=LEGACY_VALID_TO)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LegacyCommune(SearchableNameMixin):
    code = models.CharField(_("mã xã cũ"), max_length=5, unique=True)
    name = models.CharField(_("tên xã cũ"), max_length=100)
    name_search = models.CharField(max_length=100, editable=False, db_index=True)
    district = models.ForeignKey(LegacyDistrict, on_delete=models.PROTECT, related_name="communes")
    valid_to = models.DateField(_("hiệu lực đến"), default=LEGACY_VALID_TO)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
