"""A fast bulk loader of loans for ``uythac bench close-month`` (until the synthetic generator makes loans).

On the households and groups of a generated profile (``uythac generate --profile seed2020``: province 24, 3,298
groups, 99,590 households) it writes, deterministically from a seed, ``count`` loans as the loans engine would have
left them just before the close of ``period``: schedules, disbursements, partial repayments (oldest installment
first, with their events), earlier transfers to overdue, a few freezes, interest accrued through the previous month
end, interest collected at the commune session of the month, and one member savings account (TK 105) per
household — every cached balance equal to its ledger sub-ledger. Rows go in with COPY (PostgreSQL) or
``executemany`` (SQLite), explicit ids for loans, entries and accounts (sequences moved on afterwards).

The mix (HEURISTIC, for a realistic workload, not for reporting): programs 01 50 %, 19 20 %, 09 10 %, 03 8 %, 02 7 %,
06 5 %; 12 % of loans disbursed from 01/03/2026 (per-installment overdue regime) when the period allows it; 3 % reach
their final maturity during the period, 1.5 % went overdue before it, 0.5 % are frozen, 2 % are disbursed during the
period; 30 % repaid part of their principal; 55 % paid interest at the session of the period; 10 % have had no
transaction for more than three months.

The bench runs the loader inside a transaction it rolls back: nothing stays in the database.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from uythac.closing import sql
from uythac.core.periods import Period, add_months, session_date
from uythac.ledger.chart import AccountCode as A
from uythac.loans.schedule import build_schedule
from uythac.programs.models import CreditProgram

PROGRAM_MIX = (("01", 50), ("19", 20), ("09", 10), ("03", 8), ("02", 7), ("06", 5))
AUTO_OVERDUE_FROM = dt.date(2026, 3, 1)
TERMS = (12, 24, 36, 48, 60)
ANNUAL_RATE = 0.066  # only to size plausible interest amounts in the fixture; the close reads the program data


@dataclass
class Rows:
    loans: list = field(default_factory=list)
    installments: list = field(default_factory=list)
    events: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    postings: list = field(default_factory=list)
    savings: list = field(default_factory=list)


class Loader:
    def __init__(self, *, province_code: str, period: Period, count: int, seed: int):
        self.period, self.count, self.random = period, count, random.Random(seed)
        self.end, self.first = period.last_day, period.first_day
        self.previous_end = period.previous().last_day
        self.rows = Rows()
        self.created = connection.ops.adapt_datetimefield_value(timezone.now())
        self.accounts = dict(sql.fetch_all("SELECT code, id FROM ledger_ledgeraccount"))
        self.programs = dict(CreditProgram.objects.values_list("code", "id"))
        self.members = sql.fetch_all(
            "SELECT h.id, h.commune_id, g.id, g.code, g.association_unit_id, tp.id, tp.office_id,"
            " tp.session_day_of_month, o.code FROM households_household h"
            " JOIN groups_groupmembership m ON m.household_id = h.id AND m.left_on IS NULL"
            " JOIN groups_savingsgroup g ON g.id = m.group_id"
            " JOIN network_transactionpoint tp ON tp.id = g.transaction_point_id"
            " JOIN network_transactionoffice o ON o.id = tp.office_id"
            " JOIN geography_commune c ON c.id = h.commune_id JOIN geography_province p ON p.id = c.province_id"
            " WHERE p.code = %s ORDER BY h.id",
            [province_code],
        )
        self.next_loan = self._next_id("loans_loan")
        self.next_entry = self._next_id("ledger_journalentry")
        self.next_account = self._next_id("savings_membersavingsaccount")
        self.saving_households = {row[0] for row in sql.fetch_all(
            "SELECT household_id FROM savings_membersavingsaccount WHERE status = 'A'")}

    @staticmethod
    def _next_id(table: str) -> int:
        return int(sql.fetch_one(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0]) + 1

    # --- ledger rows -----------------------------------------------------------------------------------------------

    def _entry(self, day: dt.date, kind: str, key: str, lines: list[tuple[str, int, str, str]]) -> int:
        entry_id = self.next_entry
        self.next_entry += 1
        self.rows.entries.append((entry_id, day, kind, "bench", None, "bench", self.created, None, "loan", key))
        for code, amount, sub_type, sub_key in lines:
            self.rows.postings.append((entry_id, self.accounts[code], amount, sub_type, sub_key, day))
        return entry_id

    def _pair(self, day, kind, key, debit: tuple[str, str, str], credit: tuple[str, str, str], amount: int) -> int:
        return self._entry(day, kind, key, [(debit[0], amount, debit[1], debit[2]),
                                            (credit[0], -amount, credit[1], credit[2])])

    def _event(self, loan_id, kind, day, *, principal=0, interest=0, entry=None, form=""):
        self.rows.events.append((loan_id, kind, form, day, principal, interest, None, None, None, None, False, entry,
                                 None, None, "bench", self.created))

    # --- one loan --------------------------------------------------------------------------------------------------

    def _dates(self, term: int, auto: bool) -> tuple[dt.date, str]:
        """Disbursement date and the loan's situation (normal, due_now, overdue_old, new)."""
        draw = self.random.random()
        if auto:
            latest = min(self.end - dt.timedelta(days=40), self.end)
            span = max((latest - AUTO_OVERDUE_FROM).days, 0)
            return AUTO_OVERDUE_FROM + dt.timedelta(days=self.random.randint(0, span)), "normal"
        cap = min(self.previous_end, AUTO_OVERDUE_FROM - dt.timedelta(days=1))
        if draw < 0.03:  # final maturity inside the period
            day = self.first + dt.timedelta(days=self.random.randint(0, self.period.days - 2))
            return min(add_months(day, -term), cap), "due_now"
        if draw < 0.045:  # went overdue 2–12 months ago
            day = add_months(self.first, -self.random.randint(2, 12))
            return min(add_months(day, -term), cap), "overdue_old"
        if draw < 0.065:  # disbursed during the period
            return self.first + dt.timedelta(days=self.random.randint(0, self.period.days - 1)), "new"
        latest = min(cap, self.previous_end - dt.timedelta(days=31))
        earliest = add_months(self.end, -term) + dt.timedelta(days=31)
        if earliest > latest:
            return latest, "normal"
        return earliest + dt.timedelta(days=self.random.randint(0, (latest - earliest).days)), "normal"

    def loan(self, index: int) -> None:
        household, commune, group, group_code, unit, point, office, session_day, office_code = (
            self.members[index % len(self.members)])
        rnd = self.random
        program = rnd.choices([c for c, _w in PROGRAM_MIX], [w for _c, w in PROGRAM_MIX])[0]
        auto = self.end >= AUTO_OVERDUE_FROM + dt.timedelta(days=60) and rnd.random() < 0.12
        term = rnd.choice((12, 24, 36)) if auto else rnd.choice(TERMS)
        frequency = 6 if auto else rnd.choice((6, 12, term))
        disbursed_on, situation = self._dates(term, auto)
        amount = rnd.randrange(10, 101) * 1_000_000
        schedule = build_schedule(principal=amount, disbursed_on=disbursed_on, term_months=term,
                                  frequency_months=frequency, session_day=session_day)
        loan_id, number = self.next_loan, f"99{self.next_loan:014d}"
        self.next_loan += 1
        loan_sub = ("loan", number)
        cash = (A.CASH_TELLER, "office", office_code)
        entry = self._pair(disbursed_on, "DISBURSEMENT", number, (A.LOAN_CURRENT, *loan_sub), cash, amount)
        self._event(loan_id, "DISBURSEMENT", disbursed_on, principal=amount, entry=entry)
        paid_by_installment = [0] * len(schedule)
        transferred = [0] * len(schedule)
        current, overdue, frozen, last_tx = amount, 0, 0, disbursed_on
        frozen_on = None

        def repay(paid: int, day: dt.date) -> None:
            nonlocal current, last_tx
            rest = paid
            for position, item in enumerate(schedule):
                take = min(rest, item.principal - paid_by_installment[position])
                paid_by_installment[position] += take
                rest -= take
            entry_id = self._pair(day, "PRINCIPAL_REPAYMENT", number, cash, (A.LOAN_CURRENT, *loan_sub), paid)
            self._event(loan_id, "PRINCIPAL_REPAYMENT", day, principal=paid, entry=entry_id)
            current -= paid
            last_tx = max(last_tx, day)

        due_before = [item for item in schedule if item.due_on < self.end]
        if auto and due_before and rnd.random() < 0.6:  # paid the installments due so far, on their due dates
            for item in due_before:
                repay(item.principal, item.due_on)
        elif situation in ("normal", "due_now", "overdue_old") and rnd.random() < 0.3:
            paid = rnd.randrange(1, 6) * amount // 10 // 100_000 * 100_000
            latest = min(self.previous_end, schedule[-1].due_on)
            day = disbursed_on + dt.timedelta(days=rnd.randint(30, max(31, (latest - disbursed_on).days)))
            if paid and day <= latest:
                repay(paid, day)
        if situation == "overdue_old":
            day = min(schedule[-1].due_on + dt.timedelta(days=1), self.previous_end)
            entry_id = self._pair(day, "OVERDUE_TRANSFER", number, (A.LOAN_OVERDUE, *loan_sub),
                                  (A.LOAN_CURRENT, *loan_sub), current)
            self._event(loan_id, "OVERDUE_TRANSFER", day, principal=current, entry=entry_id, form="14/TD")
            rest = current
            for position, item in enumerate(schedule):
                take = min(rest, item.principal - paid_by_installment[position])
                transferred[position] += take
                rest -= take
            overdue, current = current, 0
        elif situation == "normal" and rnd.random() < 0.005:
            frozen_on = disbursed_on + dt.timedelta(days=(self.previous_end - disbursed_on).days // 2)
            self._pair(frozen_on, "FREEZE", number, (A.LOAN_FROZEN, *loan_sub), (A.LOAN_CURRENT, *loan_sub), current)
            frozen, current = current, 0

        accrued_through, in_term, overdue_interest = None, 0, 0
        if situation != "new":
            accrued_through = self.previous_end
            months = rnd.choice((0, 0, 0, 1, 1, 2, 3))
            in_term = int(current * ANNUAL_RATE / 12 * months)
            overdue_interest = int(overdue * ANNUAL_RATE * 1.3 / 12 * rnd.randint(1, 6)) if overdue else 0
            if in_term + overdue_interest:
                self._pair(self.previous_end, "INTEREST_ACCRUAL", number, (A.INTEREST_RECEIVABLE, *loan_sub),
                           (A.INTEREST_INCOME, *loan_sub), in_term + overdue_interest)
            session = session_date(self.period, session_day)
            if frozen == 0 and rnd.random() < 0.55 and session <= self.end and session > self.first:
                days = (session - self.first).days
                accrued = int(current * ANNUAL_RATE * days / 365) + int(overdue * ANNUAL_RATE * 1.3 * days / 365)
                if accrued:
                    self._pair(session, "INTEREST_ACCRUAL", number, (A.INTEREST_RECEIVABLE, *loan_sub),
                               (A.INTEREST_INCOME, *loan_sub), accrued)
                collected = in_term + overdue_interest + accrued
                if collected:
                    entry_id = self._pair(session, "INTEREST_COLLECTION", number,
                                          (A.CASH_IN_TRANSIT, "group", group_code),
                                          (A.INTEREST_RECEIVABLE, *loan_sub), collected)
                    self._event(loan_id, "INTEREST_COLLECTION", session, interest=collected, entry=entry_id)
                    last_tx = max(last_tx, session)
                accrued_through, in_term, overdue_interest = session - dt.timedelta(days=1), 0, 0
            elif rnd.random() < 0.9:  # some activity (a collection) within the last three months
                day = self.previous_end - dt.timedelta(days=rnd.randint(0, 80))
                last_tx = max(last_tx, day)
        regime = "AUTO_OVERDUE" if disbursed_on >= AUTO_OVERDUE_FROM else "ROLL_INTO_NEXT"
        maturity = add_months(disbursed_on, term)
        self.rows.loans.append((
            loan_id, number, household, group, unit, commune, point, office, self.programs[program], "ENTRUSTED",
            "", "1", amount, amount, disbursed_on, term, 0, frequency, maturity, maturity, regime, "OPEN",
            current, overdue, frozen, in_term, overdue_interest, 0, accrued_through, last_tx, frozen_on,
            add_months(frozen_on, 36) if frozen_on else None, "", self.created,
        ))
        for position, item in enumerate(schedule):
            self.rows.installments.append((loan_id, item.number, item.due_on, item.due_on, item.principal,
                                           paid_by_installment[position], transferred[position], 0))

    def savings(self, member) -> None:
        household, _commune, group, group_code, *_rest = member
        if household in self.saving_households:
            return
        account_id = self.next_account
        self.next_account += 1
        number = f"105{account_id:09d}"
        balance = self.random.randrange(0, 51) * 100_000
        deposit_day = self.first + dt.timedelta(days=self.random.randint(0, 27)) if self.random.random() < 0.2 \
            else dt.date(2020, 6, 1) + dt.timedelta(days=self.random.randint(0, 900))
        if balance:
            self._pair(deposit_day, "SAVINGS_DEPOSIT", number, (A.CASH_IN_TRANSIT, "group", group_code),
                       (A.SAVINGS_105, "savings", number), balance)
        self.rows.savings.append((account_id, number, household, group, dt.date(2020, 1, 2), "A", None, balance,
                                  self.created))

    def build(self) -> Rows:
        for index in range(self.count):
            self.loan(index)
        for member in self.members:
            self.savings(member)
        return self.rows


TABLES = {
    "loans": ("loans_loan", "id, loan_number, household_id, group_id, association_unit_id, commune_id,"
              " transaction_point_id, office_id, program_id, channel, purpose, capital_source, approved_amount,"
              " disbursed_amount, disbursed_on, term_months, grace_months, installment_frequency_months,"
              " contract_maturity, current_maturity, installment_regime, status, principal_current,"
              " principal_overdue, principal_frozen, interest_arrears_in_term, interest_arrears_overdue,"
              " interest_arrears_grace, interest_accrued_through, last_transaction_on, frozen_on, frozen_until,"
              " disbursement_session_key, created_at"),
    "installments": ("loans_installment", "loan_id, number, due_on, original_due_on, principal, principal_paid,"
                     " transferred_to_overdue, adjustment_count"),
    "entries": ("ledger_journalentry", "id, value_date, kind, memo, actor_id, actor_label, created_at,"
                " idempotency_key, source_type, source_key"),
    "postings": ("ledger_posting", "entry_id, account_id, amount, subledger_type, subledger_key, value_date"),
    "events": ("loans_loanevent", "loan_id, kind, form_number, happened_on, principal_amount, interest_amount,"
               " installment_number, old_date, new_date, months, from_savings, journal_entry_id, risk_case_id,"
               " actor_id, note, created_at"),
    "savings": ("savings_membersavingsaccount", "id, account_number, household_id, group_id, opened_on, status,"
                " closed_on, balance, created_at"),
}
ORDER = ("entries", "postings", "loans", "installments", "events", "savings")


def _copy(table: str, columns: str, rows: list) -> None:
    with connection.cursor() as cursor:
        if sql.is_postgresql():
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns.split(",")))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def load(*, province_code: str, period: Period, count: int, seed: int = 1) -> dict[str, int]:
    """Insert the bench's loans and savings (inside the caller's transaction); returns row counts per table."""
    loader = Loader(province_code=province_code, period=period, count=count, seed=seed)
    if not loader.members:
        return {}
    rows = loader.build()
    counts = {}
    for name in ORDER:
        table, columns = TABLES[name]
        data = getattr(rows, name)
        _copy(table, columns, data)
        counts[name] = len(data)
    if sql.is_postgresql():
        for table in ("loans_loan", "ledger_journalentry", "savings_membersavingsaccount"):
            sql.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    return counts
