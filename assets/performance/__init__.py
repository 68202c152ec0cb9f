"""Performance config assets: the KPI registry and the diagnostic rules, validated and
written to the warehouse schema `config` (dbt sources `config.kpis`,
`config.diagnostic_rules`), where the performance marts attach RAG status and
evaluate the rules. The marts themselves are dbt models (group `performance`)."""

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource
from salesops import warehouse
from salesops.performance import config as perf_config


@dg.asset(
    key=["config", "kpis"],
    group_name="performance",
    kinds={"yaml", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="KPI registry (config/kpis.yml): definition, grain, direction, RAG thresholds, target source; "
    "one row per KPI.",
)
def kpis(settings: SettingsResource) -> dg.MaterializeResult:
    rows = perf_config.kpi_rows(perf_config.load_kpis())
    n = warehouse.replace_table(settings.get(), "config", "kpis", perf_config.KPI_COLUMNS, rows, primary_key=["kpi_name"])
    return dg.MaterializeResult(metadata={"rows": n, "kpis": [r["kpi_name"] for r in rows]})


@dg.asset(
    key=["config", "diagnostic_rules"],
    group_name="performance",
    kinds={"yaml", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="Diagnostic rules (config/diagnostics.yml) turning variances into manager actions; one row per "
    "rule x condition (metric, operator, threshold).",
)
def diagnostic_rules(settings: SettingsResource) -> dg.MaterializeResult:
    rows = perf_config.rule_rows(perf_config.load_diagnostic_rules())
    n = warehouse.replace_table(settings.get(), "config", "diagnostic_rules", perf_config.RULE_COLUMNS, rows,
                                primary_key=["rule_condition_id"])
    return dg.MaterializeResult(metadata={"rows": n, "rules": sorted({r["rule_name"] for r in rows})})


performance_assets = [kpis, diagnostic_rules]
