"""Balance figures of an alignment, exact (Decimal): per territory and per region, before vs after.

balance index  b_t = value_t / (s_t * total)   (s_t = capacity share; equal capacities: value_t / mean)
CV             sqrt(sum_t s_t * (b_t - 1)^2)   (equal capacities: population std / mean)
disruption     potential of accounts whose owner changes / potential aligned
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from salesops.planning.territories.model import RegionProblem

SIX = Decimal("0.000001")


def q6(x: Decimal) -> Decimal:
    return x.quantize(SIX, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TerritoryStat:
    region_id: str
    rep_id: str
    name: str | None
    capacity: Decimal
    potential: Decimal
    workload_hours: Decimal
    potential_index: Decimal
    workload_index: Decimal
    utilization: Decimal
    accounts: int


@dataclass(frozen=True)
class Balance:
    territories: tuple[TerritoryStat, ...]
    cv_potential: Decimal
    cv_workload: Decimal


def cv(values: list[Decimal], capacities: list[Decimal], total: Decimal | None = None) -> Decimal:
    """Capacity-weighted coefficient of variation around the fair shares of `total` (default: the sum of
    the values). Equal capacities and total = sum: population std / mean."""
    with localcontext() as ctx:
        ctx.prec = 40
        cap = sum(capacities, Decimal(0))
        total = sum(values, Decimal(0)) if total is None else total
        if not values or total == 0:
            return Decimal(0).quantize(SIX)
        acc = Decimal(0)
        for v, c in zip(values, capacities, strict=True):
            share = c / cap
            acc += share * (v / (share * total) - 1) ** 2
        return q6(acc.sqrt())


def balance(problem: RegionProblem, owner_of_account: dict[str, str | None],
            hours_of_account: dict[str, Decimal]) -> Balance:
    """Figures of the region's territories when each account is owned as given (account id -> rep id;
    accounts owned by someone without a territory count in the totals but in no territory)."""
    pot: dict[str, Decimal] = defaultdict(Decimal)
    work: dict[str, Decimal] = defaultdict(Decimal)
    count: dict[str, int] = defaultdict(int)
    for u in problem.units:
        for a in u.accounts:
            rep = owner_of_account.get(a.account_id)
            pot[rep] += a.potential
            work[rep] += hours_of_account[a.account_id]
            count[rep] += 1
    total_p = sum((u.potential for u in problem.units), Decimal(0))
    total_w = sum((u.workload for u in problem.units), Decimal(0))
    cap_total = sum((t.capacity for t in problem.territories), Decimal(0))
    stats = []
    zero = Decimal(0).quantize(SIX)
    with localcontext() as ctx:
        ctx.prec = 40
        for t in problem.territories:
            share = t.capacity / cap_total
            stats.append(TerritoryStat(
                problem.region_id, t.rep_id, t.name, t.capacity, pot[t.rep_id], work[t.rep_id],
                q6(pot[t.rep_id] / (share * total_p)) if total_p else zero,
                q6(work[t.rep_id] / (share * total_w)) if total_w else zero,
                q6(work[t.rep_id] / t.capacity), count[t.rep_id]))
    caps = [t.capacity for t in problem.territories]
    return Balance(tuple(stats), cv([s.potential for s in stats], caps, total_p),
                   cv([s.workload_hours for s in stats], caps, total_w))


def moved_share(problem: RegionProblem, owner_of_account: dict[str, str | None]) -> tuple[Decimal, Decimal]:
    """(potential of accounts whose owner changes, potential of the region's units)."""
    moved = sum((a.potential for u in problem.units for a in u.accounts
                 if owner_of_account.get(a.account_id) != a.owner_id), Decimal(0))
    return moved, sum((u.potential for u in problem.units), Decimal(0))
