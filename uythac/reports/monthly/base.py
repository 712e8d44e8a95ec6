"""What the six monthly reports share: the query (scope, closed month, filters, the user's reach), the report shape
(columns with their unit, rows of raw values, totals) and the small reads every list needs (leaders on a date).

Every value in a row is raw: money in integer VND, counts as ints, ratios as Decimal percentages (2 places,
ROUND_HALF_UP), dates as ``datetime.date``. Units (triệu đồng, nghìn đồng) are applied only when rendered
(``uythac.reports.monthly.render``), so JSON carries VND and XLSX carries the bank's units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.accounts.scope import scope_for
from uythac.closing.scope import CloseScope
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period, PeriodError
from uythac.groups.models import GroupBoardTerm
from uythac.network.models import AssociationUnit, Organization
from uythac.reports import entrustment_sources as src
from uythac.reports.entrustment import ScopeOutOfReach, default_scope_code, resolve_scope
from uythac.reports.entrustment_types import ORGANIZATION_CODES, round_half_up

#: Rows per HTML page (lists may hold thousands of rows: a page never renders more than this).
PER_PAGE = 100

# Column kinds: how a raw value is shown. "vnd" prints đồng, "million" triệu đồng (3 places: exact to 1.000 đ),
# "thousand" nghìn đồng, "pct" a percentage (2 places), "count" an integer, "date" dd/mm/yyyy, "text" as is.
TEXT, COUNT, VND, MILLION, THOUSAND, PCT, DATE = "text", "count", "vnd", "million", "thousand", "pct", "date"
MONEY_KINDS = (VND, MILLION, THOUSAND)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = TEXT
    width: int = 12


@dataclass
class Section:
    """One table: BC0438 has three, the other reports one. ``rows`` is the page shown (all rows when exported);
    ``count`` the number of rows over every page; ``total`` the recomputed total row (None when meaningless)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    total: dict | None = None
    count: int = 0


@dataclass
class MonthlyReport:
    kind: str
    title: str
    unit: str
    scope: CloseScope
    period: Period
    sections: list[Section]
    filters: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    page: int = 1
    pages: int = 1

    @property
    def scope_label(self) -> str:
        return self.scope.label

    @property
    def period_label(self) -> str:
        return self.period.last_day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Query:
    """A checked request: the scope inside the user's reach, a closed month, the filters."""

    scope: CloseScope
    period: Period
    organization: str = ""  # "" = every organization; an association officer is held to their own
    unit: AssociationUnit | None = None
    page: int | None = None  # None = every row (exports)

    @property
    def end(self) -> dt.date:
        return self.period.last_day

    def snapshot_filter(self) -> Q:
        """Rows of a loan or group snapshot (or a score: same place columns) in the scope and the filters."""
        where = src.group_snapshot_filter(self.scope)
        if self.organization:
            where &= Q(organization_code=self.organization)
        if self.unit is not None:
            where &= Q(association_unit_id=self.unit.pk)
        return where


def parse_period(text: str | None) -> Period:
    try:
        return Period.parse(str(text or ""))
    except PeriodError:
        raise DomainError(
            _("Kỳ báo cáo «%(value)s» không hợp lệ: dùng dạng YYYY-MM, ví dụ 2026-10.") % {"value": text or ""},
            field="period",
        ) from None


def _own_organization(user) -> str | None:
    """An association officer's organization code ("11"…"14"), "" for everyone else."""
    reach = scope_for(user)
    if reach.is_association and reach.organization_id is not None:
        code = Organization.objects.filter(pk=reach.organization_id).values_list("code", flat=True).first()
        return code or None
    return ""


def build_query(
    *,
    scope: str | None,
    period: str | Period,
    user=None,
    organization: str = "",
    unit: str = "",
    page: int | None = None,
) -> Query:
    """Check every parameter. Out of the user's reach → ``ScopeOutOfReach`` (a 404 on the web); anything else wrong
    → ``DomainError`` naming its field. ``scope`` None with a user → the user's own scope."""
    if scope is None and user is not None:
        scope = default_scope_code(user)
        if scope == "-":
            raise ScopeOutOfReach(_("Bạn không được xem báo cáo tháng của phạm vi này."), field="scope")
    where = resolve_scope(scope, user)
    month = period if isinstance(period, Period) else parse_period(period)
    organization = (organization or "").strip()
    if organization and organization not in ORGANIZATION_CODES:
        raise DomainError(
            _("Mã ĐVUT «%(code)s» không hợp lệ: chọn 11, 12, 13 hoặc 14.") % {"code": organization},
            field="organization",
        )
    if user is not None:
        own = _own_organization(user)
        if own is None or (own and organization and organization != own):
            raise ScopeOutOfReach(_("Bạn không được xem số liệu của tổ chức này."), field="organization")
        organization = own or organization
    found_unit = None
    if (unit or "").strip():
        found_unit = AssociationUnit.objects.filter(code=unit.strip()).select_related("organization").first()
        in_scope = found_unit is not None and (
            where.is_country or found_unit.savings_groups.filter(src.group_master_filter(where)).exists()
        )
        if not in_scope or (organization and found_unit.organization.code != organization):
            if user is not None and found_unit is not None:
                raise ScopeOutOfReach(_("Bạn không được xem số liệu của đơn vị hội này."), field="unit")
            raise DomainError(
                _("Không có đơn vị hội mã «%(code)s» trong phạm vi %(scope)s.")
                % {"code": unit.strip(), "scope": where.label},
                field="unit",
            )
    if not src.periods_with_snapshots(where, [str(month)]):
        raise DomainError(
            _("Tháng %(period)s chưa khóa sổ cho %(scope)s: hãy khóa sổ tháng này trước khi lập báo cáo.")
            % {"period": month.last_day.strftime("%m/%Y"), "scope": where.label},
            field="period",
        )
    return Query(where, month, organization, found_unit, page)


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100, 2 places ROUND_HALF_UP; None when there is no whole (nothing to compare with)."""
    if not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole), 2)


def leaders_on(group_ids, day: dt.date) -> dict[int, str]:
    """The leader's name of each group on ``day`` (the board term covering it), one query."""
    terms = (
        GroupBoardTerm.objects.filter(group_id__in=group_ids, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .values_list("group_id", "leader__name")
    )
    return dict(terms)


def title_place(query: Query) -> str:
    """The "… " of the bank's titles: the unit, else the scope."""
    if query.unit is not None:
        return query.unit.name.upper()
    return query.scope.label.upper()


def scope_filters(query: Query) -> dict:
    return {
        "scope": query.scope.code,
        "organization": query.organization,
        "unit": query.unit.code if query.unit is not None else "",
    }


def page_of(query: Query, count: int) -> tuple[int, int, int, int]:
    """(offset, limit, page, pages) of the requested page (clamped to the last); an export (page None) takes every
    row. ``PER_PAGE`` is read here, at call time, so tests can make pages small."""
    pages = max(1, -(-count // PER_PAGE))
    if query.page is None:
        return 0, count, 1, pages
    page = min(max(1, query.page), pages)
    return (page - 1) * PER_PAGE, PER_PAGE, page, pages
