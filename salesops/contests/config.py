"""Contest definitions (`config/contests/*.yml`, one contest per file) and recognition rules
(`config/recognition.yml`), validated on load: unknown keys, overlapping prize tiers, unknown
measures, bad dates are errors naming the file, the key path and the rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from salesops.paths import CONFIG_DIR

CONTESTS_DIR = CONFIG_DIR / "contests"
RECOGNITION_YML = CONFIG_DIR / "recognition.yml"

# measure -> what is summed / counted, per source (docs/statements.md#contests)
# (comp_credits, the crediting ledger, becomes a second source once it is in the project: the marts
# then union its lines; docs/statements.md#contests)
MEASURES: dict[str, set[str]] = {"opportunities": {"bookings", "new_logos"}}
TIE_BREAKS = ("achievement_date", "deal_count", "amount")
ROLES = ("rep", "manager", "director", "ops")


class ContestConfigError(ValueError):
    """A contest or recognition file is invalid (names file, key and rule)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Eligibility(_Strict):
    roles: list[Literal["rep", "manager", "director", "ops"]] = Field(["rep"], min_length=1)
    regions: list[str] = Field(default_factory=list, description="region ids or names; empty = every region")
    business_units: list[str] = Field(default_factory=list, description="business unit ids or names; empty = all")


class Ranking(_Strict):
    by: Literal["amount", "count", "attainment"]
    order: Literal["desc", "asc"] = "desc"
    min_value: Decimal = Field(Decimal("0"), description="a participant is ranked only with score > min_value "
                                                          "(desc) / score < min_value (asc, min_value must be set)")


class PrizeTier(_Strict):
    ranks: str = Field(description="'1' or '2-3'")
    prize: str

    @field_validator("ranks")
    @classmethod
    def _range(cls, v: str) -> str:
        lo, _, hi = v.partition("-")
        if not lo.strip().isdigit() or (hi and not hi.strip().isdigit()):
            raise ValueError(f"ranks {v!r} must be 'N' or 'N-M' with whole numbers")
        a, b = int(lo), int(hi or lo)
        if a < 1 or b < a:
            raise ValueError(f"ranks {v!r}: need 1 <= first <= last")
        return v

    @property
    def bounds(self) -> tuple[int, int]:
        lo, _, hi = self.ranks.partition("-")
        return int(lo), int(hi or lo)


class Contest(_Strict):
    contest_id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    start_date: date
    end_date: date
    source: Literal["opportunities"] = "opportunities"
    measure: str
    eligibility: Eligibility = Eligibility()
    ranking: Ranking
    tie_breaks: list[Literal["achievement_date", "deal_count", "amount"]] = ["achievement_date", "deal_count"]
    prizes: list[PrizeTier] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Contest:
        if self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        if self.measure not in MEASURES[self.source]:
            raise ValueError(f"unknown measure {self.measure!r} for source {self.source!r}; "
                             f"known: {', '.join(sorted(MEASURES[self.source]))}")
        if len(set(self.tie_breaks)) != len(self.tie_breaks):
            raise ValueError("tie_breaks lists a tie-break twice")
        tiers = sorted(self.prizes, key=lambda t: t.bounds)
        for prev, nxt in zip(tiers, tiers[1:], strict=False):
            if nxt.bounds[0] <= prev.bounds[1]:
                raise ValueError(f"prize tiers overlap: ranks {prev.ranks!r} ({prev.prize}) and "
                                 f"{nxt.ranks!r} ({nxt.prize})")
        return self

    def prize_for(self, rank: int | None) -> str | None:
        if rank is None:
            return None
        return next((t.prize for t in self.prizes if t.bounds[0] <= rank <= t.bounds[1]), None)


class ComplianceFlag(_Strict):
    payee_id: str
    flag: str
    reason: str = ""


class RecognitionRule(_Strict):
    rule_id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    fiscal_year: int | None = Field(None, description="default: the fiscal year of the as-of date")
    min_ytd_attainment: Decimal = Field(gt=0, description="fraction: 1.2 = 120 %")
    roles: list[Literal["rep", "manager", "director", "ops"]] = Field(["rep"], min_length=1)
    disqualify_finding_types: list[str] = Field(default_factory=list,
                                                description="marts.data_quality_findings types on the payee")
    disqualify_flags: bool = Field(True, description="any compliance_flags entry of the payee disqualifies")


class RecognitionConfig(_Strict):
    rules: list[RecognitionRule] = Field(min_length=1)
    compliance_flags: list[ComplianceFlag] = Field(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _unique(cls, v: list[RecognitionRule]) -> list[RecognitionRule]:
        ids = [r.rule_id for r in v]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"rule_id listed twice: {', '.join(dup)}")
        return v


def _errors(path: Path, e: ValidationError) -> str:
    lines = []
    for err in e.errors():
        key = ".".join(str(p) for p in err["loc"]) or "<top>"
        msg = "unknown key (not allowed)" if err["type"] == "extra_forbidden" else err["msg"]
        lines.append(f"{path}: {key}: {msg.removeprefix('Value error, ')}")
    return "\n".join(lines)


def _yaml(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ContestConfigError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise ContestConfigError(f"{path}: <top>: expected a mapping of keys")
    return raw


def load_contest(path: Path) -> Contest:
    try:
        return Contest.model_validate(_yaml(path))
    except ValidationError as e:
        raise ContestConfigError(_errors(path, e)) from None


def load_contests(folder: Path = CONTESTS_DIR) -> list[Contest]:
    """Every `*.yml` in the folder; all files are checked and all errors reported together."""
    contests, errors = [], []
    for path in sorted(folder.glob("*.yml")):
        try:
            contests.append(load_contest(path))
        except ContestConfigError as e:
            errors.append(str(e))
    seen: dict[str, int] = {}
    for c in contests:
        seen[c.contest_id] = seen.get(c.contest_id, 0) + 1
    errors += [f"{folder}: contest_id {cid!r} is used by {n} files" for cid, n in seen.items() if n > 1]
    if errors:
        raise ContestConfigError("\n".join(errors))
    return contests


def load_recognition(path: Path = RECOGNITION_YML) -> RecognitionConfig:
    try:
        return RecognitionConfig.model_validate(_yaml(path))
    except ValidationError as e:
        raise ContestConfigError(_errors(path, e)) from None
