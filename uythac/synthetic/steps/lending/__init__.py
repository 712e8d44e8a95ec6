"""Lending history of the synthetic profiles: loans, schedules, 24 months of collections, savings, overdue,
extensions, freezes, write-offs, moved-away borrowers — and, for ``seed2020``, seed 001's figures to the VND.

Steps (registered in ``uythac.synthetic.profiles.STEPS`` after the groups and households):

1. ``lending_members`` (``members.py``): who has a balance at the two reference dates; the groups the year merged,
   emptied or refilled; the households that repaid during the year.
2. ``lending_plan`` (``plan.py``): loans, behaviours, risk rounds, overdue amounts, calibration (``portfolio.py``,
   ``cases.py``, ``risk.py``, ``calibrate.py``).
3. ``lending_rows`` (``rows.py``): groups, households and memberships the year changed; loans, installments, events,
   risk rounds and cases; the journal of principal and interest (``principal.py``, ``accrual.py``, ``ledger.py``).
4. ``savings`` (``savings.py``): member savings accounts, deposits and withdrawals.
5. ``ledger`` (``ledger.py``): the journal written, balanced, with its accounting periods.
"""
