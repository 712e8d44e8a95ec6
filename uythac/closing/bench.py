"""``uythac bench close-month``: time the set-based month-end close against the naive per-loan loop.

``bench_close_month(*, province_code, period=None, loans=None, baseline=300, seed=1, scope=None,
progress=None) -> dict``

1. The province's groups and households must exist (the command runs ``generate --profile`` first when they do
   not, committed and timed apart). Loans: when the generated profile has loans of its own (``loans=None``), they
   are closed as they are, for the month of their latest disbursement unless ``period`` says otherwise; otherwise,
   or when ``loans`` is given, ``uythac.closing.bench_data`` bulk-loads that many on the province's households
   (default 100,000; period: last month). Everything from here on runs in ONE transaction that is rolled back at the
   end, so the bench leaves the database as it found it and can be run again.
2. Planner statistics are refreshed (``ANALYZE``) after the load, as autovacuum would have done on a live database.
3. Baseline: ``uythac.closing.naive.naive_close`` on a sample of ``baseline`` loans spread over the data set (every
   k-th loan), inside a savepoint rolled back afterwards; its time per loan is extrapolated linearly to all loans.
4. The set-based close (``close_month`` with ``redo=True``, the ledger month kept open because the bench's history
   spans years of open months), timed per step, with the Python heap peak (``tracemalloc``). On PostgreSQL the
   deferred ledger balance checks of the new entries are forced (``SET CONSTRAINTS ALL IMMEDIATE``) and timed: a
   real close pays them at each step's commit.
5. Cross-check: the sample's naive snapshot rows are compared field by field with the set-based ones.

Returns the JSON-ready result (seconds per step, rows per second, memory, baseline, speed-up, cross-check).
"""

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
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.core.periods import Period

COMPARED = ("principal_current", "principal_overdue", "principal_frozen", "interest_arrears_in_term",
            "interest_arrears_overdue", "interest_arrears_grace", "last_transaction_on", "is_inactive_3m", "status")
TARGET_SECONDS, TARGET_SPEEDUP = 5.0, 100.0
DEFAULT_LOANS = 100_000
ANALYZED = ("loans_loan", "loans_installment", "loans_loanevent", "ledger_journalentry", "ledger_posting",
            "savings_membersavingsaccount")


def _force_ledger_checks() -> float:
    if not sql.is_postgresql():
        return 0.0
    started = time.perf_counter()
    sql.execute("SET CONSTRAINTS ALL IMMEDIATE")
    sql.execute("SET CONSTRAINTS ALL DEFERRED")
    return round(time.perf_counter() - started, 3)


def _analyze() -> None:
    for table in ANALYZED:
        sql.execute(f"ANALYZE {table}")


def _province_loans(province_code: str) -> list[int]:
    return [row[0] for row in sql.fetch_all(
        "SELECT l.id FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
        " JOIN geography_province p ON p.id = c.province_id WHERE p.code = %s ORDER BY l.id", [province_code])]


def data_month(province_code: str) -> Period | None:
    """The month of the latest disbursement among the province's loans (the data's "as of" month), if any."""
    latest = sql.fetch_one(
        "SELECT MAX(l.disbursed_on) FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
        " JOIN geography_province p ON p.id = c.province_id WHERE p.code = %s", [province_code])[0]
    return Period.of(sql.as_date(latest)) if latest else None


def _sample(province_code: str, size: int) -> list[int]:
    ids = _province_loans(province_code)
    if not ids or size <= 0:
        return []
    step = max(len(ids) // size, 1)
    return ids[::step][:size]


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


def bench_close_month(*, province_code: str, period=None, loans: int | None = None, baseline: int = 300,
                      seed: int = 1, scope: str | None = None, progress=None) -> dict:
    """Bench on the groups and households of ``province_code`` (the command generates the profile first)."""
    say = progress or (lambda _message: None)
    if loans is None:  # the generator's loans when the profile has them, else the bench's own
        loans = 0 if _province_loans(province_code) else DEFAULT_LOANS
    if not period:
        period = (data_month(province_code) if not loans else None) or Period.of(today()).previous()
    period = period_parse(period)
    result = {"database": connection.vendor, "period": str(period), "scope": scope or "country"}
    with transaction.atomic():
        started = time.perf_counter()
        counts = {}
        if loans:
            say(_("Nạp %(count)s món vay thử nghiệm…") % {"count": number_format(loans, force_grouping=True)})
            counts = bench_data.load(province_code=province_code, period=period, count=loans, seed=seed)
            if not counts:
                raise DomainError(
                    _("Tỉnh %(code)s chưa có tổ và hộ để nạp món vay thử nghiệm.") % {"code": province_code}
                )
        load_checks = _force_ledger_checks()
        _analyze()
        result["data"] = {"source": "bench loader" if loans else "generated profile", "rows": counts,
                          "load_seconds": round(time.perf_counter() - started, 2),
                          "load_ledger_checks_seconds": load_checks}

        sample = _sample(province_code, baseline)
        say(_("Vòng lặp từng món (mẫu %(count)d món)…") % {"count": len(sample)})
        savepoint = transaction.savepoint()
        tracemalloc.start()
        started = time.perf_counter()
        naive = naive_close(period=period, loan_ids=sample)
        naive_seconds = time.perf_counter() - started
        naive_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        transaction.savepoint_rollback(savepoint)

        say(_("Khóa sổ theo tập hợp (set-based)…"))
        tracemalloc.start()
        started = time.perf_counter()
        report = close_month(period=period, scope=scope, close_ledger=False, redo=True, progress=say)
        close_checks = _force_ledger_checks()
        set_seconds = time.perf_counter() - started
        set_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        loans_closed = LoanSnapshot.objects.filter(period=str(period)).count()
        cross_check = _cross_check(period, naive.snapshots)
        transaction.set_rollback(True)

    steps = {
        step.step: {"seconds": step.seconds, "rows": step.rows,
                    "rows_per_second": round(step.rows / step.seconds) if step.seconds else None}
        for step in report.steps if step.status == "done"
    }
    per_loan = naive_seconds / len(sample) if sample else 0.0
    extrapolated = per_loan * loans_closed
    result["set_based"] = {
        "steps": steps, "ledger_balance_checks_seconds": close_checks, "seconds": round(set_seconds, 3),
        "loans": loans_closed, "loans_per_second": round(loans_closed / set_seconds) if set_seconds else None,
        "peak_python_memory_mb": round(set_peak / 2**20, 1),
    }
    result["naive_baseline"] = {
        "sample_loans": len(sample), "seconds": round(naive_seconds, 2),
        "seconds_by_step": {name: round(value, 2) for name, value in naive.seconds.items()},
        "seconds_per_loan": round(per_loan, 5), "extrapolated_seconds": round(extrapolated, 1),
        "peak_python_memory_mb": round(naive_peak / 2**20, 1),
        "note": f"measured on a sample of {len(sample)} loans spread over the data set and extrapolated linearly "
                f"to {loans_closed} loans",
    }
    result["speedup"] = round(extrapolated / set_seconds, 1) if set_seconds else None
    result["cross_check"] = cross_check
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["targets"] = {
        "seconds_max": TARGET_SECONDS, "speedup_min": TARGET_SPEEDUP,
        "met": set_seconds <= TARGET_SECONDS and (result["speedup"] or 0) >= TARGET_SPEEDUP,
    }
    return result
