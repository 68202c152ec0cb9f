"""The plan config (YAML): one file per plan version, validated on load.

Numbers are read as `Decimal` (YAML floats never become Python floats), unknown
keys are errors, and every error names the file, the key path and the rule.
See docs/targets.md for the reference.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# Levels in their only possible order (any of the middle ones may be skipped).
LEVEL_ORDER = ("company", "business_unit", "region", "team", "rep", "product_line", "month")
ORG_LEVELS = ("business_unit", "region", "team")
WEIGHT_METHODS = ("even", "prior_year", "trailing_12m", "potential", "pipeline")
Method = Literal["even", "prior_year", "trailing_12m", "potential", "pipeline", "blend", "seasonality"]


class PlanConfigError(ValueError):
    """A plan config that cannot be used (message names file, key path and rule)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    amount: Decimal | None = Field(None, description="Company annual target in `currency`.")
    growth: Decimal | None = Field(None, description="Or: prior-year company bookings x (1 + growth), rounded to the unit.")
    currency: str = Field(pattern=r"^[A-Z]{3}$")

    @field_validator("amount")
    @classmethod
    def _positive(cls, v: Decimal | None) -> Decimal | None:
        if v is not None and (not v.is_finite() or v <= 0):
            raise ValueError(f"must be a positive amount, got {v}")
        return v

    @model_validator(mode="after")
    def _one(self) -> Target:
        if (self.amount is None) == (self.growth is None):
            raise ValueError("give exactly one of `amount` (the target) or `growth` (vs prior-year bookings)")
        if self.growth is not None and self.growth <= -1:
            raise ValueError(f"growth must be above -1, got {self.growth}")
        return self


class Bounds(_Strict):
    """Growth versus the node's prior-year actual: floor <= target / PY - 1 <= cap."""

    floor: Decimal | None = None
    cap: Decimal | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.floor is not None and self.floor < -1:
            raise ValueError(f"floor {self.floor} is below -1 (a target cannot be negative)")
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError(f"floor {self.floor} is above cap {self.cap}")
        return self


class Growth(Bounds):
    nodes: dict[str, Bounds] = Field(default_factory=dict, description="By node key, path or name: overrides the level's bounds.")

    def for_node(self, key: str, path: str, name: str = "") -> Bounds:
        b = self.nodes.get(key) or self.nodes.get(path) or self.nodes.get(name)
        if b is None:
            return Bounds(floor=self.floor, cap=self.cap)
        return Bounds(floor=b.floor if b.floor is not None else self.floor, cap=b.cap if b.cap is not None else self.cap)


class Potential(_Strict):
    source: Literal["crm_accounts", "csv"] = "crm_accounts"
    file: str | None = Field(None, description="CSV in config/targets/ (columns level,key,potential_amount); source csv only.")

    @model_validator(mode="after")
    def _file(self) -> Potential:
        if self.source == "csv" and not self.file:
            raise ValueError("source csv needs `file`")
        if self.source == "crm_accounts" and self.file:
            raise ValueError("`file` is only for source csv")
        return self


class Level(_Strict):
    level: Literal["business_unit", "region", "team", "rep", "product_line", "month"]
    method: Method = "even"
    blend: dict[Literal["even", "prior_year", "trailing_12m", "potential", "pipeline"], Decimal] | None = None
    pad: Decimal = Field(Decimal(0), description="Over-assignment when allocating this level from its parent (0.05 = 5 %).")
    fixed: dict[str, Decimal] = Field(default_factory=dict, description="Manual amounts by node key, path or name.")
    growth: Growth | None = None
    potential: Potential = Field(default_factory=Potential)
    weighted_pipeline: bool = Field(False, description="pipeline: probability-weighted amounts instead of full amounts.")

    @model_validator(mode="before")
    @classmethod
    def _month_default(cls, data):
        if isinstance(data, dict) and data.get("level") == "month" and "method" not in data:
            data = {**data, "method": "seasonality"}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Level:
        if self.level == "month":
            if self.method != "seasonality":
                raise ValueError("the month level is split by seasonality; method must be `seasonality`")
            if self.fixed or self.growth or self.blend:
                raise ValueError("the month level takes only `pad` (split by seasonality)")
        elif self.method == "seasonality":
            raise ValueError("method `seasonality` is only for the month level")
        if self.method == "blend":
            if not self.blend:
                raise ValueError("method blend needs `blend: {method: weight, ...}`")
            if any(w < 0 for w in self.blend.values()):
                raise ValueError("blend weights must not be negative")
            if sum(self.blend.values()) != 1:
                raise ValueError(f"blend weights must sum to 1, got {sum(self.blend.values())}")
        elif self.blend is not None:
            raise ValueError("`blend` is only for method blend")
        if self.pad < 0 or self.pad >= 1:
            raise ValueError(f"pad must be in [0, 1), got {self.pad}")
        for key, amount in self.fixed.items():
            if amount < 0:
                raise ValueError(f"fixed amount of {key!r} is negative ({amount})")
        return self

    def methods_used(self) -> set[str]:
        return set(self.blend) if self.method == "blend" and self.blend else {self.method}


class Seasonality(_Strict):
    method: Literal["history", "list"] = "history"
    years: int = Field(3, ge=1, le=10, description="history: average the monthly shares of up to this many full fiscal years.")
    shares: list[Decimal] | None = Field(None, description="list: 12 shares in fiscal-month order, summing to exactly 1.")

    @model_validator(mode="after")
    def _shares(self) -> Seasonality:
        if self.method == "list":
            if not self.shares or len(self.shares) != 12:
                raise ValueError(f"method list needs 12 shares, got {len(self.shares or [])}")
            if any(s < 0 for s in self.shares):
                raise ValueError("shares must not be negative")
            if sum(self.shares) != 1:
                raise ValueError(f"shares must sum to exactly 1, got {sum(self.shares)}")
        elif self.shares is not None:
            raise ValueError("`shares` is only for method list")
        return self


class Ramp(_Strict):
    curve: list[Decimal] = Field(description="Quota factor by tenure month (1 = hire month); 1 after the curve ends.")

    @field_validator("curve")
    @classmethod
    def _factors(cls, v: list[Decimal]) -> list[Decimal]:
        if not v:
            raise ValueError("curve must not be empty")
        if any(f < 0 or f > 1 for f in v):
            raise ValueError("every ramp factor must be between 0 and 1")
        return v


DEFAULT_LEVELS = (Level(level="business_unit"), Level(level="region"), Level(level="rep"),
                  Level(level="product_line"), Level(level="month", method="seasonality"))


class PlanConfig(_Strict):
    plan_id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    version: int = Field(ge=1)
    status: Literal["draft", "published"] = "draft"
    description: str = ""
    fiscal_year: int = Field(ge=1900, le=2999)
    effective_from: date
    roster_date: date | None = Field(None, description="Reps assigned on this date carry the plan (default effective_from).")
    history_cutoff: date | None = Field(None, description="trailing_12m / pipeline are measured before this date (default effective_from).")
    target: Target
    rounding_unit: Decimal = Decimal("0.01")
    rep_roles: list[str] = Field(default_factory=lambda: ["rep"])
    levels: list[Level] = Field(default_factory=lambda: list(DEFAULT_LEVELS))
    seasonality: Seasonality = Field(default_factory=Seasonality)
    ramp: Ramp | None = None

    @field_validator("rounding_unit")
    @classmethod
    def _unit(cls, v: Decimal) -> Decimal:
        if not v.is_finite() or v <= 0:
            raise ValueError(f"must be positive, got {v}")
        if v < Decimal("0.01") or (v < 1 and (Decimal(1) / v) % 1 != 0) or (v >= 1 and v % 1 != 0):
            raise ValueError(f"must be a whole number or 0.1 / 0.01 (amounts are decimal(18,2)), got {v}")
        return v

    @model_validator(mode="after")
    def _levels(self) -> PlanConfig:
        names = [lv.level for lv in self.levels]
        if len(set(names)) != len(names):
            raise ValueError(f"levels: a level appears twice ({names})")
        if names != sorted(names, key=LEVEL_ORDER.index):
            raise ValueError(f"levels: must follow the order {' -> '.join(LEVEL_ORDER[1:])} (any may be skipped), got {names}")
        if not names or names[-1] != "month":
            raise ValueError("levels: the last level must be `month` (leaf rows are months)")
        if len(names) < 2:
            raise ValueError("levels: need at least one level between company and month")
        if self.ramp is not None and "rep" not in names:
            raise ValueError("ramp: needs a `rep` level")
        if self.target.amount is not None and self.target.amount % self.rounding_unit != 0:
            raise ValueError(f"target.amount {self.target.amount} is not a multiple of rounding_unit {self.rounding_unit}")
        for lv in self.levels:
            for key, amount in lv.fixed.items():
                if amount % self.rounding_unit != 0:
                    raise ValueError(f"levels.{lv.level}.fixed.{key}: {amount} is not a multiple of rounding_unit {self.rounding_unit}")
        return self

    # -- derived -------------------------------------------------------------
    @property
    def roster_on(self) -> date:
        return self.roster_date or self.effective_from

    @property
    def cutoff(self) -> date:
        return self.history_cutoff or self.effective_from

    def level(self, name: str) -> Level | None:
        return next((lv for lv in self.levels if lv.level == name), None)

    def methods_used(self) -> set[str]:
        used: set[str] = set()
        for lv in self.levels:
            used |= lv.methods_used()
            if lv.growth is not None:
                used.add("prior_year")
        if self.target.growth is not None:
            used.add("prior_year")
        return used

    def checksum(self) -> str:
        """sha256 of the parsed config (comments and formatting do not count)."""
        return hashlib.sha256(json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


# -- loading ----------------------------------------------------------------

class _DecimalLoader(yaml.SafeLoader):
    """YAML floats become Decimal (0.1 stays exactly 0.1)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(None, None, f"not a number: {text!r}", node.start_mark) from None


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def _loc(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def load_plan(path: Path | str) -> PlanConfig:
    """Load and validate a plan YAML; PlanConfigError names file, key path and rule."""
    path = Path(path)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_DecimalLoader)  # noqa: S506 (safe loader subclass)
    except FileNotFoundError:
        raise PlanConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise PlanConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise PlanConfigError(f"{path}: (top level): must be a mapping of keys, got {type(doc).__name__}")
    try:
        return PlanConfig.model_validate(doc)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            rule = "unknown key (misspelled?)" if err["type"] == "extra_forbidden" else err["msg"]
            if rule.startswith("Value error, "):
                rule = rule[len("Value error, "):]
            lines.append(f"{path}: {_loc(err['loc'])}: {rule}")
        raise PlanConfigError("\n".join(lines)) from None


def load_potential_csv(path: Path) -> dict[tuple[str, str], Decimal]:
    """Market potential from a CSV (columns level,key,potential_amount) -> {(level, key): amount}."""
    out: dict[tuple[str, str], Decimal] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"level", "key", "potential_amount"} - set(reader.fieldnames or [])
            if missing:
                raise PlanConfigError(f"{path}: missing column(s) {sorted(missing)} (need level,key,potential_amount)")
            for n, row in enumerate(reader, start=2):
                try:
                    amount = Decimal(row["potential_amount"])
                except InvalidOperation:
                    raise PlanConfigError(f"{path}: row {n}: potential_amount {row['potential_amount']!r} is not a number") from None
                if not amount.is_finite() or amount < 0:
                    raise PlanConfigError(f"{path}: row {n}: potential_amount must not be negative ({amount})")
                k = (row["level"].strip(), row["key"].strip())
                if k in out:
                    raise PlanConfigError(f"{path}: row {n}: duplicate level/key {k}")
                out[k] = amount
    except FileNotFoundError:
        raise PlanConfigError(f"{path}: file not found") from None
    return out
