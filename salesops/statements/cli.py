"""`salesops statements ...`: render and list commission statements."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from salesops.console import make_console

app = typer.Typer(help="Commission statements (对账单): one HTML + PDF per payee per period.", no_args_is_help=True)
console = make_console()


@app.command("render")
def render(
    period: Annotated[str | None, typer.Option(help="YYYY-MM (default: the latest closed/approved period).")] = None,
    payee: Annotated[list[str] | None, typer.Option(help="Only this payee id (repeatable).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the PDF (WeasyPrint).")] = True,
    draft: Annotated[bool, typer.Option("--draft", help="Allow an open period (watermarked DRAFT).")] = False,
) -> None:
    """Render statements to <data_dir>/statements/<period>/<payee_id>.{html,pdf}; refuses failed periods."""
    from salesops.settings import get_settings
    from salesops.statements.config import StatementsConfigError
    from salesops.statements.service import latest_period, render_period
    from salesops.statements.statement import StatementRefused

    settings = get_settings()
    period = period or latest_period(settings)
    if period is None:
        console.print("[red]no closed or approved period in compensation.periods[/]: pass --period (and --draft "
                      "for an open one)")
        raise typer.Exit(1)
    try:
        with console.status(f"rendering statements for {period} ..."):
            out = render_period(settings, period, payee_ids=payee or None, pdf=pdf, allow_draft=draft)
    except (StatementRefused, StatementsConfigError) as e:
        console.print(f"[red]no statements:[/] {escape(str(e))}")
        raise typer.Exit(1) from None
    table = Table(title=f"statements {period}" + (" (DRAFT)" if out and out[0].is_draft else ""))
    for col in ("payee", "lang", "net payable", "file", "seconds"):
        table.add_column(col, justify="right" if col in ("net payable", "seconds") else "left", overflow="fold",
                         min_width=18 if col == "payee" else None)
    from salesops.statements.render import format_money

    for r in out:
        table.add_row(r.payee_id, r.language, format_money(r.net_payable, r.currency),
                      str(r.pdf_path or r.html_path), f"{r.seconds:.2f}")
    console.print(table)
    console.print(f"{len(out)} statement(s) in {settings.data_dir / 'statements' / period}")


@app.command("list")
def list_rendered(period: Annotated[str | None, typer.Option(help="YYYY-MM")] = None) -> None:
    """What statements.rendered records (path and sha256 per file)."""
    from salesops import warehouse
    from salesops.settings import get_settings

    settings = get_settings()
    with warehouse.transaction(settings) as conn:
        if not warehouse.table_exists(conn, "statements", "rendered"):
            console.print("no statements rendered yet (statements.rendered does not exist)")
            return
    rows = warehouse.read_rows(settings, "select * from statements.rendered"
                               + (" where period = :p" if period else "") + " order by period, payee_id, format",
                               {"p": period} if period else None)
    table = Table(title="statements.rendered")
    for col in ("period", "payee_id", "format", "language", "sha256", "path"):
        table.add_column(col, overflow="fold", min_width=18 if col == "payee_id" else None)
    for r in rows:
        table.add_row(r["period"], r["payee_id"], r["format"], r["language"], r["sha256"][:12], r["path"])
    console.print(table)
