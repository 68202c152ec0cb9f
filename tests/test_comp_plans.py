"""Plan YAML: the shipped plans load; every rule breaks with a message naming file, plan and field;
simulate CLI on the shipped example files (hand-computed payouts)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from salesops.cli import app
from salesops.compensation.plans import (
    JobAssignment,
    PlanConfigError,
    eligible_plan_spans,
    load_plan,
    load_plans,
)
from salesops.paths import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "compensation"
AE = REPO_ROOT / "config" / "compensation" / "plans" / "ae_2026.yml"


def test_shipped_plans_load_with_exact_decimals():
    plans = load_plans()
    assert set(plans) == {"AE_2026", "MGR_2026", "OVL_2026"}
    ae = plans["AE_2026"]
    assert [c.weight for c in ae.components] == [D("0.60"), D("0.40")]  # exact, not 0.59999..
    assert ae.fx_rates["USD"] == D("7.10") and ae.draws[0].type == "recoverable"
    assert ae.components[1].rate_table.mode == "marginal" and plans["OVL_2026"].components[0].rate_table.mode == "retro"
    assert plans["MGR_2026"].components[0].credit_types == ["rollup"]


def _broken(tmp_path: Path, edit) -> str:
    data = yaml.safe_load(AE.read_text())
    edit(data)
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(PlanConfigError) as err:
        load_plan(path)
    msg = str(err.value)
    assert "broken.yml" in msg and "plan AE_2026" in msg
    return msg


def _set(path, value):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


@pytest.mark.parametrize(("edit", "expected"), [
    (_set(["components", 0, "weight"], 0.5), "weights must sum to 1, they sum to 0.9"),
    (_set(["components", 0, "pay_curve", 2, "attainment"], 0.5), "without repeats"),
    (_set(["components", 0, "pay_curve", 2, "payout"], 0.2), "payout must not decrease"),
    (_set(["components", 0, "pay_curve", 0, "attainment"], 0.1), "first point must be at attainment 0"),
    (_set(["components", 1, "rate_table", "tiers", 1, "from"], 0.9), "gap between tier 0"),
    (_set(["components", 1, "rate_table", "tiers", 1, "from"], 0.7), "overlaps tier 1"),
    (_set(["components", 1, "rate_table", "tiers", 2, "to"], 2.0), "last tier must be open-ended"),
    (_set(["components", 1, "rate_table", "mode"], "progressive"), "components.1.rate_table.mode"),
    (_set(["components", 0, "gate", "component"], "margin"), "gate: unknown component 'margin'"),
    (_set(["components", 0, "measure"], "vibes"), "components.0.measure"),
    (_set(["components", 0, "credit_types"], ["owner", "friend"]), "components.0.credit_types.1"),
    (_set(["bonus_multiplier"], 2), "bonus_multiplier: Extra inputs are not permitted"),
    (_set(["target_incentive", "amount"], 1000), "exactly one of amount or percent_of_base"),
    (_set(["draws", 0, "type"], "loan"), "draws.0.type"),
    (_set(["effective_to"], "2025-12-31"), "effective_to 2025-12-31 is before"),
    (_set(["currency"], "yuan"), "currency"),
    (_set(["components", 0, "rate_table"], {"mode": "retro", "tiers": [{"from": 0, "to": None, "rate": 0.01}]}),
     "exactly one payout rule"),
])
def test_plan_errors_name_file_plan_and_field(tmp_path, edit, expected):
    assert expected in _broken(tmp_path, edit)


def test_duplicate_plan_ids_in_a_folder(tmp_path):
    (tmp_path / "a.yml").write_text(AE.read_text())
    (tmp_path / "b.yml").write_text(AE.read_text())
    with pytest.raises(PlanConfigError, match="b.yml: plan AE_2026: plan_id: already defined in .*a.yml"):
        load_plans(tmp_path)


def test_eligibility_level_specific_rule_wins_and_dates_intersect():
    plans = load_plans()
    jobs = [JobAssignment("U1", "rep", "S4", date(2025, 6, 1), date(2026, 3, 31)),
            JobAssignment("U1", "rep", "S2", date(2026, 4, 1), None),
            JobAssignment("U2", "manager", "M1", date(2026, 2, 15), None),
            JobAssignment("U3", "ops", "P2", date(2020, 1, 1), None)]
    spans = {(j.payee_id, p, lo, hi) for j, p, lo, hi in eligible_plan_spans(plans, jobs)}
    assert spans == {("U1", "OVL_2026", date(2026, 1, 1), date(2026, 3, 31)),
                     ("U1", "AE_2026", date(2026, 4, 1), date(2026, 12, 31)),
                     ("U2", "MGR_2026", date(2026, 2, 15), date(2026, 12, 31))}


def test_simulate_cli_on_the_example_files(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["comp", "simulate", "--plan", str(EXAMPLES / "plan.yml"), "--transactions",
                                   str(EXAMPLES / "transactions.csv"), "--quotas", str(EXAMPLES / "quotas.csv"),
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = {(r["payee"], r["period"], r["component"]): r for r in csv.DictReader((out / "payouts.csv").open())}
    assert list(next(iter(rows.values()))) == ["payee", "period", "component", "attainment", "earned", "paid",
                                               "adjustment", "draw", "clawback"]
    # the worked example of docs/compensation.md (TI 10,000 a month; bookings 60 % curve, revenue 40 % marginal table)
    ann1, ann2, ann3 = (rows[("ann", f"2026-0{m}", "bookings")] for m in (1, 2, 3))
    # Jan: 60,000/100,000 = 0.6 -> 10,000 x 0.6 x 0.6 = 3,600; revenue 50,000 x 2 % = 1,000; draw 8,000 - 4,600 = 3,400
    assert (ann1["earned"], ann1["draw"], ann1["paid"]) == ("3600.00", "3400.00", "7000.00")
    # Feb: + 10,000 USD x 7.00 = 70,000 -> 130,000/200,000 = 0.65 -> 20,000 x 0.6 x 0.65 = 7,800 - 3,600 = 4,200;
    #      revenue 130,000/100,000: 100,000 x 2 % + 30,000 x 4 % = 3,200 - 1,000 = 2,200; pay 6,400 recovers the 3,400 draw
    assert (ann2["earned"], ann2["draw"], rows[("ann", "2026-02", "revenue")]["earned"]) == ("4200.00", "-3400.00", "2200.00")
    # Mar: T1 (60,000, paid at 3,600/60,000 = 6 %) cancelled after 52 days: clawback -3,600;
    #      YTD 70,000/300,000 -> 30,000 x 0.6 x 0.2333.. = 4,200; earned 4,200 - 7,800 + 3,600 = 0
    assert (ann3["clawback"], ann3["earned"], ann3["paid"], ann3["attainment"]) == ("-3600.00", "0.00", "-3600.00", "0.233333")
    # bob Jan: 1.5 -> 1 + 1.5 x 0.5 = 1.75 (accelerator) -> 10,000 x 0.6 x 1.75 = 10,500
    assert rows[("bob", "2026-01", "bookings")]["earned"] == "10500.00"
    assert "total paid 18,200.00 CNY" in res.output


def test_simulate_cli_bad_input_writes_exceptions_and_fails(tmp_path):
    tx = tmp_path / "tx.csv"
    tx.write_text("id,payee,date,measure,amount,currency,cancels_id\nT1,ann,2026-01-10,bookings,100,EUR,\n")
    res = CliRunner().invoke(app, ["comp", "simulate", "--plan", str(EXAMPLES / "plan.yml"), "--transactions", str(tx),
                                   "--quotas", str(EXAMPLES / "quotas.csv"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1
    text = (tmp_path / "out" / "exceptions.csv").read_text()
    assert "unknown_currency" in text and "EUR" in text and not (tmp_path / "out" / "payouts.csv").exists()
    tx.write_text("id,payee,date,measure,amount,currency,cancels_id\nT1,ann,2026-01-10,bookings,lots,CNY,\n")
    res = CliRunner().invoke(app, ["comp", "simulate", "--plan", str(EXAMPLES / "plan.yml"), "--transactions", str(tx),
                                   "--quotas", str(EXAMPLES / "quotas.csv"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1 and "tx.csv:2: column amount: 'lots' is not a number" in res.output.replace("\n", "")


def test_whatif_cli_on_files(tmp_path):
    alt = tmp_path / "alt.yml"
    alt.write_text((EXAMPLES / "plan.yml").read_text().replace("multiplier: 1.5", "multiplier: 3"))
    res = CliRunner().invoke(app, ["comp", "whatif", "--plan", str(alt), "--current", str(EXAMPLES / "plan.yml"),
                                   "--transactions", str(EXAMPLES / "transactions.csv"), "--quotas",
                                   str(EXAMPLES / "quotas.csv")], terminal_width=200)
    assert res.exit_code == 0, res.output
    # only bob's January is above 100 %: 1 + 3 x 0.5 = 2.5 -> capped at 2.0 -> 12,000 instead of 10,500 (+1,500);
    # his February true-up falls by the same 1,500 (YTD 0.75 either way): total cost unchanged at 18,200
    assert "total cost" in res.output and "18,200.00" in res.output


def test_simulate_with_a_payees_file_prorates_a_mid_month_hire(tmp_path):
    (tmp_path / "tx.csv").write_text("id,payee,date,measure,amount,currency,cancels_id\n"
                                     "T1,carol,2026-02-20,bookings,50000,CNY,\n")
    (tmp_path / "q.csv").write_text("payee,period,component,amount\ncarol,2026-02,bookings,100000\n"
                                    "carol,2026-02,revenue,50000\n")
    (tmp_path / "payees.csv").write_text("payee,valid_from,valid_to,target_incentive,hire_date\n"
                                         "carol,2026-02-15,,120000,2026-02-15\n")
    res = CliRunner().invoke(app, ["comp", "simulate", "--plan", str(EXAMPLES / "plan.yml"), "--transactions",
                                   str(tmp_path / "tx.csv"), "--quotas", str(tmp_path / "q.csv"), "--payees",
                                   str(tmp_path / "payees.csv"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    rows = {r["component"]: r for r in csv.DictReader((tmp_path / "out" / "payouts.csv").open())}
    # 14 of 28 February days: TI 10,000 x 0.5 = 5,000, quota 100,000 x 0.5 = 50,000 -> attainment 1.0
    # bookings 5,000 x 0.6 x 1.0 = 3,000; revenue: nothing credited -> 0
    # draw: 8,000 x 14/28 = 4,000 guaranteed - 3,000 earned = 1,000
    b = rows["bookings"]
    assert (b["attainment"], b["earned"], b["draw"], b["paid"]) == ("1.000000", "3000.00", "1000.00", "4000.00")
    assert rows["revenue"]["earned"] == "0.00"
