"""Facts from snapshots, stored scores, superseding, the close step, distributions, explanations."""

from decimal import Decimal as D

import pytest

from tests.scoring.support import area_snapshots, group_snapshot, unit_snapshot
from uythac.closing.scope import scope_parse
from uythac.closing.steps import step_names
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.scoring import facts
from uythac.scoring.models import Score, Subject, TrainingRecord
from uythac.scoring.selectors import grade_distribution, score_explanation, score_whatif
from uythac.scoring.services import scores_compute

pytestmark = pytest.mark.django_db
JUNE = Period(2025, 6)


def test_scoring_is_a_close_step():
    assert "scores" in step_names() and step_names().index("scores") > step_names().index("aggregates")


def test_group_facts_exact(world):
    # 10 loans, 2 inactive; overdue 30 of 1,000 million; collected 45 while 5 went overdue; interest 6 of 6 + 2
    # arrears (+ 1 in grace, ignored); 4 of 6 members save; balance 60 after +3 deposited −1 withdrawn → start 58.
    group_snapshot(world, world.group_a, inactive_3m_loans=2, principal_overdue=30_000_000,
                   principal_current=970_000_000, principal_collected=45_000_000, overdue_transferred=5_000_000,
                   interest_arrears_in_term=1_500_000, interest_arrears_overdue=500_000,
                   interest_arrears_grace=1_000_000, savings_members=4, savings_deposited=3_000_000,
                   savings_withdrawn=1_000_000)
    [item] = facts.group_facts(JUNE, scope_parse("01"))
    assert item.subject_key == "0000001" and item.organization_code == "11"
    assert item.facts == {
        "session_activity_ratio": D("80.00"), "overdue_ratio": D("3.00"), "principal_due_collected_ratio": D("90.00"),
        "interest_collection_ratio": D("75.00"), "saver_share": D("66.67"), "savings_growth": D("3.45"),
    }


def test_scores_computed_superseded_and_distributed(world):
    # group_a: everything full → 100; group_b: overdue 6 % (4 pts), interest 50 % (0) → 100 − 26 − 20 = 54 → TB.
    group_snapshot(world, world.group_a)
    group_snapshot(world, world.group_b, principal_overdue=60_000_000, principal_current=940_000_000,
                   interest_arrears_in_term=6_000_000)
    group_snapshot(world, world.group_c)  # province 79: outside the scope
    for unit in (world.unit_a["11"], world.unit_b["11"]):
        unit_snapshot(unit)
    area_snapshots(world)
    TrainingRecord.objects.create(association_unit=world.unit_a["11"], held_on=JUNE.first_day, topic="Nghiệp vụ")
    summary = scores_compute(actor=world.admin, period="2025-06", scope=scope_parse("01"))
    assert summary["subjects"]["GROUP"] == {"scored": 2, "GOOD": 1, "FAIR": 0, "AVERAGE": 1, "WEAK": 0}
    a = Score.objects.get(subject=Subject.GROUP, subject_key="0000001", is_current=True)
    b = Score.objects.get(subject=Subject.GROUP, subject_key="0000003", is_current=True)
    assert (a.total, a.grade) == (D(100), "GOOD")
    assert (b.total, b.grade) == (D(54), "AVERAGE")
    assert [c["points"] for c in b.contributions] == ["20.00", "4.00", "15.00", "0.00", "5.00", "10.00"]
    assert b.facts["overdue_ratio"] == "6.00" and b.rubric.version == 1
    unit_a = Score.objects.get(subject=Subject.COMMUNE_ASSOCIATION, subject_key=world.unit_a["11"].code)
    # No inspection data nor giao ban recorded: 0 of 20 and 0 of 10; one training (5); groups all Good (20).
    contributions = {c["code"]: c for c in unit_a.contributions}
    assert contributions["tap_huan"]["points"] == "5.00" and contributions["xep_loai_to"]["points"] == "20.00"
    assert contributions["giao_ban"]["explanation"] == "missing_fact"
    assert Score.objects.filter(subject=Subject.PROVINCE, is_current=True).count() == 1
    assert Score.objects.filter(subject=Subject.COMMUNE, is_current=True).count() == 2

    # Re-scoring creates new rows superseding the old ones.
    scores_compute(actor=world.admin, period="2025-06", scope=scope_parse("01"))
    new_a = Score.objects.get(subject=Subject.GROUP, subject_key="0000001", is_current=True)
    assert new_a.pk != a.pk and new_a.supersedes_id == a.pk
    assert Score.objects.filter(subject=Subject.GROUP, subject_key="0000001").count() == 2

    rows = grade_distribution("2025-06", subject=Subject.GROUP, by="organization")
    total = next(r for r in rows if r["key"] == "")
    assert (total["count"], total["GOOD"], total["AVERAGE"]) == (2, 1, 1)
    assert total["GOOD_pct"] == D("50.00")


def test_scoring_refused_before_the_close(world):
    with pytest.raises(DomainError, match="chưa khóa sổ"):
        scores_compute(actor=world.admin, period="2025-06", scope=scope_parse("01"))
    assert Score.objects.count() == 0


def test_explanation_and_whatif(world):
    group_snapshot(world, world.group_b, principal_overdue=60_000_000, principal_current=940_000_000,
                   interest_arrears_in_term=6_000_000, inactive_3m_loans=1)
    scores_compute(actor=world.admin, period="2025-06", scope=scope_parse("01"))
    score = Score.objects.get(subject=Subject.GROUP, subject_key="0000003", is_current=True)
    explanation = score_explanation(score)
    lines = {line["code"]: line for line in explanation["lines"]}
    assert lines["diem_nqh"]["lost"] == D(26) and lines["diem_nqh"]["gain"] == D(6)
    assert lines["diem_nqh"]["action"] == "Thu hồi 10.000.000 đ nợ quá hạn (tỷ lệ về 5%): +6 điểm"
    assert lines["diem_gdtx"]["action"].startswith("1 món vay 3 tháng không giao dịch")
    assert lines["diem_gdtx"]["action"].endswith(": +4 điểm")
    result = score_whatif(score, {"overdue_ratio": "0.5", "interest_collection_ratio": "100"})
    assert result.total == D(96) and result.grade == "GOOD"
    with pytest.raises(DomainError):
        score_whatif(score, {"overdue_ratio": "abc"})


def test_no_rubric_in_force_scores_nothing_and_says_so(world):
    """A close must not fail because a subject has no rubric (e.g. reference rows flushed): nothing scored, named."""
    from uythac.scoring.models import Rubric

    group_snapshot(world, world.group_a)
    Rubric.objects.filter(subject=Subject.GROUP).delete()
    summary = scores_compute(actor=world.admin, period="2025-06", scope=scope_parse("01"))
    assert summary["without_rubric"] == [Subject.GROUP]
    assert summary["subjects"]["GROUP"]["scored"] == 0
    assert not Score.objects.filter(subject=Subject.GROUP).exists()
