"""Compare the pandas baseline (bench/baseline_pandas.py) with the marts in the
warehouse, exactly: same rows (by the mart's grain), and for every column the
baseline implements the same value -- money to the cent, rates to 4 decimals,
days in hundredths (all compared as integers), counts, flags, names.

Run alone:  python bench/compare.py --data-dir <data dir with a dbt-built warehouse>
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# mart -> grain, and the compared columns by kind (money: cents; ratio: 1/10,000; days: 1/100)
MARTS = {
    "funnel_stage_conversion": {
        "keys": ["stage_name", "cohort_month"],
        "count": ["stage_order", "n_entered", "n_skipped", "n_reached_later", "n_won", "n_lost", "n_open", "n_exited"],
        "money": ["entered_amount_reporting", "won_amount_reporting"],
        "ratio": ["conversion_rate", "win_rate_from_stage", "win_rate_by_amount"],
        "days": ["median_days_in_stage", "p75_days_in_stage"],
        "other": [],
    },
    "rep_monthly_kpis": {
        "keys": ["user_id", "month_start"],
        "count": ["n_won", "n_lost", "n_opps_created", "n_tasks", "n_tasks_completed", "n_events", "n_activities"],
        "money": ["bookings", "avg_deal_size", "pipeline_created"],
        "ratio": ["win_rate", "win_rate_by_amount"],
        "days": [],
        "other": ["user_name", "is_known_user", "is_partial_month"],
    },
    "target_vs_actual": {
        "keys": ["user_id", "month_start"],
        "count": ["fiscal_year", "fiscal_quarter", "fiscal_month"],
        "money": ["quota", "bookings", "gap", "ytd_quota", "ytd_bookings", "ytd_gap"],
        "ratio": ["attainment", "ytd_attainment"],
        "days": [],
        "other": ["user_name", "has_quota", "is_known_user", "is_partial_month"],
    },
}
SCALE = {"count": 1, "money": 100, "ratio": 10_000, "days": 100}


def read_mart(con, mart: str, spec: dict) -> pd.DataFrame:
    cols = [f'cast("{k}" as varchar) as "{k}"' for k in spec["keys"]]
    for kind, factor in SCALE.items():
        cols += [f'cast("{c}" * {factor} as bigint) as "{c}"' for c in spec[kind]]
    cols += [f'"{c}"' for c in spec["other"]]
    return con.execute(f'select {", ".join(cols)} from marts."{mart}"').df()


def _normalise(df: pd.DataFrame, spec: dict) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for k in spec["keys"]:
        out[k] = df[k].dt.strftime("%Y-%m-%d") if pd.api.types.is_datetime64_any_dtype(df[k]) else df[k].astype("string")
    for kind in SCALE:
        for c in spec[kind]:
            out[c] = pd.to_numeric(df[c]).round().astype("Int64")
    for c in spec["other"]:
        out[c] = df[c].astype("boolean") if c.startswith(("is_", "has_")) else df[c].astype("string")
    return out


def compare_frames(mart: str, ours: pd.DataFrame, theirs: pd.DataFrame, spec: dict, examples: int = 3) -> list[str]:
    keys = spec["keys"]
    ours, theirs = _normalise(ours, spec), _normalise(theirs, spec)
    problems = []
    for name, df in (("pandas", ours), ("mart", theirs)):
        dupes = df.duplicated(keys).sum()
        if dupes:
            problems.append(f"{mart}: {dupes} duplicate keys {keys} in the {name} output")
    both = ours.merge(theirs, on=keys, how="outer", suffixes=("_pandas", "_mart"), indicator=True)
    for side, label in (("left_only", "only in pandas"), ("right_only", "only in the mart")):
        rows = both[both["_merge"] == side]
        if len(rows):
            problems.append(f"{mart}: {len(rows)} rows {label}, e.g. {rows[keys].head(examples).to_dict('records')}")
    both = both[both["_merge"] == "both"]
    for c in [c for kind in (*SCALE, "other") for c in spec[kind]]:
        a, b = both[f"{c}_pandas"], both[f"{c}_mart"]
        same = (a == b).fillna(False) | (a.isna() & b.isna())
        if not same.all():
            bad = both.loc[~same, [*keys, f"{c}_pandas", f"{c}_mart"]]
            problems.append(f"{mart}.{c}: {len(bad)} of {len(both)} rows differ, e.g. {bad.head(examples).to_dict('records')}")
    return problems


def compare_with_marts(outputs: dict[str, pd.DataFrame], warehouse: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        problems, rows, columns = [], {}, {}
        for mart, spec in MARTS.items():
            theirs = read_mart(con, mart, spec)
            problems += compare_frames(mart, outputs[mart], theirs, spec)
            rows[mart] = len(theirs)
            columns[mart] = [c for kind in (*SCALE, "other") for c in spec[kind]]
    finally:
        con.close()
    return {"equal": not problems, "problems": problems, "rows": rows, "columns": columns}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", required=True)
    a = p.parse_args()
    import os
    import time

    os.environ["SALESOPS_DATA_DIR"] = a.data_dir
    import baseline_pandas

    from salesops.settings import get_settings, resolve_as_of

    settings = get_settings()
    t0 = time.perf_counter()
    sources = baseline_pandas.read_sources(settings.demo_dir, settings.warehouse)
    t1 = time.perf_counter()
    outputs = baseline_pandas.compute(sources, resolve_as_of(settings), fiscal_year_start_month=settings.fiscal_year_start_month,
                                      timezone=settings.timezone, reporting_currency=settings.reporting_currency)
    t2 = time.perf_counter()
    report = compare_with_marts(outputs, settings.warehouse)
    print(f"read {t1 - t0:.1f}s, compute {t2 - t1:.1f}s; rows {report['rows']}")
    print("\n".join(report["problems"]) if report["problems"] else "pandas baseline = marts, exactly")
    sys.exit(0 if report["equal"] else 1)


if __name__ == "__main__":
    main()
