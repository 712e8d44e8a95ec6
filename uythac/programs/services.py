"""Record a new decision about a program without code: a rate, a limit, an overdue rule, an area override.

Administrator only (the parameters are national reference data). Each service is one transaction: validate →
write → audit, filed under the program's code. Refused: periods that overlap another row of the same (program,
category[, kind]) — the one exception is ``close_previous=True``, which ends the open-ended row in force before
the new start on the day before it (audited too) —, an end before the start, rates ≤ 0 or ≥ 100 %/yr, values that
do not fit the kind. Dates may be in the future: a decision is often published before it takes effect.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.accounts.models import Role
from uythac.core.access import deny_unless
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_choice, clean_date, clean_text, format_date
from uythac.core.models import Confidence
from uythac.geography.models import Province
from uythac.programs.models import (
    LIMIT_CHOICES,
    LIMIT_UNITS,
    CreditProgram,
    LimitKind,
    LimitUnit,
    OverdueRateRule,
    OverrideCombination,
    ProgramLimit,
    ProgramRate,
    RateOverride,
)
from uythac.programs.selectors import category_get, program_get

ONE_DAY = dt.timedelta(days=1)
HUNDRED = Decimal(100)
GROUPED_INTEGER = re.compile(r"\d{1,3}(?:([., \u00a0])\d{3})?(?:\1\d{3})*|\d+")
PLAIN_INTEGER = re.compile(r"\d+")


def _require_admin(actor) -> None:
    deny_unless(getattr(actor, "role", None) == Role.ADMIN)


def _clean_decimal(value, *, field: str, label: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(label)s không hợp lệ.") % {"label": label}, field=field) from None
    if not number.is_finite():
        raise DomainError(_("%(label)s không hợp lệ.") % {"label": label}, field=field)
    return number


def _clean_rate(value, *, field: str, label: str) -> Decimal:
    rate = _clean_decimal(value, field=field, label=label)
    if not Decimal(0) < rate < HUNDRED:
        raise DomainError(
            _("%(label)s phải lớn hơn 0 và nhỏ hơn 100 (%%/năm).") % {"label": label}, field=field
        )
    if rate != round(rate, 6):
        raise DomainError(_("%(label)s có tối đa 6 chữ số thập phân.") % {"label": label}, field=field)
    return rate


def _clean_period(effective_from, effective_to) -> tuple[dt.date, dt.date | None]:
    start = clean_date(effective_from, field="effective_from", label=_("ngày hiệu lực"), allow_future=True)
    end = clean_date(effective_to, field="effective_to", label=_("ngày hết hiệu lực"), required=False,
                     allow_future=True)
    if end is not None and end < start:
        raise DomainError(
            _("Ngày hết hiệu lực (%(end)s) không được trước ngày hiệu lực (%(start)s).")
            % {"end": format_date(end), "start": format_date(start)},
            field="effective_to",
        )
    return start, end


def _clean_source(source_document, confidence, note) -> dict:
    return {
        "source_document": clean_text(source_document, field="source_document", label=_("văn bản nguồn"),
                                      max_length=255),
        "confidence": clean_choice(confidence, Confidence, field="confidence", label=_("Độ tin cậy")),
        "note": clean_text(note, field="note", label=_("ghi chú"), required=False, multiline=True),
    }


def _period_label(row) -> str:
    end = format_date(row.effective_to) if row.effective_to else _("nay")
    return f"{format_date(row.effective_from)}–{end}"


def _overlaps(queryset, start: dt.date, end: dt.date | None):
    """Rows of ``queryset`` whose period meets [start, end] (open ends are unbounded)."""
    found = queryset.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start))
    if end is not None:
        found = found.filter(effective_from__lte=end)
    return found


def _make_room(actor, queryset, start: dt.date, end: dt.date | None, *, close_previous: bool, what: str, parent):
    """Refuse an overlap; with ``close_previous`` first end the open-ended row that began before ``start``."""
    clashing = list(_overlaps(queryset.select_for_update(), start, end).order_by("effective_from"))
    if close_previous and clashing:
        previous = clashing[0]
        if previous.effective_to is None and previous.effective_from < start:
            before = snapshot(previous)
            previous.effective_to = start - ONE_DAY
            previous.save(update_fields=["effective_to"])
            audit_event_record(actor=actor, action=f"{what}_close", instance=previous, before=before,
                               after=snapshot(previous), parent=parent)
            clashing = clashing[1:]
    if clashing:
        raise DomainError(
            _("Thời gian hiệu lực trùng với mức đã có từ %(period)s (%(source)s). Hãy chọn ngày khác hoặc kết thúc "
              "mức đang áp dụng trước.")
            % {"period": _period_label(clashing[0]), "source": clashing[0].source_document},
            field="effective_from",
        )


def _locked_program(program) -> CreditProgram | None:
    """Serialise writes of one program (two admins recording the same decision cannot both pass the overlap check)."""
    if program is None or program == "":
        return None
    found = program_get(program)
    return CreditProgram.objects.select_for_update().get(pk=found.pk)


def _scope_rows(model, program, category):
    return model.objects.filter(program=program, category=category)


def program_rate_add(
    *, actor, program, annual_rate, effective_from, source_document, confidence, effective_to=None, category=None,
    note: str = "", close_previous: bool = False,
) -> ProgramRate:
    """Record a program (or category) rate in %/yr from ``effective_from`` — e.g. the next Prime Minister cut."""
    _require_admin(actor)
    with transaction.atomic():
        program = _locked_program(program)
        category = category_get(program, category)
        rate = _clean_rate(annual_rate, field="annual_rate", label=_("Lãi suất"))
        start, end = _clean_period(effective_from, effective_to)
        data = _clean_source(source_document, confidence, note)
        _make_room(actor, _scope_rows(ProgramRate, program, category), start, end, close_previous=close_previous,
                   what="program_rate", parent=program)
        row = ProgramRate.objects.create(program=program, category=category, annual_rate=rate, effective_from=start,
                                         effective_to=end, **data)
        audit_event_record(actor=actor, action="program_rate_add", instance=row, before=None, after=snapshot(row),
                           parent=program)
    return row


def limit_value_clean(kind: str, value):
    """The value of a ``kind`` parameter in its unit: integer VND, whole months, a percentage or a rule choice.

    Accepts typed values or text as typed in a form ("25.000.000", "12", "50", "ALLOWED")."""
    unit = LIMIT_UNITS[kind]
    label = LimitKind(kind).label
    text = value.strip() if isinstance(value, str) else value
    if text is None or text == "":
        raise DomainError(_("Chưa nhập giá trị."), field="value")
    if unit == LimitUnit.CHOICE:
        return clean_choice(text, LIMIT_CHOICES[kind], field="value", label=label)
    if unit == LimitUnit.PERCENT:
        percent = _clean_decimal(text, field="value", label=label)
        if not Decimal(0) < percent <= HUNDRED:
            raise DomainError(_("%(label)s phải lớn hơn 0 và không quá 100%%.") % {"label": label}, field="value")
        return percent
    if isinstance(text, str):
        # Amounts may be typed with thousands grouped by "." "," or spaces (25.000.000); months are plain digits.
        pattern = GROUPED_INTEGER if unit == LimitUnit.AMOUNT else PLAIN_INTEGER
        if not pattern.fullmatch(text):
            raise DomainError(_("%(label)s phải là số nguyên.") % {"label": label}, field="value")
        text = int(re.sub(r"\D", "", text))
    if isinstance(text, bool) or not isinstance(text, int):
        raise DomainError(_("%(label)s phải là số nguyên.") % {"label": label}, field="value")
    if unit == LimitUnit.AMOUNT and text <= 0:
        raise DomainError(_("%(label)s phải lớn hơn 0 đồng.") % {"label": label}, field="value")
    if unit == LimitUnit.MONTHS and text < 0:
        raise DomainError(_("%(label)s không được âm.") % {"label": label}, field="value")
    return text


def program_limit_add(
    *, actor, program, kind, value, effective_from, source_document, confidence, effective_to=None, category=None,
    note: str = "", close_previous: bool = False,
) -> ProgramLimit:
    """Record a cap, term, grace, extension or rollover parameter; ``program=None`` for a rule of every program."""
    _require_admin(actor)
    with transaction.atomic():
        program = _locked_program(program)
        category = category_get(program, category) if program is not None else None
        kind = clean_choice(kind, LimitKind, field="kind", label=_("Loại quy định"))
        clean_value = limit_value_clean(kind, value)
        start, end = _clean_period(effective_from, effective_to)
        data = _clean_source(source_document, confidence, note)
        field = {LimitUnit.AMOUNT: "amount_vnd", LimitUnit.MONTHS: "months", LimitUnit.PERCENT: "percent",
                 LimitUnit.CHOICE: "choice"}[LIMIT_UNITS[kind]]
        _make_room(actor, _scope_rows(ProgramLimit, program, category).filter(kind=kind), start, end,
                   close_previous=close_previous, what="program_limit", parent=program)
        row = ProgramLimit.objects.create(program=program, category=category, kind=kind, effective_from=start,
                                          effective_to=end, **{field: clean_value}, **data)
        audit_event_record(actor=actor, action="program_limit_add", instance=row, before=None, after=snapshot(row),
                           parent=program)
    return row


def overdue_rule_add(
    *, actor, effective_from, source_document, confidence, program=None, category=None, multiplier_percent=None,
    fixed_annual_rate=None, base_includes_overrides: bool = True, effective_to=None, note: str = "",
    close_previous: bool = False,
) -> OverdueRateRule:
    """Record an overdue rule: a multiple of the contract rate (130 %) or a fixed rate, for one program, one
    category or (``program=None``) every program."""
    _require_admin(actor)
    with transaction.atomic():
        program = _locked_program(program)
        category = category_get(program, category) if program is not None else None
        if (multiplier_percent is None) == (fixed_annual_rate is None):
            raise DomainError(_("Nhập đúng một trong hai: tỷ lệ so với lãi suất trong hạn, hoặc lãi suất quá hạn cố "
                                "định."), field="multiplier_percent")
        multiplier = fixed = None
        if multiplier_percent is not None:
            multiplier = _clean_decimal(multiplier_percent, field="multiplier_percent", label=_("Tỷ lệ"))
            if not Decimal(0) < multiplier < Decimal(1000):
                raise DomainError(_("Tỷ lệ phải lớn hơn 0 và nhỏ hơn 1000%."), field="multiplier_percent")
        else:
            fixed = _clean_rate(fixed_annual_rate, field="fixed_annual_rate", label=_("Lãi suất quá hạn"))
        start, end = _clean_period(effective_from, effective_to)
        data = _clean_source(source_document, confidence, note)
        _make_room(actor, _scope_rows(OverdueRateRule, program, category), start, end, close_previous=close_previous,
                   what="overdue_rule", parent=program)
        row = OverdueRateRule.objects.create(
            program=program, category=category, multiplier_percent=multiplier, fixed_annual_rate=fixed,
            base_includes_overrides=bool(base_includes_overrides), effective_from=start, effective_to=end, **data,
        )
        audit_event_record(actor=actor, action="overdue_rule_add", instance=row, before=None, after=snapshot(row),
                           parent=program)
    return row


def rate_override_add(
    *, actor, name, legal_basis, programs, provinces, effective_from, effective_to, source_document, confidence,
    area_confidence, programs_confidence, delta_points=None, absolute_rate=None, combination="",
    combination_confidence="", area_note: str = "", note: str = "",
) -> RateOverride:
    """Record a time-boxed area override (e.g. −2 points in storm-hit provinces). At most one override may apply
    to a (program, province, day): one that meets an existing override on a shared program and province is
    refused."""
    _require_admin(actor)
    with transaction.atomic():
        name = clean_text(name, field="name", label=_("nội dung"), max_length=255)
        legal_basis = clean_text(legal_basis, field="legal_basis", label=_("cơ sở pháp lý"), max_length=255)
        start, end = _clean_period(effective_from, effective_to)
        if end is None:
            raise DomainError(_("Điều chỉnh theo địa bàn phải có ngày kết thúc."), field="effective_to")
        chosen_programs = [program_get(p) for p in programs or ()]
        if not chosen_programs:
            raise DomainError(_("Chưa chọn chương trình áp dụng."), field="programs")
        chosen_provinces = []
        for value in provinces or ():
            province = value if isinstance(value, Province) else Province.objects.filter(code=str(value)).first()
            if province is None:
                raise DomainError(_("Không có tỉnh/thành phố mã «%(code)s».") % {"code": value}, field="provinces")
            chosen_provinces.append(province)
        if not chosen_provinces:
            raise DomainError(_("Chưa chọn tỉnh/thành phố áp dụng."), field="provinces")
        values = _clean_override_change(delta_points, absolute_rate, combination, combination_confidence)
        values.update(_clean_source(source_document, confidence, note))
        values["area_confidence"] = clean_choice(area_confidence, Confidence, field="area_confidence",
                                                 label=_("Độ tin cậy của địa bàn"))
        values["programs_confidence"] = clean_choice(programs_confidence, Confidence, field="programs_confidence",
                                                     label=_("Độ tin cậy của danh sách chương trình"))
        list(CreditProgram.objects.select_for_update().filter(pk__in=[p.pk for p in chosen_programs]))
        clash = (
            _overlaps(RateOverride.objects.all(), start, end)
            .filter(programs__in=chosen_programs, provinces__in=chosen_provinces).distinct().first()
        )
        if clash is not None:
            raise DomainError(
                _("Trùng thời gian, chương trình và địa bàn với điều chỉnh %(other)s (%(period)s).")
                % {"other": clash.legal_basis, "period": _period_label(clash)},
                field="effective_from",
            )
        override = RateOverride.objects.create(
            name=name, legal_basis=legal_basis, effective_from=start, effective_to=end,
            area_note=clean_text(area_note, field="area_note", label=_("cách xác định địa bàn"), required=False,
                                 multiline=True),
            **values,
        )
        override.programs.set(chosen_programs)
        override.provinces.set(chosen_provinces)
        after = snapshot(override, extra={"programs": sorted(p.code for p in chosen_programs),
                                          "provinces": sorted(p.code for p in chosen_provinces)})
        audit_event_record(actor=actor, action="rate_override_add", instance=override, before=None, after=after)
    return override


def _clean_override_change(delta_points, absolute_rate, combination, combination_confidence) -> dict:
    if (delta_points is None or delta_points == "") == (absolute_rate is None or absolute_rate == ""):
        raise DomainError(_("Nhập đúng một trong hai: mức điều chỉnh (điểm %/năm) hoặc lãi suất thay thế."),
                          field="delta_points")
    if absolute_rate not in (None, ""):
        return {"absolute_rate": _clean_rate(absolute_rate, field="absolute_rate", label=_("Lãi suất thay thế")),
                "combination": "", "combination_confidence": ""}
    delta = _clean_decimal(delta_points, field="delta_points", label=_("Mức điều chỉnh"))
    if delta == 0 or not Decimal(-100) < delta < HUNDRED:
        raise DomainError(_("Mức điều chỉnh phải khác 0 và trong khoảng −100 đến 100 điểm."), field="delta_points")
    return {
        "delta_points": delta,
        "combination": clean_choice(combination, OverrideCombination, field="combination",
                                    label=_("Cách kết hợp với lãi suất gốc")),
        "combination_confidence": clean_choice(combination_confidence, Confidence, field="combination_confidence",
                                               label=_("Độ tin cậy của cách kết hợp")),
    }
