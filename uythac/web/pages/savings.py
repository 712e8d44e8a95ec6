"""Member savings account pages (TK 105): list, open, the passbook with deposits and withdrawals at the office.

``/savings/<account>/`` shows the account, its balance (the ledger's) and every movement with the running balance;
bank staff may post a deposit or a withdrawal at the office counter there (one service call, refusals shown on
the page with status 400). Out of scope → 404 like a missing account; read-only roles → 403 on POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.core.access import deny_unless
from uythac.core.audit import audit_history
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.groups.access import group_queryset_for
from uythac.savings.access import access_savings_account, can_write_savings, savings_account_queryset_for
from uythac.savings.selectors import minimum_deposit, savings_balance, savings_movements
from uythac.savings.services import savings_deposit, savings_open, savings_withdraw
from uythac.web.crud import Breadcrumb, Column, form_page, list_page
from uythac.web.forms.sessions import SavingsMoveForm, SavingsOpenForm
from uythac.web.pages.groups import group_link, household_link


def savings_link(account) -> str:
    return reverse("savings-detail", args=[account.account_number])


@login_required
def savings_list(request):
    return list_page(
        request,
        title=_("Tài khoản tiền gửi của tổ viên"),
        queryset=savings_account_queryset_for(request.user).select_related("household", "group"),
        columns=[
            Column(_("Số tài khoản"), "account_number", link=savings_link),
            Column(_("Hộ"), "household.name", link=savings_link),
            Column(_("Tổ khi mở"), "group.code"),
            Column(_("Trạng thái"), lambda a: a.get_status_display()),
            Column(_("Số dư (đồng)"), "balance"),
        ],
        code_fields=("account_number", "household__customer_code"),
        name_fields=("household__name_search",),
        create_url=reverse("savings-create") if can_write_savings(request.user) else None,
        create_label=_("Mở tài khoản"),
    )


@login_required
def savings_new(request):
    user = request.user
    deny_unless(can_write_savings(user))
    return form_page(
        request,
        title=_("Mở tài khoản tiền gửi cho tổ viên"),
        form_class=SavingsOpenForm,
        form_kwargs={"initial": {"opened_on": today(), "household": request.GET.get("household", "")}},
        service=lambda data: savings_open(actor=user, household=data["household"].strip(),
                                          opened_on=data["opened_on"]),
        success_url=savings_link,
        success_message=_("Đã mở tài khoản tiền gửi."),
        breadcrumbs=[Breadcrumb(_("Tài khoản tiền gửi"), reverse("savings-list")), Breadcrumb(_("Mở tài khoản"))],
        cancel_url=reverse("savings-list"),
        intro=_("Tài khoản mở qua tổ TK&VV mà hộ đang là tổ viên."),
    )


@login_required
def savings_detail(request, account):
    user = request.user
    found = access_savings_account(user, account, for_write=request.method == "POST")
    errors: list[str] = []
    form = SavingsMoveForm(request.POST or None, initial={"on": today().strftime("%d/%m/%Y")})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            service = savings_deposit if data["direction"] == "deposit" else savings_withdraw
            try:
                service(actor=user, account=found, amount=data["amount"], on=data["on"])
            except DomainError as error:
                errors = error.messages
            else:
                messages.success(request, _("Đã ghi giao dịch tiền gửi."))
                return redirect(savings_link(found))
        else:
            errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
    context = {
        "title": _("Tài khoản tiền gửi %(number)s") % {"number": found.account_number},
        "account": found,
        "ledger_balance": savings_balance(found),
        "movements": savings_movements(found),
        "minimum": minimum_deposit(found, today()),
        "can_write": can_write_savings(user) and found.is_active,
        "form": form,
        "errors": errors,
        "household_url": household_link(found.household),
        "group_url": group_link(found.group) if group_queryset_for(user).filter(pk=found.group_id).exists() else None,
        "history": audit_history("membersavingsaccount", found.account_number)[:100],
        "breadcrumbs": [Breadcrumb(_("Tài khoản tiền gửi"), reverse("savings-list")),
                        Breadcrumb(found.account_number)],
    }
    return render(request, "web/savings_detail.html", context, status=400 if errors else 200)


urlpatterns = [
    path("savings/", savings_list, name="savings-list"),
    path("savings/new/", savings_new, name="savings-create"),
    path("savings/<str:account>/", savings_detail, name="savings-detail"),
]
