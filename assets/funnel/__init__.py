"""Funnel assets: the funnel standard (config/funnel.yml) written to the warehouse
as config.funnel_stages and config.funnel_required_fields, read by dbt through
the `config` source. The funnel marts themselves are dbt models (group funnel)."""

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource
from salesops.funnel.standard import DEFAULT_PATH, FunnelConfigError, load_standard, write_standard


@dg.multi_asset(
    name="funnel_standard",
    specs=[
        dg.AssetSpec(["config", "funnel_stages"], group_name="funnel", kinds={"python", "duckdb"},
                     description="The funnel standard: one row per stage (order, probability fraction 0-1, forecast "
                     "category, max days in stage, talk track, skill focus), from config/funnel.yml."),
        dg.AssetSpec(["config", "funnel_required_fields"], group_name="funnel", kinds={"python", "duckdb"},
                     description="One row per stage x opportunity field that must be filled before the stage is exited."),
    ],
    pool=WAREHOUSE_POOL,
    description="Validate config/funnel.yml and write it to the warehouse schema config.",
)
def funnel_standard(context: dg.AssetExecutionContext, settings: SettingsResource):
    try:
        standard = load_standard(DEFAULT_PATH)
    except FunnelConfigError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from None
    counts = write_standard(settings.get(), standard)
    context.log.info(f"funnel standard v{standard.version}: {counts}")
    for table, n in counts.items():
        yield dg.MaterializeResult(asset_key=["config", table],
                                   metadata={"rows": n, "version": standard.version, "file": "config/funnel.yml"})
