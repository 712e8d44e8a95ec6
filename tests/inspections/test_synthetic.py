"""The demo-data step: rows that satisfy the model's rules, dated up to the data date, set-based inserts."""

import random
from collections import Counter
from types import SimpleNamespace

import pytest

from tests.inspections.support import D, loan
from uythac.inspections.models import Inspection
from uythac.synthetic.steps.inspections import build_inspections, inspection_teardown

pytestmark = pytest.mark.django_db


def test_generated_inspections_are_consistent(iw):
    loans = [loan(iw, iw.household_a, iw.group_a, D(2026, 9, 1)),
             loan(iw, iw.household_b, iw.group_b, D(2025, 12, 1))]
    ctx = SimpleNamespace(as_of=D(2026, 10, 31), province=iw.province, counts=Counter(),
                          rng=lambda step: random.Random(f"7:test:{step}"))
    build_inspections(ctx)
    rows = Inspection.objects.filter(province=iw.province)
    assert ctx.counts["inspections"] == rows.count() > 0
    assert not rows.filter(inspected_on__gt=ctx.as_of).exists()
    assert not rows.filter(entered_on__gt=ctx.as_of).exists()
    assert set(rows.values_list("subject_kind", flat=True)) <= {"LOAN", "GROUP", "UNIT"}
    # Every loan check names the loan's own household and group; association checks their organization.
    for inspection in rows.filter(subject_kind="LOAN").select_related("loan", "managing_unit"):
        assert (inspection.household_id, inspection.group_id) == (inspection.loan.household_id,
                                                                 inspection.loan.group_id)
        assert inspection.organization_id == inspection.managing_unit.organization_id
    assert {i.loan_id for i in rows.filter(reason="POST_DISBURSEMENT")} <= {one.pk for one in loans}
    # Nothing is generated outside the province; the teardown removes exactly the province's rows.
    assert not Inspection.objects.exclude(province=iw.province).exists()
    for queryset in inspection_teardown(iw.province):
        queryset.delete()
    assert not Inspection.objects.exists()
