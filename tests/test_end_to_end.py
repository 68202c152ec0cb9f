"""The whole loop on a small demo company, through the command line a user types:
nightly run -> close and approve a commission period -> statements -> payroll push
(dry run, real, rerun = no change) -> quota push from the published target ledger
(dry run, real, rerun = no change) -> the next night leaves the closed period as it was."""

from __future__ import annotations

import hashlib
import os
import re
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from salesops.settings import get_settings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("end_to_end")]
PERIOD = "2026-10"


@contextmanager
def _env(root: Path):
    saved = dict(os.environ)
    os.environ.update({"SALESOPS_DATA_DIR": str(root / "data"), "DAGSTER_HOME": str(root / "dagster_home")})
    for var in ("SALESOPS_CRM_URL", "SALESOPS_ERP_URL", "SALESOPS_HR_URL", "SALESOPS_WAREHOUSE_PATH", "SALESOPS_AS_OF"):
        os.environ.pop(var, None)
    (root / "dagster_home").mkdir(exist_ok=True)
    try:
        yield get_settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def cli(*args: str):
    from salesops.cli import app

    res = CliRunner().invoke(app, list(args), terminal_width=200)
    return res.exit_code, res.output


def closed_payouts_digest(warehouse: Path, period: str) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select payout_id, earned, adjustment, clawback, draw, net_payable from compensation.payouts "
                           "where period = ? order by payout_id", [period]).fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def company(tmp_path_factory, dbt_manifest):
    from salesops.demo.generator import generate

    root = tmp_path_factory.mktemp("e2e")
    with _env(root) as settings:
        generate(settings.demo_dir, scale=0.02, seed=7)
        code, out = cli("run")
        assert code == 0, out
        yield settings


def test_close_statements_and_payroll_push(company):
    settings = company
    for month in range(1, 11):  # periods close in order
        code, out = cli("comp", "close", "--period", f"2026-{month:02d}")
        assert code == 0, out
    code, out = cli("comp", "approve", "--period", PERIOD, "--by", "cfo")
    assert code == 0, out
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        status, checksum = con.execute("select status, checksum from compensation.periods where period = ?", [PERIOD]).fetchone()
        payees = {r[0] for r in con.execute("select distinct payee_id from compensation.payouts where period = ?", [PERIOD]).fetchall()}
    assert status == "approved" and len(checksum) == 64 and payees

    code, out = cli("statements", "render", "--period", PERIOD)
    assert code == 0, out
    folder = settings.data_dir / "statements" / PERIOD
    assert {p.stem for p in folder.glob("*.pdf")} == payees == {p.stem for p in folder.glob("*.html")}
    assert all(p.read_bytes().startswith(b"%PDF") for p in folder.glob("*.pdf"))

    hr = sa.create_engine(settings.source_url("hr"))
    with hr.connect() as c:
        assert c.exec_driver_sql("select count(*) from payroll_input").scalar() == 0
    code, out = cli("push", "payroll", "--period", PERIOD)  # dry run first
    assert code == 0, out
    would = int(re.search(r"would change: (\d+) inserted", out).group(1))
    assert would > 0
    with hr.connect() as c:
        assert c.exec_driver_sql("select count(*) from payroll_input").scalar() == 0, "a dry run sends nothing"
    code, out = cli("push", "payroll", "--period", PERIOD, "--apply")
    assert f"changed: {would} inserted, 0 updated" in out, out
    with hr.connect() as c:
        assert c.exec_driver_sql("select count(*) from payroll_input").scalar() == would
    code, out = cli("push", "payroll", "--period", PERIOD, "--apply")
    assert "changed: 0 inserted, 0 updated" in out, out


def test_quota_push_from_the_published_ledger_is_idempotent(company):
    settings = company
    crm = sa.create_engine(settings.source_url("crm"))
    with crm.connect() as c:
        before = c.exec_driver_sql("select count(*) from forecasting_quota").scalar()
    code, out = cli("push", "quotas")
    assert code == 0, out
    counts = re.search(r"would change: (\d+) inserted, (\d+) updated", out)
    assert counts and int(counts.group(1)) + int(counts.group(2)) > 0, out
    with crm.connect() as c:
        assert c.exec_driver_sql("select count(*) from forecasting_quota").scalar() == before
    code, out = cli("push", "quotas", "--apply")
    assert code == 0 and f"changed: {counts.group(1)} inserted, {counts.group(2)} updated" in out, out
    code, out = cli("push", "quotas", "--apply")
    assert "changed: 0 inserted, 0 updated" in out, out


def test_next_night_leaves_the_closed_period_unchanged(company):
    settings = company
    before = closed_payouts_digest(settings.warehouse, PERIOD)
    code, out = cli("run")
    assert code == 0, out
    assert closed_payouts_digest(settings.warehouse, PERIOD) == before
