"""PostgreSQL as the warehouse: the unchanged nightly job, run once on DuckDB
and once with SALESOPS_WAREHOUSE_TARGET=postgres on the same demo company,
builds marts with identical rows, and the ingestion checks pass on both."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from salesops.settings import WarehouseConfigError, get_settings
from salesops.transform import dbt_env
from tests.postgres import postgres_url  # noqa: F401  (fixture)
from tests.test_nightly import failed_checks, ingest_counts, run_nightly_job

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("postgres")]
SCALE = 0.02
PASSWORD = "never-in-a-log"  # the throwaway server trusts every login; the password must not leak anyway


@contextmanager
def _env(**values: str) -> Iterator[None]:
    """Only these SALESOPS_* variables for the duration (the rest of the environment is restored after)."""
    saved = dict(os.environ)
    for var in [v for v in os.environ if v.startswith("SALESOPS_")]:
        del os.environ[var]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _canonical(value) -> str:
    """One string per value, whichever driver read it: decimals keep their scale
    (money compares to the cent), timestamps in UTC."""
    if value is None:
        return "NULL"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(round(value, 9))
    return repr(value)


def _rows(con, schema: str, table: str, columns: list[str]) -> list[tuple[str, ...]]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return sorted(tuple(map(_canonical, row)) for row in con.execute(f'select {cols} from "{schema}"."{table}"').fetchall())


def _duckdb_marts(path: Path) -> dict[str, tuple[list[str], list]]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = 'marts' "
                                            "and table_type = 'BASE TABLE' order by 1").fetchall()]
        out = {}
        for t in tables:
            cols = [r[0] for r in con.execute("select column_name from information_schema.columns where table_schema = 'marts' "
                                              "and table_name = ? order by ordinal_position", [t]).fetchall()]
            out[t] = (cols, _rows(con, "marts", t, cols))
    return out


def _postgres_marts(url: str) -> dict[str, tuple[list[str], list]]:
    engine = sa.create_engine(url)
    out = {}
    with engine.connect() as conn:
        con = conn.connection.driver_connection  # plain DB-API: the same calls as on DuckDB
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = 'marts' "
                                            "and table_type = 'BASE TABLE' order by 1").fetchall()]
        for t in tables:
            cols = [r[0] for r in con.execute("select column_name from information_schema.columns where table_schema = 'marts' "
                                              "and table_name = %s order by ordinal_position", [t]).fetchall()]
            out[t] = (cols, _rows(con, "marts", t, cols))
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory, dbt_manifest, postgres_url):  # noqa: F811
    """The same demo company, one nightly run per warehouse target: {target: (data dir, result, warehouse URL)}."""
    from salesops.demo.generator import generate

    root = tmp_path_factory.mktemp("pg_warehouse")
    generate(root / "demo", scale=SCALE, seed=11)
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:  # its own database: tests/test_postgres_source.py uses `postgres`
        c.exec_driver_sql("drop database if exists salesops_wh")
        c.exec_driver_sql("create database salesops_wh")
        # Not UTC, so a model that depended on the session time zone would show here.
        c.exec_driver_sql("alter database salesops_wh set timezone to 'America/Los_Angeles'")
    admin.dispose()
    wh_url = sa.make_url(postgres_url).set(database="salesops_wh", password=PASSWORD).render_as_string(hide_password=False)

    nights = {}
    for target, extra in (("duckdb", {}),
                          ("postgres", {"SALESOPS_WAREHOUSE_TARGET": "postgres", "SALESOPS_WAREHOUSE_URL": wh_url})):
        data = root / target
        shutil.copytree(root / "demo", data / "demo")
        with _env(SALESOPS_DATA_DIR=str(data), **extra):
            nights[target] = (data, run_nightly_job(), wh_url if target == "postgres" else None)
    return nights


def test_postgres_warehouse_builds_the_same_marts_as_duckdb(two_nights):
    for target, (_, result, _) in two_nights.items():
        assert result.success, (target, [e.event_specific_data.error.message for e in result.all_events
                                         if e.event_type_value == "STEP_FAILURE"])
        assert failed_checks(result) == [], target
    _assert_same_marts(two_nights)


def _assert_same_marts(two_nights) -> None:
    duck_data, _, _ = two_nights["duckdb"]
    _, _, pg_url = two_nights["postgres"]
    duck = _duckdb_marts(duck_data / "warehouse" / "salesops.duckdb")
    pg = _postgres_marts(pg_url)
    assert {"opportunities", "funnel_stage_conversion", "rep_monthly_kpis", "target_vs_actual",
            "target_vs_actual_by_node", "data_quality_findings"} <= set(duck)
    assert sorted(pg) == sorted(duck)
    for table, (cols, rows) in duck.items():
        assert pg[table][0] == cols, f"marts.{table}: columns differ"
        assert rows, f"marts.{table} is empty on DuckDB"
        assert len(pg[table][1]) == len(rows), f"marts.{table}: {len(pg[table][1])} rows on PostgreSQL, {len(rows)} on DuckDB"
        diff = sorted(set(pg[table][1]) ^ set(rows))[:5]
        assert pg[table][1] == rows, f"marts.{table} differs, e.g. {diff}"


def test_ingestion_checks_pass_on_postgres(two_nights):
    data, result, pg_url = two_nights["postgres"]
    evaluations = [e for e in result.get_asset_check_evaluations() if e.check_name in ("rows_accounted", "quarantine_share")]
    assert len(evaluations) == 2 * 25 and all(e.passed for e in evaluations)
    counts = ingest_counts(result)
    assert counts == ingest_counts(two_nights["duckdb"][1]), "the same rows extracted, landed, quarantined on both"
    engine = sa.create_engine(pg_url)
    with engine.connect() as c:  # landed in PostgreSQL, not in a DuckDB file
        assert c.exec_driver_sql("select count(*) from raw_crm.opportunity").scalar() == counts["crm/opportunity"]["rows_landed"] > 0
    engine.dispose()
    assert not (data / "warehouse" / "salesops.duckdb").exists()
    assert not (data / "published").exists(), "nothing is copied: BI reads the marts schema in PostgreSQL"
    published = [e.event_specific_data.materialization for e in result.get_asset_materialization_events()
                 if e.asset_key.path == ["published", "marts"]]
    assert len(published) == 1 and "marts.opportunities" in published[0].metadata["tables"].value
    # the password is in no event of the run and in no file the run wrote
    assert PASSWORD not in repr([e.event_specific_data for e in result.all_events])
    for f in data.rglob("*"):
        if f.is_file() and f.stat().st_size < 5_000_000:
            assert PASSWORD.encode() not in f.read_bytes(), f


def test_postgres_settings_and_dbt_env(monkeypatch):
    for var in [v for v in os.environ if v.startswith("SALESOPS_")]:
        monkeypatch.delenv(var)
    assert get_settings().warehouse_target == "duckdb"
    assert dbt_env(get_settings(), date(2026, 3, 31))["SALESOPS_DBT_TARGET"] == "duckdb"
    s = get_settings(warehouse_target="postgres",
                     warehouse_url="postgresql+psycopg://bi_loader:p%40ss%3Aword@wh.internal:6543/sales?sslmode=require")
    env = dbt_env(s, date(2026, 3, 31))
    assert {k: v for k, v in env.items() if k.startswith(("SALESOPS_", "PG"))} == {
        "SALESOPS_AS_OF": "2026-03-31", "SALESOPS_DBT_TARGET": "postgres", "SALESOPS_PG_HOST": "wh.internal", "SALESOPS_PG_PORT": "6543",
        "SALESOPS_PG_USER": "bi_loader", "SALESOPS_PG_PASSWORD": "p@ss:word", "SALESOPS_PG_DBNAME": "sales", "SALESOPS_PG_SSLMODE": "require"}
    assert "p@ss" not in s.warehouse_label() and "p%40ss" not in s.warehouse_label()
    # no password in the URL: PGPASSWORD, else empty (libpq reads ~/.pgpass); dlt and dbt both get it explicitly
    no_password = get_settings(warehouse_target="postgres", warehouse_url="postgresql+psycopg://etl@/salesops?host=/run/pg")
    monkeypatch.setenv("PGPASSWORD", "from-env")
    env = dbt_env(no_password, date(2026, 3, 31))
    assert (env["SALESOPS_PG_HOST"], env["SALESOPS_PG_PASSWORD"], env["SALESOPS_PG_PORT"]) == ("/run/pg", "from-env", "5432")
    monkeypatch.delenv("PGPASSWORD")
    assert dbt_env(no_password, date(2026, 3, 31))["SALESOPS_PG_PASSWORD"] == ""
    with pytest.raises(WarehouseConfigError, match="needs SALESOPS_WAREHOUSE_URL"):
        get_settings(warehouse_target="postgres")
    with pytest.raises(WarehouseConfigError, match="PostgreSQL URL") as err:
        get_settings(warehouse_target="postgres", warehouse_url="mysql://u:topsecret@h/db")
    assert "topsecret" not in str(err.value)
    with pytest.raises(WarehouseConfigError, match="TARGET is duckdb"):
        get_settings(warehouse_url="postgresql://u@h/db")


def test_incremental_night_on_postgres_builds_the_same_marts_as_duckdb(two_nights):
    """Issue 3 on PostgreSQL: a second whole night after apply_delta (~1 % changes, a late order, a
    hierarchy move) runs -- the config assets replace tables that dbt's staging views depend on,
    which PostgreSQL would refuse to drop -- and the incremental models' delete pre-hooks and
    partial rebuilds give the same marts as on DuckDB (where tests/test_nightly.py proves
    incremental == full rebuild)."""
    from salesops.demo.delta import apply_delta

    for target, (data, _, pg_url) in two_nights.items():
        extra = {"SALESOPS_WAREHOUSE_TARGET": "postgres", "SALESOPS_WAREHOUSE_URL": pg_url} if pg_url else {}
        with _env(SALESOPS_DATA_DIR=str(data), **extra):
            apply_delta(data / "demo", date(2026, 11, 27))
            out = subprocess.run([sys.executable, "-m", "salesops.cli", "run", "--as-of", "2026-11-27"],
                                 env=dict(os.environ), capture_output=True, text=True)
            assert out.returncode == 0, (target, out.stdout[-6000:], out.stderr[-3000:])
    _assert_same_marts(two_nights)
