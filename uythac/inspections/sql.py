"""Date arithmetic the coverage queries need, spelled for SQLite and PostgreSQL (ORM expressions, no raw SQL).

SQLite stores a date as 'YYYY-MM-DD' text: ``date(x, '+30 days')`` gives the same text form, so comparisons with
other date columns stay correct. PostgreSQL adds an integer to a date.
"""

from django.db.models import DateField, Func


class AddDays(Func):
    """``expression`` (a date) plus a whole number of days known when the query is built."""

    arity = 1
    output_field = DateField()

    def __init__(self, expression, days: int, **extra):
        self.days = int(days)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(CAST({sql} AS DATE) + {self.days:d})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params
