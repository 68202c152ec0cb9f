"""Plain data of territory design and the rules that turn accounts and reps into per-region problems.

Vocabulary: a *territory* is one rep (a CRM user whose HR sales role holds a
territory) within the rep's HR region; a *unit* is what is assigned as a
whole: a city (all non-key accounts of one city in one region, when cities are
kept together) or one account (key accounts, accounts of split cities, accounts
without a city). Key accounts are *locked* units: they stay with their owner.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from salesops.planning.territories.config import TerritoryConfig, TerritoryConfigError


@dataclass(frozen=True)
class Account:
    account_id: str
    owner_id: str
    segment: str
    potential: Decimal
    country: str | None = None
    state: str | None = None
    city: str | None = None
    is_key_account: bool = False
    name: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Person:
    """A CRM user with the HR region and sales role valid on the as-of date (region None: no HR region)."""

    user_id: str
    region_id: str | None
    sales_role: str | None = "rep"
    name: str | None = None
    region_name: str | None = None
    is_active: bool = True


@dataclass(frozen=True)
class Territory:
    rep_id: str
    capacity: Decimal
    name: str | None = None


@dataclass(frozen=True)
class Unit:
    unit_id: str
    unit_type: str  # 'city' or 'account'
    region_id: str
    accounts: tuple[Account, ...]
    potential: Decimal
    workload: Decimal
    owner_potential: dict[str, Decimal] = field(default_factory=dict, hash=False, compare=False)
    locked_to: str | None = None
    lock_reason: str | None = None
    city: str | None = None

    def moved_potential(self, rep_id: str) -> Decimal:
        """Potential of the unit's accounts that change owner if the unit goes to rep_id."""
        return self.potential - self.owner_potential.get(rep_id, Decimal(0))


@dataclass(frozen=True)
class RegionProblem:
    region_id: str
    territories: tuple[Territory, ...]
    units: tuple[Unit, ...]
    region_name: str | None = None

    @property
    def rep_ids(self) -> list[str]:
        return [t.rep_id for t in self.territories]


@dataclass(frozen=True)
class NotAligned:
    """An account outside every region problem, kept with its owner (reported, never dropped)."""

    account: Account
    region_id: str | None
    reason: str


@dataclass(frozen=True)
class Problems:
    regions: tuple[RegionProblem, ...]
    not_aligned: tuple[NotAligned, ...]
    workload_by_account: dict[str, Decimal] = field(hash=False, compare=False, default_factory=dict)


def _err(cfg: TerritoryConfig, msg: str) -> TerritoryConfigError:
    return TerritoryConfigError(f"{cfg.source}: {msg}")


def build_problems(accounts: list[Account], people: list[Person], cfg: TerritoryConfig,
                   region: str | None = None) -> Problems:
    """Check the inputs against the config and build one problem per region (optionally only `region`).

    Rules (each violation raises TerritoryConfigError naming the item and the rule):
    account ids unique; potential present and >= 0; every account segment has a workload driver;
    potentials in one currency; every configured segment / split city / key account / capacity rep exists in the data;
    every territory rep has a region and capacity > 0; every account owner is a known user;
    a region with accounts to align has at least one territory rep.
    """
    people_by_id = {p.user_id: p for p in people}
    seen: set[str] = set()
    for a in accounts:
        if a.account_id in seen:
            raise _err(cfg, f"account {a.account_id}: duplicate account id (rule: one row per account)")
        seen.add(a.account_id)
        if a.potential is None or a.potential < 0:
            raise _err(cfg, f"account {a.account_id}: potential {a.potential!r} (rule: potential must be a "
                            "non-negative amount)")
        if a.segment not in cfg.workload.segments:
            raise _err(cfg, f"account {a.account_id}: segment {a.segment!r} has no workload driver "
                            f"(rule: every segment needs workload.segments.{a.segment})")
        if a.owner_id not in people_by_id:
            raise _err(cfg, f"account {a.account_id}: owner {a.owner_id!r} is not a known CRM user "
                            "(rule: every account owner is a user)")
    currencies = sorted({a.currency for a in accounts if a.currency})
    if len(currencies) > 1:
        odd = next(a for a in accounts if a.currency and a.currency != currencies[0])
        raise _err(cfg, f"account {odd.account_id}: potential in {odd.currency}, other accounts in {currencies[0]} "
                        f"(rule: potentials are compared in one currency; convert upstream; found "
                        f"{', '.join(currencies)})")
    data_segments = {a.segment for a in accounts}
    if accounts:
        for seg in cfg.workload.segments:
            if seg not in data_segments:
                raise _err(cfg, f"workload.segments.{seg}: unknown segment (no account has it; accounts have "
                                f"{', '.join(sorted(data_segments))})")
    cities = {a.city for a in accounts if a.city}
    for city in cfg.units.split_cities:
        if city not in cities:
            raise _err(cfg, f"units.split_cities: unknown city {city!r} (no account is billed there)")
    for acc_id in cfg.key_accounts.account_ids:
        if acc_id not in seen:
            raise _err(cfg, f"key_accounts.account_ids: unknown account {acc_id!r}")

    roles = set(cfg.territory_roles)
    reps = [p for p in people if p.is_active and p.sales_role in roles]
    rep_ids = {p.user_id for p in reps}
    for user_id in cfg.capacity.by_rep:
        if user_id not in rep_ids:
            raise _err(cfg, f"capacity.by_rep.{user_id}: not an active territory rep (roles "
                            f"{', '.join(sorted(roles))}); check the user id")
    for p in reps:
        if not p.region_id:
            raise _err(cfg, f"rep {p.user_id} ({p.name or '?'}): no HR region on the as-of date "
                            "(rule: every territory rep belongs to a region; fix the HR assignment or the role)")

    workload = {a.account_id: cfg.workload.segments[a.segment].hours_per_year for a in accounts}
    key_ids = set(cfg.key_accounts.account_ids)
    key_segments = set(cfg.key_accounts.segments)
    split = set(cfg.units.split_cities)

    def lock_reason(a: Account) -> str | None:
        if a.segment in key_segments:
            return f"key account (segment {a.segment})"
        if cfg.key_accounts.use_crm_flag and a.is_key_account:
            return "key account (CRM flag)"
        if a.account_id in key_ids:
            return "key account (configured list)"
        return None

    not_aligned: list[NotAligned] = []
    by_region: dict[str, list[Account]] = defaultdict(list)
    for a in accounts:
        owner = people_by_id[a.owner_id]
        if region and owner.region_id != region:
            continue
        if not owner.region_id:
            if cfg.accounts_without_region == "error":
                raise _err(cfg, f"account {a.account_id}: owner {owner.user_id} ({owner.name or '?'}) has no HR "
                                "region on the as-of date (rule: accounts_without_region: error; fix the HR link "
                                "or set accounts_without_region: keep)")
            not_aligned.append(NotAligned(a, None, "not aligned: owner has no HR region on the as-of date; "
                                                   "kept with owner"))
            continue
        by_region[owner.region_id].append(a)
    if region and region not in {p.region_id for p in people}:
        raise _err(cfg, f"--region {region}: unknown region (known: "
                        f"{', '.join(sorted({p.region_id for p in people if p.region_id}))})")

    problems: list[RegionProblem] = []
    for region_id in sorted(by_region):
        region_reps = sorted((p for p in reps if p.region_id == region_id), key=lambda p: p.user_id)
        territories = tuple(Territory(p.user_id, cfg.capacity.by_rep.get(p.user_id, cfg.capacity.default_hours_per_year),
                                      p.name) for p in region_reps)
        tids = {t.rep_id for t in territories}
        region_name = next((p.region_name for p in people if p.region_id == region_id and p.region_name), None)
        units: list[Unit] = []
        city_groups: dict[tuple, list[Account]] = defaultdict(list)
        for a in sorted(by_region[region_id], key=lambda a: a.account_id):
            reason = lock_reason(a)
            if reason and a.owner_id not in tids:
                not_aligned.append(NotAligned(a, region_id, f"locked: {reason}; owner is not a territory rep, "
                                                            "kept with owner outside the balance"))
                continue
            if reason or not cfg.units.keep_city_together or not a.city or a.city in split:
                units.append(_unit(f"account:{a.account_id}", "account", region_id, [a], workload,
                                   a.owner_id if reason else None, reason))
            else:
                city_groups[(a.country or "", a.state or "", a.city)].append(a)
        for key in sorted(city_groups):
            units.append(_unit(f"city:{region_id}:{'/'.join(key)}", "city", region_id, city_groups[key], workload,
                               None, None, city=key[2]))
        if units and not territories:
            raise _err(cfg, f"region {region_id} ({region_name or '?'}): {len(units)} units to align but no active "
                            f"territory rep (rule: a region needs at least one rep with role in territory_roles)")
        if units:
            problems.append(RegionProblem(region_id, territories, tuple(units), region_name))
    return Problems(tuple(problems), tuple(not_aligned), workload)


def _unit(unit_id: str, unit_type: str, region_id: str, accounts: list[Account], workload: dict[str, Decimal],
          locked_to: str | None, reason: str | None, city: str | None = None) -> Unit:
    owner_pot: dict[str, Decimal] = defaultdict(Decimal)
    for a in accounts:
        owner_pot[a.owner_id] += a.potential
    return Unit(unit_id, unit_type, region_id, tuple(accounts), sum((a.potential for a in accounts), Decimal(0)),
                sum((workload[a.account_id] for a in accounts), Decimal(0)), dict(owner_pot), locked_to, reason,
                city if city is not None else (accounts[0].city if len(accounts) == 1 else None))
