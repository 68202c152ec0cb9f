"""The funnel report: headline tables read from the funnel marts (no business
rules here -- the marts compute everything; this only selects and orders).

`load_report(query)` takes a function that runs SQL and returns rows as dicts,
so it works on the warehouse (DuckDB read-only or PostgreSQL) and on the
published copy alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

Query = Callable[[str], list[dict[str, Any]]]

FUNNEL_FINDINGS = (
    "stage_not_in_funnel_standard", "opportunity_stage_not_in_funnel_standard", "history_before_opportunity_created",
    "history_stage_changes_at_same_time", "opportunity_amount_missing", "opportunity_amount_negative",
    "close_date_before_created", "opportunity_without_history", "missing_fx_rate",
)


class ReportError(RuntimeError):
    """The marts cannot answer the question asked (missing, or built for another date)."""


def marts_as_of(query: Query) -> date:
    try:
        rows = query("select max(as_of_date) as as_of_date from marts.funnel_stage_calibration")
    except Exception as exc:  # noqa: BLE001 - any driver error means the mart is not there
        raise ReportError(f"the funnel marts are not built ({type(exc).__name__}); run `salesops run` first") from None
    if not rows or rows[0]["as_of_date"] is None:
        raise ReportError("the funnel marts are empty; run `salesops run` first")
    return rows[0]["as_of_date"]


def load_report(query: Query, as_of: date | None = None) -> dict[str, Any]:
    built = marts_as_of(query)
    if as_of is not None and as_of != built:
        raise ReportError(
            f"the marts are as of {built}, not {as_of}: rebuild them for that date with "
            f"`salesops run --as-of {as_of}` (or `SALESOPS_AS_OF={as_of} salesops dbt build`)"
        )
    last_week = query("select * from marts.pipeline_waterfall order by week_end_date desc limit 1")
    return {
        "as_of": built,
        "calibration": query("select * from marts.funnel_stage_calibration order by stage_order"),
        "time_in_stage": query(
            "select * from marts.funnel_time_in_stage where dimension = 'company' order by stage_order"),
        "win_rates": query(
            "select * from marts.funnel_win_rates where dimension = 'company' and not is_partial_month "
            "order by month_start desc limit 12"),
        "waterfall": last_week[0] if last_week else None,
        "forecast": query(
            "select * from marts.pipeline_forecast where quarter_start_date = "
            "(select max(quarter_start_date) from marts.pipeline_forecast) order by week_end_date"),
        "accuracy": query(
            "select week_of_quarter, count(*) as n_quarters, avg(forecast_accuracy) as accuracy, avg(forecast_bias) as bias "
            "from marts.pipeline_forecast where is_quarter_complete and week_of_quarter in (1, 5, 9, 13) "
            "group by week_of_quarter order by week_of_quarter"),
        "coverage": query("select * from marts.pipeline_coverage where level = 'company' order by quarter_start_date"),
        "stalled_by_manager": query(
            "select coalesce(manager_name, '(no manager)') as manager_name, count(*) as n_open, "
            "sum(case when is_stalled then 1 else 0 end) as n_stalled, "
            "sum(case when not is_compliant then 1 else 0 end) as n_non_compliant, "
            "sum(case when is_past_close then 1 else 0 end) as n_past_close "
            "from marts.funnel_open_deals group by coalesce(manager_name, '(no manager)') "
            "order by n_stalled desc, manager_name limit 15"),
        "findings": query(
            "select finding_type, severity, count(*) as n from marts.data_quality_findings where finding_type in ("
            + ", ".join(f"'{f}'" for f in FUNNEL_FINDINGS) + ") group by finding_type, severity order by finding_type"),
    }
