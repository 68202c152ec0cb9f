"""Compensation plans as YAML config (`config/compensation/plans/*.yml`).

Each file is one plan, validated with pydantic on load (`extra="forbid"`: an
unknown key is an error). Numbers in the YAML are read as exact decimals
(never through float). A validation error names the file, the plan and the
field path, e.g.

    config/compensation/plans/ae_2026.yml: plan AE_2026: components.0.pay_curve:
    points must be ordered by attainment without repeats (0.5 after 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from salesops import warehouse
from salesops.paths import CONFIG_DIR
from salesops.settings import Settings

PLANS_DIR = CONFIG_DIR / "compensation" / "plans"

Measure = Literal["bookings", "invoiced_revenue", "collected_cash", "new_logos", "strategic_revenue", "margin"]
CreditType = Literal["owner", "split", "overlay", "rollup"]
NonNeg = Annotated[Decimal, Field(ge=0)]


class PlanConfigError(ValueError):
    """A plan file is invalid; the message names the file, the plan and the field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CurvePoint(_Model):
    attainment: NonNeg  # fraction of quota (1.0 = 100 %)
    payout: NonNeg  # payout factor: fraction of the component's target incentive


class Accelerator(_Model):
    """Above `above` attainment the curve's slope is multiplied by `multiplier`
    (> 1 accelerator, < 1 decelerator). Several apply in order of `above`."""

    above: NonNeg
    multiplier: NonNeg


class Tier(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    lower: NonNeg = Field(alias="from")  # attainment fraction where the tier starts (inclusive)
    upper: NonNeg | None = Field(None, alias="to")  # where it ends (exclusive); null = open-ended (last tier)
    rate: NonNeg  # commission rate on credited amount (0.02 = 2 %)


class RateTable(_Model):
    """Commission on the credited amount. `retro`: the whole YTD credited amount at
    the rate of the tier the YTD attainment reached. `marginal`: each slice of
    credited amount (tier bounds x YTD quota) at its own rate."""

    mode: Literal["retro", "marginal"]
    tiers: list[Tier] = Field(min_length=1)

    @field_validator("tiers")
    @classmethod
    def _contiguous(cls, tiers: list[Tier]) -> list[Tier]:
        if tiers[0].lower != 0:
            raise ValueError(f"the first tier must start at 0, not {tiers[0].lower}")
        for i, t in enumerate(tiers):
            last = i == len(tiers) - 1
            if t.upper is None and not last:
                raise ValueError(f"tier {i} is open-ended (to: null) but is not the last tier")
            if t.upper is not None and t.upper <= t.lower:
                raise ValueError(f"tier {i} ends ({t.upper}) at or before it starts ({t.lower})")
            if not last:
                nxt = tiers[i + 1].lower
                if nxt > t.upper:
                    raise ValueError(f"gap between tier {i} (to {t.upper}) and tier {i + 1} (from {nxt})")
                if nxt < t.upper:
                    raise ValueError(f"tier {i} (to {t.upper}) overlaps tier {i + 1} (from {nxt})")
        if tiers[-1].upper is not None:
            raise ValueError("the last tier must be open-ended (to: null) so every attainment has a rate")
        return tiers


class Gate(_Model):
    component: str  # the component whose YTD attainment opens the gate
    min_attainment: NonNeg


class Cap(_Model):
    """At most `factor` x the component's YTD target incentive, or `amount` per fiscal year."""

    factor: NonNeg | None = None
    amount: NonNeg | None = None

    @model_validator(mode="after")
    def _one(self) -> Cap:
        if (self.factor is None) == (self.amount is None):
            raise ValueError("give exactly one of factor or amount")
        return self


class Component(_Model):
    component: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    measure: Measure
    weight: Annotated[Decimal, Field(ge=0, le=1)]
    credit_types: list[CreditType] = Field(default_factory=lambda: ["owner", "split"], min_length=1)
    quota_source: Literal["targets", "crm"] = "targets"
    pay_curve: list[CurvePoint] | None = None
    rate_table: RateTable | None = None
    threshold: NonNeg | None = None  # below this YTD attainment the component earns nothing
    gate: Gate | None = None
    cap: Cap | None = None
    accelerators: list[Accelerator] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rule(self) -> Component:
        if (self.pay_curve is None) == (self.rate_table is None):
            raise ValueError("give exactly one payout rule: pay_curve or rate_table")
        if self.pay_curve is not None:
            pts = self.pay_curve
            if len(pts) < 2:
                raise ValueError("pay_curve: at least two points")
            if pts[0].attainment != 0:
                raise ValueError(f"pay_curve: the first point must be at attainment 0, not {pts[0].attainment} (gap below it)")
            for a, b in zip(pts, pts[1:], strict=False):
                if b.attainment <= a.attainment:
                    raise ValueError(f"pay_curve: points must be ordered by attainment without repeats or overlaps "
                                     f"({b.attainment} after {a.attainment})")
                if b.payout < a.payout:
                    raise ValueError(f"pay_curve: payout must not decrease (attainment {b.attainment}: {b.payout} < {a.payout})")
        if self.accelerators:
            if self.pay_curve is None:
                raise ValueError("accelerators apply to a pay_curve (express a rate table's acceleration as tiers)")
            above = [a.above for a in self.accelerators]
            if above != sorted(above) or len(set(above)) != len(above):
                raise ValueError(f"accelerators: 'above' must be strictly increasing, got {[str(a) for a in above]}")
        return self


class TargetIncentive(_Model):
    """Annual target incentive: a fixed `amount` in plan currency, or `percent_of_base`
    of the HR base salary (restricted data: only the engine reads it)."""

    amount: NonNeg | None = None
    percent_of_base: NonNeg | None = None

    @model_validator(mode="after")
    def _one(self) -> TargetIncentive:
        if (self.amount is None) == (self.percent_of_base is None):
            raise ValueError("give exactly one of amount or percent_of_base")
        return self


class Draw(_Model):
    """A monthly guaranteed minimum for the first `months` months: the draw pays
    `amount` minus what the payee earned that month (never below 0). Recoverable
    draws build a balance that later earnings repay (at most `recovery_share` of a
    month's pay); non-recoverable draws are never recovered."""

    type: Literal["recoverable", "non_recoverable"]
    amount: Annotated[Decimal, Field(gt=0)]
    months: Annotated[int, Field(ge=1, le=24)]
    new_hires_only: bool = True  # only payees hired on or after the plan's effective_from
    recovery_share: Annotated[Decimal, Field(gt=0, le=1)] = Decimal(1)


class Spif(_Model):
    """A fixed amount per credited deal: credits of `measure` (optionally only the
    listed `source_ids`) pay `amount` each, booked on `component`."""

    spif_id: str
    component: str
    amount: Annotated[Decimal, Field(gt=0)]
    measure: Measure
    source_ids: list[str] | None = None
    min_credit: NonNeg = Decimal(0)


class Eligibility(_Model):
    role: str  # HR sales_role: rep / manager / director / ops
    levels: list[str] | None = None  # HR job_level; null = any level (a level-specific rule wins)
    valid_from: date | None = None  # defaults: the plan's dates
    valid_to: date | None = None


class Plan(_Model):
    plan_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = ""
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    effective_from: date
    effective_to: date
    eligibility: list[Eligibility] = Field(default_factory=list)
    target_incentive: TargetIncentive
    payout_frequency: Literal["monthly", "quarterly"] = "monthly"
    components: list[Component] = Field(min_length=1)
    draws: list[Draw] = Field(default_factory=list, max_length=1)
    clawback_window_days: Annotated[int, Field(ge=0)] = 0
    spifs: list[Spif] = Field(default_factory=list)
    fx_rates: dict[str, Annotated[Decimal, Field(gt=0)]] = Field(default_factory=dict)  # currency -> plan-currency units

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        if self.effective_to < self.effective_from:
            raise ValueError(f"effective_to {self.effective_to} is before effective_from {self.effective_from}")
        names = [c.component for c in self.components]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"components: duplicate component {dup}")
        total = sum((c.weight for c in self.components), Decimal(0))
        if total != 1:
            raise ValueError(f"components: weights must sum to 1, they sum to {total}")
        for c in self.components:
            if c.gate is not None:
                if c.gate.component not in names:
                    raise ValueError(f"components.{c.component}.gate: unknown component {c.gate.component!r} (plan has {names})")
                if c.gate.component == c.component:
                    raise ValueError(f"components.{c.component}.gate: a component cannot gate itself")
        for s in self.spifs:
            if s.component not in names:
                raise ValueError(f"spifs.{s.spif_id}: unknown component {s.component!r} (plan has {names})")
        for cur in self.fx_rates:
            if len(cur) != 3 or not cur.isupper():
                raise ValueError(f"fx_rates: {cur!r} is not an ISO currency code")
        if self.currency in self.fx_rates and self.fx_rates[self.currency] != 1:
            raise ValueError(f"fx_rates: the plan currency {self.currency} must have rate 1")
        for e in self.eligibility:
            lo, hi = e.valid_from or self.effective_from, e.valid_to or self.effective_to
            if hi < lo:
                raise ValueError(f"eligibility {e.role}: valid_to {hi} is before valid_from {lo}")
        return self

    def component(self, name: str) -> Component:
        for c in self.components:
            if c.component == name:
                return c
        raise KeyError(name)

    def rate(self, currency: str) -> Decimal | None:
        """Plan-currency units per unit of `currency` (1 for the plan currency), None if unknown."""
        if currency == self.currency:
            return Decimal(1)
        return self.fx_rates.get(currency)


# --- loading -----------------------------------------------------------------


class _DecimalLoader(yaml.SafeLoader):
    """YAML floats become Decimal from their text (0.6 stays exactly 0.6)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def _format_error(path: Path | str, plan_id: str, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(plan)"
        msg = e["msg"].removeprefix("Value error, ")
        lines.append(f"{path}: plan {plan_id}: {loc}: {msg}")
    return "\n".join(lines)


def parse_plan(data: Any, source: Path | str = "<plan>") -> Plan:
    if not isinstance(data, dict):
        raise PlanConfigError(f"{source}: a plan file must be a mapping, got {type(data).__name__}")
    plan_id = str(data.get("plan_id", "?"))
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        raise PlanConfigError(_format_error(source, plan_id, err)) from None


def load_plan(path: Path | str) -> Plan:
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DecimalLoader)  # noqa: S506 (SafeLoader subclass)
    except yaml.YAMLError as err:
        raise PlanConfigError(f"{path}: not valid YAML: {err}") from None
    return parse_plan(data, _display(path))


def load_plans(directory: Path | str | None = None) -> dict[str, Plan]:
    """Every `*.yml`/`*.yaml` plan in the directory, by plan_id (duplicate ids are an error)."""
    directory = Path(directory or PLANS_DIR)
    plans: dict[str, Plan] = {}
    origin: dict[str, Path] = {}
    errors: list[str] = []
    for path in sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")]):
        try:
            plan = load_plan(path)
        except PlanConfigError as err:
            errors.append(str(err))
            continue
        if plan.plan_id in plans:
            errors.append(f"{_display(path)}: plan {plan.plan_id}: plan_id: already defined in {_display(origin[plan.plan_id])}")
            continue
        plans[plan.plan_id] = plan
        origin[plan.plan_id] = path
    if errors:
        raise PlanConfigError("\n".join(errors))
    return plans


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(CONFIG_DIR.parent))
    except ValueError:
        return str(path)


# --- warehouse config rows (read by the crediting marts) ----------------------

COMPONENT_COLUMNS = {
    "plan_id": "varchar", "plan_currency": "varchar", "component": "varchar", "measure": "varchar",
    "credit_types": "varchar", "weight": "decimal(9,6)", "quota_source": "varchar",
    "valid_from": "date", "valid_to": "date",
}
ELIGIBILITY_COLUMNS = {"plan_id": "varchar", "role": "varchar", "level": "varchar", "valid_from": "date", "valid_to": "date"}
FX_COLUMNS = {"plan_id": "varchar", "currency": "varchar", "rate": "decimal(18,8)"}


def component_rows(plans: dict[str, Plan]) -> list[dict[str, Any]]:
    return [
        {"plan_id": p.plan_id, "plan_currency": p.currency, "component": c.component, "measure": c.measure,
         "credit_types": ",".join(c.credit_types), "weight": c.weight, "quota_source": c.quota_source,
         "valid_from": p.effective_from, "valid_to": p.effective_to}
        for p in plans.values() for c in p.components
    ]


def eligibility_rows(plans: dict[str, Plan]) -> list[dict[str, Any]]:
    rows = []
    for p in plans.values():
        for e in p.eligibility:
            for level in e.levels or [None]:
                rows.append({"plan_id": p.plan_id, "role": e.role, "level": level,
                             "valid_from": e.valid_from or p.effective_from, "valid_to": e.valid_to or p.effective_to})
    return rows


def fx_rows(plans: dict[str, Plan]) -> list[dict[str, Any]]:
    rows = []
    for p in plans.values():
        rates = {p.currency: Decimal(1), **p.fx_rates}
        rows += [{"plan_id": p.plan_id, "currency": cur, "rate": rate} for cur, rate in sorted(rates.items())]
    return rows


# --- plan assignment from HR -------------------------------------------------


@dataclass(frozen=True)
class JobAssignment:
    """One HR job assignment of a payee (CRM user id), effective-dated."""

    payee_id: str
    role: str
    level: str | None
    valid_from: date
    valid_to: date | None  # inclusive; None = current


def eligible_plan_spans(plans: dict[str, Plan], jobs: list[JobAssignment]) -> list[tuple[JobAssignment, str, date, date]]:
    """(job, plan_id, from, to) for every overlap of a job assignment with a plan's
    eligibility. A level-specific rule wins over a role-wide one for the same
    role; two plans still matching the same day are returned both (the engine
    reports them as an overlapping plan assignment)."""
    rules = eligibility_rows(plans)
    out = []
    for job in jobs:
        matching = [r for r in rules if r["role"] == job.role and (r["level"] is None or r["level"] == job.level)]
        if any(r["level"] is not None for r in matching):
            matching = [r for r in matching if r["level"] is not None]
        jto = job.valid_to or date.max
        for r in matching:
            lo, hi = max(job.valid_from, r["valid_from"]), min(jto, r["valid_to"])
            if lo <= hi:
                out.append((job, r["plan_id"], lo, hi))
    return out


def write_plan_tables(settings: Settings, plans: dict[str, Plan]) -> dict[str, int]:
    """config.comp_plan_components / comp_plan_eligibility / comp_plan_fx, replaced together."""
    tables = {"comp_plan_components": (COMPONENT_COLUMNS, component_rows(plans)),
              "comp_plan_eligibility": (ELIGIBILITY_COLUMNS, eligibility_rows(plans)),
              "comp_plan_fx": (FX_COLUMNS, fx_rows(plans))}
    with warehouse.transaction(settings) as conn:
        for table, (columns, rows) in tables.items():
            warehouse.replace_in(conn, "config", table, columns, rows)
    return {t: len(rows) for t, (_, rows) in tables.items()}
