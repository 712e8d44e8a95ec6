"""The national benchmark profile (uythac.synthetic.national) at a tiny scale: 2 provinces, 60 groups.

PostgreSQL only (set-based SQL with generate_series, md5 draws, COPY); on SQLite the profile is refused with a
Vietnamese message. The checks are those of the real close: every unit / commune / PGD / province row equals the sum
of its groups' rows, per organization and in the total row; one current membership per household.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from uythac.closing.models import (
    ALL_ORGANIZATIONS,
    CommuneSnapshot,
    GroupSnapshot,
    OfficeSnapshot,
    ProvinceSnapshot,
    UnitSnapshot,
)
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.core.periods import Period
from uythac.groups.models import GroupMembership, SavingsGroup
from uythac.households.models import Household
from uythac.network.models import AssociationUnit, Branch, TransactionOffice, TransactionPoint
from uythac.synthetic.national import MEASURES, _largest_remainder, closed_periods, generate_national

TODAY = dt.date(2026, 11, 22)
ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="the national profile is PostgreSQL-only")


def test_largest_remainder_and_periods_by_hand():
    assert _largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    # Seed 001's groups by organization scaled to 100 groups: 40.66, 41.39, 12.07, 5.88 → 41, 41, 12, 6.
    assert _largest_remainder(100, [1341, 1365, 398, 194]) == [41, 41, 12, 6]
    assert [str(p) for p in closed_periods(2, today=TODAY)] == ["2026-09", "2026-10"]
    assert [str(p) for p in closed_periods(1, today=dt.date(2026, 1, 5))] == ["2025-12"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
def test_refused_on_sqlite():
    with pytest.raises(DomainError, match="chỉ chạy trên PostgreSQL"):
        generate_national(provinces=2, groups=60, today=TODAY)
    assert not SavingsGroup.objects.exists()


def _sums(queryset, *keys):
    rows = {}
    for row in queryset.values(*keys, *MEASURES):
        rows[tuple(row[key] for key in keys)] = tuple(row[name] for name in MEASURES)
    return rows


def _group_sums(period: str, key: str, by_organization: bool) -> dict:
    totals: dict = {}
    for row in GroupSnapshot.objects.filter(period=period).values(key, "organization_code", *MEASURES):
        keys = [(row[key], ALL_ORGANIZATIONS)] if by_organization else [(row[key], row["organization_code"])]
        if by_organization:
            keys.append((row[key], row["organization_code"]))
        for k in keys:
            previous = totals.get(k, (0,) * len(MEASURES))
            totals[k] = tuple(a + row[name] for a, name in zip(previous, MEASURES, strict=True))
    return totals


@ON_POSTGRESQL
@pytest.mark.django_db
def test_tiny_national_is_consistent_and_scored():
    summary = generate_national(provinces=2, groups=60, months=2, today=TODAY)
    assert summary["periods"] == ["2026-09", "2026-10"]
    assert summary["provinces"] == 2
    assert Branch.objects.filter(level="BRANCH").count() == 2
    communes = summary["communes"]
    assert communes > 2
    # Every commune: its PGD, at least one point, one unit per organization.
    assert TransactionOffice.objects.count() == summary["counts"]["transaction_offices"]
    assert TransactionOffice.communes.through.objects.count() == communes
    assert TransactionPoint.objects.values("commune").distinct().count() == communes
    assert AssociationUnit.objects.filter(level="COMMUNE").count() == 4 * communes
    assert AssociationUnit.objects.filter(level="PROVINCE").count() == 8
    assert SavingsGroup.objects.count() == 60
    households = Household.objects.count()
    assert households == summary["counts"]["households"] == GroupMembership.objects.count()
    assert 18 * 60 <= households <= 65 * 60
    # One current membership per household, in a group of its commune.
    assert GroupMembership.objects.values("household").distinct().count() == households
    assert not GroupMembership.objects.exclude(household__commune=F("group__commune")).exists()
    for period in ("2026-09", "2026-10"):
        groups = GroupSnapshot.objects.filter(period=period)
        assert groups.count() == 60
        assert not groups.filter(outstanding__lte=0).exists()
        # Balances add up inside every row.
        for row in groups.values("outstanding", "principal_current", "principal_overdue", "principal_frozen"):
            assert row["outstanding"] == row["principal_current"] + row["principal_overdue"] + row["principal_frozen"]
        assert _sums(
            UnitSnapshot.objects.filter(period=period), "association_unit_id", "organization_code"
        ) == _group_sums(period, "association_unit_id", False)
        for model, key in (
            (CommuneSnapshot, "commune_id"),
            (OfficeSnapshot, "office_id"),
            (ProvinceSnapshot, "province_id"),
        ):
            assert _sums(model.objects.filter(period=period), key, "organization_code") == _group_sums(
                period, key, True
            ), model.__name__
        total = ProvinceSnapshot.objects.filter(period=period, organization_code=ALL_ORGANIZATIONS)
        assert sum(total.values_list("groups_with_balance", flat=True)) == 60
        assert sum(total.values_list("savings_members", flat=True)) <= households

    from uythac.scoring.services import score_period_run

    scored = score_period_run(Period.parse("2026-10"), scope_parse(None))
    assert scored["subjects"]["GROUP"]["scored"] == 60
    assert scored["subjects"]["COMMUNE_ASSOCIATION"]["scored"] == UnitSnapshot.objects.filter(period="2026-10").count()


@ON_POSTGRESQL
@pytest.mark.django_db
def test_reset_rebuilds_the_same_data_and_refuses_without_it():
    first = generate_national(provinces=1, groups=20, months=1, today=TODAY)
    outstanding = list(
        ProvinceSnapshot.objects.values_list("organization_code", "outstanding").order_by("organization_code")
    )
    with pytest.raises(DomainError, match="--reset"):
        generate_national(provinces=1, groups=20, months=1, today=TODAY)
    again = generate_national(provinces=1, groups=20, months=1, today=TODAY, reset=True)
    assert again["deleted"]["households"] == first["counts"]["households"]
    assert again["counts"] == first["counts"]
    assert (
        list(ProvinceSnapshot.objects.values_list("organization_code", "outstanding").order_by("organization_code"))
        == outstanding
    )
    assert SavingsGroup.objects.count() == 20


@pytest.mark.django_db
def test_command_refuses_bad_months_before_anything(capsys):
    with pytest.raises(SystemExit):
        call_command("generate", "--profile", "national", "--months", "x")
    assert "--months phải là số nguyên dương, không phải «x»." in capsys.readouterr().err
    assert not SavingsGroup.objects.exists()


@ON_POSTGRESQL
@pytest.mark.django_db
def test_national_reports_bench_on_the_tiny_profile():
    from uythac.reports.bench import bench_national_reports, largest_province

    generate_national(provinces=2, groups=40, months=2, today=TODAY)
    result = bench_national_reports(runs=1, with_bc0437=False)
    assert result["period"] == "2026-10-31" and result["compare"] == "2026-09-30"
    assert result["groups"] == 40
    assert result["entrustment_build"]["cold_s"] > 0 and result["entrustment_xlsx"]["bytes"] > 0
    assert largest_province() in {"01", "04"}
