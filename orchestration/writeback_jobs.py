"""Writeback jobs (separate from the nightly), the quota schedule and the publish sensor.

`push_quotas` / `push_payroll` materialize the writeback assets. Scheduled and sensor-triggered
runs apply only if SALESOPS_WRITEBACK_AUTO_APPLY=true (default: a dry run that lands in the audit
log). Both the schedule and the sensor are stopped by default.
"""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg

from assets.writeback import TARGETS_KEY, crm_quotas, payroll
from salesops.settings import get_settings

QUOTAS_OP = "writeback__crm_quotas"

push_quotas_job = dg.define_asset_job(
    "push_quotas", selection=dg.AssetSelection.assets(crm_quotas),
    description="Push the published quotas to the CRM (dry run unless config apply: true).",
    tags={"salesops/kind": "writeback"},
)
push_payroll_job = dg.define_asset_job(
    "push_payroll", selection=dg.AssetSelection.assets(payroll),
    description="Push approved payouts to payroll (dry run unless config apply: true).",
    tags={"salesops/kind": "writeback"},
)


def quota_run_config(apply: bool) -> dict:
    return {"ops": {QUOTAS_OP: {"config": {"apply": apply}}}}


@dg.schedule(job=push_quotas_job, cron_schedule="30 3 * * *", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.STOPPED)
def push_quotas_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """03:30 company time, after the 02:00 nightly: sync the quotas (a rerun changes nothing)."""
    apply = get_settings().writeback_auto_apply
    day = context.scheduled_execution_time.date().isoformat()
    return dg.RunRequest(run_key=day, run_config=quota_run_config(apply), tags={"salesops/apply": str(apply).lower()})


def published_fingerprint(metadata: Mapping[str, Any]) -> str | None:
    """What the target ledger's materialization says is published (metadata `published_versions`, e.g.
    "FY2027: v1,v2", or `latest_published_version`); None if it says nothing."""
    for key in ("published_versions", "latest_published_version"):
        if key in metadata:
            v = metadata[key]
            v = getattr(v, "value", v)
            return f"{key}={json.dumps(v, sort_keys=True, default=str)}"
    return None


@dg.asset_sensor(asset_key=TARGETS_KEY, job=push_quotas_job, name="push_quotas_on_publish",
                 default_status=dg.DefaultSensorStatus.STOPPED, minimum_interval_seconds=60)
def push_quotas_on_publish(context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry):
    """After [planning, targets] is materialized with a newly published version, request push_quotas.
    The run key is the published-versions fingerprint, so the same versions never trigger twice; a
    materialization without that metadata triggers once per materialization (the push is diff-only)."""
    mat = asset_event.asset_materialization
    fingerprint = published_fingerprint(mat.metadata if mat else {})
    run_key = fingerprint or f"targets-materialization-{asset_event.storage_id}"
    apply = get_settings().writeback_auto_apply
    return dg.RunRequest(run_key=run_key, run_config=quota_run_config(apply),
                         tags={"salesops/apply": str(apply).lower(), "salesops/trigger": "targets_published"})


writeback_jobs = [push_quotas_job, push_payroll_job]
writeback_schedules = [push_quotas_schedule]
writeback_sensors = [push_quotas_on_publish]
