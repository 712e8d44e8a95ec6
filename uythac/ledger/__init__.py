"""The ledger: exact, append-only double-entry bookkeeping in integer VND.

Modules: ``chart`` (account and sub-ledger codes), ``lines`` (``Line``, ``EntrySpec``: what callers hand over),
``models`` (accounts, entries, postings, periods), ``services`` (``entry_post``, ``entries_post``,
``entry_reverse``, ``period_close``, ``period_reopen``), ``periods`` (month rules), ``selectors`` (balances, trial
balance, turnover). Start with the docstring of ``services``.
"""
