"""Reads about households, always scoped by the caller (``household_queryset_for``).

Search ignores Vietnamese diacritics and case: "nguyen van an", "NGUYEN VAN AN" and "van an" all find
"Nguyễn Văn An" (names are matched on ``name_search``, kept by ``SearchableNameMixin``; đ folds to d).
"""

import contextlib
import datetime as dt

from django.db.models import Q

from uythac.core.guards import today
from uythac.core.identifiers import normalize_phone
from uythac.core.text import search_key
from uythac.households.access import household_queryset_for
from uythac.households.models import Household, Kinship, PovertyStatusRecord

_ID_SEPARATORS = str.maketrans("", "", " .-()+")


def household_search(user, query: str | None):
    """Households visible to ``user`` matching ``query``; a blank query returns the whole scoped list.

    A query made of digits (spaces, dots, dashes and "+" ignored) matches the start of the customer code, CCCD
    or old CMND, a customer code that lost its leading zeros in Excel, or the phone (any Vietnamese form,
    e.g. "+84 912 345 678"). Any other query matches names without diacritics: every word of the query must
    appear in the name, so "van an" and "nguyen an" both find "Nguyễn Văn An".
    """
    households = household_queryset_for(user).select_related("commune", "village")
    text = (query or "").strip()
    if not text:
        return households
    digits = text.translate(_ID_SEPARATORS)
    if digits.isdigit():
        match = (
            Q(customer_code__startswith=digits)
            | Q(national_id__startswith=digits)
            | Q(legacy_id_number__startswith=digits)
            | Q(phone__contains=digits)
        )
        if len(digits) < 10:
            match |= Q(customer_code=digits.zfill(10))
        with contextlib.suppress(ValueError):
            match |= Q(phone=normalize_phone(text))
        return households.filter(match)
    words = search_key(text).split()
    name_match = Q()
    for word in words:
        name_match &= Q(name_search__contains=word)
    return households.filter(name_match)


def household_current_group(household: Household):
    """The Savings & Loan Group the household is a current member of (membership not left), or ``None``."""
    membership = (
        household.memberships.filter(left_on__isnull=True).select_related("group").order_by("-joined_on").first()
    )
    return membership.group if membership is not None else None


def poverty_status_current(household: Household, *, on: dt.date | None = None) -> PovertyStatusRecord | None:
    """The poverty status in force on a date: the record of the latest list year not after that date's year.

    The commune reviews its lists once a year; until the next year's list is recorded, the last one stands.
    """
    on = on or today()
    return household.poverty_records.filter(year__lte=on.year).order_by("-year", "-recorded_on", "-id").first()


def household_kinships(user, household: Household):
    """Declared ties of a household with households the user may see (both directions)."""
    visible = household_queryset_for(user)
    return (
        Kinship.objects.filter(Q(person=household) | Q(relative=household))
        .filter(person__in=visible, relative__in=visible)
        .select_related("person", "relative")
        .order_by("kind", "id")
    )
