"""Create a user from command-line codes (``uythac createuser``, and the logins of ``uythac demo``).

The command names the scope by code; this module turns the codes into objects with clear Vietnamese messages,
then calls ``accounts.services.user_create`` (which validates the username, the password and the role's
scope, saves and audits). Scope codes by role:

- branch_staff, province_association: province code (2 digits);
- pgd_staff: PGD code (6 digits);
- credit_officer: a PGD code (the officer becomes responsible for every commune the PGD serves) or commune codes
  separated by commas (5-digit national or 6-digit bank codes; their common PGD becomes the officer's PGD);
- commune_association, commune_viewer: commune code; group_leader: group code (7 digits); admin: none.

``--org`` (11|12|13|14) is required for the association roles and refused for the others.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uythac.accounts.models import ASSOCIATION_ROLES, Role, User
from uythac.accounts.services import user_create
from uythac.core.exceptions import DomainError
from uythac.geography.models import Commune, Province
from uythac.groups.models import GroupStatus, SavingsGroup
from uythac.network.models import Organization, TransactionOffice

ROLE_CODES = tuple(Role.values)
ORGANIZATION_CODES = "11|12|13|14"
SCOPE_HINTS = {
    Role.BRANCH_STAFF: gettext_lazy("mã tỉnh gồm 2 chữ số"),
    Role.PROVINCE_ASSOCIATION: gettext_lazy("mã tỉnh gồm 2 chữ số"),
    Role.PGD_STAFF: gettext_lazy("mã phòng giao dịch gồm 6 chữ số"),
    Role.CREDIT_OFFICER: gettext_lazy("mã phòng giao dịch (6 chữ số) hoặc mã các xã phụ trách, cách nhau bởi dấu phẩy"),
    Role.COMMUNE_ASSOCIATION: gettext_lazy("mã xã (5 chữ số, hoặc 6 chữ số theo mã ngân hàng)"),
    Role.COMMUNE_VIEWER: gettext_lazy("mã xã (5 chữ số, hoặc 6 chữ số theo mã ngân hàng)"),
    Role.GROUP_LEADER: gettext_lazy("mã tổ TK&VV gồm 7 chữ số"),
}


@dataclass(frozen=True)
class CommandActor:
    """The operator of a uythac command: recorded in the audit trail under the command's name."""

    username: str
    role: str = Role.ADMIN
    pk: None = None


@dataclass
class ResolvedScope:
    objects: dict = field(default_factory=dict)  # province / office / commune / group
    communes: list = field(default_factory=list)  # responsible communes (credit officers)

    def describe(self) -> dict:
        """The scope as codes, for the command's JSON output."""
        described = {name: obj.code for name, obj in self.objects.items()}
        if self.communes:
            described["communes"] = [commune.code for commune in self.communes]
        return described


def _is_digits(code: str, *widths: int) -> bool:
    return code.isdigit() and len(code) in widths


def _commune(code: str) -> Commune:
    national = code[1:] if len(code) == 6 and code.startswith("0") else code
    commune = Commune.objects.filter(code=national).first()
    if commune is None:
        raise DomainError(_("Không tìm thấy xã có mã %(code)s.") % {"code": code}, field="scope")
    return commune


def _office_of_communes(communes: list[Commune]) -> TransactionOffice:
    codes = ", ".join(commune.code for commune in communes)
    common = None
    for commune in communes:
        serving = set(TransactionOffice.objects.filter(communes=commune, is_active=True).values_list("id", flat=True))
        if not serving:
            raise DomainError(
                _("Xã %(code)s chưa có phòng giao dịch nào phục vụ.") % {"code": commune.code}, field="scope"
            )
        common = serving if common is None else common & serving
    if not common:
        raise DomainError(
            _("Các xã %(codes)s không do cùng một phòng giao dịch phục vụ.") % {"codes": codes}, field="scope"
        )
    if len(common) > 1:
        offices = ", ".join(
            TransactionOffice.objects.filter(id__in=common).order_by("code").values_list("code", flat=True)
        )
        raise DomainError(
            _("Các xã %(codes)s được nhiều phòng giao dịch phục vụ (%(offices)s): hãy dùng mã phòng giao dịch.")
            % {"codes": codes, "offices": offices},
            field="scope",
        )
    return TransactionOffice.objects.get(id=next(iter(common)))


def _credit_officer_scope(code: str) -> ResolvedScope:
    parts = [part.strip() for part in code.split(",") if part.strip()]
    if len(parts) == 1 and _is_digits(parts[0], 6):
        office = TransactionOffice.objects.filter(code=parts[0]).first()
        if office is not None:
            _check_active(office)
            return ResolvedScope({"office": office}, list(office.communes.order_by("code")))
        if not parts[0].startswith("0"):
            raise DomainError(
                _("Không tìm thấy phòng giao dịch hoặc xã có mã %(code)s.") % {"code": parts[0]}, field="scope"
            )
    if not parts or not all(_is_digits(part, 5, 6) for part in parts):
        raise _bad_format(Role.CREDIT_OFFICER, code)
    communes = []
    for part in dict.fromkeys(parts):  # drop repeats, keep the order given
        commune = _commune(part)
        if commune not in communes:
            communes.append(commune)
    return ResolvedScope({"office": _office_of_communes(communes)}, communes)


def _check_active(office: TransactionOffice) -> None:
    if not office.is_active:
        raise DomainError(_("Phòng giao dịch %(code)s đã ngừng hoạt động.") % {"code": office.code}, field="scope")


def _bad_format(role: str, code: str) -> DomainError:
    return DomainError(
        _("Mã «%(code)s» không hợp lệ cho vai trò %(role)s: cần %(hint)s.")
        % {"code": code, "role": role, "hint": SCOPE_HINTS[role]},
        field="scope",
    )


def resolve_scope(role: str, code: str | None) -> ResolvedScope:
    """The objects a role's scope code names; DomainError (field "scope") on a bad or unknown code."""
    code = (code or "").strip()
    if role == Role.ADMIN:
        if code:
            raise DomainError(_("Vai trò admin không dùng --scope."), field="scope")
        return ResolvedScope()
    if not code:
        raise DomainError(
            _("Vai trò %(role)s cần --scope: %(hint)s.") % {"role": role, "hint": SCOPE_HINTS[role]}, field="scope"
        )
    if role == Role.CREDIT_OFFICER:
        return _credit_officer_scope(code)
    if role in {Role.BRANCH_STAFF, Role.PROVINCE_ASSOCIATION}:
        if not _is_digits(code, 2):
            raise _bad_format(role, code)
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise DomainError(_("Không tìm thấy tỉnh có mã %(code)s.") % {"code": code}, field="scope")
        return ResolvedScope({"province": province})
    if role == Role.PGD_STAFF:
        if not _is_digits(code, 6):
            raise _bad_format(role, code)
        office = TransactionOffice.objects.filter(code=code).first()
        if office is None:
            raise DomainError(_("Không tìm thấy phòng giao dịch có mã %(code)s.") % {"code": code}, field="scope")
        _check_active(office)
        return ResolvedScope({"office": office})
    if role in {Role.COMMUNE_ASSOCIATION, Role.COMMUNE_VIEWER}:
        if not _is_digits(code, 5, 6):
            raise _bad_format(role, code)
        return ResolvedScope({"commune": _commune(code)})
    if not _is_digits(code, 7):
        raise _bad_format(role, code)
    group = SavingsGroup.objects.filter(code=code).first()
    if group is None:
        raise DomainError(_("Không tìm thấy tổ TK&VV có mã %(code)s.") % {"code": code}, field="scope")
    if group.status != GroupStatus.ACTIVE:
        raise DomainError(
            _("Tổ %(code)s không còn hoạt động (%(status)s).") % {"code": code, "status": group.get_status_display()},
            field="scope",
        )
    return ResolvedScope({"group": group})


def resolve_organization(role: str, code: str | None) -> Organization | None:
    code = (code or "").strip()
    if role not in ASSOCIATION_ROLES:
        if code:
            raise DomainError(
                _("Vai trò %(role)s không dùng --org (chỉ dành cho province_association và commune_association).")
                % {"role": role},
                field="org",
            )
        return None
    if not code:
        raise DomainError(
            _("Vai trò %(role)s cần --org %(codes)s.") % {"role": role, "codes": ORGANIZATION_CODES}, field="org"
        )
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        raise DomainError(
            _("Không tìm thấy tổ chức hội có mã %(code)s; chọn %(codes)s.")
            % {"code": code, "codes": ORGANIZATION_CODES},
            field="org",
        )
    return organization


def resolve_role(role: str | None) -> str:
    role = (role or "").strip()
    if not role:
        raise DomainError(
            _("Thiếu --role; chọn một trong: %(roles)s.") % {"roles": ", ".join(ROLE_CODES)}, field="role"
        )
    if role not in ROLE_CODES:
        raise DomainError(
            _("Vai trò «%(role)s» không hợp lệ; chọn một trong: %(roles)s.")
            % {"role": role, "roles": ", ".join(ROLE_CODES)},
            field="role",
        )
    return role


@transaction.atomic
def user_create_from_codes(
    *, actor: CommandActor, username: str, password: str, role: str | None, scope: str | None, org: str | None
) -> tuple[User, dict]:
    """Create the user; returns it with the JSON description printed by ``createuser``."""
    if not (username or "").strip():
        raise DomainError(_("Thiếu --username (tên đăng nhập)."), field="username")
    if not password:
        raise DomainError(_("Thiếu --password (mật khẩu)."), field="password")
    role = resolve_role(role)
    organization = resolve_organization(role, org)
    resolved = resolve_scope(role, scope)
    user = user_create(
        actor=actor, username=username, password=password, role=role, organization=organization,
        responsible_communes=resolved.communes, **resolved.objects,
    )
    description = {
        "username": user.username,
        "role": user.role,
        "scope": resolved.describe(),
        "organization": organization.code if organization else None,
    }
    return user, description
