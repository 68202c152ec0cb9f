"""A small published target ledger `planning.targets` for developing and testing the
performance marts without the planning helper (columns: docs/interfaces.md).

Plan FY2026 (CNY), built from the CRM quotas so the numbers look real:
- version 1, published, effective 2026-01-01: every rep's 2026 CRM quota x 1.05,
  split over the product lines by fixed shares (largest remainder, exact to the cent);
- version 2, published, effective 2026-07-01 (mid-year re-plan): the same x 1.10;
- version 3, draft: x 2 (must be ignored).
Months before 2026 have no published version: target-vs-actual falls back to the CRM.

    python -m tests.performance_targets_fixture          # writes into $SALESOPS_DATA_DIR's warehouse
    python -m tests.performance_targets_fixture --empty  # an empty ledger (all CRM fallback)
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from salesops import warehouse
from salesops.settings import Settings, get_settings

COLUMNS = {
    "target_id": "varchar", "plan_id": "varchar", "version": "integer", "status": "varchar", "effective_from": "date",
    "published_at": "timestamp", "fiscal_year": "integer", "level": "varchar", "node_path": "varchar",
    "parent_target_id": "varchar", "org_unit_id": "varchar", "rep_id": "varchar", "product_line": "varchar",
    "month_start": "date", "method": "varchar", "weight": "decimal(38,12)", "pad": "decimal(9,6)",
    "ramp_factor": "decimal(9,6)", "target_amount": "decimal(18,2)", "currency": "varchar",
}
PRODUCT_SHARES = {"Sensors": Decimal("0.30"), "Gateways": Decimal("0.20"), "Platform Software": Decimal("0.25"),
                  "Analytics": Decimal("0.10"), "Services": Decimal("0.10"), "Spare Parts": Decimal("0.05")}
VERSIONS = [  # version, status, effective_from, factor
    (1, "published", date(2026, 1, 1), Decimal("1.05")),
    (2, "published", date(2026, 7, 1), Decimal("1.10")),
    (3, "draft", date(2026, 10, 1), Decimal("2")),
]
CENT = Decimal("0.01")


def split_exact(amount: Decimal, shares: dict[str, Decimal]) -> dict[str, Decimal]:
    """amount x share per key, rounded to cents, largest remainder so the parts sum to amount exactly."""
    raw = {k: amount * s for k, s in shares.items()}
    parts = {k: (v / CENT).to_integral_value(rounding="ROUND_FLOOR") * CENT for k, v in raw.items()}
    left = int(((amount - sum(parts.values())) / CENT).to_integral_value())
    for k in sorted(raw, key=lambda k: (-(raw[k] - parts[k]), k))[:left]:
        parts[k] += CENT
    return parts


def ledger_rows(crm_quotas: list[dict]) -> list[dict]:
    """Leaf rows (level month) plus one company row per version; crm_quotas: rep_id, month_start, quota (CNY)."""
    rows: list[dict] = []
    for version, status, effective, factor in VERSIONS:
        published_at = datetime(effective.year, effective.month, 1, 2, 0, tzinfo=UTC).replace(tzinfo=None) \
            if status == "published" else None
        top_id = f"FY2026:{version}:company::"
        total = Decimal(0)
        for q in crm_quotas:
            amount = (q["quota"] * factor).quantize(CENT, ROUND_HALF_UP)
            for line, part in split_exact(amount, PRODUCT_SHARES).items():
                m = q["month_start"]
                rows.append({
                    "target_id": f"FY2026:{version}:company/{q['rep_id']}/{line}/{m:%Y-%m}:{line}:{m}",
                    "plan_id": "FY2026", "version": version, "status": status, "effective_from": effective,
                    "published_at": published_at, "fiscal_year": 2026, "level": "month",
                    "node_path": f"company/{q['rep_id']}/{line}/{m:%Y-%m}", "parent_target_id": top_id,
                    "org_unit_id": None, "rep_id": q["rep_id"], "product_line": line, "month_start": m,
                    "method": "fixed", "weight": PRODUCT_SHARES[line], "pad": Decimal(0), "ramp_factor": Decimal(1),
                    "target_amount": part, "currency": "CNY",
                })
                total += part
        rows.append({
            "target_id": top_id, "plan_id": "FY2026", "version": version, "status": status, "effective_from": effective,
            "published_at": published_at, "fiscal_year": 2026, "level": "company", "node_path": "company",
            "parent_target_id": None, "org_unit_id": None, "rep_id": None, "product_line": None, "month_start": None,
            "method": "fixed", "weight": Decimal(1), "pad": Decimal(0), "ramp_factor": Decimal(1),
            "target_amount": total, "currency": "CNY",
        })
    return rows


def write_fixture(settings: Settings, *, empty: bool = False) -> int:
    quotas = [] if empty else warehouse.read_rows(settings, """
        select quota_owner_user_id as rep_id, quota_month as month_start, sum(quota_amount) as quota
        from staging.stg_crm__forecasting_quotas
        where product_family is null and currency = 'CNY' and quota_month >= date '2026-01-01'
          and quota_month < date '2027-01-01'
        group by 1, 2 order by 1, 2""")
    return warehouse.replace_table(settings, "planning", "targets", COLUMNS, [] if empty else ledger_rows(quotas))


if __name__ == "__main__":
    n = write_fixture(get_settings(), empty="--empty" in sys.argv)
    print(f"planning.targets: {n} rows")
