"""Loader of the bank's group scores: IMS "Chi tiết chấm điểm Tổ TK&VV" (CDTOTKVV, ``CT_CDTO.xlsx``).

Layout (shared/domain/export-formats.md §2.9, OFFICIAL-EXPORT columns, M): the date "Ngày … tháng … năm …" in row 6,
the header row (containing "Mã đơn vị") at Excel row 8, then one row per group with exactly 20 columns A→T:
stt, ma_dv, ten_dv, ma_xa, ten_xa, ma_to, ten_to_truong, dvut, loai_to, du_no, so_du_tk, the six sub-scores,
tong_diem, xep_loai, tinh_trang. Rows are read by position after the header (sub-header rows without a group code
are skipped); codes come back left-padded (Excel turns "0000123" into 123). The import command belongs to the
interoperability issue; this function is what it will call. A file already loaded for a period replaces that
period's rows of the same groups (the bank's figures are never mixed with ours: they live in their own table).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.core.audit import audit_event_record
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.core.text import search_key
from uythac.groups.models import SavingsGroup
from uythac.scoring.models import Grade, ImportedGroupScore

COLUMNS = ("stt", "ma_dv", "ten_dv", "ma_xa", "ten_xa", "ma_to", "ten_to_truong", "dvut", "loai_to", "du_no",
           "so_du_tk", "diem_gdtx", "diem_nqh", "diem_thu_no", "diem_thu_lai", "diem_tv_tiengui", "diem_ds_tg",
           "tong_diem", "xep_loai", "tinh_trang")
SUBSCORES = ("diem_gdtx", "diem_nqh", "diem_thu_no", "diem_thu_lai", "diem_tv_tiengui", "diem_ds_tg")
GRADES = {"tot": Grade.GOOD, "kha": Grade.FAIR, "trung binh": Grade.AVERAGE, "yeu": Grade.WEAK}
DATE_TEXT = re.compile(r"ng[aà]y\s*(\d{1,2})\s*th[aá]ng\s*(\d{1,2})\s*n[aă]m\s*(\d{4})", re.IGNORECASE)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code(value, width: int) -> str:
    text = _text(value)
    return text.zfill(width) if text.isdigit() else text


def _decimal(value, *, row: int, column: str) -> Decimal:
    try:
        return Decimal(_text(value).replace(",", ".") or "0")
    except InvalidOperation:
        raise DomainError(_("Dòng %(row)s, cột %(column)s: «%(value)s» không phải là số.")
                          % {"row": row, "column": column, "value": value}) from None


def _money(value, *, row: int, column: str) -> int:
    return int(_decimal(value, row=row, column=column).to_integral_value())


def report_period(sheet) -> Period | None:
    """The period of the "Ngày … tháng … năm …" line in the first rows (row 6 in the bank's files)."""
    for row in sheet.iter_rows(min_row=1, max_row=8, values_only=True):
        for value in row:
            match = DATE_TEXT.search(_text(value))
            if match:
                day, month, year = (int(x) for x in match.groups())
                return Period.of(dt.date(year, month, day))
    return None


def imported_scores_load(*, actor, file, source_name: str, period: Period | str | None = None) -> int:
    """Read a CT_CDTO workbook (path or file object) and store its rows; returns the number of groups loaded."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable file gets the same message
        raise DomainError(_("Không đọc được tệp Excel «%(name)s».") % {"name": source_name}, field="file") from None
    sheet = workbook.worksheets[0]
    found_period = Period.parse(period) if isinstance(period, str) else period or report_period(sheet)
    if found_period is None:
        raise DomainError(_("Không thấy ngày báo cáo («Ngày … tháng … năm …») trong tệp; hãy chọn kỳ."),
                          field="period")
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    header = next((i for i, row in enumerate(rows) if any("mã đơn vị" in _text(v).lower() for v in row)), None)
    if header is None:
        raise DomainError(_("Tệp không có dòng tiêu đề «Mã đơn vị»: không phải biểu CT_CDTO."), field="file")
    return _store(actor, found_period, source_name, rows[header + 1:], first_row=header + 2)


@transaction.atomic
def _store(actor, period: Period, source_name: str, rows, *, first_row: int) -> int:
    now = timezone.now()
    records: dict[str, ImportedGroupScore] = {}
    for offset, raw in enumerate(rows):
        number = first_row + offset
        values = dict(zip(COLUMNS, list(raw) + [None] * (len(COLUMNS) - len(raw)), strict=False))
        group_code = _code(values["ma_to"], 7)
        if not group_code.isdigit() or not _text(values["stt"]).isdigit():
            continue  # a sub-header, a blank or a total row
        grade = GRADES.get(search_key(_text(values["xep_loai"])).strip())
        if grade is None:
            raise DomainError(_("Dòng %(row)s: xếp loại «%(value)s» không phải Tốt / Khá / Trung bình / Yếu.")
                              % {"row": number, "value": _text(values["xep_loai"])})
        scores = {name: _decimal(values[name], row=number, column=name) for name in (*SUBSCORES, "tong_diem")}
        records[group_code] = ImportedGroupScore(
            period=str(period), office_code=_code(values["ma_dv"], 6), commune_code=_code(values["ma_xa"], 6),
            group_code=group_code, leader_name=_text(values["ten_to_truong"])[:150],
            organization_code=_code(values["dvut"], 2), group_type=_text(values["loai_to"])[:10],
            outstanding=_money(values["du_no"], row=number, column="du_no"),
            savings_balance=_money(values["so_du_tk"], row=number, column="so_du_tk"),
            total=scores.pop("tong_diem"), grade=grade, status=_text(values["tinh_trang"])[:4],
            source_file=source_name[:255], imported_at=now, **scores,
        )
    if not records:
        raise DomainError(_("Tệp không có dòng điểm tổ nào."), field="file")
    groups = dict(SavingsGroup.objects.filter(code__in=list(records)).values_list("code", "pk"))
    for code, record in records.items():
        record.group_id = groups.get(code)
    ImportedGroupScore.objects.filter(period=str(period), group_code__in=list(records)).delete()
    ImportedGroupScore.objects.bulk_create(records.values(), batch_size=2000)
    first = ImportedGroupScore.objects.filter(period=str(period)).order_by("pk").first()
    audit_event_record(actor=actor, action="score.import", instance=first, before=None,
                       after={"period": str(period), "file": source_name, "rows": len(records)},
                       object_type="scoring.import", object_key=str(period))
    return len(records)
