"""Publishing the marts for BI readers: only what changed is written again, and the result always
equals the warehouse's marts (salesops/publish.py)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from salesops.publish import FINGERPRINTS, publish_marts
from salesops.settings import Settings


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESOPS_DATA_DIR", str(tmp_path / "data"))
    s = Settings()
    s.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(s.warehouse)) as con:
        con.execute("create schema marts; create schema raw_hr")
        con.execute("create table raw_hr.salaries as select 'r1' as rep_id, 100000 as salary")  # never published
        con.execute("create table marts.target_vs_actual (rep_id varchar, month date, bookings decimal(18,2))")
        con.execute("insert into marts.target_vs_actual values ('r1', date '2026-01-01', 10.00), "
                    "('r2', date '2026-01-01', 20.50), ('r2', date '2026-01-01', 20.50)")  # a duplicate row counts
        con.execute("create table marts.opportunities as select 'o' || i as opportunity_id, i * 1.25 as amount "
                    "from range(1000) t(i)")
        con.execute("create table marts.retired as select 1 as x")
    return s


def table_rows(path, where: str = "true") -> dict[str, list]:
    """Every table of a DuckDB file (those matching `where`), as sorted rows."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_schema || '.' || table_name from information_schema.tables "
                                           f"where {where} order by 1").fetchall()]
        return {n: sorted(con.execute(f"select * from {n}").fetchall()) for n in names}


def published_rows(s: Settings) -> dict[str, list]:
    return table_rows(s.published_dir / "salesops_marts.duckdb")


def warehouse_marts(s: Settings) -> dict[str, list]:
    return table_rows(s.warehouse, "table_schema = 'marts'")


def parquet_rows(s: Settings, name: str) -> list:
    with duckdb.connect() as con:
        return sorted(con.execute(f"select * from '{s.published_dir / 'parquet' / name}.parquet'").fetchall())


def inode(s: Settings, name: str) -> int:
    return (s.published_dir / "parquet" / f"{name}.parquet").stat().st_ino


def test_a_night_without_changes_writes_nothing_again(settings):
    first = publish_marts(settings)
    assert first["copied"] == first["tables"] == ["marts.opportunities", "marts.retired", "marts.target_vs_actual"]
    assert first["kept"] == []
    assert published_rows(settings) == warehouse_marts(settings)  # marts only: raw_hr stays in the warehouse
    assert parquet_rows(settings, "target_vs_actual") == [
        ("r1", date(2026, 1, 1), Decimal("10.00")),
        ("r2", date(2026, 1, 1), Decimal("20.50")),
        ("r2", date(2026, 1, 1), Decimal("20.50"))]
    inodes = {n: inode(settings, n) for n in ("opportunities", "retired", "target_vs_actual")}

    second = publish_marts(settings)
    assert second["copied"] == [] and second["kept"] == first["tables"]
    assert published_rows(settings) == warehouse_marts(settings)
    assert {n: inode(settings, n) for n in inodes} == inodes  # the same Parquet files, linked into the new folder


def test_changed_added_and_dropped_marts_are_written_and_the_rest_kept(settings):
    publish_marts(settings)
    opportunities = inode(settings, "opportunities")
    with duckdb.connect(str(settings.warehouse)) as con:
        # the same rows in another order, rewritten by a rebuild: unchanged for a reader
        con.execute("create or replace table marts.opportunities as select * from marts.opportunities order by amount desc")
        # one duplicate of a row removed: the counts differ, though the distinct rows do not
        con.execute("delete from marts.target_vs_actual where rep_id = 'r2'")
        con.execute("insert into marts.target_vs_actual values ('r2', date '2026-01-01', 20.50)")
        con.execute("drop table marts.retired")
        con.execute("create table marts.new_mart as select 42 as answer")

    result = publish_marts(settings)

    assert result["copied"] == ["marts.new_mart", "marts.target_vs_actual"]
    assert result["kept"] == ["marts.opportunities"]
    assert published_rows(settings) == warehouse_marts(settings)  # marts.retired is gone from the file
    assert sorted(p.name for p in (settings.published_dir / "parquet").iterdir()) == [
        FINGERPRINTS, "new_mart.parquet", "opportunities.parquet", "target_vs_actual.parquet"]
    assert len(parquet_rows(settings, "target_vs_actual")) == 2
    assert inode(settings, "opportunities") == opportunities


def test_a_published_copy_that_differs_from_its_warehouse_table_is_replaced(settings):
    """The last published file is compared, not trusted: a table changed behind salesops' back (or a
    copy left by an interrupted publish) is written again; so is a Parquet file without a fingerprint."""
    publish_marts(settings)
    with duckdb.connect(str(settings.published_dir / "salesops_marts.duckdb")) as con:
        con.execute("update marts.opportunities set amount = amount + 0.01 where opportunity_id = 'o7'")
    (settings.published_dir / "parquet" / FINGERPRINTS).write_text(json.dumps({}))
    target_vs_actual = inode(settings, "target_vs_actual")

    result = publish_marts(settings)

    assert result["copied"] == ["marts.opportunities"]
    assert published_rows(settings) == warehouse_marts(settings)
    assert inode(settings, "target_vs_actual") != target_vs_actual  # rewritten: no fingerprint said it was current
    assert parquet_rows(settings, "target_vs_actual") == warehouse_marts(settings)["marts.target_vs_actual"]
