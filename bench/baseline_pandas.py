"""Baseline for `make bench`: three of the warehouse's marts written the way an
analyst would in pandas, from an export of the demo company's SQLite databases
(pandas.read_sql through SQLAlchemy), all in memory.

  funnel_stage_conversion  open stage x cohort month: entered, skipped, reached later,
                           won / lost / open, amounts, conversion and win rates,
                           median / p75 days in stage (all of the mart's measures)
  rep_monthly_kpis         rep x month: bookings, wins, losses, win rates, average deal,
                           pipeline and opportunities created, tasks, events
  target_vs_actual         rep x month: quota, bookings, attainment, gap, fiscal
                           year-to-date quota / bookings / attainment / gap
                           (not the hierarchy columns: team, region, manager ...)

The quota of target_vs_actual is the published plan: the leaf rows (level 'month')
of the target ledger the nightly's planning asset wrote to `planning.targets`, read
from the warehouse (what an analyst would do with the published plan), with the
version-in-force rule: for each month, among the published versions with leaf rows
for it that are effective in or before it, the latest effective_from, then the
highest version, then the latest published_at, then plan_id; a month no version
covers falls back to the CRM's all-product forecasting quota. Leaves without a rep
(a new hire's unramped share held at the manager) are not a rep's quota. A rep x
month with a quota but no activity is a row too (bookings 0).

The rules are those of the dbt models (read there for the why):
  - state as of a date: opportunities created on or before it and not deleted by then;
    history changes recorded on or before it and not deleted by then; dates are
    business dates in the company time zone; the latest change gives the state;
  - stage entries: consecutive changes in one stage are one entry; a move forward over
    more than one stage skips the stages in between (a move to Closed Lost never
    skips); a skipped open stage counts as entered at the jump and as passed;
  - a stage's cohort is the month it was first entered (or jumped over); "reached
    later" = after that first entry the opportunity entered a higher stage that is
    not Closed Lost; days in stage = the first actual visit, once exited;
  - amounts in the reporting currency at the monthly average rate of the close month
    (quotas: of the quota month), capped at the as-of month, last published rate
    carried forward;
  - bookings by close month (a close date after the as-of month counts in the as-of
    month); a rep's months run from the first month with any fact to the as-of month
    (or the HR termination month, unless facts continue).

Units: money in integer cents and rates in integer 1/10,000 (Int64), days in
hundredths, so the outputs compare exactly with the marts' DECIMAL columns
(bench/compare.py). Divisions round half away from zero, like the marts.
Only the reporting currency CNY (the default) is implemented.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine

# table -> (database, query, date/time columns)
EXPORT = {
    "opportunity": ("crm", "select id, owner_id, currency_iso_code, created_date, system_modstamp, is_deleted from opportunity",
                    ["created_date", "system_modstamp"]),
    "opportunity_history": ("crm", "select id, opportunity_id, stage_name, amount, close_date, created_date, system_modstamp, "
                                   "is_deleted from opportunity_history",
                            ["close_date", "created_date", "system_modstamp"]),
    "forecasting_quota": ("crm", "select quota_owner_id, start_date, quota_amount, currency_iso_code, product_family, is_deleted "
                                 "from forecasting_quota", ["start_date"]),
    "task": ("crm", "select owner_id, status, activity_date, created_date, is_deleted from task", ["activity_date", "created_date"]),
    "event": ("crm", "select owner_id, activity_date_time, created_date, is_deleted from event", ["activity_date_time", "created_date"]),
    "user": ("crm", 'select id, name, employee_number, is_deleted from "user"', []),
    "fx_rate": ("erp", "select currency, rate_month, rate_type, rate_to_cny, is_deleted from fx_rate", ["rate_month"]),
    "employee": ("hr", "select employee_id, termination_date, is_deleted from employee", ["termination_date"]),
}


def read_sources(demo_dir: Path, warehouse: Path | None = None) -> dict[str, pd.DataFrame]:
    """The demo's SQLite tables, the funnel standard and (from the warehouse, if given and
    written) the published target ledger `planning.targets`."""
    engines = {db: create_engine(f"sqlite:///{demo_dir / f'{db}.db'}") for db in ("crm", "erp", "hr")}
    try:
        frames = {name: pd.read_sql(sql, engines[db], parse_dates=dates) for name, (db, sql, dates) in EXPORT.items()}
    finally:
        for engine in engines.values():
            engine.dispose()
    from salesops.funnel.standard import load_standard  # the funnel standard (config/funnel.yml), as dbt reads it

    frames["funnel_stages"] = pd.DataFrame(
        [{**r, "default_probability": float(r["default_probability"])} for r in load_standard().stage_rows()]
    )
    frames["targets"] = read_targets(warehouse)
    return frames


TARGET_COLUMNS = ["plan_id", "version", "status", "effective_from", "published_at", "level", "rep_id", "product_line",
                  "month_start", "target_amount", "currency"]


def read_targets(warehouse: Path | None) -> pd.DataFrame:
    """planning.targets (the published plan), empty if there is none."""
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in TARGET_COLUMNS})
    if warehouse is None or not Path(warehouse).exists():
        return empty
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        exists = con.execute("select count(*) from information_schema.tables where table_schema = 'planning' "
                             "and table_name = 'targets'").fetchone()[0]
        if not exists:
            return empty
        # amounts as integer cents (exact), dates as timestamps
        return con.execute(f"select {', '.join(c for c in TARGET_COLUMNS if c != 'target_amount')}, "
                           "cast(target_amount * 100 as bigint) as target_amount from planning.targets").df()


# ---------------------------------------------------------------- helpers


def cents(amount: pd.Series) -> pd.Series:
    return (amount * 100).round().astype("Int64")


def round_div(num: pd.Series, den, scale: int = 0) -> pd.Series:
    """num / den * 10**scale, rounded half away from zero, in integers; NA when den is 0 or NA."""
    num, den = pd.Series(num).astype("Int64"), pd.Series(den, index=num.index).astype("Int64")
    den = den.where(den != 0)
    q = (2 * num.abs() * 10**scale + den.abs()) // (2 * den.abs())
    return q * np.sign(num) * np.sign(den)


def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """A ratio in 1/10,000 (the marts' decimal(12,4))."""
    return round_div(num, den, 4)


def not_deleted(df: pd.DataFrame) -> pd.Series:
    return ~df["is_deleted"].fillna(0).astype(bool)


def month(d: pd.Series) -> pd.Series:
    return d.dt.to_period("M").dt.to_timestamp()


# ---------------------------------------------------------------- the three marts


def compute(src: dict[str, pd.DataFrame], as_of: date, *, fiscal_year_start_month: int = 1,
            timezone: str = "Asia/Shanghai", reporting_currency: str = "CNY") -> dict[str, pd.DataFrame]:
    if reporting_currency != "CNY":
        raise NotImplementedError("the pandas baseline converts to CNY only")
    as_of = pd.Timestamp(as_of)
    as_of_month = as_of.to_period("M").to_timestamp()

    def business_date(utc: pd.Series) -> pd.Series:
        return utc.dt.tz_localize("UTC").dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()

    def known(df: pd.DataFrame, recorded: str) -> pd.Series:
        """Recorded on or before the as-of date and not deleted by then."""
        deleted_by_then = df["is_deleted"].fillna(0).astype(bool) & (business_date(df["system_modstamp"]) <= as_of)
        return (business_date(df[recorded]) <= as_of) & ~deleted_by_then

    stages = src["funnel_stages"]
    open_stages = stages.loc[~stages["is_closed"], ["stage_name", "stage_order"]]

    # monthly average rates to CNY, the last published one carried forward
    fx = src["fx_rate"]
    published = fx[not_deleted(fx) & (fx["rate_type"] == "average") & (fx["currency"] != "CNY") & (fx["rate_month"] <= as_of_month)]
    published = (published.assign(rate_micro=(published["rate_to_cny"] * 1_000_000).round().astype("int64"))
                 .sort_values("rate_month")[["currency", "rate_month", "rate_micro"]])

    def rate_micro(currency: pd.Series, months: pd.Series) -> pd.Series:
        """The rate to CNY (in millionths) of each (currency, month); NA before a currency's first rate."""
        q = pd.DataFrame({"currency": currency.to_numpy(), "month": months.to_numpy(), "row": np.arange(len(currency))})
        q = pd.merge_asof(q.sort_values("month"), published, left_on="month", right_on="rate_month", by="currency")
        rate = q.set_index("row")["rate_micro"].sort_index().astype("Int64")
        rate = rate.where(q.set_index("row")["currency"].sort_index() != "CNY", 1_000_000)
        return pd.Series(rate.to_numpy(), index=currency.index)

    # ---- opportunities and their stage history as known on the as-of date
    opp = src["opportunity"]
    opp = opp[known(opp, "created_date")]
    hist = src["opportunity_history"]
    hist = hist[known(hist, "created_date") & hist["opportunity_id"].isin(opp["id"])]
    hist = hist.sort_values(["opportunity_id", "created_date", "id"])

    # state on the as-of date: the latest change
    latest = hist.drop_duplicates("opportunity_id", keep="last")[["opportunity_id", "stage_name", "amount", "close_date"]]
    state = (opp[["id", "owner_id", "currency_iso_code", "created_date"]].rename(columns={"id": "opportunity_id"})
             .merge(latest, on="opportunity_id")
             .merge(stages[["stage_name", "is_closed", "is_won"]], on="stage_name", how="left"))
    state["is_closed"] = state["is_closed"].fillna(False).astype(bool)
    state["is_won"] = state["is_won"].fillna(False).astype(bool)
    state["is_lost"] = state["is_closed"] & ~state["is_won"]
    state["created_date"] = business_date(state["created_date"])
    state["close_month"] = month(state["close_date"]).clip(upper=as_of_month).fillna(as_of_month)
    amount_x_rate = cents(state["amount"]) * rate_micro(state["currency_iso_code"], state["close_month"])
    state["amount_reporting"] = round_div(amount_x_rate, 1_000_000)

    # stage entries: a new entry whenever the stage differs from the previous change's
    new_entry = hist["stage_name"].ne(hist.groupby("opportunity_id")["stage_name"].shift())
    entries = (hist.loc[new_entry, ["opportunity_id", "stage_name", "created_date"]]
               .rename(columns={"created_date": "entered_at"}))
    entries["entry_number"] = entries.groupby("opportunity_id").cumcount() + 1
    entries = entries.merge(stages[["stage_name", "stage_order", "is_closed", "is_won"]], on="stage_name", how="left")
    entries["is_closed"] = entries["is_closed"].fillna(False).astype(bool)
    entries["is_lost"] = entries["is_closed"] & ~entries["is_won"].fillna(False).astype(bool)
    by_opp = entries.groupby("opportunity_id")
    entries["exited_at"] = by_opp["entered_at"].shift(-1)
    entries["previous_order"] = by_opp["stage_order"].shift()
    entries["is_skip"] = ~entries["is_lost"] & (entries["stage_order"] - entries["previous_order"] > 1)
    entered_date, exited_date = business_date(entries["entered_at"]), business_date(entries["exited_at"])
    # days of an exited visit (the funnel only uses those)
    entries["days"] = (exited_date - entered_date).dt.days

    # ---- funnel_stage_conversion
    # visits of open stages, actual and imputed (jumped over); position 2n = entry n, 2n-1 = just before it
    actual = entries.merge(open_stages[["stage_name"]], on="stage_name")
    actual = actual.assign(position=2 * actual["entry_number"], is_skipped=False)
    jumps = entries.loc[entries["is_skip"], ["opportunity_id", "entry_number", "entered_at", "previous_order", "stage_order"]]
    imputed = jumps.merge(open_stages, how="cross", suffixes=("_jump", ""))
    imputed = imputed[(imputed["stage_order"] > imputed["previous_order"]) & (imputed["stage_order"] < imputed["stage_order_jump"])]
    imputed = imputed.assign(position=2 * imputed["entry_number"] - 1, is_skipped=True, days=np.nan)
    cols = ["opportunity_id", "stage_name", "stage_order", "entered_at", "position", "is_skipped", "days"]
    visits = pd.concat([actual[cols], imputed[cols]], ignore_index=True)
    first = visits.sort_values("position", kind="stable").drop_duplicates(["opportunity_id", "stage_name"])

    # reached later: the highest stage (not Closed Lost) entered after the first visit
    later = entries[["opportunity_id", "entry_number"]].assign(
        reach=entries["stage_order"].where(~entries["is_lost"]).fillna(-1)).iloc[::-1]
    later["best_from_here"] = later.groupby("opportunity_id")["reach"].cummax()
    first = first.assign(entry_number=first["position"] // 2 + 1).merge(
        later[["opportunity_id", "entry_number", "best_from_here"]], on=["opportunity_id", "entry_number"], how="left")
    first["has_reached_later"] = first["best_from_here"] > first["stage_order"]

    cohorts = first.merge(state[["opportunity_id", "is_closed", "is_won", "is_lost", "amount_reporting"]], on="opportunity_id")
    cohorts["cohort_month"] = month(business_date(cohorts["entered_at"]))
    cohorts["is_open"] = ~cohorts["is_closed"]
    cohorts["won_amount"] = cohorts["amount_reporting"].where(cohorts["is_won"])
    funnel = cohorts.groupby(["stage_name", "stage_order", "cohort_month"]).agg(
        n_entered=("opportunity_id", "size"),
        n_skipped=("is_skipped", "sum"),
        n_reached_later=("has_reached_later", "sum"),
        n_won=("is_won", "sum"),
        n_lost=("is_lost", "sum"),
        n_open=("is_open", "sum"),
        entered_amount_reporting=("amount_reporting", "sum"),
        won_amount_reporting=("won_amount", "sum"),
        n_exited=("days", "count"),
        median_days_in_stage=("days", "median"),
        p75_days_in_stage=("days", lambda d: d.quantile(0.75)),
    ).reset_index()
    funnel["conversion_rate"] = ratio(funnel["n_reached_later"], funnel["n_entered"])
    funnel["win_rate_from_stage"] = ratio(funnel["n_won"], funnel["n_entered"])
    funnel["win_rate_by_amount"] = ratio(funnel["won_amount_reporting"], funnel["entered_amount_reporting"])
    for col in ("median_days_in_stage", "p75_days_in_stage"):  # in hundredths of a day
        funnel[col] = (funnel[col] * 100).round().astype("Int64")

    # ---- rep_monthly_kpis
    state["created_month"] = month(state["created_date"])
    closed = state[state["is_won"] | state["is_lost"]].assign(
        bookings=lambda d: d["amount_reporting"].where(d["is_won"], 0),
        lost_amount=lambda d: d["amount_reporting"].where(d["is_lost"], 0))
    closed = closed.groupby(["owner_id", "close_month"]).agg(
        bookings=("bookings", "sum"), lost_amount=("lost_amount", "sum"), n_won=("is_won", "sum"), n_lost=("is_lost", "sum"))
    created = state.groupby(["owner_id", "created_month"]).agg(
        pipeline_created=("amount_reporting", "sum"), n_opps_created=("opportunity_id", "size"))

    tasks = src["task"]
    tasks = tasks[not_deleted(tasks) & (tasks["activity_date"] <= as_of) & (business_date(tasks["created_date"]) <= as_of)]
    tasks = tasks.assign(month=month(tasks["activity_date"]), completed=tasks["status"] == "Completed").groupby(
        ["owner_id", "month"]).agg(n_tasks=("completed", "size"), n_tasks_completed=("completed", "sum"))
    events = src["event"]
    started = business_date(events["activity_date_time"])
    keep = not_deleted(events) & (started <= as_of) & (business_date(events["created_date"]) <= as_of)
    events = events[keep].assign(month=month(started[keep])).groupby(["owner_id", "month"]).size().rename("n_events")
    fq = src["forecasting_quota"]
    quotas = fq[not_deleted(fq) & fq["product_family"].isna() & (fq["start_date"] <= as_of_month)]

    users = src["user"][not_deleted(src["user"])]
    employees = src["employee"][not_deleted(src["employee"])]
    reps = users.merge(employees, left_on="employee_number", right_on="employee_id", how="left")[["id", "name", "termination_date"]]
    reps = reps.rename(columns={"id": "user_id", "name": "user_name"})

    # a rep's months: first month with any fact .. as-of month (or termination month, unless facts continue)
    facts = pd.concat([frame.index.to_frame(index=False).set_axis(["user_id", "month_start"], axis=1)
                       for frame in (closed, created, tasks, events)]
                      + [quotas[["quota_owner_id", "start_date"]].set_axis(["user_id", "month_start"], axis=1)])
    spans = facts.dropna().groupby("user_id")["month_start"].agg(["min", "max"]).reset_index()
    spans = spans.merge(reps, on="user_id", how="left")
    terminated = month(spans["termination_date"])
    last = spans["max"].where(terminated < spans["max"], terminated.clip(upper=as_of_month))
    spans["last"] = last.where(terminated.notna(), as_of_month).clip(upper=as_of_month)
    spans["month_start"] = [pd.date_range(a, b, freq="MS") for a, b in zip(spans["min"], spans["last"], strict=True)]
    kpis = spans.explode("month_start").dropna(subset=["month_start"])
    kpis["month_start"] = pd.to_datetime(kpis["month_start"])
    kpis = kpis[["user_id", "user_name", "month_start"]].reset_index(drop=True)

    key = ["user_id", "month_start"]
    kpis = (kpis.merge(closed.rename_axis(key).reset_index(), on=key, how="left")
            .merge(created.rename_axis(key).reset_index(), on=key, how="left")
            .merge(tasks.rename_axis(key).reset_index(), on=key, how="left")
            .merge(events.rename_axis(key).reset_index(), on=key, how="left"))
    kpis["avg_deal_size"] = round_div(kpis["bookings"], kpis["n_won"])
    counts = ["n_won", "n_lost", "n_opps_created", "n_tasks", "n_tasks_completed", "n_events"]
    money = ["bookings", "lost_amount", "pipeline_created"]
    kpis[counts + money] = kpis[counts + money].fillna(0).astype("Int64")
    kpis["win_rate"] = ratio(kpis["n_won"], kpis["n_won"] + kpis["n_lost"])
    kpis["win_rate_by_amount"] = ratio(kpis["bookings"], kpis["bookings"] + kpis["lost_amount"])
    kpis["n_activities"] = kpis["n_tasks"] + kpis["n_events"]
    kpis["is_known_user"] = kpis["user_id"].isin(reps["user_id"])
    kpis["is_partial_month"] = (kpis["month_start"] == as_of_month) & (as_of_month + pd.offsets.MonthEnd(1) > as_of)
    kpis = kpis.drop(columns="lost_amount")

    # ---- target_vs_actual
    # the published plan's leaves, by the version in force on each month
    tg = src["targets"]
    tg = tg[(tg["status"] == "published") & (tg["level"] == "month") & tg["month_start"].notna()].copy()
    for col in ("month_start", "effective_from"):
        tg[col] = pd.to_datetime(tg[col])
    tg = tg[month(tg["effective_from"]) <= tg["month_start"]]
    in_force = (tg[["month_start", "plan_id", "version", "effective_from", "published_at"]].drop_duplicates()
                .sort_values(["month_start", "effective_from", "version", "published_at", "plan_id"], ascending=False)
                .drop_duplicates("month_start"))[["month_start", "plan_id", "version"]]
    leaves = tg[tg["rep_id"].notna()].merge(in_force, on=["month_start", "plan_id", "version"])
    leaves = leaves.assign(product_line=leaves["product_line"].fillna("(all products)"),
                           amount_x_rate=leaves["target_amount"].astype("Int64")
                           * rate_micro(leaves["currency"], leaves["month_start"].clip(upper=as_of_month)))
    ledger = leaves.groupby(["rep_id", "product_line", "month_start"])["amount_x_rate"].sum(min_count=1).reset_index()
    # the CRM's all-product quotas where no published version covers the month
    crm = quotas[quotas["quota_owner_id"].notna() & ~quotas["start_date"].isin(in_force["month_start"])]
    crm = crm.assign(amount_x_rate=cents(crm["quota_amount"])
                     * rate_micro(crm["currency_iso_code"], crm["start_date"].clip(upper=as_of_month)))
    crm = (crm.groupby(["quota_owner_id", "start_date"])["amount_x_rate"].sum(min_count=1).rename_axis(["rep_id", "month_start"])
           .reset_index().assign(product_line="(all products)"))
    resolved = pd.concat([ledger, crm], ignore_index=True)
    resolved["quota"] = round_div(resolved["amount_x_rate"], 1_000_000)  # to the cent per rep x product line x month
    resolved = resolved[resolved["month_start"] <= as_of_month]
    quota = resolved.groupby(["rep_id", "month_start"])["quota"].sum(min_count=1).rename_axis(key).reset_index()
    # rep x month: any month with activity (rep_monthly_kpis) or a quota
    tva = kpis[["user_id", "user_name", "month_start", "bookings", "is_known_user", "is_partial_month"]].merge(
        quota, on=key, how="outer")
    names = users[["id", "name"]].rename(columns={"id": "user_id", "name": "rep_name"})
    names = names[users["employee_number"].isin(employees["employee_id"]).to_numpy()]
    tva = tva.merge(names, on="user_id", how="left")
    tva["user_name"] = tva["user_name"].fillna(tva["rep_name"])
    tva["is_known_user"] = tva["is_known_user"].fillna(True).astype(bool)
    tva["is_partial_month"] = (tva["month_start"] == as_of_month) & (as_of_month + pd.offsets.MonthEnd(1) > as_of)
    tva["bookings"] = tva["bookings"].fillna(0).astype("Int64")
    calendar_month = tva["month_start"].dt.month
    tva["fiscal_month"] = (calendar_month - fiscal_year_start_month + 12) % 12 + 1
    tva["fiscal_year"] = tva["month_start"].dt.year + ((fiscal_year_start_month > 1) & (calendar_month >= fiscal_year_start_month))
    tva["fiscal_quarter"] = (tva["fiscal_month"] - 1) // 3 + 1
    tva = tva.sort_values(["user_id", "month_start"], ignore_index=True)
    year = tva.groupby(["user_id", "fiscal_year"])
    # a running sum that stays empty until the first month with a quota (SQL sum() over a window)
    tva["ytd_quota"] = tva["quota"].fillna(0).groupby([tva["user_id"], tva["fiscal_year"]]).cumsum().where(
        year["quota"].transform(lambda q: q.notna().cumsum()) > 0)
    tva["ytd_bookings"] = year["bookings"].cumsum()
    tva["attainment"] = ratio(tva["bookings"], tva["quota"])
    tva["gap"] = tva["quota"] - tva["bookings"]
    tva["ytd_attainment"] = ratio(tva["ytd_bookings"], tva["ytd_quota"])
    tva["ytd_gap"] = tva["ytd_quota"] - tva["ytd_bookings"]
    tva["has_quota"] = tva["quota"].notna()
    tva = tva.drop(columns="rep_name")

    return {"funnel_stage_conversion": funnel, "rep_monthly_kpis": kpis, "target_vs_actual": tva}
