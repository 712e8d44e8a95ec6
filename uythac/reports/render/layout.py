"""The entrustment report laid out as the official tables and the narrative sentences, once for every format.

A table is a list of header rows and body rows of ``Cell``s; a number cell keeps its exact value (an int count, a
Decimal in millions or billions rounded ROUND_HALF_UP to the places seed 001 prints) so XLSX writes numbers, while
HTML, PDF and DOCX print ``cell.text`` (Vietnamese separators: "1.247.187", "0,100").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from uythac.reports.entrustment_external import level_label
from uythac.reports.entrustment_types import EntrustmentReport, Ratio, to_billions, to_millions
from uythac.scoring.models import Grade


def vn_number(value, places: int = 0) -> str:
    """1247187 → "1.247.187"; Decimal("0.1") with 3 places → "0,100"; None → "—"."""
    if value is None:
        return "—"
    text = f"{Decimal(value):,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@dataclass(frozen=True)
class Cell:
    value: object = None  # int | Decimal | str | None
    places: int = 0
    colspan: int = 1
    rowspan: int = 1
    bold: bool = False
    header: bool = False

    @property
    def text(self) -> str:
        if self.value is None:
            return "" if self.header else "—"
        if isinstance(self.value, str):
            return self.value
        return vn_number(self.value, self.places)

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | Decimal) and not isinstance(self.value, bool)


@dataclass
class Table:
    key: str
    title: str
    unit: str
    header: list[list[Cell]]
    rows: list[list[Cell]]
    widths: list[int] = field(default_factory=list)  # column widths in characters (XLSX), relative elsewhere

    @property
    def columns(self) -> int:
        return sum(cell.colspan for cell in self.header[0])

    @property
    def width_percents(self) -> list[str]:
        """Column widths as percentages of the table (HTML and PDF)."""
        total = sum(self.widths) or 1
        return [f"{Decimal(width * 100) / total:.1f}" for width in self.widths]


def _h(text, colspan=1, rowspan=1) -> Cell:
    return Cell(text, colspan=colspan, rowspan=rowspan, header=True, bold=True)


def _r(value: Ratio | None, places: int | None = None) -> Cell:
    if value is None:
        return Cell(None)
    places = value.places if places is None else places
    return Cell(value.at(places), places)


def table_a(report: EntrustmentReport) -> Table:
    """Seed 001's "Kết quả ủy thác qua các Hội đoàn thể" (unit: groups, households, million VND)."""
    since = _("Tăng (+), Giảm (-) so với %(day)s") % {"day": report.compare_label} if report.compare else ""
    header = [
        [_h(_("STT"), rowspan=3), _h(_("Tổ chức CT-XH"), rowspan=3),
         _h(_("Đến %(day)s") % {"day": report.period_label}, colspan=5)]
        + ([_h(since, colspan=5)] if report.compare else []),
        [_h(_("Tổng số tổ TK&VV có dư nợ"), rowspan=2), _h(_("Tổng số hộ có dư nợ"), rowspan=2),
         _h(_("Dư nợ"), colspan=3)]
        + ([_h(_("Tổng số tổ TK&VV có dư nợ"), rowspan=2), _h(_("Tổng số hộ có dư nợ"), rowspan=2),
            _h(_("Dư nợ"), rowspan=2), _h(_("Nợ quá hạn"), rowspan=2), _h(_("Tỷ lệ NQH tăng (%)"), rowspan=2)]
           if report.compare else []),
        [_h(_("Tổng số")), _h(_("T.đó: Nợ quá hạn")), _h(_("Tỷ lệ NQH/DN (%)"))],
    ]
    rows = []
    for number, row in enumerate((*report.organizations, report.total), start=1):
        is_total = row is report.total
        cells = [Cell("" if is_total else str(number)), Cell(row.name, bold=is_total),
                 Cell(row.groups_with_balance, bold=is_total), Cell(row.households_with_balance, bold=is_total),
                 Cell(to_millions(row.outstanding), bold=is_total), Cell(to_millions(row.overdue), bold=is_total),
                 _r(row.overdue_ratio)]
        if report.compare:
            change = row.change
            cells += [Cell(change.groups_with_balance), Cell(change.households_with_balance),
                      Cell(to_millions(change.outstanding)), Cell(to_millions(change.overdue, 1), 1),
                      _r(change.overdue_growth)]
        rows.append(cells)
    widths = [6, 22, 11, 11, 13, 10, 10] + ([11, 10, 11, 10, 10] if report.compare else [])
    return Table("table_a", _("Kết quả ủy thác qua các Hội đoàn thể"), _("Đơn vị: tổ, hộ, triệu đồng"), header, rows,
                 widths)


def table_savings(report: EntrustmentReport) -> Table:
    header = [[_h(_("STT")), _h(_("Tổ chức CT-XH")), _h(_("Số dư tiền gửi tổ viên")), _h(_("Tăng (+), giảm (-)"))]]
    names = {row.code: row.name for row in report.organizations}
    rows = [[Cell(str(n)), Cell(names[code]), Cell(to_billions(balance), 1),
             Cell(to_billions(change), 1) if change is not None else Cell(None)]
            for n, (code, balance, change) in enumerate(report.savings.by_organization, start=1)]
    rows.append([Cell(""), Cell(_("Cộng"), bold=True), Cell(to_billions(report.savings.balance), 1, bold=True),
                 Cell(to_billions(report.savings.balance_change), 1, bold=True)
                 if report.savings.balance_change is not None else Cell(None)])
    return Table("savings", _("Tiền gửi của tổ viên tổ TK&VV"), _("Đơn vị: tỷ đồng"), header, rows, [5, 26, 16, 16])


def table_groups(report: EntrustmentReport) -> Table:
    groups = report.groups
    header = [[_h(_("STT")), _h(_("Tổ chức CT-XH")), _h(_("Tổ dưới 20 hộ dư nợ")), _h(_("Tổ có nợ quá hạn")),
               _h(_("Tổ có tỷ lệ NQH trên 2%"))]]
    rows = [[Cell(str(n)), Cell(row.name), Cell(groups.small_groups.values.get(row.code, 0)),
             Cell(groups.with_overdue.values.get(row.code, 0)), Cell(groups.above_2pct.values.get(row.code, 0))]
            for n, row in enumerate(report.organizations, start=1)]
    rows.append([Cell(""), Cell(_("Cộng"), bold=True), Cell(groups.small_groups.total, bold=True),
                 Cell(groups.with_overdue.total, bold=True), Cell(groups.above_2pct.total, bold=True)])
    return Table("groups", _("Tổ TK&VV quy mô nhỏ và tổ có nợ quá hạn"), _("Đơn vị: tổ"), header, rows,
                 [5, 26, 14, 14, 14])


def table_agreements(report: EntrustmentReport) -> Table:
    header = [[_h(_("STT")), _h(_("Tổ chức CT-XH")), _h(_("VBLT cấp tỉnh")), _h(_("VBLT cấp huyện (đã ký/số đơn vị)")),
               _h(_("Hợp đồng ủy thác cấp xã"))]]
    rows = [[Cell(str(n)), Cell(row.name), Cell(row.province_agreements),
             Cell(f"{row.district_agreements}/{row.district_units}" if row.district_units else None),
             Cell(row.commune_contracts)]
            for n, row in enumerate(report.agreements, start=1)]
    return Table("agreements", _("Văn bản liên tịch và hợp đồng ủy thác đang hiệu lực"), _("Đơn vị: văn bản"),
                 header, rows, [5, 26, 12, 18, 14])


def table_risk(report: EntrustmentReport) -> Table:
    header = [[_h(_("Đợt")), _h(_("Trạng thái đợt")), _h(_("Biện pháp")), _h(_("Trạng thái hồ sơ")),
               _h(_("Số món")), _h(_("Số tiền gốc"))]]
    rows = [[Cell(f"{row.roman}/{row.year}"), Cell(row.status_label), Cell(row.measure_label), Cell(row.state_label),
             Cell(row.loans), Cell(to_millions(row.principal, 2), 2)] for row in report.risk_rounds]
    return Table("risk", _("Xử lý nợ bị rủi ro trong năm"), _("Đơn vị: món, triệu đồng"), header, rows,
                 [8, 20, 14, 26, 8, 14])


def table_grades(report: EntrustmentReport) -> Table | None:
    """Groups by grade (scoring app): count and % per organization, as seed 001's text gives them."""
    if not report.grades.available:
        return None
    labels = [str(label) for _value, label in Grade.choices]
    header = [
        [_h(_("STT"), rowspan=2), _h(_("Tổ chức CT-XH"), rowspan=2), _h(_("Số tổ được xếp loại"), rowspan=2)]
        + [_h(label, colspan=2) for label in labels],
        [cell for _label in labels for cell in (_h(_("Số tổ")), _h(_("Tỷ lệ (%)")))],
    ]
    names = {row.code: row.name for row in report.organizations}
    rows = []
    for n, (code, count, grades, _changes) in enumerate(report.grades.rows, start=0):
        is_total = code == ""
        cells = [Cell("" if is_total else str(n)), Cell(_("Cộng") if is_total else names.get(code, code),
                                                         bold=is_total), Cell(count, bold=is_total)]
        for grade in Grade.values:
            number, pct = grades[grade]
            cells += [Cell(number, bold=is_total), Cell(pct, 2, bold=is_total)]
        rows.append(cells)
    rows.append(rows.pop(0))  # the total ("" sorts first in the selector) goes last, as printed
    return Table("grades", _("Xếp loại tổ TK&VV"), _("Đơn vị: tổ, %"), header, rows, [6, 22, 10] + [8, 8] * 4)


def table_inspections(report: EntrustmentReport) -> Table | None:
    """Seed 001 table B: visits by organization and inspecting level (inspections app)."""
    if not report.inspections.available:
        return None
    header = [[_h(_("STT")), _h(_("HĐT nhận ủy thác")), _h(_("Số lượt huyện")), _h(_("Số lượt xã")),
               _h(_("Số lượt Tổ TK&VV")), _h(_("Số lượt hộ"))]]
    names = {row.code: row.name for row in report.organizations}
    rows, n = [], 0
    for code, level, districts, communes, groups, households in report.inspections.rows:
        if code == "*":
            rows.append([Cell(""), Cell(_("Cộng"), bold=True), Cell(districts, bold=True), Cell(communes, bold=True),
                         Cell(groups, bold=True), Cell(households, bold=True)])
        elif level == "":
            n += 1
            rows.append([Cell(str(n)), Cell(names.get(code, code), bold=True), Cell(districts, bold=True),
                         Cell(communes, bold=True), Cell(groups, bold=True), Cell(households, bold=True)])
        else:
            rows.append([Cell(""), Cell(f"- {level_label(level)}"), Cell(districts or None), Cell(communes),
                         Cell(groups), Cell(households)])
    return Table("inspections", _("Kết quả kiểm tra, giám sát của Hội đoàn thể"), _("Đơn vị: lượt"), header, rows,
                 [6, 30, 12, 12, 14, 12])


def tables(report: EntrustmentReport) -> list[Table]:
    found = [table_a(report), table_agreements(report), table_savings(report), table_groups(report),
             table_risk(report), table_inspections(report), table_grades(report)]
    return [table for table in found if table is not None]


def grades_sentence(report: EntrustmentReport) -> str | None:
    if not report.grades.available:
        return None
    total = next(row for row in report.grades.rows if row[0] == "")
    parts = [_("%(count)s tổ xếp loại %(grade)s, tỷ lệ %(pct)s%%") % {
        "count": vn_number(total[2][grade][0]), "grade": str(label).lower(), "pct": vn_number(total[2][grade][1], 2)}
        for grade, label in Grade.choices]
    return _("Đánh giá chất lượng hoạt động tổ đến %(day)s: %(parts)s.") % {
        "day": report.period_label, "parts": "; ".join(parts)}


def _pct(value: Ratio | None, places: int | None = None) -> str:
    return vn_number(value.at(value.places if places is None else places), value.places if places is None else places
                     ) if value is not None else "—"


def _mil(vnd, places=0) -> str:
    return vn_number(to_millions(vnd, places), places)


def _bil(vnd, places=1) -> str:
    return vn_number(to_billions(vnd, places), places)


def _month(period: str) -> str:
    """"2020-12" → "12/2020"."""
    year, _sep, month = period.partition("-")
    return f"{month}/{year}"


def _moved(vnd: int, unit: str) -> str:
    """"tăng 68 triệu đồng" / "giảm 4 triệu đồng" (a change said in words, as the seed's text does)."""
    amount = _mil(abs(vnd)) if unit == "million" else _bil(abs(vnd))
    word = _("tăng") if vnd >= 0 else _("giảm")
    unit_text = _("triệu đồng") if unit == "million" else _("tỷ đồng")
    return f"{word} {amount} {unit_text}"


def narrative(report: EntrustmentReport) -> dict[str, list[str]]:
    """The report's sentences, section by section, in the words of seed 001 (every figure from the report)."""
    total, flows, savings, groups = report.total, report.flows, report.savings, report.groups
    lending = [
        _("Trong năm, tổ chức CT-XH các cấp đã cùng với NHCSXH giải ngân cho %(count)s lượt hộ với số tiền "
          "%(amount)s tỷ đồng.") % {"count": vn_number(flows.disbursed_count), "amount": _bil(flows.disbursed_amount)},
    ]
    if not flows.complete:
        lending.append(_("Lưu ý: doanh số cho vay và tiền gửi trong năm chỉ gồm các tháng đã khóa sổ (%(closed)s); "
                         "chưa khóa sổ: %(missing)s.")
                       % {"closed": ", ".join(_month(p) for p in flows.periods_closed) or "—",
                          "missing": ", ".join(_month(p) for p in flows.periods_missing)})
    sentence = _("Đến %(day)s, các Hội đoàn thể quản lý %(groups)s tổ TK&VV, %(households)s hộ vay, dư nợ %(amount)s "
                 "tỷ đồng") % {"day": report.period_label, "groups": vn_number(total.groups_with_balance),
                               "households": vn_number(total.households_with_balance),
                               "amount": _bil(total.outstanding)}
    if total.change is not None:
        sentence += _(", so với %(day)s %(moved)s") % {
            "day": report.compare_label, "moved": _moved(total.change.outstanding, "billion")}
    if report.entrusted_share.share is not None:
        sentence += _(", chiếm %(share)s%% tổng dư nợ") % {"share": _pct(report.entrusted_share.share)}
    if total.average_households_per_group is not None:
        sentence += _(", bình quân một tổ quản lý %(households)s hộ, dư nợ %(amount)s triệu đồng") % {
            "households": _pct(total.average_households_per_group),
            "amount": _mil(total.average_outstanding_per_group)}
        if total.change is not None and total.change.average_outstanding_per_group is not None:
            sentence += _(", so với đầu kỳ %(moved)s/tổ") % {
                "moved": _moved(total.change.average_outstanding_per_group, "million")}
    lending.append(sentence + ".")
    shares = "; ".join(f"{row.short_name} {_pct(row.share_of_outstanding)}%" for row in report.organizations
                       if row.share_of_outstanding is not None)
    if shares:
        lending.append(_("Tỷ trọng dư nợ ủy thác: %(shares)s.") % {"shares": shares})
    rounds = [
        _("Đợt %(round)s: %(measure)s %(loans)s món, số tiền gốc %(amount)s triệu đồng (%(state)s).")
        % {"round": f"{row.roman}/{row.year}", "measure": row.measure_label.lower(), "loans": vn_number(row.loans),
           "amount": _mil(row.principal, 2), "state": row.state_label}
        for row in report.risk_rounds
    ]
    lending.extend(rounds or [_("Trong năm không có đợt xử lý nợ bị rủi ro.")])
    saving = [_(
        "Doanh số thu tiền gửi đạt %(deposited)s tỷ đồng, doanh số chi tiền gửi %(withdrawn)s tỷ đồng. Đến %(day)s có "
        "%(groups)s%% số tổ TK&VV có số dư tiền gửi với %(savers)s tổ viên tham gia, chiếm %(share)s%% số tổ viên. "
        "Số dư tiền gửi đạt %(balance)s tỷ đồng%(change)s.")
        % {"deposited": _bil(flows.savings_deposited), "withdrawn": _bil(flows.savings_withdrawn),
           "day": report.period_label, "groups": _pct(savings.groups_with_savings_share),
           "savers": vn_number(savings.members_saving), "share": _pct(savings.members_saving_share),
           "balance": _bil(savings.balance),
           "change": (", " + _moved(savings.balance_change, "billion"))
           if savings.balance_change is not None else ""}]
    saving.append(_("Kế hoạch huy động tiền gửi: hệ thống chưa có số liệu kế hoạch giao."))
    by_org = lambda counts: ", ".join(  # noqa: E731
        f"{row.short_name} {vn_number(counts.values.get(row.code, 0))}" for row in report.organizations)
    shortcomings = [
        _("Đến %(day)s còn %(small)s tổ dưới 20 hộ dư nợ (%(by_org)s).")
        % {"day": report.period_label, "small": vn_number(groups.small_groups.total),
           "by_org": by_org(groups.small_groups)},
        _("Còn %(count)s tổ TK&VV có nợ quá hạn (= %(share)s%% tổng số %(active)s tổ đang hoạt động)%(change)s, "
          "trong đó %(above)s tổ có tỷ lệ nợ quá hạn trên 2%% (%(by_org)s), chiếm %(above_share)s%% tổng số tổ.")
        % {"count": vn_number(groups.with_overdue.total), "share": _pct(groups.with_overdue.share),
           "active": vn_number(groups.active_groups),
           "change": (_(", %(word)s %(n)s tổ so với đầu kỳ") % {
               "word": _("tăng") if groups.with_overdue.change >= 0 else _("giảm"),
               "n": vn_number(abs(groups.with_overdue.change))})
           if groups.with_overdue.change is not None else "",
           "above": vn_number(groups.above_2pct.total), "by_org": by_org(groups.above_2pct),
           "above_share": _pct(groups.above_2pct.share, 1)},
    ]
    other = [_("Trong năm, có %(merged)s tổ đã được sáp nhập, %(split)s tổ được tách.")
             % {"merged": vn_number(groups.merged_groups), "split": vn_number(groups.split_groups)}]
    if report.grades.available:
        other.insert(0, grades_sentence(report))
    for section in (report.grades, report.fees, report.training):
        if not section.available:
            other.append(f"{SECTION_TITLES()[section.key]}: {section.note}")
    return {"lending": lending, "savings": saving, "other": other, "shortcomings": shortcomings}


def SECTION_TITLES() -> dict[str, str]:  # noqa: N802 — a table of translated titles, built per request language
    return {
        "grades": _("Xếp loại tổ TK&VV"), "inspections": _("Kiểm tra, giám sát của Hội đoàn thể"),
        "fees": _("Phí ủy thác và hoa hồng"), "training": _("Đào tạo, tập huấn"),
    }
