"""The close step: score every subject of the closed scope right after the aggregates (registered from
``ScoringConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from uythac.closing.steps import Step
from uythac.scoring.services import score_period_run


class ScoringStep(Step):
    name = "scores"
    label = _("Chấm điểm tổ, hội, xã, phòng giao dịch, tỉnh")

    def cleanup(self, ctx) -> None:
        """Nothing to undo: a run inserts new scores superseding the current ones inside the step's transaction,
        so a failed attempt leaves nothing, and a re-run supersedes again."""

    def run(self, ctx) -> int:
        summary = score_period_run(ctx.period, ctx.scope)
        return sum(item["scored"] for item in summary["subjects"].values())
