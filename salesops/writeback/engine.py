"""The writeback engine: keyed, diff-only, dry-run-first pushes with an audit log.

A push takes records (each with a stable external key and the field values the
target should hold), asks the sink for the target's current state of those keys,
and sends only what differs:

    insert     the key is not in the target
    update     the key is there with other values (only the records' fields are compared)
    unchanged  the key is there with the same values: nothing is sent
    reject     the record cannot be sent (reason given): the builder or the sink's checks
               refused it before sending, the target holds the key ambiguously, or the
               target refused it when applied. Other rows still go through.

Dry run (the default) computes the same plan, writes the audit log with
`dry_run = true` and changes nothing in the target. A rerun of an applied push
finds every row unchanged and sends nothing.

Every push (dry or not) is recorded in the warehouse: `writeback.audit_log` (one
row per push) and `writeback.audit_rows` (one row per inserted / updated /
rejected record, with the field changes as JSON). Unchanged rows are counted,
not listed.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

INSERT, UPDATE, UNCHANGED, REJECT = "insert", "update", "unchanged", "reject"


@dataclass(frozen=True)
class Record:
    """One row to push: `key` is the stable external key, `values` what the target must hold.
    `reject_reason` set by the record builder rejects it before anything is sent.
    `optional` records (e.g. a zero pay line) are sent only if the key is already in the target."""

    key: str
    values: Mapping[str, Any]
    reject_reason: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class Current:
    """The target's state of one key. `ref` is the target's own row id (kept on update);
    `restore` forces an update (e.g. a soft-deleted row); `error` rejects the key
    (e.g. the target holds it twice)."""

    values: Mapping[str, Any]
    ref: str | None = None
    restore: bool = False
    error: str | None = None


@dataclass(frozen=True)
class Change:
    key: str
    action: str  # insert | update
    values: Mapping[str, Any]
    before: Mapping[str, Any] | None = None
    ref: str | None = None

    def diff(self) -> dict[str, list[Any]]:
        """{field: [old, new]} of the fields that change (all fields for an insert)."""
        before = self.before or {}
        return {f: [before.get(f), v] for f, v in self.values.items()
                if self.action == INSERT or not same_value(before.get(f), v)}


@dataclass(frozen=True)
class RowResult:
    key: str
    action: str  # insert | update | reject
    reason: str | None = None
    changes: Mapping[str, list[Any]] | None = None


class Sink(Protocol):
    """A writeback target. `target` names the system (crm, salesforce, payroll), `object` the table/sObject."""

    target: str
    object: str
    batch_size: int

    def check(self, records: Sequence[Record]) -> dict[str, str]:
        """Rows the target would refuse, found before sending: {key: reason}."""
        ...

    def read_current(self, keys: Sequence[str]) -> dict[str, Current]:
        """The target's current state of the keys it holds (absent keys are missing from the dict)."""
        ...

    def apply(self, changes: Sequence[Change]) -> list[RowResult]:
        """Send one batch (at most batch_size changes); one result per change, in order.
        A refused row is a `reject` result with the target's reason; the others are applied."""
        ...


@dataclass
class PushResult:
    push_id: str
    pushed_at: datetime
    target: str
    object: str
    version: str
    dry_run: bool
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    status: str = "running"  # dry_run | applied | partial | failed
    rows: list[RowResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def changed(self) -> int:
        return self.inserted + self.updated

    def log_row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in AUDIT_LOG_COLUMNS}


class PushError(RuntimeError):
    """The push could not run (bad records, target unreachable, ...): nothing or only part was applied."""


# --- value comparison -----------------------------------------------------------------------

def normalize(v: Any) -> Any:
    """Values compare by meaning: Decimal('100') == Decimal('100.00'), a date and its ISO string,
    '' and None are different (a missing value is None)."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int | Decimal):
        return Decimal(v).normalize()
    if isinstance(v, float):
        return Decimal(repr(v)).normalize()
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return v


def same_value(a: Any, b: Any) -> bool:
    return normalize(a) == normalize(b)


def jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, date | datetime):
        return v.isoformat()
    return v


# --- planning a push --------------------------------------------------------------------------

@dataclass
class Plan:
    changes: list[Change]
    rejected: list[RowResult]
    unchanged: int


def plan(records: Sequence[Record], sink: Sink) -> Plan:
    """What a push would do: the changes to send, the rows rejected before sending, the unchanged count."""
    keys = [r.key for r in records]
    if len(set(keys)) != len(keys):
        seen: set[str] = set()
        dup = sorted({k for k in keys if k in seen or seen.add(k)})
        raise PushError(f"{sink.target}.{sink.object}: {len(dup)} duplicated external keys in the records "
                        f"(e.g. {dup[:3]}); each key must appear once")
    rejected: list[RowResult] = []
    candidates: list[Record] = []
    for r in records:
        if r.reject_reason:
            rejected.append(RowResult(r.key, REJECT, r.reject_reason))
        else:
            candidates.append(r)
    refused = sink.check(candidates) if candidates else {}
    ok = [r for r in candidates if r.key not in refused]
    rejected += [RowResult(r.key, REJECT, refused[r.key]) for r in candidates if r.key in refused]
    current = sink.read_current([r.key for r in ok]) if ok else {}
    changes: list[Change] = []
    unchanged = 0
    for r in ok:
        cur = current.get(r.key)
        if cur is None:
            if r.optional:
                unchanged += 1
            else:
                changes.append(Change(r.key, INSERT, dict(r.values)))
        elif cur.error:
            rejected.append(RowResult(r.key, REJECT, cur.error))
        elif cur.restore or any(not same_value(cur.values.get(f), v) for f, v in r.values.items()):
            changes.append(Change(r.key, UPDATE, dict(r.values), dict(cur.values), cur.ref))
        else:
            unchanged += 1
    return Plan(changes, rejected, unchanged)


AuditWriter = Callable[[PushResult], None]


def push(records: Iterable[Record], sink: Sink, *, apply: bool = False, version: str = "",
         audit: AuditWriter | None = None, now: datetime | None = None) -> PushResult:
    """Diff the records against the sink and (only with apply=True) send the changes in batches.

    Returns the per-row results and counts; writes the audit log through `audit` (also for a
    dry run, and for a push that fails half-way: then status = 'failed' and the error re-raised)."""
    started = time.perf_counter()
    records = list(records)
    result = PushResult(push_id=uuid.uuid4().hex, pushed_at=(now or datetime.now(UTC)).replace(tzinfo=None),
                        target=sink.target, object=sink.object, version=version, dry_run=not apply)
    try:
        p = plan(records, sink)
        result.unchanged = p.unchanged
        result.rows.extend(p.rejected)
        if not apply:
            result.rows.extend(RowResult(c.key, c.action, None, c.diff()) for c in p.changes)
        else:
            by_key = {c.key: c for c in p.changes}
            if hasattr(sink, "begin_push"):
                sink.begin_push(result.push_id)
            for i in range(0, len(p.changes), sink.batch_size):
                batch = p.changes[i:i + sink.batch_size]
                out = sink.apply(batch)
                if len(out) != len(batch):
                    raise PushError(f"{sink.target}.{sink.object}: the sink returned {len(out)} results "
                                    f"for a batch of {len(batch)}")
                for res in out:
                    if res.action != REJECT and res.changes is None:
                        res = RowResult(res.key, res.action, res.reason, by_key[res.key].diff())
                    result.rows.append(res)
    except BaseException as exc:
        result.status = "failed"
        result.error = f"{type(exc).__name__}: {exc}"
        _finish(result, started, audit)
        raise
    _finish(result, started, audit)
    return result


def _finish(result: PushResult, started: float, audit: AuditWriter | None) -> None:
    result.inserted = sum(r.action == INSERT for r in result.rows)
    result.updated = sum(r.action == UPDATE for r in result.rows)
    result.rejected = sum(r.action == REJECT for r in result.rows)
    if result.status != "failed":
        result.status = "dry_run" if result.dry_run else ("partial" if result.rejected else "applied")
    result.seconds = time.perf_counter() - started
    if audit is not None:
        audit(result)


# --- audit log (warehouse) --------------------------------------------------------------------

AUDIT_SCHEMA = "writeback"
AUDIT_LOG_COLUMNS = {
    "push_id": "varchar", "pushed_at": "timestamp", "target": "varchar", "object": "varchar",
    "version": "varchar", "dry_run": "boolean", "inserted": "integer", "updated": "integer",
    "unchanged": "integer", "rejected": "integer", "status": "varchar",
}
AUDIT_ROWS_COLUMNS = {
    "push_id": "varchar", "external_key": "varchar", "action": "varchar", "reason": "varchar",
    "changes": "varchar",
}


def audit_rows(result: PushResult) -> list[dict[str, Any]]:
    return [{"push_id": result.push_id, "external_key": r.key, "action": r.action, "reason": r.reason,
             "changes": json.dumps({f: [jsonable(a), jsonable(b)] for f, (a, b) in r.changes.items()},
                                   ensure_ascii=False, sort_keys=True) if r.changes else None}
            for r in result.rows]


def warehouse_audit(settings) -> AuditWriter:
    """Audit writer into the warehouse: the push's log row and its rows in one transaction."""
    from salesops import warehouse

    def write(result: PushResult) -> None:
        with warehouse.transaction(settings) as conn:
            warehouse.create_table(conn, AUDIT_SCHEMA, "audit_log", AUDIT_LOG_COLUMNS, primary_key=["push_id"])
            warehouse.create_table(conn, AUDIT_SCHEMA, "audit_rows", AUDIT_ROWS_COLUMNS)
            warehouse.insert_rows(conn, AUDIT_SCHEMA, "audit_log", AUDIT_LOG_COLUMNS, [result.log_row()])
            warehouse.insert_rows(conn, AUDIT_SCHEMA, "audit_rows", AUDIT_ROWS_COLUMNS, audit_rows(result))

    return write


def relation_exists(settings, schema: str, name: str) -> bool:
    """A table or view schema.name exists in the warehouse (DuckDB or PostgreSQL)."""
    from salesops import warehouse

    if not settings.on_postgres and not settings.warehouse.exists():
        return False
    return bool(warehouse.read_rows(settings, "select 1 from information_schema.tables "
                                              "where table_schema = :s and table_name = :t", {"s": schema, "t": name}))


def read_audit_log(settings, limit: int = 20) -> list[dict[str, Any]]:
    """The most recent pushes, newest first (empty if nothing was ever pushed)."""
    from salesops import warehouse

    if not relation_exists(settings, AUDIT_SCHEMA, "audit_log"):
        return []
    return warehouse.read_rows(settings, f'select * from "{AUDIT_SCHEMA}"."audit_log" '
                                         "order by pushed_at desc, push_id limit :n", {"n": int(limit)})
