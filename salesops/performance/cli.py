"""`salesops report performance` (registered on the `report` typer app by the integrator:
`report_app.command("performance")(performance)`)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesops.console import make_console


def performance(
    as_of: Annotated[str | None, typer.Option(help="As-of date YYYY-MM-DD the marts were built for (default: theirs).")] = None,
    top: Annotated[int, typer.Option(help="Rows in the top-gaps and action tables.")] = 10,
) -> None:
    """Headline tables of sales performance: attainment/pace by node with RAG, top gaps, KPI tree, actions."""
    from datetime import date

    from salesops.performance.report import ReportError, load_report, render
    from salesops.settings import get_settings

    console = make_console()
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        console.print(f"[red]--as-of must be a date YYYY-MM-DD, got {as_of!r}[/]")
        raise typer.Exit(2) from None
    try:
        report = load_report(get_settings(), day, top=top)
    except ReportError as e:
        console.print(f"[red]{e}[/]")
        raise typer.Exit(1) from None
    render(console, report)
