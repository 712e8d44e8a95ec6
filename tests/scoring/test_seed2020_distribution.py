"""Seed 001's group grade distribution (31/12/2020: 3,113 Tốt 94.39 %, 137 Khá 4.15 %, 46 TB 1.39 %, 2 Yếu 0.06 %)
reproduced on the generated seed2020 province by the provisional rubric, within the tolerance docs/scoring.md states:
±1 percentage point per grade. (Measured when the bands were calibrated: 93.99 / 4.89 / 1.12 / 0.00 of 3,396 groups.)

Uses the session's ``seed2020_closed`` (generated and closed once; the close runs the scoring step)."""

from decimal import Decimal

import pytest
from django.db.models import Q

from uythac.scoring.selectors import grade_distribution

SEED_001 = {"GOOD": Decimal("94.39"), "FAIR": Decimal("4.15"), "AVERAGE": Decimal("1.39"), "WEAK": Decimal("0.06")}
TOLERANCE = Decimal("1.00")  # percentage points, per grade


@pytest.fixture(scope="module")
def distribution(seed2020_closed):
    assert seed2020_closed.close_error is None, seed2020_closed.close_error
    province = seed2020_closed.province
    return {by: grade_distribution("2020-12", by=by, where=Q(province_id=province.pk))
            for by in ("organization", "commune")}


def test_group_grades_within_tolerance_of_seed_001(distribution):
    total = next(row for row in distribution["organization"] if row["key"] == "")
    assert total["count"] > 3000
    for grade, expected in SEED_001.items():
        assert abs(total[f"{grade}_pct"] - expected) <= TOLERANCE, (grade, total[f"{grade}_pct"], expected)


def test_every_organization_and_commune_adds_up(distribution):
    for rows in distribution.values():
        total = next(row for row in rows if row["key"] == "")
        assert sum(row["count"] for row in rows if row["key"] != "") == total["count"]
        for row in rows:
            assert row["GOOD"] + row["FAIR"] + row["AVERAGE"] + row["WEAK"] == row["count"]
    assert {row["key"] for row in distribution["organization"]} == {"", "11", "12", "13", "14"}
