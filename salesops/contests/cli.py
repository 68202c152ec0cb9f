"""`salesops contests ...`: validate configs, compute leaderboards and recognition, show them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(help="Sales contests (销售竞赛) and recognition (销售认可).", no_args_is_help=True)
console = Console()


def _fail(e: Exception) -> None:
    console.print(f"[red]error:[/] {escape(str(e))}")
    raise typer.Exit(1)


@app.command("validate")
def validate() -> None:
    """Check config/contests/*.yml and config/recognition.yml."""
    from salesops.contests.config import ContestConfigError, load_contests, load_recognition

    try:
        contests, rec = load_contests(), load_recognition()
    except ContestConfigError as e:
        _fail(e)
    console.print(f"[green]ok[/]: {len(contests)} contest(s), {len(rec.rules)} recognition rule(s)")


@app.command("run")
def run(as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: the run's as-of date).")] = None) -> None:
    """Compute every contest and recognition rule and write the recognition.* tables."""
    from datetime import date

    from salesops.contests.config import ContestConfigError
    from salesops.contests.service import (
        ContestDataError,
        compute_contests,
        compute_recognition,
        write_contests,
        write_recognition,
    )
    from salesops.settings import get_settings

    settings = get_settings()
    d = date.fromisoformat(as_of) if as_of else None
    try:
        counts = write_contests(settings, compute_contests(settings, as_of=d))
        counts["recognition_list"] = write_recognition(settings, compute_recognition(settings, as_of=d))
    except (ContestConfigError, ContestDataError) as e:
        _fail(e)
    console.print("wrote " + ", ".join(f"recognition.{k} ({v} rows)" for k, v in counts.items()))


@app.command("show")
def show(
    contest: Annotated[str | None, typer.Option(help="Only this contest_id.")] = None,
    top: Annotated[int, typer.Option(help="Rows per contest.")] = 10,
    recognition: Annotated[bool, typer.Option("--recognition/--no-recognition")] = True,
) -> None:
    """Leaderboards (from recognition.contest_leaderboard) and recognition qualifiers."""
    from salesops import warehouse
    from salesops.settings import get_settings
    from salesops.statements.render import format_money, format_pct

    settings = get_settings()
    with warehouse.transaction(settings) as conn:
        if not warehouse.table_exists(conn, "recognition", "contest_leaderboard"):
            _fail(RuntimeError("recognition.contest_leaderboard does not exist: run `salesops contests run`"))
    rows = warehouse.read_rows(settings, "select * from recognition.contest_leaderboard"
                               + (" where contest_id = :c" if contest else ""), {"c": contest} if contest else None)
    if contest and not rows:
        _fail(RuntimeError(f"no contest {contest!r} in recognition.contest_leaderboard"))
    by_contest: dict[str, list] = {}
    for r in rows:
        by_contest.setdefault(r["contest_id"], []).append(r)
    for cid, rs in sorted(by_contest.items()):
        rs.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["payee_id"]))
        first = rs[0]
        t = Table(title=escape(f"{first['contest_name']} [{cid}] {first['start_date']}..{first['end_date']} "
                               f"({first['contest_status']}, as of {first['as_of_date']}) — by {first['ranking_by']}"))
        for col in ("rank", "rep", "region", "amount", "deals", "attainment", "achieved", "prize"):
            t.add_column(col, justify="right" if col in ("rank", "amount", "deals", "attainment") else "left")
        for r in rs[:top]:
            t.add_row(str(r["rank"] or "–"), escape(r["payee_name"] or r["payee_id"]), escape(r["region_name"] or ""),
                      format_money(r["amount"], r["currency"]), str(r["deal_count"]), format_pct(r["attainment"]),
                      str(r["achievement_date"] or ""), escape(r["prize"] or ""))
        console.print(t)
        console.print(f"{sum(1 for r in rs if r['rank'])} ranked of {len(rs)} eligible; "
                      f"{sum(1 for r in rs if r['is_winner'])} winner(s)\n")
    if recognition and not contest:
        with warehouse.transaction(settings) as conn:
            if not warehouse.table_exists(conn, "recognition", "recognition_list"):
                return
        rec = warehouse.read_rows(settings, "select * from recognition.recognition_list where is_qualified "
                                            "order by rule_id, ytd_attainment desc, payee_id")
        t = Table(title="recognition qualifiers")
        for col in ("rule", "rep", "region", "YTD attainment"):
            t.add_column(col, justify="right" if col == "YTD attainment" else "left")
        for r in rec:
            t.add_row(escape(r["rule_name"]), escape(r["payee_name"]), escape(r["region_name"] or ""),
                      format_pct(r["ytd_attainment"]))
        console.print(t)
