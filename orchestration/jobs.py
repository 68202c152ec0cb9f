"""Jobs and schedules."""

from datetime import timedelta

import dagster as dg

NIGHTLY_JOB = "nightly"
DBT_OP = "dbt_build"

nightly_job = dg.define_asset_job(
    NIGHTLY_JOB,
    # pushes run in their own jobs; territory proposals on demand (a minute of solving)
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("writeback")
    - dg.AssetSelection.assets(["planning", "territory_proposals"]),
    description="Ingest CRM/ERP/HR (validated) -> dbt build -> publish the marts for BI readers.",
    tags={"salesops/kind": "nightly"},
)


@dg.schedule(job=nightly_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.STOPPED)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """02:00 company time: the marts as of the day that just ended (a tick re-run rebuilds the same date)."""
    as_of = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    return dg.RunRequest(
        run_key=as_of,
        run_config={"ops": {DBT_OP: {"config": {"as_of": as_of}}}},
        # every op of the night (later dbt stages, planning, compensation) reads the tag
        tags={"salesops/as_of": as_of},
    )
