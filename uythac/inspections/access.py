"""Who may see and record inspections; the guarded fetch of an inspection record.

* Visible: the records whose subject lies in the user's communes (district-chapter inspections, which have no
  commune, to province-wide roles); association officers only those of subjects their organization manages or made
  by their organization; a group leader those of the group.
* Recorded by the level the user works at: branch staff for the branch, PGD staff and credit officers for the PGD
  (and on behalf of the commune People's Committee, whose users are read-only), province association officers for
  their organization's province (and legacy district) level, commune association officers for their commune chapter.
  The system administrator records any level. Group leaders and commune viewers record nothing.
"""

from uythac.accounts.models import Role, User
from uythac.core.access import deny_unless, fetch_or_404
from uythac.inspections.models import Inspection, InspectorLevel
from uythac.inspections.selectors import inspection_queryset

LEVELS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.ADMIN: tuple(InspectorLevel.values),
    Role.BRANCH_STAFF: (InspectorLevel.BANK_BRANCH,),
    Role.PGD_STAFF: (InspectorLevel.BANK_OFFICE, InspectorLevel.COMMUNE_COMMITTEE),
    Role.CREDIT_OFFICER: (InspectorLevel.BANK_OFFICE, InspectorLevel.COMMUNE_COMMITTEE),
    Role.PROVINCE_ASSOCIATION: (InspectorLevel.ASSOCIATION_PROVINCE, InspectorLevel.ASSOCIATION_DISTRICT),
    Role.COMMUNE_ASSOCIATION: (InspectorLevel.ASSOCIATION_COMMUNE,),
}


def recordable_levels(user: User | None) -> tuple[str, ...]:
    if user is None or getattr(user, "is_read_only", True):
        return ()
    return LEVELS_BY_ROLE.get(getattr(user, "role", ""), ())


def can_record_inspections(user: User | None) -> bool:
    return bool(recordable_levels(user))


def inspection_queryset_for(user: User):
    return inspection_queryset(user)


def access_inspection(user: User, pk, *, for_write: bool = False) -> Inspection:
    try:
        key = int(str(pk))
    except ValueError:
        key = 0
    inspection = fetch_or_404(
        inspection_queryset_for(user).select_related(
            "loan", "household", "group", "inspected_unit", "managing_unit", "commune", "province", "organization",
            "inspector",
        ),
        pk=key,
    )
    if for_write:
        deny_unless(inspection.level in recordable_levels(user))
    return inspection
