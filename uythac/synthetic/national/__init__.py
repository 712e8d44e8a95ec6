"""``uythac generate --profile national``: a benchmark dataset at national size (docs/decisions/0014).

PostgreSQL only. What it builds, set-based (small network tables by COPY from a plan computed per commune; groups,
6.9 million households, their memberships and every month-end snapshot by ``INSERT … SELECT generate_series``, never
a statement per row):

* every one of the 34 provinces and 3,321 current communes of the shipped geography (or the first ``provinces``);
* 648 PGDs (``00PPNN``) serving contiguous runs of each province's communes, ≈9,965 transaction points
  (``TXN`` + commune + 2 digits) in proportion to the commune's groups, villages (≈1.6 groups each);
* association units: one per organization per province and per commune (4 × 3,321 = 13,284 commune units);
* ≈166,000 groups (scale.md §1: ">166,000", January 2026) spread over the communes with a seeded log-normal weight
  and over the four organizations in seed 001's proportions (1,341 / 1,365 / 398 / 194 of 3,298);
* ≈6.9 million minimal households (code, name, commune, village; no identity papers, no kin), one current
  membership each: 18–65 members a group, mean ≈41.5 (scale.md §3: ≈41 customers a group);
* month-end snapshots of the last ``months`` closed months (default 2: scoring's growth and the entrustment
  comparison) at every level, written like the close writes them (``uythac.closing.steps.aggregates``): a group row
  per group, then unit, commune, PGD and province rows — per organization and a total — as SUMS of the group rows.
  Each household is a member of one group only, so the sums of borrowing households and savers are the exact
  distinct counts the close computes.

The measures are drawn per group from a seeded hash (``md5`` of seed, draw and group id — deterministic whatever the
plan PostgreSQL picks): ≈30 borrowing households and ≈35 loans a group, 30–70 million VND a loan; overdue ratio 0
for 86 % of groups, 0.2–1.2 % for 9 %, 1–5 % for 3.5 %, 5–20 % for the last 1.5 % (national 0.56 % in 2024);
3-months-inactive loans, interest arrears, overdue transfers and savings withdrawals concentrated on the same tail,
so that about 94–95 % of groups grade Tốt like seed 001 (94.39 %).

What it does NOT contain: loans, installments, postings, sessions, inspections, fees — the month-end close itself
is benchmarked on seed2020 (docs/performance.md). Referential integrity: the rows are built from the keys they
reference in the same transaction, and the foreign-key triggers are switched off for the bulk inserts only
(``session_replication_role = replica``, superuser) — a national load otherwise queues ~30 million deferred checks.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.core.audit import audit_event_record
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.geography.models import Province
from uythac.network.models import Organization
from uythac.synthetic.national.plan import (
    TMP_GROUPS,
    Plan,
    _build_groups,
    _build_network,
    _execute,
    _largest_remainder,
    _rows,
)
from uythac.synthetic.national.snapshots import MEASURES, _build_aggregates, _build_group_snapshots

__all__ = ["MEASURES", "NATIONAL", "_largest_remainder", "closed_periods", "generate_national"]

NATIONAL = "national"


def closed_periods(months: int, *, today: dt.date | None = None) -> list[Period]:
    """The last ``months`` closed months before today's month, oldest first."""
    last = Period.of(today or timezone.localdate()).previous()
    return [last.add(-offset) for offset in range(months - 1, -1, -1)]


def _prepare(provinces: list[Province], *, reset: bool) -> dict[str, int]:
    """Each province must be free, or hold an earlier generation that ``reset`` allows deleting (the runner's rules).
    An earlier NATIONAL generation is deleted with the foreign-key triggers off (every table it filled is in the
    teardown; checking 6.9 million households against twelve referencing tables would take minutes)."""
    from uythac.synthetic.runner import _prepare_province, last_generation

    deleted: dict[str, int] = {}
    for province in provinces:
        previous = last_generation(province)
        national = previous is not None and (previous.after or {}).get("profile") == NATIONAL
        if national and reset:
            _replica(True)
        for label, count in _prepare_province(province, reset=reset).items():
            deleted[label] = deleted.get(label, 0) + count
        _replica(False)
    return deleted


def _superuser() -> bool:
    return bool(_rows("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0])


def _replica(on: bool) -> None:
    """Foreign-key (and other) triggers off for this transaction's bulk statements, when allowed (superuser)."""
    if _superuser():
        _execute(f"SET LOCAL session_replication_role = {'replica' if on else 'origin'}")


def generate_national(
    *,
    seed: int = 1,
    months: int = 2,
    provinces: int | None = None,
    groups: int | None = None,
    reset: bool = False,
    today: dt.date | None = None,
) -> dict:
    """Build the national benchmark dataset (module docstring); returns the summary also recorded per province."""
    if connection.vendor != "postgresql":
        raise DomainError(
            _(
                "Hồ sơ dữ liệu national (quy mô toàn quốc) chỉ chạy trên PostgreSQL; cơ sở dữ liệu "
                "đang dùng là %(vendor)s."
            )
            % {"vendor": connection.vendor},
            field="profile",
        )
    if not 1 <= months <= 24:
        raise DomainError(_("--months phải từ 1 đến 24."), field="months")
    if provinces is not None and not 1 <= provinces <= 34:
        raise DomainError(_("--provinces phải từ 1 đến 34."), field="provinces")
    if groups is not None and groups < 1:
        raise DomainError(_("--groups phải là số nguyên dương."), field="groups")
    periods = closed_periods(months, today=today)
    started = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(name: str, mark: float) -> float:
        now = time.perf_counter()
        seconds[name] = round(now - mark, 2)
        return now

    with transaction.atomic():
        _execute("SET LOCAL work_mem = '256MB'")
        _execute("SET LOCAL jit = off")
        plan = Plan(seed=seed, provinces=provinces, groups=groups)
        chosen = list(Province.objects.filter(id__in=[p[0] for p in plan.provinces]).order_by("code"))
        deleted = _prepare(chosen, reset=reset)
        mark = lap("reset", started)
        _replica(True)
        organizations = dict(Organization.objects.values_list("code", "id"))
        network = _build_network(plan, organizations)
        mark = lap("network", mark)
        households = _build_groups(plan, seed, periods[-1].last_day, network["office_of_commune"])
        mark = lap("groups_households_memberships", mark)
        group_rows = _build_group_snapshots(seed, periods)
        mark = lap("group_snapshots", mark)
        aggregate_rows = _build_aggregates(periods, [p.id for p in chosen])
        mark = lap("aggregate_snapshots", mark)
        _replica(False)
        _execute(f"DROP TABLE IF EXISTS {TMP_GROUPS}, national_tmp_cells")
        summary = {
            "profile": NATIONAL,
            "seed": seed,
            "periods": [str(p) for p in periods],
            "provinces": len(chosen),
            "communes": len(plan.communes),
            "counts": {
                "branches": network["branches"],
                "transaction_offices": network["transaction_offices"],
                "transaction_points": sum(plan.points),
                "villages": sum(plan.villages),
                "association_units": len(chosen) * 4 + len(plan.communes) * 4,
                "groups": plan.total_groups,
                "households": households,
                "memberships": households,
                "group_snapshots": group_rows,
                "aggregate_snapshots": aggregate_rows,
            },
            "deleted": deleted,
        }
        for province in chosen:
            audit_event_record(
                actor=_actor(),
                action="generate",
                instance=province,
                before=None,
                after=summary,
                note=f"uythac generate --profile national --seed {seed} --months {months}"
                + (" --reset" if reset else ""),
            )
        lap("audit", mark)
    analyze_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds["analyze"] = round(time.perf_counter() - analyze_started, 2)
    summary["seconds_by_step"] = seconds
    summary["seconds"] = round(time.perf_counter() - started, 2)
    summary["database_size"] = _rows("SELECT pg_size_pretty(pg_database_size(current_database()))")[0][0]
    return summary


def _actor():
    from uythac.synthetic.runner import GENERATE_ACTOR

    return GENERATE_ACTOR
