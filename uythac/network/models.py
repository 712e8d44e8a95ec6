"""The bank's network and the entrusted organizations.

Bank: head office → provincial branches (6-digit codes) → transaction offices (PGD, 6-digit codes, serving a
set of communes) → commune transaction points (``TXN…``, each with a fixed monthly session day; a commune may
have several). Organizations: 11 Farmers' Union, 12 Women's Union, 13 Veterans' Association, 14 Youth Union
(export-formats.md §1.5, OFFICIAL-EXPORT), with units at central, province, (legacy) district and commune level.
Contracts: province-level joint agreements (VBLT) and commune-level entrustment contracts (HĐUT).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from uythac.core.models import SearchableNameMixin


class BankUnitLevel(models.TextChoices):
    HEAD_OFFICE = "HEAD_OFFICE", _("Hội sở chính")
    BRANCH = "BRANCH", _("Chi nhánh tỉnh")


class Branch(SearchableNameMixin):
    """Head office (level HEAD_OFFICE, no province) or a provincial branch (one per province since 2025)."""

    code = models.CharField(_("mã chi nhánh"), max_length=6, unique=True)
    name = models.CharField(_("tên"), max_length=150)
    name_search = models.CharField(max_length=150, editable=False, db_index=True)
    level = models.CharField(_("cấp"), max_length=12, choices=BankUnitLevel.choices, default=BankUnitLevel.BRANCH)
    province = models.OneToOneField(
        "geography.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="branch",
        verbose_name=_("tỉnh"),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("chi nhánh")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="HEAD_OFFICE", province__isnull=True) | Q(level="BRANCH", province__isnull=False),
                name="branch_level_matches_province",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_key(self) -> str:
        return self.code


class TransactionOffice(SearchableNameMixin):
    """Phòng giao dịch (PGD): the district-level lending office, serving a set of communes."""

    code = models.CharField(_("mã PGD"), max_length=6, unique=True)
    name = models.CharField(_("tên PGD"), max_length=150)
    name_search = models.CharField(max_length=150, editable=False, db_index=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="offices", verbose_name=_("chi nhánh"))
    communes = models.ManyToManyField(
        "geography.Commune", related_name="transaction_offices", blank=True, verbose_name=_("các xã phục vụ")
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("phòng giao dịch")

    def __str__(self) -> str:
        return self.name

    def audit_key(self) -> str:
        return self.code


class TransactionPoint(SearchableNameMixin):
    """Điểm giao dịch xã: the session is held on ``session_day_of_month`` every month, also on weekends."""

    code = models.CharField(_("mã điểm giao dịch"), max_length=20, unique=True)
    name = models.CharField(_("tên điểm giao dịch"), max_length=150)
    name_search = models.CharField(max_length=150, editable=False, db_index=True)
    commune = models.ForeignKey(
        "geography.Commune", on_delete=models.PROTECT, related_name="transaction_points", verbose_name=_("xã")
    )
    office = models.ForeignKey(
        TransactionOffice, on_delete=models.PROTECT, related_name="transaction_points", verbose_name=_("PGD")
    )
    legacy_commune = models.ForeignKey(
        "geography.LegacyCommune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("xã cũ"),
    )
    session_day_of_month = models.PositiveSmallIntegerField(_("ngày giao dịch cố định"))
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("điểm giao dịch xã")
        constraints = [
            models.CheckConstraint(
                condition=Q(session_day_of_month__gte=1, session_day_of_month__lte=31),
                name="transaction_point_session_day_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_key(self) -> str:
        return self.code


class Organization(models.Model):
    """Socio-political organization receiving entrustment: code 11/12/13/14."""

    code = models.CharField(_("mã ĐVUT"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=150)
    short_name = models.CharField(_("viết tắt"), max_length=20)
    identifier = models.CharField(max_length=40, help_text="FARMERS_UNION, WOMENS_UNION, …")

    class Meta:
        ordering = ["code"]
        verbose_name = _("tổ chức chính trị - xã hội")

    def __str__(self) -> str:
        return self.name

    def audit_key(self) -> str:
        return self.code


class UnitLevel(models.TextChoices):
    CENTRAL = "CENTRAL", _("Trung ương")
    PROVINCE = "PROVINCE", _("Cấp tỉnh")
    DISTRICT = "DISTRICT", _("Cấp huyện (trước 01/07/2025)")
    COMMUNE = "COMMUNE", _("Cấp xã")


class AssociationUnit(SearchableNameMixin):
    """A chapter of an organization at one level (Hội cấp xã / tỉnh …); district chapters are history."""

    code = models.CharField(_("mã đơn vị"), max_length=20, unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="units", verbose_name=_("tổ chức")
    )
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    name_search = models.CharField(max_length=200, editable=False, db_index=True)
    province = models.ForeignKey(
        "geography.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="association_units",
        verbose_name=_("tỉnh"),
    )
    commune = models.ForeignKey(
        "geography.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="association_units",
        verbose_name=_("xã"),
    )
    legacy_district = models.ForeignKey(
        "geography.LegacyDistrict", null=True, blank=True, on_delete=models.PROTECT, related_name="association_units",
        verbose_name=_("huyện (cũ)"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("cấp trên")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    officer_name = models.CharField(_("cán bộ chuyên trách"), max_length=150, blank=True)
    officer_phone = models.CharField(_("điện thoại"), max_length=10, blank=True)

    class Meta:
        ordering = ["organization__code", "level", "code"]
        verbose_name = _("đơn vị hội")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="CENTRAL", province__isnull=True, commune__isnull=True)
                | Q(level="PROVINCE", province__isnull=False, commune__isnull=True)
                | Q(level="DISTRICT", province__isnull=False, legacy_district__isnull=False, commune__isnull=True)
                | Q(level="COMMUNE", province__isnull=False, commune__isnull=False),
                name="association_unit_level_places",
            ),
            models.UniqueConstraint(
                fields=["organization", "commune"], condition=Q(level="COMMUNE", valid_to__isnull=True),
                name="one_current_commune_unit_per_org",
            ),
            models.UniqueConstraint(
                fields=["organization", "province"], condition=Q(level="PROVINCE", valid_to__isnull=True),
                name="one_current_province_unit_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_key(self) -> str:
        return self.code


class AgreementStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Dự thảo")
    ACTIVE = "ACTIVE", _("Đang hiệu lực")
    EXPIRED = "EXPIRED", _("Hết hiệu lực")
    TERMINATED = "TERMINATED", _("Đã chấm dứt")


class SignedAgreement(models.Model):
    """What a joint agreement and an entrustment contract both record: dates, status and the two signatories."""

    signed_on = models.DateField(_("ngày ký"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=AgreementStatus.choices, default="ACTIVE")
    bank_signatory = models.CharField(_("người ký phía NHCSXH"), max_length=150)
    association_signatory = models.CharField(_("người ký phía hội"), max_length=150)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-signed_on", "number"]

    def __str__(self) -> str:
        return self.number

    def audit_key(self) -> str:
        return str(self.pk)


def _dates_ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")), name=name
    )


class JointAgreement(SignedAgreement):
    """Văn bản liên tịch / thỏa thuận between the provincial branch and a provincial organization unit
    (or, historically, a district PGD and a district unit)."""

    number = models.CharField(_("số văn bản"), max_length=60)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="joint_agreements")
    association_unit = models.ForeignKey(
        AssociationUnit, on_delete=models.PROTECT, related_name="joint_agreements", verbose_name=_("đơn vị hội")
    )

    class Meta(SignedAgreement.Meta):
        verbose_name = _("văn bản liên tịch")
        constraints = [
            models.UniqueConstraint(fields=["branch", "number"], name="joint_agreement_number_unique"),
            _dates_ordered("joint_agreement_dates_ordered"),
        ]


class EntrustmentContract(SignedAgreement):
    """Hợp đồng ủy thác (…/HĐUT) between a PGD and a commune-level association unit."""

    number = models.CharField(_("số hợp đồng"), max_length=60)
    office = models.ForeignKey(
        TransactionOffice, on_delete=models.PROTECT, related_name="entrustment_contracts", verbose_name=_("PGD")
    )
    association_unit = models.ForeignKey(
        AssociationUnit, on_delete=models.PROTECT, related_name="entrustment_contracts", verbose_name=_("hội cấp xã")
    )

    class Meta(SignedAgreement.Meta):
        verbose_name = _("hợp đồng ủy thác")
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="entrustment_contract_number_unique"),
            _dates_ordered("entrustment_contract_dates_ordered"),
        ]
