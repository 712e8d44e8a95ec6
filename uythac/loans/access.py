"""Who may see and change loans and loan applications; guarded fetches (missing and out of scope look the same).

* Loans and applications are visible to the roles that see the borrower's commune (``scope_for``); association
  officers only for their organization's groups (direct loans have no group: bank roles only); group leaders only
  for their own group.
* Money and decisions (approval, disbursement, repayment, changes, risk handling) are written by the bank's credit
  officers and PGD staff inside their communes, and by the system administrator.
* Associations and group leaders may also submit applications and record review meetings for their groups
  (process.md §3.1 steps 1–2: the group receives the 01/TD and holds the họp bình xét).
"""

from django.utils.translation import gettext as _

from uythac.accounts.models import ASSOCIATION_ROLES, Role, User
from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless, fetch_or_404
from uythac.core.exceptions import DomainError
from uythac.loans.models import Loan, LoanApplication

LOAN_WRITERS = frozenset({Role.ADMIN, Role.PGD_STAFF, Role.CREDIT_OFFICER})
GROUP_SIDE_WRITERS = frozenset({Role.GROUP_LEADER, *ASSOCIATION_ROLES})


def can_write_loans(user: User | None) -> bool:
    return user is not None and getattr(user, "role", None) in LOAN_WRITERS and not user.is_read_only


def _scoped(queryset, user: User):
    scope = scope_for(user)
    queryset = queryset.filter(scope.commune_q("household__commune"))
    if scope.group_id is not None:
        return queryset.filter(group_id=scope.group_id)
    if scope.is_association:
        return queryset.filter(group__association_unit__organization_id=scope.organization_id)
    return queryset


def loan_queryset_for(user: User):
    return _scoped(Loan.objects.all(), user)


def application_queryset_for(user: User):
    return _scoped(LoanApplication.objects.all(), user)


def access_loan(user: User, loan_number: str, *, for_write: bool = False) -> Loan:
    loan = fetch_or_404(
        loan_queryset_for(user).select_related("household", "group", "program", "office", "commune"),
        loan_number=str(loan_number).strip(),
    )
    if for_write:
        deny_unless(can_write_loans(user))
    return loan


def access_application(user: User, pk, *, for_write: bool = False) -> LoanApplication:
    try:
        key = int(str(pk))
    except ValueError:
        key = 0
    application = fetch_or_404(
        application_queryset_for(user).select_related("household", "group", "program", "office"), pk=key
    )
    if for_write:
        deny_unless(can_write_loans(user))
    return application


def require_loan_writer(actor, commune_id: int, *, field: str = "loan") -> None:
    """The bank-side write check every money and decision service starts with (actor ``None`` = the system)."""
    if actor is None:
        return
    if not can_write_loans(actor):
        raise DomainError(_("Chỉ cán bộ tín dụng, cán bộ phòng giao dịch được thực hiện nghiệp vụ cho vay."),
                          field=field)
    if not scope_for(actor).allows_commune(commune_id):
        raise DomainError(_("Món vay/hồ sơ vay không thuộc phạm vi quản lý của bạn."), field=field)
