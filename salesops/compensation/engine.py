"""The incentive-compensation engine: credits + quotas + plans -> payouts.

Plain functions on plain data (no warehouse, no Dagster). Everything is
`Decimal`; the result is deterministic for the same input.

Rounding rule (docs/compensation.md): attainment and earnings are computed at
full precision (28 significant digits); money is rounded half-up to the cent
at exactly four places -- the YTD earned amount of each payee x component x
period (`earned = earned_ytd - paid_before`, so the cents telescope and the
year's payments sum to the rounded year-end earned_ytd exactly), each
clawback line (per reversed credit), each draw and each draw recovery.
Reported attainment is rounded half-up to 6 decimals; the pay rules use the
unrounded value.

A calculation with any exception (payee without plan, zero quota, unknown
currency, split not 100 %, overlapping plan assignment, ...) returns the
exception list and NO payouts.
"""

from __future__ import annotations

import calendar
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, NamedTuple

from salesops.compensation.plans import Component, Plan

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
ZERO = Decimal(0)
ONE = Decimal(1)

PAYOUT_COLUMNS = {
    "payout_id": "varchar", "payee_id": "varchar", "period": "varchar", "plan_id": "varchar", "component": "varchar",
    "credited": "decimal(18,2)", "credited_ytd": "decimal(18,2)", "quota_ytd": "decimal(18,2)",
    "attainment": "decimal(18,6)", "earned": "decimal(18,2)", "earned_ytd": "decimal(18,2)",
    "paid_before": "decimal(18,2)", "adjustment": "decimal(18,2)", "clawback": "decimal(18,2)",
    "draw": "decimal(18,2)", "draw_balance": "decimal(18,2)", "net_payable": "decimal(18,2)",
    "currency": "varchar", "calculated_at": "timestamp",
}
ADJUSTMENT_COLUMNS = {
    "adjustment_id": "varchar", "payee_id": "varchar", "period": "varchar", "corrects_period": "varchar",
    "corrects_payout_id": "varchar", "component": "varchar", "amount": "decimal(18,2)", "reason": "varchar",
}
EXCEPTION_COLUMNS = {"rule": "varchar", "payee_id": "varchar", "period": "varchar", "component": "varchar",
                     "key": "varchar", "reason": "varchar"}
MONEY_FIELDS = ("credited", "credited_ytd", "quota_ytd", "earned", "earned_ytd", "paid_before", "adjustment",
                "clawback", "draw", "draw_balance", "net_payable")


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


# --- input -------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _period_of_date(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


class Credit(NamedTuple):
    """One row of `comp_credits` (docs/interfaces.md), the fields the engine needs.

    A named tuple, not a dataclass: the engine reads every credit (648k at demo scale
    10), and a tuple is built from a database row in a third of the time."""

    credit_id: str
    payee_id: str
    component: str
    credit_date: date
    credit_amount: Decimal  # plan currency; negative for a reversal
    plan_currency: str
    plan_id: str | None = None
    measure: str = ""
    credit_type: str = "owner"
    source_type: str = ""
    source_id: str = ""
    split_share: Decimal = ONE
    cancels_credit_id: str | None = None

    @property
    def period(self) -> str:
        return _period_of_date(self.credit_date)  # cached per date: 63k credits share a few hundred dates


@dataclass(frozen=True)
class Quota:
    payee_id: str
    period: str  # YYYY-MM
    component: str
    quota_amount: Decimal  # full-month quota (the engine prorates partial months by days)
    currency: str


@dataclass(frozen=True)
class Assignment:
    """A payee on a plan from valid_from to valid_to (inclusive; None = open)."""

    payee_id: str
    plan_id: str
    valid_from: date
    valid_to: date | None
    target_incentive: Decimal  # annual, plan currency (restricted: never in broad output)
    hire_date: date | None = None


@dataclass(frozen=True)
class CompException:
    rule: str  # payee_without_plan, zero_quota, unknown_currency, split_not_100, overlapping_assignment, ...
    reason: str
    payee_id: str | None = None
    period: str | None = None
    component: str | None = None
    key: str | None = None

    def as_row(self) -> dict[str, Any]:
        return {"rule": self.rule, "payee_id": self.payee_id, "period": self.period, "component": self.component,
                "key": self.key, "reason": self.reason}

    def __str__(self) -> str:
        return f"[{self.rule}] {self.reason}"


class CalculationFailed(RuntimeError):
    def __init__(self, exceptions: list[CompException]):
        self.exceptions = exceptions
        head = "\n".join(f"  {e}" for e in exceptions[:20])
        more = f"\n  ... and {len(exceptions) - 20} more" if len(exceptions) > 20 else ""
        super().__init__(f"compensation calculation failed with {len(exceptions)} exception(s); no payouts written:\n{head}{more}")


@dataclass
class Result:
    payouts: list[dict[str, Any]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[CompException] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)  # every period with payout rows, ascending

    @property
    def ok(self) -> bool:
        return not self.exceptions

    @property
    def held_payees(self) -> set[str]:
        """Payees whose exceptions hold their own open-period payouts back (the others are calculated)."""
        return {e.payee_id for e in self.exceptions if e.payee_id}

    @property
    def blocked(self) -> bool:
        """An exception that belongs to no payee (or nothing calculated): no payouts at all."""
        return bool(self.exceptions) and (any(e.payee_id is None for e in self.exceptions) or not self.payouts)

    def raise_for_exceptions(self) -> Result:
        if self.exceptions:
            raise CalculationFailed(self.exceptions)
        return self


# --- calendar helpers --------------------------------------------------------


def period_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _pidx(period: str) -> int:
    y, m = period.split("-")
    return int(y) * 12 + int(m) - 1


def _pstr(idx: int) -> str:
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def next_period(period: str) -> str:
    return _pstr(_pidx(period) + 1)


def _fiscal_year(idx: int, start_month: int) -> int:
    y, m = idx // 12, idx % 12 + 1
    return y + 1 if start_month > 1 and m >= start_month else y


def _fiscal_month(idx: int, start_month: int) -> int:
    return (idx % 12 + 1 - start_month) % 12 + 1  # 1..12


# --- pay rules ---------------------------------------------------------------


def curve_factor(comp: Component, attainment: Decimal) -> Decimal:
    """Payout factor of a pay curve at an attainment: linear between points, the
    last segment's slope beyond the last point, accelerators/decelerators multiply
    the slope above their attainment, then the cap (factor) applies."""
    pts = comp.pay_curve or []

    def f(a: Decimal) -> Decimal:
        if a <= pts[0].attainment:
            return pts[0].payout
        for lo, hi in zip(pts, pts[1:], strict=False):
            if a <= hi.attainment:
                return lo.payout + (hi.payout - lo.payout) * (a - lo.attainment) / (hi.attainment - lo.attainment)
        lo, hi = pts[-2], pts[-1]
        return hi.payout + (hi.payout - lo.payout) * (a - hi.attainment) / (hi.attainment - lo.attainment)

    if not comp.accelerators:
        value = f(attainment)
    else:
        marks = [(ZERO, ONE)] + [(acc.above, acc.multiplier) for acc in comp.accelerators]
        value = f(ZERO)
        for i, (start, mult) in enumerate(marks):
            if attainment <= start:
                break
            end = marks[i + 1][0] if i + 1 < len(marks) else None
            upto = attainment if end is None else min(attainment, end)
            value += mult * (f(upto) - f(start))
    if comp.cap is not None and comp.cap.factor is not None:
        value = min(value, comp.cap.factor)
    return value


def table_earnings(comp: Component, credited_ytd: Decimal, quota_ytd: Decimal, attainment: Decimal) -> Decimal:
    """Commission on the YTD credited amount by a rate table (retro or marginal)."""
    table = comp.rate_table
    assert table is not None
    if credited_ytd <= 0:
        return ZERO
    if table.mode == "retro":
        rate = table.tiers[0].rate
        for t in table.tiers:
            if attainment >= t.lower:
                rate = t.rate
        return credited_ytd * rate
    total = ZERO
    for t in table.tiers:
        lo = t.lower * quota_ytd
        hi = credited_ytd if t.upper is None else min(credited_ytd, t.upper * quota_ytd)
        if hi > lo:
            total += (hi - lo) * t.rate
    return total


# --- the calculation ---------------------------------------------------------


@dataclass
class _Row:
    payee_id: str
    period: str
    plan_id: str
    component: str
    currency: str
    order: int  # plan component order (draws are booked on the payee's first row)
    credited: Decimal = ZERO
    credited_ytd: Decimal = ZERO
    quota_ytd: Decimal = ZERO
    attainment: Decimal | None = None
    earned: Decimal = ZERO
    earned_ytd: Decimal = ZERO
    paid_before: Decimal = ZERO
    adjustment: Decimal = ZERO
    clawback: Decimal = ZERO
    draw: Decimal = ZERO
    draw_balance: Decimal = ZERO

    @property
    def payout_id(self) -> str:
        return f"{self.payee_id}:{self.period}:{self.component}"

    def as_dict(self, calculated_at: datetime) -> dict[str, Any]:
        return {
            "payout_id": self.payout_id, "payee_id": self.payee_id, "period": self.period, "plan_id": self.plan_id,
            "component": self.component, "credited": cents(self.credited), "credited_ytd": cents(self.credited_ytd),
            "quota_ytd": cents(self.quota_ytd),
            "attainment": None if self.attainment is None else self.attainment.quantize(MICRO, rounding=ROUND_HALF_UP),
            "earned": cents(self.earned), "earned_ytd": cents(self.earned_ytd), "paid_before": cents(self.paid_before),
            "adjustment": cents(self.adjustment), "clawback": cents(self.clawback), "draw": cents(self.draw),
            "draw_balance": cents(self.draw_balance),
            "net_payable": cents(self.earned + self.adjustment + self.clawback + self.draw),
            "currency": self.currency, "calculated_at": calculated_at,
        }


def calculate(
    plans: dict[str, Plan],
    assignments: list[Assignment],
    credits: list[Credit],
    quotas: list[Quota],
    *,
    through_period: str | None = None,
    closed_payouts: list[dict[str, Any]] = (),
    closed_adjustments: list[dict[str, Any]] = (),
    fiscal_year_start_month: int = 1,
    calculated_at: datetime | None = None,
) -> Result:
    """Payouts for every payee x period x component from the first assignment month
    through `through_period` (default: the last period with credits or quotas).

    `closed_payouts` / `closed_adjustments`: the stored rows of closed periods; they
    are returned unchanged, and differences from a recalculation become
    prior-period adjustment lines in the first open period."""
    calculated_at = calculated_at or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    res = Result()
    exc = res.exceptions.append

    # -- plan assignments: known plan, no overlaps --------------------------------
    by_payee: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        if a.plan_id not in plans:
            exc(CompException("unknown_plan", f"payee {a.payee_id}: assigned to plan {a.plan_id!r}, which is not configured "
                              f"(plans: {sorted(plans)})", a.payee_id, key=a.plan_id))
            continue
        plan = plans[a.plan_id]
        lo, hi = max(a.valid_from, plan.effective_from), min(a.valid_to or date.max, plan.effective_to)
        if lo > hi:
            res.warnings.append(f"payee {a.payee_id}: assignment to {a.plan_id} {a.valid_from}..{a.valid_to} is outside the "
                                f"plan's dates {plan.effective_from}..{plan.effective_to}; ignored")
            continue
        by_payee[a.payee_id].append(Assignment(a.payee_id, a.plan_id, lo, hi, a.target_incentive, a.hire_date))
    for payee, lst in by_payee.items():
        lst.sort(key=lambda a: a.valid_from)
        for prev, cur in zip(lst, lst[1:], strict=False):
            if cur.valid_from <= prev.valid_to:
                exc(CompException("overlapping_assignment",
                                  f"payee {payee}: plan {prev.plan_id} {prev.valid_from}..{prev.valid_to} overlaps plan "
                                  f"{cur.plan_id} {cur.valid_from}..{cur.valid_to}", payee, period_of(cur.valid_from)))

    def assignment_on(payee: str, d: date) -> int | None:
        for i, a in enumerate(by_payee.get(payee, ())):
            if a.valid_from <= d <= a.valid_to:
                return i
        return None

    # -- credits: each to its payee's assignment on the credit date ----------------
    component_names = {pid: {c.component for c in p.components} for pid, p in plans.items()}
    by_id: dict[str, Credit] = {}
    where: dict[str, int] = {}  # credit_id -> assignment index
    gross: dict[tuple, Decimal] = defaultdict(Decimal)  # (payee, ai, component, period) -> credited
    spif_amt: dict[tuple, Decimal] = defaultdict(Decimal)
    reversals: list[Credit] = []
    split_total: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    spif_seen: set[tuple] = set()
    for c in credits:
        if c.credit_id in by_id:
            exc(CompException("duplicate_credit", f"credit {c.credit_id} appears twice", c.payee_id, c.period, c.component, c.credit_id))
            continue
        by_id[c.credit_id] = c
    for c in by_id.values():
        if c.cancels_credit_id:
            reversals.append(c)
            continue
        ai = assignment_on(c.payee_id, c.credit_date)
        if ai is None:
            exc(CompException("payee_without_plan", f"credit {c.credit_id}: payee {c.payee_id} has no plan assignment on "
                              f"{c.credit_date}", c.payee_id, c.period, c.component, c.credit_id))
            continue
        plan = plans[by_payee[c.payee_id][ai].plan_id]
        if c.plan_id and c.plan_id != plan.plan_id:
            exc(CompException("plan_mismatch", f"credit {c.credit_id}: credited under plan {c.plan_id} but payee {c.payee_id} "
                              f"is on {plan.plan_id} on {c.credit_date}", c.payee_id, c.period, c.component, c.credit_id))
            continue
        if c.component not in component_names[plan.plan_id]:
            exc(CompException("unknown_component", f"credit {c.credit_id}: plan {plan.plan_id} has no component "
                              f"{c.component!r}", c.payee_id, c.period, c.component, c.credit_id))
            continue
        if c.plan_currency != plan.currency:
            exc(CompException("unknown_currency", f"credit {c.credit_id}: amount in {c.plan_currency}, plan {plan.plan_id} "
                              f"pays in {plan.currency}", c.payee_id, c.period, c.component, c.credit_id))
            continue
        where[c.credit_id] = ai
        gross[(c.payee_id, ai, c.component, c.period)] += c.credit_amount
        if c.credit_type in ("owner", "split"):
            split_total[(c.source_type, c.source_id, c.measure or c.component)][c.payee_id] = c.split_share
        for s in plan.spifs:
            if (s.measure == (c.measure or plan.component(c.component).measure) and c.credit_type in ("owner", "split")
                    and (s.source_ids is None or c.source_id in s.source_ids) and c.credit_amount >= s.min_credit
                    and (c.payee_id, s.spif_id, c.source_id) not in spif_seen):
                spif_seen.add((c.payee_id, s.spif_id, c.source_id))
                spif_amt[(c.payee_id, ai, s.component, c.period)] += s.amount
    # Owner/split shares of one source and measure: more than 100 % is always wrong. Less than 100 %
    # is legitimate here (the rest went to payees on plans that do not count owner/split credit, or
    # to no plan: the crediting marts check the source splits total 100 %), so it is a warning.
    for (stype, sid, measure), shares in split_total.items():
        total = sum(shares.values(), ZERO)
        if total != ONE:
            detail = ", ".join(f"{p} {s}" for p, s in sorted(shares.items()))
            text = f"{stype or 'source'} {sid} ({measure}): split shares sum to {total}, not 1 ({detail})"
            if total > ONE:
                exc(CompException("split_not_100", text, key=f"{stype}:{sid}"))
            else:
                res.warnings.append(text + "; the rest is credited outside the owner/split credit of these plans")

    # -- quotas ---------------------------------------------------------------------
    quota_of: dict[tuple, Quota] = {}
    for q in quotas:
        k = (q.payee_id, q.period, q.component)
        if k in quota_of:
            exc(CompException("duplicate_quota", f"quota for payee {q.payee_id} {q.period} {q.component} appears twice",
                              q.payee_id, q.period, q.component))
        quota_of[k] = q

    # -- reversals: within the window a clawback at the original rate ------------------
    closed_by_id = {r["payout_id"]: r for r in closed_payouts}
    netted: dict[tuple, list[tuple[Credit, Credit]]] = defaultdict(list)  # row key -> (reversal, original)
    standalone: list[tuple[Credit, Credit, int]] = []
    for r in sorted(reversals, key=lambda c: (c.credit_date, c.credit_id)):
        orig = by_id.get(r.cancels_credit_id)
        if orig is None:
            exc(CompException("unknown_cancelled_credit", f"credit {r.credit_id} reverses {r.cancels_credit_id}, which is not "
                              f"in the credits", r.payee_id, r.period, r.component, r.credit_id))
            continue
        if orig.cancels_credit_id:
            res.warnings.append(f"credit {r.credit_id} reverses {orig.credit_id}, itself a reversal; ignored")
            continue
        if orig.credit_id not in where:
            continue  # the original already has an exception
        ai = where[orig.credit_id]
        plan = plans[by_payee[orig.payee_id][ai].plan_id]
        days = (r.credit_date - orig.credit_date).days
        if days > plan.clawback_window_days:
            res.warnings.append(f"credit {r.credit_id}: reversal {days} days after {orig.credit_id} is outside plan "
                                f"{plan.plan_id}'s {plan.clawback_window_days}-day clawback window; not clawed back")
            continue
        same_year = (_fiscal_year(_pidx(r.period), fiscal_year_start_month)
                     == _fiscal_year(_pidx(orig.period), fiscal_year_start_month))
        if assignment_on(orig.payee_id, r.credit_date) == ai and same_year:
            key = (orig.payee_id, ai, orig.component, r.period)
            gross[key] += -abs(r.credit_amount)
            netted[key].append((r, orig))
        else:
            standalone.append((r, orig, ai))

    def original_rate(orig: Credit) -> Decimal:
        """Earned YTD / credited YTD of the original credit's period (as closed, if it is)."""
        closed = closed_by_id.get(f"{orig.payee_id}:{orig.period}:{orig.component}")
        if closed is not None:
            return closed["earned_ytd"] / closed["credited_ytd"] if closed["credited_ytd"] else ZERO
        return rate_at.get((orig.payee_id, orig.component, orig.period), ZERO)

    # -- the periods ----------------------------------------------------------------
    if through_period is None:
        candidates = [c.period for c in by_id.values()] + [q.period for q in quotas]
        candidates += [r["period"] for r in closed_payouts]
        through_period = max(candidates) if candidates else None
    closed_periods = sorted({r["period"] for r in closed_payouts})
    first_open = next_period(closed_periods[-1]) if closed_periods else None
    if first_open and (through_period is None or first_open > through_period):
        through_period = first_open
    if through_period is None:
        return res
    through_idx = _pidx(through_period)
    through_end = date(through_idx // 12, through_idx % 12 + 1, 1)
    through_end = through_end.replace(day=calendar.monthrange(through_end.year, through_end.month)[1])

    rows: dict[tuple, _Row] = {}  # (payee, ai, component, period) -> row
    used_quotas: set[tuple] = set()
    rate_at: dict[tuple, Decimal] = {}
    for payee in sorted(by_payee):
        for ai, a in enumerate(by_payee[payee]):
            plan = plans[a.plan_id]
            end = min(a.valid_to, through_end)
            if end < a.valid_from:
                continue
            fy_prev = None
            for idx in range(_pidx(period_of(a.valid_from)), _pidx(period_of(end)) + 1):
                period = _pstr(idx)
                y, m = idx // 12, idx % 12 + 1
                dim = calendar.monthrange(y, m)[1]
                m_lo, m_hi = max(a.valid_from, date(y, m, 1)), min(end, date(y, m, dim))
                dayfrac = Fraction((m_hi - m_lo).days + 1, dim)
                fy = _fiscal_year(idx, fiscal_year_start_month)
                if fy != fy_prev:
                    fy_prev, months_ytd = fy, Fraction(0)
                    acc = {c.component: [ZERO, ZERO, ZERO, ZERO] for c in plan.components}  # credited, quota, paid, spif
                months_ytd += dayfrac
                ti_ytd = a.target_incentive * Decimal(months_ytd.numerator) / Decimal(months_ytd.denominator) / 12
                payout_month = (plan.payout_frequency == "monthly"
                                or _fiscal_month(idx, fiscal_year_start_month) % 3 == 0
                                or (a.valid_to <= through_end and idx == _pidx(period_of(a.valid_to))))
                att: dict[str, Decimal | None] = {}
                for c in plan.components:
                    st = acc[c.component]
                    credited = gross.get((payee, ai, c.component, period), ZERO)
                    st[0] += credited
                    q = quota_of.get((payee, period, c.component))
                    if q is not None:
                        used_quotas.add((payee, period, c.component))
                        rate = plan.rate(q.currency)
                        if rate is None:
                            exc(CompException("unknown_currency", f"quota of payee {payee} {period} {c.component} is in "
                                              f"{q.currency}; plan {plan.plan_id} has no rate for it", payee, period, c.component))
                            rate = ONE
                        st[1] += q.quota_amount * rate * (dayfrac.numerator / Decimal(dayfrac.denominator))
                    st[3] += spif_amt.get((payee, ai, c.component, period), ZERO)
                    row = _Row(payee, period, plan.plan_id, c.component, plan.currency, plan.components.index(c),
                               credited=credited, credited_ytd=st[0], quota_ytd=st[1])
                    rows[(payee, ai, c.component, period)] = row
                    if st[1] == 0:
                        text = (f"payee {payee} {period} {c.component}: quota YTD is 0 (no quota or zero quota in "
                                f"comp_quotas), attainment undefined")
                        if st[0] != 0 or st[3] != 0:  # something to pay on and nothing to divide by
                            exc(CompException("zero_quota", text, payee, period, c.component))
                        else:  # nothing credited either: earns nothing, reported
                            res.warnings.append(text + "; nothing credited, earns 0")
                        att[c.component] = None
                    else:
                        att[c.component] = row.attainment = st[0] / st[1]
                for c in plan.components:
                    row = rows[(payee, ai, c.component, period)]
                    st = acc[c.component]
                    a_c = att[c.component]
                    raw = ZERO
                    if a_c is not None:
                        gate_ok = c.gate is None or (att[c.gate.component] is not None and att[c.gate.component] >= c.gate.min_attainment)
                        if gate_ok and (c.threshold is None or a_c >= c.threshold):
                            if c.pay_curve is not None:
                                raw = ti_ytd * c.weight * curve_factor(c, a_c)
                            else:
                                raw = table_earnings(c, st[0], st[1], a_c)
                                if c.cap is not None and c.cap.factor is not None:
                                    raw = min(raw, c.cap.factor * ti_ytd * c.weight)
                            if c.cap is not None and c.cap.amount is not None:
                                raw = min(raw, c.cap.amount)
                    row.earned_ytd = cents(raw + st[3])
                    rate_at[(payee, c.component, period)] = (row.earned_ytd / row.credited_ytd) if row.credited_ytd else ZERO
                    # a reversal netted into this year's credits: its clawback (original rate) is carved
                    # out of the true-up, so earned + clawback = earned_ytd - paid_before still holds
                    claw = sum((cents(-abs(r.credit_amount) * original_rate(o))
                                for r, o in netted.get((payee, ai, c.component, period), ())), ZERO)
                    row.clawback = claw
                    row.paid_before = st[2]
                    if payout_month:
                        row.earned = row.earned_ytd - st[2] - claw
                        st[2] = row.earned_ytd
                    else:
                        st[2] += claw

    unused = defaultdict(list)
    for (payee, period, component) in quota_of:
        if (payee, period, component) not in used_quotas and _pidx(period) <= through_idx:
            unused[payee].append(f"{period} {component}")
    for payee, keys in sorted(unused.items()):
        res.warnings.append(f"payee {payee}: {len(keys)} quota row(s) outside any plan assignment or component, not used "
                            f"(e.g. {sorted(keys)[0]})")

    # -- clawbacks not netted in their year: booked at the original rate ------------------
    for r, orig, ai in standalone:
        plan = plans[by_payee[orig.payee_id][ai].plan_id]
        if _pidx(r.period) > through_idx:
            continue
        amount = cents(-abs(r.credit_amount) * original_rate(orig))
        bai = assignment_on(orig.payee_id, r.credit_date)
        key = None
        for k_ai in ([bai] if bai is not None else []) + list(range(len(by_payee[orig.payee_id]))):
            if (orig.payee_id, k_ai, orig.component, r.period) in rows:
                key = (orig.payee_id, k_ai, orig.component, r.period)
                break
        if key is None:  # e.g. a leaver: a row in the cancellation period carries the clawback
            key = (orig.payee_id, ai, orig.component, r.period)
            rows[key] = _Row(orig.payee_id, r.period, plan.plan_id, orig.component, plan.currency,
                             plan.components.index(plan.component(orig.component)))
        rows[key].clawback += amount

    # An exception holds back the payee it belongs to (their open periods are not paid and
    # their closed ones not adjusted until it is fixed); the others are calculated. An
    # exception of no payee stops everything.
    if any(e.payee_id is None for e in res.exceptions):
        return Result(exceptions=res.exceptions, warnings=res.warnings)
    held = res.held_payees
    rows = {k: r for k, r in rows.items() if k[0] not in held}

    # -- draws: guarantee in the first months, recovery from later pay ------------------
    per_payee_period: dict[str, dict[str, list[_Row]]] = defaultdict(lambda: defaultdict(list))
    for (payee, _ai, _comp, period), row in rows.items():
        per_payee_period[payee][period].append(row)
    for payee in sorted(by_payee):
        draws = [(a, plans[a.plan_id].draws[0]) for a in by_payee[payee] if plans[a.plan_id].draws]
        if not draws:  # no draw in any of the payee's plans: nothing to guarantee or recover
            continue
        balance, share = ZERO, ONE
        for period in sorted(per_payee_period[payee]):
            prow = sorted(per_payee_period[payee][period], key=lambda r: (r.plan_id, r.order))
            pay = sum((r.earned + r.clawback for r in prow), ZERO)
            guarantee, recoverable = None, False
            for a, d in draws:
                start = max(a.valid_from, a.hire_date) if a.hire_date else a.valid_from
                if d.new_hires_only and (a.hire_date is None or a.hire_date < plans[a.plan_id].effective_from):
                    continue
                k = _pidx(period) - _pidx(period_of(start))
                if 0 <= k < d.months:
                    y, m = divmod(_pidx(period), 12)
                    dim = calendar.monthrange(y, m + 1)[1]
                    lo = max(start, date(y, m + 1, 1))
                    hi = min(a.valid_to, date(y, m + 1, dim))
                    if hi >= lo:
                        guarantee = cents(d.amount * Decimal((hi - lo).days + 1) / dim)  # prorated by days
                        recoverable, share = d.type == "recoverable", d.recovery_share
            draw = ZERO
            if guarantee is not None:
                draw = max(ZERO, guarantee - pay)
                if recoverable:
                    balance += draw
            elif balance > 0 and pay > 0:
                draw = -min(balance, cents(pay * share))
                balance += draw
            prow[0].draw = draw
            prow[0].draw_balance = balance

    # -- merge same payout_id (a mid-month plan change with a shared component name) ---
    merged: dict[str, _Row] = {}
    for key in sorted(rows, key=lambda k: (k[0], k[3], k[1], rows[k].order)):
        row = rows[key]
        prev = merged.get(row.payout_id)
        if prev is None:
            merged[row.payout_id] = row
            continue
        for f in ("credited", "earned", "clawback", "draw"):
            setattr(row, f, getattr(row, f) + getattr(prev, f))
        row.draw_balance = row.draw_balance if row.draw or row.draw_balance else prev.draw_balance
        merged[row.payout_id] = row  # the later plan segment's YTD figures

    # -- closed periods: frozen; differences become prior-period adjustments ------------
    closed_set = set(closed_periods)
    booked: dict[str, Decimal] = defaultdict(Decimal)  # corrects_payout_id -> already adjusted (in closed periods)
    for adj in closed_adjustments:
        booked[adj["corrects_payout_id"]] += adj["amount"]
    adjustments: list[dict[str, Any]] = []
    if closed_set:
        new_closed = {pid: r for pid, r in merged.items() if r.period in closed_set}
        for pid in sorted(set(new_closed) | set(closed_by_id)):
            new, old = new_closed.get(pid), closed_by_id.get(pid)
            if (new.payee_id if new else old["payee_id"]) in held:
                continue
            new_value = (new.earned + new.clawback + new.draw) if new else ZERO
            old_value = (old["earned"] + old["clawback"] + old["draw"]) if old else ZERO
            diff = new_value - old_value - booked.get(pid, ZERO)
            if diff == 0:
                continue
            src = new or old
            payee = new.payee_id if new else old["payee_id"]
            component = new.component if new else old["component"]
            parts = []
            for f in ("earned", "clawback", "draw"):
                was = old[f] if old else ZERO
                now = getattr(new, f) if new else ZERO
                if was != now:
                    parts.append(f"{f} {was} -> {now}")
            if booked.get(pid):
                parts.append(f"{booked[pid]} adjusted before")
            adjustments.append({
                "adjustment_id": f"{first_open}:{pid}", "payee_id": payee, "period": first_open,
                "corrects_period": src.period if new else old["period"], "corrects_payout_id": pid,
                "component": component, "amount": diff,
                "reason": "recalculated closed period: " + "; ".join(parts),
            })
            target = f"{payee}:{first_open}:{component}"
            if target not in merged:
                plan_id = new.plan_id if new else old["plan_id"]
                currency = new.currency if new else old["currency"]
                merged[target] = _Row(payee, first_open, plan_id, component, currency, 0)
            merged[target].adjustment += diff

    out = [closed_by_id[pid] for pid in sorted(closed_by_id)]
    out += [r.as_dict(calculated_at) for pid, r in sorted(merged.items(), key=lambda kv: (kv[1].period, kv[0]))
            if r.period not in closed_set]
    out.sort(key=lambda r: (r["period"], r["payout_id"]))
    res.payouts = out
    res.adjustments = adjustments
    res.periods = sorted({r["period"] for r in out})
    return res


# --- checksums ---------------------------------------------------------------


def checksum(rows: list[dict[str, Any]]) -> str:
    """sha256 of a period's payout rows sorted by payout_id (every column but calculated_at;
    decimals in their fixed scale), e.g. to prove a closed period never changed."""
    h = hashlib.sha256()
    cols = [c for c in PAYOUT_COLUMNS if c != "calculated_at"]
    for r in sorted(rows, key=lambda r: r["payout_id"]):
        vals = []
        for c in cols:
            v = r.get(c)
            if isinstance(v, Decimal):
                v = v.quantize(MICRO if c == "attainment" else CENT, rounding=ROUND_HALF_UP)
            vals.append("" if v is None else str(v))
        h.update(("\x1f".join(vals) + "\n").encode())
    return h.hexdigest()
