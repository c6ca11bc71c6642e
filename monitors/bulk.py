"""Multi-row writes and id lists in statements of a fixed size.

On PostgreSQL the rows travel as one array per column (``unnest``), so a
statement has one parameter per column whatever the number of rows: the
driver no longer scans thousands of placeholders (a VALUES list of a probe
batch's 250 rows cost ~15 % of a probe worker's CPU in psycopg's query
parsing alone). The arrays go in binary, bound by the server: Django's
cursor quotes every value into the query text, ten times the CPU for an
array of timestamps (1,000 rows of three columns: 11 ms against 0.9 ms).
SQLite has no arrays: there a VALUES list, 500 rows a statement. Values
reach SQLite through each column's field (dates as text); psycopg adapts
Python values itself.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import F, Field, Lookup, Model, Q

SQLITE_ROWS = 500


@dataclass(frozen=True, slots=True)
class Columns:
    """Columns of one model, in the order the rows give their values."""

    model: type[Model]
    names: tuple[str, ...]

    @property
    def fields(self) -> list["Field[Any, Any]"]:
        return [self.model._meta.get_field(name) for name in self.names]  # type: ignore[misc]

    @property
    def table(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    def sql_names(self) -> str:
        return ", ".join(str(field.column) for field in self.fields)


def _pg_type(field: "Field[Any, Any]") -> str:
    # db_type is the column's type ("varchar(8)", "timestamp with time zone", ...).
    return str(field.db_type(connection)).split("(")[0]


def _rows(columns: Columns, rows: Sequence[Sequence[Any]]) -> list[tuple[str, list[Any]]]:
    """``(cte, params)`` per statement: ``WITH v (columns) AS (...)`` holding
    ``rows`` (SQLite names a subquery's columns only in a WITH)."""
    names = columns.sql_names()
    if connection.vendor == "postgresql":
        arrays = [list(column) for column in zip(*rows, strict=True)]
        casts = ", ".join(f"%b::{_pg_type(field)}[]" for field in columns.fields)
        # Names and types come from the models; the rows are parameters.
        return [(f"WITH v ({names}) AS (SELECT * FROM unnest({casts}))", arrays)]  # noqa: S608
    fields = columns.fields
    statements = []
    for start in range(0, len(rows), SQLITE_ROWS):
        chunk = rows[start : start + SQLITE_ROWS]
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        params = [
            field.get_db_prep_save(value, connection)
            for values in chunk
            for field, value in zip(fields, values, strict=True)
        ]
        statements.append((f"WITH v ({names}) AS (VALUES {', '.join([row] * len(chunk))})", params))
    return statements


def _cursor() -> Any:
    """A cursor of Django's connection (its transaction, its query log); on
    PostgreSQL one that binds parameters on the server."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    # make_cursor takes the driver's cursor (the stubs say a wrapper).
    raw = cast(Any, psycopg.Cursor(connection.connection))
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def _execute(columns: Columns, rows: Sequence[Sequence[Any]], statement: str) -> None:
    """``statement`` after the WITH that holds ``rows`` as ``v``, once per chunk."""
    for cte, params in _rows(columns, rows):
        with _cursor() as cursor:
            cursor.execute(f"{cte} {statement}", params)


def insert(columns: Columns, rows: Sequence[Sequence[Any]], on_conflict: str = "") -> None:
    """INSERT ``rows``; ``on_conflict`` is the statement's ON CONFLICT clause,
    in which ``excluded`` names the row that was not inserted."""
    if rows:
        # SQLite needs a WHERE to read ON CONFLICT after INSERT ... SELECT.
        _execute(
            columns, rows,
            f"INSERT INTO {columns.table} ({columns.sql_names()}) "  # noqa: S608
            f"SELECT * FROM v WHERE true {on_conflict}",
        )  # fmt: skip


def update(columns: Columns, rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE the rows whose primary key (the first column) is given, setting
    the other columns to the values given."""
    if rows:
        key, *rest = columns.fields
        assignments = ", ".join(f"{field.column} = v.{field.column}" for field in rest)
        _execute(
            columns, rows,
            f"UPDATE {columns.table} SET {assignments} FROM v "  # noqa: S608
            f"WHERE {columns.table}.{key.column} = v.{key.column}",
        )  # fmt: skip


class _AnyOf(Lookup[Any]):
    """``<column> = ANY(%s::bigint[])``: one array parameter, and an index
    condition. (``IN (SELECT unnest(...))`` is a semi-join, which the planner
    ran as a sequential scan of the whole table once it had ~30,000 rows:
    4-6 ms for a probe batch's 250, half of PostgreSQL's CPU per check.)"""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, params = compiler.compile(self.lhs)
        return f"{lhs} = ANY(%s::bigint[])", (*params, self.rhs)


def among(ids: Iterable[int], field: str = "pk") -> Q | Lookup[Any]:
    """A filter for ``<field>`` in ``ids``: on PostgreSQL one array parameter."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field), list(ids))
    return Q(**{f"{field}__in": list(ids)})
