"""Contest leaderboards and recognition lists: plain functions on plain rows (no I/O).

Leaderboard: every eligible person gets a row. Per person: `amount` (sum of the measure's
lines in the window), `deal_count` (distinct deals — accounts for `new_logos` — whose net amount
is positive), `achievement_date` (date of the last line counted: when the final score was
reached), `attainment` (amount / quota of the window's months). The score is the ranking basis
(`amount`, `count` or `attainment`); a person is ranked only if the score exceeds `min_value`.
Rank is competition ranking ("1, 2, 2, 4") on (score, tie-breaks in order): `achievement_date`
earlier wins, `deal_count` more wins, `amount` more wins; people equal on all of them share the
rank, and a shared rank inside a prize tier wins that tier's prize for each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from salesops.contests.config import Contest, RecognitionConfig, RecognitionRule

ZERO = Decimal("0")
SIX = Decimal("0.000001")


@dataclass(frozen=True)
class Person:
    payee_id: str
    name: str
    sales_role: str | None
    region_id: str | None = None
    region_name: str | None = None
    business_unit_id: str | None = None
    business_unit_name: str | None = None
    team_name: str | None = None
    employee_id: str | None = None


@dataclass(frozen=True)
class Line:
    """One source line counted for a contest (a won opportunity, a credit line)."""
    payee_id: str
    line_date: date
    amount: Decimal
    deal_key: str


def is_eligible(contest: Contest, p: Person) -> bool:
    e = contest.eligibility
    if p.sales_role not in e.roles:
        return False
    if e.regions and p.region_id not in e.regions and p.region_name not in e.regions:
        return False
    return not (e.business_units and p.business_unit_id not in e.business_units
                and p.business_unit_name not in e.business_units)


def contest_status(contest: Contest, as_of: date) -> str:
    return "upcoming" if as_of < contest.start_date else ("final" if as_of >= contest.end_date else "running")


def leaderboard(contest: Contest, people: Iterable[Person], lines: Iterable[Line],
                quotas: Mapping[str, Decimal] | None = None, *, as_of: date) -> list[dict[str, Any]]:
    """One row per eligible person, ordered by rank (unranked last), then payee_id."""
    quotas = quotas or {}
    eligible = {p.payee_id: p for p in people if is_eligible(contest, p)}
    window_end = min(contest.end_date, as_of)
    amount: dict[str, Decimal] = {}
    per_deal: dict[tuple[str, str], Decimal] = {}
    last: dict[str, date] = {}
    for ln in lines:
        if ln.payee_id not in eligible or not (contest.start_date <= ln.line_date <= window_end):
            continue
        amount[ln.payee_id] = amount.get(ln.payee_id, ZERO) + ln.amount
        per_deal[(ln.payee_id, ln.deal_key)] = per_deal.get((ln.payee_id, ln.deal_key), ZERO) + ln.amount
        last[ln.payee_id] = max(last.get(ln.payee_id, ln.line_date), ln.line_date)
    deals: dict[str, int] = {}
    for (pid, _), amt in per_deal.items():
        if amt > 0:
            deals[pid] = deals.get(pid, 0) + 1

    rows = []
    for pid, p in eligible.items():
        amt = amount.get(pid, ZERO)
        quota = quotas.get(pid)
        att = (amt / quota).quantize(SIX, rounding=ROUND_HALF_UP) if quota else None
        score = {"amount": amt, "count": Decimal(deals.get(pid, 0)), "attainment": att}[contest.ranking.by]
        rows.append({
            "contest_id": contest.contest_id, "contest_name": contest.name, "payee_id": pid, "payee_name": p.name,
            "sales_role": p.sales_role, "region_name": p.region_name, "team_name": p.team_name,
            "measure": contest.measure, "ranking_by": contest.ranking.by, "amount": amt,
            "deal_count": deals.get(pid, 0), "quota": quota, "attainment": att, "score": score,
            "achievement_date": last.get(pid), "is_qualified": score is not None and score > contest.ranking.min_value,
        })

    sign = -1 if contest.ranking.order == "desc" else 1

    def key(r: dict[str, Any]) -> tuple:
        k: list[Any] = [sign * r["score"]]
        for tb in contest.tie_breaks:
            if tb == "achievement_date":
                k.append(r["achievement_date"] or date.max)
            elif tb == "deal_count":
                k.append(-r["deal_count"])
            else:
                k.append(-r["amount"])
        return tuple(k)

    ranked = sorted((r for r in rows if r["is_qualified"]), key=key)
    prev_key, prev_rank = None, 0
    for i, r in enumerate(ranked, start=1):
        k = key(r)
        r["rank"] = prev_rank if k == prev_key else i
        prev_key, prev_rank = k, r["rank"]
    status = contest_status(contest, as_of)
    for r in rows:
        r.setdefault("rank", None)
        r["prize"] = contest.prize_for(r["rank"])
        r["is_winner"] = r["prize"] is not None
        r["contest_status"] = status
        r["start_date"], r["end_date"], r["as_of_date"] = contest.start_date, contest.end_date, as_of
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["payee_id"]))


def recognition_list(config: RecognitionConfig, rule: RecognitionRule, people: Iterable[Person],
                     ytd: Mapping[str, tuple[Decimal, Decimal]], findings: Mapping[str, list[str]],
                     *, as_of: date, fiscal_year: int) -> list[dict[str, Any]]:
    """One row per person of the rule's roles: YTD quota/actual/attainment, flags, qualified or why not.

    `ytd`: payee_id -> (ytd_quota, ytd_actual); `findings`: payee_id -> data-quality finding types."""
    flags: dict[str, list[str]] = {}
    for f in config.compliance_flags:
        flags.setdefault(f.payee_id, []).append(f"{f.flag}" + (f" ({f.reason})" if f.reason else ""))
    rows = []
    for p in sorted(people, key=lambda p: p.payee_id):
        if p.sales_role not in rule.roles:
            continue
        quota, actual = ytd.get(p.payee_id, (None, None))
        att = (actual / quota).quantize(SIX, rounding=ROUND_HALF_UP) if quota else None
        reasons, shown = [], []
        if rule.disqualify_flags:
            shown += flags.get(p.payee_id, [])
        shown += [f"data quality: {t}" for t in findings.get(p.payee_id, []) if t in rule.disqualify_finding_types]
        if att is None:
            reasons.append("no YTD quota")
        elif att < rule.min_ytd_attainment:
            reasons.append(f"YTD attainment {_pct(att)} < {_pct(rule.min_ytd_attainment)}")
        if shown:
            reasons.append("compliance flag: " + "; ".join(shown))
        rows.append({
            "rule_id": rule.rule_id, "rule_name": rule.name, "fiscal_year": fiscal_year, "payee_id": p.payee_id,
            "payee_name": p.name, "sales_role": p.sales_role, "region_name": p.region_name,
            "team_name": p.team_name, "ytd_quota": quota, "ytd_actual": actual, "ytd_attainment": att,
            "min_ytd_attainment": rule.min_ytd_attainment, "flags": "; ".join(shown) or None,
            "is_qualified": not reasons, "reason": "; ".join(reasons) or "qualified", "as_of_date": as_of,
        })
    return sorted(rows, key=lambda r: (not r["is_qualified"], -(r["ytd_attainment"] or Decimal(-1)), r["payee_id"]))


def _pct(fraction: Decimal) -> str:
    """Exact percent, at least 2 decimals: 1.2 -> 120.00%, 1.19999 -> 119.999%."""
    text = f"{fraction * 100:f}"
    whole, _, dec = text.partition(".")
    return f"{whole}.{(dec.rstrip('0') or '').ljust(2, '0')}%"
