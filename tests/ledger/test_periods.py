"""Months close in order, by an administrator, after they end; nothing is posted into a closed month."""

import datetime as dt

import pytest
import time_machine

from tests.ledger.helpers import MARCH_10, counts, disbursement
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.ledger.models import EntryKind, LedgerPeriod, PeriodStatus
from uythac.ledger.periods import period_last_day, period_parse
from uythac.ledger.services import entry_post, period_close, period_reopen


def post(actor, day):
    return entry_post(actor=actor, value_date=day, kind=EntryKind.DISBURSEMENT, lines=disbursement(1_000_000))


def test_closing_a_month_stops_postings_into_it(world, poster):
    post(poster, MARCH_10)
    row = period_close(actor=world.admin, period="2025-03")

    row.refresh_from_db()
    assert (row.status, row.closed_by) == (PeriodStatus.CLOSED, world.admin)
    assert row.closed_at is not None
    event = AuditEvent.objects.get(action="ledger.period_close")
    assert (event.object_type, event.object_key, event.before["status"], event.after["status"]) == (
        "ledgerperiod", "2025-03", "OPEN", "CLOSED"
    )
    before = counts()
    with pytest.raises(DomainError) as refused:
        post(poster, dt.date(2025, 3, 31))
    assert refused.value.message_dict == {
        "value_date": ["Kỳ 2025-03 đã khóa sổ: không ghi được bút toán ngày 31/03/2025."]
    }
    assert counts() == before
    assert post(poster, dt.date(2025, 4, 1)).value_date == dt.date(2025, 4, 1)


def test_a_month_without_postings_can_be_closed(world, chart):
    row = period_close(actor=world.admin, period=dt.date(2024, 2, 29))
    assert (row.period, row.status) == ("2024-02", PeriodStatus.CLOSED)


@pytest.mark.parametrize("persona", ["pgd_staff", "branch_staff", "credit_officer", "commune_viewer"])
def test_only_an_administrator_closes_or_reopens(world, poster, persona):
    post(poster, MARCH_10)
    before = counts()
    with pytest.raises(DomainError) as refused:
        period_close(actor=getattr(world, persona), period="2025-03")
    assert refused.value.message_dict == {"period": ["Chỉ quản trị hệ thống được khóa sổ hoặc mở lại kỳ kế toán."]}
    assert counts() == before
    period_close(actor=world.admin, period="2025-03")
    before = counts()
    with pytest.raises(DomainError):
        period_reopen(actor=getattr(world, persona), period="2025-03", reason="Sửa sai")
    assert counts() == before
    assert LedgerPeriod.objects.get(period="2025-03").status == PeriodStatus.CLOSED


@pytest.mark.parametrize("value", ["2025-13", "2025-1", "03/2025", "", None, "1899-12"])
def test_a_malformed_period_is_refused(world, chart, value):
    before = counts()
    with pytest.raises(DomainError) as refused:
        period_close(actor=world.admin, period=value)
    assert refused.value.message_dict["period"][0].startswith("Kỳ «")
    assert counts() == before


@time_machine.travel(dt.datetime(2025, 3, 31, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
def test_a_month_closes_only_after_its_last_day(world, chart):
    before = counts()
    with pytest.raises(DomainError) as refused:
        period_close(actor=world.admin, period="2025-03")
    assert refused.value.message_dict == {"period": ["Kỳ 2025-03 chưa kết thúc: chỉ khóa sổ được sau ngày 31/03/2025."]}
    with pytest.raises(DomainError):
        period_close(actor=world.admin, period="2025-06")
    assert counts() == before
    assert period_close(actor=world.admin, period="2025-02").status == PeriodStatus.CLOSED


def test_months_close_in_order(world, poster):
    post(poster, dt.date(2025, 1, 15))
    post(poster, dt.date(2025, 2, 15))
    before = counts()
    with pytest.raises(DomainError) as refused:
        period_close(actor=world.admin, period="2025-02")
    assert refused.value.message_dict == {
        "period": ["Còn kỳ trước chưa khóa sổ (2025-01): khóa sổ lần lượt từng tháng."]
    }
    assert counts() == before
    period_close(actor=world.admin, period="2025-01")
    period_close(actor=world.admin, period="2025-02")
    with pytest.raises(DomainError) as refused:
        period_close(actor=world.admin, period="2025-02")
    assert refused.value.message_dict == {"period": ["Kỳ 2025-02 đã khóa sổ."]}


def test_reopening_needs_a_reason_and_goes_latest_first(world, poster):
    post(poster, dt.date(2025, 1, 15))
    period_close(actor=world.admin, period="2025-01")
    period_close(actor=world.admin, period="2025-02")
    before = counts()
    with pytest.raises(DomainError) as refused:
        period_reopen(actor=world.admin, period="2025-01", reason="Điều chỉnh")
    assert refused.value.message_dict == {"period": ["Các kỳ sau đã khóa sổ (2025-02): mở lại kỳ sau cùng trước."]}
    with pytest.raises(DomainError) as refused:
        period_reopen(actor=world.admin, period="2025-02", reason="   ")
    assert refused.value.message_dict == {"reason": ["Chưa nhập lý do mở lại kỳ."]}
    with pytest.raises(DomainError) as refused:
        period_reopen(actor=world.admin, period="2025-05", reason="Điều chỉnh")
    assert refused.value.message_dict == {"period": ["Kỳ 2025-05 đang mở, không cần mở lại."]}
    assert counts() == before

    period_reopen(actor=world.admin, period="2025-02", reason="Bổ sung chứng từ")
    row = period_reopen(actor=world.admin, period="2025-01", reason="Bổ sung chứng từ")
    assert (row.status, row.closed_at, row.closed_by) == (PeriodStatus.OPEN, None, None)
    event = AuditEvent.objects.filter(action="ledger.period_reopen").first()
    assert (event.object_key, event.note) == ("2025-01", "Bổ sung chứng từ")
    assert post(poster, dt.date(2025, 1, 20)).value_date == dt.date(2025, 1, 20)


def test_period_helpers():
    assert period_parse(dt.date(2025, 12, 31)) == "2025-12"
    assert period_parse(" 2025-07 ") == "2025-07"
    assert period_last_day("2024-02") == dt.date(2024, 2, 29)
    assert period_last_day("2025-02") == dt.date(2025, 2, 28)
