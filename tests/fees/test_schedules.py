"""Publishing fee schedules: the provisional data, the legal cap, bands, split, one schedule at a time."""

import datetime as dt
from decimal import Decimal as D

import pytest

from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.fees.models import FeeSchedule
from uythac.fees.schedules import fee_schedule_publish, highest_monthly_rate, legal_cap, schedule_in_force

BANDS = [("0", "2", "100"), ("2", "3", "80"), ("3", "4", "50"), ("4", None, "0")]
SHARES = [("COMMUNE", "84"), ("PROVINCE", "13.5"), ("CENTRAL", "2.5")]


def publish(world, **changes):
    data = {"actor": world.admin, "code": "QD-2027", "name": "Biểu phí 2027", "effective_from": dt.date(2027, 1, 1),
            "base_rate": "0.032", "commission_rate": "11.5", "bands": BANDS, "shares": SHARES,
            "program_rates": [("12", "0.003", "0.005")], "source_document": "Văn bản giả định cho kiểm thử"}
    data.update(changes)
    return fee_schedule_publish(**data)


def state():
    return (list(FeeSchedule.objects.order_by("code").values_list("code", "effective_to")),
            AuditEvent.objects.count())


def test_provisional_schedules_and_cap_are_seeded(db):
    old = schedule_in_force(dt.date(2020, 12, 31))
    assert old.code == "TAMTINH-2015" and old.is_provisional and old.commission_is_provisional
    assert [(b.lower, b.upper, b.multiplier) for b in old.bands.order_by("lower")] == [
        (D(0), D(2), D(100)), (D(2), D(3), D(80)), (D(3), D(4), D(50)), (D(4), None, D(0))]
    assert sum(s.share for s in old.shares.all()) == 100
    assert schedule_in_force(dt.date(2025, 7, 1)).code == "TAMTINH-2025"
    assert legal_cap(dt.date(2020, 1, 1))[0] == D("0.125")
    assert legal_cap(dt.date(2015, 1, 1))[0] == D("0.22")


def test_publish_ends_the_open_ended_schedule_before_it(world):
    schedule = publish(world)
    assert schedule.published_at is not None and schedule.bands.count() == 4
    assert FeeSchedule.objects.get(code="TAMTINH-2025").effective_to == dt.date(2026, 12, 31)
    assert schedule_in_force(dt.date(2027, 3, 1)) == schedule
    assert AuditEvent.objects.filter(action="fees.schedule_publish", object_key="QD-2027").exists()
    assert AuditEvent.objects.filter(action="fees.schedule_end", object_key="TAMTINH-2025").exists()


@pytest.mark.parametrize(("changes", "field", "words"), [
    # 0.1 % + 11.5 % × 0.7 %/month (the highest contract rate in 2027: 8.4 %/yr) = 0.1805 % > 0.125 %.
    ({"base_rate": "0.1"}, "base_rate", "vượt mức trần"),
    ({"commission_rate": "20"}, "base_rate", "vượt mức trần"),
    ({"program_rates": [("12", "0.1", "0.05")]}, "program_rates", "vượt mức trần"),
    ({"bands": [("0", "2", "100"), ("1.5", "3", "80"), ("3", None, "0")]}, "bands", "chồng lấn"),
    ({"bands": [("0", "2", "100"), ("2.5", "3", "80"), ("3", None, "0")]}, "bands", "hở"),
    ({"bands": [("0.5", "2", "100"), ("2", None, "0")]}, "bands", "0%"),
    ({"bands": [("0", "2", "100"), ("2", "4", "50")]}, "bands", "cuối cùng"),
    ({"bands": [("0", "2", "50"), ("2", None, "80")]}, "bands", "không được hưởng hệ số cao hơn"),
    ({"shares": [("COMMUNE", "84"), ("PROVINCE", "13")]}, "shares", "100%"),
    ({"shares": [("COMMUNE", "84"), ("COMMUNE", "16")]}, "shares", "một tỷ lệ"),
    ({"effective_from": dt.date(2024, 1, 1), "effective_to": dt.date(2024, 12, 31)}, "effective_from", "hai biểu phí"),
    ({"base_rate": "abc"}, "base_rate", "phải là một số"),
    ({"base_rate": "-0.01"}, "base_rate", "không âm"),
    ({"program_rates": [("98", "0.003", "0.005")]}, "program_rates", "98"),
])
def test_refusals_change_nothing(world, changes, field, words):
    before = state()
    with pytest.raises(DomainError) as refused:
        publish(world, **changes)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert state() == before


def test_only_the_administrator_publishes(world):
    before = state()
    with pytest.raises(DomainError):
        publish(world, actor=world.branch_staff)
    assert state() == before


def test_cap_uses_the_highest_contract_rate_of_the_day(db):
    assert highest_monthly_rate(dt.date(2020, 6, 1)) == D("0.75")  # 9 %/yr (programs 06, 10, 15)
    assert highest_monthly_rate(dt.date(2026, 1, 1)) == D("0.7")  # 8.4 %/yr (program 06)
