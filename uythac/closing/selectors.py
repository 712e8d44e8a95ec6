"""Reads of the month-end close: where a close stands, and the snapshots in a user's scope (what reports read).

``close_states(period, scope=None) -> list[ClosingStepState]``
    The state rows of a close (scope: a ``CloseScope``, a scope key such as "province:24", or None = the whole
    country), in step order.
``close_is_complete(period, scope=None) -> bool``
    Every step that applies to the scope is DONE.
``loan_snapshot_queryset_for(user, period)`` / ``group_snapshot_queryset_for(user, period)`` /
``commune_snapshot_queryset_for(user, period)``
    The period's rows the user may see: the communes of the user's scope; an association officer only the rows of
    their organization (the commune total rows, which mix organizations, are left out for them); a group leader only
    the group's loans and the group's own row.
"""

from django.db.models import QuerySet

from uythac.accounts.scope import scope_for
from uythac.closing.models import (
    ALL_ORGANIZATIONS,
    ClosingStepState,
    CommuneSnapshot,
    GroupSnapshot,
    LoanSnapshot,
    StepStatus,
)
from uythac.closing.scope import COUNTRY, CloseScope
from uythac.closing.steps import CloseContext, close_steps, step_names
from uythac.core.periods import Period
from uythac.network.models import Organization


def _scope_key(scope) -> str:
    if scope is None:
        return COUNTRY
    return scope.key if isinstance(scope, CloseScope) else str(scope)


def close_states(period, scope=None) -> list[ClosingStepState]:
    rows = {row.step: row for row in ClosingStepState.objects.filter(period=str(period), scope=_scope_key(scope))}
    return [rows[name] for name in step_names() if name in rows]


def close_is_complete(period, scope=None) -> bool:
    key = _scope_key(scope)
    kind, _sep, _code = key.partition(":")
    ctx = CloseContext(period=period if isinstance(period, Period) else Period.parse(str(period)),
                       scope=CloseScope(kind))
    done = {row.step for row in close_states(period, key) if row.status == StepStatus.DONE}
    return all(step.name in done for step in close_steps() if step.applies(ctx))


def _organization_code(scope) -> str | None:
    if not scope.is_association or scope.organization_id is None:
        return None
    return Organization.objects.filter(pk=scope.organization_id).values_list("code", flat=True).first() or "-"


def loan_snapshot_queryset_for(user, period) -> QuerySet:
    scope = scope_for(user)
    rows = LoanSnapshot.objects.filter(period=str(period)).filter(scope.commune_q("commune"))
    organization = _organization_code(scope)
    if organization is not None:
        rows = rows.filter(organization_code=organization)
    if scope.group_id is not None:
        rows = rows.filter(group_id=scope.group_id)
    return rows.order_by("loan_number")


def group_snapshot_queryset_for(user, period) -> QuerySet:
    scope = scope_for(user)
    rows = GroupSnapshot.objects.filter(period=str(period)).filter(scope.commune_q("commune"))
    organization = _organization_code(scope)
    if organization is not None:
        rows = rows.filter(organization_code=organization)
    if scope.group_id is not None:
        rows = rows.filter(group_id=scope.group_id)
    return rows.order_by("group_id")


def commune_snapshot_queryset_for(user, period) -> QuerySet:
    scope = scope_for(user)
    if scope.group_id is not None:
        return CommuneSnapshot.objects.none()
    rows = CommuneSnapshot.objects.filter(period=str(period)).filter(scope.commune_q("commune"))
    organization = _organization_code(scope)
    if organization is not None:
        rows = rows.filter(organization_code=organization).exclude(organization_code=ALL_ORGANIZATIONS)
    return rows.order_by("commune_id", "organization_code")
