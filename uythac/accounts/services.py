"""User administration: create and update users with the scope their role needs.

Role ↔ scope (mirrors the DB constraint ``user_role_has_scope``; issue 2 §7):

=====================  ===============================================================
admin                  no scope (sees everything)
branch_staff           province
pgd_staff              PGD
credit_officer         PGD + the communes (served by that PGD) the officer is responsible for
province_association   province + organization (11/12/13/14)
commune_association    commune + organization
group_leader           group (organization and commune follow from the group)
commune_viewer         commune (read only)
=====================  ===============================================================

Scope fields a role does not use are cleared, so what is stored is exactly the role's scope. Only system
administrators manage users; ``actor=None`` stands for the operator of the ``uythac createuser`` command.
Every write is atomic and audited (the password hash is never written to the audit trail).
"""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from uythac.accounts.models import Role, User
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_phone

# Which scope fields each role needs ("responsible_communes" only for credit officers).
ROLE_SCOPE_FIELDS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (),
    Role.BRANCH_STAFF: ("province",),
    Role.PGD_STAFF: ("office",),
    Role.CREDIT_OFFICER: ("office", "responsible_communes"),
    Role.PROVINCE_ASSOCIATION: ("province", "organization"),
    Role.COMMUNE_ASSOCIATION: ("commune", "organization"),
    Role.GROUP_LEADER: ("group",),
    Role.COMMUNE_VIEWER: ("commune",),
}
SCOPE_FIELDS = ("organization", "province", "office", "commune", "group")


def _missing_message(field: str, role_label: str) -> str:
    messages = {
        "province": _("Vai trò %(role)s cần chọn tỉnh/thành phố."),
        "office": _("Vai trò %(role)s cần chọn phòng giao dịch."),
        "commune": _("Vai trò %(role)s cần chọn xã/phường."),
        "group": _("Vai trò %(role)s cần chọn tổ TK&VV."),
        "organization": _("Vai trò %(role)s cần chọn tổ chức hội (11, 12, 13 hoặc 14)."),
        "responsible_communes": _("Vai trò %(role)s cần ít nhất một xã phụ trách."),
    }
    return messages[field] % {"role": role_label}


def user_snapshot(user: User) -> dict:
    """Audit view of a user: concrete fields without the password hash, plus the responsible communes."""
    communes = sorted(user.responsible_communes.values_list("code", flat=True)) if user.pk else []
    data = snapshot(user, extra={"responsible_communes": communes})
    data.pop("password", None)
    data.pop("last_login", None)
    return data


def _require_admin_actor(actor) -> None:
    if actor is not None and getattr(actor, "role", None) != Role.ADMIN:
        raise DomainError(_("Chỉ quản trị hệ thống được quản lý người dùng."))


def _clean_scope(*, role, organization, province, office, commune, group, responsible_communes) -> dict:
    """Validate the role and its scope; return the scope values to store (unused ones cleared)."""
    if role not in Role.values:
        raise DomainError(_("Vai trò không hợp lệ."), field="role")
    role_label = Role(role).label
    given = {
        "organization": organization, "province": province, "office": office, "commune": commune, "group": group,
        "responsible_communes": list(responsible_communes or ()),
    }
    needed = ROLE_SCOPE_FIELDS[role]
    for field in needed:
        if not given[field]:
            raise DomainError(_missing_message(field, role_label), field=field)
    scope = {field: (given[field] if field in needed else None) for field in SCOPE_FIELDS}
    communes = given["responsible_communes"] if "responsible_communes" in needed else []
    if communes:
        served = set(office.communes.values_list("id", flat=True))
        outside = [c.name for c in communes if c.id not in served]
        if outside:
            raise DomainError(
                _("Xã %(communes)s không thuộc địa bàn phục vụ của %(office)s.")
                % {"communes": ", ".join(outside), "office": office.name},
                field="responsible_communes",
            )
    scope["responsible_communes"] = communes
    return scope


def _clean_contact(*, email: str, phone: str) -> tuple[str, str]:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(_("Địa chỉ email không hợp lệ."), field="email") from exc
    return email, clean_phone(phone, field="phone")


def _check_password(password: str, user: User, *, field: str = "password") -> None:
    if not password:
        raise DomainError(_("Cần nhập mật khẩu."), field=field)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(_password_message(error) for error in exc.error_list), field=field) from exc


def _password_message(error: ValidationError) -> str:
    """Django's validators, in our own Vietnamese words (its catalogue leaves some of them in English)."""
    params = error.params or {}
    messages = {
        "password_too_short": _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự."),
        "password_too_common": _("Mật khẩu này quá phổ biến."),
        "password_entirely_numeric": _("Mật khẩu không được chỉ gồm chữ số."),
        "password_too_similar": _("Mật khẩu quá giống %(verbose_name)s."),
    }
    template = messages.get(error.code)
    if template is None:
        return " ".join(error.messages)
    return template % params if params else template


def _apply(user: User, scope: dict, *, role: str) -> None:
    user.role = role
    # System administrators also hold Django's staff and superuser flags; nobody else does.
    user.is_staff = user.is_superuser = role == Role.ADMIN
    for field in SCOPE_FIELDS:
        setattr(user, field, scope[field])


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    organization=None,
    province=None,
    office=None,
    commune=None,
    group=None,
    responsible_communes: Iterable = (),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    is_active: bool = True,
) -> User:
    """Create a user with a role and the scope it needs. Raises DomainError naming the field on bad input."""
    _require_admin_actor(actor)
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Cần nhập tên đăng nhập."), field="username")
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise DomainError(
            _("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không dấu cách)."), field="username"
        ) from exc
    if len(username) > 150:
        raise DomainError(_("Tên đăng nhập dài tối đa 150 ký tự."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("Tên đăng nhập %(username)s đã tồn tại.") % {"username": username}, field="username")
    scope = _clean_scope(
        role=role, organization=organization, province=province, office=office, commune=commune, group=group,
        responsible_communes=responsible_communes,
    )
    email, phone = _clean_contact(email=email, phone=phone)
    user = User(
        username=username, first_name=(first_name or "").strip(), last_name=(last_name or "").strip(),
        email=email, phone=phone, is_active=is_active,
    )
    _apply(user, scope, role=role)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    user.responsible_communes.set(scope["responsible_communes"])
    audit_event_record(actor=actor, action="user_create", instance=user, before=None, after=user_snapshot(user))
    return user


@transaction.atomic
def user_update(
    *,
    actor,
    user: User,
    role: str,
    organization=None,
    province=None,
    office=None,
    commune=None,
    group=None,
    responsible_communes: Iterable = (),
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
    new_password: str = "",
) -> User:
    """Change a user's role and scope (both always given: the scope follows the role), and optionally the
    name, contact, active flag (None = unchanged) and password (empty = unchanged)."""
    _require_admin_actor(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = user_snapshot(user)
    scope = _clean_scope(
        role=role, organization=organization, province=province, office=office, commune=commune, group=group,
        responsible_communes=responsible_communes,
    )
    will_be_active = user.is_active if is_active is None else is_active
    if actor is not None and actor.pk == user.pk and (role != Role.ADMIN or not will_be_active):
        raise DomainError(_("Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình."), field="role")
    if user.role == Role.ADMIN and user.is_active and (role != Role.ADMIN or not will_be_active):
        other_admins = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
        if not other_admins.exists():
            raise DomainError(_("Không thể bỏ quyền hoặc khóa quản trị hệ thống cuối cùng."), field="role")
    email_value, phone_value = _clean_contact(
        email=user.email if email is None else email, phone=user.phone if phone is None else phone
    )
    _apply(user, scope, role=role)
    if first_name is not None:
        user.first_name = first_name.strip()
    if last_name is not None:
        user.last_name = last_name.strip()
    user.email, user.phone, user.is_active = email_value, phone_value, will_be_active
    if new_password:
        _check_password(new_password, user, field="new_password")
        user.set_password(new_password)
    user.save()
    user.responsible_communes.set(scope["responsible_communes"])
    audit_event_record(
        actor=actor, action="user_update", instance=user, before=before, after=user_snapshot(user),
        note=_("Đã đặt lại mật khẩu.") if new_password else "",
    )
    return user
