"""Step 1, the plan: how many groups each organization has in each commune and how many members each group has.

Totals are exact: per organization, the number of groups, of member (= borrowing) households and of "small"
groups (fewer than 20 borrowing households, the threshold seed 001 reports). Group sizes stay inside the
``group.size`` rule in force today. Nothing is written to the database here.
"""

import math
import random

from django.utils import timezone

from uythac.core.rules import rule_value
from uythac.synthetic.context import BuildContext, GroupPlan

SMALL_GROUP_LIMIT = 20  # seed 001: "665 tổ có dưới 20 hộ vay"
WARD_WEIGHT = 0.45  # urban wards have fewer policy borrowers than rural communes


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder; exact sum)."""
    weight_sum = sum(weights)
    if total == 0 or weight_sum <= 0:
        return [0] * len(weights)
    quotas = [total * weight / weight_sum for weight in weights]
    shares = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def group_sizes(
    rng: random.Random, *, groups: int, households: int, small_groups: int, minimum: int, maximum: int,
    small_limit: int = SMALL_GROUP_LIMIT,
) -> list[int]:
    """``groups`` sizes in [minimum, maximum] summing to ``households``, exactly ``small_groups`` below ``small_limit``.

    Raises ValueError when the targets cannot be met together.
    """
    big_groups = groups - small_groups
    if small_groups < 0 or big_groups < 0 or minimum >= small_limit or (big_groups and maximum < small_limit):
        raise ValueError("inconsistent group targets")
    lowest = small_groups * minimum + big_groups * small_limit
    highest = small_groups * (small_limit - 1) + big_groups * maximum
    if not lowest <= households <= highest:
        raise ValueError(f"{households} households cannot fill {groups} groups with {small_groups} small ones")
    # Small groups lean towards the upper end (most are "a few members short"), big ones gather around the mean.
    small = [minimum + int((small_limit - minimum) * rng.random() ** 0.6) for _ in range(small_groups)]
    mean_big = (households - sum(small)) / big_groups if big_groups else 0
    big = [min(maximum, max(small_limit, round(rng.gauss(mean_big, 7)))) for _ in range(big_groups)]
    sizes = small + big
    bounds = [(minimum, small_limit - 1)] * small_groups + [(small_limit, maximum)] * big_groups
    difference = households - sum(sizes)
    step = 1 if difference > 0 else -1
    while difference:
        index = rng.randrange(len(sizes))
        low, high = bounds[index]
        if low <= sizes[index] + step <= high:
            sizes[index] += step
            difference -= step
    rng.shuffle(sizes)
    return sizes


def build_plan(ctx: BuildContext) -> None:
    rng = ctx.rng("plan")
    size_rule = rule_value("group.size", on=timezone.localdate())
    weights = [
        (WARD_WEIGHT if commune.division_type == "phường" else 1.0) * rng.uniform(0.7, 1.3) for commune in ctx.communes
    ]
    for organization, target in sorted(ctx.profile.targets.items()):
        sizes = group_sizes(
            rng, groups=target.groups, households=target.borrowing_households, small_groups=target.small_groups,
            minimum=size_rule["min"], maximum=size_rule["max"],
        )
        jittered = [weight * rng.uniform(0.8, 1.2) for weight in weights]
        per_commune = apportion(target.groups, jittered)
        position = 0
        for commune, count in zip(ctx.communes, per_commune, strict=True):
            for size in sizes[position : position + count]:
                ctx.groups.append(
                    GroupPlan(organization=organization, commune_id=commune.id, members=size, borrowers=size)
                )
            position += count
    # Codes follow commune, then organization: the order a PGD's group list is usually sorted in.
    order = {commune.id: index for index, commune in enumerate(ctx.communes)}
    ctx.groups.sort(key=lambda plan: (order[plan.commune_id], plan.organization))
