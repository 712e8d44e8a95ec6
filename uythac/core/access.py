"""Shared mechanics of guarded fetches: missing and out-of-scope look the same (404)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _


def fetch_or_404(queryset, **lookup):
    """The one place a scoped queryset turns a code into an object."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404(_("Không tìm thấy đối tượng."))
    return obj


def deny_unless(allowed: bool) -> None:
    """For objects the user may see but not change (e.g. a commune viewer on a group): 403."""
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền thay đổi đối tượng này."))
