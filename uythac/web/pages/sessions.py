"""Commune transaction session pages: the list, opening a session, the session desk, and the group leader's 13/TD.

* ``/sessions/`` — sessions the user may see (by the point's commune), searchable by point, filterable by date.
* ``/sessions/new/`` — open a session (bank team only).
* ``/sessions/<id>/`` — the desk: leaders' batches to hand over (cash count by denomination, difference flagged;
  the commune association's check of each 13/TD — the association officer of the group's organization records it
  here with the action ``batch_check``, the only POST a non-team user may make —, unchecked lists flagged),
  disbursements per 04/TD notices, principal repayments (in cash or from savings), fees and commissions, the giao
  ban attendance, the session's journal and corrections, the close button. Every POST names an ``action`` and calls
  ONE service; a refusal re-renders the desk (400) with the message next to that form. Read-only for everyone but
  the bank team (403 on POST), 404 out of scope.
* ``/groups/<code>/collections/new/`` — the leader's phone-friendly collection list: one row per member with the
  receipt number and date, interest per loan and a deposit (never principal). A hidden idempotency key generated
  with the page makes a resent form post once.
"""

import datetime as dt
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import point_queryset_for
from uythac.core.access import deny_unless
from uythac.core.audit import audit_history
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.core.rules import rule_get
from uythac.fees.access import commission_statement_queryset_for, fee_statement_queryset_for
from uythac.fees.payments import fees_payable_at_session
from uythac.groups.access import access_group
from uythac.groups.models import GroupBoardTerm, GroupMembership
from uythac.ledger.chart import AccountCode, SubledgerType
from uythac.ledger.selectors import balance
from uythac.loans.access import application_queryset_for, loan_queryset_for
from uythac.loans.models import ApplicationStatus, LoanStatus
from uythac.savings.models import MemberSavingsAccount, SavingsAccountStatus
from uythac.transaction_sessions.access import (
    access_session,
    batch_queryset_for,
    can_submit_batches,
    can_write_sessions,
    session_queryset_for,
)
from uythac.transaction_sessions.batch_check import RULE as BATCH_CHECK_RULE
from uythac.transaction_sessions.batch_check import batch_check, can_check_batches, unchecked_handed_over
from uythac.transaction_sessions.batches import DENOMINATIONS, pending_batches_for_point
from uythac.transaction_sessions.models import BatchStatus, SessionStatus
from uythac.transaction_sessions.services import (
    batch_handover,
    batch_submit,
    session_attendance_record,
    session_close,
    session_disburse,
    session_entry_reverse,
    session_open,
    session_payment_add,
    session_payment_remove,
    session_repay_principal,
)
from uythac.web.crud import Breadcrumb, Column, form_page, list_page
from uythac.web.forms.sessions import (
    AttendanceForm,
    CloseForm,
    DisburseForm,
    HandoverForm,
    PaymentForm,
    RepayForm,
    ReverseForm,
    SessionOpenForm,
    parse_vnd,
    team_queryset,
)
from uythac.web.pages.groups import group_crumbs, group_link


def session_link(session) -> str:
    return reverse("session-detail", args=[session.pk])


def _session_crumbs(session=None) -> list[Breadcrumb]:
    crumbs = [Breadcrumb(_("Phiên giao dịch xã"), reverse("session-list"))]
    if session is not None:
        crumbs.append(Breadcrumb(str(session)))
    return crumbs


@login_required
def session_list(request):
    sessions = session_queryset_for(request.user).select_related("transaction_point", "team_leader")
    day = None
    raw = request.GET.get("date", "").strip()
    if raw:
        try:
            day = dt.datetime.strptime(raw, "%d/%m/%Y").date()
        except ValueError:
            messages.error(request, _("Ngày «%(value)s» không hợp lệ: nhập dạng dd/mm/yyyy.") % {"value": raw})
        else:
            sessions = sessions.filter(session_date=day)
    return list_page(
        request,
        title=_("Phiên giao dịch xã"),
        queryset=sessions,
        columns=[
            Column(_("Ngày"), "session_date", link=session_link),
            Column(_("Mã điểm"), "transaction_point.code", link=session_link),
            Column(_("Điểm giao dịch"), "transaction_point.name"),
            Column(_("Trạng thái"), lambda s: s.get_status_display()),
            Column(_("Tổ trưởng tổ giao dịch"), lambda s: s.team_leader.get_full_name() or s.team_leader.username),
        ],
        code_fields=("transaction_point__code",),
        name_fields=("transaction_point__name_search",),
        create_url=reverse("session-create") if can_write_sessions(request.user) else None,
        create_label=_("Mở phiên giao dịch"),
        filters_template="web/session_list_filters.html",
        extra={"date_filter": raw if day or raw else ""},
    )


@login_required
def session_new(request):
    user = request.user
    deny_unless(can_write_sessions(user))
    points = point_queryset_for(user).filter(is_active=True).select_related("commune")
    chosen = points.filter(code=request.POST.get("point") or request.GET.get("point")).first()
    if chosen is None and points.count() == 1:
        chosen = points.first()
    # The team comes from the PGD serving the chosen point (or any point the user may open a session at).
    staff = team_queryset(chosen) if chosen else team_queryset(None, offices=points.values("office_id"))
    initial = {"session_date": today(), "point": chosen.code if chosen else None}
    if staff.filter(pk=user.pk).exists():
        initial["team_leader"] = user.username
    return form_page(
        request,
        title=_("Mở phiên giao dịch xã"),
        form_class=SessionOpenForm,
        form_kwargs={"points": points, "staff": staff, "initial": initial},
        service=lambda data: session_open(actor=user, opening_cash=data.pop("opening_cash") or 0, **data),
        success_url=session_link,
        success_message=_("Đã mở phiên giao dịch."),
        breadcrumbs=[*_session_crumbs(), Breadcrumb(_("Mở phiên"))],
        cancel_url=reverse("session-list"),
        submit_label=_("Mở phiên"),
        intro=_("Tổ giao dịch gồm tổ trưởng (thường là cán bộ tín dụng phụ trách xã), kiểm soát viên và thủ quỹ. "
                "Tiền mặt mang đi được ghi nhận từ quỹ phòng giao dịch."),
    )


# --- the desk ------------------------------------------------------------------------------------------------

def _desk_actions(user, session):
    """action name → (form class, service call taking (form, request))."""

    def handover(form, request):
        return batch_handover(actor=user, session=session, batch=form.cleaned_data["batch"],
                              counted_total=form.cleaned_data["counted_total"], cash_count=form.cash_count(),
                              difference_note=form.cleaned_data["difference_note"])

    def disburse(form, request):
        return session_disburse(actor=user, session=session, application=form.cleaned_data["application"],
                                loan_number=form.cleaned_data["loan_number"].strip())

    def repay(form, request):
        data = form.cleaned_data
        return session_repay_principal(actor=user, session=session, loan=data["loan"].strip(), amount=data["amount"],
                                       from_savings=data["from_savings"],
                                       savings_account=(data["savings_account"] or "").strip() or None)

    def payment(form, request):
        return session_payment_add(actor=user, session=session, **form.service_arguments())

    def attendance(form, request):
        return session_attendance_record(actor=user, session=session,
                                         attendees=form.attendees(request.POST, _groups_at(session)),
                                         briefing_notes=form.cleaned_data["briefing_notes"])

    def close(form, request):
        return session_close(actor=user, session=session, closing_cash=form.cleaned_data["closing_cash"],
                             notes=form.cleaned_data["notes"])

    def reverse_entry(form, request):
        data = form.cleaned_data
        return session_entry_reverse(actor=user, session=session, entry=data["entry"], reason=data["reason"],
                                     on=data["on"])

    return {
        "handover": (HandoverForm, handover, _("Đã nhận bàn giao bảng kê và hạch toán.")),
        "disburse": (DisburseForm, disburse, _("Đã giải ngân.")),
        "repay": (RepayForm, repay, _("Đã thu nợ gốc.")),
        "payment": (PaymentForm, payment, _("Đã ghi khoản chi; hạch toán khi đóng phiên.")),
        "attendance": (AttendanceForm, attendance, _("Đã lưu thành phần dự giao ban.")),
        "close": (CloseForm, close, _("Đã đóng phiên giao dịch.")),
        "reverse": (ReverseForm, reverse_entry, _("Đã hạch toán bút toán đảo.")),
    }


def _fees_payable(user, session) -> dict:
    """The statements payable at the session, each marked ``visible`` when the user may open it: a group leader or
    an association officer sees the session but not the other units' statements (their links answered 404)."""
    payable = fees_payable_at_session(session)
    fees = set(fee_statement_queryset_for(user).filter(pk__in=[s.pk for s in payable["fees"]])
               .values_list("pk", flat=True))
    commissions = set(commission_statement_queryset_for(user).filter(pk__in=[s.pk for s in payable["commissions"]])
                      .values_list("pk", flat=True))
    for statement in payable["fees"]:
        statement.visible = statement.pk in fees
    for statement in payable["commissions"]:
        statement.visible = statement.pk in commissions
    return payable


def _groups_at(session):
    return list(session.transaction_point.savings_groups.filter(status="ACTIVE").order_by("code"))


def _form_errors(form) -> list[str]:
    return [f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
            for name, errors in form.errors.items() for error in errors]


class BatchCheckForm(forms.Form):
    batch = forms.IntegerField(label=_("Bảng kê"))
    checked_on = forms.DateField(label=_("Ngày kiểm tra"))
    check_note = forms.CharField(label=_("Ý kiến kiểm tra"), max_length=255, required=False)


def _batch_check(request, user, session) -> list[str]:
    """The association's check of a pending 13/TD (the service checks role, organization and scope)."""
    if not can_check_batches(user):
        raise PermissionDenied(_("Chỉ cán bộ hội cấp xã được xác nhận kiểm tra bảng kê 13/TD."))
    form = BatchCheckForm(request.POST)
    if not form.is_valid():
        return _form_errors(form)
    try:
        batch_check(actor=user, batch=form.cleaned_data["batch"], checked_on=form.cleaned_data["checked_on"],
                    note=form.cleaned_data["check_note"])
    except DomainError as error:
        return error.messages
    return []


@login_required
def session_detail(request, pk):
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    session = access_session(user, pk, for_write=request.method == "POST" and action != "batch_check")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if action == "batch_check":
            if not (errors := {action: msgs} if (msgs := _batch_check(request, user, session)) else {}):
                messages.success(request, _("Đã ghi nhận hội kiểm tra bảng kê."))
                return redirect(session_link(session) + "#batches")
        elif action == "payment_remove":
            try:
                session_payment_remove(actor=user, session=session, payment=request.POST.get("payment"))
            except DomainError as error:
                errors[action] = error.messages
            else:
                messages.success(request, _("Đã xóa khoản chi."))
                return redirect(session_link(session) + "#payments")
        elif action in (actions := _desk_actions(user, session)):
            form_class, call, done = actions[action]
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    call(form, request)
                except DomainError as error:
                    errors[action] = error.messages
                else:
                    messages.success(request, done)
                    return redirect(session_link(session))
            else:
                errors[action] = _form_errors(form)
        else:
            raise PermissionDenied(_("Thao tác không hợp lệ."))
        session.refresh_from_db()
    return render(request, "web/session_desk.html", _desk_context(user, session, errors),
                  status=400 if errors else 200)


def _desk_context(user, session, errors) -> dict:
    point = session.transaction_point
    writable = can_write_sessions(user) and session.status == SessionStatus.OPEN
    pending = pending_batches_for_point(point) if session.status == SessionStatus.OPEN else []
    pending_ids = [batch.pk for batch in pending]
    visible_batches = set(batch_queryset_for(user).filter(pk__in=pending_ids).values_list("pk", flat=True))
    pending = [batch for batch in pending if batch.pk in visible_batches]
    for batch in pending:
        batch.receipt_count = batch.receipts.count()
    handed = list(session.batches.select_related("group").annotate(receipt_count=Count("receipts")).order_by("id"))
    notices = (
        application_queryset_for(user)
        .filter(group__transaction_point=point, status__in=[ApplicationStatus.APPROVED, ApplicationStatus.NOTIFIED])
        .select_related("household", "group", "program").order_by("planned_disbursement_on", "id")
    )
    due = Sum(F("installments__principal") - F("installments__principal_paid"),
              filter=Q(installments__due_on__lte=session.session_date))
    loans = (
        loan_queryset_for(user).filter(transaction_point=point, status=LoanStatus.OPEN)
        .select_related("household", "group").annotate(principal_due=due).order_by("group__code", "loan_number")
    )
    groups = _groups_at(session)
    boards = {term.group_id: term.leader.name for term in GroupBoardTerm.objects.filter(
        group__in=groups, ended_on__isnull=True).select_related("leader")}
    present = {row.group_id: row.name for row in session.attendees.filter(role="GROUP_LEADER")}
    return {
        "title": str(session),
        "session": session,
        "breadcrumbs": _session_crumbs(session),
        "can_write": writable,
        "can_correct": can_write_sessions(user),
        "fees_payable": _fees_payable(user, session),
        "till": balance(AccountCode.CASH_TELLER, subledger_type=SubledgerType.SESSION, subledger_key=str(session.pk)),
        "pending": pending,
        "handed": handed,
        "notices": notices,
        "loans": loans,
        "payments": session.payments.select_related("association_unit", "group", "entry").order_by("id"),
        "attendees": session.attendees.select_related("association_unit", "group").order_by("role", "name"),
        "leaders": [(group, present.get(group.pk, boards.get(group.pk, "")), group.pk in present) for group in groups],
        "entries": session.entries.select_related("entry").order_by("id"),
        "denominations": DENOMINATIONS,
        "errors": errors,
        "today": today(),
        "history": audit_history("transactionsession", str(session.pk))[:200],
        "can_check": can_check_batches(user) and session.status == SessionStatus.OPEN,
        "unchecked_handed": unchecked_handed_over(session),
        "check_rule": _check_rule(session),
    }


def _check_rule(session):
    try:
        return rule_get(BATCH_CHECK_RULE, on=session.session_date)
    except DomainError:
        return None


# --- the leader's collection list (13/TD) -----------------------------------------------------------------------

def _members_with_lines(group, on):
    memberships = (
        GroupMembership.objects.filter(group=group, left_on__isnull=True).select_related("household")
        .order_by("household__name")
    )
    rows = []
    for membership in memberships:
        household = membership.household
        loans = list(household.loans.filter(group=group, status=LoanStatus.OPEN).order_by("loan_number"))
        account = MemberSavingsAccount.objects.filter(household=household, status=SavingsAccountStatus.ACTIVE).first()
        rows.append({"household": household, "loans": loans, "account": account})
    return rows


def _receipts_from_post(post, rows) -> tuple[list[dict], list[str]]:
    receipts, problems = [], []
    for row in rows:
        code = row["household"].customer_code
        amounts = {}
        try:
            interest = {loan.loan_number: parse_vnd(post.get(f"r-{code}-interest-{loan.loan_number}"))
                        for loan in row["loans"]}
            savings = parse_vnd(post.get(f"r-{code}-savings"))
        except ValueError:
            problems.append(_("Tổ viên %(name)s: số tiền phải là số nguyên đồng.") % {"name": row["household"].name})
            continue
        amounts = {number: amount for number, amount in interest.items() if amount is not None}
        if not amounts and savings is None:
            continue
        raw_date = (post.get(f"r-{code}-date") or "").strip()
        try:
            collected_on = dt.datetime.strptime(raw_date, "%d/%m/%Y").date() if raw_date else None
        except ValueError:
            problems.append(_("Tổ viên %(name)s: ngày thu «%(value)s» không hợp lệ (dd/mm/yyyy).")
                            % {"name": row["household"].name, "value": raw_date})
            continue
        receipt = {"household": code, "receipt_number": (post.get(f"r-{code}-receipt") or "").strip(),
                   "collected_on": collected_on, "interest": amounts}
        if savings is not None:
            receipt["savings"] = savings
        receipts.append(receipt)
    return receipts, problems


def _refill(rows, post) -> None:
    """What was typed, shown again when the list is refused (a phone form must not lose it)."""
    day = today().strftime("%d/%m/%Y")
    for row in rows:
        code = row["household"].customer_code
        row["receipt_value"] = post.get(f"r-{code}-receipt", "")
        row["date_value"] = post.get(f"r-{code}-date", day)
        row["savings_value"] = post.get(f"r-{code}-savings", "")
        row["loan_values"] = [(loan, post.get(f"r-{code}-interest-{loan.loan_number}", "")) for loan in row["loans"]]


@login_required
def collection_new(request, code):
    user = request.user
    group = access_group(user, code)
    deny_unless(can_submit_batches(user) and (user.role != "group_leader" or user.group_id == group.pk))
    rows = _members_with_lines(group, today())
    errors: list[str] = []
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    if request.method == "POST":
        receipts, errors = _receipts_from_post(request.POST, rows)
        try:
            total = parse_vnd(request.POST.get("declared_total"))
        except ValueError:
            errors.append(_("Tổng tiền bảng kê phải là số nguyên đồng."))
            total = None
        if not errors:
            try:
                batch = batch_submit(actor=user, group=group, receipts=receipts, declared_total=total,
                                     idempotency_key=key, list_number=request.POST.get("list_number", ""))
            except DomainError as error:
                errors = error.messages
            else:
                messages.success(request, _("Đã gửi bảng kê #%(id)s (%(total)s đồng): chờ giao tiền tại phiên giao "
                                            "dịch.") % {"id": batch.pk, "total": f"{batch.declared_total:,}"
                                                       .replace(",", ".")})
                return redirect(reverse("group-collection-create", args=[group.code]))
    _refill(rows, request.POST)
    recent = batch_queryset_for(user).filter(group=group).select_related("session").order_by("-id")[:10]
    context = {
        "title": _("Bảng kê thu lãi, thu tiền gửi (13/TD) — %(group)s") % {"group": group.name},
        "group": group,
        "rows": rows,
        "post": request.POST,
        "errors": errors,
        "idempotency_key": key,
        "today": today(),
        "recent": recent,
        "statuses": BatchStatus,
        "breadcrumbs": [*group_crumbs(group), Breadcrumb(_("Bảng kê 13/TD"))],
        "group_url": group_link(group),
    }
    return render(request, "web/session_collection_form.html", context, status=400 if errors else 200)


urlpatterns = [
    path("sessions/", session_list, name="session-list"),
    path("sessions/new/", session_new, name="session-create"),
    path("sessions/<int:pk>/", session_detail, name="session-detail"),
    path("groups/<str:code>/collections/new/", collection_new, name="group-collection-create"),
]
