"""Fee schedules: which one is in force, its rules for the engine, the legal cap, and publishing a new one.

``fee_schedule_publish(*, actor, code, name, effective_from, base_rate, commission_rate, bands, shares,
program_rates=(), effective_to=None, base_definition=INTEREST_COLLECTED, source_document, confidence="M",
commission_confidence="U", notes="") -> FeeSchedule``

Refused (Vietnamese ``DomainError``, nothing written) when:

* the actor is not the administrator;
* a rate is not a number ≥ 0, a date is invalid, the code is taken;
* the bands do not cover [0 %, ∞) exactly — first lower bound 0, each band starting where the previous one ends
  (lower inclusive, upper exclusive), the last open-ended —, or a multiplier is outside 0–100 %, or a worse overdue
  ratio would earn a higher multiplier;
* the level shares do not sum to exactly 100 % or a level appears twice;
* the rates exceed the legal cap in force on ``effective_from`` (rule ``fees.legal_cap``, Decision 30/2015/QĐ-TTg:
  fees + commissions ≤ 0.125 %/month of outstanding): base rate + commission rate × the highest monthly contract rate
  of the programs in force that day (the commission is a share of the interest, i.e. at most that share of the
  monthly rate as a % of outstanding), and, per program exception, fee rate + commission rate;
* its dates overlap another published schedule (two schedules in force at once). One exception: an open-ended
  schedule that started earlier is ended the day before (audited), which is how a new schedule supersedes the last.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.accounts.models import Role
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_choice, clean_date, clean_text, format_date
from uythac.core.models import Confidence
from uythac.core.rules import rule_get
from uythac.fees import engine
from uythac.fees.models import (
    BaseDefinition,
    FeeLevelShare,
    FeeMultiplierBand,
    FeeProgramRate,
    FeeSchedule,
    UnitShareLevel,
)
from uythac.programs.models import CreditProgram, ProgramRate

LEGAL_CAP_RULE = "fees.legal_cap"


def legal_cap(on: dt.date) -> tuple[Decimal, object]:
    """The cap (%/month of outstanding) in force on ``on`` and its rule row (source, confidence)."""
    rule = rule_get(LEGAL_CAP_RULE, on=on)
    return Decimal(str(rule.value["percent_per_month"])), rule


def schedule_in_force(on: dt.date) -> FeeSchedule:
    found = (
        FeeSchedule.objects.filter(published_at__isnull=False, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from").first()
    )
    if found is None:
        raise DomainError(_("Chưa có biểu phí ủy thác nào có hiệu lực ngày %(date)s.") % {"date": format_date(on)})
    return found


def schedule_rules(schedule: FeeSchedule, *, on: dt.date) -> engine.Rules:
    cap, _rule = legal_cap(on)
    return engine.Rules(
        base_rate=schedule.base_rate,
        commission_rate=schedule.commission_rate,
        bands=tuple(engine.Band(b.lower, b.upper, b.multiplier) for b in schedule.bands.order_by("lower")),
        shares=tuple(engine.Share(s.level, s.share) for s in schedule.shares.order_by("id")),
        program_rates=tuple(
            engine.ProgramRate(p.program.code, p.fee_rate, p.commission_rate)
            for p in schedule.program_rates.select_related("program").order_by("program__code")
        ),
        cap_rate=cap,
    )


def highest_monthly_rate(on: dt.date) -> Decimal:
    """The highest contract rate (%/month = annual ÷ 12) of the programs in force on ``on``."""
    annual = (ProgramRate.objects.filter(effective_from__lte=on)
              .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
              .aggregate(top=Max("annual_rate"))["top"])
    return (annual or Decimal(0)) / 12


def _rate(value, *, field: str, label: str) -> Decimal:
    try:
        rate = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(label)s phải là một số.") % {"label": label}, field=field) from None
    if not rate.is_finite() or rate < 0:
        raise DomainError(_("%(label)s phải là một số không âm.") % {"label": label}, field=field)
    if rate != rate.quantize(Decimal("0.000001")):
        raise DomainError(_("%(label)s có tối đa 6 chữ số thập phân.") % {"label": label}, field=field)
    return rate


def _clean_bands(bands) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    rows = []
    for lower, upper, multiplier in bands:
        rows.append((
            _rate(lower, field="bands", label=_("Cận dưới của khung")),
            None if upper in (None, "") else _rate(upper, field="bands", label=_("Cận trên của khung")),
            _rate(multiplier, field="bands", label=_("Hệ số hưởng phí")),
        ))
    rows.sort(key=lambda row: row[0])
    if not rows:
        raise DomainError(_("Biểu phí cần ít nhất một khung hệ số theo tỷ lệ nợ quá hạn."), field="bands")
    if rows[0][0] != 0:
        raise DomainError(_("Khung đầu tiên phải bắt đầu từ tỷ lệ nợ quá hạn 0%."), field="bands")
    for (lower, upper, multiplier), following in zip(rows, [*rows[1:], None], strict=True):
        if multiplier > 100:
            raise DomainError(_("Hệ số hưởng phí không được vượt quá 100%."), field="bands")
        if upper is not None and upper <= lower:
            raise DomainError(_("Khung từ %(lower)s%% phải có cận trên lớn hơn cận dưới.") % {"lower": lower},
                              field="bands")
        if following is None:
            if upper is not None:
                raise DomainError(_("Khung cuối cùng phải không có cận trên (đến vô cùng)."), field="bands")
            continue
        if upper is None:
            raise DomainError(_("Các khung chồng lấn nhau: khung từ %(lower)s%% không có cận trên nhưng còn khung sau.")
                              % {"lower": lower}, field="bands")
        if following[0] < upper:
            raise DomainError(_("Các khung chồng lấn nhau quanh %(at)s%%.") % {"at": following[0]}, field="bands")
        if following[0] > upper:
            raise DomainError(_("Các khung bị hở từ %(upper)s%% đến %(lower)s%%.")
                              % {"upper": upper, "lower": following[0]}, field="bands")
        if following[2] > multiplier:
            raise DomainError(_("Tỷ lệ nợ quá hạn cao hơn không được hưởng hệ số cao hơn (khung từ %(lower)s%%).")
                              % {"lower": following[0]}, field="bands")
    return rows


def _clean_shares(shares) -> list[tuple[str, Decimal]]:
    rows = [(clean_choice(level, UnitShareLevel, field="shares", label=_("cấp hội")),
             _rate(share, field="shares", label=_("Tỷ lệ phân chia"))) for level, share in shares]
    if len({level for level, _share in rows}) != len(rows):
        raise DomainError(_("Mỗi cấp hội chỉ được khai báo một tỷ lệ phân chia."), field="shares")
    total = sum((share for _level, share in rows), Decimal(0))
    if total != 100:
        raise DomainError(_("Tổng tỷ lệ phân chia giữa các cấp hội phải bằng 100%% (đang là %(total)s%%).")
                          % {"total": total.normalize()}, field="shares")
    return rows


def _clean_program_rates(program_rates) -> list[tuple[CreditProgram, Decimal, Decimal]]:
    rows, seen = [], set()
    for code, fee_rate, commission_rate in program_rates:
        program = CreditProgram.objects.filter(code=str(code).strip()).first()
        if program is None:
            raise DomainError(_("Không có chương trình tín dụng mã «%(code)s».") % {"code": code},
                              field="program_rates")
        if program.code in seen:
            raise DomainError(_("Chương trình %(code)s được khai báo hai lần.") % {"code": program.code},
                              field="program_rates")
        seen.add(program.code)
        rows.append((program, _rate(fee_rate, field="program_rates", label=_("Mức phí riêng")),
                     _rate(commission_rate, field="program_rates", label=_("Mức hoa hồng riêng"))))
    return rows


def _check_cap(effective_from: dt.date, base_rate, commission_rate, program_rows) -> None:
    cap, rule = legal_cap(effective_from)
    top = highest_monthly_rate(effective_from)
    equivalent = base_rate + commission_rate * top / 100
    if equivalent > cap:
        raise DomainError(
            _("Mức phí %(base)s%%/tháng cộng hoa hồng %(commission)s%% số lãi (tương đương tới %(eq)s%%/tháng dư nợ "
              "với lãi suất cao nhất %(top)s%%/tháng) vượt mức trần %(cap)s%%/tháng dư nợ (%(source)s).")
            % {"base": base_rate.normalize(), "commission": commission_rate.normalize(),
               "eq": equivalent.quantize(Decimal("0.0001")), "top": top.quantize(Decimal("0.0001")),
               "cap": cap.normalize(), "source": rule.source_document},
            field="base_rate",
        )
    for program, fee_rate, program_commission in program_rows:
        if fee_rate + program_commission > cap:
            raise DomainError(
                _("Chương trình %(code)s: phí %(fee)s%% cộng hoa hồng %(commission)s%% vượt mức trần %(cap)s%%/tháng.")
                % {"code": program.code, "fee": fee_rate.normalize(), "commission": program_commission.normalize(),
                   "cap": cap.normalize()},
                field="program_rates",
            )


def _overlaps(effective_from: dt.date, effective_to: dt.date | None):
    found = FeeSchedule.objects.filter(published_at__isnull=False).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
    if effective_to is not None:
        found = found.filter(effective_from__lte=effective_to)
    return list(found.order_by("effective_from"))


@transaction.atomic
def fee_schedule_publish(
    *, actor, code, name, effective_from, base_rate, commission_rate, bands, shares, program_rates=(),
    effective_to=None, base_definition=BaseDefinition.INTEREST_COLLECTED, source_document, confidence="M",
    commission_confidence="U", notes="",
) -> FeeSchedule:
    """Check and publish a fee schedule (see the module docstring for what is refused)."""
    if getattr(actor, "role", None) != Role.ADMIN:
        raise DomainError(_("Chỉ quản trị hệ thống được công bố biểu phí ủy thác."), field="actor")
    code = clean_text(code, field="code", label=_("mã biểu phí"), max_length=40)
    if FeeSchedule.objects.filter(code=code).exists():
        raise DomainError(_("Mã biểu phí «%(code)s» đã có.") % {"code": code}, field="code")
    name = clean_text(name, field="name", label=_("tên biểu phí"), max_length=255)
    start = clean_date(effective_from, field="effective_from", label=_("ngày hiệu lực"), allow_future=True)
    end = clean_date(effective_to, field="effective_to", label=_("ngày hết hiệu lực"), required=False,
                     allow_future=True)
    if end is not None and end < start:
        raise DomainError(_("Ngày hết hiệu lực phải từ ngày hiệu lực trở đi."), field="effective_to")
    base_definition = clean_choice(base_definition, BaseDefinition, field="base_definition", label=_("cơ sở tính phí"))
    confidence = clean_choice(confidence, Confidence, field="confidence", label=_("độ tin cậy"))
    commission_confidence = clean_choice(commission_confidence, Confidence, field="commission_confidence",
                                         label=_("độ tin cậy của tỷ lệ hoa hồng"))
    source_document = clean_text(source_document, field="source_document", label=_("văn bản nguồn"), max_length=500)
    notes = clean_text(notes, field="notes", label=_("ghi chú"), max_length=4000, required=False, multiline=True)
    base = _rate(base_rate, field="base_rate", label=_("Mức phí cơ bản"))
    commission = _rate(commission_rate, field="commission_rate", label=_("Tỷ lệ hoa hồng"))
    if commission > 100:
        # xgettext:no-python-format (a percent sign, not a placeholder)
        raise DomainError(_("Tỷ lệ hoa hồng không được vượt quá 100% số lãi."), field="commission_rate")
    band_rows = _clean_bands(bands)
    share_rows = _clean_shares(shares)
    program_rows = _clean_program_rates(program_rates)
    _check_cap(start, base, commission, program_rows)

    for other in _overlaps(start, end):
        if other.effective_to is None and other.effective_from < start:
            before = snapshot(other)
            other.effective_to = start - dt.timedelta(days=1)
            other.save(update_fields=["effective_to"])
            audit_event_record(actor=actor, action="fees.schedule_end", instance=other, before=before,
                               after=snapshot(other), note=_("Kết thúc hiệu lực khi công bố biểu phí %(code)s")
                               % {"code": code})
            continue
        raise DomainError(
            _("Biểu phí %(other)s đang có hiệu lực trong khoảng thời gian này: không thể có hai biểu phí cùng "
              "hiệu lực.")
            % {"other": other}, field="effective_from",
        )
    schedule = FeeSchedule.objects.create(
        code=code, name=name, effective_from=start, effective_to=end, base_rate=base, base_definition=base_definition,
        commission_rate=commission, commission_confidence=commission_confidence, source_document=source_document,
        confidence=confidence, notes=notes, published_at=timezone.now(), published_by=actor,
    )
    FeeMultiplierBand.objects.bulk_create(
        FeeMultiplierBand(schedule=schedule, lower=lower, upper=upper, multiplier=multiplier)
        for lower, upper, multiplier in band_rows)
    FeeLevelShare.objects.bulk_create(
        FeeLevelShare(schedule=schedule, level=level, share=share, confidence=confidence)
        for level, share in share_rows)
    FeeProgramRate.objects.bulk_create(
        FeeProgramRate(schedule=schedule, program=program, fee_rate=fee_rate, commission_rate=program_commission)
        for program, fee_rate, program_commission in program_rows)
    audit_event_record(actor=actor, action="fees.schedule_publish", instance=schedule, before=None,
                       after=snapshot(schedule, extra={"bands": [[str(v) if v is not None else None for v in row]
                                                                 for row in band_rows],
                                                       "shares": [[level, str(share)] for level, share in share_rows],
                                                       "program_rates": [[p.code, str(f), str(c)]
                                                                         for p, f, c in program_rows]}))
    return schedule
