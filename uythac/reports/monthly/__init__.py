"""Monthly operational reports in the bank's shapes, from the month-end snapshots of a closed month (issue 5 item 2).

``REPORTS`` maps each kind (the CLI subcommand and the page's slug) to its builder module; every builder has
``build(query) -> MonthlyReport`` and the CLI contract ``add_arguments(parser)`` / ``run(command, **options)``.
``monthly_report(kind, scope=…, period=…, user=…, …)`` checks the query and builds the report.
"""

from __future__ import annotations

import importlib

REPORTS = {
    "bc0437": "uythac.reports.monthly.bc0437",
    "bc0438": "uythac.reports.monthly.bc0438",
    "inactive": "uythac.reports.monthly.inactive",
    "overdue": "uythac.reports.monthly.overdue",
    "due-next-month": "uythac.reports.monthly.due_next_month",
    "frozen-expiring": "uythac.reports.monthly.frozen_expiring",
}


def builder(kind: str):
    return importlib.import_module(REPORTS[kind])


def monthly_report(
    kind: str,
    *,
    scope: str | None,
    period,
    user=None,
    organization: str = "",
    unit: str = "",
    page: int | None = None,
    **options,
):
    """Check the query (``uythac.reports.monthly.base.build_query``) and build report ``kind``."""
    from uythac.reports.monthly.base import build_query

    query = build_query(scope=scope, period=period, user=user, organization=organization, unit=unit, page=page)
    return builder(kind).build(query, **options)
