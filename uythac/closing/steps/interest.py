"""Interest arrears at the period end (lãi tồn), in-term / overdue / grace kept apart — computed for the loan
snapshot step (``unposted_interest``).

What the ledger holds is the interest the loans engine posted (INTEREST_ACCRUAL, when interest is collected, for the
days since ``Loan.interest_accrued_through``). The days after that and up to E, the period's last day, are computed
here for every loan of the scope at once, into a temporary table the loan snapshot joins: snapshot arrears = posted +
unposted. Nothing is posted and no loan row is rewritten: the engine has no set-based accrual, and rewriting every
loan each month is what the architecture note measured at 233 s nationally (here: posting 100,000 accrual entries
and updating their loans took 10 s of a 15 s close). The engine posts the same days when the interest is collected,
with the same result. Why no step of its own: its only reader is the loan snapshot, and storing 100,000 rows a month
in between cost more than computing them.

The computation is the engine's (``uythac.loans.selectors.interest_due``) in SQL, and gives the same VND:

* window: from the day after ``interest_accrued_through`` (or the disbursement) to E. When the loan was already
  accrued past E (a collection after E, before the close ran), the window starts after the last accrual posted on or
  before E — its last day is read from the engine's key ``loan:<number>:accrual:<through>``, else taken as the day
  before its value date;
* the balance of each day is its end-of-day balance on LOAN_CURRENT (contract rate; grace bucket up to the day
  before ``disbursed_on + grace_months``, in-term after) and on LOAN_OVERDUE (overdue rate, overdue bucket);
  LOAN_FROZEN bears none (khoanh);
* rates: ``uythac.programs`` rate segments (``RateTimeline.segments`` / ``overdue_segments``) for each (program,
  category, province) present, computed once in Python and joined in SQL — a rate change inside the window (the cut
  of 01/12/2025, an area override's start or end) splits it;
* day count ACT/365 (``uythac.loans.interest.DEFAULT_DAY_COUNT``), each bucket rounded ONCE half-up to the đồng
  (``uythac.core.money.round_vnd``) from its exact value.

How it stays set-based: Σ over the days [a, b] of the balance = (b − a + 1) × balance(E) − Σ over the postings p
dated in (a, E] of amount(p) × (days of [a, b] before p's date). One grouped join of the window's postings gives
every loan's balance-days for every (rate segment × bucket) piece; interest = Σ balance-days × rate / 36,500 in
exact integer arithmetic (rates scaled by the smallest 10^k that makes them integers, 10⁴ for today's rates; a rate
with more than 6 decimals is refused).

Limits (docs/performance.md): every balance × days × scaled rate must stay below 10¹⁸ (a 10-billion VND loan over
10 years of unposted interest at 10⁴ scale is 5×10¹⁸: refused with a clear message rather than computed wrong); the
window must be covered by rate rows (as for the engine, a missing rate is a refusal naming the program).
"""

from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from uythac.closing import sql
from uythac.closing.steps.base import CloseContext
from uythac.closing.steps.transfers import later_postings_sql
from uythac.core.exceptions import DomainError
from uythac.geography.models import Province
from uythac.ledger.chart import AccountCode as A
from uythac.loans.interest import DEFAULT_DAY_COUNT, DayCount
from uythac.programs.models import BeneficiaryCategory, CreditProgram
from uythac.programs.selectors import RateTimeline

WINDOW, MOVES, RATES = "closing_tmp_window", "closing_tmp_moves", "closing_tmp_rates"
MAX_DECIMALS = 6
# Each term balance × days × scaled rate must stay well inside 64-bit integers (sums of a few terms follow).
TERM_LIMIT = 10**18
YEAR_DAYS = 365

if DEFAULT_DAY_COUNT is not DayCount.ACT_365:  # pragma: no cover - guards YEAR_DAYS above
    raise ImportError("closing.steps.interest computes ACT/365 like the loans engine; update YEAR_DAYS")


def rate_scale(rates) -> int:
    """The smallest 10^k (k ≤ 6) that makes every rate (%/yr) an integer: 10⁴ for 8.112 and 9.7344 — the smaller
    the scale, the larger the balances and windows that fit in 64 bits. A rate with more decimals is refused."""
    for decimals in range(MAX_DECIMALS + 1):
        scale = 10**decimals
        if all((Decimal(rate) * scale) == (Decimal(rate) * scale).to_integral_value() for rate in rates):
            return scale
    raise DomainError(
        _("Có lãi suất quá %(n)d chữ số thập phân: không tính lãi tồn cuối tháng được.") % {"n": MAX_DECIMALS},
        field="program",
    )


INTEREST = "closing_tmp_interest"


def unposted_interest(ctx: CloseContext) -> str:
    """Fill the temporary table ``closing_tmp_interest`` (loan_id, in_term, overdue, grace) with the interest not
    posted yet of every loan of the scope alive at E; returns its name (loans without such interest have no row)."""
    computation = _Computation()
    sql.temp_table(INTEREST, "loan_id BIGINT, in_term BIGINT, overdue BIGINT, grace BIGINT")
    if computation.window(ctx):
        computation.moves(ctx)
        computation.rates(ctx)
        computation.accrue(ctx)
    sql.drop_temp(WINDOW, MOVES, RATES)
    return INTEREST


class _Computation:
    def window(self, ctx: CloseContext) -> int:
        scope_sql, scope_params = ctx.scope.loan_filter()
        later_sql, later_params = later_postings_sql(ctx, {"cur": A.LOAN_CURRENT, "ovd": A.LOAN_OVERDUE})
        sql.temp_table(
            WINDOW,
            "loan_id BIGINT, loan_number VARCHAR(16), program_id BIGINT, category_key BIGINT,"
            " province_id BIGINT, s INTEGER, e INTEGER, grace_last INTEGER, cur_e BIGINT, ovd_e BIGINT",
        )
        dn = sql.day_number
        key = "e.idempotency_key"
        # Accrued past E already: the window starts after the last accrual posted on or before E.
        # The latest such accrual (accruals follow each other: the latest ends last), found by a backward walk of
        # the posting index of the loan that stops at the first accrual — not by aggregating all its accruals,
        # which cost 2 s for the ~110,000 loans of seed2020 collected in December when November is closed.
        covered = (
            f"(SELECT CASE WHEN {key} LIKE 'loan:%%:accrual:____-__-__'"
            f"   THEN {dn(f'SUBSTR({key}, LENGTH({key}) - 9, 10)')} ELSE {dn('p.value_date')} - 1 END"
            f" FROM ledger_posting p JOIN ledger_journalentry e ON e.id = p.entry_id"
            f" WHERE p.account_id = %s AND p.subledger_type = 'loan' AND p.subledger_key = l.loan_number"
            f" AND p.value_date <= %s AND p.amount > 0 AND e.kind = 'INTEREST_ACCRUAL'"
            f" ORDER BY p.value_date DESC, e.id DESC LIMIT 1)"
        )
        start = (f"CASE WHEN l.interest_accrued_through IS NULL THEN {dn('l.disbursed_on')}"
                 f" WHEN l.interest_accrued_through <= %s THEN {dn('l.interest_accrued_through')} + 1"
                 f" ELSE COALESCE({covered} + 1, {dn('l.disbursed_on')}) END")
        start_params = [ctx.end_param, ctx.account_id(A.INTEREST_RECEIVABLE), ctx.end_param]
        grace_end = dn(sql.add_months("l.disbursed_on", "l.grace_months"))
        sql.execute(
            f"INSERT INTO {WINDOW} (loan_id, loan_number, program_id, category_key, province_id, s, e, grace_last,"
            f" cur_e, ovd_e)"
            f" SELECT x.id, x.loan_number, x.program_id, x.category_key, x.province_id, x.s, %s,"
            f"  CASE WHEN x.grace_months > 0 THEN x.grace_end - 1 ELSE x.s - 1 END, x.cur_e, x.ovd_e"
            f" FROM (SELECT l.id, l.loan_number, l.program_id, COALESCE(l.category_id, 0) AS category_key,"
            f"   c.province_id, {start} AS s, l.grace_months, {grace_end} AS grace_end,"
            f"   l.principal_current - COALESCE(lt.cur, 0) AS cur_e, l.principal_overdue - COALESCE(lt.ovd, 0) AS ovd_e"
            f"  FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
            f"  LEFT JOIN ({later_sql}) lt ON lt.subledger_key = l.loan_number"
            f"  WHERE l.disbursed_on <= %s AND (l.closed_on IS NULL OR l.closed_on > %s) AND {scope_sql}"
            # The fence keeps ``s`` computed once per loan: inlined, its correlated lookup ran three times.
            f"  {sql.no_inline()}) x"
            f" WHERE x.s <= %s AND x.cur_e + x.ovd_e > 0",
            [sql.day_number_of(ctx.end), *start_params, *later_params, ctx.end_param, ctx.end_param, *scope_params,
             sql.day_number_of(ctx.end)],
        )
        sql.analyze(WINDOW)
        return sql.fetch_one(f"SELECT COUNT(*) FROM {WINDOW}")[0]

    def moves(self, ctx: CloseContext) -> None:
        """The window's postings on LOAN_CURRENT / LOAN_OVERDUE, summed per loan, account and day."""
        earliest = sql.date_of_day_number(sql.fetch_one(f"SELECT MIN(s) FROM {WINDOW}")[0])
        sql.temp_table(MOVES, "loan_id BIGINT, account CHAR(1), d INTEGER, amount BIGINT")
        current, overdue = ctx.account_id(A.LOAN_CURRENT), ctx.account_id(A.LOAN_OVERDUE)
        posted_on = sql.day_number("p.value_date")
        sql.execute(
            f"INSERT INTO {MOVES} (loan_id, account, d, amount)"
            f" SELECT w.loan_id, CASE WHEN p.account_id = %s THEN 'C' ELSE 'O' END, {posted_on}, SUM(p.amount)"
            f" FROM {WINDOW} w JOIN ledger_posting p ON p.subledger_type = 'loan' AND p.subledger_key = w.loan_number"
            f" WHERE p.account_id IN (%s, %s) AND p.value_date > %s AND p.value_date <= %s AND {posted_on} > w.s"
            f" GROUP BY w.loan_id, p.account_id, {posted_on}",
            [current, current, overdue, ctx.db_date(earliest), ctx.end_param],
        )
        sql.analyze(MOVES)

    def rates(self, ctx: CloseContext) -> None:
        """Contract ('C') and overdue ('O') rate segments of every (program, category, province) in the window."""
        combos = sql.fetch_all(
            f"SELECT program_id, category_key, province_id, MIN(s) FROM {WINDOW}"
            f" GROUP BY program_id, category_key, province_id"
        )
        programs = CreditProgram.objects.in_bulk({row[0] for row in combos})
        categories = BeneficiaryCategory.objects.in_bulk({row[1] for row in combos if row[1]})
        provinces = Province.objects.in_bulk({row[2] for row in combos})
        found = []
        for program_id, category_key, province_id, first in combos:
            program, category = programs[program_id], categories.get(category_key)
            timeline = RateTimeline(program, category=category, province=provinces[province_id])
            start = sql.date_of_day_number(first)
            for kind, segments in (("C", timeline.segments(start, ctx.end)),
                                   ("O", timeline.overdue_segments(start, ctx.end))):
                found.extend((program_id, category_key, province_id, kind, segment) for segment in segments)
        self.scale = rate_scale([segment.annual_rate for *_key, segment in found])
        rows = [
            (program_id, category_key, province_id, kind, sql.day_number_of(segment.start),
             sql.day_number_of(segment.end), int(Decimal(segment.annual_rate) * self.scale))
            for program_id, category_key, province_id, kind, segment in found
        ]
        sql.temp_table(RATES, "program_id BIGINT, category_key BIGINT, province_id BIGINT, kind CHAR(1),"
                              " a INTEGER, b INTEGER, rate BIGINT")
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {RATES} VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        sql.analyze(RATES)

    def check_range(self) -> None:
        """Refuse (clearly) what would overflow 64-bit integers instead of computing a wrong amount."""
        balance, days, moved = sql.fetch_one(
            f"SELECT MAX({sql.greatest('ABS(cur_e)', 'ABS(ovd_e)')}), MAX(e - s + 1),"
            f" (SELECT MAX(ABS(amount)) FROM {MOVES}) FROM {WINDOW}"
        )
        rate = sql.fetch_one(f"SELECT MAX(rate) FROM {RATES}")[0] or 0
        if max(int(balance or 0), int(moved or 0)) * int(days or 0) * int(rate) > TERM_LIMIT:
            raise DomainError(
                _("Số dư × số ngày chưa tính lãi × lãi suất vượt giới hạn tính toán (dư nợ quá lớn hoặc quá lâu chưa "
                  "tính lãi): hãy thu lãi hoặc tính lãi cho các món vay này trước khi khóa sổ."),
                field="period",
            )

    def accrue(self, ctx: CloseContext) -> int:
        self.check_range()
        divisor = 100 * YEAR_DAYS * self.scale
        join = ("JOIN {rates} r ON r.kind = '{kind}' AND r.program_id = w.program_id"
                " AND r.category_key = w.category_key AND r.province_id = w.province_id AND r.b >= w.s AND r.a <= w.e")
        contract, overdue = join.format(rates=RATES, kind="C"), join.format(rates=RATES, kind="O")
        g, lo = sql.greatest, sql.least
        # Only accounts with a balance at E or a movement in the window bear interest (most loans have no overdue).
        moved = f"w.loan_id IN (SELECT m0.loan_id FROM {MOVES} m0 WHERE m0.account = '{{account}}')"
        bearing = {account: f"(w.{column} <> 0 OR {moved.format(account=account)})"
                   for account, column in (("C", "cur_e"), ("O", "ovd_e"))}
        pieces = (
            f"SELECT w.loan_id, 'C' AS account, 'G' AS bucket, {g('w.s', 'r.a')} AS a,"
            f" {lo('w.e', 'r.b', 'w.grace_last')} AS b, w.cur_e AS bal, r.rate FROM {WINDOW} w {contract}"
            f" WHERE {bearing['C']} AND w.grace_last >= w.s"
            f" UNION ALL SELECT w.loan_id, 'C', 'T', {g('w.s', 'r.a', 'w.grace_last + 1')}, {lo('w.e', 'r.b')},"
            f" w.cur_e, r.rate FROM {WINDOW} w {contract} WHERE {bearing['C']}"
            f" UNION ALL SELECT w.loan_id, 'O', 'O', {g('w.s', 'r.a')}, {lo('w.e', 'r.b')}, w.ovd_e, r.rate"
            f" FROM {WINDOW} w {overdue} WHERE {bearing['O']}"
        )
        # Σ balance-days × rate of each piece = (days × balance at E) minus, for each movement after the piece's first
        # day, its amount × the piece's days before it; the second part only for the few pieces with movements.
        days_before = lo("pc.b", "m.d - 1")
        numerators = (
            f"SELECT pc.loan_id, pc.bucket, pc.rate * (pc.b - pc.a + 1) * pc.bal AS n FROM pieces pc WHERE pc.a <= pc.b"
            f" UNION ALL SELECT pc.loan_id, pc.bucket, -pc.rate * SUM(m.amount * ({days_before} - pc.a + 1))"
            f" FROM pieces pc JOIN {MOVES} m ON m.loan_id = pc.loan_id AND m.account = pc.account AND m.d > pc.a"
            f" WHERE pc.a <= pc.b GROUP BY pc.loan_id, pc.bucket, pc.account, pc.a, pc.b, pc.rate"
        )

        def rounded(bucket: str) -> str:
            total = f"CAST(SUM(CASE WHEN nm.bucket = '{bucket}' THEN nm.n ELSE 0 END) AS BIGINT)"
            return f"(2 * {total} + {divisor}) / {2 * divisor}"

        # "INSERT … WITH … SELECT" (not "WITH … INSERT"): SQLite reports the row count of the INSERT form only.
        return sql.execute(
            f"INSERT INTO {INTEREST} (loan_id, in_term, overdue, grace)"
            f" WITH pieces AS ({pieces}), numerators AS ({numerators})"
            f" SELECT y.loan_id, y.in_term, y.overdue, y.grace FROM ("
            f"  SELECT nm.loan_id, {rounded('T')} AS in_term, {rounded('O')} AS overdue, {rounded('G')} AS grace"
            f"  FROM numerators nm GROUP BY nm.loan_id) y"
            f" WHERE y.in_term + y.overdue + y.grace > 0",
        )
