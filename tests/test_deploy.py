"""The deployment shape of docs/deploy.md: a Dagster instance in PostgreSQL
(deploy/dagster.postgres.yaml) and the multiprocess executor. The `warehouse`
pool must keep the DuckDB writers one at a time even when every step is its
own process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster import DagsterEventType

from tests.postgres import postgres_url  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("postgres")]


def test_multiprocess_run_on_a_postgres_instance_keeps_one_writer(tmp_path, monkeypatch, postgres_url, dbt_manifest):  # noqa: F811
    from orchestration.definitions import resolved_nightly_job
    from salesops.demo.generator import generate

    with sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT").connect() as c:
        c.exec_driver_sql("drop database if exists dagster_instance")
        c.exec_driver_sql("create database dagster_instance")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "deploy" / "dagster.postgres.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    server = postgres_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
    monkeypatch.setenv("SALESOPS_DAGSTER_PG_URL", f"{server}/dagster_instance")
    monkeypatch.setenv("SALESOPS_EXECUTOR", "multiprocess")
    monkeypatch.setenv("SALESOPS_DATA_DIR", str(tmp_path / "data"))
    for var in ("SALESOPS_CRM_URL", "SALESOPS_ERP_URL", "SALESOPS_HR_URL", "SALESOPS_WAREHOUSE_PATH", "SALESOPS_AS_OF",
                "SALESOPS_WAREHOUSE_TARGET", "SALESOPS_WAREHOUSE_URL"):
        monkeypatch.delenv(var, raising=False)
    generate(tmp_path / "data" / "demo", scale=0.01, seed=5)

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert resolved_nightly_job().executor_def.name == "multiprocess"
        result = dg.execute_job(dg.reconstructable(resolved_nightly_job), instance=instance)
        assert result.success
        spans: dict[str, list[float]] = {}
        for record in instance.all_logs(result.run_id, of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS}):
            spans.setdefault(record.step_key, []).append(record.timestamp)
    writers = sorted((start, end, step) for step, (start, end) in spans.items())
    assert {w[2] for w in writers} == {  # every step of the night writes the warehouse
        "ingest_crm", "ingest_erp", "ingest_hr", "funnel_standard", "config__kpis", "config__diagnostic_rules",
        "comp_plans", "config_contests", "dbt_build", "planning__targets", "dbt_build_planned",
        "compensation_payouts", "dbt_build_compensated", "statements__rendered", "published__marts"}
    for (_, end, step), (start, _, nxt) in zip(writers, writers[1:], strict=False):
        assert end <= start, f"{step} and {nxt} wrote the warehouse at the same time"
    assert os.path.exists(tmp_path / "data" / "published" / "salesops_marts.duckdb")
