"""Credit programs: public reference data for every signed-in user (programs.md).

- ``/programs/``: each program with its channel and the rate in force today (badge "tạm tính" when a row it
  rests on is not of high confidence);
- ``/programs/<code>/``: categories, rate history, overdue rules, area overrides and limits, each value with
  its source and confidence, and the history of recorded decisions;
- ``/programs/<code>/rates/new/`` and ``/programs/<code>/limits/new/``: administrators record a new decision.
"""

from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.accounts.models import Role
from uythac.core.access import deny_unless
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.core.models import AuditEvent, Confidence
from uythac.programs.models import (
    LIMIT_CHOICES,
    CreditProgram,
    LimitKind,
    LimitUnit,
    OverdueRateRule,
    ProgramLimit,
    ProgramRate,
)
from uythac.programs.selectors import rate_on
from uythac.programs.services import program_limit_add, program_rate_add
from uythac.web.crud import Breadcrumb, StyledFormMixin, form_page
from uythac.web.templatetags.uythac_format import vnd


def program_link(program) -> str:
    return reverse("program-detail", args=[program.code])


def program_crumbs(program=None) -> list[Breadcrumb]:
    crumbs = [Breadcrumb(_("Chương trình tín dụng"), reverse("program-list"))]
    if program is not None:
        crumbs.append(Breadcrumb(f"{program.code} – {program.name}", program_link(program)))
    return crumbs


def percent_text(value: Decimal | None) -> str:
    """6.240000 → "6,24" (Vietnamese) / "6.24" (English): no trailing zeros, the locale's decimal mark."""
    if value is None:
        return "—"
    return formats.number_format(value.normalize())


def confidence(code: str) -> dict:
    return {"code": code, "label": Confidence(code).label, "provisional": code != Confidence.HIGH}


def _quote_or_none(program, on, category=None):
    try:
        return rate_on(program, on, category=category)
    except DomainError:
        return None


def current_rates(program: CreditProgram, on) -> list[dict]:
    """The program-level rate in force on ``on`` and every category's own rate (no area override: no province)."""
    quotes = []
    quote = _quote_or_none(program, on)
    if quote is not None:
        quotes.append(quote)
    own_rates = ProgramRate.objects.filter(program=program, category__isnull=False, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    for row in own_rates.select_related("category").order_by("category__code"):
        quotes.append(rate_on(program, on, category=row.category))
    return [
        {"category": q.category, "annual": percent_text(q.annual_rate), "monthly": percent_text(q.monthly_rate),
         "provisional": q.provisional, "sources": "; ".join(q.sources), "from": q.rate_row.effective_from}
        for q in quotes
    ]


@login_required
def program_list(request):
    on = today()
    programs = CreditProgram.objects.prefetch_related("categories").order_by("code")
    rows = [{"program": p, "channel": p.get_channel_display(), "rates": current_rates(p, on),
             "code_confidence": confidence(p.code_confidence)} for p in programs]
    context = {
        "title": _("Chương trình tín dụng"),
        "on": on,
        "rows": rows,
        "breadcrumbs": program_crumbs(),
    }
    return render(request, "web/program_list.html", context)


def _dated(row, **extra) -> dict:
    return {"from": row.effective_from, "to": row.effective_to, "source": row.source_document, "note": row.note,
            "confidence": confidence(row.confidence), **extra}


def _scope_label(row) -> str:
    if getattr(row, "program_id", None) is None:
        return _("Mọi chương trình")
    return row.category.name if row.category_id else _("Chung cho chương trình")


def limit_value_text(row: ProgramLimit) -> str:
    unit = row.unit
    if unit == LimitUnit.AMOUNT:
        return vnd(row.amount_vnd)
    if unit == LimitUnit.MONTHS:
        return _("%(months)d tháng") % {"months": row.months}
    if unit == LimitUnit.PERCENT:
        return f"{percent_text(row.percent)}%"
    return LIMIT_CHOICES[row.kind](row.choice).label


def _override_change(override) -> str:
    if override.absolute_rate is not None:
        return _("Thay bằng %(rate)s%%/năm") % {"rate": percent_text(override.absolute_rate)}
    sign = "+" if override.delta_points > 0 else "−"
    return _("%(sign)s%(points)s điểm %%/năm") % {"sign": sign, "points": percent_text(abs(override.delta_points))}


def _overdue_text(rule: OverdueRateRule) -> str:
    if rule.fixed_annual_rate is not None:
        return _("Cố định %(rate)s%%/năm") % {"rate": percent_text(rule.fixed_annual_rate)}
    base = _("lãi suất đang áp dụng (kể cả điều chỉnh theo địa bàn)") if rule.base_includes_overrides else _(
        "lãi suất gốc của chương trình")
    return _("%(percent)s%% %(base)s") % {"percent": percent_text(rule.multiplier_percent), "base": base}


@login_required
def program_detail(request, code):
    program = get_object_or_404(CreditProgram, code=code)
    on = today()
    scope = Q(program=program) | Q(program__isnull=True)
    # System-wide rows first, then the program's, then each category's (NULLs sort differently per database).
    general_first = [F("program__code").asc(nulls_first=True), F("category__code").asc(nulls_first=True)]
    rates = program.rates.select_related("category").order_by(*general_first[1:], "effective_from")
    overdue = OverdueRateRule.objects.filter(scope).select_related("program", "category").order_by(
        *general_first, "effective_from")
    limits = ProgramLimit.objects.filter(scope).select_related("program", "category").order_by(
        *general_first, "kind", "effective_from")
    overrides = program.rate_overrides.prefetch_related("provinces").order_by("effective_from")
    is_admin = request.user.role == Role.ADMIN
    context = {
        "title": f"{program.code} – {program.name}",
        "program": program,
        "on": on,
        "breadcrumbs": program_crumbs(program),
        "channel": program.get_channel_display(),
        "code_confidence": confidence(program.code_confidence),
        "categories": [{"category": c, "channel": c.get_channel_display(), "confidence": confidence(c.confidence)}
                       for c in program.categories.all()],
        "current": current_rates(program, on),
        "rates": [_dated(r, scope=_scope_label(r), annual=percent_text(r.annual_rate),
                         monthly=percent_text(r.monthly_rate)) for r in rates],
        "overdue": [_dated(r, scope=_scope_label(r), rule=_overdue_text(r)) for r in overdue],
        "overrides": [
            _dated(o, legal_basis=o.legal_basis, name=o.name, change=_override_change(o),
                   combination=o.get_combination_display(),
                   combination_confidence=confidence(o.combination_confidence) if o.combination else None,
                   provinces=", ".join(p.name for p in o.provinces.all()), area_note=o.area_note,
                   area_confidence=confidence(o.area_confidence),
                   programs_confidence=confidence(o.programs_confidence))
            for o in overrides
        ],
        "limits": [_dated(r, scope=_scope_label(r), kind=r.get_kind_display(), value=limit_value_text(r))
                   for r in limits],
        "events": AuditEvent.objects.filter(parent_type="creditprogram", parent_key=program.code)[:50],
        "rate_create_url": reverse("program-rate-create", args=[program.code]) if is_admin else None,
        "limit_create_url": reverse("program-limit-create", args=[program.code]) if is_admin else None,
    }
    return render(request, "web/program_detail.html", context)


# --- recording a new decision (administrators) -----------------------------------------------------------------

class DecisionFormMixin(StyledFormMixin, forms.Form):
    """Fields common to every dated parameter: scope, period, source, confidence."""

    category = forms.ChoiceField(label=gettext_lazy("Đối tượng thụ hưởng"), required=False)
    effective_from = forms.DateField(label=gettext_lazy("Hiệu lực từ ngày"))
    effective_to = forms.DateField(label=gettext_lazy("Hiệu lực đến ngày"), required=False,
                                   help_text=gettext_lazy("Để trống nếu chưa có ngày kết thúc."))
    source_document = forms.CharField(label=gettext_lazy("Văn bản nguồn"), max_length=255,
                                      help_text=gettext_lazy("Số, ngày văn bản; nơi công bố."))
    confidence = forms.ChoiceField(label=gettext_lazy("Độ tin cậy"), choices=Confidence.choices,
                                   initial=Confidence.HIGH)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    close_previous = forms.BooleanField(
        label=gettext_lazy("Kết thúc mức đang áp dụng vào ngày trước ngày hiệu lực"), required=False, initial=True,
    )

    def __init__(self, *args, program: CreditProgram, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("— Chung cho chương trình —"))] + [
            (c.code, c.name) for c in program.categories.all()
        ]

    @staticmethod
    def values(data: dict) -> dict:
        return {key: data[key] for key in ("category", "effective_from", "effective_to", "source_document",
                                           "confidence", "note", "close_previous")}


class ProgramRateForm(DecisionFormMixin):
    annual_rate = forms.CharField(label=gettext_lazy("Lãi suất (%/năm)"), max_length=20,
                                  help_text=gettext_lazy("Ví dụ 6,24 (lãi suất tháng = năm ÷ 12)."))
    field_order = ["category", "annual_rate", "effective_from", "effective_to"]


class ProgramLimitForm(DecisionFormMixin):
    kind = forms.ChoiceField(label=gettext_lazy("Loại quy định"), choices=LimitKind.choices)
    value = forms.CharField(
        label=gettext_lazy("Giá trị"), max_length=40,
        help_text=gettext_lazy("Số tiền (đồng), số tháng, tỷ lệ % hoặc mã quy tắc (ALLOWED, NOT_ALLOWED, "
                               "SHORT_TERM_ONLY, ROLL_INTO_NEXT, AUTO_OVERDUE) tùy loại."),
    )
    field_order = ["kind", "category", "value", "effective_from", "effective_to"]


def _decision_page(request, code, *, form_class, title, service, message):
    deny_unless(request.user.role == Role.ADMIN)
    program = get_object_or_404(CreditProgram, code=code)
    return form_page(
        request,
        title=title % {"code": program.code},
        form_class=form_class,
        form_kwargs={"program": program},
        service=lambda data: service(program, data),
        success_url=program_link(program),
        success_message=message,
        breadcrumbs=[*program_crumbs(program), Breadcrumb(_("Ghi nhận quyết định mới"))],
        cancel_url=program_link(program),
    )


@login_required
def program_rate_create(request, code):
    return _decision_page(
        request, code, form_class=ProgramRateForm, title=_("Ghi nhận lãi suất mới – chương trình %(code)s"),
        service=lambda program, data: program_rate_add(
            actor=request.user, program=program, annual_rate=data["annual_rate"], **ProgramRateForm.values(data)
        ),
        message=_("Đã ghi nhận lãi suất mới."),
    )


@login_required
def program_limit_create(request, code):
    return _decision_page(
        request, code, form_class=ProgramLimitForm, title=_("Ghi nhận hạn mức, thời hạn mới – chương trình %(code)s"),
        service=lambda program, data: program_limit_add(
            actor=request.user, program=program, kind=data["kind"], value=data["value"],
            **ProgramLimitForm.values(data),
        ),
        message=_("Đã ghi nhận quy định mới."),
    )


urlpatterns = [
    path("programs/", program_list, name="program-list"),
    path("programs/<str:code>/", program_detail, name="program-detail"),
    path("programs/<str:code>/rates/new/", program_rate_create, name="program-rate-create"),
    path("programs/<str:code>/limits/new/", program_limit_create, name="program-limit-create"),
]
