"""Settings: every URL, path and knob comes from the environment (prefix
SALESOPS_) or a `.env` file. Nothing reads the environment at import time;
call `get_settings()`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from salesops.paths import REPO_ROOT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SALESOPS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(REPO_ROOT / "data", description="Root for demo databases, the warehouse and state.")
    # Operational sources: any SQLAlchemy URL. Empty -> the demo company's SQLite files.
    crm_url: str = ""
    erp_url: str = ""
    hr_url: str = ""
    # Warehouse: a DuckDB file (default) or a PostgreSQL database. The target is
    # also the dbt target (dbt_project/profiles.yml has one output per target).
    warehouse_target: Literal["duckdb", "postgres"] = "duckdb"
    # postgres target only: SQLAlchemy URL of the warehouse database, e.g.
    # postgresql+psycopg://salesops:***@warehouse-db:5432/salesops
    warehouse_url: str = ""
    # duckdb target: the warehouse file and the read-only copy published for BI readers.
    warehouse_path: Path | None = None
    publish_dir: Path | None = None
    # Every DuckDB connection of a night (dlt's load, dbt, the Python assets, publishing) runs with
    # these limits and spills to duckdb_temp_dir beyond them: at scale 10 a night then peaks under
    # 4 GB per process instead of DuckDB's default of 80 % of the machine's memory.
    duckdb_memory_limit: str = "3GB"
    duckdb_threads: int = 2
    # Dagster executor of the nightly job: in_process (default, fastest for one DuckDB writer) or
    # multiprocess (one process per step; the `warehouse` pool still admits one writer at a time).
    executor: Literal["in_process", "multiprocess"] = "in_process"
    # dbt writes each op's artifacts (compiled SQL, dbt.log, manifest: 10-25 MB) to its own folder
    # under dbt_project/target/runs/; folders older than this many days are deleted before a build.
    dbt_artifact_days: int = Field(14, ge=1)
    # Business calendar.
    as_of: date | None = Field(None, description="Run date; default: the demo's as-of date or yesterday.")
    timezone: str = "Asia/Shanghai"
    # First month the Dagster UI offers for a backfill of months (job snapshot_backfill).
    history_start: date = date(2024, 1, 1)
    fiscal_year_start_month: int = Field(1, ge=1, le=12)
    reporting_currency: str = "CNY"
    # Validation: an ingest check blocks downstream when more than this share of a batch is quarantined.
    quarantine_max_share: float = Field(0.01, ge=0, le=1)
    # Writeback targets (SQLAlchemy URLs with write access; empty -> the CRM / HR source URL, i.e. the
    # demo's SQLite files). Salesforce credentials are read from SALESOPS_SALESFORCE_* only (writeback/salesforce.py).
    crm_writeback_url: str = ""
    payroll_url: str = ""
    # Scheduled and sensor-triggered pushes apply their changes (true) or only preview them (false).
    writeback_auto_apply: bool = False

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return v.expanduser().resolve()

    @model_validator(mode="after")
    def _warehouse_consistent(self) -> Settings:
        # Raised as a plain exception, not a ValueError: pydantic would echo every
        # input (the warehouse URL's password included) in a ValidationError.
        if self.warehouse_target == "postgres":
            if not self.warehouse_url:
                raise WarehouseConfigError("SALESOPS_WAREHOUSE_TARGET=postgres needs SALESOPS_WAREHOUSE_URL "
                                           "(e.g. postgresql+psycopg://user:password@host:5432/salesops)")
            try:
                url = make_url(self.warehouse_url)
            except Exception:
                raise WarehouseConfigError("SALESOPS_WAREHOUSE_URL is not a SQLAlchemy URL") from None
            if url.get_backend_name() != "postgresql" or not url.database:
                raise WarehouseConfigError(f"SALESOPS_WAREHOUSE_URL must be a PostgreSQL URL with a database name, "
                                           f"got {redact_url(self.warehouse_url)}")
        elif self.warehouse_url:
            raise WarehouseConfigError("SALESOPS_WAREHOUSE_URL is set but SALESOPS_WAREHOUSE_TARGET is duckdb; "
                                       "set SALESOPS_WAREHOUSE_TARGET=postgres to use it, or unset the URL")
        return self

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"

    def source_url(self, source: str) -> str:
        url = getattr(self, f"{source}_url")
        return url or f"sqlite:///{self.demo_dir / f'{source}.db'}"

    def uses_demo_sources(self) -> bool:
        return not (self.crm_url or self.erp_url or self.hr_url)

    @property
    def warehouse(self) -> Path:
        """The DuckDB warehouse file (duckdb target only)."""
        return (self.warehouse_path or self.data_dir / "warehouse" / "salesops.duckdb").expanduser().resolve()

    @property
    def on_postgres(self) -> bool:
        return self.warehouse_target == "postgres"

    def warehouse_sqlalchemy_url(self) -> str:
        """SQLAlchemy URL of the warehouse, whichever the target (contains the password: never log it)."""
        return self.warehouse_url if self.on_postgres else f"duckdb:///{self.warehouse}"

    def warehouse_password(self) -> str:
        """postgres target: the URL's password, else PGPASSWORD, else empty (libpq then reads ~/.pgpass).
        dlt and dbt get it explicitly: neither falls back to PGPASSWORD when handed an empty password."""
        import os

        password = make_url(self.warehouse_url).password
        return password if password is not None else os.environ.get("PGPASSWORD", "")

    def warehouse_label(self) -> str:
        """Where the warehouse is, safe for logs: the DuckDB file or the PostgreSQL URL without its password."""
        return redact_url(self.warehouse_url) if self.on_postgres else str(self.warehouse)

    @property
    def published_dir(self) -> Path:
        return (self.publish_dir or self.data_dir / "published").expanduser().resolve()

    @property
    def duckdb_temp_dir(self) -> Path:
        return self.data_dir / "tmp" / "duckdb"

    def duckdb_config(self) -> dict[str, str | int]:
        """DuckDB connection config with the limits above (creates the spill directory)."""
        self.duckdb_temp_dir.mkdir(parents=True, exist_ok=True)
        return {"memory_limit": self.duckdb_memory_limit, "threads": self.duckdb_threads,
                "temp_directory": str(self.duckdb_temp_dir)}

    @property
    def dlt_dir(self) -> Path:
        return self.data_dir / "dlt"


class WarehouseConfigError(RuntimeError):
    """SALESOPS_WAREHOUSE_TARGET and SALESOPS_WAREHOUSE_URL do not fit together."""


def get_settings(**overrides) -> Settings:
    return Settings(**overrides)


def redact_url(url: str) -> str:
    """A source URL safe for logs and error messages (password hidden)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say so without echoing it
        return "<unparseable URL>"


def resolve_as_of(settings: Settings) -> date:
    """The run's as-of date: explicit setting, else the demo company's own date
    (its data stops there), else yesterday in the company's time zone."""
    import json
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    if settings.as_of:
        return settings.as_of
    manifest = settings.demo_dir / "manifest.json"
    if settings.uses_demo_sources() and manifest.exists():
        return date.fromisoformat(json.loads(manifest.read_text())["as_of"])
    return datetime.now(ZoneInfo(settings.timezone)).date() - timedelta(days=1)
