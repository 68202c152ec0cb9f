"""Plan config loading: clear errors naming file, key path and rule; numbers exact."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from salesops.paths import CONFIG_DIR
from salesops.planning.targets.config import PlanConfigError, load_plan

GOOD = """\
plan_id: T
version: 1
fiscal_year: 2026
effective_from: 2026-01-01
target: {amount: 1000000, currency: CNY}
rounding_unit: 1000
levels:
  - level: business_unit
    method: prior_year
    pad: 0.1
  - level: rep
  - level: month
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "plan.yml"
    p.write_text(text, encoding="utf-8")
    return p


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(PlanConfigError) as exc:
        load_plan(write(tmp_path, text))
    return str(exc.value)


def test_good_config_and_exact_decimals(tmp_path):
    plan = load_plan(write(tmp_path, GOOD))
    assert plan.level("business_unit").pad == Decimal("0.1")  # not 0.1000000000000000055...
    assert isinstance(plan.target.amount, int | Decimal)
    assert plan.roster_on == plan.effective_from and plan.cutoff == plan.effective_from
    assert plan.checksum() == load_plan(write(tmp_path, "# a comment\n" + GOOD)).checksum()


def test_misspelled_keys_are_named(tmp_path):
    msg = error(tmp_path, GOOD.replace("rounding_unit", "rounding_unt"))
    assert "plan.yml: rounding_unt: unknown key (misspelled?)" in msg
    msg = error(tmp_path, GOOD.replace("method: prior_year", "mehtod: prior_year"))
    assert "levels.0.mehtod: unknown key" in msg


def test_negative_or_missing_target(tmp_path):
    assert "target.amount: must be a positive amount, got -5" in error(tmp_path, GOOD.replace("1000000,", "-5,"))
    assert "target: Field required" in error(tmp_path, GOOD.replace("target: {amount: 1000000, currency: CNY}\n", ""))
    assert "not a multiple of rounding_unit 1000" in error(tmp_path, GOOD.replace("1000000,", "1000500,"))
    assert "give exactly one of `amount`" in error(tmp_path, GOOD.replace("amount: 1000000,", "amount: 1000000, growth: 0.1,"))
    assert "give exactly one of `amount`" in error(tmp_path, GOOD.replace("amount: 1000000,", ""))
    assert load_plan(write(tmp_path, GOOD.replace("amount: 1000000,", "growth: 0.1,"))).target.growth == Decimal("0.1")


def test_seasonality_must_sum_to_one(tmp_path):
    text = GOOD + "seasonality:\n  method: list\n  shares: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.02, 0.02]\n"
    assert "seasonality: shares must sum to exactly 1, got 0.99" in error(tmp_path, text)
    ok = text.replace("0.02, 0.02]", "0.02, 0.03]")
    assert sum(load_plan(write(tmp_path, ok)).seasonality.shares) == 1


def test_level_rules(tmp_path):
    assert "levels: must follow the order" in error(tmp_path, GOOD.replace("level: business_unit", "level: product_line"))
    assert "the last level must be `month`" in error(tmp_path, GOOD.replace("  - level: month\n", ""))
    blend = GOOD.replace("method: prior_year", "method: blend\n    blend: {prior_year: 0.5, even: 0.4}")
    assert "levels.0: blend weights must sum to 1, got 0.9" in error(tmp_path, blend)
    assert "levels.0.method: Input should be" in error(tmp_path, GOOD.replace("prior_year", "last_year"))
    assert "ramp: needs a `rep` level" in error(tmp_path, GOOD.replace("  - level: rep\n", "") + "ramp: {curve: [0.5]}\n")


def test_not_yaml_or_missing(tmp_path):
    assert "not valid YAML" in error(tmp_path, "plan_id: [")
    with pytest.raises(PlanConfigError, match="file not found"):
        load_plan(tmp_path / "nope.yml")


@pytest.mark.parametrize("name", ["fy2026.yml", "fy2026_v2.yml", "fy2027_draft.yml"])
def test_shipped_plans_load(name):
    plan = load_plan(CONFIG_DIR / "targets" / name)
    assert plan.plan_id in ("FY2026", "FY2027")


def test_cli_bad_config_exits_nonzero_and_writes_nothing(tmp_path, data_dir):
    from typer.testing import CliRunner

    from salesops.cli import app

    res = CliRunner().invoke(app, ["targets", "plan", "--config", str(write(tmp_path, GOOD.replace("levels:", "levles:")))])
    assert res.exit_code == 1
    assert "levles: unknown key (misspelled?)" in res.output
    assert not (data_dir / "warehouse").exists()
