"""Resources: the settings object every asset reads, built when a run starts, and the dbt CLI."""


import importlib.metadata
from functools import cached_property

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version

from salesops.settings import Settings, get_settings


class SettingsResource(dg.ConfigurableResource):
    """salesops settings from the environment / `.env`; `data_dir` may be overridden (tests, backfills)."""

    data_dir: str | None = None

    def get(self) -> Settings:
        return get_settings(**({"data_dir": self.data_dir} if self.data_dir else {}))


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt resource minus two start-up steps a night never uses (≈ 2 s per dbt
    stage, three stages a night): `dbt --version` in a subprocess (a whole dbt start-up) and an
    in-process dbt adapter that only serves `fetch_row_counts` / `fetch_column_metadata`.
    The executable is this venv's dbt, so the installed dbt-core's version is its version."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 (signature of dagster-dbt's)
        return None

