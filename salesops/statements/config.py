"""`config/statements.yml`: statement language, which period statuses get statements, dispute text."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from salesops.paths import CONFIG_DIR

Language = Literal["zh", "en"]
STATEMENTS_YML = CONFIG_DIR / "statements.yml"


class StatementsConfigError(ValueError):
    """config/statements.yml is invalid (message names the file, key path and rule)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageRules(_Strict):
    default: Language = "en"
    by_currency: dict[str, Language] = Field(default_factory=lambda: {"CNY": "zh", "USD": "en"})
    payees: dict[str, Language] = Field(default_factory=dict, description="payee_id -> language (overrides)")

    @field_validator("by_currency")
    @classmethod
    def _iso(cls, v: dict[str, Language]) -> dict[str, Language]:
        for code in v:
            if len(code) != 3 or not code.isupper():
                raise ValueError(f"currency {code!r} is not an ISO 4217 code (3 capital letters)")
        return v

    def for_payee(self, payee_id: str, currency: str) -> Language:
        """Explicit per-payee choice, else by the statement (plan) currency, else the default."""
        return self.payees.get(payee_id) or self.by_currency.get(currency) or self.default


class Dispute(_Strict):
    zh: str
    en: str
    window_days: int = Field(30, ge=1)


class StatementsConfig(_Strict):
    language: LanguageRules = LanguageRules()
    # statuses of compensation.periods for which a final statement is issued;
    # `open` periods render only as drafts (watermarked) when asked for explicitly.
    final_statuses: list[Literal["closed", "approved"]] = ["closed", "approved"]
    company_name: str = ""
    dispute: Dispute


def load_statements_config(path: Path = STATEMENTS_YML) -> StatementsConfig:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise StatementsConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as e:
        raise StatementsConfigError(f"{path}: not valid YAML: {e}") from None
    try:
        return StatementsConfig.model_validate(raw)
    except ValidationError as e:
        raise StatementsConfigError(format_validation_error(path, e)) from None


def format_validation_error(path: Path, e: ValidationError) -> str:
    """One line per problem: `<file>: <key.path>: <rule>` (pydantic's own text, no input echo)."""
    lines = []
    for err in e.errors():
        key = ".".join(str(p) for p in err["loc"]) or "<top>"
        msg = "unknown key (not allowed)" if err["type"] == "extra_forbidden" else err["msg"]
        lines.append(f"{path}: {key}: {msg}")
    return "\n".join(lines)
