"""The one front door: every asset, check, job, schedule and resource of salesops.

Built lazily (nothing is read at import time). Lineage:
  [crm|erp|hr, <table>]  (ingest, dlt + great-expectations)
    -> staging / intermediate / marts  (dbt build; tests are asset checks)
    -> [published, marts]  (read-only copy for BI readers)
"""

import sys
from functools import cache
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from assets.ingest import build_ingest_assets
from assets.performance import performance_assets
from assets.publish import build_publish_asset
from assets.transform import build_dbt_assets, dbt_project
from orchestration.jobs import nightly_job, nightly_schedule
from orchestration.resources import SettingsResource
from salesops.contracts import SOURCES
from salesops.settings import get_settings


@cache
def build_definitions(executor: str = "in_process") -> dg.Definitions:
    dbt = build_dbt_assets()
    return dg.Definitions(
        assets=[*(build_ingest_assets(s) for s in SOURCES), *performance_assets, dbt, build_publish_asset(dbt)],
        jobs=[nightly_job],
        schedules=[nightly_schedule],
        resources={
            "settings": SettingsResource(),
            "dlt": DagsterDltResource(),
            # the venv's dbt, whether or not the venv is activated
            "dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=str(Path(sys.executable).parent / "dbt")),
        },
        # DuckDB has one writer: by default steps run one after another in one process; with
        # SALESOPS_EXECUTOR=multiprocess the `warehouse` pool (limit 1) keeps writers apart.
        executor=dg.multiprocess_executor if executor == "multiprocess" else dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(get_settings().executor)


def resolved_nightly_job() -> dg.JobDefinition:
    """The nightly job on its own, for `dg.reconstructable` (multiprocess / remote executors)."""
    return build_definitions(get_settings().executor).resolve_job_def("nightly")
