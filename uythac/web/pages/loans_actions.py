"""Money and corrections on one loan at the PGD counter: principal repayment (cash or from savings), interest
collected at the counter, reversal of a disbursement / repayment / interest collection, end of a freeze, the
borrower back after moving away. One service each; bank staff of the loan's communes only (403 otherwise, 404 out
of scope). Collections in the commune go through the session desk and the leader's 13/TD list instead."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext as _

from uythac.core.guards import today
from uythac.loans.access import access_loan
from uythac.loans.models import LoanEventKind
from uythac.loans.selectors import interest_payable
from uythac.loans.services import (
    freeze_expire,
    loan_collect_interest,
    loan_event_reverse,
    loan_mark_returned,
    loan_repay_principal,
)
from uythac.web.crud import object_form_page
from uythac.web.pages.loans_forms import FreezeExpireForm, InterestForm, RepayForm, ReturnedForm, ReverseForm
from uythac.web.pages.loans_related import loan_crumbs, loan_link

REVERSIBLE = (LoanEventKind.DISBURSEMENT, LoanEventKind.PRINCIPAL_REPAYMENT, LoanEventKind.INTEREST_COLLECTION)


def _vnd(amount: int) -> str:
    return f"{amount:,} đ".replace(",", ".")


def _page(request, number, *, step, form_class, call, done, initial=None, form_kwargs=None, intro=None):
    loan = access_loan(request.user, number, for_write=True)
    return object_form_page(
        request, back_url=loan_link(loan), trail=loan_crumbs(loan), step=step, title=f"{step} — {loan.loan_number}",
        form_class=form_class, form_kwargs={"initial": initial or {}, **(form_kwargs or {})},
        service=lambda data: call(loan, data), success_message=done, intro=intro,
    )


@login_required
def loan_repay(request, number):
    loan = access_loan(request.user, number, for_write=True)

    def call(loan, data):
        account = (data.pop("savings_account") or "").strip() or None
        return loan_repay_principal(actor=request.user, loan=loan, savings_account=account, **data)

    return _page(
        request, number, step=_("Thu nợ gốc tại phòng giao dịch"), form_class=RepayForm, initial={"on": today()},
        call=call, done=_("Đã thu nợ gốc."),
        intro=_("Dư nợ %(outstanding)s (quá hạn %(overdue)s): thu nợ quá hạn trước, rồi nợ trong hạn.")
        % {"outstanding": _vnd(loan.outstanding), "overdue": _vnd(loan.principal_overdue)},
    )


@login_required
def loan_interest(request, number):
    loan = access_loan(request.user, number, for_write=True)
    on = today()
    payable = interest_payable(loan, on) if on > loan.disbursed_on else None
    return _page(
        request, number, step=_("Thu lãi tại phòng giao dịch"), form_class=InterestForm, initial={"on": on},
        call=lambda loan, d: loan_collect_interest(actor=request.user, loan=loan, collected_by_leader=False, **d),
        done=_("Đã thu lãi."),
        intro=(_("Lãi phải trả nếu trả hôm nay: %(amount)s.") % {"amount": _vnd(payable.total)}) if payable else None,
    )


@login_required
def loan_returned(request, number):
    return _page(
        request, number, step=_("Ghi nhận hộ vay đã trở về"), form_class=ReturnedForm, initial={"returned_on": today()},
        call=lambda loan, d: loan_mark_returned(actor=request.user, loan=loan, **d),
        done=_("Đã bỏ đánh dấu hộ vay bỏ đi khỏi nơi cư trú."),
    )


@login_required
def loan_freeze_expire(request, number):
    loan = access_loan(request.user, number, for_write=True)
    until = loan.frozen_until.strftime("%d/%m/%Y") if loan.frozen_until else "—"
    return _page(
        request, number, step=_("Hết hạn khoanh nợ"), form_class=FreezeExpireForm,
        initial={"on": loan.frozen_until or today()},
        call=lambda loan, d: freeze_expire(actor=request.user, loan=loan, **d),
        done=_("Đã chuyển dư nợ khoanh khi hết hạn khoanh."),
        intro=_("Món vay được khoanh đến %(date)s; hết hạn khoanh, dư nợ khoanh được chuyển theo quy định tạm tính "
                "và lãi được tính trở lại.") % {"date": until},
    )


@login_required
def loan_reverse(request, number):
    loan = access_loan(request.user, number, for_write=True)
    events = list(loan.events.filter(kind__in=REVERSIBLE, reversal__isnull=True, journal_entry__isnull=False)
                  .order_by("-happened_on", "-id"))

    def call(loan, data):
        event = next((e for e in events if e.pk == data.pop("event")), None)
        return loan_event_reverse(actor=request.user, event=event, **data)

    return _page(
        request, number, step=_("Đảo giao dịch"), form_class=ReverseForm, form_kwargs={"events": events},
        initial={"on": today(), "event": request.GET.get("event")}, call=call, done=_("Đã hạch toán bút toán đảo."),
        intro=_("Chỉ đảo giải ngân, thu nợ gốc, thu lãi; bút toán gốc được giữ nguyên, bút toán đảo ghi ngày đảo."),
    )


urlpatterns = [
    path("loans/<str:number>/repay/", loan_repay, name="loan-repay"),
    path("loans/<str:number>/interest/", loan_interest, name="loan-interest"),
    path("loans/<str:number>/returned/", loan_returned, name="loan-returned"),
    path("loans/<str:number>/freeze-expire/", loan_freeze_expire, name="loan-freeze-expire"),
    path("loans/<str:number>/reverse/", loan_reverse, name="loan-reverse"),
]
