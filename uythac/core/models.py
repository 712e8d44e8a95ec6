"""Cross-cutting tables: the audit trail and dated, sourced rule values."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    """Confidence legend of shared/domain/README.md."""

    HIGH = "H", _("Cao (H)")
    MEDIUM = "M", _("Trung bình (M) — tạm tính")
    LOW = "L", _("Thấp (L) — tạm tính")
    UNVERIFIED = "U", _("Chưa kiểm chứng — tạm tính")


class AuditEvent(models.Model):
    """One write: who, when, what, before and after. Append-only; never updated."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_label = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=60)
    object_type = models.CharField(_("loại đối tượng"), max_length=40)
    object_key = models.CharField(_("mã đối tượng"), max_length=60)
    object_label = models.CharField(_("tên đối tượng"), max_length=255, blank=True)
    # Child records (a membership, a board term, a meeting…) are also filed under their parent (the group),
    # so the parent's history page shows them.
    parent_type = models.CharField(max_length=40, blank=True)
    parent_key = models.CharField(max_length=60, blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_key", "-at"], name="audit_object_idx"),
            models.Index(fields=["parent_type", "parent_key", "-at"], name="audit_parent_idx"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_key}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class RuleValue(models.Model):
    """A rule that may change by decision, stored as dated data with its source (never a constant).

    E.g. ``group.size.min`` = 5 from the 727/HD-NHCS checklist (M). Values are JSON so a rule can be a
    number, a list (forbidden kinships) or a mapping. Only one version is in force on any date.
    """

    key = models.CharField(_("mã quy tắc"), max_length=80)
    value = models.JSONField(_("giá trị"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source_document = models.CharField(_("văn bản nguồn"), max_length=255)
    confidence = models.CharField(_("độ tin cậy"), max_length=1, choices=Confidence.choices)
    description = models.CharField(_("mô tả"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="rule_value_unique_start"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=models.F("effective_from")),
                name="rule_value_dates_ordered",
            ),
        ]
        ordering = ["key", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.key}={self.value} ({self.effective_from})"

    @property
    def is_provisional(self) -> bool:
        return self.confidence != Confidence.HIGH


class SearchableNameMixin(models.Model):
    """Keeps ``name_search`` = the name without diacritics, for search ("nguyen van an" finds "Nguyễn Văn An").

    Bulk loaders must fill ``name_search`` themselves (``bulk_create`` skips ``save``).
    """

    search_source_field = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from uythac.core.text import search_key

        self.name_search = search_key(getattr(self, self.search_source_field))[:100]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.search_source_field in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_search"}
        super().save(*args, **kwargs)
