"""SQL sinks (SQLAlchemy): the CRM database's `forecasting_quota` table and the payroll input table.

Both upsert in one transaction per batch. If the database refuses a batch, it is
rolled back and retried row by row (one transaction each), so a refused row is
reported with the database's reason and the others are applied.

CRM `forecasting_quota` has no external-key column (its columns are fixed by the
Salesforce/Fivetran shape, see docs/sources.md), so a quota is found by its natural key
quota_owner_id x start_date x product_family (non-deleted rows; the key Salesforce itself
keeps unique per forecast type). A found row is updated in place (its id kept); a
soft-deleted one is restored; a new one gets a deterministic id derived from the key
(`0J9wb` + 10 base-32 characters of sha256(key) + Salesforce's case suffix), so a rerun or a
second environment produces the same id. Every write sets `system_modstamp` to the push
time (UTC): the next nightly ingestion picks the change up incrementally.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from salesops.writeback.engine import INSERT, REJECT, Change, Current, Record, RowResult
from salesops.writeback.payroll import payroll_input_table
from salesops.writeback.quotas import parse_quota_key

_ISO_CURRENCY = re.compile(r"[A-Z]{3}")
CHUNK = 500  # keys per IN (...) when reading


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _chunks(seq: Sequence, n: int):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def deterministic_quota_id(key: str) -> str:
    """An 18-character Salesforce-style id for a quota created by a push (same key -> same id)."""
    from salesops.demo.ids import sf_suffix

    body = base64.b32encode(hashlib.sha256(key.encode()).digest()).decode()[:10]
    id15 = "0J9wb" + body
    return id15 + sf_suffix(id15)


def apply_in_transaction(engine: sa.Engine, changes: Sequence[Change], write: Callable[[sa.Connection, Sequence[Change]], None],
                         what: str) -> list[RowResult]:
    """Write a batch in one transaction; if the database refuses it, roll back and write row by row."""
    try:
        with engine.begin() as conn:
            write(conn, changes)
        return [RowResult(c.key, c.action) for c in changes]
    except sa.exc.DBAPIError:
        pass
    results = []
    for c in changes:
        try:
            with engine.begin() as conn:
                write(conn, [c])
            results.append(RowResult(c.key, c.action))
        except sa.exc.DBAPIError as exc:
            results.append(RowResult(c.key, REJECT, f"{what} refused the row: {type(exc.orig).__name__}: {exc.orig}"))
    return results


def _common_checks(r: Record, amount_field: str, currency_field: str, *, allow_negative: bool) -> str | None:
    amount, currency = r.values.get(amount_field), r.values.get(currency_field)
    if amount is None:
        return f"{amount_field} is missing"
    if not isinstance(amount, Decimal | int):
        return f"{amount_field} {amount!r} is not a decimal amount"
    if not allow_negative and amount < 0:
        return f"{amount_field} {amount} is negative"
    if Decimal(amount) != Decimal(amount).quantize(Decimal("0.01")):
        return f"{amount_field} {amount} has more than 2 decimals"
    if currency is None or currency == "":
        return f"{currency_field} is missing"
    if not _ISO_CURRENCY.fullmatch(str(currency)):
        return f"{currency_field} {currency!r} is not an ISO 4217 code"
    return None


class CrmQuotaSink:
    """The CRM database's `forecasting_quota` table (demo: `<data_dir>/demo/crm.db`)."""

    target = "crm"
    object = "forecasting_quota"
    batch_size = 1000
    FIELDS = {"QuotaOwnerId": "quota_owner_id", "StartDate": "start_date", "QuotaAmount": "quota_amount",
              "CurrencyIsoCode": "currency_iso_code", "ProductFamily": "product_family"}

    def __init__(self, url: str, *, forecasting_type_id: str | None = None, engine: sa.Engine | None = None) -> None:
        from salesops.contracts import load_source, sqlalchemy_table

        self.engine = engine or sa.create_engine(url)
        md = sa.MetaData()
        self.table = sqlalchemy_table(load_source("crm").table("forecasting_quota"), md)
        self.users = sa.Table("user", md, sa.Column("id", sa.String), sa.Column("is_deleted", sa.Boolean))
        self.products = sa.Table("product_2", md, sa.Column("family", sa.String))
        self._forecasting_type_id = forecasting_type_id

    def forecasting_type_id(self) -> str | None:
        """Given, else the one forecast type the table's quotas use (None if it has no rows)."""
        if self._forecasting_type_id is None:
            t = self.table
            with self.engine.connect() as conn:
                types = [r[0] for r in conn.execute(sa.select(t.c.forecasting_type_id).distinct()
                                                    .where(t.c.forecasting_type_id.is_not(None)))]
            if len(types) > 1:
                raise ValueError(f"crm.forecasting_quota uses {len(types)} forecast types {sorted(types)[:5]}; "
                                 "say which one the pushed quotas belong to (forecasting_type_id)")
            self._forecasting_type_id = types[0] if types else None
        return self._forecasting_type_id

    def check(self, records: Sequence[Record]) -> dict[str, str]:
        refused: dict[str, str] = {}
        owners = sorted({r.values.get("QuotaOwnerId") for r in records if r.values.get("QuotaOwnerId")})
        known: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(owners, CHUNK):
                u = self.users
                known.update(x[0] for x in conn.execute(sa.select(u.c.id).where(u.c.id.in_(chunk),
                                                                                u.c.is_deleted.is_not(True))))
            families = {x[0] for x in conn.execute(sa.select(self.products.c.family).distinct()) if x[0]}
        for r in records:
            v = r.values
            reason = _common_checks(r, "QuotaAmount", "CurrencyIsoCode", allow_negative=False)
            if not v.get("QuotaOwnerId"):
                reason = "QuotaOwnerId is missing"
            elif v["QuotaOwnerId"] not in known:
                reason = f"QuotaOwnerId {v['QuotaOwnerId']} is not a CRM user (user.id, not deleted)"
            elif not isinstance(v.get("StartDate"), date) or v["StartDate"].day != 1:
                reason = f"StartDate {v.get('StartDate')!r} is not the first day of a month"
            elif v.get("ProductFamily") is not None and v["ProductFamily"] not in families:
                reason = f"ProductFamily {v['ProductFamily']!r} is not a product family in the CRM (product_2.family)"
            if reason:
                refused[r.key] = reason
        return refused

    def read_current(self, keys: Sequence[str]) -> dict[str, Current]:
        if not keys:
            return {}
        parsed = {k: parse_quota_key(k) for k in keys}
        wanted = {(o, d, f): k for k, (o, d, f) in parsed.items()}
        owners = sorted({o for o, _, _ in parsed.values()})
        lo, hi = min(d for _, d, _ in parsed.values()), max(d for _, d, _ in parsed.values())
        t = self.table
        found: dict[str, list] = defaultdict(list)
        with self.engine.connect() as conn:
            for chunk in _chunks(owners, CHUNK):
                q = (sa.select(t.c.id, t.c.quota_owner_id, t.c.start_date, t.c.quota_amount, t.c.currency_iso_code,
                               t.c.product_family, t.c.is_deleted)
                     .where(t.c.quota_owner_id.in_(chunk), t.c.start_date.between(lo, hi)))
                for row in conn.execute(q):
                    k = wanted.get((row.quota_owner_id, row.start_date, row.product_family or None))
                    if k is not None:
                        found[k].append(row)
        out: dict[str, Current] = {}
        for k, rows in found.items():
            live = [r for r in rows if not r.is_deleted]
            pick = live or sorted(rows, key=lambda r: r.id)[:1]
            values = {f: getattr(pick[0], c) for f, c in self.FIELDS.items()}
            if len(live) > 1:
                ids = ", ".join(sorted(r.id for r in live))
                out[k] = Current(values, error=f"crm.forecasting_quota holds {len(live)} rows for this owner, month and "
                                               f"product family (ids {ids}); remove the duplicates in the CRM first")
            else:
                out[k] = Current(values, ref=pick[0].id, restore=not live)
        return out

    def apply(self, changes: Sequence[Change]) -> list[RowResult]:
        t = self.table
        ftype = self.forecasting_type_id() if any(c.action == INSERT for c in changes) else None
        now = _now()

        def write(conn: sa.Connection, batch: Sequence[Change]) -> None:
            inserts = [{**{col: c.values[f] for f, col in self.FIELDS.items()}, "id": deterministic_quota_id(c.key),
                        "forecasting_type_id": ftype, "system_modstamp": now, "is_deleted": False}
                       for c in batch if c.action == INSERT]
            updates = [{**{f"v_{col}": c.values[f] for f, col in self.FIELDS.items()}, "v_id": c.ref}
                       for c in batch if c.action != INSERT]
            if inserts:
                conn.execute(t.insert(), inserts)
            if updates:
                stmt = (t.update().where(t.c.id == sa.bindparam("v_id"))
                        .values({col: sa.bindparam(f"v_{col}") for col in self.FIELDS.values()}
                                | {"system_modstamp": now, "is_deleted": False}))
                conn.execute(stmt, updates)

        return apply_in_transaction(self.engine, changes, write, "crm.forecasting_quota")


class PayrollSink:
    """The HR/payroll system's input table (demo: `payroll_input` in `<data_dir>/demo/hr.db`)."""

    target = "payroll"
    object = "payroll_input"
    batch_size = 1000
    FIELDS = ("employee_id", "payee_id", "period", "pay_code", "amount", "currency")

    def __init__(self, url: str, *, table: str = "payroll_input", create_if_missing: bool = False,
                 engine: sa.Engine | None = None) -> None:
        self.engine = engine or sa.create_engine(url)
        md = sa.MetaData()
        self.table = payroll_input_table(md, table)
        self.object = table
        self.employees = sa.Table("employee", md, sa.Column("employee_id", sa.String), sa.Column("is_deleted", sa.Boolean))
        with self.engine.begin() as conn:
            if not sa.inspect(conn).has_table(table):
                if not create_if_missing:
                    raise FileNotFoundError(f"the payroll database has no table {table!r}; create it with the schema "
                                            "in docs/writeback.md (payroll input)")
                self.table.create(conn)

    def check(self, records: Sequence[Record]) -> dict[str, str]:
        employees = sorted({r.values.get("employee_id") for r in records if r.values.get("employee_id")})
        known: set[str] = set()
        with self.engine.connect() as conn:
            e = self.employees
            for chunk in _chunks(employees, CHUNK):
                known.update(x[0] for x in conn.execute(sa.select(e.c.employee_id)
                                                        .where(e.c.employee_id.in_(chunk), e.c.is_deleted.is_not(True))))
        refused = {}
        for r in records:
            reason = _common_checks(r, "amount", "currency", allow_negative=True)
            if not r.values.get("employee_id"):
                reason = "employee_id is missing"
            elif r.values["employee_id"] not in known:
                reason = f"employee {r.values['employee_id']} is not in the HR system (employee.employee_id)"
            if reason:
                refused[r.key] = reason
        return refused

    def read_current(self, keys: Sequence[str]) -> dict[str, Current]:
        t = self.table
        out = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(keys), CHUNK):
                for row in conn.execute(sa.select(t).where(t.c.input_id.in_(chunk))):
                    out[row.input_id] = Current({f: getattr(row, f) for f in self.FIELDS}, ref=row.input_id)
        return out

    def begin_push(self, push_id: str) -> None:
        """The engine names the push before applying: written to each row's push_id."""
        self._push_id = push_id

    def apply(self, changes: Sequence[Change]) -> list[RowResult]:
        t = self.table
        now = _now()
        push_id = getattr(self, "_push_id", None)

        def write(conn: sa.Connection, batch: Sequence[Change]) -> None:
            rows = [{"input_id": c.key, **{f: c.values[f] for f in self.FIELDS}, "push_id": push_id, "modified_at": now}
                    for c in batch]
            inserts = [r for r, c in zip(rows, batch, strict=True) if c.action == INSERT]
            updates = [{f"v_{k}": v for k, v in r.items()} for r, c in zip(rows, batch, strict=True) if c.action != INSERT]
            if inserts:
                conn.execute(t.insert(), inserts)
            if updates:
                cols = [*self.FIELDS, "push_id", "modified_at"]
                conn.execute(t.update().where(t.c.input_id == sa.bindparam("v_input_id"))
                             .values({c: sa.bindparam(f"v_{c}") for c in cols}), updates)

        return apply_in_transaction(self.engine, changes, write, f"payroll.{self.object}")
