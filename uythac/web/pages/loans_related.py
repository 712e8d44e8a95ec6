"""Links between the loan pages and the household / group pages, and the "Khoản vay" section those pages include
(template ``web/loan_related.html``): the loans and the applications in progress the viewer may see."""

from django.urls import reverse
from django.utils.translation import gettext as _

from uythac.groups.access import group_queryset_for
from uythac.loans.access import (
    GROUP_SIDE_WRITERS,
    LOAN_WRITERS,
    application_queryset_for,
    can_write_loans,
    loan_queryset_for,
)
from uythac.loans.models import ApplicationStatus
from uythac.web.crud import Breadcrumb

DONE = [ApplicationStatus.DISBURSED, ApplicationStatus.REJECTED]


def loan_link(loan) -> str:
    return reverse("loan-detail", args=[loan.loan_number])


def loan_crumbs(loan=None) -> list[Breadcrumb]:
    crumbs = [Breadcrumb(_("Khế ước vay"), reverse("loan-list"))]
    if loan is not None:
        crumbs.append(Breadcrumb(loan.loan_number, loan_link(loan)))
    return crumbs


def application_link(application) -> str:
    return reverse("application-detail", args=[application.pk])


def household_url(household, visible_households) -> str | None:
    """Link to the household only when the viewer may open it (navigation never leads to a 404)."""
    if visible_households.filter(pk=household.pk).exists():
        return reverse("household-detail", args=[household.customer_code])
    return None


def group_url(group, user) -> str | None:
    if group is not None and group_queryset_for(user).filter(pk=group.pk).exists():
        return reverse("group-detail", args=[group.code])
    return None


def can_submit_applications(user) -> bool:
    return getattr(user, "role", None) in LOAN_WRITERS | GROUP_SIDE_WRITERS and not user.is_read_only


def loan_related_for(user, *, household=None, group=None) -> dict:
    """Context of ``web/loan_related.html`` for a household's or a group's page."""
    loans = loan_queryset_for(user).select_related("household", "program", "group")
    applications = application_queryset_for(user).exclude(status__in=DONE).select_related("household", "program")
    new_url = reverse("application-create")
    if household is not None:
        loans, applications = loans.filter(household=household), applications.filter(household=household)
        new_url += f"?household={household.customer_code}"
    if group is not None:
        loans, applications = loans.filter(group=group), applications.filter(group=group)
        new_url += f"?group={group.code}"
    loans = list(loans.order_by("status", "-disbursed_on", "loan_number")[:200])
    return {
        "loans": [(loan, loan_link(loan)) for loan in loans],
        "open_outstanding": sum(loan.outstanding for loan in loans if loan.is_open),
        "applications": [(a, application_link(a)) for a in applications.order_by("-submitted_on", "-id")[:100]],
        "new_application_url": new_url if can_submit_applications(user) else None,
        "review_url": (reverse("group-review-create", args=[group.code])
                       if group is not None and can_submit_applications(user) else None),
        "list_url": reverse("loan-list") + (f"?group={group.code}" if group is not None else ""),
        "can_write": can_write_loans(user),
        "title": _("Khoản vay"),
    }
