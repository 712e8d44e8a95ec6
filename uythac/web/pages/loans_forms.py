"""Forms of the loan pages: list filters, the application steps (01/TD → 04/TD → disbursement), the changes to a
loan (08/TD, extension, 14/TD, moved away), risk handling (01–05/XLN).

Forms only parse what was typed; every rule is the loan services'. Field names equal the services' argument names so
a ``DomainError(field=…)`` lands on the field that caused it. Codes (household, group, program) are passed as typed:
the services look them up inside the actor's scope, so a forged code is refused like an unknown one.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from uythac.loans.models import ApplicationStatus, CapitalSource, LoanStatus, RiskCause, RiskMeasure
from uythac.programs.models import CreditProgram
from uythac.web.crud import StyledFormMixin
from uythac.web.forms.sessions import VndField

TEXTAREA = forms.Textarea(attrs={"rows": 2})


def program_choices(blank_label) -> list[tuple[str, str]]:
    return [("", blank_label)] + [(p.code, f"{p.code} — {p.name}")
                                  for p in CreditProgram.objects.order_by("code")]


class LoanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Mọi trạng thái"))] + list(LoanStatus.choices))
    program = forms.ChoiceField(label=_("Chương trình"), required=False)
    group = forms.CharField(label=_("Mã tổ"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"placeholder": _("Mã tổ"), "size": 8}))
    commune = forms.CharField(label=_("Mã xã"), required=False, max_length=5,
                              widget=forms.TextInput(attrs={"placeholder": _("Mã xã"), "size": 6}))
    overdue = forms.BooleanField(label=_("Chỉ món có nợ quá hạn"), required=False)
    inactive = forms.BooleanField(label=_("3 tháng không hoạt động"), required=False)
    moved_away = forms.BooleanField(label=_("Hộ vay bỏ đi khỏi nơi cư trú"), required=False)
    freeze_expired = forms.BooleanField(label=_("Đã hết hạn khoanh"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = program_choices(_("Mọi chương trình"))


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Mọi trạng thái"))] + list(ApplicationStatus.choices))
    group = forms.CharField(label=_("Mã tổ"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"placeholder": _("Mã tổ"), "size": 8}))
    late = forms.BooleanField(label=_("Quá hạn phê duyệt"), required=False)


class ApplicationForm(StyledFormMixin, forms.Form):
    """Giấy đề nghị vay vốn (01/TD)."""

    group = forms.CharField(label=_("Mã tổ TK&VV"), max_length=7, required=False,
                            help_text=_("Để trống khi cho vay trực tiếp tại phòng giao dịch."))
    household = forms.CharField(label=_("Mã khách hàng (hộ vay)"), max_length=10,
                                widget=forms.TextInput(attrs={"list": "members", "autocomplete": "off",
                                                              "inputmode": "numeric"}))
    program = forms.ChoiceField(label=_("Chương trình cho vay"))
    category = forms.CharField(label=_("Mã đối tượng thụ hưởng"), max_length=40, required=False)
    requested_amount = VndField(label=_("Số tiền đề nghị vay (đồng)"))
    term_months = forms.IntegerField(label=_("Thời hạn vay (tháng)"))
    installment_frequency_months = forms.IntegerField(label=_("Kỳ hạn trả gốc (tháng)"), required=False,
                                                      help_text=_("Để trống: trả gốc một lần khi đến hạn."))
    purpose = forms.CharField(label=_("Mục đích sử dụng vốn"), max_length=255)
    use_of_funds_plan = forms.CharField(label=_("Phương án sử dụng vốn"), required=False, widget=TEXTAREA)
    capital_source = forms.ChoiceField(label=_("Nguồn vốn"), choices=CapitalSource.choices,
                                       initial=CapitalSource.CENTRAL)
    submitted_on = forms.DateField(label=_("Ngày nộp giấy đề nghị"))
    office = forms.CharField(label=_("Mã phòng giao dịch (cho vay trực tiếp)"), max_length=6, required=False)

    def __init__(self, *args, direct_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = program_choices(_("— Chọn chương trình —"))
        if not direct_allowed:  # group leaders and associations record entrusted 01/TD only
            del self.fields["office"]
            self.fields["group"].required = True
            self.fields["group"].help_text = ""


class ConfirmForm(StyledFormMixin, forms.Form):
    confirmed_on = forms.DateField(label=_("Ngày UBND xã xác nhận"))
    reference = forms.CharField(label=_("Số/ký hiệu xác nhận trên danh sách 03/TD"), max_length=100)
    confirmed_by = forms.CharField(label=_("Người ký xác nhận (UBND xã)"), max_length=150)


class CompleteForm(StyledFormMixin, forms.Form):
    complete_on = forms.DateField(label=_("Ngày nhận đủ hồ sơ"))


class ApproveForm(StyledFormMixin, forms.Form):
    approved_on = forms.DateField(label=_("Ngày phê duyệt"))
    approved_amount = VndField(label=_("Số tiền phê duyệt (đồng)"), required=False,
                               help_text=_("Để trống: bằng số tiền tổ bình xét."))


class RejectForm(StyledFormMixin, forms.Form):
    rejected_on = forms.DateField(label=_("Ngày từ chối"))
    reason = forms.CharField(label=_("Lý do không phê duyệt"), max_length=255, widget=TEXTAREA)


class NoticeForm(StyledFormMixin, forms.Form):
    """Thông báo kết quả phê duyệt (04/TD): this application and, ticked, the other approved ones of the group."""

    number = forms.CharField(label=_("Số thông báo (04/TD)"), max_length=60)
    notice_on = forms.DateField(label=_("Ngày thông báo"))
    planned_disbursement_on = forms.DateField(label=_("Ngày giải ngân dự kiến"))
    planned_disbursement_place = forms.CharField(label=_("Địa điểm giải ngân"), max_length=255)
    others = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                            label=_("Các hộ khác được phê duyệt cùng thông báo"))

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = others
        self.fields["others"].label_from_instance = (
            lambda a: f"#{a.pk} {a.household.name} — {a.program.code} — {a.approved_amount:,} đ".replace(",", "."))
        if not others.exists():
            del self.fields["others"]


class OfficeDisburseForm(StyledFormMixin, forms.Form):
    disbursed_on = forms.DateField(label=_("Ngày giải ngân"))
    loan_number = forms.CharField(label=_("Số khế ước (16 chữ số)"), max_length=16)
    amount = VndField(label=_("Số tiền giải ngân (đồng)"), required=False,
                      help_text=_("Để trống: giải ngân toàn bộ số tiền phê duyệt."))


class AdjustForm(StyledFormMixin, forms.Form):
    """Điều chỉnh kỳ hạn trả nợ (08/TD)."""

    number = forms.TypedChoiceField(label=_("Kỳ trả nợ"), coerce=int)
    new_due_on = forms.DateField(label=_("Ngày đến hạn mới"))
    requested_on = forms.DateField(label=_("Ngày khách hàng đề nghị điều chỉnh"))
    submitted_on = forms.DateField(label=_("Ngày tổ trưởng gửi đề nghị"), required=False,
                                   help_text=_("Món vay giải ngân từ 01/03/2026: thời hạn gửi đề nghị theo quy định "
                                               "tạm tính (CV 597/NHCS-TDNN)."))
    form_number = forms.CharField(label=_("Số giấy đề nghị (08/TD)"), max_length=60, initial="08/TD")
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, installments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].choices = [
            (i.number, _("Kỳ %(n)d — đến hạn %(date)s — còn %(unpaid)s đ")
             % {"n": i.number, "date": i.due_on.strftime("%d/%m/%Y"),
                "unpaid": f"{i.principal - i.principal_paid:,}".replace(",", ".")})
            for i in installments
        ]


class ExtendForm(StyledFormMixin, forms.Form):
    months = forms.IntegerField(label=_("Số tháng gia hạn"))
    on = forms.DateField(label=_("Ngày gia hạn"))
    form_number = forms.CharField(label=_("Số chứng từ"), max_length=60, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)


class OverdueForm(StyledFormMixin, forms.Form):
    as_of = forms.DateField(label=_("Chuyển nợ quá hạn cuối ngày"))


class MovedAwayForm(StyledFormMixin, forms.Form):
    moved_away_on = forms.DateField(label=_("Ngày hộ vay bỏ đi khỏi nơi cư trú"))
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)


class RiskProposeForm(StyledFormMixin, forms.Form):
    """Đề nghị xử lý nợ bị rủi ro (01/XLN) for one loan in an open round."""

    risk_round = forms.ModelChoiceField(queryset=None, label=_("Đợt xử lý rủi ro"))
    measure = forms.ChoiceField(label=_("Biện pháp"), choices=RiskMeasure.choices)
    cause = forms.ChoiceField(label=_("Nguyên nhân"), choices=RiskCause.choices)
    loss_percent = forms.IntegerField(label=_("Mức độ thiệt hại (%)"))
    risk_on = forms.DateField(label=_("Ngày xảy ra rủi ro"))
    requested_on = forms.DateField(label=_("Ngày đề nghị (01/XLN)"))
    principal_amount = VndField(label=_("Gốc đề nghị xử lý (đồng)"), required=False,
                                help_text=_("Để trống: toàn bộ dư nợ được xử lý."))
    interest_amount = VndField(label=_("Lãi đề nghị xử lý (đồng)"), required=False,
                               help_text=_("Để trống: toàn bộ lãi tồn."))
    extension_months = forms.IntegerField(label=_("Số tháng đề nghị gia hạn"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_round"].queryset = rounds
        self.fields["risk_round"].label_from_instance = lambda r: f"{r} — {r.branch.name}"


class RoundOpenForm(StyledFormMixin, forms.Form):
    branch = forms.CharField(label=_("Mã chi nhánh"), max_length=6)
    year = forms.IntegerField(label=_("Năm"))
    opened_on = forms.DateField(label=_("Ngày mở đợt"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)


class RoundCloseForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Ngày kết thúc đợt"))
    decision_ref = forms.CharField(label=_("Văn bản thông báo kết quả"), max_length=100)


class CaseAdvanceForm(StyledFormMixin, forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Ngày lập"))
    number = forms.CharField(label=_("Số văn bản"), max_length=60)


class CaseApproveForm(StyledFormMixin, forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    decided_on = forms.DateField(label=_("Ngày phê duyệt"))
    decision_ref = forms.CharField(label=_("Văn bản phê duyệt"), max_length=100)


class CaseRefuseForm(StyledFormMixin, forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput)
    decided_on = forms.DateField(label=_("Ngày quyết định"))
    reason = forms.CharField(label=_("Lý do"), max_length=255)
    decision_ref = forms.CharField(label=_("Văn bản"), max_length=100, required=False)


class RepayForm(StyledFormMixin, forms.Form):
    """Thu nợ gốc tại quầy phòng giao dịch (cash, or from the member's savings)."""

    amount = VndField(label=_("Số tiền gốc (đồng)"))
    on = forms.DateField(label=_("Ngày trả nợ"))
    from_savings = forms.BooleanField(label=_("Trả từ tiền gửi của tổ viên"), required=False)
    savings_account = forms.CharField(label=_("Số tài khoản tiền gửi"), required=False, max_length=20)


class InterestForm(StyledFormMixin, forms.Form):
    """Thu lãi tại quầy (the leader's collections go through the 13/TD list instead)."""

    amount = VndField(label=_("Số tiền lãi (đồng)"))
    on = forms.DateField(label=_("Ngày thu lãi"))


class ReturnedForm(StyledFormMixin, forms.Form):
    returned_on = forms.DateField(label=_("Ngày hộ vay trở về"))
    note = forms.CharField(label=_("Căn cứ/ghi chú"), max_length=255)


class FreezeExpireForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("Ngày hết hạn khoanh"))


class ReverseForm(StyledFormMixin, forms.Form):
    event = forms.TypedChoiceField(label=_("Giao dịch cần đảo"), coerce=int)
    on = forms.DateField(label=_("Ngày đảo"))
    reason = forms.CharField(label=_("Lý do đảo"), max_length=200)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [
            (e.pk, f"{e.happened_on:%d/%m/%Y} — {e.get_kind_display()} — "
                   f"{(e.principal_amount or e.interest_amount):,} đ".replace(",", "."))
            for e in events
        ]
