"""Payroll records from the compensation engine's approved periods, and the payroll input table.

`compensation.payouts` (payee x period x component) of the periods whose
`compensation.periods.status = 'approved'` become one line per payee x period x
pay code:

    COMMISSION  sum(earned)       ADJUSTMENT  sum(adjustment)
    CLAWBACK    sum(clawback)     DRAW        sum(draw)

so the lines of a payee-period add up to its `net_payable` exactly (checked: a
payee-period whose lines do not is rejected, nothing is guessed). A zero line is
only sent when the payroll system already has that key (then it is set to 0).
The employee number comes from the identity map (CRM user -> HR employee,
`stg_crm__users.employee_id`); a payee without one is rejected with the reason.

External key `payee_id:period:pay_code`, e.g. `0055j0000000001AAA:2026-10:COMMISSION`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from salesops.writeback.engine import Record, relation_exists

PAY_CODES = {"COMMISSION": "earned", "ADJUSTMENT": "adjustment", "CLAWBACK": "clawback", "DRAW": "draw"}
PAYROLL_FIELDS = ("employee_id", "payee_id", "period", "pay_code", "amount", "currency")
APPROVED = "approved"


class PeriodNotApproved(RuntimeError):
    """Payroll push of a period that is not approved."""


def payroll_input_table(metadata: sa.MetaData, name: str = "payroll_input") -> sa.Table:
    """The HR/payroll system's input table (a writeback target, not an ingested source).

    One row per payee x period x pay code; `input_id` = `payee_id:period:pay_code`.
    `push_id` and `modified_at` say which push wrote the row last and when (UTC)."""
    return sa.Table(
        name, metadata,
        sa.Column("input_id", sa.String, primary_key=True),
        sa.Column("employee_id", sa.String, nullable=False),
        sa.Column("payee_id", sa.String, nullable=False),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("pay_code", sa.String, nullable=False),
        sa.Column("amount", sa.Numeric(18, 2, asdecimal=True), nullable=False),
        sa.Column("currency", sa.String, nullable=False),
        sa.Column("push_id", sa.String),
        sa.Column("modified_at", sa.DateTime),
    )


def create_payroll_input(conn: sa.Connection) -> None:
    """Create the (empty) payroll input table if missing (the demo HR database has one)."""
    payroll_input_table(sa.MetaData()).create(conn, checkfirst=True)


def payroll_key(payee_id: str, period: str, pay_code: str) -> str:
    return f"{payee_id}:{period}:{pay_code}"


def payroll_records(payouts: Iterable[Mapping[str, Any]], periods: Iterable[Mapping[str, Any]],
                    identity: Mapping[str, str | None], *, period: str | None = None) -> tuple[list[Record], str]:
    """Records for the payroll sink (approved periods only; `period` picks one) and the audit version
    label (`2026-10 sha256:1a2b3c4d5e6f`, the period checksums). A `period` that is not approved raises."""
    status = {p["period"]: p for p in periods}
    if period is not None:
        st = status.get(period)
        if st is None:
            raise PeriodNotApproved(f"period {period} is not in compensation.periods; nothing to push")
        if st["status"] != APPROVED:
            raise PeriodNotApproved(f"period {period} is {st['status']}, not approved: payroll only receives "
                                    "approved periods (approve it in the compensation workflow first)")
    approved = {p for p, st in status.items() if st["status"] == APPROVED and (period is None or p == period)}
    sums: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    currencies: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in payouts:
        if row["period"] not in approved:
            continue
        k = (row["payee_id"], row["period"])
        for col in (*PAY_CODES.values(), "net_payable"):
            sums[k][col] += Decimal(row[col] if row[col] is not None else 0)
        currencies[k].add(row["currency"])
    records: list[Record] = []
    for (payee, per), s in sorted(sums.items()):
        cur = currencies[(payee, per)]
        employee = identity.get(payee)
        lines_total = sum(s[c] for c in PAY_CODES.values())
        reason = None
        if employee is None:
            reason = (f"payee {payee} has no HR employee id in the identity map (stg_crm__users.employee_id); "
                      "fix the CRM user's employee number")
        elif len(cur) != 1:
            reason = f"payouts of payee {payee} in {per} have several currencies {sorted(cur)}"
        elif lines_total != s["net_payable"]:
            reason = (f"payouts of payee {payee} in {per}: earned + adjustment + clawback + draw = {lines_total} "
                      f"but net_payable = {s['net_payable']}; the period's payouts are inconsistent")
        for code, col in PAY_CODES.items():
            amount = s[col]
            values = {"employee_id": employee, "payee_id": payee, "period": per, "pay_code": code,
                      "amount": amount, "currency": next(iter(cur)) if len(cur) == 1 else None}
            records.append(Record(payroll_key(payee, per, code), values, reject_reason=reason,
                                  optional=amount == 0 and reason is None))
    version = " ".join(f"{p} sha256:{(status[p].get('checksum') or '')[:12]}" for p in sorted(approved))
    return records, version


def load_payroll_inputs(settings, period: str | None) -> tuple[list[dict], list[dict], dict[str, str | None]]:
    """compensation.payouts, compensation.periods and the identity map (CRM user -> HR employee) from the warehouse."""
    from salesops import warehouse

    for schema, table in (("compensation", "periods"), ("compensation", "payouts"), ("staging", "stg_crm__users")):
        if not relation_exists(settings, schema, table):
            raise FileNotFoundError(f"{schema}.{table} is not in the warehouse ({settings.warehouse_label()}): "
                                        "run the nightly job and the compensation engine first")
    periods = warehouse.read_rows(settings, "select period, status, checksum from compensation.periods")
    where, params = ("where period = :p", {"p": period}) if period else ("", {})
    payouts = warehouse.read_rows(
        settings, "select payee_id, period, earned, adjustment, clawback, draw, net_payable, currency "
                  f"from compensation.payouts {where}", params)
    identity = {r["user_id"]: r["employee_id"]
                for r in warehouse.read_rows(settings, "select user_id, employee_id from staging.stg_crm__users")}
    return payouts, periods, identity
