"""Fast row loading for the big tables (households, memberships, poverty records, meetings …).

``bulk_create`` builds a model instance and runs every field's preparation per value, which costs more than the
INSERT itself at 100,000 rows. Here rows are plain tuples in the order of the given model fields: PostgreSQL gets
them through ``COPY … FROM STDIN`` (psycopg 3), SQLite through one prepared ``INSERT`` run by ``executemany``.
Table and column names come from the model's ``_meta``. Values must already be database-ready: dates as
``datetime.date`` (both drivers adapt them), datetimes through ``db_datetime``.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection, models


def db_datetime(value: dt.datetime):
    """An aware datetime as the current backend stores it (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` into ``model``'s table; returns the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    return len(rows)
