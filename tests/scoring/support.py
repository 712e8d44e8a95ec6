"""Snapshot rows written directly (the close itself is tested in tests/closing): exact facts for the scorer."""

from uythac.closing.models import CommuneSnapshot, GroupSnapshot, OfficeSnapshot, ProvinceSnapshot, UnitSnapshot


def group_snapshot(world, group, period="2025-06", **measures) -> GroupSnapshot:
    base = dict(loans_with_balance=10, outstanding=1_000_000_000, principal_current=1_000_000_000,
                principal_collected=50_000_000, interest_collected=6_000_000, savings_members=6,
                savings_balance=60_000_000, savings_deposited=1_000_000)
    base.update(measures)
    return GroupSnapshot.objects.create(
        period=period, group=group, association_unit=group.association_unit, commune=group.commune,
        office=group.transaction_point.office, province=group.commune.province,
        organization_code=group.association_unit.organization.code, **base)


def unit_snapshot(unit, period="2025-06", **measures) -> UnitSnapshot:
    base = dict(loans_with_balance=20, outstanding=2_000_000_000, principal_current=2_000_000_000)
    base.update(measures)
    return UnitSnapshot.objects.create(period=period, association_unit=unit, commune=unit.commune,
                                       province=unit.province, organization_code=unit.organization.code, **base)


def area_snapshots(world, period="2025-06") -> None:
    base = dict(loans_with_balance=30, outstanding=3_000_000_000, principal_current=2_970_000_000,
                principal_overdue=30_000_000, principal_collected=90_000_000, interest_collected=20_000_000)
    for commune in (world.commune_a, world.commune_b):
        CommuneSnapshot.objects.create(period=period, commune=commune, province=world.province, **base)
    OfficeSnapshot.objects.create(period=period, office=world.office, province=world.province, **base)
    ProvinceSnapshot.objects.create(period=period, province=world.province, **base)
