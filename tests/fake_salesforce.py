"""A local stand-in for the Salesforce REST API, enough to test the quota push for real over HTTPS.

    with FakeSalesforce(users={"005..."}) as sf:
        session = sf.session()          # a requests.Session that trusts the server's self-signed cert
        ... SALESOPS_SALESFORCE_URL = sf.url

It enforces the rules the push depends on, as Salesforce documents them:

* OAuth 2.0 client credentials at `POST /services/oauth2/token` (form or HTTP Basic client
  authentication); a wrong client -> 400 `invalid_client`; every API call needs
  `Authorization: Bearer <token>` (else 401 `INVALID_SESSION_ID`).
* `PATCH /services/data/vXX.X/composite/sobjects/ForecastingQuota/<ExternalIdField>`:
  `allOrNone` false -> per-record results in request order (`id`, `success`, `created`, `errors`);
  more than 200 records -> 400 `EXCEEDED_ID_LIMIT` ("TOO_MANY_RECORDS") and nothing written;
  records need `attributes.type`, the external id and QuotaOwnerId/StartDate/QuotaAmount
  (`REQUIRED_FIELD_MISSING`); an owner id that is not a user -> `INVALID_CROSS_REFERENCE_KEY`;
  a negative QuotaAmount -> `FIELD_INTEGRITY_EXCEPTION`; an unknown field -> `INVALID_FIELD`.
  Upsert by external id: an existing key is updated (`created: false`), a new one created
  (`created: true`, a new Id).
* Upsert on `Id` (`.../ForecastingQuota/Id`): a record with an Id updates it, one without is created.
  One quota per owner x StartDate x ProductFamily x ForecastingTypeId: a second -> `DUPLICATE_VALUE`.
* `GET /services/data/vXX.X/query?q=SELECT <fields> FROM ForecastingQuota WHERE <field> IN ('a', ...)`
  or `... WHERE QuotaOwnerId IN (...) AND StartDate >= d AND StartDate <= d [AND ForecastingTypeId = 'x']`.

`calls` records every API call (method, path, number of records) for the tests to count.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import re
import ssl
import tempfile
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret-s3cr3t"
FIELDS = {"QuotaOwnerId", "StartDate", "QuotaAmount", "CurrencyIsoCode", "ProductFamily", "ForecastingTypeId"}
REQUIRED = ("QuotaOwnerId", "StartDate", "QuotaAmount")


def _self_signed_cert(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class FakeSalesforce:
    def __init__(self, users: set[str], *, external_id_field: str = "Salesops_Key__c") -> None:
        self.users = set(users)
        self.ext = external_id_field
        self.records: dict[str, dict] = {}  # Id -> record
        self.calls: list[tuple[str, str, int]] = []
        self.tokens: set[str] = set()
        self._n = 0
        self._lock = threading.Lock()

    # --- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> FakeSalesforce:
        self._tmp = tempfile.TemporaryDirectory()
        cert, key = _self_signed_cert(Path(self._tmp.name))
        self.cert = str(cert)
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._tmp.cleanup()

    def session(self):
        import requests

        s = requests.Session()
        s.trust_env = False  # else REQUESTS_CA_BUNDLE (and proxies) from the environment override `verify`
        s.verify = self.cert
        return s

    def env(self, **overrides: str) -> dict[str, str]:
        return {"SALESOPS_SALESFORCE_URL": self.url, "SALESOPS_SALESFORCE_CLIENT_ID": CLIENT_ID,
                "SALESOPS_SALESFORCE_CLIENT_SECRET": CLIENT_SECRET, **overrides}

    def api_calls(self, kind: str) -> list[tuple[str, str, int]]:
        return [c for c in self.calls if c[0] == kind]

    def by_key(self) -> dict[str, dict]:
        return {r[self.ext]: r for r in self.records.values() if r.get(self.ext)}

    # --- behaviour -------------------------------------------------------------------------------
    def new_id(self) -> str:
        self._n += 1
        return f"0J9FK{self._n:010d}AAA"

    def upsert(self, ext_field: str, body: dict) -> tuple[int, object]:
        records = body.get("records")
        if not isinstance(records, list):
            return 400, [{"errorCode": "JSON_PARSER_ERROR", "message": "records is required"}]
        if len(records) > 200:
            return 400, [{"errorCode": "EXCEEDED_ID_LIMIT",
                          "message": "TOO_MANY_RECORDS: record limit reached. cannot submit more than 200 records "
                                     "into this call"}]
        if body.get("allOrNone") is not False:
            return 400, [{"errorCode": "INVALID_FIELD", "message": "this fake only supports allOrNone false"}]
        if ext_field not in (self.ext, "Id"):
            return 404, [{"errorCode": "NOT_FOUND", "message": f"Provided external ID field does not exist or is "
                                                               f"not accessible: {ext_field}"}]
        out = []
        with self._lock:
            by_key = self.by_key()
            for rec in records:
                out.append(self._upsert_one(rec, ext_field, by_key))
        return 200, out

    @staticmethod
    def natural_key(rec: dict) -> tuple:
        return (rec.get("QuotaOwnerId"), rec.get("StartDate"), rec.get("ProductFamily"), rec.get("ForecastingTypeId"))

    def _upsert_one(self, rec: dict, ext_field: str, by_key: dict) -> dict:
        def fail(code, msg, fields=()):
            return {"success": False, "errors": [{"statusCode": code, "message": msg, "fields": list(fields)}]}

        if (rec.get("attributes") or {}).get("type") != "ForecastingQuota":
            return fail("INVALID_TYPE", "attributes.type must be ForecastingQuota")
        unknown = set(rec) - FIELDS - {"attributes", self.ext, "Id"}
        if unknown:
            return fail("INVALID_FIELD", f"No such column '{sorted(unknown)[0]}' on sobject of type ForecastingQuota")
        if ext_field == "Id":
            key = None
            existing = self.records.get(rec["Id"]) if rec.get("Id") else None
            if rec.get("Id") and existing is None:
                return fail("INVALID_ID_FIELD", f"invalid record id {rec['Id']}", ["Id"])
        else:
            key = rec.get(self.ext)
            if not key:
                return fail("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{self.ext}]", [self.ext])
            existing = by_key.get(key)
        missing = [f for f in REQUIRED if rec.get(f) in (None, "")]
        if missing:
            return fail("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing)
        if rec["QuotaOwnerId"] not in self.users:
            return fail("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["QuotaOwnerId"])
        if Decimal(str(rec["QuotaAmount"])) < 0:
            return fail("FIELD_INTEGRITY_EXCEPTION", "Quota amount must not be negative", ["QuotaAmount"])
        try:
            dt.date.fromisoformat(rec["StartDate"])
        except (TypeError, ValueError):
            return fail("INVALID_TYPE_ON_FIELD_IN_RECORD", "StartDate: value not of required type", ["StartDate"])
        fields = {k: v for k, v in rec.items() if k not in ("attributes", "Id")}
        merged = {**(existing or {}), **fields}
        clash = [r["Id"] for r in self.records.values()
                 if self.natural_key(r) == self.natural_key(merged) and (existing is None or r["Id"] != existing["Id"])]
        if clash:  # one quota per owner x period x product family x forecast type
            return fail("DUPLICATE_VALUE", f"duplicate value found: quota already exists with id: {clash[0]}")
        if existing is not None:
            existing.update(fields)
            return {"id": existing["Id"], "success": True, "errors": [], "created": False}
        new = {"Id": self.new_id(), **fields}
        self.records[new["Id"]] = new
        if key is not None:
            by_key[key] = new
        return {"id": new["Id"], "success": True, "errors": [], "created": True}

    def query(self, soql: str) -> tuple[int, object]:
        soql = soql.strip()
        by_ext = re.fullmatch(r"SELECT (.+?) FROM ForecastingQuota WHERE (\w+) IN \((.*)\)", soql, re.S)
        by_owner = re.fullmatch(r"SELECT (.+?) FROM ForecastingQuota WHERE QuotaOwnerId IN \((.*?)\) "
                                r"AND StartDate >= (\S+) AND StartDate <= (\S+?)(?: AND ForecastingTypeId = '([^']*)')?",
                                soql, re.S)
        m = by_owner or by_ext
        if not m:
            return 400, [{"errorCode": "MALFORMED_QUERY", "message": "this fake understands only SELECT ... FROM "
                                                                     "ForecastingQuota WHERE f IN (...) [AND StartDate ...]"}]
        fields = [f.strip() for f in m.group(1).split(",")]
        in_list = m.group(2) if by_owner else m.group(3)
        values = set(_unquote_soql(v) for v in re.findall(r"'((?:[^'\\]|\\.)*)'", in_list))
        if len(values) > 200:
            return 400, [{"errorCode": "QUERY_TOO_COMPLICATED", "message": "too many values"}]
        with self._lock:
            if by_owner:
                lo, hi, ftype = by_owner.group(3), by_owner.group(4), by_owner.group(5)
                hits = [r for r in self.records.values() if r.get("QuotaOwnerId") in values
                        and lo <= r.get("StartDate", "") <= hi and (ftype is None or r.get("ForecastingTypeId") == ftype)]
            else:
                hits = [r for r in self.records.values() if r.get(m.group(2)) in values]
        recs = [{"attributes": {"type": "ForecastingQuota", "url": f"/services/data/v62.0/sobjects/ForecastingQuota/{r['Id']}"},
                 **{f: r.get(f) for f in fields}} for r in hits]
        return 200, {"totalSize": len(recs), "done": True, "records": recs}


def _unquote_soql(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeSalesforce

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body, default=lambda o: float(o) if isinstance(o, Decimal) else str(o)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.server_fake.tokens:
            self._send(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
            return False
        return True

    def do_POST(self) -> None:
        fake = self.server_fake
        if urlparse(self.path).path != "/services/oauth2/token":
            return self._send(404, [{"errorCode": "NOT_FOUND", "message": "not found"}])
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            cid, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            form.setdefault("client_id", cid)
            form.setdefault("client_secret", secret)
        fake.calls.append(("token", self.path, 0))
        if form.get("grant_type") != "client_credentials":
            return self._send(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return self._send(400, {"error": "invalid_client", "error_description": "invalid client credentials"})
        token = f"00DFAKE!{len(fake.tokens) + 1:04d}"
        fake.tokens.add(token)
        self._send(200, {"access_token": token, "instance_url": fake.url, "token_type": "Bearer",
                         "id": f"{fake.url}/id/00DFAKE/005FAKE", "issued_at": "0", "signature": "x"})

    def do_GET(self) -> None:
        if not self._authorized():
            return
        u = urlparse(self.path)
        if re.fullmatch(r"/services/data/v\d+\.\d/query/?", u.path):
            q = parse_qs(u.query).get("q", [""])[0]
            status, body = self.server_fake.query(q)
            self.server_fake.calls.append(("query", u.path, 0))
            return self._send(status, body)
        self._send(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])

    def do_PATCH(self) -> None:
        if not self._authorized():
            return
        u = urlparse(self.path)
        m = re.fullmatch(r"/services/data/v\d+\.\d/composite/sobjects/ForecastingQuota/(\w+)", unquote(u.path))
        if not m:
            return self._send(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
        try:
            body = json.loads(self._body(), parse_float=Decimal)
        except ValueError:
            return self._send(400, [{"errorCode": "JSON_PARSER_ERROR", "message": "invalid JSON"}])
        n = len(body.get("records") or [])
        self.server_fake.calls.append(("upsert", u.path, n))
        status, out = self.server_fake.upsert(m.group(1), body)
        self._send(status, out)
