"""The plan of the national profile (per province and commune, in Python: 3,321 rows at most) and the network,
groups, households and memberships it expands into, set-based (``uythac.synthetic.national``)."""

from __future__ import annotations

import datetime as dt
import math
import random

from django.db import connection
from django.utils import timezone

from uythac.core.text import search_key
from uythac.geography.models import REFORM_DATE, Commune, Province
from uythac.network.models import Organization

NATIONAL_GROUPS = 166_000  # scale.md §1, January 2026
NATIONAL_OFFICES = 648  # 619 kept + 29 new PGDs
NATIONAL_POINTS = 9_965
NATIONAL_COMMUNES = 3_321
# Seed 001's groups by organization (forms-and-reports.md §3.1).
ORGANIZATION_GROUPS = {"11": 1341, "12": 1365, "13": 398, "14": 194}
UNIT_NAMES = {"11": "Hội Nông dân", "12": "Hội Liên hiệp Phụ nữ", "13": "Hội Cựu chiến binh", "14": "Đoàn Thanh niên"}
GROUPS_PER_VILLAGE = 1.6
FIRST_GROUPS = dt.date(2003, 6, 1)
MIN_MEMBERS, MEMBER_SPREAD = 18, 48  # members of a group: 18 … 65
TMP_GROUPS = "national_tmp_groups"


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` into integers summing exactly to ``total``."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [math.floor(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return counts


def _random_remainder(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Like ``_largest_remainder`` but the units left after the whole parts go to a weighted random draw: a commune
    with 1–3 groups gets any organization, not always the largest (small scaled-down datasets stay mixed)."""
    whole = sum(weights)
    counts = [math.floor(total * weight / whole) for weight in weights]
    rest = [total * weight / whole - count for weight, count in zip(weights, counts, strict=True)]
    for _unit in range(total - sum(counts)):
        index = rng.choices(range(len(weights)), weights=[r if r > 0 else 0 for r in rest] if any(rest) else weights)[0]
        counts[index] += 1
        rest[index] = 0
    return counts


def _rand(seed: int, salt: str, key: str = "g.code") -> str:
    """SQL for a deterministic uniform draw in [0, 1) from (seed, salt, key): 32 bits of an md5."""
    return f"(('x' || substr(md5('{int(seed)}:{salt}:' || {key}), 1, 8))::bit(32)::bigint / 4294967296.0)"


def _execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _reserve_ids(table: str, count: int) -> int:
    """Take ``count`` consecutive ids from the table's identity sequence; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
    return first


class Plan:
    """The network and the groups per commune, computed in Python from the shipped geography (3,321 rows at most)."""

    def __init__(self, *, seed: int, provinces: int | None, groups: int | None):
        rng = random.Random(seed)
        all_provinces = list(Province.objects.order_by("code").values_list("id", "code", "name"))
        communes = list(
            Commune.objects.order_by("province__code", "code").values_list(
                "id", "code", "name", "division_type", "province_id"
            )
        )
        per_province = {pid: [c for c in communes if c[4] == pid] for pid, _c, _n in all_provinces}
        offices = dict(
            zip(
                [p[0] for p in all_provinces],
                _largest_remainder(NATIONAL_OFFICES, [len(per_province[p[0]]) for p in all_provinces]),
                strict=True,
            )
        )
        self.provinces = all_provinces[:provinces] if provinces else all_provinces
        chosen = {p[0] for p in self.provinces}
        self.communes = [c for c in communes if c[4] in chosen]
        share = len(self.communes) / max(len(communes), 1)
        self.total_groups = groups if groups is not None else round(NATIONAL_GROUPS * share)
        weights = [rng.lognormvariate(0, 0.35) for _c in self.communes]
        self.groups = _largest_remainder(self.total_groups, weights)
        self.points = [
            max(1, n)
            for n in _largest_remainder(round(NATIONAL_POINTS * self.total_groups / NATIONAL_GROUPS), self.groups)
        ]
        self.villages = [max(2, math.ceil(n / GROUPS_PER_VILLAGE)) for n in self.groups]
        self.org_groups = [_random_remainder(rng, n, list(ORGANIZATION_GROUPS.values())) for n in self.groups]
        # PGD of each commune: contiguous runs of the province's communes (in code order), numbered 01…
        self.office_of: dict[int, int] = {}
        self.offices: dict[int, int] = {}
        for pid, _code, _name in self.provinces:
            mine = per_province[pid]
            count = max(1, min(offices[pid], len(mine)))
            self.offices[pid] = count
            for index, commune in enumerate(mine):
                self.office_of[commune[0]] = index * count // len(mine) + 1


def _label(division_type: str, name: str) -> str:
    return f"{division_type.capitalize()} {name}" if division_type else name


def _build_network(plan: Plan, organizations: dict[str, int]) -> dict:
    """Branches, PGDs (+ communes served), points, villages, association units: COPY of the planned rows."""
    province_code = {pid: code for pid, code, _n in plan.provinces}
    province_name = {pid: name for pid, _c, name in plan.provinces}
    _copy(
        "network_branch",
        ("code", "name", "name_search", "level", "province_id", "address"),
        (
            (f"00{code}00", f"Chi nhánh NHCSXH {name}", search_key(f"Chi nhánh NHCSXH {name}"), "BRANCH", pid, name)
            for pid, code, name in plan.provinces
        ),
    )
    branch = dict(
        _rows("SELECT province_id, id FROM network_branch WHERE province_id = ANY(%s)", [list(province_code)])
    )
    _copy(
        "network_transactionoffice",
        ("code", "name", "name_search", "branch_id", "address", "is_active"),
        (
            (
                f"00{code}{n:02d}",
                f"PGD NHCSXH khu vực {n:02d} {province_name[pid]}",
                search_key(f"PGD NHCSXH khu vuc {n:02d} {province_name[pid]}"),
                branch[pid],
                province_name[pid],
                True,
            )
            for pid, code, _name in plan.provinces
            for n in range(1, plan.offices[pid] + 1)
        ),
    )
    office = {
        code: oid
        for oid, code in _rows(
            "SELECT id, code FROM network_transactionoffice WHERE branch_id = ANY(%s)", [list(branch.values())]
        )
    }
    office_id = {c[0]: office[f"00{province_code[c[4]]}{plan.office_of[c[0]]:02d}"] for c in plan.communes}
    _copy(
        "network_transactionoffice_communes",
        ("transactionoffice_id", "commune_id"),
        ((office_id[c[0]], c[0]) for c in plan.communes),
    )
    _copy(
        "network_transactionpoint",
        ("code", "name", "name_search", "commune_id", "office_id", "session_day_of_month", "location", "is_active"),
        (
            (
                f"TXN{c[1]}{n:02d}",
                f"Điểm giao dịch {_label(c[3], c[2])} số {n}",
                search_key(f"Diem giao dich {_label(c[3], c[2])} so {n}")[:150],
                c[0],
                office_id[c[0]],
                (index * 7 + n * 3) % 28 + 1,
                f"Trụ sở UBND {_label(c[3], c[2])}",
                True,
            )
            for index, (c, points) in enumerate(zip(plan.communes, plan.points, strict=True))
            for n in range(1, points + 1)
        ),
    )
    _copy(
        "geography_village",
        ("code", "name", "name_search", "kind", "commune_id", "is_active"),
        (
            (f"{c[1]}{n:03d}", f"Thôn {n}", f"thon {n}", "THON", c[0], True)
            for c, villages in zip(plan.communes, plan.villages, strict=True)
            for n in range(1, villages + 1)
        ),
    )
    _copy(
        "network_associationunit",
        ("code", "organization_id", "level", "name", "name_search", "province_id", "officer_name", "officer_phone"),
        (
            (
                f"{org}-T{code}",
                organizations[org],
                "PROVINCE",
                f"{UNIT_NAMES[org]} {name}",
                search_key(f"{UNIT_NAMES[org]} {name}"),
                pid,
                "",
                "",
            )
            for pid, code, name in plan.provinces
            for org in ORGANIZATION_GROUPS
        ),
    )
    parent = {
        (pid, code[:2]): uid
        for uid, code, pid in _rows(
            "SELECT id, code, province_id FROM network_associationunit WHERE level = 'PROVINCE' AND province_id ="
            " ANY(%s)",
            [list(province_code)],
        )
    }
    _copy(
        "network_associationunit",
        (
            "code",
            "organization_id",
            "level",
            "name",
            "name_search",
            "province_id",
            "commune_id",
            "parent_id",
            "valid_from",
            "officer_name",
            "officer_phone",
        ),
        (
            (
                f"{org}-X{c[1]}",
                organizations[org],
                "COMMUNE",
                f"{UNIT_NAMES[org]} {_label(c[3], c[2])}",
                search_key(f"{UNIT_NAMES[org]} {_label(c[3], c[2])}")[:200],
                c[4],
                c[0],
                parent[(c[4], org)],
                REFORM_DATE,
                "",
                "",
            )
            for c in plan.communes
            for org in ORGANIZATION_GROUPS
        ),
    )
    return {"branches": len(branch), "transaction_offices": len(office), "office_of_commune": office_id}


def _rows(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _build_groups(plan: Plan, seed: int, as_of: dt.date, office_id: dict[int, int]) -> int:
    """One row per (commune, organization) cell is planned; groups, their villages, households and memberships are
    expanded from it by generate_series."""
    province_code = {pid: code for pid, code, _n in plan.provinces}
    cells, serial, rank_in_office = [], {}, {}
    short = dict(Organization.objects.values_list("code", "short_name"))
    for c, total, orgs in zip(plan.communes, plan.groups, plan.org_groups, strict=True):
        first = 0
        for org, count in zip(ORGANIZATION_GROUPS, orgs, strict=True):
            if count:
                office = office_id[c[0]]
                cells.append(
                    (
                        c[0],
                        c[4],
                        office,
                        org,
                        f"{province_code[c[4]]}",
                        serial.get(c[4], 0),
                        rank_in_office.get(office, 0),
                        f"{plan.office_of[c[0]]:02d}",
                        first,
                        count,
                        total,
                        f"Tổ TK&VV {short.get(org, org)}",
                        search_key(f"To TK&VV {short.get(org, org)}"),
                    )
                )
                serial[c[4]] = serial.get(c[4], 0) + count
                rank_in_office[office] = rank_in_office.get(office, 0) + count
                first += count
    _execute("DROP TABLE IF EXISTS national_tmp_cells")
    _execute(
        "CREATE TEMPORARY TABLE national_tmp_cells (commune_id BIGINT, province_id BIGINT, office_id BIGINT,"
        " org VARCHAR(2), province_code VARCHAR(2), serial0 INTEGER, office_rank0 INTEGER, office_no VARCHAR(2),"
        " first INTEGER, n INTEGER, commune_groups INTEGER, name_prefix TEXT, search_prefix TEXT)"
    )
    _copy(
        "national_tmp_cells",
        (
            "commune_id",
            "province_id",
            "office_id",
            "org",
            "province_code",
            "serial0",
            "office_rank0",
            "office_no",
            "first",
            "n",
            "commune_groups",
            "name_prefix",
            "search_prefix",
        ),
        cells,
    )
    group_first = _reserve_ids("groups_savingsgroup", plan.total_groups)
    span = max((as_of - FIRST_GROUPS).days - 365, 1)
    _execute(f"DROP TABLE IF EXISTS {TMP_GROUPS}")
    # Each group: its place, point (the commune's points in contiguous blocks), village, members and its draws.
    _execute(
        f"CREATE TEMPORARY TABLE {TMP_GROUPS} AS SELECT g.*,"
        f" {MIN_MEMBERS} + floor({_rand(seed, 'members')} * {MEMBER_SPREAD})::int AS members,"
        f" {_rand(seed, 'borrowers')} AS r_borrowers, {_rand(seed, 'loans')} AS r_loans,"
        f" {_rand(seed, 'size')} AS r_size, {_rand(seed, 'quality')} AS q, {_rand(seed, 'savers')} AS r_savers,"
        f" {_rand(seed, 'saving')} AS r_saving, {_rand(seed, 'frozen')} AS r_frozen,"
        f" DATE '{FIRST_GROUPS.isoformat()}' + floor({_rand(seed, 'founded')} * {span})::int AS established_on"
        f" FROM (SELECT {group_first} - 1 + row_number() OVER (ORDER BY c.province_code, c.serial0, s.k) AS id,"
        f"   c.province_code || lpad((c.serial0 + s.k)::text, 5, '0') AS code,"
        f"   c.name_prefix || ' số ' || s.k AS name, c.search_prefix || ' so ' || s.k AS name_search,"
        f"   c.commune_id, c.province_id, c.office_id, c.org, c.province_code, c.office_no,"
        f"   c.office_rank0 + s.k AS office_rank, c.first + s.k - 1 AS commune_rank, c.commune_groups"
        f"  FROM national_tmp_cells c CROSS JOIN LATERAL generate_series(1, c.n) AS s(k)) g"
    )
    _execute(
        f"ALTER TABLE {TMP_GROUPS} ADD COLUMN association_unit_id BIGINT, ADD COLUMN point_id BIGINT,"
        " ADD COLUMN village_id BIGINT, ADD COLUMN household0 BIGINT"
    )
    _execute(
        f"UPDATE {TMP_GROUPS} g SET association_unit_id = u.id FROM network_associationunit u"
        " JOIN network_organization o ON o.id = u.organization_id"
        " WHERE u.level = 'COMMUNE' AND u.commune_id = g.commune_id AND o.code = g.org"
    )
    for table, column in (("network_transactionpoint", "point_id"), ("geography_village", "village_id")):
        _execute(
            f"UPDATE {TMP_GROUPS} g SET {column} = p.id FROM (SELECT id, commune_id,"
            f"  row_number() OVER (PARTITION BY commune_id ORDER BY code) - 1 AS idx,"
            f"  COUNT(*) OVER (PARTITION BY commune_id) AS n FROM {table}"
            f"  WHERE commune_id IN (SELECT commune_id FROM national_tmp_cells)) p"
            f" WHERE p.commune_id = g.commune_id AND p.idx = g.commune_rank * p.n / g.commune_groups"
        )
    total_members = _rows(f"SELECT COALESCE(SUM(members), 0) FROM {TMP_GROUPS}")[0][0]
    household_first = _reserve_ids("households_household", total_members)
    _execute(
        f"UPDATE {TMP_GROUPS} g SET household0 = {household_first} + c.before FROM (SELECT id,"
        f" SUM(members) OVER (ORDER BY id) - members AS before FROM {TMP_GROUPS}) c WHERE c.id = g.id"
    )
    _execute(f"ANALYZE {TMP_GROUPS}")
    _execute(
        "INSERT INTO groups_savingsgroup (id, code, name, name_search, commune_id, association_unit_id,"
        " transaction_point_id, status, established_on, approval_decision, convention_note)"
        f" SELECT id, code, name, name_search, commune_id, association_unit_id, point_id, 'ACTIVE', established_on,"
        f" '', '' FROM {TMP_GROUPS} ORDER BY id"
    )
    _execute(
        f"INSERT INTO groups_savingsgroup_villages (savingsgroup_id, village_id) SELECT id, village_id"
        f" FROM {TMP_GROUPS} ORDER BY id"
    )
    # Customer code: province, PGD number, the group's rank in its PGD (4 digits), the member (2 digits).
    _execute(
        "INSERT INTO households_household (id, customer_code, name, name_search, gender, ethnicity, national_id,"
        " legacy_id_number, phone, address, member_count, moved_away_note, created_at, commune_id, village_id)"
        " SELECT g.household0 + m.k - 1,"
        " g.province_code || g.office_no || lpad(g.office_rank::text, 4, '0') || lpad(m.k::text, 2, '0') AS code,"
        " 'Hộ tổ viên ' || g.code || '-' || m.k, 'ho to vien ' || g.code || '-' || m.k,"
        " CASE WHEN m.k %% 2 = 0 THEN 'F' ELSE 'M' END, 'Kinh', '', '', '', '', 1 + m.k %% 5, '', %s,"
        f" g.commune_id, g.village_id FROM {TMP_GROUPS} g CROSS JOIN LATERAL generate_series(1, g.members) AS m(k)"
        " ORDER BY 1",
        [timezone.now()],
    )
    _execute(
        "INSERT INTO groups_groupmembership (joined_on, leave_reason, household_id, group_id)"
        f" SELECT g.established_on, '', g.household0 + m.k - 1, g.id FROM {TMP_GROUPS} g"
        " CROSS JOIN LATERAL generate_series(1, g.members) AS m(k) ORDER BY g.id, m.k"
    )
    return total_members
