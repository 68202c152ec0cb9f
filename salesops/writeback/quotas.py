"""Quota records from the published target ledger (`planning.targets`).

The leaf rows (level `month`: rep x product_line x month) of the published
version *in force* in each month are summed per QuotaOwnerId x StartDate x
ProductFamily, in the shape of Salesforce ForecastingQuota. With
`include_total` (the default) each owner-month also gets an all-product quota
(ProductFamily null) = the sum over its families: that is the row the CRM's
forecasting_quota readers (target_vs_actual's fallback) take.

Version in force on month m of a plan: among the published versions whose
`effective_from` is on or before the last day of m, the one with the latest
`effective_from` (ties: the higher version); a month before every version's
`effective_from` takes the earliest published version (a plan applies from its
first month). Only months that version has leaf rows for are pushed.

External key: `QuotaOwnerId:StartDate:ProductFamily` (family empty for the total),
e.g. `0055j0000000001AAA:2027-01-01:Sensors`. Salesforce allows one quota per owner x
period x product family (per forecast type), so this natural key is stable across
plan versions: a re-plan updates the same quota rather than adding one.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from salesops.writeback.engine import Record, relation_exists

QUOTA_FIELDS = ("QuotaOwnerId", "StartDate", "QuotaAmount", "CurrencyIsoCode", "ProductFamily")
CENT = Decimal("0.01")


def quota_key(owner_id: str, start_date: date, product_family: str | None) -> str:
    return f"{owner_id}:{start_date.isoformat()}:{product_family or ''}"


def parse_quota_key(key: str) -> tuple[str, date, str | None]:
    owner, start, family = key.split(":", 2)
    return owner, date.fromisoformat(start), family or None


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def in_force_leaves(rows: Iterable[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], dict[str, list[int]]]:
    """The leaf rows of the published version in force on each month, per plan; and the versions used."""
    leaves: dict[tuple[str, int], list[Mapping[str, Any]]] = defaultdict(list)
    effective: dict[tuple[str, int], date] = {}
    for r in rows:
        if r["status"] != "published" or r["level"] != "month":
            continue
        pv = (r["plan_id"], int(r["version"]))
        leaves[pv].append(r)
        eff = r["effective_from"]
        if effective.setdefault(pv, eff) != eff:
            raise ValueError(f"planning.targets: plan {pv[0]} version {pv[1]} has several effective_from "
                             f"dates ({effective[pv]} and {eff}); a version has one")
    by_plan: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for (plan_id, version), eff in effective.items():
        by_plan[plan_id].append((eff, version))
    out: list[Mapping[str, Any]] = []
    used: dict[str, set[int]] = defaultdict(set)
    for plan_id, versions in sorted(by_plan.items()):
        versions.sort()
        months = sorted({r["month_start"] for v in versions for r in leaves[(plan_id, v[1])]})
        for m in months:
            eligible = [v for v in versions if v[0] <= _month_end(m)] or [versions[0]]
            version = max(eligible)[1]
            rows_m = [r for r in leaves[(plan_id, version)] if r["month_start"] == m]
            if rows_m:
                out.extend(rows_m)
                used[plan_id].add(version)
    return out, {p: sorted(v) for p, v in used.items()}


def quota_records(target_rows: Iterable[Mapping[str, Any]], *, include_total: bool = True) -> tuple[list[Record], str]:
    """Records for the CRM / Salesforce quota sinks, and a version label for the audit log
    (e.g. `FY2027 v1,v2`). Leaves without a rep or with mixed currencies are rejected with the reason."""
    leaves, used = in_force_leaves(target_rows)
    sums: dict[tuple[str, date, str | None], Decimal] = defaultdict(Decimal)
    currencies: dict[tuple[str, date, str | None], set[str]] = defaultdict(set)
    records: list[Record] = []
    for r in leaves:
        month, family = r["month_start"], r["product_line"]
        if r.get("method") == "ramp_hold":
            continue  # a new hire's unramped share, held at the manager's node by design: no rep carries it
        if not r["rep_id"]:
            records.append(Record(f"(no rep):{month.isoformat()}:{family or ''}:{r['node_path']}",
                                  {"StartDate": month, "QuotaAmount": r["target_amount"], "ProductFamily": family},
                                  reject_reason=f"target {r['target_id']} has no rep_id (node {r['node_path']}); "
                                                "a CRM quota needs an owner"))
            continue
        keys = [(r["rep_id"], month, family)] + ([(r["rep_id"], month, None)] if include_total and family else [])
        for k in keys:
            sums[k] += Decimal(r["target_amount"])
            currencies[k].add(r["currency"])
    for (owner, month, family), amount in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        cur = currencies[(owner, month, family)]
        values = {"QuotaOwnerId": owner, "StartDate": month, "QuotaAmount": amount.quantize(CENT),
                  "CurrencyIsoCode": next(iter(cur)) if len(cur) == 1 else None, "ProductFamily": family}
        reason = (f"target rows for owner {owner} in {month:%Y-%m} ({family or 'all products'}) have several "
                  f"currencies {sorted(cur)}; one quota has one currency") if len(cur) > 1 else None
        records.append(Record(quota_key(owner, month, family), values, reject_reason=reason))
    version = "; ".join(f"{p} " + ",".join(f"v{v}" for v in vs) for p, vs in sorted(used.items()))
    return records, version


def load_target_rows(settings) -> list[dict[str, Any]]:
    """Published leaf rows of `planning.targets` from the warehouse."""
    from salesops import warehouse

    if not relation_exists(settings, "planning", "targets"):
        raise FileNotFoundError(f"planning.targets is not in the warehouse ({settings.warehouse_label()}): "
                                "materialize the target ledger ([planning, targets]) and publish a version first")
    return warehouse.read_rows(
        settings,
        "select target_id, plan_id, version, status, effective_from, level, node_path, rep_id, product_line, "
        "month_start, target_amount, currency, method from planning.targets where status = 'published' and level = 'month'",
    )
