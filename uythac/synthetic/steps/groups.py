"""Step 6: the savings groups (code, name, village, managing unit, transaction point, founding record).

Group codes are the province code + 5 digits (7 digits, export-formats.md §1.4). Each group lives in one village
(process.md §7: members live in the same village); a village usually hosts groups of two or three organizations.
The villages of a commune are served by its transaction points in contiguous blocks.
"""

import datetime as dt
from collections import Counter, defaultdict

from uythac.core.text import search_key
from uythac.groups.models import GroupStatus, GroupStatusChange, SavingsGroup
from uythac.synthetic import people
from uythac.synthetic.context import BuildContext, commune_label
from uythac.synthetic.load import insert_rows
from uythac.synthetic.plan import SMALL_GROUP_LIMIT

FIRST_GROUPS = dt.date(2003, 6, 1)  # VBSP (founded 2002) took over the groups of the bank for the poor from 2003
CONVENTIONS = (
    "Tổ sinh hoạt định kỳ mỗi quý một lần tại nhà văn hóa thôn; tổ viên trả lãi và gửi tiết kiệm hằng tháng "
    "qua tổ trưởng.",
    "Tổ sinh hoạt định kỳ hằng tháng trước ngày giao dịch xã; bình xét cho vay công khai, dân chủ.",
    "Tổ họp định kỳ 2 tháng một lần; tổ viên có trách nhiệm giúp nhau sử dụng vốn đúng mục đích.",
)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def build_groups(ctx: BuildContext) -> None:
    rng = ctx.rng("groups")
    abbreviations = {code: org.short_name for code, org in ctx.organizations.items()}
    plans_of_commune = defaultdict(list)
    for plan in ctx.groups:
        plans_of_commune[plan.commune_id].append(plan)
    serial = 0
    latest_founding = max(FIRST_GROUPS, people.add_years(ctx.as_of, -1))
    for commune in ctx.communes:
        plans = plans_of_commune[commune.id]
        villages = ctx.villages_of_commune[commune.id]
        points = ctx.points_of_commune[commune.id]
        order = list(range(len(villages)))
        rng.shuffle(order)
        for index, plan in enumerate(plans):
            village_index = order[index % len(order)]
            plan.village_id = villages[village_index].id
            plan.point_id = points[village_index * len(points) // len(villages)]
            plan.unit_id = ctx.commune_units[(plan.organization, commune.id)]
            plan.office_id = ctx.office_of_commune[commune.id]
            serial += 1
            plan.code = f"{ctx.province.code}{serial:05d}"
            span = (latest_founding - FIRST_GROUPS).days
            # Most groups date from the first decade; fewer are founded each year since.
            plan.established_on = FIRST_GROUPS + dt.timedelta(days=int(rng.triangular(0, span, span * 0.15)))
        same_name = Counter((plan.organization, plan.village_id) for plan in plans)
        numbered = Counter()
        village_names = {village.id: village.name for village in villages}
        for plan in plans:
            key = (plan.organization, plan.village_id)
            plan.name = f"Tổ {abbreviations[plan.organization]} {_lower_first(village_names[plan.village_id])}"
            if same_name[key] > 1:
                numbered[key] += 1
                plan.name += f" số {numbered[key]}"

    decisions = {}
    groups = []
    for plan in ctx.groups:
        decision = f"{rng.randint(1, 250)}/QĐ-UBND ngày {plan.established_on:%d/%m/%Y}"
        decisions[plan.code] = decision
        groups.append(SavingsGroup(
            code=plan.code, name=plan.name, name_search=search_key(plan.name)[:100], commune_id=plan.commune_id,
            association_unit_id=plan.unit_id, transaction_point_id=plan.point_id, status=GroupStatus.ACTIVE,
            established_on=plan.established_on, approval_decision=decision, convention_note=rng.choice(CONVENTIONS),
        ))
    created = SavingsGroup.objects.bulk_create(groups, batch_size=2000)
    links, history = [], []
    for plan, group in zip(ctx.groups, created, strict=True):
        plan.group_id = group.id
        links.append((group.id, plan.village_id))
        commune = ctx.commune_by_id[plan.commune_id]
        reason = f"Thành lập tổ theo quyết định số {decisions[plan.code]} của UBND {commune_label(commune)}"
        history.append((group.id, "", GroupStatus.ACTIVE.value, plan.established_on, reason[:255]))
        counter = ctx.by_organization[plan.organization]
        counter["groups"] += 1
        counter["borrowing_households"] += plan.borrowers
        counter["small_groups"] += plan.borrowers < SMALL_GROUP_LIMIT
    insert_rows(SavingsGroup.villages.through, ("savingsgroup", "village"), links)
    insert_rows(GroupStatusChange, ("group", "from_status", "to_status", "changed_on", "reason"), history)
    ctx.counts["groups"] += len(groups)
    ctx.counts["group_status_changes"] += len(history)
