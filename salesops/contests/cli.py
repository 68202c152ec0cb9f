"""`salesops contests ...`: validate the configs, build the leaderboards and recognition lists, show them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from salesops.console import make_console

app = typer.Typer(help="Sales contests (销售竞赛) and recognition (销售认可).", no_args_is_help=True)
console = make_console()

# the dbt models of this domain (config staging views + marts/recognition)
DBT_SELECT = ["stg_config__contests", "stg_config__contest_eligibility", "stg_config__contest_prize_tiers",
              "stg_config__recognition_rules", "stg_config__recognition_rule_criteria",
              "stg_config__compliance_flags", "marts.recognition"]


def _fail(message: str) -> None:
    console.print(f"[red]error:[/] {escape(message)}")
    raise typer.Exit(1)


@app.command("validate")
def validate() -> None:
    """Check config/contests/*.yml and config/recognition.yml (errors name file, key and rule)."""
    from salesops.contests.config import ContestConfigError, load_contests, load_recognition

    try:
        contests, rec = load_contests(), load_recognition()
    except ContestConfigError as e:
        _fail(str(e))
    console.print(f"[green]ok[/]: {len(contests)} contest(s), {len(rec.rules)} recognition rule(s)")


@app.command("run")
def run(dbt: Annotated[bool, typer.Option("--dbt/--no-dbt", help="Also build the marts with dbt.")] = True) -> None:
    """Write the config tables (schema config) and build marts.contest_leaderboard / contest_winners /
    recognition_list (dbt, as of the run's as-of date). Needs the other marts built (salesops run)."""
    from salesops.contests.config import ContestConfigError, load_contests, load_recognition
    from salesops.contests.config_tables import write_config_tables
    from salesops.settings import get_settings

    try:
        counts = write_config_tables(get_settings(), load_contests(), load_recognition())
    except ContestConfigError as e:
        _fail(str(e))
    console.print("wrote " + ", ".join(f"config.{k} ({v})" for k, v in counts.items()))
    if dbt:
        from salesops.cli import _dbt  # dbt with the project's env, vars, profiles and cwd

        _dbt(["build", "--select", *DBT_SELECT])


@app.command("show")
def show(
    contest: Annotated[str | None, typer.Option(help="Only this contest_id.")] = None,
    top: Annotated[int, typer.Option(help="Rows per contest.")] = 10,
    recognition: Annotated[bool, typer.Option("--recognition/--no-recognition")] = True,
) -> None:
    """Leaderboards (marts.contest_leaderboard) and recognition qualifiers (marts.recognition_list)."""
    from salesops import warehouse
    from salesops.settings import get_settings
    from salesops.statements.render import format_money, format_pct

    settings = get_settings()
    with warehouse.transaction(settings) as conn:
        if not warehouse.table_exists(conn, "marts", "contest_leaderboard"):
            _fail("marts.contest_leaderboard does not exist: run `salesops contests run` (after `salesops run`)")
        has_recognition = warehouse.table_exists(conn, "marts", "recognition_list")
    rows = warehouse.read_rows(settings, "select * from marts.contest_leaderboard"
                               + (" where contest_id = :c" if contest else ""), {"c": contest} if contest else None)
    if contest and not rows:
        _fail(f"no contest {contest!r} in marts.contest_leaderboard")
    by_contest: dict[str, list] = {}
    for r in rows:
        by_contest.setdefault(r["contest_id"], []).append(r)
    for cid, rs in sorted(by_contest.items()):
        rs.sort(key=lambda r: (r["contest_rank"] is None, r["contest_rank"] or 0, r["payee_id"]))
        first = rs[0]
        t = Table(title=escape(f"{first['contest_name']} [{cid}] {first['start_date']}..{first['end_date']} "
                               f"({first['contest_status']}, as of {first['as_of_date']}) — by {first['ranking_by']}"))
        for col in ("rank", "rep", "region", "amount", "deals", "attainment", "achieved", "prize"):
            t.add_column(col, justify="right" if col in ("rank", "amount", "deals", "attainment") else "left")
        for r in rs[:top]:
            t.add_row(str(r["contest_rank"] or "–"), escape(r["payee_name"] or r["payee_id"]),
                      escape(r["region_name"] or ""), format_money(r["amount"], r["currency"]), str(r["deal_count"]),
                      format_pct(r["attainment"]), str(r["achievement_date"] or ""), escape(r["prize"] or ""))
        console.print(t)
        console.print(f"{sum(1 for r in rs if r['is_ranked'])} ranked of {len(rs)} eligible; "
                      f"{sum(1 for r in rs if r['is_winner'])} winner(s)\n")
    if recognition and not contest and has_recognition:
        rec = warehouse.read_rows(settings, "select * from marts.recognition_list where is_qualified "
                                            "order by rule_id, ytd_attainment desc, payee_id")
        t = Table(title="recognition qualifiers (marts.recognition_list)")
        for col in ("rule", "rep", "region", "YTD attainment"):
            t.add_column(col, justify="right" if col == "YTD attainment" else "left")
        for r in rec:
            t.add_row(escape(r["rule_name"]), escape(r["payee_name"]), escape(r["region_name"] or ""),
                      format_pct(r["ytd_attainment"]))
        console.print(t)
