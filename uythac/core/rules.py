"""Read dated rule values (``RuleValue``) in force on a date."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.models import RuleValue


def rule_get(key: str, *, on: dt.date) -> RuleValue:
    found = (
        RuleValue.objects.filter(key=key, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )
    if found is None:
        raise DomainError(
            _("Chưa cấu hình quy tắc «%(key)s» cho ngày %(date)s.") % {"key": key, "date": f"{on:%d/%m/%Y}"}
        )
    return found


def rule_value(key: str, *, on: dt.date):
    return rule_get(key, on=on).value
