"""The deterministic demo-company generator: writes the CRM, ERP and HR
databases (SQLite, tables and columns exactly as in the source contracts) and
a manifest. The same (seed, scale, as_of) gives byte-identical files.

    from salesops.demo.generator import generate
    manifest = generate(Path("data/demo"), scale=1.0, seed=42)

The company (scale 1; `scale` multiplies volume, not shape):

* 云杉智联 Yunshan Smart IoT, industrial-IoT equipment and software sold in China
  (CNY) with an international business (USD). Three business units (Industrial,
  Healthcare, International) -> 10 regions (East/North/South/West per China BU,
  APAC and Americas & Europe) -> ~11 teams of 4-6 rep seats (teams per region
  scale with `scale`); ~50 reps, a manager per team, 3 BU directors, a VP, 2 ops.
* History: 1 January two years before as_of .. as_of (2024-01-01 .. 2026-11-26).
  The CRM went live on the first working day (2024-01-02): accounts and the open
  pipeline of the time were migrated that day, so those opportunities start in
  a later stage. Hire dates and HR assignment history go back further.
* People: ~15 %/yr rep attrition with replacement hires after a vacancy (the
  seat's accounts are covered by a teammate meanwhile), a few transfers between
  teams, promotions on 1 Jan / 1 Jul, ~15 % of team managers replaced by promoting their
  best rep; new reps ramp over ~6 months (fewer, smaller, less often won deals).
* ~10k accounts (segments Strategic / Enterprise / Mid-Market / SMB), ~100k
  opportunities with ~6 history rows each, 40 products in 6 families, quotes,
  splits, ~30k leads, ~150k tasks, ~40k events, monthly quotas per rep; ERP
  orders for every won deal, cancellations, returns, invoices, payments, GL
  sales expenses by cost center, monthly average and plan FX rates.
* The HR database also holds an empty `payroll_input` table: the payroll system's input, which
  `salesops push payroll` writes (a writeback target, not an ingested source).
* Seasonality: wins cluster in the last weeks of each quarter; Chinese New Year,
  Labour Day and Golden Week are non-working days on the China calendar.
* Timestamps are naive UTC between 01:00 and 10:00 (09:00-18:00 Asia/Shanghai),
  so a timestamp's UTC date is also its business date.

Deliberate data-quality findings: one CRM user without an employee number, a
handful of ERP customers without a CRM account (some ERP-only walk-in buyers,
some missing links), stale open opportunities with past close dates and no next
step, ~0.2 % soft-deleted rows (tasks, events, leads, lost/open opportunities
with their children).

The moving parts live in `org` (people and hierarchy over time), `pipeline`
(CRM), `erp` (order-to-cash, GL, FX), `workdays` (calendars) and `storage`
(contract tables and the bulk writer).
"""

from __future__ import annotations

import gc
import json
import os
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from salesops.contracts import SOURCES
from salesops.demo.erp import plan_usd_rates, write_erp
from salesops.demo.ids import crm_ids
from salesops.demo.org import Org, write_hr, write_users
from salesops.demo.pipeline import Crm
from salesops.demo.storage import SourceWriter
from salesops.demo.workdays import WorkCalendar
from salesops.writeback.payroll import create_payroll_input

DEMO_AS_OF = date(2026, 11, 26)  # fixed, so the same seed gives the same bytes
GENERATOR_VERSION = "1"
HISTORY_YEARS = 3  # the as-of year and the two calendar years before it


def history_start(as_of: date) -> date:
    return date(as_of.year - HISTORY_YEARS + 1, 1, 1)


def go_live_date(as_of: date) -> date:
    """The CRM went live on the first working day after New Year's Day of the first history year;
    accounts and the open pipeline were migrated that day."""
    d = history_start(as_of) + timedelta(days=1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def generate(out_dir: Path, *, scale: float = 1.0, seed: int = 42, as_of: date = DEMO_AS_OF) -> dict:
    """Write out_dir/crm.db, erp.db, hr.db (SQLite, through SQLAlchemy; existing files are replaced
    atomically: written under temporary names, then os.replace) and out_dir/manifest.json;
    return the manifest {seed, scale, as_of, generator_version, tables: {"crm.opportunity": n_rows, ...}}."""
    if not (isinstance(scale, int | float) and 0 < scale <= 100):
        raise ValueError(f"scale must be a number in (0, 100], got {scale!r}")
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)
    if not isinstance(as_of, date) or isinstance(as_of, datetime) or not 2000 <= as_of.year <= 2100:
        raise ValueError(f"as_of must be a date between 2000 and 2100, got {as_of!r}")
    start = history_start(as_of)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    go_live = go_live_date(as_of)
    cals = {kind: WorkCalendar(kind, start - timedelta(days=60), as_of + timedelta(days=500)) for kind in ("CN", "INTL")}
    plan_usd = plan_usd_rates(start, as_of)

    writers = {name: SourceWriter(name, out_dir / f"{name}.db") for name in SOURCES}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived tuples and no reference cycles: the cyclic GC only costs time
    try:
        org = Org(rng, scale, start, as_of, go_live)
        write_hr(org, writers["hr"], rng)
        ids = crm_ids()
        write_users(org, writers["crm"], ids, rng)
        crm = Crm(rng=rng, nrng=nrng, scale=scale, org=org, cals=cals, ids=ids, writer=writers["crm"],
                  plan_usd=plan_usd)
        crm.products()
        crm.accounts()
        crm.opportunities()
        crm.write_accounts()
        crm.leads()
        crm.tasks()
        crm.events()
        crm.quotas()
        write_erp(writers["erp"], rng, crm, org, cals, plan_usd)
        create_payroll_input(writers["hr"].conn)  # empty: a writeback target, not a source (docs/writeback.md)
        counts: dict[str, int] = {}
        for name in SOURCES:  # commit all three before replacing any existing file
            for table, n in writers[name].commit().items():
                counts[f"{name}.{table}"] = n
        for name in SOURCES:
            writers[name].publish()
    except BaseException:
        for wr in writers.values():
            wr.abort()
        raise
    finally:
        if gc_was_enabled:
            gc.enable()

    manifest = {
        "seed": seed,
        "scale": scale,
        "as_of": as_of.isoformat(),
        "generator_version": GENERATOR_VERSION,
        "tables": counts,
    }
    tmp = out_dir / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, out_dir / "manifest.json")
    return manifest
