"""Step 0 of the close: frozen loans whose freeze period ended return to overdue (``loans.freeze_expiry``).

It runs before the transfers to overdue and the loan snapshots so that the period's balances, interest arrears and
3-months-inactive flags already see the loan as it stands after the expiry (rule ``loans.risk.freeze_expiry``)."""

from django.utils.translation import gettext_lazy as _

from uythac.closing.steps.base import CloseContext, Step
from uythac.loans.freeze_expiry import expire_freezes


class FreezeExpiry(Step):
    name = "freeze_expiry"
    label = _("Hết hạn khoanh nợ")

    def cleanup(self, ctx: CloseContext) -> None:
        """Nothing to undo: the postings (idempotency key loan:unfreeze:<loan>:<expiry>), the loans' caches and their
        events are written in the step's one transaction, so a failed attempt left nothing behind."""

    def run(self, ctx: CloseContext) -> int:
        return expire_freezes(on=ctx.end, scope=ctx.scope.loan_filter(), actor=ctx.actor,
                              actor_label=ctx.actor_label)
