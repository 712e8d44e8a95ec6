"""A hand-built month-end dataset for the dashboard tests: snapshot rows written directly (as a close would) for
August and September 2026, so every figure the dashboards show can be computed by hand.

Groups (one group per association unit), per period: outstanding, overdue, 3-months-inactive loans and amount,
savings, borrowing households.

=============  ====  ========================================  ========================================
group          org   2026-08                                   2026-09
=============  ====  ========================================  ========================================
0000001 (a)    11    30M, 0, 0 / 0, 1.0M, 2 hh                 28M, 3M, 1 / 5M, 1.5M, 2 hh
0000002 (a)    12    15M, 0, 0 / 0, 0, 1 hh                    15M, 0, 0 / 0, 0.2M, 1 hh
0000003 (b)    11    40M, 1M, 2 / 10M, 0.5M, 2 hh              25M, 0, 0 / 0, 0.5M, 1 hh
0000079 (c)    11    —                                         5M, 0, 0 / 0, 0, 1 hh (province 79)
=============  ====  ========================================  ========================================

Units, communes, the PGD and the provinces are the sums (by organization and in total); group 0000001's loans:
household_a 20M+5M in August, 15M in term + 3M overdue and 5M inactive in September; its first member 5M both months.
"""

from uythac.closing.models import (
    ALL_ORGANIZATIONS,
    CommuneSnapshot,
    GroupSnapshot,
    LoanSnapshot,
    OfficeSnapshot,
    ProvinceSnapshot,
    UnitSnapshot,
)
from uythac.core.periods import Period

AUG, SEP = "2026-08", "2026-09"
M = 1_000_000
# (outstanding, overdue, inactive loans, inactive amount, savings, borrowing households)
FIGURES = {
    "group_a": {AUG: (30 * M, 0, 0, 0, 1 * M, 2), SEP: (28 * M, 3 * M, 1, 5 * M, 1_500_000, 2)},
    "group_a_women": {AUG: (15 * M, 0, 0, 0, 0, 1), SEP: (15 * M, 0, 0, 0, 200_000, 1)},
    "group_b": {AUG: (40 * M, 1 * M, 2, 10 * M, 500_000, 2), SEP: (25 * M, 0, 0, 0, 500_000, 1)},
    "group_c": {SEP: (5 * M, 0, 0, 0, 0, 1)},
}
FIELDS = ("outstanding", "principal_overdue", "inactive_3m_loans", "inactive_3m_amount", "savings_balance",
          "borrowing_households")


def _measures(values) -> dict:
    measures = dict(zip(FIELDS, values, strict=True))
    measures["principal_current"] = measures["outstanding"] - measures["principal_overdue"]
    measures["groups_with_balance"] = 1 if measures["outstanding"] else 0
    measures["loans_with_balance"] = measures["borrowing_households"]
    measures["savings_members"] = 1 if measures["savings_balance"] else 0
    return measures


def _add(total: dict, measures: dict) -> None:
    for key, value in measures.items():
        total[key] = total.get(key, 0) + value


def build_snapshots(world) -> None:
    for period in (AUG, SEP):
        communes, offices, provinces = {}, {}, {}
        for name, by_period in FIGURES.items():
            if period not in by_period:
                continue
            group = getattr(world, name)
            measures = _measures(by_period[period])
            org = group.association_unit.organization.code
            province_id = group.commune.province_id
            office_id = group.transaction_point.office_id
            GroupSnapshot.objects.create(period=period, organization_code=org, group=group,
                                         association_unit=group.association_unit, commune=group.commune,
                                         office_id=office_id, province_id=province_id, **measures)
            UnitSnapshot.objects.create(period=period, organization_code=org, association_unit=group.association_unit,
                                        commune=group.commune, province_id=province_id, **measures)
            for code in (org, ALL_ORGANIZATIONS):
                _add(communes.setdefault((group.commune_id, province_id, code), {}), measures)
                _add(offices.setdefault((office_id, province_id, code), {}), measures)
                _add(provinces.setdefault((province_id, code), {}), measures)
        for (commune_id, province_id, code), measures in communes.items():
            CommuneSnapshot.objects.create(period=period, organization_code=code, commune_id=commune_id,
                                           province_id=province_id, **measures)
        for (office_id, province_id, code), measures in offices.items():
            OfficeSnapshot.objects.create(period=period, organization_code=code, office_id=office_id,
                                          province_id=province_id, **measures)
        for (province_id, code), measures in provinces.items():
            ProvinceSnapshot.objects.create(period=period, organization_code=code, province_id=province_id,
                                            **measures)
    _loans(world)


def _loans(world) -> None:
    group = world.group_a
    first = group.test_members[0]
    # (loan id, household, in term, overdue, inactive) per period; loan ids need no loan row (no FK constraint).
    loans = {
        AUG: [(9001, world.household_a, 20 * M, 0, False), (9002, world.household_a, 5 * M, 0, False),
              (9003, first, 5 * M, 0, False)],
        SEP: [(9001, world.household_a, 15 * M, 3 * M, False), (9002, world.household_a, 5 * M, 0, True),
              (9003, first, 5 * M, 0, False)],
    }
    for period, rows in loans.items():
        for loan_id, household, current, overdue, inactive in rows:
            LoanSnapshot.objects.create(
                period=period, loan_id=loan_id, loan_number=f"L{loan_id}", household=household, group=group,
                association_unit=group.association_unit, commune=group.commune,
                office_id=group.transaction_point.office_id, province_id=group.commune.province_id,
                organization_code="11", program_id=1, program_code="01", status="ACTIVE",
                last_transaction_on=Period.parse(period).last_day, is_inactive_3m=inactive,
                principal_current=current, principal_overdue=overdue,
            )
