"""Forms of the session desk, the leader's 13/TD entry and the savings pages.

Forms only parse what was typed (amounts may be typed "150.000" or "150 000"); every rule is the services'. Object
choices are limited to the user's scope (points, loans, users of the point's PGD), so a forged value is refused like
an unknown one.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from uythac.accounts.models import Role, User
from uythac.transaction_sessions.batches import DENOMINATIONS
from uythac.transaction_sessions.models import AttendeeRole, PaymentKind
from uythac.web.crud import StyledFormMixin
from uythac.web.forms.fields import CodeChoiceField


def parse_vnd(raw) -> int | None:
    """ "150.000", "150 000", "150,000" → 150000; "" → None; anything else → ValueError."""
    text = str(raw or "").strip().replace(".", "").replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if not text.lstrip("-").isdigit():
        raise ValueError(raw)
    return int(text)


class VndField(forms.CharField):
    """Whole đồng, typed with or without thousands separators; the services check the sign and the rules."""

    default_error_messages = {"invalid": _("Số tiền phải là số nguyên đồng (ví dụ 150.000).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return parse_vnd(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def team_queryset(point, *, offices=None):
    """Staff of the PGD serving ``point`` (or of any of ``offices``): who may form a session's team."""
    staff = User.objects.filter(is_active=True, role__in=[Role.CREDIT_OFFICER, Role.PGD_STAFF])
    if point is not None:
        return staff.filter(office_id=point.office_id).order_by("username")
    return staff.filter(office_id__in=offices).order_by("username") if offices is not None else staff.none()


class SessionOpenForm(StyledFormMixin, forms.Form):
    session_date = forms.DateField(label=_("Ngày giao dịch"))
    team_leader = forms.ModelChoiceField(User.objects.none(), label=_("Tổ trưởng tổ giao dịch"),
                                         to_field_name="username")
    controller = forms.ModelChoiceField(User.objects.none(), label=_("Kiểm soát viên"), required=False,
                                        to_field_name="username")
    teller = forms.ModelChoiceField(User.objects.none(), label=_("Thủ quỹ"), required=False,
                                    to_field_name="username")
    opening_cash = VndField(label=_("Tiền mặt mang đi (đồng)"), required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, points, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"point": CodeChoiceField(points, label=_("Điểm giao dịch")), **self.fields}
        for name in ("team_leader", "controller", "teller"):
            self.fields[name].queryset = staff
            self.fields[name].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username})"


class HandoverForm(forms.Form):
    batch = forms.IntegerField(widget=forms.HiddenInput)
    counted_total = VndField(label=_("Tiền mặt thực nhận (đồng)"), required=False)
    difference_note = forms.CharField(label=_("Giải trình chênh lệch"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value in DENOMINATIONS:
            self.fields[f"d{value}"] = forms.IntegerField(label=f"{value:,}".replace(",", "."), required=False,
                                                          min_value=0)

    def cash_count(self) -> dict[str, int]:
        return {str(value): self.cleaned_data[f"d{value}"] for value in DENOMINATIONS
                if self.cleaned_data.get(f"d{value}")}


class DisburseForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    loan_number = forms.CharField(label=_("Số khế ước (16 chữ số)"), max_length=16)


class RepayForm(forms.Form):
    loan = forms.CharField(label=_("Số khế ước"), max_length=16)
    amount = VndField(label=_("Số tiền gốc (đồng)"))
    from_savings = forms.BooleanField(label=_("Trả từ tiền gửi của tổ viên (cột 13/TD)"), required=False)
    savings_account = forms.CharField(label=_("Số tài khoản tiền gửi"), required=False, max_length=20)


class PaymentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=PaymentKind.choices)
    payee = forms.CharField(label=_("Mã hội (phí) hoặc mã tổ (hoa hồng)"), max_length=20)
    amount = VndField(label=_("Số tiền (đồng)"))
    period = forms.CharField(label=_("Kỳ (YYYY-MM)"), max_length=7)
    recipient = forms.CharField(label=_("Người nhận"), max_length=150)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        payee = data.pop("payee")
        if data["kind"] == PaymentKind.FEE:
            data["association_unit"] = payee
        else:
            data["group"] = payee
        return data


class AttendanceForm(forms.Form):
    association_officers = forms.CharField(
        label=_("Cán bộ hội đoàn thể dự (mỗi dòng: mã hội | họ tên)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    others = forms.CharField(label=_("Người dự khác (mỗi dòng một người)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    briefing_notes = forms.CharField(label=_("Nội dung giao ban"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))

    def attendees(self, post, groups) -> list[dict]:
        rows = []
        for line in (self.cleaned_data["association_officers"] or "").splitlines():
            if line.strip():
                unit, _sep, name = line.partition("|")
                rows.append({"role": AttendeeRole.ASSOCIATION_OFFICER, "name": (name or unit).strip(),
                             "association_unit": unit.strip() if name else None})
        for group in groups:
            name = (post.get(f"leader-{group.code}") or "").strip()
            if post.get(f"present-{group.code}") and name:
                rows.append({"role": AttendeeRole.GROUP_LEADER, "name": name, "group": group.code})
        for line in (self.cleaned_data["others"] or "").splitlines():
            if line.strip():
                rows.append({"role": AttendeeRole.OTHER, "name": line.strip()})
        return rows


class CloseForm(forms.Form):
    closing_cash = VndField(label=_("Tiền mặt kiểm đếm khi đóng phiên (đồng)"))
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReverseForm(StyledFormMixin, forms.Form):
    entry = forms.IntegerField(label=_("Số bút toán"))
    reason = forms.CharField(label=_("Lý do điều chỉnh"), max_length=200)
    on = forms.DateField(label=_("Ngày hạch toán bút toán đảo"))


class SavingsOpenForm(StyledFormMixin, forms.Form):
    household = forms.CharField(label=_("Mã khách hàng (hộ)"), max_length=10)
    opened_on = forms.DateField(label=_("Ngày mở"))


class SavingsMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("deposit", _("Gửi tiền")), ("withdraw", _("Rút tiền"))],
                                  label=_("Giao dịch"))
    amount = VndField(label=_("Số tiền (đồng)"))
    on = forms.DateField(label=_("Ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
