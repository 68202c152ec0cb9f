"""Territory proposals in the warehouse: propose changes nothing but the proposals table, apply is the
explicit, effective-dated approval; the CLI and the Dagster asset on a tiny hand-made warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from salesops.cli import app
from salesops.settings import get_settings
from salesops.warehouse import read_rows

CONFIG = {
    "workload": {"segments": {"SMB": {"calls_per_year": 2, "hours_per_call": 1}}},
    "capacity": {"default_hours_per_year": 100},
    "key_accounts": {"segments": []},
    "objective": {"potential_weight": 1, "workload_weight": 1, "disruption_weight": "0.1"},
    "solver": {"mip_rel_gap": 0, "time_limit_seconds": 30},
}


@pytest.fixture
def warehouse(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The six cities of test_territories (A owns 100/90/60/50, B 40/20) in the dbt models the reader uses;
    B was in R2 until 2025 (the current assignment wins), M is R1's manager, Q has no HR assignment."""
    monkeypatch.setenv("SALESOPS_AS_OF", "2026-11-26")
    path = get_settings().warehouse
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema staging; create schema intermediate")
    con.execute("""create table staging.stg_crm__accounts (account_id varchar, owner_user_id varchar, segment varchar,
        potential_amount decimal(18,2), billing_country varchar, billing_state varchar, billing_city varchar,
        is_key_account boolean, account_name varchar)""")
    for c, p, owner in [("c1", 100, "A"), ("c2", 90, "A"), ("c3", 60, "A"), ("c4", 50, "A"), ("c5", 40, "B"),
                        ("c6", 20, "B")]:
        con.execute("insert into staging.stg_crm__accounts values (?, ?, 'SMB', ?, 'CN', 'P', ?, false, ?)",
                    [f"acc-{c}", owner, p, c, f"Account {c}"])
    con.execute("create table staging.stg_crm__users (user_id varchar, user_name varchar, is_active boolean)")
    con.execute("insert into staging.stg_crm__users values ('A','Ann',true),('B','Bo',true),('M','Mo',true),"
                "('Q','Qi',true)")
    con.execute("""create table intermediate.int_reps_assigned (user_id varchar, region_id varchar,
        region_name varchar, sales_role varchar, termination_date date, valid_from_date date, valid_to_date date)""")
    con.execute("""insert into intermediate.int_reps_assigned values
        ('A','R1','Region One','rep',null,'2020-01-01','9999-12-31'),
        ('B','R2','Region Two','rep',null,'2020-01-01','2024-12-31'),
        ('B','R1','Region One','rep',null,'2025-01-01','9999-12-31'),
        ('M','R1','Region One','manager',null,'2020-01-01','9999-12-31'),
        ('Q',null,null,null,null,'1900-01-01','9999-12-31')""")
    con.close()
    cfg = tmp_path / "territories.yml"
    cfg.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    return cfg


def _count(table: str) -> int:
    return read_rows(get_settings(), f"select count(*) as n from planning.{table}")[0]["n"]


def _has_table(table: str) -> bool:
    return bool(read_rows(get_settings(), "select count(*) as n from information_schema.tables "
                                          "where table_schema = 'planning' and table_name = :t", {"t": table})[0]["n"])


def test_propose_then_apply_effective_dated(warehouse: Path, tmp_path: Path):
    runner = CliRunner()
    res = runner.invoke(app, ["territories", "propose", "--config", str(warehouse)])
    assert res.exit_code == 0, res.output
    assert "0.667 → 0.000" in res.output and "44.4%" in res.output and "Nothing is applied" in res.output
    rows = read_rows(get_settings(), "select * from planning.territory_proposals order by account_id")
    proposal_id = rows[0]["proposal_id"]
    assert {r["account_id"]: r["to_rep_id"] for r in rows} == {
        "acc-c1": "A", "acc-c2": "B", "acc-c3": "A", "acc-c4": "B", "acc-c5": "B", "acc-c6": "A"}
    assert [str(r["potential"]) for r in rows] == ["100.00", "90.00", "60.00", "50.00", "40.00", "20.00"]
    assert {r["region_id"] for r in rows} == {"R1"} and rows[0]["unit_type"] == "city"
    assert not _has_table("territory_alignment"), "a proposal that is not approved changes nothing"

    again = runner.invoke(app, ["territories", "propose", "--config", str(warehouse)])
    assert again.exit_code == 0 and "nothing written" in again.output and _count("territory_proposals") == 6

    res = runner.invoke(app, ["territories", "apply", "--proposal", proposal_id, "--approved-by", "vp"])
    assert res.exit_code == 0, res.output
    assert "6 alignment rows written, 0 previous rows closed" in res.output
    aligned = read_rows(get_settings(), "select * from planning.territory_alignment order by account_id")
    assert {(r["account_id"], r["rep_id"], str(r["effective_from"]), r["effective_to"], r["proposal_id"],
             r["approved_by"]) for r in aligned} == {
        (f"acc-{c}", rep, "2026-11-27", None, proposal_id, "vp")
        for c, rep in [("c1", "A"), ("c2", "B"), ("c3", "A"), ("c4", "B"), ("c5", "B"), ("c6", "A")]}
    res = runner.invoke(app, ["territories", "apply", "--proposal", proposal_id])
    assert "applied before: nothing changed" in res.output and _count("territory_alignment") == 6

    # a second proposal with a high disruption weight keeps every account with its CRM owner:
    # c2, c4 (B -> A) and c6 (A -> B) change against the approved alignment, the others stay
    cfg2 = tmp_path / "t2.yml"
    cfg2.write_text(yaml.safe_dump({**CONFIG, "objective": {"disruption_weight": 10}}), encoding="utf-8")
    res = runner.invoke(app, ["territories", "propose", "--config", str(cfg2)])
    assert res.exit_code == 0 and "0.0%" in res.output
    second = next(r["proposal_id"] for r in read_rows(get_settings(), "select distinct proposal_id from "
                                                                       "planning.territory_proposals")
                  if r["proposal_id"] != proposal_id)
    res = runner.invoke(app, ["territories", "apply", "--proposal", second, "--effective-from", "2027-01-01"])
    assert "3 alignment rows written, 3 previous rows closed, 3 unchanged" in res.output, res.output
    closed = read_rows(get_settings(), "select account_id, effective_to from planning.territory_alignment "
                                       "where effective_to is not null order by account_id")
    assert [(r["account_id"], str(r["effective_to"])) for r in closed] == [
        ("acc-c2", "2026-12-31"), ("acc-c4", "2026-12-31"), ("acc-c6", "2026-12-31")]
    current = read_rows(get_settings(), "select account_id, rep_id from planning.territory_alignment "
                                        "where effective_to is null order by account_id")
    assert [r["rep_id"] for r in current] == ["A", "A", "A", "A", "B", "B"]


def test_cli_errors_name_the_item_and_rule(warehouse: Path, tmp_path: Path):
    runner = CliRunner()
    res = runner.invoke(app, ["territories", "apply", "--proposal", "TP-nope"])
    assert res.exit_code == 1 and "no proposals yet" in res.output
    bad = tmp_path / "bad.yml"
    bad.write_text(yaml.safe_dump({**CONFIG, "solvr": {}}), encoding="utf-8")
    res = runner.invoke(app, ["territories", "propose", "--config", str(bad)])
    assert res.exit_code == 1 and "solvr: unknown key" in " ".join(res.output.split())
    runner.invoke(app, ["territories", "propose", "--config", str(warehouse)])
    res = runner.invoke(app, ["territories", "apply", "--proposal", "TP-nope"])
    assert res.exit_code == 1 and "TP-nope: unknown proposal id" in " ".join(res.output.split())


def test_asset_writes_a_proposal_and_applies_nothing(warehouse: Path, data_dir: Path):
    import dagster as dg

    from assets.territories import territory_proposals
    from orchestration.resources import SettingsResource

    result = dg.materialize(
        [territory_proposals], resources={"settings": SettingsResource(data_dir=str(data_dir))},
        run_config={"ops": {"planning__territory_proposals": {"config": {"config_path": str(warehouse)}}}})
    assert result.success
    meta = result.asset_materializations_for_node("planning__territory_proposals")[0].metadata
    assert meta["disruption_share"].value == pytest.approx(0.444444)
    assert meta["cv_potential_before"].value == pytest.approx(0.666667)
    assert meta["cv_potential_after"].value == 0
    assert _count("territory_proposals") == 6 and not _has_table("territory_alignment")


def test_definitions_run_the_proposal_on_demand_only(dbt_manifest):
    import dagster as dg

    from orchestration.definitions import build_definitions

    defs = build_definitions()
    key = dg.AssetKey(["planning", "territory_proposals"])
    graph = defs.resolve_asset_graph()
    node = graph.get(key)
    assert node.group_name == "planning"
    assert {dg.AssetKey(["staging", "stg_crm__accounts"]), dg.AssetKey(["intermediate", "int_reps_assigned"])} \
        <= set(node.parent_keys)
    assert defs.get_assets_def(key).op.pool == "warehouse"
    assert key in defs.resolve_job_def("territory_proposal").asset_layer.selected_asset_keys
    assert key not in defs.resolve_job_def("nightly").asset_layer.selected_asset_keys
