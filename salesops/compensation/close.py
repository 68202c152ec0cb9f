"""The warehouse side of compensation: inputs, a calculation run, period close and approval.

Tables (schema `compensation`, docs/interfaces.md and docs/compensation.md):
  payouts, adjustments, periods      -- rewritten by every calculation run (closed periods verbatim)
  closed_payouts, closed_adjustments -- appended by `salesops comp close`; never updated
  exceptions                         -- the last run's exception list (empty when it succeeded)
  target_incentives                  -- RESTRICTED: payee x plan x fiscal year prorated TI (from salary)

A closed period's rows are what `close` stored: later runs copy them unchanged
and book any difference as a prior-period adjustment in the first open period.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from salesops import warehouse
from salesops.compensation.engine import (
    ADJUSTMENT_COLUMNS,
    EXCEPTION_COLUMNS,
    PAYOUT_COLUMNS,
    Assignment,
    CompException,
    Credit,
    Quota,
    Result,
    calculate,
    cents,
    checksum,
)
from salesops.compensation.plans import JobAssignment, Plan, eligible_plan_spans, load_plans
from salesops.settings import Settings

SCHEMA = "compensation"
PERIOD_COLUMNS = {"period": "varchar", "status": "varchar", "closed_at": "timestamp", "approved_at": "timestamp",
                  "approved_by": "varchar", "checksum": "varchar"}
TARGET_INCENTIVE_COLUMNS = {"payee_id": "varchar", "plan_id": "varchar", "fiscal_year": "integer",
                            "target_incentive": "decimal(18,2)", "currency": "varchar"}
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class MissingInput(RuntimeError):
    """An input table of the calculation is not in the warehouse."""


class PeriodError(RuntimeError):
    """A close/approve request that breaks a rule (names the period and the rule)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _read(conn: sa.Connection, schema: str, table: str, sql: str | None = None) -> list[dict[str, Any]]:
    if not warehouse.table_exists(conn, schema, table):
        return []
    return [dict(r._mapping) for r in conn.execute(sa.text(sql or f'select * from "{schema}"."{table}"'))]


# --- inputs --------------------------------------------------------------------------------


def assignments_from_hr(plans: dict[str, Plan], jobs: list[JobAssignment], salaries: dict[str, tuple[Decimal, str]],
                        hire_dates: dict[str, date]) -> tuple[list[Assignment], list[CompException]]:
    """Plan assignments from HR job assignments x plan eligibility; TI from the plan
    (amount, or percent of the base salary converted at the plan rate)."""
    out, problems = [], []
    for job, plan_id, lo, hi in eligible_plan_spans(plans, jobs):
        plan = plans[plan_id]
        ti = plan.target_incentive
        if ti.amount is not None:
            amount = ti.amount
        else:
            salary = salaries.get(job.payee_id)
            if salary is None:
                problems.append(CompException("missing_base_salary", f"payee {job.payee_id}: plan {plan_id} pays a percent of "
                                              f"base salary but HR has no salary for the payee", job.payee_id, key=plan_id))
                continue
            rate = plan.rate(salary[1])
            if rate is None:
                problems.append(CompException("unknown_currency", f"payee {job.payee_id}: base salary in {salary[1]}, plan "
                                              f"{plan_id} has no rate for it", job.payee_id, key=plan_id))
                continue
            amount = ti.percent_of_base * salary[0] * rate
        out.append(Assignment(job.payee_id, plan_id, lo, hi, amount, hire_dates.get(job.payee_id)))
    # consecutive HR assignments on the same plan (a title change) are one plan assignment
    out.sort(key=lambda a: (a.payee_id, a.valid_from))
    merged: list[Assignment] = []
    for a in out:
        p = merged[-1] if merged else None
        if (p and p.payee_id == a.payee_id and p.plan_id == a.plan_id and p.target_incentive == a.target_incentive
                and p.valid_to is not None and (a.valid_from - p.valid_to).days == 1):
            merged[-1] = Assignment(p.payee_id, p.plan_id, p.valid_from, a.valid_to, p.target_incentive, p.hire_date)
        else:
            merged.append(a)
    return merged, problems


def load_inputs(settings: Settings, plans: dict[str, Plan]) -> tuple[list[Assignment], list[Credit], list[Quota], list[CompException]]:
    with warehouse.transaction(settings) as conn:
        for schema, table in (("marts", "comp_credits"), ("marts", "comp_quotas"), ("staging", "stg_hr__job_assignments")):
            if not warehouse.table_exists(conn, schema, table):
                raise MissingInput(f"{schema}.{table} does not exist in the warehouse {settings.warehouse_label}: "
                                   f"build the crediting marts first (salesops dbt build --select +comp_credits +comp_quotas)")
        # the column order of Credit, as plain tuples: Row objects would double the time (scale 10: 648k credits)
        credits = list(map(Credit._make, warehouse.read_tuples(
            conn, f"select {', '.join(Credit._fields)} from marts.comp_credits")))
        quotas = [Quota(r["payee_id"], r["period"], r["component"], r["quota_amount"], r["currency"])
                  for r in _read(conn, "marts", "comp_quotas")]
        jobs_sql = """
            select u.user_id as payee_id, j.sales_role, j.job_level, j.effective_from_date, j.effective_to_date,
                   e.hire_date, e.termination_date, s.base_salary, s.salary_currency
            from staging.stg_hr__job_assignments j
            join staging.stg_crm__users u on u.employee_id = j.employee_id
            left join staging.stg_hr__employees e on e.employee_id = j.employee_id
            left join staging.stg_hr__employee_salaries s on s.employee_id = j.employee_id
        """
        rows = [dict(r._mapping) for r in conn.execute(sa.text(jobs_sql))]
    jobs, salaries, hires = [], {}, {}
    for r in rows:
        end = r["effective_to_date"]
        if r["termination_date"] is not None and (end is None or r["termination_date"] < end):
            end = r["termination_date"]
        jobs.append(JobAssignment(r["payee_id"], r["sales_role"], r["job_level"], r["effective_from_date"], end))
        if r["base_salary"] is not None:
            salaries[r["payee_id"]] = (r["base_salary"], r["salary_currency"])
        if r["hire_date"] is not None:
            hires[r["payee_id"]] = r["hire_date"]
    assignments, problems = assignments_from_hr(plans, jobs, salaries, hires)
    return assignments, credits, quotas, problems


def target_incentive_rows(plans: dict[str, Plan], assignments: list[Assignment],
                          fiscal_year_start_month: int = 1) -> list[dict[str, Any]]:
    """Restricted: payee x plan x fiscal year, the annual TI prorated by days on the plan
    (months with partial months as day fractions / 12, as the engine does), to the cent."""
    acc: dict[tuple[str, str, int], Fraction] = {}
    ti: dict[tuple[str, str, int], Decimal] = {}
    for a in assignments:
        plan = plans[a.plan_id]
        lo, hi = max(a.valid_from, plan.effective_from), min(a.valid_to or date.max, plan.effective_to)
        d = lo
        while d <= hi:
            dim = calendar.monthrange(d.year, d.month)[1]
            end = min(hi, date(d.year, d.month, dim))
            fy = d.year + 1 if fiscal_year_start_month > 1 and d.month >= fiscal_year_start_month else d.year
            key = (a.payee_id, a.plan_id, fy)
            acc[key] = acc.get(key, Fraction(0)) + Fraction((end - d).days + 1, dim)
            ti[key] = a.target_incentive
            d = end + timedelta(days=1)
    return [{"payee_id": p, "plan_id": plan_id, "fiscal_year": fy, "currency": plans[plan_id].currency,
             "target_incentive": cents(ti[(p, plan_id, fy)] * Decimal(m.numerator) / Decimal(m.denominator) / 12)}
            for (p, plan_id, fy), m in sorted(acc.items())]


def load_closed(settings: Settings) -> tuple[list[dict], list[dict], list[dict]]:
    """(closed payout rows, closed adjustment rows, periods rows)."""
    with warehouse.transaction(settings) as conn:
        return (_read(conn, SCHEMA, "closed_payouts"), _read(conn, SCHEMA, "closed_adjustments"),
                _read(conn, SCHEMA, "periods"))


# --- a calculation run -------------------------------------------------------------------------


def run_calculation(settings: Settings, *, through_period: str | None = None, plans: dict[str, Plan] | None = None) -> Result:
    """Calculate from the warehouse and write payouts/adjustments/periods and the exception
    list. A payee with an exception is held back (no open-period payouts, closed ones kept as
    they were); an exception of no payee writes only the exception list (nothing else changes)."""
    plans = plans or load_plans()
    assignments, credits, quotas, problems = load_inputs(settings, plans)
    closed, closed_adj, periods = load_closed(settings)
    result = calculate(plans, assignments, credits, quotas, through_period=through_period, closed_payouts=closed,
                       closed_adjustments=closed_adj, fiscal_year_start_month=settings.fiscal_year_start_month)
    if problems:  # input problems hold their payees back too (or everything, if they name none)
        result.exceptions = problems + result.exceptions
        held, closed_set = result.held_payees, {p["period"] for p in closed}
        result.payouts = [r for r in result.payouts if r["payee_id"] not in held or r["period"] in closed_set]
        result.adjustments = [a for a in result.adjustments if a["payee_id"] not in held]
    with warehouse.transaction(settings) as conn:
        _replace(conn, "exceptions", EXCEPTION_COLUMNS, [e.as_row() for e in result.exceptions])
        if result.blocked:
            return result
        _replace(conn, "payouts", PAYOUT_COLUMNS, result.payouts)
        _replace(conn, "adjustments", ADJUSTMENT_COLUMNS, closed_adj + result.adjustments)
        _replace(conn, "target_incentives", TARGET_INCENTIVE_COLUMNS,
                 target_incentive_rows(plans, assignments, settings.fiscal_year_start_month))
        known = {p["period"]: p for p in periods}
        rows = [known.get(p) or {"period": p, "status": "open"} for p in sorted(set(result.periods) | set(known))]
        _replace(conn, "periods", PERIOD_COLUMNS, rows)
    return result


def _replace(conn: sa.Connection, table: str, columns: dict[str, str], rows: list[dict[str, Any]]) -> None:
    warehouse.replace_in(conn, SCHEMA, table, columns, rows)


# --- close and approve ----------------------------------------------------------------------------


def _check_period(period: str) -> None:
    if not PERIOD_RE.match(period):
        raise PeriodError(f"period {period!r} is not YYYY-MM")


def close_period(settings: Settings, period: str) -> dict[str, Any]:
    """Lock a period: store its payout and adjustment rows and their sha256.
    Rules: the period has been calculated, is open, and every earlier calculated period is closed."""
    _check_period(period)
    with warehouse.transaction(settings) as conn:
        periods = {p["period"]: p for p in _read(conn, SCHEMA, "periods")}
        if period not in periods:
            raise PeriodError(f"period {period} has not been calculated (compensation.periods has no row for it): "
                              f"run the compensation asset first")
        if periods[period]["status"] != "open":
            raise PeriodError(f"period {period} is already {periods[period]['status']}; a closed period never changes")
        failed = _read(conn, SCHEMA, "exceptions")
        if failed:
            raise PeriodError(f"the last calculation had {len(failed)} exception(s) (compensation.exceptions, e.g. "
                              f"{failed[0]['reason']}); fix them and recalculate before closing {period}")
        earlier_open = sorted(p for p, r in periods.items() if p < period and r["status"] == "open")
        if earlier_open:
            raise PeriodError(f"close {earlier_open[0]} first: periods close in order (open before {period}: {earlier_open})")
        rows = [dict(r._mapping) for r in conn.execute(
            sa.text(f'select * from "{SCHEMA}"."payouts" where period = :p'), {"p": period})]
        adjustments = [dict(r._mapping) for r in conn.execute(
            sa.text(f'select * from "{SCHEMA}"."adjustments" where period = :p'), {"p": period})]
        digest = checksum(rows)
        warehouse.create_table(conn, SCHEMA, "closed_payouts", PAYOUT_COLUMNS)
        warehouse.create_table(conn, SCHEMA, "closed_adjustments", ADJUSTMENT_COLUMNS)
        warehouse.insert_rows(conn, SCHEMA, "closed_payouts", PAYOUT_COLUMNS, rows)
        warehouse.insert_rows(conn, SCHEMA, "closed_adjustments", ADJUSTMENT_COLUMNS, adjustments)
        conn.execute(sa.text(f'update "{SCHEMA}"."periods" set status = \'closed\', closed_at = :t, checksum = :c '
                             f"where period = :p"), {"t": _now(), "c": digest, "p": period})
    total = sum((r["net_payable"] for r in rows), Decimal(0))
    return {"period": period, "rows": len(rows), "adjustments": len(adjustments), "net_payable": total, "checksum": digest}


def verify_period(settings: Settings, period: str) -> tuple[str, str]:
    """(stored checksum, checksum of the stored closed rows): equal unless someone edited them."""
    with warehouse.transaction(settings) as conn:
        stored = conn.execute(sa.text(f'select checksum from "{SCHEMA}"."periods" where period = :p'), {"p": period}).scalar()
        rows = [dict(r._mapping) for r in conn.execute(
            sa.text(f'select * from "{SCHEMA}"."closed_payouts" where period = :p'), {"p": period})]
    return stored, checksum(rows)


def approve_period(settings: Settings, period: str, approved_by: str) -> dict[str, Any]:
    """Mark a closed period approved (only approved periods go to payroll)."""
    _check_period(period)
    with warehouse.transaction(settings) as conn:
        row = conn.execute(sa.text(f'select status from "{SCHEMA}"."periods" where period = :p'), {"p": period}).first() \
            if warehouse.table_exists(conn, SCHEMA, "periods") else None
        if row is None or row[0] == "open":
            raise PeriodError(f"period {period} is not closed: close it first (salesops comp close --period {period})")
        if row[0] == "approved":
            raise PeriodError(f"period {period} is already approved")
    stored, actual = verify_period(settings, period)
    if stored != actual:
        raise PeriodError(f"period {period}: the closed rows no longer match their checksum ({actual} != {stored}); not approved")
    with warehouse.transaction(settings) as conn:
        conn.execute(sa.text(f'update "{SCHEMA}"."periods" set status = \'approved\', approved_at = :t, approved_by = :b '
                             f"where period = :p"), {"t": _now(), "b": approved_by, "p": period})
    return {"period": period, "approved_by": approved_by, "checksum": stored}
