"""Objects outside every persona's scope for the permission matrix: the review meeting of group 0000079."""

from tests.support_loan_pages import out_of_scope_loan
from uythac.loans.models import ReviewItem


def out_of_scope_review_meeting(world):
    """The review meeting (province 79) that approved the out-of-scope loan's application."""
    loan = out_of_scope_loan(world)
    return ReviewItem.objects.filter(application_id=loan.application_id).first().meeting
