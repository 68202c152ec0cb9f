"""Performance config (KPI registry, diagnostic rules): validation, errors, warehouse rows, RAG;
the config assets on a temp warehouse; the report on hand-made marts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from salesops.performance import config as pc
from tests.performance_targets_fixture import PRODUCT_SHARES, ledger_rows, split_exact


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_config_is_valid_and_covers_the_required_kpis():
    names = {k.name for k in pc.load_kpis().kpis}
    assert {"bookings", "revenue", "attainment", "pace", "pipeline_created", "coverage", "win_rate", "avg_deal_size",
            "cycle_length", "activities_per_rep_week", "new_customers", "customer_retention"} <= names
    rules = {r.name for r in pc.load_diagnostic_rules().rules}
    assert {"pipeline_generation", "coaching_conversion", "stalled_pipeline"} <= rules


def test_unknown_key_is_an_error_naming_file_key_and_item(tmp_path):
    p = write(tmp_path, "kpis.yml", """
kpis:
  - name: win_rate
    label: Win rate
    definition: won / closed
    grain: rep
    unit: ratio
    direction: higher
    target_source: none
    colour: red
""")
    with pytest.raises(pc.ConfigError) as e:
        pc.load_kpis(p)
    assert str(p) in str(e.value) and "kpis[0] (win_rate).colour" in str(e.value) and "Extra inputs" in str(e.value)


def test_thresholds_must_follow_the_direction(tmp_path):
    p = write(tmp_path, "kpis.yml", """
kpis:
  - {name: cycle_length, label: c, definition: d, grain: g, unit: days, direction: lower, target_source: none,
     thresholds: {green: 120, amber: 90}}
""")
    with pytest.raises(pc.ConfigError, match=r"kpis\[0\] \(cycle_length\): .*direction lower needs thresholds.green <= thresholds.amber"):
        pc.load_kpis(p)


def test_rule_errors_name_the_condition(tmp_path):
    p = write(tmp_path, "diagnostics.yml", """
rules:
  - name: bad
    title: Bad
    severity: 3
    conditions:
      - {metric: coverage_qtd, op: "<", value: 3}
      - {metric: no_such_metric, op: "=", value: 1}
    action: do something
""")
    with pytest.raises(pc.ConfigError) as e:
        pc.load_diagnostic_rules(p)
    msg = str(e.value)
    assert "rules[0] (bad).conditions[1].metric: Value error, unknown rep metric 'no_such_metric'" in msg
    assert "rules[0] (bad).conditions[1].op: Input should be '<', '<=', '>' or '>='" in msg


def test_duplicate_rule_names_and_severity_range(tmp_path):
    rule = "  - {name: r, title: t, severity: %s, conditions: [{metric: pace_qtd, op: '<', value: 1}], action: a}\n"
    with pytest.raises(pc.ConfigError, match="rules\\[1\\] 'r' duplicated"):
        pc.load_diagnostic_rules(write(tmp_path, "d.yml", "rules:\n" + rule % 3 + rule % 3))
    with pytest.raises(pc.ConfigError, match=r"rules\[0\] \(r\).severity: Input should be less than or equal to 5"):
        pc.load_diagnostic_rules(write(tmp_path, "d2.yml", "rules:\n" + rule % 6))


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(pc.ConfigError, match="file not found"):
        pc.load_kpis(tmp_path / "nope.yml")
    with pytest.raises(pc.ConfigError, match="not valid YAML"):
        pc.load_kpis(write(tmp_path, "k.yml", "kpis: [\n"))


def test_rule_rows_are_one_per_condition_with_exact_thresholds():
    rows = pc.rule_rows(pc.load_diagnostic_rules())
    pg = [r for r in rows if r["rule_name"] == "pipeline_generation"]
    assert [(r["condition_no"], r["metric"], r["operator"], r["threshold"]) for r in pg] == [
        (1, "coverage_qtd", "<", Decimal("3.0")), (2, "pace_qtd", "<", Decimal("0.90"))]
    assert all(r["n_conditions"] == 2 and r["severity"] == 5 for r in pg)
    assert len({r["rule_condition_id"] for r in rows}) == len(rows)


@pytest.mark.parametrize(("value", "direction", "expected"), [
    ("1.00", "higher", "green"), ("0.95", "higher", "amber"), ("0.90", "higher", "amber"), ("0.89", "higher", "red"),
    ("0.90", "lower", "green"), ("0.95", "lower", "amber"), ("1.01", "lower", "red"),
])
def test_rag(value, direction, expected):
    green, amber = ("1.00", "0.90") if direction == "higher" else ("0.90", "1.00")
    kpi = pc.Kpi(name="k", label="k", definition="d", grain="g", unit="ratio", direction=direction, target_source="t",
                 thresholds=pc.Thresholds(green=Decimal(green), amber=Decimal(amber)))
    assert pc.rag(Decimal(value), kpi) == expected


def test_config_assets_write_the_warehouse_tables(data_dir):
    import dagster as dg

    from assets.performance import performance_assets
    from orchestration.resources import SettingsResource
    from salesops import warehouse
    from salesops.settings import get_settings

    assert dg.materialize(performance_assets, resources={"settings": SettingsResource()}).success
    s = get_settings()
    kpis = warehouse.read_rows(s, "select * from config.kpis order by sort_order")
    assert kpis[2]["kpi_name"] == "attainment" and kpis[2]["green_threshold"] == Decimal("0.900000")
    assert warehouse.read_rows(s, "select count(*) as n from config.diagnostic_rules")[0]["n"] == len(
        pc.rule_rows(pc.load_diagnostic_rules()))
    # a rerun replaces, never appends
    assert dg.materialize(performance_assets, resources={"settings": SettingsResource()}).success
    assert warehouse.read_rows(s, "select count(*) as n from config.kpis")[0]["n"] == len(kpis)


def test_fixture_ledger_splits_exactly_and_versions():
    assert sum(split_exact(Decimal("1000.01"), PRODUCT_SHARES).values()) == Decimal("1000.01")
    rows = ledger_rows([{"rep_id": "r1", "month_start": date(2026, 1, 1), "quota": Decimal("100000")}])
    leaves = [r for r in rows if r["level"] == "month" and r["version"] == 1]
    assert sum(r["target_amount"] for r in leaves) == Decimal("105000.00")
    assert {r["status"] for r in rows if r["version"] == 3} == {"draft"}


def test_report_renders_and_checks_the_as_of_date(data_dir):
    from salesops import warehouse
    from salesops.performance.report import ReportError, load_report, render
    from salesops.settings import get_settings

    s = get_settings()
    with pytest.raises(ReportError, match="salesops dbt build"):
        load_report(s)
    ta = {"node_type": "varchar", "node_id": "varchar", "node_name": "varchar", "manager_name": "varchar",
          "period": "varchar", "target_source": "varchar", "target_period": "decimal(18,2)",
          "target_to_date": "decimal(18,2)", "bookings_to_date": "decimal(18,2)", "gap_to_date": "decimal(18,2)",
          "pace": "decimal(12,4)", "attainment": "decimal(12,4)", "seasonal_projection": "decimal(18,2)",
          "run_rate_projection": "decimal(18,2)", "pace_rag": "varchar", "attainment_rag": "varchar", "as_of_date": "date"}
    row = {"target_period": Decimal("300.00"), "target_to_date": Decimal("150.00"), "bookings_to_date": Decimal("138.00"),
           "gap_to_date": Decimal("12.00"), "pace": Decimal("0.92"), "attainment": Decimal("0.46"),
           "seasonal_projection": Decimal("276.00"), "run_rate_projection": Decimal("276.00"), "pace_rag": "amber",
           "attainment_rag": "red", "target_source": "ledger", "as_of_date": date(2026, 2, 14)}
    warehouse.replace_table(s, "marts", "target_attainment", ta, [
        {**row, "node_type": t, "node_id": i, "node_name": n, "period": p}
        for t, i, n in [("company", "company", "Company"), ("rep", "r1", "Rep One")] for p in ("mtd", "qtd", "ytd")])
    kt = {"node_type": "varchar", "period": "varchar", **{c: "decimal(18,2)" for c in (
        "bookings_prior", "bookings_current", "variance", "lead_effect", "conversion_effect", "win_rate_effect",
        "deal_size_effect", "unexplained_effect", "lead_conversion_prior", "lead_conversion_current", "win_rate_prior",
        "win_rate_current", "avg_deal_size_prior", "avg_deal_size_current")}, "leads_prior": "integer", "leads_current": "integer"}
    warehouse.replace_table(s, "marts", "kpi_tree_attribution", kt, [{
        "node_type": "company", "period": "ytd", "bookings_prior": Decimal(100), "bookings_current": Decimal(300),
        "variance": Decimal(200), "lead_effect": Decimal("73.81"), "conversion_effect": Decimal("-126.19"),
        "win_rate_effect": Decimal("178.56"), "deal_size_effect": Decimal("73.82"), "unexplained_effect": Decimal(0),
        "leads_prior": 2, "leads_current": 3, "lead_conversion_prior": Decimal(2), "lead_conversion_current": Decimal(1),
        "win_rate_prior": Decimal("0.25"), "win_rate_current": Decimal("0.67"), "avg_deal_size_prior": Decimal(100),
        "avg_deal_size_current": Decimal(150)}])
    warehouse.replace_table(s, "marts", "manager_action_list", {
        "company_rank": "integer", "manager_name": "varchar", "rep_name": "varchar", "rule_name": "varchar",
        "rule_title": "varchar", "severity": "integer", "evidence_text": "varchar", "suggested_action": "varchar"},
        [{"company_rank": 1, "manager_name": "Boss", "rep_name": "Rep One", "rule_name": "pipeline_generation",
          "rule_title": "Pipeline generation problem", "severity": 5, "evidence_text": "coverage_qtd = 2.00 (< 3.00)",
          "suggested_action": "Build pipeline."}])
    with pytest.raises(ReportError, match="built as of 2026-02-14, not 2026-02-15"):
        load_report(s, date(2026, 2, 15))
    report = load_report(s, date(2026, 2, 14))
    assert report.actions_by_rule == {"pipeline_generation": 1} and report.top_gaps[0]["node_id"] == "r1"
    console = Console(record=True, width=200)
    render(console, report)
    text = console.export_text()
    for expected in ("Sales performance as of 2026-02-14", "92.0%", "Rep One", "-126", "Pipeline generation problem",
                     "pipeline_generation 1 (total 1)"):
        assert expected in text
