"""User administration (system administrators only; everyone else gets 404, as for a missing page)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.models import Role, User
from uythac.accounts.services import user_create, user_update
from uythac.core.access import fetch_or_404
from uythac.web.crud import Breadcrumb, Column, code_and_name, edit_page, form_page, list_page
from uythac.web.detail import DetailField, Section, detail_page, edit_action
from uythac.web.forms.users import UserCreateForm, UserEditForm
from uythac.web.pages.geography import commune_link, province_link


def require_admin(user) -> None:
    """User administration is invisible (404) to everyone but administrators."""
    if user.role != Role.ADMIN:
        raise Http404(_("Không tìm thấy đối tượng."))


def user_link(user) -> str:
    return reverse("user-detail", args=[user.username])


def _users_crumb() -> Breadcrumb:
    return Breadcrumb(_("Người dùng"), reverse("user-list"))


def _access_user(request, username) -> User:
    require_admin(request.user)
    return fetch_or_404(
        User.objects.select_related("province", "office", "commune", "group", "organization"), username=username
    )


@login_required
def user_list(request):
    require_admin(request.user)
    return list_page(
        request,
        title=_("Người dùng"),
        queryset=User.objects.select_related("province", "office", "commune", "group", "organization").order_by(
            "username"
        ),
        columns=[
            Column(_("Tên đăng nhập"), "username", link=user_link),
            Column(_("Họ tên"), "get_full_name"),
            Column(_("Vai trò"), "get_role_display"),
            Column(_("Phạm vi"), scope_summary),
            Column(_("Tổ chức"), "organization.short_name"),
            Column(_("Đang hoạt động"), "is_active"),
        ],
        code_fields=("username", "first_name", "last_name", "email"),
        name_fields=(),
        create_url=reverse("user-create"),
        create_label=_("Thêm người dùng"),
    )


def scope_summary(user) -> str:
    places = [str(place) for place in (user.province, user.office, user.commune, user.group) if place is not None]
    return " · ".join(places) if places else _("Toàn hệ thống") if user.role == Role.ADMIN else "—"


@login_required
def user_detail(request, username):
    target = _access_user(request, username)
    communes = target.responsible_communes.select_related("province").order_by("name")

    def linked(obj, url_name, key):
        return (str(obj), reverse(url_name, args=[getattr(obj, key)])) if obj is not None else (None, None)

    office_label, office_url = linked(target.office, "office-detail", "code")
    group_label, group_url = linked(target.group, "group-detail", "code")
    organization_label, organization_url = linked(target.organization, "organization-detail", "code")
    return detail_page(
        request,
        title=target.get_full_name() or target.username,
        subtitle=target.username,
        breadcrumbs=[_users_crumb(), Breadcrumb(target.username, user_link(target))],
        audit_url=reverse("audit", args=["user", target.username]),
        fields=[
            DetailField(_("Tên đăng nhập"), target.username),
            DetailField(_("Họ tên"), target.get_full_name()),
            DetailField(_("Vai trò"), target.get_role_display()),
            DetailField(_("Tổ chức hội"), organization_label, organization_url),
            DetailField(_("Tỉnh/thành phố"), target.province.name if target.province else None,
                        province_link(target.province) if target.province else None),
            DetailField(_("Phòng giao dịch"), office_label, office_url),
            DetailField(_("Xã/phường"), target.commune.name if target.commune else None,
                        commune_link(target.commune) if target.commune else None),
            DetailField(_("Tổ TK&VV"), group_label, group_url),
            DetailField(_("Email"), target.email),
            DetailField(_("Điện thoại"), target.phone),
            DetailField(_("Đang hoạt động"), target.is_active),
            DetailField(_("Lần đăng nhập cuối"), target.last_login),
            DetailField(_("Ngày tạo"), target.date_joined),
        ],
        actions=[edit_action("user-edit", target.username, True)],
        sections=[
            Section(_("Các xã phụ trách"), [
                *code_and_name(_("Mã xã"), commune_link),
                Column(_("Tỉnh"), "province.name"),
            ], communes),
        ] if target.role == Role.CREDIT_OFFICER else [],
    )


@login_required
def user_create_page(request):
    require_admin(request.user)
    return form_page(
        request,
        title=_("Thêm người dùng"),
        form_class=UserCreateForm,
        form_kwargs={"actor": request.user},
        service=lambda data: user_create(actor=request.user, **UserCreateForm.service_values(data)),
        success_url=user_link,
        success_message=_("Đã tạo người dùng."),
        breadcrumbs=[_users_crumb(), Breadcrumb(_("Thêm mới"))],
        cancel_url=reverse("user-list"),
        intro=_("Chọn vai trò rồi nhập phạm vi mà vai trò đó cần; các trường phạm vi khác được bỏ qua."),
    )


@login_required
def user_edit_page(request, username):
    target = _access_user(request, username)
    return edit_page(
        request, target, link=user_link, trail=[_users_crumb(), Breadcrumb(target.username, user_link(target))],
        title=_("Sửa người dùng %(username)s") % {"username": target.username},
        form_class=UserEditForm,
        service=lambda data: user_update(actor=request.user, user=target, **UserEditForm.service_values(data)),
        success_message=_("Đã lưu thay đổi của người dùng."),
        intro=_("Các trường phạm vi không dùng cho vai trò đã chọn sẽ được xóa."),
    )


urlpatterns = [
    path("users/", user_list, name="user-list"),
    path("users/new/", user_create_page, name="user-create"),
    path("users/<str:username>/", user_detail, name="user-detail"),
    path("users/<str:username>/edit/", user_edit_page, name="user-edit"),
]
