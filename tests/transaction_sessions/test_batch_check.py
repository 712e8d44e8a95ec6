"""The commune association's check of a leader's 13/TD (process.md §3.2, M): recorded once, by the association of
the group; the hand-over of an unchecked list is accepted and listed as a warning unless the dated rule requires
the check."""

import datetime as dt

import pytest

from tests.transaction_sessions.support import SESSION_DAY, receipt, saver_receipt
from tests.transaction_sessions.test_batches import everything
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent, RuleValue
from uythac.transaction_sessions.batch_check import (
    RULE,
    batch_check_required,
    unchecked_handed_over,
    unchecked_pending_batches,
)
from uythac.transaction_sessions.models import BatchStatus
from uythac.transaction_sessions.services import batch_check, batch_handover, batch_submit

pytestmark = pytest.mark.django_db


def submit(scene, key="chk-1"):
    return batch_submit(actor=scene.world.group_leader, group=scene.world.group_a,
                        receipts=[receipt(scene), saver_receipt(scene)], declared_total=220_000,
                        idempotency_key=key, list_number="13/TD-04")


def test_the_association_checks_a_pending_list_once(scene):
    w = scene.world
    batch = submit(scene)
    assert unchecked_pending_batches(w.point_a) == [batch]
    checked = batch_check(actor=w.commune_association, batch=batch, checked_on=dt.date(2025, 4, 10),
                          note="Khớp biên lai")
    assert (checked.checked_by, checked.checked_on, checked.check_note, checked.is_checked) == (
        w.commune_association, dt.date(2025, 4, 10), "Khớp biên lai", True)
    assert unchecked_pending_batches(w.point_a) == []
    assert AuditEvent.objects.filter(action="batch.check").count() == 1
    batch_handover(actor=w.credit_officer, session=scene.session, batch=batch, counted_total=220_000)
    assert unchecked_handed_over(scene.session) == []


def test_refused_checks_change_nothing(scene):
    w = scene.world
    batch = submit(scene)
    before = everything()
    refusals = [
        ({"actor": w.credit_officer, "checked_on": dt.date(2025, 4, 10)}, "batch"),       # not the association
        ({"actor": w.province_association, "checked_on": dt.date(2025, 4, 10)}, "batch"),  # commune level only
        ({"actor": w.commune_association, "checked_on": dt.date(2025, 4, 5)}, "checked_on"),  # before BL-002
        ({"actor": w.commune_association, "checked_on": dt.date(2099, 1, 1)}, "checked_on"),  # future
    ]
    for kwargs, field in refusals:
        with pytest.raises(DomainError) as refused:
            batch_check(batch=batch, **kwargs)
        assert refused.value.field == field
    assert everything() == before
    batch_check(actor=w.commune_association, batch=batch, checked_on=dt.date(2025, 4, 6))
    with pytest.raises(DomainError, match="đã được hội kiểm tra ngày 06/04/2025"):
        batch_check(actor=w.commune_association, batch=batch, checked_on=dt.date(2025, 4, 7))


def test_an_unchecked_list_is_handed_over_with_a_warning_unless_the_rule_requires_the_check(scene):
    w = scene.world
    assert batch_check_required(SESSION_DAY) is False
    batch = submit(scene)
    batch_handover(actor=w.credit_officer, session=scene.session, batch=batch, counted_total=220_000)
    assert unchecked_handed_over(scene.session) == [batch]
    with pytest.raises(DomainError, match="Chỉ kiểm tra bảng kê đang chờ giao"):
        batch_check(actor=w.commune_association, batch=batch, checked_on=SESSION_DAY)
    RuleValue.objects.filter(key=RULE).update(value=True)
    second = batch_submit(actor=w.group_leader, group=w.group_a, declared_total=50_000, idempotency_key="chk-2",
                          receipts=[saver_receipt(scene, number="BL-003")])
    before = everything()
    with pytest.raises(DomainError, match="chưa được hội cấp xã kiểm tra") as refused:
        batch_handover(actor=w.credit_officer, session=scene.session, batch=second, counted_total=50_000)
    assert refused.value.field == "batch"
    assert everything() == before
    batch_check(actor=w.commune_association, batch=second, checked_on=SESSION_DAY)
    assert batch_handover(actor=w.credit_officer, session=scene.session, batch=second,
                          counted_total=50_000).status == BatchStatus.HANDED_OVER
