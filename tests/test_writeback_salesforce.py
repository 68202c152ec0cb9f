"""The Salesforce ForecastingQuota push against tests/fake_salesforce.py (real HTTPS, OAuth, REST rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from salesops.settings import get_settings
from salesops.writeback import engine as wb
from salesops.writeback.gate import NightlyStatus
from salesops.writeback.quotas import quota_key
from salesops.writeback.salesforce import SalesforceCredentials, SalesforceError, SalesforceQuotaSink, login
from salesops.writeback.service import push_quotas
from tests.fake_salesforce import CLIENT_ID, CLIENT_SECRET, FakeSalesforce
from tests.writeback_fixtures import (
    JAN,
    A,
    B,
    Z,
    clean_writeback_env,  # noqa: F401  (autouse fixture)
    target_rows,
    write_targets,
)

USERS = {f"005U{i:014d}" for i in range(150)}


def quota(owner: str, month: date, family: str | None, amount: str, currency: str = "CNY") -> wb.Record:
    return wb.Record(quota_key(owner, month, family), {"QuotaOwnerId": owner, "StartDate": month,
                                                       "QuotaAmount": D(amount), "CurrencyIsoCode": currency,
                                                       "ProductFamily": family})


def records_450() -> list[wb.Record]:
    """150 users x 3 months = 450 all-product quotas, amounts 1000.01 + i."""
    users = sorted(USERS)
    months = [date(2027, m, 1) for m in (1, 2, 3)]
    return [quota(u, m, None, f"{1000 + i}.01") for i, (u, m) in enumerate((u, m) for u in users for m in months)]


@pytest.fixture
def fake():
    with FakeSalesforce(USERS | {A, B}) as sf:
        yield sf


def sink_for(fake, **env) -> SalesforceQuotaSink:
    return SalesforceQuotaSink(SalesforceCredentials.from_env(fake.env(**env)), session=fake.session())


def test_450_rows_go_in_3_calls_of_at_most_200_and_a_rerun_sends_nothing(fake):
    res = wb.push(records_450(), sink_for(fake), apply=True)
    assert (res.inserted, res.updated, res.unchanged, res.rejected) == (450, 0, 0, 0)
    assert [n for _, _, n in fake.api_calls("upsert")] == [200, 200, 50]
    assert fake.api_calls("upsert")[0][1] == "/services/data/v62.0/composite/sobjects/ForecastingQuota/Salesops_Key__c"
    stored = fake.by_key()
    assert len(stored) == 450
    first = stored[quota_key(sorted(USERS)[0], JAN, None)]
    assert first["QuotaAmount"] == D("1000.01") and first["StartDate"] == "2027-01-01" and first["ProductFamily"] is None
    assert len(fake.api_calls("token")) == 1  # one OAuth login per sink

    upserts_before = len(fake.api_calls("upsert"))
    again = wb.push(records_450(), sink_for(fake), apply=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 450)
    assert len(fake.api_calls("upsert")) == upserts_before  # diff-only: nothing sent
    assert len(fake.api_calls("query")) == 3 + 3  # 450 keys read back in 3 SOQL queries per push


def test_update_only_changed_rows_and_per_record_rejection(fake):
    recs = [quota(A, JAN, "Sensors", "100.00"), quota(B, JAN, "Sensors", "80.00")]
    wb.push(recs, sink_for(fake), apply=True)
    changed = [quota(A, JAN, "Sensors", "100.00"), quota(B, JAN, "Sensors", "85.50"),
               quota(Z, JAN, "Sensors", "10.00"),  # Z is no Salesforce user: the server refuses this record only
               quota(A, JAN, "Gateways", "-1.00"),  # refused before sending
               quota(A, JAN, "Analytics", "5.00", currency="")]
    res = wb.push(changed, sink_for(fake), apply=True)
    assert (res.inserted, res.updated, res.unchanged, res.rejected) == (0, 1, 1, 3)
    assert {r.key: r.reason for r in res.rows if r.action == "reject"} == {
        quota_key(Z, JAN, "Sensors"): "Salesforce refused the record: INVALID_CROSS_REFERENCE_KEY: invalid cross "
                                      "reference id (QuotaOwnerId)",
        quota_key(A, JAN, "Gateways"): "QuotaAmount -1.00 is negative",
        quota_key(A, JAN, "Analytics"): "CurrencyIsoCode is missing",
    }
    assert fake.api_calls("upsert")[-1][2] == 2  # B's update and Z's record: only the rows that differ
    assert fake.by_key()[quota_key(B, JAN, "Sensors")]["QuotaAmount"] == D("85.50")
    upd = next(r for r in res.rows if r.action == "update")
    assert upd.changes == {"QuotaAmount": [D("80.00"), D("85.50")]}


def test_dry_run_sends_nothing(fake):
    res = wb.push(records_450()[:10], sink_for(fake))
    assert res.inserted == 10 and res.dry_run and fake.api_calls("upsert") == [] and fake.by_key() == {}


def test_more_than_200_in_one_call_is_refused_by_the_api(fake):
    """The sink never sends more than 200; the fake enforces the real limit if something did."""
    sf = login(SalesforceCredentials.from_env(fake.env()), fake.session())
    body = {"allOrNone": False, "records": [{"attributes": {"type": "ForecastingQuota"}, "Salesops_Key__c": str(i)}
                                            for i in range(201)]}
    import simple_salesforce

    with pytest.raises(simple_salesforce.exceptions.SalesforceMalformedRequest, match="EXCEEDED_ID_LIMIT"):
        sf.restful("composite/sobjects/ForecastingQuota/Salesops_Key__c", method="PATCH", json=body)
    with pytest.raises(ValueError, match="at most 200"):
        sink_for(fake).apply([wb.Change(str(i), "insert", {}) for i in range(201)])


def test_auth_failure_is_clear_and_shows_no_secret(fake):
    wrong = "WRONG-secret-value-123"
    with pytest.raises(SalesforceError) as err:
        wb.push(records_450()[:3], sink_for(fake, SALESOPS_SALESFORCE_CLIENT_SECRET=wrong), apply=True)
    msg = str(err.value)
    assert "Salesforce login at https://127.0.0.1" in msg and "HTTP 400 invalid_client invalid client credentials" in msg
    assert wrong not in msg and CLIENT_SECRET not in msg and CLIENT_ID not in msg
    assert wrong not in repr(SalesforceCredentials.from_env(fake.env(SALESOPS_SALESFORCE_CLIENT_SECRET=wrong)))
    assert fake.api_calls("upsert") == []


def test_missing_credentials_name_the_variables_only():
    with pytest.raises(SalesforceError, match="SALESOPS_SALESFORCE_CLIENT_ID, SALESOPS_SALESFORCE_CLIENT_SECRET"):
        SalesforceCredentials.from_env({"SALESOPS_SALESFORCE_URL": "https://x.my.salesforce.com"})


def test_an_invalid_session_is_an_error_not_a_silent_skip(fake):
    sink = sink_for(fake)
    assert sink.sf is not None  # log in
    fake.tokens.clear()  # the session expires
    with pytest.raises(SalesforceError, match="Salesforce query failed: HTTP 401 .*INVALID_SESSION_ID"):
        wb.push(records_450()[:3], sink, apply=True)


def test_quota_push_from_the_target_ledger_to_salesforce(fake, data_dir, monkeypatch):
    for k, v in fake.env().items():
        monkeypatch.setenv(k, v)
    settings = get_settings()
    write_targets(settings, target_rows())
    sink = SalesforceQuotaSink(SalesforceCredentials.from_env(), session=fake.session())
    res = push_quotas(settings, NightlyStatus("r", "SUCCESS"), target="salesforce", apply=True, sink=sink)
    # 10 quotas of A and B created; Z's two rows refused by Salesforce (not a user)
    assert (res.inserted, res.updated, res.unchanged, res.rejected) == (10, 0, 0, 2)
    assert fake.by_key()[quota_key(B, date(2027, 2, 1), None)]["QuotaAmount"] == D("80.50")
    log = wb.read_audit_log(settings)
    assert log[0]["target"] == "salesforce" and log[0]["object"] == "ForecastingQuota" and log[0]["status"] == "partial"


def test_cli_push_to_salesforce_and_a_failed_login_without_secrets(fake, data_dir, monkeypatch):
    """The CLI's own path (default requests session): the fake's certificate is trusted through
    REQUESTS_CA_BUNDLE, as a corporate CA would be."""
    from typer.testing import CliRunner

    from salesops.cli import app
    from salesops.writeback import cli as wb_cli

    for k, v in fake.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.cert)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(wb_cli, "_nightly_status", lambda: NightlyStatus("r", "SUCCESS"))
    write_targets(get_settings(), target_rows())
    runner = CliRunner()
    res = runner.invoke(app, ["push", "quotas", "--target", "salesforce", "--apply"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "changed: 10 inserted, 0 updated, 0 unchanged, 2 rejected" in res.output
    assert "INVALID_CROSS_REFERENCE_KEY" in res.output and len(fake.by_key()) == 10
    monkeypatch.setenv("SALESOPS_SALESFORCE_CLIENT_SECRET", "not-the-secret-42")
    res = runner.invoke(app, ["push", "quotas", "--target", "salesforce"], env={"COLUMNS": "200"})
    assert res.exit_code == 1 and "Salesforce login at" in res.output and "invalid_client" in res.output
    assert "not-the-secret-42" not in res.output and CLIENT_ID not in res.output
    log = wb.read_audit_log(get_settings())
    assert [r["status"] for r in log] == ["failed", "partial"]  # the failed attempt is logged too


def test_natural_key_mode_for_orgs_without_a_key_field(fake):
    """SALESOPS_SALESFORCE_EXTERNAL_ID_FIELD=Id: quotas matched on owner x month x family, upsert on Id."""
    fake.records["0J9MANUAL0000001AAA"] = {"Id": "0J9MANUAL0000001AAA", "QuotaOwnerId": A, "StartDate": "2027-01-01",
                                           "QuotaAmount": D("90.00"), "CurrencyIsoCode": "CNY", "ProductFamily": "Sensors"}
    recs = [quota(A, JAN, "Sensors", "100.00"), quota(A, JAN, None, "100.00"), quota(B, JAN, "Sensors", "80.00")]
    res = wb.push(recs, sink_for(fake, SALESOPS_SALESFORCE_EXTERNAL_ID_FIELD="Id"), apply=True)
    assert (res.inserted, res.updated, res.unchanged, res.rejected) == (2, 1, 0, 0)
    assert fake.api_calls("upsert")[-1][1].endswith("/composite/sobjects/ForecastingQuota/Id")
    assert fake.records["0J9MANUAL0000001AAA"]["QuotaAmount"] == D("100.00")  # updated in place
    assert len(fake.records) == 3
    again = wb.push(recs, sink_for(fake, SALESOPS_SALESFORCE_EXTERNAL_ID_FIELD="Id"), apply=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3) and len(fake.records) == 3


def test_a_quota_made_by_hand_under_another_key_is_a_duplicate_not_a_second_quota(fake):
    fake.records["0J9MANUAL0000001AAA"] = {"Id": "0J9MANUAL0000001AAA", "QuotaOwnerId": A, "StartDate": "2027-01-01",
                                           "QuotaAmount": D("90.00"), "CurrencyIsoCode": "CNY", "ProductFamily": "Sensors"}
    res = wb.push([quota(A, JAN, "Sensors", "100.00")], sink_for(fake), apply=True)
    assert res.rejected == 1 and res.rows[0].reason == ("Salesforce refused the record: DUPLICATE_VALUE: duplicate value "
                                                        "found: quota already exists with id: 0J9MANUAL0000001AAA")
