"""Loan pages: the scoped list, the loan's page (balances, rate timeline, schedule, events, postings, history) and
the changes a credit officer records on it (process.md §3.3–§3.6, §4).

* ``/loans/`` — loans the user may see (``loan_queryset_for``): filters status, program, group, commune, overdue
  only, 3-months-inactive (rule ``closing.inactive_3m`` on today's date); search by loan number, customer code or
  name; pager.
* ``/loans/<number>/`` — the loan; ``/loans/<number>/history/`` — its audit trail.
* ``/loans/<number>/adjust|extend|overdue|moved-away|risk/`` — one service each (08/TD, extension, 14/TD, moved
  away, 01/XLN). Written by credit officers and PGD staff in their communes (``can_write_loans``): 403 for the
  others, 404 out of scope like a missing loan.

Application pages are in ``loans_applications``, risk rounds in ``loans_risk``.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q, Sum
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from uythac.core.audit import audit_history
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.core.periods import inactive_cutoff
from uythac.core.rules import rule_value
from uythac.households.access import household_queryset_for
from uythac.ledger.chart import SubledgerType
from uythac.ledger.models import Posting
from uythac.loans.access import access_loan, can_write_loans, loan_queryset_for
from uythac.loans.freeze_expiry import freezes_expired
from uythac.loans.models import LoanEventKind, LoanStatus, RiskRound, RiskRoundStatus
from uythac.loans.selectors import interest_payable, loan_cache_matches_ledger, loans_moved_away
from uythac.loans.services import (
    installment_adjust,
    loan_extend,
    loan_mark_moved_away,
    overdue_transfer,
    risk_case_propose,
)
from uythac.programs.selectors import rate_segments
from uythac.web.crud import Breadcrumb, Column, list_page, object_form_page
from uythac.web.pages import loans_actions, loans_applications, loans_risk
from uythac.web.pages.loans_actions import REVERSIBLE
from uythac.web.pages.loans_forms import (
    AdjustForm,
    ExtendForm,
    LoanFilterForm,
    MovedAwayForm,
    OverdueForm,
    RiskProposeForm,
)
from uythac.web.pages.loans_related import group_url, household_url, loan_crumbs, loan_link

INACTIVE_RULE = "closing.inactive_3m"


def inactive_filter(on):
    """Open loans inactive 3 months on ``on`` (core.periods.is_inactive_3m; frozen and excluded programs left out)."""
    rule = rule_value(INACTIVE_RULE, on=on)
    cutoff = inactive_cutoff(on, months=int(rule["months"]))
    condition = Q(status=LoanStatus.OPEN, principal_frozen=0, last_transaction_on__lt=cutoff) & (
        Q(principal_current__gt=0) | Q(principal_overdue__gt=0))
    return condition & ~Q(program__code__in=list(rule.get("exclude_programs", []))), cutoff


@login_required
def loan_list(request):
    user = request.user
    loans = loan_queryset_for(user).select_related("household", "group", "program")
    form = LoanFilterForm(request.GET or None)
    note = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            loans = loans.filter(status=data["status"])
        if data["program"]:
            loans = loans.filter(program__code=data["program"])
        if data["group"]:
            loans = loans.filter(group__code=data["group"].strip().zfill(7))
        if data["commune"]:
            loans = loans.filter(commune__code=data["commune"].strip().zfill(5))
        if data["overdue"]:
            loans = loans.filter(principal_overdue__gt=0)
        if data["moved_away"]:
            loans = loans_moved_away(loans)
        if data["freeze_expired"]:
            loans = freezes_expired(loans, today())
        if data["inactive"]:
            condition, cutoff = inactive_filter(today())
            loans = loans.filter(condition)
            note = _("Món vay còn dư nợ, không khoanh, giao dịch gần nhất trước ngày %(date)s.") % {
                "date": cutoff.strftime("%d/%m/%Y")}
    return list_page(
        request,
        title=_("Khế ước vay"),
        queryset=loans if loans.query.order_by else loans.order_by("loan_number"),
        columns=[
            Column(_("Số khế ước"), "loan_number", link=loan_link),
            Column(_("Hộ vay"), "household.name", link=loan_link),
            Column(_("Tổ"), lambda loan: loan.group.code if loan.group_id else _("Trực tiếp")),
            Column(_("Chương trình"), "program.code"),
            Column(_("Ngày giải ngân"), "disbursed_on"),
            Column(_("Dư nợ (đ)"), "outstanding"),
            Column(_("Quá hạn (đ)"), "principal_overdue"),
            Column(_("Hạn cuối"), "current_maturity"),
            Column(_("Trạng thái"), lambda loan: loan.get_status_display()),
        ],
        code_fields=("loan_number", "household__customer_code"),
        name_fields=("household__name_search",),
        filters_template="web/loan_list_filters.html",
        extra={"filter_form": form if form.is_bound else LoanFilterForm(), "intro": note},
    )


# --- the loan's page ----------------------------------------------------------------------------------------------


def _installments(loan, on):
    rows = []
    for item in loan.installments.order_by("number"):
        unpaid = item.principal - item.principal_paid
        if unpaid == 0:
            state = _("Đã trả đủ")
        elif item.transferred_to_overdue:
            state = _("Quá hạn")
        elif item.due_on < on:
            state = _("Đến hạn chưa trả")
        elif item.principal_paid:
            state = _("Đã trả một phần")
        else:
            state = _("Chưa đến hạn")
        rows.append({"item": item, "unpaid": unpaid, "state": state, "paid": unpaid == 0,
                     "moved": item.due_on != item.original_due_on})
    return rows


def _events(loan, may_reverse: bool) -> list[dict]:
    """The loan's events, each with its "Đảo" link when it may still be reversed."""
    events = loan.events.select_related("journal_entry", "actor", "reversal").order_by("happened_on", "id")
    rows = []
    for event in events:
        reversible = (may_reverse and event.kind in REVERSIBLE and event.journal_entry_id
                      and getattr(event, "reversal", None) is None)
        catch_up = (event.detail or {}).get("catch_up_interest") if event.kind == LoanEventKind.REVERSAL else None
        rows.append({"event": event, "catch_up": catch_up,
                     "reverse_url": (reverse("loan-reverse", args=[loan.loan_number]) + f"?event={event.pk}"
                                     if reversible else None)})
    return rows


def _rate_timeline(loan, on):
    end = loan.closed_on or max(min(on, loan.current_maturity), loan.disbursed_on)
    try:
        segments = rate_segments(loan.program, loan.disbursed_on, end, category=loan.category,
                                 province=loan.commune.province)
    except DomainError as error:  # rate data missing for a day: show why instead of failing the whole page
        return [], " ".join(error.messages)
    separator = "," if not (get_language() or "vi").startswith("en") else "."
    return [{"start": s.start, "end": s.end, "rate_text": f"{s.annual_rate.normalize():f}".replace(".", separator)}
            for s in segments], ""


def _postings(loan):
    """The loan's sub-ledger per account: debits, credits, balance (the ledger is the truth)."""
    return list(
        Posting.objects.filter(subledger_type=SubledgerType.LOAN, subledger_key=loan.loan_number)
        .values("account__code", "account__name").order_by("account__code")
        .annotate(debit=Sum("amount", filter=Q(amount__gt=0)), credit=Sum(-F("amount"), filter=Q(amount__lt=0)),
                  balance=Sum("amount"), count=Count("id"))
    )


@login_required
def loan_detail(request, number):
    user = request.user
    loan = access_loan(user, number)
    on = today()
    households = household_queryset_for(user)
    payable = interest_payable(loan, on) if loan.is_open and on > loan.disbursed_on else None
    segments, rate_problem = _rate_timeline(loan, on)
    writable = can_write_loans(user) and loan.is_open
    key = loan.loan_number
    actions = []
    if writable:
        actions = [
            (_("Thu nợ gốc"), reverse("loan-repay", args=[key])),
            (_("Thu lãi"), reverse("loan-interest", args=[key])),
            (_("Điều chỉnh kỳ hạn (08/TD)"), reverse("loan-adjust", args=[key])),
            (_("Gia hạn nợ"), reverse("loan-extend", args=[key])),
            (_("Chuyển nợ quá hạn (14/TD)"), reverse("loan-overdue", args=[key])),
            (_("Đề nghị xử lý rủi ro (01/XLN)"), reverse("loan-risk", args=[key])),
        ]
        if loan.moved_away_on is None:
            actions.append((_("Ghi nhận hộ vay bỏ đi"), reverse("loan-moved-away", args=[key])))
        else:
            actions.append((_("Ghi nhận hộ vay trở về"), reverse("loan-returned", args=[key])))
        if loan.principal_frozen and loan.frozen_until and loan.frozen_until <= on:
            actions.append((_("Hết hạn khoanh"), reverse("loan-freeze-expire", args=[key])))
    if can_write_loans(user) and loan.status != LoanStatus.WRITTEN_OFF:
        actions.append((_("Đảo giao dịch"), reverse("loan-reverse", args=[key])))
    events = _events(loan, can_write_loans(user) and loan.status != LoanStatus.WRITTEN_OFF)
    context = {
        "title": _("Khế ước %(number)s") % {"number": key},
        "loan": loan,
        "breadcrumbs": loan_crumbs()[:1] + [Breadcrumb(key)],
        "household_url": household_url(loan.household, households),
        "group_url": group_url(loan.group, user) if loan.group_id else None,
        "application_url": (reverse("application-detail", args=[loan.application_id])
                            if loan.application_id else None),
        "payable": payable,
        "segments": segments,
        "rate_problem": rate_problem,
        "installments": _installments(loan, on),
        "events": events,
        # 14/TD notifies a transfer to overdue: its download needs such an event (an overdue balance alone, as in
        # synthetic data, made the link answer 400).
        "has_overdue_transfer": any(row["event"].kind == LoanEventKind.OVERDUE_TRANSFER
                                    and getattr(row["event"], "reversal", None) is None for row in events),
        "cases": loan.risk_cases.select_related("round").order_by("-id"),
        "postings": _postings(loan),
        "cache_ok": loan_cache_matches_ledger(loan),
        "actions": actions,
        "today": on,
        "history_url": reverse("loan-history", args=[key]),
    }
    return render(request, "web/loan_detail.html", context)


@login_required
def loan_history(request, number):
    loan = access_loan(request.user, number)
    events = audit_history("loan", loan.loan_number)[:500]
    return render(request, "web/audit.html", {
        "title": _("Lịch sử thay đổi: khế ước %(number)s") % {"number": loan.loan_number}, "events": events,
        "breadcrumbs": [*loan_crumbs(loan), Breadcrumb(_("Lịch sử thay đổi"))],
    })


# --- changes ------------------------------------------------------------------------------------------------------


def _loan_form(request, number, *, step, form_class, call, done, initial=None, form_kwargs=None, intro=None):
    loan = access_loan(request.user, number, for_write=True)
    return object_form_page(
        request, back_url=loan_link(loan), trail=loan_crumbs(loan), step=step, title=f"{step} — {loan.loan_number}",
        form_class=form_class, form_kwargs={"initial": initial or {}, **(form_kwargs or {})},
        service=lambda data: call(loan, data), success_message=done, intro=intro,
    )


@login_required
def loan_adjust(request, number):
    loan = access_loan(request.user, number, for_write=True)
    unpaid = [i for i in loan.installments.order_by("number") if i.principal_paid < i.principal
              and not i.transferred_to_overdue]
    return _loan_form(
        request, number, step=_("Điều chỉnh kỳ hạn trả nợ (08/TD)"), form_class=AdjustForm,
        form_kwargs={"installments": unpaid}, initial={"requested_on": today(), "form_number": "08/TD"},
        call=lambda loan, d: installment_adjust(actor=request.user, loan=loan, **d),
        done=_("Đã điều chỉnh kỳ hạn trả nợ."),
        intro=_("Chỉ điều chỉnh kỳ chưa trả, đề nghị trước ngày đến hạn; ngày mới không sau kỳ kế tiếp và không "
                "làm thay đổi hạn trả nợ cuối cùng."),
    )


@login_required
def loan_extend_page(request, number):
    return _loan_form(
        request, number, step=_("Gia hạn nợ"), form_class=ExtendForm, initial={"on": today()},
        call=lambda loan, d: loan_extend(actor=request.user, loan=loan, **d), done=_("Đã gia hạn nợ."),
        intro=_("Tối đa 12 tháng với khoản vay ngắn hạn, tối đa 1/2 thời hạn vay với khoản vay trung, dài hạn "
                "(cộng dồn các lần gia hạn)."),
    )


@login_required
def loan_overdue(request, number):
    def call(loan, data):
        event = overdue_transfer(actor=request.user, loan=loan, **data)
        if event is None:
            raise DomainError(_("Không có nợ đến hạn chưa trả để chuyển quá hạn vào ngày này."), field="as_of")
        return event

    return _loan_form(
        request, number, step=_("Chuyển nợ quá hạn (14/TD)"), form_class=OverdueForm, initial={"as_of": today()},
        call=call, done=_("Đã chuyển nợ quá hạn."),
        intro=_("Chuyển sang nợ quá hạn phần gốc đến hạn chưa trả tính đến cuối ngày đã chọn (thông báo 14/TD)."),
    )


@login_required
def loan_moved_away(request, number):
    return _loan_form(
        request, number, step=_("Ghi nhận hộ vay bỏ đi khỏi nơi cư trú"), form_class=MovedAwayForm,
        initial={"moved_away_on": today()},
        call=lambda loan, d: loan_mark_moved_away(actor=request.user, loan=loan, **d),
        done=_("Đã ghi nhận hộ vay bỏ đi khỏi nơi cư trú."),
    )


@login_required
def loan_risk_propose(request, number):
    loan = access_loan(request.user, number, for_write=True)
    rounds = RiskRound.objects.filter(branch_id=loan.office.branch_id, status=RiskRoundStatus.OPEN).select_related(
        "branch")

    def call(loan, data):
        return risk_case_propose(actor=request.user, loan=loan, **data)

    return _loan_form(
        request, number, step=_("Đề nghị xử lý nợ bị rủi ro (01/XLN)"), form_class=RiskProposeForm,
        form_kwargs={"rounds": rounds}, initial={"requested_on": today()}, call=call,
        done=_("Đã lập hồ sơ đề nghị xử lý rủi ro."),
        intro=None if rounds.exists() else _("Chi nhánh chưa mở đợt xử lý rủi ro nào: mở đợt trước ở trang Đợt xử "
                                             "lý nợ bị rủi ro."),
    )


urlpatterns = [
    path("loans/", loan_list, name="loan-list"),
    path("loans/<str:number>/", loan_detail, name="loan-detail"),
    path("loans/<str:number>/history/", loan_history, name="loan-history"),
    path("loans/<str:number>/adjust/", loan_adjust, name="loan-adjust"),
    path("loans/<str:number>/extend/", loan_extend_page, name="loan-extend"),
    path("loans/<str:number>/overdue/", loan_overdue, name="loan-overdue"),
    path("loans/<str:number>/moved-away/", loan_moved_away, name="loan-moved-away"),
    path("loans/<str:number>/risk/", loan_risk_propose, name="loan-risk"),
    *loans_actions.urlpatterns,
    *loans_applications.urlpatterns,
    *loans_risk.urlpatterns,
]
