"""Target decomposition: pure functions on plain data (no warehouse, no Dagster).

    Q_child = Q_parent x (1 + pad) x w_child / sum(w_siblings)

The amount to share among a parent's children is `T = round_unit(Q_parent x (1 + pad))`
(half up to the rounding unit). Children get their exact share (rational arithmetic,
`fractions.Fraction`: no float anywhere, no Decimal precision limit), then the
largest-remainder method rounds them to the unit so that they sum to exactly `T`:
every child is rounded down, and the units left over go one each to the children
with the largest remainders (ties: sibling order, i.e. by node key). Fixed amounts,
growth floors/caps and the new-hire ramp change the exact shares before rounding;
the invariant `sum(children) == T` is checked on every node of every decomposition.

Months are the leaves: a node just above the month level splits by seasonality
`s_m` (x the rep's ramp factor of that month, if any).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from salesops.planning.targets.config import ORG_LEVELS, Level, PlanConfig

FILTER_FIELDS = ("business_unit_id", "region_id", "team_id", "rep_id", "product_line")
LEVEL_FIELD = {"business_unit": "business_unit_id", "region": "region_id", "team": "team_id"}


class DecompositionError(ValueError):
    """The plan cannot be decomposed as configured (message names the node and the rule)."""


# -- plain input data (history.py builds it from the warehouse; tests build it by hand) -------------

@dataclass(frozen=True)
class OrgUnit:
    org_unit_id: str
    name: str
    unit_type: str  # company | business_unit | region | team
    parent_id: str | None


@dataclass(frozen=True)
class Assignment:
    """One effective-dated HR assignment of a CRM user (int_reps_assigned)."""

    rep_id: str
    name: str
    org_unit_id: str | None
    sales_role: str | None
    hire_date: date | None
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class Fact:
    """Bookings (or open pipeline) of one month x owner x product line, in the history currency."""

    month_start: date
    amount: Decimal
    rep_id: str | None = None
    business_unit_id: str | None = None
    region_id: str | None = None
    team_id: str | None = None
    product_line: str | None = None


@dataclass
class History:
    org_units: list[OrgUnit]
    assignments: list[Assignment]
    bookings: list[Fact]
    pipeline: list[Fact] = field(default_factory=list)  # open at the plan's history cutoff
    potential_by_rep: dict[str, Decimal] = field(default_factory=dict)  # CRM account potential by owner
    potential_csv: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (level, key) -> amount
    product_lines: list[str] = field(default_factory=list)
    currency: str = "CNY"
    fiscal_year_start_month: int = 1


# -- the tree ---------------------------------------------------------------------------------------

@dataclass(eq=False)
class Node:
    level: str
    key: str  # org unit id, rep id, product line, yyyy-mm, "company" or "ramp_hold"
    name: str
    path: str
    filter: dict[str, str]
    parent: Node | None = None
    org_unit_id: str | None = None
    rep_id: str | None = None
    product_line: str | None = None
    month_start: date | None = None
    method: str = ""
    pad: Decimal = Decimal(0)
    share: Fraction = Fraction(1)  # exact amount / amount shared among the siblings
    ramp: tuple[Fraction, ...] | None = None  # factor per fiscal month (reps and below)
    ramp_factor: Fraction = Fraction(1)
    hold_months: tuple[Fraction, ...] | None = None  # ramp_hold: the held amounts' monthly shape
    amount: Decimal = Decimal(0)
    children: list[Node] = field(default_factory=list)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Decomposition:
    plan: PlanConfig
    root: Node
    months: list[date]
    seasonality: list[Fraction]
    warnings: list[str]

    def nodes(self):
        return self.root.walk()


# -- calendar ---------------------------------------------------------------------------------------

def add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


def fiscal_months(fiscal_year: int, start_month: int) -> list[date]:
    """The 12 month starts of a fiscal year (named by the calendar year it ends in)."""
    first = date(fiscal_year if start_month == 1 else fiscal_year - 1, start_month, 1)
    return [add_months(first, i) for i in range(12)]


# -- rounding ---------------------------------------------------------------------------------------

def round_to_unit(x: Fraction, unit: Decimal) -> Decimal:
    """Round half up to a multiple of unit (x >= 0)."""
    u = Fraction(unit)
    n = (x / u + Fraction(1, 2)).__floor__()
    return Decimal(n) * unit


def largest_remainder(total: Decimal, exact: list[Fraction], unit: Decimal) -> list[Decimal]:
    """Round exact amounts (summing to total, a multiple of unit) to multiples of unit summing to total.

    Each is rounded down; the leftover units go one each to the largest remainders,
    ties to the earlier position (callers order siblings by key: deterministic)."""
    u = Fraction(unit)
    t = Fraction(total)
    if sum(exact, Fraction(0)) != t:
        raise DecompositionError(f"internal: exact shares sum to {float(sum(exact))} not {total}")
    floors = [(x / u).__floor__() for x in exact]
    left = int(t / u) - sum(floors)
    if left < 0 or left > len(exact):
        raise DecompositionError(f"internal: {left} units left over for {len(exact)} children")
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] / u - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(n) * unit for n in floors]


# -- history sums -----------------------------------------------------------------------------------

class FactIndex:
    """Sums of facts over a window of months, by any combination of filter fields (cached)."""

    def __init__(self, facts: list[Fact]):
        self.facts = facts
        self._cache: dict[tuple, dict[tuple, Fraction]] = {}

    def total(self, months: frozenset[date] | None, filt: dict[str, str]) -> Fraction:
        fields = tuple(sorted(filt))
        key = (months, fields)
        agg = self._cache.get(key)
        if agg is None:
            agg = defaultdict(Fraction)
            for f in self.facts:
                if months is None or f.month_start in months:
                    agg[tuple(getattr(f, k) for k in fields)] += Fraction(f.amount)
            self._cache[key] = agg
        return agg.get(tuple(filt[k] for k in fields), Fraction(0))


# -- decomposition ----------------------------------------------------------------------------------

def decompose(plan: PlanConfig, history: History) -> Decomposition:
    """Decompose the company target down the configured levels; checks the invariant before returning."""
    return _Decomposer(plan, history).run()


class _Decomposer:
    def __init__(self, plan: PlanConfig, history: History):
        self.plan = plan
        self.h = history
        self.unit = plan.rounding_unit
        self.warnings: list[str] = []
        self.months = fiscal_months(plan.fiscal_year, history.fiscal_year_start_month)
        self.bookings = FactIndex(history.bookings)
        self.pipeline = FactIndex(history.pipeline)
        self.py_window = frozenset(fiscal_months(plan.fiscal_year - 1, history.fiscal_year_start_month))
        cut = date(plan.cutoff.year, plan.cutoff.month, 1)
        self.t12_window = frozenset(add_months(cut, -i) for i in range(1, 13))
        self.fixed_used: dict[str, set[str]] = defaultdict(set)
        self.skipped_components: dict[tuple[str, str], int] = defaultdict(int)

    # ---- structure
    def run(self) -> Decomposition:
        self.units = self._org_units()
        self.levels = [lv.level for lv in self.plan.levels]
        uses_py_amounts = any(lv.growth for lv in self.plan.levels) or self.plan.target.growth is not None
        if uses_py_amounts and self.plan.target.currency != self.h.currency:
            raise DecompositionError(
                f"target.growth and growth floors/caps compare with prior-year bookings in {self.h.currency}; "
                f"the plan currency is {self.plan.target.currency}")
        self.roster = self._roster() if "rep" in self.levels else []
        self.seasonality = self._seasonality()
        companies = [u for u in self.units.values() if u.unit_type == "company" and u.parent_id is None]
        root = Node(level="company", key="company", name=companies[0].name if len(companies) == 1 else "company",
                    path="company", filter={}, org_unit_id=companies[0].org_unit_id if len(companies) == 1 else None,
                    method="target", amount=self._company_target())
        self._root = root
        self._expand(root, 0)
        for lv in self.plan.levels:
            unknown = set(lv.fixed) - self.fixed_used[lv.level]
            if unknown:
                raise DecompositionError(f"levels.{lv.level}.fixed: no node {sorted(unknown)} at level {lv.level}")
            unknown = set(lv.growth.nodes if lv.growth else ()) - self.fixed_used[f"{lv.level}.growth"]
            if unknown:
                raise DecompositionError(f"levels.{lv.level}.growth.nodes: no node {sorted(unknown)} at level {lv.level}")
        self._unattributed_warning()
        for (level, method), n in sorted(self.skipped_components.items()):
            self.warnings.append(f"levels.{level}: blend component {method} had no data under {n} parent(s) "
                                 f"(e.g. new hires); the other components were rescaled there")
        check_invariants(root, self.plan)
        return Decomposition(self.plan, root, self.months, self.seasonality, self.warnings)

    def _company_target(self) -> Decimal:
        t = self.plan.target
        if t.amount is not None:
            return t.amount
        py = self.bookings.total(self.py_window, {})
        if py <= 0:
            raise DecompositionError(f"target.growth: the company has no bookings in FY{self.plan.fiscal_year - 1} "
                                     "to grow from; give target.amount")
        return round_to_unit(py * (1 + Fraction(t.growth)), self.unit)

    def _org_units(self) -> dict[str, OrgUnit]:
        units = {u.org_unit_id: u for u in self.h.org_units}
        for u in units.values():
            seen = [u.org_unit_id]
            p = u.parent_id
            while p is not None:
                if p not in units:
                    raise DecompositionError(f"org unit {u.org_unit_id} ({u.name}): parent {p} does not exist")
                if p in seen:
                    chain = " -> ".join([*seen, p])
                    raise DecompositionError(f"org hierarchy has a cycle: {chain}")
                seen.append(p)
                p = units[p].parent_id
        return units

    def _ancestors(self, unit_id: str) -> dict[str, str]:
        """unit type -> id of the unit itself or its ancestor of that type."""
        out: dict[str, str] = {}
        u: str | None = unit_id
        while u is not None:
            unit = self.units[u]
            out.setdefault(unit.unit_type, unit.org_unit_id)
            u = unit.parent_id
        return out

    def _roster(self) -> list[tuple[Assignment, dict[str, str]]]:
        on = self.plan.roster_on
        roles = set(self.plan.rep_roles)
        org_levels = [lv for lv in self.levels if lv in ORG_LEVELS]
        chosen: dict[str, Assignment] = {}
        for a in self.h.assignments:
            if a.sales_role in roles and a.valid_from <= on <= a.valid_to:
                if a.rep_id in chosen:
                    raise DecompositionError(f"rep {a.rep_id} ({a.name}) has two assignments valid on {on}")
                chosen[a.rep_id] = a
        if not chosen:
            raise DecompositionError(f"no rep (sales_role in {sorted(roles)}) is assigned on the roster date {on}")
        roster = []
        for rep_id in sorted(chosen):
            a = chosen[rep_id]
            if not a.org_unit_id:
                raise DecompositionError(f"rep {rep_id} ({a.name}) has no org unit (territory) on {on}: fix the HR assignment")
            if a.org_unit_id not in self.units:
                raise DecompositionError(f"rep {rep_id} ({a.name}) is assigned to org unit {a.org_unit_id}, "
                                         f"which is not in the org hierarchy")
            anc = self._ancestors(a.org_unit_id)
            for lv in org_levels:
                if lv not in anc:
                    raise DecompositionError(f"rep {rep_id} ({a.name}) is in org unit {a.org_unit_id}, which has no "
                                             f"{lv} above it: cannot place the rep under level {lv}")
            roster.append((a, anc))
        return roster

    def _seasonality(self) -> list[Fraction]:
        s = self.plan.seasonality
        if s.method == "list":
            return [Fraction(x) for x in s.shares]
        cut = date(self.plan.cutoff.year, self.plan.cutoff.month, 1)
        years: list[list[Fraction]] = []
        fy = self.plan.fiscal_year - 1
        while len(years) < s.years and fy > self.plan.fiscal_year - 1 - 20:
            months = fiscal_months(fy, self.h.fiscal_year_start_month)
            fy -= 1
            if months[-1] >= cut:
                continue  # not complete before the cutoff
            totals = [self.bookings.total(frozenset([m]), {}) for m in months]
            if sum(totals) > 0:
                years.append([t / sum(totals) for t in totals])
        if not years:
            raise DecompositionError(f"seasonality: no full fiscal year of bookings before {cut} to learn from; "
                                     "give `seasonality: {method: list, shares: [...]}`")
        shares = [sum((y[i] for y in years), Fraction(0)) / len(years) for i in range(12)]
        assert sum(shares) == 1
        return shares

    def _level_cfg(self, name: str) -> Level:
        return self.plan.level(name)

    def _children(self, parent: Node, level: str) -> list[Node]:
        base = parent.path
        if level in ORG_LEVELS:
            field_ = LEVEL_FIELD[level]
            if "rep" in self.levels:
                ids = sorted({anc[level] for a, anc in self.roster if self._under(anc, a, parent)})
            else:
                ids = sorted(u.org_unit_id for u in self.units.values()
                             if u.unit_type == level and self._unit_under(u.org_unit_id, parent))
            return [Node(level=level, key=i, name=self.units[i].name, path=f"{base}/{i}",
                         filter={**parent.filter, field_: i}, parent=parent, org_unit_id=i) for i in ids]
        if level == "rep":
            return [Node(level="rep", key=a.rep_id, name=a.name, path=f"{base}/{a.rep_id}", filter={"rep_id": a.rep_id},
                         parent=parent, rep_id=a.rep_id, ramp=self._ramp(a))
                    for a, anc in self.roster if self._under(anc, a, parent)]
        if level == "product_line":
            if not self.h.product_lines:
                raise DecompositionError("level product_line: the CRM has no product families")
            return [Node(level="product_line", key=p, name=p, path=f"{base}/{p}", filter={**parent.filter, "product_line": p},
                         parent=parent, rep_id=parent.rep_id, product_line=p, ramp=parent.ramp,
                         ramp_factor=parent.ramp_factor)
                    for p in sorted(self.h.product_lines)]
        # month
        return [Node(level="month", key=m.strftime("%Y-%m"), name=m.strftime("%Y-%m"), path=f"{base}/{m:%Y-%m}",
                     filter=parent.filter, parent=parent, rep_id=parent.rep_id, product_line=parent.product_line,
                     month_start=m, ramp=parent.ramp) for m in self.months]

    def _under(self, anc: dict[str, str], a: Assignment, parent: Node) -> bool:
        return all(anc.get(lv) == parent.filter[LEVEL_FIELD[lv]] for lv in ORG_LEVELS if LEVEL_FIELD[lv] in parent.filter)

    def _unit_under(self, unit_id: str, parent: Node) -> bool:
        anc = self._ancestors(unit_id)
        return all(anc.get(lv) == parent.filter[LEVEL_FIELD[lv]] for lv in ORG_LEVELS if LEVEL_FIELD[lv] in parent.filter)

    def _ramp(self, a: Assignment) -> tuple[Fraction, ...] | None:
        if self.plan.ramp is None or a.hire_date is None:
            return None
        curve = [Fraction(f) for f in self.plan.ramp.curve]
        hire = date(a.hire_date.year, a.hire_date.month, 1)
        out = []
        for m in self.months:
            tenure = (m.year - hire.year) * 12 + m.month - hire.month + 1  # hire month = tenure month 1
            out.append(Fraction(0) if tenure <= 0 else curve[tenure - 1] if tenure <= len(curve) else Fraction(1))
        return None if all(f == 1 for f in out) else tuple(out)

    # ---- amounts
    def _expand(self, parent: Node, depth: int) -> None:
        if depth >= len(self.levels):
            return
        level = self.levels[depth]
        cfg = self._level_cfg(level)
        if parent.method == "ramp_hold":
            level, cfg, depth = "month", self._level_cfg("month"), len(self.levels) - 1
        children = self._children(parent, level)
        if not children:
            raise DecompositionError(f"{parent.path} ({parent.name}): no {level} below it to carry its target")
        total = round_to_unit(Fraction(parent.amount) * (1 + Fraction(cfg.pad)), self.unit)
        if level == "month":
            exact = self._month_shares(parent, children, total)
        else:
            exact = self._weighted(parent, children, cfg, total)
            if level == "rep" and self.plan.ramp is not None:
                children, exact = self._apply_ramp(parent, children, exact, total)
        amounts = largest_remainder(total, exact, self.unit)
        for c, x, amt in zip(children, exact, amounts, strict=True):
            c.pad = cfg.pad
            c.share = x / Fraction(total) if total else Fraction(0)
            c.amount = amt
            if level == "month":
                c.method = "ramp_hold" if parent.method == "ramp_hold" else "seasonality"
        parent.children = children
        for c in children:
            self._expand(c, depth + 1)

    def _month_shares(self, parent: Node, children: list[Node], total: Decimal) -> list[Fraction]:
        if parent.hold_months is not None:
            w = list(parent.hold_months)
        else:
            w = [s * (parent.ramp[i] if parent.ramp else 1) for i, s in enumerate(self.seasonality)]
        for c, i in zip(children, range(12), strict=True):
            c.ramp_factor = parent.ramp[i] if parent.ramp and parent.hold_months is None else Fraction(1)
        return _spread(total, w, parent, "month")

    def _weights(self, method: str, parent: Node, children: list[Node], cfg: Level, strict: bool = True) -> list[Fraction]:
        """Raw weights of one method; strict (the level's own method, not a blend component): every
        child needs history under prior_year."""
        if method == "even":
            return [Fraction(1)] * len(children)
        if method == "prior_year":
            w = [self.bookings.total(self.py_window, c.filter) for c in children]
            for c, x in zip(children, w, strict=True):
                if strict and x <= 0:
                    raise DecompositionError(
                        f"levels.{cfg.level}: method prior_year: node {c.path} ({c.name}) has no prior-year bookings "
                        f"(FY{self.plan.fiscal_year - 1}); use blend/even or a fixed amount for it")
            return w
        if method == "trailing_12m":
            return [self.bookings.total(self.t12_window, c.filter) for c in children]
        if method == "pipeline":
            return [self.pipeline.total(None, c.filter) for c in children]
        if method == "potential":
            return [self._potential(c, cfg) for c in children]
        raise DecompositionError(f"levels.{cfg.level}: unknown method {method}")

    def _potential(self, node: Node, cfg: Level) -> Fraction:
        if cfg.potential.source == "csv":
            v = self.h.potential_csv.get((node.level, node.key))
            if v is None:
                raise DecompositionError(f"levels.{cfg.level}: potential CSV {cfg.potential.file} has no row for "
                                         f"level {node.level}, key {node.key} ({node.name})")
            return Fraction(v)
        if node.level == "product_line":
            raise DecompositionError(f"levels.{cfg.level}: CRM account potential is not split by product line; "
                                     "use `potential: {source: csv, file: ...}` for this level")
        if node.level == "rep":
            return Fraction(self.h.potential_by_rep.get(node.rep_id, Decimal(0)))
        return sum((Fraction(self.h.potential_by_rep.get(a.rep_id, Decimal(0)))
                    for a, anc in self.roster if self._under(anc, a, node)), Fraction(0))

    def _weighted(self, parent: Node, children: list[Node], cfg: Level, total: Decimal) -> list[Fraction]:
        if cfg.method == "blend":
            # each component as shares among the siblings, mixed by its blend weight; a component with no
            # data under this parent (e.g. no prior year for a new hire's product lines) is left out and
            # the others are rescaled
            w = [Fraction(0)] * len(children)
            used = Fraction(0)
            for method, alpha in cfg.blend.items():
                if alpha == 0:
                    continue
                part = self._weights(method, parent, children, cfg, strict=False)
                s = sum(part, Fraction(0))
                if s <= 0:
                    self.skipped_components[(cfg.level, method)] += 1
                    continue
                used += Fraction(alpha)
                w = [a + Fraction(alpha) * p / s for a, p in zip(w, part, strict=True)]
            if used:
                w = [x / used for x in w]
        else:
            w = self._weights(cfg.method, parent, children, cfg)
        for c in children:
            c.method = cfg.method
        # fixed amounts: by node key or node path
        fixed: dict[int, Fraction] = {}
        for i, c in enumerate(children):
            for k in (c.key, c.path, c.name):
                if k in cfg.fixed:
                    fixed[i] = Fraction(cfg.fixed[k])
                    self.fixed_used[cfg.level].add(k)
                    c.method = "fixed"
        rest = Fraction(total) - sum(fixed.values(), Fraction(0))
        if rest < 0:
            raise DecompositionError(f"levels.{cfg.level}.fixed: fixed amounts under {parent.path} ({parent.name}) sum to "
                                     f"{sum(fixed.values())}, more than its {total}")
        free = [i for i in range(len(children)) if i not in fixed]
        bounds = self._bounds(children, cfg) if cfg.growth else {}
        exact = dict(fixed)
        # growth bounds: clamp violators at their bound and spread the rest again, until none is violated
        for _ in range(len(children) + 1):
            wsum = sum((w[i] for i in free), Fraction(0))
            if not free:
                if rest != 0:
                    raise DecompositionError(f"levels.{cfg.level}.fixed: every child of {parent.path} ({parent.name}) is "
                                             f"fixed, but they sum to {sum(fixed.values())}, not its {total}")
                break
            if wsum <= 0:
                if rest == 0:
                    for i in free:
                        exact[i] = Fraction(0)
                    break
                names = ", ".join(children[i].path for i in free[:5])
                raise DecompositionError(f"levels.{cfg.level}: weights ({cfg.method}) of the children of {parent.path} "
                                         f"({parent.name}) sum to zero: {names}")
            trial = {i: rest * w[i] / wsum for i in free}
            low, high = {}, {}
            for i, x in trial.items():
                lo, hi = bounds.get(i, (None, None))
                if lo is not None and x < lo:
                    low[i] = lo
                elif hi is not None and x > hi:
                    high[i] = hi
            if not low and not high:
                exact.update(trial)
                break
            # clamp one side at a time: the side with the larger total violation
            excess = sum((trial[i] - b for i, b in high.items()), Fraction(0))
            deficit = sum((b - trial[i] for i, b in low.items()), Fraction(0))
            violators = high if excess >= deficit and high else low
            if len(violators) == len(free) and sum(violators.values(), Fraction(0)) != rest:
                raise DecompositionError(
                    f"levels.{cfg.level}.growth: the growth floors/caps of the children of {parent.path} ({parent.name}) "
                    f"cannot all hold with its {total}")
            for i, b in violators.items():
                exact[i] = b
                rest -= b
                free.remove(i)
                children[i].method = f"{cfg.method}+{'floor' if b == bounds[i][0] else 'cap'}"
            if rest < 0:
                raise DecompositionError(f"levels.{cfg.level}.growth: the floors under {parent.path} ({parent.name}) "
                                         f"need more than its {total}")
        else:  # pragma: no cover
            raise DecompositionError(f"levels.{cfg.level}.growth: bounds under {parent.path} do not converge")
        return [exact[i] for i in range(len(children))]

    def _bounds(self, children: list[Node], cfg: Level) -> dict[int, tuple[Fraction | None, Fraction | None]]:
        out = {}
        u = Fraction(self.unit)
        for i, c in enumerate(children):
            self.fixed_used[f"{cfg.level}.growth"] |= {k for k in (c.key, c.path, c.name) if k in cfg.growth.nodes}
            b = cfg.growth.for_node(c.key, c.path, c.name)
            py = self.bookings.total(self.py_window, c.filter)
            if py <= 0 or (b.floor is None and b.cap is None):
                continue  # growth is undefined without a prior year
            lo = hi = None
            if b.floor is not None:
                lo = (py * (1 + Fraction(b.floor)) / u).__ceil__() * u
            if b.cap is not None:
                hi = (py * (1 + Fraction(b.cap)) / u).__floor__() * u
            out[i] = (lo, hi)
        return out

    def _apply_ramp(self, parent: Node, children: list[Node], exact: list[Fraction], total: Decimal):
        """A ramping rep keeps exact x sum_m(s_m x f_m); the rest is held at the parent (one ramp_hold row)."""
        hold_months = [Fraction(0)] * 12
        out = []
        for c, x in zip(children, exact, strict=True):
            if c.ramp is None or c.method == "fixed":
                c.ramp = None
                out.append(x)
                continue
            phi = sum((s * f for s, f in zip(self.seasonality, c.ramp, strict=True)), Fraction(0))
            c.ramp_factor = phi
            out.append(x * phi)
            for i in range(12):
                hold_months[i] += x * self.seasonality[i] * (1 - c.ramp[i])
        held = sum(hold_months, Fraction(0))
        if held == 0:
            return children, out
        hold = Node(level="rep", key="ramp_hold", name="ramp hold (new hires)", path=f"{parent.path}/ramp_hold",
                    filter=parent.filter, parent=parent, org_unit_id=parent.org_unit_id, method="ramp_hold",
                    hold_months=tuple(hold_months))
        return [*children, hold], [*out, held]

    def _unattributed_warning(self) -> None:
        if "rep" not in self.levels or "prior_year" not in self.plan.methods_used():
            return
        total = self.bookings.total(self.py_window, {})
        reps = [n for n in self._root.walk() if n.level == "rep" and n.rep_id]
        covered = sum((self.bookings.total(self.py_window, {"rep_id": n.rep_id}) for n in reps), Fraction(0))
        if total > 0 and covered < total:
            gap = total - covered
            self.warnings.append(
                f"FY{self.plan.fiscal_year - 1} bookings of {round_to_unit(gap, Decimal('0.01')):,} {self.h.currency} "
                f"({float(gap / total):.1%}) were booked by owners who carry no quota in this plan (left, not a rep, or "
                f"not in HR); they weigh nothing in prior_year rep weights")


def _spread(total: Decimal, w: list[Fraction], parent: Node, level: str) -> list[Fraction]:
    s = sum(w, Fraction(0))
    if s <= 0:
        if total == 0:
            return [Fraction(0)] * len(w)
        raise DecompositionError(f"{parent.path} ({parent.name}): the {level} weights sum to zero but {total} is to be spread")
    return [Fraction(total) * x / s for x in w]


def check_invariants(root: Node, plan: PlanConfig) -> None:
    """Every amount is a non-negative multiple of the unit; children sum exactly to round(parent x (1 + pad))."""
    unit = plan.rounding_unit
    for n in root.walk():
        if n.amount < 0:
            raise DecompositionError(f"invariant: {n.path} has a negative target {n.amount}")
        if n.amount % unit != 0:
            raise DecompositionError(f"invariant: {n.path} target {n.amount} is not a multiple of {unit}")
        if n.children:
            pad = n.children[0].pad
            expected = round_to_unit(Fraction(n.amount) * (1 + Fraction(pad)), unit)
            got = sum((c.amount for c in n.children), Decimal(0))
            if got != expected:
                raise DecompositionError(f"invariant: children of {n.path} sum to {got}, not {n.amount} x (1 + {pad}) = {expected}")
