"""CRM content of the demo company: products and price book, accounts,
opportunities with their stage history, line items, splits and quotes,
leads, tasks and events, and monthly quotas.

Amounts are integer cents throughout; a day is a date ordinal; a timestamp is
a (day ordinal, second of day UTC) pair; the pipeline simulation runs on the
working-day clock of `workdays.WorkCalendar`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from salesops.demo import reference as ref
from salesops.demo.ids import SfIds
from salesops.demo.org import Org
from salesops.demo.reference import (
    CLOSED_LOST,
    CLOSED_WON,
    NEEDS_ANALYSIS,
    NEGOTIATION,
    PROPOSAL,
    PROSPECTING,
    QUALIFICATION,
    STAGES,
)
from salesops.demo.storage import SourceWriter, day_str, money, ts_str
from salesops.demo.workdays import WORK_SECONDS, WORK_START_SEC, WorkCalendar

N_OPPORTUNITIES = 100_000  # at scale 1
N_ACCOUNTS = 10_000
N_LEADS = 30_000
N_TASKS = 150_000
N_EVENTS = 40_000

MIGRATED_SHARE = 0.035  # open pipeline imported at CRM go-live
MEDIAN_DWELL = (5.0, 7.0, 9.0, 8.0, 7.0)  # working days per open stage
P_ADVANCE = (0.66, 0.74, 0.80, 0.76, 0.80)  # chance to move on (Negotiation: to win)
P_SKIP, P_REGRESS, P_STALL = 0.10, 0.08, 0.06  # per opportunity, if it gets that far
P_QUARTER_END_WIN, P_QUARTER_END_LOSS = 0.4, 0.12
P_DELETED = 0.0025
P_SPLIT, P_OVERLAY = 0.10, 0.04


def _q(units: int, q: int) -> int:
    """Round an integer to a multiple of q (half up)."""
    return (units + q // 2) // q * q


def _pct_of(cents: int, bp: int) -> int:
    """cents x (1 - bp/10000), rounded half up to the cent."""
    return (cents * (10000 - bp) + 5000) // 10000


def _month_end(ordinal: int) -> int:
    d = date.fromordinal(ordinal)
    nxt = date(d.year + (d.month == 12), 1 if d.month == 12 else d.month + 1, 1)
    return nxt.toordinal() - 1


@dataclass
class Product:
    idx: int
    id: str
    code: str
    family: str
    cny: int  # list price in cents
    usd: int
    unit_scale: float
    bu_only: str | None
    discontinued: int | None


@dataclass
class Accounts:
    id: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)
    bu: list[int] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    state: list[str] = field(default_factory=list)
    city: list[str] = field(default_factory=list)
    seat: list[int] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)
    industry: list[str] = field(default_factory=list)
    potential: list[int] = field(default_factory=list)
    revenue: list[int] = field(default_factory=list)
    employees: list[int] = field(default_factory=list)
    key: list[bool] = field(default_factory=list)
    created: list[tuple[int, int]] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    # filled by the opportunity simulation
    first_won: list[int | None] = field(default_factory=list)
    last_touch: list[int] = field(default_factory=list)
    n_opps: list[int] = field(default_factory=list)


@dataclass
class WonDeal:
    """What the ERP needs to book an order for a won opportunity."""

    opp_id: str
    account: int
    close_day: int
    amount: int
    currency: str
    lines: list[tuple[str, int, int, int]]  # product code, quantity, unit price, line amount


class Crm:
    """Generates the CRM tables into a SourceWriter; keeps what ERP and quotas need."""

    def __init__(self, *, rng: random.Random, nrng: np.random.Generator, scale: float, org: Org,
                 cals: dict[str, WorkCalendar], ids: dict[str, SfIds], writer: SourceWriter,
                 plan_usd: dict[int, float]) -> None:
        self.rng, self.nrng, self.scale, self.org, self.cals, self.ids, self.w = rng, nrng, scale, org, cals, ids, writer
        self.plan_usd = plan_usd
        self.start, self.as_of, self.go_live = org.start, org.as_of, org.go_live
        self.seat_bu = [org.teams[s.team].bu for s in org.seats]
        self.seat_cal = [ref.BUSINESS_UNITS[b].calendar for b in self.seat_bu]
        self.won: list[WonDeal] = []
        self.bookings: dict[tuple[int, int], int] = {}  # (seat, month index) -> CNY cents won

    # --- products --------------------------------------------------------------------------------

    def products(self) -> None:
        self.products_: list[Product] = []
        pids, pbe = self.ids["product_2"], self.ids["pricebook_entry"]
        go_live_ts = ts_str(self.go_live, 2400)
        for i, p in enumerate(ref.PRODUCTS):
            usd = p.price_cny / ref.USD_PRICE_DIVISOR
            usd_whole = int(round(usd / 10) * 10) if usd >= 1000 else max(1, int(round(usd)))
            disc = p.discontinued.toordinal() if p.discontinued else None
            prod = Product(i, pids.next(), p.code, p.family, p.price_cny * 100, usd_whole * 100, p.unit_scale, p.bu_only,
                           disc)
            self.products_.append(prod)
            active = disc is None or disc > self.as_of
            mod = go_live_ts if active else ts_str(disc, 3000)
            self.w.add("product_2", (prod.id, p.name, p.code, p.family, int(active), mod, 0))
        for prod in self.products_:
            active = prod.discontinued is None or prod.discontinued > self.as_of
            mod = go_live_ts if active else ts_str(prod.discontinued, 3000)
            for cur, price in (("CNY", prod.cny), ("USD", prod.usd)):
                self.w.add("pricebook_entry", (pbe.next(), prod.id, money(price), cur, int(active), mod, 0))
        self._pick_weight = [p.unit_scale**0.3 for p in self.products_]
        self._family_cum = {}
        for bu in ref.BUSINESS_UNITS:
            cum, acc = [], 0.0
            for _fam, wt in bu.family_weights:
                acc += wt
                cum.append(acc)
            self._family_cum[bu.code] = ([f for f, _ in bu.family_weights], cum)
        self.by_family: dict[tuple[str, str], list[Product]] = {}
        for bu in ref.BUSINESS_UNITS:
            for fam in ref.FAMILIES:
                self.by_family[(bu.code, fam)] = [p for p in self.products_
                                                  if p.family == fam and p.bu_only in (None, bu.code)]

    # --- accounts -------------------------------------------------------------------------------

    def accounts(self) -> None:
        rng, org = self.rng, self.org
        n = max(2 * len(org.seats), round(N_ACCOUNTS * self.scale))
        a = self.acc = Accounts()
        region_seats: dict[tuple[int, str], list[int]] = {}
        for s in org.seats:
            team = org.teams[s.team]
            region_seats.setdefault((team.bu, team.region_code), []).append(s.idx)
        bu_w = [bu.account_share for bu in ref.BUSINESS_UNITS]
        seg_w = [s[1] for s in ref.SEGMENTS]
        cn_cal = self.cals["CN"]
        lo_idx = cn_cal.index_on_or_after(self.go_live)
        hi_idx = cn_cal.index_on_or_before(self.as_of - 20)
        used_names: set[str] = set()
        for i in range(n):
            if i < len(org.seats):  # every seat starts with at least one account
                seat = org.seats[i].idx
                b = self.seat_bu[seat]
                region_code = org.teams[org.seats[i].team].region_code
            else:
                b = rng.choices(range(len(ref.BUSINESS_UNITS)), weights=bu_w)[0]
                regions = ref.BUSINESS_UNITS[b].regions
                r = rng.choices(regions, weights=[len(region_seats[(b, x.code)]) for x in regions])[0]
                region_code = r.code
                seat = rng.choice(region_seats[(b, region_code)])
            bu = ref.BUSINESS_UNITS[b]
            geo = ref.GEOGRAPHY[region_code]
            country, state, _, cities = rng.choices(geo, weights=[g[2] for g in geo])[0]
            city = rng.choices(cities, weights=[c[1] for c in cities])[0][0]
            seg = rng.choices(range(len(ref.SEGMENTS)), weights=seg_w)[0]
            seg_name, _, _, _, pot_median, _, opp_w, _ = ref.SEGMENTS[seg]
            industry = rng.choices(bu.industries, weights=[x[1] for x in bu.industries])[0][0]
            if region_code in ("APAC", "AMEU") and industry not in ref.EN_INDUSTRY_WORDS:
                industry = "Manufacturing"
            name, short = self._account_name(country, state, city, industry, used_names)
            potential = _q(int(pot_median * rng.lognormvariate(0, 0.9)) * 100, 1_000_000)  # whole 10k CNY
            potential = max(potential, 5_000_000)
            revenue = _q(int(potential * rng.lognormvariate(math.log(40), 0.6)), 10_000_000)
            emp_lo, emp_hi = ref.SEGMENT_EMPLOYEES[seg_name]
            employees = int(math.exp(rng.uniform(math.log(emp_lo), math.log(emp_hi))))
            key = rng.random() < (0.8 if seg_name == "Strategic" else 0.05 if seg_name == "Enterprise" else 0.0)
            if i < len(org.seats) or rng.random() < 0.55:  # migrated at go-live, before the migrated pipeline
                created_day, created_sec = self.go_live, rng.randint(WORK_START_SEC, WORK_START_SEC + 3599)
            else:
                created_day, created_sec = cn_cal.stamp(rng.randint(lo_idx, hi_idx) + rng.random())
            a.id.append("")  # ids are given in creation order below
            a.name.append(name)
            a.short.append(short)
            a.bu.append(b)
            a.region.append(region_code)
            a.country.append(country)
            a.state.append(state)
            a.city.append(city)
            a.seat.append(seat)
            a.segment.append(seg)
            a.industry.append(industry)
            a.potential.append(potential)
            a.revenue.append(revenue)
            a.employees.append(employees)
            a.key.append(key)
            a.created.append((created_day, created_sec))
            a.weight.append(opp_w * rng.lognormvariate(0, 0.9))
            a.first_won.append(None)
            a.last_touch.append(created_day)
            a.n_opps.append(0)
        order = sorted(range(n), key=lambda i: (a.created[i], i))
        acc_ids = self.ids["account"].take(n)
        for rank, i in enumerate(order):
            a.id[i] = acc_ids[rank]
        self.acc_order = order
        # per seat: accounts sorted by creation, with cumulative opportunity weights
        self.seat_acc: dict[int, tuple[list[int], np.ndarray, np.ndarray]] = {}
        tmp: dict[int, list[int]] = {}
        for i in order:
            tmp.setdefault(a.seat[i], []).append(i)
        for seat, members in tmp.items():
            self.seat_acc[seat] = (members, np.array([a.created[i][0] * 86400 + a.created[i][1] for i in members]),
                                   np.cumsum([a.weight[i] for i in members]))

    def _account_name(self, country: str, state: str, city: str, industry: str,
                      used: set[str] | None) -> tuple[str, str]:
        """(legal name, short name) of a company; unique within `used` unless that is None
        (leads: the same company showing up twice is realistic)."""
        rng = self.rng
        cn = country == "CN"
        prefixes = ref.CN_NAME_PREFIXES if cn else ref.EN_NAME_PREFIXES
        for attempt in range(30):
            brand = rng.choice(prefixes)
            if attempt >= 3:  # a crowded city: longer brand names
                brand = f"{brand}{rng.choice(prefixes)}" if cn else f"{brand} {rng.choice(prefixes)}"
            if cn and industry == "Hospitals":
                pattern = rng.choice(ref.HOSPITAL_PATTERNS)
                name = short = pattern.format(city=city, province=state, prefix=brand, n=rng.choice("一二三四五六"))
            elif cn:
                suffix = rng.choices(ref.CN_SUFFIXES, weights=[s[1] for s in ref.CN_SUFFIXES])[0][0]
                short = f"{brand}{rng.choice(ref.CN_INDUSTRY_WORDS[industry])}"
                name = f"{city}{short}{suffix}"
            else:
                short = f"{brand} {rng.choice(ref.EN_INDUSTRY_WORDS[industry])}"
                name = f"{short} {ref.EN_SUFFIX_BY_COUNTRY[country]}"
            if used is None or name not in used:
                break
        if used is not None:
            used.add(name)
        return name, short

    # --- opportunities ---------------------------------------------------------------------------

    def _creation_plan(self) -> list[tuple[int, int, int, int]]:
        """(day ordinal, second, seat, migrated start stage or -1) of every opportunity, in creation order."""
        org, nrng = self.org, self.nrng
        n_total = max(50, round(N_OPPORTUNITIES * self.scale))
        n_migrated = round(n_total * MIGRATED_SHARE)
        n_days = org.n_days
        days = np.arange(self.start, self.start + n_days)
        years = (days - self.start) / 365.25
        trend = 1.12**years
        month = np.array([date.fromordinal(int(d)).month for d in days])
        month_factor = np.array([0.9, 0.95, 1.1, 1.05, 1.0, 1.0, 0.95, 0.95, 1.05, 1.0, 1.1, 0.95])[month - 1]
        cal_w = {k: np.array(c.weight[self.start - c.first_ordinal : self.start - c.first_ordinal + n_days])
                 for k, c in self.cals.items()}
        seat_cal_w = np.stack([cal_w[k] for k in self.seat_cal])
        w = org.capacity * seat_cal_w * (trend * month_factor)[None, :]
        w[:, : self.go_live - self.start + 1] = 0.0  # go-live day: only the migrated pipeline
        counts = nrng.multinomial(n_total - n_migrated, (w / w.sum()).ravel()).reshape(w.shape)
        seat_idx, day_idx = np.nonzero(counts)
        reps = counts[seat_idx, day_idx]
        seats = np.repeat(seat_idx, reps)
        day_ords = np.repeat(day_idx, reps) + self.start
        secs = nrng.integers(WORK_START_SEC, WORK_START_SEC + WORK_SECONDS, size=len(seats))
        gl = self.go_live - self.start
        cap0 = org.capacity[:, gl]
        m_seats = nrng.choice(len(org.seats), size=n_migrated, p=cap0 / cap0.sum())
        m_stage = nrng.choice(5, size=n_migrated, p=[0.30, 0.25, 0.20, 0.15, 0.10])
        m_secs = nrng.integers(WORK_START_SEC + 3600, WORK_START_SEC + WORK_SECONDS, size=n_migrated)
        all_days = np.concatenate([np.full(n_migrated, self.go_live), day_ords])
        all_secs = np.concatenate([m_secs, secs])
        all_seats = np.concatenate([m_seats, seats])
        all_stage = np.concatenate([m_stage, np.full(len(seats), -1)])
        order = np.lexsort((all_seats, all_secs, all_days))
        return list(zip(all_days[order].tolist(), all_secs[order].tolist(), all_seats[order].tolist(),
                        all_stage[order].tolist(), strict=True))

    def _pick_accounts(self, plan: list[tuple[int, int, int, int]]) -> list[int]:
        seats = np.array([p[2] for p in plan])
        days = np.array([p[0] * 86400 + p[1] for p in plan])  # accounts created before the opportunity
        out = np.zeros(len(plan), dtype=np.int64)
        for seat in sorted(set(seats.tolist())):
            sel = np.nonzero(seats == seat)[0]
            members, created, cumw = self.seat_acc[seat]
            k = np.searchsorted(created, days[sel], side="right")
            k = np.maximum(k, 1)
            u = self.nrng.random(len(sel)) * cumw[k - 1]
            j = np.minimum(np.searchsorted(cumw, u, side="right"), k - 1)
            out[sel] = np.array(members)[j]
        return out.tolist()

    def _lines(self, bu_code: str, seg: int, currency: str, ramp: float, day: int) -> list[list[int]]:
        """Products of a deal: [product idx, qty0 (estimate), qty, list price, bp1, bp2]."""
        rng = self.rng
        _, _, median, sigma, _, _, _, disc_mean = ref.SEGMENTS[seg]
        families, cum = self._family_cum[bu_code]
        primary = rng.choices(families, cum_weights=cum)[0]
        target = median * rng.lognormvariate(0, sigma) * (0.45 + 0.55 * ramp) * (0.3 if primary == "Spare Parts" else 1.0)
        if currency == "USD":
            target /= 7.2
        k = rng.choices((1, 2, 3, 4), cum_weights=(35, 65, 85, 100))[0]
        fams = [primary] + [rng.choice(ref.COMPANION_FAMILIES[primary]) for _ in range(k - 1)]
        shares = [1.0] if k == 1 else [rng.uniform(0.5, 0.8)]
        if k > 1:
            rest = [rng.random() + 0.2 for _ in range(k - 1)]
            shares += [(1 - shares[0]) * r / sum(rest) for r in rest]
        bp1 = max(0, min(2500, _q(int(rng.gauss(disc_mean, 450)), 50)))
        bp2 = min(3000, bp1 + _q(rng.randint(150, 800), 50))
        lines: list[list[int]] = []
        seen: set[int] = set()
        for fam, share in zip(fams, shares, strict=True):
            cands = [p for p in self.by_family[(bu_code, fam)] if p.discontinued is None or p.discontinued > day]
            budget = target * share * 100  # cents
            price = (lambda p: p.usd) if currency == "USD" else (lambda p: p.cny)
            affordable = [p for p in cands if price(p) <= budget] or [min(cands, key=price)]
            prod = rng.choices(affordable, weights=[self._pick_weight[p.idx] for p in affordable])[0]
            if prod.idx in seen:
                continue
            seen.add(prod.idx)
            lp = price(prod)
            line_bp = max(0, min(3000, bp1 + rng.choice((-200, -100, 0, 0, 0, 100, 200))))
            qty = max(1, round(budget / (lp * (1 - line_bp / 10000))))
            qty0 = max(1, round(qty * rng.uniform(0.8, 1.5)))
            lines.append([prod.idx, qty0, qty, lp, line_bp, min(3000, line_bp + bp2 - bp1)])
        return lines

    def opportunities(self) -> None:
        rng, org, a, w = self.rng, self.org, self.acc, self.w
        plan = self._creation_plan()
        accounts = self._pick_accounts(plan)
        n = len(plan)
        opp_ids = self.ids["opportunity"].take(n)
        hist_ids, oli_ids, split_ids = self.ids["opportunity_history"], self.ids["opportunity_line_item"], self.ids["opportunity_split"]
        quote_ids, qli_ids = self.ids["quote"], self.ids["quote_line_item"]
        stage_name = [s.name for s in STAGES]
        stage_prob = [s.probability for s in STAGES]
        stage_fc = [s.forecast_category for s in STAGES]
        products = self.products_
        bu_codes = [b.code for b in ref.BUSINESS_UNITS]
        start, as_of = self.start, self.as_of
        seg_cycle = [s[5] for s in ref.SEGMENTS]
        owner_arr, ramp_arr, occ = org.owner, org.ramp, org.occupant
        people = org.people
        lead_w_in = [x[1] for x in ref.LEAD_SOURCES_INBOUND]
        lead_w_opp = [x[1] for x in ref.LEAD_SOURCES_OPP]
        # kept for activities and leads
        self.o_seat: list[int] = []
        self.o_cal: list[int] = []
        self.o_t0: list[float] = []
        self.o_t1: list[float] = []
        self.o_created: list[tuple[int, int]] = []
        self.o_account: list[int] = []
        self.o_id = opp_ids
        self.converted: list[tuple[str, int, int, int, int, str]] = []  # opp id, account, day, sec, owner, source
        team_seats = [self.org.teams[t].seats for t in range(len(self.org.teams))]
        bu_seats = {b: [s.idx for s in org.seats if self.seat_bu[s.idx] == b] for b in range(len(ref.BUSINESS_UNITS))}
        other_seats = {b: [s.idx for s in org.seats if self.seat_bu[s.idx] != b] for b in range(len(ref.BUSINESS_UNITS))}
        hist_rows = 0

        for i in range(n):
            day, sec, seat, mig_stage = plan[i]
            acc = accounts[i]
            oid = opp_ids[i]
            b = self.seat_bu[seat]
            bu_code = bu_codes[b]
            cal_kind = self.seat_cal[seat]
            cal = self.cals[cal_kind]
            seg = a.segment[acc]
            d_idx = day - start
            ramp = float(ramp_arr[seat, d_idx]) if occ[seat, d_idx] >= 0 else 0.7
            currency = "USD" if bu_code == "INTL" and rng.random() < 0.85 else "CNY"
            lines = self._lines(bu_code, seg, currency, ramp, day)
            has_c2 = rng.random() < 0.45
            totals = [sum(ln[1] * ln[3] for ln in lines),
                      sum(ln[2] * _pct_of(ln[3], ln[4]) for ln in lines),
                      sum(ln[2] * _pct_of(ln[3], ln[5]) for ln in lines)]
            # working-day clock
            wd = cal.index_on_or_after(day)
            # created on a weekend / holiday: the process starts next working day
            t0 = wd + (sec - WORK_START_SEC) / WORK_SECONDS if cal.days[wd] == day else float(wd)
            limit = float(cal.index_of_first_after(as_of))
            cyc = seg_cycle[seg]
            stage = mig_stage if mig_stage >= 0 else PROSPECTING
            cfg = 1 if stage >= PROPOSAL else 0
            remaining = sum(MEDIAN_DWELL[stage:]) * cyc
            close = day + int(remaining * 1.45 * rng.lognormvariate(0, 0.35)) + 1
            if rng.random() < 0.5:
                close = _month_end(close)
            events: list[tuple[float, int, int, int]] = [(-1.0, stage, cfg, close)]  # -1: at created time
            skip_at = rng.randrange(0, 3) if rng.random() < P_SKIP else -1
            regress_at = rng.randrange(2, 5) if rng.random() < P_REGRESS else -1
            stall_at = rng.randrange(stage, 5) if rng.random() < P_STALL else -1
            regressed = False
            stalled = False
            quote1_t = -1.0 if stage >= PROPOSAL else None
            quote2_t = None
            cfg_t = -1.0  # when the current configuration was set
            t = t0
            final = None  # CLOSED_WON / CLOSED_LOST
            while True:
                dwell = MEDIAN_DWELL[stage] * cyc * rng.lognormvariate(0, 0.75)
                if stage == stall_at:
                    stalled = True
                    t_cl = t + rng.uniform(60, 220)
                    if t_cl < limit:
                        final = CLOSED_LOST
                        events.append((t_cl, CLOSED_LOST, cfg, cal.days[int(t_cl)]))
                    break
                t_next = t + dwell
                subs = []
                if rng.random() < 0.55:  # the rep moves the expected close date
                    subs.append((t + dwell * rng.uniform(0.1, 0.9), 0))
                    if rng.random() < 0.2:
                        subs.append((t + dwell * rng.uniform(0.1, 0.9), 0))
                if cfg == 0 and stage in (QUALIFICATION, NEEDS_ANALYSIS) and rng.random() < 0.4:
                    subs.append((t + dwell * rng.uniform(0.1, 0.9), 1))
                if cfg == 1 and has_c2 and stage == NEGOTIATION:
                    subs.append((t + dwell * rng.uniform(0.2, 0.8), 2))
                if len(subs) > 1:
                    subs.sort()
                for ts_, kind in subs:
                    if ts_ >= limit:
                        break
                    if kind == 0:
                        close = max(close, cal.days[int(ts_)]) + rng.randint(10, 50)
                        if rng.random() < 0.5:
                            close = _month_end(close)
                    elif kind == 1:
                        cfg, cfg_t = 1, ts_
                    else:
                        cfg, cfg_t, quote2_t = 2, ts_, ts_
                    events.append((ts_, stage, cfg, close))
                if t_next >= limit:
                    break
                if stage == regress_at and not regressed:
                    regressed = True
                    stage -= 1
                    t = t_next
                    events.append((t, stage, cfg, close))
                    continue
                p = P_ADVANCE[stage]
                if stage >= PROPOSAL:
                    p *= 0.65 + 0.35 * ramp
                if regressed and stage == regress_at - 1:
                    p = 1.0
                    regress_at = -1
                if rng.random() < p:
                    if stage == NEGOTIATION:
                        t_w = t_next
                        if rng.random() < P_QUARTER_END_WIN:
                            lo, hi = cal.quarter_end_window(t_w, 10)
                            if int(t_w) < lo:
                                t_w = rng.randint(lo, hi) + rng.random()
                        if t_w >= limit:  # the customer signs at quarter end, after as_of
                            close = cal.days[int(t_w)]
                            if t_next < limit:
                                events.append((t_next, stage, cfg, close))
                            break
                        final = CLOSED_WON
                        events.append((t_w, CLOSED_WON, cfg, cal.days[int(t_w)]))
                        break
                    nxt = stage + 2 if stage == skip_at else stage + 1
                    if nxt >= PROPOSAL and cfg == 0:
                        cfg, cfg_t = 1, t_next
                    if nxt >= PROPOSAL and quote1_t is None:
                        quote1_t = t_next
                    stage = nxt
                    t = t_next
                    cd = cal.days[int(t)]
                    if cd > close:
                        close = cd + rng.randint(14, 45)
                    events.append((t, stage, cfg, close))
                else:
                    t_l = t_next
                    if rng.random() < P_QUARTER_END_LOSS:
                        lo, hi = cal.quarter_end_window(t_l, 10)
                        if int(t_l) < lo:
                            t_l = rng.randint(lo, hi) + rng.random()
                    if t_l < limit:
                        final = CLOSED_LOST
                        events.append((t_l, CLOSED_LOST, cfg, cal.days[int(t_l)]))
                    break
            last_t = events[-1][0] if len(events) > 1 else t0
            if final is None and not stalled and close < as_of and rng.random() < 0.8:
                t_fix = max(last_t, t0) + (limit - max(last_t, t0)) * rng.uniform(0.3, 0.95)
                if int(t_fix) < limit:
                    close = as_of + rng.randint(7, 60)
                    events.append((t_fix, events[-1][1], events[-1][2], close))

            # --- owner, type, source
            end_day = cal.days[int(events[-1][0])] if final is not None else as_of
            owner = int(owner_arr[seat, end_day - start])
            owner_uid = people[owner].user_id
            existing = a.first_won[acc] is not None and a.first_won[acc] < day
            from_lead = mig_stage < 0 and rng.random() < (0.03 if existing else 0.16)
            if from_lead:
                source = rng.choices(ref.LEAD_SOURCES_INBOUND, weights=lead_w_in)[0][0]
            elif existing and rng.random() < 0.6:
                source = "Existing Customer"
            else:
                source = rng.choices(ref.LEAD_SOURCES_OPP, weights=lead_w_opp)[0][0]
            deleted = final != CLOSED_WON and rng.random() < P_DELETED

            # --- history rows
            prev_day, prev_sec = day, sec
            stamps = []
            for t_e, _st, _cf, _cd in events:
                if t_e < 0:
                    d_, s_ = day, sec
                else:
                    k = int(t_e)
                    d_, s_ = cal.days[k], WORK_START_SEC + int((t_e - k) * WORK_SECONDS)
                    if (d_, s_) <= (prev_day, prev_sec):
                        d_, s_ = prev_day, prev_sec + 1
                prev_day, prev_sec = d_, s_
                stamps.append((d_, s_))
            cur_stage, cur_cfg, cur_close = events[-1][1], events[-1][2], events[-1][3]
            amount = totals[cur_cfg]
            mod_day, mod_sec = stamps[-1]
            if final is None and rng.random() < 0.4:  # next step edited later
                t_e = max(last_t, t0) + (limit - max(last_t, t0)) * rng.random()
                dd, ss = cal.stamp(min(t_e, limit - 1e-6))
                if (dd, ss) > (mod_day, mod_sec):
                    mod_day, mod_sec = dd, ss
            if deleted:  # soft delete: the record and its children get the deletion time as modstamp
                dd = min(as_of, mod_day + rng.randint(1, 60))
                mod_day, mod_sec = (dd, mod_sec + 1) if dd == mod_day else (dd, rng.randint(3600, 36000))
                del_ts = ts_str(mod_day, mod_sec)
            for (_t, st, cf, cd), (d_, s_) in zip(events, stamps, strict=True):
                tss = ts_str(d_, s_)
                w.add("opportunity_history", (hist_ids.next(), oid, stage_name[st], money(totals[cf]), stage_prob[st],
                                              stage_fc[st], day_str(cd), tss, del_ts if deleted else tss, int(deleted)))
            hist_rows += len(events)
            if final is None:
                steps = ref.NEXT_STEPS[cur_stage]
                next_step = None if rng.random() < (0.4 if stalled else 0.12) else rng.choice(steps)
            else:
                next_step = None
            year_month = date.fromordinal(day)
            name = f"{a.short[acc]} - {rng.choice(ref.FAMILY_PROJECTS[products[lines[0][0]].family])} ({year_month:%Y-%m})"
            w.add("opportunity", (
                oid, name, a.id[acc], owner_uid, stage_name[cur_stage], money(amount), currency, stage_prob[cur_stage],
                stage_fc[cur_stage], "Existing Business" if existing else "New Business", source, next_step,
                day_str(cur_close), int(final is not None), int(final == CLOSED_WON), ts_str(day, sec),
                ts_str(mod_day, mod_sec), int(deleted),
            ))

            # --- line items (current configuration)
            cfg_day, cfg_sec = (day, sec) if cfg_t < 0 else cal.stamp(cfg_t)
            if (cfg_day, cfg_sec) < (day, sec):
                cfg_day, cfg_sec = day, sec
            li_mod = ts_str(mod_day, mod_sec) if deleted else ts_str(cfg_day, cfg_sec)
            for ln in lines:
                prod = products[ln[0]]
                qty = ln[1] if cur_cfg == 0 else ln[2]
                unit = ln[3] if cur_cfg == 0 else _pct_of(ln[3], ln[3 + cur_cfg])
                w.add("opportunity_line_item", (oli_ids.next(), oid, prod.id, qty, money(ln[3]), money(unit),
                                                money(qty * unit), li_mod, int(deleted)))

            # --- quotes
            if quote1_t is not None:
                quotes = [(quote1_t, 1)] + ([(quote2_t, 2)] if quote2_t is not None else [])
                for qn, (q_t, q_cfg) in enumerate(quotes):
                    if q_t < 0:
                        q_day, q_sec = day, sec
                    else:
                        q_day, q_sec = cal.stamp(q_t)
                    last = qn == len(quotes) - 1
                    max_bp = max(ln[3 + q_cfg] for ln in lines)
                    if not last:
                        status = "Rejected" if max_bp > 2000 else "Denied"
                        q_mod = cal.stamp(quotes[qn + 1][0])
                    elif final == CLOSED_WON:
                        status, q_mod = "Accepted", (mod_day, mod_sec) if deleted else stamps[-1]
                    elif final == CLOSED_LOST:
                        status, q_mod = "Denied", stamps[-1]
                    else:
                        r = rng.random()
                        if max_bp > 2000:
                            status = "Needs Review" if r < 0.3 else "Approved"
                        else:
                            status = "Draft" if r < 0.1 else "Presented"
                        q_mod = (q_day, q_sec)
                    if deleted:
                        q_mod = (mod_day, mod_sec)
                    if q_mod < (q_day, q_sec):
                        q_mod = (q_day, q_sec)
                    qid = quote_ids.next()
                    subtotal = sum(ln[2] * ln[3] for ln in lines)
                    total = sum(ln[2] * _pct_of(ln[3], ln[3 + q_cfg]) for ln in lines)
                    disc_bp = ((subtotal - total) * 10000 + subtotal // 2) // subtotal
                    q_mod_s = ts_str(*q_mod)
                    w.add("quote", (
                        qid, oid, f"Q{i + 1:07d}-{qn + 1}", status, int(last), money(subtotal),
                        money(disc_bp), money(total), currency, day_str(q_day + 30), ts_str(q_day, q_sec), q_mod_s,
                        int(deleted),
                    ))
                    for ln in lines:
                        unit = _pct_of(ln[3], ln[3 + q_cfg])
                        w.add("quote_line_item", (qli_ids.next(), qid, products[ln[0]].id, ln[2], money(ln[3]),
                                                  money(unit), money(ln[3 + q_cfg]), money(ln[2] * unit), q_mod_s,
                                                  int(deleted)))

            # --- won: splits, bookings, ERP hand-over
            if final == CLOSED_WON:
                close_day = cur_close
                c_idx = close_day - start
                if a.first_won[acc] is None:
                    a.first_won[acc] = close_day
                split_mod = ts_str(stamps[-1][0], min(stamps[-1][1] + 600, 86399))
                r = rng.random()
                if r < P_SPLIT + P_OVERLAY:
                    rows = []
                    if r < P_SPLIT:
                        team = self.org.seats[seat].team
                        mates = [int(occ[s, c_idx]) for s in team_seats[team] if occ[s, c_idx] >= 0]
                        mates = [m for m in mates if m != owner] or [int(occ[s, c_idx]) for s in bu_seats[b]
                                                                     if occ[s, c_idx] >= 0 and occ[s, c_idx] != owner]
                        if mates:
                            other = rng.choice(mates)
                            pct = rng.choice((50, 60, 70, 70, 80))
                            own_amt = (amount * pct + 50) // 100
                            rows += [(owner, "Revenue", pct, own_amt), (other, "Revenue", 100 - pct, amount - own_amt)]
                    else:
                        others = [int(occ[s, c_idx]) for s in rng.sample(other_seats[b], min(12, len(other_seats[b])))
                                  if occ[s, c_idx] >= 0]
                        if others:
                            ov = rng.choice(others)
                            pct = 100 if rng.random() < 0.7 else 50
                            rows += [(owner, "Revenue", 100, amount), (ov, "Overlay", pct, amount * pct // 100)]
                    for person, kind, pct, amt in rows:
                        w.add("opportunity_split", (split_ids.next(), oid, people[person].user_id, kind, pct,
                                                    money(amt), split_mod, 0))
                cny = amount if currency == "CNY" else int(round(amount * self.plan_usd[date.fromordinal(close_day).year]))
                cd = date.fromordinal(close_day)
                key = (seat, (cd.year - date.fromordinal(start).year) * 12 + cd.month - 1)
                self.bookings[key] = self.bookings.get(key, 0) + cny
                order_lines = []
                for ln in lines:
                    qty = ln[1] if cur_cfg == 0 else ln[2]
                    unit = ln[3] if cur_cfg == 0 else _pct_of(ln[3], ln[3 + cur_cfg])
                    order_lines.append((products[ln[0]].code, qty, unit, qty * unit))
                self.won.append(WonDeal(oid, acc, close_day, amount, currency, order_lines))

            a.n_opps[acc] += 1
            a.last_touch[acc] = max(a.last_touch[acc], mod_day)
            t_end = events[-1][0] if final is not None else limit
            self.o_seat.append(seat)
            self.o_cal.append(0 if cal_kind == "CN" else 1)
            self.o_t0.append(t0)
            self.o_t1.append(max(t_end, t0))
            self.o_created.append((day, sec))
            self.o_account.append(acc)
            if from_lead and not deleted:
                self.converted.append((oid, acc, day, sec, owner, source))
        self.history_rows = hist_rows

    def write_accounts(self) -> None:
        a, org, rng = self.acc, self.org, self.rng
        as_idx = self.as_of - self.start
        for i in self.acc_order:
            owner = org.people[int(org.owner[a.seat[i], as_idx])]
            created_day, created_sec = a.created[i]
            mod_day = a.created[i][0]
            if rng.random() < 0.6:
                mod_day = min(self.as_of, max(mod_day, a.last_touch[i] + rng.randint(0, 30)))
            mod = (created_day, created_sec) if mod_day == created_day else (mod_day, rng.randint(3600, 36000))
            self.w.add("account", (
                a.id[i], a.name[i], "Customer" if a.first_won[i] is not None else "Prospect", a.industry[i], a.country[i],
                a.state[i], a.city[i], owner.user_id, money(a.revenue[i]), a.employees[i],
                ref.SEGMENTS[a.segment[i]][0], money(a.potential[i]), int(a.key[i]), ts_str(created_day, created_sec),
                ts_str(*mod), 0,
            ))

    # --- leads -----------------------------------------------------------------------------------

    def leads(self) -> None:
        rng, org, a = self.rng, self.org, self.acc
        ids = self.ids["lead"]
        n_total = max(len(self.converted), round(N_LEADS * self.scale))
        rows = []
        for oid, acc, day, sec, owner, source in self.converted:
            lag = rng.randint(1, 45)
            c_day = max(self.go_live, day - lag)
            c_sec = rng.randint(WORK_START_SEC, WORK_START_SEC + WORK_SECONDS - 1)
            if (c_day, c_sec) > (day, sec):
                c_day, c_sec = day, max(WORK_START_SEC, sec - 1)
            rows.append(((c_day, c_sec), org.people[owner].user_id, a.name[acc], a.state[acc], source, "Converted", 1,
                         day, a.id[acc], oid, (day, sec)))
        cn_cal = self.cals["CN"]
        lo = cn_cal.index_on_or_after(self.go_live)
        hi = cn_cal.index_on_or_before(self.as_of)
        inbound_w = [x[1] for x in ref.LEAD_SOURCES_INBOUND]
        as_idx = self.as_of - self.start
        for _ in range(n_total - len(rows)):
            j = rng.randrange(len(a.id))  # a prospect in the territory of some account's seat
            seat, region = a.seat[j], a.region[j]
            geo = ref.GEOGRAPHY[region]
            country, state, _, cities = rng.choices(geo, weights=[g[2] for g in geo])[0]
            city = rng.choices(cities, weights=[c[1] for c in cities])[0][0]
            company, _short = self._account_name(country, state, city, a.industry[j], None)
            t = rng.uniform(lo, hi + 1)
            c_day, c_sec = cn_cal.stamp(min(t, hi + 0.999))
            age = self.as_of - c_day
            r = rng.random()
            if age > 90:
                status = "Unqualified" if r < 0.75 else "Qualified" if r < 0.85 else "Working" if r < 0.93 else "Open"
            else:
                status = "Open" if r < 0.4 else "Working" if r < 0.75 else "Qualified" if r < 0.85 else "Unqualified"
            owner = org.people[int(org.owner[seat, c_day - self.start if c_day <= self.as_of else as_idx])]
            mod_day = c_day if status == "Open" else min(self.as_of, c_day + rng.randint(1, 40))
            rows.append(((c_day, c_sec), owner.user_id, company, state,
                         rng.choices(ref.LEAD_SOURCES_INBOUND, weights=inbound_w)[0][0], status, 0, None, None, None,
                         (mod_day, c_sec if mod_day == c_day else rng.randint(3600, 36000))))
        rows.sort(key=lambda r: (r[0], r[9] or "", r[2]))
        for created, owner_uid, company, state, source, status, conv, conv_day, acc_id, opp_id, mod in rows:
            deleted = conv == 0 and rng.random() < 0.003
            if deleted:
                mod = (min(self.as_of, mod[0] + rng.randint(1, 30)), 35000)
            self.w.add("lead", (ids.next(), owner_uid, company, state, source, status, conv,
                                day_str(conv_day) if conv_day else None, acc_id, opp_id, ts_str(*created), ts_str(*mod),
                                int(deleted)))

    # --- activities --------------------------------------------------------------------------------

    def _activity_times(self, n_opp_linked: int, n_acc_linked: int):
        """Working-day times, calendars, seats, what-ids and earliest creation stamps of activities."""
        nrng, a = self.nrng, self.acc
        t0 = np.array(self.o_t0)
        t1 = np.array(self.o_t1)
        span = t1 - t0
        p = (span + 2.0) / (span + 2.0).sum()
        pick = nrng.choice(len(t0), size=n_opp_linked, p=p)
        t_o = t0[pick] + nrng.random(n_opp_linked) * span[pick]
        cal_o = np.array(self.o_cal)[pick]
        seat_o = np.array(self.o_seat)[pick]
        what_o = [self.o_id[k] for k in pick.tolist()]
        base_o = [self.o_created[k] for k in pick.tolist()]
        # account-linked: busier accounts get more attention
        weights = np.array(a.n_opps, dtype=float) + 0.5
        acc_pick = nrng.choice(len(a.id), size=n_acc_linked, p=weights / weights.sum())
        cal_a = np.array([0 if ref.BUSINESS_UNITS[a.bu[j]].calendar == "CN" else 1 for j in acc_pick.tolist()],
                         dtype=np.int64)
        seat_a = np.array([a.seat[j] for j in acc_pick.tolist()])
        lo = np.empty(n_acc_linked)
        hi = np.empty(n_acc_linked)
        for c, kind in enumerate(("CN", "INTL")):
            cal = self.cals[kind]
            sel = cal_a == c
            lo[sel] = [cal.index_on_or_after(a.created[j][0]) for j in acc_pick[sel].tolist()]
            hi[sel] = cal.index_of_first_after(self.as_of)
        t_a = lo + nrng.random(n_acc_linked) * np.maximum(hi - lo, 0.01)
        what_a = [a.id[j] for j in acc_pick.tolist()]
        base_a = [a.created[j] for j in acc_pick.tolist()]
        return (np.concatenate([t_o, t_a]), np.concatenate([cal_o, cal_a]), np.concatenate([seat_o, seat_a]),
                what_o + what_a, base_o + base_a)

    def _stamps(self, t: np.ndarray, cal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        days = np.empty(len(t), dtype=np.int64)
        k = np.floor(t).astype(np.int64)
        for c, kind in enumerate(("CN", "INTL")):
            sel = cal == c
            arr = np.array(self.cals[kind].days, dtype=np.int64)
            days[sel] = arr[np.minimum(k[sel], len(arr) - 1)]
        secs = WORK_START_SEC + ((t - k) * WORK_SECONDS).astype(np.int64)
        return days, np.minimum(secs, WORK_START_SEC + WORK_SECONDS - 1)

    def _owners(self, seats: np.ndarray, days: np.ndarray) -> list[str]:
        idx = np.clip(days - self.start, 0, self.org.n_days - 1)
        uids = [p.user_id for p in self.org.people]
        return [uids[i] for i in self.org.owner[seats, idx].tolist()]

    def tasks(self) -> None:
        nrng, rng = self.nrng, self.rng
        n = max(10, round(N_TASKS * self.scale))
        n_future = round(n * 0.02)
        n_past = n - n_future
        n_opp = round(n_past * 0.7)
        t, cal, seats, what, base = self._activity_times(n_opp, n_past - n_opp)
        days, secs = self._stamps(t, cal)
        # a few tasks due in the next two weeks
        f_pick = nrng.choice(len(t), size=n_future)
        f_days = self.as_of + nrng.integers(1, 15, size=n_future)
        days = np.concatenate([days, f_days])
        secs = np.concatenate([secs, nrng.integers(WORK_START_SEC, WORK_START_SEC + WORK_SECONDS, size=n_future)])
        seats = np.concatenate([seats, seats[f_pick]])
        what = what + [what[k] for k in f_pick.tolist()]
        base = base + [(self.as_of - 6, WORK_START_SEC) for _ in range(n_future)]
        owners = self._owners(seats, np.minimum(days, self.as_of))
        types = nrng.choice(len(ref.TASK_TYPES), size=n, p=_norm([x[1] for x in ref.TASK_TYPES]))
        lag = nrng.exponential(1.2, size=n) * 86400  # created ahead of the due date
        order = np.lexsort((secs, days))
        ids = self.ids["task"].take(n)
        rows = []
        as_of_end = self.as_of * 86400 + WORK_START_SEC + WORK_SECONDS  # 18:00 Asia/Shanghai
        subjects = {k: v for k, v in ref.TASK_SUBJECTS.items()}
        rnd = nrng.random(n)
        for rank, j in enumerate(order.tolist()):
            d, s = int(days[j]), int(secs[j])
            act = d * 86400 + s
            b = base[j][0] * 86400 + base[j][1]
            created = max(b, min(act, as_of_end) - int(lag[j]))
            created = min(created, as_of_end - 3600)
            typ = ref.TASK_TYPES[types[j]][0]
            if d > self.as_of:
                status = "Not Started"
            elif self.as_of - d <= 7:
                status = "Not Started" if rnd[j] < 0.4 else "Completed"
            else:
                status = "Not Started" if rnd[j] < 0.03 else "Completed"
            mod = created if status == "Not Started" else max(created, min(act + 1800, as_of_end))
            deleted = rnd[j] > 0.995
            if deleted:
                mod = min(max(mod, created) + 86400 * 3, as_of_end)
            rows.append((ids[rank], owners[j], what[j], rng.choice(subjects[typ]), typ, status, day_str(d),
                         ts_str(created // 86400, created % 86400), ts_str(mod // 86400, mod % 86400), int(deleted)))
            if len(rows) >= 50_000:
                self.w.extend("task", rows)
                rows = []
        self.w.extend("task", rows)

    def events(self) -> None:
        nrng, rng = self.nrng, self.rng
        n = max(10, round(N_EVENTS * self.scale))
        n_future = round(n * 0.03)
        n_past = n - n_future
        n_opp = round(n_past * 0.6)
        t, cal, seats, what, base = self._activity_times(n_opp, n_past - n_opp)
        days, secs = self._stamps(t, cal)
        f_pick = nrng.choice(len(t), size=n_future)
        days = np.concatenate([days, self.as_of + nrng.integers(1, 15, size=n_future)])
        secs = np.concatenate([secs, nrng.integers(WORK_START_SEC, WORK_START_SEC + WORK_SECONDS, size=n_future)])
        seats = np.concatenate([seats, seats[f_pick]])
        what = what + [what[k] for k in f_pick.tolist()]
        base = base + [(self.as_of - 10, WORK_START_SEC) for _ in range(n_future)]
        secs = -(-secs // 1800) * 1800  # meetings start on the (next) half hour
        owners = self._owners(seats, np.minimum(days, self.as_of))
        types = nrng.choice(len(ref.EVENT_TYPES), size=n, p=_norm([x[1] for x in ref.EVENT_TYPES]))
        lag = nrng.uniform(0.5, 10, size=n) * 86400
        order = np.lexsort((secs, days))
        ids = self.ids["event"].take(n)
        as_of_end = self.as_of * 86400 + WORK_START_SEC + WORK_SECONDS
        rnd = nrng.random(n)
        rows = []
        for rank, j in enumerate(order.tolist()):
            d, s = int(days[j]), int(secs[j])
            act = d * 86400 + s
            b = base[j][0] * 86400 + base[j][1]
            created = min(max(b, act - int(lag[j])), as_of_end - 3600)
            mod = created if act > as_of_end else max(created, min(act + 7200, as_of_end))
            deleted = rnd[j] > 0.998
            if deleted:
                mod = min(mod + 86400, as_of_end)
            typ = ref.EVENT_TYPES[types[j]][0]
            rows.append((ids[rank], owners[j], what[j], rng.choice(ref.EVENT_SUBJECTS[typ]), typ, ts_str(d, s),
                         rng.choice(ref.EVENT_DURATIONS), ts_str(created // 86400, created % 86400),
                         ts_str(mod // 86400, mod % 86400), int(deleted)))
        self.w.extend("event", rows)

    # --- quotas -----------------------------------------------------------------------------------

    def quotas(self) -> None:
        """Monthly revenue quota per rep for every year of history (and the rest of the as-of
        year): the seat's demonstrated bookings rate x seasonality x growth x ramp x 1.1-1.3."""
        org, rng = self.org, self.rng
        y0 = date.fromordinal(self.start).year
        y1 = date.fromordinal(self.as_of).year
        n_months = (y1 - y0 + 1) * 12
        as_of_month = (y1 - y0) * 12 + date.fromordinal(self.as_of).month - 1
        month_start = [date(y0 + m // 12, m % 12 + 1, 1).toordinal() for m in range(n_months + 1)]
        # capacity-months per seat and month (the ramp-weighted share of the month a rep sold)
        cap = np.zeros((len(org.seats), n_months))
        for m in range(min(as_of_month + 1, n_months)):
            lo, hi = month_start[m] - self.start, min(month_start[m + 1], self.as_of + 1) - self.start
            cap[:, m] = org.ramp[:, lo:hi].sum(axis=1) / (month_start[m + 1] - month_start[m])
        booked = np.zeros((len(org.seats), n_months))
        for (seat, m), cents in self.bookings.items():
            booked[seat, m] += cents
        full = as_of_month  # months before the as-of month are complete
        rate = booked[:, :full].sum(axis=0) / np.maximum(cap[:, :full].sum(axis=0), 1e-9)  # per full-capacity rep
        season = np.ones(12)
        for mo in range(12):
            vals = [rate[m] for m in range(mo, full, 12)]
            if vals:
                season[mo] = np.mean(vals)
        season = season / season.mean()
        growth = {}
        overall = booked[:, :full].sum() / max(cap[:, :full].sum(), 1e-9)
        for y in range(y0, y1 + 1):
            ms = [m for m in range((y - y0) * 12, (y - y0) * 12 + 12) if m < full]
            if ms:
                growth[y] = booked[:, ms].sum() / max(cap[:, ms].sum(), 1e-9) / overall
            else:
                growth[y] = growth.get(y - 1, 1.0) * 1.1
        seat_rate = booked[:, :full].sum(axis=1) / np.maximum(cap[:, :full].sum(axis=1), 0.5)
        seat_rate = 0.5 * seat_rate + 0.5 * overall  # managers set quotas between the territory's history and the average
        seat_rate = seat_rate / season.mean()
        ids = self.ids["forecasting_quota"]
        ftype = self.ids["forecasting_type"].next()
        rows = []
        for p in org.people:
            rep_stints = [s for s in p.stints if s[3] == "rep"]
            if not rep_stints:
                continue
            factors: dict[int, float] = {}
            for m in range(n_months):
                m_lo, m_hi = month_start[m], month_start[m + 1] - 1
                y = y0 + m // 12
                amount = 0.0
                for f, t, unit, _ in rep_stints:
                    end = t if t is not None else (p.term_day if p.term_day is not None else m_hi)
                    lo, hi = max(f, m_lo), min(end, m_hi)
                    if hi < lo:
                        continue
                    team = org.team_of_unit[unit]
                    seat = next((s for s in team.seats if any(seg[2] == p.idx and seg[0] == f
                                                              for seg in org.seats[s].segments)), team.seats[0])
                    share = (hi - lo + 1) / (m_hi - m_lo + 1)
                    mid = (lo + hi) // 2
                    ramp = min(1.0, 0.25 + 0.75 * max(0, mid - p.hire_day) / 182)
                    amount += seat_rate[seat] * season[m % 12] * growth[y] * ramp * share
                if amount <= 0 or (p.term_day is not None and p.term_day < m_lo):
                    continue
                if y not in factors:
                    factors[y] = rng.uniform(1.1, 1.3)
                cents = _q(int(amount * factors[y]), 100_000)
                if cents <= 0:
                    continue
                set_day = max(self.go_live, date(y - 1, 12, 15).toordinal(), min(p.hire_day, m_lo))
                set_day = min(set_day, self.as_of)
                rows.append((month_start[m], p.idx, cents, set_day))
        rows.sort()
        for m_start, pidx, cents, set_day in rows:
            self.w.add("forecasting_quota", (ids.next(), org.people[pidx].user_id, day_str(m_start), money(cents), "CNY",
                                             None, ftype, ts_str(set_day, 3600 + pidx % 3600), 0))


def _norm(weights) -> np.ndarray:
    arr = np.array(weights, dtype=float)
    return arr / arr.sum()

