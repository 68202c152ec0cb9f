"""Target decomposition, hand-computed on the tiny company of tests/targets_fixtures.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from salesops.planning.targets.engine import DecompositionError, OrgUnit, decompose, largest_remainder
from tests.targets_fixtures import booking, history, plan, rep

D = Decimal


def amounts(dec, level: str) -> dict[str, Decimal]:
    return {n.key: n.amount for n in dec.nodes() if n.level == level}


def node(dec, path: str):
    return next(n for n in dec.nodes() if n.path == path)


def months(n) -> list[Decimal]:
    return [c.amount for c in n.children]


# -- largest remainder ----------------------------------------------------------------------------

def test_largest_remainder_gives_leftover_units_to_largest_remainders():
    # 100 split 1:1:1 -> 33.33 each; the one leftover unit goes to the first (ties by position)
    assert largest_remainder(D(100), [Fraction(100, 3)] * 3, D(1)) == [D(34), D(33), D(33)]
    # 10 split .46/.27/.27 by 1 -> exact 4.6, 2.7, 2.7 -> floors 4,2,2 (8); 2 left -> .7, .7 first -> 4,3,3
    assert largest_remainder(D(10), [Fraction(46, 10), Fraction(27, 10), Fraction(27, 10)], D(1)) == [D(4), D(3), D(3)]
    # unit 1000: 10,000 into 1/6 + 5/6 -> 1,666.67 / 8,333.33 -> 1,000 + 8,000 + 1,000 to the .67
    assert largest_remainder(D(10000), [Fraction(10000, 6), Fraction(50000, 6)], D(1000)) == [D(2000), D(8000)]


def test_even_split_and_month_ties_are_deterministic():
    dec = decompose(plan([{"level": "business_unit"}, {"level": "rep"}]), history())
    assert amounts(dec, "business_unit") == {"BU1": D(500), "BU2": D(500)}
    assert amounts(dec, "rep") == {"a": D(250), "b": D(250), "c": D(500)}
    # a: 250 x 0.25 = 62.5 in each of Jan-Apr -> 62 each + 2 leftover units to the first two (tie)
    assert months(node(dec, "company/BU1/a")) == [D(63), D(63), D(62), D(62)] + [D(0)] * 8
    assert [c.key for c in node(dec, "company/BU1/a").children][:2] == ["2026-01", "2026-02"]
    again = decompose(plan([{"level": "business_unit"}, {"level": "rep"}]), history())
    assert [(n.path, n.amount) for n in again.nodes()] == [(n.path, n.amount) for n in dec.nodes()]


def test_prior_year_weights_and_rounding():
    # BU1 PY 800, BU2 200; 1001 -> 800.8 / 200.2 -> 800 / 200 + the leftover unit to BU1 (.8 > .2)
    dec = decompose(plan([{"level": "business_unit", "method": "prior_year"}, {"level": "rep", "method": "prior_year"}],
                         target={"amount": D(1001), "currency": "CNY"}), history())
    assert amounts(dec, "business_unit") == {"BU1": D(801), "BU2": D(200)}
    # a 600 / b 200 of 801 -> 600.75 / 200.25 -> 601 / 200
    assert amounts(dec, "rep") == {"a": D(601), "b": D(200), "c": D(200)}
    assert node(dec, "company/BU1").share == Fraction(8008, 10010)


def test_padding_over_assigns_children():
    # reps carry 10 % more than their business unit: BU1 800 x 1.1 = 880 -> a 660, b 220; BU2 220
    dec = decompose(plan([{"level": "business_unit", "method": "prior_year"},
                          {"level": "rep", "method": "prior_year", "pad": D("0.1")}]), history())
    assert amounts(dec, "rep") == {"a": D(660), "b": D(220), "c": D(220)}
    assert node(dec, "company/BU1/a").pad == D("0.1")
    # parent x (1 + pad) is rounded to the unit first: 1000 x 1.05 = 1050 -> unit 100 -> 1100 (half up)
    dec = decompose(plan([{"level": "business_unit", "pad": D("0.05")}, {"level": "rep"}],
                         rounding_unit=D(100)), history())
    assert sum(amounts(dec, "business_unit").values()) == D(1100)
    assert amounts(dec, "business_unit") == {"BU1": D(600), "BU2": D(500)}  # 550/550 -> 5+5 units, 1 left to BU1


def test_company_target_as_growth_on_prior_year():
    # FY2025 company bookings 1000 x 1.155 = 1155 -> unit 10 -> 1160 (half up); International-style
    # override by node *name*: Unit two exactly +50 % = 300, Unit one the other 860
    dec = decompose(plan([{"level": "business_unit", "method": "prior_year",
                           "growth": {"nodes": {"Unit two": {"floor": D("0.5"), "cap": D("0.5")}}}}],
                         target={"growth": D("0.155"), "currency": "CNY"}, rounding_unit=D(10)), history())
    assert dec.root.amount == D(1160)
    assert amounts(dec, "business_unit") == {"BU1": D(860), "BU2": D(300)}
    with pytest.raises(DecompositionError, match="no bookings in FY2025 to grow from"):
        decompose(plan([{"level": "business_unit"}], target={"growth": D("0.1"), "currency": "CNY"}), history(bookings=[]))


def test_fixed_amounts_and_remainder_by_weight():
    h = history()
    h.assignments.append(rep("d", "R1"))
    h.bookings.append(booking(date(2025, 5, 1), 200, "d", "P"))
    # BU2 fixed 300 -> BU1 the remaining 700; in BU1 b fixed 100 -> a:d = 600:200 of 600 -> 450 / 150
    dec = decompose(plan([{"level": "business_unit", "method": "prior_year", "fixed": {"BU2": D(300)}},
                          {"level": "rep", "method": "prior_year", "fixed": {"b": D(100)}}]), h)
    assert amounts(dec, "business_unit") == {"BU1": D(700), "BU2": D(300)}
    assert amounts(dec, "rep") == {"a": D(450), "b": D(100), "d": D(150), "c": D(300)}
    assert node(dec, "company/BU1/b").method == "fixed"
    assert node(dec, "company/BU1/a").method == "prior_year"


def test_ramp_reduces_the_new_hire_and_holds_the_rest_at_the_parent():
    h = history()
    h.assignments.append(rep("d", "R1", hire=date(2026, 2, 15), valid_from=date(2026, 2, 15)))
    # roster on 2026-03-01: a, b, c, d; even 250 each. d: Jan tenure 0 -> 0, Feb tenure 1 -> 0.5, then 1
    # phi = 0.25 x (0 + 0.5 + 1 + 1) = 0.625 -> 156.25; hold 93.75 -> floors 156 / 93, the leftover unit
    # goes to the hold (.75 > .25)
    dec = decompose(plan([{"level": "rep"}], roster_date=date(2026, 3, 1), ramp={"curve": [D("0.5")]}), h)
    assert amounts(dec, "rep") == {"a": D(250), "b": D(250), "c": D(250), "d": D(156), "ramp_hold": D(94)}
    d = node(dec, "company/d")
    assert d.ramp_factor == Fraction(5, 8)
    # d's months by s_m x f_m = 0, .125, .25, .25 of 156 -> 0, 31.2, 62.4, 62.4 -> 31, 63, 62 (tie -> March)
    assert months(d)[:4] == [D(0), D(31), D(63), D(62)]
    assert [c.ramp_factor for c in d.children][:4] == [0, Fraction(1, 2), 1, 1]
    hold = node(dec, "company/ramp_hold")
    assert hold.method == "ramp_hold" and hold.rep_id is None
    # held 62.5 in Jan and 31.25 in Feb -> 94 x 2/3, 1/3 = 62.67, 31.33 -> 63, 31
    assert months(hold)[:3] == [D(63), D(31), D(0)]
    assert {c.method for c in hold.children} == {"ramp_hold"} and hold.children[0].level == "month"


def test_growth_cap_and_floor_versus_prior_year():
    # even gives 500/500; BU2 (PY 200) is capped at +25 % = 250, BU1 takes the other 750 (>= 800 x 0.9 floor)
    dec = decompose(plan([{"level": "business_unit", "growth": {"floor": D("-0.1"), "cap": D("0.25")}},
                          {"level": "rep"}]), history())
    assert amounts(dec, "business_unit") == {"BU1": D(750), "BU2": D(250)}
    assert node(dec, "company/BU2").method == "even+cap"
    # a per-node floor: BU2 at least +100 % -> 400, BU1 600
    dec = decompose(plan([{"level": "business_unit", "method": "prior_year",
                           "growth": {"nodes": {"BU2": {"floor": D(1)}}}}, {"level": "rep"}]), history())
    assert amounts(dec, "business_unit") == {"BU1": D(600), "BU2": D(400)}


def test_seasonality_from_history_averages_yearly_shares():
    h = history()
    h.bookings.append(booking(date(2024, 1, 1), 100, "a"))  # FY2024: all in January
    # FY2025 shares Mar .4 Jun .2 Sep .2 Dec .2; FY2024 Jan 1 -> average Jan .5 Mar .2 Jun/Sep/Dec .1
    dec = decompose(plan([{"level": "business_unit"}], seasonality={"method": "history", "years": 3}), h)
    assert dec.seasonality[0] == Fraction(1, 2) and dec.seasonality[2] == Fraction(1, 5)
    bu1 = node(dec, "company/BU1")
    assert months(bu1) == [D(250), 0, D(100), 0, 0, D(50), 0, 0, D(50), 0, 0, D(50)]
    assert all(c.method == "seasonality" for c in bu1.children)


def test_trailing_12m_pipeline_and_potential_weights():
    h = history()
    h.bookings.append(booking(date(2026, 2, 1), 300, "c", "Q"))
    # cutoff 2026-07-01 -> Jul 2025..Jun 2026: a 0, b 200 (Sep), c 200 (Dec) + 300 (Feb) = 500
    dec = decompose(plan([{"level": "rep", "method": "trailing_12m"}], target={"amount": D(700), "currency": "CNY"},
                         history_cutoff=date(2026, 7, 1)), h)
    assert amounts(dec, "rep") == {"a": D(0), "b": D(200), "c": D(500)}
    h = history(pipeline=[booking(date(2026, 1, 1), 100, "a"), booking(date(2026, 1, 1), 300, "c")],
                potential_by_rep={"a": D(100), "b": D(300), "c": D(600)},
                potential_csv={("product_line", "P"): D(3), ("product_line", "Q"): D(1)})
    dec = decompose(plan([{"level": "business_unit", "method": "pipeline"}]), h)
    assert amounts(dec, "business_unit") == {"BU1": D(250), "BU2": D(750)}
    # account potential of the reps below: BU1 = a + b = 400, BU2 = 600; CSV potential by product line 3:1
    dec = decompose(plan([{"level": "business_unit", "method": "potential"}, {"level": "rep", "method": "prior_year"},
                          {"level": "product_line", "method": "potential", "potential": {"source": "csv", "file": "x.csv"}}]), h)
    assert amounts(dec, "business_unit") == {"BU1": D(400), "BU2": D(600)}
    assert {n.key: n.amount for n in node(dec, "company/BU1/a").children} == {"P": D(225), "Q": D(75)}


def test_blend_mixes_shares():
    # 0.5 x PY share (.8 / .2) + 0.5 x even (.5 / .5) = .65 / .35
    dec = decompose(plan([{"level": "business_unit", "method": "blend", "blend": {"prior_year": D("0.5"), "even": D("0.5")}}]),
                    history())
    assert amounts(dec, "business_unit") == {"BU1": D(650), "BU2": D(350)}


def test_ledger_levels_and_leaves():
    from salesops.planning.targets.ledger import LEDGER_COLUMNS, ledger_rows

    dec = decompose(plan([{"level": "business_unit"}, {"level": "rep"}, {"level": "product_line"}]), history())
    rows = ledger_rows(dec)
    assert all(list(r) == list(LEDGER_COLUMNS) for r in rows)
    leaves = [r for r in rows if r["level"] == "month"]
    assert len(leaves) == 3 * 2 * 12  # rep x product line x month
    assert sum(r["target_amount"] for r in leaves) == D(1000)
    leaf = next(r for r in leaves if r["node_path"] == "company/BU1/a/P/2026-01")
    assert leaf["target_id"] == "T:1:company/BU1/a/P/2026-01:P:2026-01-01"
    assert leaf["parent_target_id"] == "T:1:company/BU1/a/P:P:"
    assert leaf["rep_id"] == "a" and leaf["product_line"] == "P" and leaf["org_unit_id"] is None
    top = rows[0]
    assert top["level"] == "company" and top["parent_target_id"] is None and top["org_unit_id"] == "C"


# -- bad input: clear errors naming the node -------------------------------------------------------

def test_prior_year_node_without_history_is_named():
    h = history()
    h.assignments.append(rep("d", "R1"))
    with pytest.raises(DecompositionError, match=r"company/BU1/d \(Rep d\) has no prior-year bookings"):
        decompose(plan([{"level": "business_unit"}, {"level": "rep", "method": "prior_year"}]), h)


def test_weights_summing_to_zero():
    with pytest.raises(DecompositionError, match=r"weights \(trailing_12m\) of the children of company .* sum to zero"):
        decompose(plan([{"level": "business_unit", "method": "trailing_12m"}], history_cutoff=date(2024, 1, 1)), history())


def test_rep_without_org_unit_is_named():
    h = history()
    h.assignments.append(rep("x", None))
    with pytest.raises(DecompositionError, match=r"rep x \(Rep x\) has no org unit"):
        decompose(plan([{"level": "rep"}]), h)
    h = history()
    h.assignments.append(rep("y", "BU1"))  # placed on a business unit, but the plan has a region level
    with pytest.raises(DecompositionError, match=r"rep y .* has no region above it"):
        decompose(plan([{"level": "region"}, {"level": "rep"}]), h)


def test_hierarchy_cycle_is_named():
    units = [u for u in history().org_units if u.org_unit_id not in ("BU1",)] + [OrgUnit("BU1", "Unit one", "business_unit", "R1")]
    with pytest.raises(DecompositionError, match=r"cycle: .*BU1 -> R1 -> BU1|cycle: .*R1 -> BU1 -> R1"):
        decompose(plan([{"level": "rep"}]), history(org_units=units))


def test_fixed_amounts_errors():
    with pytest.raises(DecompositionError, match=r"no node \['BU9'\] at level business_unit"):
        decompose(plan([{"level": "business_unit", "fixed": {"BU9": D(10)}}]), history())
    with pytest.raises(DecompositionError, match=r"fixed amounts under company .* sum to 1200, more than its 1000"):
        decompose(plan([{"level": "business_unit", "fixed": {"BU1": D(1200)}}]), history())
    with pytest.raises(DecompositionError, match=r"growth.nodes: no node \['BU7'\] at level business_unit"):
        decompose(plan([{"level": "business_unit", "growth": {"nodes": {"BU7": {"cap": D(1)}}}}]), history())
