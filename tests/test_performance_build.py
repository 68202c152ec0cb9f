"""The performance marts built on a small demo company: the target ledger switch
(CRM fallback -> version 1 -> version 2 at their effective months, drafts ignored,
empty or missing ledger = all CRM), node roll-ups that add up to the company,
the KPI tree attribution summing exactly, and the action list = the rules
re-evaluated in Python on the scorecard."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from operator import ge, gt, le, lt

import duckdb
import pytest

from salesops.performance.config import load_diagnostic_rules
from salesops.settings import get_settings
from tests.performance_targets_fixture import write_fixture
from tests.test_nightly import _env, failed_checks, run_nightly_job

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("performance")]
SCALE = 0.1
SELECT = "stg_planning__targets+ stg_config__kpis+ stg_config__diagnostic_rules+"


@pytest.fixture(scope="module")
def company(tmp_path_factory, dbt_manifest):
    """Data dir of a small demo company after one nightly run (config assets, the demo plans
    published to the target ledger, every dbt model)."""
    from salesops.demo.generator import generate

    data = tmp_path_factory.mktemp("performance") / "data"
    with _env(data):
        generate(get_settings().demo_dir, scale=SCALE, seed=7)
        result = run_nightly_job()
    assert result.success, [e.event_specific_data.error.message for e in result.all_events
                            if e.event_type_value == "STEP_FAILURE"]
    assert failed_checks(result) == []  # every dbt test of the performance models passed on the demo
    return data


def dbt_build(data, select: str = SELECT) -> None:
    env = {**os.environ, "SALESOPS_DATA_DIR": str(data)}
    run = subprocess.run([sys.executable, "-m", "salesops.cli", "dbt", "build", "--select", *select.split()],
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def query(data, sql: str) -> list[tuple]:
    with duckdb.connect(str(data / "warehouse" / "salesops.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def sources_by_month(data) -> dict:
    return {(str(m), s, v) for m, s, v in query(data, """
        select distinct month_start, target_source, plan_version from marts.target_vs_actual
        where target_source is not null""")}


def test_without_a_ledger_every_month_is_crm_fallback(company):
    # no plan written yet (the nightly published the demo plans: drop them): the staging view reads it as empty
    with duckdb.connect(str(company / "warehouse" / "salesops.duckdb")) as con:
        con.execute("drop table planning.targets")
    dbt_build(company)
    assert query(company, "select distinct target_source from intermediate.int_targets_resolved") == [("crm_quota",)]
    crm, mart = query(company, """
        select (select sum(quota_amount) from staging.stg_crm__forecasting_quotas
                where product_family is null and quota_month <= (select max(month_start) from marts.target_vs_actual)),
               (select sum(quota) from marts.target_vs_actual)""")[0]
    assert crm == mart  # demo quotas are all CNY


def test_ledger_versions_switch_at_their_effective_month(company):
    with _env(company):
        write_fixture(get_settings())
    try:
        dbt_build(company)
        months = sources_by_month(company)
        assert all(s == "crm_quota" for m, s, v in months if m < "2026-01-01")
        assert all((s, v) == ("ledger", 1) for m, s, v in months if "2026-01-01" <= m < "2026-07-01")
        assert all((s, v) == ("ledger", 2) for m, s, v in months if m >= "2026-07-01")
        # the ledger months carry the published version's leaf sums exactly (CNY, rate 1): v1 = CRM x 1.05, v2 = x 1.10
        rows = query(company, """
            with crm as (
                select quota_month as m, sum(round(quota_amount * case when quota_month < date '2026-07-01'
                    then 1.05 else 1.10 end, 2)) as expected
                from staging.stg_crm__forecasting_quotas
                where product_family is null and quota_month between date '2026-01-01' and
                    (select max(month_start) from marts.target_vs_actual)
                group by 1),
            mart as (select month_start as m, sum(quota) as quota from marts.target_vs_actual group by 1)
            select crm.m, crm.expected, mart.quota from crm join mart using (m)""")
        assert rows and all(expected == quota for _, expected, quota in rows), rows
        check_rollups_and_identities(company)
    finally:
        with _env(company):
            write_fixture(get_settings(), empty=True)
        dbt_build(company)
    assert query(company, "select distinct target_source from intermediate.int_targets_resolved") == [("crm_quota",)]


def check_rollups_and_identities(data) -> None:
    # every node level adds up to the company, per period
    sums = defaultdict(dict)
    for node_type, period, target, to_date, bookings in query(data, """
            select node_type, period, sum(target_period), sum(target_to_date), sum(bookings_to_date)
            from marts.target_attainment group by 1, 2"""):
        sums[period][node_type] = (target, to_date, bookings)
    for period, levels in sums.items():
        assert set(levels) == {"company", "business_unit", "region", "team", "rep", "product_line"}
        assert len(set(levels.values())) == 1, (period, levels)
    # target_vs_actual_by_node: every level adds up to the rep level, per month
    assert query(data, """
        select count(*) from (select month_start, node_type, sum(quota) q, sum(bookings) b
        from marts.target_vs_actual_by_node group by 1, 2) l
        join (select month_start, sum(quota) q, sum(bookings) b from marts.target_vs_actual group by 1) r using (month_start)
        where l.q is distinct from r.q or l.b <> r.b""") == [(0,)]
    # KPI tree: the parts add up exactly to the variance in every row; the company rows hold all bookings
    assert query(data, """select count(*) from marts.kpi_tree_attribution
        where lead_effect + conversion_effect + win_rate_effect + deal_size_effect + unexplained_effect <> variance""") == [(0,)]
    # action list = the rules of config/diagnostics.yml re-evaluated in Python on the scorecard
    metrics = defaultdict(dict)
    for rep, metric, value in query(data, "select rep_id, metric, metric_value from marts.rep_kpi_scorecard"):
        metrics[rep][metric] = value
    ops = {"<": lt, "<=": le, ">": gt, ">=": ge}
    expected = {
        (rep, rule.name)
        for rule in load_diagnostic_rules().rules
        for rep, m in metrics.items()
        if all(m.get(c.metric) is not None and ops[c.op](Decimal(m[c.metric]), c.value) for c in rule.conditions)
    }
    assert set(query(data, "select rep_id, rule_name from marts.manager_action_list")) == expected
    ranks = query(data, "select manager_user_id, list(manager_rank order by manager_rank) from marts.manager_action_list group by 1")
    assert all(r == list(range(1, len(r) + 1)) for _, r in ranks)
