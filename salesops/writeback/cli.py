"""`salesops push ...`: quotas to the CRM or Salesforce, approved payouts to payroll, the audit log.

Every push is a dry run unless --apply; both are recorded in writeback.audit_log."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from salesops.console import make_console

push_app = typer.Typer(help="Push quotas / payouts back to the operational systems (dry run unless --apply).",
                       no_args_is_help=True)
console = make_console()


class QuotaTarget(StrEnum):
    crm = "crm"
    salesforce = "salesforce"


def _nightly_status():
    """The latest nightly run in the project's Dagster instance (None if there is none)."""
    import os
    from pathlib import Path

    from salesops.cli import _quiet_runtime

    _quiet_runtime()
    home = os.environ.get("DAGSTER_HOME")
    if not home or not Path(home).is_dir():
        return None
    import dagster as dg

    from salesops.writeback.gate import latest_nightly_status

    with dg.DagsterInstance.get() as instance:
        return latest_nightly_status(instance)


def _fmt(v) -> str:
    return "∅" if v is None else str(v)


def _show(result, where: str, show: int) -> None:
    verb = "would change" if result.dry_run else "changed"
    rows = [r for r in result.rows if r.action in ("insert", "update", "reject")]
    if rows:
        table = Table(title=f"{result.target}.{result.object} · {where}" + (" · DRY RUN" if result.dry_run else ""))
        for col in ("external key", "action", "change / reason"):
            table.add_column(col, overflow="fold")
        order = {"reject": 0, "update": 1, "insert": 2}
        for r in sorted(rows, key=lambda r: (order[r.action], r.key))[:show]:
            if r.action == "reject":
                detail, style = r.reason or "", "red"
            else:
                detail = ", ".join(f"{f}: {_fmt(a)} → {_fmt(b)}" if r.action == "update" else f"{f}={_fmt(b)}"
                                   for f, (a, b) in (r.changes or {}).items())
                style = "yellow" if r.action == "update" else "green"
            table.add_row(r.key, f"[{style}]{r.action}[/]", detail)
        console.print(table)
        if len(rows) > show:
            console.print(f"… {len(rows) - show} more rows (all of them are in writeback.audit_rows, push {result.push_id})")
    console.print(f"{verb}: [green]{result.inserted} inserted[/], [yellow]{result.updated} updated[/], "
                  f"{result.unchanged} unchanged, [red]{result.rejected} rejected[/] · version {result.version or '-'} · "
                  f"push {result.push_id} ({result.seconds:.2f}s)")
    if result.dry_run:
        console.print("dry run: nothing was sent; add --apply to push these changes")
    elif result.rejected:
        console.print(f"[red]{result.rejected} rows were rejected[/] (reasons above and in writeback.audit_rows); "
                      "the others were applied")


def _run(fn, *args, **kwargs):
    import sqlalchemy as sa

    from salesops.writeback.gate import PushBlocked
    from salesops.writeback.payroll import PeriodNotApproved
    from salesops.writeback.salesforce import SalesforceError

    try:
        return fn(*args, **kwargs)
    except (PushBlocked, PeriodNotApproved, SalesforceError, FileNotFoundError, ValueError) as exc:
        console.print(f"[red]{exc}[/]", markup=True, highlight=False)
        raise typer.Exit(1) from None
    except sa.exc.DBAPIError as exc:  # e.g. the warehouse is locked by a running night
        console.print(f"[red]database error: {type(exc.orig).__name__}: {exc.orig}[/]", highlight=False)
        raise typer.Exit(1) from None


@push_app.command("quotas")
def push_quotas_command(
    target: Annotated[QuotaTarget, typer.Option(help="crm: the CRM database's forecasting_quota table; "
                                                     "salesforce: ForecastingQuota through the REST API.")] = QuotaTarget.crm,
    apply: Annotated[bool, typer.Option("--apply", help="Send the changes (default: dry run).")] = False,
    show: Annotated[int, typer.Option(help="Rows of the change table to print.")] = 50,
) -> None:
    """Quotas of the published target ledger (planning.targets) -> QuotaOwnerId x month x ProductFamily."""
    from salesops.settings import get_settings
    from salesops.writeback.service import push_quotas, target_label

    settings = get_settings()
    result = _run(push_quotas, settings, _nightly_status(), target=target.value, apply=apply)
    _show(result, target_label(settings, target.value), show)


@push_app.command("payroll")
def push_payroll_command(
    period: Annotated[str, typer.Option(help="Commission period YYYY-MM (must be approved).")],
    apply: Annotated[bool, typer.Option("--apply", help="Send the changes (default: dry run).")] = False,
    show: Annotated[int, typer.Option(help="Rows of the change table to print.")] = 50,
) -> None:
    """Approved payouts of one period -> payroll input lines (payee x period x pay code)."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        console.print(f"[red]--period must be YYYY-MM, got {period!r}[/]")
        raise typer.Exit(2)
    from salesops.settings import get_settings
    from salesops.writeback.service import push_payroll, target_label

    settings = get_settings()
    result = _run(push_payroll, settings, _nightly_status(), period=period, apply=apply)
    _show(result, target_label(settings, "payroll"), show)


@push_app.command("log")
def push_log_command(
    limit: Annotated[int, typer.Option(help="How many pushes.")] = 20,
    push_id: Annotated[str | None, typer.Option(help="Show the rows of this push.")] = None,
) -> None:
    """The audit log: recent pushes (or one push's rows)."""
    from salesops import warehouse
    from salesops.settings import get_settings
    from salesops.writeback.engine import read_audit_log, relation_exists

    settings = get_settings()
    if push_id:
        if not relation_exists(settings, "writeback", "audit_rows"):
            console.print("no pushes recorded yet")
            return
        rows = warehouse.read_rows(settings, "select external_key, action, reason, changes from writeback.audit_rows "
                                             "where push_id = :p order by action, external_key", {"p": push_id})
        table = Table(title=f"push {push_id}")
        for col in ("external key", "action", "change / reason"):
            table.add_column(col, overflow="fold")
        for r in rows:
            detail = r["reason"] or ", ".join(f"{f}: {_fmt(a)} → {_fmt(b)}"
                                              for f, (a, b) in json.loads(r["changes"] or "{}").items())
            table.add_row(r["external_key"], r["action"], detail)
        console.print(table)
        return
    log = read_audit_log(settings, limit)
    if not log:
        console.print("no pushes recorded yet")
        return
    table = Table(title="writeback.audit_log (newest first)")
    for col in ("pushed at (UTC)", "target", "object", "version", "dry run", "ins", "upd", "same", "rej", "status", "push id"):
        table.add_column(col, no_wrap=col in ("push id", "pushed at (UTC)"))
    for r in log:
        table.add_row(f"{r['pushed_at']:%Y-%m-%d %H:%M:%S}", r["target"], r["object"], r["version"] or "",
                      "yes" if r["dry_run"] else "no", str(r["inserted"]), str(r["updated"]), str(r["unchanged"]),
                      str(r["rejected"]), r["status"], r["push_id"])
    console.print(table)
