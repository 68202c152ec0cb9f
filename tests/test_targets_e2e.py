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
    assert next(r for r in v1 if r["level"] == "company")["target_amount"] == Decimal("1600000000.00")
    leaves = [r for r in v1 if r["level"] == "month"]
    assert {r["rep_id"] is not None and r["product_line"] is not None for r in leaves if r["method"] != "seasonality"} <= {True}
    assert all(r["month_start"] is not None for r in leaves)
    intl = [r for r in rows if r["level"] == "business_unit" and r["org_unit_id"] == "OU-0021"]
    assert sorted((r["version"], r["target_amount"]) for r in intl) == [(1, Decimal("400000000.00")), (2, Decimal("360000000.00"))]
