"""The fees close step (registered by FeesConfig.ready) and the ``uythac fees`` command."""

import io
import json

import pytest
from django.core.management import call_command

from tests.fees.support import PERIOD, snap
from uythac.closing.scope import scope_parse
from uythac.closing.steps import close_steps, step_names
from uythac.closing.steps.base import CloseContext
from uythac.core.periods import Period
from uythac.fees.models import FeeStatement


def test_step_is_registered_before_the_ledger_close():
    names = step_names()
    assert "fees" in names and names.index("fees") > names.index("aggregates")
    assert names[-1] == "ledger_period_close"


def test_step_runs_for_the_scope_and_skips_periods_without_a_schedule(world):
    snap(world, world.group_a, current=800_000_000, interest=6_000_000)
    step = next(s for s in close_steps() if s.name == "fees")
    assert not step.applies(CloseContext(period=Period.parse("2010-01"), scope=scope_parse("01")))
    ctx = CloseContext(period=Period.parse(PERIOD), scope=scope_parse("01"), actor=world.admin)
    assert step.applies(ctx)
    assert step.run(ctx) == 2  # one fee statement, one commission statement
    assert FeeStatement.objects.get().amount == 256_000


def test_command_prints_a_json_summary(world):
    snap(world, world.group_a, current=800_000_000, interest=6_000_000)
    out = io.StringIO()
    call_command("fees", PERIOD, "--scope", "01", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["fee_statements"], summary["fees_total"], summary["commissions_total"]) == (1, 256_000, 690_000)


def test_command_refuses_a_period_not_closed(world):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("fees", "2020-11", stderr=err)
    assert exit_info.value.code == 2 and "chưa khóa sổ" in err.getvalue()
