"""`salesops comp ...`: calculate, close, approve, simulate, what-if, validate plans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from salesops.console import make_console

comp_app = typer.Typer(help="Incentive compensation: plans, payouts, period close, simulation.", no_args_is_help=True)
console = make_console()


def _fail(message: str) -> None:
    console.print(f"[red]error[/]: {message}", markup=True, highlight=False)
    raise typer.Exit(1)


def _show_exceptions(exceptions, limit: int = 30, *, held: bool = False) -> None:
    what = ("their payees are held back (no open-period payouts, no period can close); the others were calculated"
            if held else "no payouts written")
    table = Table(title=f"{len(exceptions)} exception(s): {what}", title_justify="left")
    for col in ("rule", "payee", "period", "component", "reason"):
        table.add_column(col, overflow="fold")
    for e in exceptions[:limit]:
        table.add_row(e.rule, e.payee_id or "", e.period or "", e.component or "", e.reason)
    console.print(table)
    if len(exceptions) > limit:
        console.print(f"... and {len(exceptions) - limit} more")


@comp_app.command("validate")
def validate(plans_dir: Annotated[Path | None, typer.Option(help="Plan folder (default config/compensation/plans).")] = None) -> None:
    """Validate every plan file; print a one-line summary per plan."""
    from salesops.compensation.plans import PlanConfigError, load_plans

    try:
        plans = load_plans(plans_dir)
    except PlanConfigError as err:
        _fail(str(err))
    for p in plans.values():
        comps = ", ".join(f"{c.component} {c.weight} ({'curve' if c.pay_curve else c.rate_table.mode})" for c in p.components)
        console.print(f"[green]ok[/] {p.plan_id} {p.currency} {p.effective_from}..{p.effective_to}: {comps}", highlight=False)


@comp_app.command("calculate")
def calculate_cmd(through: Annotated[str | None, typer.Option(help="Last period YYYY-MM (default: last with data).")] = None) -> None:
    """Calculate payouts from the warehouse (comp_credits, comp_quotas, HR) and write compensation.*."""
    from salesops.compensation.close import run_calculation
    from salesops.settings import get_settings

    res = run_calculation(get_settings(), through_period=through)
    if not res.ok:
        _show_exceptions(res.exceptions, held=not res.blocked)
        raise typer.Exit(1)
    console.print(f"[green]calculated[/] {len(res.payouts):,} payout rows for {len(res.periods)} periods, "
                  f"{len(res.adjustments)} prior-period adjustments", highlight=False)


@comp_app.command("close")
def close_cmd(period: Annotated[str, typer.Option(help="Period YYYY-MM to lock.")]) -> None:
    """Lock a period: its payout rows and their sha256 are stored and never change."""
    from salesops.compensation.close import PeriodError, close_period
    from salesops.settings import get_settings

    try:
        info = close_period(get_settings(), period)
    except PeriodError as err:
        _fail(str(err))
    console.print(f"[green]closed {info['period']}[/]: {info['rows']} payout rows, {info['adjustments']} adjustments, "
                  f"net payable {info['net_payable']:,}; sha256 {info['checksum']}", highlight=False)


@comp_app.command("approve")
def approve_cmd(
    period: Annotated[str, typer.Option(help="Closed period YYYY-MM to approve for payroll.")],
    by: Annotated[str, typer.Option(help="Who approves (recorded).")] = "",
) -> None:
    """Approve a closed period (checksum verified); only approved periods go to payroll."""
    import getpass

    from salesops.compensation.close import PeriodError, approve_period
    from salesops.settings import get_settings

    try:
        info = approve_period(get_settings(), period, by or getpass.getuser())
    except PeriodError as err:
        _fail(str(err))
    console.print(f"[green]approved {info['period']}[/] by {info['approved_by']} (sha256 {info['checksum']})", highlight=False)


@comp_app.command("simulate")
def simulate_cmd(
    plan: Annotated[Path, typer.Option(help="Plan YAML file.")],
    transactions: Annotated[Path, typer.Option(help="transactions.csv: id, payee, date, measure, amount, currency, cancels_id")],
    quotas: Annotated[Path, typer.Option(help="quotas.csv: payee, period, component, amount")],
    out: Annotated[Path, typer.Option(help="Output folder for payouts.csv (exceptions.csv on failure).")],
    payees: Annotated[Path | None, typer.Option(help="Optional payees.csv: payee, valid_from, valid_to, target_incentive, hire_date")] = None,
) -> None:
    """Run the payout engine on plain files and write payouts.csv."""
    from salesops.compensation.plans import PlanConfigError, load_plan
    from salesops.compensation.simulate import InputFileError, simulate, write_exceptions_csv, write_payouts_csv

    try:
        p = load_plan(plan)
        res = simulate(p, transactions, quotas, payees)
    except (PlanConfigError, InputFileError, OSError) as err:
        _fail(str(err))
    for w in res.warnings:
        console.print(f"[yellow]warning[/]: {w}", highlight=False)
    if not res.ok:
        path = write_exceptions_csv(res, out)
        _show_exceptions(res.exceptions)
        console.print(f"exceptions written to {path}")
        raise typer.Exit(1)
    path = write_payouts_csv(res, out)
    total = sum(r["net_payable"] for r in res.payouts)
    console.print(f"[green]wrote {path}[/]: {len(res.payouts)} rows, total paid {total:,} {p.currency}", highlight=False)


@comp_app.command("whatif")
def whatif_cmd(
    plan: Annotated[Path, typer.Option(help="Alternative plan YAML (replaces the current plan with its plan_id).")],
    replaces: Annotated[str | None, typer.Option(help="plan_id of the current plan it replaces (default: its own).")] = None,
    transactions: Annotated[Path | None, typer.Option(help="Use files instead of the warehouse: transactions.csv")] = None,
    quotas: Annotated[Path | None, typer.Option(help="... with quotas.csv")] = None,
    payees: Annotated[Path | None, typer.Option(help="... and optional payees.csv")] = None,
    current: Annotated[Path | None, typer.Option(help="With files: the current plan YAML.")] = None,
    through: Annotated[str | None, typer.Option(help="Last period YYYY-MM.")] = None,
) -> None:
    """Apply an alternative plan to actual history: cost and payout distribution beside the current plan."""
    from salesops.compensation.plans import PlanConfigError, load_plan, load_plans
    from salesops.compensation.simulate import InputFileError, payout_summary, read_inputs, whatif

    try:
        alt = load_plan(plan)
        target = replaces or alt.plan_id
        fy_start = 1
        if transactions is not None:
            if quotas is None or current is None:
                _fail("with --transactions give --quotas and --current (the current plan file) too")
            cur = load_plan(current)
            if cur.plan_id != target:
                cur = cur.model_copy(update={"plan_id": target})
            plans = {target: cur}
            inp = read_inputs(cur, transactions, quotas, payees)
            if inp.exceptions:
                _show_exceptions(inp.exceptions)
                raise typer.Exit(1)
            assignments, credits, qs = inp.assignments, inp.credits, inp.quotas
            alt_assignments = None
        else:
            from salesops.compensation.close import load_inputs
            from salesops.settings import get_settings

            settings = get_settings()
            fy_start = settings.fiscal_year_start_month
            plans = load_plans()
            assignments, credits, qs, problems = load_inputs(settings, plans)
            alt_plan = alt if alt.plan_id == target else alt.model_copy(update={"plan_id": target})
            alt_assignments, _, _, alt_problems = load_inputs(settings, {**plans, target: alt_plan})
            if problems or alt_problems:
                _show_exceptions(problems + alt_problems)
                raise typer.Exit(1)
        cur_res, alt_res = whatif(plans, alt, assignments, credits, qs, replaces=target, through_period=through,
                                  fiscal_year_start_month=fy_start, alt_assignments=alt_assignments)
    except (PlanConfigError, InputFileError, ValueError, OSError) as err:
        _fail(str(err))
    for label, r in (("current", cur_res), ("alternative", alt_res)):
        if not r.ok:
            console.print(f"[red]{label} plan[/]:")
            _show_exceptions(r.exceptions)
            raise typer.Exit(1)
    a, b = payout_summary(cur_res, {target}), payout_summary(alt_res, {target})
    table = Table(title=f"what-if: {plan.name} instead of plan {target} ({a['payees']} payees)", title_justify="left")
    table.add_column("")
    table.add_column("current", justify="right")
    table.add_column("alternative", justify="right")
    table.add_column("change", justify="right")
    for key, label in (("total", "total cost"), ("mean", "mean per payee"), ("min", "min"), ("p10", "p10"),
                       ("p50", "median"), ("p90", "p90"), ("max", "max"), ("zero_payees", "payees paid 0")):
        table.add_row(label, f"{a[key]:,}", f"{b[key]:,}", f"{b[key] - a[key]:+,}")
    for comp in sorted(set(a["by_component"]) | set(b["by_component"])):
        x, y = a["by_component"].get(comp, 0), b["by_component"].get(comp, 0)
        table.add_row(f"component {comp}", f"{x:,}", f"{y:,}", f"{y - x:+,}")
    console.print(table)
