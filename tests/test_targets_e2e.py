"""End to end on a copy of a built demo warehouse: the [planning, targets] asset publishes the
shipped FY2026 plans, a rerun only verifies them, and the ledger in the warehouse adds up.

Needs a warehouse built by the nightly (`make run`): data/warehouse/salesops.duckdb or the
file named by SALESOPS_TARGETS_E2E_WAREHOUSE; skipped otherwise."""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from salesops.paths import REPO_ROOT

pytestmark = [pytest.mark.slow]

SOURCE = Path(os.environ.get("SALESOPS_TARGETS_E2E_WAREHOUSE", REPO_ROOT / "data" / "warehouse" / "salesops.duckdb"))


@pytest.fixture
def warehouse(data_dir: Path) -> Path:
    if not SOURCE.exists():
        pytest.skip(f"no built demo warehouse at {SOURCE}")
    dst = data_dir / "warehouse" / "salesops.duckdb"
    dst.parent.mkdir(parents=True)
    shutil.copy(SOURCE, dst)
    import duckdb

    with duckdb.connect(str(dst)) as con:  # start from a warehouse without a ledger
        con.execute("drop schema if exists planning cascade")
    return dst


def test_asset_publishes_then_verifies_and_the_ledger_adds_up(warehouse, data_dir):
    import dagster as dg

    from assets.planning import planning_targets
    from orchestration.resources import SettingsResource
    from salesops.planning.targets.ledger import list_versions, version_in_force
    from salesops.settings import get_settings
    from salesops.warehouse import read_rows

    resources = {"settings": SettingsResource(data_dir=str(data_dir))}
    first = dg.materialize([planning_targets], resources=resources)
    assert first.success
    actions = {(v["plan_id"], v["version"]): v["action"]
               for v in first.get_asset_materialization_events()[0].materialization.metadata["versions"].value}
    assert actions == {("FY2026", 1): "published", ("FY2026", 2): "published", ("FY2027", 1): "skipped"}
    second = dg.materialize([planning_targets], resources=resources)
    actions = {(v["plan_id"], v["version"]): v["action"]
               for v in second.get_asset_materialization_events()[0].materialization.metadata["versions"].value}
    assert actions[("FY2026", 1)] == "verified" and actions[("FY2026", 2)] == "verified"
    # what the push_quotas_on_publish sensor keys on: unchanged between the two nights (no new push)
    meta = [r.get_asset_materialization_events()[0].materialization.metadata["published_versions"].value
            for r in (first, second)]
    assert meta == ["FY2026: v1,v2", "FY2026: v1,v2"]

    settings = get_settings()
    versions = list_versions(settings)
    assert [(v["version"], str(v["effective_from"])) for v in versions] == [(1, "2026-01-01"), (2, "2026-07-01")]
    assert version_in_force(versions, "FY2026", versions[1]["effective_from"])["version"] == 2

    rows = read_rows(settings, "select * from planning.targets where plan_id = 'FY2026'")
    by_id = {r["target_id"]: r for r in rows}
    children = defaultdict(list)
    for r in rows:
        if r["parent_target_id"]:
            children[r["parent_target_id"]].append(r)
    unit = Decimal(1000)
    for tid, kids in children.items():
        parent = by_id[tid]
        pad = kids[0]["pad"]
        expected = (parent["target_amount"] * (1 + pad) / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit
        assert sum(k["target_amount"] for k in kids) == expected, tid
    assert all(r["target_amount"] >= 0 for r in rows)
    v1 = [r for r in rows if r["version"] == 1]
    # FY2025 bookings 1,454,688,641.08 x 1.10 = 1,600,157,505.19 -> unit 1000
    assert next(r for r in v1 if r["level"] == "company")["target_amount"] == Decimal("1600158000.00")
    leaves = [r for r in v1 if r["level"] == "month"]
    assert all(r["rep_id"] and r["product_line"] and r["month_start"] for r in leaves if r["method"] == "seasonality")
    holds = [r for r in leaves if r["method"] == "ramp_hold"]
    assert holds and all(r["rep_id"] is None and r["month_start"] for r in holds)
    intl = [r for r in rows if r["level"] == "business_unit" and r["org_unit_id"] == "OU-0021"]
    assert sorted((r["version"], r["target_amount"]) for r in intl) == [(1, Decimal("399537000.00")), (2, Decimal("359216000.00"))]


def test_cli_plan_versions_and_errors(warehouse, data_dir, tmp_path):
    from typer.testing import CliRunner

    from salesops.cli import app
    from salesops.paths import CONFIG_DIR

    runner = CliRunner()
    res = runner.invoke(app, ["targets", "plan", "--config", str(CONFIG_DIR / "targets" / "fy2027_draft.yml"), "--depth", "1"])
    assert res.exit_code == 0, res.output
    assert "FY2027" in res.output and "1,750,000,000 CNY" in res.output and "(draft)" in res.output
    res = runner.invoke(app, ["targets", "versions"])
    assert res.exit_code == 0 and "FY2027" in res.output and "draft" in res.output
    # prior_year at rep level: a rep hired in June 2026 has no FY2025 bookings -> named, nothing written
    text = (CONFIG_DIR / "targets" / "fy2026_v2.yml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yml"
    bad.write_text(text.replace("blend: {prior_year: 0.6, potential: 0.2, even: 0.2}", "").replace(
        "  - level: rep\n    method: blend", "  - level: rep\n    method: prior_year"), encoding="utf-8")
    res = runner.invoke(app, ["targets", "plan", "--config", str(bad)])
    assert res.exit_code == 1
    assert "0055j0000000089AAA (黄婷) has no prior-year bookings (FY2025)" in res.output
    res = runner.invoke(app, ["targets", "versions"])
    assert "FY2026" not in res.output
