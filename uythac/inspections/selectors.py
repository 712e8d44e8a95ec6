"""Inspection targets and coverage under 727/HD-NHCS, and the seed 001 inspection counts — all set-based.

Contract (also in /work/briefs/notes/inspections_api.md and docs/decisions/0010-inspections.md):

``inspection_targets(scope, period, *, as_of=None) -> dict[kind, QuerySet]``
    The period's targets per kind, annotated with ``target_status`` (COVERED / LATE / MISSING / PENDING),
    ``target_deadline``, ``target_unit_id``, ``target_commune_id``, ``target_organization_code``.
``coverage(scope, period, *, by="unit", as_of=None) -> list[CoverageRow]``
    Targets, covered, late, missing, pending and the ratio per unit / commune / organization / total.
``inspection_counts(scope, date_from, date_to) -> list[CountRow]``
    Districts, communes, groups and households inspected by organization and inspecting level (seed 001 table B).

A target is due in the period whose days contain its deadline:

* POST_DISBURSEMENT — a loan whose ``disbursed_on + N days`` (N = 30) falls in the period; covered by an inspection
  of that loan dated from the disbursement to the deadline.
* INACTIVE_3M — a loan flagged ``is_inactive_3m`` by the period's close (``LoanSnapshot``); covered by an
  inspection of the loan dated in the period (deadline: the period end + grace days).
* ANNUAL_GROUP — a group active at the period end and founded at least M months (12) before it; covered by an
  inspection of the group dated in the M months ending at the period end (deadline: the period end).

Covered = such an inspection, entered in the system at most ``entry grace`` days after the deadline (seed 004
counts only what is entered). Late = an inspection entered by ``as_of`` that misses the deadline. Pending = nothing
entered yet while the entry deadline is still ahead of ``as_of``. Missing = the rest. ``as_of`` (what had been
entered by that day) defaults to the period's last day plus the entry grace days (the entry deadline of the
period-end deadlines), capped at today: what a month-end score sees once the entries of the month are due.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from uythac.accounts.scope import Scope, scope_for
from uythac.closing.models import LoanSnapshot
from uythac.closing.scope import COMMUNE, OFFICE, PROVINCE, CloseScope
from uythac.core.guards import today
from uythac.core.periods import Period, add_months
from uythac.geography.models import Commune
from uythac.groups.models import SavingsGroup
from uythac.inspections.models import Inspection, InspectionReason, SubjectKind
from uythac.inspections.rules import CoverageRules, coverage_rules
from uythac.inspections.sql import AddDays
from uythac.loans.models import Loan
from uythac.network.models import AssociationUnit, Organization, TransactionOffice

TARGET_KINDS = (InspectionReason.POST_DISBURSEMENT, InspectionReason.INACTIVE_3M, InspectionReason.ANNUAL_GROUP)
COVERED, LATE, MISSING, PENDING = "COVERED", "LATE", "MISSING", "PENDING"
STATUSES = (COVERED, LATE, MISSING, PENDING)
BY_CHOICES = ("unit", "commune", "organization", "total")
ALL = "*"
_PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class CoverageRow:
    key: str
    kind: str
    targets: int
    covered: int
    late: int
    missing: int
    pending: int
    ratio: Decimal | None
    provisional: bool


@dataclass(frozen=True)
class CountRow:
    organization_code: str
    level: str
    districts: int
    communes: int
    groups: int
    households: int
    inspections: int


def coverage_ratio(covered: int, targets: int) -> Decimal | None:
    """covered ÷ targets × 100 as a Decimal percent, ROUND_HALF_UP to 2 places (None without targets)."""
    if not targets:
        return None
    return (Decimal(covered * 100) / Decimal(targets)).quantize(_PERCENT, rounding=ROUND_HALF_UP)


# --- Scope ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Filters:
    loan: Q
    snapshot: Q
    group: Q
    inspection: Q


def _office_communes(office_pk: int):
    return TransactionOffice.communes.through.objects.filter(transactionoffice_id=office_pk).values("commune_id")


def scope_filters(scope) -> _Filters:
    """Q objects limiting loans, loan snapshots, groups and inspection records to a scope (see the module doc)."""
    if scope is None:
        return _Filters(Q(), Q(), Q(), Q())
    if isinstance(scope, CloseScope):
        if scope.kind == PROVINCE:
            return _Filters(Q(commune__province_id=scope.pk), Q(province_id=scope.pk),
                            Q(commune__province_id=scope.pk), Q(province_id=scope.pk))
        if scope.kind == OFFICE:
            communes = _office_communes(scope.pk)
            return _Filters(Q(office_id=scope.pk), Q(office_id=scope.pk),
                            Q(transaction_point__office_id=scope.pk), Q(commune_id__in=communes))
        if scope.kind == COMMUNE:
            same = Q(commune_id=scope.pk)
            return _Filters(same, same, same, same)
        return _Filters(Q(), Q(), Q(), Q())
    if not isinstance(scope, Scope):
        scope = scope_for(scope)
    return _user_filters(scope)


def _user_filters(scope: Scope) -> _Filters:
    loan = scope.commune_q("commune")
    snapshot = scope.commune_q("commune")
    group = scope.commune_q("commune")
    inspection = scope.commune_q("commune")
    # District-level inspections (of a legacy district chapter) have no commune: province-wide roles see them.
    if scope.commune_ids is not None and scope.role in {"branch_staff", "province_association"}:
        inspection = inspection | Q(commune__isnull=True, province_id=scope.province_id)
    if scope.is_association and scope.organization_id is not None:
        code = Organization.objects.filter(pk=scope.organization_id).values_list("code", flat=True).first() or "-"
        loan &= Q(association_unit__organization_id=scope.organization_id)
        snapshot &= Q(organization_code=code)
        group &= Q(association_unit__organization_id=scope.organization_id)
        inspection &= Q(managing_unit__organization_id=scope.organization_id) | Q(
            organization_id=scope.organization_id
        )
    if scope.group_id is not None:
        loan &= Q(group_id=scope.group_id)
        snapshot &= Q(group_id=scope.group_id)
        group &= Q(pk=scope.group_id)
        inspection &= Q(group_id=scope.group_id)
    return _Filters(loan, snapshot, group, inspection)


def inspection_queryset(scope) -> QuerySet:
    """Inspection records inside a scope (user, ``Scope``, ``CloseScope`` or None)."""
    return Inspection.objects.filter(scope_filters(scope).inspection)


# --- Targets -------------------------------------------------------------------------------------------------------


def _period(period) -> Period:
    return period if isinstance(period, Period) else Period.parse(str(period))


def _status(*, covered, late, pending) -> Case:
    return Case(
        When(covered, then=Value(COVERED)),
        When(late, then=Value(LATE)),
        When(pending, then=Value(PENDING)),
        default=Value(MISSING),
        output_field=CharField(),
    )


def _post_disbursement(filters: _Filters, p: Period, rules: CoverageRules, as_of: dt.date) -> QuerySet:
    days, grace = rules.post_disbursement_days, rules.entry_grace_days
    entered = Inspection.objects.filter(loan_id=OuterRef("pk"), entered_on__lte=as_of,
                                        inspected_on__gte=OuterRef("disbursed_on"))
    covered = entered.filter(inspected_on__lte=AddDays(OuterRef("disbursed_on"), days),
                             entered_on__lte=AddDays(OuterRef("disbursed_on"), days + grace))
    # Still time: the entry deadline (disbursed_on + days + grace) is after as_of.
    pending = Q(disbursed_on__gt=as_of - dt.timedelta(days=days + grace))
    return (
        Loan.objects.filter(filters.loan)
        .filter(disbursed_on__gte=p.first_day - dt.timedelta(days=days),
                disbursed_on__lte=p.last_day - dt.timedelta(days=days))
        .annotate(
            target_status=_status(covered=Exists(covered), late=Exists(entered), pending=pending),
            target_deadline=AddDays(F("disbursed_on"), days),
            target_unit_id=F("association_unit_id"),
            target_commune_id=F("commune_id"),
            target_organization_code=Coalesce(F("association_unit__organization__code"), Value("")),
        )
    )


def _inactive(filters: _Filters, p: Period, rules: CoverageRules, as_of: dt.date) -> QuerySet:
    deadline = p.last_day + dt.timedelta(days=rules.inactive_grace_days)
    entry_deadline = deadline + dt.timedelta(days=rules.entry_grace_days)
    entered = Inspection.objects.filter(loan_id=OuterRef("loan_id"), entered_on__lte=as_of,
                                        inspected_on__gte=p.first_day)
    covered = entered.filter(inspected_on__lte=deadline, entered_on__lte=entry_deadline)
    return (
        LoanSnapshot.objects.filter(filters.snapshot)
        .filter(period=str(p), is_inactive_3m=True)
        .annotate(
            target_status=_status(covered=Exists(covered), late=Exists(entered),
                                  pending=Value(as_of < entry_deadline)),
            target_deadline=Value(deadline, output_field=DateField()),
            target_unit_id=F("association_unit_id"),
            target_commune_id=F("commune_id"),
            target_organization_code=F("organization_code"),
        )
    )


def _groups(filters: _Filters, p: Period, rules: CoverageRules, as_of: dt.date) -> QuerySet:
    window_start = add_months(p.last_day, -rules.group_months) + dt.timedelta(days=1)
    entry_deadline = p.last_day + dt.timedelta(days=rules.entry_grace_days)
    entered = Inspection.objects.filter(group_id=OuterRef("pk"), subject_kind=SubjectKind.GROUP,
                                        entered_on__lte=as_of, inspected_on__gte=window_start)
    covered = entered.filter(inspected_on__lte=p.last_day, entered_on__lte=entry_deadline)
    return (
        SavingsGroup.objects.filter(filters.group)
        .filter(established_on__lt=window_start)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=p.last_day))
        .annotate(
            target_status=_status(covered=Exists(covered), late=Exists(entered),
                                  pending=Value(as_of < entry_deadline)),
            target_deadline=Value(p.last_day, output_field=DateField()),
            target_unit_id=F("association_unit_id"),
            target_commune_id=F("commune_id"),
            target_organization_code=F("association_unit__organization__code"),
        )
    )


def default_as_of(period: Period, rules: CoverageRules | None = None) -> dt.date:
    """The period end + the entry grace days, or today when that is still ahead."""
    rules = rules or coverage_rules(period.last_day)
    return min(today(), period.last_day + dt.timedelta(days=rules.entry_grace_days))


_BUILDERS = {
    InspectionReason.POST_DISBURSEMENT: _post_disbursement,
    InspectionReason.INACTIVE_3M: _inactive,
    InspectionReason.ANNUAL_GROUP: _groups,
}


def inspection_targets(scope, period, *, as_of: dt.date | None = None, kinds=TARGET_KINDS) -> dict[str, QuerySet]:
    p = _period(period)
    rules = coverage_rules(p.last_day)
    filters = scope_filters(scope)
    as_of = as_of or default_as_of(p, rules)
    return {str(kind): _BUILDERS[kind](filters, p, rules, as_of) for kind in kinds}


# --- Coverage ------------------------------------------------------------------------------------------------------

_KEY_FIELDS = {"unit": "target_unit_id", "commune": "target_commune_id", "organization": "target_organization_code"}


def _key_labels(by: str, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if by == "unit":
        return dict(AssociationUnit.objects.filter(pk__in=ids).values_list("pk", "code"))
    if by == "commune":
        return dict(Commune.objects.filter(pk__in=ids).values_list("pk", "code"))
    return {}


def coverage(scope, period, *, by: str = "unit", as_of: dt.date | None = None) -> list[CoverageRow]:
    """Coverage of the period's targets per ``by`` key (see the module doc); rows sorted by key, kind ("" first)."""
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {BY_CHOICES}")
    p = _period(period)
    provisional = coverage_rules(p.last_day).provisional
    counts: dict[tuple, dict[str, int]] = {}
    raw_keys: set = set()
    for kind, targets in inspection_targets(scope, p, as_of=as_of).items():
        field = _KEY_FIELDS.get(by)
        columns = [field, "target_status"] if field else ["target_status"]
        for row in targets.order_by().values(*columns).annotate(n=Count(Value(1))):
            key = row[field] if field else ""
            raw_keys.add(key)
            for bucket in ((key, kind), (key, "")):
                slot = counts.setdefault(bucket, dict.fromkeys(STATUSES, 0))
                slot[row["target_status"]] += row["n"]
    labels = _key_labels(by, raw_keys)
    rows = []
    for (key, kind), slot in counts.items():
        label = labels.get(key, "") if by in {"unit", "commune"} else (key or "")
        total = sum(slot.values())
        rows.append(CoverageRow(
            key=label, kind=kind, targets=total, covered=slot[COVERED], late=slot[LATE], missing=slot[MISSING],
            pending=slot[PENDING], ratio=coverage_ratio(slot[COVERED], total), provisional=provisional,
        ))
    order = {"": 0, **{str(k): i + 1 for i, k in enumerate(TARGET_KINDS)}}
    return sorted(rows, key=lambda r: (r.key, order[r.kind]))


# --- Seed 001 table B ----------------------------------------------------------------------------------------------


def _count_fields() -> dict:
    return {
        "districts": Count("inspected_unit", distinct=True, filter=Q(inspected_unit__level="DISTRICT")),
        "communes": Count("commune", distinct=True),
        "groups": Count("group", distinct=True),
        "households": Count("household", distinct=True),
        "inspections": Count("id"),
    }


def _count_row(organization_code: str, level: str, data: dict) -> CountRow:
    return CountRow(organization_code=organization_code, level=level, districts=data["districts"],
                    communes=data["communes"], groups=data["groups"], households=data["households"],
                    inspections=data["inspections"])


def inspection_counts(scope, date_from: dt.date, date_to: dt.date) -> list[CountRow]:
    """Distinct districts (legacy district chapters), communes, groups and households reached by inspections dated
    in [date_from, date_to], per inspecting organization ("" = bank or commune committee) × level, with a row per
    organization over all its levels (level "") and a grand total (organization "*")."""
    base = inspection_queryset(scope).filter(inspected_on__gte=date_from, inspected_on__lte=date_to).order_by()
    org = Coalesce(F("organization__code"), Value(""))
    rows = [
        _count_row(r["org"], r["level"], r)
        for r in base.annotate(org=org).values("org", "level").annotate(**_count_fields())
    ]
    rows += [_count_row(r["org"], "", r) for r in base.annotate(org=org).values("org").annotate(**_count_fields())]
    rows.append(_count_row(ALL, "", base.aggregate(**_count_fields())))
    return sorted(rows, key=lambda r: (r.organization_code == ALL, r.organization_code, r.level))
