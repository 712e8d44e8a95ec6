"""The scene of the form tests: group 0000001 (point TXN0001, sessions on the 12th) with one loan of 30.000.000 đ
disbursed 12/03/2025 to household_a (program 01 at 6,6 %/year), its savings of 600.000 đ and a saver."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.loans.support import disbursed_loan, ensure_reference_data, make_poor
from tests.support_lending import ensure_lending_reference_data, open_savings

DISBURSED_ON = dt.date(2025, 3, 12)


@pytest.fixture
def scene(world):
    ensure_reference_data()
    ensure_lending_reference_data()
    make_poor(world.household_a, 2025)
    s = SimpleNamespace(world=world)
    s.loan = disbursed_loan(world, disbursed_on=DISBURSED_ON, amount=30_000_000, notice=True)
    s.borrower = world.household_a
    s.saver = world.group_a.test_members[3]
    s.borrower_savings = open_savings(world, s.borrower, on=DISBURSED_ON, deposit=600_000)
    s.saver_savings = open_savings(world, s.saver, on=DISBURSED_ON, deposit=250_000)
    return s
