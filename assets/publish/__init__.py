"""Publish asset: the read-only copy of the marts for BI readers, made only
after every upstream asset and blocking check of the run succeeded. With the
PostgreSQL warehouse BI reads the `marts` schema in place: the asset records
the tables there and copies nothing."""

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource
from salesops.publish import publish_marts


def build_publish_asset(*dbt_stages: dg.AssetsDefinition) -> dg.AssetsDefinition:
    # every model in the marts schema, whatever its group (domain folders under marts/ are their own groups)
    mart_keys = [key for stage in dbt_stages for key in stage.keys if key.path[0] == "marts"]

    @dg.asset(
        key=["published", "marts"],
        deps=mart_keys,
        group_name="publish",
        kinds={"duckdb", "parquet"},
        pool=WAREHOUSE_POOL,
        description="Read-only DuckDB file with the `marts` schema and one Parquet file per mart, for BI tools "
        "(PostgreSQL warehouse: BI reads its `marts` schema in place; nothing is copied).",
    )
    def published_marts(settings: SettingsResource) -> dg.MaterializeResult:
        s = settings.get()
        result = publish_marts(s)
        if s.on_postgres:  # a URL (password hidden) and schema, not a file
            return dg.MaterializeResult(metadata={
                "path": dg.MetadataValue.text(result["path"]),
                "tables": dg.MetadataValue.json(result["tables"]),
            })
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(result["path"]),
            "parquet_dir": dg.MetadataValue.path(result["parquet_dir"]),
            "tables": dg.MetadataValue.json(result["tables"]),
            # unchanged marts are not written again (the weekly snapshots change one night in seven)
            "copied": dg.MetadataValue.json(result["copied"]),
            "kept": dg.MetadataValue.int(len(result["kept"])),
        })

    return published_marts
