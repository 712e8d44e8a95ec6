"""Principal installment schedules and their changes: build, adjust (08/TD), extend, transfer to overdue (14/TD).

Pure functions over immutable values (no Django: an import-linter contract keeps this module pure). Every rule value
that the domain reference marks M/L (rounding unit, extension limits, the 01/03/2026 cut-over) is a PARAMETER the
caller reads from program data or RuleValue rows; nothing of the kind is a constant here.

Dates (decisions recorded here, see process.md §3.3–§3.4):

* Contract (final) maturity = ``add_months(disbursed_on, term_months)``, clamped to the month end.
* Installment ``k`` falls due in month ``disbursed + grace + k × frequency`` (the last in the maturity month, so a
  term that is not a multiple of the frequency ends with a shorter installment), ON THE TRANSACTION POINT'S SESSION
  DAY of that month (clamped to the month end), because principal is repaid at the commune session and one PGD files
  due loans by the session-day due date (PRACTITIONER, M). The last due date is never after maturity: when the
  maturity month's session day falls after the maturity date, the last installment is due on the maturity date.
* A payment date ``d`` counts for ``as_of`` when ``d <= as_of``; an installment is past due on ``as_of`` when
  ``due_on < as_of`` (transfer to overdue happens the day after an unpaid due date).

Errors are :class:`ScheduleError` (a ``ValueError``) with a stable reason ``code`` the web layer translates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from uythac.core.money import DEFAULT_INSTALLMENT_UNIT, MoneyError, split_evenly, to_vnd
from uythac.core.periods import Period, add_months, months_between, session_date


class ScheduleError(ValueError):
    """A refused schedule input or change; ``code`` is a stable reason code, ``detail`` English for logs."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True, slots=True)
class Installment:
    """One principal installment (kỳ hạn trả nợ). ``original_due_on`` keeps the contract date once the installment
    was moved by an 08/TD adjustment or an extension (``None`` while it was never moved)."""

    number: int
    due_on: dt.date
    principal: int
    original_due_on: dt.date | None = None

    @property
    def contract_due_on(self) -> dt.date:
        return self.original_due_on or self.due_on

    @property
    def is_rescheduled(self) -> bool:
        return self.contract_due_on != self.due_on

    def moved_to(self, due_on: dt.date) -> Installment:
        return replace(self, due_on=due_on, original_due_on=self.contract_due_on)


@dataclass(frozen=True, slots=True)
class ExtensionResult:
    """Outcome of :func:`extend_maturity`: the new final maturity, months used of the limit, and the schedule."""

    maturity: dt.date
    months_extended: int
    months_remaining: int
    installments: tuple[Installment, ...]


def _positive_int(value, code: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ScheduleError(code, f"{value!r} must be an integer ≥ {minimum}")
    return value


def contract_maturity(disbursed_on: dt.date, term_months: int) -> dt.date:
    """Final maturity of the debt acknowledgment: the disbursement date plus the term, clamped to the month end."""
    return add_months(disbursed_on, _positive_int(term_months, "term_not_positive"))


def build_schedule(
    *,
    principal: int,
    disbursed_on: dt.date,
    term_months: int,
    grace_months: int = 0,
    frequency_months: int | None = None,
    due_dates: Sequence[dt.date] | None = None,
    session_day: int | None = None,
    rounding_unit: int = DEFAULT_INSTALLMENT_UNIT,
) -> tuple[Installment, ...]:
    """Installment schedule of a new loan.

    Give EITHER ``frequency_months`` (installments every N months after the grace period, on the session day
    ``session_day`` of each due month; default: the disbursement's day of month) OR ``due_dates`` (a schedule
    agreed in the contract, strictly increasing, after the grace period, not after maturity). The principal is split
    with :func:`uythac.core.money.split_evenly`: each installment rounded down to ``rounding_unit``, the remainder
    on the last one (HEURISTIC; the unit comes from program data).

    60-month loan of 20,000,000 disbursed 10/03/2025, no grace, every 12 months, session day 10 → five installments
    of 4,000,000 due on 10/03/2026 … 10/03/2030 (= maturity).
    """
    try:
        principal = to_vnd(principal)
    except MoneyError as exc:
        raise ScheduleError("principal_invalid", str(exc)) from exc
    if principal <= 0:
        raise ScheduleError("principal_not_positive", f"{principal}")
    term_months = _positive_int(term_months, "term_not_positive")
    grace_months = _positive_int(grace_months, "grace_negative", minimum=0)
    if grace_months >= term_months:
        raise ScheduleError("grace_not_before_term", f"grace {grace_months} ≥ term {term_months} months")
    rounding_unit = _positive_int(rounding_unit, "rounding_unit_not_positive")
    if session_day is None:
        session_day = disbursed_on.day
    if isinstance(session_day, bool) or not isinstance(session_day, int) or not 1 <= session_day <= 31:
        raise ScheduleError("session_day_invalid", f"{session_day!r}")
    maturity = contract_maturity(disbursed_on, term_months)
    grace_end = add_months(disbursed_on, grace_months)

    if (frequency_months is None) == (due_dates is None):
        raise ScheduleError("frequency_or_due_dates", "give exactly one of frequency_months and due_dates")
    if frequency_months is not None:
        frequency_months = _positive_int(frequency_months, "frequency_not_positive")
        offsets = list(range(grace_months + frequency_months, term_months, frequency_months)) + [term_months]
        dates = []
        for offset in offsets:
            due = session_date(Period.of(add_months(disbursed_on, offset)), session_day)
            dates.append(min(due, maturity))
    else:
        dates = list(due_dates)
        if not dates:
            raise ScheduleError("due_dates_empty", "at least one due date")
        for earlier, later in zip(dates, dates[1:], strict=False):
            if later <= earlier:
                raise ScheduleError("due_dates_not_increasing", f"{later} after {earlier}")
        if dates[0] <= disbursed_on:
            raise ScheduleError("due_date_not_after_disbursement", f"{dates[0]} ≤ {disbursed_on}")
        if grace_months and dates[0] < grace_end:
            raise ScheduleError("due_date_within_grace", f"{dates[0]} before the grace end {grace_end}")
        if dates[-1] > maturity:
            raise ScheduleError("due_date_after_maturity", f"{dates[-1]} after maturity {maturity}")

    amounts = split_evenly(principal, len(dates), unit=rounding_unit)
    if len(dates) > 1 and amounts[0] == 0:
        raise ScheduleError(
            "installment_below_rounding_unit",
            f"{principal} over {len(dates)} installments is less than {rounding_unit} each",
        )
    return tuple(Installment(n, due, amount) for n, (due, amount) in enumerate(zip(dates, amounts, strict=True), 1))


def _checked(schedule: Sequence[Installment]) -> tuple[Installment, ...]:
    items = tuple(schedule)
    if not items:
        raise ScheduleError("schedule_empty", "a loan has at least one installment")
    for position, item in enumerate(items, 1):
        if not isinstance(item, Installment) or item.number != position:
            raise ScheduleError("schedule_invalid", f"item {position} is not installment number {position}")
    return items


def principal_total(schedule: Sequence[Installment]) -> int:
    return sum(item.principal for item in _checked(schedule))


def principal_falling_due(schedule: Sequence[Installment], start: dt.date, end: dt.date) -> int:
    """Principal of the installments due from ``start`` to ``end`` inclusive (due lists, due-collection ratio)."""
    return sum(item.principal for item in _checked(schedule) if start <= item.due_on <= end)


def adjust_installment(
    schedule: Sequence[Installment],
    number: int,
    new_due_on: dt.date,
    final_maturity: dt.date,
    *,
    as_of: dt.date | None = None,
) -> tuple[Installment, ...]:
    """Installment term adjustment (điều chỉnh kỳ hạn trả nợ, form 08/TD): move installment ``number`` LATER.

    Rules (597/NHCS-TDNN of 30/01/2026 as summarised in process.md §3.3, M): several adjustments are allowed,
    each to no later than the next installment's (current) due date; the final maturity is unchanged, so the last
    installment can move at most to ``final_maturity``. With ``as_of`` the request is refused once the installment's
    due date has passed (the leader submits at the latest on the session day). The 5/3-working-day notice periods
    are checked by the caller with :func:`uythac.core.periods.add_working_days`.
    """
    items = _checked(schedule)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(items):
        raise ScheduleError("installment_not_found", f"{number!r}")
    current = items[number - 1]
    if as_of is not None and as_of > current.due_on:
        raise ScheduleError("adjustment_too_late", f"installment due {current.due_on}, request on {as_of}")
    if new_due_on <= current.due_on:
        raise ScheduleError("adjustment_not_later", f"{new_due_on} is not after {current.due_on}")
    if number < len(items) and new_due_on > items[number].due_on:
        raise ScheduleError(
            "adjustment_after_next_installment", f"{new_due_on} after the next installment {items[number].due_on}"
        )
    if new_due_on > final_maturity:
        raise ScheduleError("adjustment_after_maturity", f"{new_due_on} after final maturity {final_maturity}")
    return items[: number - 1] + (current.moved_to(new_due_on),) + items[number:]


def extension_limit_months(
    term_months: int, *, short_term_max_months: int, short_term_limit_months: int, long_term_fraction: Fraction
) -> int:
    """Largest total extension for a loan of ``term_months``, from program data (programs.md §3, M).

    Short-term loans (term ≤ ``short_term_max_months``, 12) may be extended by ``short_term_limit_months`` (12);
    others by ``long_term_fraction`` (½) of the term, rounded DOWN to whole months (48 → 24, 15 → 7).
    """
    term_months = _positive_int(term_months, "term_not_positive")
    if term_months <= short_term_max_months:
        return short_term_limit_months
    return int(Fraction(long_term_fraction) * term_months)


def extend_maturity(
    schedule: Sequence[Installment],
    contract_maturity: dt.date,
    months: int,
    *,
    max_extension_months: int,
    current_maturity: dt.date | None = None,
) -> ExtensionResult:
    """Extension of the final maturity (gia hạn nợ) by ``months``; interest keeps accruing (caller's concern).

    Extensions add up: the total from the CONTRACT maturity may not exceed ``max_extension_months`` (the caller
    passes :func:`extension_limit_months` computed from program data). "Remaining = limit − (extended due date −
    contract due date)" (PRACTITIONER, M, process.md §3.4). The new maturity is counted from the contract maturity
    (31/01 + 1 + 1 month = 31/03, not 28/03) and the last installment moves to it.
    """
    items = _checked(schedule)
    months = _positive_int(months, "extension_months_not_positive")
    max_extension_months = _positive_int(max_extension_months, "extension_limit_invalid", minimum=0)
    current = current_maturity or contract_maturity
    if current < contract_maturity:
        raise ScheduleError("current_maturity_before_contract", f"{current} before {contract_maturity}")
    if items[-1].due_on > current:
        raise ScheduleError("schedule_after_maturity", f"last installment {items[-1].due_on} after {current}")
    used = months_between(contract_maturity, current)
    if used + months > max_extension_months:
        raise ScheduleError(
            "extension_exceeds_limit",
            f"{used} + {months} months exceeds the limit of {max_extension_months} months",
        )
    maturity = add_months(contract_maturity, used + months)
    last = items[-1].moved_to(maturity)
    return ExtensionResult(
        maturity=maturity,
        months_extended=used + months,
        months_remaining=max_extension_months - used - months,
        installments=items[:-1] + (last,),
    )


def is_per_installment_regime(disbursed_on: dt.date, *, cutover: dt.date) -> bool:
    """True when unpaid installments go overdue one by one: loans disbursed on or after ``cutover``.

    The cut-over (01/03/2026, 597/NHCS-TDNN, M) is data; exceptions (social housing, STEM students, direct
    job-creation loans before 03/2026) are decided by the caller from the program.
    """
    return disbursed_on >= cutover


def overdue_amount(
    schedule: Sequence[Installment],
    paid_principal_by_date: Mapping[dt.date, int],
    as_of: dt.date,
    *,
    per_installment_regime: bool,
    extended_maturity: dt.date | None = None,
) -> int:
    """Principal that must stand in overdue (nợ quá hạn) at the end of ``as_of``; the transfer (14/TD) is this
    minus what is already overdue.

    * Loans disbursed before the cut-over (``per_installment_regime=False``): an unpaid installment rolls into the
      next; nothing is overdue until the final maturity (the extended maturity if extended) has passed, then the
      WHOLE unpaid balance is (process.md §3.3, H/M).
    * Loans disbursed from the cut-over (``True``): each installment whose (possibly adjusted) due date has passed
      and that is not covered by principal paid goes overdue on its own. Payments are applied oldest installment
      first, so the overdue part is ``max(0, principal due before as_of − principal paid up to as_of)``.

    ``paid_principal_by_date`` maps a payment date to the principal repaid that day (repayments at the session,
    at the office, from savings); payments after ``as_of`` are ignored.
    """
    items = _checked(schedule)
    total = sum(item.principal for item in items)
    paid = 0
    for day, amount in paid_principal_by_date.items():
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ScheduleError("payment_invalid", f"{amount!r} on {day}")
        if day <= as_of:
            paid += amount
    if paid > total:
        raise ScheduleError("paid_exceeds_principal", f"{paid} paid on a principal of {total}")
    last = items[-1]
    if extended_maturity is not None and extended_maturity < last.due_on:
        raise ScheduleError("extended_maturity_before_last_installment", f"{extended_maturity} < {last.due_on}")
    final_due = extended_maturity or last.due_on
    if per_installment_regime:
        due = sum(item.principal for item in items[:-1] if item.due_on < as_of)
        if final_due < as_of:
            due += last.principal
    else:
        due = total if final_due < as_of else 0
    return max(0, due - paid)
