"""Run the nightly job in this process with a progress display and a summary.

The run is recorded in the project's Dagster instance (DAGSTER_HOME), so it
also shows in `make ui`."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table


@dataclass
class RunSummary:
    success: bool
    run_id: str
    as_of: date
    landed: dict[str, dict[str, int]] = field(default_factory=dict)  # "crm.opportunity" -> counts
    models_built: int = 0
    checks: Counter = field(default_factory=Counter)  # passed / failed / warned
    failed_checks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    published: str | None = None


def run_nightly(console: Console, *, as_of: date | None = None, full_refresh: bool = False,
                only_sources: list[str] | None = None) -> bool:
    import dagster as dg
    from dagster._core.utils import make_new_run_id

    from orchestration.definitions import build_definitions
    from orchestration.jobs import DBT_OP, NIGHTLY_JOB
    from salesops.settings import get_settings, resolve_as_of

    settings = get_settings()
    as_of = as_of or resolve_as_of(settings)
    defs = build_definitions()
    job = defs.resolve_job_def(NIGHTLY_JOB)
    run_config: dict = {"ops": {DBT_OP: {"config": {"as_of": as_of.isoformat(), "full_refresh": full_refresh}}}}
    selection = None
    if only_sources:
        run_config = {"ops": {}}
        selection = [k for k in defs.resolve_all_asset_keys() if k.path[0] in only_sources]
    for src in only_sources or ["crm", "erp", "hr"]:
        run_config["ops"][f"ingest_{src}"] = {"config": {"full_refresh": full_refresh}}
    # The terminal gets progress and a summary; the full event log is in the instance (`make ui`).
    run_config["loggers"] = {"console": {"config": {"log_level": "CRITICAL"}}}

    instance = dg.DagsterInstance.get()
    release_stale_runs(instance, console)
    run_id = make_new_run_id()
    outcome: dict = {}

    def target():
        try:
            outcome["result"] = job.execute_in_process(
                run_config=run_config, instance=instance, run_id=run_id, raise_on_error=False,
                asset_selection=selection,
                tags={"salesops/as_of": as_of.isoformat(), "salesops/full_refresh": str(full_refresh).lower(),
                      "salesops/launcher": "cli",
                      "salesops/host": socket.gethostname(), "salesops/pid": str(os.getpid())},
            )
        except Exception as exc:  # definitions or config errors: report, do not hide
            outcome["error"] = f"run could not start: {exc}"

    worker = threading.Thread(target=target, daemon=True)
    started = time.monotonic()
    console.print(f"[bold]salesops nightly[/] as of {as_of} · warehouse {settings.warehouse_label()}")
    # dbt's and dlt's own output goes to a log file; the terminal shows progress, then the summary.
    log_path = settings.data_dir / "logs" / f"nightly-{run_id}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    terminal = Console(file=sys.stdout, force_terminal=console.is_terminal, width=console.width)
    with open(log_path, "w", encoding="utf-8") as log, contextlib.redirect_stdout(log), Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
        TimeElapsedColumn(), console=terminal, transient=True,
    ) as progress:
        task = progress.add_task("starting", total=None)
        watch = _StepWatch(instance, run_id)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(1.0)
                watch.update(progress, task)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: leave no run holding the warehouse
            _abandon(instance, run_id, "interrupted")
            outcome["error"] = "interrupted (Ctrl-C / SIGTERM); the run is marked failed and the warehouse released"
    console.print(f"log of this run: {log_path}")
    if "error" in outcome:
        console.print(f"[red]nightly run FAILED[/]: {outcome['error']}")
        return False
    summary = summarize(instance, run_id, as_of, outcome["result"].success)
    print_summary(console, summary, settings.warehouse_label(), time.monotonic() - started)
    return summary.success


def release_stale_runs(instance, console: Console) -> None:
    """A `salesops run` killed mid-way leaves its run "started" and holding the
    warehouse pool slot, and the next run would wait for it forever. Mark such
    runs (this host, process gone) failed and free their slots."""
    from dagster import DagsterRunStatus, RunsFilter

    active = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
                                          tags={"salesops/launcher": "cli"}))
    for run in active:
        pid = int(run.tags.get("salesops/pid", "0"))
        if run.tags.get("salesops/host") != socket.gethostname() or _process_alive(pid):
            console.print(f"[yellow]run {run.run_id} (pid {pid}) is still in progress; this run waits for the warehouse[/]")
            continue
        _abandon(instance, run.run_id, f"salesops run (pid {pid}) ended without finishing; released by the next run")
        console.print(f"[yellow]released run {run.run_id}: its process {pid} ended without finishing[/]")


def _abandon(instance, run_id: str, message: str) -> None:
    run = instance.get_run_by_id(run_id)
    if run is not None and not run.is_finished:
        instance.report_run_failed(run, message=message)
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _StepWatch:
    """Progress from the run's step and materialization events. Reads only the events
    since the last poll (a cursor): re-reading the whole log every poll cost seconds of a
    night's CPU, taken from the run thread (the GIL)."""

    def __init__(self, instance, run_id: str):
        self.instance, self.run_id = instance, run_id
        self.cursor: str | None = None
        self.steps: set[str] = set()
        self.done: set[str] = set()
        self.materialized = 0

    def update(self, progress, task) -> None:
        from dagster import DagsterEventType

        kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE,
                 DagsterEventType.ASSET_MATERIALIZATION}
        try:
            batch = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, of_type=kinds)
        except Exception:  # the run row may not exist yet
            return
        self.cursor = batch.cursor
        for record in batch.records:
            entry = record.event_log_entry
            kind = entry.dagster_event.event_type
            if kind == DagsterEventType.ASSET_MATERIALIZATION:
                self.materialized += 1
            elif entry.step_key:
                self.steps.add(entry.step_key)
                if kind != DagsterEventType.STEP_START:
                    self.done.add(entry.step_key)
        running = sorted(self.steps - self.done)
        progress.update(task, total=max(len(self.steps), 1), completed=len(self.done),
                        description=f"{', '.join(running) or 'finishing'} · {self.materialized} assets materialized")


def summarize(instance, run_id: str, as_of: date, success: bool) -> RunSummary:
    from dagster import DagsterEventType

    summary = RunSummary(success=success, run_id=run_id, as_of=as_of)
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None:
            continue
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            mat = event.event_specific_data.materialization
            path, md = mat.asset_key.path, mat.metadata
            if "rows_extracted" in md:
                summary.landed[".".join(path)] = {k: md[k].value for k in ("rows_extracted", "rows_landed", "rows_quarantined")}
            elif path[0] == "published":
                summary.published = md["path"].value
            elif path[0] not in ("crm", "erp", "hr"):
                summary.models_built += 1
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            ev = event.event_specific_data
            if ev.passed:
                summary.checks["passed"] += 1
            elif ev.severity.value == "WARN":
                summary.checks["warned"] += 1
                summary.failed_checks.append(f"[warn] {'.'.join(ev.asset_key.path)}: {ev.check_name}")
            else:
                summary.checks["failed"] += 1
                summary.failed_checks.append(f"{'.'.join(ev.asset_key.path)}: {ev.check_name}"
                                             + (f" - {ev.description}" if ev.description else ""))
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            err = event.event_specific_data.error
            message = err.message.strip() if err else "failed"
            root = err
            while root is not None and root.cause is not None:  # Dagster wraps the op's own exception
                root = root.cause
            if root is not None and root is not err:
                message = root.message.strip()
            lines = message.splitlines()
            if len(lines) > 25:  # dbt failures carry whole logs; the UI has the rest
                message = "\n".join([*lines[:25], f"... ({len(lines) - 25} more lines in the run's logs)"])
            summary.errors.append(f"{event.step_key}: {message}")
    return summary


def print_summary(console: Console, s: RunSummary, warehouse, seconds: float) -> None:
    if s.landed:
        t = Table(title="rows per source table", show_lines=False)
        for col in ("table", "extracted", "landed", "quarantined"):
            t.add_column(col, justify="left" if col == "table" else "right")
        for name, c in sorted(s.landed.items()):
            q = c["rows_quarantined"]
            t.add_row(name, f"{c['rows_extracted']:,}", f"{c['rows_landed']:,}", f"[yellow]{q:,}[/]" if q else "0")
        console.print(t)
    console.print(f"dbt models/seeds built: {s.models_built} · checks passed {s.checks['passed']}, "
                  f"warned {s.checks['warned']}, failed {s.checks['failed']}")
    for line in s.failed_checks[:20]:
        console.print(f"  [yellow]check[/] {line}")
    for line in s.errors:
        console.print(f"  [red]error[/] {line}")
    console.print(f"warehouse: {warehouse}")
    if s.published:
        console.print(f"published for BI: {s.published}")
    colour, word = ("green", "succeeded") if s.success else ("red", "FAILED")
    console.print(f"[{colour}]nightly run {word}[/] in {seconds:.1f}s (run id {s.run_id}; `make ui` shows it)")
