"""The entrustment report as plain data (a tree of frozen dataclasses) shared by the builder and the renderers.

Money is integer VND everywhere. A ratio is kept as its exact fraction (numerator / denominator) together with the
number of decimal places seed 001 prints it with; its value is rounded ROUND_HALF_UP only when it is read, so a
caller may re-read it at other places (``ratio.at(1)``) without compounding roundings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ROUNDING = "ROUND_HALF_UP"
ORGANIZATION_CODES = ("11", "12", "13", "14")
MILLION = 1_000_000
BILLION = 1_000_000_000


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_millions(vnd: int | None, places: int = 0) -> Decimal | None:
    """VND → million VND, ROUND_HALF_UP to ``places`` decimals (the unit of the seed's tables: "triệu đồng")."""
    if vnd is None:
        return None
    return round_half_up(Decimal(vnd) / MILLION, places)


def to_billions(vnd: int | None, places: int = 1) -> Decimal | None:
    """VND → billion VND ("tỷ đồng"), ROUND_HALF_UP to ``places`` decimals (the narrative's unit)."""
    if vnd is None:
        return None
    return round_half_up(Decimal(vnd) / BILLION, places)


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator (× 100 when ``percent``), rounded ROUND_HALF_UP to ``places`` when read."""

    numerator: int
    denominator: int
    places: int
    percent: bool = True

    @property
    def exact(self) -> Decimal:
        scale = 100 if self.percent else 1
        return Decimal(self.numerator) * scale / Decimal(self.denominator)

    def at(self, places: int) -> Decimal:
        return round_half_up(self.exact, places)

    @property
    def value(self) -> Decimal:
        return self.at(self.places)

    def as_json(self) -> dict:
        return {
            "value": str(self.value), "numerator": self.numerator, "denominator": self.denominator,
            "percent": self.percent, "places": self.places, "rounding": ROUNDING,
        }


def ratio(numerator: int | None, denominator: int | None, places: int, *, percent: bool = True) -> Ratio | None:
    """A ratio, or None when it is undefined (no denominator: nothing to compare with)."""
    if numerator is None or not denominator:
        return None
    return Ratio(int(numerator), int(denominator), places, percent)


@dataclass(frozen=True)
class Change:
    """Changes against the comparison date (seed 001: "Tăng (+), Giảm (−) so với 31/12/2019")."""

    groups_with_balance: int
    households_with_balance: int
    outstanding: int
    overdue: int
    overdue_growth: Ratio | None  # Δ overdue ÷ overdue at the comparison date, % to 2 places
    savings_balance: int
    average_outstanding_per_group: int | None


@dataclass(frozen=True)
class OrganizationRow:
    """One line of table A (an organization 11–14, or the total when ``code`` is "")."""

    code: str
    name: str
    short_name: str
    groups_with_balance: int
    households_with_balance: int
    outstanding: int
    overdue: int
    overdue_ratio: Ratio | None  # overdue ÷ outstanding, % to 3 places
    share_of_outstanding: Ratio | None  # outstanding ÷ entrusted total, % to 2 places
    average_households_per_group: Ratio | None  # households ÷ groups, to units
    average_outstanding_per_group: int | None  # VND, ROUND_HALF_UP
    savings_balance: int
    savings_members: int
    change: Change | None


@dataclass(frozen=True)
class YearFlows:
    """Sums of the monthly flows of the closed periods from January to the report's month."""

    periods_expected: tuple[str, ...]
    periods_closed: tuple[str, ...]
    disbursed_count: int
    disbursed_amount: int
    savings_deposited: int
    savings_withdrawn: int

    @property
    def complete(self) -> bool:
        return self.periods_closed == self.periods_expected

    @property
    def periods_missing(self) -> tuple[str, ...]:
        return tuple(p for p in self.periods_expected if p not in self.periods_closed)


@dataclass(frozen=True)
class EntrustedShare:
    """Entrusted outstanding (through the four associations) against the bank's total in the scope."""

    entrusted: int
    direct: int
    total: int
    share: Ratio | None  # % to 1 place (seed 001: 99.8 %)


@dataclass(frozen=True)
class AgreementCount:
    code: str
    name: str
    district_agreements: int  # district-level joint agreements (VBLT) in force
    district_units: int  # district chapters of the organization in the scope
    province_agreements: int  # provincial VBLT in force
    commune_contracts: int  # entrustment contracts (HĐUT) in force with commune chapters


@dataclass(frozen=True)
class Savings:
    balance: int
    balance_change: int | None
    members_saving: int
    members: int  # members of the scope's groups on the period date (master data)
    members_saving_share: Ratio | None  # % to 1 place (seed 001: 98.9 %)
    groups_with_savings: int
    groups_active: int
    groups_with_savings_share: Ratio | None  # % to 0 places (seed 001: 100 %)
    by_organization: tuple[tuple[str, int, int | None], ...]  # (code, balance, change)


@dataclass(frozen=True)
class GroupCounts:
    """Counts per organization code and "" for the total."""

    values: dict[str, int]
    change: int | None = None  # of the total, against the comparison date
    share: Ratio | None = None  # of the total against the active groups (seed 001's denominator)

    @property
    def total(self) -> int:
        return self.values.get("", 0)


@dataclass(frozen=True)
class GroupsSection:
    active_groups: int  # active on the period date, with or without a balance (master data)
    small_groups: GroupCounts  # fewer than 20 borrowing households
    with_overdue: GroupCounts  # overdue > 0
    above_2pct: GroupCounts  # overdue ÷ outstanding > 2 %
    merged_groups: int  # source groups of merges effective in the year (up to the period date)
    split_groups: int  # groups split in the year


@dataclass(frozen=True)
class RiskRoundRow:
    year: int
    number: int
    roman: str
    status: str
    status_label: str
    measure: str
    measure_label: str
    state: str
    state_label: str
    loans: int
    principal: int


@dataclass(frozen=True)
class ExternalSection:
    """A section fed by another app (grades, inspections, fees, training): ``available`` False when the system holds
    no data for the period — shown as such, never invented."""

    key: str
    available: bool
    rows: tuple = ()
    note: str = ""


@dataclass(frozen=True)
class EntrustmentReport:
    scope_key: str
    scope_label: str
    period: dt.date
    compare: dt.date | None
    generated_at: dt.datetime
    organizations: tuple[OrganizationRow, ...]
    total: OrganizationRow
    entrusted_share: EntrustedShare
    flows: YearFlows
    agreements: tuple[AgreementCount, ...]
    savings: Savings
    groups: GroupsSection
    risk_rounds: tuple[RiskRoundRow, ...]
    grades: ExternalSection
    inspections: ExternalSection
    fees: ExternalSection
    training: ExternalSection
    notes: tuple[str, ...] = field(default=())

    @property
    def period_label(self) -> str:
        return self.period.strftime("%d/%m/%Y")

    @property
    def compare_label(self) -> str:
        return self.compare.strftime("%d/%m/%Y") if self.compare else ""
