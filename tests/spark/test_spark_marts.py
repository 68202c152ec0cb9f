"""The same dbt project on Spark (dbt-spark, session mode): every mart equals the DuckDB mart.

Optional: runs in `.venv-spark` (`make test-spark`: dbt-spark[session] + pyspark, Java 17).
Without pyspark or Java the module is skipped, so `make test` never depends on Spark.

One build: a small demo company (scale 0.1) runs the normal nightly job on DuckDB; the tables
the dbt project reads as sources (landed raw_crm/raw_erp/raw_hr and the Python-written
config/planning/compensation tables) go to parquet, become Spark tables in a local Spark
session, and `dbt build --target spark` (data tests and unit tests included) builds the
project on them. Each mart is then compared with the DuckDB mart: same columns, same rows
(sorted), decimals exact, timestamps as UTC instants."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]

SCALE = 0.1
SEED = 7
SOURCE_SCHEMAS = ("raw_crm", "raw_erp", "raw_hr", "config", "planning", "compensation")
# Marts not compared, with the reason. Empty: every mart builds on Spark and equals DuckDB.
EXCLUDED_MARTS: dict[str, str] = {}


def _java_17_or_newer() -> str | None:
    """None when a usable Java is on the PATH (or JAVA_HOME), else why not."""
    java = shutil.which("java", path=os.path.join(os.environ["JAVA_HOME"], "bin")) if os.environ.get("JAVA_HOME") else None
    java = java or shutil.which("java")
    if not java:
        return "no `java` on the PATH (Spark needs Java 17+)"
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    m = re.search(r'version "(\d+)', out)
    if not m or int(m.group(1)) < 17:
        return f"Spark 4 needs Java 17+, found: {out.splitlines()[0] if out else java}"
    return None


try:
    import dbt.adapters.spark  # noqa: F401
    import pyspark  # noqa: F401
except ImportError as exc:
    pytest.skip(f"Spark test needs pyspark and dbt-spark (`make test-spark` installs them in .venv-spark): {exc}",
                allow_module_level=True)
if reason := _java_17_or_newer():
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory, dbt_manifest):
    """(DuckDB warehouse path, Spark session, dbt run results, spark mart names) after one build on each."""
    from salesops.demo.generator import generate
    from salesops.settings import get_settings, resolve_as_of
    from salesops.transform import dbt_vars
    from tests.test_nightly import _env, run_nightly_job

    root = tmp_path_factory.mktemp("spark")
    with _env(root / "data"):
        settings = get_settings()
        generate(settings.demo_dir, scale=SCALE, seed=SEED)
        result = run_nightly_job()
        assert result.success, "the DuckDB nightly must succeed before Spark is compared with it"
        warehouse, vars_ = settings.warehouse, {**dbt_vars(settings), "as_of": resolve_as_of(settings).isoformat()}

    tables = export_sources(warehouse, root / "parquet")
    spark = local_spark(root)
    load_sources(spark, tables)
    results = dbt_build_on_spark(root, vars_)
    yield warehouse, spark, results
    spark.stop()


def export_sources(warehouse: Path, out: Path) -> dict[str, Path]:
    """Every table of the source schemas as one parquet file: {"schema.table": path}."""
    import duckdb

    out.mkdir(parents=True)
    files = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' "
            f"and table_schema in ({','.join('?' * len(SOURCE_SCHEMAS))}) and table_name not like '\\_dlt%' escape '\\' "
            "order by 1, 2", list(SOURCE_SCHEMAS)).fetchall()
        for schema, name in tables:
            path = out / f"{schema}.{name}.parquet"
            con.execute(f"copy (select * from \"{schema}\".\"{name}\") to '{path}' (format parquet)")
            files[f"{schema}.{name}"] = path
    assert {k.split(".")[0] for k in files} == set(SOURCE_SCHEMAS), f"source schemas missing in {warehouse}: {sorted(files)}"
    return files


def local_spark(root: Path):
    """A local Spark session (2 cores), metastore and warehouse in `root`; dbt-spark's session method reuses it."""
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("salesops-dbt")
             .config("spark.sql.warehouse.dir", str(root / "spark-warehouse"))
             .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={root / 'derby'}")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", "2")  # tiny data: 200 shuffle partitions only cost time
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", "2g")
             .enableHiveSupport().getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def load_sources(spark, tables: dict[str, Path]) -> None:
    for name, path in tables.items():
        spark.sql(f"create database if not exists {name.split('.')[0]}")
        spark.read.parquet(str(path)).write.mode("overwrite").saveAsTable(name)


def dbt_build_on_spark(root: Path, vars_: dict) -> list:
    from dbt.cli.main import dbtRunner

    from salesops.paths import DBT_PROJECT_DIR

    saved = dict(os.environ)
    os.environ["SALESOPS_DBT_TARGET"] = "spark"
    cwd = os.getcwd()
    os.chdir(DBT_PROJECT_DIR)
    try:
        res = dbtRunner().invoke([
            "build", "--vars", json.dumps(vars_), "--project-dir", str(DBT_PROJECT_DIR),
            "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(root / "dbt-target"),
            "--log-path", str(root / "dbt-logs"), "--no-partial-parse", "--quiet"])
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)
    if res.exception:
        raise res.exception
    return list(res.result.results)


def test_dbt_build_on_spark_passes(built):
    _, _, results = built
    failed = [f"{r.node.unique_id}: {r.status}: {(r.message or '').strip()[:500]}" for r in results
              if str(r.status) not in ("success", "pass", "no-op")]  # no-op: exposures
    assert not failed, "\n".join(failed)
    assert sum(r.node.resource_type == "unit_test" for r in results) > 0


def test_every_mart_equals_duckdb(built):
    warehouse, spark, results = built
    marts = sorted(r.node.name for r in results if r.node.resource_type == "model" and r.node.schema == "marts")
    assert len(marts) > 20
    differences = mart_differences(warehouse, spark, [m for m in marts if m not in EXCLUDED_MARTS])
    assert not differences, "\n".join(differences)


def mart_differences(warehouse: Path, spark, marts: list[str]) -> list[str]:
    """One line per mart whose columns or rows differ between the DuckDB warehouse and Spark."""
    import duckdb

    differences = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for mart in marts:
            if not spark.catalog.tableExists(f"marts.{mart}"):
                differences.append(f"{mart}: not built on Spark")
                continue
            cur = con.execute(f"select * from marts.{mart}")
            duck_cols = [d[0] for d in cur.description]
            duck_rows = sorted(tuple(_norm(v) for v in row) for row in cur.fetchall())
            df = spark.table(f"marts.{mart}")
            ntz = [type(f.dataType).__name__ == "TimestampNTZType" for f in df.schema.fields]
            spark_rows = sorted(tuple(_norm(v, naive_is_local=not is_ntz) for v, is_ntz in zip(row, ntz, strict=True))
                                for row in df.collect())
            if df.columns != duck_cols:
                differences.append(f"{mart}: columns differ: duckdb {duck_cols} spark {df.columns}")
            elif spark_rows != duck_rows:
                only_duck = sorted(set(duck_rows) - set(spark_rows))[:3]
                only_spark = sorted(set(spark_rows) - set(duck_rows))[:3]
                differences.append(f"{mart}: {len(duck_rows)} rows on duckdb, {len(spark_rows)} on spark; "
                                   f"only on duckdb {only_duck}; only on spark {only_spark}")
    return differences


def _norm(value, naive_is_local: bool = False):
    """A type-normalised, sortable form: (type tag, value). Decimals by exact value, timestamps as UTC instants.

    PySpark returns a Spark `timestamp` as a naive datetime in the Python process's local time
    zone (naive_is_local); a DuckDB naive timestamp is UTC wall-clock time."""
    if value is None:
        return ("", "")
    if isinstance(value, bool):
        return ("b", str(value))
    if isinstance(value, int | Decimal):
        d = Decimal(value)
        return ("n", "0" if d == 0 else format(d.normalize(), "f"))
    if isinstance(value, float):
        return ("f", repr(round(value, 9)))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.astimezone(UTC) if naive_is_local else value.replace(tzinfo=UTC)
        return ("t", value.astimezone(UTC).isoformat())
    if isinstance(value, date):
        return ("d", value.isoformat())
    return ("s", str(value))
