"""Entrustment fees and group-board commissions (uythac.fees).

- ``/fees/``: fee statements of the units in the user's scope (filters: period, organization, unit), with totals;
  ``/commissions/``: the groups' commission statements, same filters;
- ``/fees/<pk>/``: how a unit's fee was computed, line by line (base, rate, overdue ratio and the band hit,
  multiplier, program exceptions, split between levels, cap check, "tạm tính" badges) and, for the session team,
  paying it at an open session of the commune; ``/fees/<pk>/print/`` the printable monthly statement of the unit
  (with its groups' commissions) and ``/fees/<pk>/xlsx/`` the same as a workbook;
- ``/commissions/<pk>/``: a group's commission and its payment;
- ``/fee-schedules/`` (public reference data), ``/fee-schedules/<code>/``, ``/fee-schedules/new/`` (admin).
"""

from io import BytesIO

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, Sum
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.core.access import deny_unless
from uythac.core.exceptions import DomainError
from uythac.core.models import Confidence
from uythac.core.text import search_key
from uythac.fees.access import (
    access_commission_statement,
    access_fee_statement,
    access_schedule,
    can_pay_statements,
    can_publish_schedules,
    commission_statement_queryset_for,
    fee_statement_queryset_for,
    schedule_queryset_for,
)
from uythac.fees.models import StatementStatus
from uythac.fees.payments import commission_payment_record, fee_payment_record
from uythac.fees.schedules import fee_schedule_publish, legal_cap
from uythac.network.models import Organization
from uythac.transaction_sessions.access import session_queryset_for
from uythac.transaction_sessions.models import SessionStatus
from uythac.web.crud import Breadcrumb, StyledFormMixin, form_page

PAGE_ROWS = 200


def _crumbs(*more) -> list[Breadcrumb]:
    return [Breadcrumb(_("Phí ủy thác và hoa hồng"), reverse("fee-list")), *more]


def _filtered(request, queryset):
    period = request.GET.get("period", "").strip()
    organization = request.GET.get("organization", "").strip()
    query = request.GET.get("q", "").strip()
    if period:
        queryset = queryset.filter(period=period)
    if organization:
        queryset = queryset.filter(organization_code=organization)
    if query:
        queryset = queryset.filter(association_unit__code__icontains=query) | queryset.filter(
            association_unit__name_search__contains=search_key(query))
    return queryset, {"period": period, "organization": organization, "q": query}


def _periods(queryset) -> list[str]:
    return list(queryset.order_by("-period").values_list("period", flat=True).distinct()[:36])


@login_required
def fee_list(request, commissions: bool = False):
    base = commission_statement_queryset_for(request.user) if commissions else fee_statement_queryset_for(request.user)
    statements, chosen = _filtered(request, base)
    totals = statements.aggregate(total=Sum("amount"), unpaid=Sum("amount", filter=~_paid()))
    related = ("group", "association_unit") if commissions else ("association_unit", "commune")
    rows = list(statements.select_related(*related).order_by("-period", "association_unit__code", "id")[:PAGE_ROWS])
    return render(request, "web/fee_list.html", {
        "title": _("Hoa hồng tổ TK&VV") if commissions else _("Bảng kê phí ủy thác"),
        "commissions": commissions, "rows": rows, "count": statements.count(), "limit": PAGE_ROWS,
        "totals": totals, "chosen": chosen, "periods": _periods(base),
        "organizations": Organization.objects.order_by("code"), "breadcrumbs": _crumbs(),
    })


def _paid() -> Q:
    return Q(status=StatementStatus.PAID)


def _open_sessions(user, statement, *, commission: bool):
    sessions = session_queryset_for(user).filter(status=SessionStatus.OPEN).select_related("transaction_point")
    if commission:
        sessions = sessions.filter(transaction_point_id=statement.group.transaction_point_id)
    else:
        sessions = sessions.filter(transaction_point__commune_id=statement.commune_id)
    return [s for s in sessions.order_by("-session_date") if f"{s.session_date:%Y-%m}" >= statement.period]


def _confidence(code: str) -> dict:
    return {"code": code, "label": Confidence(code).label, "provisional": code != Confidence.HIGH}


def _month(period: str) -> str:
    """A statement's period "2026-10" as Vietnamese pages and the printed statement write it: "10/2026"."""
    year, _dash, month = period.partition("-")
    return f"{month}/{year}" if month else period


@login_required
def fee_detail(request, pk: int):
    statement = access_fee_statement(request.user, pk)
    _cap, cap_rule = legal_cap(statement.schedule.effective_from)
    siblings = statement.__class__.objects.filter(
        association_unit=statement.association_unit, period=statement.period).exclude(pk=statement.pk).order_by("id")
    return render(request, "web/fee_detail.html", {
        "title": _("Phí ủy thác %(unit)s kỳ %(period)s") % {"unit": statement.association_unit.name,
                                                              "period": _month(statement.period)},
        "s": statement, "shares": statement.shares.select_related("recipient"), "cap_rule": cap_rule,
        "siblings": siblings, "schedule_confidence": _confidence(statement.schedule.confidence),
        "can_pay": can_pay_statements(request.user) and statement.status == StatementStatus.UNPAID
        and statement.amount != 0,
        "sessions": _open_sessions(request.user, statement, commission=False),
        "breadcrumbs": _crumbs(Breadcrumb(f"{statement.association_unit.code} · {_month(statement.period)}")),
    })


@login_required
def commission_detail(request, pk: int):
    statement = access_commission_statement(request.user, pk)
    return render(request, "web/fee_commission_detail.html", {
        "title": _("Hoa hồng tổ %(group)s kỳ %(period)s") % {"group": statement.group.code,
                                                               "period": _month(statement.period)},
        "s": statement, "commission_confidence": _confidence(statement.schedule.commission_confidence),
        "can_pay": can_pay_statements(request.user) and statement.status == StatementStatus.UNPAID
        and statement.amount != 0,
        "sessions": _open_sessions(request.user, statement, commission=True),
        "breadcrumbs": _crumbs(Breadcrumb(_("Hoa hồng"), reverse("fee-commission-list")),
                               Breadcrumb(f"{statement.group.code} · {_month(statement.period)}")),
    })


def _pay(request, pk: int, *, commission: bool):
    access = access_commission_statement if commission else access_fee_statement
    statement = access(request.user, pk, for_write=True)  # out of scope: 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    link = reverse("fee-commission-detail" if commission else "fee-detail", args=[statement.pk])
    record = commission_payment_record if commission else fee_payment_record
    try:
        record(actor=request.user, session=request.POST.get("session", ""), statement=statement,
               amount=request.POST.get("amount", ""))
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã chi trả và hạch toán vào phiên giao dịch."))
    return redirect(link)


@login_required
def fee_pay(request, pk: int):
    return _pay(request, pk, commission=False)


@login_required
def commission_pay(request, pk: int):
    return _pay(request, pk, commission=True)


def _unit_month(user, statement):
    commissions = (commission_statement_queryset_for(user)
                   .filter(association_unit=statement.association_unit, period=statement.period)
                   .select_related("group").order_by("group__code", "id"))
    return list(commissions)


@login_required
def fee_print(request, pk: int):
    statement = access_fee_statement(request.user, pk)
    commissions = _unit_month(request.user, statement)
    return render(request, "web/fee_print.html", {
        "title": _("Bảng kê phí ủy thác và hoa hồng tháng %(period)s") % {"period": _month(statement.period)},
        "s": statement, "shares": statement.shares.select_related("recipient"), "commissions": commissions,
        "commission_total": sum(c.amount for c in commissions),
    })


@login_required
def fee_xlsx(request, pk: int):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    statement = access_fee_statement(request.user, pk)
    commissions = _unit_month(request.user, statement)
    book = Workbook()
    sheet = book.active
    sheet.title = statement.period
    bold = Font(bold=True)
    provisional = _("tạm tính") if statement.schedule.is_provisional else ""
    rows = [
        [_("Bảng kê phí ủy thác và hoa hồng tháng %(period)s") % {"period": _month(statement.period)}],
        [_("Hội"), f"{statement.association_unit.code} – {statement.association_unit.name}"],
        [_("Biểu phí"), statement.schedule.code, provisional],
        [],
        [_("Tổng dư nợ"), statement.outstanding],
        [_("Dư nợ quá hạn"), statement.overdue],
        [_("Tỷ lệ nợ quá hạn (%)"), float(statement.overdue_ratio)],
        [_("Dư nợ tính phí"), statement.base_amount],
        [_("Mức phí (%/tháng)"), float(statement.base_rate)],
        [_("Phí trước hệ số"), statement.fee_before_multiplier],
        [_("Hệ số hưởng phí (%)"), float(statement.multiplier)],
        [_("Phí sau hệ số"), statement.fee_after_multiplier],
        [_("Phí theo mức riêng"), statement.exception_fee],
        [_("Tổng phí của lần tính"), statement.computed_total],
        [_("Số tiền phải chi trả"), statement.amount],
        [],
        [_("Cấp hội"), _("Tỷ lệ (%)"), _("Số tiền")],
        *[[share.get_level_display(), float(share.share), share.amount] for share in statement.shares.all()],
        [],
        [_("Tổ TK&VV"), _("Lãi thu được"), _("Hoa hồng"), _("Trạng thái")],
        *[[c.group.code, c.interest_collected, c.amount, c.get_status_display()] for c in commissions],
    ]
    for row in rows:
        sheet.append(row)
    sheet["A1"].font = bold
    for column, width in zip("ABCD", (34, 22, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="phi-uy-thac-{statement.association_unit.code}-{statement.period}.xlsx"')
    return response


@login_required
def schedule_list(request):
    schedules = schedule_queryset_for(request.user).prefetch_related("bands", "shares")
    return render(request, "web/fee_schedule_list.html", {
        "title": _("Biểu phí ủy thác và hoa hồng"), "schedules": schedules,
        "can_publish": can_publish_schedules(request.user),
        "breadcrumbs": _crumbs(Breadcrumb(_("Biểu phí"))),
    })


@login_required
def schedule_detail(request, code: str):
    schedule = access_schedule(request.user, code)
    cap, cap_rule = legal_cap(schedule.effective_from)
    return render(request, "web/fee_schedule_detail.html", {
        "title": f"{schedule.code} – {schedule.name}", "schedule": schedule, "cap": cap, "cap_rule": cap_rule,
        "confidence": _confidence(schedule.confidence),
        "commission_confidence": _confidence(schedule.commission_confidence),
        "bands": schedule.bands.order_by("lower"), "shares": schedule.shares.order_by("id"),
        "program_rates": schedule.program_rates.select_related("program"),
        "breadcrumbs": _crumbs(Breadcrumb(_("Biểu phí"), reverse("fee-schedule-list")), Breadcrumb(schedule.code)),
    })


def _lines(text: str, width: int, field: str) -> list[list[str]]:
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != width:
            raise forms.ValidationError(
                _("Dòng %(n)d: cần %(width)d giá trị cách nhau bởi dấu chấm phẩy.") % {"n": number, "width": width})
        rows.append(parts)
    return rows


class ScheduleForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã biểu phí"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Tên biểu phí"), max_length=255)
    effective_from = forms.DateField(label=gettext_lazy("Hiệu lực từ"))
    effective_to = forms.DateField(label=gettext_lazy("Hiệu lực đến"), required=False)
    base_rate = forms.CharField(label=gettext_lazy("Mức phí cơ bản (%/tháng)"), initial="0.032")
    # xgettext:no-python-format (a percent sign, not a placeholder)
    commission_rate = forms.CharField(label=gettext_lazy("Tỷ lệ hoa hồng (% số lãi thu được)"))
    bands = forms.CharField(
        label=gettext_lazy("Khung hệ số (mỗi dòng: từ %; đến dưới % hoặc để trống; hệ số %)"), widget=forms.Textarea,
        initial="0;2;100\n2;3;80\n3;4;50\n4;;0")
    shares = forms.CharField(
        label=gettext_lazy("Phân chia giữa các cấp (mỗi dòng: COMMUNE/DISTRICT/PROVINCE/CENTRAL; %)"),
        widget=forms.Textarea, initial="COMMUNE;84\nPROVINCE;13.5\nCENTRAL;2.5")
    program_rates = forms.CharField(
        label=gettext_lazy("Mức riêng theo chương trình (mỗi dòng: mã; phí %/tháng; hoa hồng %/tháng)"),
        widget=forms.Textarea, required=False, initial="12;0.003;0.005")
    source_document = forms.CharField(label=gettext_lazy("Văn bản nguồn"), max_length=500)
    confidence = forms.ChoiceField(label=gettext_lazy("Độ tin cậy"), choices=Confidence.choices,
                                   initial=Confidence.MEDIUM)
    commission_confidence = forms.ChoiceField(label=gettext_lazy("Độ tin cậy của tỷ lệ hoa hồng"),
                                              choices=Confidence.choices, initial=Confidence.UNVERIFIED)
    notes = forms.CharField(label=gettext_lazy("Ghi chú"), widget=forms.Textarea, required=False)

    def clean_bands(self):
        return [(lower, upper or None, multiplier) for lower, upper, multiplier in _lines(self.cleaned_data["bands"],
                                                                                          3, "bands")]

    def clean_shares(self):
        return _lines(self.cleaned_data["shares"], 2, "shares")

    def clean_program_rates(self):
        return _lines(self.cleaned_data["program_rates"], 3, "program_rates")


@login_required
def schedule_publish(request):
    deny_unless(can_publish_schedules(request.user))
    return form_page(
        request, title=_("Công bố biểu phí mới"), form_class=ScheduleForm,
        service=lambda data: fee_schedule_publish(actor=request.user, **data),
        success_url=lambda schedule: reverse("fee-schedule-detail", args=[schedule.code]),
        success_message=_("Đã công bố biểu phí."), cancel_url=reverse("fee-schedule-list"),
        breadcrumbs=_crumbs(Breadcrumb(_("Biểu phí"), reverse("fee-schedule-list")), Breadcrumb(_("Công bố"))),
        submit_label=_("Công bố"),
        intro=_("Biểu phí bị từ chối nếu vượt mức trần pháp lý (phí + hoa hồng ≤ 0,125%/tháng dư nợ), các khung hở "
                "hoặc chồng lấn, tổng phân chia khác 100%, hoặc trùng thời gian hiệu lực với biểu phí khác."),
    )


urlpatterns = [
    path("fees/", fee_list, name="fee-list"),
    path("fees/<int:pk>/", fee_detail, name="fee-detail"),
    path("fees/<int:pk>/print/", fee_print, name="fee-print"),
    path("fees/<int:pk>/xlsx/", fee_xlsx, name="fee-xlsx"),
    path("fees/<int:pk>/pay/", fee_pay, name="fee-pay"),
    path("commissions/", fee_list, {"commissions": True}, name="fee-commission-list"),
    path("commissions/<int:pk>/", commission_detail, name="fee-commission-detail"),
    path("commissions/<int:pk>/pay/", commission_pay, name="fee-commission-pay"),
    # Public reference data, like /programs/.
    path("fee-schedules/", schedule_list, name="fee-schedule-list"),
    path("fee-schedules/new/", schedule_publish, name="fee-schedule-publish"),
    path("fee-schedules/<str:code>/", schedule_detail, name="fee-schedule-detail"),
]
