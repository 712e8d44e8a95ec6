"""Risk-handling rounds (đợt xử lý nợ bị rủi ro, process.md §4) of the generated history, and their cases.

Rounds are numbered per branch and year. The first year has one round: freezes (khoanh) after African swine fever
(cause K1, loss 45–75 %, frozen for the months of the loss band, rule ``loans.risk.freeze_bands``). The data year
has the seed's three: rounds I and II approved by head office (the written-off loans), round III submitted (its
cases PROPOSED, summary form 05/XLN) — seed 001: "đã thực hiện 03 đợt xử lý rủi ro … xóa nợ 15 món, số tiền gốc
156,2 tr.đ và đang trình TW đợt III/2020 xóa nợ cho 22 món, số tiền gốc 308,46 tr.đ".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from uythac.core.rules import rule_value
from uythac.synthetic.steps.lending.model import LoanPlan

FREEZE_RULE = "loans.risk.freeze_bands"  # uythac.loans.services_risk.FREEZE_RULE


@dataclass(slots=True, eq=False)
class RoundPlan:
    year: int
    number: int
    opened_on: int
    closed_on: int | None  # None: submitted, no result yet
    decision_ref: str = ""
    note: str = ""
    round_id: int | None = None
    cases: list = field(default_factory=list)


@dataclass(slots=True, eq=False)
class CasePlan:
    loan: LoanPlan
    measure: str  # FREEZE / WRITE_OFF
    cause: str
    loss_percent: int
    risk_on: int
    requested_on: int
    minutes_on: int
    summary_on: int
    decided_on: int | None
    freeze_months: int | None = None
    principal: int = 0
    interest: int = 0
    note: str = ""
    case_id: int | None = None


def _day(month: int, day: int) -> int:
    return dt.date(month // 12, month % 12 + 1, day).toordinal()


def freeze_months(loss_percent: int, cause: str, on: int) -> int:
    rule = rule_value(FREEZE_RULE, on=dt.date.fromordinal(on))
    for band in rule["bands"]:
        if band["min"] <= loss_percent <= band["max"]:
            cap = rule.get("cause_max_months", {}).get(cause)
            return min(band["months"], cap) if cap else band["months"]
    raise ValueError(f"no freeze band for a loss of {loss_percent}%")


def plan_rounds(state, cases, rng) -> list[RoundPlan]:
    frame = state.frame
    first_year, data_year = dt.date.fromordinal(frame.start).year, dt.date.fromordinal(frame.end).year
    start_month, mid_month = frame.start_month, frame.mid_month
    rounds = [RoundPlan(first_year, 1, _day(start_month + 4, 10), _day(start_month + 7, 20),
                        note=_("Khoanh nợ cho hộ vay bị thiệt hại do dịch tả lợn châu Phi."))]
    approved = [
        RoundPlan(data_year, number, _day(mid_month + 1 + 4 * (number - 1), 12),
                  _day(mid_month + 5 + 4 * (number - 1), 22))
        for number in (1, 2)
    ]
    submitted = RoundPlan(data_year, 3, _day(frame.end_month - 2, 8), None)
    rounds += [*approved, submitted]
    for plan in rounds:
        if plan.closed_on is not None:
            plan.decision_ref = (f"{rng.randint(1000, 9999)}/NHCS-TDNN ngày "
                                 f"{dt.date.fromordinal(plan.closed_on - rng.randint(2, 6)):%d/%m/%Y}")
        plan.note = plan.note or _("Đề nghị xóa nợ các món vay bị rủi ro do nguyên nhân khách quan.")
    for case in cases:
        loan = case.loan
        if case.kind == "F":
            plan = rounds[0]
            loss = rng.randint(45, 75)
            decided = plan.closed_on
            loan.freeze_on = decided
            loan.freeze_months = freeze_months(loss, "K1", decided)
            risk_on = max(loan.disbursed + 30, plan.opened_on - rng.randint(40, 120))
            loan.risk = CasePlan(
                loan=loan, measure="FREEZE", cause="K1", loss_percent=loss, risk_on=risk_on,
                requested_on=plan.opened_on + rng.randint(0, 20), minutes_on=plan.opened_on + rng.randint(25, 40),
                summary_on=plan.opened_on + rng.randint(45, 60), decided_on=decided, freeze_months=loan.freeze_months,
                note=_("Lợn nuôi bị tiêu hủy do dịch tả lợn châu Phi."),
            )
            plan.cases.append(loan.risk)
        elif case.kind == "W":
            plan = approved[case.write_round - 1]
            loan.write_off_on = plan.closed_on
            loan.risk = _write_off(loan, plan, rng, moved_away=case.member.moved_away)
            plan.cases.append(loan.risk)
        elif case.proposed:
            loan.risk = _write_off(loan, submitted, rng, moved_away=case.member.moved_away)
            submitted.cases.append(loan.risk)
    state.rounds = rounds
    return rounds


def _write_off(loan: LoanPlan, plan: RoundPlan, rng, *, moved_away: int | None) -> CasePlan:
    if moved_away is not None and moved_away <= plan.opened_on - 730:
        cause, note = "K4", _("Người vay bỏ đi khỏi nơi cư trú trên 2 năm, không rõ địa chỉ.")
        risk_on = moved_away
    else:
        cause, note = "K4", _("Người vay chết, gia đình không còn khả năng trả nợ.")
        risk_on = max(loan.disbursed + 60, plan.opened_on - rng.randint(60, 300))
    return CasePlan(
        loan=loan, measure="WRITE_OFF", cause=cause, loss_percent=100, risk_on=risk_on,
        requested_on=plan.opened_on + rng.randint(0, 15), minutes_on=plan.opened_on + rng.randint(20, 35),
        summary_on=plan.opened_on + rng.randint(40, 55), decided_on=plan.closed_on, note=note,
    )
