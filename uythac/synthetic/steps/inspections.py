"""Step "inspections": checks of the entrusted channel entered in the system, after the lending steps.

Realistic coverage of the 727 targets (shared/domain/scoring-and-inspection.md §3; seed 001 states 100 % of new
loans were checked within 30 days, seed 004 shows chapters losing points for checks not entered):

* post-disbursement — about 91 % of the loans disbursed in the last 24 months are checked within 30 days by the
  commune chapter managing the group (direct loans: by the PGD), 4 % are checked later, 5 % never; about 6 % of
  the in-time checks are entered more than the 5 tolerated days late;
* loans inactive 3 months at each of the last 12 month ends — about 75 % checked within that month;
* groups — about 92 % get their yearly group inspection by the commune chapter in the last 12 months;
* upper levels (the seed 001 table B shape) — before the 2025 reform district chapters visit about 64 % of the
  groups of their organization each year with one or two households each, and the province chapters 7 % of the
  groups plus every district chapter; after the reform only the province level remains (727: no district level).

One Python pass over light ``values_list`` tuples and one ``insert_rows`` (COPY on PostgreSQL) per kind: no model
instance per row. Dates never pass the data date; entry dates are capped at it (what had been entered by then).
"""

import datetime as dt
from collections import defaultdict

from uythac.core.periods import Period, add_months, inactive_cutoff
from uythac.geography.models import REFORM_DATE
from uythac.groups.models import SavingsGroup
from uythac.inspections.models import Inspection, InspectionReason, InspectorLevel, SubjectKind, UseOfFunds
from uythac.loans.models import Loan
from uythac.network.models import AssociationUnit, UnitLevel
from uythac.synthetic.context import BuildContext
from uythac.synthetic.load import db_datetime, insert_rows

FIELDS = (
    "level", "organization", "inspector_name", "inspected_on", "entered_on", "entered_at", "reason", "subject_kind",
    "loan", "household", "group", "inspected_unit", "managing_unit", "commune", "province", "use_of_funds",
    "misappropriation_level", "findings", "follow_up_required", "correction_count",
)
HISTORY_DAYS = 730
IN_TIME, LATE_CHECK = 0.91, 0.04
LATE_ENTRY = 0.06
INACTIVE_CHECKED = 0.75
GROUP_CHECKED = 0.92
DISTRICT_VISITS, PROVINCE_VISITS = 0.64, 0.07
LEVEL_NAMES = {
    InspectorLevel.ASSOCIATION_COMMUNE: "Ban Thường vụ hội cấp xã",
    InspectorLevel.ASSOCIATION_DISTRICT: "Đoàn kiểm tra hội cấp huyện",
    InspectorLevel.ASSOCIATION_PROVINCE: "Đoàn kiểm tra hội cấp tỉnh",
    InspectorLevel.BANK_OFFICE: "Cán bộ tín dụng PGD",
}


class _Rows:
    def __init__(self, ctx: BuildContext):
        self.ctx = ctx
        self.rows: list[tuple] = []
        self.organization_of_unit = dict(
            AssociationUnit.objects.filter(province=ctx.province).values_list("id", "organization_id")
        )

    def add(self, *, level, unit_id, on: dt.date, entered: dt.date, reason, kind, loan=None, household=None,
            group=None, inspected_unit=None, commune=None, use=UseOfFunds.NOT_CHECKED, findings=""):
        as_of = self.ctx.as_of
        if on > as_of:
            return
        entered = min(max(entered, on), as_of)
        organization = self.organization_of_unit.get(unit_id) if level != InspectorLevel.BANK_OFFICE else None
        stamp = db_datetime(dt.datetime.combine(entered, dt.time(2, 30), tzinfo=dt.UTC))
        self.rows.append((
            level, organization, LEVEL_NAMES[level], on, entered, stamp, reason, kind, loan, household, group,
            inspected_unit, unit_id, commune, self.ctx.province.id, use, "", findings,
            use == UseOfFunds.MISUSED, 0,
        ))


def _use(rng) -> str:
    draw = rng.random()
    return UseOfFunds.MISUSED if draw < 0.01 else UseOfFunds.NOT_YET_USED if draw < 0.03 else UseOfFunds.CORRECT


def _entry_delay(rng) -> int:
    return rng.randint(6, 25) if rng.random() < LATE_ENTRY else rng.randint(0, 4)


def _post_disbursement(ctx: BuildContext, rows: _Rows, rng) -> None:
    since = ctx.as_of - dt.timedelta(days=HISTORY_DAYS)
    loans = Loan.objects.filter(commune__province=ctx.province, disbursed_on__gte=since).order_by("id")
    for loan_id, disbursed, household, group, unit, commune in loans.values_list(
        "id", "disbursed_on", "household_id", "group_id", "association_unit_id", "commune_id"
    ):
        draw = rng.random()
        if draw < IN_TIME:
            on = disbursed + dt.timedelta(days=rng.randint(2, 28))
        elif draw < IN_TIME + LATE_CHECK:
            on = disbursed + dt.timedelta(days=rng.randint(31, 60))
        else:
            continue
        level = InspectorLevel.ASSOCIATION_COMMUNE if unit else InspectorLevel.BANK_OFFICE
        rows.add(level=level, unit_id=unit, on=on, entered=on + dt.timedelta(days=_entry_delay(rng)),
                 reason=InspectionReason.POST_DISBURSEMENT, kind=SubjectKind.LOAN, loan=loan_id, household=household,
                 group=group, commune=commune, use=_use(rng))


def _inactive(ctx: BuildContext, rows: _Rows, rng) -> None:
    """For each of the last 12 month ends (and the data date's month), the open loans inactive then: no transaction
    since that month end's cut-off (their last transaction today is older still; frozen and student loans excluded,
    as in the close). Loans that moved again since are not seen — their months count as missing checks."""
    month = Period.of(ctx.as_of)
    # The latest month end has the latest cut-off: a loan that moved since then was inactive at none of them.
    loans = list(
        Loan.objects.filter(commune__province=ctx.province, status="OPEN", principal_frozen=0,
                            last_transaction_on__lt=inactive_cutoff(month.last_day))
        .exclude(program__code="02").order_by("id")
        .values_list("id", "household_id", "group_id", "association_unit_id", "commune_id", "last_transaction_on",
                     "disbursed_on")
    )
    for period in (month.add(-back) for back in range(12, -1, -1)):
        end = min(period.last_day, ctx.as_of)
        cutoff = inactive_cutoff(period.last_day)
        for loan_id, household, group, unit, commune, last, disbursed in loans:
            if last >= cutoff or disbursed > period.last_day or rng.random() >= INACTIVE_CHECKED:
                continue
            on = period.first_day + dt.timedelta(days=rng.randint(0, (end - period.first_day).days))
            level = InspectorLevel.ASSOCIATION_COMMUNE if unit else InspectorLevel.BANK_OFFICE
            rows.add(level=level, unit_id=unit, on=on, entered=on + dt.timedelta(days=rng.randint(0, 3)),
                     reason=InspectionReason.INACTIVE_3M, kind=SubjectKind.LOAN, loan=loan_id, household=household,
                     group=group, commune=commune, use=_use(rng))


def _groups(ctx: BuildContext, rows: _Rows, rng) -> None:
    window_start = add_months(ctx.as_of, -12) + dt.timedelta(days=1)
    year_start = ctx.as_of.replace(month=1, day=1)
    groups = SavingsGroup.objects.filter(commune__province=ctx.province, closed_on__isnull=True).order_by("id")
    loans_of_group: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for loan_id, household, group in Loan.objects.filter(
        commune__province=ctx.province, status="OPEN", group__isnull=False
    ).values_list("id", "household_id", "group_id"):
        loans_of_group[group].append((loan_id, household))
    before_reform = ctx.as_of < REFORM_DATE
    district_units = {
        (organization, district): unit for unit, organization, district in AssociationUnit.objects.filter(
            province=ctx.province, level=UnitLevel.DISTRICT).values_list("id", "organization_id", "legacy_district_id")
    }
    for group_id, unit, commune, established in groups.values_list(
        "id", "association_unit_id", "commune_id", "established_on"
    ):
        start = max(window_start, established)
        if start <= ctx.as_of and rng.random() < GROUP_CHECKED:
            on = start + dt.timedelta(days=rng.randint(0, (ctx.as_of - start).days))
            rows.add(level=InspectorLevel.ASSOCIATION_COMMUNE, unit_id=unit, on=on,
                     entered=on + dt.timedelta(days=rng.randint(0, 4)), reason=InspectionReason.ANNUAL_GROUP,
                     kind=SubjectKind.GROUP, group=group_id, commune=commune,
                     findings="Tổ sinh hoạt định kỳ, sổ sách đầy đủ.")
        for level, share in ((InspectorLevel.ASSOCIATION_DISTRICT, DISTRICT_VISITS if before_reform else 0),
                             (InspectorLevel.ASSOCIATION_PROVINCE, PROVINCE_VISITS)):
            if rng.random() >= share or max(year_start, established) > ctx.as_of:
                continue
            first = max(year_start, established)
            on = first + dt.timedelta(days=rng.randint(0, (ctx.as_of - first).days))
            rows.add(level=level, unit_id=unit, on=on, entered=on + dt.timedelta(days=rng.randint(0, 6)),
                     reason=InspectionReason.OTHER, kind=SubjectKind.GROUP, group=group_id, commune=commune)
            members = loans_of_group.get(group_id, [])
            for loan_id, household in rng.sample(members, min(len(members), rng.choice((1, 1, 2, 2, 3)))):
                rows.add(level=level, unit_id=unit, on=on, entered=on + dt.timedelta(days=rng.randint(0, 6)),
                         reason=InspectionReason.OTHER, kind=SubjectKind.LOAN, loan=loan_id, household=household,
                         group=group_id, commune=commune, use=_use(rng))
    # The province chapters visit every district chapter of their organization once a year (before the reform).
    if before_reform:
        for _key, unit in sorted(district_units.items()):
            on = year_start + dt.timedelta(days=rng.randint(0, (ctx.as_of - year_start).days))
            rows.add(level=InspectorLevel.ASSOCIATION_PROVINCE, unit_id=unit, on=on, entered=on,
                     reason=InspectionReason.OTHER, kind=SubjectKind.UNIT, inspected_unit=unit)


def build_inspections(ctx: BuildContext) -> None:
    rng = ctx.rng("inspections")
    rows = _Rows(ctx)
    _post_disbursement(ctx, rows, rng)
    _inactive(ctx, rows, rng)
    _groups(ctx, rows, rng)
    ctx.counts["inspections"] += insert_rows(Inspection, FIELDS, rows.rows)


def inspection_teardown(province) -> list:
    """For ``reset.TEARDOWN`` (before the lending data): the province's inspection records."""
    return [Inspection.objects.filter(province=province)]


INSPECTION_TEARDOWN = (("inspections", inspection_teardown),)
