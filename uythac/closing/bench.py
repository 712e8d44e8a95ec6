"""``uythac bench close-month``: time the set-based month-end close against the naive per-loan loop.

``bench_close_month(*, province_code, periods=None, loans=None, baseline=300, seed=1, scope=None, progress=None)
-> dict``

1. The province's groups and households must exist (the command runs ``generate --profile`` first when the province
   has no loans, committed and timed apart). Two data modes:

   * **generated** (``loans=None`` and the province has loans: ``uythac generate --profile seed2020`` makes 152,031
     loans with 24 months of history): those loans are closed as they are, by default for the month of their latest
     disbursement and the month before (seed2020: 2020-11 and 2020-12) and for the province's scope;
   * **bench loader** (``loans=N``, or the province has no loans): ``uythac.closing.bench_data`` bulk-loads N loans
     on the province's households (default 100,000) for the last period asked (default: last month), whole country.

   Everything from here on runs in ONE transaction that is rolled back at the end, and each period's close in a
   savepoint rolled back after it, so every period is closed on the same data and the bench leaves the database as
   it found it (it can be run again).
2. Planner statistics are refreshed (``ANALYZE``) before timing, as autovacuum would have done on a live database.
3. For each period — baseline: ``uythac.closing.naive.naive_close`` on a RANDOM SAMPLE of ``baseline`` loans (seeded
   with ``seed``: the same sample every run) drawn among the province's loans alive in the period (disbursed by its
   last day, not closed before its first day: the loans the close covers), inside a savepoint rolled back
   afterwards; its time per loan is extrapolated linearly to every loan the set-based close snapshotted (the JSON
   says so in ``naive_baseline.note``). A naive loop over 117,000 loans would take hours: it is never run whole.
4. The set-based close (``close_month`` with ``redo=True``, the ledger month kept open because the data's history
   spans months that are still open), timed per step; the Python heap peak (``tracemalloc``) is taken from a second,
   untimed run (tracing slows the Python steps). On PostgreSQL the
   deferred ledger balance checks of the new entries are forced (``SET CONSTRAINTS ALL IMMEDIATE``) and timed: a
   real close pays them at each step's commit.
5. Cross-check: the sample's naive snapshot rows are compared field by field with the set-based ones.

Returns the JSON-ready result: per period, seconds and rows per step, rows per second, memory, the baseline and the
speed-up, the cross-check and whether the targets (≤ 5 s, ≥ 100×) are met.
"""

import os
import random
import resource
import time
import tracemalloc

from django.db import connection, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from uythac.closing import bench_data, sql
from uythac.closing.models import LoanSnapshot
from uythac.closing.naive import naive_close
from uythac.closing.runner import close_month, period_parse
from uythac.closing.steps import core_step_names
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.core.periods import Period

COMPARED = ("principal_current", "principal_overdue", "principal_frozen", "interest_arrears_in_term",
            "interest_arrears_overdue", "interest_arrears_grace", "last_transaction_on", "is_inactive_3m", "status")
TARGET_SECONDS, TARGET_SPEEDUP = 5.0, 100.0
CORE_STEP_NAMES = core_step_names()
DEFAULT_LOANS = 100_000
ANALYZED = ("loans_loan", "loans_installment", "loans_loanevent", "ledger_journalentry", "ledger_posting",
            "savings_membersavingsaccount", "closing_loansnapshot")


def _force_ledger_checks() -> float:
    if not sql.is_postgresql():
        return 0.0
    started = time.perf_counter()
    sql.execute("SET CONSTRAINTS ALL IMMEDIATE")
    sql.execute("SET CONSTRAINTS ALL DEFERRED")
    return round(time.perf_counter() - started, 3)


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend process, when the server runs on this
    machine (``/proc``): unlike the wall clock, it does not grow when other jobs share the cores."""
    if not sql.is_postgresql():
        return None
    pid = sql.fetch_one("SELECT pg_backend_pid()")[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_used(before_backend: float | None, before_client: float) -> dict:
    after_backend = _backend_cpu()
    return {
        "client_cpu_seconds": round(time.process_time() - before_client, 2),
        "database_cpu_seconds": round(after_backend - before_backend, 2)
        if before_backend is not None and after_backend is not None else None,
    }


VACUUMED = ("closing_loansnapshot", "closing_groupsnapshot", "closing_unitsnapshot", "closing_communesnapshot",
            "closing_officesnapshot", "closing_provincesnapshot", "closing_closingstepstate", "scoring_score",
            "fees_feestatement", "fees_commissionstatement")


def _vacuum() -> None:
    """PostgreSQL: clear the dead rows every rolled-back bench run leaves in the tables the close rewrites (≈120,000
    a period), as autovacuum would between two real closes — the server of this machine runs with autovacuum off,
    and 3 million dead snapshot rows made the 12/2020 close 1.3 s slower. Outside any transaction (VACUUM's rule)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in VACUUMED:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def _analyze() -> None:
    for table in ANALYZED:
        sql.execute(f"ANALYZE {table}")


_PROVINCE_LOANS = (
    "SELECT l.id FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
    " JOIN geography_province p ON p.id = c.province_id WHERE p.code = %s"
)


def province_has_loans(province_code: str) -> bool:
    return sql.fetch_one(f"SELECT EXISTS ({_PROVINCE_LOANS})", [province_code])[0] in (True, 1)


def data_month(province_code: str) -> Period | None:
    """The month of the latest disbursement among the province's loans (the data's "as of" month), if any."""
    latest = sql.fetch_one(
        "SELECT MAX(l.disbursed_on) FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
        " JOIN geography_province p ON p.id = c.province_id WHERE p.code = %s", [province_code])[0]
    return Period.of(sql.as_date(latest)) if latest else None


def sample_loans(province_code: str, period: Period, size: int, seed: int) -> list[int]:
    """A seeded random sample of ``size`` loans among the province's loans alive in ``period`` (sorted ids)."""
    ids = [row[0] for row in sql.fetch_all(
        f"{_PROVINCE_LOANS} AND l.disbursed_on <= %s AND (l.closed_on IS NULL OR l.closed_on >= %s) ORDER BY l.id",
        [province_code, connection.ops.adapt_datefield_value(period.last_day),
         connection.ops.adapt_datefield_value(period.first_day)])]
    if size <= 0 or not ids:
        return []
    return sorted(random.Random(seed).sample(ids, min(size, len(ids))))


def _cross_check(period: Period, naive_rows: list[dict]) -> dict:
    found = {row.loan_id: row for row in LoanSnapshot.objects.filter(
        period=str(period), loan_id__in=[row["loan_id"] for row in naive_rows])}
    mismatches = []
    for expected in naive_rows:
        actual = found.get(expected["loan_id"])
        differing = [name for name in COMPARED if actual is None or getattr(actual, name) != expected[name]]
        if differing:
            mismatches.append({"loan": expected["loan_number"], "fields": differing})
    return {"loans_compared": len(naive_rows), "mismatches": len(mismatches), "examples": mismatches[:5]}


def bench_periods(values) -> list[Period]:
    """"YYYY-MM[,YYYY-MM…]" or a list → the ended periods, sorted, without repeats (a bad one is refused)."""
    if isinstance(values, str):
        values = [value for value in values.replace(" ", "").split(",") if value]
    return sorted({period_parse(value) for value in values or ()})


def _one_close(*, province_code: str, period: Period, scope: str | None, baseline: int, seed: int, say) -> dict:
    """Baseline sample, then the set-based close of ``period`` (the caller rolls both back)."""
    sample = sample_loans(province_code, period, baseline, seed)
    say(_("Kỳ %(period)s: vòng lặp từng món (mẫu %(count)d món)…") % {"period": period, "count": len(sample)})
    savepoint = transaction.savepoint()
    tracemalloc.start()
    started = time.perf_counter()
    naive = naive_close(period=period, loan_ids=sample)
    naive_seconds = time.perf_counter() - started
    naive_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    transaction.savepoint_rollback(savepoint)

    say(_("Kỳ %(period)s: khóa sổ theo tập hợp (set-based)…") % {"period": period})
    cpu_backend, cpu_client = _backend_cpu(), time.process_time()
    started = time.perf_counter()
    report = close_month(period=period, scope=scope, close_ledger=False, redo=True, progress=say)
    close_checks = _force_ledger_checks()
    set_seconds = time.perf_counter() - started
    cpu = _cpu_used(cpu_backend, cpu_client)
    # The heap peak is measured by a second run: tracemalloc slows allocation-heavy Python (the scoring and fee
    # steps) by half or more, so the timed run goes without it.
    say(_("Kỳ %(period)s: chạy lại để đo bộ nhớ…") % {"period": period})
    tracemalloc.start()
    close_month(period=period, scope=scope, close_ledger=False, redo=True)
    set_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    loans_closed = LoanSnapshot.objects.filter(period=str(period)).count()
    cross_check = _cross_check(period, naive.snapshots)

    steps = {
        step.step: {"seconds": step.seconds, "rows": step.rows,
                    "rows_per_second": round(step.rows / step.seconds) if step.seconds else None}
        for step in report.steps if step.status == "done"
    }
    per_loan = naive_seconds / len(sample) if sample else 0.0
    extrapolated = per_loan * loans_closed
    speedup = round(extrapolated / set_seconds, 1) if set_seconds else None
    return {
        "period": str(period),
        "set_based": {
            "steps": steps, "ledger_balance_checks_seconds": close_checks, "seconds": round(set_seconds, 3),
            # The lending close alone (issue 3's steps), before the steps other apps register (scores, fees).
            "core_steps_seconds": round(sum(step.seconds for step in report.steps
                                            if step.status == "done" and step.step in CORE_STEP_NAMES), 3),
            "loans": loans_closed, "loans_per_second": round(loans_closed / set_seconds) if set_seconds else None,
            "peak_python_memory_mb": round(set_peak / 2**20, 1), **cpu,
        },
        "naive_baseline": {
            "sample_loans": len(sample), "seconds": round(naive_seconds, 2),
            "seconds_by_step": {name: round(value, 2) for name, value in naive.seconds.items()},
            "seconds_per_loan": round(per_loan, 5), "extrapolated_seconds": round(extrapolated, 1),
            "peak_python_memory_mb": round(naive_peak / 2**20, 1),
            "note": f"measured on a random sample (seed {seed}) of {len(sample)} loans alive in the period and "
                    f"extrapolated linearly to {loans_closed} loans",
        },
        "speedup": speedup,
        "cross_check": cross_check,
        "targets_met": set_seconds <= TARGET_SECONDS and (speedup or 0) >= TARGET_SPEEDUP,
    }


def bench_close_month(*, province_code: str, periods=None, loans: int | None = None, baseline: int = 300,
                      seed: int = 1, scope: str | None = None, progress=None) -> dict:
    """Bench on the groups and households of ``province_code`` (the command generates the profile first).

    ``periods``: "YYYY-MM", a comma-separated list or a list (default: see the module docstring)."""
    say = progress or (lambda _message: None)
    if loans is None:  # the generator's loans when the profile has them, else the bench's own
        loans = 0 if province_has_loans(province_code) else DEFAULT_LOANS
    periods = bench_periods(periods)
    if not periods:
        latest = data_month(province_code) if not loans else None
        periods = [latest.previous(), latest] if latest else [period_parse(Period.of(today()).previous())]
        if latest and not scope:
            scope = province_code
    result = {"database": connection.vendor, "periods": [str(period) for period in periods],
              "scope": scope or "country"}
    _vacuum()
    with transaction.atomic():
        started = time.perf_counter()
        counts = {}
        if loans:
            say(_("Nạp %(count)s món vay thử nghiệm…") % {"count": number_format(loans, force_grouping=True)})
            counts = bench_data.load(province_code=province_code, period=periods[-1], count=loans, seed=seed)
            if not counts:
                raise DomainError(
                    _("Tỉnh %(code)s chưa có tổ và hộ để nạp món vay thử nghiệm.") % {"code": province_code}
                )
        load_checks = _force_ledger_checks()
        _analyze()
        result["data"] = {"source": "bench loader" if loans else "generated profile", "rows": counts,
                          "load_seconds": round(time.perf_counter() - started, 2),
                          "load_ledger_checks_seconds": load_checks}
        closes = []
        for period in periods:
            savepoint = transaction.savepoint()
            closes.append(_one_close(province_code=province_code, period=period, scope=scope, baseline=baseline,
                                     seed=seed, say=say))
            transaction.savepoint_rollback(savepoint)
        transaction.set_rollback(True)
    result["closes"] = closes
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    # The target is the profile's month-end (the last period: seed2020's 12/2020); the month before is re-closed
    # with the next month's history already in the data (interest windows rebuilt from earlier accruals, last
    # transactions looked up in the events), a heavier case reported beside it.
    result["targets"] = {"seconds_max": TARGET_SECONDS, "speedup_min": TARGET_SPEEDUP,
                         "period": closes[-1]["period"] if closes else None,
                         "met": bool(closes) and closes[-1]["targets_met"],
                         "all_periods_met": all(close["targets_met"] for close in closes)}
    return result
