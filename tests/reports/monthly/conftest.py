"""A small province closed for 08, 09 and 10/2026 where every figure of the monthly reports is known by hand.

Province 01 (PGD 000101): commune 00070 (Hoàn Kiếm) with the farmers' group 0000001 (6 members, unit 11-C-00070)
and the women's group 0000002 (5 members, unit 12-C-00070); commune 00004 (Ba Đình) with the farmers' group 0000003
(5 members, unit 11-C-00004). Province 79 holds one loan outside every scope but the country's.

* A — 0000001, 30M on 10/04/2026, 36 months, six half-yearly installments of 5M: the first (due 10/10/2026, a
  Saturday, moved to Monday 12/10) is not paid: 5M overdue at the close of 10/2026; no transaction since the
  disbursement → inactive 3 months.
* W — 0000002, 15M on 12/03/2026, yearly installments; frozen (khoanh) in full on 15/09/2026 until 15/12/2026 →
  15M frozen, a freeze expiring within 3 months of 31/10/2026; inactive 3 months.
* B — 0000003, 12M on 20/05/2026, six half-yearly installments of 2M, the first due in 11/2026 (due next month);
  interest paid on 05/08, 05/09 and 05/10/2026 (10.000 đ each): active, and paying in each of the last 3 months.
* C — province 79, 5M on 10/01/2026.
Savings (TK 105): A's household 1.000.000 đ (05/04/2026), B's household 500.000 đ (20/08/2026).
"""

import datetime as dt

import pytest

from tests.closing.conftest import cw  # noqa: F401 — the closing tests' world with the loans' reference data
from tests.closing.support import D, freeze, loan_of
from tests.support_lending import open_savings
from uythac.closing.runner import close_month
from uythac.loans.models import Loan
from uythac.loans.services import loan_collect_interest

M = 1_000_000
PERIOD = "2026-10"
END = dt.date(2026, 10, 31)


def build_monthly(w):
    """The loans, savings and closes above, on a world that has the closing reference data."""
    w.loan_a = loan_of(w, w.household_a, w.group_a, on=D(2026, 4, 10), amount=30 * M, term=36, frequency=6)
    w.loan_w = loan_of(w, w.household_a_women, w.group_a_women, on=D(2026, 3, 12), amount=15 * M)
    w.loan_b = loan_of(w, w.household_b, w.group_b, on=D(2026, 5, 20), amount=12 * M, term=36, frequency=6)
    w.loan_c = loan_of(w, w.household_c, w.group_c, on=D(2026, 1, 10), amount=5 * M)
    open_savings(w, w.household_a, on=D(2026, 4, 5), deposit=1 * M, actor=w.admin)
    open_savings(w, w.household_b, on=D(2026, 8, 20), deposit=500_000, actor=w.admin)
    for period, day in (("2026-08", D(2026, 8, 5)), ("2026-09", D(2026, 9, 5)), ("2026-10", D(2026, 10, 5))):
        loan_collect_interest(actor=w.admin, loan=w.loan_b, amount=10_000, on=day)
        if period == "2026-09":
            freeze(w.loan_w, D(2026, 9, 15))
            Loan.objects.filter(pk=w.loan_w.pk).update(frozen_until=D(2026, 12, 15))
        close_month(period=period, close_ledger=False)
    for loan in (w.loan_a, w.loan_w, w.loan_b, w.loan_c):
        loan.refresh_from_db()
    return w


@pytest.fixture
def mw(cw):  # noqa: F811
    return build_monthly(cw)
