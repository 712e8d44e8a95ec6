"""Builders for the loan page tests and the permission matrix: objects of province 79 (outside every persona's
scope but the administrator's), created on first use and then reused.

Permission matrix lambdas (tests/web/test_permission_matrix.py ``OUT_OF_SCOPE``)::

    "loans": lambda w: out_of_scope_loan(w).loan_number,
    "applications": lambda w: str(out_of_scope_loan(w).application_id),
    "risk-rounds": lambda w: str(out_of_scope_round(w).pk),
"""

import datetime as dt

from tests.loans.support import approved_application, ensure_reference_data, make_poor
from uythac.loans.models import Loan, RiskRound
from uythac.loans.services import loan_disburse, risk_round_open

OUTSIDE_NUMBER = "7900000000000001"


def out_of_scope_loan(world) -> Loan:
    """A loan of household_c (group 0000079, province 79) disbursed 12/03/2025 by the administrator."""
    found = Loan.objects.filter(loan_number=OUTSIDE_NUMBER).first()
    if found is not None:
        return found
    ensure_reference_data()
    make_poor(world.household_c, 2025)
    application = approved_application(world, household=world.household_c, group=world.group_c, actor=world.admin,
                                       submitted_on=dt.date(2025, 3, 2))
    return loan_disburse(actor=world.admin, application=application, disbursed_on=dt.date(2025, 3, 12),
                         loan_number=OUTSIDE_NUMBER)


def out_of_scope_round(world) -> RiskRound:
    found = RiskRound.objects.filter(branch=world.other_branch).first()
    if found is not None:
        return found
    return risk_round_open(actor=world.admin, branch=world.other_branch, year=2025, opened_on=dt.date(2025, 6, 2))

