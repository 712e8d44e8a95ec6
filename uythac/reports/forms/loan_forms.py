"""The loan's forms: 14/TD (transfer-to-overdue notice), 04/TD (approval notice) and 03/TD (list of households
requesting loans, per review meeting). Fields from shared/domain/forms-and-reports.md §1.2 and §1.3."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.loans.models import LoanEventKind
from uythac.reports.forms.common import ONE_DAY, bank_issuer, group_issuer, interest_owed_on
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
    stamp_note,
    text_cell,
    total_row,
    vn_number,
)

# --- 14/TD ---------------------------------------------------------------------------------------------------------


def build_14td(loan, day: dt.date) -> FormDocument:
    """The notice to the borrower of the principal transferred to overdue up to ``day`` (events not reversed)."""
    from uythac.loans.selectors import loan_balances

    events = list(
        loan.events.filter(kind=LoanEventKind.OVERDUE_TRANSFER, happened_on__lte=day, reversal__isnull=True).order_by(
            "happened_on", "id"
        )
    )
    if not events:
        raise DomainError(
            _("Món vay %(number)s chưa có khoản nợ chuyển quá hạn đến ngày %(day)s.")
            % {"number": loan.loan_number, "day": dmy(day)},
            field="loan",
        )
    # The installments moved by each transfer: those transferred that fell due after the previous transfer.
    moved = list(loan.installments.filter(transferred_to_overdue__gt=0).order_by("due_on"))
    rows, total, previous = [], 0, None
    for event in events:
        total += event.principal_amount
        covered = [i for i in moved if i.due_on < event.happened_on and (previous is None or i.due_on >= previous)]
        terms = ", ".join(_("kỳ %(n)s (%(day)s)") % {"n": i.number, "day": dmy(i.due_on)} for i in covered)
        previous = event.happened_on
        rows.append(
            [
                text_cell(len(rows) + 1),
                text_cell(dmy(event.happened_on)),
                text_cell(terms or "—"),
                money(event.principal_amount),
            ]
        )
    table = FormTable(
        header=[
            [
                header(_("STT")),
                header(_("Ngày chuyển nợ quá hạn")),
                header(_("Kỳ hạn trả nợ (ngày đến hạn)")),
                header(_("Số tiền gốc chuyển quá hạn")),
            ]
        ],
        rows=rows,
        widths=[6, 18, 32, 20],
        unit=_("Đơn vị: đồng"),
        totals=total_row(_("Cộng"), 4, {3: total}, label_span=3),
    )
    balances = loan_balances(loan, as_of=day)
    owed = interest_owed_on(loan, day + ONE_DAY)
    household = loan.household
    group_text = (
        _("Tổ TK&VV %(group)s (%(code)s)") % {"group": loan.group.name, "code": loan.group.code}
        if loan.group_id
        else _("cho vay trực tiếp")
    )
    before = [
        _("Kính gửi: Ông/Bà %(name)s (mã khách hàng %(code)s), %(group)s, %(commune)s.")
        % {"name": household.name, "code": household.customer_code, "group": group_text, "commune": loan.commune.name},
        _(
            "Căn cứ khế ước nhận nợ số %(number)s ngày %(disbursed_on)s, số tiền giải ngân %(amount)s đồng, "
            "hạn trả nợ cuối cùng %(maturity)s; %(office)s thông báo số tiền gốc đến hạn hộ vay không trả được "
            "đã chuyển sang nợ quá hạn như sau:"
        )
        % {
            "number": loan.loan_number,
            "disbursed_on": dmy(loan.disbursed_on),
            "amount": vn_number(loan.disbursed_amount),
            "maturity": dmy(loan.current_maturity),
            "office": loan.office.name,
        },
    ]
    after = [
        _(
            "Đến ngày %(day)s: dư nợ quá hạn %(overdue)s đồng; dư nợ trong hạn %(current)s đồng; lãi phải trả "
            "%(interest)s đồng."
        )
        % {
            "day": dmy(day),
            "overdue": vn_number(balances.principal_overdue),
            "current": vn_number(balances.principal_current),
            "interest": vn_number(owed),
        },
        _(
            "Số tiền nợ quá hạn chịu lãi suất nợ quá hạn kể từ ngày chuyển. Đề nghị hộ vay thu xếp trả nợ ngay tại "
            "điểm giao dịch xã; tổ trưởng và hội đoàn thể đôn đốc hộ vay trả nợ."
        ),
    ]
    return FormDocument(
        code="14/TD",
        title=_("Thông báo chuyển nợ quá hạn"),
        filename=f"14TD_{loan.loan_number}_{day:%Y%m%d}",
        issuer=bank_issuer(loan.office),
        motto=True,
        lines=[_("Số khế ước: %(number)s") % {"number": loan.loan_number}],
        before=before,
        table=table,
        after=after,
        place_date=place_date(loan.office.name, day),
        signatures=[
            Signature(_("HỘ VAY NHẬN THÔNG BÁO"), sign_note(), household.name),
            Signature(_("GIÁM ĐỐC PHÒNG GIAO DỊCH"), stamp_note()),
        ],
        facts={"transferred": total, "overdue": balances.principal_overdue, "interest": owed, "rows": len(rows)},
    )


# --- 04/TD ---------------------------------------------------------------------------------------------------------


def notice_applications(application, queryset):
    """Every application of the same notice (number, date, office) within ``queryset`` (the reader's scope)."""
    if not application.notice_number:
        raise DomainError(_("Giấy đề nghị chưa có thông báo kết quả phê duyệt (04/TD)."), field="application")
    return list(
        queryset.filter(
            notice_number=application.notice_number, notice_on=application.notice_on, office_id=application.office_id
        )
        .select_related("household", "program", "group")
        .order_by("household__name_search", "pk")
    )


def build_04td(application, listed) -> FormDocument:
    rows, total = [], 0
    for item in listed:
        total += item.approved_amount or 0
        rows.append(
            [
                text_cell(len(rows) + 1),
                text_cell(item.household.name),
                text_cell(item.household.customer_code),
                text_cell(item.program.code),
                money(item.approved_amount),
                Cell(item.term_months),
            ]
        )
    table = FormTable(
        header=[
            [
                header(_("STT")),
                header(_("Họ tên người vay")),
                header(_("Mã khách hàng")),
                header(_("Chương trình")),
                header(_("Số tiền được vay")),
                header(_("Thời hạn (tháng)")),
            ]
        ],
        rows=rows,
        widths=[6, 30, 16, 12, 18, 12],
        unit=_("Đơn vị: đồng"),
        totals=total_row(_("Cộng"), 6, {4: total}, label_span=4),
    )
    before = []
    if application.group_id:
        before.append(
            _("Kính gửi: Tổ TK&VV %(group)s (%(code)s), %(commune)s.")
            % {
                "group": application.group.name,
                "code": application.group.code,
                "commune": application.group.commune.name,
            }
        )
    before.append(_("Ngân hàng Chính sách xã hội thông báo danh sách hộ được phê duyệt cho vay như sau:"))
    after = [
        _("Thời gian giải ngân: ngày %(day)s. Địa điểm giải ngân: %(place)s.")
        % {"day": dmy(application.planned_disbursement_on), "place": application.planned_disbursement_place or "—"},
        _(
            "Đề nghị tổ trưởng thông báo cho các hộ có tên trên đến nhận tiền vay đúng thời gian, địa điểm; "
            "mang theo căn cước công dân."
        ),
    ]
    return FormDocument(
        code="04/TD",
        title=_("Thông báo kết quả phê duyệt cho vay"),
        filename=f"04TD_{application.pk}_{application.notice_on:%Y%m%d}",
        issuer=bank_issuer(application.office),
        motto=True,
        lines=[_("Số: %(number)s") % {"number": application.notice_number}],
        before=before,
        table=table,
        after=after,
        place_date=place_date(application.office.name, application.notice_on),
        signatures=[Signature(_("GIÁM ĐỐC PHÒNG GIAO DỊCH"), stamp_note())],
        facts={"rows": len(rows), "total": total},
    )


# --- 03/TD ---------------------------------------------------------------------------------------------------------


def build_03td(meeting) -> FormDocument:
    """The households the group agreed to propose at the review meeting (03/TD), confirmed by the commune."""
    group = meeting.group
    items = list(
        meeting.items.select_related("application__household", "application__program").order_by(
            "application__household__name_search", "application__pk"
        )
    )
    agreed = [item for item in items if item.agreed]
    rows, requested, reviewed = [], 0, 0
    for item in agreed:
        application = item.application
        amount = item.agreed_amount if item.agreed_amount is not None else application.requested_amount
        requested += application.requested_amount
        reviewed += amount
        rows.append(
            [
                text_cell(len(rows) + 1),
                text_cell(application.household.name),
                text_cell(application.household.customer_code),
                text_cell(application.program.code),
                money(application.requested_amount),
                money(amount),
                text_cell(application.purpose),
                Cell(application.term_months),
                text_cell(item.note),
            ]
        )
    table = FormTable(
        header=[
            [
                header(_("STT")),
                header(_("Họ tên người vay")),
                header(_("Mã khách hàng")),
                header(_("Chương trình")),
                header(_("Số tiền đề nghị vay")),
                header(_("Số tiền tổ bình xét")),
                header(_("Mục đích sử dụng vốn")),
                header(_("Thời hạn vay (tháng)")),
                header(_("Ghi chú")),
            ]
        ],
        rows=rows,
        widths=[5, 22, 13, 10, 13, 13, 26, 9, 14],
        unit=_("Đơn vị: đồng"),
        totals=total_row(_("Cộng"), 9, {4: requested, 5: reviewed}, label_span=4),
    )
    before = [
        _(
            "Ngày %(day)s, Tổ TK&VV %(group)s đã họp bình xét cho vay (biên bản số %(minutes)s, %(count)s tổ "
            "viên dự), thống nhất đề nghị Ngân hàng Chính sách xã hội cho các hộ có tên sau được vay vốn:"
        )
        % {
            "day": dmy(meeting.held_on),
            "group": group.name,
            "minutes": meeting.minutes_number,
            "count": meeting.attendee_count,
        }
    ]
    after = []
    refused = len(items) - len(agreed)
    if refused:
        after.append(_("Số hộ tổ không đồng ý đề nghị vay: %(count)s.") % {"count": refused})
    return FormDocument(
        code="03/TD",
        title=_("Danh sách hộ gia đình đề nghị vay vốn Ngân hàng Chính sách xã hội"),
        filename=f"03TD_{group.code}_{meeting.held_on:%Y%m%d}",
        issuer=group_issuer(group),
        motto=True,
        landscape=True,
        lines=[_("Số: %(number)s") % {"number": meeting.request_list_number}],
        before=before,
        table=table,
        after=after,
        place_date=place_date(group.commune.name, meeting.held_on),
        signatures=[
            Signature(_("TỔ TRƯỞNG"), sign_note()),
            Signature(_("HỘI ĐOÀN THỂ XÃ"), sign_note(), meeting.association_officer_name),
            Signature(_("XÁC NHẬN CỦA UBND XÃ"), stamp_note()),
        ],
        facts={"rows": len(rows), "requested": requested, "reviewed": reviewed, "refused": refused},
    )
