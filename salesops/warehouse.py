"""Read and write the warehouse from plain Python (planning, compensation, writeback).

One code path for both targets: DuckDB (the embedded default) and PostgreSQL,
through SQLAlchemy. Money stays `Decimal` end to end: rows go in and come out
as dicts of Python values, tables are created with the SQL types the caller
states, never inferred from a DataFrame (a pandas path silently goes through
float64).

Writers must run inside the `warehouse` concurrency pool (one DuckDB writer).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from salesops.settings import Settings

# Column name -> SQL type understood by DuckDB and PostgreSQL alike, e.g.
# {"target_id": "varchar", "amount": "decimal(18,2)", "month_start": "date"}.
Columns = Mapping[str, str]


def engine(settings: Settings, **options) -> sa.Engine:
    """A SQLAlchemy engine on the warehouse (the URL holds the PG password: never log it);
    on DuckDB with the settings' memory limit, threads and spill directory."""
    if settings.on_postgres:
        return sa.create_engine(settings.warehouse_sqlalchemy_url(), **options)
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(settings.warehouse_sqlalchemy_url(), connect_args={"config": settings.duckdb_config()}, **options)


@contextmanager
def transaction(settings: Settings) -> Iterator[sa.Connection]:
    """One transaction: everything inside commits together or not at all."""
    eng = engine(settings)
    try:
        with eng.begin() as conn:
            yield conn
    finally:
        eng.dispose()


def read_rows(settings: Settings, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows of a query as dicts (decimals stay Decimal). Use :name placeholders."""
    with transaction(settings) as conn:
        return [dict(r._mapping) for r in conn.execute(sa.text(sql), dict(params or {}))]


def read_tuples(conn: sa.Connection, sql: str) -> list[tuple]:
    """Rows of a query (no parameters) as plain tuples through the driver's own cursor:
    for large reads, where SQLAlchemy's Row objects cost as much as the query."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def table_exists(conn: sa.Connection, schema: str, table: str) -> bool:
    return sa.inspect(conn).has_table(table, schema=schema)


def create_table(conn: sa.Connection, schema: str, table: str, columns: Columns, *, primary_key: Sequence[str] = ()) -> None:
    """Create schema.table if it does not exist (columns as given; nothing inferred)."""
    conn.execute(sa.text(f'create schema if not exists "{schema}"'))
    cols = [f'"{name}" {sqltype}' for name, sqltype in columns.items()]
    if primary_key:
        cols.append("primary key (" + ", ".join(f'"{c}"' for c in primary_key) + ")")
    conn.execute(sa.text(f'create table if not exists "{schema}"."{table}" ({", ".join(cols)})'))


def insert_rows(conn: sa.Connection, schema: str, table: str, columns: Columns, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert rows (dicts keyed by column name; missing keys are NULL). Returns the count."""
    names = list(columns)
    if conn.dialect.name == "duckdb":
        return _insert_arrow(conn, schema, table, columns, rows)
    stmt = sa.text(
        f'insert into "{schema}"."{table}" (' + ", ".join(f'"{c}"' for c in names) + ") values ("
        + ", ".join(f":p{i}" for i in range(len(names))) + ")"
    )
    batch = [{f"p{i}": row.get(c) for i, c in enumerate(names)} for row in rows]
    if batch:
        conn.execute(stmt, batch)
    return len(batch)


def replace_table(settings: Settings, schema: str, table: str, columns: Columns, rows: Iterable[Mapping[str, Any]],
                  *, primary_key: Sequence[str] = ()) -> int:
    """Replace schema.table with rows, atomically: readers see the old or the new table, never half.

    The rows go to a new table first. If the existing table has the same columns and types, its
    rows are swapped (delete + insert) and the table itself stays: on PostgreSQL, dbt's views on
    it (staging views over config / planning / compensation sources) would forbid a drop. If the
    columns changed, the old table is dropped (with its dependent views on PostgreSQL: the
    night's dbt build recreates them) and the new one takes its name."""
    with transaction(settings) as conn:
        return replace_in(conn, schema, table, columns, rows, primary_key=primary_key)


def replace_in(conn: sa.Connection, schema: str, table: str, columns: Columns, rows: Iterable[Mapping[str, Any]],
               *, primary_key: Sequence[str] = ()) -> int:
    """replace_table inside the caller's transaction (several tables replaced together)."""
    new = f"{table}__new"
    conn.execute(sa.text(f'create schema if not exists "{schema}"'))
    conn.execute(sa.text(f'drop table if exists "{schema}"."{new}"'))
    create_table(conn, schema, new, columns, primary_key=primary_key)
    count = insert_rows(conn, schema, new, columns, rows)
    if table_exists(conn, schema, table) and _signature(conn, schema, table) == _signature(conn, schema, new):
        cols = ", ".join(f'"{c}"' for c in columns)
        conn.execute(sa.text(f'delete from "{schema}"."{table}"'))
        conn.execute(sa.text(f'insert into "{schema}"."{table}" ({cols}) select {cols} from "{schema}"."{new}"'))
        conn.execute(sa.text(f'drop table "{schema}"."{new}"'))
    else:
        cascade = " cascade" if conn.dialect.name == "postgresql" else ""
        conn.execute(sa.text(f'drop table if exists "{schema}"."{table}"{cascade}'))
        conn.execute(sa.text(f'alter table "{schema}"."{new}" rename to "{table}"'))
    return count


def _signature(conn: sa.Connection, schema: str, table: str) -> list[tuple]:
    """Column names, order, types and precision of a table (information_schema: DuckDB and PostgreSQL)."""
    return [tuple(r) for r in conn.execute(sa.text(
        "select column_name, data_type, numeric_precision, numeric_scale from information_schema.columns "
        "where table_schema = :s and table_name = :t order by ordinal_position"), {"s": schema, "t": table})]


def append_rows(settings: Settings, schema: str, table: str, columns: Columns, rows: Iterable[Mapping[str, Any]],
                *, primary_key: Sequence[str] = ()) -> int:
    """Append rows to schema.table (created on first use), in one transaction."""
    with transaction(settings) as conn:
        create_table(conn, schema, table, columns, primary_key=primary_key)
        return insert_rows(conn, schema, table, columns, rows)


def _arrow_type(sqltype: str):
    import pyarrow as pa

    t = sqltype.strip().lower()
    if t.startswith(("decimal", "numeric")):
        p, _, sc = t[t.index("(") + 1:t.index(")")].partition(",")
        return pa.decimal128(int(p), int(sc or 0))
    simple = {
        "varchar": pa.string(), "text": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us"),
        "timestamptz": pa.timestamp("us", tz="UTC"), "integer": pa.int32(), "int": pa.int32(), "bigint": pa.int64(),
        "smallint": pa.int16(), "boolean": pa.bool_(), "double": pa.float64(), "double precision": pa.float64(),
    }
    if t.split("(")[0] in simple:
        return simple[t.split("(")[0]]
    raise ValueError(f"warehouse column type {sqltype!r} has no Arrow mapping; use one of {sorted(simple)} or decimal(p,s)")


def _insert_arrow(conn: sa.Connection, schema: str, table: str, columns: Columns, rows: Iterable[Mapping[str, Any]]) -> int:
    """DuckDB: one Arrow batch instead of row-by-row executemany (about 100x faster); types exact."""
    import pyarrow as pa

    rows = list(rows)
    if not rows:
        return 0
    arrow = pa.table({c: pa.array([r.get(c) for r in rows], type=_arrow_type(t)) for c, t in columns.items()})
    duck = conn.connection.driver_connection
    duck.register("_salesops_rows", arrow)
    try:
        cols = ", ".join(f'"{c}"' for c in columns)
        duck.execute(f'insert into "{schema}"."{table}" ({cols}) select {cols} from _salesops_rows')
    finally:
        duck.unregister("_salesops_rows")
    return len(rows)
