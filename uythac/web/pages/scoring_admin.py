"""Scoring administration: trainings (tập huấn) of association units, and new rubric versions.

* ``/trainings/`` — the trainings of the units the user may see, filtered by unit and year; with a unit chosen, how
  the ``tap_huan`` criterion counts them for a period (the 12 months ending on the period's last day, the band of
  the rubric in force then). ``/trainings/new/`` records one (``can_record_trainings``: the people who record
  inspection work, for the units in their scope); ``/trainings/<pk>/edit/`` and ``/delete/`` correct or delete it
  (the recorder or the administrator), with the reason kept in the audit trail.
* ``/rubrics/<pk>/new-version/`` copies an active version into a DRAFT with a new start date;
  ``/rubrics/<pk>/edit/`` edits the draft (criterion points, bands, caps, thresholds, source, provisional flag) and
  publishes it, ending the previous version the day before. Administrator only: rubrics are national data.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.accounts.access import access_unit, unit_queryset_for
from uythac.core.access import deny_unless
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.core.models import Confidence
from uythac.core.periods import Period, PeriodError
from uythac.network.models import UnitLevel
from uythac.scoring import engine
from uythac.scoring.models import Rubric, RubricStatus, Subject, TrainingRecord
from uythac.scoring.rubrics import (
    can_publish_rubrics,
    rubric_active,
    rubric_check,
    rubric_draft_save,
    rubric_new_version,
    rubric_spec,
)
from uythac.scoring.selectors import current_score
from uythac.scoring.services import (
    access_training,
    can_record_trainings,
    training_correct,
    training_delete,
    training_queryset_for,
    training_record,
    training_window,
)
from uythac.web.crud import Breadcrumb, StyledFormMixin, form_page, object_form_page
from uythac.web.forms.fields import SELECT_LIMIT, CodeChoiceField

TRAINING_FACT = "trainings_12m"


# --- forms ----------------------------------------------------------------------------------------------------


class NumberField(forms.CharField):
    """A number of points or a band edge typed the Vietnamese way ("12,5") or with a dot; 2 decimal places."""

    def to_python(self, value):
        text = super().to_python(value).replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("«%(value)s» không phải là số.") % {"value": value}) from None
        if not number.is_finite() or number != number.quantize(Decimal("0.01")) or abs(number) >= 10**12:
            raise forms.ValidationError(
                _("«%(value)s» không phải là số hợp lệ (tối đa 2 chữ số thập phân).") % {"value": value}
            )
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        return value


class TrainingForm(StyledFormMixin, forms.Form):
    unit = forms.CharField()  # replaced in __init__ by a code field over the user's units
    held_on = forms.DateField(
        label=gettext_lazy("Ngày tập huấn"), error_messages={"required": gettext_lazy("Chưa nhập ngày tập huấn.")}
    )
    topic = forms.CharField(
        label=gettext_lazy("Nội dung tập huấn"),
        max_length=255,
        error_messages={"required": gettext_lazy("Chưa nhập nội dung tập huấn.")},
    )
    attendees = forms.IntegerField(
        label=gettext_lazy("Số người dự"),
        initial=1,
        error_messages={
            "required": gettext_lazy("Chưa nhập số người dự."),
            "invalid": gettext_lazy("Số người dự phải là số nguyên dương."),
        },
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_queryset_for(actor).select_related("organization").order_by("level", "code")
        # A select among a commune's or a province's units; a code box past SELECT_LIMIT (the administrator).
        self.fields["unit"] = CodeChoiceField(
            units,
            hint="11-C-00070",
            label=gettext_lazy("Đơn vị hội"),
            error_messages={
                "invalid_choice": gettext_lazy("Đơn vị hội không thuộc phạm vi quản lý của bạn."),
                "required": gettext_lazy("Chưa chọn đơn vị hội."),
            },
        )
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.code} – {unit.name}"
        self.order_fields(["unit", "held_on", "topic", "attendees"])


class TrainingCorrectForm(StyledFormMixin, forms.Form):
    held_on = TrainingForm.base_fields["held_on"]
    topic = TrainingForm.base_fields["topic"]
    attendees = TrainingForm.base_fields["attendees"]
    note = forms.CharField(
        label=gettext_lazy("Lý do sửa"),
        max_length=255,
        error_messages={"required": gettext_lazy("Chưa nhập lý do sửa.")},
    )


class TrainingDeleteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Lý do xóa"),
        max_length=255,
        error_messages={"required": gettext_lazy("Chưa nhập lý do xóa.")},
    )


class NewVersionForm(StyledFormMixin, forms.Form):
    effective_from = forms.DateField(
        label=gettext_lazy("Hiệu lực từ ngày"), error_messages={"required": gettext_lazy("Chưa nhập ngày hiệu lực.")}
    )


class RubricHeaderForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên bộ tiêu chí"), max_length=200)
    effective_from = forms.DateField(label=gettext_lazy("Hiệu lực từ ngày"))
    source_document = forms.CharField(label=gettext_lazy("Văn bản nguồn"), max_length=255)
    confidence = forms.ChoiceField(label=gettext_lazy("Độ tin cậy"), choices=Confidence.choices)
    provisional = forms.BooleanField(label=gettext_lazy("Tạm tính (chưa có văn bản chính thức)"), required=False)
    total_points = NumberField(label=gettext_lazy("Tổng điểm"))
    good_from = NumberField(label=gettext_lazy("Tốt từ (điểm)"))
    fair_from = NumberField(label=gettext_lazy("Khá từ (điểm)"))
    average_from = NumberField(label=gettext_lazy("Trung bình từ (điểm)"))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CriterionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên tiêu chí"), max_length=200)
    max_points = NumberField(label=gettext_lazy("Điểm tối đa"))
    missing_points = NumberField(label=gettext_lazy("Điểm khi không có số liệu"))
    action_hint = forms.CharField(label=gettext_lazy("Việc cần làm để được điểm"), max_length=255, required=False)


class BandForm(forms.Form):
    lower = NumberField(label=gettext_lazy("Cận dưới"), required=False)
    lower_inclusive = forms.BooleanField(label=gettext_lazy("gồm"), required=False, initial=True)
    upper = NumberField(label=gettext_lazy("Cận trên"), required=False)
    upper_inclusive = forms.BooleanField(label=gettext_lazy("gồm"), required=False)
    points = NumberField(label=gettext_lazy("Điểm"))


class CapForm(forms.Form):
    fact_key = forms.ChoiceField(label=gettext_lazy("Chỉ số"), choices=())
    threshold = NumberField(label=gettext_lazy("Ngưỡng"))
    at_or_above = forms.BooleanField(label=gettext_lazy("từ ngưỡng trở lên"), required=False, initial=True)
    max_total = NumberField(label=gettext_lazy("Tổng điểm tối đa"))


BandFormSet = forms.formset_factory(BandForm, extra=1, can_delete=True)
CapFormSet = forms.formset_factory(CapForm, extra=1, can_delete=True)


# --- trainings --------------------------------------------------------------------------------------------------


def _training_crumbs(*extra) -> list[Breadcrumb]:
    return [Breadcrumb(_("Tập huấn"), reverse("training-list")), *extra]


def _period(text: str | None) -> Period:
    try:
        return Period.parse(text or "")
    except (PeriodError, ValueError, TypeError):
        return Period.of(today())


def training_counting(unit, period: Period) -> dict:
    """How the ``tap_huan`` criterion counts the unit's trainings for ``period``: the window, the trainings in it,
    the points the rubric in force on the period's last day gives that count, and the stored score if any."""
    start, end = training_window(period)
    counted = list(TrainingRecord.objects.filter(association_unit=unit, held_on__gte=start, held_on__lte=end))
    result = {
        "period": period,
        "start": start,
        "end": end,
        "counted": counted,
        "count": len(counted),
        "rubric": None,
        "criterion": None,
        "points": None,
        "bands": [],
        "stored": None,
    }
    try:
        rubric = rubric_active(Subject.COMMUNE_ASSOCIATION, on=period.last_day)
    except DomainError:
        return result
    criterion = next((c for c in rubric_spec(rubric).criteria if c.fact_key == TRAINING_FACT), None)
    result["rubric"] = rubric
    if criterion is not None:
        result.update(
            criterion=criterion,
            points=engine.score_criterion(criterion, Decimal(len(counted))).points,
            bands=sorted(criterion.bands, key=lambda b: b.points, reverse=True),
        )
    score = current_score(Subject.COMMUNE_ASSOCIATION, unit.pk, str(period))
    if score is not None:
        line = next((c for c in score.contributions if c["fact_key"] == TRAINING_FACT), None)
        if line is not None:
            result["stored"] = {"score": score, "fact": line["fact"], "points": Decimal(line["points"])}
    return result


@login_required
def training_list(request):
    user = request.user
    records = training_queryset_for(user).select_related("association_unit", "recorded_by")
    unit = None
    if request.GET.get("unit"):
        unit = access_unit(user, request.GET["unit"].strip())
        records = records.filter(association_unit=unit)
    year = request.GET.get("year", "")
    if year.isdigit():
        records = records.filter(held_on__year=int(year))
    # Every row's unit is visible, so ``can_change_training`` reduces to: administrator, or its recorder who may
    # still record trainings (no query per row).
    may_record, is_admin = can_record_trainings(user), user.role == "admin"
    rows = [
        {"record": r, "can_change": is_admin or (may_record and r.recorded_by_id == user.pk)}
        for r in records.order_by("-held_on", "-id")[:500]
    ]
    units = list(unit_queryset_for(user).order_by("level", "code")[: SELECT_LIMIT + 1])
    years = sorted({d.year for d in training_queryset_for(user).dates("held_on", "year")}, reverse=True)
    context = {
        "title": _("Tập huấn của đơn vị hội"),
        "rows": rows,
        "unit": unit,
        "year": year,
        "years": years,
        "units": units if len(units) <= SELECT_LIMIT else None,
        "create_url": reverse("training-create") + (f"?unit={unit.code}" if unit else "")
        if can_record_trainings(user, unit)
        else None,
        "breadcrumbs": _training_crumbs(),
    }
    if unit is not None and unit.level == UnitLevel.COMMUNE:
        context["counting"] = training_counting(unit, _period(request.GET.get("period")))
    return render(request, "web/scoring_admin_trainings.html", context)


@login_required
def training_create(request):
    user = request.user
    deny_unless(can_record_trainings(user))
    initial = {"unit": request.GET["unit"]} if request.GET.get("unit") else {}
    return form_page(
        request,
        title=_("Ghi buổi tập huấn"),
        form_class=TrainingForm,
        form_kwargs={"actor": user, "initial": initial},
        service=lambda data: training_record(
            actor=user,
            unit_code=data["unit"].code,
            held_on=data["held_on"],
            topic=data["topic"],
            attendees=data["attendees"],
        ),
        success_url=lambda record: reverse("training-list") + f"?unit={record.association_unit.code}",
        success_message=_("Đã ghi buổi tập huấn."),
        breadcrumbs=_training_crumbs(Breadcrumb(_("Ghi buổi tập huấn"))),
        cancel_url=reverse("training-list"),
        intro=_(
            "Mỗi buổi tập huấn trong 12 tháng tính đến hết kỳ được tính vào tiêu chí «Tập huấn» khi chấm điểm "
            "hội cấp xã."
        ),
    )


def _training_back(record) -> str:
    return reverse("training-list") + f"?unit={record.association_unit.code}"


@login_required
def training_edit(request, pk):
    user = request.user
    record = access_training(user, pk, for_write=True)
    back = _training_back(record)
    return object_form_page(
        request,
        back_url=back,
        trail=_training_crumbs(Breadcrumb(str(record), back)),
        step=_("Sửa"),
        title=_("Sửa buổi tập huấn"),
        form_class=TrainingCorrectForm,
        form_kwargs={"initial": {"held_on": record.held_on, "topic": record.topic, "attendees": record.attendees}},
        service=lambda data: training_correct(actor=user, record=record, **data),
        success_message=_("Đã sửa buổi tập huấn."),
    )


@login_required
def training_delete_page(request, pk):
    user = request.user
    record = access_training(user, pk, for_write=True)
    back = _training_back(record)
    return object_form_page(
        request,
        back_url=back,
        trail=_training_crumbs(Breadcrumb(str(record), back)),
        step=_("Xóa"),
        title=_("Xóa buổi tập huấn: %(name)s") % {"name": record},
        form_class=TrainingDeleteForm,
        service=lambda data: training_delete(actor=user, record=record, note=data["note"]),
        success_message=_("Đã xóa buổi tập huấn."),
        submit_label=_("Xóa"),
        intro=_("Chỉ xóa buổi tập huấn ghi nhầm; nội dung và lý do xóa được lưu trong lịch sử thay đổi của đơn vị."),
    )


# --- rubric versions --------------------------------------------------------------------------------------------


def _rubric_crumbs(rubric: Rubric, step: str) -> list[Breadcrumb]:
    return [
        Breadcrumb(_("Bộ tiêu chí chấm điểm"), reverse("rubric-list")),
        Breadcrumb(str(rubric), reverse("rubric-detail", args=[rubric.pk])),
        Breadcrumb(step),
    ]


def _rubric(user, pk) -> Rubric:
    deny_unless(can_publish_rubrics(user))
    return get_object_or_404(Rubric, pk=pk)


@login_required
def rubric_new_version_page(request, pk):
    user = request.user
    rubric = _rubric(user, pk)
    back = reverse("rubric-detail", args=[rubric.pk])
    return form_page(
        request,
        title=_("Tạo phiên bản mới — %(name)s") % {"name": rubric},
        form_class=NewVersionForm,
        service=lambda data: rubric_new_version(actor=user, rubric=rubric, effective_from=data["effective_from"]),
        success_url=lambda draft: reverse("rubric-edit", args=[draft.pk]),
        success_message=_("Đã tạo bản nháp; sửa rồi công bố."),
        submit_label=_("Tạo bản nháp"),
        breadcrumbs=_rubric_crumbs(rubric, _("Tạo phiên bản mới")),
        cancel_url=back,
        intro=_(
            "Bản nháp sao chép toàn bộ tiêu chí, khoảng điểm, mức trần và ngưỡng xếp loại của phiên bản này. Khi "
            "công bố, phiên bản đang áp dụng kết thúc vào ngày trước ngày hiệu lực mới; các kỳ trước vẫn giữ "
            "phiên bản đã dùng để chấm."
        ),
    )


def ordered_bands(criterion) -> list:
    """Bands from −∞ upwards (sorted here: SQLite and PostgreSQL put NULL bounds at opposite ends)."""
    return sorted(criterion.bands.all(), key=lambda b: (b.lower is not None, b.lower or 0, b.pk))


def _rubric_forms(rubric: Rubric, data=None) -> dict:
    criteria = list(rubric.criteria.prefetch_related("bands").order_by("order"))
    header = RubricHeaderForm(data, prefix="r", initial={f: getattr(rubric, f) for f in RubricHeaderForm.base_fields})
    blocks = []
    for criterion in criteria:
        blocks.append(
            {
                "criterion": criterion,
                "form": CriterionForm(
                    data,
                    prefix=f"c{criterion.pk}",
                    initial={f: getattr(criterion, f) for f in CriterionForm.base_fields},
                ),
                "bands": BandFormSet(
                    data,
                    prefix=f"b{criterion.pk}",
                    initial=[{f: getattr(b, f) for f in BandForm.base_fields} for b in ordered_bands(criterion)],
                ),
            }
        )
    facts = sorted({c.fact_key for c in criteria})
    caps = CapFormSet(
        data,
        prefix="caps",
        initial=[{f: getattr(c, f) for f in CapForm.base_fields} for c in rubric.caps.order_by("id")],
        form_kwargs={},
    )
    for form in [*caps.forms, caps.empty_form]:
        # A blank first choice: an untouched extra row must post nothing, or it would count as a new cap.
        form.fields["fact_key"].choices = [("", "—"), *((f, f) for f in facts)]
    return {"header": header, "blocks": blocks, "caps": caps}


def _kept(formset) -> list[dict]:
    """The rows of a formset that were filled in and not marked for deletion."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append({key: value for key, value in data.items() if key != "DELETE"})
    return rows


def _attach(parts: dict, error: DomainError) -> None:
    header = parts["header"]
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            header.add_error(field if field in header.fields else None, errors)
    else:
        header.add_error(None, error)


@login_required
def rubric_edit(request, pk):
    user = request.user
    rubric = _rubric(user, pk)
    if rubric.status != RubricStatus.DRAFT:
        messages.error(request, _("Phiên bản đã công bố không sửa được; hãy tạo phiên bản mới."))
        return redirect("rubric-detail", pk=rubric.pk)
    parts = _rubric_forms(rubric, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        publish = "publish" in request.POST
        forms_ok = parts["header"].is_valid() and parts["caps"].is_valid()
        for block in parts["blocks"]:
            forms_ok = block["form"].is_valid() & block["bands"].is_valid() & forms_ok
        if forms_ok:
            try:
                saved = rubric_draft_save(
                    actor=user,
                    rubric=rubric,
                    header=parts["header"].cleaned_data,
                    criteria={b["criterion"].pk: b["form"].cleaned_data for b in parts["blocks"]},
                    bands={b["criterion"].pk: _kept(b["bands"]) for b in parts["blocks"]},
                    caps=_kept(parts["caps"]),
                    publish=publish,
                )
            except DomainError as error:
                _attach(parts, error)
            else:
                if publish:
                    messages.success(
                        request,
                        _("Đã công bố phiên bản v%(version)s, áp dụng từ %(start)s.")
                        % {"version": saved.version, "start": f"{saved.effective_from:%d/%m/%Y}"},
                    )
                    return redirect("rubric-detail", pk=saved.pk)
                messages.success(request, _("Đã lưu bản nháp."))
                return redirect("rubric-edit", pk=saved.pk)
        status = 400
    rubric.refresh_from_db()
    previous = (
        Rubric.objects.filter(subject=rubric.subject, status=RubricStatus.ACTIVE, effective_to__isnull=True)
        .order_by("-effective_from")
        .first()
    )
    return render(
        request,
        "web/scoring_admin_rubric_edit.html",
        {
            "title": _("Sửa bản nháp — %(name)s") % {"name": rubric},
            "rubric": rubric,
            **parts,
            "problems": rubric_check(rubric),
            "previous": previous,
            "previous_end": rubric.effective_from - dt.timedelta(days=1),
            "breadcrumbs": _rubric_crumbs(rubric, _("Sửa bản nháp")),
        },
        status=status,
    )


urlpatterns = [
    path("trainings/", training_list, name="training-list"),
    path("trainings/new/", training_create, name="training-create"),
    path("trainings/<int:pk>/edit/", training_edit, name="training-edit"),
    path("trainings/<int:pk>/delete/", training_delete_page, name="training-delete"),
    path("rubrics/<int:pk>/new-version/", rubric_new_version_page, name="rubric-new-version"),
    path("rubrics/<int:pk>/edit/", rubric_edit, name="rubric-edit"),
]
