"""Writeback engine, quota records and the CRM SQL sink, payroll records and sink, the safety gate.
Every expectation below is computed by hand from the fixtures in tests/writeback_fixtures.py."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from salesops import warehouse
from salesops.settings import get_settings
from salesops.writeback import engine as wb
from salesops.writeback.gate import NightlyStatus, PushBlocked, check_gate
from salesops.writeback.payroll import PeriodNotApproved, payroll_records
from salesops.writeback.quotas import quota_key, quota_records
from salesops.writeback.service import push_payroll, push_quotas
from salesops.writeback.sinks import CrmQuotaSink, deterministic_quota_id
from tests.writeback_fixtures import (
    FEB,
    FT,
    JAN,
    OLD,
    A,
    B,
    C,
    Z,
    clean_writeback_env,  # noqa: F401  (autouse fixture)
    crm_quotas,
    make_crm,
    make_hr,
    payout,
    period,
    target_rows,
    write_compensation,
    write_targets,
)

OK = NightlyStatus("run-ok", "SUCCESS")


@pytest.fixture
def settings(data_dir):
    return get_settings()


@pytest.fixture
def crm(settings):
    return make_crm(settings.demo_dir / "crm.db")


def audit(settings):
    log = warehouse.read_rows(settings, "select * from writeback.audit_log order by pushed_at")
    rows = warehouse.read_rows(settings, "select * from writeback.audit_rows")
    return log, rows


# --- quota records ------------------------------------------------------------------------------

def test_quota_records_take_the_version_in_force_per_month_and_add_an_all_product_total():
    records, version = quota_records(target_rows(with_unknown_owner=False))
    got = {r.key: r.values["QuotaAmount"] for r in records}
    # January: v1 (v2 is effective from 2027-02-10); February: v2 (effective within February); v3 is a draft
    assert got == {
        quota_key(A, JAN, "Gateways"): D("50.00"), quota_key(A, JAN, "Sensors"): D("100.00"),
        quota_key(A, JAN, None): D("150.00"),
        quota_key(A, FEB, "Sensors"): D("130.00"), quota_key(A, FEB, None): D("130.00"),
        quota_key(B, JAN, "Sensors"): D("80.00"), quota_key(B, JAN, None): D("80.00"),
        quota_key(B, FEB, "Gateways"): D("10.50"), quota_key(B, FEB, "Sensors"): D("70.00"),
        quota_key(B, FEB, None): D("80.50"),
    }
    assert version == "FY2027 v1,v2"
    assert all(r.values["CurrencyIsoCode"] == "CNY" and r.reject_reason is None for r in records)
    assert quota_key(A, JAN, None) == f"{A}:2027-01-01:"
    only_families, _ = quota_records(target_rows(with_unknown_owner=False), include_total=False)
    assert len(only_families) == 6


def test_quota_records_reject_mixed_currencies_and_missing_rep():
    from tests.writeback_fixtures import leaf

    rows = [leaf(1, A, "Sensors", JAN, "1.00"), leaf(1, A, "Sensors", JAN, "2.00", currency="USD"),
            leaf(1, None, "Gateways", JAN, "5.00")]
    records, _ = quota_records(rows, include_total=False)
    reasons = {r.key: r.reject_reason for r in records}
    assert "several currencies ['CNY', 'USD']" in reasons[quota_key(A, JAN, "Sensors")]
    (no_rep,) = [k for k in reasons if k.startswith("(no rep)")]
    assert "has no rep_id" in reasons[no_rep]


# --- the CRM quota push -------------------------------------------------------------------------

def test_dry_run_changes_nothing_but_is_logged(settings, crm):
    write_targets(settings, target_rows())
    before = crm_quotas(crm)
    res = push_quotas(settings, OK)
    assert res.dry_run and res.status == "dry_run"
    # 12 records: 6 new, 3 differ (A Jan Sensors 90->100, B Jan total 75->80, B Feb total soft-deleted),
    # 1 equal (A Jan total 150), 2 rejected (Z is no CRM user: its family row and its total)
    assert (res.inserted, res.updated, res.unchanged, res.rejected) == (6, 3, 1, 2)
    assert crm_quotas(crm) == before
    log, rows = audit(settings)
    assert len(log) == 1 and log[0]["dry_run"] is True and log[0]["status"] == "dry_run"
    assert (log[0]["inserted"], log[0]["updated"], log[0]["unchanged"], log[0]["rejected"]) == (6, 3, 1, 2)
    assert log[0]["target"] == "crm" and log[0]["object"] == "forecasting_quota" and log[0]["version"] == "FY2027 v1,v2"
    assert sorted(r["action"] for r in rows) == ["insert"] * 6 + ["reject"] * 2 + ["update"] * 3
    upd = {r["external_key"]: r for r in rows if r["action"] == "update"}
    assert upd[quota_key(A, JAN, "Sensors")]["changes"] == '{"QuotaAmount": ["90.00", "100.00"]}'


def test_apply_inserts_updates_rejects_and_a_rerun_changes_nothing(settings, crm):
    write_targets(settings, target_rows())
    res = push_quotas(settings, OK, apply=True)
    assert (res.inserted, res.updated, res.unchanged, res.rejected) == (6, 3, 1, 2)
    assert res.status == "partial"
    reasons = {r.key: r.reason for r in res.rows if r.action == "reject"}
    assert reasons == {quota_key(Z, JAN, "Sensors"): f"QuotaOwnerId {Z} is not a CRM user (user.id, not deleted)",
                       quota_key(Z, JAN, None): f"QuotaOwnerId {Z} is not a CRM user (user.id, not deleted)"}
    q = crm_quotas(crm)
    assert len(q) == 5 + 6
    assert q[(A, JAN, "Sensors")]["quota_amount"] == D("100.00") and q[(A, JAN, "Sensors")]["id"] == "0J9Q2"
    assert q[(B, FEB, None)]["quota_amount"] == D("80.50") and q[(B, FEB, None)]["is_deleted"] is False
    assert q[(B, JAN, None)]["quota_amount"] == D("80.00")
    new = q[(B, FEB, "Gateways")]
    assert new["quota_amount"] == D("10.50") and new["id"] == deterministic_quota_id(quota_key(B, FEB, "Gateways"))
    assert new["forecasting_type_id"] == FT and new["currency_iso_code"] == "CNY" and new["is_deleted"] is False
    assert len(new["id"]) == 18 and new["id"].startswith("0J9wb")
    # written rows carry the push time as system_modstamp (the next ingestion picks them up); others keep theirs
    assert new["system_modstamp"] > OLD and q[(B, JAN, None)]["system_modstamp"] > OLD
    assert q[(A, JAN, None)]["system_modstamp"] == OLD and q[(C, JAN, None)]["system_modstamp"] == OLD

    again = push_quotas(settings, OK, apply=True)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 10, 2)
    assert crm_quotas(crm) == q
    log, rows = audit(settings)
    assert [(r["dry_run"], r["inserted"], r["updated"], r["unchanged"], r["rejected"], r["status"]) for r in log] == [
        (False, 6, 3, 1, 2, "partial"), (False, 0, 0, 10, 2, "partial")]
    assert len([r for r in rows if r["push_id"] == log[1]["push_id"]]) == 2  # only the rejected rows


def test_sink_checks_reject_rows_with_reasons_and_apply_the_others(crm):
    sink = CrmQuotaSink("", engine=crm)

    def rec(owner, month, family, amount, currency="CNY"):
        return wb.Record(quota_key(owner, month, family), {"QuotaOwnerId": owner, "StartDate": month,
                                                           "QuotaAmount": amount, "CurrencyIsoCode": currency,
                                                           "ProductFamily": family})

    records = [rec(A, FEB, "Analytics", D("5.00")), rec(A, FEB, "Sensors", D("-1.00")),
               rec(A, FEB, "Gateways", D("3.00"), None), rec(A, FEB, "Cloud", D("1.00")),
               rec(A, date(2027, 2, 15), None, D("1.00")), rec(B, FEB, "Analytics", D("1.005")),
               rec(C, FEB, None, D("7.00"), "cny")]
    res = wb.push(records, sink, apply=True)
    assert {r.key: r.reason for r in res.rows if r.action == "reject"} == {
        quota_key(A, FEB, "Sensors"): "QuotaAmount -1.00 is negative",
        quota_key(A, FEB, "Gateways"): "CurrencyIsoCode is missing",
        quota_key(A, FEB, "Cloud"): "ProductFamily 'Cloud' is not a product family in the CRM (product_2.family)",
        f"{A}:2027-02-15:": "StartDate datetime.date(2027, 2, 15) is not the first day of a month",
        quota_key(B, FEB, "Analytics"): "QuotaAmount 1.005 has more than 2 decimals",
        quota_key(C, FEB, None): "CurrencyIsoCode 'cny' is not an ISO 4217 code",
    }
    assert res.inserted == 1 and crm_quotas(crm)[(A, FEB, "Analytics")]["quota_amount"] == D("5.00")


def test_a_row_the_database_refuses_does_not_stop_the_batch(settings, crm):
    with crm.begin() as conn:  # the CRM refuses one amount (e.g. a locked period) at write time
        conn.exec_driver_sql("create trigger refuse before insert on forecasting_quota when new.quota_amount = 130 "
                             "begin select raise(abort, 'quota locked for this period'); end")
    write_targets(settings, target_rows(with_unknown_owner=False))
    res = push_quotas(settings, OK, apply=True)
    refused = {r.key: r.reason for r in res.rows if r.action == "reject"}
    assert refused == {k: "crm.forecasting_quota refused the row: IntegrityError: quota locked for this period"
                       for k in (quota_key(A, FEB, "Sensors"), quota_key(A, FEB, None))}
    assert (res.inserted, res.updated, res.unchanged) == (4, 3, 1)
    q = crm_quotas(crm)
    assert (A, FEB, "Sensors") not in q and q[(B, FEB, "Gateways")]["quota_amount"] == D("10.50")


def test_duplicate_rows_in_the_target_are_rejected_not_guessed(settings, tmp_path):
    eng = make_crm(tmp_path / "crm.db", quotas=[("0J9D1", A, JAN, "Sensors", "1.00", False),
                                                ("0J9D2", A, JAN, "Sensors", "2.00", False)])
    sink = CrmQuotaSink("", engine=eng)
    r = wb.Record(quota_key(A, JAN, "Sensors"), {"QuotaOwnerId": A, "StartDate": JAN, "QuotaAmount": D("3.00"),
                                                 "CurrencyIsoCode": "CNY", "ProductFamily": "Sensors"})
    res = wb.push([r], sink, apply=True)
    assert res.rejected == 1 and "holds 2 rows" in res.rows[0].reason and "0J9D1, 0J9D2" in res.rows[0].reason


def test_duplicated_keys_in_the_records_are_an_error(crm):
    r = wb.Record("k", {"x": 1})
    with pytest.raises(wb.PushError, match="duplicated external keys"):
        wb.push([r, r], CrmQuotaSink("", engine=crm))


def test_values_compare_by_meaning():
    assert wb.same_value(D("100"), D("100.00")) and wb.same_value(date(2027, 1, 1), "2027-01-01")
    assert not wb.same_value(None, "") and not wb.same_value(D("1.00"), D("1.01"))
    assert wb.same_value(100.5, D("100.50"))


def test_push_log_reads_the_newest_first(settings, crm):
    write_targets(settings, target_rows())
    first = push_quotas(settings, OK)
    second = push_quotas(settings, OK, apply=True, )
    log = wb.read_audit_log(settings, limit=5)
    assert [r["push_id"] for r in log] == [second.push_id, first.push_id]


def test_no_audit_log_yet(settings):
    assert wb.read_audit_log(settings) == []


# --- the gate -----------------------------------------------------------------------------------

def test_gate_refuses_unless_the_last_nightly_succeeded_without_failed_blocking_checks():
    check_gate(OK)
    with pytest.raises(PushBlocked, match="no 'nightly' run found"):
        check_gate(None)
    with pytest.raises(PushBlocked, match="run r2 is FAILURE, not SUCCESS"):
        check_gate(NightlyStatus("r2", "FAILURE"))
    with pytest.raises(PushBlocked, match="blocking checks failed: crm/opportunity:quarantine_share in the latest"):
        check_gate(NightlyStatus("r3", "SUCCESS", ("crm/opportunity:quarantine_share",)))


def test_blocked_push_writes_nothing(settings, crm):
    write_targets(settings, target_rows())
    before = crm_quotas(crm)
    with pytest.raises(PushBlocked):
        push_quotas(settings, NightlyStatus("r9", "FAILURE"), apply=True)
    assert crm_quotas(crm) == before and wb.read_audit_log(settings) == []


def test_missing_target_ledger_is_a_clear_error(settings, crm):
    with pytest.raises(FileNotFoundError, match=r"planning.targets is not in the warehouse"):
        push_quotas(settings, OK)


# --- payroll ------------------------------------------------------------------------------------

P1, P2 = "2026-09", "2026-10"


def _comp():
    payouts = [
        payout(A, P1, "bookings", earned="1000.00", clawback="-120.50"),
        payout(A, P1, "margin", earned="200.25", adjustment="15.00"),
        payout(B, P1, "bookings", earned="0", draw="500.00"),
        payout(C, P1, "bookings", earned="300.00"),  # C has no employee number
        payout(A, P2, "bookings", earned="999.00"),  # P2 is only closed
    ]
    return payouts, [period(P1, "approved"), period(P2, "closed")], {A: "E1", B: "E2", C: None}


def test_payroll_records_per_pay_code_for_approved_periods_only():
    records, version = payroll_records(*_comp())
    got = {r.key: (r.values["employee_id"], r.values["amount"], r.optional, r.reject_reason) for r in records}
    c_reason = f"payee {C} has no HR employee id in the identity map (stg_crm__users.employee_id); fix the CRM user's employee number"
    assert got == {
        f"{A}:{P1}:COMMISSION": ("E1", D("1200.25"), False, None), f"{A}:{P1}:ADJUSTMENT": ("E1", D("15.00"), False, None),
        f"{A}:{P1}:CLAWBACK": ("E1", D("-120.50"), False, None), f"{A}:{P1}:DRAW": ("E1", D("0"), True, None),
        f"{B}:{P1}:COMMISSION": ("E2", D("0"), True, None), f"{B}:{P1}:ADJUSTMENT": ("E2", D("0"), True, None),
        f"{B}:{P1}:CLAWBACK": ("E2", D("0"), True, None), f"{B}:{P1}:DRAW": ("E2", D("500.00"), False, None),
        **{f"{C}:{P1}:{code}": (None, amt, False, c_reason)
           for code, amt in (("COMMISSION", D("300.00")), ("ADJUSTMENT", D("0")), ("CLAWBACK", D("0")), ("DRAW", D("0")))},
    }
    assert version == "2026-09 sha256:2026-09-chec"  # the approved period and its checksum's first 12 characters
    with pytest.raises(PeriodNotApproved, match="period 2026-10 is closed, not approved"):
        payroll_records(*_comp(), period=P2)
    with pytest.raises(PeriodNotApproved, match="2026-12 is not in compensation.periods"):
        payroll_records(*_comp(), period="2026-12")


def test_payroll_rejects_a_payee_period_whose_lines_do_not_add_up():
    payouts = [payout(A, P1, "bookings", earned="10.00", net="10.01")]
    records, _ = payroll_records(payouts, [period(P1, "approved")], {A: "E1"})
    assert all("earned + adjustment + clawback + draw = 10.00 but net_payable = 10.01" in r.reject_reason for r in records)


def test_payroll_push_applies_approved_lines_and_reruns_clean(settings):
    hr = make_hr(settings.demo_dir / "hr.db")
    write_compensation(settings, *_comp())
    dry = push_payroll(settings, OK, period=P1)
    # A: COMMISSION, ADJUSTMENT, CLAWBACK (DRAW 0: not sent); B: DRAW; zero lines count as unchanged; C rejected x4
    assert (dry.inserted, dry.updated, dry.unchanged, dry.rejected) == (4, 0, 4, 4)
    with hr.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from payroll_input").scalar() == 0
    res = push_payroll(settings, OK, period=P1, apply=True)
    assert (res.inserted, res.updated, res.unchanged, res.rejected) == (4, 0, 4, 4)
    with hr.connect() as conn:
        rows = {r.input_id: r for r in conn.execute(sa.text("select * from payroll_input"))}
    assert {k: (r.employee_id, D(str(r.amount)), r.push_id) for k, r in rows.items()} == {
        f"{A}:{P1}:COMMISSION": ("E1", D("1200.25"), res.push_id), f"{A}:{P1}:ADJUSTMENT": ("E1", D("15.00"), res.push_id),
        f"{A}:{P1}:CLAWBACK": ("E1", D("-120.50"), res.push_id), f"{B}:{P1}:DRAW": ("E2", D("500.00"), res.push_id)}
    again = push_payroll(settings, OK, apply=True)  # every approved period: nothing left to change
    assert (again.inserted, again.updated, again.rejected) == (0, 0, 4)
    with pytest.raises(PeriodNotApproved):
        push_payroll(settings, OK, period=P2, apply=True)


def test_payroll_unknown_employee_in_hr_is_rejected(settings):
    make_hr(settings.demo_dir / "hr.db", employees=("E1",))
    write_compensation(settings, *_comp())
    res = push_payroll(settings, OK, period=P1, apply=True)
    assert {r.reason for r in res.rows if r.key.startswith(B)} == {"employee E2 is not in the HR system (employee.employee_id)"}


def test_payroll_sink_needs_the_table_outside_the_demo(settings, tmp_path, monkeypatch):
    make_hr(tmp_path / "real_hr.db")
    monkeypatch.setenv("SALESOPS_PAYROLL_URL", f"sqlite:///{tmp_path / 'real_hr.db'}")
    write_compensation(settings, *_comp())
    with pytest.raises(FileNotFoundError, match="has no table 'payroll_input'"):
        push_payroll(get_settings(), OK, period=P1)


def test_round_trip_pushed_quota_is_what_ingestion_reads(settings, crm):
    """push -> the CRM row -> read back the way ingestion does (contract table, modstamp after the watermark)."""
    write_targets(settings, target_rows(with_unknown_owner=False))
    watermark = max(r["system_modstamp"] for r in crm_quotas(crm).values())
    push_quotas(settings, OK, apply=True)
    changed = {k: r for k, r in crm_quotas(crm).items() if r["system_modstamp"] > watermark}
    assert len(changed) == 9  # 6 inserted + 3 updated: exactly what the next incremental load extracts
    assert changed[(B, FEB, None)]["quota_amount"] == D("80.50")
    assert isinstance(changed[(B, FEB, None)]["system_modstamp"], datetime)
