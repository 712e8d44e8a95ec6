"""The session desk shows each 13/TD's association check; the commune association officer records it there (the
only POST a non-team user may make); the viewer cannot; an unchecked hand-over is flagged before the close."""

import datetime as dt

import pytest

from tests.pages import text
from tests.transaction_sessions.support import receipt, saver_receipt
from tests.transaction_sessions.test_batches import everything
from uythac.transaction_sessions.models import CollectionBatch
from uythac.transaction_sessions.services import batch_handover, batch_submit

pytestmark = pytest.mark.django_db


def desk(scene):
    return f"/sessions/{scene.session.pk}/"


def submit(scene, key="page-chk"):
    return batch_submit(actor=scene.world.group_leader, group=scene.world.group_a,
                        receipts=[receipt(scene), saver_receipt(scene)], declared_total=220_000, idempotency_key=key)


def test_the_association_checks_a_list_on_the_desk(client, scene):
    w = scene.world
    batch = submit(scene)
    client.force_login(w.commune_association)
    page = text(client.get(desk(scene)))
    assert "Chưa được hội cấp xã kiểm tra" in page and "Xác nhận đã kiểm tra 13/TD" in page and "tạm tính" in page
    before = everything()
    refused = client.post(desk(scene), {"action": "batch_check", "batch": batch.pk, "checked_on": "01/04/2025"})
    assert refused.status_code == 400
    assert "không được trước ngày thu của biên lai cuối cùng" in text(refused)
    assert everything() == before
    done = client.post(desk(scene), {"action": "batch_check", "batch": batch.pk, "checked_on": "10/04/2025",
                                     "check_note": "Khớp biên lai"})
    assert done.status_code == 302
    batch.refresh_from_db()
    assert (batch.checked_by, batch.checked_on, batch.check_note) == (
        w.commune_association, dt.date(2025, 4, 10), "Khớp biên lai")
    page = text(client.get(desk(scene)))
    assert "Hội đã kiểm tra ngày 10/04/2025" in page
    # Other writes stay forbidden to the association.
    assert client.post(desk(scene), {"action": "close", "closing_cash": "0"}).status_code == 403


def test_team_and_viewer_cannot_check_and_an_unchecked_handover_is_flagged(client, scene):
    w = scene.world
    batch = submit(scene)
    before = everything()
    for persona in (w.commune_viewer, w.credit_officer):
        client.force_login(persona)
        response = client.post(desk(scene), {"action": "batch_check", "batch": batch.pk, "checked_on": "10/04/2025"})
        assert response.status_code == 403
    assert everything() == before
    batch_handover(actor=w.credit_officer, session=scene.session, batch=batch, counted_total=220_000)
    client.force_login(w.credit_officer)
    page = text(client.get(desk(scene)))
    assert "Các bảng kê 13/TD đã giao nhưng chưa được hội cấp xã kiểm tra" in page
    assert f"#{batch.pk} (0000001)" in page
    assert CollectionBatch.objects.get(pk=batch.pk).checked_on is None
