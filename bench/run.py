"""`make bench`: time the pipeline at several scales of the demo company.

Each scenario runs in a fresh process (bench/scenario.py), several times; the
table shows medians. Results (with machine and versions) go to
bench/results/<timestamp>.json. Scenarios, in order on one data dir:

  generate             the demo company (SQLite CRM / ERP / HR)
  nightly_cold         the whole Dagster nightly job on an empty warehouse: ingest +
                       validate + dbt as its 3 ops (dbt_build, dbt_build_planned after
                       the planning assets, dbt_build_compensated after the commission
                       engine) + the Python assets + publish
  nightly_rerun        the same night again: nothing new to land
  ingest               after the warehouse and dlt state are deleted: ingest alone (cold);
                       then, untimed, the tables the night's Python assets wrote (schemas
                       planning, compensation, config: the published plan, the payouts,
                       the plan and contest config) are copied back from the night's
                       warehouse, as the dbt sources they are
  dbt_build            `dbt build` of the whole project in one invocation (all 3 stages)
  pandas_baseline      funnel_stage_conversion, rep_monthly_kpis and target_vs_actual in
                       pandas from the SQLite sources (+ the published plan from the
                       warehouse: bench/baseline_pandas.py); fails unless they equal the
                       marts exactly (bench/compare.py)
  sql_direct           the SQL dbt compiled, run directly on a copy of the warehouse with
                       the duckdb API: seeds, models in dependency order, data tests
                       (bench/sql_direct.py); fails unless the tables equal dbt's
  nightly_incremental  one more day of ~1 % new/changed source rows (salesops/demo/delta.py,
                       applied untimed) and the nightly job as of that day
  commission           the commission calculation alone on the built warehouse: the plan
                       tables (config.comp_plan_*), `dbt build` of the crediting chain
                       (everything upstream of comp_credits, comp_quotas and the HR / CRM
                       staging views the engine reads), then the engine
                       (salesops.compensation.close.run_calculation); split into
                       dbt-crediting and engine seconds
  pandas_commission    the same calculation as an analyst would write it in pandas from
                       the SQLite sources + the plan YAMLs + the published plan
                       (bench/baseline_commission.py), for a SUBSET: the AE_2026 plan
                       (bookings + invoiced_revenue: credits, quotas, curve / table,
                       SPIFs, clawbacks, draws; not the manager and overlay plans); fails
                       unless its payout rows equal compensation.payouts to the cent
  push_1pct            the quota push (published plan -> CRM forecasting_quota) and the
                       payroll push (approved period -> payroll input), dry run + apply
                       each, with ~1 % of the target rows edited since the first push
                       (bench/push_bench.py; close / approve and the first pushes untimed)

Ratios (printed and in the JSON under "ratios"): dbt_build / sql_direct (the
framework tax); pandas_baseline / warehouse, warehouse = the dbt node times of
the models behind the three marts (run_results.json); incremental / cold night;
pandas_commission / commission, / its engine part and / its dbt-crediting part.

  python bench/run.py --scales 0.2 --repeat 1 [--keep]     # a quick check (keep the data dirs)
  python bench/run.py                                       # scales 1 and 10, 3 runs each
  python bench/run.py --scales 50 --repeat 1 --scenarios generate nightly_cold nightly_rerun nightly_incremental
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEPT_SETTINGS = {"SALESOPS_DUCKDB_MEMORY_LIMIT", "SALESOPS_DUCKDB_THREADS"}
SCENARIOS = ["generate", "nightly_cold", "nightly_rerun", "ingest", "dbt_build", "pandas_baseline", "sql_direct",
             "nightly_incremental", "commission", "pandas_commission", "push_1pct"]
# schemas the nightly's Python assets write (dbt reads them as sources): kept across the cold ingest
PYTHON_SCHEMAS = ("planning", "compensation", "config")


def run_scenario(name: str, scale: float, data_dir: Path) -> dict:
    env = {**os.environ, "DAGSTER_HOME": str(data_dir / "dagster_home"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
           "RUNTIME__DLTHUB_TELEMETRY": "false", "DO_NOT_TRACK": "1"}
    # The demo company in the bench's data dir, default settings: no source URL, warehouse path or target,
    # as-of date ... from the shell, and no .env (scenarios run in the data dir). Only DuckDB's limits pass.
    for var in [v for v in env if v.startswith("SALESOPS_") and v not in KEPT_SETTINGS]:
        del env[var]
    (data_dir / "dagster_home").mkdir(parents=True, exist_ok=True)
    # the project's instance settings: telemetry off, the warehouse pool limit
    shutil.copyfile(HERE.parent / ".dagster" / "dagster.yaml", data_dir / "dagster_home" / "dagster.yaml")
    out = subprocess.run([sys.executable, str(HERE / "scenario.py"), name.removesuffix("_cold").removesuffix("_rerun"), "--scale", str(scale), "--data-dir", str(data_dir)],
                         env=env, capture_output=True, text=True, cwd=data_dir)
    if out.returncode:
        raise SystemExit(f"{name} at scale {scale:g} failed:\n{out.stderr[-3000:]}\n{out.stdout[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def restore_python_tables(night: Path, warehouse: Path) -> None:
    """Copy the tables of PYTHON_SCHEMAS (the published plan, the payouts, the plan config ...) from
    the night's warehouse into the freshly ingested one, replacing what is there."""
    import duckdb

    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"attach '{night}' as night (read_only)")
        tables = con.execute("select schema_name, table_name from duckdb_tables() where database_name = 'night' "
                             f"and schema_name in {PYTHON_SCHEMAS}").fetchall()
        for schema, table in tables:
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create or replace table "{schema}"."{table}" as select * from night."{schema}"."{table}"')
        con.execute("detach night")
    finally:
        con.close()


def warehouse_mb(data_dir: Path) -> float:
    w = data_dir / "warehouse" / "salesops.duckdb"
    return w.stat().st_size / 2**20 if w.exists() else 0.0


def ensure_dbt_manifest() -> None:
    """The nightly job's Dagster definitions load dbt_project/target/manifest.json (`make run` parses
    first; `make bench` does not): parse once if it is missing."""
    sys.path.insert(0, str(HERE.parent))
    from salesops.paths import DBT_PROJECT_DIR

    if not (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        # this checkout's CLI (the `salesops` console script may import another checkout)
        subprocess.run([sys.executable, "-m", "salesops.cli", "dbt", "parse", "--quiet"], check=True, cwd=HERE.parent)


def bench_scale(scale: float, repeat: int, keep: bool = False, scenarios: list[str] = SCENARIOS) -> dict:
    runs: dict[str, list[dict]] = {s: [] for s in scenarios}
    for _ in range(repeat):
        data_dir = Path(tempfile.mkdtemp(prefix=f"salesops-bench-{scale:g}-"))
        try:
            for s in scenarios:
                if s == "ingest":  # start the pieces from an empty warehouse again
                    night = data_dir / "night.duckdb"
                    shutil.copy(data_dir / "warehouse" / "salesops.duckdb", night)
                    if (data_dir / "warehouse" / "salesops.duckdb.wal").exists():
                        shutil.copy(data_dir / "warehouse" / "salesops.duckdb.wal", night.with_suffix(".duckdb.wal"))
                    shutil.rmtree(data_dir / "warehouse", ignore_errors=True)
                    shutil.rmtree(data_dir / "dlt", ignore_errors=True)
                r = run_scenario(s, scale, data_dir)
                if s == "ingest":  # untimed: the Python assets' tables of the night, so dbt builds every model
                    restore_python_tables(night, data_dir / "warehouse" / "salesops.duckdb")
                    night.unlink()
                    night.with_suffix(".duckdb.wal").unlink(missing_ok=True)
                r["warehouse_mb"] = warehouse_mb(data_dir)
                runs[s].append(r)
                print(f"  scale {scale:g} {s:<19} {r['wall_s']:7.1f}s  {r['peak_rss_mb']:7.0f} MB", flush=True)
        finally:
            if keep:
                print(f"  kept {data_dir}", flush=True)
            else:
                shutil.rmtree(data_dir, ignore_errors=True)
    return {s: {"median_wall_s": statistics.median(r["wall_s"] for r in rs),
                "median_cpu_s": statistics.median(r["cpu_s"] for r in rs),
                "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in rs),
                "warehouse_mb": rs[-1]["warehouse_mb"], "runs": rs} for s, rs in runs.items()}


def median_of(scen: dict, scenario: str, key: str) -> float:
    return statistics.median(r[key] for r in scen[scenario]["runs"])


def ratios(scen: dict) -> dict:
    """Baselines vs the pipeline, from medians (seconds and their ratios); {} unless every scenario ran."""
    if set(scen) != set(SCENARIOS):
        return {}
    dbt_wall = scen["dbt_build"]["median_wall_s"]
    direct = scen["sql_direct"]["median_wall_s"]
    pandas = scen["pandas_baseline"]["median_wall_s"]
    warehouse = median_of(scen, "dbt_build", "marts_models_node_seconds")
    direct_marts = median_of(scen, "sql_direct", "marts_models_seconds")
    return {
        "dbt_build_wall_s": dbt_wall,
        "dbt_elapsed_s": median_of(scen, "dbt_build", "dbt_elapsed"),
        "sql_direct_s": direct,
        "sql_direct_models_s": median_of(scen, "sql_direct", "models_seconds"),
        "sql_direct_tests_s": median_of(scen, "sql_direct", "tests_seconds"),
        "pandas_s": pandas,
        "pandas_read_s": median_of(scen, "pandas_baseline", "read_seconds"),
        "pandas_compute_s": median_of(scen, "pandas_baseline", "compute_seconds"),
        "warehouse_s": warehouse,
        "sql_direct_marts_models_s": direct_marts,
        # framework tax: the same seeds, models and data tests with dbt (wall of `dbt build`
        # incl. start-up and parsing; dbt's own elapsed time) vs the compiled SQL alone
        "dbt_build_over_sql_direct": dbt_wall / direct,
        "dbt_elapsed_over_sql_direct": median_of(scen, "dbt_build", "dbt_elapsed") / direct,
        # pandas vs the warehouse's work for the same three marts (the models behind them)
        "pandas_over_warehouse": pandas / warehouse,
        "pandas_compute_over_warehouse": median_of(scen, "pandas_baseline", "compute_seconds") / warehouse,
        "pandas_over_sql_direct_marts": pandas / direct_marts,
        # an incremental night (1 % delta) against the cold night on an empty warehouse
        "nightly_incremental_s": scen["nightly_incremental"]["median_wall_s"],
        "incremental_over_cold": scen["nightly_incremental"]["median_wall_s"] / scen["nightly_cold"]["median_wall_s"],
        # the commission calculation alone (dbt crediting chain + engine) and its pandas baseline
        "commission_s": scen["commission"]["median_wall_s"],
        "commission_dbt_crediting_s": median_of(scen, "commission", "dbt_crediting_seconds"),
        "commission_engine_s": median_of(scen, "commission", "engine_seconds"),
        "pandas_commission_s": scen["pandas_commission"]["median_wall_s"],
        "pandas_commission_read_s": median_of(scen, "pandas_commission", "read_seconds"),
        "pandas_commission_compute_s": median_of(scen, "pandas_commission", "compute_seconds"),
        "pandas_commission_over_commission": scen["pandas_commission"]["median_wall_s"] / scen["commission"]["median_wall_s"],
        "pandas_commission_over_engine": (scen["pandas_commission"]["median_wall_s"]
                                          / median_of(scen, "commission", "engine_seconds")),
        "pandas_commission_over_dbt_crediting": (scen["pandas_commission"]["median_wall_s"]
                                                 / median_of(scen, "commission", "dbt_crediting_seconds")),
        # quota + payroll push, dry run + apply each, ~1 % of the target rows to restore
        "push_1pct_s": scen["push_1pct"]["median_wall_s"],
    }


def summary(results: dict) -> None:
    """The table of medians and the ratios, per scale."""
    print(f"\n{'scale':>5} {'scenario':<19} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'duckdb MB':>9}")
    for scale, scen in results["scales"].items():
        for s, r in scen.items():
            print(f"{float(scale):>5g} {s:<19} {r['median_wall_s']:>8.1f} {r['median_cpu_s']:>8.1f} "
                  f"{r['median_peak_rss_mb']:>8.0f} {r['warehouse_mb']:>9.1f}")
        q = results["ratios"][scale]
        if not q:  # a subset of the scenarios (--scenarios): no baselines to compare with
            if "nightly_incremental" in scen and "nightly_cold" in scen:
                cold, incremental = scen["nightly_cold"]["median_wall_s"], scen["nightly_incremental"]["median_wall_s"]
                print(f"      incremental night (1 % delta) = {incremental / cold:.0%} of the cold night")
            continue
        d = scen["dbt_build"]["runs"][-1]
        slowest = ", ".join(f"{k.split('.')[-1]} {v:.1f}s" for k, v in d["slowest"][:3])
        by_type = ", ".join(f"{k} {v:.1f}s" for k, v in d["node_seconds_by_type"].items() if v >= 0.05)
        print(f"      dbt: elapsed {d['dbt_elapsed']:.1f}s, sum of node times {d['sum_node_seconds']:.1f}s ({by_type}), slowest {slowest}")
        n = len(d["marts_models"])
        print(f"      framework tax: dbt build {q['dbt_build_wall_s']:.1f}s (dbt's elapsed {q['dbt_elapsed_s']:.1f}s) vs the same "
              f"SQL direct {q['sql_direct_s']:.1f}s (seeds+models {q['sql_direct_models_s']:.1f}s, data tests "
              f"{q['sql_direct_tests_s']:.1f}s): dbt_build / sql_direct = {q['dbt_build_over_sql_direct']:.1f}x "
              f"(elapsed / sql_direct = {q['dbt_elapsed_over_sql_direct']:.1f}x)")
        print(f"      pandas baseline: {q['pandas_s']:.1f}s (read SQLite {q['pandas_read_s']:.1f}s + compute "
              f"{q['pandas_compute_s']:.1f}s) vs warehouse {q['warehouse_s']:.1f}s (dbt node times of the {n} models behind "
              f"the 3 marts; dbt build wall {q['dbt_build_wall_s']:.1f}s): pandas_baseline / warehouse = "
              f"{q['pandas_over_warehouse']:.1f}x (compute only {q['pandas_compute_over_warehouse']:.1f}x; vs the same models "
              f"as direct SQL {q['sql_direct_marts_models_s']:.1f}s: {q['pandas_over_sql_direct_marts']:.1f}x); outputs equal")
        rows = scen["generate"]["runs"][-1].get("rows", {})
        print(f"      incremental night (1 % delta): {q['nightly_incremental_s']:.1f}s = "
              f"{q['incremental_over_cold']:.0%} of the cold night; source rows: {sum(rows.values()):,} "
              f"({', '.join(f'{t} {n:,}' for t, n in sorted(rows.items(), key=lambda kv: -kv[1])[:5])}, ...)")
        c, pc, pu = scen["commission"]["runs"][-1], scen["pandas_commission"]["runs"][-1], scen["push_1pct"]["runs"][-1]
        print(f"      commission: {q['commission_s']:.1f}s = plan tables {c['plans_seconds']:.1f}s + dbt crediting "
              f"{q['commission_dbt_crediting_s']:.1f}s ({c['dbt_nodes'].get('model', 0)} models, "
              f"{c['dbt_nodes'].get('test', 0)} tests; {c['credit_rows']:,} credits) + engine "
              f"{q['commission_engine_s']:.1f}s (CPU {c['engine_cpu_seconds']:.1f}s; {c['payout_rows']:,} payouts, "
              f"{c['exceptions']} exceptions)")
        print(f"      pandas commission ({pc['comparison']['subset']}): {q['pandas_commission_s']:.1f}s (read "
              f"{q['pandas_commission_read_s']:.1f}s + compute {q['pandas_commission_compute_s']:.1f}s; "
              f"{pc['comparison']['rows']:,} payout rows compared, equal): / commission = "
              f"{q['pandas_commission_over_commission']:.2f}x, / engine = {q['pandas_commission_over_engine']:.2f}x, "
              f"/ dbt crediting = {q['pandas_commission_over_dbt_crediting']:.2f}x")
        pushes = ", ".join(f"{k} {pu[k]['seconds']:.2f}s ({pu[k]['inserted'] + pu[k]['updated']:,} of "
                           f"{pu[k]['considered']:,} changed)"
                           for k in ("quotas_dry_run", "quotas_apply", "payroll_dry_run", "payroll_apply"))
        print(f"      push_1pct (period {pu['period']}): {q['push_1pct_s']:.2f}s: {pushes}; first pushes: quotas "
              f"{pu['first_quotas']['seconds']:.2f}s, payroll {pu['first_payroll']['seconds']:.2f}s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--keep", action="store_true", help="keep the data dirs (their paths are printed)")
    p.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=SCENARIOS,
                   help="run only these, in the usual order (e.g. at scale 50, where the pandas baselines "
                        "need more memory than the machine has: generate nightly_cold nightly_rerun nightly_incremental)")
    p.add_argument("--summary", type=Path, help="print the summary of a results JSON and exit")
    a = p.parse_args()
    if a.summary:
        summary(json.loads(a.summary.read_text()))
        return
    ensure_dbt_manifest()
    results = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
               "versions": {pkg: version(pkg) for pkg in ("dagster", "dbt-core", "dbt-duckdb", "duckdb", "dlt",
                                                          "great-expectations", "pandas", "sqlalchemy")},
               "repeat": a.repeat, "scales": {}, "ratios": {}}
    for scale in a.scales:
        print(f"scale {scale:g} ({a.repeat} runs)", flush=True)
        scenarios = [s for s in SCENARIOS if s in a.scenarios]
        results["scales"][str(scale)] = scen = bench_scale(scale, a.repeat, a.keep, scenarios)
        results["ratios"][str(scale)] = ratios(scen)
    out = HERE / "results" / f"{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    summary(results)
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
