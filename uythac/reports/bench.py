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
    }


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


def bench_dashboards(*, province_code: str = "24", runs: int = 20, warmup: int = 2, progress=None) -> dict:
    say = progress or (lambda _message: None)
    province = Province.objects.filter(code=str(province_code).zfill(2)).first()
    if province is None:
        raise DomainError(_("Không có tỉnh mã %(code)s.") % {"code": province_code})
    urls = dashboard_urls(province)
    pages = {}
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
