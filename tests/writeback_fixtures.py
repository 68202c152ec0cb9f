"""Hand-made fixtures for the writeback tests: a tiny CRM and HR database (SQLite, contract tables),
and the interface tables planning.targets / compensation.* / staging.stg_crm__users in a temp warehouse."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
import sqlalchemy as sa

from salesops import warehouse
from salesops.contracts import load_source
from salesops.demo.storage import contract_tables

A, B, C, Z = "005A00000000001AAA", "005A00000000002AAA", "005A00000000003AAA", "005ZZZZZZZZZZZZAAA"
FT = "0Db5j0000000001AAA"
OLD = datetime(2026, 11, 20, 3, 0, 0)
JAN, FEB = date(2027, 1, 1), date(2027, 2, 1)

TARGET_COLUMNS = {
    "target_id": "varchar", "plan_id": "varchar", "version": "integer", "status": "varchar",
    "effective_from": "date", "published_at": "timestamp", "fiscal_year": "integer", "level": "varchar",
    "node_path": "varchar", "parent_target_id": "varchar", "org_unit_id": "varchar", "rep_id": "varchar",
    "product_line": "varchar", "month_start": "date", "method": "varchar", "weight": "decimal(38,12)",
    "pad": "decimal(9,6)", "ramp_factor": "decimal(9,6)", "target_amount": "decimal(18,2)", "currency": "varchar",
}
PAYOUT_COLUMNS = {
    "payout_id": "varchar", "payee_id": "varchar", "period": "varchar", "plan_id": "varchar", "component": "varchar",
    "credited": "decimal(18,2)", "credited_ytd": "decimal(18,2)", "quota_ytd": "decimal(18,2)",
    "attainment": "decimal(18,6)", "earned": "decimal(18,2)", "earned_ytd": "decimal(18,2)",
    "paid_before": "decimal(18,2)", "adjustment": "decimal(18,2)", "clawback": "decimal(18,2)",
    "draw": "decimal(18,2)", "draw_balance": "decimal(18,2)", "net_payable": "decimal(18,2)",
    "currency": "varchar", "calculated_at": "timestamp",
}
PERIOD_COLUMNS = {"period": "varchar", "status": "varchar", "closed_at": "timestamp", "approved_at": "timestamp",
                  "approved_by": "varchar", "checksum": "varchar"}


def leaf(version: int, rep: str | None, family: str, month: date, amount: str, *, status: str = "published",
         effective: date = JAN, currency: str = "CNY") -> dict:
    node = f"company/IND/EAST/{rep}/{family}/{month:%Y-%m}"
    return {"target_id": f"FY2027:{version}:{node}:{family}:{month}", "plan_id": "FY2027", "version": version,
            "status": status, "effective_from": effective, "published_at": datetime(2026, 12, 1) if status == "published" else None,
            "fiscal_year": 2027, "level": "month", "node_path": node, "rep_id": rep, "product_line": family,
            "month_start": month, "method": "even", "weight": D("1"), "pad": D("0"), "ramp_factor": D("1"),
            "target_amount": D(amount), "currency": currency}


V2_FROM = date(2027, 2, 10)  # mid-February re-plan: in force for February (prorated by planning)


def target_rows(*, with_unknown_owner: bool = True) -> list[dict]:
    rows = [
        leaf(1, A, "Sensors", JAN, "100.00"), leaf(1, A, "Gateways", JAN, "50.00"), leaf(1, A, "Sensors", FEB, "120.00"),
        leaf(1, B, "Sensors", JAN, "80.00"), leaf(1, B, "Sensors", FEB, "80.00"),
        leaf(2, A, "Sensors", FEB, "130.00", effective=V2_FROM), leaf(2, B, "Sensors", FEB, "70.00", effective=V2_FROM),
        leaf(2, B, "Gateways", FEB, "10.50", effective=V2_FROM),
        leaf(3, A, "Sensors", JAN, "999.00", status="draft", effective=date(2027, 3, 1)),
    ]
    if with_unknown_owner:
        rows.append(leaf(1, Z, "Sensors", JAN, "10.00"))
    # a non-leaf row: ignored
    rows.append({**leaf(1, A, "Sensors", JAN, "150.00"), "level": "rep", "product_line": None, "month_start": None,
                 "target_id": "FY2027:1:company/IND/EAST/A::"})
    return rows


def write_targets(settings, rows: list[dict]) -> None:
    warehouse.replace_table(settings, "planning", "targets", TARGET_COLUMNS, rows)


def make_crm(path: Path | sa.Engine, quotas: list[tuple] | None = None) -> sa.Engine:
    """A CRM database (a SQLite file, or the database of an engine) with the contract's user, product_2
    and forecasting_quota tables."""
    if isinstance(path, sa.Engine):
        eng = path
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        eng = sa.create_engine(f"sqlite:///{path}")
    tables = contract_tables(load_source("crm"))
    with eng.begin() as conn:
        for name in ("user", "product_2", "forecasting_quota"):
            tables[name].create(conn)
        conn.execute(tables["user"].insert(), [{"id": u, "name": f"Rep {u[-5]}", "is_active": True, "is_deleted": False} for u in (A, B, C)])
        conn.execute(tables["product_2"].insert(), [{"id": f"01t{i}", "name": f, "family": f}
                                                    for i, f in enumerate(("Sensors", "Gateways", "Analytics"))])
        if quotas is None:
            quotas = [  # id, owner, month, family, amount, is_deleted
                ("0J9Q1", A, JAN, None, "150.00", False),   # unchanged
                ("0J9Q2", A, JAN, "Sensors", "90.00", False),  # -> 100.00
                ("0J9Q3", B, FEB, None, "80.50", True),     # soft-deleted: restored
                ("0J9Q4", B, JAN, None, "75.00", False),    # -> 80.00
                ("0J9Q5", C, JAN, None, "60.00", False),    # not in the push: left alone
            ]
        conn.execute(tables["forecasting_quota"].insert(), [
            {"id": i, "quota_owner_id": o, "start_date": m, "quota_amount": D(a), "currency_iso_code": "CNY",
             "product_family": f, "forecasting_type_id": FT, "system_modstamp": OLD, "is_deleted": d}
            for i, o, m, f, a, d in quotas])
    return eng


def crm_quotas(eng: sa.Engine) -> dict[tuple, dict]:
    t = contract_tables(load_source("crm"))["forecasting_quota"]
    with eng.connect() as conn:
        return {(r.quota_owner_id, r.start_date, r.product_family): dict(r._mapping) for r in conn.execute(sa.select(t))}


def make_hr(path: Path, employees=("E1", "E2")) -> sa.Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    eng = sa.create_engine(f"sqlite:///{path}")
    tables = contract_tables(load_source("hr"))
    with eng.begin() as conn:
        tables["employee"].create(conn)
        conn.execute(tables["employee"].insert(), [{"employee_id": e, "full_name": e, "is_deleted": False} for e in employees])
    return eng


def payout(payee: str, period: str, component: str, *, earned="0", adjustment="0", clawback="0", draw="0",
           net=None) -> dict:
    e, a, c, d = D(earned), D(adjustment), D(clawback), D(draw)
    return {"payout_id": f"{payee}:{period}:{component}", "payee_id": payee, "period": period, "plan_id": "AE2026",
            "component": component, "credited": D("0"), "credited_ytd": D("0"), "quota_ytd": D("0"),
            "attainment": D("0"), "earned": e, "earned_ytd": e, "paid_before": D("0"), "adjustment": a,
            "clawback": c, "draw": d, "draw_balance": D("0"),
            "net_payable": D(net) if net is not None else e + a + c + d, "currency": "CNY",
            "calculated_at": datetime(2026, 11, 26, 3)}


def period(p: str, status: str) -> dict:
    return {"period": p, "status": status, "closed_at": None, "approved_at": None, "approved_by": None,
            "checksum": f"{p}-checksum-0123456789abcdef"}


def write_compensation(settings, payouts: list[dict], periods: list[dict], users: dict[str, str | None]) -> None:
    warehouse.replace_table(settings, "compensation", "payouts", PAYOUT_COLUMNS, payouts)
    warehouse.replace_table(settings, "compensation", "periods", PERIOD_COLUMNS, periods)
    warehouse.replace_table(settings, "staging", "stg_crm__users", {"user_id": "varchar", "employee_id": "varchar"},
                            [{"user_id": u, "employee_id": e} for u, e in users.items()])


WRITEBACK_ENV = ("SALESOPS_CRM_WRITEBACK_URL", "SALESOPS_PAYROLL_URL", "SALESOPS_WRITEBACK_AUTO_APPLY",
                 "SALESOPS_SALESFORCE_URL", "SALESOPS_SALESFORCE_CLIENT_ID", "SALESOPS_SALESFORCE_CLIENT_SECRET",
                 "SALESOPS_SALESFORCE_EXTERNAL_ID_FIELD", "SALESOPS_SALESFORCE_FORECASTING_TYPE_ID",
                 "SALESOPS_SALESFORCE_API_VERSION", "SALESOPS_WAREHOUSE_TARGET", "SALESOPS_WAREHOUSE_URL")


@pytest.fixture(autouse=True)
def clean_writeback_env(monkeypatch):
    """Tests never push to what the developer's environment points at."""
    for var in WRITEBACK_ENV:
        monkeypatch.delenv(var, raising=False)
