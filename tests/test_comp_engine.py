"""Compensation engine on plain data, every expectation computed by hand (in the comments).

Conventions of these tests unless a test says otherwise: plan currency CNY, one
payee P1 on the plan all year, annual target incentive (TI) 120,000 (10,000 a
month), quota 10,000 a month. Money is rounded half-up to the cent only on
earned_ytd, clawback lines and draws (docs/compensation.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from salesops.compensation.engine import Assignment, Credit, Quota, calculate, checksum
from salesops.compensation.plans import parse_plan

LINEAR = [{"attainment": "0", "payout": "0"}, {"attainment": "1", "payout": "1"}, {"attainment": "3", "payout": "3"}]


def make_plan(components, **extra):
    data = {
        "plan_id": "T", "currency": "CNY", "effective_from": "2026-01-01", "effective_to": "2026-12-31",
        "target_incentive": {"amount": "120000"}, "components": components, "fx_rates": {"USD": "7.10"},
    }
    data.update(extra)
    return {"T": parse_plan(data)}


def comp(name="bookings", weight="1", **rule):
    return {"component": name, "measure": "bookings", "weight": weight, **rule}


def tiers(mode):
    # [0, 50 %) at 1 %, [50 %, 100 %) at 2 %, 100 % and above at 3 %
    return {"rate_table": {"mode": mode, "tiers": [
        {"from": "0", "to": "0.5", "rate": "0.01"},
        {"from": "0.5", "to": "1.0", "rate": "0.02"},
        {"from": "1.0", "to": None, "rate": "0.03"}]}}


def assign(payee="P1", start=date(2026, 1, 1), end=None, ti="120000", hire=None, plan="T"):
    return Assignment(payee, plan, start, end, D(ti), hire)


_n = iter(range(1, 10**6))


def credit(amount, day, payee="P1", component="bookings", cancels=None, cid=None, currency="CNY", **kw):
    return Credit(cid or f"C{next(_n)}", payee, component, day, D(str(amount)), currency, cancels_credit_id=cancels,
                  source_id=cid or f"S{next(_n)}", **kw)


def quotas(months, amount="10000", payee="P1", component="bookings", currency="CNY"):
    return [Quota(payee, f"2026-{m:02d}", component, D(amount), currency) for m in months]


def rows_of(result, component="bookings", payee="P1"):
    assert result.ok, result.exceptions
    return {r["period"]: r for r in result.payouts if r["component"] == component and r["payee_id"] == payee}


def one(result, period="2026-01", **kw):
    return rows_of(result, **kw)[period]


# --- rate tables: retro vs marginal around each boundary ----------------------------------


@pytest.mark.parametrize(("credited", "retro", "marginal"), [
    # quota 100,000 (one month); tiers at 50 % and 100 %
    ("49999", "499.99", "499.99"),      # 49,999 x 1 %                         | same
    ("50000", "1000.00", "500.00"),     # retro: 50,000 x 2 % (tier 2 reached)  | marginal: 50,000 x 1 %
    ("50001", "1000.02", "500.02"),     # 50,001 x 2 % = 1000.02                | 500 + 1 x 2 %
    ("99999", "1999.98", "1499.98"),    # 99,999 x 2 %                          | 500 + 49,999 x 2 % = 500 + 999.98
    ("100000", "3000.00", "1500.00"),   # 100,000 x 3 %                         | 500 + 1,000
    ("100001", "3000.03", "1500.03"),   # 100,001 x 3 % = 3000.03               | 1,500 + 1 x 3 %
])
def test_retro_and_marginal_tiers_at_each_boundary(credited, retro, marginal):
    for mode, expected in (("retro", retro), ("marginal", marginal)):
        res = calculate(make_plan([comp(**tiers(mode))]), [assign()], [credit(credited, date(2026, 1, 15))],
                        quotas([1], "100000"))
        row = one(res)
        assert row["earned"] == D(expected), (mode, credited)
        assert row["net_payable"] == D(expected)


# --- pay curve, accelerator, decelerator, cap, threshold, gate -------------------------------

CURVE = [{"attainment": "0", "payout": "0"}, {"attainment": "0.5", "payout": "0.3"},
         {"attainment": "1.0", "payout": "1.0"}, {"attainment": "1.5", "payout": "1.5"}]


@pytest.mark.parametrize(("credited", "extra", "expected"), [
    # TI for January 10,000; quota 100,000
    ("25000", {}, "1500.00"),    # a = 0.25: 0.3 x 0.25/0.5 = 0.15 -> 1,500
    ("75000", {}, "6500.00"),    # a = 0.75: 0.3 + 0.7 x 0.25/0.5 = 0.65 -> 6,500
    ("100000", {}, "10000.00"),  # a = 1.0: 1.0
    ("180000", {}, "18000.00"),  # a = 1.8: past the last point the last slope (1.0) goes on: 1.5 + 0.3 = 1.8
    ("120000", {"accelerators": [{"above": "1.0", "multiplier": "2"}]}, "14000.00"),   # 1.0 + 2 x (1.2 - 1.0) = 1.4
    ("120000", {"accelerators": [{"above": "1.0", "multiplier": "0.5"}]}, "11000.00"),  # 1.0 + 0.5 x 0.2 = 1.1
    ("120000", {"accelerators": [{"above": "1.0", "multiplier": "2"}], "cap": {"factor": "1.3"}}, "13000.00"),  # 1.4 capped at 1.3
    ("120000", {"cap": {"amount": "11111.11"}}, "11111.11"),  # 12,000 capped by amount
    ("25000", {"threshold": "0.3"}, "0.00"),    # 25 % < 30 % threshold
    ("30000", {"threshold": "0.3"}, "1800.00"),  # a = 0.3 reaches it: 0.3 x 0.3/0.5 = 0.18 -> 1,800
])
def test_interpolated_curve_accelerators_cap_threshold(credited, extra, expected):
    res = calculate(make_plan([comp(pay_curve=CURVE, **extra)]), [assign()], [credit(credited, date(2026, 1, 20))],
                    quotas([1], "100000"))
    assert one(res)["earned"] == D(expected)


def test_gate_opens_when_the_other_component_reaches_its_attainment():
    plan = make_plan([
        comp("bookings", "0.6", pay_curve=LINEAR, gate={"component": "revenue", "min_attainment": "0.5"}),
        {"component": "revenue", "measure": "invoiced_revenue", "weight": "0.4", "pay_curve": LINEAR},
    ])
    q = quotas([1, 2], "1000") + quotas([1, 2], "1000", component="revenue")
    cr = [credit(800, date(2026, 1, 5)), credit(400, date(2026, 1, 6), component="revenue"),
          credit(800, date(2026, 2, 6), component="revenue")]
    res = calculate(plan, [assign()], cr, q)
    b, r = rows_of(res), rows_of(res, "revenue")
    # Jan: bookings 800/1000 = 0.8 but revenue 400/1000 = 0.4 < 0.5: gate shut -> 0
    #      revenue: 10,000 x 0.4 x 0.4 = 1,600
    assert (b["2026-01"]["earned"], r["2026-01"]["earned"]) == (D("0.00"), D("1600.00"))
    # Feb: TI YTD 20,000; bookings 800/2000 = 0.4; revenue 1200/2000 = 0.6 opens the gate
    #      bookings YTD 20,000 x 0.6 x 0.4 = 4,800, paid before 0 -> 4,800
    #      revenue YTD 20,000 x 0.4 x 0.6 = 4,800, paid before 1,600 -> 3,200
    assert (b["2026-02"]["earned"], r["2026-02"]["earned"]) == (D("4800.00"), D("3200.00"))
    assert b["2026-02"]["attainment"] == D("0.400000") and r["2026-02"]["paid_before"] == D("1600.00")


# --- YTD true-up ------------------------------------------------------------------------


def test_ytd_true_up_over_three_periods():
    curve = [{"attainment": "0", "payout": "0"}, {"attainment": "1", "payout": "1"}, {"attainment": "1.5", "payout": "2"}]
    cr = [credit(12000, date(2026, 1, 10)), credit(18000, date(2026, 3, 10))]
    rows = rows_of(calculate(make_plan([comp(pay_curve=curve)]), [assign()], cr, quotas([1, 2, 3])))
    # Jan: 12,000/10,000 = 1.2 -> 1 + 0.2/0.5 x 1 = 1.4 -> 10,000 x 1.4 = 14,000
    # Feb: 12,000/20,000 = 0.6 -> 0.6 x 20,000 = 12,000; paid 14,000 -> -2,000
    # Mar: 30,000/30,000 = 1.0 -> 30,000; paid 12,000 -> 18,000
    assert [rows[p]["earned"] for p in ("2026-01", "2026-02", "2026-03")] == [D("14000.00"), D("-2000.00"), D("18000.00")]
    assert [rows[p]["paid_before"] for p in ("2026-01", "2026-02", "2026-03")] == [D("0.00"), D("14000.00"), D("12000.00")]
    assert rows["2026-03"]["earned_ytd"] == D("30000.00") == sum(rows[p]["earned"] for p in rows)


def test_quarterly_pays_at_quarter_end_with_ytd_true_up():
    cr = [credit(5000, date(2026, 1, 10)), credit(10000, date(2026, 2, 10)), credit(15000, date(2026, 4, 10))]
    rows = rows_of(calculate(make_plan([comp(pay_curve=LINEAR)], payout_frequency="quarterly"), [assign()], cr,
                             quotas(range(1, 5))))
    # linear curve with TI/month = quota/month: earned YTD = credited YTD
    # Jan, Feb: nothing paid (earned_ytd 5,000 and 15,000 shown); Mar: 15,000; Apr: 30,000 YTD but no payout yet
    assert [rows[p]["earned"] for p in ("2026-01", "2026-02", "2026-03", "2026-04")] == [D(0), D(0), D("15000.00"), D(0)]
    assert rows["2026-02"]["earned_ytd"] == D("15000.00") and rows["2026-04"]["paid_before"] == D("15000.00")


# --- draws ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "draws", "balances"), [
    # monthly pay (= credited, linear curve) 1,000 / 2,000 / 6,000 / 10,000 / 2,000; guarantee 5,000 for 2 months
    # recoverable: Jan +4,000 (bal 4,000), Feb +3,000 (7,000), Mar recover min(7,000, 50 % x 6,000) = -3,000 (4,000),
    #              Apr recover min(4,000, 5,000) = -4,000 (0), May nothing
    ("recoverable", ["4000.00", "3000.00", "-3000.00", "-4000.00", "0"], ["4000.00", "7000.00", "4000.00", "0.00", "0.00"]),
    # non-recoverable: the same draws, never recovered, no balance
    ("non_recoverable", ["4000.00", "3000.00", "0", "0", "0"], ["0", "0", "0", "0", "0"]),
])
def test_draws_over_several_periods(kind, draws, balances):
    plan = make_plan([comp(pay_curve=LINEAR)], draws=[
        {"type": kind, "amount": "5000", "months": 2, "new_hires_only": True, "recovery_share": "0.5"}])
    cr = [credit(a, date(2026, m, 10)) for m, a in zip(range(1, 6), (1000, 2000, 6000, 10000, 2000), strict=True)]
    rows = rows_of(calculate(plan, [assign(hire=date(2026, 1, 1))], cr, quotas(range(1, 6))))
    periods = [f"2026-0{m}" for m in range(1, 6)]
    assert [rows[p]["draw"] for p in periods] == [D(x) for x in draws]
    assert [rows[p]["draw_balance"] for p in periods] == [D(x) for x in balances]
    if kind == "recoverable":  # net: 5,000 / 5,000 / 3,000 / 6,000 / 2,000
        assert [rows[p]["net_payable"] for p in periods] == [D(x) for x in ("5000.00", "5000.00", "3000.00", "6000.00", "2000.00")]


def test_draw_only_for_new_hires():
    plan = make_plan([comp(pay_curve=LINEAR)], draws=[{"type": "recoverable", "amount": "5000", "months": 2}])
    res = calculate(plan, [assign(hire=date(2025, 3, 1))], [credit(1000, date(2026, 1, 10))], quotas([1]))
    assert one(res)["draw"] == 0  # hired before the plan year


# --- proration ----------------------------------------------------------------------------------


def test_mid_month_hire_prorates_ti_quota_and_draw_by_days():
    plan = make_plan([comp(pay_curve=LINEAR)], draws=[{"type": "non_recoverable", "amount": "5000", "months": 1}])
    res = calculate(plan, [assign(start=date(2026, 4, 16), hire=date(2026, 4, 16))],
                    [credit(2000, date(2026, 4, 20))], quotas([4, 5]))
    rows = rows_of(res)
    # April: 15 of 30 days -> TI 10,000 x 15/30 = 5,000, quota 10,000 x 15/30 = 5,000
    #        attainment 2,000/5,000 = 0.4 -> 5,000 x 0.4 = 2,000; draw 5,000 x 15/30 = 2,500 - 2,000 = 500
    apr = rows["2026-04"]
    assert (apr["quota_ytd"], apr["attainment"], apr["earned"], apr["draw"]) == (D("5000.00"), D("0.400000"), D("2000.00"), D("500.00"))
    # May: TI YTD 15,000, quota YTD 15,000, 2,000/15,000 -> 15,000 x 2/15 = 2,000 YTD: nothing more
    assert (rows["2026-05"]["earned"], rows["2026-05"]["draw"]) == (D("0.00"), D(0))
    assert "2026-03" not in rows


def test_leaver_and_plan_change_prorate_by_days():
    plans = {**make_plan([comp(pay_curve=LINEAR)]),
             **{"U": parse_plan({"plan_id": "U", "currency": "CNY", "effective_from": "2026-01-01",
                                 "effective_to": "2026-12-31", "target_incentive": {"amount": "240000"},
                                 "components": [comp("team", pay_curve=LINEAR)]})}}
    # T until 10 June (10/30 of June), U from 11 June (20/30)
    asg = [assign(end=date(2026, 6, 10)), assign(start=date(2026, 6, 11), ti="240000", plan="U")]
    q = quotas(range(1, 7)) + quotas([6], component="team")
    cr = [credit(3000, date(2026, 6, 5)), credit(4000, date(2026, 6, 20), component="team")]
    res = calculate(plans, asg, cr, q, through_period="2026-06")
    t, u = one(res, "2026-06"), one(res, "2026-06", component="team")
    # T: Jan-May 5 x 10,000 + June 10,000 x 10/30 -> quota YTD = TI YTD = 53,333.33..;
    #    3,000 / 53,333.33.. = 0.05625 -> 53,333.33.. x 0.05625 = 3,000 (nothing earned before)
    assert t["plan_id"] == "T" and t["quota_ytd"] == D("53333.33") and t["earned"] == D("3000.00")
    # U: TI 20,000 x 20/30 = 13,333.33.., quota 10,000 x 20/30 = 6,666.67; 4,000/6,666.67 = 0.6 -> 8,000
    assert u["plan_id"] == "U" and u["quota_ytd"] == D("6666.67") and u["earned"] == D("8000.00")


# --- clawbacks, close, prior-period adjustments ------------------------------------------------

RETRO_2_4 = {"rate_table": {"mode": "retro", "tiers": [{"from": "0", "to": "1", "rate": "0.02"},
                                                       {"from": "1", "to": None, "rate": "0.04"}]}}


def test_clawback_after_close_in_the_cancellation_period_at_the_original_rate():
    plan = make_plan([comp(**RETRO_2_4)], clawback_window_days=90)
    a = credit(12000, date(2026, 1, 20), cid="A")
    jan = calculate(plan, [assign()], [a], quotas([1]))
    closed = [r for r in jan.payouts if r["period"] == "2026-01"]
    # Jan: 12,000/10,000 = 1.2 -> retro 4 % -> 480
    assert closed[0]["earned"] == D("480.00")
    before = checksum(closed)
    cr = [a, credit(-12000, date(2026, 2, 10), cancels="A", cid="A-cancel"), credit(5000, date(2026, 2, 12))]
    res = calculate(plan, [assign()], cr, quotas([1, 2]), closed_payouts=closed)
    rows = rows_of(res)
    assert checksum([rows["2026-01"]]) == before  # the closed period did not change
    feb = rows["2026-02"]
    # Feb: credits net 5,000 - 12,000 = -7,000; YTD 5,000/20,000 = 0.25 -> 2 % -> 100 earned YTD
    # clawback of A at its original rate 480/12,000 = 4 %: -480.00, booked in February
    # earned = 100 - 480 (paid before) - (-480) = 100 ; net = 100 - 480 = -380 ; Jan + Feb = 100 = 2 % x 5,000
    assert (feb["credited"], feb["credited_ytd"], feb["earned_ytd"]) == (D("-7000.00"), D("5000.00"), D("100.00"))
    assert (feb["clawback"], feb["earned"], feb["net_payable"]) == (D("-480.00"), D("100.00"), D("-380.00"))
    assert res.adjustments == []


def test_cancellation_outside_the_window_is_not_clawed_back():
    plan = make_plan([comp(**RETRO_2_4)], clawback_window_days=30)
    cr = [credit(12000, date(2026, 1, 5), cid="A"), credit(-12000, date(2026, 2, 10), cancels="A")]  # 36 days
    res = calculate(plan, [assign()], cr, quotas([1, 2]))
    feb = one(res, "2026-02")
    # not netted, not clawed back: YTD 12,000/20,000 = 0.6 -> 2 % = 240; paid 480 -> -240 (the true-up only)
    assert (feb["clawback"], feb["earned"]) == (D(0), D("-240.00"))
    assert any("outside" in w for w in res.warnings)


def test_clawback_of_last_years_deal_is_booked_this_year_at_last_years_rate():
    plans = make_plan([comp(**RETRO_2_4)], clawback_window_days=90, effective_from="2025-01-01")
    cr = [credit(12000, date(2025, 12, 20), cid="A"), credit(-6000, date(2026, 1, 10), cancels="A")]  # partial return
    res = calculate(plans, [assign(start=date(2025, 12, 1))], cr, [Quota("P1", "2025-12", "bookings", D(10000), "CNY"),
                                                                  *quotas([1])])
    jan = one(res, "2026-01")
    # Dec 2025: 12,000/10,000 -> 4 % = 480. Jan 2026: a new year, the return is not netted into 2026;
    # clawback 6,000 x 4 % = -240 ; earned 0 (nothing credited in 2026)
    assert (jan["clawback"], jan["earned"], jan["net_payable"]) == (D("-240.00"), D("0.00"), D("-240.00"))


def test_rate_change_after_close_gives_a_prior_period_adjustment_and_leaves_the_closed_period_alone():
    flat = lambda rate: make_plan([comp(rate_table={"mode": "retro", "tiers": [{"from": "0", "to": None, "rate": rate}]})])  # noqa: E731
    cr = [credit(10000, date(2026, 1, 10))]
    jan = calculate(flat("0.02"), [assign()], cr, quotas([1]))
    closed = jan.payouts  # Jan: 10,000 x 2 % = 200, closed
    stored = checksum(closed)
    cr.append(credit(10000, date(2026, 2, 10)))
    res = calculate(flat("0.03"), [assign()], cr, quotas([1, 2]), closed_payouts=closed)
    rows = rows_of(res)
    assert checksum([r for r in res.payouts if r["period"] == "2026-01"]) == stored
    assert rows["2026-01"]["earned"] == D("200.00")
    # recalculated January: 10,000 x 3 % = 300 -> adjustment +100 booked in February (the first open period)
    [adj] = res.adjustments
    assert (adj["period"], adj["corrects_period"], adj["corrects_payout_id"], adj["amount"]) == (
        "2026-02", "2026-01", "P1:2026-01:bookings", D("100.00"))
    feb = rows["2026-02"]
    # February: YTD 20,000 x 3 % = 600, paid before (recalculated) 300 -> 300; + adjustment 100 = 400
    assert (feb["earned"], feb["adjustment"], feb["net_payable"]) == (D("300.00"), D("100.00"), D("400.00"))
    # Jan paid 200 + Feb 400 = 600 = the year's earned YTD
    # closing February too, a rerun books nothing again (the adjustment is remembered)
    res2 = calculate(flat("0.03"), [assign()], cr, quotas([1, 2, 3]), closed_payouts=res.payouts,
                     closed_adjustments=res.adjustments)
    assert res2.adjustments == [] and rows_of(res2)["2026-03"]["adjustment"] == 0


def test_late_credit_in_a_closed_period_is_adjusted_in_the_open_period():
    plan = make_plan([comp(pay_curve=LINEAR)])
    jan = calculate(plan, [assign()], [credit(1000, date(2026, 1, 10))], quotas([1]))
    res = calculate(plan, [assign()], [credit(1000, date(2026, 1, 10)), credit(500, date(2026, 1, 31))], quotas([1, 2]),
                    closed_payouts=jan.payouts)
    # Jan recalculated 1,500 vs closed 1,000 -> +500 in February
    assert [(a["period"], a["amount"]) for a in res.adjustments] == [("2026-02", D("500.00"))]
    assert one(res, "2026-01") == jan.payouts[0]


# --- SPIF -----------------------------------------------------------------------------------------


def test_spif_pays_a_fixed_amount_per_qualifying_deal():
    plan = make_plan([comp(**RETRO_2_4)], spifs=[{"spif_id": "big", "component": "bookings", "measure": "bookings",
                                                  "amount": "2000", "min_credit": "5000"}])
    cr = [credit(6000, date(2026, 1, 5), measure="bookings"), credit(4000, date(2026, 1, 6), measure="bookings")]
    # 10,000/10,000 -> 4 % = 400 + one deal of 5,000 or more: 2,000 -> 2,400
    assert one(calculate(plan, [assign()], cr, quotas([1])))["earned"] == D("2400.00")


# --- bad input: an exception list and no payouts ---------------------------------------------------


def _bad(plan, asg, cr, q):
    res = calculate(plan, asg, cr, q)
    held = res.held_payees  # the payee of the exception gets nothing; nobody else is involved here
    assert not [r for r in res.payouts if r["payee_id"] in held] and res.adjustments == [] and not res.ok
    return {e.rule for e in res.exceptions}, res


def test_payee_without_plan():
    rules, res = _bad(make_plan([comp(pay_curve=LINEAR)]), [assign()], [credit(100, date(2026, 1, 5), payee="P9")], quotas([1]))
    assert rules == {"payee_without_plan"} and "P9" in str(res.exceptions[0])


def test_zero_quota():
    rules, res = _bad(make_plan([comp(pay_curve=LINEAR)]), [assign()], [credit(100, date(2026, 1, 5))], quotas([1], "0"))
    assert rules == {"zero_quota"} and "2026-01" in str(res.exceptions[0])
    # no quota yet and nothing credited (e.g. a new hire's first month): earns 0, a warning, not an exception
    ok = calculate(make_plan([comp(pay_curve=LINEAR)]), [assign()], [credit(100, date(2026, 2, 5))], quotas([2]))
    assert ok.ok and one(ok)["attainment"] is None and one(ok)["earned"] == 0
    # Feb: quota YTD 10,000 (none in Jan), attainment 100/10,000 = 0.01; TI accrues from the assignment start:
    # TI YTD 20,000 x 0.01 = 200
    assert one(ok, "2026-02")["earned"] == D("200.00")
    assert any("2026-01 bookings: quota YTD is 0" in w for w in ok.warnings)


def test_unknown_currency():
    plan = make_plan([comp(pay_curve=LINEAR)])
    assert _bad(plan, [assign()], [credit(100, date(2026, 1, 5), currency="USD")], quotas([1]))[0] == {"unknown_currency"}
    assert _bad(plan, [assign()], [credit(100, date(2026, 1, 5))], quotas([1], currency="EUR"))[0] == {"unknown_currency"}
    # a quota in USD converts at the plan rate 7.10: 1,000 USD = 7,100 CNY
    ok = calculate(plan, [assign()], [credit(7100, date(2026, 1, 5))], quotas([1], "1000", currency="USD"))
    assert one(ok)["attainment"] == D("1.000000")


def test_split_not_100_percent():
    plan = make_plan([comp(pay_curve=LINEAR)])
    cr = [credit(700, date(2026, 1, 5), cid="x1", source_type="opportunity", measure="bookings", credit_type="split",
                 split_share=D("0.7")),
          Credit("x2", "P2", "bookings", date(2026, 1, 5), D(200), "CNY", measure="bookings", credit_type="split",
                 source_type="opportunity", source_id="x1", split_share=D("0.2"))]
    # 0.7 + 0.2 = 0.9: the missing 10 % may be credited to a payee on another kind of plan -> a warning only
    ok = calculate(plan, [assign(), assign("P2")], cr, quotas([1]) + quotas([1], payee="P2"))
    assert ok.ok and any("sum to 0.9" in w for w in ok.warnings)
    # 0.7 + 0.5 = 1.2: more than 100 % credited -> exception
    cr[1] = Credit("x2", "P2", "bookings", date(2026, 1, 5), D(500), "CNY", measure="bookings", credit_type="split",
                   source_type="opportunity", source_id="x1", split_share=D("0.5"))
    rules, res = _bad(plan, [assign(), assign("P2")], cr, quotas([1]) + quotas([1], payee="P2"))
    assert rules == {"split_not_100"} and "sum to 1.2" in str(res.exceptions[0])


def test_overlapping_plan_assignment():
    rules, _ = _bad(make_plan([comp(pay_curve=LINEAR)]), [assign(end=date(2026, 6, 30)), assign(start=date(2026, 6, 1))],
                    [credit(100, date(2026, 1, 5))], quotas([1]))
    assert "overlapping_assignment" in rules


def test_clawback_of_unknown_credit():
    rules, _ = _bad(make_plan([comp(pay_curve=LINEAR)]), [assign()], [credit(-100, date(2026, 1, 5), cancels="nope")], quotas([1]))
    assert rules == {"unknown_cancelled_credit"}


# --- determinism and size ----------------------------------------------------------------------------


def test_same_input_same_output_and_checksum():
    plan = make_plan([comp(pay_curve=CURVE)])
    cr = [credit(1234.56, date(2026, m, 3)) for m in range(1, 13)]
    a = calculate(plan, [assign()], cr, quotas(range(1, 13)))
    b = calculate(plan, [assign()], list(reversed(cr)), quotas(range(1, 13)))
    assert checksum(a.payouts) == checksum(b.payouts)
    # year: 14,814.72 / 120,000 = 0.123456 -> 0.3 x 0.123456/0.5 = 0.0740736 -> 120,000 x = 8,888.832 -> 8,888.83
    assert sum(r["earned"] for r in a.payouts) == D("8888.83")


def test_quotas_outside_the_assignment_are_reported_not_used():
    res = calculate(make_plan([comp(pay_curve=LINEAR)]), [assign(end=date(2026, 1, 31))], [credit(100, date(2026, 1, 5))],
                    quotas([1, 2]) + quotas([1], payee="P7"))
    assert res.ok and len(res.payouts) == 1
    assert sorted(w.split(":")[0] for w in res.warnings if "quota row" in w) == ["payee P1", "payee P7"]


def test_fiscal_year_starting_in_april_resets_the_ytd():
    plan = make_plan([comp(pay_curve=LINEAR)], effective_from="2025-04-01", effective_to="2027-03-31")
    cr = [credit(5000, date(2026, 3, 10)), credit(2000, date(2026, 4, 10))]
    q = [Quota("P1", p, "bookings", D(10000), "CNY") for p in ("2026-03", "2026-04")]
    res = calculate(plan, [assign(start=date(2026, 3, 1))], cr, q, fiscal_year_start_month=4)
    rows = rows_of(res)
    # March (last month of FY2026): 5,000/10,000 x 10,000 = 5,000. April starts FY2027: YTD only April, 2,000
    assert (rows["2026-03"]["earned"], rows["2026-04"]["earned"]) == (D("5000.00"), D("2000.00"))
    assert (rows["2026-04"]["credited_ytd"], rows["2026-04"]["paid_before"]) == (D("2000.00"), D("0.00"))
