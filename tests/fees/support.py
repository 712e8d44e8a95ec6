"""Helpers of the fees tests: loan snapshot rows written directly (their references carry no constraint), so each
test states the exact month facts it computes fees from."""

import datetime as dt
import itertools

from uythac.closing.models import LoanSnapshot
from uythac.programs.models import CreditProgram

PERIOD = "2020-12"
_loan_ids = itertools.count(900_000)


def snap(world, group, *, current=0, overdue=0, frozen=0, interest=0, program="01", period=PERIOD, unit=None,
         commune=None, office=None) -> LoanSnapshot:
    """One loan snapshot of ``group`` (placed in the group's unit and commune) for ``period``."""
    number = next(_loan_ids)
    unit = unit or group.association_unit
    commune = commune or group.commune
    return LoanSnapshot.objects.create(
        period=period, loan_id=number, loan_number=f"{number:016d}", household_id=world.household_a.pk,
        group=group, association_unit=unit, commune=commune, office=office or world.office,
        province_id=commune.province_id, organization_code=unit.organization.code,
        program=CreditProgram.objects.get(code=program), program_code=program, status="ACTIVE",
        last_transaction_on=dt.date(2020, 12, 10), principal_current=current, principal_overdue=overdue,
        principal_frozen=frozen, interest_collected=interest,
    )


def out_of_scope_fee_statement(world):
    """A fee statement (and its group's commission statement) of province 79, outside every persona's scope but the
    administrator's: the object the permission matrix uses for the ``fees/`` pages."""
    from uythac.closing.scope import scope_parse
    from uythac.core.periods import Period
    from uythac.fees.models import FeeStatement
    from uythac.fees.statements import fees_compute

    found = FeeStatement.objects.filter(association_unit=world.unit_c["11"]).first()
    if found is None:
        snap(world, world.group_c, current=100_000_000, interest=1_000_000, office=world.other_office)
        fees_compute(actor=world.admin, period=Period.parse(PERIOD), scope=scope_parse("79"))
        found = FeeStatement.objects.get(association_unit=world.unit_c["11"])
    return found


def out_of_scope_commission_statement(world):
    """The commission statement of group 0000079 (province 79): the object of the ``commissions/`` pages."""
    from uythac.fees.models import CommissionStatement

    out_of_scope_fee_statement(world)
    return CommissionStatement.objects.get(group=world.group_c)
