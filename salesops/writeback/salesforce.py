"""Salesforce `ForecastingQuota` sink: REST sObject Collections upsert by external id (simple-salesforce).

Login: OAuth 2.0 client-credentials flow against the org's My Domain URL
(`POST <url>/services/oauth2/token`, grant_type=client_credentials). The URL, client
id and client secret come only from the environment and are never logged or put
in an error message:

    SALESOPS_SALESFORCE_URL            https://<my-domain>.my.salesforce.com
    SALESOPS_SALESFORCE_CLIENT_ID      connected app consumer key
    SALESOPS_SALESFORCE_CLIENT_SECRET  connected app consumer secret
    SALESOPS_SALESFORCE_EXTERNAL_ID_FIELD  default Salesops_Key__c (an External ID text field on ForecastingQuota)
    SALESOPS_SALESFORCE_FORECASTING_TYPE_ID optional: ForecastingTypeId set on created quotas
    SALESOPS_SALESFORCE_API_VERSION    default 62.0

Reading the current state: SOQL `SELECT ... FROM ForecastingQuota WHERE <ext> IN (...)`
(200 keys per query). ForecastingQuota is not customizable in every org; with
SALESOPS_SALESFORCE_EXTERNAL_ID_FIELD=Id the sink matches quotas on their natural key
(QuotaOwnerId x StartDate x ProductFamily, of the configured ForecastingTypeId) instead, and
upserts on `Id` (records carrying the found Id are updated, the others created). Applying: `PATCH /services/data/vXX.X/composite/sobjects/ForecastingQuota/<ext>`
with `allOrNone: false` and at most 200 records per call; each record's result
(`success`, `created`, `errors`) becomes the row's result.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from salesops.writeback.engine import INSERT, REJECT, UPDATE, Change, Current, Record, RowResult

MAX_RECORDS_PER_CALL = 200  # Salesforce's limit for sObject Collections
ENV = {"url": "SALESOPS_SALESFORCE_URL", "client_id": "SALESOPS_SALESFORCE_CLIENT_ID",
       "client_secret": "SALESOPS_SALESFORCE_CLIENT_SECRET"}
FIELDS = ("QuotaOwnerId", "StartDate", "QuotaAmount", "CurrencyIsoCode", "ProductFamily")


class SalesforceError(RuntimeError):
    """Login or API call failed (the message never contains the client secret or the access token)."""


@dataclass(frozen=True, repr=False)
class SalesforceCredentials:
    url: str
    client_id: str
    client_secret: str
    external_id_field: str = "Salesops_Key__c"
    forecasting_type_id: str | None = None
    api_version: str = "62.0"

    def __repr__(self) -> str:  # never show the secret
        return f"SalesforceCredentials(url={self.url!r}, client_id=***, client_secret=***)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SalesforceCredentials:
        env = os.environ if environ is None else environ
        missing = [var for var in ENV.values() if not env.get(var)]
        if missing:
            raise SalesforceError(f"Salesforce target needs the environment variables {', '.join(missing)} "
                                  "(OAuth client-credentials flow of a connected app)")
        return cls(url=env[ENV["url"]].rstrip("/"), client_id=env[ENV["client_id"]],
                   client_secret=env[ENV["client_secret"]],
                   external_id_field=env.get("SALESOPS_SALESFORCE_EXTERNAL_ID_FIELD") or "Salesops_Key__c",
                   forecasting_type_id=env.get("SALESOPS_SALESFORCE_FORECASTING_TYPE_ID") or None,
                   api_version=env.get("SALESOPS_SALESFORCE_API_VERSION") or "62.0")


def _scrub(text: str, *secrets: str) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


def login(creds: SalesforceCredentials, session=None):
    """OAuth 2.0 client credentials -> a simple_salesforce.Salesforce on the returned instance URL."""
    import requests
    from simple_salesforce import Salesforce

    session = session or requests.Session()
    token_url = f"{creds.url}/services/oauth2/token"
    try:
        resp = session.post(token_url, data={"grant_type": "client_credentials", "client_id": creds.client_id,
                                             "client_secret": creds.client_secret}, timeout=60)
    except requests.RequestException as exc:
        raise SalesforceError(f"Salesforce login at {creds.url} failed: {type(exc).__name__} (cannot reach the "
                              "token endpoint)") from None
    try:
        body = resp.json()
    except ValueError:
        body = {}
    if resp.status_code != 200 or "access_token" not in body:
        detail = _scrub(f"{body.get('error', '')} {body.get('error_description', '')}".strip() or resp.reason or "",
                        creds.client_id, creds.client_secret)
        raise SalesforceError(f"Salesforce login at {creds.url} failed: HTTP {resp.status_code} {detail}; check "
                              f"{ENV['client_id']} / {ENV['client_secret']} and the connected app's "
                              "client-credentials flow (run-as user)")
    return Salesforce(instance_url=body.get("instance_url") or creds.url, session_id=body["access_token"],
                      session=session, version=creds.api_version, parse_float=Decimal)


def _soql_quote(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _json_number(v: Any) -> Any:
    """Decimal -> a JSON number that reads back as the same decimal (raises if a float cannot carry it)."""
    if isinstance(v, Decimal):
        f = float(v)
        if Decimal(repr(f)) != v:
            raise ValueError(f"amount {v} cannot be sent exactly as a JSON number")
        return f
    if isinstance(v, date):
        return v.isoformat()
    return v


class SalesforceQuotaSink:
    target = "salesforce"
    object = "ForecastingQuota"
    batch_size = MAX_RECORDS_PER_CALL

    def __init__(self, creds: SalesforceCredentials, *, session=None, sf=None) -> None:
        self.creds = creds
        self._session = session
        self._sf = sf

    @property
    def sf(self):
        if self._sf is None:
            self._sf = login(self.creds, self._session)
        return self._sf

    def _call(self, what: str, fn, *args, **kwargs):
        from simple_salesforce.exceptions import SalesforceError as SfApiError

        try:
            return fn(*args, **kwargs)
        except SfApiError as exc:
            raise SalesforceError(f"Salesforce {what} failed: HTTP {exc.status} {_scrub(str(exc.content), self.creds.client_secret)}") from None

    def check(self, records: Sequence[Record]) -> dict[str, str]:
        """What can be known before sending; owner ids are checked by Salesforce (per-record errors)."""
        refused = {}
        for r in records:
            v = r.values
            amount, cur = v.get("QuotaAmount"), v.get("CurrencyIsoCode")
            if not v.get("QuotaOwnerId"):
                refused[r.key] = "QuotaOwnerId is missing"
            elif amount is None:
                refused[r.key] = "QuotaAmount is missing"
            elif amount < 0:
                refused[r.key] = f"QuotaAmount {amount} is negative"
            elif not cur:
                refused[r.key] = "CurrencyIsoCode is missing"
            elif not isinstance(v.get("StartDate"), date) or v["StartDate"].day != 1:
                refused[r.key] = f"StartDate {v.get('StartDate')!r} is not the first day of a month"
        return refused

    @property
    def by_natural_key(self) -> bool:
        """External id field `Id`: the org has no key field on ForecastingQuota; match on the natural key."""
        return self.creds.external_id_field == "Id"

    @staticmethod
    def _values(rec: Mapping[str, Any]) -> dict[str, Any]:
        values = {f: rec.get(f) for f in FIELDS}
        if isinstance(values["StartDate"], str):
            values["StartDate"] = date.fromisoformat(values["StartDate"])
        if values["QuotaAmount"] is not None:
            values["QuotaAmount"] = Decimal(str(values["QuotaAmount"]))
        return values

    def read_current(self, keys: Sequence[str]) -> dict[str, Current]:
        if self.by_natural_key:
            return self._read_by_natural_key(keys)
        ext = self.creds.external_id_field
        out: dict[str, Current] = {}
        for i in range(0, len(keys), MAX_RECORDS_PER_CALL):
            chunk = keys[i:i + MAX_RECORDS_PER_CALL]
            soql = (f"SELECT Id, {ext}, {', '.join(FIELDS)} FROM ForecastingQuota "
                    f"WHERE {ext} IN ({', '.join(_soql_quote(k) for k in chunk)})")
            res = self._call("query", self.sf.query_all, soql)
            for rec in res["records"]:
                out[rec[ext]] = Current(self._values(rec), ref=rec["Id"])
        return out

    def _read_by_natural_key(self, keys: Sequence[str]) -> dict[str, Current]:
        """Quotas of the keys' owners and months (of the configured forecast type), matched on
        QuotaOwnerId x StartDate x ProductFamily; a key held twice is an error for that key."""
        from salesops.writeback.quotas import parse_quota_key

        wanted = {parse_quota_key(k): k for k in keys}
        owners = sorted({o for o, _, _ in wanted})
        lo, hi = min(d for _, d, _ in wanted), max(d for _, d, _ in wanted)
        ftype = (f" AND ForecastingTypeId = {_soql_quote(self.creds.forecasting_type_id)}"
                 if self.creds.forecasting_type_id else "")
        found: dict[str, list[Mapping[str, Any]]] = {}
        for i in range(0, len(owners), MAX_RECORDS_PER_CALL):
            chunk = owners[i:i + MAX_RECORDS_PER_CALL]
            soql = (f"SELECT Id, {', '.join(FIELDS)} FROM ForecastingQuota "
                    f"WHERE QuotaOwnerId IN ({', '.join(_soql_quote(o) for o in chunk)}) "
                    f"AND StartDate >= {lo.isoformat()} AND StartDate <= {hi.isoformat()}{ftype}")
            for rec in self._call("query", self.sf.query_all, soql)["records"]:
                v = self._values(rec)
                k = wanted.get((v["QuotaOwnerId"], v["StartDate"], v["ProductFamily"] or None))
                if k is not None:
                    found.setdefault(k, []).append(rec)
        out = {}
        for k, recs in found.items():
            if len(recs) > 1:
                ids = ", ".join(sorted(r["Id"] for r in recs))
                out[k] = Current(self._values(recs[0]), error=f"Salesforce holds {len(recs)} ForecastingQuota records "
                                                               f"for this owner, month and product family ({ids})")
            else:
                out[k] = Current(self._values(recs[0]), ref=recs[0]["Id"])
        return out

    def apply(self, changes: Sequence[Change]) -> list[RowResult]:
        if len(changes) > MAX_RECORDS_PER_CALL:
            raise ValueError(f"at most {MAX_RECORDS_PER_CALL} records per sObject Collections call, got {len(changes)}")
        ext = self.creds.external_id_field
        records = []
        for c in changes:
            rec = {"attributes": {"type": self.object}, **{f: _json_number(c.values.get(f)) for f in FIELDS}}
            if not self.by_natural_key:
                rec[ext] = c.key
            elif c.action != INSERT:
                rec["Id"] = c.ref  # upsert on Id: records with an Id are updated, the others created
            if self.creds.forecasting_type_id:
                rec["ForecastingTypeId"] = self.creds.forecasting_type_id
            records.append(rec)
        body = json.dumps({"allOrNone": False, "records": records})
        res = self._call("upsert", self.sf.restful, f"composite/sobjects/{self.object}/{ext}", method="PATCH", data=body)
        if not isinstance(res, list) or len(res) != len(changes):
            raise SalesforceError(f"Salesforce upsert returned {type(res).__name__} "
                                  f"of {len(res) if isinstance(res, list) else '?'} results for {len(changes)} records")
        out = []
        for c, r in zip(changes, res, strict=True):
            if r.get("success"):
                out.append(RowResult(c.key, INSERT if r.get("created") else UPDATE))
            else:
                errs = "; ".join(f"{e.get('statusCode')}: {e.get('message')}"
                                 + (f" ({', '.join(e['fields'])})" if e.get("fields") else "")
                                 for e in r.get("errors") or [])
                out.append(RowResult(c.key, REJECT, f"Salesforce refused the record: {errs or 'no reason given'}"))
        return out
