"""Set-based writes the ORM does not spell directly."""

from __future__ import annotations

from django.db import connections, models
from django.db.models import QuerySet


def insert_from_select(model: type[models.Model], fields: list[str], source: QuerySet) -> int:
    """``INSERT INTO model (fields) SELECT ... ON CONFLICT DO NOTHING`` built from an ORM queryset.

    ``source`` must be a ``.values(*fields)`` queryset (same names, same order) supplying every column that has
    no database default. Rows that break a unique constraint are skipped, which is what makes the callers
    idempotent. Returns the number of rows inserted. Works on PostgreSQL and SQLite.
    """
    selected = list(source.query.values_select) + list(source.query.annotation_select)
    if selected != list(fields):
        raise ValueError(f"source selects {selected}, expected {fields}")
    connection = connections[source.db]
    select_sql, params = source.query.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    # The derived table and "WHERE true" keep SQLite from reading ON CONFLICT as a join constraint.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
        f"SELECT * FROM ({select_sql}) AS source_rows WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
