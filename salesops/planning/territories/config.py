"""config/territories.yml: workload drivers, capacity, key accounts, units, objective weights, solver.

Validated on load (pydantic, unknown keys are errors); every error names the
file, the key path and the rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from salesops.paths import CONFIG_DIR

DEFAULT_CONFIG = CONFIG_DIR / "territories.yml"


class TerritoryConfigError(ValueError):
    """The territory configuration, or the data it is applied to, breaks a rule (message names item and rule)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SegmentDriver(_Strict):
    calls_per_year: Decimal = Field(ge=0, description="Visits/calls per account per year.")
    hours_per_call: Decimal = Field(ge=0, description="Hours per call, travel included.")

    @property
    def hours_per_year(self) -> Decimal:
        return self.calls_per_year * self.hours_per_call


class Workload(_Strict):
    segments: dict[str, SegmentDriver] = Field(min_length=1)


class Capacity(_Strict):
    default_hours_per_year: Decimal = Field(gt=0)
    by_rep: dict[str, Decimal] = Field(default_factory=dict, description="CRM user id -> hours per year.")


class KeyAccounts(_Strict):
    segments: list[str] = Field(default_factory=list, description="Accounts of these segments stay with their owner.")
    use_crm_flag: bool = Field(True, description="Accounts flagged is_key_account in the CRM stay with their owner.")
    account_ids: list[str] = Field(default_factory=list, description="Further accounts that stay with their owner.")


class Units(_Strict):
    keep_city_together: bool = True
    split_cities: list[str] = Field(default_factory=list,
                                    description="Cities whose accounts are aligned one by one (account = unit).")


class Objective(_Strict):
    potential_weight: Decimal = Field(Decimal(1), ge=0)
    workload_weight: Decimal = Field(Decimal(1), ge=0)
    disruption_weight: Decimal = Field(Decimal("0.5"), ge=0)


class Solver(_Strict):
    method: Literal["highs", "greedy"] = "highs"
    time_limit_seconds: float = Field(30.0, gt=0)
    mip_rel_gap: float = Field(0.001, ge=0)
    max_utilization: Decimal | None = Field(None, gt=0, description="Hard cap: workload <= this x capacity.")
    warm_start: bool = Field(True, description="Start HiGHS from the greedy solution.")
    max_nodes: int | None = Field(None, gt=0, description="Branch-and-bound node limit: unlike the time limit, "
                                  "gives the same proposal on any machine.")


class TerritoryConfig(_Strict):
    territory_roles: list[str] = Field(default_factory=lambda: ["rep"], min_length=1,
                                       description="HR sales_role values that hold a territory.")
    workload: Workload
    capacity: Capacity
    key_accounts: KeyAccounts = KeyAccounts()
    units: Units = Units()
    objective: Objective = Objective()
    solver: Solver = Solver()
    accounts_without_region: Literal["error", "keep"] = Field(
        "error", description="Accounts whose owner has no region on the as-of date: stop (error) or keep them "
        "with their owner, outside the alignment (keep).")
    source: str = Field("<memory>", exclude=True)


def _loc(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "<root>"


def parse_config(data: object, source: str = "<memory>") -> TerritoryConfig:
    """Validate a config mapping; errors name the source, the key path and the rule."""
    if not isinstance(data, dict):
        raise TerritoryConfigError(f"{source}: the file must be a mapping of keys (got {type(data).__name__})")
    try:
        cfg = TerritoryConfig.model_validate({**data, "source": source})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            rule = "unknown key (not allowed; check the spelling)" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"{source}: {_loc(err['loc'])}: {rule}")
        raise TerritoryConfigError("\n".join(lines)) from None
    for rep, hours in cfg.capacity.by_rep.items():
        if hours <= 0:
            raise TerritoryConfigError(f"{source}: capacity.by_rep.{rep}: capacity must be > 0 hours per year "
                                       f"(got {hours}); leave a rep out of territory_roles instead")
    if cfg.solver.max_utilization is not None and cfg.solver.method == "greedy":
        raise TerritoryConfigError(f"{source}: solver.max_utilization: needs solver.method highs (the greedy "
                                   "heuristic does not enforce a capacity cap)")
    for seg in cfg.key_accounts.segments:
        if seg not in cfg.workload.segments:
            raise TerritoryConfigError(f"{source}: key_accounts.segments: unknown segment {seg!r} "
                                       f"(known: {', '.join(sorted(cfg.workload.segments))})")
    return cfg


def load_config(path: Path | str | None = None) -> TerritoryConfig:
    path = Path(path) if path else DEFAULT_CONFIG
    if not path.exists():
        raise TerritoryConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TerritoryConfigError(f"{path}: not valid YAML: {exc}") from None
    return parse_config(data, str(path))
