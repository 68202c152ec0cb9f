"""`salesops report funnel`: reads the marts read-only, refuses marts built for
another date, prints the headline tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from rich.console import Console
from typer.testing import CliRunner

from salesops.cli import app
from salesops.funnel.cli import render
from salesops.funnel.report import ReportError, load_report

AS_OF = date(2026, 3, 31)


def fake_query(sql: str) -> list[dict]:
    """Rows per mart, keyed by the table the SQL reads first."""
    if "max(as_of_date)" in sql:
        return [{"as_of_date": AS_OF}]
    if "funnel_stage_calibration" in sql:
        return [{"stage_name": "Prospecting", "n_entered": 20, "n_skipped": 0, "n_reached_later": 12, "conversion_rate": Decimal("0.6"),
                 "n_won": 3, "n_lost": 9, "n_open": 8, "observed_win_probability": Decimal("0.25"),
                 "default_probability": Decimal("0.1"), "calibration_gap": Decimal("0.15")}]
    if "funnel_time_in_stage" in sql:
        return [{"stage_name": "Prospecting", "n_exited": 4, "median_days_in_stage": Decimal("7"), "p75_days_in_stage": Decimal("16.25"),
                 "mean_days_in_stage": Decimal("12.75"), "max_days_in_stage": 30, "over_sla_share": Decimal("0.25")}]
    if "funnel_win_rates" in sql:
        return [{"month_start": date(2026, 2, 1), "n_won": 3, "n_lost": 9, "win_rate": Decimal("0.25"), "win_rate_by_amount": None,
                 "avg_deal_size": Decimal("250000"), "median_cycle_days_won": Decimal("70"), "velocity_per_day": Decimal("1234567")}]
    if "pipeline_waterfall" in sql:
        return [{"week_end_date": date(2026, 3, 22), "fiscal_quarter": 1, "fiscal_year": 2026, "open_start": Decimal("1640000000"),
                 "n_open_start": 7, "new_amount": Decimal("80"), "n_new": 1, "pulled_in": Decimal("70"), "n_pulled_in": 1,
                 "increased": Decimal("50"), "pushed_out": Decimal("550"), "n_pushed_out": 2, "decreased": Decimal("80"),
                 "won": Decimal("300"), "n_won": 1, "lost": Decimal("400"), "n_lost": 1, "open_end": Decimal("510000000"), "n_open_end": 5}]
    if "avg(forecast_accuracy)" in sql:
        return [{"week_of_quarter": 1, "n_quarters": 4, "accuracy": Decimal("0.61"), "bias": Decimal("-0.39")}]
    if "pipeline_forecast" in sql:
        return [{"fiscal_quarter": 1, "fiscal_year": 2026, "week_end_date": date(2026, 3, 22), "week_of_quarter": 12,
                 "quota": Decimal("400000000"), "won_to_date": Decimal("300000000"), "open_pipeline": Decimal("90000000"),
                 "commit_amount": Decimal("1"), "best_case_amount": Decimal("2"), "pipeline_amount": Decimal("3"),
                 "weighted_pipeline": Decimal("40000000"), "forecast_weighted": Decimal("340000000"),
                 "forecast_commit": Decimal("300000001"), "coverage": Decimal("0.9")}]
    if "pipeline_coverage" in sql:
        return [{"quarter_label": "current", "quarter_start_date": date(2026, 1, 1), "quota": Decimal("400000000"),
                 "closed_won": Decimal("300000000"), "remaining_quota": Decimal("100000000"), "open_pipeline": Decimal("90000000"),
                 "coverage": Decimal("0.9")}]
    if "funnel_open_deals" in sql:
        return [{"manager_name": "赵静", "n_open": 10, "n_stalled": 4, "n_non_compliant": 2, "n_past_close": 1}]
    if "data_quality_findings" in sql:
        return [{"finding_type": "opportunity_amount_missing", "severity": "error", "n": 2}]
    raise AssertionError(f"unexpected query {sql}")


def test_report_prints_every_headline_table():
    console = Console(record=True, width=200)
    render(load_report(fake_query, AS_OF), out=console)
    text = console.export_text()
    for expected in ("Sales funnel as of 2026-03-31", "Prospecting", "60.0%", "25.0%", "16.2", "1,640.00M", "510.00M",
                     "0.90x", "赵静", "opportunity_amount_missing", "-39.0%", "1.23M"):
        assert expected in text, expected


def test_report_refuses_marts_built_for_another_date():
    with pytest.raises(ReportError, match=r"marts are as of 2026-03-31, not 2026-02-28: rebuild .*salesops run --as-of 2026-02-28"):
        load_report(fake_query, date(2026, 2, 28))


def test_cli_errors_are_clear_and_non_zero(tmp_path, data_dir):
    runner = CliRunner()
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    res = runner.invoke(app, ["report", "funnel", "--warehouse", str(empty)])
    assert res.exit_code == 1 and "funnel marts are not built" in res.output
    res = runner.invoke(app, ["report", "funnel", "--as-of", "31.03.2026", "--warehouse", str(empty)])
    assert res.exit_code == 2 and "--as-of must be a date YYYY-MM-DD" in res.output
    res = runner.invoke(app, ["report", "funnel", "--published"])
    assert res.exit_code == 1 and "no published copy yet" in res.output
