"""Forms of the household pages: parsing only. CCCD, phone, ethnicity and dates are validated by the services
(``households.validation``), so the message a user sees is the same on the web, the CLI and the importers.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uythac.accounts.access import village_queryset_for
from uythac.households.ethnicities import ETHNICITY_CHOICES
from uythac.households.models import Gender, KinshipKind, PovertyStatus
from uythac.web.crud import StyledFormMixin


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class HouseholdForm(StyledFormMixin, forms.Form):
    """Identity, contact and place of a household; the commune is chosen on the page beforehand."""

    name = forms.CharField(label=_("Họ tên chủ hộ/người đại diện"), max_length=200)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=Gender.choices)
    birth_date = forms.DateField(label=_("Ngày sinh"), required=False)
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), choices=ETHNICITY_CHOICES, initial="Kinh")
    national_id = forms.CharField(
        label=_("Số CCCD (12 số)"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    national_id_issued_on = forms.DateField(label=_("Ngày cấp CCCD"), required=False)
    national_id_expires_on = forms.DateField(label=_("Ngày hết hạn CCCD"), required=False)
    legacy_id_number = forms.CharField(
        label=_("Số CMND cũ (9 số)"), max_length=20, required=False,
        help_text=_("Chỉ ghi khi hộ chưa có CCCD; CMND không còn giá trị từ 01/01/2025."),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    village = VillageChoiceField(
        label=_("Thôn"), queryset=None, to_field_name="code",
        error_messages={
            "invalid_choice": _("Thôn không thuộc phạm vi quản lý của bạn hoặc không thuộc xã đã chọn."),
        },
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    member_count = forms.IntegerField(label=_("Số nhân khẩu"), initial=1)

    def __init__(self, *args, user, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = village_queryset_for(user).filter(commune=commune).order_by("code")


class HouseholdCreateForm(HouseholdForm):
    field_order = ["customer_code"]

    customer_code = forms.CharField(label=_("Mã khách hàng (10 số)"), max_length=20)


class PovertyStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Diện hộ"), choices=PovertyStatus.choices)
    year = forms.IntegerField(label=_("Năm của danh sách"))
    source_list = forms.CharField(label=_("Danh sách/quyết định của xã"), max_length=200)
    recorded_on = forms.DateField(label=_("Ngày ghi nhận"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["recorded_on"].initial = today


class KinshipForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Chủ hộ này là … của hộ kia"), choices=KinshipKind.choices)
    relative = forms.CharField(
        label=_("Mã khách hàng của hộ có quan hệ"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class MovedAwayMarkForm(StyledFormMixin, forms.Form):
    moved_away_on = forms.DateField(label=_("Ngày đi khỏi địa phương"))
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class MovedAwayClearForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Lý do bỏ đánh dấu"), max_length=300)
