"""Step 7: the member households of every group, with their membership, poverty status and family ties.

One commune at a time (a few thousand rows per INSERT batch, bounded memory). Customer codes are the province
code, the PGD number and a 6-digit serial (10 digits, export-formats.md §1.4). Every household gets a
poverty-status record for the data's year, citing the commune's decision approving that year's list. A few
households are related (parent/child, siblings, other kin) to another member of the same group; a few have
moved away (seed 001 names absconded borrowers as the main cause of new overdue); about 1% still hold only
the old 9-digit CMND.
"""

import datetime as dt
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone

from uythac.core.text import search_key
from uythac.groups.models import GroupMembership
from uythac.households.models import Gender, Household, Kinship, KinshipKind, PovertyStatus, PovertyStatusRecord
from uythac.synthetic import names, people
from uythac.synthetic.context import BuildContext, GroupPlan, Person, commune_label, province_label
from uythac.synthetic.load import db_datetime, insert_rows

KIN_SHARE = 0.06
MOVED_AWAY_SHARE = 0.005
LEGACY_ID_ONLY_SHARE = 0.01
PHONE_SHARE = 0.86
MOVED_AWAY_NOTES = (
    "Bỏ đi khỏi địa phương, chưa rõ nơi ở mới",
    "Đi làm ăn xa, gia đình không liên lạc được",
    "Chuyển vào miền Nam làm công nhân, chưa báo với tổ",
    "Đi xuất khẩu lao động, nhờ người thân trả nợ",
)
# Rough shares among policy borrowers; minority households are more often poor.
POVERTY_MIX_KINH = names.Weighted((
    (PovertyStatus.POOR.value, 24), (PovertyStatus.NEAR_POOR.value, 26), (PovertyStatus.RECENTLY_ESCAPED.value, 13),
    (PovertyStatus.AVERAGE_LIVING_STANDARD.value, 9), (PovertyStatus.NONE.value, 28),
))
POVERTY_MIX_MINORITY = names.Weighted((
    (PovertyStatus.POOR.value, 45), (PovertyStatus.NEAR_POOR.value, 25), (PovertyStatus.RECENTLY_ESCAPED.value, 12),
    (PovertyStatus.AVERAGE_LIVING_STANDARD.value, 5), (PovertyStatus.NONE.value, 13),
))
HOUSEHOLD_SIZES = names.Weighted(((1, 4), (2, 10), (3, 18), (4, 27), (5, 20), (6, 11), (7, 6), (8, 4)))


@dataclass
class IdentityPool:
    used: set[str]  # CCCD numbers already taken (in the database or by this run)
    birth_provinces: names.Weighted


def _family(name: str) -> str:
    return name.split(" ", 1)[0]


def _new_person(ctx: BuildContext, rng, plan: GroupPlan, mix: names.Weighted, established: dt.date) -> Person:
    profile = people.ORGANIZATION_PEOPLE[plan.organization]
    female = rng.random() < profile.female_share
    born = people.birth_date(rng, profile, as_of=ctx.as_of)
    ethnicity = mix.pick(rng)
    name = names.person_name(rng, ethnicity=ethnicity, female=female, birth_year=born.year)
    joined = _joined(rng, ctx, born, established)
    return Person(name=name, female=female, born=born, ethnicity=ethnicity, joined_on=joined)


def _joined(rng, ctx: BuildContext, born: dt.date, established: dt.date) -> dt.date:
    return people.random_date(rng, max(established, people.add_years(born, 18)), ctx.as_of)


def _related_person(ctx: BuildContext, rng, plan: GroupPlan, relative: Person, established: dt.date):
    """A member related to ``relative``: returns (person, kind of ``relative`` towards the new person)."""
    profile = people.ORGANIZATION_PEOPLE[plan.organization]
    female = rng.random() < profile.female_share
    latest_birth = people.add_years(ctx.as_of, -18)
    earliest_birth = people.add_years(ctx.as_of, -85)
    roll = rng.random()
    if roll < 0.4 and people.add_years(relative.born, 20) <= latest_birth:
        kind = KinshipKind.PARENT.value  # ``relative`` is the new member's parent
        born = people.random_date(
            rng, people.add_years(relative.born, 20), min(latest_birth, people.add_years(relative.born, 35))
        )
        family = _family(relative.name) if not relative.female else None
    elif roll < 0.85:
        kind = KinshipKind.SIBLING.value
        born = relative.born + dt.timedelta(days=rng.randint(-3650, 3650))
        born = min(latest_birth, max(earliest_birth, born))
        family = _family(relative.name)
    else:
        kind = KinshipKind.OTHER.value
        born = people.birth_date(rng, profile, as_of=ctx.as_of)
        family = _family(relative.name) if rng.random() < 0.5 else None
    name = names.person_name(rng, ethnicity=relative.ethnicity, female=female, birth_year=born.year, family=family)
    person = Person(
        name=name, female=female, born=born, ethnicity=relative.ethnicity,
        joined_on=_joined(rng, ctx, born, established),
    )
    return person, kind


def _people_of_group(ctx: BuildContext, rng, plan: GroupPlan, mix: names.Weighted) -> None:
    for index in range(plan.members):
        if index and rng.random() < KIN_SHARE:
            relative_index = rng.randrange(index)
            person, kind = _related_person(ctx, rng, plan, plan.people[relative_index], plan.established_on)
            plan.kin[(relative_index, index)] = kind
        else:
            person = _new_person(ctx, rng, plan, mix, plan.established_on)
        person.moved_away = rng.random() < MOVED_AWAY_SHARE
        plan.people.append(person)


def _national_id(rng, person: Person, used: set[str], birth_provinces: names.Weighted) -> str:
    while True:
        province_code = birth_provinces.pick(rng)
        number = people.cccd_number(rng, province_code=province_code, born=person.born, female=person.female)
        if number not in used:
            used.add(number)
            return number


# Full names repeat a lot among 100,000 people: fold each distinct one once.
_name_search_key = functools.lru_cache(maxsize=65536)(search_key)

HOUSEHOLD_FIELDS = (
    "customer_code", "name", "name_search", "gender", "birth_date", "ethnicity", "national_id",
    "national_id_issued_on", "national_id_expires_on", "legacy_id_number", "phone", "commune", "village", "address",
    "member_count", "moved_away_on", "moved_away_note", "created_at",
)


def _household(ctx: BuildContext, rng, person: Person, plan: GroupPlan, address: str, ids: IdentityPool, created_at):
    """One row of HOUSEHOLD_FIELDS."""
    national_id, issued, expires, legacy = "", None, None, ""
    if rng.random() < LEGACY_ID_ONLY_SHARE:
        legacy = people.legacy_cmnd(rng)
    else:
        issued, expires = people.cccd_dates(rng, born=person.born, as_of=ctx.as_of)
        national_id = _national_id(rng, person, ids.used, ids.birth_provinces)
    moved_on, moved_note = None, ""
    if person.moved_away:
        moved_on = people.random_date(rng, max(person.joined_on, people.add_years(ctx.as_of, -2)), ctx.as_of)
        moved_note = rng.choice(MOVED_AWAY_NOTES)
    phone = people.mobile_phone(rng) if rng.random() < PHONE_SHARE else ""
    return (
        person.customer_code, person.name, _name_search_key(person.name)[:100],
        Gender.FEMALE if person.female else Gender.MALE, person.born, person.ethnicity, national_id, issued, expires,
        legacy, phone, plan.commune_id, plan.village_id, address, HOUSEHOLD_SIZES.pick(rng), moved_on, moved_note,
        created_at,
    )


def build_households(ctx: BuildContext) -> None:
    rng = ctx.rng("households")
    ids = IdentityPool(
        used=set(Household.objects.exclude(national_id="").values_list("national_id", flat=True)),
        birth_provinces=names.Weighted(ctx.profile.birth_provinces),
    )
    created_at = db_datetime(timezone.now())
    serials = Counter()
    plans_of_commune = defaultdict(list)
    for plan in ctx.groups:
        plans_of_commune[plan.commune_id].append(plan)
    year = ctx.as_of.year
    for commune in ctx.communes:
        plans = plans_of_commune[commune.id]
        addresses = {
            village.id: f"{village.name}, {commune_label(commune)}, {province_label(ctx.province)}"
            for village in ctx.villages_of_commune[commune.id]
        }
        decided = dt.date(year - 1, 12, rng.randint(10, 28))
        source = (
            f"QĐ số {rng.randint(100, 999)}/QĐ-UBND ngày {decided:%d/%m/%Y} của UBND {commune_label(commune)} "
            f"(danh sách hộ nghèo, cận nghèo năm {year})"
        )[:150]
        ward = commune.division_type == "phường"
        mix = names.Weighted(ctx.profile.ethnic_mix(ctx.district_of[commune.id].code, ward=ward))
        households = []
        for plan in plans:
            _people_of_group(ctx, rng, plan, mix)
            office_number = ctx.office_codes[plan.office_id][-2:]
            for person in plan.people:
                serials[office_number] += 1
                person.customer_code = f"{ctx.province.code}{office_number}{serials[office_number]:06d}"
                households.append(_household(ctx, rng, person, plan, addresses[plan.village_id], ids, created_at))
        insert_rows(Household, HOUSEHOLD_FIELDS, households)
        household_ids = dict(Household.objects.filter(commune=commune).values_list("customer_code", "id"))
        memberships, poverty, kinships = [], [], []
        for plan in plans:
            for person in plan.people:
                person.household_id = household_ids[person.customer_code]
                memberships.append((plan.group_id, person.household_id, person.joined_on, ""))
                mix = POVERTY_MIX_KINH if person.ethnicity == "Kinh" else POVERTY_MIX_MINORITY
                poverty.append((person.household_id, mix.pick(rng), year, source, decided))
            for (relative_index, index), kind in plan.kin.items():
                kinships.append((plan.people[relative_index].household_id, plan.people[index].household_id, kind))
        insert_rows(GroupMembership, ("group", "household", "joined_on", "leave_reason"), memberships)
        insert_rows(PovertyStatusRecord, ("household", "status", "year", "source_list", "recorded_on"), poverty)
        insert_rows(Kinship, ("person", "relative", "kind"), kinships)
        ctx.counts["households"] += len(households)
        ctx.counts["memberships"] += len(memberships)
        ctx.counts["poverty_records"] += len(poverty)
        ctx.counts["kinships"] += len(kinships)
        ctx.counts["moved_away_households"] += sum(1 for row in households if row[15])
        ctx.counts["legacy_id_only_households"] += sum(1 for row in households if not row[6])
