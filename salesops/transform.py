"""dbt invocation as plain data: the arguments and environment of a build."""

from __future__ import annotations

import json
from datetime import date

from salesops.settings import Settings


def dbt_vars(settings: Settings, as_of: date) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "reporting_currency": settings.reporting_currency,
        "fiscal_year_start_month": settings.fiscal_year_start_month,
        "timezone": settings.timezone,
    }


def dbt_build_args(settings: Settings, as_of: date, *, full_refresh: bool = False, select: str | None = None) -> list[str]:
    """`dbt build` arguments: vars carry the as-of date, so any past night rebuilds the same."""
    args = ["build", "--vars", json.dumps(dbt_vars(settings, as_of), sort_keys=True)]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    return args


def dbt_env(settings: Settings) -> dict[str, str]:
    """Environment read by dbt_project/profiles.yml."""
    return {
        "SALESOPS_DBT_TARGET": settings.dbt_target,
        "SALESOPS_WAREHOUSE": str(settings.warehouse),
        "SALESOPS_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
        "SALESOPS_DUCKDB_THREADS": str(settings.duckdb_threads),
        "SALESOPS_DUCKDB_TEMP_DIR": str(settings.duckdb_temp_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
