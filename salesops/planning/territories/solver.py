"""Assign units to territories: the MIP (HiGHS), a greedy heuristic, and exhaustive search for tiny cases.

All three minimise the same objective (`objective`), on shares of the region's totals:

    wp * sum_t |P_t / P - s_t|  +  ww * sum_t |W_t / W - s_t|  +  wd * moved / P

P_t, W_t: potential and workload hours of territory t; P, W: region totals;
s_t = capacity_t / sum of capacities (the territory's fair share: 1/T when all
capacities are equal, so the target is the mean); moved: potential of the
accounts whose owner changes. Locked units are fixed to their owner.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

from salesops.planning.territories.config import Objective, Solver, TerritoryConfigError
from salesops.planning.territories.model import RegionProblem

Assignment = dict[str, str]


@dataclass(frozen=True)
class Solution:
    assignment: Assignment
    objective: float
    method: str  # 'highs', 'greedy', 'exhaustive'
    status: str  # 'optimal', 'time_limit', 'heuristic'
    mip_gap: float | None
    seconds: float


class _Shares:
    """The problem in floats normalised to shares (numerics of the solver; reporting stays in Decimal)."""

    def __init__(self, problem: RegionProblem, weights: Objective):
        self.reps = problem.rep_ids
        self.units = problem.units
        total_p = float(sum(u.potential for u in problem.units))
        total_w = float(sum(u.workload for u in problem.units))
        cap = [float(t.capacity) for t in problem.territories]
        self.share = [c / sum(cap) for c in cap]
        self.p = [float(u.potential) / total_p if total_p else 0.0 for u in problem.units]
        self.w = [float(u.workload) / total_w if total_w else 0.0 for u in problem.units]
        # moved[i][t]: share of region potential that changes owner if unit i goes to territory t
        self.moved = [[float(u.moved_potential(r)) / total_p if total_p else 0.0 for r in self.reps]
                      for u in problem.units]
        self.allowed = [[(u.locked_to is None or u.locked_to == r) for r in self.reps] for u in problem.units]
        self.wp, self.ww, self.wd = float(weights.potential_weight), float(weights.workload_weight), \
            float(weights.disruption_weight)

    def value(self, idx: list[int]) -> float:
        T = len(self.reps)
        P, W, moved = [0.0] * T, [0.0] * T, 0.0
        for i, t in enumerate(idx):
            P[t] += self.p[i]
            W[t] += self.w[i]
            moved += self.moved[i][t]
        return (self.wp * sum(abs(P[t] - self.share[t]) for t in range(T))
                + self.ww * sum(abs(W[t] - self.share[t]) for t in range(T)) + self.wd * moved)


def objective(problem: RegionProblem, assignment: Assignment, weights: Objective) -> float:
    s = _Shares(problem, weights)
    pos = {r: k for k, r in enumerate(s.reps)}
    return s.value([pos[assignment[u.unit_id]] for u in problem.units])


def _check(problem: RegionProblem) -> None:
    reps = set(problem.rep_ids)
    for u in problem.units:
        if u.locked_to is not None and u.locked_to not in reps:
            raise TerritoryConfigError(f"unit {u.unit_id}: locked to {u.locked_to}, who holds no territory in "
                                       f"region {problem.region_id} (rule: locked units stay with a territory rep)")
    if not problem.territories:
        raise TerritoryConfigError(f"region {problem.region_id}: no territory (rule: at least one rep)")


def exhaustive(problem: RegionProblem, weights: Objective) -> Solution:
    """Try every assignment (T^n): the reference optimum for tests (n units <= ~10)."""
    _check(problem)
    start = time.perf_counter()
    s = _Shares(problem, weights)
    choices = [[t for t in range(len(s.reps)) if s.allowed[i][t]] for i in range(len(s.units))]
    best, best_idx = None, None
    for idx in itertools.product(*choices):
        v = s.value(list(idx))
        if best is None or v < best - 1e-12:
            best, best_idx = v, idx
    assignment = {u.unit_id: s.reps[t] for u, t in zip(s.units, best_idx, strict=True)}
    return Solution(assignment, best, "exhaustive", "optimal", 0.0, time.perf_counter() - start)


def greedy(problem: RegionProblem, weights: Objective, *, swap_limit: int = 2000) -> Solution:
    """Greedy construction + local search, from two starts; the better result wins
    (documented in docs/territories.md).

    Start 1 (balance first): locked units go to their owner; free units, largest first (by
    wp*potential share + ww*workload share), each go to the territory where they raise the objective
    least, imbalance counted against the final targets (ties: least moved potential, then rep id).
    Start 2 (disruption first): every unit stays with the territory that owns most of it.
    Local search on each until nothing improves: move one unit to another territory; when no move
    helps (and at most `swap_limit` free units) swap two units between territories. Every accepted
    step lowers the objective, so it stops.
    """
    _check(problem)
    start = time.perf_counter()
    s = _Shares(problem, weights)
    T, n = len(s.reps), len(s.units)
    free = [i for i in range(n) if sum(s.allowed[i]) > 1]
    fixed = {i: s.allowed[i].index(True) for i in range(n) if sum(s.allowed[i]) == 1}

    constructed = _Search(s, fixed)
    for i in sorted(free, key=lambda i: (-(s.wp * s.p[i] + s.ww * s.w[i]), s.units[i].unit_id)):
        constructed.put(i, min(range(T), key=lambda t: (round(constructed.add_cost(i, t), 12), s.moved[i][t],
                                                        s.reps[t])))
    stay = _Search(s, fixed)
    for i in free:
        stay.put(i, min((t for t in range(T) if s.allowed[i][t]), key=lambda t: (s.moved[i][t], s.reps[t])))
    best = min((constructed, stay), key=lambda x: (x.improve(free, swap_limit), x is stay))
    assignment = {u.unit_id: s.reps[t] for u, t in zip(s.units, best.idx, strict=True)}
    return Solution(assignment, s.value(best.idx), "greedy", "heuristic", None, time.perf_counter() - start)


class _Search:
    """An assignment under construction with its territory loads (shares)."""

    def __init__(self, s: _Shares, fixed: dict[int, int]):
        self.s = s
        T = len(s.reps)
        self.P, self.W = [0.0] * T, [0.0] * T
        self.idx = [-1] * len(s.units)
        for i, t in fixed.items():
            self.put(i, t)

    def dev(self, loads: list[float], t: int, delta: float) -> float:
        return abs(loads[t] + delta - self.s.share[t]) - abs(loads[t] - self.s.share[t])

    def put(self, i: int, t: int) -> None:
        self.idx[i] = t
        self.P[t] += self.s.p[i]
        self.W[t] += self.s.w[i]

    def take(self, i: int) -> None:
        t = self.idx[i]
        self.P[t] -= self.s.p[i]
        self.W[t] -= self.s.w[i]
        self.idx[i] = -1

    def add_cost(self, i: int, t: int) -> float:
        s = self.s
        return s.wp * self.dev(self.P, t, s.p[i]) + s.ww * self.dev(self.W, t, s.w[i]) + s.wd * s.moved[i][t]

    def improve(self, free: list[int], swap_limit: int) -> float:
        s, idx, P, W = self.s, self.idx, self.P, self.W
        T = len(s.reps)
        improved = True
        while improved:
            improved = False
            for i in free:  # single moves
                t0 = idx[i]
                self.take(i)
                here = self.add_cost(i, t0)
                best_t = min((t for t in range(T) if s.allowed[i][t]), key=lambda t: (self.add_cost(i, t), t != t0))
                if self.add_cost(i, best_t) < here - 1e-12:
                    self.put(i, best_t)
                    improved = True
                else:
                    self.put(i, t0)
            if improved or len(free) > swap_limit:
                continue
            for a, b in itertools.combinations(free, 2):  # swaps (every improving pair in one pass)
                ta, tb = idx[a], idx[b]
                if ta == tb or not (s.allowed[a][tb] and s.allowed[b][ta]):
                    continue
                dp, dw = s.p[b] - s.p[a], s.w[b] - s.w[a]
                delta = (s.wp * (self.dev(P, ta, dp) + self.dev(P, tb, -dp))
                         + s.ww * (self.dev(W, ta, dw) + self.dev(W, tb, -dw))
                         + s.wd * (s.moved[a][tb] + s.moved[b][ta] - s.moved[a][ta] - s.moved[b][tb]))
                if delta < -1e-12:
                    self.take(a)
                    self.take(b)
                    self.put(a, tb)
                    self.put(b, ta)
                    improved = True
        return s.value(idx)


def solve_highs(problem: RegionProblem, weights: Objective, solver: Solver | None = None) -> Solution:
    """The MIP on HiGHS: x[i,t] binary (unit i to territory t), sum_t x[i,t] = 1, locked units fixed;
    deviation variables dp+/dp-, dw+/dw- per territory: sum_i p_i x[i,t] - dp+_t + dp-_t = s_t (same for
    workload); optional hard cap sum_i hours_i x[i,t] <= max_utilization * capacity_t.
    Minimise wp*sum(dp+ + dp-) + ww*sum(dw+ + dw-) + wd*sum moved[i,t] x[i,t]."""
    import highspy
    import numpy as np

    _check(problem)
    solver = solver or Solver()
    start = time.perf_counter()
    s = _Shares(problem, weights)
    n, T = len(s.units), len(s.reps)
    nx = n * T
    ncol = nx + 4 * T  # x, dp+, dp-, dw+, dw-
    cost = np.zeros(ncol)
    lower = np.zeros(ncol)
    upper = np.full(ncol, highspy.kHighsInf)
    upper[:nx] = 1.0
    for i in range(n):
        for t in range(T):
            cost[i * T + t] = s.wd * s.moved[i][t]
            if not s.allowed[i][t]:
                upper[i * T + t] = 0.0
    cost[nx:nx + 2 * T] = s.wp
    cost[nx + 2 * T:] = s.ww

    rows_lo, rows_hi, entries = [], [], []  # entries: (row, col, value)
    for i in range(n):
        r = len(rows_lo)
        rows_lo.append(1.0)
        rows_hi.append(1.0)
        entries += [(r, i * T + t, 1.0) for t in range(T)]
    for vec, base in ((s.p, nx), (s.w, nx + 2 * T)):
        for t in range(T):
            r = len(rows_lo)
            rows_lo.append(s.share[t])
            rows_hi.append(s.share[t])
            entries += [(r, i * T + t, vec[i]) for i in range(n) if vec[i]]
            entries += [(r, base + t, -1.0), (r, base + T + t, 1.0)]
    if solver.max_utilization is not None:
        hours = [float(u.workload) for u in s.units]
        for t, terr in enumerate(problem.territories):
            r = len(rows_lo)
            rows_lo.append(-highspy.kHighsInf)
            rows_hi.append(float(solver.max_utilization * terr.capacity))
            entries += [(r, i * T + t, hours[i]) for i in range(n) if hours[i]]

    entries.sort(key=lambda e: (e[1], e[0]))
    cols = np.array([e[1] for e in entries], dtype=np.int32)
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = len(rows_lo)
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.array(rows_lo)
    lp.row_upper_ = np.array(rows_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols, np.arange(ncol + 1)).astype(np.int32)
    lp.a_matrix_.index_ = np.array([e[0] for e in entries], dtype=np.int32)
    lp.a_matrix_.value_ = np.array([e[2] for e in entries])
    lp.integrality_ = [highspy.HighsVarType.kInteger] * nx + [highspy.HighsVarType.kContinuous] * (4 * T)

    with _quiet_stdout():  # the constructor prints a banner on the C-level stdout
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(solver.time_limit_seconds))
    h.setOptionValue("mip_rel_gap", float(solver.mip_rel_gap))
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    if solver.max_nodes is not None:
        h.setOptionValue("mip_max_nodes", int(solver.max_nodes))
    h.passModel(lp)
    if solver.warm_start and solver.max_utilization is None:
        g = greedy(problem, weights)
        pos = {r: k for k, r in enumerate(s.reps)}
        start_vals = np.zeros(ncol)
        P, W = [0.0] * T, [0.0] * T
        for i, u in enumerate(s.units):
            t = pos[g.assignment[u.unit_id]]
            start_vals[i * T + t] = 1.0
            P[t] += s.p[i]
            W[t] += s.w[i]
        for t in range(T):
            start_vals[nx + t], start_vals[nx + T + t] = max(P[t] - s.share[t], 0), max(s.share[t] - P[t], 0)
            start_vals[nx + 2 * T + t], start_vals[nx + 3 * T + t] = max(W[t] - s.share[t], 0), max(s.share[t] - W[t], 0)
        sol = highspy.HighsSolution()
        sol.col_value = list(start_vals)
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise TerritoryConfigError(f"region {problem.region_id}: no alignment satisfies solver.max_utilization="
                                   f"{solver.max_utilization} (rule: workload <= max_utilization x capacity per rep; "
                                   "raise it, add capacity or unlock key accounts)")
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        raise TerritoryConfigError(f"region {problem.region_id}: HiGHS found no feasible alignment "
                                   f"(status {h.modelStatusToString(status)}); raise solver.time_limit_seconds")
    x = np.array(h.getSolution().col_value[:nx]).reshape(n, T)
    idx = [int(np.argmax(x[i])) for i in range(n)]
    assignment = {u.unit_id: s.reps[t] for u, t in zip(s.units, idx, strict=True)}
    label = "optimal" if status == highspy.HighsModelStatus.kOptimal else h.modelStatusToString(status).lower().replace(" ", "_")
    return Solution(assignment, s.value(idx), "highs", label, float(info.mip_gap), time.perf_counter() - start)


@contextmanager
def _quiet_stdout():
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def solve(problem: RegionProblem, weights: Objective, solver: Solver) -> Solution:
    return greedy(problem, weights) if solver.method == "greedy" else solve_highs(problem, weights, solver)
