"""Synthetic, deterministic datasets on real geography (``uythac generate``).

A *profile* (``profiles.py``) names a province, the legacy districts whose current communes it uses, the
per-organization targets (groups, borrowing households, small groups) and an ordered list of build steps.
``runner.generate_dataset`` runs the steps inside one transaction with a ``BuildContext`` (``context.py``) that
carries the random streams and what earlier steps created. Each step draws from its own
``random.Random("<seed>:<step>")``, so adding a step later (e.g. loans) leaves the data of earlier steps unchanged.

This is a data loader, not a use case: it writes through ``bulk_create`` (filling ``name_search`` itself) and
records one ``AuditEvent`` per run (actor label "generate") with the summary.
"""
