"""The funnel standard (config/funnel.yml): load, validate, turn into warehouse rows.

Plain functions, no Dagster. Every error names the file, the key path and the
rule, e.g. ``config/funnel.yml: stages[2].probability: must be a fraction
0-1 (got 40); write 0.40 for 40%``.
"""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from salesops.paths import CONFIG_DIR

DEFAULT_PATH = CONFIG_DIR / "funnel.yml"

FORECAST_CATEGORIES = ("Pipeline", "Best Case", "Commit", "Closed", "Omitted")

# Opportunity columns (stg_crm__opportunities) a stage may require before exit. The dbt model
# int_opportunity_exit_fields_checked unpivots exactly these columns: keep both lists in step
# (tests/test_funnel_standard.py checks it).
EXIT_FIELDS = ("amount", "close_date", "next_step", "account_id", "lead_source", "opportunity_type", "forecast_category")

STAGES_COLUMNS = {
    "stage_name": "varchar",
    "stage_order": "integer",
    "default_probability": "decimal(5,4)",
    "forecast_category": "varchar",
    "is_closed": "boolean",
    "is_won": "boolean",
    "max_days_in_stage": "integer",
    "talk_track": "varchar",
    "skill_focus": "varchar",
}
REQUIRED_FIELDS_COLUMNS = {"stage_name": "varchar", "field_name": "varchar"}


class FunnelConfigError(ValueError):
    """The funnel standard is invalid; the message names file, key and rule."""


class StageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    probability: Decimal
    forecast_category: Literal["Pipeline", "Best Case", "Commit", "Closed", "Omitted"]
    closed: Literal["won", "lost"] | None = None
    max_days_in_stage: int | None = Field(None, gt=0)
    required_exit_fields: list[str] = Field(default_factory=list)
    talk_track: str | None = None
    skill_focus: str | None = None

    @field_validator("probability", mode="before")
    @classmethod
    def _fraction(cls, v: Any) -> Decimal:
        if isinstance(v, bool) or not isinstance(v, (int, float, str, Decimal)):
            raise ValueError(f"must be a number, got {v!r}")
        d = Decimal(str(v))
        if d > 1:
            raise ValueError(f"must be a fraction 0-1 (got {v}); write {d / 100} for {v}%")
        if d < 0:
            raise ValueError(f"must be a fraction 0-1 (got {v})")
        if d.as_tuple().exponent < -4:  # type: ignore[operator]
            raise ValueError(f"at most 4 decimal places (got {v})")
        return d

    @field_validator("required_exit_fields")
    @classmethod
    def _known_fields(cls, v: list[str]) -> list[str]:
        for f in v:
            if f not in EXIT_FIELDS:
                raise ValueError(f"unknown opportunity field {f!r}; allowed: {', '.join(EXIT_FIELDS)}")
        if len(set(v)) != len(v):
            raise ValueError("lists a field twice")
        return v

    @model_validator(mode="after")
    def _closed_rules(self) -> StageConfig:
        if self.closed:
            if self.max_days_in_stage is not None or self.required_exit_fields:
                raise ValueError("a closed stage has no max_days_in_stage or required_exit_fields (it is never exited)")
            expected = (Decimal(1), "Closed") if self.closed == "won" else (Decimal(0), "Omitted")
            if (self.probability, self.forecast_category) != expected:
                raise ValueError(f"a {self.closed} stage must have probability {expected[0]} and forecast_category "
                                 f"{expected[1]!r}")
        elif self.max_days_in_stage is None:
            raise ValueError("an open stage needs max_days_in_stage (the SLA)")
        return self


class FunnelStandard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    stages: list[StageConfig] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> FunnelStandard:
        names = [s.name for s in self.stages]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"stage names must be unique; repeated: {', '.join(dupes)}")
        closed = [s.closed for s in self.stages if s.closed]
        if sorted(closed) != ["lost", "won"]:
            raise ValueError("needs exactly one stage with closed: won and one with closed: lost")
        n_open = len(self.stages) - 2
        if any(s.closed for s in self.stages[:n_open]):
            raise ValueError("open stages come first, the two closed stages last")
        probs = [s.probability for s in self.stages[:n_open]]
        if probs != sorted(probs):
            raise ValueError("open-stage probabilities must not decrease along the funnel")
        return self

    @property
    def open_stages(self) -> list[StageConfig]:
        return [s for s in self.stages if not s.closed]

    def stage_rows(self) -> list[dict[str, Any]]:
        """config.funnel_stages: one row per stage; both closed stages share the last order."""
        n_open = len(self.open_stages)
        return [
            {
                "stage_name": s.name,
                "stage_order": n_open + 1 if s.closed else i + 1,
                "default_probability": s.probability,
                "forecast_category": s.forecast_category,
                "is_closed": s.closed is not None,
                "is_won": s.closed == "won",
                "max_days_in_stage": s.max_days_in_stage,
                "talk_track": " ".join(s.talk_track.split()) if s.talk_track else None,
                "skill_focus": s.skill_focus,
            }
            for i, s in enumerate(self.stages)
        ]

    def required_field_rows(self) -> list[dict[str, Any]]:
        """config.funnel_required_fields: one row per stage x field required before leaving the stage."""
        return [{"stage_name": s.name, "field_name": f} for s in self.stages for f in s.required_exit_fields]


def _location(loc: tuple[Any, ...], data: Any) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{p}]"]
        else:
            parts.append(str(p))
    key = ".".join(parts) or "(top level)"
    # name the stage, not just its index
    if len(loc) >= 2 and loc[0] == "stages" and isinstance(loc[1], int):
        with suppress(KeyError, IndexError, TypeError):
            key += f" (stage {data['stages'][loc[1]]['name']!r})"
    return key


def load_standard(path: Path | str = DEFAULT_PATH) -> FunnelStandard:
    """Read and validate the funnel standard; raises FunnelConfigError naming file, key and rule."""
    path = Path(path)
    try:
        label = str(path.relative_to(CONFIG_DIR.parent))
    except ValueError:
        label = str(path)
    if not path.exists():
        raise FunnelConfigError(f"{label}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FunnelConfigError(f"{label}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise FunnelConfigError(f"{label}: (top level): must be a mapping with keys version, stages")
    try:
        return FunnelStandard.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            rule = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                rule = "unknown key (not allowed)"
            lines.append(f"{label}: {_location(err['loc'], data)}: {rule}")
        raise FunnelConfigError("\n".join(lines)) from None


def write_standard(settings, standard: FunnelStandard) -> dict[str, int]:
    """Replace config.funnel_stages and config.funnel_required_fields in one transaction."""
    from salesops.warehouse import replace_in, transaction

    tables = {
        "funnel_stages": (STAGES_COLUMNS, standard.stage_rows(), ["stage_name"]),
        "funnel_required_fields": (REQUIRED_FIELDS_COLUMNS, standard.required_field_rows(), ["stage_name", "field_name"]),
    }
    counts = {}
    with transaction(settings) as conn:
        for table, (columns, rows, pk) in tables.items():
            counts[table] = replace_in(conn, "config", table, columns, rows, primary_key=pk)
    return counts
