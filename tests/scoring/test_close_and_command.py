"""The scoring step of a real close, and ``uythac score``."""

import json

import pytest

from tests.cli.commands import run_command
from tests.closing.support import D, ensure_closing_reference_data, loan_of
from tests.loans.support import make_poor
from uythac.closing.runner import close_month
from uythac.scoring.models import Score, Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(world):
    ensure_closing_reference_data()
    for household in (world.household_a, world.household_b):
        make_poor(household, 2025)
    return world


def test_close_month_scores_the_scope(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 5, 12), amount=10_000_000)
    loan_of(cw, cw.household_b, cw.group_b, on=D(2025, 5, 15), amount=20_000_000)
    report = close_month(period="2025-06", scope="01", close_ledger=False)
    step = next(s for s in report.steps if s.step == "scores")
    groups = Score.objects.filter(period="2025-06", subject=Subject.GROUP, is_current=True)
    # 0000002 has neither loans nor savings: no snapshot, nothing to score.
    assert sorted(groups.values_list("subject_key", flat=True)) == ["0000001", "0000003"]
    assert step.rows == Score.objects.filter(period="2025-06", is_current=True).count()
    score = groups.get(subject_key="0000001")
    assert score.facts["overdue_ratio"] == "0.00" and score.rubric.version == 1

    code, out, _err = run_command("score", "2025-06", "--scope", "01")
    assert code == 0
    summary = json.loads(out)
    assert summary["period"] == "2025-06" and summary["subjects"]["GROUP"]["scored"] == 2
    new = Score.objects.get(period="2025-06", subject=Subject.GROUP, subject_key="0000001", is_current=True)
    assert new.supersedes_id == score.pk


@pytest.mark.parametrize("args, message", [
    ((), "Thiếu kỳ cần chấm điểm"),
    (("2025-13",), "không hợp lệ"),
    (("2025-06",), "chưa khóa sổ"),
    (("2025-06", "--scope", "99"), "Không có tỉnh"),
])
def test_score_command_refusals(world, args, message):
    code, out, err = run_command("score", *args)
    assert code != 0 and message in err and out == ""
    assert Score.objects.count() == 0
