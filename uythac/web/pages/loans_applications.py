"""Application pages: 01/TD → review meeting (10C/TD minutes, 03/TD list) → commune confirmation → complete dossier
and approval within the deadline (3 working days, rule ``loans.approval.working_days``) → notice 04/TD →
disbursement at the office or at the commune session desk (process.md §3.1).

* ``/applications/`` — by state, group, late approvals; ``/applications/new/`` — a 01/TD (group leaders and
  associations for their groups, bank staff also for direct loans).
* ``/groups/<code>/review-meetings/new/`` — the group's review meeting deciding its pending applications.
* ``/applications/<id>/`` — the dossier with its status history and the next step the user may record; the steps
  (``confirm``, ``complete``, ``approve``, ``reject``, ``notice``, ``disburse``) are bank-side writes
  (``access_application(for_write=True)``: 403 for the others). The commune People's Committee signs the 03/TD on
  paper; the credit officer records its confirmation (UBND users read the dossiers, read-only).
* ``/applications/<id>/notice-04/`` — the printable notice 04/TD listing every household of that notice.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.core.access import deny_unless
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.groups.access import access_group, group_queryset_for
from uythac.households.access import household_queryset_for
from uythac.loans.access import access_application, application_queryset_for, can_write_loans
from uythac.loans.eligibility import check_eligibility
from uythac.loans.models import ApplicationStatus, LoanChannel
from uythac.loans.selectors import application_deadline_missed
from uythac.loans.services import (
    ReviewDecision,
    application_approve,
    application_confirm_by_commune,
    application_mark_complete,
    application_reject,
    application_submit,
    approval_notice_issue,
    loan_disburse,
    review_meeting_record,
)
from uythac.transaction_sessions.access import session_queryset_for
from uythac.transaction_sessions.models import SessionStatus
from uythac.web.crud import Breadcrumb, Column, form_page, list_page, object_form_page
from uythac.web.forms.sessions import parse_vnd
from uythac.web.pages.loans_forms import (
    ApplicationFilterForm,
    ApplicationForm,
    ApproveForm,
    CompleteForm,
    ConfirmForm,
    NoticeForm,
    OfficeDisburseForm,
    RejectForm,
)
from uythac.web.pages.loans_related import application_link, can_submit_applications, group_url, household_url

S = ApplicationStatus
REVIEWABLE = [S.SUBMITTED, S.NOT_AGREED]


def on_field(call, mapping: dict[str, str]):
    """``call`` whose refusals naming a service argument (e.g. ``amount``) land on the form field of another name
    (e.g. ``approved_amount``)."""

    def wrapped(*args, **kwargs):
        try:
            return call(*args, **kwargs)
        except DomainError as error:
            if error.field in mapping:
                raise DomainError(error.text(), field=mapping[error.field]) from None
            raise

    return wrapped


def application_crumbs(application=None) -> list[Breadcrumb]:
    crumbs = [Breadcrumb(_("Hồ sơ vay vốn"), reverse("application-list"))]
    if application is not None:
        crumbs.append(Breadcrumb(f"#{application.pk} {application.household.name}", application_link(application)))
    return crumbs


def deadline_text(application, on: dt.date) -> str:
    """"còn N ngày" / "trễ N ngày" against the approval deadline (blank before the dossier is complete)."""
    deadline = application.approval_deadline
    if deadline is None:
        return ""
    if application_deadline_missed(application, on):
        late = ((application.decided_on or on) - deadline).days
        return _("Trễ %(n)d ngày") % {"n": late}
    if application.status == S.COMPLETE:
        return _("Còn %(n)d ngày") % {"n": (deadline - on).days}
    return _("Đúng hạn")


@login_required
def application_list(request):
    user = request.user
    applications = application_queryset_for(user).select_related("household", "group", "program")
    form = ApplicationFilterForm(request.GET or None)
    on = today()
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            applications = applications.filter(status=data["status"])
        if data["group"]:
            applications = applications.filter(group__code=data["group"].strip().zfill(7))
        if data["late"]:
            applications = applications.filter(status=S.COMPLETE, approval_deadline__lt=on)
    return list_page(
        request,
        title=_("Hồ sơ vay vốn"),
        queryset=applications.order_by("-submitted_on", "-id"),
        columns=[
            Column(_("Số"), lambda a: f"#{a.pk}", link=application_link),
            Column(_("Hộ vay"), "household.name", link=application_link),
            Column(_("Tổ"), lambda a: a.group.code if a.group_id else _("Trực tiếp")),
            Column(_("Chương trình"), "program.code"),
            Column(_("Số tiền đề nghị (đ)"), "requested_amount"),
            Column(_("Ngày nộp"), "submitted_on"),
            Column(_("Trạng thái"), lambda a: a.get_status_display()),
            Column(_("Hạn phê duyệt"), "approval_deadline"),
            Column(_("Tiến độ"), lambda a: deadline_text(a, on)),
        ],
        code_fields=("household__customer_code",),
        name_fields=("household__name_search",),
        create_url=reverse("application-create") if can_submit_applications(user) else None,
        create_label=_("Lập giấy đề nghị vay vốn (01/TD)"),
        filters_template="web/loan_list_filters.html",
        extra={"filter_form": form if form.is_bound else ApplicationFilterForm()},
    )


@login_required
def application_new(request):
    user = request.user
    deny_unless(can_submit_applications(user))
    code = request.POST.get("group") or request.GET.get("group") or (user.group.code if user.group_id else "")
    initial = {"submitted_on": today(), "group": code, "household": request.GET.get("household", ""), "program": "01"}
    group = group_queryset_for(user).filter(code=str(code).strip().zfill(7)).first() if code else None
    # The group's current members, offered as suggestions for the customer code (typing any code still works).
    members = list(household_queryset_for(user).filter(
        memberships__group=group, memberships__left_on__isnull=True).order_by("name")[:300]) if group else []

    def submit(data):
        data = dict(data)
        for optional in ("group", "category", "office"):
            data[optional] = (data.get(optional) or "").strip() or None
        data["household"] = data["household"].strip()
        if data["installment_frequency_months"] is None:
            data.pop("installment_frequency_months")
        # The 01/TD is checked against the program's conditions on its date (household status on the current
        # list, membership, term, caps); a refusal rolls the submission back and shows on the field concerned.
        with transaction.atomic():
            application = application_submit(actor=user, **data)
            check_eligibility(application, amount=application.requested_amount, on=application.submitted_on)
        return application

    return form_page(
        request, title=_("Giấy đề nghị vay vốn (01/TD)"), form_class=ApplicationForm,
        form_kwargs={"initial": initial, "direct_allowed": can_write_loans(user)},
        service=on_field(submit, {"amount": "requested_amount"}),
        success_url=application_link,
        success_message=_("Đã ghi nhận giấy đề nghị vay vốn: chờ tổ họp bình xét."),
        breadcrumbs=[*application_crumbs(), Breadcrumb(_("Lập mới"))], cancel_url=reverse("application-list"),
        template="web/application_form.html", extra={"members": members},
        intro=_("Hộ vay nộp giấy đề nghị cho tổ trưởng tổ TK&VV; điều kiện vay (diện hộ, tổ viên, mức cho vay tối "
                "đa, thời hạn) được kiểm tra khi lưu."),
    )


# --- the dossier --------------------------------------------------------------------------------------------------

STEPS = {
    # status → (label, url name) of the next bank-side steps
    S.REVIEWED: [(_("Ghi nhận UBND xã xác nhận (03/TD)"), "application-confirm")],
    S.CONFIRMED: [(_("Ghi nhận hồ sơ đầy đủ"), "application-complete")],
    S.COMPLETE: [(_("Phê duyệt"), "application-approve")],
    S.APPROVED: [(_("Lập thông báo 04/TD"), "application-notice"), (_("Giải ngân tại phòng giao dịch"),
                                                                   "application-disburse")],
    S.NOTIFIED: [(_("Giải ngân tại phòng giao dịch"), "application-disburse")],
}
DIRECT_STEPS = {S.SUBMITTED: [(_("Ghi nhận hồ sơ đầy đủ"), "application-complete")]}
REJECTABLE = [S.SUBMITTED, S.REVIEWED, S.NOT_AGREED, S.CONFIRMED, S.COMPLETE]


def _next_steps(user, application) -> list[tuple[str, str, bool]]:
    if not can_write_loans(user):
        return []
    steps = (DIRECT_STEPS if application.channel == LoanChannel.DIRECT else {}).get(application.status) or STEPS.get(
        application.status, [])
    result = [(label, reverse(name, args=[application.pk]), False) for label, name in steps]
    if application.status in REJECTABLE:
        result.append((_("Không phê duyệt"), reverse("application-reject", args=[application.pk]), True))
    return result


def _open_sessions(user, application):
    if application.group_id is None or application.status not in (S.APPROVED, S.NOTIFIED):
        return []
    return list(session_queryset_for(user).filter(
        transaction_point_id=application.group.transaction_point_id, status=SessionStatus.OPEN,
    ).order_by("-session_date")[:5])


@login_required
def application_detail(request, pk):
    user = request.user
    application = access_application(user, pk)
    on = today()
    loan = getattr(application, "loan", None) if application.status == S.DISBURSED else None
    context = {
        "title": _("Hồ sơ vay vốn #%(id)s — %(name)s") % {"id": application.pk, "name": application.household.name},
        "application": application,
        "breadcrumbs": application_crumbs()[:1] + [Breadcrumb(f"#{application.pk}")],
        "household_url": household_url(application.household, household_queryset_for(user)),
        "group_url": group_url(application.group, user),
        "deadline": deadline_text(application, on),
        "late": application_deadline_missed(application, on),
        "steps": _next_steps(user, application),
        "review_url": (reverse("group-review-create", args=[application.group.code])
                       if application.status in REVIEWABLE and application.group_id
                       and can_submit_applications(user) else None),
        "sessions": _open_sessions(user, application),
        "changes": application.status_changes.select_related("actor").order_by("created_at", "id"),
        "reviews": application.review_items.select_related("meeting__group_meeting").order_by(
            "meeting__group_meeting__held_on", "id"),
        "loan": loan,
        "notice_url": (reverse("application-notice-print", args=[application.pk])
                       if application.notice_number else None),
    }
    return render(request, "web/application_detail.html", context)


def _step(request, pk, *, step, form_class, call, done, initial=None, form_kwargs=None, intro=None, success=None):
    application = access_application(request.user, pk, for_write=True)
    back = application_link(application)
    options = {
        "title": f"{step} — #{application.pk} {application.household.name}", "form_class": form_class,
        "form_kwargs": {"initial": initial or {}, **(form_kwargs or {})},
        "service": lambda data: call(application, data), "success_message": done, "intro": intro,
    }
    if success is not None:
        return form_page(request, success_url=success, cancel_url=back,
                         breadcrumbs=[*application_crumbs(application), Breadcrumb(step)], **options)
    return object_form_page(request, back_url=back, trail=application_crumbs(application), step=step, **options)


@login_required
def application_confirm(request, pk):
    return _step(
        request, pk, step=_("Xác nhận của UBND xã (03/TD)"), form_class=ConfirmForm, initial={"confirmed_on": today()},
        call=lambda a, d: application_confirm_by_commune(actor=request.user, application=a, **d),
        done=_("Đã ghi nhận xác nhận của UBND xã."),
        intro=_("UBND xã xác nhận hộ vay thuộc đối tượng và cư trú hợp pháp trên danh sách 03/TD sau khi tổ bình xét."),
    )


@login_required
def application_complete(request, pk):
    return _step(
        request, pk, step=_("Hồ sơ đầy đủ"), form_class=CompleteForm, initial={"complete_on": today()},
        call=lambda a, d: application_mark_complete(actor=request.user, application=a, **d),
        done=_("Đã ghi nhận hồ sơ đầy đủ: thời hạn phê duyệt bắt đầu tính."),
        intro=_("Ngân hàng phải thẩm định, phê duyệt trong 3 ngày làm việc kể từ ngày nhận đủ hồ sơ."),
    )


@login_required
def application_approve_page(request, pk):
    return _step(
        request, pk, step=_("Phê duyệt cho vay"), form_class=ApproveForm, initial={"approved_on": today()},
        call=on_field(lambda a, d: application_approve(actor=request.user, application=a, **d),
                      {"amount": "approved_amount"}),
        done=_("Đã phê duyệt hồ sơ vay vốn."),
    )


@login_required
def application_reject_page(request, pk):
    return _step(
        request, pk, step=_("Không phê duyệt"), form_class=RejectForm, initial={"rejected_on": today()},
        call=lambda a, d: application_reject(actor=request.user, application=a, **d),
        done=_("Đã ghi nhận không phê duyệt."),
    )


@login_required
def application_notice(request, pk):
    user = request.user
    application = access_application(user, pk, for_write=True)
    others = application_queryset_for(user).filter(status=S.APPROVED, office_id=application.office_id).exclude(
        pk=application.pk).select_related("household", "program")
    if application.group_id:
        others = others.filter(group_id=application.group_id)

    def call(a, data):
        data = dict(data)
        listed = [a, *data.pop("others", [])]
        return approval_notice_issue(actor=user, applications=listed, **data)[0]

    return _step(
        request, pk, step=_("Thông báo kết quả phê duyệt (04/TD)"), form_class=NoticeForm,
        form_kwargs={"others": others}, call=call, done=_("Đã lập thông báo 04/TD."),
        initial={"notice_on": today(), "planned_disbursement_place": (
            application.group.transaction_point.name if application.group_id else application.office.name)},
    )


@login_required
def application_disburse(request, pk):
    user = request.user
    application = access_application(user, pk, for_write=True)
    return _step(
        request, pk, step=_("Giải ngân tại phòng giao dịch"), form_class=OfficeDisburseForm,
        initial={"disbursed_on": today()},
        call=lambda a, d: loan_disburse(actor=user, application=a, **d),
        done=_("Đã giải ngân."), success=lambda loan: reverse("loan-detail", args=[loan.loan_number]),
        intro=_("Tiền mặt chi tại quầy phòng giao dịch %(office)s. Giải ngân tại điểm giao dịch xã thì thực hiện ở "
                "bàn giao dịch của phiên.") % {"office": application.office.name},
    )


@login_required
def application_notice_print(request, pk):
    user = request.user
    application = access_application(user, pk)
    listed = application_queryset_for(user).filter(
        notice_number=application.notice_number, notice_on=application.notice_on, office_id=application.office_id,
    ).exclude(notice_number="").select_related("household", "program", "group").order_by("household__name")
    return render(request, "web/application_notice.html", {
        "title": _("Thông báo kết quả phê duyệt cho vay (mẫu 04/TD)"), "application": application,
        "listed": listed, "total": sum(a.approved_amount or 0 for a in listed),
        "breadcrumbs": [*application_crumbs(application), Breadcrumb(_("Thông báo 04/TD"))],
    })


# --- the review meeting ------------------------------------------------------------------------------------------


def _decisions(post, pending) -> tuple[list[ReviewDecision], list[str]]:
    decisions, problems = [], []
    for application in pending:
        choice = post.get(f"decision-{application.pk}", "")
        if choice not in ("yes", "no"):
            continue
        try:
            amount = parse_vnd(post.get(f"amount-{application.pk}"))
        except ValueError:
            problems.append(_("Giấy đề nghị #%(id)s: số tiền phải là số nguyên đồng.") % {"id": application.pk})
            continue
        decisions.append(ReviewDecision(application, choice == "yes", amount if choice == "yes" else None,
                                        post.get(f"note-{application.pk}", "")[:255]))
    return decisions, problems


@login_required
def group_review(request, code):
    user = request.user
    group = access_group(user, code)
    deny_unless(can_submit_applications(user))
    pending = list(application_queryset_for(user).filter(group=group, status__in=REVIEWABLE)
                   .select_related("household", "program").order_by("submitted_on", "id"))
    errors: dict[str, list[str]] = {}
    post = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        decisions, problems = _decisions(post, pending)
        try:
            attendees = int(post.get("attendee_count", "").strip() or "0")
        except ValueError:
            attendees = -1
        held_on = _parse_date(post.get("held_on", ""))
        if problems:
            errors["decisions"] = problems
        elif held_on is None:
            errors["held_on"] = [_("Ngày họp không hợp lệ: nhập dạng dd/mm/yyyy.")]
        else:
            try:
                review_meeting_record(
                    actor=user, group=group, held_on=held_on, minutes_number=post.get("minutes_number", ""),
                    request_list_number=post.get("request_list_number", ""), attendee_count=attendees,
                    association_present=bool(post.get("association_present")),
                    village_head_present=bool(post.get("village_head_present")), decisions=decisions,
                    note=post.get("note", ""), association_officer_name=post.get("association_officer_name", ""),
                    village_head_name=post.get("village_head_name", ""),
                )
            except DomainError as error:
                errors = {field: list(messages_) for field, messages_ in error.message_dict.items()} if hasattr(
                    error, "error_dict") else {"decisions": error.messages}
            else:
                messages.success(request, _("Đã ghi biên bản họp bình xét (10C/TD) và danh sách 03/TD."))
                return redirect(reverse("group-detail", args=[group.code]))
    rows = [{"application": a, "decision": post.get(f"decision-{a.pk}", ""),
             "amount": post.get(f"amount-{a.pk}", ""), "note": post.get(f"note-{a.pk}", "")} for a in pending]
    return render(request, "web/application_review.html", {
        "title": _("Họp bình xét cho vay — %(group)s") % {"group": group.name},
        "group": group, "rows": rows, "errors": errors, "post": post,
        "held_on": post.get("held_on", today().strftime("%d/%m/%Y")),
        "breadcrumbs": [Breadcrumb(_("Tổ TK&VV"), reverse("group-list")),
                        Breadcrumb(group.name, reverse("group-detail", args=[group.code])),
                        Breadcrumb(_("Họp bình xét"))],
    }, status=400 if errors else 200)


def _parse_date(raw: str):
    try:
        return dt.datetime.strptime(raw.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


urlpatterns = [
    path("applications/", application_list, name="application-list"),
    path("applications/new/", application_new, name="application-create"),
    path("applications/<str:pk>/", application_detail, name="application-detail"),
    path("applications/<str:pk>/confirm/", application_confirm, name="application-confirm"),
    path("applications/<str:pk>/complete/", application_complete, name="application-complete"),
    path("applications/<str:pk>/approve/", application_approve_page, name="application-approve"),
    path("applications/<str:pk>/reject/", application_reject_page, name="application-reject"),
    path("applications/<str:pk>/notice/", application_notice, name="application-notice"),
    path("applications/<str:pk>/notice-04/", application_notice_print, name="application-notice-print"),
    path("applications/<str:pk>/disburse/", application_disburse, name="application-disburse"),
    path("groups/<str:code>/review-meetings/new/", group_review, name="group-review-create"),
]
