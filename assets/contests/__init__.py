"""Contest and recognition config as warehouse tables: config/contests/*.yml and config/recognition.yml,
validated, written to schema `config` (dbt source `config`). The leaderboards, winners and recognition
lists are dbt marts (dbt_project/models/marts/recognition) built on these tables."""

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource
from salesops.contests.config_tables import COLUMNS

_DESCRIPTIONS = {
    "contests": "One row per sales contest (config/contests/*.yml).",
    "contest_eligibility": "One row per contest x eligible role / region / business unit.",
    "contest_prize_tiers": "One row per contest x prize tier (rank range).",
    "recognition_rules": "One row per recognition rule (config/recognition.yml).",
    "recognition_rule_criteria": "One row per recognition rule x eligible role / disqualifying finding type.",
    "compliance_flags": "One row per payee x compliance flag (config/recognition.yml).",
}


@dg.multi_asset(
    specs=[dg.AssetSpec(["config", table], group_name="recognition", kinds={"yaml"}, description=_DESCRIPTIONS[table])
           for table in COLUMNS],
    pool=WAREHOUSE_POOL,
    name="config_contests",
)
def config_contests(settings: SettingsResource):
    """Validate the contest and recognition YAML (errors name file, key and rule) and write the tables."""
    from salesops.contests.config import load_contests, load_recognition
    from salesops.contests.config_tables import write_config_tables

    counts = write_config_tables(settings.get(), load_contests(), load_recognition())
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=["config", table], metadata={"rows": rows})
