"""End to end on a small demo company: the nightly job succeeds, a second
night changes nothing, and a failed night leaves the marts and the published
copy exactly as they were."""

from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import sqlalchemy as sa

from salesops.paths import DBT_PROJECT_DIR
from salesops.settings import get_settings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nightly")]
SCALE = 0.02


@pytest.fixture(scope="module")
def first_night(tmp_path_factory, dbt_manifest):
    """A small demo company after one successful night: (data dir, result). Run once per module."""
    from salesops.demo.generator import generate

    root = tmp_path_factory.mktemp("nightly")
    with _env(root / "data"):
        generate(get_settings().demo_dir, scale=SCALE, seed=7)
        result = run_nightly_job()
    return root / "data", result


@pytest.fixture
def night(first_night, tmp_path):
    """A private copy of the state after the first night (sources, warehouse, dlt state), as settings."""
    src, _ = first_night
    shutil.copytree(src, tmp_path / "data")
    with _env(tmp_path / "data"):
        yield get_settings()


@contextmanager
def _env(data: Path):
    saved = dict(os.environ)
    os.environ["SALESOPS_DATA_DIR"] = str(data)
    for var in ("SALESOPS_CRM_URL", "SALESOPS_ERP_URL", "SALESOPS_HR_URL", "SALESOPS_WAREHOUSE_PATH", "SALESOPS_AS_OF"):
        os.environ.pop(var, None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_nightly_job(as_of: str | None = None, full_refresh: bool = False):
    from orchestration.definitions import build_definitions

    job = build_definitions().resolve_job_def("nightly")
    tags = {"salesops/full_refresh": str(full_refresh).lower()}
    if as_of:
        tags["salesops/as_of"] = as_of
    run_config = {"ops": {f"ingest_{s}": {"config": {"full_refresh": full_refresh}} for s in ("crm", "erp", "hr")}}
    return job.execute_in_process(run_config=run_config, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
                                  tags=tags)


def schema_digest(path: Path, schemas: tuple[str, ...]) -> dict[str, str]:
    """sha256 of every table's sorted rows, per table (dlt's own bookkeeping tables aside)."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("select table_schema, table_name from information_schema.tables where table_schema in "
                             f"({','.join('?' * len(schemas))}) and table_type = 'BASE TABLE' order by 1, 2", list(schemas)).fetchall()
        for schema, name in tables:
            if name.startswith("_dlt"):
                continue
            rows = sorted(map(repr, con.execute(f'select * from "{schema}"."{name}"').fetchall()))
            out[f"{schema}.{name}"] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def ingest_counts(result) -> dict[str, dict]:
    return {"/".join(m.asset_key.path): {k: m.metadata[k].value for k in ("rows_extracted", "rows_landed", "rows_quarantined")}
            for m in (e.event_specific_data.materialization for e in result.get_asset_materialization_events())
            if "rows_extracted" in m.metadata}


def failed_checks(result) -> list[str]:
    return [f"{'/'.join(e.asset_key.path)}:{e.check_name}" for e in result.get_asset_check_evaluations()
            if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]


def test_first_night_builds_and_publishes_the_marts(first_night):
    data, result = first_night
    with _env(data):
        night = get_settings()
    assert result.success, [e.event_specific_data.error.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failed_checks(result) == []
    assert len(result.get_asset_check_evaluations()) > 200  # ingest checks + every dbt test
    counts = ingest_counts(result)
    with sa.create_engine(night.source_url("crm")).connect() as c:
        n_opps = c.exec_driver_sql("select count(*) from opportunity").scalar()
    assert counts["crm/opportunity"]["rows_extracted"] == n_opps
    for name, c in counts.items():
        assert c["rows_landed"] + c["rows_quarantined"] == c["rows_extracted"], name
    marts = schema_digest(night.warehouse, ("marts",))
    for mart in ("opportunities", "funnel_stage_conversion", "rep_monthly_kpis", "target_vs_actual", "data_quality_findings"):
        assert f"marts.{mart}" in marts
    published = night.published_dir / "salesops_marts.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
        assert schemas == {"marts"}, "only marts are published: no raw or HR data for BI readers"
        assert con.execute("select count(*) from marts.opportunities").fetchone()[0] > 0
    assert (night.published_dir / "parquet" / "opportunities.parquet").exists()
    # each dbt op keeps its artifacts in its own folder under target/runs (pruned after SALESOPS_DBT_ARTIFACT_DAYS)
    runs = DBT_PROJECT_DIR / "target" / "runs"
    assert {p.name.rsplit("-", 2)[0] for p in runs.glob(f"*-{result.run_id[:8]}-*") if (p / "run_results.json").exists()} \
        == {"dbt_build", "dbt_build_planned", "dbt_build_compensated"}


def published_versions(result) -> str:
    """What the [planning, targets] materialization says is published (the quota-push sensor's key)."""
    [mat] = [e.event_specific_data.materialization for e in result.get_asset_materialization_events()
             if e.asset_key.path == ["planning", "targets"]]
    return mat.metadata["published_versions"].value


def test_second_night_changes_nothing(first_night, night):
    before = schema_digest(night.warehouse, ("marts", "raw_crm", "raw_erp", "raw_hr", "planning"))
    published_before = schema_digest(night.published_dir / "salesops_marts.duckdb", ("marts",))
    result = run_nightly_job()
    assert result.success
    # the demo's FY2026 plan (v1, re-plan v2) was published by the first night and only verified by the second
    assert published_versions(first_night[1]) == published_versions(result) == "FY2026: v1,v2"
    assert all(c["rows_extracted"] == 0 for c in ingest_counts(result).values())
    assert schema_digest(night.warehouse, ("marts", "raw_crm", "raw_erp", "raw_hr", "planning")) == before
    assert schema_digest(night.published_dir / "salesops_marts.duckdb", ("marts",)) == published_before


def test_incremental_night_equals_full_rebuild(night):
    """Issue 3: after a day with ~1 % new/changed rows -- including a late order for a closed
    month and a retroactive hierarchy move -- the incremental night's marts equal a full
    rebuild of the same as-of date exactly (sha256 of every mart's sorted rows)."""
    from salesops.demo.delta import apply_delta

    before = schema_digest(night.warehouse, ("marts",))
    changed = apply_delta(night.demo_dir, date(2026, 11, 27))
    assert changed["erp.sales_order (late, closed month)"] == 1 and changed["hr.job_assignment (hierarchy move)"] == 2
    result = run_nightly_job(as_of="2026-11-27")
    assert result.success and failed_checks(result) == []
    counts = ingest_counts(result)
    assert counts["crm/opportunity"]["rows_extracted"] == changed["crm.opportunity (changed)"] + changed["crm.opportunity (new)"]
    assert counts["hr/job_assignment"]["rows_extracted"] == 2
    assert counts["erp/sales_order"]["rows_extracted"] == 2  # the late order + the cancelled one
    incremental = schema_digest(night.warehouse, ("marts",))
    assert incremental != before
    with duckdb.connect(str(night.warehouse), read_only=True) as con:  # the move reached the hierarchy
        moved = con.execute("select count(*) from intermediate.int_reps_assigned where valid_from_date = date '2026-11-01'"
                            ).fetchone()[0]
    assert moved >= 1

    result = run_nightly_job(as_of="2026-11-27", full_refresh=True)
    assert result.success
    assert schema_digest(night.warehouse, ("marts",)) == incremental


def test_dbt_unit_tests_pass(night):
    """The nightly leaves dbt's unit tests out (they check SQL logic on fixed rows, not the
    night's data); CI runs every one of them here, on a warehouse the night built."""
    import json

    from dbt.cli.main import dbtRunner

    from salesops.paths import DBT_PROJECT_DIR
    from salesops.settings import resolve_as_of
    from salesops.transform import dbt_build_args, dbt_env

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    expected = {uid for uid in manifest["unit_tests"]}
    os.environ.update(dbt_env(night, resolve_as_of(night)))
    args = dbt_build_args(night, unit_tests=True)
    args[0] = "test"
    target = night.data_dir / "dbt_target"
    cwd = os.getcwd()
    os.chdir(DBT_PROJECT_DIR)
    try:
        res = dbtRunner().invoke([*args, "--select", "test_type:unit", "--quiet", "--target-path", str(target),
                                  "--log-path", str(target)])
    finally:
        os.chdir(cwd)
    ran = {r.node.unique_id: r.status for r in res.result.results}
    assert set(ran) == expected and len(expected) >= 37
    assert res.success, [uid for uid, status in ran.items() if status != "pass"]


def test_backfill_of_a_month_rebuilds_exactly_its_weeks(night):
    """Job snapshot_backfill (monthly partitions, backfills from the UI): the partition
    2026-03 rebuilds the weekly pipeline snapshots of the weeks ending in March -- rows equal
    to the night's -- and leaves every other week alone."""
    from orchestration.definitions import build_definitions

    def weeks(con) -> dict:
        rows = con.execute("select * from marts.pipeline_weekly_snapshots").fetchall()
        cols = [d[0] for d in con.description]
        out: dict = {}
        for r in rows:
            out.setdefault(r[cols.index("week_end_date")], []).append(repr(r))
        return {w: sorted(rs) for w, rs in out.items()}

    with duckdb.connect(str(night.warehouse)) as con:
        before = weeks(con)
        march = [w for w in before if (w.year, w.month) == (2026, 3)]
        assert len(march) == 5  # Sundays 1, 8, 15, 22, 29 March 2026
        con.execute("delete from marts.pipeline_weekly_snapshots where week_end_date between date '2026-03-01' and "
                    "date '2026-03-31' or week_end_date = date '2026-05-03'")
    job = build_definitions().resolve_job_def("snapshot_backfill")
    assert job.partitions_def.get_first_partition_key() == "2024-01-01"
    result = job.execute_in_process(partition_key="2026-03-01", instance=dg.DagsterInstance.ephemeral(),
                                    tags={"salesops/as_of": "2026-11-26"}, raise_on_error=False)
    assert result.success
    with duckdb.connect(str(night.warehouse), read_only=True) as con:
        after = weeks(con)
    assert {w: after[w] for w in march} == {w: before[w] for w in march}
    assert date(2026, 5, 3) not in after  # outside the month: not touched
    assert {w: r for w, r in after.items() if w not in march} == {w: r for w, r in before.items()
                                                                  if w not in march and w != date(2026, 5, 3)}

    late = job.execute_in_process(partition_key="2026-11-01", instance=dg.DagsterInstance.ephemeral(),
                                  tags={"salesops/as_of": "2026-10-31"}, raise_on_error=False)
    assert not late.success
    errors = [e.event_specific_data.error.message for e in late.all_events if e.event_type_value == "STEP_FAILURE"]
    assert any("month 2026-11 starts after the as-of date 2026-10-31" in m for m in errors)


def _stage_entries(warehouse: Path) -> list[tuple]:
    """int_opportunity_stages_sequenced without its incremental bookkeeping (computed_*), sorted."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cols = [r[0] for r in con.execute("select column_name from information_schema.columns where table_schema = "
                                          "'intermediate' and table_name = 'int_opportunity_stages_sequenced' "
                                          "and column_name not like 'computed%' order by ordinal_position").fetchall()]
        rows = con.execute(f"select {', '.join(cols)} from intermediate.int_opportunity_stages_sequenced").fetchall()
    return sorted(map(repr, rows))


def test_incremental_night_with_soft_deletions_equals_full_rebuild(night):
    """Issue 3, the cases the demo delta does not make: a history row of an opportunity soft-deleted
    (its stage entries change), a whole opportunity soft-deleted (its entries vanish), and the as-of
    date moved backwards: the incremental stage entries and every mart equal a full rebuild."""
    with sa.create_engine(night.source_url("crm")).begin() as c:
        opp_id, hist_id = c.exec_driver_sql(
            "select opportunity_id, min(id) from opportunity_history where not is_deleted group by opportunity_id "
            "having count(distinct stage_name) >= 3 order by opportunity_id limit 1").one()
        c.exec_driver_sql("update opportunity_history set is_deleted = 1, system_modstamp = '2026-11-27 02:00:00.000000' "
                          "where id = ?", (hist_id,))
        gone = c.exec_driver_sql("select opportunity_id from opportunity_history where not is_deleted and opportunity_id <> ? and opportunity_id "
                                 "in (select id from opportunity where not is_deleted) order by opportunity_id desc limit 1",
                                 (opp_id,)).scalar()
        c.exec_driver_sql("update opportunity set is_deleted = 1, system_modstamp = '2026-11-27 02:00:00.000000' "
                          "where id = ?", (gone,))
    before = _stage_entries(night.warehouse)
    assert any(f"'{gone}'" in row for row in before)
    assert run_nightly_job(as_of="2026-11-27").success
    incremental = _stage_entries(night.warehouse), schema_digest(night.warehouse, ("marts",))
    assert incremental[0] != before
    assert not any(f"'{gone}'" in row for row in incremental[0]), "the deleted opportunity's entries are gone"
    assert run_nightly_job(as_of="2026-11-27", full_refresh=True).success
    assert (_stage_entries(night.warehouse), schema_digest(night.warehouse, ("marts",))) == incremental

    assert run_nightly_job(as_of="2026-11-20").success  # an earlier date: everything is recomputed
    earlier = _stage_entries(night.warehouse), schema_digest(night.warehouse, ("marts",))
    assert earlier != incremental
    assert run_nightly_job(as_of="2026-11-20", full_refresh=True).success
    assert (_stage_entries(night.warehouse), schema_digest(night.warehouse, ("marts",))) == earlier


def test_blocking_quarantine_stops_the_night_before_dbt(night):
    marts_before = schema_digest(night.warehouse, ("marts",))
    published_before = schema_digest(night.published_dir / "salesops_marts.duckdb", ("marts",))
    with sa.create_engine(night.source_url("crm")).begin() as c:  # half the opportunities get an unknown stage
        c.exec_driver_sql("update opportunity set stage_name = 'Dreaming', system_modstamp = '2026-11-26 23:00:00.000000' "
                          "where rowid % 2 = 0")
    result = run_nightly_job()
    assert not result.success
    assert "crm/opportunity:quarantine_share" in failed_checks(result)
    assert schema_digest(night.warehouse, ("marts",)) == marts_before, "dbt did not run on a blocked night"
    assert schema_digest(night.published_dir / "salesops_marts.duckdb", ("marts",)) == published_before


def test_contract_break_fails_the_night_and_writes_nothing(night):
    raw_before = schema_digest(night.warehouse, ("raw_erp", "marts"))
    with sa.create_engine(night.source_url("erp")).begin() as c:
        c.exec_driver_sql("alter table invoice drop column due_date")
    result = run_nightly_job()
    assert not result.success
    errors = [e.event_specific_data.error.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert any("erp.invoice.due_date: required column is missing" in m for m in errors)
    assert schema_digest(night.warehouse, ("raw_erp", "marts")) == raw_before


def test_unknown_owner_is_a_finding_not_a_dropped_deal(night):
    with sa.create_engine(night.source_url("crm")).begin() as c:
        opp_id = c.exec_driver_sql("select id from opportunity where not is_deleted order by id limit 1").scalar()
        c.exec_driver_sql("update opportunity set owner_id = '005NOBODY000000000', system_modstamp = '2026-11-26 23:00:00.000000' "
                          "where id = ?", (opp_id,))
    result = run_nightly_job()
    assert result.success, "an orphan owner warns; it does not fail the night"
    with duckdb.connect(str(night.warehouse), read_only=True) as con:
        finding = con.execute("select severity, source_table, detail from marts.data_quality_findings "
                              "where finding_type = 'opportunity_owner_unknown' and record_id = ?", [opp_id]).fetchall()
        kept = con.execute("select count(*) from marts.opportunities where opportunity_id = ?", [opp_id]).fetchone()[0]
    assert finding == [("warning", "crm.opportunity", "owner_id 005NOBODY000000000 is not a known user")]
    assert kept == 1, "the opportunity stays in the marts"
