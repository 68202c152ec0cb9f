"""Baseline for `make bench` (scenario `pandas_commission`): the commission
calculation written the way an analyst would in pandas, from an export of the
demo company's SQLite databases plus the comp plan YAMLs
(config/compensation/plans/*, loaded with salesops.compensation.plans), compared
exactly (to the cent) with `compensation.payouts` in the warehouse.

SUBSET implemented (what is compared): the account executives' plan AE_2026
(components `bookings` and `invoiced_revenue`, owner and split credit), every
payout row (payee x component x period) and the columns credited,
credited_ytd, quota_ytd, attainment, earned_ytd, paid_before, earned, clawback,
draw, draw_balance and net_payable -- i.e. the whole crediting chain of those
components from the sources, their quotas, and the engine's rules:
  - bookings = won opportunities in their state as of the as-of date (created on
    or before it, not deleted by then, the latest history change), credited on
    the close date (on or before the as-of date); a cancelled order reverses its
    opportunity's bookings in full on the cancellation date, a return reverses
    the returned amount on the return date;
  - invoiced_revenue = ERP invoices (dated on or before the as-of date) of orders
    with a CRM opportunity, on the invoice date; a credit note reverses the
    invoices of the returned order, each up to its amount: first those dated on
    or before it (latest first), then later ones (earliest first), dated the
    later of the two (a credit note no invoice covers is not credited);
  - payees: the owner when the opportunity has no revenue splits; else each
    revenue split owner with its share (split % to 4 decimals), only when the
    revenue splits total exactly 100 % (else nothing is credited); amounts
    allocated with the largest-remainder method (floor to the cent, the
    remaining cents to the largest remainders, ties by payee id); a reversal is
    allocated like its original, at the original's date for plan and FX;
  - plan: the payee's one plan on the crediting date from the HR job assignments
    (role / level, end capped by the termination date) and the plans'
    eligibility (salesops.compensation.plans.eligible_plan_spans: a
    level-specific rule wins), the component whose measure and credit types
    match; credit amount = amount x the plan's FX rate, rounded half away from
    zero to the cent;
  - engine: credits of a payee's plan assignment (consecutive HR assignments
    on the same plan are one) add up per month; a reversal within the plan's
    clawback window, in the same fiscal year and the same assignment, is netted
    into the month of the reversal (outside the window: not credited); another
    clawback in a month without a row adds a row with nothing credited;
    credited_ytd is the running sum over the fiscal year of the assignment; a
    row per component and month of the assignment through the as-of month;
  - quota (comp_quotas): the payee's own monthly target in the published plan
    (`planning.targets` read from the warehouse: leaves of the version in force,
    all product lines), or the CRM's all-product forecasting quota where the plan
    has none for the payee-month, for the months whose plan (the one valid at
    the month's end, or the as-of date) is AE_2026; at the plan's FX rate, to the
    cent. quota_ytd = the running sum of the quotas prorated by the days on the
    assignment in the month; attainment = credited_ytd / quota_ytd, half-up to 6
    decimals (null while quota_ytd is 0). Money in Decimal;
  - earnings: TI = percent of the HR base salary at the plan rate, TI YTD = TI x
    months on the plan this fiscal year (day fractions) / 12; a curve component
    earns TI YTD x weight x the curve (linear between points, the last slope
    beyond, the slope multiplied above each accelerator, capped) if its
    attainment reaches the threshold and the gate component's attainment the
    gate; a table component earns by its tiers (marginal: each slice at its rate;
    retro), capped at factor x TI YTD x weight; SPIFs per deal credited at or above
    min_credit, added uncapped; earned_ytd rounded half-up to the cent;
    earned = earned_ytd - paid_before - the clawbacks netted this month; a clawback =
    -|reversed amount| x earned_ytd / credited_ytd of the original's month, to the
    cent; a clawback outside the netting (another fiscal year or assignment) stands
    alone in the reversal's month;
  - draws: a new hire's guarantee in the first months (prorated by days), the
    recoverable balance repaid from later positive pay (at most recovery_share),
    on the payee's first component row; net_payable = earned + clawback + draw.

NOT implemented (not compared): the manager plan MGR_2026 (roll-up credit up the
HR manager chains, quarterly payouts) and the overlay plan OVL_2026 (overlay
credit, retro table, annual cap); closed periods and prior-period adjustments
(`adjustment`: the bench compares before any period is closed, when it is 0);
the engine's exceptions (a payee with one is held back: the comparison then
fails). A payee who also has rows of another plan gets the draw computed from
the AE rows' pay only (the engine counts all the payee's rows of the month).
Extending the subset means adding those here and their plans to the comparison.

Run alone:  python bench/baseline_commission.py --data-dir <data dir with a built warehouse>
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PLAN_ID, COMPONENTS = "AE_2026", ("bookings", "invoiced_revenue")
COMPARED = ["credited", "credited_ytd", "quota_ytd", "attainment", "earned_ytd", "paid_before", "earned", "clawback",
            "draw", "draw_balance", "net_payable"]
EXPR: dict[str, str] = {}  # column -> SQL expression on compensation.payouts (default: the column)
CENT, MICRO = Decimal("0.01"), Decimal("0.000001")
SUBSET = f"plan {PLAN_ID} ({' + '.join(COMPONENTS)}), {len(COMPARED)} payout columns"

EXPORT = {
    "opportunity": ("crm", "select id, owner_id, currency_iso_code, created_date, system_modstamp, is_deleted from opportunity",
                    ["created_date", "system_modstamp"]),
    "opportunity_history": ("crm", "select id, opportunity_id, stage_name, amount, close_date, created_date, system_modstamp, "
                                   "is_deleted from opportunity_history", ["close_date", "created_date", "system_modstamp"]),
    "opportunity_split": ("crm", "select opportunity_id, split_owner_id, split_type_c, split_percentage, is_deleted "
                                 "from opportunity_split", []),
    "user": ("crm", 'select id, employee_number, is_deleted from "user"', []),
    "sales_order": ("erp", "select order_id, crm_opportunity_id, original_order_id, order_type, status, total_amount, "
                           "order_date, cancelled_date, is_deleted from sales_order", ["order_date", "cancelled_date"]),
    "invoice": ("erp", "select invoice_id, order_id, invoice_type, currency, amount, invoice_date, is_deleted from invoice",
                ["invoice_date"]),
    "forecasting_quota": ("crm", "select quota_owner_id, start_date, quota_amount, currency_iso_code, product_family, "
                                 "is_deleted from forecasting_quota", ["start_date"]),
    "job_assignment": ("hr", "select employee_id, sales_role, job_level, effective_from, effective_to, is_deleted "
                             "from job_assignment", ["effective_from", "effective_to"]),
    "employee": ("hr", "select employee_id, hire_date, termination_date, base_salary, salary_currency, is_deleted "
                       "from employee", ["hire_date", "termination_date"]),
}


def read_sources(settings) -> dict:
    from salesops.compensation.plans import load_plans
    from salesops.funnel.standard import load_standard

    engines = {db: create_engine(f"sqlite:///{settings.demo_dir / f'{db}.db'}") for db in ("crm", "erp", "hr")}
    try:
        frames = {name: pd.read_sql(sql, engines[db], parse_dates=dates) for name, (db, sql, dates) in EXPORT.items()}
    finally:
        for engine in engines.values():
            engine.dispose()
    frames["won_stages"] = {r["stage_name"] for r in load_standard().stage_rows() if r["is_won"]}
    frames["plans"] = load_plans()
    from baseline_pandas import read_targets  # the published plan (planning.targets) from the warehouse

    frames["targets"] = read_targets(settings.warehouse)
    return frames


def _alive(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df["is_deleted"].fillna(0).astype(bool)]


def _round_div(num: pd.Series, den: int) -> pd.Series:
    """num / den rounded half away from zero (Python ints, exact)."""
    return num.map(lambda n: (abs(n) * 2 + den) // (2 * den) * (1 if n >= 0 else -1))


def compute(src: dict, settings) -> pd.DataFrame:
    """Payout rows (payee_id, component, period, credited, credited_ytd in integer cents) of the subset."""
    from salesops.compensation.plans import JobAssignment, eligible_plan_spans
    from salesops.settings import resolve_as_of

    as_of = pd.Timestamp(resolve_as_of(settings))
    fy_start = settings.fiscal_year_start_month
    plans = src["plans"]
    plan = plans[PLAN_ID]

    def business_date(utc: pd.Series) -> pd.Series:
        return utc.dt.tz_localize("UTC").dt.tz_convert(settings.timezone).dt.tz_localize(None).dt.normalize()

    def known(df: pd.DataFrame, recorded: str) -> pd.Series:
        deleted_by_then = df["is_deleted"].fillna(0).astype(bool) & (business_date(df["system_modstamp"]) <= as_of)
        return (business_date(df[recorded]) <= as_of) & ~deleted_by_then

    # ---- won opportunities as of the as-of date
    opp = src["opportunity"]
    opp = opp[known(opp, "created_date")]
    hist = src["opportunity_history"]
    hist = hist[known(hist, "created_date") & hist["opportunity_id"].isin(opp["id"])]
    latest = hist.sort_values(["opportunity_id", "created_date", "id"]).drop_duplicates("opportunity_id", keep="last")
    won = latest[latest["stage_name"].isin(src["won_stages"]) & (latest["close_date"] <= as_of)]
    won = won.merge(opp[["id", "currency_iso_code"]], left_on="opportunity_id", right_on="id")
    won = pd.DataFrame({"opportunity_id": won["opportunity_id"], "currency": won["currency_iso_code"],
                        "cents": (won["amount"] * 100).round().astype("int64"), "close_date": won["close_date"]})

    # ---- transactions: the won deals and their reversals (cancelled orders, returns)
    orders = _alive(src["sales_order"])
    original_opp = orders.set_index("order_id")["crm_opportunity_id"]
    orders = orders.assign(opportunity_id=orders["crm_opportunity_id"].fillna(orders["original_order_id"].map(original_opp)))
    cancelled = orders[(orders["order_type"] == "order") & (orders["status"] == "cancelled") & (orders["cancelled_date"] <= as_of)]
    returns = orders[(orders["order_type"] == "return") & (orders["order_date"] <= as_of)]
    rev = pd.concat([
        cancelled[["order_id", "opportunity_id", "cancelled_date"]].rename(columns={"cancelled_date": "credit_date"})
        .merge(won, on="opportunity_id").assign(cents=lambda d: -d["cents"]),
        returns[["order_id", "opportunity_id", "order_date", "total_amount"]].rename(columns={"order_date": "credit_date"})
        .merge(won.drop(columns="cents"), on="opportunity_id")
        .assign(cents=lambda d: -(d["total_amount"] * 100).round().astype("int64")).drop(columns="total_amount"),
    ], ignore_index=True)
    tx = pd.concat([won.assign(transaction_id="opportunity:" + won["opportunity_id"], credit_date=won["close_date"],
                               cancels=None),
                    rev.assign(transaction_id="sales_order:" + rev["order_id"], cancels="opportunity:" + rev["opportunity_id"])
                    .drop(columns="order_id")], ignore_index=True)
    tx = tx.rename(columns={"close_date": "crediting_date"}).assign(measure="bookings")

    # ---- invoiced revenue: invoices of orders with an opportunity; credit notes reverse the returned
    # order's invoices, each up to its amount (first those dated on or before the credit note, latest
    # first, then later ones, earliest first), dated the later of the two, at the invoice's rate
    inv = _alive(src["invoice"])
    inv = inv[inv["invoice_date"] <= as_of].merge(
        orders[["order_id", "crm_opportunity_id", "original_order_id"]], on="order_id", how="left")
    inv["cents"] = (inv["amount"] * 100).round().astype("int64")
    invoices = inv[inv["invoice_type"] == "invoice"]
    notes = inv[inv["invoice_type"] == "credit_note"]
    parts = notes.assign(match_order=notes["original_order_id"].fillna(notes["order_id"]))[
        ["invoice_id", "invoice_date", "cents", "crm_opportunity_id", "currency", "match_order"]].merge(
        invoices[["invoice_id", "order_id", "invoice_date", "cents"]], left_on="match_order", right_on="order_id",
        suffixes=("_cn", ""))
    before = parts["invoice_date"] <= parts["invoice_date_cn"]
    day = parts["invoice_date"].map(pd.Timestamp.toordinal)
    parts = parts.assign(k1=(~before).astype(int), k2=(-day).where(before, 0), k3=day).sort_values(
        ["invoice_id_cn", "k1", "k2", "k3", "invoice_id"])
    parts["covered_before"] = parts.groupby("invoice_id_cn")["cents"].cumsum() - parts["cents"]
    parts["part"] = parts.groupby("invoice_id_cn").cumcount() + 1
    parts = parts[parts["cents_cn"] > parts["covered_before"]]
    cn_tx = pd.DataFrame({
        "opportunity_id": parts["crm_opportunity_id"], "currency": parts["currency"],
        "cents": -np.minimum(parts["cents_cn"] - parts["covered_before"], parts["cents"]),
        "crediting_date": parts["invoice_date"],
        "credit_date": parts[["invoice_date", "invoice_date_cn"]].max(axis=1),
        "transaction_id": "invoice:" + parts["invoice_id_cn"].where(
            parts["part"] == 1, parts["invoice_id_cn"] + "/" + parts["invoice_id"]),
        "cancels": "invoice:" + parts["invoice_id"]})
    inv_tx = pd.DataFrame({
        "opportunity_id": invoices["crm_opportunity_id"], "currency": invoices["currency"], "cents": invoices["cents"],
        "crediting_date": invoices["invoice_date"], "credit_date": invoices["invoice_date"],
        "transaction_id": "invoice:" + invoices["invoice_id"], "cancels": None})
    revenue = pd.concat([inv_tx, cn_tx], ignore_index=True).assign(measure="invoiced_revenue")
    tx = pd.concat([tx, revenue[revenue["opportunity_id"].notna()]], ignore_index=True)
    tx["transaction_id"] = tx["transaction_id"] + ":" + tx["measure"]
    tx["cancels"] = tx["cancels"].where(tx["cancels"].isna(), tx["cancels"] + ":" + tx["measure"])

    # ---- payees: owner, or revenue splits totalling exactly 100 % (shares in 1/10,000)
    live_opps = _alive(src["opportunity"])[["id", "owner_id"]].rename(columns={"id": "opportunity_id"})
    splits = _alive(src["opportunity_split"])
    splits = splits[splits["split_type_c"] == "Revenue"].assign(
        share=(splits["split_percentage"].astype(float) * 100).round().astype("int64"))
    totals = splits.groupby("opportunity_id")["share"].sum()
    owners = live_opps[~live_opps["opportunity_id"].isin(totals.index)]
    payees = pd.concat([
        owners.rename(columns={"owner_id": "payee_id"}).assign(credit_type="owner", share=10_000),
        splits[splits["opportunity_id"].isin(totals[totals == 10_000].index)]
        .groupby(["opportunity_id", "split_owner_id"], as_index=False)["share"].sum()
        .rename(columns={"split_owner_id": "payee_id"}).assign(credit_type="split"),
    ], ignore_index=True)
    payees = payees[payees["opportunity_id"].isin(live_opps["opportunity_id"])]

    # ---- allocation: largest remainder (owner rows: the amount itself)
    alloc = tx.merge(payees, on="opportunity_id")
    raw = alloc["cents"].abs() * alloc["share"]
    alloc["floor"], alloc["rem"] = raw // 10_000, raw % 10_000
    alloc = alloc.sort_values(["transaction_id", "rem", "payee_id"], ascending=[True, False, True])
    alloc["rank"] = alloc.groupby("transaction_id").cumcount() + 1
    extra = alloc["cents"].abs() - alloc.groupby("transaction_id")["floor"].transform("sum")
    alloc["amount_cents"] = np.sign(alloc["cents"]) * (alloc["floor"] + (alloc["rank"] <= extra).astype("int64"))

    # ---- HR: job assignments of CRM users, ended by the termination date -> plan spans
    users = _alive(src["user"])[["id", "employee_number"]]
    emps = _alive(src["employee"])[["employee_id", "termination_date"]]
    jobs = (_alive(src["job_assignment"]).merge(users, left_on="employee_id", right_on="employee_number")
            .merge(emps, on="employee_id", how="left"))
    end = jobs["effective_to"].where(jobs["termination_date"].isna() | (jobs["effective_to"] <= jobs["termination_date"]),
                                     jobs["termination_date"])
    job_list = [JobAssignment(p, r, lvl if isinstance(lvl, str) else None, f.date(), None if pd.isna(t) else t.date())
                for p, r, lvl, f, t in zip(jobs["id"], jobs["sales_role"], jobs["job_level"], jobs["effective_from"], end,
                                           strict=True)]
    spans = pd.DataFrame([(j.payee_id, plan_id, lo, hi) for j, plan_id, lo, hi in eligible_plan_spans(plans, job_list)],
                         columns=["payee_id", "plan_id", "lo", "hi"])
    # the crediting: the one plan of the payee on the crediting date
    on_date = alloc[["payee_id", "crediting_date"]].drop_duplicates().merge(spans, on="payee_id")
    on_date = on_date[(on_date["crediting_date"].dt.date >= on_date["lo"]) & (on_date["crediting_date"].dt.date <= on_date["hi"])]
    one_plan = on_date[on_date.groupby(["payee_id", "crediting_date"])["plan_id"].transform("size") == 1]
    credits = alloc.merge(one_plan[["payee_id", "crediting_date", "plan_id"]], on=["payee_id", "crediting_date"])
    by_measure = {c.measure: c for c in plan.components if c.component in COMPONENTS}
    credits = credits[credits["plan_id"] == PLAN_ID]
    credits = credits[[m in by_measure and t in by_measure[m].credit_types
                       for m, t in zip(credits["measure"], credits["credit_type"], strict=True)]]
    credits = credits.assign(component=credits["measure"].map(lambda m: by_measure[m].component))
    rates = {plan.currency: Fraction(1), **{c: Fraction(r) for c, r in plan.fx_rates.items()}}
    credits = credits[credits["currency"].isin(rates)].copy()
    num = credits["currency"].map(lambda c: rates[c].numerator)
    den = credits["currency"].map(lambda c: rates[c].denominator)
    credits["credit_cents"] = [(abs(a * n) * 2 + d) // (2 * d) * (1 if a >= 0 else -1)
                               for a, n, d in zip(credits["amount_cents"], num, den, strict=True)]

    # ---- the engine's plan assignments: spans of the payee, clipped to the plan, consecutive same-plan ones merged
    asg = spans.merge(pd.DataFrame([(p, pl.effective_from, pl.effective_to) for p, pl in plans.items()],
                                   columns=["plan_id", "p_from", "p_to"]), on="plan_id")
    asg["lo"], asg["hi"] = asg[["lo", "p_from"]].max(axis=1), asg[["hi", "p_to"]].min(axis=1)
    asg = asg[asg["lo"] <= asg["hi"]].sort_values(["payee_id", "lo"]).reset_index(drop=True)
    merged = []
    for r in asg.itertuples():
        p = merged[-1] if merged else None
        if p and p[0] == r.payee_id and p[1] == r.plan_id and (r.lo - p[3]).days == 1:
            merged[-1] = (p[0], p[1], p[2], r.hi)
        else:
            merged.append((r.payee_id, r.plan_id, r.lo, r.hi))
    asg = pd.DataFrame(merged, columns=["payee_id", "plan_id", "lo", "hi"])
    asg["ai"] = asg.groupby("payee_id").cumcount()

    def assignment_on(df: pd.DataFrame, date_col: str) -> pd.Series:
        m = df[["payee_id", date_col]].reset_index().merge(asg, on="payee_id")
        m = m[(m[date_col].dt.date >= m["lo"]) & (m[date_col].dt.date <= m["hi"])]
        return m.drop_duplicates("index").set_index("index")["ai"].reindex(df.index)

    credits["ai"] = assignment_on(credits, "credit_date")
    credits["period"] = credits["credit_date"].dt.to_period("M")

    def fiscal_year(period: pd.Series) -> pd.Series:
        return period.dt.year + ((fy_start > 1) & (period.dt.month >= fy_start))

    originals = credits[credits["cancels"].isna() & credits["ai"].notna()]
    reversals = credits[credits["cancels"].notna()].merge(
        originals[["transaction_id", "payee_id", "component", "credit_date", "period", "ai"]].rename(
            columns={"transaction_id": "cancels", "credit_date": "orig_date", "period": "orig_period", "ai": "orig_ai"}),
        on=["cancels", "payee_id", "component"])
    netted = reversals[((reversals["credit_date"] - reversals["orig_date"]).dt.days <= plan.clawback_window_days)
                       & (fiscal_year(reversals["period"]) == fiscal_year(reversals["orig_period"]))
                       & (reversals["ai"] == reversals["orig_ai"])]
    lines = pd.concat([originals[["payee_id", "ai", "component", "period", "credit_cents"]],
                       netted[["payee_id", "ai", "component", "period"]].assign(credit_cents=-netted["credit_cents"].abs())])
    credited = lines.groupby(["payee_id", "ai", "component", "period"])["credit_cents"].sum().rename("credited")

    # ---- quotas (comp_quotas): the payee's own monthly target of the published plan (version in force,
    # all product lines), or the CRM's all-product quota where the plan has no target for the payee-month;
    # the payee's plan = the one valid at the month's end (the as-of date in its month, or the plan's last day)
    as_of_period = as_of.to_period("M")
    tg = src["targets"]
    tg = tg[(tg["status"] == "published") & (tg["level"] == "month") & tg["month_start"].notna()].copy()
    for col in ("month_start", "effective_from"):
        tg[col] = pd.to_datetime(tg[col])
    tg = tg[tg["effective_from"].dt.to_period("M").dt.to_timestamp() <= tg["month_start"]]
    in_force = (tg[["month_start", "plan_id", "version", "effective_from", "published_at"]].drop_duplicates()
                .sort_values(["month_start", "effective_from", "version", "published_at", "plan_id"], ascending=False)
                .drop_duplicates("month_start"))[["month_start", "plan_id", "version"]]
    own = (tg[tg["rep_id"].notna()].merge(in_force, on=["month_start", "plan_id", "version"])
           .groupby(["rep_id", "month_start", "currency"])["target_amount"].sum().reset_index())
    fq = _alive(src["forecasting_quota"])
    crm = (fq[fq["product_family"].isna()].assign(cents=lambda d: (d["quota_amount"] * 100).round().astype("int64"))
           .groupby(["quota_owner_id", "start_date", "currency_iso_code"])["cents"].sum().reset_index())
    covered = set(zip(own["rep_id"], own["month_start"], strict=True))
    quota_cents: dict = {}
    for rep, m, cur, cents_ in zip(own["rep_id"], own["month_start"], own["currency"], own["target_amount"], strict=True):
        quota_cents[(rep, m)] = quota_cents.get((rep, m), []) + [(cur, int(cents_))]
    for rep, m, cur, cents_ in zip(crm["quota_owner_id"], crm["start_date"], crm["currency_iso_code"], crm["cents"],
                                   strict=True):
        if (rep, m) not in covered:
            quota_cents[(rep, m)] = quota_cents.get((rep, m), []) + [(cur, int(cents_))]
    quotas: dict = {}  # (payee, period) -> quota in plan currency (Decimal, to the cent), for each AE component
    for payee, g in spans.groupby("payee_id"):
        for m in pd.period_range(pd.Timestamp(g["lo"].min()).to_period("M"), as_of_period, freq="M"):
            month_start, month_end = m.to_timestamp().date(), m.to_timestamp(how="end").date()
            ref = min(month_end, as_of.date())
            live = g[(g["lo"] <= ref) & (g["hi"] >= month_start)]
            if live.empty:
                continue
            refs = live["hi"].where(live["hi"] < ref, ref)
            latest = live[refs == refs.max()]
            if len(latest) != 1 or latest["plan_id"].iloc[0] != PLAN_ID:
                continue
            amounts = quota_cents.get((payee, pd.Timestamp(month_start)))
            if not amounts or any(cur not in rates for cur, _ in amounts):
                continue
            total = sum(Decimal(c) / 100 * Decimal(rates[cur].numerator) / Decimal(rates[cur].denominator)
                        for cur, c in amounts)
            quotas[(payee, m)] = total.quantize(CENT, rounding=ROUND_HALF_UP)

    # ---- target incentive: percent of the HR base salary at the plan rate (or the plan's amount)
    ti_plan = plan.target_incentive
    salary = _alive(src["employee"]).merge(users, left_on="employee_id", right_on="employee_number")
    salary = salary[salary["base_salary"].notna()]
    ti_of = {}
    for payee, base, cur in zip(salary["id"], salary["base_salary"], salary["salary_currency"], strict=True):
        if ti_plan.amount is not None:
            ti_of[payee] = ti_plan.amount
        elif cur in rates:
            base = Decimal(round(base * 100)) / 100
            ti_of[payee] = ti_plan.percent_of_base * base * (Decimal(rates[cur].numerator) / Decimal(rates[cur].denominator))

    # ---- SPIFs: a fixed amount per deal credited (owner / split) at or above min_credit, once per payee and deal
    spif_ytd_add: dict = {}
    for sp in plan.spifs:
        hits = originals[(originals["measure"] == sp.measure) & originals["credit_type"].isin(["owner", "split"])
                         & (originals["credit_cents"] >= int(sp.min_credit * 100))]
        if sp.source_ids is not None:
            hits = hits[hits["opportunity_id"].isin(sp.source_ids)]
        hits = hits.drop_duplicates(["payee_id", "opportunity_id"])
        for (p_, ai, per), n in hits.groupby(["payee_id", "ai", "period"]).size().items():
            k = (p_, int(ai), sp.component, per)
            spif_ytd_add[k] = spif_ytd_add.get(k, Decimal(0)) + sp.amount * n

    def curve(c, a: Decimal) -> Decimal:
        pts = c.pay_curve

        def f(x: Decimal) -> Decimal:
            if x <= pts[0].attainment:
                return pts[0].payout
            for lo_, hi_ in zip(pts, pts[1:], strict=False):
                if x <= hi_.attainment:
                    return lo_.payout + (hi_.payout - lo_.payout) * (x - lo_.attainment) / (hi_.attainment - lo_.attainment)
            lo_, hi_ = pts[-2], pts[-1]
            return hi_.payout + (hi_.payout - lo_.payout) * (x - hi_.attainment) / (hi_.attainment - lo_.attainment)

        if not c.accelerators:
            value = f(a)
        else:  # the slope above each mark is multiplied
            marks = [(Decimal(0), Decimal(1))] + [(x.above, x.multiplier) for x in c.accelerators]
            value = f(Decimal(0))
            for i, (mark, mult) in enumerate(marks):
                if a <= mark:
                    break
                upto = a if i + 1 == len(marks) else min(a, marks[i + 1][0])
                value += mult * (f(upto) - f(mark))
        return min(value, c.cap.factor) if c.cap is not None and c.cap.factor is not None else value

    def table(c, credited_ytd: Decimal, quota_ytd: Decimal, a: Decimal) -> Decimal:
        if credited_ytd <= 0:
            return Decimal(0)
        if c.rate_table.mode == "retro":
            rate = c.rate_table.tiers[0].rate
            for t in c.rate_table.tiers:
                rate = t.rate if a >= t.lower else rate
            return credited_ytd * rate
        total = Decimal(0)
        for t in c.rate_table.tiers:
            lo_ = t.lower * quota_ytd
            hi_ = credited_ytd if t.upper is None else min(credited_ytd, t.upper * quota_ytd)
            total += (hi_ - lo_) * t.rate if hi_ > lo_ else 0
        return total

    # reversals netted into a month: clawed back at the original credit's rate (earned / credited YTD of its month)
    netted_by_row: dict = {}
    for p_, ai, comp_name, per, amt, orig_per in zip(netted["payee_id"], netted["ai"], netted["component"], netted["period"],
                                                     netted["credit_cents"], netted["orig_period"], strict=True):
        netted_by_row.setdefault((p_, int(ai), comp_name, per), []).append((abs(int(amt)), orig_per))
    rate_at: dict = {}

    # ---- the engine's YTD figures: every month of each assignment on the plan through the as-of month
    components = [c for c in plan.components if c.component in COMPONENTS]
    credited_map = {(p, int(ai), comp, per): int(v) for (p, ai, comp, per), v in credited.items()}
    rows = []
    for r in asg[asg["plan_id"] == PLAN_ID].itertuples():
        last = min(pd.Timestamp(r.hi).to_period("M"), as_of_period)
        acc: dict = {}
        fy_prev = None
        ti = ti_of.get(r.payee_id)
        for m in pd.period_range(pd.Timestamp(r.lo).to_period("M"), last, freq="M"):
            fy = m.year + (1 if fy_start > 1 and m.month >= fy_start else 0)
            if fy != fy_prev:  # credited, quota, paid, spif
                fy_prev, months_ytd = fy, Fraction(0)
                acc = {c: [Decimal(0), Decimal(0), Decimal(0), Decimal(0)] for c in COMPONENTS}
            dim = m.days_in_month
            lo = max(r.lo, m.to_timestamp().date())
            hi = min(r.hi, m.to_timestamp(how="end").date())
            dayfrac = Fraction((hi - lo).days + 1, dim)
            months_ytd += dayfrac
            ti_ytd = None if ti is None else ti * Decimal(months_ytd.numerator) / Decimal(months_ytd.denominator) / 12
            att = {}
            for c in components:
                st = acc[c.component]
                st[0] += Decimal(credited_map.get((r.payee_id, r.ai, c.component, m), 0)) / 100
                q = quotas.get((r.payee_id, m))
                if q is not None:
                    st[1] += q * (dayfrac.numerator / Decimal(dayfrac.denominator))
                st[3] += spif_ytd_add.get((r.payee_id, r.ai, c.component, m), 0)
                att[c.component] = None if st[1] == 0 else st[0] / st[1]
            for c in components:
                st, a_c = acc[c.component], att[c.component]
                raw = Decimal(0)
                if a_c is not None and ti_ytd is not None:
                    gate_ok = c.gate is None or (att[c.gate.component] is not None
                                                 and att[c.gate.component] >= c.gate.min_attainment)
                    if gate_ok and (c.threshold is None or a_c >= c.threshold):
                        if c.pay_curve is not None:
                            raw = ti_ytd * c.weight * curve(c, a_c)
                        else:
                            raw = table(c, st[0], st[1], a_c)
                            if c.cap is not None and c.cap.factor is not None:
                                raw = min(raw, c.cap.factor * ti_ytd * c.weight)
                        if c.cap is not None and c.cap.amount is not None:
                            raw = min(raw, c.cap.amount)
                earned_ytd = (raw + st[3]).quantize(CENT, rounding=ROUND_HALF_UP)
                rate_at[(r.payee_id, c.component, m)] = earned_ytd / st[0] if st[0] else Decimal(0)
                claw = sum(((-Decimal(amt) / 100 * rate_at.get((r.payee_id, c.component, orig), Decimal(0)))
                            .quantize(CENT, rounding=ROUND_HALF_UP)
                            for amt, orig in netted_by_row.get((r.payee_id, r.ai, c.component, m), ())), Decimal(0))
                paid_before = st[2]
                earned = earned_ytd - paid_before - claw
                st[2] = earned_ytd
                a_out = None if a_c is None else a_c.quantize(MICRO, rounding=ROUND_HALF_UP)
                rows.append((r.payee_id, c.component, m.strftime("%Y-%m"), *(int(x * 100) for x in (
                    Decimal(credited_map.get((r.payee_id, r.ai, c.component, m), 0)) / 100, st[0],
                    st[1].quantize(CENT, rounding=ROUND_HALF_UP), earned_ytd, paid_before, earned, claw)),
                    None if a_out is None else int(a_out * 1_000_000)))
    out = pd.DataFrame(rows, columns=["payee_id", "component", "period", "credited", "credited_ytd", "quota_ytd",
                                      "earned_ytd", "paid_before", "earned", "clawback", "attainment"])
    # a month with two assignments on the plan (left and came back): one row, the later assignment's YTD
    out = out.groupby(["payee_id", "component", "period"], as_index=False, sort=False).agg(
        credited=("credited", "sum"), credited_ytd=("credited_ytd", "last"), quota_ytd=("quota_ytd", "last"),
        attainment=("attainment", "last"), earned_ytd=("earned_ytd", "last"), paid_before=("paid_before", "last"),
        earned=("earned", "sum"), clawback=("clawback", "sum"))
    # a clawback outside the netting (the payee left the plan, or another fiscal year): booked at the original
    # rate in the month of the reversal, on the row there or on a new row with nothing else
    window = (reversals["credit_date"] - reversals["orig_date"]).dt.days <= plan.clawback_window_days
    standalone = reversals[window & ~reversals.index.isin(netted.index) & (reversals["period"] <= as_of_period)]
    claws = pd.DataFrame({
        "payee_id": standalone["payee_id"], "component": standalone["component"],
        "period": standalone["period"].dt.strftime("%Y-%m"),
        "standalone": [int(((-Decimal(abs(int(a))) / 100 * rate_at.get((p_, c_, o_), Decimal(0)))
                            .quantize(CENT, rounding=ROUND_HALF_UP)) * 100)
                       for p_, c_, o_, a in zip(standalone["payee_id"], standalone["component"], standalone["orig_period"],
                                                standalone["credit_cents"], strict=True)]})
    claws = claws.groupby(["payee_id", "component", "period"], as_index=False)["standalone"].sum()
    out = out.merge(claws, on=["payee_id", "component", "period"], how="outer")
    for col in ("credited", "credited_ytd", "quota_ytd", "earned_ytd", "paid_before", "earned", "clawback", "standalone"):
        out[col] = out[col].fillna(0).astype("int64")
    out["clawback"] += out.pop("standalone")
    out["net_payable_before_draw"] = out["earned"] + out["clawback"]  # + adjustment (none without closed periods)

    # ---- draws (payee level, on the payee's first component row of the month): in the first months after
    # the hire a guarantee (prorated by days in the first month) tops the pay up; a recoverable draw builds a
    # balance that later positive pay repays, at most recovery_share of the month's pay
    hires = _alive(src["employee"]).merge(users, left_on="employee_id", right_on="employee_number").set_index("id")["hire_date"]
    out["draw"] = 0
    out["draw_balance"] = 0
    first_component = COMPONENTS[0]
    if plan.draws:
        d = plan.draws[0]
        pay = out.groupby(["payee_id", "period"])["net_payable_before_draw"].sum()
        for payee, g in asg[asg["plan_id"] == PLAN_ID].groupby("payee_id"):
            hire = hires.get(payee)
            hire = None if hire is None or pd.isna(hire) else hire.date()
            balance = 0
            for period in sorted(pay.loc[payee].index) if payee in pay.index.get_level_values(0) else []:
                m = pd.Period(period, "M")
                month_first, month_last = m.to_timestamp().date(), m.to_timestamp(how="end").date()
                guarantee = None
                for a in g.itertuples():
                    start = max(a.lo, hire) if hire else a.lo
                    if d.new_hires_only and (hire is None or hire < plan.effective_from):
                        continue
                    k = (m.year * 12 + m.month) - (start.year * 12 + start.month)
                    if 0 <= k < d.months:
                        lo, hi = max(start, month_first), min(a.hi, month_last)
                        if hi >= lo:
                            guarantee = int((d.amount * Decimal((hi - lo).days + 1) / m.days_in_month * 100)
                                            .quantize(Decimal(1), rounding=ROUND_HALF_UP))
                p_ = int(pay.loc[(payee, period)])
                draw = 0
                if guarantee is not None:
                    draw = max(0, guarantee - p_)
                    if d.type == "recoverable":
                        balance += draw
                elif balance > 0 and p_ > 0:
                    draw = -min(balance, int((Decimal(p_) * d.recovery_share).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
                    balance += draw
                at = (out["payee_id"] == payee) & (out["period"] == period) & (out["component"] == first_component)
                out.loc[at, "draw"] = draw
                out.loc[at, "draw_balance"] = balance
    out["net_payable"] = out["net_payable_before_draw"] + out["draw"]
    return out[["payee_id", "component", "period", *COMPARED]].reset_index(drop=True)


def compare_with_payouts(ours: pd.DataFrame, warehouse: Path, examples: int = 3) -> dict:
    """Exact comparison (integer cents) with compensation.payouts, on the subset's rows and columns."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        cols = ", ".join(f"cast({EXPR.get(c, c)} * {1_000_000 if c == 'attainment' else 100} as bigint) as {c}"
                         for c in COMPARED)
        theirs = con.execute(f"select payee_id, component, period, {cols} from compensation.payouts where plan_id = ? "
                             f"and component in {COMPONENTS}", [PLAN_ID]).df()
    problems = []
    keys = ["payee_id", "component", "period"]
    both = ours.merge(theirs, on=keys, how="outer", suffixes=("_pandas", "_engine"), indicator=True)
    for side, label in (("left_only", "only in pandas"), ("right_only", "only in compensation.payouts")):
        rows = both[both["_merge"] == side]
        if len(rows):
            problems.append(f"{len(rows)} rows {label}, e.g. {rows[keys].head(examples).to_dict('records')}")
    both = both[both["_merge"] == "both"]
    for c in COMPARED:
        a, b = both[f"{c}_pandas"].astype("Int64"), both[f"{c}_engine"].astype("Int64")
        bad = both[~((a == b).fillna(False) | (a.isna() & b.isna()))]
        if len(bad):
            problems.append(f"{c}: {len(bad)} of {len(both)} rows differ (cents; attainment in millionths), e.g. "
                            f"{bad[[*keys, f'{c}_pandas', f'{c}_engine']].head(examples).to_dict('records')}")
    return {"equal": not problems, "problems": problems, "rows": len(theirs), "subset": SUBSET,
            "credited_cents": int(theirs["credited"].sum()) if len(theirs) else 0}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", required=True)
    a = p.parse_args()
    os.environ["SALESOPS_DATA_DIR"] = a.data_dir
    from salesops.settings import get_settings

    settings = get_settings()
    t0 = time.perf_counter()
    src = read_sources(settings)
    t1 = time.perf_counter()
    out = compute(src, settings)
    t2 = time.perf_counter()
    report = compare_with_payouts(out, settings.warehouse)
    print(f"read {t1 - t0:.1f}s, compute {t2 - t1:.1f}s; {report['rows']} payout rows ({SUBSET})")
    print("\n".join(report["problems"]) if report["problems"] else "pandas commission = compensation.payouts, exactly")
    sys.exit(0 if report["equal"] else 1)


if __name__ == "__main__":
    main()
