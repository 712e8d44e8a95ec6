"""Rubrics as versioned data, the scores computed with them, training attendance and the bank's imported grades.

* ``Rubric`` — one version of the scoring rules of a subject (group, commune association, commune, PGD, province):
  criteria with bands, caps and grade thresholds (85/70/50 lower bound inclusive by default, BC0437 formula), the
  source document, its confidence and whether it is provisional (tạm tính). A DRAFT is edited freely;
  ``uythac.scoring.rubrics.rubric_publish`` validates it and makes it ACTIVE from its ``effective_from`` (one active
  version per subject and date). Scores keep the version they were computed with.
* ``Score`` — one computation for one subject and period, with the facts and the per-criterion contributions it used;
  re-scoring a period inserts new rows that point to the ones they supersede (``is_current`` marks the latest).
* ``TrainingRecord`` — training sessions attended by an association unit (no other app records them).
* ``ImportedGroupScore`` — rows of the bank's CDTOTKVV export (``CT_CDTO.xlsx``), kept beside our computation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from uythac.core.models import Confidence


class Subject(models.TextChoices):
    GROUP = "GROUP", _("Tổ TK&VV")
    COMMUNE_ASSOCIATION = "COMMUNE_ASSOCIATION", _("Hội đoàn thể cấp xã")
    COMMUNE = "COMMUNE", _("Xã")
    OFFICE = "OFFICE", _("Phòng giao dịch")
    PROVINCE = "PROVINCE", _("Tỉnh")


class Grade(models.TextChoices):
    GOOD = "GOOD", _("Tốt")
    FAIR = "FAIR", _("Khá")
    AVERAGE = "AVERAGE", _("Trung bình")
    WEAK = "WEAK", _("Yếu")


class RubricStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Bản nháp")
    ACTIVE = "ACTIVE", _("Đang áp dụng")


class Direction(models.TextChoices):
    HIGHER = "HIGHER", _("Càng cao càng tốt")
    LOWER = "LOWER", _("Càng thấp càng tốt")


POINTS = {"max_digits": 7, "decimal_places": 2}
BOUND = {"max_digits": 14, "decimal_places": 2}


class Rubric(models.Model):
    subject = models.CharField(_("đối tượng chấm"), max_length=20, choices=Subject.choices)
    version = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên bộ tiêu chí"), max_length=200)
    status = models.CharField(_("trạng thái"), max_length=6, choices=RubricStatus.choices, default=RubricStatus.DRAFT)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source_document = models.CharField(_("văn bản nguồn"), max_length=255)
    confidence = models.CharField(_("độ tin cậy"), max_length=1, choices=Confidence.choices)
    provisional = models.BooleanField(_("tạm tính"), default=True)
    total_points = models.DecimalField(_("tổng điểm"), **POINTS)
    good_from = models.DecimalField(_("Tốt từ (điểm)"), **POINTS)
    fair_from = models.DecimalField(_("Khá từ (điểm)"), **POINTS)
    average_from = models.DecimalField(_("Trung bình từ (điểm)"), **POINTS)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí chấm điểm")
        ordering = ["subject", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "version"], name="rubric_subject_version_unique"),
            models.CheckConstraint(condition=Q(subject__in=Subject.values), name="rubric_subject_valid"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="rubric_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(good_from__gt=models.F("fair_from"), fair_from__gt=models.F("average_from"),
                            average_from__gt=0, total_points__gte=models.F("good_from")),
                name="rubric_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} v{self.version}"

    def audit_key(self) -> str:
        return f"{self.subject}/v{self.version}"

    @property
    def is_provisional(self) -> bool:
        """For the ``provisional_badge`` template tag ("tạm tính")."""
        return self.provisional or self.confidence != Confidence.HIGH


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    code = models.CharField(_("mã tiêu chí"), max_length=40)
    name = models.CharField(_("tên tiêu chí"), max_length=200)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    fact_key = models.CharField(_("chỉ số nguồn"), max_length=60)
    direction = models.CharField(_("chiều"), max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    unit = models.CharField(_("đơn vị chỉ số"), max_length=20, blank=True)
    missing_points = models.DecimalField(_("điểm khi không có số liệu"), default=0, **POINTS)
    # The action that wins the points back, shown in the explanation ("Nhập kết quả kiểm tra …").
    action_hint = models.CharField(_("việc cần làm để được điểm"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tiêu chí")
        ordering = ["rubric", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.max_points})"


class Band(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="bands")
    lower = models.DecimalField(_("cận dưới"), null=True, blank=True, **BOUND)
    lower_inclusive = models.BooleanField(_("gồm cận dưới"), default=True)
    upper = models.DecimalField(_("cận trên"), null=True, blank=True, **BOUND)
    upper_inclusive = models.BooleanField(_("gồm cận trên"), default=False)
    points = models.DecimalField(_("điểm"), **POINTS)

    class Meta:
        verbose_name = _("khoảng điểm")
        ordering = ["criterion", "lower"]
        constraints = [models.CheckConstraint(condition=Q(points__gte=0), name="band_points_not_negative")]

    def __str__(self) -> str:
        return f"{self.lower}…{self.upper}: {self.points}"


class Cap(models.Model):
    """When the fact reaches the threshold the total is at most ``max_total`` (e.g. a group with a huge overdue
    ratio cannot be Good whatever its other criteria)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="caps")
    fact_key = models.CharField(_("chỉ số"), max_length=60)
    threshold = models.DecimalField(_("ngưỡng"), **BOUND)
    at_or_above = models.BooleanField(_("áp dụng khi chỉ số từ ngưỡng trở lên"), default=True)
    max_total = models.DecimalField(_("tổng điểm tối đa"), **POINTS)

    class Meta:
        verbose_name = _("mức trần")

    def __str__(self) -> str:
        return f"{self.fact_key} {'≥' if self.at_or_above else '≤'} {self.threshold}: ≤ {self.max_total}"


class Score(models.Model):
    subject = models.CharField(_("đối tượng"), max_length=20, choices=Subject.choices)
    # The subject's primary key (group, association unit, commune, office, province) and its code as displayed.
    subject_id = models.BigIntegerField()
    subject_key = models.CharField(_("mã"), max_length=20)
    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7)
    organization_code = models.CharField(_("mã ĐVUT"), max_length=2, blank=True)
    # Where the subject lies (for distributions by level); plain ids, like the snapshots they come from.
    commune_id = models.BigIntegerField(null=True, blank=True)
    office_id = models.BigIntegerField(null=True, blank=True)
    province_id = models.BigIntegerField(null=True, blank=True)
    association_unit_id = models.BigIntegerField(null=True, blank=True)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="scores", verbose_name=_("bộ tiêu chí"))
    total = models.DecimalField(_("tổng điểm"), **POINTS)
    grade = models.CharField(_("xếp loại"), max_length=8, choices=Grade.choices)
    facts = models.JSONField(_("số liệu dùng để chấm"))
    contributions = models.JSONField(_("điểm từng tiêu chí"))
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("thay cho lần chấm"))
    is_current = models.BooleanField(_("là lần chấm mới nhất"), default=True)
    computed_at = models.DateTimeField(_("thời điểm chấm"))

    class Meta:
        verbose_name = _("kết quả chấm điểm")
        ordering = ["period", "subject", "subject_key"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "subject_id", "period"], condition=Q(is_current=True),
                                    name="score_one_current"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="score_grade_valid"),
        ]
        indexes = [
            models.Index(fields=["period", "subject", "is_current"], name="score_period_idx"),
            models.Index(fields=["subject", "subject_id", "period"], name="score_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.subject} {self.subject_key}: {self.total} {self.grade}"


class TrainingRecord(models.Model):
    """A training (tập huấn) an association unit's officers attended: the training part of its evaluation."""

    association_unit = models.ForeignKey("network.AssociationUnit", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("đơn vị hội"))
    held_on = models.DateField(_("ngày tập huấn"))
    topic = models.CharField(_("nội dung"), max_length=255)
    attendees = models.PositiveIntegerField(_("số người dự"), default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("người nhập"))

    class Meta:
        verbose_name = _("buổi tập huấn")
        ordering = ["-held_on", "id"]
        indexes = [models.Index(fields=["association_unit", "held_on"], name="training_unit_day_idx")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class ImportedGroupScore(models.Model):
    """One row of the bank's CDTOTKVV export (columns of export-formats.md §2.9). The official figures are never
    overwritten by ours; ``uythac.scoring.selectors.score_disagreements`` compares them."""

    period = models.CharField(_("kỳ (YYYY-MM)"), max_length=7)
    office_code = models.CharField(_("mã đơn vị"), max_length=6)
    commune_code = models.CharField(_("mã xã"), max_length=6, blank=True)
    group_code = models.CharField(_("mã tổ"), max_length=7)
    group = models.ForeignKey("groups.SavingsGroup", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("tổ TK&VV"))
    leader_name = models.CharField(_("tổ trưởng"), max_length=150, blank=True)
    organization_code = models.CharField(_("mã ĐVUT"), max_length=2, blank=True)
    group_type = models.CharField(_("loại tổ"), max_length=10, blank=True)
    outstanding = models.BigIntegerField(_("dư nợ"), default=0)
    savings_balance = models.BigIntegerField(_("số dư tiền gửi"), default=0)
    diem_gdtx = models.DecimalField(_("điểm giao dịch tại xã"), **POINTS)
    diem_nqh = models.DecimalField(_("điểm nợ quá hạn"), **POINTS)
    diem_thu_no = models.DecimalField(_("điểm thu nợ"), **POINTS)
    diem_thu_lai = models.DecimalField(_("điểm thu lãi"), **POINTS)
    diem_tv_tiengui = models.DecimalField(_("điểm tổ viên gửi tiền"), **POINTS)
    diem_ds_tg = models.DecimalField(_("điểm số dư tiền gửi tăng"), **POINTS)
    total = models.DecimalField(_("tổng điểm"), **POINTS)
    grade = models.CharField(_("xếp loại"), max_length=8, choices=Grade.choices)
    status = models.CharField(_("tình trạng"), max_length=4, blank=True)
    source_file = models.CharField(_("tệp nguồn"), max_length=255)
    imported_at = models.DateTimeField(_("thời điểm nhập"))

    class Meta:
        verbose_name = _("điểm tổ do ngân hàng chấm (nhập từ CDTOTKVV)")
        ordering = ["period", "group_code"]
        constraints = [models.UniqueConstraint(fields=["period", "group_code"], name="imported_score_unique")]

    def __str__(self) -> str:
        return f"{self.period} {self.group_code}: {self.total} {self.grade}"
