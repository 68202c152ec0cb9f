"""`salesops targets ...`: decompose a plan, write the target ledger, list versions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from salesops.console import make_console

targets_app = typer.Typer(help="Target setting and decomposition (the target ledger).", no_args_is_help=True)
console = make_console()


def render_tree(dec, depth: int):
    """A rich Tree of the decomposition's top `depth` levels below the company (amounts and shares)."""
    from rich.tree import Tree

    cur = dec.plan.target.currency

    def label(n) -> str:
        share = f"{float(n.share):6.1%}" if n.parent is not None else "100.0%"
        extra = ""
        if n.ramp_factor != 1 and n.level == "rep":
            extra = f" [yellow]ramp {float(n.ramp_factor):.3f}[/]"
        if n.pad:
            extra += f" [dim]pad {float(n.pad):.1%}[/]"
        ident = "" if n.key in (n.name, "company", "ramp_hold") else f" [dim]{n.key}[/]"
        return f"[bold]{n.name}[/]{ident}  {n.amount:,.0f} {cur}  [cyan]{share}[/]  [dim]{n.method}[/]{extra}"

    root = Tree(label(dec.root))

    def add(tree, node, d):
        if d >= depth:
            if node.children:
                kinds = {c.level for c in node.children}
                tree.add(f"[dim]… {len(node.children)} {'/'.join(sorted(kinds))} nodes[/]")
            return
        for c in node.children:
            add(tree.add(label(c)), c, d + 1)

    add(root, dec.root, 0)
    return root


@targets_app.command("plan")
def plan_command(
    config: Annotated[Path, typer.Option("--config", "-c", help="Plan YAML, e.g. config/targets/fy2026.yml.")],
    publish: Annotated[bool, typer.Option("--publish", help="Publish the version (immutable afterwards).")] = False,
    depth: Annotated[int, typer.Option("--depth", help="Levels of the tree to show below the company.")] = 2,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the decomposition; write nothing.")] = False,
) -> None:
    """Decompose a plan config and write its ledger to planning.targets (a draft unless --publish)."""
    from salesops.planning.targets.config import PlanConfigError, load_plan
    from salesops.planning.targets.engine import DecompositionError, decompose
    from salesops.planning.targets.history import HistoryUnavailable, load_history
    from salesops.planning.targets.ledger import PublishedVersionError, write_version
    from salesops.settings import get_settings

    try:
        plan = load_plan(config)
        settings = get_settings()
        with console.status("reading history from the warehouse ..."):
            history = load_history(settings, plan, config.resolve().parent)
        dec = decompose(plan, history)
    except (PlanConfigError, DecompositionError, HistoryUnavailable) as exc:
        console.print(f"[red]cannot decompose {config}[/]:\n{exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    console.print(f"[bold]{plan.plan_id}[/] version {plan.version} · fiscal year {plan.fiscal_year} · effective from "
                  f"{plan.effective_from} · roster on {plan.roster_on} · unit {plan.rounding_unit}")
    console.print(render_tree(dec, depth))
    shares = " ".join(f"{m:%b} {float(s):.1%}" for m, s in zip(dec.months, dec.seasonality, strict=True))
    console.print(f"[dim]seasonality ({plan.seasonality.method}): {shares}[/]")
    for w in dec.warnings:
        console.print(f"[yellow]note[/]: {w}", highlight=False, soft_wrap=True)
    n_rows = sum(1 for _ in dec.nodes())
    if dry_run:
        console.print(f"dry run: {n_rows:,} ledger rows, nothing written")
        return
    try:
        result = write_version(settings, dec, publish=publish, config_path=_rel(config))
    except PublishedVersionError as exc:
        console.print(f"[red]not written[/]: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    where = f"planning.targets in {settings.warehouse_label()}"
    if result == "unchanged":
        console.print(f"[green]{plan.plan_id} v{plan.version} is already published with exactly this ledger[/]: nothing written")
    else:
        console.print(f"[green]wrote {n_rows:,} rows of {plan.plan_id} v{plan.version} ({result})[/] to {where}")


@targets_app.command("versions")
def versions_command() -> None:
    """List the plan versions in the warehouse (planning.target_versions)."""
    from rich.table import Table

    from salesops.planning.targets.ledger import list_versions
    from salesops.settings import get_settings

    versions = list_versions(get_settings())
    if not versions:
        console.print("no plan versions yet: `salesops targets plan --config config/targets/<plan>.yml`")
        return
    t = Table(title="target plan versions")
    for col in ("plan", "version", "status", "effective from", "published at (UTC)", "target", "rows", "checksum", "config"):
        t.add_column(col, justify="right" if col in ("version", "target", "rows") else "left")
    for v in versions:
        t.add_row(v["plan_id"], str(v["version"]), v["status"], str(v["effective_from"]),
                  f"{v['published_at']:%Y-%m-%d %H:%M}" if v["published_at"] else "",
                  f"{v['target_amount']:,.0f} {v['currency']}", f"{v['n_rows']:,}", v["checksum"][:12], v["config_path"])
    Console(width=max(console.width, 150)).print(t)


def _rel(path: Path) -> str:
    from salesops.paths import REPO_ROOT

    p = path.resolve()
    try:
        return str(p.relative_to(REPO_ROOT))
    except ValueError:
        return str(p)
