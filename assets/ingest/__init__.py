"""Ingest assets: one per source table, keyed [source, table] like the dbt sources.

Each source system is one multi-asset (one dlt load: the tables of a system
land together or not at all) around `salesops.ingest.landing`. Two blocking
checks per table: the quarantined share stays under the configured threshold,
and landed + quarantined = extracted, re-counted from the warehouse."""


import dagster as dg
from dagster_dlt import DagsterDltResource, DagsterDltTranslator
from dagster_dlt.translator import DltResourceTranslatorData

from orchestration.resources import SettingsResource
from salesops.contracts import Source, load_source
from salesops.ingest.landing import ContractViolation, SourceMissing, build_landing, count_loads
from salesops.ingest.sqlite_arrow import source_value_error
from salesops.ingest.validation import QUARANTINE_TABLE

WAREHOUSE_POOL = "warehouse"  # DuckDB allows one writer: every warehouse writer is in this pool


class IngestConfig(dg.Config):
    full_refresh: bool = False  # drop the landed tables and watermarks, then reload everything


class _KeyBySourceTable(DagsterDltTranslator):
    """dlt resource `opportunity` of source `crm` -> asset key [crm, opportunity], as in the dbt sources."""

    def __init__(self, source_name: str):
        super().__init__()
        self.source_name = source_name

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        return dg.AssetSpec(key=dg.AssetKey([self.source_name, data.resource.name]))


def _specs(source: Source) -> list[dg.AssetSpec]:
    group = f"ingest_{source.name}"
    specs = [
        dg.AssetSpec(
            key=[source.name, t.name],
            group_name=group,
            description=f"{t.description}\n\nLanded in `{source.schema}.{t.name}` (merge on `{t.primary_key}`, "
            f"incremental on `{t.cursor}`).",
            kinds={"dlt", "duckdb"},
            metadata={"primary_key": t.primary_key, "watermark": t.cursor, "contract": str(source.path.name)},
        )
        for t in source.tables
    ]
    specs.append(
        dg.AssetSpec(
            key=[source.name, QUARANTINE_TABLE],
            group_name=group,
            description=f"Rows of {source.name} tables rejected by validation, with rule and reason (append-only).",
            kinds={"dlt", "duckdb"},
        )
    )
    return specs


def _check_specs(source: Source) -> list[dg.AssetCheckSpec]:
    checks = []
    for t in source.tables:
        checks.append(dg.AssetCheckSpec("quarantine_share", asset=[source.name, t.name], blocking=True,
                                        description="Share of extracted rows quarantined is within SALESOPS_QUARANTINE_MAX_SHARE."))
        checks.append(dg.AssetCheckSpec("rows_accounted", asset=[source.name, t.name], blocking=True,
                                        description="Landed + quarantined rows (re-counted in the warehouse) = rows extracted."))
    return checks


def build_ingest_assets(source_name: str) -> dg.AssetsDefinition:
    source = load_source(source_name)

    @dg.multi_asset(
        name=f"ingest_{source.name}",
        specs=_specs(source),
        check_specs=_check_specs(source),
        pool=WAREHOUSE_POOL,
        retry_policy=dg.RetryPolicy(max_retries=2, delay=10),
        description=f"Land the {source.name} tables with dlt, validating every batch.",
    )
    def _ingest(context: dg.AssetExecutionContext, config: IngestConfig, settings: SettingsResource, dlt: DagsterDltResource):
        s = settings.get()
        try:
            landing = build_landing(s, source, list(source.tables), full_refresh=config.full_refresh)
        except (ContractViolation, SourceMissing) as exc:  # retrying cannot fix these
            raise dg.Failure(str(exc), allow_retries=False) from None
        events = dlt.run(
            context=context,
            dlt_source=landing.dlt_source,
            dlt_pipeline=landing.pipeline,
            dagster_dlt_translator=_KeyBySourceTable(source.name),
            # drop_data: truncate the tables and reset their watermarks (drop_sources fails on DuckDB in dlt 1.31)
            refresh="drop_data" if config.full_refresh else None,
        )
        try:
            events = list(events)  # runs the load
        except Exception as exc:
            if (bad := source_value_error(exc)) is None:
                raise
            raise dg.Failure(f"{source.name}: {bad}", allow_retries=False) from None  # nothing was loaded
        trace = landing.pipeline.last_trace
        load_ids = list(trace.last_load_info.loads_ids) if trace and trace.last_load_info else []
        recounted = count_loads(s, source, [t.name for t in source.tables], load_ids)
        for event in events:
            table = event.asset_key.path[-1]
            extra = {}
            if table in landing.validators:
                v = landing.validators[table]
                extra = {"rows_extracted": v.extracted, "rows_landed": v.landed, "rows_quarantined": v.quarantined}
            yield dg.MaterializeResult(asset_key=event.asset_key, metadata={**event.metadata, **extra})
        for t in source.tables:
            v = landing.validators[t.name]
            share = v.quarantined / v.extracted if v.extracted else 0.0
            yield dg.AssetCheckResult(
                asset_key=[source.name, t.name], check_name="quarantine_share",
                passed=share <= s.quarantine_max_share,
                metadata={"quarantined": v.quarantined, "extracted": v.extracted, "share": share,
                          "threshold": s.quarantine_max_share},
                description=None if share <= s.quarantine_max_share else
                f"{v.quarantined} of {v.extracted} rows of {source.name}.{t.name} quarantined; see {source.schema}.{QUARANTINE_TABLE}",
            )
            landed, quarantined = recounted[t.name]
            yield dg.AssetCheckResult(
                asset_key=[source.name, t.name], check_name="rows_accounted",
                passed=landed + quarantined == v.extracted and landed == v.landed,
                metadata={"extracted": v.extracted, "landed_in_warehouse": landed, "quarantined_in_warehouse": quarantined},
            )

    return _ingest
