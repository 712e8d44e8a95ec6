"""Steps 2–3: the villages, then the bank's network in the province (branch, PGDs, transaction points).

Codes: branch ``00PP00`` and PGDs ``00PPNN`` (PP = province code, NN = 01… by legacy district), transaction
points ``TXN`` + commune code + 2 digits, villages = commune code + 3 digits (export-formats.md §1.4). There is one
PGD per legacy district, serving the current communes whose seat was in that district — the shape most PGDs kept
after 01/07/2025 (619 of 648 kept and renamed, scale.md §1). Each PGD's points hold their session on distinct days
1–28, so the month's sessions are spread.
"""

import math
from collections import Counter, defaultdict

from uythac.core.text import search_key
from uythac.geography.models import LegacyCommune, Village
from uythac.network.models import Branch, TransactionOffice, TransactionPoint
from uythac.synthetic import names
from uythac.synthetic.context import (
    BuildContext,
    VillageRef,
    commune_label,
    district_short_name,
    province_label,
)

GROUPS_PER_POINT = 25
MAX_POINTS_PER_COMMUNE = 4
GROUPS_PER_VILLAGE = 1.6  # a village usually has a Farmers' and a Women's group, sometimes more


def _groups_per_commune(ctx: BuildContext) -> Counter:
    return Counter(plan.commune_id for plan in ctx.groups)


def _person(ctx: BuildContext, rng, *, female: bool) -> str:
    return names.person_name(rng, ethnicity="Kinh", female=female, birth_year=ctx.as_of.year - rng.randint(35, 58))


def build_bank_network(ctx: BuildContext) -> None:
    rng = ctx.rng("network")
    province = ctx.province
    seat = ctx.communes[0]
    branch = Branch.objects.create(
        code=f"00{province.code}00",
        name=f"Chi nhánh NHCSXH {province_label(province)}",
        province=province,
        address=f"{commune_label(seat)}, {province_label(province)}",
    )
    ctx.branch_id = branch.id
    ctx.branch_director = _person(ctx, rng, female=rng.random() < 0.3)
    ctx.counts["branches"] += 1

    communes_of_district = defaultdict(list)
    for commune in ctx.communes:
        communes_of_district[ctx.district_of[commune.id].code].append(commune)
    for index, district in enumerate(ctx.districts, start=1):
        served = communes_of_district[district.code]
        office = TransactionOffice.objects.create(
            code=f"00{province.code}{index:02d}",
            name=f"PGD NHCSXH khu vực {district_short_name(district)}",
            branch=branch,
            address=f"{commune_label(served[0])}, {province_label(province)}",
        )
        office.communes.set([commune.id for commune in served])
        ctx.office_codes[office.id] = office.code
        ctx.office_of_district[district.code] = office.id
        ctx.office_directors[office.id] = _person(ctx, rng, female=rng.random() < 0.3)
        for commune in served:
            ctx.office_of_commune[commune.id] = office.id
    ctx.counts["transaction_offices"] += len(ctx.districts)

    seats = dict(LegacyCommune.objects.filter(code__in=[c.code for c in ctx.communes]).values_list("code", "id"))
    groups_per_commune = _groups_per_commune(ctx)
    free_days = {office_id: [] for office_id in ctx.office_codes}
    points = []
    for commune in ctx.communes:
        office_id = ctx.office_of_commune[commune.id]
        count = min(MAX_POINTS_PER_COMMUNE, 1 + max(0, groups_per_commune[commune.id] - 1) // GROUPS_PER_POINT)
        for number in range(1, count + 1):
            if not free_days[office_id]:
                free_days[office_id] = list(range(1, 29))
                rng.shuffle(free_days[office_id])
            name = f"Điểm giao dịch {commune_label(commune)}" + (f" số {number}" if count > 1 else "")
            points.append(
                TransactionPoint(
                    code=f"TXN{commune.code}{number:02d}",
                    name=name,
                    name_search=search_key(name)[:100],
                    commune=commune,
                    office_id=office_id,
                    # The first point sits at the seat, the former commune whose code the new commune kept.
                    legacy_commune_id=seats.get(commune.code) if number == 1 else None,
                    session_day_of_month=free_days[office_id].pop(),
                    location=_point_location(ctx, commune, number),
                )
            )
    for point in TransactionPoint.objects.bulk_create(points):
        ctx.points_of_commune.setdefault(point.commune_id, []).append(point.id)
    ctx.counts["transaction_points"] += len(points)


def _point_location(ctx: BuildContext, commune, number: int) -> str:
    if number == 1:
        return f"Trụ sở UBND {commune_label(commune)}"
    villages = ctx.villages_of_commune[commune.id]
    village = villages[(number - 1) * len(villages) // MAX_POINTS_PER_COMMUNE]
    return f"Nhà văn hóa {village.name[:1].lower()}{village.name[1:]}"


def village_style(ctx: BuildContext, commune) -> str:
    if commune.division_type == "phường":
        return "ward"
    if ctx.profile.mountain and ctx.profile.minority_share(ctx.district_of[commune.id].code) > 0.4:
        return "upland"
    return "lowland"


def build_villages(ctx: BuildContext) -> None:
    rng = ctx.rng("villages")
    groups_per_commune = _groups_per_commune(ctx)
    villages = []
    for commune in ctx.communes:
        count = max(2, math.ceil(groups_per_commune[commune.id] / GROUPS_PER_VILLAGE))
        for number, village in enumerate(names.village_names(rng, count, style=village_style(ctx, commune)), 1):
            villages.append(
                Village(
                    code=f"{commune.code}{number:03d}",
                    name=village.name,
                    name_search=search_key(village.name)[:100],
                    kind=village.kind,
                    commune=commune,
                )
            )
    for village in Village.objects.bulk_create(villages):
        ctx.villages_of_commune.setdefault(village.commune_id, []).append(
            VillageRef(id=village.id, code=village.code, name=village.name, commune_id=village.commune_id)
        )
    ctx.counts["villages"] += len(villages)
