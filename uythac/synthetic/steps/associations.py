"""Steps 4–5: the organizations' units and the agreements between them and the bank.

Units: one per organization at province level, one per legacy district (history, valid to 30/06/2025) and one per
commune. Agreements (process.md §2): a joint agreement (VBLT) between the branch and each provincial unit; the
district joint agreements of the legacy districts, expired with the district level on 30/06/2025 (a profile may
leave some unsigned, as seed 001 reports 8/10 for the Youth Union); an entrustment contract (HĐUT) between the PGD
and each commune unit that manages at least one group.
"""

import datetime as dt
from collections import Counter

from uythac.core.text import search_key
from uythac.geography.models import LEGACY_VALID_TO, REFORM_DATE
from uythac.network.models import AgreementStatus, AssociationUnit, EntrustmentContract, JointAgreement, UnitLevel
from uythac.synthetic import names, people
from uythac.synthetic.context import BuildContext, commune_label, district_label, province_label

UNIT_NAMES = {"11": "Hội Nông dân", "12": "Hội Liên hiệp Phụ nữ", "13": "Hội Cựu chiến binh", "14": "Đoàn Thanh niên"}
CHAIR_FEMALE_SHARE = {"11": 0.15, "12": 1.0, "13": 0.02, "14": 0.4}
DISTRICT_AGREEMENTS_SIGNED = (dt.date(2014, 1, 1), dt.date(2019, 12, 31))


def signing_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """When the current agreements were signed: re-signed after the 2025 reorganization when the data is dated
    after it, otherwise during the last four years before the data's date."""
    if as_of >= REFORM_DATE + dt.timedelta(days=90):
        return REFORM_DATE, REFORM_DATE + dt.timedelta(days=90)
    return people.add_years(as_of, -4), as_of


def _chair(ctx: BuildContext, rng, organization: str) -> str:
    female = rng.random() < CHAIR_FEMALE_SHARE[organization]
    young = organization == "14"
    born = ctx.as_of.year - (rng.randint(28, 38) if young else rng.randint(40, 58))
    return names.person_name(rng, ethnicity="Kinh", female=female, birth_year=born)


def _unit(ctx: BuildContext, rng, organization: str, level: str, code: str, name: str, **places) -> AssociationUnit:
    return AssociationUnit(
        code=code, organization=ctx.organizations[organization], level=level, name=name,
        name_search=search_key(name)[:100], province=ctx.province, officer_name=_chair(ctx, rng, organization),
        officer_phone=people.mobile_phone(rng), **places,
    )


def build_association_units(ctx: BuildContext) -> None:
    rng = ctx.rng("association_units")
    province = ctx.province
    central = {
        unit.organization.code: unit.id
        for unit in AssociationUnit.objects.filter(level=UnitLevel.CENTRAL, valid_to__isnull=True).select_related(
            "organization"
        )
    }
    provincial = [
        _unit(ctx, rng, org, UnitLevel.PROVINCE, f"{org}-T{province.code}",
              f"{UNIT_NAMES[org]} {province_label(province)}", parent_id=central.get(org))
        for org in sorted(ctx.organizations)
    ]
    for unit in AssociationUnit.objects.bulk_create(provincial):
        ctx.province_units[unit.organization.code] = unit.id
        ctx.unit_chairs[unit.id] = unit.officer_name
        ctx.by_organization[unit.organization.code]["province_units"] += 1
    lower = []
    for district in ctx.districts:
        for org in sorted(ctx.organizations):
            name = f"{UNIT_NAMES[org]} {district_label(district)}"
            lower.append(_unit(
                ctx, rng, org, UnitLevel.DISTRICT, f"{org}-H{district.code}", name, legacy_district=district,
                parent_id=ctx.province_units[org], valid_to=LEGACY_VALID_TO,
            ))
    commune_valid_from = REFORM_DATE if ctx.as_of >= REFORM_DATE else None
    for commune in ctx.communes:
        for org in sorted(ctx.organizations):
            name = f"{UNIT_NAMES[org]} {commune_label(commune)}"
            lower.append(_unit(
                ctx, rng, org, UnitLevel.COMMUNE, f"{org}-X{commune.code}", name, commune=commune,
                parent_id=ctx.province_units[org], valid_from=commune_valid_from,
            ))
    for unit in AssociationUnit.objects.bulk_create(lower):
        ctx.unit_chairs[unit.id] = unit.officer_name
        if unit.level == UnitLevel.COMMUNE:
            ctx.commune_units[(unit.organization.code, unit.commune_id)] = unit.id
        ctx.by_organization[unit.organization.code][f"{unit.level.lower()}_units"] += 1
    ctx.counts["association_units"] += len(provincial) + len(lower)


def build_agreements(ctx: BuildContext) -> None:
    rng = ctx.rng("agreements")
    start, end = signing_window(ctx.as_of)
    abbreviations = {code: org.short_name for code, org in ctx.organizations.items()}
    agreements = []
    for number, org in enumerate(sorted(ctx.organizations), start=1):
        signed = people.random_date(rng, start, end)
        agreements.append(JointAgreement(
            number=f"{number:02d}/VBLT-NHCS-{abbreviations[org]}", branch_id=ctx.branch_id,
            association_unit_id=ctx.province_units[org], signed_on=signed, effective_from=signed,
            bank_signatory=ctx.branch_director, association_signatory=ctx.unit_chairs[ctx.province_units[org]],
        ))
        ctx.by_organization[org]["joint_agreements"] += 1
    district_units = {
        (unit.organization.code, unit.legacy_district_id): unit
        for unit in AssociationUnit.objects.filter(
            province=ctx.province, level=UnitLevel.DISTRICT, legacy_district__in=ctx.districts
        ).select_related("organization")
    }
    for org in sorted(ctx.organizations):
        unsigned = set(rng.sample(range(len(ctx.districts)), ctx.profile.district_agreements_missing.get(org, 0)))
        for index, district in enumerate(ctx.districts):
            if index in unsigned:
                continue
            unit = district_units[(org, district.id)]
            office_id = ctx.office_of_district[district.code]
            signed = people.random_date(rng, *DISTRICT_AGREEMENTS_SIGNED)
            agreements.append(JointAgreement(
                number=f"{index + 1:02d}/VBLT-{district.code}-{abbreviations[org]}", branch_id=ctx.branch_id,
                association_unit=unit, signed_on=signed, effective_from=signed, effective_to=LEGACY_VALID_TO,
                status=AgreementStatus.EXPIRED, bank_signatory=ctx.office_directors[office_id],
                association_signatory=unit.officer_name,
                note=f"Văn bản liên tịch cấp huyện ({district_label(district)}), hết hiệu lực khi bỏ cấp huyện.",
            ))
            ctx.by_organization[org]["district_joint_agreements"] += 1
    JointAgreement.objects.bulk_create(agreements)
    ctx.counts["joint_agreements"] += len(agreements)

    managed = Counter((plan.organization, plan.commune_id) for plan in ctx.groups)
    sequence = Counter()
    contracts = []
    for commune in ctx.communes:
        office_id = ctx.office_of_commune[commune.id]
        for org in sorted(ctx.organizations):
            if not managed[(org, commune.id)]:
                continue
            sequence[office_id] += 1
            unit_id = ctx.commune_units[(org, commune.id)]
            signed = people.random_date(rng, start, end)
            contracts.append(EntrustmentContract(
                number=f"{sequence[office_id]:03d}/HĐUT-{abbreviations[org]}", office_id=office_id,
                association_unit_id=unit_id, signed_on=signed, effective_from=signed,
                bank_signatory=ctx.office_directors[office_id], association_signatory=ctx.unit_chairs[unit_id],
            ))
            ctx.by_organization[org]["entrustment_contracts"] += 1
    EntrustmentContract.objects.bulk_create(contracts)
    ctx.counts["entrustment_contracts"] += len(contracts)
