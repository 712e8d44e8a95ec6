"""User administration forms: role plus the scope fields that role needs (validated by accounts.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from uythac.accounts.access import (
    commune_queryset_for,
    normalize_commune_code,
    office_queryset_for,
    organization_queryset_for,
    province_queryset_for,
)
from uythac.accounts.models import Role
from uythac.groups.access import group_queryset_for
from uythac.web.forms.fields import CodeChoiceField, CodeMultipleChoiceField

RESERVED_USERNAMES = {"new"}  # /users/new/ is the create page


def _group_code(value: str) -> str:
    value = value.strip()
    return value.zfill(7) if value.isdigit() else value


class UserScopeForm(forms.Form):
    """Fields common to create and edit. Scope fields are all optional here: which ones a role needs is
    decided by ``accounts.services`` (one rule, also used by the ``createuser`` command)."""

    first_name = forms.CharField(label=_("Họ và tên đệm"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Tên"), max_length=150, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)

    FIELD_ORDER = [
        "username", "password", "password_confirm", "first_name", "last_name", "email", "phone", "role",
        "organization", "province", "office", "responsible_communes", "commune", "group", "is_active",
        "new_password", "new_password_confirm",
    ]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"] = CodeChoiceField(
            province_queryset_for(actor), label=_("Tỉnh/thành phố"), required=False,
            normalize=lambda v: v.strip().zfill(2),
            help_text=_("Cho cán bộ chi nhánh tỉnh và cán bộ hội cấp tỉnh."),
        )
        self.fields["office"] = CodeChoiceField(
            office_queryset_for(actor), label=_("Phòng giao dịch"), required=False, hint=_("Mã PGD, 6 số"),
            help_text=_("Cho cán bộ PGD và cán bộ tín dụng."),
        )
        self.fields["responsible_communes"] = CodeMultipleChoiceField(
            commune_queryset_for(actor), label=_("Các xã phụ trách"), required=False,
            normalize=normalize_commune_code, hint=_("Mã xã, cách nhau bởi dấu phẩy"),
            help_text=_("Cho cán bộ tín dụng: các xã thuộc địa bàn PGD đã chọn."),
        )
        self.fields["commune"] = CodeChoiceField(
            commune_queryset_for(actor), label=_("Xã/phường"), required=False, normalize=normalize_commune_code,
            hint=_("Mã xã, 5 hoặc 6 số"), help_text=_("Cho cán bộ hội cấp xã và UBND xã."),
        )
        self.fields["group"] = CodeChoiceField(
            group_queryset_for(actor), label=_("Tổ TK&VV"), required=False, normalize=_group_code,
            hint=_("Mã tổ, 7 số"), help_text=_("Cho tổ trưởng."),
        )
        self.fields["organization"] = CodeChoiceField(
            organization_queryset_for(actor), label=_("Tổ chức hội"), required=False,
            help_text=_("Cho cán bộ hội cấp tỉnh và cấp xã."),
        )
        self.fields["is_active"] = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)
        self.order_fields(self.FIELD_ORDER)

    @staticmethod
    def scope_values(data: dict) -> dict:
        """cleaned_data → keyword arguments shared by ``user_create`` and ``user_update``."""
        return {
            "role": data["role"],
            "organization": data.get("organization"),
            "province": data.get("province"),
            "office": data.get("office"),
            "commune": data.get("commune"),
            "group": data.get("group"),
            "responsible_communes": list(data.get("responsible_communes") or []),
            "first_name": data.get("first_name", ""),
            "last_name": data.get("last_name", ""),
            "email": data.get("email", ""),
            "phone": data.get("phone", ""),
            "is_active": bool(data.get("is_active")),
        }


class UserCreateForm(UserScopeForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput(render_value=False), strip=False)
    password_confirm = forms.CharField(
        label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username.lower() in RESERVED_USERNAMES:
            raise forms.ValidationError(_("Tên đăng nhập này được hệ thống dùng riêng, hãy chọn tên khác."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
            self.add_error("password_confirm", _("Hai mật khẩu không khớp."))
        return data

    @classmethod
    def service_values(cls, data: dict) -> dict:
        return {**cls.scope_values(data), "username": data["username"], "password": data["password"]}


class UserEditForm(UserScopeForm):
    new_password = forms.CharField(
        label=_("Mật khẩu mới"), required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Để trống nếu không đổi mật khẩu."),
    )
    new_password_confirm = forms.CharField(
        label=_("Nhập lại mật khẩu mới"), required=False, strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def clean(self):
        data = super().clean()
        if (data.get("new_password") or data.get("new_password_confirm")) and data.get("new_password") != data.get(
            "new_password_confirm"
        ):
            self.add_error("new_password_confirm", _("Hai mật khẩu không khớp."))
        return data

    @classmethod
    def service_values(cls, data: dict) -> dict:
        return {**cls.scope_values(data), "new_password": data.get("new_password") or ""}

    @staticmethod
    def initial_for(user) -> dict:
        return {
            "first_name": user.first_name, "last_name": user.last_name, "email": user.email, "phone": user.phone,
            "role": user.role, "province": user.province, "office": user.office, "commune": user.commune,
            "group": user.group, "organization": user.organization, "is_active": user.is_active,
            "responsible_communes": list(user.responsible_communes.all()),
        }
