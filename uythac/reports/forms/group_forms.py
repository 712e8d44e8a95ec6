"""The group's forms: 13/TD (leader's collection list), 15/TD (reconciliation list) and the notice of debts due.

Fields from shared/domain/forms-and-reports.md §1.1 (15/TD) and §1.3 (13/TD, "Thông báo nợ đến hạn"); the due
notice must reach the leaders at least 30 days ahead (597/2026), hence the default period "next month".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.periods import Period, session_date
from uythac.groups.selectors import group_current_board
from uythac.loans.models import Installment, LoanStatus
from uythac.reports.forms.common import (
    ONE_DAY,
    bank_issuer,
    group_issuer,
    group_office,
    interest_owed_on,
    loans_between,
    members_between,
    principal_on,
)
from uythac.reports.forms.layout import (
    Cell,
    FormDocument,
    FormTable,
    Signature,
    dmy,
    header,
    money,
    place_date,
    sign_note,
    text_cell,
    total_row,
    vn_number,
)
from uythac.savings.models import MemberSavingsAccount
from uythac.savings.selectors import savings_balance
from uythac.transaction_sessions.models import BatchStatus, CollectionBatch, CollectionItem, ItemKind


def _leader_name(group) -> str:
    board = group_current_board(group)
    return board.leader.name if board is not None else ""


def _accounts(group, households, first: dt.date, last: dt.date) -> dict[int, list[MemberSavingsAccount]]:
    accounts = (
        MemberSavingsAccount.objects.filter(household__in=households, opened_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .order_by("account_number")
    )
    found: dict[int, list[MemberSavingsAccount]] = defaultdict(list)
    for account in accounts:
        found[account.household_id].append(account)
    return found


# --- 13/TD ---------------------------------------------------------------------------------------------------------


def _batches(group, period: Period):
    """The leader's lists of the month: handed over at a session of the month, or still pending with receipts
    collected in the month. Cancelled lists are not counted."""
    first, last = period.first_day, period.last_day
    return list(
        CollectionBatch.objects.filter(group=group)
        .exclude(status=BatchStatus.REJECTED)
        .filter(
            Q(session__session_date__range=(first, last))
            | Q(session__isnull=True, receipts__collected_on__range=(first, last))
        )
        .select_related("session")
        .distinct()
        .order_by("submitted_at", "id")
    )


def build_13td(group, period: Period) -> FormDocument:
    point = group.transaction_point
    day = session_date(period, point.session_day_of_month) if point is not None else period.last_day
    batches = _batches(group, period)
    sessions = [batch.session.session_date for batch in batches if batch.session_id]
    if sessions:
        day = min(sessions)
    interest, deposit, from_savings = defaultdict(int), defaultdict(int), defaultdict(int)
    for item in CollectionItem.objects.filter(receipt__batch__in=batches).select_related("receipt"):
        if item.kind == ItemKind.INTEREST:
            interest[item.loan_id] += item.amount
        elif item.kind == ItemKind.SAVINGS:
            deposit[item.receipt.household_id] += item.amount
        else:
            from_savings[item.loan_id] += item.amount
    households = members_between(group, period.first_day, period.last_day)
    loans = loans_between(group, households, period.first_day, day)
    accounts = _accounts(group, households, period.first_day, day)
    has_batch = bool(batches)
    rows, sums = [], defaultdict(int)
    number = 0
    for household in households:
        lines = loans.get(household.id) or ([None] if accounts.get(household.id) else [])
        for index, loan in enumerate(lines):
            due = interest_owed_on(loan, day) if loan is not None else 0
            got = interest.get(loan.id, 0) if loan is not None else 0
            saved = deposit.get(household.id, 0) if index == 0 else 0
            repaid = from_savings.get(loan.id, 0) if loan is not None else 0
            if index == 0:
                number += 1
            sums[3] += due
            row = [
                text_cell(number if index == 0 else ""),
                text_cell(household.name if index == 0 else ""),
                text_cell(loan.loan_number if loan is not None else "—"),
                money(due) if loan is not None else Cell(""),
            ]
            if has_batch:
                cash = got + saved
                sums[4] += got
                sums[5] += saved
                sums[6] += repaid
                sums[7] += cash
                row += [money(got), money(saved), money(repaid), money(cash)]
            else:
                row += [Cell(""), Cell(""), Cell(""), Cell("")]
            rows.append([*row, Cell("")])
    table = FormTable(
        header=[
            [
                header(_("STT")),
                header(_("Họ và tên tổ viên")),
                header(_("Số khế ước")),
                header(_("Lãi phải thu")),
                header(_("Lãi thực thu")),
                header(_("Tiền gửi tiết kiệm")),
                header(_("Trả nợ gốc từ tiền gửi")),
                header(_("Tổng số tiền thu")),
                header(_("Tổ viên ký")),
            ]
        ],
        rows=rows,
        widths=[5, 24, 15, 12, 12, 12, 12, 12, 14],
        unit=_("Đơn vị: đồng"),
        tall_rows=True,
        totals=total_row(_("Cộng"), 9, dict(sums), label_span=3),
    )
    after = [_("Lãi phải thu: lãi tồn và lãi phát sinh đến hết ngày trước ngày giao dịch %(day)s.") % {"day": dmy(day)}]
    if has_batch:
        for batch in batches:
            after.append(
                _("Bảng kê số %(number)s: tổng tiền %(total)s đồng; %(status)s%(check)s.")
                % {
                    "number": batch.list_number or batch.pk,
                    "total": vn_number(batch.declared_total),
                    "status": batch.get_status_display().lower(),
                    "check": (
                        _("; hội đã kiểm tra ngày %(day)s") % {"day": dmy(batch.checked_on)} if batch.checked_on else ""
                    ),
                }
            )
        after.append(_("Tổng số tiền mặt nộp tại điểm giao dịch: %(total)s đồng.") % {"total": vn_number(sums[7])})
    else:
        after.append(_("Chưa có bảng kê của tổ trưởng trong tháng: các cột thu để tổ trưởng ghi khi thu."))
    return FormDocument(
        code="13/TD",
        title=_("Bảng kê thu lãi, thu tiền gửi"),
        filename=f"13TD_{group.code}_{period}",
        issuer=group_issuer(group),
        motto=False,
        landscape=True,
        lines=[
            _("Tháng %(month)s — ngày giao dịch %(day)s")
            % {"month": f"{period.month:02d}/{period.year}", "day": dmy(day)}
        ],
        table=table,
        after=after,
        place_date=place_date(group.commune.name, day if has_batch else None),
        signatures=[
            Signature(_("TỔ TRƯỞNG"), sign_note(), _leader_name(group)),
            Signature(_("ĐẠI DIỆN HỘI ĐOÀN THỂ XÃ"), sign_note()),
            Signature(_("CÁN BỘ NGÂN HÀNG"), sign_note()),
        ],
        facts={
            "day": day,
            "rows": len(rows),
            "interest_due": sums[3],
            "interest_collected": sums[4],
            "deposits": sums[5],
            "from_savings": sums[6],
            "cash": sums[7],
            "batches": len(batches),
        },
    )


# --- 15/TD ---------------------------------------------------------------------------------------------------------


def build_15td(group, day: dt.date) -> FormDocument:
    households = members_between(group, day, day)
    loans = loans_between(group, households, day + ONE_DAY, day)
    accounts = _accounts(group, households, day + ONE_DAY, day)
    rows, sums = [], defaultdict(int)
    number = 0
    for household in households:
        lines = loans.get(household.id) or ([None] if accounts.get(household.id) else [])
        saved = sum(savings_balance(account, as_of=day) for account in accounts.get(household.id, []))
        for index, loan in enumerate(lines):
            if index == 0:
                number += 1
            principal = principal_on(loan, day) if loan is not None else None
            owed = interest_owed_on(loan, day + ONE_DAY) if loan is not None else None
            label = household.name if index == 0 else ""
            if loan is not None:
                label = f"{label} — {loan.program.code}" if label else loan.program.code
            sums[3] += principal or 0
            sums[4] += owed or 0
            sums[5] += saved if index == 0 else 0
            rows.append(
                [
                    text_cell(number if index == 0 else ""),
                    text_cell(label),
                    text_cell(loan.loan_number if loan is not None else "—"),
                    money(principal) if loan is not None else Cell(""),
                    money(owed) if loan is not None else Cell(""),
                    money(saved) if index == 0 else Cell(""),
                    *[Cell("") for _blank in range(8)],
                ]
            )
    table = FormTable(
        header=[
            [
                header(_("STT"), rowspan=2),
                header(_("Họ tên khách hàng / chương trình"), rowspan=2),
                header(_("Số khế ước"), rowspan=2),
                header(_("Theo sổ sách ngân hàng"), colspan=3),
                header(_("Theo khách hàng"), colspan=3),
                header(_("Chênh lệch"), colspan=3),
                header(_("Nguyên nhân chênh lệch"), rowspan=2),
                header(_("Khách hàng ký"), rowspan=2),
            ],
            [
                header(_("Dư nợ gốc")),
                header(_("Lãi tồn")),
                header(_("Tiền gửi")),
                header(_("Dư nợ gốc")),
                header(_("Lãi tồn")),
                header(_("Tiền gửi")),
                header(_("Gốc")),
                header(_("Lãi")),
                header(_("Tiền gửi")),
            ],
        ],
        rows=rows,
        widths=[4, 18, 15, 10, 8, 8, 8, 7, 7, 6, 6, 6, 9, 8],
        unit=_("Đơn vị: đồng"),
        tall_rows=True,
        totals=total_row(_("Cộng"), 14, dict(sums), label_span=3),
    )
    office = group_office(group)
    return FormDocument(
        code="15/TD",
        title=_("Bảng kê đối chiếu tiền vay, tiền gửi"),
        filename=f"15TD_{group.code}_{day:%Y%m%d}",
        issuer=bank_issuer(office),
        motto=False,
        landscape=True,
        lines=[
            _("Đến ngày %(day)s") % {"day": dmy(day)},
            _("Tổ TK&VV: %(group)s (%(code)s) — %(unit)s — %(commune)s")
            % {
                "group": group.name,
                "code": group.code,
                "unit": group.association_unit.name,
                "commune": group.commune.name,
            },
        ],
        table=table,
        after=[
            _(
                "Lãi tồn: lãi phải trả tính đến hết ngày %(day)s. Khách hàng ghi số liệu theo sổ vay vốn, "
                'sổ tiền gửi của mình vào các cột "theo khách hàng".'
            )
            % {"day": dmy(day)}
        ],
        place_date=place_date(group.commune.name, None),
        signatures=[
            Signature(_("TỔ TRƯỞNG"), sign_note(), _leader_name(group)),
            Signature(_("ĐẠI DIỆN HỘI ĐOÀN THỂ XÃ"), sign_note()),
            Signature(_("CÁN BỘ NGÂN HÀNG"), sign_note()),
        ],
        facts={"day": day, "rows": len(rows), "principal": sums[3], "interest": sums[4], "savings": sums[5]},
    )


# --- Thông báo nợ đến hạn ------------------------------------------------------------------------------------------


def build_due_notice(group, period: Period) -> FormDocument:
    installments = (
        Installment.objects.filter(
            loan__group=group, loan__status=LoanStatus.OPEN, due_on__range=(period.first_day, period.last_day)
        )
        .select_related("loan__household", "loan__program")
        .order_by("loan__household__name_search", "loan__loan_number", "number")
    )
    rows, total = [], 0
    for installment in installments:
        remaining = installment.principal - installment.principal_paid - installment.transferred_to_overdue
        if remaining <= 0:
            continue
        loan = installment.loan
        total += remaining
        rows.append(
            [
                text_cell(len(rows) + 1),
                text_cell(loan.household.name),
                text_cell(loan.loan_number),
                text_cell(loan.program.code),
                Cell(installment.number),
                text_cell(dmy(installment.due_on)),
                money(remaining),
                money(loan.outstanding),
            ]
        )
    table = FormTable(
        header=[
            [
                header(_("STT")),
                header(_("Họ tên người vay")),
                header(_("Số khế ước")),
                header(_("Chương trình")),
                header(_("Kỳ số")),
                header(_("Ngày đến hạn")),
                header(_("Số tiền gốc đến hạn")),
                header(_("Dư nợ hiện tại")),
            ]
        ],
        rows=rows,
        widths=[5, 24, 19, 10, 6, 13, 14, 14],
        unit=_("Đơn vị: đồng"),
        totals=total_row(_("Cộng"), 8, {6: total}, label_span=6),
    )
    office = group_office(group)
    month = f"{period.month:02d}/{period.year}"
    before = [
        _("Kính gửi: Tổ trưởng Tổ TK&VV %(group)s (%(code)s), %(commune)s.")
        % {"group": group.name, "code": group.code, "commune": group.commune.name},
        _("Ngân hàng Chính sách xã hội thông báo các khoản nợ gốc đến hạn trong tháng %(month)s của tổ viên như sau:")
        % {"month": month},
    ]
    after = [
        _(
            "Đề nghị tổ trưởng thông báo đến từng hộ vay để chuẩn bị nguồn trả nợ đúng hạn tại điểm giao dịch "
            "xã; hộ vay gặp khó khăn làm giấy đề nghị điều chỉnh kỳ hạn trả nợ (08/TD) trước ngày đến hạn."
        )
    ]
    if not rows:
        after.insert(0, _("Trong tháng %(month)s tổ không có khoản nợ gốc đến hạn.") % {"month": month})
    return FormDocument(
        code="TBNDH",
        title=_("Thông báo nợ đến hạn"),
        filename=f"TBNDH_{group.code}_{period}",
        issuer=bank_issuer(office),
        motto=True,
        lines=[_("Tháng %(month)s") % {"month": month}],
        before=before,
        table=table,
        after=after,
        place_date=place_date(office.name if office else group.commune.name, None),
        signatures=[
            Signature(_("TỔ TRƯỞNG NHẬN THÔNG BÁO"), sign_note(), _leader_name(group)),
            Signature(_("GIÁM ĐỐC PHÒNG GIAO DỊCH"), _("(Ký tên, đóng dấu)")),
        ],
        facts={"rows": len(rows), "principal_due": total},
    )
