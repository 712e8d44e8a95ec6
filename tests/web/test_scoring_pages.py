"""Scoring pages: rubrics (national), distribution (scoped), group and unit explanations with what-if."""

import pytest

from tests.scoring.support import group_snapshot, unit_snapshot
from uythac.closing.scope import scope_parse
from uythac.scoring.models import Rubric
from uythac.scoring.services import scores_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world):
    group_snapshot(world, world.group_a)
    group_snapshot(world, world.group_b, principal_overdue=60_000_000, principal_current=940_000_000,
                   interest_arrears_in_term=6_000_000, inactive_3m_loans=1)
    group_snapshot(world, world.group_c)
    unit_snapshot(world.unit_a["11"])
    unit_snapshot(world.unit_c["11"])
    scores_compute(actor=world.admin, period="2025-06", scope=scope_parse(None))
    return world


def test_rubric_pages_show_provisional_bands(client, world):
    client.force_login(world.commune_viewer)
    body = client.get("/rubrics/").content.decode()
    assert "Chấm điểm Tổ TK&amp;VV hằng tháng" in body and "tạm tính" in body
    rubric = Rubric.objects.get(subject="GROUP", version=1)
    body = client.get(f"/rubrics/{rubric.pk}/").content.decode()
    assert "Tỷ lệ nợ quá hạn" in body and "tạm tính" in body and "Tốt ≥ 85" in body
    assert client.get("/rubrics/999999/").status_code == 404


def test_group_explanation_and_whatif(client, scored):
    client.force_login(scored.pgd_staff)
    body = client.get("/scores/0000003/").content.decode()
    assert "Thu hồi 10.000.000 đ nợ quá hạn (tỷ lệ về 5%): +6 điểm" in body
    assert "Diễn biến 12 tháng" in body and "<polyline" in body
    body = client.get("/scores/0000003/?period=2025-06&overdue_ratio=0,5&interest_collection_ratio=100").content
    assert "Kết quả mô phỏng: 96 điểm" in body.decode()
    body = client.get("/scores/0000003/?overdue_ratio=abc").content.decode()
    assert "không phải là số" in body
    # The group page carries the panel.
    body = client.get("/groups/0000003/").content.decode()
    assert 'id="score-panel"' in body and "Trung bình" in body


def test_out_of_scope_group_and_unit_answer_404(client, scored):
    client.force_login(scored.commune_association)
    assert client.get("/scores/0000079/").status_code == 404
    assert client.get("/scores/7777777/").status_code == 404
    assert client.get(f"/unit-scores/{scored.unit_c['11'].code}/").status_code == 404
    assert client.get(f"/unit-scores/{scored.unit_a['11'].code}/").status_code == 200


def test_distribution_is_scoped(client, scored):
    client.force_login(scored.admin)
    body = client.get("/scores/?period=2025-06&by=organization").content.decode()
    assert "Tổng cộng" in body
    client.force_login(scored.pgd_staff)
    response = client.get("/scores/?period=2025-06&by=province")
    rows = [row for row in response.context["rows"] if row["key"] == ""]
    assert rows[0]["count"] == 2  # group_c (province 79) is not counted
    client.force_login(scored.commune_association)  # commune A, Farmers' Union: group_a only
    response = client.get("/scores/?period=2025-06")
    assert [row["count"] for row in response.context["rows"] if row["key"] == ""] == [1]
