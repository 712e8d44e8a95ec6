"""The scene of the session tests: a loan disbursed a month before, savings accounts, an open session."""

import datetime as dt
from types import SimpleNamespace

from tests.loans.support import disbursed_loan, ensure_reference_data, make_poor
from tests.support_lending import ensure_lending_reference_data, open_savings
from uythac.transaction_sessions.services import session_open

DISBURSED_ON = dt.date(2025, 3, 12)
SESSION_DAY = dt.date(2025, 4, 12)  # point TXN0001 transacts on the 12th
LOAN_AMOUNT = 30_000_000
OPENING_CASH = 50_000_000


def build_scene(world) -> SimpleNamespace:
    ensure_reference_data()
    ensure_lending_reference_data()
    make_poor(world.household_a, 2025)
    scene = SimpleNamespace(world=world)
    scene.loan = disbursed_loan(world, disbursed_on=DISBURSED_ON, amount=LOAN_AMOUNT)
    scene.borrower = world.household_a
    scene.saver = world.group_a.test_members[3]
    scene.borrower_savings = open_savings(world, scene.borrower, on=DISBURSED_ON, deposit=600_000)
    scene.saver_savings = open_savings(world, scene.saver, on=DISBURSED_ON)
    scene.session = session_open(actor=world.credit_officer, point=world.point_a, session_date=SESSION_DAY,
                                 team_leader=world.credit_officer, teller=world.pgd_staff, opening_cash=OPENING_CASH)
    return scene


def receipt(scene, *, number="BL-001", interest=150_000, savings=20_000, collected_on=dt.date(2025, 4, 5), **extra):
    """The borrower's receipt (interest on the loan + a deposit)."""
    row = {"household": scene.borrower.customer_code, "receipt_number": number, "collected_on": collected_on}
    if interest:
        row["interest"] = {scene.loan.loan_number: interest}
    if savings:
        row["savings"] = savings
    row.update(extra)
    return row


def saver_receipt(scene, *, number="BL-002", savings=50_000, collected_on=dt.date(2025, 4, 6)):
    return {"household": scene.saver.customer_code, "receipt_number": number, "collected_on": collected_on,
            "savings": savings}
