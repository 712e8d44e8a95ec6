"""The annual entrustment report ("Báo cáo kết quả thực hiện văn bản liên tịch về cho vay hộ nghèo và các đối tượng
chính sách", shared/seeds/001_…txt; structure in shared/domain/forms-and-reports.md §2 and §3.1) from data.

``entrustment_report(*, scope, period, compare=None, user=None) -> EntrustmentReport``
    ``scope``: "" (the whole country), a province (2 digits), a PGD (6) or a commune (5) code; ``period``: a month's
    last day (the report reads that month-end close); ``compare``: another month-end before it (default: the same
    month a year earlier when that month was closed). With ``user``, the scope must lie inside the user's (else
    ``ScopeOutOfReach``, which pages turn into a 404) and an association officer sees only their organization.

Table A is built from the period's and the comparison's aggregate snapshots, per organization 11–14; its total row
is computed from the rows (seed 001 prints 3,198 for an overdue column whose rows sum to 3,188 — a generated report
sums its rows). Flows of the year (disbursements, savings turnover) sum the closed months from January to the period.
Group grades and inspections come from the scoring and inspections apps' selectors; a section whose app holds
nothing for the period (fees and training have no app yet) says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.accounts.models import Role
from uythac.accounts.scope import scope_for
from uythac.closing.scope import COUNTRY, OFFICE, PROVINCE, CloseScope, scope_parse
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.geography.models import Commune, Province
from uythac.loans.models import RiskCaseState, RiskMeasure, RiskRound, RiskRoundStatus
from uythac.network.models import Organization, TransactionOffice
from uythac.reports import entrustment_external as external
from uythac.reports import entrustment_sources as src
from uythac.reports.entrustment_types import (
    ORGANIZATION_CODES,
    AgreementCount,
    Change,
    EntrustedShare,
    EntrustmentReport,
    GroupCounts,
    GroupsSection,
    OrganizationRow,
    RiskRoundRow,
    Savings,
    YearFlows,
    ratio,
    round_half_up,
)


class ScopeOutOfReach(DomainError):
    """The scope exists but lies outside the user's: pages answer 404, exactly as for an unknown scope."""


def _message_out_of_reach(code: str) -> str:
    return _("Không có phạm vi «%(code)s» hoặc bạn không được xem số liệu của phạm vi này.") % {"code": code or "*"}


def resolve_scope(code: str | None, user=None) -> CloseScope:
    """The report's scope from a code, checked against the user's reach."""
    try:
        scope = scope_parse(code)
    except DomainError as error:
        if user is not None:
            raise ScopeOutOfReach(_message_out_of_reach(str(code or "")), field="scope") from error
        raise
    if user is not None and not _within_reach(user, scope):
        raise ScopeOutOfReach(_message_out_of_reach(scope.code), field="scope")
    return scope


def _within_reach(user, scope: CloseScope) -> bool:
    reach = scope_for(user)
    if reach.unlimited:
        return True
    if reach.group_id is not None or not reach.commune_ids:
        return False  # a group leader's report is the group's own page, not the entrustment report
    if scope.kind == COUNTRY:
        return False
    if scope.kind == PROVINCE:
        wanted = set(Commune.objects.filter(province_id=scope.pk).values_list("id", flat=True))
    elif scope.kind == OFFICE:
        wanted = set(TransactionOffice.objects.get(pk=scope.pk).communes.values_list("id", flat=True))
    else:
        wanted = {scope.pk}
    return bool(wanted) and wanted <= reach.commune_ids


def default_scope_code(user) -> str:
    """The scope a user's report opens on: the whole country, their province, their PGD or their commune."""
    reach = scope_for(user)
    if reach.unlimited:
        return ""
    if reach.group_id is not None or not reach.commune_ids:
        return "-"
    if reach.role == Role.PGD_STAFF and reach.office_id:
        return TransactionOffice.objects.filter(pk=reach.office_id).values_list("code", flat=True).first() or "-"
    if len(reach.commune_ids) == 1 or reach.role == Role.CREDIT_OFFICER:
        return Commune.objects.filter(pk__in=reach.commune_ids).order_by("code").values_list("code", flat=True)[0]
    return Province.objects.filter(pk=reach.province_id).values_list("code", flat=True).first() or "-"


def _organizations_for(user) -> tuple[str, ...]:
    if user is None:
        return ORGANIZATION_CODES
    reach = scope_for(user)
    if reach.is_association and reach.organization_id is not None:
        code = Organization.objects.filter(pk=reach.organization_id).values_list("code", flat=True).first()
        return (code,) if code in ORGANIZATION_CODES else ()
    return ORGANIZATION_CODES


def _month_end(value: dt.date, *, field: str, label: str) -> Period:
    if not isinstance(value, dt.date):
        raise DomainError(_("%(label)s không hợp lệ.") % {"label": label}, field=field)
    period = Period.of(value)
    if value != period.last_day:
        raise DomainError(
            _("%(label)s phải là ngày cuối tháng (báo cáo đọc số liệu khóa sổ cuối tháng), ví dụ %(day)s.")
            % {"label": label, "day": period.last_day.strftime("%d/%m/%Y")},
            field=field,
        )
    return period


def entrustment_report(*, scope: str | None, period: dt.date, compare: dt.date | None = None,
                       user=None) -> EntrustmentReport:
    where = resolve_scope(scope, user)
    organizations = _organizations_for(user)
    if not organizations:
        raise ScopeOutOfReach(_message_out_of_reach(where.code), field="scope")
    end = _month_end(period, field="period", label=_("Ngày báo cáo"))
    end_rows = src.aggregate_rows(where, str(end))
    if not end_rows:
        raise DomainError(
            _("Chưa có số liệu khóa sổ tháng %(period)s cho %(scope)s: hãy khóa sổ tháng này trước khi lập báo cáo.")
            % {"period": end.last_day.strftime("%m/%Y"), "scope": where.label},
            field="period",
        )
    notes = []
    compare_rows, compare_period = None, None
    if compare is not None:
        if compare >= period:
            raise DomainError(
                _("Ngày so sánh %(compare)s phải trước ngày báo cáo %(period)s.")
                % {"compare": compare.strftime("%d/%m/%Y"), "period": period.strftime("%d/%m/%Y")},
                field="compare",
            )
        compare_period = _month_end(compare, field="compare", label=_("Ngày so sánh"))
        compare_rows = src.aggregate_rows(where, str(compare_period))
        if not compare_rows:
            raise DomainError(
                _("Chưa có số liệu khóa sổ tháng %(period)s cho %(scope)s để so sánh.")
                % {"period": compare_period.last_day.strftime("%m/%Y"), "scope": where.label},
                field="compare",
            )
    else:
        candidate = end.add(-12)
        compare_rows = src.aggregate_rows(where, str(candidate)) or None
        if compare_rows:
            compare_period = candidate
        else:
            notes.append(_("Không có số liệu khóa sổ cùng kỳ năm trước: bảng không có cột tăng/giảm."))
    compare_day = compare_period.last_day if compare_period else None

    names = {o.code: o for o in Organization.objects.filter(code__in=organizations)}
    end_groups = src.group_counts(where, str(end), end.last_day)
    compare_groups = src.group_counts(where, str(compare_period), compare_period.last_day) if compare_period else None
    rows = tuple(
        _organization_row(code, names.get(code), end_rows.get(code, {}),
                          compare_rows.get(code, {}) if compare_rows is not None else None)
        for code in organizations
    )
    total = _total_row(rows, compare_rows is not None)
    rows = tuple(_with_share(row, total.outstanding) for row in rows)
    total = _with_share(total, total.outstanding)

    bank_total = end_rows.get(src.ALL, {}).get("outstanding", 0)
    if len(organizations) < len(ORGANIZATION_CODES):
        bank_total = total.outstanding  # an association officer sees their organization only
    share = EntrustedShare(total.outstanding, bank_total - total.outstanding, bank_total,
                           ratio(total.outstanding, bank_total, 1))
    return EntrustmentReport(
        scope_key=where.key, scope_label=where.label, period=end.last_day, compare=compare_day,
        generated_at=timezone.now(), organizations=rows, total=total, entrusted_share=share,
        flows=_flows(where, end, organizations),
        agreements=_agreements(where, end.last_day, organizations, names),
        savings=_savings(where, end.last_day, organizations, rows, total, end_groups),
        groups=_groups(where, end.last_day, organizations, end_groups, compare_groups),
        risk_rounds=_risk_rounds(where, end.last_day, organizations),
        grades=external.grades_section(where, str(end), str(compare_period) if compare_period else None,
                                       organizations),
        inspections=external.inspections_section(where, dt.date(end.year, 1, 1), end.last_day, organizations),
        # No app records fees paid per year or people trained yet: said so, never invented.
        fees=external.no_data("fees"),
        training=external.no_data("training"),
        notes=tuple(notes),
    )


def _average(outstanding: int, groups: int) -> int | None:
    return int(round_half_up(Decimal(outstanding) / groups, 0)) if groups else None


def _organization_row(code, organization, now: dict, before: dict | None) -> OrganizationRow:
    groups, households = now.get("groups_with_balance", 0), now.get("borrowing_households", 0)
    outstanding, overdue = now.get("outstanding", 0), now.get("principal_overdue", 0)
    change = None
    if before is not None:
        change = _change(now, before)
    return OrganizationRow(
        code=code, name=organization.name if organization else code,
        short_name=organization.short_name if organization else code,
        groups_with_balance=groups, households_with_balance=households, outstanding=outstanding, overdue=overdue,
        overdue_ratio=ratio(overdue, outstanding, 3), share_of_outstanding=None,
        average_households_per_group=ratio(households, groups, 0, percent=False),
        average_outstanding_per_group=_average(outstanding, groups),
        savings_balance=now.get("savings_balance", 0), savings_members=now.get("savings_members", 0), change=change,
    )


def _change(now: dict, before: dict) -> Change:
    def delta(key):
        return now.get(key, 0) - before.get(key, 0)

    average_now = _average(now.get("outstanding", 0), now.get("groups_with_balance", 0))
    average_before = _average(before.get("outstanding", 0), before.get("groups_with_balance", 0))
    return Change(
        groups_with_balance=delta("groups_with_balance"), households_with_balance=delta("borrowing_households"),
        outstanding=delta("outstanding"), overdue=delta("principal_overdue"),
        overdue_growth=ratio(delta("principal_overdue"), before.get("principal_overdue", 0), 2),
        savings_balance=delta("savings_balance"),
        average_outstanding_per_group=(
            average_now - average_before if average_now is not None and average_before is not None else None
        ),
    )


def _total_row(rows: tuple[OrganizationRow, ...], with_change: bool) -> OrganizationRow:
    """The total is the sum of the rows (never a separately stored figure: seed 001's total cell has a typo)."""
    keys = ("groups_with_balance", "borrowing_households", "outstanding", "principal_overdue", "savings_balance",
            "savings_members")
    attrs = ("groups_with_balance", "households_with_balance", "outstanding", "overdue", "savings_balance",
             "savings_members")
    now = {key: sum(getattr(row, attr) for row in rows) for key, attr in zip(keys, attrs, strict=True)}
    before = None
    if with_change:
        deltas = ("groups_with_balance", "households_with_balance", "outstanding", "overdue", "savings_balance")
        before = {key: now[key] - sum(getattr(row.change, attr) for row in rows)
                  for key, attr in zip(keys[:5], deltas, strict=True)}
    return _named_total(now, before)


def _named_total(now: dict, before: dict | None) -> OrganizationRow:
    row = _organization_row("", None, now, before)
    return _replace(row, name=_("Cộng"), short_name=_("Cộng"))


def _replace(row, **changes):
    return replace(row, **changes)


def _with_share(row: OrganizationRow, total: int) -> OrganizationRow:
    return _replace(row, share_of_outstanding=ratio(row.outstanding, total, 2))


def _flows(where: CloseScope, end: Period, organizations) -> YearFlows:
    expected = [str(Period(end.year, month)) for month in range(1, end.month + 1)]
    closed = src.periods_with_snapshots(where, expected)
    rows = src.aggregate_rows(where, sorted(closed)) if closed else {}

    def total(key):
        return sum(rows.get(code, {}).get(key, 0) for code in organizations)

    return YearFlows(
        periods_expected=tuple(expected), periods_closed=tuple(p for p in expected if p in closed),
        disbursed_count=total("disbursed_count"), disbursed_amount=total("disbursed_amount"),
        savings_deposited=total("savings_deposited"), savings_withdrawn=total("savings_withdrawn"),
    )


def _agreements(where, on, organizations, names) -> tuple[AgreementCount, ...]:
    found = src.agreements(where, on, organizations)
    return tuple(
        AgreementCount(code, names[code].short_name if code in names else code, found[code]["district"],
                       found[code]["district_units"], found[code]["province"], found[code]["contracts"])
        for code in organizations
    )


def _savings(where, on, organizations, rows, total, end_groups) -> Savings:
    members = src.members(where, on, organizations)
    active = src.active_groups(where, on, organizations)
    with_savings = sum(end_groups.get(code, {}).get("with_savings", 0) for code in organizations)
    return Savings(
        balance=total.savings_balance,
        balance_change=total.change.savings_balance if total.change else None,
        members_saving=total.savings_members, members=members,
        members_saving_share=ratio(total.savings_members, members, 1),
        groups_with_savings=with_savings, groups_active=active,
        groups_with_savings_share=ratio(with_savings, active, 0),
        by_organization=tuple(
            (row.code, row.savings_balance, row.change.savings_balance if row.change else None) for row in rows
        ),
    )


def _counts(found: dict, key: str, organizations) -> dict[str, int]:
    values = {code: found.get(code, {}).get(key, 0) for code in organizations}
    values[""] = sum(values.values())
    return values


def _groups(where, on, organizations, end_groups, compare_groups) -> GroupsSection:
    active = src.active_groups(where, on, organizations)
    year_start = dt.date(on.year, 1, 1)
    moved = src.consolidations(where, year_start, on, organizations)

    def counts(key, places):
        values = _counts(end_groups, key, organizations)
        change = None
        if compare_groups is not None:
            change = values[""] - _counts(compare_groups, key, organizations)[""]
        return GroupCounts(values, change, ratio(values[""], active, places))

    return GroupsSection(
        active_groups=active, small_groups=counts("small", 2), with_overdue=counts("with_overdue", 2),
        above_2pct=counts("above", 2), merged_groups=moved["merged"], split_groups=moved["split"],
    )


def _risk_rounds(where, on, organizations) -> tuple[RiskRoundRow, ...]:
    result = []
    for row in src.risk_round_rows(where, on.year, on, organizations):
        number = row["round__number"]
        result.append(RiskRoundRow(
            year=row["round__year"], number=number, roman=RiskRound(number=number).roman,
            status=row["round__status"], status_label=str(RiskRoundStatus(row["round__status"]).label),
            measure=row["measure"], measure_label=str(RiskMeasure(row["measure"]).label),
            state=row["state"], state_label=str(RiskCaseState(row["state"]).label),
            loans=row["loans"], principal=int(row["principal"] or 0),
        ))
    return tuple(result)


def latest_closed_day(scope_code: str | None, user=None) -> dt.date | None:
    """The last day of the latest month closed for the scope (what the report page opens on), or None."""
    where = resolve_scope(scope_code, user)
    model, place = src.aggregate_model_and_filter(where)
    latest = model.objects.filter(place).order_by("-period").values_list("period", flat=True).first()
    return Period.parse(latest).last_day if latest else None
