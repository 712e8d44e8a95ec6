"""Audit page per object: who changed what, when, before and after.

Only users who may see the object see its history: the object is fetched through its guarded fetch first, so
an out-of-scope object's history answers 404 like a missing one.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from uythac.accounts import access
from uythac.core.audit import audit_history
from uythac.groups.access import access_group
from uythac.households.access import access_household
from uythac.web.pages.users import require_admin


def _user_object(user, key):
    require_admin(user)
    from uythac.accounts.models import User

    found = User.objects.filter(username=key).first()
    if found is None:
        raise Http404(_("Không tìm thấy đối tượng."))
    return found


# object_type (model name, see core.audit.audit_key) → guarded fetch by business key
RESOLVERS = {
    "province": access.access_province,
    "commune": access.access_commune,
    "village": access.access_village,
    "branch": access.access_branch,
    "transactionoffice": access.access_office,
    "transactionpoint": access.access_point,
    "associationunit": access.access_unit,
    "jointagreement": access.access_agreement,
    "entrustmentcontract": access.access_contract,
    "savingsgroup": access_group,
    "household": access_household,
    "user": _user_object,
}


@login_required
def audit_page(request, object_type, key):
    resolver = RESOLVERS.get(object_type)
    if resolver is None:
        raise Http404(_("Không tìm thấy đối tượng."))
    obj = resolver(request.user, key)
    events = audit_history(object_type, key)[:500]
    return render(
        request,
        "web/audit.html",
        {"title": _("Lịch sử thay đổi: %(name)s") % {"name": obj}, "object": obj, "events": events},
    )


urlpatterns = [path("audit/<str:object_type>/<str:key>/", audit_page, name="audit")]
