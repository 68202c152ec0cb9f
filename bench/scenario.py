"""One benchmark scenario in a fresh process; prints one JSON line with
wall seconds, CPU seconds and peak RSS (this process and its children) of the
timed work, plus scenario details. Checks that follow the timed work (the
comparisons of the baselines with the marts) are not timed; a failed check
exits non-zero. `commission` reports its dbt-crediting and engine seconds
separately; `push_1pct` (bench/push_bench.py) times the pushes alone (close /
approve and the first pushes are its untimed set-up). See bench/run.py."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCENARIOS = ["generate", "ingest", "dbt_build", "nightly", "nightly_incremental", "pandas_baseline", "sql_direct",
             "commission", "pandas_commission", "push_1pct"]
# what the compensation engine reads (salesops/compensation/close.py load_inputs) and everything upstream
CREDITING_SELECT = ("+comp_credits +comp_quotas +stg_hr__job_assignments +stg_crm__users +stg_hr__employees "
                    "+stg_hr__employee_salaries")


def dbt_build_details(target: Path) -> dict:
    """Node times of the build just run (run_results.json), by resource type and for the
    models the pandas baseline re-implements (the three marts and everything upstream)."""
    from sql_direct import load_manifest, mart_ids, upstream

    run_results = json.loads((target / "run_results.json").read_text())
    manifest = load_manifest(target)
    timings = {r["unique_id"]: r["execution_time"] for r in run_results["results"]}
    by_type: dict[str, float] = {}
    for uid, s in timings.items():
        kind = uid.split(".")[0]
        by_type[kind] = by_type.get(kind, 0.0) + s
    involved = upstream(manifest, mart_ids(manifest))
    return {
        "dbt_elapsed": run_results["elapsed_time"],
        "sum_node_seconds": sum(timings.values()),
        "node_seconds_by_type": by_type,
        "marts_models_node_seconds": sum(s for uid, s in timings.items() if uid in involved),
        "marts_models": sorted(uid.split(".")[-1] for uid in involved),
        "failing_tests": sorted(r["unique_id"] for r in run_results["results"]
                                if r["unique_id"].startswith("test.") and r["status"] in ("fail", "warn", "error")),
        "slowest": sorted(timings.items(), key=lambda kv: -kv[1])[:5],
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=SCENARIOS)
    p.add_argument("--scale", type=float, required=True)
    p.add_argument("--data-dir", required=True)
    a = p.parse_args()
    os.environ["SALESOPS_DATA_DIR"] = a.data_dir
    from salesops.settings import get_settings

    settings = get_settings()
    extra: dict = {}
    after = None  # untimed follow-up (details, checks) -> dict merged into the output
    if a.scenario == "nightly_incremental":  # untimed: one more day of ~1 % changes in the sources
        from datetime import timedelta

        from salesops.demo.delta import apply_delta
        from salesops.settings import resolve_as_of

        next_day = resolve_as_of(settings) + timedelta(days=1)
        extra["delta"] = apply_delta(settings.demo_dir, next_day, share=0.01)
    t0, c0 = time.perf_counter(), time.process_time()
    if a.scenario == "generate":
        from salesops.demo.generator import generate

        extra["rows"] = generate(settings.demo_dir, scale=a.scale, seed=42)["tables"]  # rows per source table
    elif a.scenario == "ingest":
        from salesops.contracts import load_all
        from salesops.ingest.landing import build_landing

        for src in load_all():
            landing = build_landing(settings, src, list(src.tables))
            landing.pipeline.run(landing.dlt_source)
        # the config tables dbt reads as source `config` (written by Python assets in the nightly)
        from salesops.funnel.standard import load_standard, write_standard

        write_standard(settings, load_standard())
    elif a.scenario == "dbt_build":
        from dbt.cli.main import dbtRunner
        from sql_direct import dbt_dirs

        from salesops.paths import DBT_PROJECT_DIR
        from salesops.settings import resolve_as_of
        from salesops.transform import dbt_build_args, dbt_env

        # artifacts and logs of the bench's build go to the data dir: dbt_project/target holds the
        # manifest Dagster loads, and other builds (tests, `make run`) may be writing there
        target, logs = dbt_dirs(settings.data_dir)
        os.environ.update({**dbt_env(settings, resolve_as_of(settings)), "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(logs)})
        os.chdir(DBT_PROJECT_DIR)
        res = dbtRunner().invoke([*dbt_build_args(settings), "--quiet"])
        if not res.success:
            raise SystemExit(f"dbt build failed: {res.exception}")

        def after():
            return dbt_build_details(target)
    elif a.scenario in ("nightly", "nightly_incremental"):
        from rich.console import Console

        from salesops.runner import run_nightly

        as_of = next_day if a.scenario == "nightly_incremental" else None
        import io

        summary = io.StringIO()  # the run's summary: shown only if it failed (errors, failed checks)
        if not run_nightly(Console(file=summary, width=160), as_of=as_of):
            raise SystemExit("nightly run failed:\n" + summary.getvalue()[-4000:])
    elif a.scenario == "pandas_baseline":
        import baseline_pandas

        from salesops.settings import resolve_as_of

        as_of = resolve_as_of(settings)
        t_read = time.perf_counter()
        sources = baseline_pandas.read_sources(settings.demo_dir, settings.warehouse)
        t_compute = time.perf_counter()
        outputs = baseline_pandas.compute(sources, as_of, fiscal_year_start_month=settings.fiscal_year_start_month,
                                          timezone=settings.timezone, reporting_currency=settings.reporting_currency)
        extra["read_seconds"] = t_compute - t_read
        extra["compute_seconds"] = time.perf_counter() - t_compute
        extra["rows"] = {name: len(df) for name, df in outputs.items()}

        def after():
            from compare import compare_with_marts

            report = compare_with_marts(outputs, settings.warehouse)
            if not report["equal"]:
                raise SystemExit("pandas baseline differs from the marts:\n" + "\n".join(report["problems"]))
            return {"comparison": report}
    elif a.scenario == "commission":
        import subprocess

        from sql_direct import dbt_dirs

        from salesops.compensation.close import run_calculation
        from salesops.compensation.plans import load_plans, write_plan_tables
        from salesops.paths import DBT_PROJECT_DIR
        from salesops.settings import resolve_as_of
        from salesops.transform import dbt_build_args, dbt_env

        target, logs = dbt_dirs(settings.data_dir)
        # Seeded with the partial-parse state of the bench's earlier build on this warehouse, as dagster-dbt
        # seeds each op's folder: a recalculation on a built warehouse does not parse the project in full.
        seed, own = target / "partial_parse.msgpack", target / "commission" / "partial_parse.msgpack"
        if seed.exists() and not own.exists():
            own.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(seed, own)
        t_plans = time.perf_counter()
        plans = load_plans()
        write_plan_tables(settings, plans)  # the comp_plans asset: config.comp_plan_* (read by the crediting marts)
        t_dbt = time.perf_counter()
        # dbt in its own process, as the nightly's dbt ops run it (dbt-duckdb keeps the warehouse open in its process)
        res = subprocess.run([str(Path(sys.executable).parent / "dbt"),
                              *dbt_build_args(settings, select=CREDITING_SELECT), "--quiet",
                              "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                              "--target-path", str(target / "commission"), "--log-path", str(logs)],
                             env={**os.environ, **dbt_env(settings, resolve_as_of(settings))}, capture_output=True, text=True)
        if res.returncode:
            raise SystemExit(f"dbt build of the crediting chain failed:\n{res.stdout[-3000:]}{res.stderr[-3000:]}")
        t_engine, c_engine = time.perf_counter(), time.process_time()
        result = run_calculation(settings, plans=plans)  # the compensation_payouts asset
        extra["plans_seconds"] = t_dbt - t_plans
        extra["dbt_crediting_seconds"] = t_engine - t_dbt
        extra["engine_seconds"] = time.perf_counter() - t_engine
        extra["engine_cpu_seconds"] = time.process_time() - c_engine
        extra["payout_rows"] = len(result.payouts)
        extra["exceptions"] = len(result.exceptions)
        if result.blocked:
            raise SystemExit(f"the compensation calculation is blocked: {result.exceptions[:5]}")

        def after():
            run_results = json.loads((target / "commission" / "run_results.json").read_text())
            n = {}
            for r in run_results["results"]:
                kind = r["unique_id"].split(".")[0]
                n[kind] = n.get(kind, 0) + 1
            from salesops import warehouse

            credits = warehouse.read_rows(settings, "select count(*) as n from marts.comp_credits")[0]["n"]
            return {"dbt_nodes": n, "dbt_elapsed": run_results["elapsed_time"], "credit_rows": credits}
    elif a.scenario == "pandas_commission":
        import baseline_commission

        t_read = time.perf_counter()
        sources = baseline_commission.read_sources(settings)
        t_compute = time.perf_counter()
        payouts = baseline_commission.compute(sources, settings)
        extra["read_seconds"] = t_compute - t_read
        extra["compute_seconds"] = time.perf_counter() - t_compute
        extra["rows"] = len(payouts)

        def after():
            report = baseline_commission.compare_with_payouts(payouts, settings.warehouse)
            if not report["equal"]:
                raise SystemExit("pandas commission differs from compensation.payouts:\n" + "\n".join(report["problems"]))
            return {"comparison": report}
    elif a.scenario == "push_1pct":
        import push_bench

        extra = push_bench.run(settings)  # untimed set-up inside; the push seconds are its own
    elif a.scenario == "sql_direct":
        import sql_direct

        target, logs = sql_direct.dbt_dirs(settings.data_dir)
        # compiles first if no build left its manifest; times only the SQL (see sql_direct.run)
        extra = sql_direct.run(settings, target, logs, settings.data_dir / "sql_direct")
        v = extra["verification"]
        if v["differences"]:
            raise SystemExit("direct SQL build differs from dbt's:\n" + "\n".join(v["differences"]))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    ru_self, ru_kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += ru_kids.ru_utime + ru_kids.ru_stime
    peak = max(ru_self.ru_maxrss, ru_kids.ru_maxrss) / 1024
    if a.scenario == "sql_direct":  # the SQL alone: not the copy of the warehouse nor the verification
        extra["scenario_wall_s"], wall, cpu = wall, extra["sql_seconds"], extra["sql_cpu_seconds"]
    if a.scenario == "push_1pct":  # the pushes alone: not the period close / approve nor the set-up pushes
        extra["scenario_wall_s"], wall, cpu = wall, extra["push_seconds"], extra["push_cpu_seconds"]
    if after is not None:
        extra.update(after())
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak, **extra}))


if __name__ == "__main__":
    main()
