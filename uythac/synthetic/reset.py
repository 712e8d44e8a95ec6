"""Delete a generated province's data (``uythac generate --reset``), children before parents.

Set-based: each entry is one ``DELETE … WHERE id IN (SELECT …)`` over the province (Django's ``_raw_delete``,
which skips the per-row collector that would load 100,000 households into memory). The order respects every
PROTECT/CASCADE foreign key, so nothing is left dangling. When a later issue adds tables that point at
households, groups or the network (loans, savings, sessions …), add them at the top of ``TEARDOWN``.
Users whose scope lies inside the province are deleted after the lending data (loans and sessions name the users
who made them) and before the rest (their scope objects disappear with it).
"""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from uythac.accounts.models import User
from uythac.geography.models import Province, Village
from uythac.groups.models import (
    AgencyContract,
    GroupBoardTerm,
    GroupConsolidation,
    GroupMeeting,
    GroupMembership,
    GroupStatusChange,
    SavingsGroup,
)
from uythac.households.models import Household, Kinship, PovertyStatusRecord
from uythac.network.models import (
    AssociationUnit,
    Branch,
    EntrustmentContract,
    JointAgreement,
    TransactionOffice,
    TransactionPoint,
    UnitLevel,
)
from uythac.synthetic.steps.inspections import INSPECTION_TEARDOWN
from uythac.synthetic.steps.lending.teardown import LENDING_TEARDOWN


def _group_consolidations(province: Province) -> list[QuerySet]:
    """Unlink the province's groups from merges/splits, then drop the consolidations left without any group."""
    touched = list(
        GroupConsolidation.objects.filter(
            Q(sources__commune__province=province) | Q(targets__commune__province=province)
        ).values_list("id", flat=True).distinct()
    )
    return [
        GroupConsolidation.sources.through.objects.filter(savingsgroup__commune__province=province),
        GroupConsolidation.targets.through.objects.filter(savingsgroup__commune__province=province),
        GroupConsolidation.objects.filter(id__in=touched, sources__isnull=True, targets__isnull=True),
    ]


# (label, querysets of one province), in deletion order.
TEARDOWN: tuple[tuple[str, Callable[[Province], list[QuerySet]]], ...] = (
    *INSPECTION_TEARDOWN,
    *LENDING_TEARDOWN,
    ("group_meetings", lambda p: [GroupMeeting.objects.filter(group__commune__province=p)]),
    ("group_consolidations", _group_consolidations),
    ("group_status_changes", lambda p: [GroupStatusChange.objects.filter(group__commune__province=p)]),
    ("agency_contracts", lambda p: [
        AgencyContract.objects.filter(Q(group__commune__province=p) | Q(office__branch__province=p))
    ]),
    ("board_terms", lambda p: [GroupBoardTerm.objects.filter(group__commune__province=p)]),
    ("memberships", lambda p: [
        GroupMembership.objects.filter(Q(group__commune__province=p) | Q(household__commune__province=p))
    ]),
    ("group_villages", lambda p: [
        SavingsGroup.villages.through.objects.filter(
            Q(savingsgroup__commune__province=p) | Q(village__commune__province=p)
        )
    ]),
    ("groups", lambda p: [SavingsGroup.objects.filter(commune__province=p)]),
    ("kinships", lambda p: [
        Kinship.objects.filter(Q(person__commune__province=p) | Q(relative__commune__province=p))
    ]),
    ("poverty_records", lambda p: [PovertyStatusRecord.objects.filter(household__commune__province=p)]),
    ("households", lambda p: [Household.objects.filter(commune__province=p)]),
    ("villages", lambda p: [Village.objects.filter(commune__province=p)]),
    ("entrustment_contracts", lambda p: [
        EntrustmentContract.objects.filter(Q(office__branch__province=p) | Q(association_unit__province=p))
    ]),
    ("joint_agreements", lambda p: [
        JointAgreement.objects.filter(Q(branch__province=p) | Q(association_unit__province=p))
    ]),
    ("association_units", lambda p: [
        AssociationUnit.objects.filter(province=p, level=level)
        for level in (UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.PROVINCE)
    ]),
    ("transaction_points", lambda p: [
        TransactionPoint.objects.filter(Q(commune__province=p) | Q(office__branch__province=p))
    ]),
    ("office_communes", lambda p: [
        TransactionOffice.communes.through.objects.filter(
            Q(transactionoffice__branch__province=p) | Q(commune__province=p)
        )
    ]),
    ("transaction_offices", lambda p: [TransactionOffice.objects.filter(branch__province=p)]),
    ("branches", lambda p: [Branch.objects.filter(province=p)]),
)

# What makes a province "have data": the tables a user could have filled by hand.
OWNED = ("branches", "transaction_offices", "transaction_points", "villages", "association_units", "groups",
         "households")


def scoped_users(province: Province):
    return User.objects.filter(
        Q(province=province) | Q(office__branch__province=province) | Q(commune__province=province)
        | Q(group__commune__province=province)
    ).distinct()


def province_has_data(province: Province) -> bool:
    return any(
        queryset.exists() for label, querysets in TEARDOWN if label in OWNED for queryset in querysets(province)
    )


def _delete_rows(queryset: QuerySet) -> int:
    # ``_raw_delete`` answers None when the filter cannot match anything (e.g. ``id__in=[]``).
    return queryset._raw_delete(queryset.db) or 0


def _delete_users(province: Province) -> int:
    count = 0
    for user in scoped_users(province):
        user.delete()
        count += 1
    return count


def reset_province(province: Province) -> dict[str, int]:
    """Delete everything generated in ``province``; returns the number of rows deleted per table."""
    deleted = {}
    lending = {label for label, _querysets in (*INSPECTION_TEARDOWN, *LENDING_TEARDOWN)}
    for label, querysets in TEARDOWN:
        if label not in lending and "users" not in deleted:
            deleted["users"] = _delete_users(province)
        deleted[label] = sum(_delete_rows(queryset) for queryset in querysets(province))
    return {label: count for label, count in deleted.items() if count}
