"""Backfills by month from the Dagster UI (Jobs > snapshot_backfill > Partitions > Launch backfill).

The marts are "as of" snapshots that every night rebuilds whole, so a past month needs no
backfill there; the history that is kept week by week is `pipeline_weekly_snapshots`
(incremental: a night only appends the weeks that ended since the last one). After a change
of its logic or of the funnel standard, a backfill of a range of months rebuilds exactly the
weeks ending in those months -- one run per month, one partition each -- and the marts
downstream of it, as of the run's as-of date (tag `salesops/as_of`, else settings)."""

import os
from datetime import timedelta

import dagster as dg
from dagster_dbt import DbtCliResource

from assets.ingest import WAREHOUSE_POOL
from assets.transform import dbt_project, run_as_of, run_target
from orchestration.resources import SettingsResource
from salesops.settings import get_settings
from salesops.transform import dbt_build_args, dbt_env

SNAPSHOT_MODEL = "pipeline_weekly_snapshots"


def month_partitions() -> dg.MonthlyPartitionsDefinition:
    # end_offset=1: the current month is offered too (its weeks that have ended)
    return dg.MonthlyPartitionsDefinition(start_date=get_settings().history_start.replace(day=1).isoformat(),
                                          end_offset=1)


@dg.op(pool=WAREHOUSE_POOL, out=dg.Out(dg.Nothing, is_required=False), description=f"Rebuild the weeks of {SNAPSHOT_MODEL} ending in the partition's month, "
       "then the marts downstream of it.")
def rebuild_snapshot_weeks(context: dg.OpExecutionContext, dbt: DbtCliResource, settings: SettingsResource):
    s = settings.get()
    as_of = run_as_of(context, s)
    window = context.partition_time_window
    first, last = window.start.date(), window.end.date() - timedelta(days=1)
    if first > as_of:
        raise dg.Failure(f"month {context.partition_key[:7]} starts after the as-of date {as_of}: nothing to rebuild",
                         allow_retries=False)
    context.log.info(f"{SNAPSHOT_MODEL}: rebuilding the weeks ending {first}..{min(last, as_of)} as of {as_of}")
    os.environ.update(dbt_env(s, as_of))
    args = dbt_build_args(s, select=f"{SNAPSHOT_MODEL}+",
                          extra_vars={"rebuild_weeks_from": first.isoformat(), "rebuild_weeks_to": last.isoformat()})
    yield from dbt.cli(args, manifest=dbt_project().manifest_path, context=context,
                       target_path=run_target(context, s, "rebuild_snapshot_weeks")).stream()


def build_snapshot_backfill_job() -> dg.JobDefinition:
    """Built with the definitions (the first month offered is a setting: SALESOPS_HISTORY_START)."""

    @dg.job(partitions_def=month_partitions(), tags={"salesops/kind": "backfill"},
            description=f"Backfill by month: rebuild the weeks of {SNAPSHOT_MODEL} ending in each month selected.")
    def snapshot_backfill():
        rebuild_snapshot_weeks()

    return snapshot_backfill
