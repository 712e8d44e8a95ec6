"""The naive month-end close — a Python loop over loans calling the ORM and the loans services one loan at a time.

KEPT ONLY AS THE BENCHMARK'S BASELINE (``uythac bench close-month``) and as an independent cross-check in the tests:
it does the same work as the set-based steps (transfer to overdue, interest up to the period end, a LoanSnapshot per
loan with its 3-months-inactive flag, group and province totals) the way one would write it without set-based SQL,
through ``uythac.loans.services.overdue_transfer``, ``uythac.loans.selectors.interest_due`` and per-loan queries.
Never call it from a real close: its cost grows with a few dozen queries per loan (measured speed-up:
docs/performance.md).
Run it inside a transaction that is rolled back (the bench does), since it writes snapshot rows of its own.
"""

import contextlib
import datetime as dt
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max

from uythac.closing.models import ALL_ORGANIZATIONS, GroupSnapshot, LoanSnapshot, ProvinceSnapshot
from uythac.closing.steps.snapshots import INACTIVE_RULE, LOAN_EVENTS_THAT_COUNT
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period, inactive_cutoff
from uythac.core.rules import rule_value
from uythac.groups.models import SavingsGroup
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.models import Posting
from uythac.loans.models import Loan, LoanEvent, LoanStatus
from uythac.loans.selectors import accrual_window_start, interest_due, loan_balances
from uythac.loans.services import overdue_transfer


@dataclass
class NaiveResult:
    loans: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    snapshots: list[dict] = field(default_factory=list)


def _last_transaction(loan: Loan, end: dt.date) -> dt.date:
    if loan.last_transaction_on <= end:
        return loan.last_transaction_on
    found = LoanEvent.objects.filter(loan=loan, kind__in=LOAN_EVENTS_THAT_COUNT, happened_on__lte=end).aggregate(
        last=Max("happened_on"))["last"]
    return found or loan.disbursed_on


def _window_start_at(loan: Loan, end: dt.date) -> dt.date:
    """First day whose interest was not posted by ``end``: after today's accrual when it is not past ``end``, else
    after the last accrual posted on or before ``end`` (the engine's key ``loan:<number>:accrual:<through>``)."""
    if loan.interest_accrued_through is None or loan.interest_accrued_through <= end:
        return accrual_window_start(loan)
    accrual = (Posting.objects.filter(account__code=A.INTEREST_RECEIVABLE, subledger_type="loan",
                                      subledger_key=loan.loan_number, value_date__lte=end, amount__gt=0,
                                      entry__kind="INTEREST_ACCRUAL")
               .select_related("entry").order_by("-value_date", "-entry_id").first())
    if accrual is None:
        return loan.disbursed_on
    key = accrual.entry.idempotency_key or ""
    if re.fullmatch(r"loan:.+:accrual:\d{4}-\d{2}-\d{2}", key):
        return dt.date.fromisoformat(key[-10:]) + dt.timedelta(days=1)
    return accrual.value_date


def _arrears_at_end(loan: Loan, posted: int, extra) -> dict:
    """Interest arrears at the period end by bucket: the ledger's receivable at E plus the interest not posted yet.
    The loan's buckets are today's; when interest moved after E the receivable at E differs from their sum and, as
    postings carry no bucket, the split is the close's: overdue first, then grace, the rest in term."""
    cached = (loan.interest_arrears_in_term, loan.interest_arrears_overdue, loan.interest_arrears_grace)
    if posted == sum(cached):
        in_term, overdue, grace = cached
    else:
        overdue = min(loan.interest_arrears_overdue, max(0, posted))
        grace = min(loan.interest_arrears_grace, max(0, posted - overdue))
        in_term = max(0, posted) - overdue - grace
    return {
        "interest_arrears_in_term": in_term + getattr(extra, "in_term", 0),
        "interest_arrears_overdue": overdue + getattr(extra, "overdue", 0),
        "interest_arrears_grace": grace + getattr(extra, "grace", 0),
    }


def naive_close(*, period: Period, loan_ids: list[int]) -> NaiveResult:
    """Close ``period`` for the loans ``loan_ids``, one loan at a time."""
    end, first = period.last_day, period.first_day
    result = NaiveResult(loans=len(loan_ids))
    started = time.perf_counter()
    for loan_id in loan_ids:
        loan = Loan.objects.get(pk=loan_id)
        if loan.status == LoanStatus.OPEN and loan.disbursed_on <= end:
            # A loan accrued past the period end already: the engine refuses a back-dated transfer.
            with contextlib.suppress(DomainError):
                overdue_transfer(loan=loan, as_of=end)
    result.seconds["overdue_transfers"] = time.perf_counter() - started

    started = time.perf_counter()
    unposted = {}
    for loan_id in loan_ids:
        loan = Loan.objects.get(pk=loan_id)
        alive = loan.disbursed_on <= end and (loan.closed_on is None or loan.closed_on > end)
        if alive:
            unposted[loan.pk] = interest_due(loan, _window_start_at(loan, end), end)
    result.seconds["interest_arrears"] = time.perf_counter() - started

    started = time.perf_counter()
    # A period closed before: its rows are replaced, as the set-based close's redo does (the bench rolls back).
    LoanSnapshot.objects.filter(period=str(period), loan_id__in=loan_ids).delete()
    rule = rule_value(INACTIVE_RULE, on=end)
    cutoff = inactive_cutoff(end, months=int(rule["months"]))
    for loan_id in loan_ids:
        loan = Loan.objects.select_related("commune", "program", "association_unit__organization").get(pk=loan_id)
        if loan.disbursed_on > end or (loan.closed_on is not None and loan.closed_on < first):
            continue
        balances = loan_balances(loan, as_of=end)
        last = _last_transaction(loan, end)
        extra = unposted.get(loan.pk)
        inactive = (balances.outstanding > 0 and balances.principal_frozen == 0
                    and loan.program.code not in rule["exclude_programs"] and last < cutoff)
        row = {
            "period": str(period), "loan_id": loan.pk, "loan_number": loan.loan_number,
            "household_id": loan.household_id, "group_id": loan.group_id,
            "association_unit_id": loan.association_unit_id, "commune_id": loan.commune_id,
            "office_id": loan.office_id, "province_id": loan.commune.province_id,
            "organization_code": loan.association_unit.organization.code if loan.association_unit_id else "",
            "program_id": loan.program_id, "program_code": loan.program.code,
            "status": loan.status if loan.closed_on and loan.closed_on <= end else LoanStatus.OPEN,
            "last_transaction_on": last, "is_inactive_3m": inactive,
            "principal_current": balances.principal_current, "principal_overdue": balances.principal_overdue,
            "principal_frozen": balances.principal_frozen,
            **_arrears_at_end(loan, balances.interest_receivable, extra),
            "disbursed_in_period": loan.disbursed_amount if loan.disbursed_on >= first else 0,
        }
        LoanSnapshot.objects.create(**row)
        result.snapshots.append(row)
    result.seconds["loan_snapshots"] = time.perf_counter() - started

    started = time.perf_counter()
    _aggregate(period, result.snapshots)
    result.seconds["aggregates"] = time.perf_counter() - started
    return result


def _aggregate(period: Period, rows: list[dict]) -> None:
    """Group and province totals summed in Python (the other levels are the same loop with another key)."""
    groups: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    provinces: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        outstanding = row["principal_current"] + row["principal_overdue"] + row["principal_frozen"]
        targets = [provinces[(row["province_id"], ALL_ORGANIZATIONS)]]
        if row["organization_code"]:
            targets.append(provinces[(row["province_id"], row["organization_code"])])
        if row["group_id"]:
            targets.append(groups[row["group_id"]])
        for totals in targets:
            totals["outstanding"] += outstanding
            totals["principal_current"] += row["principal_current"]
            totals["principal_overdue"] += row["principal_overdue"]
            totals["principal_frozen"] += row["principal_frozen"]
            totals["loans_with_balance"] += 1 if outstanding else 0
            totals["inactive_3m_loans"] += 1 if row["is_inactive_3m"] else 0
    GroupSnapshot.objects.filter(period=str(period), group_id__in=list(groups)).delete()
    ProvinceSnapshot.objects.filter(period=str(period), province_id__in={key[0] for key in provinces}).delete()
    for group_id, totals in groups.items():
        group = SavingsGroup.objects.select_related("commune", "transaction_point", "association_unit__organization")
        group = group.get(pk=group_id)
        GroupSnapshot.objects.create(
            period=str(period), group=group, association_unit_id=group.association_unit_id,
            commune_id=group.commune_id, office_id=group.transaction_point.office_id,
            province_id=group.commune.province_id, organization_code=group.association_unit.organization.code,
            **totals,
        )
    for (province_id, organization), totals in provinces.items():
        ProvinceSnapshot.objects.create(period=str(period), province_id=province_id,
                                        organization_code=organization, **totals)
