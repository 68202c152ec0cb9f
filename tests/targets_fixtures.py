"""A tiny hand-made company for the target decomposition tests (amounts easy to compute by hand).

company C -> business units BU1, BU2 -> regions R1 (in BU1), R2 (in BU2); reps a, b in R1, c in R2.
FY2025 bookings: a 600 (P 400 in March, Q 200 in June), b 200 (P, September), c 200 (Q, December)
-> BU1 800, BU2 200; company months Mar 400, Jun 200, Sep 200, Dec 200.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salesops.planning.targets.config import PlanConfig
from salesops.planning.targets.engine import Assignment, Fact, History, OrgUnit

OPEN_END = date(9999, 12, 31)


def org_units() -> list[OrgUnit]:
    return [
        OrgUnit("C", "Company", "company", None),
        OrgUnit("BU1", "Unit one", "business_unit", "C"),
        OrgUnit("BU2", "Unit two", "business_unit", "C"),
        OrgUnit("R1", "Region one", "region", "BU1"),
        OrgUnit("R2", "Region two", "region", "BU2"),
    ]


def rep(rep_id: str, unit: str | None, hire: date = date(2020, 1, 1), role: str = "rep",
        valid_from: date = date(2020, 1, 1), valid_to: date = OPEN_END) -> Assignment:
    return Assignment(rep_id, f"Rep {rep_id}", unit, role, hire, valid_from, valid_to)


def booking(month: date, amount: int, rep_id: str, product_line: str | None = "P") -> Fact:
    org = {"a": ("BU1", "R1"), "b": ("BU1", "R1"), "d": ("BU1", "R1"), "c": ("BU2", "R2")}.get(rep_id, (None, None))
    return Fact(month_start=month, amount=Decimal(amount), rep_id=rep_id, business_unit_id=org[0], region_id=org[1],
                product_line=product_line)


def history(**overrides) -> History:
    h = History(
        org_units=org_units(),
        assignments=[rep("a", "R1"), rep("b", "R1"), rep("c", "R2"),
                     rep("m", "R1", role="manager")],  # managers carry no quota
        bookings=[
            booking(date(2025, 3, 1), 400, "a", "P"),
            booking(date(2025, 6, 1), 200, "a", "Q"),
            booking(date(2025, 9, 1), 200, "b", "P"),
            booking(date(2025, 12, 1), 200, "c", "Q"),
        ],
        product_lines=["P", "Q"],
    )
    for k, v in overrides.items():
        setattr(h, k, v)
    return h


FLAT = [Decimal("0.25")] * 4 + [Decimal(0)] * 8  # Jan-Apr a quarter each


def plan(levels: list[dict], **kw) -> PlanConfig:
    doc = {
        "plan_id": "T", "version": 1, "fiscal_year": 2026, "effective_from": date(2026, 1, 1),
        "target": {"amount": Decimal(1000), "currency": "CNY"}, "rounding_unit": Decimal(1),
        "levels": [*levels, {"level": "month", "method": "seasonality"}],
        "seasonality": {"method": "list", "shares": FLAT},
    }
    doc.update(kw)
    return PlanConfig.model_validate(doc)
