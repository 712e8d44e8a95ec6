"""Forms of the Savings & Loan Group pages: parsing only, every choice limited to the user's scope.

Rules (size, board kinship, same commune…) are the services' business; a form only turns the POST into typed
values the service takes.
"""

from django import forms
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from uythac.accounts.access import (
    commune_queryset_for,
    office_queryset_for,
    organization_queryset_for,
    point_queryset_for,
    unit_queryset_for,
    village_queryset_for,
)
from uythac.groups.access import group_queryset_for
from uythac.groups.models import GroupMembership, GroupStatus, MeetingKind
from uythac.households.access import household_queryset_for
from uythac.network.models import UnitLevel
from uythac.web.crud import StyledFormMixin


class GroupFilterForm(forms.Form):
    """Filters of the group list (GET): commune, organization, status."""

    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=None, required=False, to_field_name="code", empty_label=_("Tất cả xã")
    )
    organization = forms.ModelChoiceField(
        label=_("Hội"), queryset=None, required=False, to_field_name="code", empty_label=_("Tất cả hội")
    )
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only communes that have groups the user sees: an administrator's list stays short.
        commune_ids = group_queryset_for(user).values("commune_id")
        self.fields["commune"].queryset = commune_queryset_for(user).filter(id__in=commune_ids).order_by("name")
        self.fields["organization"].queryset = organization_queryset_for(user).order_by("code")
        self.fields["status"].choices = [("", _("Mọi trạng thái")), *GroupStatus.choices]

    def apply(self, groups):
        data = self.cleaned_data
        if data.get("commune"):
            groups = groups.filter(commune=data["commune"])
        if data.get("organization"):
            groups = groups.filter(association_unit__organization=data["organization"])
        if data.get("status"):
            groups = groups.filter(status=data["status"])
        return groups


def _scope_error(message):
    """An out-of-scope or unknown choice answers like the services do: a Vietnamese message on the field."""
    return {"invalid_choice": message, "invalid_pk_value": message}


def household_label(household) -> str:
    return f"{household.customer_code} — {household.name} — {household.village.name}"


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return household_label(obj)


class HouseholdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return household_label(obj)


class CodeLabelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class CodeLabelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


def commune_places(user, commune) -> dict:
    """Villages, commune association units and transaction points of ``commune`` the user may choose."""
    return {
        "villages": village_queryset_for(user).filter(commune=commune, is_active=True).order_by("code"),
        "association_unit": unit_queryset_for(user)
        .filter(level=UnitLevel.COMMUNE, commune=commune, valid_to__isnull=True)
        .select_related("organization")
        .order_by("organization__code"),
        "transaction_point": point_queryset_for(user).filter(commune=commune, is_active=True).order_by("code"),
    }


def joinable_households(user, commune, villages=None):
    """Households of the commune (and villages) the user sees, in no group now and not moved away."""
    households = (
        household_queryset_for(user)
        .filter(commune=commune, moved_away_on__isnull=True)
        .exclude(id__in=GroupMembership.objects.filter(left_on__isnull=True).values("household_id"))
        .select_related("village")
        .order_by("village__code", "name_search")
    )
    if villages is not None:
        households = households.filter(village__in=villages)
    return households


class GroupPlacesForm(StyledFormMixin, forms.Form):
    """Villages, managing unit and transaction point limited to one commune of the user's scope."""

    villages = CodeLabelMultipleChoiceField(
        label=_("Thôn"), queryset=None, to_field_name="code", widget=forms.CheckboxSelectMultiple,
        error_messages=_scope_error(_("Thôn không thuộc phạm vi quản lý của bạn hoặc không thuộc xã đã chọn.")),
    )
    association_unit = forms.ModelChoiceField(
        label=_("Hội quản lý tổ"), queryset=None, to_field_name="code",
        error_messages=_scope_error(_("Hội quản lý không thuộc phạm vi quản lý của bạn hoặc không thuộc xã đã chọn.")),
    )
    transaction_point = CodeLabelChoiceField(
        label=_("Điểm giao dịch"), queryset=None, to_field_name="code",
        error_messages=_scope_error(
            _("Điểm giao dịch không thuộc phạm vi quản lý của bạn hoặc không thuộc xã đã chọn.")
        ),
    )

    def limit_places(self, user, commune):
        for name, queryset in commune_places(user, commune).items():
            self.fields[name].queryset = queryset


class GroupCreateForm(GroupPlacesForm):
    field_order = ["code", "name", "villages", "association_unit", "transaction_point", "established_on"]

    code = forms.CharField(label=_("Mã tổ (7 chữ số)"), max_length=20)
    name = forms.CharField(label=_("Tên tổ"), max_length=200)
    established_on = forms.DateField(label=_("Ngày thành lập"))
    approval_decision = forms.CharField(label=_("Quyết định thành lập của UBND xã"), max_length=200, required=False)
    convention_note = forms.CharField(label=_("Quy ước hoạt động"), widget=forms.Textarea, required=False)
    founding_members = HouseholdMultipleChoiceField(
        label=_("Tổ viên sáng lập"), queryset=None, to_field_name="customer_code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Các hộ của xã chưa tham gia tổ nào; tổ viên phải ở các thôn của tổ."),
        error_messages=_scope_error(_("Hộ không thuộc phạm vi quản lý của bạn hoặc đang là tổ viên tổ khác.")),
    )

    def __init__(self, *args, user, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_places(user, commune)
        self.fields["founding_members"].queryset = joinable_households(user, commune)


class GroupEditForm(GroupPlacesForm):
    """Master data; the commune is chosen on the page beforehand (``?commune=``) and travels as a hidden field."""

    field_order = ["name", "commune", "villages", "association_unit", "transaction_point"]

    name = forms.CharField(label=_("Tên tổ"), max_length=200)
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"), queryset=None, to_field_name="code", widget=forms.HiddenInput,
        error_messages=_scope_error(_("Xã không thuộc phạm vi quản lý của bạn.")),
    )
    approval_decision = forms.CharField(label=_("Quyết định thành lập của UBND xã"), max_length=200, required=False)
    convention_note = forms.CharField(label=_("Quy ước hoạt động"), widget=forms.Textarea, required=False)

    def __init__(self, *args, user, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_queryset_for(user)
        self.limit_places(user, commune)

    def non_field_errors(self):
        """The commune is a hidden field: its errors (e.g. outside the scope) are shown at the top of the form."""
        errors = super().non_field_errors()
        return ErrorList([*errors, *self.errors.get("commune", [])], error_class="nonfield")


class GroupDissolveForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("Ngày giải thể"))
    reason = forms.CharField(label=_("Lý do giải thể"), max_length=300)


class MembershipAdmitForm(StyledFormMixin, forms.Form):
    household = HouseholdChoiceField(
        label=_("Hộ được kết nạp"), queryset=None, to_field_name="customer_code",
        help_text=_("Các hộ ở thôn của tổ, chưa tham gia tổ nào."),
        error_messages=_scope_error(_("Hộ không thuộc phạm vi quản lý của bạn hoặc không thể kết nạp vào tổ này.")),
    )
    joined_on = forms.DateField(label=_("Ngày vào tổ"))

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = joinable_households(user, group.commune, villages=group.villages.all())


class MembershipExitForm(StyledFormMixin, forms.Form):
    left_on = forms.DateField(label=_("Ngày rời tổ"))
    reason = forms.CharField(label=_("Lý do rời tổ"), max_length=300)


def current_member_households(user, group):
    return (
        household_queryset_for(user)
        .filter(memberships__group=group, memberships__left_on__isnull=True)
        .select_related("village")
        .order_by("name_search")
    )


class BoardTermForm(StyledFormMixin, forms.Form):
    leader = HouseholdChoiceField(
        label=_("Tổ trưởng"), queryset=None, to_field_name="customer_code",
        error_messages=_scope_error(_("Tổ trưởng phải là tổ viên hiện tại của tổ.")),
    )
    deputy = HouseholdChoiceField(
        label=_("Tổ phó"), queryset=None, to_field_name="customer_code", required=False,
        error_messages=_scope_error(_("Tổ phó phải là tổ viên hiện tại của tổ.")),
    )
    started_on = forms.DateField(label=_("Ngày bắt đầu nhiệm kỳ"))
    election_minutes = forms.CharField(label=_("Biên bản bầu"), max_length=200, required=False)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        members = current_member_households(user, group)
        self.fields["leader"].queryset = members
        self.fields["deputy"].queryset = members


class AgencyContractForm(StyledFormMixin, forms.Form):
    number = forms.CharField(label=_("Số hợp đồng"), max_length=100)
    office = CodeLabelChoiceField(
        label=_("Phòng giao dịch"), queryset=None, to_field_name="code",
        error_messages=_scope_error(_("Phòng giao dịch không thuộc phạm vi quản lý của bạn.")),
    )
    signed_on = forms.DateField(label=_("Ngày ký"))
    effective_to = forms.DateField(label=_("Hiệu lực đến"), required=False)
    collects_interest = forms.BooleanField(label=_("Được thu lãi"), required=False, initial=True)
    collects_savings = forms.BooleanField(label=_("Được thu tiền gửi"), required=False, initial=True)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = office_queryset_for(user).filter(communes=group.commune, is_active=True)


class MeetingForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Ngày họp"))
    kind = forms.ChoiceField(label=_("Loại cuộc họp"), choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    attendee_count = forms.IntegerField(label=_("Số tổ viên dự họp"))
    association_present = forms.BooleanField(label=_("Có đại diện hội"), required=False)
    village_head_present = forms.BooleanField(label=_("Có trưởng thôn"), required=False)
    minutes = forms.CharField(label=_("Biên bản"), widget=forms.Textarea)


class GroupMergeForm(StyledFormMixin, forms.Form):
    sources = CodeLabelMultipleChoiceField(
        label=_("Các tổ được sáp nhập vào tổ này"), queryset=None, to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Các tổ đang hoạt động của cùng xã, cùng hội; tổ viên của các tổ này chuyển sang tổ này."),
        error_messages=_scope_error(_("Tổ không thuộc phạm vi quản lý của bạn hoặc không cùng xã.")),
    )
    effective_on = forms.DateField(label=_("Ngày hiệu lực"))
    decision = forms.CharField(label=_("Quyết định/biên bản"), max_length=200, required=False)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = (
            group_queryset_for(user)
            .filter(commune=group.commune, status=GroupStatus.ACTIVE)
            .exclude(pk=group.pk)
            .order_by("code")
        )


MAX_SPLIT_GROUPS = 3  # a practitioner tool plans splits into at most 3 groups (process.md §7, L)


class GroupSplitForm(StyledFormMixin, forms.Form):
    """Up to three new groups, each with its code, name, villages, members and optional board.

    The first new group is required; the 2nd and 3rd count only when their code is filled in.
    """

    effective_on = forms.DateField(label=_("Ngày hiệu lực"))
    decision = forms.CharField(label=_("Quyết định/biên bản"), max_length=200, required=False)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        villages = village_queryset_for(user).filter(commune=group.commune, is_active=True).order_by("code")
        members = current_member_households(user, group)
        initial_villages = list(group.villages.all())
        for number in range(1, MAX_SPLIT_GROUPS + 1):
            required = number == 1
            label = _("Tổ mới %(n)d") % {"n": number}
            prefix = f"g{number}_"
            self.fields[prefix + "code"] = forms.CharField(
                label=_("%(group)s: mã tổ (7 chữ số)") % {"group": label}, max_length=20, required=required
            )
            self.fields[prefix + "name"] = forms.CharField(
                label=_("%(group)s: tên tổ") % {"group": label}, max_length=200, required=False
            )
            self.fields[prefix + "villages"] = CodeLabelMultipleChoiceField(
                label=_("%(group)s: thôn") % {"group": label}, queryset=villages, to_field_name="code",
                widget=forms.CheckboxSelectMultiple, required=False, initial=initial_villages,
            )
            self.fields[prefix + "members"] = HouseholdMultipleChoiceField(
                label=_("%(group)s: tổ viên chuyển sang") % {"group": label}, queryset=members,
                to_field_name="customer_code", widget=forms.CheckboxSelectMultiple, required=False,
                error_messages=_scope_error(_("Hộ không phải là tổ viên hiện tại của tổ.")),
            )
            self.fields[prefix + "leader"] = HouseholdChoiceField(
                label=_("%(group)s: tổ trưởng") % {"group": label}, queryset=members,
                to_field_name="customer_code", required=False,
            )
            self.fields[prefix + "deputy"] = HouseholdChoiceField(
                label=_("%(group)s: tổ phó") % {"group": label}, queryset=members,
                to_field_name="customer_code", required=False,
            )


def split_arguments(data: dict) -> dict:
    """A valid ``GroupSplitForm``'s data as ``group_split`` takes it: ``effective_on``, ``decision``, ``new_groups``."""
    new_groups = []
    for number in range(1, MAX_SPLIT_GROUPS + 1):
        prefix = f"g{number}_"
        if not data.get(prefix + "code"):
            continue
        spec = {key: data.get(prefix + key) for key in ("code", "name", "leader", "deputy")}
        spec["villages"] = list(data.get(prefix + "villages") or [])
        spec["members"] = list(data.get(prefix + "members") or [])
        new_groups.append(spec)
    return {"effective_on": data["effective_on"], "decision": data["decision"], "new_groups": new_groups}
