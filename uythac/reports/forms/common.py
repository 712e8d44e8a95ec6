"""What several forms share: the issuing unit's heading lines, the borrower's interest owed on a day, the members
of a group on a day, the guarded fetch of a review meeting, and parsing of the period / date options."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.access import fetch_or_404
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.groups.access import group_queryset_for
from uythac.groups.models import GroupMembership
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import EntryKind, JournalEntry, Posting
from uythac.loans.models import Loan
from uythac.loans.selectors import interest_due

ONE_DAY = dt.timedelta(days=1)
_ACCRUAL_KEY = re.compile(r":accrual:(\d{4}-\d{2}-\d{2})$")


def bank_issuer(office) -> list[str]:
    """Heading of a form the bank issues: "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI", the branch, the PGD."""
    lines = [_("NGÂN HÀNG CHÍNH SÁCH XÃ HỘI")]
    if office is not None:
        lines += [office.branch.name, office.name]
    return lines


def group_issuer(group) -> list[str]:
    """Heading of a list the group draws up: the group, its association unit, its commune."""
    return [
        _("TỔ TIẾT KIỆM VÀ VAY VỐN"),
        f"{group.name} ({group.code})",
        group.association_unit.name,
        group.commune.name,
    ]


def group_office(group):
    point = group.transaction_point
    return point.office if point is not None else None


def members_between(group, first: dt.date, last: dt.date) -> list:
    """Households that were members of ``group`` at some time in ``first``..``last``, by name."""
    memberships = (
        GroupMembership.objects.filter(group=group, joined_on__lte=last)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first))
        .select_related("household", "household__village")
        .order_by("household__name_search", "household__customer_code")
    )
    seen, households = set(), []
    for membership in memberships:
        if membership.household_id not in seen:
            seen.add(membership.household_id)
            households.append(membership.household)
    return households


def loans_between(group, households, first: dt.date, last: dt.date) -> dict[int, list[Loan]]:
    """Loans of the group's members disbursed by ``last`` and not closed before ``first``, per household id."""
    loans = (
        Loan.objects.filter(group=group, household__in=households, disbursed_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .select_related("program", "commune__province", "category")
        .order_by("loan_number")
    )
    found: dict[int, list[Loan]] = {}
    for loan in loans:
        found.setdefault(loan.household_id, []).append(loan)
    return found


def interest_owed_on(loan: Loan, day: dt.date) -> int:
    """Interest a borrower paying on ``day`` owes (the 13/TD "interest due" column): what the ledger shows
    receivable before ``day`` plus the interest of the days up to ``day - 1`` not yet accrued.

    Read from the ledger rather than from the loan's cached arrears so that a form for a past month does not pick up
    later collections. An accrual is posted on the last day it covers, or on the collection day for the days before
    it; the day it covers up to is read from its idempotency key ("loan:<n>:accrual:<through>") when present.
    """
    last = day - ONE_DAY
    if last < loan.disbursed_on:
        return 0
    postings = Posting.objects.filter(
        subledger_type=S.LOAN, subledger_key=loan.loan_number, account__code=A.INTEREST_RECEIVABLE, value_date__lte=day
    )
    owed = 0
    accrued_through = loan.disbursed_on - ONE_DAY
    accruals = dict(
        JournalEntry.objects.filter(kind=EntryKind.INTEREST_ACCRUAL, postings__in=postings).values_list(
            "id", "idempotency_key"
        )
    )
    for entry_id, value_date, amount in postings.values_list("entry_id", "value_date", "amount"):
        if entry_id in accruals:
            match = _ACCRUAL_KEY.search(accruals[entry_id] or "")
            through = dt.date.fromisoformat(match.group(1)) if match else value_date
            if through > last:
                continue
            accrued_through = max(accrued_through, through)
            owed += amount
        elif value_date < day:
            owed += amount
    return owed + interest_due(loan, accrued_through + ONE_DAY, last).total


def principal_on(loan: Loan, day: dt.date) -> int:
    """Outstanding principal (in-term + overdue + frozen) from the ledger at the end of ``day``."""
    from uythac.loans.selectors import loan_balances

    balances = loan_balances(loan, as_of=day)
    return balances.principal_current + balances.principal_overdue + balances.principal_frozen


def access_review_meeting(user, pk):
    """A review meeting is visible with its group (``group_queryset_for``): out of scope = 404 like missing."""
    from uythac.loans.models import ReviewMeeting

    try:
        key = int(str(pk))
    except ValueError:
        key = 0
    return fetch_or_404(
        ReviewMeeting.objects.filter(group_meeting__group__in=group_queryset_for(user)).select_related(
            "group_meeting__group__commune",
            "group_meeting__group__association_unit",
            "group_meeting__group__transaction_point__office__branch",
        ),
        pk=key,
    )


def parse_period(text: str | None, default: Period) -> Period:
    if not text:
        return default
    try:
        return Period.parse(text)
    except ValueError:
        raise DomainError(_("Kỳ «%(value)s» không đúng dạng YYYY-MM.") % {"value": text}, field="period") from None


def parse_date(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise DomainError(_("Ngày «%(value)s» không đúng dạng YYYY-MM-DD.") % {"value": text}, field="date") from None
