"""Eligibility of a loan request on a date (programs.md §2; process.md §3.1), checked at approval and again at
disbursement, with one clear Vietnamese refusal per rule. Every threshold is program data (``limit_on``) or a
``RuleValue``; nothing is a constant here.

Also the calendar data the lifecycle needs: public holidays (``calendar.public_holidays``) for working-day counts.
"""

import datetime as dt

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.guards import format_date
from uythac.core.models import RuleValue
from uythac.core.rules import rule_value
from uythac.groups.models import GroupMembership, GroupStatus
from uythac.households.models import PovertyStatus
from uythac.households.selectors import poverty_status_current
from uythac.loans.models import LoanChannel
from uythac.loans.selectors import household_outstanding
from uythac.programs.models import LimitKind
from uythac.programs.selectors import limit_on

POVERTY_RULE = "loans.eligibility.poverty_status"
HOLIDAY_RULE = "calendar.public_holidays"
ROUNDING_RULE = "loans.installment.rounding_unit"


def vnd(amount: int) -> str:
    return number_format(amount, force_grouping=True)


def public_holidays(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """Holidays recorded for the years ``start.year``..``end.year + 1`` (a deadline may cross New Year). A year
    with no row contributes none: weekends are still skipped, and the deadline shows as computed without it."""
    rows = RuleValue.objects.filter(key=HOLIDAY_RULE, effective_from__lte=dt.date(end.year + 1, 12, 31)).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=dt.date(start.year, 1, 1))
    )
    return frozenset(dt.date.fromisoformat(day) for row in rows for day in row.value)


def membership_on(household, group, on: dt.date) -> GroupMembership | None:
    return (
        GroupMembership.objects.filter(household=household, group=group, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .first()
    )


def check_membership(application, on: dt.date) -> None:
    if application.channel != LoanChannel.ENTRUSTED:
        return
    group = application.group
    if group.status != GroupStatus.ACTIVE:
        raise DomainError(
            _("Tổ %(group)s không còn hoạt động: không cho vay ủy thác qua tổ này.") % {"group": group.code},
            field="group",
        )
    if membership_on(application.household, group, on) is None:
        raise DomainError(
            _("Hộ %(household)s không phải tổ viên hiện tại của tổ %(group)s vào ngày %(date)s.")
            % {"household": application.household.name, "group": group.code, "date": format_date(on)},
            field="household",
        )


def check_not_moved_away(household, on: dt.date) -> None:
    if household.moved_away_on is not None and household.moved_away_on <= on:
        raise DomainError(
            _("Hộ %(household)s đã bỏ đi khỏi nơi cư trú từ ngày %(date)s: không cho vay.")
            % {"household": household.name, "date": format_date(household.moved_away_on)},
            field="household",
        )


def check_poverty_status(household, program, on: dt.date) -> None:
    required = rule_value(POVERTY_RULE, on=on).get(program.code)
    if not required:
        return
    record = poverty_status_current(household, on=on)
    if record is None or record.status not in required:
        wanted = ", ".join(str(PovertyStatus(code).label) for code in required)
        found = (_("%(status)s (danh sách năm %(year)d)") % {"status": record.get_status_display(), "year": record.year}
                 if record is not None else _("chưa có trong danh sách nào"))
        raise DomainError(
            _("Chương trình %(program)s chỉ cho vay %(wanted)s có tên trong danh sách hiện hành của xã; hộ "
              "%(household)s: %(found)s.")
            % {"program": program.code, "wanted": wanted, "household": household.name, "found": found},
            field="household",
        )


def check_term(program, category, term_months: int, frequency_months: int | None, on: dt.date) -> None:
    max_term = limit_on(program, LimitKind.MAX_TERM_MONTHS, on, category=category)
    if max_term is not None and term_months > max_term.months:
        raise DomainError(
            _("Thời hạn vay %(term)d tháng vượt quá thời hạn tối đa %(max)d tháng của chương trình %(program)s.")
            % {"term": term_months, "max": max_term.months, "program": program.code},
            field="term_months",
        )
    if frequency_months is not None:
        if frequency_months > term_months:
            raise DomainError(_("Kỳ hạn trả gốc không được dài hơn thời hạn vay."),
                              field="installment_frequency_months")
        interval = limit_on(program, LimitKind.INSTALLMENT_MAX_INTERVAL_MONTHS, on, category=category)
        if interval is not None and frequency_months > interval.months:
            raise DomainError(
                _("Chương trình %(program)s trả gốc tối đa %(max)d tháng một lần.")
                % {"program": program.code, "max": interval.months},
                field="installment_frequency_months",
            )


CAP_KINDS = (LimitKind.MAX_AMOUNT_PER_HOUSEHOLD, LimitKind.MAX_AMOUNT_PER_BORROWER)


def check_caps(household, program, category, amount: int, on: dt.date) -> None:
    """Outstanding of the household in the program + the new amount ≤ the cap per household (or per borrower:
    the household representative is the borrower); the amount alone ≤ the cap per loan."""
    per_loan = limit_on(program, LimitKind.MAX_AMOUNT_PER_LOAN, on, category=category)
    if per_loan is not None and amount > per_loan.amount_vnd:
        raise DomainError(
            _("Số tiền %(amount)s đồng vượt mức cho vay tối đa %(cap)s đồng/món của chương trình %(program)s.")
            % {"amount": vnd(amount), "cap": vnd(per_loan.amount_vnd), "program": program.code},
            field="amount",
        )
    for kind in CAP_KINDS:
        cap = limit_on(program, kind, on, category=category)
        if cap is None:
            continue
        outstanding = household_outstanding(household, program)
        if outstanding + amount > cap.amount_vnd:
            raise DomainError(
                _("Vượt mức cho vay tối đa %(cap)s đồng/hộ của chương trình %(program)s: hộ đang còn dư nợ "
                  "%(outstanding)s đồng, đề nghị thêm %(amount)s đồng.")
                % {"cap": vnd(cap.amount_vnd), "program": program.code, "outstanding": vnd(outstanding),
                   "amount": vnd(amount)},
                field="amount",
            )


def check_eligibility(application, *, amount: int, on: dt.date) -> None:
    """All the rules a request must meet on ``on`` (approval or disbursement date)."""
    household = application.household
    check_not_moved_away(household, on)
    check_membership(application, on)
    check_poverty_status(household, application.program, on)
    check_term(application.program, application.category, application.term_months,
               application.installment_frequency_months, on)
    check_caps(household, application.program, application.category, amount, on)
