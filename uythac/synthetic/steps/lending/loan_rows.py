"""Each planned loan's history (``principal.build_timeline`` and ``accrual.simulate_interest``) as rows: the loan
with its cached balances equal to its ledger, its installments, its events, and its journal lines.

Loan numbers: "6600" + province + PGD number + an 8-digit serial (16 digits, export-formats.md §1.4). Loans older
than the history carry their balance brought forward (OPENING_BALANCE) and one conversion event for the principal
repaid before it, so that "principal repaid by date" (read from the events by the month-end close) is complete.
Interest is posted as the engine does — an accrual (INTEREST_RECEIVABLE / INTEREST_INCOME) up to the day before the
collection, then the collection (cash / INTEREST_RECEIVABLE) — per group and session day.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import EntryKind
from uythac.loans.models import Installment, Loan, LoanEventKind, LoanStatus
from uythac.synthetic.load import db_datetime, insert_rows
from uythac.synthetic.steps.lending import params
from uythac.synthetic.steps.lending.accrual import Rates, collection_days, simulate_interest
from uythac.synthetic.steps.lending.dates import date_of, iso, month_of, plus_months, session_day
from uythac.synthetic.steps.lending.ledger import reserve_ids
from uythac.synthetic.steps.lending.model import Behaviour
from uythac.synthetic.steps.lending.principal import DISBURSE, FREEZE, REPAY, TRANSFER, WRITE_OFF, build_timeline

LOAN_FIELDS = (
    "id", "loan_number", "household", "group", "association_unit", "commune", "transaction_point", "office",
    "program", "category", "channel", "capital_source", "purpose", "approved_amount", "disbursed_amount",
    "disbursed_on", "term_months", "grace_months", "installment_frequency_months", "contract_maturity",
    "current_maturity", "installment_regime", "status", "principal_current", "principal_overdue", "principal_frozen",
    "interest_arrears_in_term", "interest_arrears_overdue", "interest_arrears_grace", "interest_accrued_through",
    "last_transaction_on", "frozen_on", "frozen_until", "moved_away_on", "closed_on", "disbursement_session_key",
    "created_at",
)
INSTALLMENT_FIELDS = ("loan", "number", "due_on", "original_due_on", "principal", "principal_paid",
                      "transferred_to_overdue", "adjustment_count")
EVENT_FIELDS = ("loan", "kind", "form_number", "happened_on", "principal_amount", "interest_amount",
                "installment_number", "old_date", "new_date", "months", "from_savings", "journal_entry", "risk_case",
                "note", "created_at")
LOCAL_CAPITAL_SHARE = 0.04  # loans funded by the province's own entrusted capital (capital source 2)


class LoanWriter:
    def __init__(self, ctx, state, catalogue_ids, journal):
        self.ctx, self.state, self.journal = ctx, state, journal
        self.frame = state.frame
        self.program_ids, self.category_ids = catalogue_ids
        self.rates = Rates(ctx.province, self.frame.start, self.frame.end)
        self.rng = ctx.rng("lending_rows")
        self.created = db_datetime(timezone.now())
        self.quarter_days: dict[str, list[int]] = {}
        self.loans, self.installments, self.events = [], [], []
        self.serials = defaultdict(int)

    # -- one loan ---------------------------------------------------------------------------------------------

    def history(self, loan) -> None:
        frame = self.frame
        group = loan.group
        timeline = build_timeline(loan, frame.end)
        point = group.point_code
        if point not in self.quarter_days:
            self.quarter_days[point] = collection_days(group.session_day, frame.start, frame.end,
                                                       self.state.collection_months)
        interest = simulate_interest(loan, timeline, frame, self.rates.get(loan.program, loan.category),
                                     self.quarter_days[point])
        loan.timeline, loan.interest = timeline, interest
        if timeline.zero_on is not None and timeline.zero_on <= frame.end:
            loan.closed_on = timeline.zero_on

    def number(self, loan) -> None:
        office = loan.group.office_code[-2:]
        self.serials[office] += 1
        loan.number = f"6600{self.ctx.province.code}{office}{self.serials[office]:08d}"

    def rows(self, loan) -> None:
        frame = self.frame
        timeline, interest = loan.timeline, loan.interest
        group, member = loan.group, loan.member
        number = loan.number
        ledger_key = (S.LOAN, number)
        current, overdue, frozen = timeline.balance_at(frame.end)
        written_off = any(code == WRITE_OFF for _d, code, *_r in timeline.events)
        status = LoanStatus.OPEN
        if loan.closed_on is not None:
            status = LoanStatus.WRITTEN_OFF if written_off else LoanStatus.CLOSED
        repayments = [day for day, code, *_r in timeline.events if code == REPAY and day <= frame.end]
        last_transaction = max([loan.disbursed, *repayments, interest.last_collected or 0,
                                *self._collections_before(loan)])
        moved_away = member.moved_away if member.moved_away and member.moved_away >= loan.disbursed \
            and (loan.closed_on is None or member.moved_away <= loan.closed_on) else None
        maturity = loan.maturity
        self.loans.append((
            loan.loan_id, number, member.household_id, group.group_id, group.unit_id, group.commune_id,
            group.point_id, group.office_id, self.program_ids[loan.program],
            self.category_ids.get((loan.program, loan.category)), "ENTRUSTED",
            "2" if self.rng.random() < LOCAL_CAPITAL_SHARE else "1",
            self.rng.choice(params.PURPOSES[loan.program]), loan.amount, loan.amount, iso(loan.disbursed),
            loan.term, loan.grace, None if loan.frequency >= loan.term else loan.frequency, iso(maturity),
            iso(timeline.extended_to or maturity), loan.regime, status, current, overdue, frozen,
            *interest.arrears, iso(interest.accrued_through) if interest.accrued_through else None,
            iso(last_transaction), iso(loan.freeze_on) if loan.freeze_on else None,
            iso(self._freeze_until(loan)) if loan.freeze_on else None,
            iso(moved_away) if moved_away else None,
            iso(loan.closed_on) if loan.closed_on else None, "", self.created,
        ))
        for index, principal in enumerate(timeline.installments):
            self.installments.append((
                loan.loan_id, index + 1, iso(timeline.due_days[index]), iso(timeline.original_days[index]),
                principal, timeline.paid_by_installment[index], timeline.transferred[index],
                1 if timeline.adjusted_number == index + 1 else 0,
            ))
        self._principal_lines(loan, ledger_key)
        self._interest_lines(loan, ledger_key)
        self._other_events(loan, moved_away)

    @staticmethod
    def _freeze_until(loan) -> int:
        return plus_months(loan.freeze_on, loan.freeze_months)

    def _collections_before(self, loan) -> list[int]:
        """Loans older than the history: the last interest collection before it (a quarterly session)."""
        if loan.disbursed >= self.frame.start or loan.behaviour == Behaviour.DELINQUENT:
            return []
        month = month_of(self.frame.start) - 1
        while month % 12 not in (2, 5, 8, 11):
            month -= 1
        day = session_day(month, loan.group.session_day)
        return [day] if day > loan.disbursed else []

    # -- ledger and events -----------------------------------------------------------------------------------

    def _event(self, loan, kind, day, *, form="", principal=0, interest=0, number=None, old=None, new=None,
               months=None, entry=None, risk=None, note="") -> None:
        self.events.append([
            loan.loan_id, kind, form, iso(day), principal, interest, number,
            iso(old) if old else None, iso(new) if new else None, months, False, entry, risk,
            note[:255], self.created,
        ])

    def _principal_lines(self, loan, ledger_key) -> None:
        frame, journal = self.frame, self.journal
        group = loan.group
        cash_point = (A.CASH_TELLER, S.POINT, group.point_code)
        opening = loan.timeline.balance_at(frame.opening) if loan.disbursed < frame.start else None
        if opening is not None:
            index = journal.batch(frame.opening, EntryKind.OPENING_BALANCE, group.office_code,
                                  f"Số dư chuyển đổi đến ngày {date_of(frame.opening):%d/%m/%Y} của PGD "
                                  f"{group.office_code}",
                                  cash=(A.LENDING_FUNDS, S.OFFICE, group.office_code), source_type="office",
                                  source_key=group.office_code)
            for account, amount in zip((A.LOAN_CURRENT, A.LOAN_OVERDUE, A.LOAN_FROZEN), opening, strict=True):
                journal.line(index, account, amount, *ledger_key)
            journal.line(index, A.INTEREST_RECEIVABLE, sum(loan.interest.opening), *ledger_key)
            paid_before = loan.amount - sum(opening)
            if paid_before > 0:
                self._event(loan, LoanEventKind.PRINCIPAL_REPAYMENT, frame.opening, principal=paid_before,
                            note=f"Chuyển đổi dữ liệu: gốc đã trả trước ngày {date_of(frame.start):%d/%m/%Y}")
        for day, code, d_current, d_overdue, d_frozen in loan.timeline.events:
            if day < frame.start or day > frame.end:
                continue
            if code == DISBURSE:
                at_office = day != session_day(month_of(day), group.session_day)
                cash = (A.CASH_TELLER, S.OFFICE, group.office_code) if at_office else cash_point
                place = f"PGD {group.office_code}" if at_office else f"điểm giao dịch {group.point_code}"
                index = journal.batch(day, EntryKind.DISBURSEMENT, cash[2],
                                      lambda place=place, day=day: f"Giải ngân tại {place} ngày "
                                                                   f"{date_of(day):%d/%m/%Y}",
                                      cash=cash, source_type=cash[1], source_key=cash[2])
                journal.line(index, A.LOAN_CURRENT, d_current, *ledger_key)
                self._event(loan, LoanEventKind.DISBURSEMENT, day, principal=d_current)
            elif code == REPAY:
                index = journal.batch(day, EntryKind.PRINCIPAL_REPAYMENT, group.point_code,
                                      lambda day=day: f"Thu nợ gốc tại điểm giao dịch {group.point_code} ngày "
                                                      f"{date_of(day):%d/%m/%Y}",
                                      cash=cash_point, source_type="point", source_key=group.point_code)
                for account, amount in ((A.LOAN_CURRENT, d_current), (A.LOAN_OVERDUE, d_overdue),
                                        (A.LOAN_FROZEN, d_frozen)):
                    journal.line(index, account, amount, *ledger_key)
                self._event(loan, LoanEventKind.PRINCIPAL_REPAYMENT, day,
                            principal=-(d_current + d_overdue + d_frozen))
            elif code == TRANSFER:
                index = journal.entry(day, EntryKind.OVERDUE_TRANSFER,
                                      f"Chuyển nợ quá hạn khế ước {loan.number} (14/TD)", "loan", loan.number)
                journal.line(index, A.LOAN_OVERDUE, d_overdue, *ledger_key)
                journal.line(index, A.LOAN_CURRENT, d_current, *ledger_key)
                self._event(loan, LoanEventKind.OVERDUE_TRANSFER, day, form="14/TD", principal=d_overdue, entry=index)
            elif code == FREEZE:
                index = journal.entry(day, EntryKind.FREEZE, f"Khoanh nợ khế ước {loan.number}", "loan", loan.number)
                journal.line(index, A.LOAN_FROZEN, d_frozen, *ledger_key)
                journal.line(index, A.LOAN_OVERDUE, d_overdue, *ledger_key)
                journal.line(index, A.LOAN_CURRENT, d_current, *ledger_key)
                self._event(loan, LoanEventKind.FREEZE, day, form="04/XLN", principal=d_frozen,
                            months=loan.freeze_months, new=self._freeze_until(loan), entry=index, risk=loan.risk)
            elif code == WRITE_OFF:
                self._write_off(loan, day, d_current, d_overdue, d_frozen, ledger_key)

    def _write_off(self, loan, day, d_current, d_overdue, d_frozen, ledger_key) -> None:
        journal = self.journal
        accrued = loan.interest.records[-1] if loan.interest.records else None
        if accrued and accrued[0] == day and sum(accrued[1:4]):
            index = journal.entry(day, EntryKind.INTEREST_ACCRUAL,
                                  f"Dự thu lãi khế ước {loan.number} đến {date_of(day - 1):%d/%m/%Y}", "loan",
                                  loan.number)
            journal.line(index, A.INTEREST_RECEIVABLE, sum(accrued[1:4]), *ledger_key)
            journal.line(index, A.INTEREST_INCOME, -sum(accrued[1:4]), *ledger_key)
        arrears = sum(loan.interest.written_off)
        principal = -(d_current + d_overdue + d_frozen)
        index = journal.entry(day, EntryKind.WRITE_OFF, f"Xóa nợ khế ước {loan.number}", "loan", loan.number)
        journal.line(index, A.WRITE_OFF_LOSS, principal + arrears, *ledger_key)
        for account, amount in ((A.LOAN_FROZEN, d_frozen), (A.LOAN_OVERDUE, d_overdue), (A.LOAN_CURRENT, d_current)):
            journal.line(index, account, amount, *ledger_key)
        journal.line(index, A.INTEREST_RECEIVABLE, -arrears, *ledger_key)
        self._event(loan, LoanEventKind.WRITE_OFF, day, form="05/XLN", principal=principal, interest=arrears,
                    entry=index, risk=loan.risk)

    def _interest_lines(self, loan, ledger_key) -> None:
        journal = self.journal
        group = loan.group
        for record in loan.interest.records:
            day, accrued_in_term, accrued_overdue, accrued_grace, collected, *_applied, kind = record
            if kind == "W":
                continue
            accrued = accrued_in_term + accrued_overdue + accrued_grace
            if accrued:
                index = journal.batch(day, EntryKind.INTEREST_ACCRUAL, group.code,
                                      lambda day=day: f"Dự thu lãi các khế ước tổ {group.code} đến ngày "
                                                      f"{date_of(day - 1):%d/%m/%Y}",
                                      cash=None, source_type="group", source_key=group.code)
                journal.line(index, A.INTEREST_RECEIVABLE, accrued, *ledger_key)
                journal.line(index, A.INTEREST_INCOME, -accrued, *ledger_key)
            if collected:
                index = journal.batch(day, EntryKind.INTEREST_COLLECTION, group.code,
                                      lambda day=day: f"Tổ trưởng tổ {group.code} nộp tiền lãi thu hộ (13/TD) tại "
                                                      f"phiên giao dịch ngày {date_of(day):%d/%m/%Y}",
                                      cash=(A.CASH_TELLER, S.POINT, group.point_code), source_type="group",
                                      source_key=group.code)
                journal.line(index, A.INTEREST_RECEIVABLE, -collected, *ledger_key)
                # The collection is a transaction of the loan (the month-end close reads the date from the events).
                self._event(loan, LoanEventKind.INTEREST_COLLECTION, day, interest=collected, form="13/TD")

    def _other_events(self, loan, moved_away) -> None:
        frame = self.frame
        timeline = loan.timeline
        if timeline.adjusted_number:
            number = timeline.adjusted_number
            original = timeline.original_days[number - 1]
            requested = original - 7
            if requested >= frame.start:
                self._event(loan, LoanEventKind.ADJUSTMENT, requested, form="08/TD", number=number, old=original,
                            new=timeline.due_days[number - 1],
                            note="Điều chỉnh kỳ hạn trả nợ do hộ vay gặp khó khăn tạm thời")
        if timeline.extended_to is not None:
            due = timeline.original_days[-1]
            if frame.start <= due <= frame.end:
                self._event(loan, LoanEventKind.EXTENSION, due, months=loan.extension_months, old=loan.maturity,
                            new=timeline.extended_to, note="Gia hạn nợ do hộ vay gặp khó khăn khách quan")
        if moved_away is not None and frame.start <= moved_away <= frame.end:
            self._event(loan, LoanEventKind.MOVED_AWAY, moved_away, note="Hộ vay bỏ đi khỏi nơi cư trú")
        if loan.closed_on is not None and frame.start <= loan.closed_on <= frame.end \
                and not any(code == WRITE_OFF for _d, code, *_r in timeline.events):
            self._event(loan, LoanEventKind.CLOSE, loan.closed_on)

    # -- writing -----------------------------------------------------------------------------------------------

    def write(self) -> None:
        insert_rows(Loan, LOAN_FIELDS, self.loans)
        insert_rows(Installment, INSTALLMENT_FIELDS, self.installments)


def assign_ids(state, loans) -> None:
    for loan, loan_id in zip(loans, reserve_ids(Loan, len(loans)), strict=True):
        loan.loan_id = loan_id
