"""``uythac bench reports``: every dashboard page of a province, timed warm with the Django test client.

``bench_dashboards(*, province_code="24", runs=20, warmup=2, progress=None) -> dict``

The province must have closed months (seed2020: ``uythac generate --profile seed2020`` then ``uythac close-month``
for 2019-01 … 2020-12, scope 24). The pages are requested as a branch officer of the province (the widest
dashboards a province-level user opens) and the home page also as the administrator (the country). The node of
each level is the largest one by outstanding in the newest close (the heaviest children table). Each page is
requested ``warmup`` times untimed, then ``runs`` times; p50 and p95 (nearest rank) in milliseconds, with the number
of SQL queries of one request, and the CPU time of the process per request (p50/p95: on a shared machine the
wall-clock time mostly measures the other jobs). Target: p95 ≤ 300 ms per page (issue 5). The users the bench
needs are created in a transaction rolled back at the end: the database is left as it was.
"""

import math
import os
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from uythac.accounts.models import Role, User
from uythac.closing.models import (
    ALL_ORGANIZATIONS,
    CommuneSnapshot,
    GroupSnapshot,
    OfficeSnapshot,
    ProvinceSnapshot,
    UnitSnapshot,
)
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.geography.models import Commune, Province
from uythac.groups.models import SavingsGroup
from uythac.network.models import AssociationUnit, TransactionOffice

TARGET_MS = 300


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _largest(model, key: str, master, code_field: str, period: str, **where) -> str:
    row = (model.objects.filter(period=period, **where).order_by("-outstanding").values_list(key, flat=True).first())
    if row is None:
        raise DomainError(_("Kỳ %(period)s chưa có số liệu cấp này.") % {"period": period})
    return master.objects.filter(pk=row).values_list(code_field, flat=True).get()


def dashboard_urls(province: Province) -> dict[str, str]:
    period = (ProvinceSnapshot.objects.filter(province=province, organization_code=ALL_ORGANIZATIONS)
              .order_by("-period").values_list("period", flat=True).first())
    if period is None:
        raise DomainError(_("Tỉnh %(code)s chưa có tháng nào được khóa sổ: chạy uythac close-month trước.")
                          % {"code": province.code})
    office = _largest(OfficeSnapshot, "office_id", TransactionOffice, "code", period, province=province,
                      organization_code=ALL_ORGANIZATIONS)
    commune = _largest(CommuneSnapshot, "commune_id", Commune, "code", period, province=province,
                       organization_code=ALL_ORGANIZATIONS)
    unit = _largest(UnitSnapshot, "association_unit_id", AssociationUnit, "code", period, province=province)
    group = _largest(GroupSnapshot, "group_id", SavingsGroup, "code", period, province=province)
    return {
        "home": "/",
        "province": f"/dashboards/province/{province.code}/",
        "province_sorted": f"/dashboards/province/{province.code}/?sort=-ratio",
        "office": f"/dashboards/office/{office}/",
        "commune": f"/dashboards/commune/{commune}/",
        "unit": f"/dashboards/unit/{unit}/",
        "group": f"/dashboards/group/{group}/",
        "compare_province": f"/dashboards/compare/?scope=province:{province.code}",
        "compare_commune": f"/dashboards/compare/?scope=commune:{commune}",
        **report_urls(province.code, Period.parse(period)),
    }


def report_urls(scope: str, period: Period) -> dict[str, str]:
    """The report pages of a scope for a closed month: the entrustment report (compared with the same month a year
    before when that month is closed too) and the first page of each monthly report."""
    end = period.last_day
    year_before = Period.parse(f"{end.year - 1}-{end.month:02d}")
    compare = (f"&compare={year_before.last_day.isoformat()}"
               if ProvinceSnapshot.objects.filter(period=str(year_before)).exists() else "")
    urls = {"report_entrustment": f"/reports/entrustment/?period={end.isoformat()}{compare}&scope={scope}"}
    for kind in ("bc0437", "bc0438", "inactive", "overdue", "due-next-month", "frozen-expiring"):
        urls[f"report_{kind.replace('-', '_')}"] = f"/reports/monthly/{kind}/?scope={scope}&period={period}"
    return urls


def _time_page(client: Client, url: str, runs: int, warmup: int) -> dict:
    for _i in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise DomainError(f"{url}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # now: the next request's request_started signal empties the connection's query log
    timings, cpu = [], []
    for _i in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    p95 = percentile(timings, 0.95)
    # CPU time of this process (SQLite runs in it; PostgreSQL's work is not counted): what a page costs when the
    # machine is shared, where wall-clock times mostly measure the other jobs.
    return {"url": url, "p50_ms": round(percentile(timings, 0.5), 1), "p95_ms": round(p95, 1),
            "max_ms": round(max(timings), 1), "cpu_p50_ms": round(percentile(cpu, 0.5), 1),
            "cpu_p95_ms": round(percentile(cpu, 0.95), 1), "queries": count, "meets_target": p95 <= TARGET_MS}


def _load() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def _analyze_snapshots() -> None:
    """Refresh the planner statistics of the tables the pages read, as autovacuum does within a minute of each close
    (closing/0005, scoring/0003): a page timed on stale statistics measures a plan production would not use."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("closing_loansnapshot", "closing_groupsnapshot", "closing_unitsnapshot",
                      "closing_communesnapshot", "closing_officesnapshot", "closing_provincesnapshot",
                      "scoring_score"):
            cursor.execute(f"ANALYZE {table}")


def bench_dashboards(*, province_code: str = "24", runs: int = 20, warmup: int = 2, progress=None) -> dict:
    say = progress or (lambda _message: None)
    province = Province.objects.filter(code=str(province_code).zfill(2)).first()
    if province is None:
        raise DomainError(_("Không có tỉnh mã %(code)s.") % {"code": province_code})
    urls = dashboard_urls(province)
    pages = {}
    _analyze_snapshots()
    with transaction.atomic():
        branch = User.objects.create(username="bench-dashboards-branch", role=Role.BRANCH_STAFF, province=province)
        admin = User.objects.create(username="bench-dashboards-admin", role=Role.ADMIN)
        for user, prefix in ((branch, ""), (admin, "admin_")):
            client = Client()
            client.force_login(user)
            for name, url in urls.items():
                if prefix and name != "home":
                    continue
                say(f"{prefix}{name}: {url}")
                pages[f"{prefix}{name}"] = _time_page(client, url, runs, warmup)
        transaction.set_rollback(True)
    return {
        "bench": "reports", "database": connection.vendor, "load_average": _load(), "province": province.code,
        "runs": runs, "warmup": warmup, "target_p95_ms": TARGET_MS, "pages": pages,
        "all_meet_target": all(page["meets_target"] for page in pages.values()),
    }


# --- national size (issue 5: the entrustment report ≤ 2 s, XLSX of the largest national table ≤ 10 s) -----------

ENTRUSTMENT_TARGET_S = 2.0
XLSX_TARGET_S = 10.0


def _timed(function, runs: int) -> tuple[object, dict]:
    """Run ``function`` once cold then ``runs`` times; seconds of each, and the Python heap peak of the cold run."""
    import tracemalloc

    tracemalloc.start()
    started = time.perf_counter()
    result = function()
    cold = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    warm = []
    for _i in range(runs):
        started = time.perf_counter()
        function()
        warm.append(time.perf_counter() - started)
    figures = {"cold_s": round(cold, 3), "python_heap_peak_mb": round(peak / 2**20, 1)}
    if warm:
        figures.update({"warm_p50_s": round(percentile(warm, 0.5), 3), "warm_max_s": round(max(warm), 3)})
    return result, figures


def largest_province() -> str:
    """Code of the province with the largest outstanding in the newest close."""
    row = (ProvinceSnapshot.objects.filter(organization_code=ALL_ORGANIZATIONS).order_by("-period", "-outstanding")
           .values_list("province_id", flat=True).first())
    if row is None:
        raise DomainError(_("Chưa có tháng nào được khóa sổ: chạy uythac close-month trước."))
    return Province.objects.get(pk=row).code


def bench_national_reports(*, runs: int = 3, with_bc0437: bool = True, progress=None) -> dict:
    """The entrustment report of the whole country for the newest closed month (compared with the same month a
    year earlier when closed, else the month before): build, JSON and XLSX; BC0437 (one row per group) for the
    whole country in XLSX when the monthly reports exist. Reads the snapshots already there (``uythac generate
    --profile national``); writes nothing."""
    from uythac.reports.entrustment import entrustment_report
    from uythac.reports.render import render_entrustment

    say = progress or (lambda _message: None)
    periods = list(ProvinceSnapshot.objects.filter(organization_code=ALL_ORGANIZATIONS).order_by("-period")
                   .values_list("period", flat=True).distinct()[:13])
    if not periods:
        raise DomainError(_("Chưa có tháng nào được khóa sổ: chạy uythac close-month hoặc uythac generate --profile "
                            "national trước."))
    from uythac.core.periods import Period

    newest = Period.parse(periods[0])
    year_before = str(newest.add(-12))
    compare = Period.parse(year_before if year_before in periods else periods[min(1, len(periods) - 1)])
    compare_day = compare.last_day if compare != newest else None
    result: dict = {
        "bench": "reports-national", "database": connection.vendor, "load_average": _load(),
        "period": newest.last_day.isoformat(), "compare": compare_day.isoformat() if compare_day else None,
        "groups": GroupSnapshot.objects.filter(period=str(newest)).count(),
    }
    say(f"entrustment report, country, {newest}")
    report, build = _timed(lambda: entrustment_report(scope="", period=newest.last_day, compare=compare_day), runs)
    result["entrustment_build"] = {**build, "target_s": ENTRUSTMENT_TARGET_S,
                                   "meets_target": build["cold_s"] <= ENTRUSTMENT_TARGET_S}
    for fmt in ("json", "xlsx"):
        say(f"entrustment report → {fmt}")
        content, figures = _timed(lambda fmt=fmt: render_entrustment(report, fmt), runs)
        result[f"entrustment_{fmt}"] = {**figures, "bytes": len(content)}
    total = result["entrustment_build"]["cold_s"] + result["entrustment_xlsx"]["cold_s"]
    result["entrustment_xlsx_end_to_end_s"] = round(total, 3)
    if with_bc0437:
        result["bc0437_xlsx"] = _bench_bc0437(newest, say)
    return result


def _bench_bc0437(period, say) -> dict | None:
    """BC0437 (one row per group, the largest national table) built and written to XLSX, timed once."""
    try:
        from uythac.reports.monthly import monthly_report
        from uythac.reports.monthly.render import render
    except ImportError:
        return None
    import resource

    say(f"BC0437, country, {period} (one row per group)")
    started = time.perf_counter()
    report = monthly_report("bc0437", scope="", period=str(period))
    built = time.perf_counter() - started
    content = render(report, "xlsx")
    total = time.perf_counter() - started
    rows = sum(len(section.rows) for section in getattr(report, "sections", []) or [])
    return {"build_s": round(built, 2), "xlsx_s": round(total - built, 2), "total_s": round(total, 2),
            "rows": rows, "bytes": len(content), "target_s": XLSX_TARGET_S, "meets_target": total <= XLSX_TARGET_S,
            "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
