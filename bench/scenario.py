"""One benchmark scenario in a fresh process; prints one JSON line with
wall seconds, CPU seconds and peak RSS (this process and its children)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=["generate", "ingest", "dbt_build", "nightly"])
    p.add_argument("--scale", type=float, required=True)
    p.add_argument("--data-dir", required=True)
    a = p.parse_args()
    os.environ["SALESOPS_DATA_DIR"] = a.data_dir
    from salesops.settings import get_settings

    settings = get_settings()
    extra: dict = {}
    t0, c0 = time.perf_counter(), time.process_time()
    if a.scenario == "generate":
        from salesops.demo.generator import generate

        generate(settings.demo_dir, scale=a.scale, seed=42)
    elif a.scenario == "ingest":
        from salesops.contracts import load_all
        from salesops.ingest.landing import build_landing

        for src in load_all():
            landing = build_landing(settings, src, list(src.tables))
            landing.pipeline.run(landing.dlt_source)
    elif a.scenario == "dbt_build":
        from dbt.cli.main import dbtRunner

        from salesops.paths import DBT_PROJECT_DIR
        from salesops.settings import resolve_as_of
        from salesops.transform import dbt_build_args, dbt_env

        os.environ.update(dbt_env(settings))
        os.chdir(DBT_PROJECT_DIR)
        res = dbtRunner().invoke([*dbt_build_args(settings, resolve_as_of(settings)), "--quiet"])
        if not res.success:
            raise SystemExit(f"dbt build failed: {res.exception}")
        run_results = json.loads((DBT_PROJECT_DIR / "target" / "run_results.json").read_text())
        timings = {r["unique_id"]: r["execution_time"] for r in run_results["results"]}
        extra["dbt_elapsed"] = run_results["elapsed_time"]
        extra["sum_node_seconds"] = sum(timings.values())
        extra["slowest"] = sorted(timings.items(), key=lambda kv: -kv[1])[:5]
    elif a.scenario == "nightly":
        from rich.console import Console

        from salesops.runner import run_nightly

        with open(os.devnull, "w") as quiet:
            if not run_nightly(Console(file=quiet)):
                raise SystemExit("nightly run failed")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    ru_self, ru_kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += ru_kids.ru_utime + ru_kids.ru_stime
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": max(ru_self.ru_maxrss, ru_kids.ru_maxrss) / 1024, **extra}))


if __name__ == "__main__":
    main()
