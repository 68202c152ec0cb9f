"""`make bench`: time the pipeline at several scales of the demo company.

Each scenario runs in a fresh process, several times; the table shows medians.
Results (with machine and versions) go to bench/results/<timestamp>.json.
Scenarios, in order on one data dir: generate; nightly_cold (the whole Dagster
job on an empty warehouse: ingest + validate + dbt build + publish);
nightly_rerun (the same night again: nothing new to land); then, after the
warehouse and dlt state are deleted, ingest alone (cold) and dbt build alone."""

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
SCENARIOS = ["generate", "nightly_cold", "nightly_rerun", "ingest", "dbt_build"]


def run_scenario(name: str, scale: float, data_dir: Path) -> dict:
    env = {**os.environ, "DAGSTER_HOME": str(data_dir / "dagster_home"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
           "RUNTIME__DLTHUB_TELEMETRY": "false"}
    (data_dir / "dagster_home").mkdir(parents=True, exist_ok=True)
    out = subprocess.run([sys.executable, str(HERE / "scenario.py"), name.removesuffix("_cold").removesuffix("_rerun"), "--scale", str(scale), "--data-dir", str(data_dir)],
                         env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{name} at scale {scale} failed:\n{out.stderr[-3000:]}\n{out.stdout[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def warehouse_mb(data_dir: Path) -> float:
    w = data_dir / "warehouse" / "salesops.duckdb"
    return w.stat().st_size / 2**20 if w.exists() else 0.0


def bench_scale(scale: float, repeat: int) -> dict:
    runs: dict[str, list[dict]] = {s: [] for s in SCENARIOS}
    for _ in range(repeat):
        data_dir = Path(tempfile.mkdtemp(prefix=f"salesops-bench-{scale}-"))
        try:
            for s in SCENARIOS:
                if s == "ingest":  # start the pieces from an empty warehouse again
                    shutil.rmtree(data_dir / "warehouse", ignore_errors=True)
                    shutil.rmtree(data_dir / "dlt", ignore_errors=True)
                r = run_scenario(s, scale, data_dir)
                r["warehouse_mb"] = warehouse_mb(data_dir)
                runs[s].append(r)
                print(f"  scale {scale:g} {s:<14} {r['wall_s']:7.1f}s  {r['peak_rss_mb']:7.0f} MB", flush=True)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    return {s: {"median_wall_s": statistics.median(r["wall_s"] for r in rs),
                "median_cpu_s": statistics.median(r["cpu_s"] for r in rs),
                "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in rs),
                "warehouse_mb": rs[-1]["warehouse_mb"], "runs": rs} for s, rs in runs.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    results = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
               "versions": {pkg: version(pkg) for pkg in ("dagster", "dbt-core", "dbt-duckdb", "duckdb", "dlt", "great-expectations")},
               "scales": {}}
    for scale in a.scales:
        print(f"scale {scale:g} ({a.repeat} runs)", flush=True)
        results["scales"][str(scale)] = bench_scale(scale, a.repeat)
    print(f"\n{'scale':>5} {'scenario':<14} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'duckdb MB':>9}")
    for scale, scen in results["scales"].items():
        for s, r in scen.items():
            print(f"{float(scale):>5g} {s:<14} {r['median_wall_s']:>8.1f} {r['median_cpu_s']:>8.1f} "
                  f"{r['median_peak_rss_mb']:>8.0f} {r['warehouse_mb']:>9.1f}")
        d = scen["dbt_build"]["runs"][-1]
        slowest = ", ".join(f"{k.split('.')[-1]} {v:.1f}s" for k, v in d["slowest"][:3])
        print(f"      dbt: elapsed {d['dbt_elapsed']:.1f}s, sum of node times {d['sum_node_seconds']:.1f}s, slowest {slowest}")
    out = HERE / "results" / f"{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
