"""Compensation on a warehouse: plan config tables, a calculation run, period close,
prior-period adjustments after close, approval -- on a small hand-made DuckDB
warehouse (the dbt inputs are created as plain tables with their interface columns)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import dagster as dg
import duckdb
import pytest

from salesops import warehouse
from salesops.compensation.close import (
    MissingInput,
    PeriodError,
    approve_period,
    close_period,
    run_calculation,
    verify_period,
)
from salesops.compensation.plans import load_plans, parse_plan
from salesops.settings import get_settings

PLAN = {
    "plan_id": "AE", "currency": "CNY", "effective_from": "2026-01-01", "effective_to": "2026-12-31",
    "eligibility": [{"role": "rep"}], "target_incentive": {"percent_of_base": "0.5"},
    "components": [{"component": "bookings", "measure": "bookings", "weight": "1",
                    "rate_table": {"mode": "retro", "tiers": [{"from": "0", "to": None, "rate": "0.02"}]}}],
    "fx_rates": {"USD": "7.0"},
}

CREDIT_COLS = ("credit_id varchar, payee_id varchar, plan_id varchar, component varchar, measure varchar, credit_type varchar, "
               "source_type varchar, source_id varchar, cancels_credit_id varchar, credit_date date, period varchar, "
               "split_share decimal(9,6), amount_original decimal(18,2), currency varchar, fx_rate decimal(18,8), "
               "credit_amount decimal(18,2), plan_currency varchar, rule varchar")


def _credit(con, cid, day, amount, payee="U1"):
    con.execute("insert into marts.comp_credits values (?, ?, 'AE', 'bookings', 'bookings', 'owner', 'opportunity', ?, null, "
                "?, ?, 1, ?, 'CNY', 1, ?, 'CNY', 'owner')", [cid, payee, cid, day, day.strftime("%Y-%m"), amount, amount])


@pytest.fixture
def wh(data_dir):
    settings = get_settings()
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse))
    for s in ("marts", "staging"):
        con.execute(f"create schema {s}")
    con.execute(f"create table marts.comp_credits ({CREDIT_COLS})")
    con.execute("create table marts.comp_quotas (payee_id varchar, period varchar, component varchar, "
                "quota_amount decimal(18,2), currency varchar, source varchar)")
    con.execute("create table staging.stg_hr__job_assignments (employee_id varchar, sales_role varchar, job_level varchar, "
                "effective_from_date date, effective_to_date date)")
    con.execute("create table staging.stg_crm__users (user_id varchar, employee_id varchar)")
    con.execute("create table staging.stg_hr__employees (employee_id varchar, hire_date date, termination_date date)")
    con.execute("create table staging.stg_hr__employee_salaries (employee_id varchar, base_salary decimal(18,2), "
                "salary_currency varchar)")
    con.execute("insert into staging.stg_hr__job_assignments values ('E1', 'rep', 'S1', '2020-01-01', null)")
    con.execute("insert into staging.stg_crm__users values ('U1', 'E1')")
    con.execute("insert into staging.stg_hr__employees values ('E1', '2020-01-01', null)")
    # base 24,000 USD x 7.0 = 168,000 CNY; TI 50 % = 84,000 (restricted; not used by a rate table)
    con.execute("insert into staging.stg_hr__employee_salaries values ('E1', 24000, 'USD')")
    for m in (1, 2, 3):
        con.execute("insert into marts.comp_quotas values ('U1', ?, 'bookings', 10000, 'CNY', 'targets')", [f"2026-0{m}"])
    _credit(con, "O1", date(2026, 1, 10), 10000)
    con.close()
    return settings


def _con(settings):
    return duckdb.connect(str(settings.warehouse))


def test_plan_tables_for_the_crediting_marts(data_dir):
    from salesops.compensation.plans import write_plan_tables

    settings = get_settings()
    counts = write_plan_tables(settings, load_plans())
    assert counts["comp_plan_components"] == 5 and counts["comp_plan_fx"] == 6
    rows = warehouse.read_rows(settings, "select * from config.comp_plan_components where plan_id = 'AE_2026' order by component")
    assert [(r["component"], r["weight"], r["credit_types"]) for r in rows] == [
        ("bookings", D("0.600000"), "owner,split"), ("invoiced_revenue", D("0.400000"), "owner,split")]
    elig = warehouse.read_rows(settings, "select plan_id, role, level from config.comp_plan_eligibility order by 1, 2, 3")
    assert ("MGR_2026", "manager", None) in [tuple(r.values()) for r in elig]


def test_close_adjust_approve_cycle(wh):
    plans = {"AE": parse_plan(PLAN)}
    res = run_calculation(wh, plans=plans)
    assert res.ok
    # Jan: 10,000 x 2 % = 200
    [jan] = warehouse.read_rows(wh, "select * from compensation.payouts where period = '2026-01'")
    assert (jan["payout_id"], jan["earned"], jan["net_payable"]) == ("U1:2026-01:bookings", D("200.00"), D("200.00"))

    info = close_period(wh, "2026-01")
    assert info["rows"] == 1 and info["net_payable"] == D("200.00")
    with pytest.raises(PeriodError, match="already closed"):
        close_period(wh, "2026-01")

    # later data: a late January deal and February business, and a rate change to 3 %
    con = _con(wh)
    _credit(con, "O2", date(2026, 1, 30), 5000)
    _credit(con, "O3", date(2026, 2, 3), 10000)
    con.close()
    plans = {"AE": parse_plan({**PLAN, "components": [{**PLAN["components"][0], "rate_table": {
        "mode": "retro", "tiers": [{"from": "0", "to": None, "rate": "0.03"}]}}]})}
    res = run_calculation(wh, plans=plans)
    assert res.ok
    stored, actual = verify_period(wh, "2026-01")
    assert stored == actual  # the closed January is unchanged
    jan_now = warehouse.read_rows(wh, "select * from compensation.payouts where period = '2026-01'")
    assert jan_now[0]["earned"] == D("200.00")
    # January recalculated: 15,000 x 3 % = 450 vs 200 paid -> +250 booked in February
    [adj] = warehouse.read_rows(wh, "select * from compensation.adjustments")
    assert (adj["period"], adj["corrects_period"], adj["corrects_payout_id"], adj["amount"]) == (
        "2026-02", "2026-01", "U1:2026-01:bookings", D("250.00"))
    [feb] = warehouse.read_rows(wh, "select * from compensation.payouts where period = '2026-02'")
    # February: YTD 25,000 x 3 % = 750, paid before (recalculated) 450 -> 300; + 250 adjustment = 550
    assert (feb["earned"], feb["adjustment"], feb["net_payable"]) == (D("300.00"), D("250.00"), D("550.00"))

    with pytest.raises(PeriodError, match="not closed"):
        approve_period(wh, "2026-02", "ops")
    approve_period(wh, "2026-01", "ops")
    status = {r["period"]: r["status"] for r in warehouse.read_rows(wh, "select * from compensation.periods")}
    assert status == {"2026-01": "approved", "2026-02": "open", "2026-03": "open"}

    # closing February stores its adjustment; a rerun books nothing new
    close_period(wh, "2026-02")
    res = run_calculation(wh, plans=plans, through_period="2026-03")
    assert res.ok and res.adjustments == []
    assert len(warehouse.read_rows(wh, "select * from compensation.adjustments")) == 1


def test_periods_close_in_order(wh):
    con = _con(wh)
    _credit(con, "O3", date(2026, 2, 3), 10000)
    con.close()
    run_calculation(wh, plans={"AE": parse_plan(PLAN)})
    with pytest.raises(PeriodError, match="close 2026-01 first"):
        close_period(wh, "2026-02")
    with pytest.raises(PeriodError, match="not YYYY-MM"):
        close_period(wh, "2026-13")


def test_an_exception_holds_back_its_payee_only(wh):
    plans = {"AE": parse_plan(PLAN)}
    assert run_calculation(wh, plans=plans).ok
    con = _con(wh)
    _credit(con, "X1", date(2026, 1, 12), 100, payee="NOBODY")
    con.close()
    res = run_calculation(wh, plans=plans)
    assert [e.rule for e in res.exceptions] == ["payee_without_plan"]
    with pytest.raises(PeriodError, match="the last calculation had 1 exception"):
        close_period(wh, "2026-01")  # never lock the stale payouts of the last good run
    [exc] = warehouse.read_rows(wh, "select * from compensation.exceptions")
    assert exc["payee_id"] == "NOBODY" and "X1" in exc["reason"]
    assert res.held_payees == {"NOBODY"} and not res.blocked
    # the other payees are calculated as before; the held one gets nothing
    assert warehouse.read_rows(wh, "select earned from compensation.payouts where period = '2026-01'")[0]["earned"] == D("200.00")
    assert warehouse.read_rows(wh, "select count(*) as n from compensation.payouts where payee_id = 'NOBODY'")[0]["n"] == 0


def test_missing_crediting_marts_is_a_clear_error(data_dir):
    with pytest.raises(MissingInput, match="marts.comp_credits does not exist"):
        run_calculation(get_settings(), plans={"AE": parse_plan(PLAN)})


def test_assets_materialize_standalone(wh, monkeypatch):
    from assets.compensation import build_compensation_assets
    from orchestration.resources import SettingsResource

    monkeypatch.setattr("salesops.compensation.close.load_plans", lambda: {"AE": parse_plan(PLAN)})
    plans_asset, payouts_asset = build_compensation_assets()
    result = dg.materialize([plans_asset, payouts_asset], resources={"settings": SettingsResource(data_dir=str(wh.data_dir))})
    assert result.success
    mats = {"/".join(m.asset_key.path): m.metadata for m in result.get_asset_materialization_events() and
            [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]}
    assert mats["compensation/payouts"]["rows"].value == 3  # Jan-Mar (quotas through March)
    assert mats["config/comp_plan_components"]["rows"].value == 5
    # rerun: the same rows (idempotent)
    first = warehouse.read_rows(wh, "select * exclude (calculated_at) from compensation.payouts")
    assert dg.materialize([payouts_asset], resources={"settings": SettingsResource(data_dir=str(wh.data_dir))}).success
    assert warehouse.read_rows(wh, "select * exclude (calculated_at) from compensation.payouts") == first

    # an exception of one payee holds that payee back: the asset succeeds with a failed (warn) check
    con = _con(wh)
    _credit(con, "X1", date(2026, 1, 12), 100, payee="NOBODY")
    con.close()
    held = dg.materialize([payouts_asset], resources={"settings": SettingsResource(data_dir=str(wh.data_dir))},
                          raise_on_error=False)
    assert held.success
    [check] = held.get_asset_check_evaluations()
    assert check.check_name == "no_held_payees" and not check.passed and check.metadata["held_payees"].value == 1


def test_target_incentives_prorated_by_days(wh):
    from salesops.compensation.close import target_incentive_rows
    from salesops.compensation.engine import Assignment

    plans = {"AE": parse_plan(PLAN)}
    rows = target_incentive_rows(plans, [Assignment("U1", "AE", date(2026, 4, 16), None, D("120000")),
                                         Assignment("U2", "AE", date(2025, 1, 1), date(2026, 2, 28), D("60000"))])
    # U1: April 15/30 + May..Dec 8 months = 8.5 months -> 120,000 x 8.5/12 = 85,000
    # U2: only 2026 is on the plan (the plan starts 2026-01-01): 2 months -> 60,000 x 2/12 = 10,000
    assert [(r["payee_id"], r["fiscal_year"], r["target_incentive"]) for r in rows] == [
        ("U1", 2026, D("85000.00")), ("U2", 2026, D("10000.00"))]
    assert run_calculation(wh, plans=plans).ok
    # base 24,000 USD x 7.0 x 50 % = 84,000 CNY for the whole year
    [ti] = warehouse.read_rows(wh, "select * from compensation.target_incentives")
    assert (ti["payee_id"], ti["target_incentive"], ti["currency"]) == ("U1", D("84000.00"), "CNY")


def test_payouts_asset_is_skipped_without_the_crediting_marts(data_dir):
    from assets.compensation import build_compensation_assets
    from orchestration.resources import SettingsResource

    _, payouts_asset = build_compensation_assets()
    result = dg.materialize([payouts_asset], resources={"settings": SettingsResource(data_dir=str(data_dir))})
    assert result.success and result.get_asset_materialization_events() == []


def test_cli_calculate_close_approve(wh, monkeypatch):
    from typer.testing import CliRunner

    from salesops.cli import app

    monkeypatch.setattr("salesops.compensation.close.load_plans", lambda: {"AE": parse_plan(PLAN)})
    run = CliRunner().invoke
    res = run(app, ["comp", "calculate"], terminal_width=200)
    assert res.exit_code == 0 and "3 payout rows for 3 periods" in res.output, res.output
    res = run(app, ["comp", "close", "--period", "2026-01"], terminal_width=200)
    stored, _ = verify_period(wh, "2026-01")
    assert res.exit_code == 0 and "net payable 200.00" in res.output and stored in res.output.replace("\n", "")
    res = run(app, ["comp", "close", "--period", "2026-01"], terminal_width=200)
    assert res.exit_code == 1 and "already closed" in res.output
    res = run(app, ["comp", "approve", "--period", "2026-01", "--by", "cfo"], terminal_width=200)
    assert res.exit_code == 0 and "approved 2026-01 by cfo" in res.output
    # bad input: the exception table is printed and the command fails
    con = _con(wh)
    _credit(con, "X1", date(2026, 1, 12), 100, payee="NOBODY")
    con.close()
    res = run(app, ["comp", "calculate"], terminal_width=200)
    assert res.exit_code == 1 and "payee_without_plan" in res.output and "held back" in res.output


def test_whatif_on_the_warehouse_history(wh, monkeypatch, tmp_path):
    import yaml
    from typer.testing import CliRunner

    from salesops.cli import app

    monkeypatch.setattr("salesops.compensation.plans.load_plans", lambda directory=None: {"AE": parse_plan(PLAN)})
    alt = {**PLAN, "components": [{**PLAN["components"][0], "rate_table": {
        "mode": "retro", "tiers": [{"from": "0", "to": None, "rate": "0.03"}]}}]}
    (tmp_path / "alt.yml").write_text(yaml.safe_dump(alt))
    res = CliRunner().invoke(app, ["comp", "whatif", "--plan", str(tmp_path / "alt.yml")], terminal_width=200)
    assert res.exit_code == 0, res.output
    # one payee, January 10,000: 2 % = 200 now, 3 % = 300 under the alternative
    line = next(x for x in res.output.splitlines() if "total cost" in x)
    assert "200.00" in line and "300.00" in line and "+100.00" in line
