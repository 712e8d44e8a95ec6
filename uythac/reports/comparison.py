"""Comparison of two closed periods for a node (issue 5 item 3), from the month-end snapshots only.

``compare(node, from_text, to_text, periods)`` → ``Comparison``:

* ``lines`` — outstanding, overdue, overdue ratio, 3-months-inactive loans and amount, savings, borrowing households:
  the value at each period, the change (to − from) and the growth % (change ÷ from × 100, ROUND_HALF_UP to 2 places;
  None when the "from" value is 0);
* ``movers`` — for outstanding, overdue, 3-months-inactive loans and savings, the entities one level down the
  drill-down that moved most (communes under a province, PGD, the country or a credit officer's communes; groups
  under a commune or a unit; households of a group): up to ``MOVERS`` improved and ``MOVERS`` worsened, by the size
  of the change. An entity present in one period only counts as 0 in the other.

Refused with a DomainError (a clear Vietnamese message, nothing shown): a malformed period, a "from" period not
before the "to" period, or a period the node has no close for.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.core.exceptions import DomainError
from uythac.reports.dashboard import (
    CHILDREN,
    MEASURES,
    ChildSpec,
    entity_figures,
    measure,
    names_of,
    node_figures,
    period_label,
    resolve_period,
    total,
)
from uythac.reports.dashboard_nodes import COMMUNE, COMMUNES, COUNTRY, GROUP, OFFICE, PROVINCE, UNIT, Node

MOVERS = 5
LINES = (
    ("outstanding", gettext_lazy("Dư nợ"), "vnd", None),
    ("principal_overdue", gettext_lazy("Nợ quá hạn"), "vnd", "down"),
    ("overdue_ratio", gettext_lazy("Tỷ lệ nợ quá hạn"), "percent", "down"),
    ("inactive_3m_loans", gettext_lazy("Món vay 3 tháng không hoạt động"), "count", "down"),
    ("inactive_3m_amount", gettext_lazy("Dư nợ 3 tháng không hoạt động"), "vnd", "down"),
    ("savings_balance", gettext_lazy("Tiền gửi tổ viên"), "vnd", "up"),
    ("borrowing_households", gettext_lazy("Hộ còn dư nợ"), "count", None),
)
# Which way is an improvement for the movers (outstanding growing is the program reaching more households).
MOVER_MEASURES = (
    ("outstanding", gettext_lazy("Dư nợ"), "vnd", "up"),
    ("principal_overdue", gettext_lazy("Nợ quá hạn"), "vnd", "down"),
    ("inactive_3m_loans", gettext_lazy("Món vay 3 tháng không hoạt động"), "count", "down"),
    ("savings_balance", gettext_lazy("Tiền gửi tổ viên"), "vnd", "up"),
)


def growth(before, after, places: int = 2) -> Decimal | None:
    if not before:
        return None
    return (Decimal(after - before) * 100 / Decimal(before)).quantize(Decimal(1).scaleb(-places),
                                                                      rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    kind: str
    better: str | None
    before: int | Decimal
    after: int | Decimal

    @property
    def change(self):
        return self.after - self.before

    @property
    def growth(self) -> Decimal | None:
        return growth(self.before, self.after)

    @property
    def trend(self) -> str:
        if self.better is None or self.change == 0:
            return "flat" if self.change == 0 else ""
        return "good" if (self.change > 0) == (self.better == "up") else "bad"


@dataclass(frozen=True)
class Mover:
    kind: str
    code: str
    name: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def growth(self) -> Decimal | None:
        return growth(self.before, self.after)


@dataclass(frozen=True)
class MoverList:
    key: str
    label: str
    kind: str
    improved: list[Mover]
    worsened: list[Mover]


@dataclass(frozen=True)
class Comparison:
    node: Node
    before: str
    after: str
    lines: list[Line]
    movers: list[MoverList]
    mover_level: str  # "commune", "group" or "household"

    @property
    def before_label(self) -> str:
        return period_label(self.before)

    @property
    def after_label(self) -> str:
        return period_label(self.after)


def mover_scope(node: Node) -> tuple[ChildSpec, Q]:
    """The entities compared one level down: communes for the wide nodes, groups for a commune or a unit."""
    if node.kind in (COUNTRY, PROVINCE, OFFICE, COMMUNES):
        spec = CHILDREN[OFFICE]
        rows = {COUNTRY: Q(), PROVINCE: Q(province_id=getattr(node.obj, "id", None))}.get(
            node.kind, Q(commune_id__in=node.commune_ids))
        return spec, rows
    if node.kind == COMMUNE:
        return CHILDREN[UNIT], Q(commune_id=node.obj.id)
    if node.kind == UNIT:
        return CHILDREN[UNIT], Q(association_unit_id=node.obj.id)
    return CHILDREN[GROUP], Q(commune_id=node.obj.commune_id, group_id=node.obj.id)


def movers(node: Node, before: str, after: str, limit: int = MOVERS) -> tuple[list[MoverList], str]:
    spec, rows = mover_scope(node)
    figures = entity_figures(spec, node, rows, [before, after])
    old, new = figures.get(before, {}), figures.get(after, {})
    ids = set(old) | set(new)
    names = names_of(spec, ids)
    lists = []
    for key, label, kind, better in MOVER_MEASURES:
        moved = [
            Mover(spec.kind, *names.get(pk, (str(pk), "")), before=old.get(pk, {}).get(key, 0),
                  after=new.get(pk, {}).get(key, 0))
            for pk in ids
        ]
        ups = sorted((m for m in moved if m.change > 0), key=lambda m: (-m.change, m.code))[:limit]
        downs = sorted((m for m in moved if m.change < 0), key=lambda m: (m.change, m.code))[:limit]
        improved, worsened = (ups, downs) if better == "up" else (downs, ups)
        lists.append(MoverList(key, str(label), kind, improved, worsened))
    return lists, spec.kind


def compare(node: Node, from_text: str | None, to_text: str | None, periods: list[str]) -> Comparison:
    """Both periods must be closed for the node and ``from`` must come before ``to`` (defaults: the newest close and
    the same month a year earlier when closed, else the close before the newest)."""
    if not periods:
        raise DomainError(_("Chưa có kỳ nào được khóa sổ cho phạm vi này."), field="to")
    after = resolve_period(node, to_text, periods, "to")
    if from_text:
        before = resolve_period(node, from_text, periods, "from")
    else:
        year_before = f"{int(after[:4]) - 1:04d}{after[4:]}"
        older = [p for p in periods if p < after]
        before = year_before if year_before in periods else (older[0] if older else None)
        if before is None:
            raise DomainError(_("Chỉ có một kỳ đã khóa sổ (%(period)s): chưa có kỳ nào để so sánh.")
                              % {"period": period_label(after)}, field="from")
    if before >= after:
        raise DomainError(_("Kỳ so sánh (%(before)s) phải trước kỳ báo cáo (%(after)s).")
                          % {"before": period_label(before), "after": period_label(after)}, field="from")
    figures = node_figures(node, [before, after])
    old = total(figures, before) or dict.fromkeys(MEASURES, 0)
    new = total(figures, after) or dict.fromkeys(MEASURES, 0)
    lines = [Line(key, str(label), kind, better, measure(old, key), measure(new, key))
             for key, label, kind, better in LINES]
    mover_lists, level = movers(node, before, after)
    return Comparison(node, before, after, lines, mover_lists, level)
