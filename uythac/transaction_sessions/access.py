"""Guarded fetches and scoped lists of transaction sessions and collection batches.

* Sessions are visible to whoever sees the commune of their transaction point (bank staff of the communes,
  association officers and the commune viewer of the commune; a group leader sees the sessions of the point
  where their group transacts). The session desk is written by the bank's team: credit officers, PGD staff,
  the administrator (``SESSION_WRITERS``); everyone else reads it.
* Batches (13/TD) are visible with their group (``group_queryset_for``). A group leader submits the batches of
  their own group; a credit officer or PGD staff member may submit one on a leader's behalf.
"""

from uythac.accounts.models import Role, User
from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless, fetch_or_404
from uythac.groups.access import group_queryset_for
from uythac.transaction_sessions.models import CollectionBatch, TransactionSession

SESSION_WRITERS = frozenset({Role.ADMIN, Role.PGD_STAFF, Role.CREDIT_OFFICER})
BATCH_SUBMITTERS = SESSION_WRITERS | {Role.GROUP_LEADER}


def _int(value) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return -1


def session_queryset_for(user: User):
    scope = scope_for(user)
    sessions = TransactionSession.objects.filter(scope.commune_q("transaction_point__commune"))
    if scope.group_id is not None:
        sessions = sessions.filter(transaction_point__savings_groups__id=scope.group_id)
    return sessions


def can_write_sessions(user: User | None) -> bool:
    return user is not None and getattr(user, "role", None) in SESSION_WRITERS


def access_session(user: User, pk, *, for_write: bool = False) -> TransactionSession:
    session = fetch_or_404(
        session_queryset_for(user).select_related(
            "transaction_point", "transaction_point__commune", "transaction_point__office", "team_leader",
            "controller", "teller",
        ),
        pk=_int(pk),
    )
    if for_write:
        deny_unless(can_write_sessions(user))
    return session


def batch_queryset_for(user: User):
    return CollectionBatch.objects.filter(group__in=group_queryset_for(user))


def can_submit_batches(user: User | None) -> bool:
    return user is not None and getattr(user, "role", None) in BATCH_SUBMITTERS


def access_batch(user: User, pk, *, for_write: bool = False) -> CollectionBatch:
    batch = fetch_or_404(batch_queryset_for(user).select_related("group", "group__transaction_point"), pk=_int(pk))
    if for_write:
        deny_unless(can_write_sessions(user))
    return batch
