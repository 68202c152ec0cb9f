"""ERP content: customers, orders for won deals (plus a few booked outside the
CRM), cancellations and returns, invoices and credit notes, payments, GL sales
expenses and FX rates. Amounts are integer cents; days are date ordinals."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from salesops.demo import reference as ref
from salesops.demo.org import Org
from salesops.demo.pipeline import Crm
from salesops.demo.storage import SourceWriter, day_str, decimal_units, money, ts_str
from salesops.demo.workdays import WorkCalendar

P_CANCEL, P_RETURN, P_TWO_INVOICES, P_UNPAID, P_INSTALMENTS = 0.02, 0.012, 0.3, 0.03, 0.1


@dataclass
class _Order:
    seq: int
    kind: str  # order / return
    account: int | None  # CRM account index (None: a walk-in customer)
    walk_in: int | None
    opp_id: str | None
    day: int
    currency: str
    amount: int
    lines: list[tuple[str, int, int, int]]
    segment: str
    original: _Order | None = None
    status: str = "open"
    cancel_day: int | None = None
    fulfil_day: int | None = None
    order_id: str = ""
    customer_id: str = ""
    invoices: list = field(default_factory=list)


def plan_usd_rates(start: date, as_of: date) -> dict[int, float]:
    return {y: ref.FX_PLAN_USD.get(y, 7.15) for y in range(start.year - 1, as_of.year + 2)}


def _wd(cal: WorkCalendar, ordinal: int) -> int:
    return cal.days[cal.index_on_or_after(ordinal)]


def write_erp(w: SourceWriter, rng: random.Random, crm: Crm, org: Org, cals: dict[str, WorkCalendar],
              plan_usd: dict[int, float]) -> None:
    as_of = org.as_of
    a = crm.acc
    cal = cals["CN"]
    orders: list[_Order] = []
    for deal in crm.won:
        seg = ref.SEGMENTS[a.segment[deal.account]][0]
        day = min(as_of, _wd(cal, deal.close_day + rng.choice((0, 1, 1, 2, 3, 5, 7))))
        orders.append(_Order(len(orders), "order", deal.account, None, deal.opp_id, day, deal.currency, deal.amount,
                             deal.lines, seg))
    # a few orders booked directly in the ERP (spare parts re-orders, walk-in buyers)
    spares = [p for p in crm.products_ if p.family == "Spare Parts" and p.discontinued is None]
    customers_with_orders = sorted({o.account for o in orders})
    n_extra = max(3, round(0.01 * len(orders)))
    lo_idx, hi_idx = cal.index_on_or_after(org.go_live), cal.index_on_or_before(as_of)
    walk_ins: list[tuple[str, str, str, str]] = []  # ERP-only customers (no CRM account)
    for _ in range(max(2, round(5 * crm.scale))):
        region = rng.choice(("EAST", "NORTH", "SOUTH", "WEST"))
        geo = ref.GEOGRAPHY[region]
        country, state, _, cities = rng.choices(geo, weights=[g[2] for g in geo])[0]
        city = rng.choices(cities, weights=[c[1] for c in cities])[0][0]
        name, _ = crm._account_name(country, state, city, "Manufacturing", None)
        walk_ins.append((name, country, state, city))
    for k in range(n_extra):
        day = cal.days[rng.randint(lo_idx, hi_idx)]
        if customers_with_orders and k >= len(walk_ins) and rng.random() < 0.9:
            acc, walk = rng.choice(customers_with_orders), None
            currency = "USD" if a.region[acc] in ("APAC", "AMEU") else "CNY"
            seg = ref.SEGMENTS[a.segment[acc]][0]
        else:
            acc, walk, currency, seg = None, rng.randrange(len(walk_ins)) if k >= len(walk_ins) else k, "CNY", "SMB"
        lines = []
        for prod in rng.sample(spares, rng.randint(1, min(3, len(spares)))):
            unit = prod.usd if currency == "USD" else prod.cny
            qty = rng.randint(5, 120)
            lines.append((prod.code, qty, unit, qty * unit))
        orders.append(_Order(len(orders), "order", acc, walk, None, day, currency, sum(x[3] for x in lines), lines, seg))

    # lifecycle: cancellation, fulfilment, returns
    returns: list[_Order] = []
    for o in orders:
        if rng.random() < P_CANCEL:
            cd = _wd(cal, o.day + rng.randint(2, 45))
            if cd <= as_of:
                o.status, o.cancel_day = "cancelled", cd
                continue
        fd = _wd(cal, o.day + rng.randint(5, 40))
        if fd <= as_of:
            o.status, o.fulfil_day = "fulfilled", fd
            if rng.random() < P_RETURN:
                rd = _wd(cal, fd + rng.randint(10, 120))
                if rd <= as_of:
                    if len(o.lines) == 1 or rng.random() < 0.4:
                        r_lines = list(o.lines)
                    else:
                        code, qty, unit, _ = rng.choice(o.lines)
                        r_qty = max(1, qty // rng.choice((1, 2, 3)))
                        r_lines = [(code, r_qty, unit, r_qty * unit)]
                    r = _Order(len(orders) + len(returns), "return", o.account, o.walk_in, o.opp_id, rd, o.currency,
                               sum(x[3] for x in r_lines), r_lines, o.segment, original=o, status="fulfilled",
                               fulfil_day=rd)
                    returns.append(r)
    everything = sorted(orders + returns, key=lambda o: (o.day, o.seq))

    # customers, in order of their first order; a few CRM customers lack the CRM link
    cust_ids: dict[tuple, str] = {}
    cust_rows = []
    for o in everything:
        key = ("acc", o.account) if o.account is not None else ("walk", o.walk_in)
        if key not in cust_ids:
            cust_ids[key] = f"C{len(cust_ids) + 100001}"
            cust_rows.append((key, o.day))
        o.customer_id = cust_ids[key]
    linked = [k for k, _ in cust_rows if k[0] == "acc"]
    unlinked = set(rng.sample(range(len(linked)), min(len(linked), max(2, round(6 * crm.scale)))))
    unlinked_keys = {linked[i] for i in sorted(unlinked)}
    for key, first_day in cust_rows:
        if key[0] == "acc":
            acc = key[1]
            name, country, state, city = a.name[acc], a.country[acc], a.state[acc], a.city[acc]
            currency = "USD" if a.region[acc] in ("APAC", "AMEU") else "CNY"
            crm_id = None if key in unlinked_keys else a.id[acc]
        else:
            name, country, state, city = walk_ins[key[1]]
            currency, crm_id = "CNY", None
        mod_day = min(as_of, first_day + (rng.randint(0, 200) if rng.random() < 0.3 else 0))
        w.add("customer", (cust_ids[key], crm_id, name, country, state, city, currency,
                           ts_str(mod_day, 3600 + rng.randint(0, 30000)), 0))

    # orders and lines
    line_no = 0
    for n, o in enumerate(everything, start=1):
        o.order_id = f"SO-{n:07d}"
    for o in everything:
        last = max(d for d in (o.day, o.cancel_day, o.fulfil_day) if d is not None)
        w.add("sales_order", (
            o.order_id, o.customer_id, o.opp_id, o.kind, o.original.order_id if o.original else None, o.status,
            day_str(o.day), day_str(o.cancel_day) if o.cancel_day else None, o.currency, money(o.amount),
            ts_str(min(last, as_of), 7200 + o.seq % 28000), 0,
        ))
        for code, qty, unit, amount in o.lines:
            line_no += 1
            w.add("sales_order_line", (f"SOL-{line_no:08d}", o.order_id, code, qty, money(unit), money(amount),
                                       ts_str(o.day, 7200 + o.seq % 28000), 0))

    # invoices (and credit notes for returns)
    invoices = []  # (day, seq, order, type, amount, due_day)
    for o in everything:
        if o.status != "fulfilled":
            continue
        if o.kind == "return":
            d = min(as_of, _wd(cal, o.day + rng.randint(0, 5)))
            invoices.append((d, len(invoices), o, "credit_note", o.amount, d))
            continue
        terms = 30 if o.currency == "USD" and o.segment != "Strategic" else ref.SEGMENT_PAYMENT_TERMS[o.segment]
        parts = [o.amount]
        if o.amount >= 2000_00 and rng.random() < P_TWO_INVOICES:
            first = (o.amount * rng.choice((60, 70, 80)) + 50) // 100
            parts = [first, o.amount - first]
        d = o.fulfil_day
        for k, amt in enumerate(parts):
            if k == 1:
                d = _wd(cal, d + rng.randint(30, 90))  # acceptance / services invoiced later
            if d > as_of:
                break
            invoices.append((d, len(invoices), o, "invoice", amt, d + terms))
    invoices.sort(key=lambda x: (x[0], x[1]))
    payments = []  # (day, seq, invoice id, currency, amount)
    for n, (d, _seq, o, typ, amt, due) in enumerate(invoices, start=1):
        inv_id = f"INV-{n:07d}"
        mod_day = d
        if typ == "invoice" and rng.random() >= P_UNPAID:
            terms = due - d
            pay = _wd(cal, d + max(5, int(terms * rng.uniform(0.6, 1.6))))
            if rng.random() < P_INSTALMENTS and amt >= 200_00:
                half = amt // 2
                plan = [(pay, half), (_wd(cal, pay + rng.randint(20, 45)), amt - half)]
            else:
                plan = [(pay, amt)]
            for pd, pamt in plan:
                if pd <= as_of:
                    payments.append((pd, len(payments), inv_id, o.currency, pamt))
                    mod_day = pd  # the invoice's open amount changed
        w.add("invoice", (inv_id, o.order_id, o.customer_id, typ, day_str(d), day_str(due), o.currency, money(amt),
                          ts_str(min(mod_day, as_of), 9000 + n % 25000), 0))
    payments.sort(key=lambda x: (x[0], x[1]))
    for n, (d, _seq, inv_id, cur, amt) in enumerate(payments, start=1):
        w.add("payment", (f"PAY-{n:07d}", inv_id, day_str(d), cur, money(amt), ts_str(d, 12000 + n % 20000), 0))

    _gl_expenses(w, rng, org, cal, plan_usd)
    _fx_rates(w, rng, org, plan_usd)


def _gl_expenses(w: SourceWriter, rng: random.Random, org: Org, cal: WorkCalendar, plan_usd: dict[int, float]) -> None:
    as_of = org.as_of
    first = date.fromordinal(org.start)
    last = date.fromordinal(as_of)
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    postings = []  # (day, seq, account, category, cost center, currency, cents, text)
    intl_units = {u.idx for u in org.units if u.bu is not None and ref.BUSINESS_UNITS[u.bu].code == "INTL"}
    for y, m in months:
        m_first = date(y, m, 1).toordinal()
        m_last = (date(y + (m == 12), 1 if m == 12 else m + 1, 1)).toordinal() - 1
        lo_i = cal.index_on_or_after(m_first)
        hi_i = cal.index_on_or_before(min(m_last, as_of))
        if hi_i < lo_i:
            continue
        mid = min((m_first + m_last) // 2, as_of) - org.start
        season = {2: 0.55, 8: 0.9, 12: 1.15}.get(m, 1.0)  # Spring Festival: little travel
        for u in org.units:
            if u.unit_type == "team":
                team = org.team_of_unit[u.idx]
                heads = sum(1 for s in team.seats if org.occupant[s, mid] >= 0) + 1
                budget = (("travel", 5200 * heads * season), ("entertainment", 3600 * heads * season),
                          ("other", 800 * heads))
            elif u.unit_type == "region":  # marketing, events and training are run by the regions
                budget = (("marketing", 35_000.0), ("events", 60_000.0 if m in (3, 6, 9, 11) else 9_000.0),
                          ("training", 25_000.0 if m in (3, 9) else 6_000.0))
            else:
                continue  # the contract books sales expenses on region and team cost centers only
            usd = u.idx in intl_units
            for category, amount in budget:
                if amount <= 0:
                    continue
                total = amount * rng.lognormvariate(0, 0.25)
                if usd:
                    total /= plan_usd[y]
                k = rng.randint(1, 4)
                weights = [rng.random() + 0.3 for _ in range(k)]
                for wt in weights:
                    cents = max(100, int(total * wt / sum(weights) * 100))
                    day = cal.days[rng.randint(lo_i, hi_i)]
                    postings.append((day, len(postings), *ref.GL_ACCOUNTS[category][:1], category, u.cost_center,
                                     "USD" if usd else "CNY", cents, ref.GL_ACCOUNTS[category][1], None))
    # a few postings are reversed later by a separate negative posting
    for p in list(postings):
        if rng.random() < 0.01:
            rd = min(as_of, _wd(cal, p[0] + rng.randint(1, 20)))
            postings.append((rd, len(postings), p[2], p[3], p[4], p[5], -p[6], p[7], p[1]))
    postings.sort(key=lambda x: (x[0], x[1]))
    entry_of = {p[1]: f"GL-{n:07d}" for n, p in enumerate(postings, start=1)}
    for p in postings:
        day, seq, account, category, cc, cur, cents, text, reverses = p
        desc = f"{text} {cc} {date.fromordinal(day):%Y-%m}"
        if reverses is not None:
            desc = f"冲销 Reversal of {entry_of[reverses]}"
        mod = min(as_of, day + rng.randint(0, 3))
        w.add("gl_expense", (entry_of[seq], day_str(day), account, category, cc, cur, money(cents), desc,
                             ts_str(mod, 10000 + seq % 20000), 0))


def _fx_rates(w: SourceWriter, rng: random.Random, org: Org, plan_usd: dict[int, float]) -> None:
    first = date.fromordinal(org.start)
    last = date.fromordinal(org.as_of)
    rate = 7.12
    rows = []
    for y in range(first.year, last.year + 1):
        for m in range(1, 13):
            month = date(y, m, 1)
            set_day = max(org.go_live, date(y - 1, 12, 20).toordinal())
            rows.append((month, "USD", "plan", int(round(plan_usd[y] * 1_000_000)), set_day))
            rows.append((month, "CNY", "plan", 1_000_000, set_day))
            if (y, m) <= (last.year, last.month):
                rate = min(7.32, max(7.05, rate + rng.gauss(0, 0.025)))
                month_end = (date(y + (m == 12), 1 if m == 12 else m + 1, 1)).toordinal() - 1
                published = min(month_end, org.as_of)
                rows.append((month, "USD", "average", int(round(rate * 10_000)) * 100, published))
                rows.append((month, "CNY", "average", 1_000_000, published))
    for month, cur, typ, micro, set_day in rows:
        w.add("fx_rate", (f"FX-{cur}-{month:%Y%m}-{typ.upper()}", cur, month.isoformat(), typ,
                          decimal_units(micro, 6), ts_str(min(set_day, org.as_of), 3600), 0))
