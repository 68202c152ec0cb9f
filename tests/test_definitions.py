"""The front door loads, with the named jobs and schedule, and one connected lineage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from salesops.contracts import load_all
from salesops.settings import get_settings
from salesops.transform import dbt_build_args, dbt_env, dbt_vars

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_keys.txt"


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import build_definitions

    return build_definitions()


def test_jobs_schedules_and_resources(defs):
    assert defs.resolve_job_def("nightly") is not None
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert schedule.cron_schedule == "0 2 * * *" and schedule.execution_timezone == "Asia/Shanghai"
    assert {"settings", "dlt", "dbt"} <= set(defs.resources)


def test_schedule_builds_the_marts_as_of_the_day_that_ended(defs):
    schedule = defs.resolve_schedule_def("nightly_schedule")
    tick = datetime(2026, 11, 27, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    request = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick)).run_requests[0]
    assert request.run_config["ops"]["dbt_build"]["config"]["as_of"] == "2026-11-26"
    assert request.run_key == "2026-11-26"


def test_every_source_table_is_an_asset_feeding_dbt(defs):
    keys = {tuple(k.path) for k in defs.resolve_all_asset_keys()}
    for source in load_all():
        for table in source.tables:
            assert (source.name, table.name) in keys
    graph = defs.resolve_asset_graph()
    dbt_deps = {tuple(p.path) for k in graph.get_all_asset_keys() if k.path[0] not in ("crm", "erp", "hr")
                for p in graph.get(k).parent_keys}
    sources_used = {k for k in dbt_deps if k[0] in ("crm", "erp", "hr")}
    contract_tables = {(s.name, t.name) for s in load_all() for t in s.tables}
    assert sources_used == contract_tables, "every landed table is read by a staging model and nothing else"


def test_asset_keys_snapshot(defs):
    """Renames are deliberate: update tests/snapshots/asset_keys.txt with the change."""
    keys = sorted("/".join(k.path) for k in defs.resolve_all_asset_keys())
    if not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text("\n".join(keys) + "\n")
        pytest.fail(f"wrote {SNAPSHOT}: review and commit it")
    assert keys == SNAPSHOT.read_text().split()


def test_dbt_build_args_and_env_carry_as_of_and_options():
    s = get_settings(_env_file=None, fiscal_year_start_month=4, reporting_currency="CNY")
    args = dbt_build_args(s, full_refresh=True, select="marts")
    assert args[0] == "build" and args[-2:] == ["--select", "marts"] and "--full-refresh" in args
    # unit tests run in CI (test_nightly.py::test_dbt_unit_tests_pass), not every night
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"
    assert "--exclude-resource-type" not in dbt_build_args(s, unit_tests=True)
    # the vars stay the same from night to night (a changed var makes dbt parse the whole project);
    # the as-of date goes in the environment
    assert json.loads(args[2]) == {"fiscal_year_start_month": 4, "reporting_currency": "CNY", "timezone": "Asia/Shanghai"}
    assert dbt_env(s, date(2026, 3, 31))["SALESOPS_AS_OF"] == "2026-03-31"


def test_a_new_as_of_date_keeps_dbt_partial_parse(tmp_path):
    """The night's as-of date reaches the SQL (compiled with each date), and a new date
    does not make dbt parse the project again."""
    from salesops.paths import DBT_PROJECT_DIR

    s = get_settings(_env_file=None, data_dir=tmp_path / "data")
    s.warehouse.parent.mkdir(parents=True)
    log = tmp_path / "logs" / "dbt.log"
    compiled = tmp_path / "target" / "compiled" / "salesops" / "models" / "intermediate" / "int_months_spined.sql"
    for day in ("2026-03-30", "2026-03-31"):
        env = {**os.environ, **dbt_env(s, date.fromisoformat(day))}
        out = subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "compile", "--select", "int_months_spined", "--vars",
             json.dumps(dbt_vars(s)), "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", str(tmp_path / "target"), "--log-path", str(log.parent)],
            env=env, cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
        assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
        assert f"cast('{day}' as date)" in compiled.read_text()
    second_run = log.read_text().split("Running with dbt=")[-1]
    assert "Unable to do partial parsing" not in second_run and "Partial parsing enabled" in second_run
