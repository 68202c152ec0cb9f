"""The sales organisation: org units, people, seats (rep positions) and how
they change over time -- attrition with replacement hires, transfers between
teams, promotions, a rep promoted to replace a leaving manager -- plus the
HR rows and the CRM users / role hierarchy derived from it.

Everything is simulated on day ordinals between the history start and as_of.
"""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from salesops.demo import reference as ref
from salesops.demo.ids import SfIds
from salesops.demo.storage import SourceWriter, money, ts_str

LEVEL_RANK = {"S1": 1, "S2": 2, "S3": 3, "S4": 4}
RAMP_DAYS = 182  # a new rep reaches full productivity after ~6 months


@dataclass
class Unit:
    idx: int
    org_unit_id: str
    name: str
    unit_type: str  # company / business_unit / region / team
    parent: int | None
    cost_center: str
    dev_name: str
    bu: int | None = None
    region_code: str | None = None
    role_idx: int = -1  # CRM role mirroring the unit


@dataclass
class Team:
    idx: int
    unit: int
    bu: int
    region_unit: int
    region_code: str
    seats: list[int] = field(default_factory=list)
    managers: list[list] = field(default_factory=list)  # [from, to|None, person idx]
    rep_role_idx: int = -1


@dataclass
class Seat:
    idx: int
    team: int
    segments: list[list] = field(default_factory=list)  # [from, to|None, person idx]
    occupant: int | None = None


@dataclass
class Person:
    idx: int
    employee_id: str
    full_name: str
    email: str
    hire_day: int
    kind: str  # rep / manager / director / vp / ops
    bu: int | None
    currency: str
    levels: list[tuple[int, str]]
    salary_factor: float
    unit: int | None = None  # fixed unit for directors / vp / ops
    term_day: int | None = None
    seat: int | None = None
    transferred: bool = False
    stints: list[tuple[int, int | None, int, str]] = field(default_factory=list)
    user_id: str = ""


class _Names:
    """Unique person names and e-mail addresses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_emails: set[str] = set()
        self._sw = [w for *_, w in ref.SURNAMES]

    def _unique(self, local: str) -> str:
        local = (local.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace(" ", "").lower())
        email, k = f"{local}@{ref.EMAIL_DOMAIN}", 1
        while email in self.used_emails:
            k += 1
            email = f"{local}{k}@{ref.EMAIL_DOMAIN}"
        self.used_emails.add(email)
        return email

    def make(self, style: str) -> tuple[str, str]:
        rng = self.rng
        if style == "APAC" and rng.random() < 0.7:
            first, last = rng.choice(ref.APAC_NAMES_FIRST), rng.choice(ref.APAC_NAMES_LAST)
            return f"{last} {first}", self._unique(f"{first}.{last}")
        if style == "AMEU" and rng.random() < 0.7:
            first, last = rng.choice(ref.WEST_NAMES_FIRST), rng.choice(ref.WEST_NAMES_LAST)
            return f"{first} {last}", self._unique(f"{first}.{last}")
        sur_cn, sur_py, _ = rng.choices(ref.SURNAMES, weights=self._sw)[0]
        giv_cn, giv_py = rng.choice(ref.GIVEN_NAMES)
        return sur_cn + giv_cn, self._unique(f"{giv_py}.{sur_py}")


class Org:
    """The organisation and its history. Day arrays cover start..as_of."""

    def __init__(self, rng: random.Random, scale: float, start: date, as_of: date, go_live: date) -> None:
        self.rng = rng
        self.start = start.toordinal()
        self.as_of = as_of.toordinal()
        self.go_live = go_live.toordinal()
        self.n_days = self.as_of - self.start + 1
        self.units: list[Unit] = []
        self.teams: list[Team] = []
        self.seats: list[Seat] = []
        self.people: list[Person] = []
        self.directors: list[int] = []
        self._names = _Names(rng)
        self._build_units(scale)
        self.team_of_unit = {t.unit: t for t in self.teams}
        self._build_leaders()
        self._simulate()
        self._build_stints()
        self._build_day_arrays()

    # --- structure --------------------------------------------------------------------------

    def _unit(self, **kw) -> int:
        idx = len(self.units)
        self.units.append(Unit(idx=idx, org_unit_id=f"OU-{idx + 1:04d}", **kw))
        return idx

    def _build_units(self, scale: float) -> None:
        rng = self.rng
        self.company = self._unit(name=ref.COMPANY_NAME, unit_type="company", parent=None, cost_center="CC-HQ",
                                  dev_name="COMPANY")
        for b, bu in enumerate(ref.BUSINESS_UNITS):
            bu_unit = self._unit(name=f"{bu.name_cn} {bu.name_en}", unit_type="business_unit", parent=self.company,
                                 cost_center=f"CC-{bu.code}", dev_name=bu.code, bu=b)
            for region in bu.regions:
                cn = f"{bu.short_cn}{region.name_cn}区" if bu.code != "INTL" else f"{region.name_cn}区"
                r_unit = self._unit(name=f"{cn} {bu.name_en} {region.name_en}", unit_type="region", parent=bu_unit,
                                    cost_center=f"CC-{bu.code}-{region.code}", dev_name=f"{bu.code}_{region.code}",
                                    bu=b, region_code=region.code)
                n_teams = max(1, round(region.base_teams * scale))
                for k in range(1, n_teams + 1):
                    t_unit = self._unit(
                        name=f"{cn}{k}组 {bu.name_en} {region.name_en} Team {k}", unit_type="team", parent=r_unit,
                        cost_center=f"CC-{bu.code}-{region.code}-{k}", dev_name=f"{bu.code}_{region.code}_T{k}",
                        bu=b, region_code=region.code)
                    team = Team(idx=len(self.teams), unit=t_unit, bu=b, region_unit=r_unit, region_code=region.code)
                    self.teams.append(team)
                    for _ in range(rng.choice((4, 4, 5, 5, 6))):
                        seat = Seat(idx=len(self.seats), team=team.idx)
                        self.seats.append(seat)
                        team.seats.append(seat.idx)

    def _new_person(self, kind: str, bu: int | None, hire_day: int, levels: list[tuple[int, str]], style: str,
                    unit: int | None = None) -> Person:
        name, email = self._names.make(style)
        intl = bu is not None and ref.BUSINESS_UNITS[bu].code == "INTL"
        p = Person(idx=len(self.people), employee_id=f"E{10001 + len(self.people)}", full_name=name, email=email,
                   hire_day=hire_day, kind=kind, bu=bu, currency="USD" if intl else "CNY", levels=levels,
                   salary_factor=self.rng.uniform(0.9, 1.12), unit=unit)
        self.people.append(p)
        return p

    def _style(self, team: Team) -> str:
        return team.region_code if team.region_code in ("APAC", "AMEU") else "CN"

    def _past_hire(self, mean_years: float, lo_years: float, hi_years: float) -> int:
        years = min(hi_years, lo_years + self.rng.expovariate(1 / mean_years))
        return self.start - int(years * 365.25)

    def _build_leaders(self) -> None:
        vp = self._new_person("vp", None, self._past_hire(4, 3, 12), [], "CN", unit=self.company)
        vp.levels = [(vp.hire_day, "M3")]
        self.vp = vp.idx
        ops_mgr = self._new_person("ops", None, self._past_hire(3, 1.5, 8), [], "CN", unit=self.company)
        ops_mgr.levels = [(ops_mgr.hire_day, "P3")]
        ops = self._new_person("ops", None, self._past_hire(1.5, 0.5, 4), [], "CN", unit=self.company)
        ops.levels = [(ops.hire_day, "P2")]
        self.ops_manager, self.ops_analyst = ops_mgr.idx, ops.idx
        for b, bu in enumerate(ref.BUSINESS_UNITS):
            bu_unit = next(u.idx for u in self.units if u.unit_type == "business_unit" and u.bu == b)
            style = "CN" if bu.code != "INTL" else "APAC"
            d = self._new_person("director", b, self._past_hire(4, 2, 12), [], style, unit=bu_unit)
            d.levels = [(d.hire_day, "M2")]
            self.directors.append(d.idx)
        for team in self.teams:
            m = self._new_person("manager", team.bu, self._past_hire(3, 1, 10), [], self._style(team))
            m.levels = [(m.hire_day, "M1")]
            team.managers.append([m.hire_day, None, m.idx])

    def _promotion_day(self, hire_day: int, years: float) -> int:
        """Promotions take effect on the next 1 January or 1 July after the tenure is reached."""
        d = date.fromordinal(hire_day + int(years * 365.25))
        nxt = date(d.year, 7, 1) if d.month < 7 else date(d.year + 1, 1, 1)
        return nxt.toordinal()

    def _rep_levels(self, hire_day: int, first_level: str) -> list[tuple[int, str]]:
        levels = [(hire_day, first_level)]
        speed = self.rng.uniform(0.8, 1.3)
        offset = 0.0 if first_level == "S1" else ref.PROMOTION_TENURE[0][1]
        for lvl, years in ref.PROMOTION_TENURE:
            if LEVEL_RANK[lvl] <= LEVEL_RANK[first_level]:
                continue
            day = self._promotion_day(hire_day, (years - offset) * speed)
            if day <= self.as_of:
                levels.append((day, lvl))
        return levels

    def _new_rep(self, team: Team, hire_day: int, first_level: str) -> Person:
        p = self._new_person("rep", team.bu, hire_day, [], self._style(team))
        p.levels = self._rep_levels(hire_day, first_level)
        return p

    # --- history ------------------------------------------------------------------------------

    def _workday_on_or_after(self, day: int) -> int:
        while date.fromordinal(day).weekday() >= 5:
            day += 1
        return day

    def level_on(self, p: Person, day: int) -> str:
        lvl = p.levels[0][1]
        for d, level in p.levels:
            if d <= day:
                lvl = level
        return lvl

    def _simulate(self) -> None:
        rng = self.rng
        heap: list = []
        seq = itertools.count()

        def push(day: int, kind: str, a: int) -> None:
            if day <= self.as_of:
                heapq.heappush(heap, (day, next(seq), kind, a))

        def schedule_leave(p: Person, mean_years: float) -> None:
            push(self._workday_on_or_after(max(p.hire_day, self.start) + int(rng.expovariate(1 / (mean_years * 365)))),
                 "leave", p.idx)

        def schedule_fill(seat: Seat, vacated: int) -> None:
            push(self._workday_on_or_after(vacated + rng.randint(21, 80)), "fill", seat.idx)

        for team in self.teams:
            for s in team.seats:
                seat = self.seats[s]
                hire = self._past_hire(2.8, 0.15, 12)
                p = self._new_rep(team, hire, "S1" if rng.random() < 0.75 else "S2")
                seat.segments.append([hire, None, p.idx])
                seat.occupant, p.seat = p.idx, s
                schedule_leave(p, 6.5)

        n_transfers = max(3, round(0.06 * len(self.seats)))
        n_mgr_changes = max(1, round(0.15 * len(self.teams)))
        lo, hi = self.start + 120, self.as_of - 90
        for t in sorted(rng.sample(range(len(self.teams)), min(n_mgr_changes, len(self.teams)))):
            push(self._workday_on_or_after(rng.randint(lo, hi)), "manager", t)

        while heap:
            day, _, kind, a = heapq.heappop(heap)
            if kind == "leave":
                p = self.people[a]
                if p.kind != "rep" or p.term_day is not None or p.seat is None:
                    continue
                seat = self.seats[p.seat]
                seat.segments[-1][1] = day
                p.term_day, p.seat, seat.occupant = day, None, None
                schedule_fill(seat, day)
            elif kind == "fill":
                seat = self.seats[a]
                if seat.occupant is not None:
                    continue
                team = self.teams[seat.team]
                moved = False
                if n_transfers > 0 and rng.random() < 0.6:
                    cands = [
                        p for p in self.people
                        if p.kind == "rep" and p.seat is not None and not p.transferred
                        and self.seats[p.seat].team != team.idx and self.teams[self.seats[p.seat].team].bu == team.bu
                        and day - p.hire_day >= 365
                    ]
                    if cands:
                        c = rng.choice(cands)
                        old = self.seats[c.seat]
                        old.segments[-1][1] = day - 1
                        old.occupant = None
                        seat.segments.append([day, None, c.idx])
                        seat.occupant, c.seat, c.transferred = c.idx, seat.idx, True
                        schedule_fill(old, day)
                        n_transfers -= 1
                        moved = True
                if not moved:
                    p = self._new_rep(team, day, "S1" if rng.random() < 0.7 else "S2")
                    seat.segments.append([day, None, p.idx])
                    seat.occupant, p.seat = p.idx, seat.idx
                    schedule_leave(p, 4.5)
            elif kind == "manager":
                team = self.teams[a]
                old = self.people[team.managers[-1][2]]
                team.managers[-1][1] = day - 1
                old.term_day = day - 1
                reps = [self.people[self.seats[s].occupant] for s in team.seats if self.seats[s].occupant is not None]
                if reps:
                    r = max(reps, key=lambda p: (LEVEL_RANK[self.level_on(p, day)], -p.hire_day, -p.idx))
                    seat = self.seats[r.seat]
                    seat.segments[-1][1] = day - 1
                    seat.occupant, r.seat = None, None
                    r.kind = "manager"
                    r.levels = [lv for lv in r.levels if lv[0] < day] + [(day, "M1")]
                    schedule_fill(seat, day)
                else:
                    r = self._new_person("manager", team.bu, day, [(day, "M1")], self._style(team))
                team.managers.append([day, None, r.idx])

    def _build_stints(self) -> None:
        for seat in self.seats:
            unit = self.teams[seat.team].unit
            for f, t, p in seat.segments:
                self.people[p].stints.append((f, t, unit, "rep"))
        for team in self.teams:
            for f, t, p in team.managers:
                self.people[p].stints.append((f, t, team.unit, "manager"))
        for p in self.people:
            if p.kind == "director" or p.kind == "vp":
                p.stints.append((p.hire_day, None, p.unit, "director"))
            elif p.kind == "ops":
                p.stints.append((p.hire_day, None, p.unit, "ops"))
            p.stints.sort()

    def _build_day_arrays(self) -> None:
        """Per seat and day: the occupant (-1 = vacant), the person covering the seat's
        accounts (occupant, else a teammate, else the manager) and its selling capacity."""
        n_seats, n_days, start = len(self.seats), self.n_days, self.start
        occ = np.full((n_seats, n_days), -1, dtype=np.int32)
        for seat in self.seats:
            for f, t, p in seat.segments:
                lo, hi = max(f, start) - start, (t if t is not None else self.as_of) - start
                if hi >= lo:
                    occ[seat.idx, lo : hi + 1] = p
        mgr = np.full((len(self.teams), n_days), -1, dtype=np.int32)
        for team in self.teams:
            for f, t, p in team.managers:
                lo, hi = max(f, start) - start, (t if t is not None else self.as_of) - start
                if hi >= lo:
                    mgr[team.idx, lo : hi + 1] = p
        owner = occ.copy()
        for team in self.teams:
            sub = occ[team.seats]
            has = sub >= 0
            first = has.argmax(axis=0)
            cover = np.where(has.any(axis=0), sub[first, np.arange(n_days)], mgr[team.idx])
            rows = owner[team.seats]
            owner[team.seats] = np.where(rows >= 0, rows, cover[None, :])
        hire = np.array([p.hire_day for p in self.people], dtype=np.int64)
        days = np.arange(start, start + n_days, dtype=np.int64)
        tenure = days[None, :] - hire[np.maximum(occ, 0)]
        ramp = np.clip(0.25 + 0.75 * tenure / RAMP_DAYS, 0.0, 1.0)
        self.occupant = occ
        self.owner = owner
        self.team_manager = mgr
        self.ramp = np.where(occ >= 0, ramp, 0.0)
        self.capacity = np.where(occ >= 0, ramp, 0.25)
        self.seat_team = np.array([s.team for s in self.seats], dtype=np.int32)
        self.hire = hire

    # --- lookups ---------------------------------------------------------------------------------

    def manager_of(self, p: Person, day: int) -> int | None:
        """Manager (person idx) of p on `day` (clamped into the simulated window)."""
        day = min(max(day, self.start), self.as_of)
        stint = self.stint_on(p, day)
        role = stint[3] if stint else p.kind
        if role == "rep":
            team = self.team_of_unit[stint[2]]
            return int(self.team_manager[team.idx, day - self.start])
        if role == "manager":
            return self.directors[self.units[stint[2]].bu]
        if p.kind == "director":
            return self.vp
        if p.kind == "ops":
            return self.vp if p.idx == self.ops_manager else self.ops_manager
        return None

    def stint_on(self, p: Person, day: int):
        found = None
        for s in p.stints:
            if s[0] <= day and (s[1] is None or day <= s[1]):
                found = s
        if found is None and p.stints:
            found = p.stints[-1] if day > p.stints[-1][0] else p.stints[0]
        return found


# --- HR rows ------------------------------------------------------------------------------------------


def _assignment_periods(org: Org, p: Person) -> list[tuple[int, int | None, int, int | None, str, str]]:
    """(from, to, unit, manager, level, sales_role) periods of p; history before the window
    start is collapsed into the first period."""
    end = p.term_day
    days = {p.hire_day}
    for f, t, unit, role in p.stints:
        days.add(f)
        if role == "rep":
            team = org.team_of_unit[unit]
            for mf, _mt, _m in team.managers:
                if mf > f and (t is None or mf <= t):
                    days.add(mf)
    for d, _lvl in p.levels:
        days.add(d)
    periods: list = []
    for d in sorted(days):
        if d < p.hire_day or (end is not None and d > end):
            continue
        eff = max(d, org.start)
        stint = org.stint_on(p, eff)
        attrs = (stint[2], org.manager_of(p, eff), org.level_on(p, eff), stint[3])
        if periods and periods[-1][2:] == attrs:
            continue
        if periods and d <= org.start:
            periods[-1] = (periods[-1][0], None, *attrs)  # still before the window: overwrite
            continue
        periods.append((d, None, *attrs))
    out = []
    for i, (f, _, *attrs) in enumerate(periods):
        to = periods[i + 1][0] - 1 if i + 1 < len(periods) else end
        out.append((f, to, *attrs))
    return out


def write_hr(org: Org, w: SourceWriter, rng: random.Random) -> None:
    go_live_ts = ts_str(org.go_live, 3600)
    for u in org.units:
        mod = go_live_ts if rng.random() < 0.85 else ts_str(org.go_live + rng.randint(30, 500), rng.randint(3600, 36000))
        parent = org.units[u.parent].org_unit_id if u.parent is not None else None
        w.add("org_unit", (u.org_unit_id, u.name, u.unit_type, parent, u.cost_center, mod, 0))

    for p in org.people:
        level = org.level_on(p, p.term_day or org.as_of)
        base = ref.LEVEL_SALARY_CNY[level] * p.salary_factor
        if p.currency == "USD":
            base /= 5.5
        salary_cents = int(round(base / 100)) * 100 * 100
        last_change = max([p.hire_day, *(d for d, _ in p.levels), *(s[0] for s in p.stints)])
        if p.term_day is not None:
            last_change = max(last_change, p.term_day)
        mod_day = min(max(last_change, org.go_live), org.as_of)
        w.add("employee", (
            p.employee_id, p.full_name, p.email, _d(p.hire_day), _d(p.term_day), money(salary_cents), p.currency,
            ts_str(mod_day, 3600 + (p.idx * 97) % 30000), 0,
        ))

    n = 0
    for p in org.people:
        for f, t, unit, mgr, level, role in _assignment_periods(org, p):
            n += 1
            mod_day = min(max(f, org.go_live) if t is None else max(t, f, org.go_live), org.as_of)
            if p.term_day is not None and t == p.term_day:
                mod_day = min(max(p.term_day, org.go_live), org.as_of)
            w.add("job_assignment", (
                f"JA-{n:06d}", p.employee_id, _d(f), _d(t), org.units[unit].org_unit_id,
                org.people[mgr].employee_id if mgr is not None else None, ref.LEVEL_TITLES[level], level, role,
                ts_str(mod_day, 3600 + (n * 131) % 30000), 0,
            ))


def _d(ordinal: int | None) -> str | None:
    return None if ordinal is None else date.fromordinal(ordinal).isoformat()


# --- CRM users and roles --------------------------------------------------------------------------------


def write_users(org: Org, w: SourceWriter, ids: dict[str, SfIds], rng: random.Random) -> None:
    role_ids = ids["user_role"]
    roles: list[tuple[str, str, str, str | None]] = []  # id, name, developer_name, parent id

    def add_role(name: str, dev: str, parent: str | None) -> str:
        rid = role_ids.next()
        roles.append((rid, name, dev, parent))
        return rid

    unit_role: dict[int, str] = {}
    for u in org.units:
        parent = unit_role.get(u.parent) if u.parent is not None else None
        if u.unit_type == "company":
            label = "Sales Leadership 销售管理层"
        elif u.unit_type == "team":
            label = f"{u.name} Manager"
        else:
            label = f"{u.name} Leadership"
        unit_role[u.idx] = add_role(label, f"{u.dev_name}_LEAD" if u.unit_type != "team" else f"{u.dev_name}_MANAGER",
                                    parent)
    team_rep_role = {}
    for team in org.teams:
        u = org.units[team.unit]
        team_rep_role[team.unit] = add_role(f"{u.name} Rep", f"{u.dev_name}_REP", unit_role[team.unit])
    ops_role = add_role("Sales Operations 销售运营", "SALES_OPS", unit_role[org.company])
    go_live_ts = ts_str(org.go_live, 1200)  # roles are set up before the users
    for rid, name, dev, parent in roles:
        w.add("user_role", (rid, name, dev, parent, go_live_ts, 0))

    user_ids = ids["user"]
    for p in org.people:
        p.user_id = user_ids.next()
    reps = [p for p in org.people if p.stints and p.stints[0][3] == "rep" and p.hire_day < org.start]
    no_employee_number = rng.choice(reps).idx if reps else -1
    for p in org.people:
        last_day = p.term_day if p.term_day is not None else org.as_of
        stint = org.stint_on(p, min(max(last_day, org.start), org.as_of))
        role = stint[3]
        if role == "rep":
            role_id = team_rep_role[stint[2]]
        elif role == "ops":
            role_id = ops_role
        else:
            role_id = unit_role[stint[2]]
        mgr = org.manager_of(p, last_day)
        created_day = max(p.hire_day, org.go_live)
        changes = [created_day, *(d for d, _ in p.levels if d <= org.as_of), *(s[0] for s in p.stints)]
        if p.term_day is not None:
            changes.append(p.term_day + 1 if p.term_day < org.as_of else p.term_day)
        mod_day = min(max(changes), org.as_of)
        w.add("user", (
            p.user_id, p.full_name, p.email, None if p.idx == no_employee_number else p.employee_id, role_id,
            org.people[mgr].user_id if mgr is not None else None, ref.LEVEL_TITLES[org.level_on(p, last_day)],
            p.currency, 0 if p.term_day is not None else 1, ts_str(created_day, 1800 + (p.idx * 61) % 3000),
            ts_str(mod_day, 4000 + (p.idx * 53) % 20000), 0,
        ))


def working_day(ordinal: int, delta: int) -> int:
    d = date.fromordinal(ordinal) + timedelta(days=delta)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d.toordinal()
