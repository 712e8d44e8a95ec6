"""Guarded fetches and scoped lists of fee schedules and statements.

* Schedules are public reference data for every signed-in user; only the administrator publishes one.
* A fee statement is seen with its unit's commune (bank staff of the commune, the commune's association officers of
  the same organization, the commune viewer); province-level users see their province. A commission statement is
  seen with its group (the group leader sees their own group's). Out of scope answers 404 like a missing one.
"""

from uythac.accounts.models import Role, User
from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless, fetch_or_404
from uythac.fees.models import CommissionStatement, FeeSchedule, FeeStatement

STATEMENT_PAYERS = frozenset({Role.ADMIN, Role.PGD_STAFF, Role.CREDIT_OFFICER})


def _int(value) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return -1


def schedule_queryset_for(user: User):
    return FeeSchedule.objects.all() if scope_for(user).role != "none" else FeeSchedule.objects.none()


def can_publish_schedules(user: User | None) -> bool:
    return user is not None and getattr(user, "role", None) == Role.ADMIN


def access_schedule(user: User, code: str, *, for_write: bool = False) -> FeeSchedule:
    schedule = fetch_or_404(schedule_queryset_for(user), code=str(code))
    if for_write:
        deny_unless(can_publish_schedules(user))
    return schedule


def fee_statement_queryset_for(user: User):
    scope = scope_for(user)
    statements = FeeStatement.objects.filter(scope.commune_q("commune"))
    if scope.group_id is not None:
        statements = statements.filter(association_unit__savings_groups__id=scope.group_id)
    return statements.filter(scope.organization_q("association_unit__organization"))


def commission_statement_queryset_for(user: User):
    scope = scope_for(user)
    statements = CommissionStatement.objects.filter(scope.commune_q("commune"))
    if scope.group_id is not None:
        statements = statements.filter(group_id=scope.group_id)
    return statements.filter(scope.organization_q("association_unit__organization"))


def can_pay_statements(user: User | None) -> bool:
    return user is not None and getattr(user, "role", None) in STATEMENT_PAYERS


def access_fee_statement(user: User, pk, *, for_write: bool = False) -> FeeStatement:
    statement = fetch_or_404(
        fee_statement_queryset_for(user).select_related(
            "association_unit", "association_unit__organization", "commune", "province", "office", "schedule"),
        pk=_int(pk),
    )
    if for_write:
        deny_unless(can_pay_statements(user))
    return statement


def access_commission_statement(user: User, pk, *, for_write: bool = False) -> CommissionStatement:
    statement = fetch_or_404(
        commission_statement_queryset_for(user).select_related(
            "group", "association_unit", "commune", "province", "office", "schedule"),
        pk=_int(pk),
    )
    if for_write:
        deny_unless(can_pay_statements(user))
    return statement
