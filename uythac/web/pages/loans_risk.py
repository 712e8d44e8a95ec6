"""Risk handling rounds (đợt xử lý nợ bị rủi ro, process.md §4): the rounds of a branch and, per round, the loans
proposed with their dossier state 01/XLN → 02/XLN → 03/04/05/XLN → approved / refused.

* ``/risk-rounds/`` — the rounds of the branches of the user's province (bank roles; the administrator sees all).
* ``/risk-rounds/new/`` — open the next round of a branch.
* ``/risk-rounds/<id>/`` — the round's cases (only loans the user may see); every POST names an ``action``
  (``advance``, ``approve``, ``refuse``, ``close``) and calls ONE service; a refusal re-renders the page (400) with
  the message at that case. Out of scope (another province's branch, or a non-bank role) → 404 like a missing round.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless, fetch_or_404
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.loans.access import can_write_loans, loan_queryset_for
from uythac.loans.models import RiskCaseState, RiskRound, RiskRoundStatus
from uythac.loans.services import (
    risk_case_advance,
    risk_case_approve,
    risk_case_refuse,
    risk_round_close,
    risk_round_open,
)
from uythac.web.crud import Breadcrumb, Column, form_page, list_page
from uythac.web.pages.loans_forms import CaseAdvanceForm, CaseApproveForm, CaseRefuseForm, RoundCloseForm, RoundOpenForm
from uythac.web.pages.loans_related import loan_link


def round_queryset_for(user):
    scope = scope_for(user)
    rounds = RiskRound.objects.select_related("branch")
    if scope.unlimited:
        return rounds
    if not scope.is_bank or scope.province_id is None:
        return rounds.none()
    return rounds.filter(branch__province_id=scope.province_id)


def access_risk_round(user, pk, *, for_write: bool = False) -> RiskRound:
    try:
        key = int(str(pk))
    except ValueError:
        key = 0
    found = fetch_or_404(round_queryset_for(user), pk=key)
    if for_write:
        deny_unless(can_write_loans(user))
    return found


def round_link(risk_round) -> str:
    return reverse("risk-round-detail", args=[risk_round.pk])


def _crumbs(risk_round=None):
    crumbs = [Breadcrumb(_("Đợt xử lý nợ bị rủi ro"), reverse("risk-round-list"))]
    if risk_round is not None:
        crumbs.append(Breadcrumb(f"{risk_round} — {risk_round.branch.name}"))
    return crumbs


@login_required
def round_list(request):
    user = request.user
    rounds = round_queryset_for(user).annotate(case_count=Count("cases")).order_by("-year", "-number", "branch__code")
    return list_page(
        request, title=_("Đợt xử lý nợ bị rủi ro"), queryset=rounds,
        columns=[
            Column(_("Đợt"), str, link=round_link),
            Column(_("Chi nhánh"), "branch.name"),
            Column(_("Trạng thái"), lambda r: r.get_status_display()),
            Column(_("Ngày mở"), "opened_on"),
            Column(_("Ngày kết thúc"), "closed_on"),
            Column(_("Số hồ sơ"), "case_count"),
            Column(_("Văn bản kết quả"), "decision_ref"),
        ],
        code_fields=("branch__code", "decision_ref"), name_fields=(),
        create_url=reverse("risk-round-create") if can_write_loans(user) else None,
        create_label=_("Mở đợt xử lý rủi ro"),
    )


@login_required
def round_new(request):
    user = request.user
    deny_unless(can_write_loans(user))
    on = today()
    branch = user.office.branch.code if getattr(user, "office", None) else ""
    return form_page(
        request, title=_("Mở đợt xử lý nợ bị rủi ro"), form_class=RoundOpenForm,
        form_kwargs={"initial": {"branch": branch, "year": on.year, "opened_on": on}},
        service=lambda data: risk_round_open(actor=user, **data), success_url=round_link,
        success_message=_("Đã mở đợt xử lý rủi ro."), breadcrumbs=[*_crumbs(), Breadcrumb(_("Mở đợt"))],
        cancel_url=reverse("risk-round-list"),
    )


ACTIONS = {
    "advance": (CaseAdvanceForm, risk_case_advance, _("Đã chuyển hồ sơ sang bước tiếp theo.")),
    "approve": (CaseApproveForm, risk_case_approve, _("Đã phê duyệt và áp dụng biện pháp xử lý.")),
    "refuse": (CaseRefuseForm, risk_case_refuse, _("Đã ghi nhận không phê duyệt.")),
}


def _case_action(user, risk_round, cases, action, post):
    form_class, service, done = ACTIONS[action]
    form = form_class(post)
    if not form.is_valid():
        return None, [f"{form.fields[n].label}: {e}" for n, errs in form.errors.items() for e in errs], None
    data = dict(form.cleaned_data)
    case = cases.filter(pk=data.pop("case")).first()
    if case is None:
        return None, [_("Không tìm thấy hồ sơ xử lý rủi ro trong đợt này.")], None
    try:
        service(actor=user, case=case, **data)
    except DomainError as error:
        return None, error.messages, case.pk
    return done, [], case.pk


@login_required
def round_detail(request, pk):
    user = request.user
    risk_round = access_risk_round(user, pk, for_write=request.method == "POST")
    cases = risk_round.cases.filter(loan__in=loan_queryset_for(user)).select_related("loan", "loan__household")
    errors: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "close":
            form = RoundCloseForm(request.POST)
            if form.is_valid():
                try:
                    risk_round_close(actor=user, risk_round=risk_round, **form.cleaned_data)
                except DomainError as error:
                    errors["close"] = error.messages
                else:
                    messages.success(request, _("Đã kết thúc đợt xử lý rủi ro."))
                    return redirect(round_link(risk_round))
            else:
                errors["close"] = [e for errs in form.errors.values() for e in errs]
        elif action in ACTIONS:
            done, problems, case_pk = _case_action(user, risk_round, cases, action, request.POST)
            if done:
                messages.success(request, done)
                return redirect(round_link(risk_round))
            errors[f"case-{case_pk}"] = problems
        else:
            raise PermissionDenied(_("Thao tác không hợp lệ."))
        risk_round.refresh_from_db()
    writable = can_write_loans(user) and risk_round.status != RiskRoundStatus.CLOSED
    rows = [{"case": case, "link": loan_link(case.loan), "errors": errors.get(f"case-{case.pk}", []),
             "pending": case.state in (RiskCaseState.REQUESTED, RiskCaseState.MINUTES, RiskCaseState.PROPOSED)}
            for case in cases.order_by("id")]
    totals = {state: sum(r["case"].principal_amount for r in rows if r["case"].state == state)
              for state in RiskCaseState.values}
    return render(request, "web/risk_round_detail.html", {
        "title": _("%(round)s — %(branch)s") % {"round": risk_round, "branch": risk_round.branch.name},
        "round": risk_round, "rows": rows, "errors": errors, "can_write": writable, "today": today(),
        "approved_total": totals[RiskCaseState.APPROVED], "breadcrumbs": _crumbs(risk_round),
        "post": request.POST,
    }, status=400 if errors else 200)


urlpatterns = [
    path("risk-rounds/", round_list, name="risk-round-list"),
    path("risk-rounds/new/", round_new, name="risk-round-create"),
    path("risk-rounds/<str:pk>/", round_detail, name="risk-round-detail"),
]
