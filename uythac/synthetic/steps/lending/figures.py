"""Seed 001's report figures computed from the ledger and the loans of a province, as of any date (set-based SQL).

``entrustment_figures(province, as_of)`` → by organization code: groups with a balance, households with a balance,
outstanding and overdue principal (VND), groups under 20 borrowing households, groups with overdue and those whose
overdue exceeds 2 % of their outstanding, savings balance (VND) and members with a savings balance.
``year_flows(province, year)`` → loans disbursed (count, amount), savings deposited and withdrawn, groups merged.
``ledger_checks(province)`` → trial balance of all postings and the loans / savings accounts whose cached balances
differ from their sub-ledgers.

Balances are read from the postings (the truth), so these figures do not depend on the month-end close; the close's
snapshots must give the same numbers (tests compare both).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection

from uythac.ledger.chart import AccountCode as A

SMALL_GROUP = 20
ABOVE = (2, 100)  # overdue > 2/100 of outstanding


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _accounts() -> dict[str, int]:
    return dict(_rows("SELECT code, id FROM ledger_ledgeraccount", []))


def loan_balances(province, as_of: dt.date) -> list[tuple]:
    """(organization, group id, household id, outstanding, overdue) of the province's loans with a balance."""
    ids = _accounts()
    current, overdue, frozen = ids[A.LOAN_CURRENT], ids[A.LOAN_OVERDUE], ids[A.LOAN_FROZEN]
    return _rows(
        "SELECT o.code, l.group_id, l.household_id, b.outstanding, b.overdue FROM ("
        " SELECT p.subledger_key AS number, SUM(p.amount) AS outstanding,"
        "  SUM(CASE WHEN p.account_id = %s THEN p.amount ELSE 0 END) AS overdue"
        " FROM ledger_posting p WHERE p.subledger_type = 'loan' AND p.account_id IN (%s, %s, %s)"
        " AND p.value_date <= %s GROUP BY p.subledger_key) b"
        " JOIN loans_loan l ON l.loan_number = b.number"
        " JOIN geography_commune c ON c.id = l.commune_id"
        " JOIN network_associationunit u ON u.id = l.association_unit_id"
        " JOIN network_organization o ON o.id = u.organization_id"
        " WHERE c.province_id = %s AND b.outstanding <> 0",
        [overdue, current, overdue, frozen, as_of, province.pk],
    )


def entrustment_figures(province, as_of: dt.date) -> dict[str, dict]:
    figures = defaultdict(lambda: defaultdict(int))
    groups = defaultdict(lambda: [set(), 0, 0])  # group → households, outstanding, overdue
    households = defaultdict(set)
    group_org = {}
    for org, group_id, household_id, outstanding, overdue in loan_balances(province, as_of):
        figures[org]["outstanding"] += outstanding
        figures[org]["overdue"] += overdue
        households[org].add(household_id)
        entry = groups[group_id]
        entry[0].add(household_id)
        entry[1] += outstanding
        entry[2] += overdue
        group_org[group_id] = org
    for group_id, (members, outstanding, overdue) in groups.items():
        org = figures[group_org[group_id]]
        org["groups_with_balance"] += 1
        org["small_groups"] += len(members) < SMALL_GROUP
        org["groups_with_overdue"] += overdue > 0
        org["groups_above_2pct"] += overdue * ABOVE[1] > outstanding * ABOVE[0]
    for org, found in households.items():
        figures[org]["households_with_balance"] = len(found)
    savings = _accounts()[A.SAVINGS_105]
    for org, balance, savers in _rows(
        "SELECT o.code, -SUM(b.balance), SUM(CASE WHEN b.balance < 0 THEN 1 ELSE 0 END) FROM ("
        " SELECT p.subledger_key AS number, SUM(p.amount) AS balance FROM ledger_posting p"
        " WHERE p.account_id = %s AND p.subledger_type = 'savings' AND p.value_date <= %s"
        " GROUP BY p.subledger_key) b"
        " JOIN savings_membersavingsaccount a ON a.account_number = b.number"
        " JOIN groups_savingsgroup g ON g.id = a.group_id"
        " JOIN geography_commune c ON c.id = g.commune_id"
        " JOIN network_associationunit u ON u.id = g.association_unit_id"
        " JOIN network_organization o ON o.id = u.organization_id"
        " WHERE c.province_id = %s GROUP BY o.code",
        [savings, as_of, province.pk],
    ):
        figures[org]["savings_balance"] = int(balance)
        figures[org]["savers"] = int(savers)
    return {org: dict(values) for org, values in sorted(figures.items())}


def active_groups(province, as_of: dt.date) -> int:
    """Groups active on ``as_of`` (founded by then, not closed by then), with or without a balance."""
    return _rows(
        "SELECT COUNT(*) FROM groups_savingsgroup g JOIN geography_commune c ON c.id = g.commune_id"
        " WHERE c.province_id = %s AND g.established_on <= %s AND (g.closed_on IS NULL OR g.closed_on > %s)",
        [province.pk, as_of, as_of],
    )[0][0]


def members_at(province, as_of: dt.date) -> int:
    return _rows(
        "SELECT COUNT(DISTINCT m.household_id) FROM groups_groupmembership m"
        " JOIN groups_savingsgroup g ON g.id = m.group_id JOIN geography_commune c ON c.id = g.commune_id"
        " WHERE c.province_id = %s AND m.joined_on <= %s AND (m.left_on IS NULL OR m.left_on > %s)",
        [province.pk, as_of, as_of],
    )[0][0]


def year_flows(province, year: int) -> dict:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    savings = _accounts()[A.SAVINGS_105]
    count, amount = _rows(
        "SELECT COUNT(*), COALESCE(SUM(l.disbursed_amount), 0) FROM loans_loan l"
        " JOIN geography_commune c ON c.id = l.commune_id"
        " WHERE c.province_id = %s AND l.disbursed_on >= %s AND l.disbursed_on <= %s",
        [province.pk, first, last],
    )[0]
    deposited, withdrawn = _rows(
        "SELECT -COALESCE(SUM(CASE WHEN p.amount < 0 THEN p.amount ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN p.amount > 0 THEN p.amount ELSE 0 END), 0)"
        " FROM ledger_posting p JOIN savings_membersavingsaccount a ON a.account_number = p.subledger_key"
        " JOIN groups_savingsgroup g ON g.id = a.group_id JOIN geography_commune c ON c.id = g.commune_id"
        " WHERE p.account_id = %s AND p.subledger_type = 'savings' AND p.value_date >= %s AND p.value_date <= %s"
        " AND c.province_id = %s",
        [savings, first, last, province.pk],
    )[0]
    merged = _rows(
        "SELECT COUNT(*) FROM groups_groupconsolidation_sources s"
        " JOIN groups_groupconsolidation k ON k.id = s.groupconsolidation_id"
        " JOIN groups_savingsgroup g ON g.id = s.savingsgroup_id JOIN geography_commune c ON c.id = g.commune_id"
        " WHERE k.kind = 'MERGE' AND k.effective_on >= %s AND k.effective_on <= %s AND c.province_id = %s",
        [first, last, province.pk],
    )[0][0]
    return {"disbursed_count": count, "disbursed_amount": int(amount), "deposited": int(deposited),
            "withdrawn": int(withdrawn), "groups_merged": merged}


def risk_rounds(province, year: int) -> list[dict]:
    rows = _rows(
        "SELECT r.number, r.status, c.state, c.measure, COUNT(*), SUM(c.principal_amount)"
        " FROM loans_riskround r JOIN network_branch b ON b.id = r.branch_id"
        " JOIN loans_riskcase c ON c.round_id = r.id WHERE b.province_id = %s AND r.year = %s"
        " GROUP BY r.number, r.status, c.state, c.measure ORDER BY r.number",
        [province.pk, year],
    )
    return [{"number": n, "status": s, "state": state, "measure": m, "loans": count, "principal": int(total)}
            for n, s, state, m, count, total in rows]


def ledger_checks(province) -> dict:
    ids = _accounts()
    trial = _rows("SELECT COALESCE(SUM(amount), 0) FROM ledger_posting", [])[0][0]
    loans = _rows(
        "SELECT COUNT(*) FROM loans_loan l JOIN geography_commune c ON c.id = l.commune_id"
        " LEFT JOIN (SELECT p.subledger_key AS number,"
        "  SUM(CASE WHEN p.account_id = %s THEN p.amount ELSE 0 END) AS cur,"
        "  SUM(CASE WHEN p.account_id = %s THEN p.amount ELSE 0 END) AS ovd,"
        "  SUM(CASE WHEN p.account_id = %s THEN p.amount ELSE 0 END) AS frz,"
        "  SUM(CASE WHEN p.account_id = %s THEN p.amount ELSE 0 END) AS rec"
        "  FROM ledger_posting p WHERE p.subledger_type = 'loan' GROUP BY p.subledger_key) b"
        " ON b.number = l.loan_number WHERE c.province_id = %s AND (COALESCE(b.cur, 0) <> l.principal_current"
        " OR COALESCE(b.ovd, 0) <> l.principal_overdue OR COALESCE(b.frz, 0) <> l.principal_frozen"
        " OR COALESCE(b.rec, 0) <> l.interest_arrears_in_term + l.interest_arrears_overdue"
        " + l.interest_arrears_grace)",
        [ids[A.LOAN_CURRENT], ids[A.LOAN_OVERDUE], ids[A.LOAN_FROZEN], ids[A.INTEREST_RECEIVABLE], province.pk],
    )[0][0]
    savings = _rows(
        "SELECT COUNT(*) FROM savings_membersavingsaccount a JOIN groups_savingsgroup g ON g.id = a.group_id"
        " JOIN geography_commune c ON c.id = g.commune_id"
        " LEFT JOIN (SELECT p.subledger_key AS number, -SUM(p.amount) AS balance FROM ledger_posting p"
        "  WHERE p.account_id = %s AND p.subledger_type = 'savings' GROUP BY p.subledger_key) b"
        " ON b.number = a.account_number WHERE c.province_id = %s AND COALESCE(b.balance, 0) <> a.balance",
        [ids[A.SAVINGS_105], province.pk],
    )[0][0]
    return {"trial_balance": int(trial), "loans_differing_from_ledger": loans,
            "savings_differing_from_ledger": savings}
