"""Forms of the inspection pages: list filters, the record form (prefilled from a worklist target), corrections,
and the period / grouping choice of the coverage page."""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from uythac.core.guards import today
from uythac.core.periods import Period
from uythac.inspections.access import recordable_levels
from uythac.inspections.models import (
    ASSOCIATION_LEVELS,
    InspectionReason,
    InspectorLevel,
    MisappropriationLevel,
    SubjectKind,
    UseOfFunds,
)
from uythac.inspections.selectors import TARGET_KINDS
from uythac.network.models import Organization
from uythac.web.crud import StyledFormMixin


def _blank(label, choices) -> list:
    return [("", label), *choices]


def organization_choices() -> list:
    return [(o.code, f"{o.code} – {o.short_name}") for o in Organization.objects.order_by("code")]


class PeriodField(forms.CharField):
    """A month "YYYY-MM" (or "MM/YYYY", as typed in Vietnam) → ``Period``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "YYYY-MM", "size": 8}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        found = re.fullmatch(r"(\d{1,2})/(\d{4})", text)
        if found:
            text = f"{found.group(2)}-{int(found.group(1)):02d}"
        try:
            return Period.parse(text)
        except ValueError:
            raise forms.ValidationError(_("Kỳ phải có dạng YYYY-MM, ví dụ 2026-09.")) from None


class InspectionFilterForm(forms.Form):
    period = PeriodField(label=_("Tháng kiểm tra"), required=False)
    reason = forms.ChoiceField(label=_("Lý do"), required=False,
                               choices=_blank(_("— Mọi lý do —"), InspectionReason.choices))
    level = forms.ChoiceField(label=_("Cấp kiểm tra"), required=False,
                              choices=_blank(_("— Mọi cấp —"), InspectorLevel.choices))
    organization = forms.ChoiceField(label=_("Hội"), required=False)
    commune = forms.CharField(label=_("Mã xã"), required=False, max_length=6,
                              widget=forms.TextInput(attrs={"placeholder": _("Mã xã"), "size": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = _blank(_("— Mọi hội —"), organization_choices())

    def apply(self, inspections):
        data = self.cleaned_data
        if data.get("period"):
            p = data["period"]
            inspections = inspections.filter(inspected_on__gte=p.first_day, inspected_on__lte=p.last_day)
        if data.get("reason"):
            inspections = inspections.filter(reason=data["reason"])
        if data.get("level"):
            inspections = inspections.filter(level=data["level"])
        if data.get("organization"):
            code = data["organization"]
            inspections = inspections.filter(Q(organization__code=code) | Q(managing_unit__organization__code=code))
        if data.get("commune"):
            inspections = inspections.filter(commune__code=data["commune"].strip()[-5:].zfill(5))
        return inspections


class WorklistForm(forms.Form):
    period = PeriodField(label=_("Kỳ"), required=False)
    kind = forms.ChoiceField(label=_("Loại đối tượng cần kiểm tra"), required=False,
                             choices=[(str(k), InspectionReason(k).label) for k in TARGET_KINDS])
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=[
        ("OPEN", _("Chưa nhập kết quả (quá hạn và còn hạn)")), ("MISSING", _("Quá hạn, chưa kiểm tra")),
        ("PENDING", _("Còn hạn, chưa kiểm tra")), ("LATE", _("Kiểm tra/nhập muộn")), ("COVERED", _("Đạt")),
        ("ALL", _("Tất cả")),
    ])


class CoverageForm(forms.Form):
    period = PeriodField(label=_("Kỳ"), required=False)
    by = forms.ChoiceField(label=_("Tổng hợp theo"), required=False, choices=[
        ("unit", _("Đơn vị hội")), ("commune", _("Xã")), ("organization", _("Tổ chức hội")), ("total", _("Tổng")),
    ])


class CountsForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), required=False)
    date_to = forms.DateField(label=_("Đến ngày"), required=False)


class FindingsFields(forms.Form):
    inspected_on = forms.DateField(label=_("Ngày kiểm tra"))
    reason = forms.ChoiceField(label=_("Lý do kiểm tra"), choices=InspectionReason.choices)
    inspector_name = forms.CharField(label=_("Người/đoàn kiểm tra"), max_length=150)
    use_of_funds = forms.ChoiceField(label=_("Sử dụng vốn vay"), choices=UseOfFunds.choices,
                                     initial=UseOfFunds.NOT_CHECKED)
    misappropriation_level = forms.ChoiceField(
        label=_("Phát hiện chiếm dụng"), required=False,
        choices=_blank(_("— Không phát hiện —"), MisappropriationLevel.choices),
    )
    findings = forms.CharField(label=_("Kết quả, tồn tại, kiến nghị"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_required = forms.BooleanField(label=_("Cần xử lý sau kiểm tra"), required=False)


class InspectionRecordForm(StyledFormMixin, FindingsFields):
    subject_kind = forms.ChoiceField(label=_("Đối tượng kiểm tra"), choices=SubjectKind.choices)
    subject = forms.CharField(label=_("Mã đối tượng"), max_length=20,
                              help_text=_("Số khế ước, mã khách hàng, mã tổ (7 số) hoặc mã đơn vị hội."))
    group = forms.CharField(label=_("Thuộc tổ (mã tổ, khi kiểm tra món vay)"), max_length=7, required=False)
    level = forms.ChoiceField(label=_("Cấp kiểm tra"))
    organization = forms.ChoiceField(label=_("Tổ chức hội kiểm tra"), required=False)

    field_order = ["subject_kind", "subject", "group", "level", "organization", "inspected_on", "reason",
                   "inspector_name", "use_of_funds", "misappropriation_level", "findings", "follow_up_required"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        levels = recordable_levels(actor)
        self.fields["level"].choices = [(v, InspectorLevel(v).label) for v in levels]
        if len(levels) == 1:
            self.fields["level"].initial = levels[0]
        if any(level in ASSOCIATION_LEVELS for level in levels) and actor.role == "admin":
            self.fields["organization"].choices = _blank(_("— Không (ngân hàng, UBND xã) —"),
                                                         organization_choices())
        else:
            # An association officer inspects for its own organization; the bank for none.
            del self.fields["organization"]
        self.fields["inspected_on"].initial = today()
        self.fields["inspector_name"].initial = actor.get_full_name() or actor.username


class InspectionCorrectForm(StyledFormMixin, FindingsFields):
    note = forms.CharField(label=_("Lý do sửa"), max_length=255)

    @staticmethod
    def initial_for(inspection) -> dict:
        return {field: getattr(inspection, field) for field in (
            "inspected_on", "reason", "inspector_name", "use_of_funds", "misappropriation_level", "findings",
            "follow_up_required")}
