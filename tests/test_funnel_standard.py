"""The funnel standard (config/funnel.yml): validation errors name file, key and
rule; the warehouse tables are exact; the asset writes them standalone."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from salesops.funnel.standard import (
    DEFAULT_PATH,
    EXIT_FIELDS,
    FunnelConfigError,
    load_standard,
    write_standard,
)
from salesops.paths import DBT_PROJECT_DIR


def _write(tmp_path: Path, data) -> Path:
    p = tmp_path / "funnel.yml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def _shipped() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_shipped_standard_rows():
    s = load_standard()
    rows = {r["stage_name"]: r for r in s.stage_rows()}
    assert [r["stage_order"] for r in s.stage_rows()] == [1, 2, 3, 4, 5, 6, 6]
    assert rows["Needs Analysis"]["default_probability"] == Decimal("0.40")
    assert rows["Closed Won"] | {"talk_track": None} == {
        "stage_name": "Closed Won", "stage_order": 6, "default_probability": Decimal("1.00"), "forecast_category": "Closed",
        "is_closed": True, "is_won": True, "max_days_in_stage": None, "talk_track": None, "skill_focus": None}
    assert rows["Closed Lost"]["is_won"] is False and rows["Closed Lost"]["is_closed"] is True
    assert {"stage_name": "Qualification", "field_name": "next_step"} in s.required_field_rows()
    assert "\n" not in rows["Prospecting"]["talk_track"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        # a percent instead of a fraction
        (lambda d: d["stages"][2].update(probability=40),
         r"funnel\.yml: stages\[2\]\.probability \(stage 'Needs Analysis'\): must be a fraction 0-1 \(got 40\); write 0\.4 for 40%"),
        (lambda d: d["stages"][0].update(probability=-0.1), r"stages\[0\]\.probability .*must be a fraction 0-1"),
        (lambda d: d["stages"][0].update(probabilty=0.1), r"stages\[0\]\.probabilty \(stage 'Prospecting'\): unknown key"),
        (lambda d: d.update(colour="red"), r"funnel\.yml: colour: unknown key"),
        (lambda d: d["stages"][1].update(required_exit_fields=["amount", "budget_c"]),
         r"stages\[1\]\.required_exit_fields .*unknown opportunity field 'budget_c'"),
        (lambda d: d["stages"][1].update(forecast_category="Maybe"), r"stages\[1\]\.forecast_category"),
        (lambda d: d["stages"][1].pop("max_days_in_stage"), r"stages\[1\] \(stage 'Qualification'\): an open stage needs max_days_in_stage"),
        (lambda d: d["stages"][3].update(name="Qualification"), r"stage names must be unique; repeated: Qualification"),
        (lambda d: d["stages"][5].update(probability=0.9), r"stages\[5\].*won stage must have probability 1"),
        (lambda d: d["stages"][6].update(closed="won", probability=1, forecast_category="Closed"), r"exactly one stage with closed: won and one with closed: lost"),
        (lambda d: d["stages"][1].update(probability=0.05), r"probabilities must not decrease"),
        (lambda d: d["stages"][0].update(max_days_in_stage=0), r"stages\[0\]\.max_days_in_stage"),
    ],
)
def test_invalid_standard_names_file_key_and_rule(tmp_path, mutate, expected):
    data = _shipped()
    mutate(data)
    with pytest.raises(FunnelConfigError, match=expected):
        load_standard(_write(tmp_path, data))


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(FunnelConfigError, match="file not found"):
        load_standard(tmp_path / "nope.yml")
    bad = tmp_path / "funnel.yml"
    bad.write_text("stages: [", encoding="utf-8")
    with pytest.raises(FunnelConfigError, match="not valid YAML"):
        load_standard(bad)
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(FunnelConfigError, match=r"\(top level\): must be a mapping"):
        load_standard(bad)


def test_exit_fields_match_the_dbt_model():
    """int_opportunity_exit_fields_checked unpivots exactly EXIT_FIELDS (and the staging test accepts them)."""
    sql = (DBT_PROJECT_DIR / "models" / "intermediate" / "funnel" / "int_opportunity_exit_fields_checked.sql").read_text()
    listed = re.search(r"set exit_fields = \[(.*?)\]", sql).group(1)
    assert tuple(re.findall(r"'(\w+)'", listed)) == EXIT_FIELDS
    staging = yaml.safe_load((DBT_PROJECT_DIR / "models" / "staging" / "config" / "_config__models.yml").read_text())
    field = next(c for m in staging["models"] if m["name"] == "stg_config__funnel_required_fields"
                 for c in m["columns"] if c["name"] == "field_name")
    assert tuple(field["data_tests"][0]["accepted_values"]["arguments"]["values"]) == EXIT_FIELDS


def test_write_standard_replaces_both_tables_exactly(data_dir):
    from salesops.settings import get_settings
    from salesops.warehouse import read_rows

    settings = get_settings()
    standard = load_standard()
    assert write_standard(settings, standard) == {"funnel_stages": 7, "funnel_required_fields": 14}
    assert write_standard(settings, standard) == {"funnel_stages": 7, "funnel_required_fields": 14}  # rerun: replaced
    rows = read_rows(settings, "select * from config.funnel_stages order by stage_order, stage_name")
    assert [(r["stage_name"], r["default_probability"]) for r in rows][:3] == [
        ("Prospecting", Decimal("0.1000")), ("Qualification", Decimal("0.2000")), ("Needs Analysis", Decimal("0.4000"))]
    assert read_rows(settings, "select count(*) as n from config.funnel_required_fields")[0]["n"] == 14


def test_asset_writes_the_standard_standalone(data_dir):
    import dagster as dg

    from assets.funnel import funnel_standard
    from orchestration.resources import SettingsResource
    from salesops.settings import get_settings
    from salesops.warehouse import read_rows

    result = dg.materialize([funnel_standard], resources={"settings": SettingsResource()},
                            instance=dg.DagsterInstance.ephemeral())
    assert result.success
    materializations = [e.materialization for e in result.get_asset_materialization_events()]
    keys = {tuple(m.asset_key.path): m.metadata["rows"].value for m in materializations}
    assert keys == {("config", "funnel_stages"): 7, ("config", "funnel_required_fields"): 14}
    assert read_rows(get_settings(), "select count(*) as n from config.funnel_stages")[0]["n"] == 7
