"""The safety gate: nothing is pushed from a night whose blocking checks failed.

`check_gate(status)` is the rule on plain data; `latest_nightly_status(instance)`
reads it from a Dagster instance (the project's, or the one a Dagster run has).
There is deliberately no way around it (no --force): fix the night, rerun it,
then push.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

NIGHTLY_JOB = "nightly"


@dataclass(frozen=True)
class NightlyStatus:
    run_id: str
    status: str  # Dagster run status name: SUCCESS, FAILURE, CANCELED, STARTED, ...
    failed_blocking_checks: tuple[str, ...] = field(default=())
    ended_at: datetime | None = None


class PushBlocked(RuntimeError):
    """The push refused to run (the message says why and what to do)."""


def check_gate(status: NightlyStatus | None) -> None:
    """Raise PushBlocked unless the latest nightly run succeeded with no blocking check failed."""
    if status is None:
        raise PushBlocked(f"push refused: no '{NIGHTLY_JOB}' run found in the Dagster instance; run the nightly "
                          "job (`salesops run`) successfully first")
    checks = ""
    if status.failed_blocking_checks:
        shown = ", ".join(status.failed_blocking_checks[:5])
        more = f" and {len(status.failed_blocking_checks) - 5} more" if len(status.failed_blocking_checks) > 5 else ""
        checks = f"blocking checks failed: {shown}{more}"
    if status.status != "SUCCESS":
        raise PushBlocked(f"push refused: the latest '{NIGHTLY_JOB}' run {status.run_id} is {status.status}, not "
                          f"SUCCESS{' (' + checks + ')' if checks else ''}; fix it and rerun the nightly job before pushing")
    if checks:
        raise PushBlocked(f"push refused: {checks} in the latest '{NIGHTLY_JOB}' run {status.run_id}")


def latest_nightly_status(instance, job_name: str = NIGHTLY_JOB) -> NightlyStatus | None:
    """The latest run of the nightly job in a Dagster instance and the blocking checks that failed in it.
    A check counts as blocking if it was declared `blocking=True` (or, when the evaluation does not say,
    if its severity is ERROR)."""
    import dagster as dg
    from dagster._core.storage.dagster_run import RunsFilter

    runs = instance.get_runs(filters=RunsFilter(job_name=job_name), limit=1)
    if not runs:
        return None
    run = runs[0]
    failed: list[str] = []
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        ev = entry.dagster_event.event_specific_data
        if ev.passed:
            continue
        blocking = ev.blocking if ev.blocking is not None else ev.severity == dg.AssetCheckSeverity.ERROR
        if blocking:
            failed.append(f"{'/'.join(ev.asset_key.path)}:{ev.check_name}")
    stats = instance.get_run_stats(run.run_id)
    ended = datetime.fromtimestamp(stats.end_time) if stats and stats.end_time else None
    return NightlyStatus(run.run_id, run.status.value, tuple(sorted(set(failed))), ended)
