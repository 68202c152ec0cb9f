"""Simulate a plan on plain files, and what-if: an alternative plan on actual history.

Both run the same engine (`engine.calculate`) as the nightly asset.

transactions.csv  id, payee, date (YYYY-MM-DD), measure, amount, currency, cancels_id
quotas.csv        payee, period (YYYY-MM), component, amount            (plan currency, full month)
payees.csv        payee, valid_from, valid_to, target_incentive, hire_date   (optional; all optional but payee)
payouts.csv       payee, period, component, attainment, earned, paid, adjustment, draw, clawback
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from salesops.compensation.engine import Assignment, CompException, Credit, Quota, Result, calculate, cents
from salesops.compensation.plans import Plan

PAYOUT_CSV_COLUMNS = ["payee", "period", "component", "attainment", "earned", "paid", "adjustment", "draw", "clawback"]


class InputFileError(ValueError):
    """A simulate input file is malformed (names the file, the row and the column)."""


def _read_csv(path: Path, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError(f"{path}: missing column(s) {missing} (has {reader.fieldnames})")
        return [(i, {k: (v or "").strip() for k, v in row.items() if k}) for i, row in enumerate(reader, start=2)]


def _dec(path: Path, line: int, col: str, value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise InputFileError(f"{path}:{line}: column {col}: {value!r} is not a number") from None


def _date(path: Path, line: int, col: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputFileError(f"{path}:{line}: column {col}: {value!r} is not a date YYYY-MM-DD") from None


@dataclass
class SimulationInput:
    assignments: list[Assignment]
    credits: list[Credit]
    quotas: list[Quota]
    exceptions: list[CompException]
    warnings: list[str]


def read_inputs(plan: Plan, transactions: Path, quotas: Path, payees: Path | None = None) -> SimulationInput:
    """Files -> engine input. A transaction counts for every component of its measure."""
    exceptions: list[CompException] = []
    warnings: list[str] = []
    credits: list[Credit] = []
    for line, r in _read_csv(transactions, ["id", "payee", "date", "measure", "amount", "currency", "cancels_id"]):
        amount = _dec(transactions, line, "amount", r["amount"])
        day = _date(transactions, line, "date", r["date"])
        comps = [c for c in plan.components if c.measure == r["measure"]]
        if not comps:
            warnings.append(f"{transactions}:{line}: transaction {r['id']}: plan {plan.plan_id} has no component measuring "
                            f"{r['measure']!r}; not credited")
            continue
        rate = plan.rate(r["currency"])
        if rate is None:
            exceptions.append(CompException("unknown_currency", f"{transactions}:{line}: transaction {r['id']} in "
                                            f"{r['currency']!r}: plan {plan.plan_id} has no rate for it", r["payee"],
                                            key=r["id"]))
            continue
        for c in comps:
            credits.append(Credit(
                f"{r['id']}:{c.component}", r["payee"], c.component, day, cents(amount * rate), plan.currency,
                plan_id=plan.plan_id, measure=c.measure, credit_type="owner", source_type="transaction", source_id=r["id"],
                cancels_credit_id=f"{r['cancels_id']}:{c.component}" if r["cancels_id"] else None))
    qs = [Quota(r["payee"], r["period"], r["component"], _dec(quotas, line, "amount", r["amount"]), plan.currency)
          for line, r in _read_csv(quotas, ["payee", "period", "component", "amount"])]
    names = {c.component for c in plan.components}
    for q in qs:
        if q.component not in names:
            warnings.append(f"{quotas}: quota for {q.payee_id} {q.period}: plan {plan.plan_id} has no component {q.component!r}")
    assignments: list[Assignment] = []
    if payees is not None:
        for line, r in _read_csv(payees, ["payee"]):
            ti = r.get("target_incentive") or ""
            if not ti and plan.target_incentive.amount is None:
                raise InputFileError(f"{payees}:{line}: plan {plan.plan_id} sets TI as a percent of base salary: "
                                     f"give target_incentive")
            assignments.append(Assignment(
                r["payee"], plan.plan_id,
                _date(payees, line, "valid_from", r["valid_from"]) if r.get("valid_from") else plan.effective_from,
                _date(payees, line, "valid_to", r["valid_to"]) if r.get("valid_to") else plan.effective_to,
                _dec(payees, line, "target_incentive", ti) if ti else plan.target_incentive.amount,
                _date(payees, line, "hire_date", r["hire_date"]) if r.get("hire_date") else None))
    else:
        if plan.target_incentive.amount is None:
            raise InputFileError(f"plan {plan.plan_id} sets TI as a percent of base salary: give --payees with a "
                                 f"target_incentive column")
        for payee in sorted({c.payee_id for c in credits} | {q.payee_id for q in qs}):
            assignments.append(Assignment(payee, plan.plan_id, plan.effective_from, plan.effective_to,
                                          plan.target_incentive.amount))
    return SimulationInput(assignments, credits, qs, exceptions, warnings)


def simulate(plan: Plan, transactions: Path, quotas: Path, payees: Path | None = None) -> Result:
    inp = read_inputs(plan, transactions, quotas, payees)
    res = calculate({plan.plan_id: plan}, inp.assignments, inp.credits, inp.quotas)
    if inp.exceptions:
        res = Result(exceptions=inp.exceptions + res.exceptions, warnings=res.warnings)
    res.warnings[:0] = inp.warnings
    return res


def write_payouts_csv(result: Result, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "payouts.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(PAYOUT_CSV_COLUMNS)
        for r in result.payouts:
            w.writerow([r["payee_id"], r["period"], r["component"], "" if r["attainment"] is None else r["attainment"],
                        r["earned"], r["net_payable"], r["adjustment"], r["draw"], r["clawback"]])
    return path


def write_exceptions_csv(result: Result, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "exceptions.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["rule", "payee", "period", "component", "key", "reason"])
        for e in result.exceptions:
            w.writerow([e.rule, e.payee_id or "", e.period or "", e.component or "", e.key or "", e.reason])
    return path


# --- what-if ---------------------------------------------------------------------------------


def _quantile(sorted_vals: list[Decimal], q: Decimal) -> Decimal:
    """Linear interpolation between closest ranks (like numpy's default)."""
    if not sorted_vals:
        return Decimal(0)
    pos = (len(sorted_vals) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return cents(sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo))


def payout_summary(result: Result, plan_ids: set[str] | None = None) -> dict[str, Any]:
    """Cost and the distribution of payee totals (earned + clawback + draw + adjustment)."""
    per_payee: dict[str, Decimal] = {}
    per_component: dict[str, Decimal] = {}
    for r in result.payouts:
        if plan_ids is not None and r["plan_id"] not in plan_ids:
            continue
        v = r["net_payable"]
        per_payee[r["payee_id"]] = per_payee.get(r["payee_id"], Decimal(0)) + v
        per_component[r["component"]] = per_component.get(r["component"], Decimal(0)) + v
    vals = sorted(per_payee.values())
    total = sum(vals, Decimal(0))
    return {
        "payees": len(vals), "total": total, "mean": cents(total / len(vals)) if vals else Decimal(0),
        "min": vals[0] if vals else Decimal(0), "p10": _quantile(vals, Decimal("0.1")),
        "p50": _quantile(vals, Decimal("0.5")), "p90": _quantile(vals, Decimal("0.9")),
        "max": vals[-1] if vals else Decimal(0), "zero_payees": sum(1 for v in vals if v == 0),
        "by_component": dict(sorted(per_component.items())),
    }


def whatif(plans: dict[str, Plan], alternative: Plan, assignments: list[Assignment], credits: list[Credit],
           quotas: list[Quota], *, replaces: str | None = None, through_period: str | None = None,
           fiscal_year_start_month: int = 1, alt_assignments: list[Assignment] | None = None) -> tuple[Result, Result]:
    """(current, alternative) results on the same history. The alternative plan replaces
    plan `replaces` (default: its own plan_id) for every payee assigned to it; credits keep
    their component names, so the alternative plan should keep them too. `alt_assignments`:
    assignments recomputed under the alternative (when it changes eligibility or TI)."""
    target = replaces or alternative.plan_id
    if target not in plans:
        raise ValueError(f"what-if: plan {target!r} is not a current plan (plans: {sorted(plans)})")
    alt = alternative if alternative.plan_id == target else alternative.model_copy(update={"plan_id": target})
    current = calculate(plans, assignments, credits, quotas, through_period=through_period,
                        fiscal_year_start_month=fiscal_year_start_month)
    alt_plans = {**plans, target: alt}
    alternative_res = calculate(alt_plans, alt_assignments if alt_assignments is not None else assignments, credits, quotas, through_period=through_period,
                                fiscal_year_start_month=fiscal_year_start_month)
    return current, alternative_res
