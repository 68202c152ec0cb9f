"""`salesops report ...`: headline tables in the terminal. The `report` app is
shared: other domains add their commands to it (e.g. `report performance`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from salesops.console import make_console

report_app = typer.Typer(help="Headline reports from the marts (read-only).", no_args_is_help=True)
console = make_console()


def _money(v: Any) -> str:
    if v is None:
        return "-"
    return f"{Decimal(v) / 1_000_000:,.2f}M"


def _pct(v: Any) -> str:
    return "-" if v is None else f"{Decimal(str(v)) * 100:.1f}%"


def _num(v: Any, places: int = 1) -> str:
    return "-" if v is None else f"{Decimal(str(v)):,.{places}f}"


def _table(title: str, columns: list[str]) -> Table:
    t = Table(title=title, title_justify="left", title_style="bold")
    for i, c in enumerate(columns):
        t.add_column(c, justify="left" if i == 0 else "right")
    return t


def _query_fn(published: bool, warehouse: Path | None):
    """A read-only query function on the published copy, a given DuckDB file, or the warehouse."""
    from salesops.settings import get_settings

    settings = get_settings()
    if settings.on_postgres and not (published or warehouse):
        from salesops.warehouse import read_rows

        return lambda sql: read_rows(settings, sql)
    import duckdb

    path = warehouse or (settings.published_dir / "salesops_marts.duckdb" if published else settings.warehouse)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist" + (" (no published copy yet: run `salesops run`)" if published else ""))
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        raise FileNotFoundError(f"cannot open {path} read-only ({exc}); a run may be writing it: use --published") from None

    def query(sql: str) -> list[dict[str, Any]]:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    return query


@report_app.command("funnel")
def funnel(
    as_of: Annotated[str | None, typer.Option(help="As-of date YYYY-MM-DD the marts must describe (default: as built).")] = None,
    published: Annotated[bool, typer.Option("--published", help="Read the published read-only copy of the marts.")] = False,
    warehouse: Annotated[Path | None, typer.Option(help="A DuckDB file holding the marts schema (default: the warehouse).")] = None,
) -> None:
    """The sales funnel: conversion and calibration, time in stage, win rate, velocity, last week's waterfall,
    forecast vs quota, coverage, stalled deals by manager."""
    from salesops.funnel.report import ReportError, load_report

    try:
        wanted = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        console.print(f"[red]--as-of must be a date YYYY-MM-DD, got {as_of!r}[/]")
        raise typer.Exit(2) from None
    try:
        r = load_report(_query_fn(published, warehouse), wanted)
    except (ReportError, FileNotFoundError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    render(r)


def render(r: dict[str, Any], out: Console = console) -> None:
    out.print(f"[bold]Sales funnel as of {r['as_of']}[/] (amounts in millions, reporting currency)")

    t = _table("Cohort stage conversion, trailing window (a skipped stage counts as passed)",
               ["stage", "entered", "skipped", "reached later", "conversion", "won", "lost", "open",
                "P(win|stage)", "configured", "gap"])
    for c in r["calibration"]:
        t.add_row(c["stage_name"], f"{c['n_entered']:,}", f"{c['n_skipped']:,}", f"{c['n_reached_later']:,}",
                  _pct(c["conversion_rate"]), f"{c['n_won']:,}", f"{c['n_lost']:,}", f"{c['n_open']:,}",
                  _pct(c["observed_win_probability"]), _pct(c["default_probability"]), _pct(c["calibration_gap"]))
    out.print(t)

    t = _table("Time in stage (days, visits exited in the window)", ["stage", "exits", "median", "p75", "mean", "SLA", "over SLA"])
    for s in r["time_in_stage"]:
        t.add_row(s["stage_name"], f"{s['n_exited']:,}", _num(s["median_days_in_stage"]), _num(s["p75_days_in_stage"]),
                  _num(s["mean_days_in_stage"]), _num(s["max_days_in_stage"], 0), _pct(s["over_sla_share"]))
    out.print(t)

    t = _table("Win rate, cycle and velocity by close month", ["month", "won", "lost", "win rate", "by amount",
                                                              "avg deal", "cycle (median d)", "velocity/day"])
    for w in r["win_rates"]:
        t.add_row(str(w["month_start"])[:7], f"{w['n_won']:,}", f"{w['n_lost']:,}", _pct(w["win_rate"]),
                  _pct(w["win_rate_by_amount"]), _money(w["avg_deal_size"]), _num(w["median_cycle_days_won"]),
                  _money(w["velocity_per_day"]))
    out.print(t)

    w = r["waterfall"]
    if w:
        t = _table(f"Pipeline waterfall, week ending {w['week_end_date']} (period Q{w['fiscal_quarter']} {w['fiscal_year']})",
                   ["", "amount", "deals"])
        for label, amount, n in [("open at start", w["open_start"], w["n_open_start"]), ("+ new", w["new_amount"], w["n_new"]),
                                 ("+ pulled in", w["pulled_in"], w["n_pulled_in"]), ("+ increased", w["increased"], None),
                                 ("- pushed out", w["pushed_out"], w["n_pushed_out"]), ("- decreased", w["decreased"], None),
                                 ("- won", w["won"], w["n_won"]), ("- lost", w["lost"], w["n_lost"]),
                                 ("open at end", w["open_end"], w["n_open_end"])]:
            t.add_row(label, _money(amount), "" if n is None else f"{n:,}")
        out.print(t)

    if r["forecast"]:
        f = r["forecast"][-1]
        t = _table(f"Forecast vs quota, Q{f['fiscal_quarter']} {f['fiscal_year']} (snapshot {f['week_end_date']}, "
                   f"week {f['week_of_quarter']})", ["", "amount"])
        for label, key in [("quota", "quota"), ("won to date", "won_to_date"), ("open pipeline", "open_pipeline"),
                           ("  commit", "commit_amount"), ("  best case", "best_case_amount"), ("  pipeline", "pipeline_amount"),
                           ("weighted pipeline", "weighted_pipeline"), ("forecast (won + weighted)", "forecast_weighted"),
                           ("forecast (won + commit)", "forecast_commit")]:
            t.add_row(label, _money(f[key]))
        t.add_row("coverage", _num(f["coverage"], 2) + "x" if f["coverage"] is not None else "-")
        out.print(t)
    if r["accuracy"]:
        t = _table("Forecast accuracy of past quarters (won + weighted pipeline at week w vs actual)",
                   ["week of quarter", "quarters", "accuracy", "bias"])
        for a in r["accuracy"]:
            t.add_row(str(a["week_of_quarter"]), str(a["n_quarters"]), _pct(a["accuracy"]), _pct(a["bias"]))
        out.print(t)

    t = _table("Coverage on the as-of date (open pipeline closing in the quarter / (quota - closed won))",
               ["quarter", "quota", "closed won", "remaining", "open pipeline", "coverage"])
    for c in r["coverage"]:
        t.add_row(f"{c['quarter_label']} ({c['quarter_start_date']})", _money(c["quota"]), _money(c["closed_won"]),
                  _money(c["remaining_quota"]), _money(c["open_pipeline"]),
                  _num(c["coverage"], 2) + "x" if c["coverage"] is not None else "-")
    out.print(t)

    t = _table("Stalled deals by manager (over the stage SLA)", ["manager", "open", "stalled", "missing exit fields",
                                                                "past close date"])
    for m in r["stalled_by_manager"]:
        t.add_row(m["manager_name"], f"{m['n_open']:,}", f"{m['n_stalled']:,}", f"{m['n_non_compliant']:,}",
                  f"{m['n_past_close']:,}")
    out.print(t)

    if not r["findings"]:
        out.print("Funnel data-quality findings: none")
    else:
        t = _table("Funnel data-quality findings (see marts.data_quality_findings)", ["finding", "severity", "rows"])
        for f in r["findings"]:
            t.add_row(f["finding_type"], f["severity"], f"{f['n']:,}")
        out.print(t)
