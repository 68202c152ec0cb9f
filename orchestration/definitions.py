"""The one front door: every asset, check, job, schedule and resource of salesops.

Built lazily (nothing is read at import time). Lineage:
  [crm|erp|hr, <table>]  (ingest, dlt + great-expectations)
    -> staging / intermediate / marts  (dbt build; tests are asset checks;
       models after a Python asset's output run in a later dbt op)
    -> [published, marts]  (read-only copy for BI readers)
  dbt models -> [planning, targets]  (target ledger, Python; dbt reads it back as source planning.targets)
Backfill by month from the UI: job snapshot_backfill (orchestration/backfill_jobs.py).
"""

import sys
from functools import cache
from pathlib import Path

import dagster as dg
from dagster_dlt import DagsterDltResource

from assets.compensation import build_compensation_assets
from assets.contests import config_contests
from assets.funnel import funnel_standard
from assets.ingest import build_ingest_assets
from assets.performance import performance_assets
from assets.planning import planning_targets
from assets.publish import build_publish_asset
from assets.statements import statements_rendered
from assets.territories import territory_proposals
from assets.transform import build_dbt_assets, dbt_project
from assets.writeback import writeback_assets
from orchestration.backfill_jobs import build_snapshot_backfill_job
from orchestration.jobs import nightly_job, nightly_schedule
from orchestration.resources import DbtCli, SettingsResource
from orchestration.territories_jobs import territory_proposal_job
from orchestration.writeback_jobs import writeback_jobs, writeback_schedules, writeback_sensors
from salesops.contracts import SOURCES
from salesops.settings import get_settings


@cache
def build_definitions(executor: str = "in_process") -> dg.Definitions:
    dbt = build_dbt_assets()  # one op per dbt stage (see assets/transform dbt_stages)
    return dg.Definitions(
        assets=[*(build_ingest_assets(s) for s in SOURCES), funnel_standard, *performance_assets, *dbt,
                build_publish_asset(*dbt), planning_targets, *build_compensation_assets(*dbt), *writeback_assets,
                territory_proposals, statements_rendered, config_contests],
        jobs=[nightly_job, *writeback_jobs, territory_proposal_job, build_snapshot_backfill_job()],
        schedules=[nightly_schedule, *writeback_schedules],
        sensors=writeback_sensors,
        resources={
            "settings": SettingsResource(),
            "dlt": DagsterDltResource(),
            # the venv's dbt, whether or not the venv is activated
            "dbt": DbtCli(project_dir=dbt_project(), dbt_executable=str(Path(sys.executable).parent / "dbt")),
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
