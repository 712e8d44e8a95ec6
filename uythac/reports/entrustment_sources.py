"""What the entrustment report reads, per scope: month-end snapshots (uythac.closing) and master data.

Every figure on balances comes from the snapshots of a closed month — never from raw postings: the aggregate rows
(province / PGD / commune, once per organization 11–14 and once for the total "") and the group rows. Master data
gives what no snapshot holds: agreements and contracts in force, active groups and members on the date, merges,
risk-handling rounds. All reads are aggregate queries (a handful per report, whatever the size of the scope).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, Sum

from uythac.closing.models import (
    ALL_ORGANIZATIONS,
    CommuneSnapshot,
    GroupSnapshot,
    OfficeSnapshot,
    ProvinceSnapshot,
)
from uythac.closing.scope import COMMUNE, OFFICE, PROVINCE, CloseScope
from uythac.core.periods import Period
from uythac.groups.models import ConsolidationKind, GroupConsolidation, GroupMembership, SavingsGroup
from uythac.loans.models import RiskCase
from uythac.network.models import AgreementStatus, AssociationUnit, EntrustmentContract, JointAgreement, UnitLevel

#: Seed 001 section II: "tổ dưới 20 hộ dư nợ" — a group with fewer borrowing households is "small".
SMALL_GROUP_HOUSEHOLDS = 20
#: Seed 001 section II: "tổ có tỷ lệ nợ quá hạn trên 2%" — overdue × 100 > outstanding × 2.
ABOVE_RATIO = (2, 100)

AGGREGATE_MEASURES = (
    "outstanding", "principal_overdue", "borrowing_households", "groups_with_balance", "savings_balance",
    "savings_members", "savings_deposited", "savings_withdrawn", "disbursed_count", "disbursed_amount",
)


def aggregate_model_and_filter(scope: CloseScope):
    """The snapshot table of the scope's level and the filter selecting the scope's rows in it."""
    if scope.kind == PROVINCE:
        return ProvinceSnapshot, Q(province_id=scope.pk)
    if scope.kind == OFFICE:
        return OfficeSnapshot, Q(office_id=scope.pk)
    if scope.kind == COMMUNE:
        return CommuneSnapshot, Q(commune_id=scope.pk)
    return ProvinceSnapshot, Q()


def group_snapshot_filter(scope: CloseScope) -> Q:
    return {PROVINCE: Q(province_id=scope.pk), OFFICE: Q(office_id=scope.pk),
            COMMUNE: Q(commune_id=scope.pk)}.get(scope.kind, Q())


def group_master_filter(scope: CloseScope, prefix: str = "") -> Q:
    """Groups of the scope in master data (a group's PGD is its transaction point's, as in the close)."""
    paths = {PROVINCE: "commune__province_id", OFFICE: "transaction_point__office_id", COMMUNE: "commune_id"}
    if scope.kind not in paths:
        return Q()
    return Q(**{f"{prefix}{paths[scope.kind]}": scope.pk})


def periods_with_snapshots(scope: CloseScope, periods: list[str]) -> set[str]:
    model, where = aggregate_model_and_filter(scope)
    return set(model.objects.filter(where, period__in=periods).values_list("period", flat=True).distinct())


def aggregate_rows(scope: CloseScope, periods: list[str] | str) -> dict[str, dict[str, int]]:
    """Measures per organization code ("" = total, direct loans included) summed over the scope and periods."""
    model, where = aggregate_model_and_filter(scope)
    periods = [periods] if isinstance(periods, str) else list(periods)
    rows = (
        model.objects.filter(where, period__in=periods).values("organization_code")
        .annotate(**{name: Sum(name) for name in AGGREGATE_MEASURES})
    )
    return {row.pop("organization_code"): {k: int(v or 0) for k, v in row.items()} for row in rows}


def group_counts(scope: CloseScope, period: str, on: dt.date) -> dict[str, dict[str, int]]:
    """Per organization: small groups, groups with overdue, with overdue above 2 %, and the groups active on ``on``
    holding savings (a merged group's remaining accounts do not count: the base is the active groups)."""
    base = GroupSnapshot.objects.filter(group_snapshot_filter(scope), period=period)
    numerator, denominator = ABOVE_RATIO
    rows = (
        base.alias(overdue_scaled=F("principal_overdue") * denominator, outstanding_scaled=F("outstanding") * numerator)
        .values("organization_code")
        .annotate(
            small=Count("id", filter=Q(outstanding__gt=0, borrowing_households__lt=SMALL_GROUP_HOUSEHOLDS)),
            with_overdue=Count("id", filter=Q(principal_overdue__gt=0)),
            above=Count("id", filter=Q(principal_overdue__gt=0, overdue_scaled__gt=F("outstanding_scaled"))),
            with_savings=Count("id", filter=Q(savings_balance__gt=0, group__established_on__lte=on)
                               & (Q(group__closed_on__isnull=True) | Q(group__closed_on__gt=on))),
        )
    )
    return {row.pop("organization_code"): row for row in rows}


def active_groups(scope: CloseScope, on: dt.date, organizations) -> int:
    """Groups founded by ``on`` and not closed by then, with or without a balance (seed 001's 3,328: the base of
    "202 tổ … = 6,07% tổng số tổ")."""
    return SavingsGroup.objects.filter(
        group_master_filter(scope), Q(closed_on__isnull=True) | Q(closed_on__gt=on), established_on__lte=on,
        association_unit__organization__code__in=organizations,
    ).count()


def members(scope: CloseScope, on: dt.date, organizations) -> int:
    """Households members of a group of the scope on ``on`` (the base of "98,9% số tổ viên").

    On a month end whose close wrote the members of each group (``GroupSnapshot.members``, ADR 0015), their sum: the
    national profile's 6.9 million memberships took 0.77 s to count warm, 1.5 s from disk. A group with neither a
    loan nor savings at the month end has no snapshot row and is left out (seed2020 12/2020: 102,700 both ways).
    Otherwise memberships are counted, not distinct households: a household has at most one current membership
    (constraint ``one_current_membership_per_household``) and a move closes the old one the day the new one starts
    (``left_on`` = ``joined_on``), so on any day each household has at most one membership covering it."""
    month = Period.of(on)
    if on == month.last_day:
        stored = GroupSnapshot.objects.filter(
            group_snapshot_filter(scope), period=str(month), organization_code__in=organizations
        ).aggregate(n=Sum("members"))["n"]
        if stored:  # months closed before the column existed hold 0: count the memberships instead
            return int(stored)
    return GroupMembership.objects.filter(
        group_master_filter(scope, "group__"), Q(left_on__isnull=True) | Q(left_on__gt=on), joined_on__lte=on,
        group__association_unit__organization__code__in=organizations,
    ).count()


def consolidations(scope: CloseScope, first: dt.date, last: dt.date, organizations) -> dict[str, int]:
    """Source groups of merges and splits effective between ``first`` and ``last``."""
    rows = (
        GroupConsolidation.sources.through.objects.filter(
            group_master_filter(scope, "savingsgroup__"),
            groupconsolidation__effective_on__gte=first, groupconsolidation__effective_on__lte=last,
            savingsgroup__association_unit__organization__code__in=organizations,
        ).values("groupconsolidation__kind").annotate(n=Count("id"))
    )
    found = {row["groupconsolidation__kind"]: row["n"] for row in rows}
    return {"merged": found.get(ConsolidationKind.MERGE, 0), "split": found.get(ConsolidationKind.SPLIT, 0)}


def _in_force(on: dt.date, prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}effective_from__lte": on})
        & (Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": on}))
        & ~Q(**{f"{prefix}status": AgreementStatus.DRAFT})
    )


def _unit_valid(on: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def agreements(scope: CloseScope, on: dt.date, organizations) -> dict[str, dict[str, int]]:
    """Per organization: joint agreements (VBLT) in force at province and district level with the number of district
    chapters, and entrustment contracts (HĐUT) in force with commune chapters — in the scope, on ``on``."""
    result = {code: {"province": 0, "district": 0, "district_units": 0, "contracts": 0} for code in organizations}
    if scope.kind in ("country", PROVINCE):
        place = Q(association_unit__province_id=scope.pk) if scope.kind == PROVINCE else Q()
        for row in (
            JointAgreement.objects.filter(_in_force(on), place, association_unit__organization__code__in=organizations)
            .values("association_unit__organization__code", "association_unit__level").annotate(n=Count("id"))
        ):
            level = row["association_unit__level"]
            key = {UnitLevel.PROVINCE: "province", UnitLevel.DISTRICT: "district"}.get(level)
            if key:
                result[row["association_unit__organization__code"]][key] += row["n"]
        unit_place = Q(province_id=scope.pk) if scope.kind == PROVINCE else Q()
        for row in (
            AssociationUnit.objects.filter(_unit_valid(on), unit_place, level=UnitLevel.DISTRICT,
                                           organization__code__in=organizations)
            .values("organization__code").annotate(n=Count("id"))
        ):
            result[row["organization__code"]]["district_units"] = row["n"]
    place = {
        PROVINCE: Q(association_unit__province_id=scope.pk), OFFICE: Q(office_id=scope.pk),
        COMMUNE: Q(association_unit__commune_id=scope.pk),
    }.get(scope.kind, Q())
    for row in (
        EntrustmentContract.objects.filter(_in_force(on), place, association_unit__level=UnitLevel.COMMUNE,
                                           association_unit__organization__code__in=organizations)
        .values("association_unit__organization__code").annotate(n=Count("id"))
    ):
        result[row["association_unit__organization__code"]]["contracts"] = row["n"]
    return result


def risk_round_rows(scope: CloseScope, year: int, last: dt.date, organizations) -> list[dict]:
    """Risk-handling rounds of the year opened by ``last``: loans and principal per round, measure and case state
    (only the cases of the scope's loans through the organizations shown)."""
    place = {
        PROVINCE: Q(round__branch__province_id=scope.pk), OFFICE: Q(loan__office_id=scope.pk),
        COMMUNE: Q(loan__commune_id=scope.pk),
    }.get(scope.kind, Q())
    return list(
        RiskCase.objects.filter(place, round__year=year, round__opened_on__lte=last,
                                loan__association_unit__organization__code__in=organizations)
        .values("round__year", "round__number", "round__status", "measure", "state")
        .annotate(loans=Count("id"), principal=Sum("principal_amount"))
        .order_by("round__year", "round__number", "measure", "state")
    )


ALL = ALL_ORGANIZATIONS
