"""The `salesops` command line: what a user does by hand."""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from salesops.compensation.cli import comp_app
from salesops.console import make_console
from salesops.contests.cli import app as contests_app
from salesops.funnel.cli import report_app
from salesops.paths import DBT_PROJECT_DIR, REPO_ROOT
from salesops.performance.cli import performance as performance_report
from salesops.planning.cli import targets_app
from salesops.planning.territories.cli import territories_app
from salesops.statements.cli import app as statements_app
from salesops.writeback.cli import push_app

app = typer.Typer(help="salesops: sales-operations data platform.", no_args_is_help=True, add_completion=False)
demo_app = typer.Typer(help="The embedded demo company.", no_args_is_help=True)
docs_app = typer.Typer(help="Generated documentation.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")
app.add_typer(docs_app, name="docs")
app.add_typer(comp_app, name="comp")
app.add_typer(push_app, name="push")
app.add_typer(territories_app, name="territories")
app.add_typer(statements_app, name="statements")
app.add_typer(contests_app, name="contests")
report_app.command("performance")(performance_report)
app.add_typer(report_app, name="report")
app.add_typer(targets_app, name="targets")
console = make_console()


def _quiet_runtime() -> None:
    """Telemetry off and Dagster state in the project, before anything imports dagster/dbt/dlt.
    SIGTERM is handled like Ctrl-C, so a stopped run releases the warehouse."""
    signal.signal(signal.SIGTERM, _raise_interrupt)
    os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster"))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


@demo_app.command("generate")
def demo_generate(
    scale: Annotated[float, typer.Option(help="Volume multiplier (1 = ~50 reps, 100k opportunities).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")] = 42,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: <data_dir>/demo).")] = None,
    if_missing: Annotated[bool, typer.Option("--if-missing", help="Do nothing if the demo already exists.")] = False,
) -> None:
    """Write the demo company's CRM, ERP and HR databases (SQLite)."""
    from salesops.demo.generator import generate
    from salesops.settings import get_settings

    out = out or get_settings().demo_dir
    if if_missing and (out / "manifest.json").exists():
        console.print(f"demo company already at {out} (delete it or drop --if-missing to regenerate)")
        return
    with console.status(f"generating demo company (scale {scale}, seed {seed}) ..."):
        manifest = generate(out, scale=scale, seed=seed)
    total = sum(manifest["tables"].values())
    console.print(f"[green]demo company written to {out}[/]: {total:,} rows in {len(manifest['tables'])} tables, as of {manifest['as_of']}")


@demo_app.command("delta")
def demo_delta(
    day: Annotated[str, typer.Option(help="The new day YYYY-MM-DD (the next as-of date).")],
    share: Annotated[float, typer.Option(help="Share of rows to change (0.01 = ~1 %).")] = 0.01,
    seed: Annotated[int, typer.Option()] = 1,
) -> None:
    """Apply one more day to the demo company (new/changed rows, a late order for a closed month,
    a hierarchy move), for incremental nights: then `salesops run --as-of DAY`."""
    from salesops.demo.delta import apply_delta
    from salesops.settings import get_settings

    changed = apply_delta(get_settings().demo_dir, date.fromisoformat(day), share=share, seed=seed)
    for table, n in changed.items():
        console.print(f"  {table}: {n:,}")


@app.command()
def run(
    as_of: Annotated[str | None, typer.Option(help="As-of date YYYY-MM-DD (default: settings, demo date, or yesterday).")] = None,
    full_refresh: Annotated[bool, typer.Option("--full-refresh", help="Reload every source table and rebuild every model.")] = False,
) -> None:
    """Run the nightly job: ingest -> validate -> dbt build -> publish. Exits non-zero if it failed."""
    _quiet_runtime()
    from salesops.runner import run_nightly

    ok = run_nightly(console, as_of=date.fromisoformat(as_of) if as_of else None, full_refresh=full_refresh)
    raise typer.Exit(0 if ok else 1)


@app.command()
def ingest(
    source: Annotated[list[str] | None, typer.Option(help="crm, erp or hr (repeatable; default: all).")] = None,
    full_refresh: Annotated[bool, typer.Option("--full-refresh")] = False,
) -> None:
    """Land source tables only (validated), without dbt."""
    _quiet_runtime()
    from salesops.runner import run_nightly

    ok = run_nightly(console, full_refresh=full_refresh, only_sources=source or ["crm", "erp", "hr"])
    raise typer.Exit(0 if ok else 1)


@app.command("dbt", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def dbt_command(ctx: typer.Context) -> None:
    """dbt with the project's settings, e.g. `salesops dbt parse`, `salesops dbt build -s marts`.

    build/run/test/compile/parse get the project's vars (currency, fiscal calendar) unless
    --vars is given, and every command the as-of date (SALESOPS_AS_OF): dbt parses in full
    when vars change, and the nightly passes the same ones."""
    args = list(ctx.args)
    if not args:
        console.print("usage: salesops dbt <dbt command> [dbt options]", markup=False)
        raise typer.Exit(2)
    _dbt(args)


def _dbt(args: list[str]) -> None:
    """dbt with the project's env (as-of date, warehouse), profiles and cwd; build / run / test /
    compile / parse also get the project's vars unless --vars is given."""
    _quiet_runtime()
    from dbt.cli.main import dbtRunner

    from salesops.settings import get_settings, resolve_as_of
    from salesops.transform import dbt_env, dbt_vars

    settings = get_settings()
    if args[0] in ("build", "run", "test", "compile", "parse") and "--vars" not in args:
        args = [*args, "--vars", json.dumps(dbt_vars(settings))]
    os.environ.update(dbt_env(settings, resolve_as_of(settings)))
    cwd = os.getcwd()
    os.chdir(DBT_PROJECT_DIR)  # profiles.yml defaults are relative to the project
    try:
        res = dbtRunner().invoke([*args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)])
    finally:
        os.chdir(cwd)
    if not res.success:
        console.print(f"[red]dbt {' '.join(args)} failed[/]: {res.exception or ''}")
        raise typer.Exit(1)


@docs_app.command("sources")
def docs_sources(
    out: Annotated[Path, typer.Option(help="Where to write the contract document.")] = REPO_ROOT / "docs" / "sources.md",
    check: Annotated[bool, typer.Option("--check", help="Fail if the file is not up to date.")] = False,
) -> None:
    """Write docs/sources.md (every source table's contract) from the dbt sources YAML."""
    from salesops.docs import render_sources

    text = render_sources()
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            console.print(f"[red]{out} is out of date[/]: run `salesops docs sources`")
            raise typer.Exit(1)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out}")


def main() -> None:  # pragma: no cover
    sys.exit(app())


if __name__ == "__main__":  # python -m salesops.cli
    main()
