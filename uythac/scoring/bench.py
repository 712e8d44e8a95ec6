"""``uythac bench score``: time the scoring of a closed period (facts, engine, writes) and compare the group grade
distribution with seed 001 (31/12/2020: 3,113 Tốt 94.39 %, 137 Khá 4.15 %, 46 TB 1.39 %, 2 Yếu 0.06 %).

The scoring runs in a transaction that is rolled back: the bench leaves the stored scores as they were. The figure
to compare with the target (≤ 30 s for 166,000 groups plus all association units on PostgreSQL) is extrapolated
linearly from the groups scored (every phase is linear in the number of groups).
"""

import os
import time
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from uythac.closing.bench import _backend_cpu, _cpu_used
from uythac.closing.models import GroupSnapshot
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.scoring.engine import ratio_percent
from uythac.scoring.services import score_period_run

NATIONAL_GROUPS = 166_000
SEED_001 = {"GOOD": 3113, "FAIR": 137, "AVERAGE": 46, "WEAK": 2}


def _load() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def _percentages(counts: dict) -> dict:
    total = sum(counts.values())
    return {grade: str(ratio_percent(n, total, empty=Decimal(0))) for grade, n in counts.items()}


def bench_score(*, period: str, scope: str | None) -> dict:
    found = Period.parse(period)
    close_scope = scope_parse(scope)
    if not GroupSnapshot.objects.filter(period=str(found)).exists():
        raise DomainError(_("Kỳ %(period)s chưa khóa sổ: chạy uythac close-month trước.") % {"period": period},
                          field="period")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Earlier benches rolled back ~180,000 rows each: their dead index entries would slow this run's unique
        # checks (measured: +30 % after five runs). Autovacuum would have removed them on a live system.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE scoring_score")
    cpu_backend, cpu_client = _backend_cpu(), time.process_time()
    started = time.perf_counter()
    with transaction.atomic():
        summary = score_period_run(found, close_scope)
        seconds = time.perf_counter() - started
        cpu = _cpu_used(cpu_backend, cpu_client)
        transaction.set_rollback(True)
    groups = summary["subjects"].get("GROUP", {})
    counts = {grade: groups.get(grade, 0) for grade in SEED_001}
    scored = groups.get("scored", 0)
    return {
        "bench": "score", "database": connection.vendor, "period": str(found), "scope": close_scope.key,
        "seconds": round(seconds, 2), **cpu, "load_average": _load(), "phases": summary["seconds"],
        "subjects": summary["subjects"],
        "groups_per_second": round(scored / seconds) if seconds else None,
        "extrapolated_seconds_166k_groups": round(seconds * NATIONAL_GROUPS / scored, 1) if scored else None,
        "group_grades_pct": _percentages(counts), "seed001_pct": _percentages(SEED_001),
    }
