"""From accounts, people and config to a territory proposal: per-region solve, before/after figures, rows.

Pure: no warehouse, no clock (created_at is passed in)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext

from salesops.planning.territories.config import TerritoryConfig
from salesops.planning.territories.metrics import SIX, Balance, cv, q6
from salesops.planning.territories.metrics import balance as balance_of
from salesops.planning.territories.model import Account, Person, RegionProblem, build_problems
from salesops.planning.territories.solver import Solution, solve


@dataclass(frozen=True)
class RegionResult:
    problem: RegionProblem
    solution: Solution
    before: Balance
    after: Balance
    moved_potential: Decimal
    total_potential: Decimal

    @property
    def disruption(self) -> Decimal:
        return q6(self.moved_potential / self.total_potential) if self.total_potential else Decimal(0).quantize(SIX)


@dataclass(frozen=True)
class Proposal:
    proposal_id: str
    created_at: datetime
    as_of: date
    region_filter: str | None
    regions: tuple[RegionResult, ...]
    rows: tuple[dict, ...]
    cv_potential_before: Decimal
    cv_potential_after: Decimal
    cv_workload_before: Decimal
    cv_workload_after: Decimal
    moved_potential: Decimal
    total_potential: Decimal
    not_aligned_accounts: int
    within_cv_potential_before: Decimal
    within_cv_potential_after: Decimal
    within_cv_workload_before: Decimal
    within_cv_workload_after: Decimal

    @property
    def disruption(self) -> Decimal:
        return q6(self.moved_potential / self.total_potential) if self.total_potential else Decimal(0).quantize(SIX)

    @property
    def solve_seconds(self) -> float:
        return sum(r.solution.seconds for r in self.regions)


def propose(accounts: list[Account], people: list[Person], cfg: TerritoryConfig, *, as_of: date,
            created_at: datetime, region: str | None = None,
            progress: Callable[[RegionProblem, int, int], None] | None = None) -> Proposal:
    """Solve every region (or only `region`); `progress(problem, k, n)` is called before each solve."""
    problems = build_problems(accounts, people, cfg, region)
    hours = problems.workload_by_account
    results: list[RegionResult] = []
    rows: list[dict] = []
    for k, problem in enumerate(problems.regions):
        if progress:
            progress(problem, k, len(problems.regions))
        solution = solve(problem, cfg.objective, cfg.solver)
        before_owner = {a.account_id: a.owner_id for u in problem.units for a in u.accounts}
        after_owner = {a.account_id: solution.assignment[u.unit_id] for u in problem.units for a in u.accounts}
        moved = sum((a.potential for u in problem.units for a in u.accounts
                     if after_owner[a.account_id] != a.owner_id), Decimal(0))
        total = sum((u.potential for u in problem.units), Decimal(0))
        results.append(RegionResult(problem, solution, balance_of(problem, before_owner, hours),
                                    balance_of(problem, after_owner, hours), moved, total))
        for u in problem.units:
            to_rep = solution.assignment[u.unit_id]
            for a in u.accounts:
                if u.locked_to:
                    reason = f"locked: {u.lock_reason}; stays with owner"
                elif to_rep == a.owner_id:
                    reason = "unchanged"
                elif u.unit_type == "city":
                    reason = f"moves with city {u.city} (kept in one territory) for balance"
                else:
                    reason = "moves for balance"
                rows.append(_row(a, u.unit_id, u.unit_type, problem.region_id, to_rep, hours, u.locked_to is not None,
                                 reason, solution.method))
    for na in problems.not_aligned:
        a = na.account
        rows.append(_row(a, f"account:{a.account_id}", "account", na.region_id, a.owner_id, hours, True, na.reason,
                         "none"))
    rows.sort(key=lambda r: (r["region_id"] or "", r["unit_id"], r["account_id"]))

    def company_cv(which: str, attr: str) -> Decimal:
        vals, caps, total = [], [], Decimal(0)
        for r in results:
            bal = getattr(r, which)
            vals += [getattr(t, attr) for t in bal.territories]
            caps += [t.capacity for t in bal.territories]
            total += r.total_potential if attr == "potential" else sum((u.workload for u in r.problem.units), Decimal(0))
        return cv(vals, caps, total) if vals else Decimal(0).quantize(SIX)

    def within_cv(which: str, attr: str) -> Decimal:
        """Pooled over regions, each territory against its own region's fair share (what per-region solving
        can change): sqrt(sum_t c_t / C * (b_t - 1)^2), b_t = value_t / (region total x c_t / region capacity),
        C the capacity of all territories."""
        cap_all = sum((t.capacity for r in results for t in r.problem.territories), Decimal(0))
        acc = Decimal(0)
        with localcontext() as ctx:
            ctx.prec = 40
            for r in results:
                total = r.total_potential if attr == "potential" else sum((u.workload for u in r.problem.units),
                                                                          Decimal(0))
                cap = sum((t.capacity for t in r.problem.territories), Decimal(0))
                if not total:
                    continue
                for t in getattr(r, which).territories:
                    acc += t.capacity / cap_all * (getattr(t, attr) / (total * t.capacity / cap) - 1) ** 2
            return q6(acc.sqrt()) if cap_all else Decimal(0).quantize(SIX)

    digest = hashlib.sha256(json.dumps({
        "as_of": as_of.isoformat(), "region": region, "config": cfg.model_dump(mode="json"),
        "rows": [[r["account_id"], r["from_rep_id"], r["to_rep_id"], str(r["potential"])] for r in rows],
    }, sort_keys=True).encode()).hexdigest()[:10]
    proposal_id = f"TP-{as_of.isoformat()}-{digest}"
    for r in rows:
        r["proposal_id"] = proposal_id
        r["created_at"] = created_at
        r["as_of_date"] = as_of
    return Proposal(proposal_id, created_at, as_of, region, tuple(results), tuple(rows),
                    company_cv("before", "potential"), company_cv("after", "potential"),
                    company_cv("before", "workload_hours"), company_cv("after", "workload_hours"),
                    sum((r.moved_potential for r in results), Decimal(0)),
                    sum((r.total_potential for r in results), Decimal(0)), len(problems.not_aligned),
                    within_cv("before", "potential"), within_cv("after", "potential"),
                    within_cv("before", "workload_hours"), within_cv("after", "workload_hours"))


def _row(a: Account, unit_id: str, unit_type: str, region_id: str | None, to_rep: str, hours: dict[str, Decimal],
         locked: bool, reason: str, method: str) -> dict:
    return {
        "unit_id": unit_id, "unit_type": unit_type, "account_id": a.account_id, "city": a.city,
        "province": a.state, "country": a.country, "segment": a.segment, "region_id": region_id,
        "from_rep_id": a.owner_id, "to_rep_id": to_rep, "is_moved": to_rep != a.owner_id,
        "potential": a.potential, "currency": a.currency, "workload_hours": hours[a.account_id],
        "is_locked": locked, "reason": reason, "method": method,
    }
