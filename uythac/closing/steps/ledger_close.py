"""Step 6 — close the ledger month (``uythac.ledger.services.period_close``): whole-country closes only.

A scoped close (one province, PGD or commune) leaves the ledger month OPEN: the books are the bank's, one for the
whole country, and other places may still have postings to make for that month; the month is closed by the
whole-country close (or by an administrator with ``period_close``). The ledger's own rules apply: an administrator
closes, months close in order (an earlier open month is a refusal naming it; the step then stays STARTED and the next
``close-month`` run retries only this step), and a month already closed is left as it is.
"""

from django.utils.translation import gettext as _

from uythac.closing.steps.base import CloseContext, Step
from uythac.ledger.models import LedgerPeriod, PeriodStatus
from uythac.ledger.services import period_close


class LedgerPeriodClose(Step):
    name = "ledger_period_close"
    label = _("Khóa sổ kỳ kế toán")

    def applies(self, ctx: CloseContext) -> bool:
        return ctx.scope.is_country and ctx.close_ledger

    def run(self, ctx: CloseContext) -> int:
        if LedgerPeriod.objects.filter(period=ctx.key, status=PeriodStatus.CLOSED).exists():
            return 0
        period_close(actor=ctx.actor, period=ctx.key)
        return 1
