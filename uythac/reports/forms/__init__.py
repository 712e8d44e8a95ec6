"""Official forms printed from data (issue 5 item 5): 13/TD, 14/TD, 15/TD, the notice of debts due, 04/TD, 03/TD.

``build_form(kind, user=…, key=…, period=…, day=…, today=…)`` fetches the object (through its guarded fetch when a
user is given: out of scope = 404 like missing; the console's system run sees everything), builds the form's
``FormDocument`` (layout.py) with the builder of ``group_forms`` / ``loan_forms``, and ``render_form(form, fmt)``
(render.py) turns it into DOCX or PDF bytes. A refused input raises ``DomainError`` before anything is rendered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.core.exceptions import DomainError
from uythac.core.periods import Period


@dataclass(frozen=True)
class FormKind:
    key: str  # "13td"
    label: object  # lazy translated name
    target: str  # "group" | "loan" | "application" | "meeting"
    option: str  # "period" | "date" | ""


KINDS = {
    kind.key: kind
    for kind in (
        FormKind("13td", gettext_lazy("Bảng kê thu lãi, thu tiền gửi (13/TD)"), "group", "period"),
        FormKind("15td", gettext_lazy("Bảng kê đối chiếu tiền vay, tiền gửi (15/TD)"), "group", "date"),
        FormKind("due-notice", gettext_lazy("Thông báo nợ đến hạn"), "group", "period"),
        FormKind("14td", gettext_lazy("Thông báo chuyển nợ quá hạn (14/TD)"), "loan", "date"),
        FormKind("04td", gettext_lazy("Thông báo kết quả phê duyệt cho vay (04/TD)"), "application", ""),
        FormKind("03td", gettext_lazy("Danh sách hộ gia đình đề nghị vay vốn (03/TD)"), "meeting", ""),
    )
}


def _fetch(target: str, key, user):
    """The object behind ``key``: guarded fetch for a user (Http404 out of scope), plain lookup for the system."""
    from uythac.groups.access import access_group
    from uythac.groups.models import SavingsGroup
    from uythac.loans.access import access_application, access_loan
    from uythac.loans.models import Loan, LoanApplication, ReviewMeeting
    from uythac.reports.forms.common import access_review_meeting

    if user is not None:
        fetch = {
            "group": access_group,
            "loan": access_loan,
            "application": access_application,
            "meeting": access_review_meeting,
        }[target]
        return fetch(user, key)
    text = str(key or "").strip()
    if target == "group":
        found = SavingsGroup.objects.filter(code=text.zfill(7)).first()
        message = _("Không có tổ TK&VV mã «%(key)s».")
    elif target == "loan":
        found = Loan.objects.filter(loan_number=text).first()
        message = _("Không có khế ước số «%(key)s».")
    else:
        model = LoanApplication if target == "application" else ReviewMeeting
        found = model.objects.filter(pk=int(text)).first() if text.isdigit() else None
        message = (
            _("Không có giấy đề nghị vay vốn số «%(key)s».")
            if target == "application"
            else _("Không có cuộc họp bình xét số «%(key)s».")
        )
    if found is None:
        raise DomainError(message % {"key": text}, field=target)
    return found


def build_form(kind: str, *, key, user=None, period: Period | None = None, day: dt.date | None = None, today: dt.date):
    """The ``FormDocument`` of form ``kind`` for the object ``key``. Defaults: 13/TD the current month, the due
    notice next month (it must reach the leaders ≥ 30 days ahead), 15/TD and 14/TD today."""
    from uythac.reports.forms import group_forms, loan_forms

    if kind not in KINDS:
        raise DomainError(
            _("Không có mẫu biểu «%(kind)s»; chọn một trong: %(kinds)s.") % {"kind": kind, "kinds": ", ".join(KINDS)},
            field="kind",
        )
    target = _fetch(KINDS[kind].target, key, user)
    if day is not None and day > today:
        raise DomainError(_("Ngày lập mẫu biểu không được sau ngày hôm nay."), field="date")
    if kind == "13td":
        return group_forms.build_13td(target, period or Period.of(today))
    if kind == "15td":
        return group_forms.build_15td(target, day or today)
    if kind == "due-notice":
        return group_forms.build_due_notice(target, period or Period.of(today).next())
    if kind == "14td":
        return loan_forms.build_14td(target, day or today)
    if kind == "04td":
        from uythac.loans.access import application_queryset_for
        from uythac.loans.models import LoanApplication

        queryset = application_queryset_for(user) if user is not None else LoanApplication.objects.all()
        return loan_forms.build_04td(target, loan_forms.notice_applications(target, queryset))
    return loan_forms.build_03td(target)
