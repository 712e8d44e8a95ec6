"""Guarded fetch and scoped list for households.

Bank staff and commune viewers see the households of their communes. Association officers see the
households of their communes that are (or were) members of their organization's groups, plus those with no
current group (candidates to admit). Group leaders see their group's current and former members.
"""

from django.db.models import Exists, OuterRef, Q

from uythac.accounts.models import Role, User
from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless, fetch_or_404
from uythac.households.models import Household

HOUSEHOLD_WRITERS = {
    Role.ADMIN, Role.BRANCH_STAFF, Role.PGD_STAFF, Role.CREDIT_OFFICER, Role.PROVINCE_ASSOCIATION,
    Role.COMMUNE_ASSOCIATION,
}


def household_queryset_for(user: User):
    scope = scope_for(user)
    households = Household.objects.filter(scope.commune_q("commune"))
    if scope.group_id is not None:
        return households.filter(memberships__group_id=scope.group_id).distinct()
    if scope.is_association:
        # groups sits above households in the layers: reach its membership table through the relation.
        membership = Household.memberships.rel.related_model
        in_org = membership.objects.filter(
            household_id=OuterRef("pk"), group__association_unit__organization_id=scope.organization_id
        )
        current = membership.objects.filter(household_id=OuterRef("pk"), left_on__isnull=True)
        households = households.filter(Q(Exists(in_org)) | ~Q(Exists(current)))
    return households


def can_write_households(user: User) -> bool:
    return user.role in HOUSEHOLD_WRITERS


def access_household(user: User, customer_code: str, *, for_write: bool = False) -> Household:
    household = fetch_or_404(
        household_queryset_for(user).select_related("commune", "village"), customer_code=str(customer_code).zfill(10)
    )
    if for_write:
        deny_unless(can_write_households(user))
    return household
