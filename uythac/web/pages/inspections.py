"""Inspection pages (727/HD-NHCS): the scoped list, the "Cần kiểm tra" worklist of targets still to be entered,
the record form (prefilled from a target), detail and correction, coverage per unit / commune / organization, and
the counts by organization and inspecting level (seed 001 table B).

Every figure built on the coverage rules is marked "tạm tính": the rules are M/L (``inspection.*`` RuleValue rows).
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from uythac.core.access import deny_unless
from uythac.core.audit import audit_history
from uythac.core.guards import today
from uythac.core.periods import Period
from uythac.groups.access import group_queryset_for
from uythac.households.access import household_queryset_for
from uythac.inspections.access import (
    access_inspection,
    can_record_inspections,
    inspection_queryset_for,
    recordable_levels,
)
from uythac.inspections.models import InspectionReason, InspectorLevel, SubjectKind
from uythac.inspections.rules import correction_days, coverage_rules
from uythac.inspections.selectors import ALL, coverage, default_as_of, inspection_counts, inspection_targets
from uythac.inspections.services import inspection_correct, inspection_record
from uythac.loans.access import loan_queryset_for
from uythac.network.models import AssociationUnit, Organization
from uythac.web.crud import PAGE_SIZE, Breadcrumb, Column, form_page, list_page, object_form_page
from uythac.web.detail import Action, DetailField, Section, detail_page
from uythac.web.pages.inspections_forms import (
    CountsForm,
    CoverageForm,
    InspectionCorrectForm,
    InspectionFilterForm,
    InspectionRecordForm,
    WorklistForm,
)

POST, INACTIVE, GROUP = (str(k) for k in (InspectionReason.POST_DISBURSEMENT, InspectionReason.INACTIVE_3M,
                                          InspectionReason.ANNUAL_GROUP))


def inspection_link(inspection) -> str:
    return reverse("inspection-detail", args=[inspection.pk])


def _crumbs(*extra) -> list[Breadcrumb]:
    return [Breadcrumb(_("Kiểm tra, giám sát"), reverse("inspection-list")), *extra]


def record_url(**params) -> str:
    return f"{reverse('inspection-create')}?{urlencode({k: v for k, v in params.items() if v})}"


# --- list --------------------------------------------------------------------------------------------------------


@login_required
def inspection_list(request):
    user = request.user
    inspections = inspection_queryset_for(user).select_related(
        "loan", "household", "group", "inspected_unit", "commune", "organization"
    ).order_by("-inspected_on", "-id")
    filter_form = InspectionFilterForm(request.GET or None)
    if filter_form.is_bound and filter_form.is_valid():
        inspections = filter_form.apply(inspections)
    return list_page(
        request,
        title=_("Kết quả kiểm tra, giám sát"),
        queryset=inspections,
        code_fields=("loan__loan_number", "group__code", "household__customer_code", "inspected_unit__code"),
        name_fields=("household__name_search", "group__name_search"),
        columns=[
            Column(_("Ngày kiểm tra"), "inspected_on", link=inspection_link),
            Column(_("Đối tượng"), "get_subject_kind_display"),
            Column(_("Mã"), "subject_code", link=inspection_link),
            Column(_("Lý do"), "get_reason_display"),
            Column(_("Cấp kiểm tra"), "get_level_display"),
            Column(_("Hội"), lambda i: i.organization.short_name if i.organization else "—"),
            Column(_("Xã"), lambda i: i.commune.name if i.commune else "—"),
            Column(_("Sử dụng vốn"), "get_use_of_funds_display"),
            Column(_("Ngày nhập"), "entered_on"),
        ],
        create_url=reverse("inspection-create") if can_record_inspections(user) else None,
        create_label=_("Ghi kết quả kiểm tra"),
        filters_template="web/inspection_list_filters.html",
        extra={"filter_form": filter_form, "intro": _(
            "Các lần kiểm tra đã nhập vào hệ thống. Xem «Cần kiểm tra» để biết món vay, tổ nào còn phải kiểm tra."
        )},
    )


# --- worklist ----------------------------------------------------------------------------------------------------


def _target_row(kind: str, target, as_of: dt.date) -> dict:
    deadline = target.target_deadline
    if isinstance(deadline, str):  # SQLite returns computed dates as text
        deadline = dt.date.fromisoformat(deadline)
    late_days = (as_of - deadline).days if target.target_status == "MISSING" else 0
    if kind == GROUP:
        code, name, commune = target.code, target.name, target.commune
        url = record_url(subject_kind=SubjectKind.GROUP, subject=target.code, reason=kind)
    else:
        loan = target if kind == POST else target.loan
        code, name, commune = loan.loan_number, loan.household.name, loan.commune
        group = loan.group.code if loan.group_id else ""
        url = record_url(subject_kind=SubjectKind.LOAN, subject=loan.loan_number, reason=kind, group=group)
    return {"code": code, "name": name, "commune": commune, "deadline": deadline, "late_days": max(late_days, 0),
            "status": target.target_status, "record_url": url}


STATUS_FILTERS = {"OPEN": ("MISSING", "PENDING"), "MISSING": ("MISSING",), "PENDING": ("PENDING",),
                  "LATE": ("LATE",), "COVERED": ("COVERED",)}


@login_required
def inspection_worklist(request):
    user = request.user
    form = WorklistForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kind = data.get("kind") or POST
    current = Period.of(today())
    period = data.get("period") or (current.previous() if kind == INACTIVE else current)
    status = data.get("status") or "OPEN"
    as_of = today()
    targets = inspection_targets(user, period, as_of=as_of, kinds=[kind])[kind]
    if status in STATUS_FILTERS:
        targets = targets.filter(target_status__in=STATUS_FILTERS[status])
    if kind == GROUP:
        targets = targets.select_related("commune").order_by("commune__code", "code")
    elif kind == POST:
        targets = targets.select_related("household", "commune", "group").order_by("disbursed_on", "loan_number")
    else:
        targets = targets.select_related("loan__household", "loan__commune", "loan__group").order_by("loan_number")
    page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
    rules = coverage_rules(period.last_day)
    context = {
        "title": _("Cần kiểm tra"),
        "breadcrumbs": _crumbs(Breadcrumb(_("Cần kiểm tra"))),
        "form": form, "period": period, "kind": kind, "kind_label": InspectionReason(kind).label,
        "as_of": as_of, "page": page, "rows": [_target_row(kind, t, as_of) for t in page.object_list],
        "can_record": can_record_inspections(user), "rules": rules,
        "query_without_page": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
    }
    return render(request, "web/inspection_worklist.html", context)


# --- coverage and counts -------------------------------------------------------------------------------------------


def _key_names(by: str, keys: set[str]) -> dict[str, str]:
    if by == "unit":
        return dict(AssociationUnit.objects.filter(code__in=keys).values_list("code", "name"))
    if by == "commune":
        from uythac.geography.models import Commune

        return dict(Commune.objects.filter(code__in=keys).values_list("code", "name"))
    if by == "organization":
        return dict(Organization.objects.values_list("code", "name"))
    return {}


@login_required
def inspection_coverage(request):
    user = request.user
    form = CoverageForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    period = data.get("period") or Period.of(today()).previous()
    by = data.get("by") or "unit"
    as_of = default_as_of(period)
    rows = coverage(user, period, by=by, as_of=as_of)
    names = _key_names(by, {r.key for r in rows})
    kinds = {"": _("Tất cả mục tiêu"), **{str(k): InspectionReason(k).label for k in InspectionReason}}
    display = [{"row": r, "name": names.get(r.key) or (_("Cho vay trực tiếp / không qua hội") if by != "total"
                                                        else _("Toàn bộ phạm vi")),
                "kind": kinds[r.kind]} for r in rows]
    context = {
        "title": _("Tỷ lệ kiểm tra theo 727/HD-NHCS"),
        "breadcrumbs": _crumbs(Breadcrumb(_("Tỷ lệ kiểm tra"))),
        "form": form, "period": period, "by": by, "rows": display, "rules": coverage_rules(period.last_day),
        "as_of": as_of,
    }
    return render(request, "web/inspection_coverage.html", context)


LEVEL_ORDER = [str(v) for v in InspectorLevel]


@login_required
def inspection_counts_page(request):
    user = request.user
    form = CountsForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    date_to = data.get("date_to") or today()
    date_from = data.get("date_from") or date_to.replace(month=1, day=1)
    rows = inspection_counts(user, date_from, date_to)
    organizations = dict(Organization.objects.values_list("code", "name"))
    levels = dict(InspectorLevel.choices)
    display = []
    for r in rows:
        if r.organization_code == ALL:
            label = _("Tổng cộng")
        elif r.level:
            label = f"– {levels[r.level]}"
        else:
            label = organizations.get(r.organization_code) or _("Ngân hàng, UBND xã")
        display.append({"row": r, "label": label, "is_total": not r.level})
    context = {
        "title": _("Số đơn vị, tổ, hộ được kiểm tra theo hội và cấp"),
        "breadcrumbs": _crumbs(Breadcrumb(_("Số lượt kiểm tra"))),
        "form": form, "rows": display, "date_from": date_from, "date_to": date_to,
    }
    return render(request, "web/inspection_counts.html", context)


# --- record, detail, correct -------------------------------------------------------------------------------------


def _record_service(user):
    def run(data):
        organization = data.pop("organization", None) or None
        group = data.pop("group", "") or None
        return inspection_record(actor=user, organization=organization, group=group,
                                 misappropriation_level=data.pop("misappropriation_level", "") or "", **data)
    return run


@login_required
def inspection_create(request):
    user = request.user
    deny_unless(can_record_inspections(user))
    initial = {key: request.GET[key] for key in ("subject_kind", "subject", "reason", "group") if key in request.GET}
    levels = recordable_levels(user)
    if initial.get("reason") == GROUP and len(levels) > 1:
        initial.setdefault("level", levels[0])
    return form_page(
        request,
        title=_("Ghi kết quả kiểm tra"),
        form_class=InspectionRecordForm,
        form_kwargs={"actor": user, "initial": initial},
        service=_record_service(user),
        success_url=inspection_link,
        success_message=_("Đã ghi kết quả kiểm tra."),
        breadcrumbs=_crumbs(Breadcrumb(_("Ghi kết quả kiểm tra"))),
        cancel_url=reverse("inspection-worklist"),
        intro=_("Kết quả kiểm tra chỉ được tính vào tỷ lệ kiểm tra khi đã nhập vào hệ thống (mẫu 06/TD, 16/TD)."),
    )


def _subject_field(user, inspection) -> DetailField:
    kind = inspection.subject_kind
    if kind == SubjectKind.LOAN:
        visible = loan_queryset_for(user).filter(pk=inspection.loan_id).exists()
        url = reverse("loan-detail", args=[inspection.loan.loan_number]) if visible else None
        return DetailField(_("Món vay"), f"{inspection.loan.loan_number} – {inspection.household.name}", url)
    if kind == SubjectKind.HOUSEHOLD:
        visible = household_queryset_for(user).filter(pk=inspection.household_id).exists()
        url = reverse("household-detail", args=[inspection.household.customer_code]) if visible else None
        return DetailField(_("Hộ vay"), f"{inspection.household.customer_code} – {inspection.household.name}", url)
    if kind == SubjectKind.GROUP:
        visible = group_queryset_for(user).filter(pk=inspection.group_id).exists()
        url = reverse("group-detail", args=[inspection.group.code]) if visible else None
        return DetailField(_("Tổ TK&VV"), f"{inspection.group.code} – {inspection.group.name}", url)
    return DetailField(_("Đơn vị hội"), f"{inspection.inspected_unit.code} – {inspection.inspected_unit.name}")


def _can_correct(user, inspection) -> bool:
    if inspection.level not in recordable_levels(user):
        return False
    if user.role == "admin":
        return True
    return today() <= inspection.entered_on + dt.timedelta(days=correction_days(inspection.entered_on))


@login_required
def inspection_detail(request, pk):
    user = request.user
    inspection = access_inspection(user, pk)
    fields = [
        _subject_field(user, inspection),
        DetailField(_("Thuộc tổ"), inspection.group.code if inspection.group_id else "—"),
        DetailField(_("Xã"), inspection.commune.name if inspection.commune_id else "—"),
        DetailField(_("Cấp kiểm tra"), inspection.get_level_display()),
        DetailField(_("Tổ chức hội kiểm tra"), inspection.organization.name if inspection.organization_id else "—"),
        DetailField(_("Người/đoàn kiểm tra"), inspection.inspector_name),
        DetailField(_("Lý do kiểm tra"), inspection.get_reason_display()),
        DetailField(_("Ngày kiểm tra"), inspection.inspected_on),
        DetailField(_("Ngày nhập vào hệ thống"), inspection.entered_on),
        DetailField(_("Sử dụng vốn vay"), inspection.get_use_of_funds_display()),
        DetailField(_("Phát hiện chiếm dụng"), inspection.get_misappropriation_level_display() or "—"),
        DetailField(_("Cần xử lý sau kiểm tra"), inspection.follow_up_required),
        DetailField(_("Kết quả, tồn tại, kiến nghị"), inspection.findings or "—"),
        DetailField(_("Số lần sửa"), inspection.correction_count),
    ]
    actions = []
    if _can_correct(user, inspection):
        actions.append(Action(_("Sửa kết quả"), reverse("inspection-correct", args=[inspection.pk])))
    history = Section(
        _("Lịch sử ghi và sửa"),
        [Column(_("Thời điểm"), lambda e: e.at.strftime("%d/%m/%Y %H:%M")), Column(_("Người thực hiện"), "actor_label"),
         Column(_("Thao tác"), lambda e: _("Ghi") if e.action == "inspection.record" else _("Sửa")),
         Column(_("Lý do sửa"), "note")],
        audit_history("inspection", str(inspection.pk)).filter(object_type="inspection").order_by("at", "id"),
    )
    return detail_page(
        request, title=_("Kết quả kiểm tra #%(pk)s") % {"pk": inspection.pk}, fields=fields,
        breadcrumbs=_crumbs(Breadcrumb(f"#{inspection.pk}")), actions=actions, sections=[history],
        subtitle=_("Không xóa kết quả kiểm tra; sai sót được sửa và lưu lịch sử."),
    )


@login_required
def inspection_correct_page(request, pk):
    user = request.user
    inspection = access_inspection(user, pk, for_write=True)
    back = inspection_link(inspection)
    return object_form_page(
        request, back_url=back, trail=_crumbs(Breadcrumb(f"#{inspection.pk}", back)), step=_("Sửa kết quả"),
        title=_("Sửa kết quả kiểm tra #%(pk)s") % {"pk": inspection.pk},
        form_class=InspectionCorrectForm,
        form_kwargs={"initial": InspectionCorrectForm.initial_for(inspection)},
        service=lambda data: inspection_correct(
            actor=user, inspection=inspection, note=data.pop("note"),
            **{**data, "misappropriation_level": data.get("misappropriation_level") or ""},
        ),
        success_message=_("Đã sửa kết quả kiểm tra."),
    )


# --- related snippet for the group page ----------------------------------------------------------------------------


def inspection_related_for(user, *, group) -> dict:
    """What ``web/inspection_related.html`` shows on a group's page: its latest inspections (group and its loans)
    and the links to record one and to the worklist."""
    recent = (
        inspection_queryset_for(user).filter(Q(group=group))
        .select_related("loan", "household", "organization").order_by("-inspected_on", "-id")[:10]
    )
    last_group_check = (
        inspection_queryset_for(user).filter(group=group, subject_kind=SubjectKind.GROUP)
        .order_by("-inspected_on").values_list("inspected_on", flat=True).first()
    )
    return {
        "inspections": [(i, inspection_link(i)) for i in recent],
        "last_group_check": last_group_check,
        "record_url": record_url(subject_kind=SubjectKind.GROUP, subject=group.code, reason=GROUP)
        if can_record_inspections(user) else None,
        "list_url": f"{reverse('inspection-list')}?{urlencode({'q': group.code})}",
    }


urlpatterns = [
    path("inspections/", inspection_list, name="inspection-list"),
    path("inspections/worklist/", inspection_worklist, name="inspection-worklist"),
    path("inspections/coverage/", inspection_coverage, name="inspection-coverage"),
    path("inspections/counts/", inspection_counts_page, name="inspection-counts"),
    path("inspections/new/", inspection_create, name="inspection-create"),
    path("inspections/<str:pk>/", inspection_detail, name="inspection-detail"),
    path("inspections/<str:pk>/correct/", inspection_correct_page, name="inspection-correct"),
]
