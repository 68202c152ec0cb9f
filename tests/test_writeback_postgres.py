"""The quota push with the warehouse (targets, audit log) and the CRM database both on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from salesops.settings import get_settings
from salesops.writeback.engine import read_audit_log
from salesops.writeback.gate import NightlyStatus
from salesops.writeback.service import push_quotas
from tests.postgres import postgres_url  # noqa: F401  (fixture)
from tests.writeback_fixtures import (
    FEB,
    B,
    clean_writeback_env,  # noqa: F401  (autouse fixture)
    crm_quotas,
    make_crm,
    target_rows,
    write_targets,
)


@pytest.fixture
def pg(postgres_url, data_dir, monkeypatch):  # noqa: F811
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for db in ("wb_warehouse", "wb_crm"):
            conn.exec_driver_sql(f"drop database if exists {db}")
            conn.exec_driver_sql(f"create database {db}")
    admin.dispose()
    base = postgres_url.rsplit("/", 1)[0]
    monkeypatch.setenv("SALESOPS_WAREHOUSE_TARGET", "postgres")
    monkeypatch.setenv("SALESOPS_WAREHOUSE_URL", f"{base}/wb_warehouse")
    monkeypatch.setenv("SALESOPS_CRM_WRITEBACK_URL", f"{base}/wb_crm")
    crm = make_crm(sa.create_engine(f"{base}/wb_crm"))
    yield get_settings(), crm
    crm.dispose()


def test_quota_push_on_postgres(pg):
    settings, crm = pg
    write_targets(settings, target_rows())
    ok = NightlyStatus("r", "SUCCESS")
    res = push_quotas(settings, ok, apply=True)
    assert (res.inserted, res.updated, res.unchanged, res.rejected) == (6, 3, 1, 2)
    assert crm_quotas(crm)[(B, FEB, None)]["quota_amount"] == D("80.50")
    again = push_quotas(settings, ok, apply=True)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 10, 2)
    assert [r["status"] for r in read_audit_log(settings)] == ["partial", "partial"]
