"""Read contest inputs from the warehouse, compute leaderboards / recognition lists, write
`recognition.contest_leaderboard`, `recognition.contest_winners`, `recognition.recognition_list`.

Inputs: marts.opportunities (won deals, reporting currency) or marts.comp_credits, quotas from
marts.target_vs_actual, people from intermediate.int_reps_assigned (valid on the evaluation date),
flags from marts.data_quality_findings and config/recognition.yml.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from salesops import warehouse
from salesops.contests.config import Contest, RecognitionConfig, load_contests, load_recognition
from salesops.contests.engine import Line, Person, leaderboard, recognition_list
from salesops.settings import Settings, resolve_as_of

LEADERBOARD_COLUMNS = {
    "contest_id": "varchar", "contest_name": "varchar", "contest_status": "varchar", "start_date": "date",
    "end_date": "date", "payee_id": "varchar", "payee_name": "varchar", "sales_role": "varchar",
    "region_name": "varchar", "team_name": "varchar", "measure": "varchar", "ranking_by": "varchar",
    "amount": "decimal(18,2)", "deal_count": "integer", "quota": "decimal(18,2)", "attainment": "decimal(18,6)",
    "score": "decimal(24,6)", "achievement_date": "date", "is_qualified": "boolean", "rank": "integer",
    "prize": "varchar", "is_winner": "boolean", "currency": "varchar", "as_of_date": "date",
}
WINNER_COLUMNS = {k: LEADERBOARD_COLUMNS[k] for k in (
    "contest_id", "contest_name", "contest_status", "rank", "payee_id", "payee_name", "region_name", "prize",
    "ranking_by", "score", "amount", "deal_count", "achievement_date", "as_of_date")}
RECOGNITION_COLUMNS = {
    "rule_id": "varchar", "rule_name": "varchar", "fiscal_year": "integer", "payee_id": "varchar",
    "payee_name": "varchar", "sales_role": "varchar", "region_name": "varchar", "team_name": "varchar",
    "ytd_quota": "decimal(18,2)", "ytd_actual": "decimal(18,2)", "ytd_attainment": "decimal(18,6)",
    "min_ytd_attainment": "decimal(18,6)", "flags": "varchar", "is_qualified": "boolean", "reason": "varchar",
    "as_of_date": "date",
}


class ContestDataError(RuntimeError):
    """A table the contests need is missing from the warehouse."""


def _rows(conn: sa.Connection, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(sa.text(sql), params)]


def _need(conn: sa.Connection, schema: str, table: str, why: str) -> None:
    if not warehouse.table_exists(conn, schema, table):
        raise ContestDataError(f"{schema}.{table} does not exist in the warehouse ({why}); run the nightly job first")


def load_people(conn: sa.Connection, on: date) -> list[Person]:
    _need(conn, "intermediate", "int_reps_assigned", "who is eligible")
    return [Person(payee_id=r["user_id"], name=r["user_name"] or r["user_id"], sales_role=r["sales_role"],
                   region_id=r["region_id"], region_name=r["region_name"], business_unit_id=r["business_unit_id"],
                   business_unit_name=r["business_unit_name"], team_name=r["team_name"],
                   employee_id=r["employee_id"])
            for r in _rows(conn, "select * from intermediate.int_reps_assigned where valid_from_date <= :d "
                                 "and valid_to_date >= :d and user_id is not null order by user_id", d=on)]


def load_lines(conn: sa.Connection, contest: Contest, as_of: date) -> tuple[list[Line], str | None]:
    end = min(contest.end_date, as_of)
    if contest.source == "opportunities":
        _need(conn, "marts", "opportunities", f"contest {contest.contest_id}")
        new_only = " and opportunity_type = 'New Business'" if contest.measure == "new_logos" else ""
        rows = _rows(conn, "select owner_user_id, closed_date, amount_reporting, opportunity_id, account_id, "
                           "reporting_currency from marts.opportunities where is_won and closed_date between :s and :e"
                           + new_only, s=contest.start_date, e=end)
        key = "account_id" if contest.measure == "new_logos" else "opportunity_id"
        currency = {r["reporting_currency"] for r in rows}
        return ([Line(r["owner_user_id"], r["closed_date"], r["amount_reporting"] or Decimal(0), r[key]) for r in rows
                 if r["owner_user_id"]], min(currency) if currency else None)
    _need(conn, "marts", "comp_credits", f"contest {contest.contest_id}")
    rows = _rows(conn, "select payee_id, credit_date, credit_amount, source_id, plan_currency from marts.comp_credits "
                       "where measure = :m and credit_date between :s and :e", m=contest.measure,
                 s=contest.start_date, e=end)
    currencies = sorted({r["plan_currency"] for r in rows})
    if contest.ranking.by == "amount" and len(currencies) > 1:
        raise ContestDataError(f"contest {contest.contest_id}: comp_credits amounts in several plan currencies "
                               f"({', '.join(currencies)}); rank by count, or restrict eligibility to one currency")
    return ([Line(r["payee_id"], r["credit_date"], r["credit_amount"], r["source_id"]) for r in rows],
            currencies[0] if currencies else None)


def load_quotas(conn: sa.Connection, contest: Contest) -> dict[str, Decimal]:
    _need(conn, "marts", "target_vs_actual", f"contest {contest.contest_id} ranks by attainment")
    start = contest.start_date.replace(day=1)
    return {r["user_id"]: r["quota"] for r in _rows(
        conn, "select user_id, sum(quota) as quota from marts.target_vs_actual where month_start between :s and :e "
              "group by user_id", s=start, e=contest.end_date) if r["quota"]}


def compute_contests(settings: Settings, contests: list[Contest] | None = None,
                     as_of: date | None = None) -> list[dict[str, Any]]:
    contests = load_contests() if contests is None else contests
    as_of = as_of or resolve_as_of(settings)
    out: list[dict[str, Any]] = []
    with warehouse.transaction(settings) as conn:
        for c in contests:
            people = load_people(conn, min(c.end_date, as_of))
            lines, currency = load_lines(conn, c, as_of)
            quotas = load_quotas(conn, c) if c.ranking.by == "attainment" else None
            for row in leaderboard(c, people, lines, quotas, as_of=as_of):
                row["currency"] = currency or settings.reporting_currency
                out.append(row)
    return out


def fiscal_year_of(d: date, start_month: int) -> int:
    """Fiscal year named after the calendar year it ends in (start month 1: the calendar year)."""
    return d.year if start_month == 1 or d.month < start_month else d.year + 1


def compute_recognition(settings: Settings, config: RecognitionConfig | None = None,
                        as_of: date | None = None) -> list[dict[str, Any]]:
    config = config or load_recognition()
    as_of = as_of or resolve_as_of(settings)
    out: list[dict[str, Any]] = []
    with warehouse.transaction(settings) as conn:
        people = load_people(conn, as_of)
        findings: dict[str, list[str]] = {}
        if warehouse.table_exists(conn, "marts", "data_quality_findings"):
            by_record: dict[str, list[str]] = {}
            for r in _rows(conn, "select record_id, finding_type from marts.data_quality_findings"):
                by_record.setdefault(r["record_id"], []).append(r["finding_type"])
            for p in people:
                findings[p.payee_id] = by_record.get(p.payee_id, []) + by_record.get(p.employee_id or "", [])
        for rule in config.rules:
            fy = rule.fiscal_year or fiscal_year_of(as_of, settings.fiscal_year_start_month)
            ytd = _ytd(conn, rule.attainment_source, fy, as_of)
            out += recognition_list(config, rule, people, ytd, findings, as_of=as_of, fiscal_year=fy)
    return out


def _ytd(conn: sa.Connection, source: str, fiscal_year: int, as_of: date) -> dict[str, tuple[Decimal, Decimal]]:
    """payee -> (ytd_quota, ytd_actual) at the latest month/period of the fiscal year up to as_of."""
    if source == "target_vs_actual":
        _need(conn, "marts", "target_vs_actual", "YTD attainment")
        rows = _rows(conn, "select user_id, month_start, ytd_quota, ytd_bookings from marts.target_vs_actual "
                           "where fiscal_year = :y and month_start <= :d", y=fiscal_year, d=as_of)
        latest: dict[str, dict[str, Any]] = {}
        for r in rows:
            if r["user_id"] not in latest or r["month_start"] > latest[r["user_id"]]["month_start"]:
                latest[r["user_id"]] = r
        return {u: (r["ytd_quota"], r["ytd_bookings"] or Decimal(0)) for u, r in latest.items()}
    _need(conn, "compensation", "payouts", "YTD attainment from payouts")
    rows = _rows(conn, "select payee_id, period, credited_ytd, quota_ytd from compensation.payouts "
                       "where period like :y and period <= :p", y=f"{fiscal_year}-%", p=as_of.strftime("%Y-%m"))
    last: dict[str, str] = {}
    for r in rows:
        last[r["payee_id"]] = max(last.get(r["payee_id"], ""), r["period"])
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for r in rows:
        if r["period"] == last[r["payee_id"]]:
            q, a = out.get(r["payee_id"], (Decimal(0), Decimal(0)))
            out[r["payee_id"]] = (q + (r["quota_ytd"] or 0), a + (r["credited_ytd"] or 0))
    return out


def write_contests(settings: Settings, rows: list[dict[str, Any]]) -> dict[str, int]:
    winners = [{k: r[k] for k in WINNER_COLUMNS} for r in rows if r["is_winner"]]
    return {
        "contest_leaderboard": warehouse.replace_table(settings, "recognition", "contest_leaderboard",
                                                       LEADERBOARD_COLUMNS, rows,
                                                       primary_key=("contest_id", "payee_id")),
        "contest_winners": warehouse.replace_table(settings, "recognition", "contest_winners", WINNER_COLUMNS,
                                                   winners, primary_key=("contest_id", "payee_id")),
    }


def write_recognition(settings: Settings, rows: list[dict[str, Any]]) -> int:
    return warehouse.replace_table(settings, "recognition", "recognition_list", RECOGNITION_COLUMNS, rows,
                                   primary_key=("rule_id", "payee_id"))
