"""Monthly statements from the loan snapshots: hand-computed amounts, split, cap, NOXH, re-runs and difference lines."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tests.fees.support import PERIOD, snap
from tests.loans.support import ensure_reference_data
from uythac.closing.scope import scope_parse
from uythac.core.periods import Period
from uythac.fees.models import CommissionStatement, FeeStatement, StatementKind, StatementStatus
from uythac.fees.payments import fee_payment_record
from uythac.fees.statements import fees_compute
from uythac.transaction_sessions.services import session_open


@pytest.fixture
def month(world):
    """Unit 11 of commune A (group 0000001): outstanding 1 000 000 000 of which 20 000 000 overdue (2 % → 80 %);
    800 000 000 on loans with interest collected (6 000 000 of interest). Unit 11 of commune B (group 0000003):
    an ordinary loan of 100 000 000 (1 000 000 interest) and a NOXH loan of 500 000 000 in term. Province 79 has a
    loan too (outside scope 01)."""
    w = world
    snap(w, w.group_a, current=600_000_000, interest=5_000_000)
    snap(w, w.group_a, current=200_000_000, interest=1_000_000)
    snap(w, w.group_a, current=180_000_000)
    snap(w, w.group_a, overdue=20_000_000)
    snap(w, w.group_b, current=100_000_000, interest=1_000_000)
    snap(w, w.group_b, current=500_000_000, interest=2_000_000, program="12")
    snap(w, w.group_c, current=100_000_000, interest=1_000_000, office=w.other_office)
    return w


def compute(world, scope="01"):
    return fees_compute(actor=world.admin, period=Period.parse(PERIOD), scope=scope_parse(scope))


def test_hand_computed_statements(month):
    w = month
    summary = compute(w)
    assert summary["fee_statements"] == 2 and summary["commission_statements"] == 2
    assert summary["schedule"] == "TAMTINH-2015" and summary["provisional"] is True
    fee = FeeStatement.objects.get(association_unit=w.unit_a["11"])
    assert (fee.outstanding, fee.overdue, fee.overdue_ratio, fee.base_amount) == (
        1_000_000_000, 20_000_000, D("2.0000"), 800_000_000)
    # 800 000 000 × 0.032 % = 256 000; band [2; 3) → 80 % → 204 800.
    assert (fee.fee_before_multiplier, fee.band_lower, fee.band_upper, fee.multiplier, fee.fee_after_multiplier) == (
        256_000, D(2), D(3), D(80), 204_800)
    assert fee.amount == fee.computed_total == 204_800 and fee.exception_fee == 0
    # Split: district 9 % = 18 432, province 4.5 % = 9 216, central 2.5 % = 5 120, commune the rest 172 032.
    shares = {s.level: (s.amount, s.recipient_id) for s in fee.shares.all()}
    assert shares == {"COMMUNE": (172_032, w.unit_a["11"].pk), "DISTRICT": (18_432, None),
                      "PROVINCE": (9_216, w.province_unit["11"].pk), "CENTRAL": (5_120, None)}
    # Commission of group 0000001: 6 000 000 × 11.5 % = 690 000; cap 0.125 % × 1e9 = 1 250 000 ≥ 894 800.
    commission = CommissionStatement.objects.get(group=w.group_a)
    assert (commission.interest_collected, commission.commission_on_interest, commission.amount) == (
        6_000_000, 690_000, 690_000)
    assert (fee.commissions, fee.cap_amount, fee.within_cap) == (690_000, 1_250_000, True)


def test_noxh_lines(month):
    w = month
    compute(w)
    fee = FeeStatement.objects.get(association_unit=w.unit_b["11"])
    # Ordinary 100 000 000 × 0.032 % = 32 000 (0 % overdue → 100 %); NOXH 500 000 000 × 0.003 % = 15 000.
    assert (fee.base_amount, fee.fee_after_multiplier, fee.exception_fee, fee.amount) == (
        100_000_000, 32_000, 15_000, 47_000)
    assert fee.exception_lines == [{"program": "12", "base": 500_000_000, "rate": "0.003000", "amount": 15_000}]
    # Commission: 1 000 000 × 11.5 % = 115 000 (NOXH interest excluded) + 500 000 000 × 0.005 % = 25 000.
    commission = CommissionStatement.objects.get(group=w.group_b)
    assert (commission.interest_collected, commission.commission_on_interest, commission.exception_commission,
            commission.amount) == (1_000_000, 115_000, 25_000, 140_000)


def test_scope_limits_the_statements(month):
    compute(month, "00070")  # commune A only
    assert list(FeeStatement.objects.values_list("association_unit__code", flat=True)) == ["11-C-00070"]
    assert not CommissionStatement.objects.filter(group=month.group_c).exists()


def test_rerun_replaces_unpaid_and_adds_a_difference_for_paid(month):
    w = month
    ensure_reference_data()
    compute(w)
    first = FeeStatement.objects.get(association_unit=w.unit_a["11"])
    session = session_open(actor=w.credit_officer, point=w.point_a, session_date=dt.date(2021, 1, 12),
                           team_leader=w.credit_officer, teller=w.pgd_staff, opening_cash=5_000_000)
    fee_payment_record(actor=w.credit_officer, session=session, statement=first, amount=204_800)
    # A late correction: 10 000 000 more overdue → 30 000 000 / 1 010 000 000 = 2.97 % (still 80 %) but the
    # unit B figures are unchanged; then 10 000 000 more → 40 000 000 / 1 020 000 000 = 3.92 % → 50 %: 128 000.
    snap(w, w.group_a, overdue=10_000_000)
    summary = compute(w)
    assert summary["differences"] == 0 and summary["fee_statements"] == 1  # paid unit A unchanged: nothing new
    snap(w, w.group_a, overdue=10_000_000)
    summary = compute(w)
    assert summary["differences"] == 1
    rows = FeeStatement.objects.filter(association_unit=w.unit_a["11"]).order_by("id")
    assert [(r.kind, r.status, r.computed_total, r.amount) for r in rows] == [
        (StatementKind.REGULAR, StatementStatus.PAID, 204_800, 204_800),
        (StatementKind.DIFFERENCE, StatementStatus.UNPAID, 128_000, -76_800),
    ]
    # Unit B was unpaid: replaced by a fresh regular statement (one per unit and period).
    assert FeeStatement.objects.filter(association_unit=w.unit_b["11"]).count() == 1
