"""Property tests: random org trees, weights, pads and units always decompose exactly, non-negative
and deterministically (the engine also checks its invariant on every node itself)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from salesops.planning.targets.engine import (
    Assignment,
    Fact,
    History,
    OrgUnit,
    decompose,
    largest_remainder,
    round_to_unit,
)
from salesops.planning.targets.ledger import checksum, ledger_rows
from tests.targets_fixtures import plan

UNITS = [Decimal("0.01"), Decimal("1"), Decimal("1000")]
PADS = [Decimal(0), Decimal("0.01"), Decimal("0.05"), Decimal("0.1"), Decimal("0.333333")]
METHODS = ["even", "prior_year", "trailing_12m"]


@given(total_units=st.integers(0, 10**9), unit=st.sampled_from(UNITS),
       weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(lambda w: sum(w) > 0))
def test_largest_remainder_sums_exactly(total_units, unit, weights):
    total = Decimal(total_units) * unit
    exact = [Fraction(total) * w / sum(weights) for w in weights]
    out = largest_remainder(total, exact, unit)
    assert sum(out) == total
    assert all(a >= 0 and a % unit == 0 for a in out)
    assert all(abs(Fraction(a) - x) < Fraction(unit) for a, x in zip(out, exact, strict=True))


@st.composite
def companies(draw):
    n_bu = draw(st.integers(1, 3))
    units = [OrgUnit("C", "C", "company", None)]
    assignments, facts = [], []
    lines = ["P", "Q", "R"][: draw(st.integers(1, 3))]
    for b in range(n_bu):
        units.append(OrgUnit(f"B{b}", f"B{b}", "business_unit", "C"))
        for r in range(draw(st.integers(1, 2))):
            region = f"B{b}R{r}"
            units.append(OrgUnit(region, region, "region", f"B{b}"))
            for k in range(draw(st.integers(1, 4))):
                rep_id = f"{region}-{k}"
                hire = draw(st.sampled_from([date(2019, 5, 1), date(2025, 11, 3), date(2026, 1, 20)]))
                assignments.append(Assignment(rep_id, rep_id, region, "rep", hire, date(2019, 1, 1), date(9999, 12, 31)))
                for line in lines:  # every rep sells every line (prior_year never lacks history)
                    amount = Decimal(draw(st.integers(1, 10**7))) / 100
                    month = draw(st.integers(1, 12))
                    facts.append(Fact(date(2025, month, 1), amount, rep_id, f"B{b}", region, None, line))
    return History(org_units=units, assignments=assignments, bookings=facts, product_lines=lines)


@settings(max_examples=30, deadline=None)
@given(h=companies(), unit=st.sampled_from(UNITS), units_total=st.integers(1, 10**7),
       pads=st.lists(st.sampled_from(PADS), min_size=4, max_size=4),
       methods=st.lists(st.sampled_from(METHODS), min_size=4, max_size=4), ramp=st.booleans())
def test_random_plans_decompose_exactly(h, unit, units_total, pads, methods, ramp):
    levels = [{"level": lv, "method": m, "pad": p}
              for lv, m, p in zip(["business_unit", "region", "rep", "product_line"], methods, pads, strict=True)]
    p = plan(levels, target={"amount": Decimal(units_total) * unit, "currency": "CNY"}, rounding_unit=unit,
             seasonality={"method": "history", "years": 2}, roster_date=date(2026, 1, 31),
             ramp={"curve": [Decimal("0.3"), Decimal("0.6")]} if ramp else None)
    dec = decompose(p, h)
    for n in dec.nodes():
        assert n.amount >= 0 and n.amount % unit == 0
        if n.children:
            expected = round_to_unit(Fraction(n.amount) * (1 + Fraction(n.children[0].pad)), unit)
            assert sum(c.amount for c in n.children) == expected
    leaves = [n for n in dec.nodes() if not n.children]
    assert all(n.level == "month" for n in leaves)
    again = ledger_rows(decompose(p, h))
    assert checksum(ledger_rows(dec)) == checksum(again)  # deterministic
