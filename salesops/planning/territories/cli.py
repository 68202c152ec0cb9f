"""`salesops territories ...`: propose a balanced alignment, approve (apply) it explicitly."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from salesops.console import make_console

territories_app = typer.Typer(help="Territory design (区域划分): propose, then approve, an account alignment.",
                              no_args_is_help=True)
console = make_console()


def _pct(x) -> str:
    return f"{float(x) * 100:.1f}%"


def _money(x) -> str:
    return f"{x:,.0f}"


def _millions(x) -> str:
    return f"{x / 1_000_000:,.1f}"


@territories_app.command("propose")
def propose_command(
    config: Annotated[Path | None, typer.Option(help="Territory config (default config/territories.yml).")] = None,
    region: Annotated[str | None, typer.Option(help="Only this HR region id (e.g. OU-0003).")] = None,
    as_of: Annotated[str | None, typer.Option(help="As-of date YYYY-MM-DD (default: the run's as-of date).")] = None,
    method: Annotated[str | None, typer.Option(help="highs or greedy (default: solver.method in the config).")] = None,
    detail: Annotated[bool, typer.Option("--detail/--no-detail", help="Show every territory.")] = True,
) -> None:
    """Solve per region, print balance before/after and disruption, write planning.territory_proposals.

    Nothing else changes: the alignment is written only by `salesops territories apply`."""
    from datetime import datetime

    from salesops.planning.territories.config import TerritoryConfigError, load_config
    from salesops.planning.territories.propose import propose
    from salesops.planning.territories.source import read_accounts, read_people
    from salesops.planning.territories.store import write_proposal
    from salesops.settings import get_settings, resolve_as_of

    settings = get_settings()
    try:
        cfg = load_config(config)
        if method:
            if method not in ("highs", "greedy"):
                raise TerritoryConfigError(f"--method {method}: unknown method (rule: highs or greedy)")
            cfg = cfg.model_copy(update={"solver": cfg.solver.model_copy(update={"method": method})})
        day = date.fromisoformat(as_of) if as_of else resolve_as_of(settings)
        with console.status(f"reading accounts and reps as of {day} ..."):
            accounts, people = read_accounts(settings), read_people(settings, day)
        with console.status(f"solving ({cfg.solver.method}) per region ...") as status:
            def progress(problem, k: int, n: int) -> None:
                status.update(f"solving ({cfg.solver.method}) region {k + 1}/{n}: {problem.region_id} "
                              f"{problem.region_name or ''} ({len(problem.units):,} units x "
                              f"{len(problem.territories)} reps) ...")

            proposal = propose(accounts, people, cfg, as_of=day, created_at=datetime.now(UTC).replace(tzinfo=None),
                               region=region, progress=progress)
        written = write_proposal(settings, proposal)
    except TerritoryConfigError as exc:
        console.print(f"[red]territory design stopped[/]: {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    print_proposal(proposal, detail=detail)
    if written:
        console.print(f"proposal [bold]{proposal.proposal_id}[/] written to planning.territory_proposals "
                      f"({len(proposal.rows):,} rows). Nothing is applied until you run:\n"
                      f"  salesops territories apply --proposal {proposal.proposal_id}", highlight=False)
    else:
        console.print(f"proposal {proposal.proposal_id} is already in planning.territory_proposals "
                      "(same inputs, config and result): nothing written", highlight=False)


def print_proposal(proposal, *, detail: bool = True) -> None:
    if not console.is_terminal:  # piped / logged: do not wrap the tables at 80 columns
        console.width = max(console.width, 150)
    t = Table(title=f"territory proposal {proposal.proposal_id} · as of {proposal.as_of}", title_justify="left")
    for col in ("region", "reps", "units", "CV potential", "CV workload", "disruption", "solver", "seconds"):
        t.add_column(col, justify="left" if col in ("region", "solver") else "right")
    for r in proposal.regions:
        sol = r.solution
        status = sol.method + (f" {sol.status}" if sol.method == "highs" else "")
        if sol.mip_gap is not None and sol.status != "optimal":
            status += f" gap {sol.mip_gap:.1%}"
        t.add_row(f"{r.problem.region_id} {r.problem.region_name or ''}", str(len(r.problem.territories)),
                  str(len(r.problem.units)), f"{r.before.cv_potential:.3f} → {r.after.cv_potential:.3f}",
                  f"{r.before.cv_workload:.3f} → {r.after.cv_workload:.3f}", _pct(r.disruption), status,
                  f"{sol.seconds:.1f}")
    t.add_section()
    t.add_row("all regions (vs each region's mean)", str(sum(len(r.problem.territories) for r in proposal.regions)),
              str(sum(len(r.problem.units) for r in proposal.regions)),
              f"{proposal.within_cv_potential_before:.3f} → {proposal.within_cv_potential_after:.3f}",
              f"{proposal.within_cv_workload_before:.3f} → {proposal.within_cv_workload_after:.3f}",
              _pct(proposal.disruption), "", f"{proposal.solve_seconds:.1f}")
    t.add_row("company (vs company mean)", "", "",
              f"{proposal.cv_potential_before:.3f} → {proposal.cv_potential_after:.3f}",
              f"{proposal.cv_workload_before:.3f} → {proposal.cv_workload_after:.3f}", "", "", "")
    console.print(t)
    if detail:
        d = Table(title="per territory: before → after (index = value / fair share; 1.00 = the region's mean)",
                  title_justify="left")
        for col in ("region", "rep", "potential (M)", "index", "workload h", "index", "utilization"):
            d.add_column(col, justify="left" if col in ("region", "rep") else "right")
        for r in proposal.regions:
            for b, a in zip(r.before.territories, r.after.territories, strict=True):
                d.add_row(r.problem.region_id, f"{a.rep_id} {a.name or ''}",
                          f"{_millions(b.potential)} → {_millions(a.potential)}",
                          f"{b.potential_index:.2f} → {a.potential_index:.2f}",
                          f"{_money(b.workload_hours)} → {_money(a.workload_hours)}",
                          f"{b.workload_index:.2f} → {a.workload_index:.2f}",
                          f"{_pct(b.utilization)} → {_pct(a.utilization)}")
        console.print(d)
    moved = sum(1 for row in proposal.rows if row["is_moved"])
    locked = sum(1 for row in proposal.rows if row["is_locked"])
    console.print(f"disruption: {_money(proposal.moved_potential)} of {_money(proposal.total_potential)} potential "
                  f"changes owner ({_pct(proposal.disruption)}; {moved:,} accounts); {locked:,} accounts locked "
                  f"(key accounts stay with their owner); {proposal.not_aligned_accounts:,} not aligned "
                  "(see reason in the proposal rows)", highlight=False)


@territories_app.command("apply")
def apply_command(
    proposal: Annotated[str, typer.Option("--proposal", help="Proposal id printed by `propose`.")],
    effective_from: Annotated[str | None, typer.Option(help="First day of the new alignment (default: the day "
                                                            "after the proposal's as-of date).")] = None,
    approved_by: Annotated[str | None, typer.Option(help="Who approves (default: $USER).")] = None,
) -> None:
    """Approve a proposal: write its accounts to planning.territory_alignment (effective dated)."""
    import getpass
    from datetime import datetime

    from salesops.planning.territories.config import TerritoryConfigError
    from salesops.planning.territories.store import apply_proposal
    from salesops.settings import get_settings

    try:
        result = apply_proposal(get_settings(), proposal,
                                approved_at=datetime.now(UTC).replace(tzinfo=None),
                                approved_by=approved_by or getpass.getuser(),
                                effective_from=date.fromisoformat(effective_from) if effective_from else None)
    except TerritoryConfigError as exc:
        console.print(f"[red]apply stopped[/]: {exc}", highlight=False)
        raise typer.Exit(1) from None
    if result["already_applied"]:
        console.print(f"proposal {proposal} was applied before: nothing changed", highlight=False)
        return
    console.print(f"[green]applied {proposal}[/] from {result['effective_from']}: {result['inserted']:,} alignment "
                  f"rows written, {result['closed']:,} previous rows closed, {result['unchanged']:,} unchanged"
                  + (f", {result['not_aligned']:,} not aligned (owner without region: not written)"
                     if result["not_aligned"] else ""),
                  highlight=False)
