"""The target ledger in the warehouse: `planning.targets` (docs/interfaces.md) and `planning.target_versions`.

A version is written in one transaction (its rows and its version row, or nothing).
Drafts may be rewritten; a published version is immutable: its checksum (sha256 of
its sorted rows) is stored, republishing it with different rows is an error naming
the version, and the nightly verifies that neither the stored rows nor the plan
config changed since publication. A re-plan is a new version with a later
`effective_from`; for each month, target-vs-actual uses the latest published version
effective on or before that month.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import Any

from salesops.planning.targets.engine import Decomposition
from salesops.settings import Settings

SCHEMA = "planning"
TARGETS = "targets"
VERSIONS = "target_versions"

LEDGER_COLUMNS = {
    "target_id": "varchar",
    "plan_id": "varchar",
    "version": "integer",
    "status": "varchar",
    "effective_from": "date",
    "published_at": "timestamp",
    "fiscal_year": "integer",
    "level": "varchar",
    "node_path": "varchar",
    "parent_target_id": "varchar",
    "org_unit_id": "varchar",
    "rep_id": "varchar",
    "product_line": "varchar",
    "month_start": "date",
    "method": "varchar",
    "weight": "decimal(38,12)",
    "pad": "decimal(9,6)",
    "ramp_factor": "decimal(9,6)",
    "target_amount": "decimal(18,2)",
    "currency": "varchar",
}

VERSION_COLUMNS = {
    "plan_id": "varchar",
    "version": "integer",
    "status": "varchar",
    "fiscal_year": "integer",
    "effective_from": "date",
    "published_at": "timestamp",
    "written_at": "timestamp",
    "checksum": "varchar",
    "config_checksum": "varchar",
    "config_path": "varchar",
    "target_amount": "decimal(18,2)",
    "currency": "varchar",
    "n_rows": "integer",
}

# status and published_at change when a draft is published; they are not content
_CONTENT = [c for c in LEDGER_COLUMNS if c not in ("status", "published_at")]


class PublishedVersionError(RuntimeError):
    """A published plan version would change (published versions are immutable)."""


def _dec(x: Fraction | Decimal, places: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        v = Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else Decimal(x)
        return v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def target_id(plan_id: str, version: int, node_path: str, product_line: str | None, month_start) -> str:
    return f"{plan_id}:{version}:{node_path}:{product_line or ''}:{month_start.isoformat() if month_start else ''}"


def ledger_rows(dec: Decomposition, status: str = "draft", published_at: datetime | None = None) -> list[dict[str, Any]]:
    """One row per node of the decomposition (every level; leaves are months), in tree order."""
    plan = dec.plan
    ids: dict[int, str] = {}
    rows = []
    for n in dec.nodes():
        tid = target_id(plan.plan_id, plan.version, n.path, n.product_line, n.month_start)
        ids[id(n)] = tid
        rows.append({
            "target_id": tid,
            "plan_id": plan.plan_id,
            "version": plan.version,
            "status": status,
            "effective_from": plan.effective_from,
            "published_at": published_at,
            "fiscal_year": plan.fiscal_year,
            "level": n.level,
            "node_path": n.path,
            "parent_target_id": ids[id(n.parent)] if n.parent is not None else None,
            "org_unit_id": n.org_unit_id,
            "rep_id": n.rep_id,
            "product_line": n.product_line,
            "month_start": n.month_start,
            "method": n.method,
            "weight": _dec(n.share, 12),
            "pad": _dec(n.pad, 6),
            "ramp_factor": _dec(n.ramp_factor, 6),
            "target_amount": _dec(n.amount, 2),
            "currency": plan.target.currency,
        })
    return rows


def _canon(value: Any, sqltype: str) -> str:
    if value is None:
        return ""
    if sqltype.startswith("decimal"):
        scale = int(sqltype.rstrip(")").split(",")[1])
        return f"{Decimal(value):.{scale}f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def checksum(rows: list[dict[str, Any]]) -> str:
    """sha256 of the rows' content (sorted by target_id; status and published_at excluded)."""
    h = hashlib.sha256()
    for r in sorted(rows, key=lambda r: r["target_id"]):
        h.update(("|".join(_canon(r[c], LEDGER_COLUMNS[c]) for c in _CONTENT) + "\n").encode())
    return h.hexdigest()


def _ensure_tables(conn) -> None:
    from salesops.warehouse import create_table

    create_table(conn, SCHEMA, TARGETS, LEDGER_COLUMNS)
    create_table(conn, SCHEMA, VERSIONS, VERSION_COLUMNS)


def write_version(settings: Settings, dec: Decomposition, *, publish: bool, config_path: str,
                  now: datetime | None = None) -> str:
    """Write one plan version (rows + version row) in one transaction.

    Returns "draft", "published" or "unchanged" (republishing identical content)."""
    import sqlalchemy as sa

    from salesops.warehouse import insert_rows, transaction

    plan = dec.plan
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    status = "published" if publish else "draft"
    rows = ledger_rows(dec, status, now if publish else None)
    digest = checksum(rows)
    name = f"plan {plan.plan_id} version {plan.version}"
    with transaction(settings) as conn:
        _ensure_tables(conn)
        versions = [dict(r._mapping) for r in conn.execute(
            sa.text(f'select * from "{SCHEMA}"."{VERSIONS}" where plan_id = :p'), {"p": plan.plan_id})]
        existing = next((v for v in versions if v["version"] == plan.version), None)
        if existing is not None and existing["status"] == "published":
            if not publish:
                raise PublishedVersionError(
                    f"{name} is published (since {existing['published_at']:%Y-%m-%d %H:%M} UTC) and cannot be rewritten "
                    f"as a draft: put the change in a new version (version: {max(v['version'] for v in versions) + 1})")
            if existing["checksum"] == digest:
                return "unchanged"
            why = ("its config changed" if existing["config_checksum"] != plan.checksum()
                   else "the config is the same but the history it reads changed")
            raise PublishedVersionError(
                f"{name} is published and immutable, but republishing it gives a different ledger ({why}; "
                f"published checksum {existing['checksum'][:12]}, new {digest[:12]}): publish the change as version "
                f"{max(v['version'] for v in versions) + 1} with a later effective_from")
        if publish:
            for v in versions:
                if v["status"] != "published" or v["version"] == plan.version:
                    continue
                if (v["version"] < plan.version) != (v["effective_from"] < plan.effective_from):
                    raise PublishedVersionError(
                        f"{name} is effective from {plan.effective_from}, but published version {v['version']} is "
                        f"effective from {v['effective_from']}: a later version needs a later effective_from")
        conn.execute(sa.text(f'delete from "{SCHEMA}"."{TARGETS}" where plan_id = :p and version = :v'),
                     {"p": plan.plan_id, "v": plan.version})
        conn.execute(sa.text(f'delete from "{SCHEMA}"."{VERSIONS}" where plan_id = :p and version = :v'),
                     {"p": plan.plan_id, "v": plan.version})
        insert_rows(conn, SCHEMA, TARGETS, LEDGER_COLUMNS, rows)
        insert_rows(conn, SCHEMA, VERSIONS, VERSION_COLUMNS, [{
            "plan_id": plan.plan_id, "version": plan.version, "status": status, "fiscal_year": plan.fiscal_year,
            "effective_from": plan.effective_from, "published_at": now if publish else None, "written_at": now,
            "checksum": digest, "config_checksum": plan.checksum(), "config_path": config_path,
            "target_amount": dec.root.amount, "currency": plan.target.currency, "n_rows": len(rows),
        }])
    return status


def published_version(settings: Settings, plan_id: str, version: int) -> dict[str, Any] | None:
    """The version row if that version is published, else None."""
    for v in list_versions(settings):
        if v["plan_id"] == plan_id and v["version"] == version and v["status"] == "published":
            return v
    return None


def verify_published(settings: Settings, plan_id: str, version: int, config_checksum: str) -> dict[str, Any]:
    """Raise PublishedVersionError unless the published version's rows and config are as published."""
    from salesops.warehouse import read_rows

    v = published_version(settings, plan_id, version)
    name = f"plan {plan_id} version {version}"
    if v is None:
        raise PublishedVersionError(f"{name} is not published")
    if v["config_checksum"] != config_checksum:
        raise PublishedVersionError(
            f"{name} is published and immutable, but its config ({v['config_path']}) changed since publication: "
            f"revert the file and put the change in a new version with a later effective_from")
    rows = read_rows(settings, f'select * from "{SCHEMA}"."{TARGETS}" where plan_id = :p and version = :v',
                     {"p": plan_id, "v": version})
    if len(rows) != v["n_rows"] or checksum(rows) != v["checksum"]:
        raise PublishedVersionError(f"{name}: the ledger rows in {SCHEMA}.{TARGETS} no longer match the published "
                                    f"checksum {v['checksum'][:12]} ({len(rows)} rows, {v['n_rows']} published)")
    return v


def list_versions(settings: Settings) -> list[dict[str, Any]]:
    from salesops.warehouse import read_rows, table_exists, transaction

    with transaction(settings) as conn:
        if not table_exists(conn, SCHEMA, VERSIONS):
            return []
    return read_rows(settings, f'select * from "{SCHEMA}"."{VERSIONS}" order by plan_id, version')


def version_in_force(versions: list[dict[str, Any]], plan_id: str, month_start) -> dict[str, Any] | None:
    """The latest published version of plan_id effective on month_start (how target-vs-actual prorates)."""
    eligible = [v for v in versions if v["plan_id"] == plan_id and v["status"] == "published"
                and v["effective_from"] <= month_start]
    return max(eligible, key=lambda v: v["effective_from"], default=None)
