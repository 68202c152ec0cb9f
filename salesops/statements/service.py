"""Read a period's compensation results from the warehouse, render every payee's statement to
`<data_dir>/statements/<period>/<payee_id>.{html,pdf}` and record them in `statements.rendered`.

Tables read (docs/interfaces.md): compensation.periods / payouts / adjustments (and
compensation.exceptions if the engine writes one), marts.comp_credits, and for the
payee's name and team staging.stg_crm__users + intermediate.int_reps_assigned.
"""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from salesops import warehouse
from salesops.settings import Settings
from salesops.statements.config import StatementsConfig, load_statements_config
from salesops.statements.render import font_configuration, render_html, render_pdf, sha256
from salesops.statements.statement import Payee, Statement, StatementRefused, build_statement, check_period

PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CREDITS_TABLE = ("marts", "comp_credits")
MANIFEST_COLUMNS = {
    "payee_id": "varchar", "period": "varchar", "format": "varchar", "language": "varchar", "path": "varchar",
    "sha256": "varchar", "bytes": "bigint", "net_payable": "decimal(18,2)", "currency": "varchar",
    "is_draft": "boolean", "rendered_at": "timestamp",
}


@dataclass
class Rendered:
    payee_id: str
    period: str
    language: str
    html_path: Path
    pdf_path: Path | None
    html_sha256: str
    pdf_sha256: str | None
    net_payable: Any
    currency: str
    is_draft: bool
    seconds: float


def period_end(period: str) -> date:
    y, m = int(period[:4]), int(period[5:7])
    return date(y, m, calendar.monthrange(y, m)[1])


def fiscal_year_start(period: str, start_month: int) -> str:
    """First period (YYYY-MM) of the fiscal year containing `period` (fiscal years start in `start_month`)."""
    y, m = int(period[:4]), int(period[5:7])
    return f"{y if m >= start_month else y - 1}-{start_month:02d}"


def _rows(conn: sa.Connection, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(sa.text(sql), params)]


def _exists(conn: sa.Connection, schema: str, table: str) -> bool:
    return warehouse.table_exists(conn, schema, table)


def load_period(settings: Settings, period: str) -> dict[str, Any]:
    """Everything needed to render a period's statements, in one read transaction."""
    if not PERIOD_RE.match(period):
        raise StatementRefused(f"period {period!r} is not YYYY-MM")
    with warehouse.transaction(settings) as conn:
        if not _exists(conn, "compensation", "periods"):
            raise StatementRefused(f"period {period}: compensation.periods does not exist (run the compensation "
                                   "engine first); no statements")
        period_rows = _rows(conn, "select * from compensation.periods where period = :p", p=period)
        payouts = (_rows(conn, "select * from compensation.payouts where period = :p", p=period)
                   if _exists(conn, "compensation", "payouts") else [])
        year_payouts = (_rows(conn, "select payee_id, period, net_payable from compensation.payouts "
                              "where period >= :y and period < :p",
                              y=fiscal_year_start(period, settings.fiscal_year_start_month), p=period)
                        if payouts else [])
        adjustments = (_rows(conn, "select * from compensation.adjustments where period = :p", p=period)
                       if _exists(conn, "compensation", "adjustments") else [])
        exceptions = (_rows(conn, "select * from compensation.exceptions where period = :p", p=period)
                      if _exists(conn, "compensation", "exceptions") else [])
        credits = (_rows(conn, f"select * from {CREDITS_TABLE[0]}.{CREDITS_TABLE[1]} where period = :p", p=period)
                   if _exists(conn, *CREDITS_TABLE) else None)
        payees = _payees(conn, period_end(period))
    if len(period_rows) > 1:
        raise StatementRefused(f"period {period}: {len(period_rows)} rows in compensation.periods (expected one)")
    return {"period_row": period_rows[0] if period_rows else None, "payouts": payouts, "year_payouts": year_payouts,
            "adjustments": adjustments, "exceptions": exceptions, "credits": credits, "payees": payees}


def _payees(conn: sa.Connection, on: date) -> dict[str, Payee]:
    if not _exists(conn, "staging", "stg_crm__users"):
        return {}
    users = {r["user_id"]: r for r in _rows(conn, "select user_id, user_name, title from staging.stg_crm__users")}
    teams: dict[str, dict[str, Any]] = {}
    if _exists(conn, "intermediate", "int_reps_assigned"):
        for r in _rows(conn, "select user_id, team_name, region_name, job_title from intermediate.int_reps_assigned "
                             "where valid_from_date <= :d and valid_to_date >= :d", d=on):
            teams[r["user_id"]] = r
    out = {}
    for uid, u in users.items():
        t = teams.get(uid, {})
        out[uid] = Payee(payee_id=uid, name=u["user_name"] or uid, title=t.get("job_title") or u["title"] or "",
                         team=t.get("team_name") or "", region=t.get("region_name") or "")
    return out


def build_period_statements(data: dict[str, Any], period: str, config: StatementsConfig, *,
                            payee_ids: list[str] | None = None, allow_draft: bool = False) -> list[Statement]:
    """Check the period, then one Statement per payee (all payees with payout rows, or `payee_ids`)."""
    is_draft = check_period(period, data["period_row"], data["payouts"], data["adjustments"], data["exceptions"],
                            final_statuses=config.final_statuses, allow_draft=allow_draft)
    if data["credits"] is None:
        raise StatementRefused(f"period {period}: {'.'.join(CREDITS_TABLE)} does not exist (build the crediting "
                               "ledger first); statements must trace every credit")
    by_payee: dict[str, dict[str, list]] = {}
    for key in ("payouts", "year_payouts", "credits", "adjustments"):
        for row in data[key]:
            by_payee.setdefault(row["payee_id"], {}).setdefault(key, []).append(row)
    wanted = sorted({p["payee_id"] for p in data["payouts"]})
    if payee_ids:
        unknown = sorted(set(payee_ids) - set(wanted))
        if unknown:
            raise StatementRefused(f"period {period}: no payout rows for payee(s) {', '.join(unknown)}")
        wanted = sorted(set(payee_ids))
    statements = []
    for pid in wanted:
        rows = by_payee.get(pid, {})
        payouts = rows.get("payouts", [])
        payee = data["payees"].get(pid) or Payee(payee_id=pid, name=pid)
        currency = payouts[0]["currency"]
        statements.append(build_statement(
            period=period, period_row=data["period_row"], is_draft=is_draft, payee=payee, payouts=payouts,
            year_payouts=rows.get("year_payouts", []), credits=rows.get("credits", []),
            adjustments=rows.get("adjustments", []), language=config.language.for_payee(pid, currency)))
    return statements


def write_statement(st: Statement, out_dir: Path, config: StatementsConfig, *, pdf: bool = True,
                    generated_at: str | None = None, font_config: Any = None) -> Rendered:
    """Write `<out_dir>/<payee_id>.html` (and `.pdf`) atomically (temp file + rename)."""
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    generated_at = generated_at or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    html = render_html(st, config, generated_at=generated_at).encode("utf-8")
    html_path = out_dir / f"{st.payee.payee_id}.html"
    _atomic_write(html_path, html)
    pdf_path = pdf_hash = None
    if pdf:
        data = render_pdf(html.decode("utf-8"), font_config)
        pdf_path = out_dir / f"{st.payee.payee_id}.pdf"
        _atomic_write(pdf_path, data)
        pdf_hash = sha256(data)
    return Rendered(payee_id=st.payee.payee_id, period=st.period, language=st.language, html_path=html_path,
                    pdf_path=pdf_path, html_sha256=sha256(html), pdf_sha256=pdf_hash,
                    net_payable=st.totals["net_payable"], currency=st.currency, is_draft=st.is_draft,
                    seconds=time.perf_counter() - start)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def render_period(settings: Settings, period: str, *, payee_ids: list[str] | None = None, pdf: bool = True,
                  allow_draft: bool = False, config: StatementsConfig | None = None,
                  record: bool = True) -> list[Rendered]:
    """Render a period's statements to `<data_dir>/statements/<period>/` and record them in
    `statements.rendered` (the period's earlier rows for these payees are replaced)."""
    config = config or load_statements_config()
    statements = build_period_statements(load_period(settings, period), period, config, payee_ids=payee_ids,
                                         allow_draft=allow_draft)
    out_dir = settings.data_dir / "statements" / period
    fonts = font_configuration() if pdf else None
    rendered = [write_statement(st, out_dir, config, pdf=pdf, font_config=fonts) for st in statements]
    whole_period = not payee_ids
    if whole_period:  # a payee no longer paid in the period keeps no stale statement
        keep = {p.name for r in rendered for p in (r.html_path, r.pdf_path) if p is not None}
        for stale in out_dir.iterdir():
            if stale.suffix in (".html", ".pdf") and stale.name not in keep:
                stale.unlink()
    if record:
        record_manifest(settings, rendered, replace_period=period if whole_period else None)
    return rendered


def manifest_rows(rendered: list[Rendered]) -> list[dict[str, Any]]:
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for r in rendered:
        for fmt, path, digest in (("html", r.html_path, r.html_sha256), ("pdf", r.pdf_path, r.pdf_sha256)):
            if path is None:
                continue
            rows.append({"payee_id": r.payee_id, "period": r.period, "format": fmt, "language": r.language,
                         "path": str(path), "sha256": digest, "bytes": path.stat().st_size,
                         "net_payable": r.net_payable, "currency": r.currency, "is_draft": r.is_draft,
                         "rendered_at": now})
    return rows


def record_manifest(settings: Settings, rendered: list[Rendered], *, replace_period: str | None = None) -> int:
    """Upsert by (payee_id, period, format); `replace_period` drops all earlier rows of that period
    (a whole period was re-rendered). Other periods' rows are kept."""
    new = manifest_rows(rendered)
    keys = {(r["payee_id"], r["period"], r["format"]) for r in new}
    with warehouse.transaction(settings) as conn:
        old = (_rows(conn, "select * from statements.rendered") if _exists(conn, "statements", "rendered") else [])
    kept = [r for r in old if (r["payee_id"], r["period"], r["format"]) not in keys and r["period"] != replace_period]
    return warehouse.replace_table(settings, "statements", "rendered", MANIFEST_COLUMNS, kept + new,
                                   primary_key=("payee_id", "period", "format"))


def latest_period(settings: Settings, statuses: tuple[str, ...] = ("closed", "approved")) -> str | None:
    """The latest period of compensation.periods with one of `statuses` (None if none)."""
    with warehouse.transaction(settings) as conn:
        if not _exists(conn, "compensation", "periods"):
            return None
        rows = _rows(conn, "select period, status from compensation.periods")
    periods = sorted(r["period"] for r in rows if r["status"] in statuses)
    return periods[-1] if periods else None
