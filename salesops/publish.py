"""Publish the marts for readers after a successful run.

DuckDB allows one writer and no reader while it writes, and the working
warehouse also holds raw HR data. Readers (BI tools, the UI's previews) get a
separate DuckDB file with the `marts` schema only, plus one Parquet file per
mart for tools built on DuckDB 1.x. Both are swapped in atomically, so a
reader never sees a half-finished night.

With the PostgreSQL warehouse (SALESOPS_WAREHOUSE_TARGET=postgres) nothing is
copied: PostgreSQL serves concurrent readers, and BI connects to the `marts`
schema of the warehouse database itself (grant its role USAGE/SELECT on that
schema only). Publishing then lists the mart tables found there. Each mart
table is replaced atomically by dbt, but a failed night can leave some marts
rebuilt and others not; the run's status tells which night they describe."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from salesops.settings import Settings

PUBLISHED_SCHEMAS = ("marts",)


def publish_marts(settings: Settings) -> dict:
    """Returns {"path": where readers find the marts, "parquet_dir": … or None, "tables": ["marts.x", …]}."""
    if settings.on_postgres:
        return _postgres_marts(settings)
    out = settings.published_dir
    out.mkdir(parents=True, exist_ok=True)
    tmp_db = out / ".salesops_marts.duckdb.tmp"
    tmp_parquet = out / ".parquet.tmp"
    tmp_db.unlink(missing_ok=True)
    shutil.rmtree(tmp_parquet, ignore_errors=True)
    tmp_parquet.mkdir()
    tables: list[str] = []
    # Row order means nothing to a reader; without it DuckDB writes the Parquet files in parallel
    # (scale 10: 6.2 s -> 4.5 s for the Parquet files; the DuckDB copy is unchanged).
    with duckdb.connect(str(tmp_db), config={**settings.duckdb_config(), "preserve_insertion_order": False}) as con:
        con.execute(f"attach '{_sql_path(settings.warehouse)}' as wh (read_only)")
        for schema in PUBLISHED_SCHEMAS:
            names = [r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'wh' "
                "and table_schema = ? and table_type = 'BASE TABLE' order by 1", [schema]).fetchall()]
            con.execute(f'create schema if not exists "{schema}"')
            for name in names:
                con.execute(f'create table "{schema}"."{name}" as select * from wh."{schema}"."{name}"')
                con.execute(f"copy \"{schema}\".\"{name}\" to '{_sql_path(tmp_parquet / f'{name}.parquet')}' (format parquet)")
                tables.append(f"{schema}.{name}")
        con.execute("detach wh")
        con.execute("checkpoint")
    final_db, final_parquet = out / "salesops_marts.duckdb", out / "parquet"
    os.replace(tmp_db, final_db)
    old = out / ".parquet.old"
    shutil.rmtree(old, ignore_errors=True)
    if final_parquet.exists():
        final_parquet.rename(old)
    tmp_parquet.rename(final_parquet)
    shutil.rmtree(old, ignore_errors=True)
    return {"path": str(final_db), "parquet_dir": str(final_parquet), "tables": tables}


def _postgres_marts(settings: Settings) -> dict:
    import sqlalchemy as sa

    engine = sa.create_engine(settings.warehouse_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as con:
            tables = [f"{schema}.{name}" for schema, name in con.execute(sa.text(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema = any(:schemas) and table_type = 'BASE TABLE' order by 1, 2"),
                {"schemas": list(PUBLISHED_SCHEMAS)})]
    finally:
        engine.dispose()
    if not tables:
        raise RuntimeError(f"no mart tables in schema {', '.join(PUBLISHED_SCHEMAS)} of {settings.warehouse_label()}")
    location = f"{settings.warehouse_label()} (schema {', '.join(PUBLISHED_SCHEMAS)})"
    return {"path": location, "parquet_dir": None, "tables": tables}


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
