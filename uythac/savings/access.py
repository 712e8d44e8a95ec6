"""Guarded fetch and scoped list of member savings accounts.

An account is visible to whoever sees its household (``household_queryset_for``: bank staff and commune viewers by
commune, association officers through their organization's groups, a group leader for their group's members).
Only bank staff move money (``SAVINGS_WRITERS``): deposits collected by a group leader reach the account when the
teller posts the leader's batch at the commune session.
"""

from uythac.accounts.models import Role, User
from uythac.core.access import deny_unless, fetch_or_404
from uythac.households.access import household_queryset_for
from uythac.savings.models import MemberSavingsAccount

SAVINGS_WRITERS = frozenset({Role.ADMIN, Role.BRANCH_STAFF, Role.PGD_STAFF, Role.CREDIT_OFFICER})


def savings_account_queryset_for(user: User):
    return MemberSavingsAccount.objects.filter(household__in=household_queryset_for(user))


def can_write_savings(user: User) -> bool:
    return getattr(user, "role", None) in SAVINGS_WRITERS


def access_savings_account(user: User, account_number: str, *, for_write: bool = False) -> MemberSavingsAccount:
    account = fetch_or_404(
        savings_account_queryset_for(user).select_related(
            "household", "household__commune", "group", "group__transaction_point"
        ),
        account_number=str(account_number).strip(),
    )
    if for_write:
        deny_unless(can_write_savings(user))
    return account
