"""Reads: balances from the ledger, outstanding per household, scoped guarded fetches."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import make_user
from tests.loans.support import D, disbursed_loan, make_poor
from uythac.accounts.models import Role
from uythac.loans.access import access_loan, loan_queryset_for
from uythac.loans.models import Loan
from uythac.loans.selectors import (
    application_deadline_missed,
    household_outstanding,
    loan_balances,
    loan_cache_matches_ledger,
    loans_due_between,
)
from uythac.loans.services import loan_repay_principal
from uythac.programs.models import CreditProgram

pytestmark = pytest.mark.django_db


def test_balances_come_from_the_ledger_and_the_cache_is_checked_against_it(lw):
    loan = disbursed_loan(lw)
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=2_500_000, on=D(2025, 5, 12))
    balances = loan_balances(loan)
    assert (balances.principal_current, balances.outstanding, balances.interest_receivable) == (
        27_500_000, 27_500_000, 0)
    assert loan_balances(loan, as_of=D(2025, 5, 11)).outstanding == 30_000_000
    assert loan_cache_matches_ledger(loan)
    Loan.objects.filter(pk=loan.pk).update(principal_current=27_000_000)
    loan.refresh_from_db()
    assert not loan_cache_matches_ledger(loan)


def test_household_outstanding_by_program(lw):
    loan = disbursed_loan(lw)
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000_000, on=D(2025, 5, 12))
    other = lw.group_a.test_members[4]
    make_poor(other)
    disbursed_loan(lw, household=other, amount=5_000_000)
    assert household_outstanding(lw.household_a) == 29_000_000
    assert household_outstanding(lw.household_a, CreditProgram.objects.get(code="01")) == 29_000_000
    assert household_outstanding(lw.household_a, CreditProgram.objects.get(code="19")) == 0
    assert household_outstanding(other) == 5_000_000


def test_loans_are_fetched_only_inside_the_scope(lw):
    loan = disbursed_loan(lw)
    for persona in (lw.admin, lw.branch_staff, lw.pgd_staff, lw.credit_officer, lw.province_association,
                    lw.commune_association, lw.group_leader, lw.commune_viewer):
        assert access_loan(persona, loan.loan_number) == loan
    assert access_loan(lw.credit_officer, loan.loan_number, for_write=True) == loan
    with pytest.raises(PermissionDenied):
        access_loan(lw.commune_viewer, loan.loan_number, for_write=True)
    with pytest.raises(PermissionDenied):
        access_loan(lw.group_leader, loan.loan_number, for_write=True)
    outsider = make_user("cbtd_b", Role.CREDIT_OFFICER, office=lw.office, responsible_communes=[lw.commune_b])
    with pytest.raises(Http404):
        access_loan(outsider, loan.loan_number)
    women = make_user("hpn_xa", Role.COMMUNE_ASSOCIATION, commune=lw.commune_a, organization=lw.orgs["12"])
    assert not loan_queryset_for(women).exists()


def test_due_lists_and_deadline_flags(lw):
    loan = disbursed_loan(lw)
    assert list(loans_due_between(Loan.objects.all(), D(2026, 3, 1), D(2026, 3, 31))) == [loan]
    assert list(loans_due_between(Loan.objects.all(), D(2026, 4, 1), D(2027, 3, 11))) == []
    application = loan.application
    assert application.approval_deadline == D(2025, 3, 6)  # complete Monday 03/03 + 3 working days
    assert not application_deadline_missed(application, D(2025, 12, 1))
    application.decided_on = D(2025, 3, 7)
    assert application_deadline_missed(application, D(2025, 12, 1))
