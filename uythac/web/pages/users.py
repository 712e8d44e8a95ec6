"""User administration (system administrators only)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.models import Role, User
from uythac.web.crud import Column, list_page


def require_admin(user) -> None:
    """User administration is invisible (404) to everyone but administrators."""
    if user.role != Role.ADMIN:
        raise Http404(_("Không tìm thấy đối tượng."))


def user_link(user) -> str:
    return reverse("user-detail", args=[user.username])


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
            Column(_("Tổ chức"), "organization.short_name"),
            Column(_("Đang hoạt động"), "is_active"),
        ],
        code_fields=("username", "first_name", "last_name"),
        name_fields=(),
    )


urlpatterns = [
    path("users/", user_list, name="user-list"),
]
