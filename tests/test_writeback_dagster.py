"""Writeback in Dagster: the gate reads a real instance, push jobs apply only with config, the nightly leaves
the writeback group out, the sensor fires on a newly published version; and the `salesops push` CLI."""


from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from typer.testing import CliRunner

from assets.writeback import QUOTAS_KEY, TARGETS_KEY, writeback_assets
from orchestration.resources import SettingsResource
from orchestration.writeback_jobs import (
    push_quotas_on_publish,
    push_quotas_schedule,
    writeback_jobs,
    writeback_schedules,
    writeback_sensors,
)
from salesops.settings import get_settings
from salesops.writeback.gate import latest_nightly_status
from tests.writeback_fixtures import (
    FEB,
    B,
    clean_writeback_env,  # noqa: F401  (autouse fixture)
    crm_quotas,
    make_crm,
    target_rows,
    write_targets,
)


class NightCfg(dg.Config):
    landed_ok: bool = True


@dg.asset(key=["crm", "opportunity"], check_specs=[dg.AssetCheckSpec("quarantine_share", asset=["crm", "opportunity"],
                                                                      blocking=True)])
def opportunity(config: NightCfg):
    yield dg.MaterializeResult(check_results=[dg.AssetCheckResult(check_name="quarantine_share", passed=config.landed_ok)])


def mini_defs() -> dg.Definitions:
    """A stand-in nightly (one asset with a blocking check) next to the real writeback assets and jobs."""
    return dg.Definitions(
        assets=[opportunity, *writeback_assets],
        jobs=[dg.define_asset_job("nightly", selection=[opportunity.key]), *writeback_jobs],
        schedules=writeback_schedules, sensors=writeback_sensors,
        resources={"settings": SettingsResource()},
    )


def run_nightly(defs, instance, ok: bool) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def("nightly").execute_in_process(
        instance=instance, raise_on_error=False,
        run_config={"ops": {"crm__opportunity": {"config": {"landed_ok": ok}}}})


@pytest.fixture
def setup(data_dir):
    settings = get_settings()
    crm = make_crm(settings.demo_dir / "crm.db")
    write_targets(settings, target_rows())
    return settings, crm


def test_gate_reads_the_latest_nightly_and_its_blocking_checks(data_dir):
    defs = mini_defs()
    with dg.instance_for_test() as instance:
        assert latest_nightly_status(instance) is None
        good = run_nightly(defs, instance, ok=True)
        st = latest_nightly_status(instance)
        assert (st.run_id, st.status, st.failed_blocking_checks) == (good.run_id, "SUCCESS", ())
        bad = run_nightly(defs, instance, ok=False)
        st = latest_nightly_status(instance)
        assert st.run_id == bad.run_id and st.failed_blocking_checks == ("crm/opportunity:quarantine_share",)


def test_push_job_is_a_dry_run_unless_apply_and_refuses_after_a_failed_night(setup):
    settings, crm = setup
    defs = mini_defs()
    job = defs.resolve_job_def("push_quotas")
    before = crm_quotas(crm)
    with dg.instance_for_test() as instance:
        run_nightly(defs, instance, ok=True)
        dry = job.execute_in_process(instance=instance)
        md = dry.asset_materializations_for_node("writeback__crm_quotas")[0].metadata
        assert md["dry_run"].value is True and md["inserted"].value == 6 and md["rejected"].value == 2
        (check,) = dry.get_asset_check_evaluations()
        assert check.check_name == "no_rejected_rows" and not check.passed  # Z's two rows: a warning, not a failure
        assert check.severity == dg.AssetCheckSeverity.WARN
        assert crm_quotas(crm) == before
        applied = job.execute_in_process(instance=instance, run_config={"ops": {"writeback__crm_quotas": {"config": {"apply": True}}}})
        md = applied.asset_materializations_for_node("writeback__crm_quotas")[0].metadata
        assert (md["inserted"].value, md["updated"].value, md["unchanged"].value) == (6, 3, 1)
        assert crm_quotas(crm)[(B, FEB, "Gateways")]["quota_amount"] == D("10.50")

        run_nightly(defs, instance, ok=False)
        blocked = job.execute_in_process(instance=instance, raise_on_error=False,
                                         run_config={"ops": {"writeback__crm_quotas": {"config": {"apply": True}}}})
        assert not blocked.success
        failure = next(e for e in blocked.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
        msg = failure.step_failure_data.error.message
        assert "is FAILURE, not SUCCESS (blocking checks failed: crm/opportunity:quarantine_share)" in msg


def test_nightly_job_leaves_the_writeback_group_out(dbt_manifest):
    from orchestration.definitions import build_definitions

    defs = build_definitions()
    nightly_keys = defs.resolve_job_def("nightly").asset_layer.selected_asset_keys
    assert QUOTAS_KEY not in nightly_keys and dg.AssetKey(["writeback", "payroll"]) not in nightly_keys
    assert dg.AssetKey(["crm", "opportunity"]) in nightly_keys
    assert {"push_quotas", "push_payroll"} <= {j.name for j in defs.jobs}
    assert defs.resolve_sensor_def("push_quotas_on_publish").default_status == dg.DefaultSensorStatus.STOPPED


def test_schedule_previews_unless_auto_apply(monkeypatch, data_dir):
    tick = datetime(2026, 11, 27, 3, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    req = push_quotas_schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick)).run_requests[0]
    assert req.run_config == {"ops": {"writeback__crm_quotas": {"config": {"apply": False}}}} and req.run_key == "2026-11-27"
    assert push_quotas_schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    monkeypatch.setenv("SALESOPS_WRITEBACK_AUTO_APPLY", "true")
    req = push_quotas_schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick)).run_requests[0]
    assert req.run_config["ops"]["writeback__crm_quotas"]["config"]["apply"] is True


def test_sensor_requests_a_push_when_a_new_version_is_published(data_dir):
    defs = mini_defs()
    with dg.instance_for_test() as instance:
        def tick(cursor=None):
            ctx = dg.build_sensor_context(instance=instance, definitions=defs, cursor=cursor)
            return push_quotas_on_publish.evaluate_tick(ctx)

        assert tick().run_requests == []  # nothing materialized yet
        instance.report_runless_asset_event(dg.AssetMaterialization(TARGETS_KEY, metadata={"published_versions": "FY2027: v1"}))
        first = tick()
        (req,) = first.run_requests
        assert req.run_key == 'published_versions="FY2027: v1"'
        assert req.run_config == {"ops": {"writeback__crm_quotas": {"config": {"apply": False}}}}
        assert tick(first.cursor).run_requests == []  # no new materialization
        instance.report_runless_asset_event(dg.AssetMaterialization(TARGETS_KEY, metadata={"published_versions": "FY2027: v1,v2"}))
        (req2,) = tick(first.cursor).run_requests
        assert req2.run_key == 'published_versions="FY2027: v1,v2"'  # a new run key: Dagster runs it (same key: skipped)


# --- CLI ----------------------------------------------------------------------------------------

def test_cli_push_refuses_without_a_good_night_then_previews_applies_and_logs(setup):
    from salesops.cli import app

    settings, crm = setup
    runner = CliRunner()
    res = runner.invoke(app, ["push", "quotas"])
    assert res.exit_code == 1 and "push refused: no 'nightly' run found" in res.output
    with dg.DagsterInstance.get() as instance:  # DAGSTER_HOME of the test
        run_nightly(mini_defs(), instance, ok=True)
    before = crm_quotas(crm)
    res = runner.invoke(app, ["push", "quotas"], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "would change: 6 inserted, 3 updated, 1 unchanged, 2 rejected" in res.output and "DRY RUN" in res.output
    assert "QuotaAmount: 90.00 → 100.00" in res.output and crm_quotas(crm) == before
    res = runner.invoke(app, ["push", "quotas", "--apply"], terminal_width=200)
    assert res.exit_code == 0 and "changed: 6 inserted, 3 updated" in res.output
    res = runner.invoke(app, ["push", "quotas", "--apply"], terminal_width=200)
    assert "changed: 0 inserted, 0 updated, 10 unchanged, 2 rejected" in res.output
    res = runner.invoke(app, ["push", "log"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and res.output.count("forecasting_quota") == 3, res.output
    assert "dry_run" in res.output and res.output.count("partial") == 2
    res = runner.invoke(app, ["push", "payroll", "--period", "2026-13"])
    assert res.exit_code == 2 and "--period must be YYYY-MM" in res.output
    res = runner.invoke(app, ["push", "payroll", "--period", "2026-10"])
    assert res.exit_code == 1 and "compensation.periods is not in the warehouse" in res.output
