"""Guarded fetch and scoped list for Savings & Loan Groups."""

from uythac.accounts.models import Role, User
from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless, fetch_or_404
from uythac.groups.models import SavingsGroup

GROUP_WRITERS = {
    Role.ADMIN, Role.BRANCH_STAFF, Role.PGD_STAFF, Role.CREDIT_OFFICER, Role.PROVINCE_ASSOCIATION,
    Role.COMMUNE_ASSOCIATION,
}


def group_queryset_for(user: User):
    scope = scope_for(user)
    groups = SavingsGroup.objects.filter(scope.commune_q("commune")).filter(
        scope.organization_q("association_unit__organization")
    )
    if scope.group_id is not None:
        groups = groups.filter(id=scope.group_id)
    return groups


def can_write_groups(user: User) -> bool:
    return user.role in GROUP_WRITERS


def can_record_meetings(user: User) -> bool:
    """Group leaders keep their own group's meeting minutes."""
    return can_write_groups(user) or user.role == Role.GROUP_LEADER


def access_group(user: User, code: str, *, for_write: bool = False, for_meeting: bool = False) -> SavingsGroup:
    group = fetch_or_404(
        group_queryset_for(user).select_related(
            "commune", "commune__province", "association_unit", "association_unit__organization",
            "transaction_point",
        ),
        code=str(code).zfill(7),
    )
    if for_meeting:
        deny_unless(can_record_meetings(user))
    elif for_write:
        deny_unless(can_write_groups(user))
    return group
