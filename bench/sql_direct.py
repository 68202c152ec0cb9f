"""The dbt project's SQL run directly on DuckDB, without dbt or Dagster: the
baseline for the framework tax in `make bench`.

Takes the SQL that `dbt build` compiled (compiled_code of every node in the
build's manifest.json; the bench's dbt build writes its artifacts to
<data dir>/dbt/target, not to dbt_project/target), and on a COPY of the
warehouse, with the same DuckDB settings as the dbt profile:

  1. drops the dbt-built schemas (untimed), so the build starts from the raw
     tables only, like the bench's `dbt build` does after a cold ingest;
  2. timed: loads the seeds from their CSV (column types as dbt created them),
     then `create or replace view|table <relation> as <compiled sql>` for
     every model in dependency order, then runs every data test's compiled
     SQL as `select count(*)` (dbt's default fail_calc);
  3. untimed: checks that every table model equals the one dbt built (same
     columns, same rows, EXCEPT ALL both ways) and that the same tests fail.

Incremental models are built as tables: the bench's `dbt build` runs on a
freshly ingested warehouse, so dbt compiled (and ran) their full build, without
the incremental filter; the verification would show any difference.

Not replayed: unit tests (dbt fixtures, no counterpart in plain SQL), the
contract checks and NOT NULL constraints dbt adds to the marts' DDL, dbt's
two threads (statements here run one after another; DuckDB itself uses the
configured threads per statement).

Run alone:  python bench/sql_direct.py --data-dir <data dir with a dbt-built warehouse>
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from graphlib import TopologicalSorter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The marts the pandas baseline re-implements (bench/baseline_pandas.py).
BASELINE_MARTS = ("funnel_stage_conversion", "rep_monthly_kpis", "target_vs_actual")
BUILT = ("model", "seed")


def dbt_dirs(data_dir: Path) -> tuple[Path, Path]:
    """target-path and log-path of the bench's dbt invocations (kept out of the repo)."""
    return data_dir / "dbt" / "target", data_dir / "dbt" / "logs"


def load_manifest(target: Path) -> dict:
    return json.loads((target / "manifest.json").read_text())


def build_order(manifest: dict) -> list[dict]:
    """Seeds and models in dependency order (dbt's DAG, deterministic tie order)."""
    nodes = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] in BUILT}
    graph = TopologicalSorter({uid: [d for d in n["depends_on"].get("nodes", []) if d in nodes]
                               for uid, n in sorted(nodes.items())})
    return [nodes[uid] for uid in graph.static_order()]


def mart_ids(manifest: dict, names: tuple[str, ...] = BASELINE_MARTS) -> list[str]:
    ids = [uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "model" and n["name"] in names]
    if len(ids) != len(names):
        raise SystemExit(f"marts {names} not all in the manifest (found {ids})")
    return ids


def upstream(manifest: dict, ids: list[str]) -> set[str]:
    """The given nodes and every seed/model they read from, transitively."""
    nodes = manifest["nodes"]
    seen: set[str] = set()
    todo = list(ids)
    while todo:
        uid = todo.pop()
        if uid in seen or uid not in nodes or nodes[uid]["resource_type"] not in BUILT:
            continue
        seen.add(uid)
        todo.extend(nodes[uid]["depends_on"].get("nodes", []))
    return seen


def compiled_sql(node: dict, target: Path) -> str:
    sql = node.get("compiled_code")
    if not sql:  # older manifests: the file dbt wrote under target/compiled
        path = target / "compiled" / node["package_name"] / node["original_file_path"]
        sql = path.read_text() if path.exists() else None
    if not sql:
        raise SystemExit(f"no compiled SQL for {node['unique_id']}: run `dbt build` or `dbt compile` first")
    return sql


def ensure_compiled(settings, target: Path, logs: Path) -> dict:
    """The build's manifest; if there is none (sql_direct run on its own), `dbt compile` (untimed)."""
    if (target / "manifest.json").exists():
        manifest = load_manifest(target)
        if all(n.get("compiled_code") for n in build_order(manifest) if n["resource_type"] == "model"):
            return manifest
    import os
    import subprocess

    from salesops.paths import DBT_PROJECT_DIR
    from salesops.settings import resolve_as_of
    from salesops.transform import dbt_build_args, dbt_env

    # in a child process: dbt-duckdb keeps the warehouse open in its process, and it is attached below
    args = dbt_build_args(settings, unit_tests=True)  # compile has no --exclude-resource-type
    args[0] = "compile"
    res = subprocess.run([str(Path(sys.executable).parent / "dbt"), *args, "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                          "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target), "--log-path", str(logs)],
                         env={**os.environ, **dbt_env(settings, resolve_as_of(settings))}, capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"dbt compile failed:\n{res.stdout[-3000:]}{res.stderr[-3000:]}")
    return load_manifest(target)


def _connect(path: Path, settings):
    import duckdb

    # the dbt profile's settings (dbt_project/profiles.yml): same memory, threads, temp dir, session time zone
    con = duckdb.connect(str(path), config=settings.duckdb_config())
    con.execute("set TimeZone = 'UTC'")  # after connecting: ICU (built in) is loaded by then
    return con


def _schema_of(node: dict) -> str:
    return node["schema"]


def _quoted(node: dict) -> str:
    return node.get("relation_name") or f'"{node["database"]}"."{node["schema"]}"."{node.get("alias") or node["name"]}"'


def _columns(con, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table]).fetchall()


def run(settings, target: Path, logs: Path, work_dir: Path, *, keep_copy: bool = False) -> dict:
    """Build every seed/model and run every data test from the compiled SQL;
    returns timings (the timed part only) and the verification."""
    manifest = ensure_compiled(settings, target, logs)
    order = build_order(manifest)
    tests = sorted((n for n in manifest["nodes"].values() if n["resource_type"] == "test"), key=lambda n: n["unique_id"])
    for n in order:
        mat = n["config"]["materialized"]
        if n["resource_type"] == "model" and mat not in ("view", "table", "incremental"):
            raise SystemExit(f"{n['unique_id']}: materialization {mat!r} is not replayed by bench/sql_direct.py")

    warehouse = settings.warehouse
    work_dir.mkdir(parents=True, exist_ok=True)
    copy = work_dir / warehouse.name  # same file name -> same catalog name as in the compiled SQL
    shutil.copyfile(warehouse, copy)
    if warehouse.with_suffix(warehouse.suffix + ".wal").exists():
        shutil.copyfile(warehouse.with_suffix(warehouse.suffix + ".wal"), copy.with_suffix(copy.suffix + ".wal"))
    catalog = copy.stem

    con = _connect(copy, settings)
    try:
        # seeds: the column types dbt gave them, read before the schemas are dropped
        seed_types = {n["unique_id"]: _columns(con, catalog, _schema_of(n), n.get("alias") or n["name"])
                      for n in order if n["resource_type"] == "seed"}
        for schema in sorted({_schema_of(n) for n in order}):
            con.execute(f'drop schema if exists "{schema}" cascade')
        con.execute("checkpoint")

        node_s: dict[str, float] = {}
        t0, c0 = time.perf_counter(), time.process_time()
        for schema in sorted({_schema_of(n) for n in order}):
            con.execute(f'create schema if not exists "{schema}"')
        for n in order:
            t = time.perf_counter()
            if n["resource_type"] == "seed":
                csv = Path(n["root_path"]) / n["original_file_path"]
                cols = seed_types[n["unique_id"]]
                if not cols:
                    raise SystemExit(f"seed {n['name']} is not in the warehouse: run dbt build first")
                spec = "{" + ", ".join(f"'{c}': '{typ}'" for c, typ in cols) + "}"
                con.execute(f"create or replace table {_quoted(n)} as select * from read_csv('{csv}', header = true, columns = {spec})")
            else:
                kind = "view" if n["config"]["materialized"] == "view" else "table"
                con.execute(f"create or replace {kind} {_quoted(n)} as (\n{compiled_sql(n, target)}\n)")
            node_s[n["unique_id"]] = time.perf_counter() - t
        models_s = time.perf_counter() - t0
        con.execute("checkpoint")  # dbt's connection close persists the data; count the write here too
        models_and_checkpoint_s = time.perf_counter() - t0

        failures: dict[str, int] = {}
        t1 = time.perf_counter()
        for n in tests:
            fail_calc = n["config"].get("fail_calc") or "count(*)"
            failures[n["unique_id"]] = con.execute(
                f"select {fail_calc} from (\n{compiled_sql(n, target)}\n) as dbt_internal_test").fetchone()[0] or 0
        tests_s = time.perf_counter() - t1
        total_s, total_cpu = time.perf_counter() - t0, time.process_time() - c0

        verification = _verify(con, catalog, warehouse, order)
        run_results = target / "run_results.json"
        if run_results.exists():  # the build's own test outcomes: the same tests must fail (or warn)
            dbt_failing = {r["unique_id"] for r in json.loads(run_results.read_text())["results"]
                           if r["unique_id"].startswith("test.") and r["status"] in ("fail", "warn", "error")}
            ours = {uid for uid, f in failures.items() if f}
            if ours != dbt_failing:
                verification["differences"].append(f"failing tests differ: only direct {sorted(ours - dbt_failing)}, "
                                                   f"only dbt {sorted(dbt_failing - ours)}")
    finally:
        con.close()
        if not keep_copy:
            shutil.rmtree(work_dir, ignore_errors=True)

    involved = upstream(manifest, mart_ids(manifest))
    return {
        "sql_seconds": total_s,  # seeds + models + checkpoint + data tests
        "sql_cpu_seconds": total_cpu,
        "models_seconds": models_s,
        "models_with_checkpoint_seconds": models_and_checkpoint_s,
        "tests_seconds": tests_s,
        "marts_models_seconds": sum(s for uid, s in node_s.items() if uid in involved),
        "n_models": sum(n["resource_type"] == "model" for n in order),
        "n_seeds": sum(n["resource_type"] == "seed" for n in order),
        "n_data_tests": len(tests),
        "failing_tests": sorted(uid for uid, f in failures.items() if f),
        "slowest": sorted(node_s.items(), key=lambda kv: -kv[1])[:5],
        "verification": verification,
    }


def _verify(con, catalog: str, warehouse: Path, order: list[dict]) -> dict:
    """Every table (models materialized as tables, seeds) equals dbt's."""
    con.execute(f"attach '{warehouse}' as dbt_built (read_only)")
    differences: list[str] = []
    type_differences: list[str] = []
    tables = [n for n in order if n["resource_type"] == "seed" or n["config"]["materialized"] in ("table", "incremental")]
    for n in tables:
        schema, name = _schema_of(n), n.get("alias") or n["name"]
        ours, theirs = _columns(con, catalog, schema, name), _columns(con, "dbt_built", schema, name)
        if [c for c, _ in ours] != [c for c, _ in theirs]:
            differences.append(f"{schema}.{name}: columns {[c for c, _ in ours]} != dbt's {[c for c, _ in theirs]}")
            continue
        type_differences += [f"{schema}.{name}.{c}: {a} (dbt: {b})" for (c, a), (_, b) in zip(ours, theirs, strict=True) if a != b]
        cols = ", ".join(f'"{c}"' for c, _ in ours)
        a, b = f'"{catalog}"."{schema}"."{name}"', f'dbt_built."{schema}"."{name}"'
        only_ours = con.execute(f"select count(*) from (select {cols} from {a} except all select {cols} from {b})").fetchone()[0]
        only_dbt = con.execute(f"select count(*) from (select {cols} from {b} except all select {cols} from {a})").fetchone()[0]
        if only_ours or only_dbt:
            differences.append(f"{schema}.{name}: {only_ours} rows only in the direct build, {only_dbt} only in dbt's")
    con.execute("detach dbt_built")
    return {"tables_compared": len(tables), "differences": differences, "type_differences": type_differences}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", required=True)
    p.add_argument("--keep-copy", action="store_true")
    a = p.parse_args()
    import os

    os.environ["SALESOPS_DATA_DIR"] = a.data_dir
    from salesops.settings import get_settings

    settings = get_settings()
    target, logs = dbt_dirs(settings.data_dir)
    print(json.dumps(run(settings, target, logs, settings.data_dir / "sql_direct", keep_copy=a.keep_copy), indent=2))


if __name__ == "__main__":
    main()
