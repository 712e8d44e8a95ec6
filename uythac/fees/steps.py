"""The close step of the fees app: statements of the period for the close's scope, after the aggregates."""

from django.db.models import Q
from django.utils.translation import gettext as _

from uythac.closing.steps.base import CloseContext, Step
from uythac.fees.models import FeeSchedule
from uythac.fees.statements import fees_compute


class FeeStatements(Step):
    name = "fees"
    label = _("Phí ủy thác và hoa hồng")

    def applies(self, ctx: CloseContext) -> bool:
        """Periods before any published schedule have nothing to compute (the close goes on without them)."""
        return (FeeSchedule.objects.filter(published_at__isnull=False, effective_from__lte=ctx.end)
                .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=ctx.end)).exists())

    def cleanup(self, ctx: CloseContext) -> None:
        """``fees_compute`` starts by deleting the unpaid statements it rewrites; paid ones are never touched."""

    def run(self, ctx: CloseContext) -> int:
        summary = fees_compute(actor=ctx.actor, period=ctx.period, scope=ctx.scope)
        return summary["fee_statements"] + summary["commission_statements"]
