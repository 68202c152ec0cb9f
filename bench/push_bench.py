"""The `push_1pct` scenario of `make bench`: the quota push and the payroll push
(salesops/writeback, docs/writeback.md) the way `salesops push ...` runs them
(gate on the latest nightly run of the Dagster instance -> records -> diff
against the target -> dry run, then --apply), on a warehouse the nightly and
the incremental night built.

Untimed set-up, what a user does first:
  1. commission periods: `salesops comp close` every open period before the as-of
     month, in order, and `salesops comp approve` the last one (P); the payroll
     push takes approved periods only;
  2. the first pushes, applied: quotas of the published plan to the CRM's
     forecasting_quota, and the payroll lines of P to the payroll input table
     (their times are reported as `first_*`: every row is an insert or update);
  3. ~1 % drift in both targets: every 100th pushed row (at least one) edited by
     hand in the CRM / payroll system (amount + 100.00), as happens between pushes.
Timed: per target a dry run and an apply (the diff finds the ~1 % edited rows
and restores them), each with the CLI's gate check (the latest nightly run in
the Dagster instance: most of the time at small scales); then the apply's rerun
must change nothing (checked, untimed). Reported: rows considered (pushed
records) and changed, and each push's own seconds (records + diff + send +
audit log, without the gate).

Run alone:  python bench/push_bench.py --data-dir <data dir after a nightly run>
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _counts(result) -> dict:
    return {"considered": result.inserted + result.updated + result.unchanged + result.rejected,
            "inserted": result.inserted, "updated": result.updated, "unchanged": result.unchanged,
            "rejected": result.rejected, "seconds": result.seconds, "status": result.status}


def close_and_approve(settings) -> str:
    """Close every open period before the as-of month (in order), approve the last; return it."""
    from salesops import warehouse
    from salesops.compensation.close import approve_period, close_period
    from salesops.settings import resolve_as_of

    as_of_month = resolve_as_of(settings).strftime("%Y-%m")
    periods = warehouse.read_rows(settings, "select period, status from compensation.periods order by period")
    todo = [p["period"] for p in periods if p["status"] == "open" and p["period"] < as_of_month]
    if not todo:
        raise SystemExit(f"no open commission period before {as_of_month} to close (compensation.periods: {periods})")
    for period in todo:
        close_period(settings, period)
    approve_period(settings, todo[-1], "bench")
    return todo[-1]


def drift(url: str, table: str, key_sql: str, amount_col: str, keys: list[str]) -> int:
    """Edit every 100th of the given keys (at least one) in the target: amount + 100.00."""
    chosen = sorted(keys)[::100] or sorted(keys)[:1]
    engine = sa.create_engine(url)
    edited = 0
    try:
        with engine.begin() as conn:
            for k in chosen:
                edited += conn.execute(sa.text(f"update {table} set {amount_col} = {amount_col} + 100 where {key_sql} = :k"),
                                       {"k": k}).rowcount
    finally:
        engine.dispose()
    return edited


def run(settings) -> dict:
    from salesops.writeback.cli import _nightly_status
    from salesops.writeback.service import crm_writeback_url, payroll_url, push_payroll, push_quotas

    out: dict = {}
    period = close_and_approve(settings)
    out["period"] = period
    nightly = _nightly_status()
    first_q = push_quotas(settings, nightly, apply=True)
    first_p = push_payroll(settings, nightly, period=period, apply=True)
    out["first_quotas"], out["first_payroll"] = _counts(first_q), _counts(first_p)
    # rows the first pushes wrote (a zero payroll line the target does not hold is not sent)
    q_keys = [r.key for r in first_q.rows if r.action in ("insert", "update")]
    p_keys = [r.key for r in first_p.rows if r.action in ("insert", "update")]
    quota_key_sql = ("quota_owner_id || ':' || substr(start_date, 1, 10) || ':' || coalesce(product_family, '')")
    out["drifted_quotas"] = drift(crm_writeback_url(settings), "forecasting_quota", quota_key_sql, "quota_amount", q_keys)
    out["drifted_payroll"] = drift(payroll_url(settings), "payroll_input", "input_id", "amount", p_keys)

    t0, c0 = time.perf_counter(), time.process_time()
    timed = {
        "quotas_dry_run": push_quotas(settings, _nightly_status(), apply=False),
        "quotas_apply": push_quotas(settings, _nightly_status(), apply=True),
        "payroll_dry_run": push_payroll(settings, _nightly_status(), period=period, apply=False),
        "payroll_apply": push_payroll(settings, _nightly_status(), period=period, apply=True),
    }
    out["push_seconds"], out["push_cpu_seconds"] = time.perf_counter() - t0, time.process_time() - c0
    for name, result in timed.items():
        out[name] = _counts(result)
    for name in ("quotas", "payroll"):
        changed = timed[f"{name}_apply"].inserted + timed[f"{name}_apply"].updated
        if changed != out[f"drifted_{name}"]:
            raise SystemExit(f"{name} push changed {changed} rows, {out[f'drifted_{name}']} were edited: "
                             f"{_counts(timed[f'{name}_apply'])}")
    rerun = {"quotas": push_quotas(settings, _nightly_status(), apply=True),
             "payroll": push_payroll(settings, _nightly_status(), period=period, apply=True)}
    for name, result in rerun.items():
        if result.inserted or result.updated:
            raise SystemExit(f"the rerun of the {name} push changed rows: {_counts(result)}")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", required=True)
    a = p.parse_args()
    os.environ["SALESOPS_DATA_DIR"] = a.data_dir
    from salesops.settings import get_settings

    print(run(get_settings()))


if __name__ == "__main__":
    main()
