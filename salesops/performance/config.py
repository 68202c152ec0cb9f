"""KPI registry (config/kpis.yml) and diagnostic rules (config/diagnostics.yml).

Validated with pydantic on load (unknown keys are errors); every error names the
file, the key path and the rule. The loaded objects turn into the rows of the
warehouse tables config.kpis and config.diagnostic_rules (dbt sources), so the
marts attach RAG status and evaluate the rules with thresholds as data.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from salesops.paths import CONFIG_DIR

KPIS_FILE = CONFIG_DIR / "kpis.yml"
DIAGNOSTICS_FILE = CONFIG_DIR / "diagnostics.yml"

# Rep metrics computed as of the run date by dbt (int_rep_metrics_as_of, one row per
# rep x metric; marts.rep_kpi_scorecard). KPI `metric` and rule conditions must name one.
REP_METRICS: dict[str, str] = {
    "bookings_ytd": "bookings fiscal year to date (reporting currency)",
    "revenue_ytd": "ERP invoiced revenue fiscal year to date",
    "target_ytd": "full fiscal-year target",
    "attainment_ytd": "bookings YTD / full fiscal-year target",
    "pace_ytd": "bookings YTD / seasonality-weighted target to date",
    "pace_qtd": "bookings QTD / seasonality-weighted quarter target to date",
    "gap_qtd": "seasonality-weighted quarter target to date - bookings QTD",
    "coverage_qtd": "open pipeline closing by quarter end / (quarter target - bookings QTD)",
    "open_pipeline": "open pipeline amount",
    "pipeline_created_90d": "amount of opportunities created in the last 90 days",
    "win_rate_12m": "won / (won + lost) by count, last 12 months",
    "win_rate_index": "win_rate_12m / company win rate",
    "avg_deal_size_12m": "bookings / won deals, last 12 months",
    "deal_size_index": "avg_deal_size_12m / company average deal size",
    "cycle_days_12m": "mean days created -> won, last 12 months",
    "activities_per_week_13w": "tasks + events in the last 13 weeks / 13",
    "activity_index": "activities_per_week_13w / median over the company's reps",
    "stalled_amount": "open pipeline in its current stage for more than var stalled_after_days (60) days",
    "stalled_share": "stalled_amount / open_pipeline",
    "new_customers_ytd": "accounts whose first won deal closed this fiscal year",
    "retention_12m": "share of last-but-one 12 months' won accounts that won again in the last 12 months",
}

OPERATORS = ("<", "<=", ">", ">=")


class ConfigError(ValueError):
    """A config file broke a rule; the message names the file, the key path and the rule."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    green: Decimal
    amber: Decimal


class Kpi(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    definition: str
    grain: str
    unit: Literal["money", "ratio", "multiple", "count", "days"]
    direction: Literal["higher", "lower"]
    metric: str | None = None
    thresholds: Thresholds | None = None
    target_source: str

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str | None) -> str | None:
        if v is not None and v not in REP_METRICS:
            raise ValueError(f"unknown rep metric {v!r}; known: {', '.join(sorted(REP_METRICS))}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Kpi:
        t = self.thresholds
        if t is not None:
            if self.direction == "higher" and t.green < t.amber:
                raise ValueError(f"direction higher needs thresholds.green >= thresholds.amber (got {t.green} < {t.amber})")
            if self.direction == "lower" and t.green > t.amber:
                raise ValueError(f"direction lower needs thresholds.green <= thresholds.amber (got {t.green} > {t.amber})")
        return self


class KpiRegistry(_Strict):
    kpis: list[Kpi] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> KpiRegistry:
        _no_duplicates([k.name for k in self.kpis], "kpis", "KPI names must be unique")
        return self


class Condition(_Strict):
    metric: str
    op: Literal["<", "<=", ">", ">="]
    value: Decimal

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str) -> str:
        if v not in REP_METRICS:
            raise ValueError(f"unknown rep metric {v!r}; known: {', '.join(sorted(REP_METRICS))}")
        return v


class Rule(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    severity: int = Field(ge=1, le=5)
    conditions: list[Condition] = Field(min_length=1)
    action: str

    @model_validator(mode="after")
    def _one_condition_per_metric_op(self) -> Rule:
        _no_duplicates([f"{c.metric} {c.op}" for c in self.conditions], "conditions",
                       "a rule tests each metric/operator once")
        return self


class DiagnosticRules(_Strict):
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> DiagnosticRules:
        _no_duplicates([r.name for r in self.rules], "rules", "rule names must be unique")
        return self


def _no_duplicates(names: list[str], key: str, rule: str) -> None:
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n in seen:
            raise ValueError(f"{key}[{i}] {n!r} duplicated: {rule}")
        seen.add(n)


def _load(path: Path, model: type[_Strict]):
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as e:
        lines = []
        for err in e.errors():
            loc = _key_path(raw, err["loc"])
            lines.append(f"{path}: {loc or '(top level)'}: {err['msg']}")
        raise ConfigError("\n".join(lines)) from None


def _key_path(raw: Any, loc: tuple) -> str:
    """'rules[1] (coaching_conversion).conditions[0].op': list positions plus the item's name when it has one."""
    parts: list[str] = []
    node = raw
    for p in loc:
        if isinstance(p, int):
            name = node[p].get("name") if isinstance(node, list) and p < len(node) and isinstance(node[p], dict) else None
            parts[-1] = f"{parts[-1]}[{p}]" + (f" ({name})" if name else "") if parts else f"[{p}]"
            node = node[p] if isinstance(node, list) and p < len(node) else None
        else:
            parts.append(str(p))
            node = node.get(p) if isinstance(node, dict) else None
    return ".".join(parts)


def load_kpis(path: Path = KPIS_FILE) -> KpiRegistry:
    return _load(path, KpiRegistry)


def load_diagnostic_rules(path: Path = DIAGNOSTICS_FILE) -> DiagnosticRules:
    return _load(path, DiagnosticRules)


# ---- warehouse rows (config.kpis, config.diagnostic_rules) -------------------------------

KPI_COLUMNS = {
    "kpi_name": "varchar", "label": "varchar", "definition": "varchar", "grain": "varchar", "unit": "varchar",
    "direction": "varchar", "metric": "varchar", "green_threshold": "decimal(18,6)", "amber_threshold": "decimal(18,6)",
    "target_source": "varchar", "sort_order": "integer",
}

RULE_COLUMNS = {
    "rule_condition_id": "varchar", "rule_name": "varchar", "title": "varchar", "severity": "integer",
    "condition_no": "integer", "n_conditions": "integer", "metric": "varchar", "operator": "varchar",
    "threshold": "decimal(18,6)", "suggested_action": "varchar", "sort_order": "integer",
}


def kpi_rows(registry: KpiRegistry) -> list[dict[str, Any]]:
    return [
        {
            "kpi_name": k.name, "label": k.label, "definition": k.definition.strip(), "grain": k.grain, "unit": k.unit,
            "direction": k.direction, "metric": k.metric,
            "green_threshold": k.thresholds.green if k.thresholds else None,
            "amber_threshold": k.thresholds.amber if k.thresholds else None,
            "target_source": k.target_source, "sort_order": i + 1,
        }
        for i, k in enumerate(registry.kpis)
    ]


def rule_rows(rules: DiagnosticRules) -> list[dict[str, Any]]:
    return [
        {
            "rule_condition_id": f"{r.name}:{j + 1}", "rule_name": r.name, "title": r.title, "severity": r.severity,
            "condition_no": j + 1, "n_conditions": len(r.conditions), "metric": c.metric, "operator": c.op,
            "threshold": c.value, "suggested_action": " ".join(r.action.split()), "sort_order": i + 1,
        }
        for i, r in enumerate(rules.rules)
        for j, c in enumerate(r.conditions)
    ]


def rag(value: Decimal | None, kpi: Kpi) -> str | None:
    """RAG of a value under a KPI's thresholds (the same rule as the dbt macro rag_status)."""
    if value is None or kpi.thresholds is None:
        return None
    t = kpi.thresholds
    if kpi.direction == "higher":
        return "green" if value >= t.green else "amber" if value >= t.amber else "red"
    return "green" if value <= t.green else "amber" if value <= t.amber else "red"
