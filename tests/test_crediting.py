"""Crediting marts (dbt, docs/crediting.md): the contracts follow docs/interfaces.md
and the development fixture creates the tables the marts read with the
interface columns. The crediting rules themselves are dbt unit tests
(dbt_project/models/*/compensation/_*__unit_tests.yml) and singular tests
(dbt_project/tests/assert_comp_*.sql), run by `dbt build`."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import yaml

from tests.fixtures import crediting_tables

ROOT = Path(__file__).resolve().parents[1]
DBT = ROOT / "dbt_project" / "models"


def interface_columns(heading: str) -> list[tuple[str, str]]:
    """(column, type) rows of the first table after the docs/interfaces.md heading containing `heading`."""
    text = (ROOT / "docs" / "interfaces.md").read_text()
    start = next(i for i, line in enumerate(text.splitlines()) if line.startswith("## ") and heading in line)
    rows = []
    for line in text.splitlines()[start + 1:]:
        if line.startswith("## "):
            break
        m = re.match(r"^\| ([a-z_]+) \| ([a-z0-9(),]+) \|", line)
        if m and m.group(1) != "column":
            rows.append((m.group(1), m.group(2)))
        elif rows and not line.startswith("|"):
            break
    return rows


def yaml_columns(path: Path, kind: str, name: str) -> list[tuple[str, str]]:
    doc = yaml.safe_load(path.read_text())
    if kind == "models":
        node = next(m for m in doc["models"] if m["name"] == name)
    else:
        source, table = name.split(".")
        src = next(s for s in doc["sources"] if s["name"] == source)
        node = next(t for t in src["tables"] if t["name"] == table)
    return [(c["name"], c["data_type"].replace(" ", "")) for c in node["columns"]]


def test_comp_credits_contract_is_the_interface():
    """comp_credits' enforced contract = the docs/interfaces.md table, same order and types."""
    ours = yaml_columns(DBT / "marts" / "compensation" / "_compensation__models.yml", "models", "comp_credits")
    assert ours == interface_columns("`comp_credits`")


def test_engine_and_planning_sources_are_the_interface():
    """The compensation.payouts and planning.targets sources declare exactly the interface columns."""
    payouts = yaml_columns(DBT / "staging" / "compensation" / "_compensation__sources.yml", "sources", "compensation.payouts")
    assert payouts == interface_columns("`compensation.*`")
    targets = yaml_columns(DBT / "staging" / "planning" / "_planning__sources.yml", "sources", "planning.targets")
    assert targets == interface_columns("`planning.targets`")


def test_fixture_tables_match_the_sources():
    """The dev/test fixture creates config.comp_plan_*, planning.targets and compensation.payouts with
    the declared source columns (so the marts build on a warehouse copy before the other domains run)."""
    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute("create table staging.stg_crm__forecasting_quotas "
                "(quota_owner_user_id varchar, quota_month date, quota_amount decimal(18,2))")
    con.execute("insert into staging.stg_crm__forecasting_quotas values ('U1', date '2026-03-01', 1000.00)")
    crediting_tables.create_config_tables(con)
    sources = {
        "config": DBT / "staging" / "config" / "_config__sources.yml",
        "planning": DBT / "staging" / "planning" / "_planning__sources.yml",
        "compensation": DBT / "staging" / "compensation" / "_compensation__sources.yml",
    }
    for name in crediting_tables.DDL:
        schema, table = name.split(".")
        declared = [c for c, _ in yaml_columns(sources[schema], "sources", f"{schema}.{table}")]
        created = [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position", [schema, table]).fetchall()]
        assert created == declared, name
    # FY2026 leaf rows: 2 product lines x 2 versions for the one quota; v2 re-plans at +10 %
    rows = con.execute("select version, sum(target_amount) from planning.targets group by 1 order by 1").fetchall()
    assert [(v, str(a)) for v, a in rows] == [(1, "1000.00"), (2, "1100.00")]
