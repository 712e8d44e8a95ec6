"""What the dashboards show, read from the month-end snapshots only (never from postings or loans).

For a node (``uythac.reports.dashboard_nodes``) and a closed period:

* ``available_periods(node)`` — the closed periods of the node's provinces, newest first (one query on the small
  province table); ``resolve_period(node, text)`` checks a ``YYYY-MM`` choice against them;
* ``node_figures(node, periods)`` — the node's measures per period and organization code in ONE grouped query: the
  KPI cards (this month and the previous one), the 24-month trend and the breakdown by organization come from it;
* ``children(node, period)`` — the node's children (PGDs of a province, communes of a PGD, association units of a
  commune, groups of a unit, households of a group) with this month and the previous one, one query plus one for
  their names; ``commune_table(node, period)`` — the communes of a province coloured by overdue ratio.

Ratios are exact ``Decimal`` percentages, ROUND_HALF_UP to ``RATIO_PLACES`` (3: the provincial overdue ratios are
around 0.1 %, seed 001 prints 0.099 %), None when there is nothing to divide by.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, Q, Sum, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.closing.models import (
    ALL_ORGANIZATIONS,
    CommuneSnapshot,
    GroupSnapshot,
    LoanSnapshot,
    OfficeSnapshot,
    ProvinceSnapshot,
    UnitSnapshot,
)
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period, PeriodError
from uythac.geography.models import Commune, Province
from uythac.groups.models import SavingsGroup
from uythac.households.models import Household
from uythac.network.models import AssociationUnit, Organization, TransactionOffice
from uythac.reports.dashboard_nodes import (
    COMMUNE,
    COMMUNES,
    COUNTRY,
    GROUP,
    OFFICE,
    PROVINCE,
    UNIT,
    Node,
)

MEASURES = (
    "outstanding", "principal_overdue", "principal_frozen", "inactive_3m_loans", "inactive_3m_amount",
    "savings_balance", "savings_members", "borrowing_households", "groups_with_balance", "loans_with_balance",
)
ORGANIZATION_CODES = ("11", "12", "13", "14")
RATIO_PLACES = 3
TREND_MONTHS = 24

# Overdue-ratio bands of the commune table (display only, lower bound inclusive, in %). Provisional: 2.0 % is the
# alert threshold of the bank's own officer tool (alerts.md §1.3, HEURISTIC [VBSP-SCM]) and of seed 001's "groups
# with overdue > 2 %"; 0.5 % is the level 31 of 34 branches stayed under in 09/2025 (scale.md, H).
BANDS = (
    ("zero", Decimal("0"), gettext_lazy("Không có nợ quá hạn")),
    ("low", Decimal("0"), gettext_lazy("Dưới 0,5%")),
    ("mid", Decimal("0.5"), gettext_lazy("Từ 0,5% đến dưới 2%")),
    ("high", Decimal("2"), gettext_lazy("Từ 2% trở lên")),
)


def ratio(part: int | None, whole: int | None, places: int = RATIO_PLACES) -> Decimal | None:
    """``part / whole × 100`` rounded ROUND_HALF_UP to ``places``; None when ``whole`` is 0 or missing."""
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def overdue_band(overdue: int, outstanding: int) -> str:
    """"zero" (no overdue or no balance), "low" (< 0.5 %), "mid" (0.5 % – < 2 %), "high" (≥ 2 %), unrounded."""
    if not overdue or not outstanding:
        return "zero"
    share = Decimal(overdue) * 100 / Decimal(outstanding)
    return "high" if share >= BANDS[3][1] else "mid" if share >= BANDS[2][1] else "low"


def period_label(period: str) -> str:
    """"2020-12" → "12/2020"."""
    return f"{period[5:7]}/{period[:4]}"


# --- periods -------------------------------------------------------------------------------------------------

def available_periods(node: Node) -> list[str]:
    rows = ProvinceSnapshot.objects.filter(organization_code=ALL_ORGANIZATIONS)
    if node.province_ids is not None:
        rows = rows.filter(province_id__in=node.province_ids)
    return list(rows.order_by("-period").values_list("period", flat=True).distinct())


def parse_period(text: str, field_name: str = "period") -> str:
    try:
        return str(Period.parse(text))
    except PeriodError:
        raise DomainError(_("Kỳ \"%(value)s\" không đúng dạng YYYY-MM (ví dụ 2020-12).") % {"value": text},
                          field=field_name) from None


def resolve_period(node: Node, text: str | None, periods: list[str], field_name: str = "period") -> str | None:
    """The chosen period (default: the newest closed one); DomainError for a malformed or not closed one."""
    if not text:
        return periods[0] if periods else None
    period = parse_period(text, field_name)
    if period not in periods:
        raise DomainError(_("Chưa có số liệu khóa sổ tháng %(period)s cho phạm vi này.")
                          % {"period": period_label(period)}, field=field_name)
    return period


def trend_periods(period: str, months: int = TREND_MONTHS) -> list[str]:
    end = Period.parse(period)
    return [str(end.add(offset)) for offset in range(1 - months, 1)]


# --- the node's own figures ----------------------------------------------------------------------------------

def node_figures(node: Node, periods) -> dict[str, dict[str, dict[str, int]]]:
    """{period: {organization code: {measure: VND or count}}} with a total under ``ALL_ORGANIZATIONS``."""
    rows = node.model.objects.filter(node.rows, period__in=list(periods))
    rows = node.scoped(rows)
    result: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    sums = {name: Sum(name) for name in MEASURES}
    for row in rows.values("period", "organization_code").annotate(**sums).order_by():
        result[row["period"]][row["organization_code"]] = {name: int(row[name] or 0) for name in MEASURES}
    for by_code in result.values():
        if node.organization:
            by_code[ALL_ORGANIZATIONS] = by_code.get(node.organization, _zero())
        elif not node.by_organization:
            by_code[ALL_ORGANIZATIONS] = {name: sum(v[name] for v in by_code.values()) for name in MEASURES}
    return dict(result)


def _zero() -> dict[str, int]:
    return dict.fromkeys(MEASURES, 0)


def total(figures: dict, period: str | None) -> dict[str, int] | None:
    if period is None or period not in figures:
        return None
    return figures[period].get(ALL_ORGANIZATIONS) or _zero()


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: int | Decimal | None
    previous: int | Decimal | None
    kind: str  # "vnd", "count" or "percent"
    better: str | None  # "up" / "down": which way is good news; None: neither

    @property
    def change(self) -> int | Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> str:
        """"good" / "bad" / "flat" / "" for colouring the change."""
        change = self.change
        if change is None or self.better is None:
            return ""
        if change == 0:
            return "flat"
        return "good" if (change > 0) == (self.better == "up") else "bad"


KPI_SPECS = (
    ("outstanding", gettext_lazy("Dư nợ"), "vnd", None),
    ("principal_overdue", gettext_lazy("Nợ quá hạn"), "vnd", "down"),
    ("overdue_ratio", gettext_lazy("Tỷ lệ nợ quá hạn"), "percent", "down"),
    ("inactive_3m_loans", gettext_lazy("Món vay 3 tháng không hoạt động"), "count", "down"),
    ("inactive_3m_amount", gettext_lazy("Dư nợ 3 tháng không hoạt động"), "vnd", "down"),
    ("savings_balance", gettext_lazy("Tiền gửi tổ viên"), "vnd", "up"),
    ("borrowing_households", gettext_lazy("Hộ còn dư nợ"), "count", None),
    ("groups_with_balance", gettext_lazy("Tổ có dư nợ"), "count", None),
)


def measure(values: dict[str, int] | None, key: str) -> int | Decimal | None:
    if values is None:
        return None
    if key == "overdue_ratio":
        return ratio(values["principal_overdue"], values["outstanding"]) or Decimal(0)
    return values[key]


def kpis(current: dict | None, previous: dict | None, *, group_level: bool = False) -> list[Kpi]:
    return [
        Kpi(key, str(label), measure(current, key), measure(previous, key), kind, better)
        for key, label, kind, better in KPI_SPECS
        if not (group_level and key == "groups_with_balance")
    ]


@dataclass(frozen=True)
class OrganizationRow:
    code: str
    name: str
    values: dict[str, int]
    share: Decimal | None  # of the node's outstanding, %, 2 places

    @property
    def overdue_ratio(self) -> Decimal | None:
        return ratio(self.values["principal_overdue"], self.values["outstanding"])


def organization_rows(node: Node, figures: dict, period: str) -> list[OrganizationRow]:
    """The breakdown 11–14 (and the total) of a province, PGD or commune; [] for a unit or a group."""
    if not node.by_organization or period not in figures:
        return []
    names = dict(Organization.objects.values_list("code", "short_name"))
    by_code = figures[period]
    whole = by_code.get(ALL_ORGANIZATIONS, _zero())["outstanding"]
    codes = [node.organization] if node.organization else list(ORGANIZATION_CODES)
    rows = [OrganizationRow(code, names.get(code, code), by_code.get(code, _zero()),
                            ratio(by_code.get(code, _zero())["outstanding"], whole, 2)) for code in codes]
    if not node.organization:
        rows.append(OrganizationRow("", _("Tổng cộng"), by_code.get(ALL_ORGANIZATIONS, _zero()),
                                    ratio(whole, whole, 2)))
    return rows


# --- children ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChildSpec:
    model: type
    key: str
    master: type
    code_field: str
    kind: str  # the child's dashboard kind, or "household"


CHILDREN = {
    COUNTRY: ChildSpec(ProvinceSnapshot, "province_id", Province, "code", PROVINCE),
    PROVINCE: ChildSpec(OfficeSnapshot, "office_id", TransactionOffice, "code", OFFICE),
    OFFICE: ChildSpec(CommuneSnapshot, "commune_id", Commune, "code", COMMUNE),
    COMMUNES: ChildSpec(CommuneSnapshot, "commune_id", Commune, "code", COMMUNE),
    COMMUNE: ChildSpec(UnitSnapshot, "association_unit_id", AssociationUnit, "code", UNIT),
    UNIT: ChildSpec(GroupSnapshot, "group_id", SavingsGroup, "code", GROUP),
    GROUP: ChildSpec(LoanSnapshot, "household_id", Household, "customer_code", "household"),
}


@dataclass
class ChildRow:
    kind: str
    code: str
    name: str
    values: dict[str, int]
    previous: dict[str, int] | None
    extra: dict = field(default_factory=dict)

    @property
    def overdue_ratio(self) -> Decimal | None:
        return ratio(self.values["principal_overdue"], self.values["outstanding"])

    @property
    def band(self) -> str:
        return overdue_band(self.values["principal_overdue"], self.values["outstanding"])

    @property
    def outstanding_change(self) -> int | None:
        return None if self.previous is None else self.values["outstanding"] - self.previous["outstanding"]


def child_filter(node: Node) -> Q:
    if node.kind == COUNTRY:
        return Q()
    if node.kind == PROVINCE:
        return Q(province_id=node.obj.id)
    if node.kind in (OFFICE, COMMUNES):
        return Q(commune_id__in=node.commune_ids)
    if node.kind == COMMUNE:
        return Q(commune_id=node.obj.id)
    if node.kind == UNIT:
        return Q(association_unit_id=node.obj.id)
    return Q(commune_id=node.obj.commune_id, group_id=node.obj.id)


def loan_measures() -> dict:
    """Household figures summed from the loan snapshots (the per-household rows of a group)."""
    balance = F("principal_current") + F("principal_overdue") + F("principal_frozen")
    return {
        "m_outstanding": Sum(balance),
        "m_principal_overdue": Sum("principal_overdue"),
        "m_principal_frozen": Sum("principal_frozen"),
        "m_inactive_3m_loans": Sum(Case(When(is_inactive_3m=True, then=1), default=0)),
        "m_inactive_3m_amount": Sum(Case(When(is_inactive_3m=True, then=balance), default=0)),
        "m_loans_with_balance": Sum(Case(When(Q(principal_current__gt=0) | Q(principal_overdue__gt=0)
                                              | Q(principal_frozen__gt=0), then=1), default=0)),
    }


def entity_figures(spec: ChildSpec, node: Node, rows_filter: Q, periods) -> dict[str, dict[int, dict[str, int]]]:
    """{period: {entity id: measures}} for the entities of ``spec`` under ``rows_filter`` (one query)."""
    rows = spec.model.objects.filter(rows_filter, period__in=list(periods))
    if spec.model in (ProvinceSnapshot, OfficeSnapshot, CommuneSnapshot):
        rows = rows.filter(organization_code=node.organization or ALL_ORGANIZATIONS)
    else:
        rows = node.scoped(rows)
    result: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    if spec.model is LoanSnapshot:
        sums = loan_measures()
        for row in rows.values("period", spec.key).annotate(**sums).order_by():
            values = _zero()
            values.update({name[2:]: int(row[name] or 0) for name in sums})
            values["borrowing_households"] = 1 if values["outstanding"] > 0 else 0
            result[row["period"]][row[spec.key]] = values
        return dict(result)
    for row in rows.values("period", spec.key, *MEASURES):
        result[row["period"]][row[spec.key]] = {name: int(row[name] or 0) for name in MEASURES}
    return dict(result)


def names_of(spec: ChildSpec, ids) -> dict[int, tuple[str, str]]:
    return {pk: (code, name) for pk, code, name in
            spec.master.objects.filter(pk__in=list(ids)).values_list("pk", spec.code_field, "name")}


def children(node: Node, period: str, previous: str | None) -> list[ChildRow]:
    spec = CHILDREN[node.kind]
    figures = entity_figures(spec, node, child_filter(node), [p for p in (period, previous) if p])
    now, before = figures.get(period, {}), figures.get(previous, {}) if previous else {}
    names = names_of(spec, now)
    rows = [
        ChildRow(spec.kind, *names.get(pk, (str(pk), "")), values=values,
                 previous=before.get(pk) if previous and previous in figures else None)
        for pk, values in now.items()
    ]
    return sorted(rows, key=lambda row: row.code)


def commune_table(node: Node, period: str) -> list[ChildRow]:
    """The communes of a province (the PGD, communes and country nodes list theirs as children or not at all)."""
    if node.kind != PROVINCE:
        return []
    spec = CHILDREN[OFFICE]
    now = entity_figures(spec, node, Q(province_id=node.obj.id), [period]).get(period, {})
    names = names_of(spec, now)
    rows = [ChildRow(COMMUNE, *names.get(pk, (str(pk), "")), values=values, previous=None)
            for pk, values in now.items()]
    return sorted(rows, key=lambda row: (-(row.overdue_ratio or 0), row.code))


SORT_KEYS = {
    "code": lambda row: row.code,
    "name": lambda row: row.name,
    "outstanding": lambda row: row.values["outstanding"],
    "overdue": lambda row: row.values["principal_overdue"],
    "ratio": lambda row: row.overdue_ratio or Decimal(-1),
    "inactive": lambda row: row.values["inactive_3m_loans"],
    "inactive_amount": lambda row: row.values["inactive_3m_amount"],
    "savings": lambda row: row.values["savings_balance"],
    "households": lambda row: row.values["borrowing_households"],
    "change": lambda row: row.outstanding_change if row.outstanding_change is not None else 0,
}


def sort_rows(rows: list[ChildRow], sort: str | None) -> tuple[list[ChildRow], str]:
    """Rows ordered by a GET ``sort`` value ("ratio", "-outstanding" …); an unknown value falls back to "code"."""
    sort = (sort or "code").strip()
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        sort, key = "code", "code"
    ordered = sorted(rows, key=lambda row: (SORT_KEYS[key](row), row.code), reverse=sort.startswith("-"))
    return ordered, sort


@dataclass(frozen=True)
class Trend:
    periods: list[str]
    labels: list[str]
    outstanding_millions: list[Decimal | None]  # triệu đồng, ROUND_HALF_UP to 0.1
    overdue_ratio: list[Decimal | None]
    inactive_loans: list[int | None]
    savings_millions: list[Decimal | None]


def _millions(value: int) -> Decimal:
    return (Decimal(value) / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def trend(figures: dict, periods: list[str]) -> Trend:
    """The series of the trend charts; None for a month without a close."""
    totals = [total(figures, period) for period in periods]
    return Trend(
        periods=periods,
        labels=[period_label(period) for period in periods],
        outstanding_millions=[None if t is None else _millions(t["outstanding"]) for t in totals],
        overdue_ratio=[None if t is None else measure(t, "overdue_ratio") for t in totals],
        inactive_loans=[None if t is None else t["inactive_3m_loans"] for t in totals],
        savings_millions=[None if t is None else _millions(t["savings_balance"]) for t in totals],
    )
