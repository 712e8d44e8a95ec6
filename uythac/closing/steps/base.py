"""What every step shares: the close context (period, scope, actor, account ids) and the Step interface."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from uythac.closing.scope import CloseScope
from uythac.core.periods import Period
from uythac.ledger.models import LedgerAccount


@dataclass
class CloseContext:
    period: Period
    scope: CloseScope
    actor: object = None
    run_id: int | None = None
    #: Whole-country closes end by closing the ledger month (``period_close``) unless this is False.
    close_ledger: bool = True
    _accounts: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        return str(self.period)

    @property
    def first_day(self) -> dt.date:
        return self.period.first_day

    @property
    def end(self) -> dt.date:
        """The data date of the close: the period's last day."""
        return self.period.last_day

    def db_date(self, day: dt.date):
        """A date as the database driver takes it in raw SQL."""
        return connection.ops.adapt_datefield_value(day)

    @property
    def end_param(self):
        return self.db_date(self.end)

    @property
    def first_param(self):
        return self.db_date(self.first_day)

    def account_id(self, code) -> int:
        if not self._accounts:
            self._accounts = dict(LedgerAccount.objects.values_list("code", "id"))
        return self._accounts[str(code)]

    @property
    def actor_label(self) -> str:
        return getattr(self.actor, "username", "") or "close-month"


class Step:
    """One ordered, idempotent step. ``run`` does the work and returns the rows it affected; ``cleanup`` undoes what
    a half-done attempt may have left (called before ``run`` when the state row says STARTED or on ``redo``).

    The runner calls both inside ONE transaction together with the DONE mark, so an interrupted attempt leaves no
    partial work behind on either engine; ``cleanup`` exists for the rows that a step writes idempotently by
    replacement (snapshots) and documents, for the others, why nothing needs undoing."""

    name: str = ""
    label: str = ""

    def applies(self, ctx: CloseContext) -> bool:
        return True

    def cleanup(self, ctx: CloseContext) -> None:
        return None

    def run(self, ctx: CloseContext) -> int:
        raise NotImplementedError
