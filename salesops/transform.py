"""dbt invocation as plain data: the arguments and environment of a build."""

from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy.engine import make_url

from salesops.settings import Settings


def dbt_vars(settings: Settings) -> dict:
    """The vars of every build. Not the as-of date: it changes every night, and dbt parses
    the whole project again when a var changes (dbt_env passes it as SALESOPS_AS_OF)."""
    return {
        "reporting_currency": settings.reporting_currency,
        "fiscal_year_start_month": settings.fiscal_year_start_month,
        "timezone": settings.timezone,
    }


def dbt_build_args(settings: Settings, *, full_refresh: bool = False, select: str | None = None,
                   unit_tests: bool = False, extra_vars: dict | None = None) -> list[str]:
    """`dbt build` arguments (the as-of date is in dbt_env).

    Unit tests check SQL logic on fixed rows, not the night's data: they run in CI
    (`make test`, tests/test_nightly.py) and with `salesops dbt build`, not every night."""
    args = ["build", "--vars", json.dumps({**dbt_vars(settings), **(extra_vars or {})}, sort_keys=True)]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    return args


def dbt_env(settings: Settings, as_of: date) -> dict[str, str]:
    """Environment of a dbt run: the as-of date the marts describe (SALESOPS_AS_OF, read by
    the macro as_of_date, so any past night rebuilds the same), and what
    dbt_project/profiles.yml reads (the target = SALESOPS_WAREHOUSE_TARGET).

    On PostgreSQL it holds the warehouse password (SALESOPS_PG_PASSWORD): pass
    it to dbt's environment, never to a log."""
    env = {
        "SALESOPS_AS_OF": as_of.isoformat(),
        "SALESOPS_DBT_TARGET": settings.warehouse_target,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    if settings.on_postgres:
        env.update(postgres_env(settings.warehouse_url))
        env["SALESOPS_PG_PASSWORD"] = settings.warehouse_password()
    else:
        limits = settings.duckdb_config()  # also creates the spill directory
        env.update({
            "SALESOPS_WAREHOUSE": str(settings.warehouse),
            "SALESOPS_DUCKDB_MEMORY_LIMIT": limits["memory_limit"],
            "SALESOPS_DUCKDB_THREADS": str(limits["threads"]),
            "SALESOPS_DUCKDB_TEMP_DIR": limits["temp_directory"],
        })
    return env


def postgres_env(url: str) -> dict[str, str]:
    """SALESOPS_PG_* for the profile's `postgres` output, from a SQLAlchemy URL
    (e.g. postgresql+psycopg://user:pass@host:5432/salesops)."""
    u = make_url(url)
    socket_dir = u.query.get("host")  # postgresql+psycopg://user@/db?host=/var/run/postgresql
    if isinstance(socket_dir, tuple):
        socket_dir = socket_dir[-1]
    env = {
        "SALESOPS_PG_HOST": u.host or socket_dir or "127.0.0.1",
        "SALESOPS_PG_PORT": str(u.port or 5432),
        "SALESOPS_PG_USER": u.username or "postgres",
        "SALESOPS_PG_PASSWORD": u.password or "",
        "SALESOPS_PG_DBNAME": u.database or "",
    }
    # sslmode from the URL reaches dbt through the profile (other query options reach dlt only).
    sslmode = u.query.get("sslmode")
    env["SALESOPS_PG_SSLMODE"] = (sslmode[-1] if isinstance(sslmode, tuple) else sslmode) or "prefer"
    return env


# What dagster-dbt names a run's artifact folder (`<op>-<run id[:7]>-<uuid[:7]>`) when it is not
# given one: the folders earlier releases left directly under dbt_project/target/.
_LEGACY_RUN_DIR = re.compile(r"[a-z0-9_]+-[0-9a-f]{7}-[0-9a-f]{7}")


def dbt_run_target(target_root: Path, op_name: str, run_id: str) -> Path:
    """The artifact folder of one dbt op of one run: <target>/runs/<op>-<run id[:8]>-<uuid[:7]>.
    Partial-parse state stays in <target> itself, where dagster-dbt seeds each folder from."""
    return target_root / "runs" / f"{op_name}-{run_id[:8]}-{uuid.uuid4().hex[:7]}"


def prune_dbt_run_targets(target_root: Path, keep_days: int, *, now: float | None = None) -> list[Path]:
    """Delete the artifact folders of dbt runs last written more than `keep_days` days ago.

    Every dbt op of every run leaves 10-25 MB (a night leaves three): without pruning a nightly
    schedule fills a disk. Only <target>/runs/* and dagster-dbt's own folder names directly under
    <target> qualify; a running op's folder is written to as it runs, so it is never old."""
    cutoff = (time.time() if now is None else now) - keep_days * 86400
    candidates = [p for p in (target_root / "runs").glob("*") if p.is_dir()]
    candidates += [p for p in target_root.glob("*") if p.is_dir() and _LEGACY_RUN_DIR.fullmatch(p.name)]
    removed = []
    for folder in sorted(candidates):
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
