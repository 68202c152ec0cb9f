"""Territory proposals in the warehouse: propose changes nothing but the proposals table, apply is the
explicit, effective-dated approval; the CLI and the Dagster asset on a tiny hand-made warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from salesops.cli import app
from salesops.settings import get_settings
from salesops.warehouse import read_rows
from tests.postgres import postgres_url  # noqa: F401  (fixture)

CONFIG = {
    "workload": {"segments": {"SMB": {"calls_per_year": 2, "hours_per_call": 1}}},
    "capacity": {"default_hours_per_year": 100},
    "key_accounts": {"segments": []},
    "objective": {"potential_weight": 1, "workload_weight": 1, "disruption_weight": "0.1"},
    "solver": {"mip_rel_gap": 0, "time_limit_seconds": 30},
}


ACCOUNTS = [("c1", 100, "A"), ("c2", 90, "A"), ("c3", 60, "A"), ("c4", 50, "A"), ("c5", 40, "B"), ("c6", 20, "B")]


def seed_warehouse(orphan: bool = False) -> None:
    """The six cities of test_territories (A owns 100/90/60/50, B 40/20) in the dbt models the reader uses;
    B was in R2 until 2024 (the current assignment wins), M is R1's manager, Q has no HR assignment
    (orphan=True: Q owns acc-q, worth 5). Plain SQL through SQLAlchemy: DuckDB and PostgreSQL alike."""
    import sqlalchemy as sa

    from salesops.warehouse import transaction

    with transaction(get_settings()) as conn:
        conn.execute(sa.text("create schema staging"))
        conn.execute(sa.text("create schema intermediate"))
        conn.execute(sa.text("""create table staging.stg_crm__accounts (account_id varchar, owner_user_id varchar,
            segment varchar, potential_amount decimal(18,2), billing_country varchar, billing_state varchar,
            billing_city varchar, is_key_account boolean, account_name varchar, currency varchar)"""))
        rows = ACCOUNTS + ([("q", 5, "Q")] if orphan else [])
        conn.execute(sa.text("insert into staging.stg_crm__accounts values (:a, :o, 'SMB', :p, 'CN', 'P', :c, false, :n, 'CNY')"),
                     [{"a": f"acc-{c}", "o": owner, "p": p, "c": c, "n": f"Account {c}"} for c, p, owner in rows])
        conn.execute(sa.text("create table staging.stg_crm__users (user_id varchar, user_name varchar, is_active boolean)"))
        conn.execute(sa.text("insert into staging.stg_crm__users values ('A','Ann',true),('B','Bo',true),"
                             "('M','Mo',true),('Q','Qi',true)"))
        conn.execute(sa.text("""create table intermediate.int_reps_assigned (user_id varchar, region_id varchar,
            region_name varchar, sales_role varchar, termination_date date, valid_from_date date, valid_to_date date)"""))
        conn.execute(sa.text("""insert into intermediate.int_reps_assigned values
            ('A','R1','Region One','rep',null,'2020-01-01','9999-12-31'),
            ('B','R2','Region Two','rep',null,'2020-01-01','2024-12-31'),
            ('B','R1','Region One','rep',null,'2025-01-01','9999-12-31'),
            ('M','R1','Region One','manager',null,'2020-01-01','9999-12-31'),
            ('Q',null,null,null,null,'1900-01-01','9999-12-31')"""))


@pytest.fixture
def warehouse(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A DuckDB warehouse seeded with seed_warehouse(); returns the config file."""
    monkeypatch.setenv("SALESOPS_AS_OF", "2026-11-26")
    seed_warehouse()
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
    res = runner.invoke(app, ["territories", "propose", "--config", str(warehouse)], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "0.667 → 0.000" in res.output and "44.4%" in res.output and "Nothing is applied" in res.output
    rows = read_rows(get_settings(), "select * from planning.territory_proposals order by account_id")
    proposal_id = rows[0]["proposal_id"]
    assert {r["account_id"]: r["to_rep_id"] for r in rows} == {
        "acc-c1": "A", "acc-c2": "B", "acc-c3": "A", "acc-c4": "B", "acc-c5": "B", "acc-c6": "A"}
    assert [str(r["potential"]) for r in rows] == ["100.00", "90.00", "60.00", "50.00", "40.00", "20.00"]
    assert {r["region_id"] for r in rows} == {"R1"} and rows[0]["unit_type"] == "city"
    assert {r["currency"] for r in rows} == {"CNY"}
    assert not _has_table("territory_alignment"), "a proposal that is not approved changes nothing"

    again = runner.invoke(app, ["territories", "propose", "--config", str(warehouse)], terminal_width=200)
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
    res = runner.invoke(app, ["territories", "propose", "--config", str(cfg2)], terminal_width=200)
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
    runner.invoke(app, ["territories", "propose", "--config", str(warehouse)], terminal_width=200)
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


def test_on_postgres_and_not_aligned_accounts_are_not_approved(data_dir, postgres_url, monkeypatch):  # noqa: F811
    """Same reader and writers on PostgreSQL (own database); Q's account (owner without HR region) is
    listed in the proposal with the reason but not written to the alignment."""
    from datetime import datetime

    import sqlalchemy as sa

    from salesops.planning.territories.config import parse_config
    from salesops.planning.territories.propose import propose
    from salesops.planning.territories.source import read_accounts, read_people
    from salesops.planning.territories.store import apply_proposal, write_proposal

    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("drop database if exists territories_test"))
        conn.execute(sa.text("create database territories_test"))
    admin.dispose()
    monkeypatch.setenv("SALESOPS_WAREHOUSE_TARGET", "postgres")
    monkeypatch.setenv("SALESOPS_WAREHOUSE_URL", postgres_url.rsplit("/", 1)[0] + "/territories_test")
    seed_warehouse(orphan=True)
    settings = get_settings()
    as_of = datetime(2026, 11, 26).date()
    cfg = parse_config({**CONFIG, "accounts_without_region": "keep"})
    proposal = propose(read_accounts(settings), read_people(settings, as_of), cfg, as_of=as_of,
                       created_at=datetime(2026, 11, 27, 1, 0))
    assert write_proposal(settings, proposal) and not write_proposal(settings, proposal)
    rows = {r["account_id"]: r for r in read_rows(settings, "select * from planning.territory_proposals")}
    assert rows["acc-q"]["region_id"] is None and rows["acc-q"]["reason"].startswith("not aligned")
    assert str(rows["acc-c1"]["potential"]) == "100.00" and rows["acc-c2"]["to_rep_id"] == "B"
    result = apply_proposal(settings, proposal.proposal_id, approved_at=datetime(2026, 11, 27, 2, 0),
                            approved_by="vp")
    assert (result["inserted"], result["not_aligned"]) == (6, 1)
    assert apply_proposal(settings, proposal.proposal_id, approved_at=datetime(2026, 11, 27, 3, 0),
                          approved_by="vp")["already_applied"]
    aligned = read_rows(settings, "select account_id from planning.territory_alignment order by account_id")
    assert [r["account_id"] for r in aligned] == [f"acc-c{i}" for i in range(1, 7)]
