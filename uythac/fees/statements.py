"""Monthly fee and commission statements for every association unit and group of a scope, from the month-end
snapshots (``LoanSnapshot`` of the period: balances at the period end and the month's interest collected).

``fees_compute(*, actor, period, scope) -> dict`` (a JSON-ready summary). Set-based: two ``GROUP BY`` queries over the
period's loan snapshots in the scope (one row per unit, one per group), the engine applied to each aggregated row,
then bulk inserts. Never a loop per loan.

The base "outstanding on which interest was collected" (dư nợ có thu được lãi, process.md §8) is read as: the
period-end outstanding (in-term + overdue + frozen) of the unit's loans whose interest collected during the month is
> 0 (``LoanSnapshot.interest_collected``), program exceptions excluded (their own base is the in-term outstanding).
The overdue ratio is the unit's overdue ÷ outstanding over ALL its loans (scoring-and-inspection.md §5).

Re-running a period (scope-wide): the UNPAID statements of the period placed in the scope are deleted and computed
again. A PAID statement is never changed: if the new figure differs from what was paid for that unit (or group)
and period, a DIFFERENCE statement of (new − paid) is created — positive: still owed, negative: to be recovered —
and paid like any statement at a later session.
"""

import time
from collections import defaultdict

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from uythac.closing import sql
from uythac.closing.scope import CloseScope
from uythac.core.audit import audit_event_record
from uythac.core.periods import Period
from uythac.fees import engine
from uythac.fees.models import (
    BaseDefinition,
    CommissionStatement,
    FeeSchedule,
    FeeStatement,
    FeeStatementShare,
    StatementKind,
    StatementStatus,
    UnitShareLevel,
)
from uythac.fees.schedules import schedule_in_force, schedule_rules
from uythac.network.models import AssociationUnit, UnitLevel

BATCH = 2000


def _scope_q(scope: CloseScope) -> Q:
    if scope.is_country:
        return Q()
    return Q(**{f"{scope.kind}_id": scope.pk})


def _exception_sums(codes: tuple[str, ...], column: str) -> tuple[str, list]:
    parts = [f"CAST(SUM(CASE WHEN s.program_code = %s THEN s.{column} ELSE 0 END) AS BIGINT)" for _c in codes]
    return (", " + ", ".join(parts)) if parts else "", list(codes)


def _ordinary(codes: tuple[str, ...]) -> tuple[str, list]:
    if not codes:
        return "1 = 1", []
    return f"s.program_code NOT IN ({', '.join('%s' for _c in codes)})", list(codes)


def _unit_facts(period: Period, scope: CloseScope, rules: engine.Rules, base_definition: str) -> list[tuple]:
    codes = rules.exception_codes
    ordinary, ordinary_params = _ordinary(codes)
    collected = " AND s.interest_collected > 0" if base_definition == BaseDefinition.INTEREST_COLLECTED else ""
    exceptions, exception_params = _exception_sums(codes, "principal_current")
    where, where_params = scope.snapshot_filter("s")
    return sql.fetch_all(
        "SELECT s.association_unit_id, MAX(s.commune_id), MAX(s.province_id), MAX(s.office_id),"
        " MAX(s.organization_code),"
        " CAST(SUM(s.principal_current + s.principal_overdue + s.principal_frozen) AS BIGINT),"
        " CAST(SUM(s.principal_overdue) AS BIGINT),"
        f" CAST(SUM(CASE WHEN {ordinary}{collected} THEN s.principal_current + s.principal_overdue"
        f" + s.principal_frozen ELSE 0 END) AS BIGINT){exceptions}"
        f" FROM closing_loansnapshot s WHERE s.period = %s AND s.association_unit_id IS NOT NULL AND {where}"
        " GROUP BY s.association_unit_id",
        [*ordinary_params, *exception_params, str(period), *where_params],
    )


def _group_facts(period: Period, scope: CloseScope, rules: engine.Rules) -> list[tuple]:
    codes = rules.exception_codes
    ordinary, ordinary_params = _ordinary(codes)
    exceptions, exception_params = _exception_sums(codes, "principal_current")
    where, where_params = scope.snapshot_filter("s")
    return sql.fetch_all(
        "SELECT s.group_id, MAX(s.association_unit_id), MAX(s.commune_id), MAX(s.province_id), MAX(s.office_id),"
        " MAX(s.organization_code),"
        f" CAST(SUM(CASE WHEN {ordinary} THEN s.interest_collected ELSE 0 END) AS BIGINT){exceptions}"
        f" FROM closing_loansnapshot s WHERE s.period = %s AND s.group_id IS NOT NULL"
        f" AND s.association_unit_id IS NOT NULL AND {where} GROUP BY s.group_id",
        [*ordinary_params, *exception_params, str(period), *where_params],
    )


class _Recipients:
    """Which unit receives each level's share of a commune unit's fee: the unit itself (commune), its parent chain
    (district, province), else the organization's province unit of the same province and its central unit."""

    def __init__(self):
        self.units = {row[0]: row for row in AssociationUnit.objects.values_list(
            "id", "parent_id", "level", "organization_id", "province_id", "valid_to")}
        self.by_place = {}
        for uid, _parent, level, org, province, valid_to in self.units.values():
            if valid_to is None and level in (UnitLevel.PROVINCE, UnitLevel.CENTRAL):
                self.by_place[(level, org, province if level == UnitLevel.PROVINCE else None)] = uid

    def find(self, unit_id: int, level: str) -> int | None:
        current, seen = unit_id, set()
        while current is not None and current not in seen:
            seen.add(current)
            row = self.units.get(current)
            if row is None:
                break
            if row[2] == level:
                return current
            current = row[1]
        row = self.units.get(unit_id)
        if row is None or level not in (UnitShareLevel.PROVINCE, UnitShareLevel.CENTRAL):
            return None
        return self.by_place.get((level, row[3], row[4] if level == UnitShareLevel.PROVINCE else None))


def _paid_sums(model, subject: str, period: Period, scope: CloseScope) -> dict[int, int]:
    rows = (model.objects.filter(_scope_q(scope), period=str(period), status=StatementStatus.PAID)
            .values(subject).annotate(paid=Sum("amount")))
    return {row[subject]: row["paid"] for row in rows}


def _line(model, *, subject: str, key: int, total: int, paid: dict[int, int], common: dict, fields: dict):
    """The statement to create for one unit or group, or None: REGULAR when nothing was paid for the period,
    otherwise a DIFFERENCE of (new − paid) when they differ."""
    already = paid.get(key)
    if already is None:
        return model(kind=StatementKind.REGULAR, computed_total=total, amount=total, **{f"{subject}_id": key},
                     **common, **fields)
    if total == already:
        return None
    return model(kind=StatementKind.DIFFERENCE, computed_total=total, amount=total - already,
                 **{f"{subject}_id": key}, **common, **fields)


@transaction.atomic
def fees_compute(*, actor, period: Period, scope: CloseScope, schedule: FeeSchedule | None = None) -> dict:
    """Compute (or re-compute) the period's fee and commission statements of a scope (see the module docstring)."""
    started = time.perf_counter()
    schedule = schedule or schedule_in_force(period.last_day)
    rules = schedule_rules(schedule, on=period.last_day)
    codes = rules.exception_codes
    now = timezone.now()
    scope_q = _scope_q(scope)
    _n, deleted = FeeStatement.objects.filter(scope_q, period=str(period), status=StatementStatus.UNPAID).delete()
    deleted_fees = deleted.get(FeeStatement._meta.label, 0)
    _n, deleted = CommissionStatement.objects.filter(scope_q, period=str(period),
                                                     status=StatementStatus.UNPAID).delete()
    deleted_commissions = deleted.get(CommissionStatement._meta.label, 0)

    paid = _paid_sums(CommissionStatement, "group_id", period, scope)
    commissions_by_unit: dict[int, int] = defaultdict(int)
    commission_rows = []
    for group_id, unit_id, commune_id, province_id, office_id, org, interest, *bases in _group_facts(
            period, scope, rules):
        result = engine.group_commission(rules, interest or 0, dict(zip(codes, (b or 0 for b in bases),
                                                                          strict=True)))
        commissions_by_unit[unit_id] += result.total
        if result.total == 0 and group_id not in paid:
            continue
        statement = _line(
            CommissionStatement, subject="group", key=group_id, total=result.total, paid=paid,
            common={"period": str(period), "schedule": schedule, "commune_id": commune_id, "province_id": province_id,
                    "office_id": office_id, "organization_code": org or "", "computed_at": now},
            fields={"association_unit_id": unit_id, "interest_collected": result.interest_collected,
                    "commission_rate": rules.commission_rate, "commission_on_interest": result.on_interest,
                    "exception_commission": result.exception_commission,
                    "exception_lines": [line.as_json() for line in result.exception_lines]},
        )
        if statement is not None:
            commission_rows.append(statement)
    CommissionStatement.objects.bulk_create(commission_rows, batch_size=BATCH)

    paid = _paid_sums(FeeStatement, "association_unit_id", period, scope)
    recipients = _Recipients()
    fee_rows, share_rows = [], []
    for unit_id, commune_id, province_id, office_id, org, outstanding, overdue, base, *bases in _unit_facts(
            period, scope, rules, schedule.base_definition):
        facts = engine.UnitFacts(outstanding or 0, overdue or 0, base or 0,
                                 dict(zip(codes, (b or 0 for b in bases), strict=True)))
        fee = engine.unit_fee(rules, facts)
        commissions = commissions_by_unit.get(unit_id, 0)
        statement = _line(
            FeeStatement, subject="association_unit", key=unit_id, total=fee.total, paid=paid,
            common={"period": str(period), "schedule": schedule, "commune_id": commune_id, "province_id": province_id,
                    "office_id": office_id, "organization_code": org or "", "computed_at": now},
            fields={"outstanding": facts.outstanding, "overdue": facts.overdue,
                    "overdue_ratio": engine.ratio_display(fee.ratio), "base_amount": facts.base_amount,
                    "base_rate": rules.base_rate, "fee_before_multiplier": fee.fee_before_multiplier,
                    "band_lower": fee.band.lower, "band_upper": fee.band.upper, "multiplier": fee.band.multiplier,
                    "fee_after_multiplier": fee.fee_after_multiplier, "exception_fee": fee.exception_fee,
                    "exception_lines": [line.as_json() for line in fee.exception_lines],
                    "commissions": commissions, "cap_rate": rules.cap_rate,
                    "cap_amount": engine.cap_amount(rules.cap_rate, facts.outstanding),
                    "within_cap": engine.within_cap(rules.cap_rate, facts.outstanding, fee.total, commissions)},
        )
        if statement is None:
            continue
        fee_rows.append(statement)
        share_rows.append([(share.level, share.share, amount, recipients.find(unit_id, share.level))
                           for share, amount in fee.shares])
    FeeStatement.objects.bulk_create(fee_rows, batch_size=BATCH)
    FeeStatementShare.objects.bulk_create(
        (FeeStatementShare(statement=statement, level=level, share=share, amount=amount, recipient_id=recipient)
         for statement, shares in zip(fee_rows, share_rows, strict=True)
         for level, share, amount, recipient in shares),
        batch_size=BATCH,
    )
    summary = {
        "period": str(period), "scope": scope.key, "schedule": schedule.code,
        "provisional": schedule.is_provisional or schedule.commission_is_provisional,
        "fee_statements": len(fee_rows), "commission_statements": len(commission_rows),
        "differences": sum(1 for row in (*fee_rows, *commission_rows) if row.kind == StatementKind.DIFFERENCE),
        "replaced_unpaid": deleted_fees + deleted_commissions,
        "fees_total": sum(row.amount for row in fee_rows),
        "commissions_total": sum(row.amount for row in commission_rows),
        "over_cap": sum(1 for row in fee_rows if not row.within_cap),
    }
    summary["seconds"] = round(time.perf_counter() - started, 3)
    audit_event_record(actor=actor, action="fees.compute", instance=schedule, before=None, after=summary,
                       object_type="fees.run", object_key=f"{scope.key}/{period}")
    return summary
