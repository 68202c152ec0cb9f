"""A payee's statement for one period, as plain data (no I/O): what goes on the page.

Inputs are rows shaped like the interface tables (docs/interfaces.md):
`compensation.payouts`, `compensation.adjustments`, `compensation.periods` and
`marts.comp_credits`. `check_period` decides whether a period may get statements
at all; `build_statement` assembles one payee's statement and re-checks the money
identity `net_payable = earned + adjustment + clawback + draw` on every line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")
MONEY_FIELDS = ("credited", "credited_ytd", "quota_ytd", "earned", "earned_ytd", "paid_before", "adjustment",
                "clawback", "draw", "draw_balance", "net_payable")


class StatementRefused(RuntimeError):
    """No statement may be produced (period not calculated, failed, has exceptions, or not final)."""


@dataclass(frozen=True)
class Payee:
    payee_id: str
    name: str
    title: str = ""
    team: str = ""
    region: str = ""


@dataclass
class Statement:
    statement_id: str
    period: str
    period_status: str
    is_draft: bool
    payee: Payee
    plan_id: str
    currency: str
    language: str
    components: list[dict[str, Any]]  # one payout row per component (+ `credit_lines` total)
    totals: dict[str, Decimal]  # earned, adjustment, clawback, draw, net_payable, earned_ytd, paid_before, draw_balance
    credits: list[dict[str, Any]]  # credit lines of the period (positive and reversals)
    clawbacks: list[dict[str, Any]]  # the reversal lines among `credits` (cancels_credit_id set or negative)
    adjustments: list[dict[str, Any]]
    ytd: list[dict[str, Any]]  # net payable per period of the year up to this one
    ytd_net_payable: Decimal = ZERO
    calculated_at: Any = None
    notes: list[str] = field(default_factory=list)


def _money(v: Any) -> Decimal:
    return ZERO if v is None else Decimal(v)


def check_period(period: str, period_row: Mapping[str, Any] | None, payouts: Sequence[Mapping[str, Any]],
                 adjustments: Sequence[Mapping[str, Any]], exceptions: Sequence[Mapping[str, Any]] = (),
                 *, final_statuses: Iterable[str] = ("closed", "approved"), allow_draft: bool = False) -> bool:
    """Raise StatementRefused unless the period's calculation is complete and clean.
    Returns True when the statements are drafts (open period, allowed by `allow_draft`).

    Refused: no row in compensation.periods (never calculated), a status other than
    open/closed/approved (e.g. `failed`), no payouts, any row of compensation.exceptions for the
    period, a payout whose net_payable breaks the identity, adjustment lines that do not sum to the
    payout's adjustment, an open period unless drafts are asked for."""
    if period_row is None:
        raise StatementRefused(f"period {period}: not calculated (no row in compensation.periods); no statements")
    status = str(period_row.get("status") or "")
    if status not in ("open", "closed", "approved"):
        raise StatementRefused(f"period {period}: calculation status is {status!r} (not open/closed/approved); "
                               "no statements until the calculation succeeds")
    if exceptions:
        first = "; ".join(str(e.get("message") or e.get("reason") or e) for e in list(exceptions)[:3])
        raise StatementRefused(f"period {period}: {len(exceptions)} calculation exception(s) in "
                               f"compensation.exceptions (e.g. {first}); resolve them before issuing statements")
    if not payouts:
        raise StatementRefused(f"period {period}: compensation.payouts has no rows for the period; no statements")
    problems = []
    seen: set[str] = set()
    for p in payouts:
        if p["payout_id"] in seen:
            problems.append(f"payout {p['payout_id']}: duplicated")
        seen.add(p["payout_id"])
        expected = _money(p["earned"]) + _money(p["adjustment"]) + _money(p["clawback"]) + _money(p["draw"])
        if _money(p["net_payable"]) != expected:
            problems.append(f"payout {p['payout_id']}: net_payable {p['net_payable']} != earned + adjustment + "
                            f"clawback + draw = {expected}")
    booked: dict[tuple[str, str], Decimal] = {}
    for a in adjustments:
        key = (a["payee_id"], a["component"])
        booked[key] = booked.get(key, ZERO) + _money(a["amount"])
    for p in payouts:
        key = (p["payee_id"], p["component"])
        if booked.pop(key, ZERO) != _money(p["adjustment"]):
            problems.append(f"payout {p['payout_id']}: adjustment {p['adjustment']} != sum of its "
                            "compensation.adjustments lines")
    for (payee, comp), amount in sorted(booked.items()):
        problems.append(f"adjustment lines for {payee}/{comp} ({amount}) have no payout row in {period}")
    if problems:
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        raise StatementRefused(f"period {period}: calculation has exceptions: " + "; ".join(problems[:5]) + more)
    if status not in set(final_statuses):
        if not allow_draft:
            raise StatementRefused(f"period {period} is {status}: final statements are issued for "
                                   f"{'/'.join(final_statuses)} periods (use --draft for a watermarked draft)")
        return True
    return False


def build_statement(*, period: str, period_row: Mapping[str, Any], is_draft: bool, payee: Payee,
                    payouts: Sequence[Mapping[str, Any]], year_payouts: Sequence[Mapping[str, Any]],
                    credits: Sequence[Mapping[str, Any]], adjustments: Sequence[Mapping[str, Any]],
                    language: str) -> Statement:
    """One payee's statement. Every input row must belong to `payee` (asserted: a statement never
    carries another payee's data); `year_payouts` are the payee's payout rows of the same fiscal year
    before `period` (for the YTD table; the caller selects the year)."""
    pid = payee.payee_id
    for name, rows in (("payouts", payouts), ("year_payouts", year_payouts), ("credits", credits),
                       ("adjustments", adjustments)):
        strangers = {r["payee_id"] for r in rows} - {pid}
        if strangers:
            raise ValueError(f"statement of {pid}: {name} rows of other payees {sorted(strangers)}")
    if not payouts:
        raise StatementRefused(f"period {period}: no payout rows for payee {pid}")
    currencies = {p["currency"] for p in payouts}
    plans = {p["plan_id"] for p in payouts}
    if len(currencies) != 1:
        raise StatementRefused(f"period {period}, payee {pid}: payout rows in several currencies {sorted(currencies)}")
    currency = currencies.pop()

    credit_total: dict[str, Decimal] = {}
    for c in credits:
        credit_total[c["component"]] = credit_total.get(c["component"], ZERO) + _money(c["credit_amount"])
    components = []
    for p in sorted(payouts, key=lambda r: r["component"]):
        row = dict(p)
        for f in MONEY_FIELDS:
            row[f] = _money(p.get(f))
        row["attainment"] = None if p.get("attainment") is None else Decimal(p["attainment"])
        row["credit_lines"] = credit_total.get(p["component"], ZERO)
        components.append(row)
    totals = {f: sum((c[f] for c in components), ZERO)
              for f in ("credited", "earned", "earned_ytd", "paid_before", "adjustment", "clawback", "draw",
                        "draw_balance", "net_payable")}
    expected = totals["earned"] + totals["adjustment"] + totals["clawback"] + totals["draw"]
    if totals["net_payable"] != expected:  # cannot happen after check_period; kept as the statement's own guard
        raise StatementRefused(f"period {period}, payee {pid}: net payable {totals['net_payable']} != {expected}")

    credit_rows = sorted((dict(c) for c in credits), key=lambda c: (c["credit_date"], c["source_type"],
                                                                    c["source_id"], c["credit_id"]))
    clawbacks = [c for c in credit_rows if c.get("cancels_credit_id") or _money(c["credit_amount"]) < 0]
    by_period: dict[str, Decimal] = {}
    for p in year_payouts:
        by_period[p["period"]] = by_period.get(p["period"], ZERO) + _money(p["net_payable"])
    by_period[period] = totals["net_payable"]  # this period from the rows shown above
    ytd = [{"period": k, "net_payable": v} for k, v in sorted(by_period.items()) if k <= period]
    return Statement(
        statement_id=f"{pid}:{period}",
        period=period,
        period_status=str(period_row.get("status")),
        is_draft=is_draft,
        payee=payee,
        plan_id=", ".join(sorted(plans)),
        currency=currency,
        language=language,
        components=components,
        totals=totals,
        credits=credit_rows,
        clawbacks=clawbacks,
        adjustments=sorted((dict(a) for a in adjustments), key=lambda a: a["adjustment_id"]),
        ytd=ytd,
        ytd_net_payable=sum((r["net_payable"] for r in ytd), ZERO),
        calculated_at=max((p.get("calculated_at") for p in payouts if p.get("calculated_at")), default=None),
    )
