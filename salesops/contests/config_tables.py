"""Contest and recognition configs as warehouse tables (schema `config`, dbt source `config`), read by
the marts in dbt_project/models/marts/recognition. Lists become one row per item."""

from __future__ import annotations

from typing import Any

from salesops import warehouse
from salesops.contests.config import Contest, RecognitionConfig
from salesops.settings import Settings

COLUMNS: dict[str, dict[str, str]] = {
    "contests": {
        "contest_id": "varchar", "contest_name": "varchar", "start_date": "date", "end_date": "date",
        "source": "varchar", "measure": "varchar", "ranking_by": "varchar", "ranking_order": "varchar",
        "min_value": "decimal(18,6)", "tie_break_1": "varchar", "tie_break_2": "varchar", "tie_break_3": "varchar",
    },
    "contest_eligibility": {"contest_id": "varchar", "dimension": "varchar", "value": "varchar"},
    "contest_prize_tiers": {"contest_id": "varchar", "from_rank": "integer", "to_rank": "integer", "prize": "varchar"},
    "recognition_rules": {"rule_id": "varchar", "rule_name": "varchar", "fiscal_year": "integer",
                          "min_ytd_attainment": "decimal(18,6)", "disqualify_flags": "boolean"},
    "recognition_rule_criteria": {"rule_id": "varchar", "dimension": "varchar", "value": "varchar"},
    "compliance_flags": {"payee_id": "varchar", "flag": "varchar", "reason": "varchar"},
}
PRIMARY_KEYS = {
    "contests": ("contest_id",), "contest_eligibility": ("contest_id", "dimension", "value"),
    "contest_prize_tiers": ("contest_id", "from_rank"), "recognition_rules": ("rule_id",),
    "recognition_rule_criteria": ("rule_id", "dimension", "value"), "compliance_flags": ("payee_id", "flag"),
}


def config_rows(contests: list[Contest], recognition: RecognitionConfig) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in COLUMNS}
    for c in contests:
        tbs = [*c.tie_breaks, None, None, None]
        out["contests"].append({
            "contest_id": c.contest_id, "contest_name": c.name, "start_date": c.start_date, "end_date": c.end_date,
            "source": c.source, "measure": c.measure, "ranking_by": c.ranking.by, "ranking_order": c.ranking.order,
            "min_value": c.ranking.min_value, "tie_break_1": tbs[0], "tie_break_2": tbs[1], "tie_break_3": tbs[2]})
        for dimension, values in (("role", c.eligibility.roles), ("region", c.eligibility.regions),
                                  ("business_unit", c.eligibility.business_units)):
            out["contest_eligibility"] += [{"contest_id": c.contest_id, "dimension": dimension, "value": v}
                                           for v in dict.fromkeys(values)]
        for t in c.prizes:
            lo, hi = t.bounds
            out["contest_prize_tiers"].append({"contest_id": c.contest_id, "from_rank": lo, "to_rank": hi,
                                               "prize": t.prize})
    for r in recognition.rules:
        out["recognition_rules"].append({"rule_id": r.rule_id, "rule_name": r.name, "fiscal_year": r.fiscal_year,
                                         "min_ytd_attainment": r.min_ytd_attainment,
                                         "disqualify_flags": r.disqualify_flags})
        out["recognition_rule_criteria"] += [{"rule_id": r.rule_id, "dimension": "role", "value": v}
                                             for v in dict.fromkeys(r.roles)]
        out["recognition_rule_criteria"] += [{"rule_id": r.rule_id, "dimension": "finding_type", "value": v}
                                             for v in dict.fromkeys(r.disqualify_finding_types)]
    seen = set()
    for f in recognition.compliance_flags:
        if (f.payee_id, f.flag) not in seen:
            seen.add((f.payee_id, f.flag))
            out["compliance_flags"].append({"payee_id": f.payee_id, "flag": f.flag, "reason": f.reason})
    return out


def write_config_tables(settings: Settings, contests: list[Contest], recognition: RecognitionConfig) -> dict[str, int]:
    rows = config_rows(contests, recognition)
    return {name: warehouse.replace_table(settings, "config", name, COLUMNS[name], rows[name],
                                          primary_key=PRIMARY_KEYS[name]) for name in COLUMNS}
