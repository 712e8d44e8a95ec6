"""``generate --profile seed2020`` mirrors seed 001 (shared/seeds/001_…txt, the 2020 joint-agreement report).

This module checks the groups and households steps alone (``BASE_STEPS``: every household of the groups step is a
borrower at 31/12/2020); the lending steps, which add the households and groups the year took away and reproduce
the report's lending figures, are checked by ``test_seed2020_lending.py``."""

import dataclasses
import datetime as dt
import json
from collections import Counter

import pytest
from django.db.models import Count, Q

from tests.cli.commands import run_command
from uythac.geography.models import Province
from uythac.groups.models import GroupMembership, SavingsGroup
from uythac.households.models import Household, PovertyStatusRecord
from uythac.network.models import AssociationUnit, EntrustmentContract, JointAgreement, TransactionOffice
from uythac.synthetic.profiles import BASE_STEPS, PROFILES

# Seed 001, table "Kết quả ủy thác" at 31/12/2020 and the section on small groups.
GROUPS_WITH_BALANCE = {"11": 1341, "12": 1365, "13": 398, "14": 194}
BORROWING_HOUSEHOLDS = {"11": 39158, "12": 43253, "13": 11347, "14": 5832}
GROUPS_UNDER_20 = {"11": 299, "12": 230, "13": 101, "14": 35}
DISTRICT_AGREEMENTS = {"11": 10, "12": 10, "13": 10, "14": 8}


@pytest.mark.django_db
def test_seed2020_has_the_exact_totals_of_the_seed_province(monkeypatch):
    monkeypatch.setitem(PROFILES, "seed2020", dataclasses.replace(PROFILES["seed2020"], steps=BASE_STEPS))
    code, out, err = run_command("generate", "--profile", "seed2020")
    assert (code, err) == (0, "")
    summary = json.loads(out)
    province = Province.objects.get(code="24")

    members = (
        SavingsGroup.objects.filter(commune__province=province)
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .values_list("association_unit__organization__code", "members")
    )
    groups, small, sizes = Counter(), Counter(), []
    for org, count in members:
        groups[org] += count > 0
        small[org] += 0 < count < 20
        sizes.append(count)
    assert groups == GROUPS_WITH_BALANCE
    assert sum(groups.values()) == 3298
    assert small == GROUPS_UNDER_20
    assert min(sizes) >= 5 and max(sizes) <= 60
    assert round(sum(sizes) / len(sizes)) == 30  # "bình quân một tổ quản lý 30 hộ"

    borrowers = dict(
        GroupMembership.objects.filter(group__commune__province=province, left_on__isnull=True)
        .values_list("group__association_unit__organization__code")
        .annotate(households=Count("household", distinct=True))
    )
    assert borrowers == BORROWING_HOUSEHOLDS
    assert sum(borrowers.values()) == 99590 == Household.objects.filter(commune__province=province).count()

    for org in GROUPS_WITH_BALANCE:
        by_org = summary["by_organization"][org]
        assert (by_org["groups"], by_org["borrowing_households"], by_org["small_groups"]) == (
            GROUPS_WITH_BALANCE[org], BORROWING_HOUSEHOLDS[org], GROUPS_UNDER_20[org],
        )

    districts = AssociationUnit.objects.filter(province=province, level="DISTRICT")
    assert Counter(districts.values_list("organization__code", flat=True)) == {org: 10 for org in GROUPS_WITH_BALANCE}
    assert districts.values("legacy_district").distinct().count() == 10
    district_agreements = JointAgreement.objects.filter(association_unit__in=districts)
    assert Counter(district_agreements.values_list("association_unit__organization__code", flat=True)) == (
        DISTRICT_AGREEMENTS
    )
    assert TransactionOffice.objects.filter(branch__province=province).count() == 10
    assert summary["communes"] == 58
    contracts = EntrustmentContract.objects.filter(office__branch__province=province)
    assert contracts.count() == summary["counts"]["entrustment_contracts"]

    as_of = dt.date(2020, 12, 31)
    assert summary["as_of"] == "2020-12-31"
    assert not GroupMembership.objects.filter(group__commune__province=province, joined_on__gt=as_of).exists()
    assert set(PovertyStatusRecord.objects.filter(household__commune__province=province).values_list(
        "year", flat=True
    ).distinct()) == {2020}
