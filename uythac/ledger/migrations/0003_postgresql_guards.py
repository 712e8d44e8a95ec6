"""Database-side guards of the ledger, on PostgreSQL only (SQLite relies on the model and service guards).

1. ``ledger_forbid_change``: BEFORE UPDATE OR DELETE triggers on the journal-entry and posting tables raise, so no
   client (raw SQL, a shell, a careless migration) can rewrite history. TRUNCATE is not a row event and stays
   possible for the test runner's flush.
2. ``ledger_entry_balanced``: a constraint trigger deferred to COMMIT on each new journal entry checks that the
   entry has at least two postings, that they sum to exactly 0 and that each carries the entry's value date.
   One indexed lookup per entry, so a month-end entry with thousands of lines costs one check.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION ledger_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'uythac ledger: % on % is forbidden (append-only; post a reversal instead)',
            TG_OP, TG_TABLE_NAME;
    END
    $$;
    """,
    """
    CREATE TRIGGER ledger_journalentry_append_only BEFORE UPDATE OR DELETE ON ledger_journalentry
        FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
    """,
    """
    CREATE TRIGGER ledger_posting_append_only BEFORE UPDATE OR DELETE ON ledger_posting
        FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
    """,
    """
    CREATE OR REPLACE FUNCTION ledger_entry_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        line_count bigint;
        total numeric;
        other_dates bigint;
    BEGIN
        SELECT COUNT(*), COALESCE(SUM(amount), 0), COUNT(*) FILTER (WHERE value_date <> NEW.value_date)
          INTO line_count, total, other_dates
          FROM ledger_posting WHERE entry_id = NEW.id;
        IF line_count < 2 OR total <> 0 OR other_dates > 0 THEN
            RAISE EXCEPTION 'uythac ledger: entry % does not balance (% lines, sum %, % on another date)',
                NEW.id, line_count, total, other_dates
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END
    $$;
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_journalentry
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_check_balanced();
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_journalentry;",
    "DROP FUNCTION IF EXISTS ledger_entry_check_balanced();",
    "DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting;",
    "DROP TRIGGER IF EXISTS ledger_journalentry_append_only ON ledger_journalentry;",
    "DROP FUNCTION IF EXISTS ledger_forbid_change();",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_chart_of_accounts")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
