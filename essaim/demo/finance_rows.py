"""Fast bulk inserts for the demo's finance step: rows as plain dicts, primary keys given in
advance (so that rows can point at each other before anything is written), one
`executemany` per table.

The ORM's `bulk_create` prepares every value of every row through its field (tens of
thousands of rows: most of the step's time); here the values go to the driver as the ORM
would send them, date-times adapted by the backend's own adapter.
After the inserts, PostgreSQL's sequences are moved past the keys given (SQLite needs nothing).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 2000


class Keys:
    """The next free primary key of each table (one query per table, the first time)."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        key = self.next[model]
        self.next[model] = key + 1
        return key


def insert(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert `rows` (dicts by attribute name, `id` included) into `model`'s table; a column
    missing from a row takes the field's default. Returns how many rows were written.

    Dates and decimals go to the driver as they are (psycopg takes them; Django registers
    SQLite's adapters for them); date-times go through the backend's adapter (aware date-times
    to naive UTC on SQLite), once per distinct value."""
    rows = list(rows)
    if not rows:
        return 0
    fields = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in fields}
    getter = operator.itemgetter(*(f.attname for f in fields))
    moments = [i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)]
    adapted: dict[Any, Any] = {}

    def adapt(value: Any) -> Any:
        if value is None:
            return None
        if value not in adapted:
            adapted[value] = connection.ops.adapt_datetimefield_value(value)
        return adapted[value]

    values = []
    for row in rows:
        line = getter(defaults | row)
        if moments:
            line = list(line)
            for index in moments:
                line[index] = adapt(line[index])
        values.append(line)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start : start + BATCH])
    return len(rows)


def reset_sequences(written: Iterable[type[models.Model]]) -> None:
    """Move the tables' key sequences past the keys given (PostgreSQL; nothing on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(written))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
