"""Read the program parameters in force on a date: the rate a loan bears each day, its overdue rate, caps, terms
and extension limits. Used by the loan engine; nothing here writes.

The rate a loan bears on a day (programs.md §1):

1. the base rate: for a category that has rates of its own (labour export at half rate …), its own row for that
   day — never the program's, so a gap in its rates is refused rather than silently charged the general rate; for
   a category without rates of its own (or no category), the program-level row;
2. an area override (``RateOverride``) of the borrower's province for that program and day, if any: an absolute
   rate replaces the base; a delta is added to the base in force that day (``RATE_IN_FORCE``) or to the base in
   force on the override's first day (``RATE_AT_START``), never below 0 — the combination rule is data because
   no source says how the storm relief met the cut of 01/12/2025 (programs.md §1.2).

``rate_segments`` splits a period wherever that rate changes, so interest by day can use one rate per segment (a
cut on 01/12 splits November–December). A ``RateTimeline`` loads a program's rows once and answers many dates,
for callers that price many loans of the same program, category and province.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.guards import format_date
from uythac.geography.models import Province
from uythac.programs.models import (
    BeneficiaryCategory,
    CreditProgram,
    LimitKind,
    OverdueRateRule,
    OverrideCombination,
    ProgramLimit,
    ProgramRate,
    RateOverride,
)

ONE_DAY = dt.timedelta(days=1)
HUNDRED = Decimal(100)


class RateSegment(NamedTuple):
    """Days ``start``..``end`` (both included) at one annual rate (%/yr)."""

    start: dt.date
    end: dt.date
    annual_rate: Decimal


@dataclass(frozen=True)
class RateQuote:
    """The contract rate a loan bears on ``on``: ``base_rate`` from ``rate_row``, adjusted by ``override``."""

    program: CreditProgram
    category: BeneficiaryCategory | None
    province: Province | None
    on: dt.date
    base_rate: Decimal
    annual_rate: Decimal
    rate_row: ProgramRate
    override: RateOverride | None = None

    @property
    def monthly_rate(self) -> Decimal:
        """VBSP publishes the monthly rate as annual ÷ 12 (6.24 %/yr = 0.52 %/month)."""
        return self.annual_rate / 12

    @property
    def source_rows(self) -> tuple:
        return (self.rate_row,) if self.override is None else (self.rate_row, self.override)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(row.source_document for row in self.source_rows)

    @property
    def provisional(self) -> bool:
        """True when a row it rests on is not of high confidence: shown "tạm tính"."""
        return any(row.is_provisional for row in self.source_rows)


@dataclass(frozen=True)
class OverdueQuote:
    """The overdue rate on ``on``: ``rule`` applied to the contract rate of ``contract`` (None for a fixed rate)."""

    on: dt.date
    annual_rate: Decimal
    rule: OverdueRateRule
    contract: RateQuote | None

    @property
    def monthly_rate(self) -> Decimal:
        return self.annual_rate / 12

    @property
    def source_rows(self) -> tuple:
        return (self.rule, *(self.contract.source_rows if self.contract else ()))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(row.source_document for row in self.source_rows)

    @property
    def provisional(self) -> bool:
        return any(row.is_provisional for row in self.source_rows)


@dataclass(frozen=True)
class ExtensionLimit:
    months: int
    rows: tuple[ProgramLimit, ...]

    @property
    def provisional(self) -> bool:
        return any(row.is_provisional for row in self.rows)


# --- resolving arguments ----------------------------------------------------------------------------------------

def program_get(program) -> CreditProgram:
    """A program from itself or its 2-digit code."""
    if isinstance(program, CreditProgram):
        return program
    code = str(program or "").strip()
    found = CreditProgram.objects.filter(code=code).first()
    if found is None:
        raise DomainError(_("Không có chương trình tín dụng mã «%(code)s».") % {"code": code}, field="program")
    return found


def category_get(program: CreditProgram, category) -> BeneficiaryCategory | None:
    """A beneficiary category of ``program`` from itself or its code; None stays None."""
    if category is None or category == "":
        return None
    if isinstance(category, BeneficiaryCategory):
        found = category if category.program_id == program.pk else None
    else:
        found = BeneficiaryCategory.objects.filter(program=program, code=str(category).strip()).first()
    if found is None:
        raise DomainError(
            _("Chương trình %(program)s không có đối tượng thụ hưởng «%(category)s».")
            % {"program": program.code, "category": getattr(category, "code", category)},
            field="category",
        )
    return found


def _province_get(province) -> Province | None:
    if province is None or province == "" or isinstance(province, Province):
        return province or None
    found = Province.objects.filter(code=str(province).strip()).first()
    if found is None:
        raise DomainError(_("Không có tỉnh/thành phố mã «%(code)s».") % {"code": province}, field="province")
    return found


def _covering(rows: Iterable, day: dt.date):
    """The row in force on ``day`` among rows of one scope (periods never overlap)."""
    for row in rows:
        if row.covers(day):
            return row
    return None


def _boundaries(rows: Iterable) -> set[dt.date]:
    """Days on which a row starts, or the day after it ends: where the answer may change."""
    found = set()
    for row in rows:
        found.add(row.effective_from)
        if row.effective_to is not None:
            found.add(row.effective_to + ONE_DAY)
    return found


class RateTimeline:
    """Every rate row, override and overdue rule relevant to one (program, category, province), loaded once."""

    def __init__(self, program, *, category=None, province=None):
        self.program = program_get(program)
        self.category = category_get(self.program, category)
        self.province = _province_get(province)
        rates = list(
            ProgramRate.objects.filter(program=self.program)
            .filter(Q(category__isnull=True) | Q(category=self.category) if self.category else Q(category__isnull=True))
            .order_by("effective_from")
        )
        self._category_rates = [r for r in rates if r.category_id is not None]
        self._program_rates = [] if self._category_rates else [r for r in rates if r.category_id is None]
        self._overrides = (
            list(RateOverride.objects.filter(programs=self.program, provinces=self.province).distinct())
            if self.province is not None else []
        )
        scopes = Q(program__isnull=True, category__isnull=True) | Q(program=self.program, category__isnull=True)
        if self.category is not None:
            scopes |= Q(program=self.program, category=self.category)
        rules = list(OverdueRateRule.objects.filter(scopes).order_by("effective_from"))
        # Most specific first: the category's rule, then the program's, then the system-wide one.
        self._overdue_scopes = [
            [r for r in rules if r.category_id is not None],
            [r for r in rules if r.program_id is not None and r.category_id is None],
            [r for r in rules if r.program_id is None],
        ]

    # -- contract rate --

    def _label(self) -> str:
        label = f"{self.program.code} ({self.program.name})"
        if self.category is not None:
            label += f" – {self.category.name}"
        return label

    def _base_row(self, day: dt.date) -> ProgramRate:
        row = _covering(self._category_rates, day) or _covering(self._program_rates, day)
        if row is None:
            raise DomainError(
                _("Chưa cấu hình lãi suất cho chương trình %(program)s vào ngày %(date)s.")
                % {"program": self._label(), "date": format_date(day)},
                field="program",
            )
        return row

    def _override(self, day: dt.date) -> RateOverride | None:
        found = [o for o in self._overrides if o.covers(day)]
        if len(found) > 1:
            raise DomainError(
                _("Có %(count)d điều chỉnh lãi suất theo địa bàn cùng áp dụng cho chương trình %(program)s tại "
                  "%(province)s ngày %(date)s (%(names)s); chỉ được có một.")
                % {"count": len(found), "program": self.program.code, "province": self.province.name,
                   "date": format_date(day), "names": "; ".join(o.legal_basis for o in found)},
                field="province",
            )
        return found[0] if found else None

    def quote(self, on: dt.date) -> RateQuote:
        row = self._base_row(on)
        override = self._override(on)
        rate = row.annual_rate
        if override is not None:
            if override.absolute_rate is not None:
                rate = override.absolute_rate
            else:
                base = (self._base_row(override.effective_from).annual_rate
                        if override.combination == OverrideCombination.RATE_AT_START else row.annual_rate)
                rate = max(base + override.delta_points, Decimal(0))
        return RateQuote(self.program, self.category, self.province, on, row.annual_rate, rate, row, override)

    def _contract_boundaries(self) -> set[dt.date]:
        return _boundaries([*self._category_rates, *self._program_rates, *self._overrides])

    def segments(self, start: dt.date, end: dt.date) -> list[RateSegment]:
        return _segments(start, end, self._contract_boundaries(), lambda day: self.quote(day).annual_rate)

    # -- overdue rate --

    def _overdue_rule(self, day: dt.date) -> OverdueRateRule:
        for rules in self._overdue_scopes:
            found = _covering(rules, day)
            if found is not None:
                return found
        raise DomainError(
            _("Chưa cấu hình lãi suất quá hạn cho chương trình %(program)s vào ngày %(date)s.")
            % {"program": self._label(), "date": format_date(day)},
            field="program",
        )

    def overdue_quote(self, on: dt.date) -> OverdueQuote:
        rule = self._overdue_rule(on)
        if rule.fixed_annual_rate is not None:
            return OverdueQuote(on, rule.fixed_annual_rate, rule, None)
        contract = self.quote(on)
        base = contract.annual_rate if rule.base_includes_overrides else contract.base_rate
        return OverdueQuote(on, base * rule.multiplier_percent / HUNDRED, rule, contract)

    def overdue_segments(self, start: dt.date, end: dt.date) -> list[RateSegment]:
        boundaries = self._contract_boundaries() | _boundaries(r for rules in self._overdue_scopes for r in rules)
        return _segments(start, end, boundaries, lambda day: self.overdue_quote(day).annual_rate)


def _segments(start: dt.date, end: dt.date, boundaries: set[dt.date], rate_of) -> list[RateSegment]:
    """Contiguous segments covering ``start``..``end``, split where the rate changes (equal neighbours merged)."""
    if end < start:
        raise DomainError(
            _("Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).")
            % {"end": format_date(end), "start": format_date(start)},
            field="end",
        )
    points = sorted({start} | {day for day in boundaries if start < day <= end})
    found: list[RateSegment] = []
    for index, first in enumerate(points):
        last = points[index + 1] - ONE_DAY if index + 1 < len(points) else end
        rate = rate_of(first)
        if found and found[-1].annual_rate == rate:
            found[-1] = found[-1]._replace(end=last)
        else:
            found.append(RateSegment(first, last, rate))
    return found


# --- public selectors --------------------------------------------------------------------------------------------

def rate_timeline(program, *, category=None, province=None) -> RateTimeline:
    return RateTimeline(program, category=category, province=province)


def rate_on(program, on: dt.date, *, category=None, province=None) -> RateQuote:
    """The contract rate on ``on`` (with the province's area override, if any). DomainError when none is set."""
    return RateTimeline(program, category=category, province=province).quote(on)


def rate_segments(program, start: dt.date, end: dt.date, *, category=None, province=None) -> list[RateSegment]:
    """(from, to, annual rate) covering ``start``..``end`` inclusive, split wherever the rate changes."""
    return RateTimeline(program, category=category, province=province).segments(start, end)


def overdue_rate_on(program, on: dt.date, *, category=None, province=None) -> OverdueQuote:
    """The overdue rate on ``on``: 130 % of the contract rate unless a program/category rule says otherwise."""
    return RateTimeline(program, category=category, province=province).overdue_quote(on)


def overdue_rate_segments(program, start: dt.date, end: dt.date, *, category=None, province=None) -> list[RateSegment]:
    return RateTimeline(program, category=category, province=province).overdue_segments(start, end)


def limit_on(program, kind: str, on: dt.date, *, category=None) -> ProgramLimit | None:
    """The ``kind`` parameter in force on ``on``: the category's row, else the program's, else the system-wide one
    (``program=None`` asks for the system-wide row only). None when not known — callers must not invent one."""
    if kind not in LimitKind.values:
        raise ValueError(f"unknown limit kind {kind!r}")
    resolved = program_get(program) if program is not None else None
    resolved_category = category_get(resolved, category) if resolved is not None else None
    rows = (
        ProgramLimit.objects.filter(kind=kind, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .select_related("program", "category")
    )
    scopes = [Q(program__isnull=True, category__isnull=True)]
    if resolved is not None:
        scopes.insert(0, Q(program=resolved, category__isnull=True))
    if resolved_category is not None:
        scopes.insert(0, Q(program=resolved, category=resolved_category))
    for scope in scopes:
        found = rows.filter(scope).first()
        if found is not None:
            return found
    return None


def _required_limit(program, kind: str, on: dt.date, category) -> ProgramLimit:
    found = limit_on(program, kind, on, category=category)
    if found is None:
        raise DomainError(
            _("Chưa cấu hình quy định «%(kind)s» cho ngày %(date)s.")
            % {"kind": LimitKind(kind).label, "date": format_date(on)}
        )
    return found


def _floor_share(months: int, percent: Decimal) -> int:
    return int((Decimal(months) * percent / HUNDRED).to_integral_value(rounding=ROUND_FLOOR))


def extension_limit_on(
    program, term_months: int, on: dt.date, *, category=None, repayment_months: int | None = None
) -> ExtensionLimit:
    """Longest extension of final maturity allowed for a loan of ``term_months`` (programs.md §3), in whole months.

    In order: a program rule as a share of the repayment period (students: ½, needs ``repayment_months``); a fixed
    program maximum; otherwise ≤ 12 months for a short-term loan (term ≤ the short-term bound) and ≤ ½ of the term
    for medium and long-term loans (rounded down: a limit is never exceeded).
    """
    if term_months is None or term_months <= 0:
        raise DomainError(_("Thời hạn cho vay phải lớn hơn 0 tháng."), field="term_months")
    program = program_get(program)
    by_repayment = limit_on(program, LimitKind.EXTENSION_MAX_PERCENT_OF_REPAYMENT, on, category=category)
    if by_repayment is not None and by_repayment.program_id is not None:
        if repayment_months is None or repayment_months <= 0:
            raise DomainError(
                _("Chương trình %(program)s giới hạn gia hạn theo thời hạn trả nợ: cần nhập thời hạn trả nợ (tháng).")
                % {"program": program.code},
                field="repayment_months",
            )
        return ExtensionLimit(_floor_share(repayment_months, by_repayment.percent), (by_repayment,))
    fixed = limit_on(program, LimitKind.EXTENSION_MAX_MONTHS, on, category=category)
    if fixed is not None and fixed.program_id is not None:
        return ExtensionLimit(fixed.months, (fixed,))
    short = _required_limit(program, LimitKind.SHORT_TERM_MAX_MONTHS, on, category)
    if term_months <= short.months:
        rule = _required_limit(program, LimitKind.EXTENSION_SHORT_TERM_MAX_MONTHS, on, category)
        return ExtensionLimit(rule.months, (short, rule))
    rule = _required_limit(program, LimitKind.EXTENSION_MAX_PERCENT_OF_TERM, on, category)
    return ExtensionLimit(_floor_share(term_months, rule.percent), (short, rule))


def extension_limit_months(
    program, term_months: int, on: dt.date, *, category=None, repayment_months: int | None = None
) -> int:
    return extension_limit_on(program, term_months, on, category=category, repayment_months=repayment_months).months


