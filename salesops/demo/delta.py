"""One more day of the demo company: ~1 % new and changed rows, for incremental nights.

`apply_delta(demo_dir, day)` changes the operational databases the way a real
day does, stamping every touched row with a modified-at on `day` (so the
nightly ingestion picks exactly those up incrementally):

* CRM: ~1 % of open opportunities move (advance a stage, win, lose, change
  amount or push the close date), each with its opportunity_history row; new
  opportunities enter at the first stage; new tasks are logged.
* ERP: a **late order for a closed month** (order and invoice dated in the
  month before last, entered today), and one open order cancelled today.
* HR: a **hierarchy move**: a rep changes team (within the region if it has
  another), effective the
  first day of the current month (a retroactive correction of a month already
  built by earlier nights).

Deterministic: the same (demo, day, share, seed) gives the same changes. Returns
what changed, per table, for the benchmark and the tests.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from salesops.demo.ids import PREFIX, SfIds
from salesops.demo.reference import STAGES

OPEN_STAGES = [s for s in STAGES if s.name not in ("Closed Won", "Closed Lost")]
WON = next(s for s in STAGES if s.name == "Closed Won")
LOST = next(s for s in STAGES if s.name == "Closed Lost")


def apply_delta(demo_dir: Path, day: date, *, share: float = 0.01, seed: int = 1) -> dict[str, int]:
    """Apply one day of changes to the demo databases in `demo_dir` (in place)."""
    rng = random.Random(f"{seed}:{day.isoformat()}:{share}")
    changed: Counter[str] = Counter()
    stamp = _Stamps(day, rng)
    for name in ("crm", "erp", "hr"):
        if not (demo_dir / f"{name}.db").exists():
            raise FileNotFoundError(f"{demo_dir / (name + '.db')}: no demo database (run `salesops demo generate`)")
    with sqlite3.connect(demo_dir / "crm.db") as crm:
        _crm_day(crm, day, share, rng, stamp, changed)
    with sqlite3.connect(demo_dir / "erp.db") as erp:
        _erp_day(erp, day, rng, stamp, changed)
    with sqlite3.connect(demo_dir / "hr.db") as hr:
        _hr_move(hr, day, rng, stamp, changed)
    return dict(sorted(changed.items()))


class _Stamps:
    """Distinct naive-UTC timestamps on `day` between 01:00 and 10:00 (09:00-18:00 Shanghai)."""

    def __init__(self, day: date, rng: random.Random) -> None:
        self.base = datetime(day.year, day.month, day.day, 1)
        self.rng = rng

    def __call__(self) -> str:
        return (self.base + timedelta(seconds=self.rng.randrange(9 * 3600))).strftime("%Y-%m-%d %H:%M:%S.000000")


def _next_ids(con: sqlite3.Connection, table: str, n: int) -> list[str]:
    ids = SfIds(PREFIX[table])
    ids.n = int(con.execute(f"select max(substr(id, 6, 10)) from {table}").fetchone()[0] or 0)
    return ids.take(n)


def _crm_day(con, day, share, rng, stamp, changed) -> None:
    stage_of = {s.name: i for i, s in enumerate(STAGES)}
    open_rows = con.execute(
        "select id, stage_name, amount, close_date, currency_iso_code from opportunity "
        "where is_closed = 0 and is_deleted = 0 order by id").fetchall()
    total = con.execute("select count(*) from opportunity").fetchone()[0]
    movers = rng.sample(open_rows, max(1, round(len(open_rows) * share * 5)))  # open deals move more than closed
    # the CRM rolls line items up into Amount: amounts of deals with products change only through their lines
    has_lines = {r[0] for r in con.execute("select distinct opportunity_id from opportunity_line_item where is_deleted = 0")}
    hist_ids = iter(_next_ids(con, "opportunity_history", len(movers) + total))
    for opp_id, stage_name, amount, close_date, _cur in movers:
        roll = rng.random()
        close = date.fromisoformat(close_date)
        if roll < 0.2:
            stage, close = WON, day
        elif roll < 0.35:
            stage, close = LOST, day
        elif roll < 0.75:
            i = stage_of[stage_name]
            stage = STAGES[i + 1] if STAGES[i + 1] in OPEN_STAGES else STAGES[i]
        else:
            stage = STAGES[stage_of[stage_name]]
            if rng.random() < 0.5 and opp_id not in has_lines:
                amount = round(float(amount) * rng.choice([0.8, 0.9, 1.1, 1.25]), -1)
            else:
                close = close + timedelta(days=rng.choice([14, 30, 45]))
        ts = stamp()
        closed = stage in (WON, LOST)
        con.execute(
            "update opportunity set stage_name = ?, probability = ?, forecast_category_name = ?, amount = ?, "
            "close_date = ?, is_closed = ?, is_won = ?, system_modstamp = ? where id = ?",
            (stage.name, stage.probability, stage.forecast_category, amount, close.isoformat(), int(closed),
             int(stage is WON), ts, opp_id))
        con.execute(
            "insert into opportunity_history values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (next(hist_ids), opp_id, stage.name, amount, stage.probability, stage.forecast_category,
             close.isoformat(), ts, ts))
        changed["crm.opportunity (changed)"] += 1
        changed["crm.opportunity_history"] += 1

    # new opportunities: copies of recent ones' account/owner, entering at the first stage
    template = con.execute(
        "select account_id, owner_id, currency_iso_code, type, lead_source from opportunity "
        "where is_deleted = 0 order by created_date desc, id limit 500").fetchall()
    n_new = max(1, round(total * share * 0.2))
    first = OPEN_STAGES[0]
    for opp_id in _next_ids(con, "opportunity", n_new):
        account_id, owner_id, currency, typ, source = rng.choice(template)
        amount = rng.randrange(20, 400) * 1000
        close = day + timedelta(days=rng.randrange(45, 150))
        ts = stamp()
        con.execute(
            "insert into opportunity values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, 0)",
            (opp_id, f"New deal {opp_id[-8:]} ({day:%Y-%m})", account_id, owner_id, first.name, amount, currency,
             first.probability, first.forecast_category, typ, source, "首次拜访 First visit", close.isoformat(), ts, ts))
        con.execute("insert into opportunity_history values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                    (next(hist_ids), opp_id, first.name, amount, first.probability, first.forecast_category,
                     close.isoformat(), ts, ts))
        changed["crm.opportunity (new)"] += 1
        changed["crm.opportunity_history"] += 1

    tasks = con.execute("select owner_id, what_id from task where is_deleted = 0 order by id desc limit 500").fetchall()
    n_tasks = max(1, round(con.execute("select count(*) from task").fetchone()[0] * share * 0.1))
    for task_id in _next_ids(con, "task", n_tasks):
        owner_id, what_id = rng.choice(tasks)
        ts = stamp()
        con.execute("insert into task values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                    (task_id, owner_id, what_id, "电话跟进 Follow-up call", "Call", "Completed", day.isoformat(), ts, ts))
        changed["crm.task"] += 1


def _erp_day(con, day, rng, stamp, changed) -> None:
    # a late order for a closed month: dated mid-month two months back, entered today
    closed_month = (day.replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    order_date = closed_month.replace(day=15)
    customer_id, currency = con.execute(
        "select customer_id, currency from sales_order where order_type = 'order' and status = 'fulfilled' "
        "and currency = 'CNY' order by order_id limit 1").fetchone()
    product_code, unit_price = con.execute(
        "select product_code, unit_price from sales_order_line order by order_line_id limit 1").fetchone()
    n = con.execute("select count(*) from sales_order").fetchone()[0]
    order_id = f"SO-{n + 1:07d}"
    qty = 3
    amount = round(float(unit_price) * qty, 2)
    ts = stamp()
    con.execute("insert into sales_order values (?, ?, null, 'order', null, 'fulfilled', ?, null, ?, ?, ?, 0)",
                (order_id, customer_id, order_date.isoformat(), currency, amount, ts))
    n_lines = con.execute("select count(*) from sales_order_line").fetchone()[0]
    con.execute("insert into sales_order_line values (?, ?, ?, ?, ?, ?, ?, 0)",
                (f"SOL-{n_lines + 1:08d}", order_id, product_code, qty, unit_price, amount, ts))
    n_inv = con.execute("select count(*) from invoice").fetchone()[0]
    con.execute("insert into invoice values (?, ?, ?, 'invoice', ?, ?, ?, ?, ?, 0)",
                (f"INV-{n_inv + 1:07d}", order_id, customer_id, order_date.isoformat(),
                 (order_date + timedelta(days=90)).isoformat(), currency, amount, ts))
    changed["erp.sales_order (late, closed month)"] += 1
    changed["erp.sales_order_line"] += 1
    changed["erp.invoice"] += 1
    # one open order cancelled today
    row = con.execute("select order_id from sales_order where status = 'open' and order_type = 'order' "
                      "order by order_id limit 1").fetchone()
    if row:
        con.execute("update sales_order set status = 'cancelled', cancelled_date = ?, modified_at = ? where order_id = ?",
                    (day.isoformat(), stamp(), row[0]))
        changed["erp.sales_order (cancelled)"] += 1


def _hr_move(con, day, rng, stamp, changed) -> None:
    """A rep moves to another team (of the same region where there is one), effective the first of this month."""
    month_start = day.replace(day=1)
    reps = con.execute(
        "select a.assignment_id, a.employee_id, a.org_unit_id, t.parent_org_unit_id, a.job_title, a.job_level, "
        "a.effective_from from job_assignment a join org_unit t on t.org_unit_id = a.org_unit_id "
        "where a.sales_role = 'rep' and a.effective_to is null and a.is_deleted = 0 and a.effective_from < ? "
        "order by a.assignment_id", (month_start.isoformat(),)).fetchall()
    for assignment_id, employee_id, team, region, title, level, _start in reps:
        # another team with a manager: of the same region if there is one (small scales have one team a region)
        other = con.execute(
            "select t.org_unit_id, a.employee_id from org_unit t join job_assignment a on a.org_unit_id = t.org_unit_id "
            "where t.unit_type = 'team' and t.org_unit_id <> ? and a.sales_role = 'manager' "
            "and a.effective_to is null and a.is_deleted = 0 "
            "order by t.parent_org_unit_id <> ?, t.org_unit_id limit 1", (team, region)).fetchone()
        if other is None:
            continue
        new_team, manager = other
        ts = stamp()
        con.execute("update job_assignment set effective_to = ?, modified_at = ? where assignment_id = ?",
                    ((month_start - timedelta(days=1)).isoformat(), ts, assignment_id))
        n = con.execute("select count(*) from job_assignment").fetchone()[0]
        con.execute("insert into job_assignment values (?, ?, ?, null, ?, ?, ?, ?, 'rep', ?, 0)",
                    (f"JA-{n + 1:06d}", employee_id, month_start.isoformat(), new_team, manager, title, level, ts))
        changed["hr.job_assignment (hierarchy move)"] += 2
        return
    raise RuntimeError("demo HR has no rep who can move to another team")
