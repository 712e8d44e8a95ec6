"""Fixtures of the entrustment report tests: the closing tests' world (``cw``) and a small province closed for 06, 08
and 10/2026 (``closed``). Imported explicitly by the test modules (tests/reports is shared with other reports)."""

import pytest

from tests.closing.conftest import cw  # noqa: F401 — the closing tests' world with the loans' reference data
from tests.closing.support import D, loan_of
from tests.support_lending import open_savings
from uythac.closing.runner import close_month

PERIOD, COMPARE = D(2026, 10, 31), D(2026, 6, 30)
M = 1_000_000


@pytest.fixture
def closed(cw):  # noqa: F811
    """Four loans and two savings accounts (figures in tests/reports/test_entrustment_unit.py)."""
    # Farmers' group A: 30M on 10/04/2026, six half-yearly installments of 5M; the first (10/10/2026) is not paid
    # and goes overdue at the close of 10/2026.
    loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 4, 10), amount=30 * M, term=36, frequency=6)
    # Women's group: 15M on 12/03/2026. Farmers' group B: 12M on 15/08/2026 (a closed month: counted in the flows).
    loan_of(cw, cw.household_a_women, cw.group_a_women, on=D(2026, 3, 12), amount=15 * M)
    loan_of(cw, cw.household_b, cw.group_b, on=D(2026, 8, 15), amount=12 * M)
    # Province 79: outside the scope "01".
    loan_of(cw, cw.household_c, cw.group_c, on=D(2026, 1, 10), amount=5 * M)
    open_savings(cw, cw.household_a, on=D(2026, 4, 5), deposit=1 * M, actor=cw.admin)
    open_savings(cw, cw.household_b, on=D(2026, 8, 20), deposit=500_000, actor=cw.admin)
    for period in ("2026-06", "2026-08", "2026-10"):
        close_month(period=period, close_ledger=False)
    return cw
