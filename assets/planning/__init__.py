"""Planning assets: the target ledger [planning, targets] (salesops.planning.targets)."""

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource
from salesops.paths import CONFIG_DIR, REPO_ROOT
from salesops.planning.targets.history import DBT_MODELS

# dbt models the decomposition reads (dagster-dbt keys here are [schema, model])
_DBT_SCHEMA = {"stg_hr__org_units": "staging", "int_reps_assigned": "intermediate", "opportunities": "marts",
               "stg_crm__opportunity_line_items": "staging", "stg_crm__products": "staging", "stg_crm__accounts": "staging"}


@dg.asset(
    key=["planning", "targets"],
    deps=[dg.AssetKey([_DBT_SCHEMA[m], m]) for m in DBT_MODELS],
    group_name="planning",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="The target ledger (planning.targets + planning.target_versions): every plan config in "
    "config/targets/ marked `status: published` is decomposed and published once; published versions are "
    "immutable and verified every night (rows and config unchanged). See docs/targets.md.",
)
def planning_targets(context: dg.AssetExecutionContext, settings: SettingsResource) -> dg.MaterializeResult:
    from salesops.planning.targets.nightly import sync_published_plans

    results = sync_published_plans(settings.get(), CONFIG_DIR / "targets", REPO_ROOT)
    for r in results:
        context.log.info(f"{r['config']}: {r['plan_id']} v{r['version']} {r['action']} ({r['rows']} rows)")
    published: dict[str, list[str]] = {}
    for r in results:
        if r["action"] in ("published", "verified"):
            published.setdefault(r["plan_id"], []).append(f"v{r['version']}")
    return dg.MaterializeResult(metadata={
        "versions": dg.MetadataValue.json(results),
        # what is published, e.g. "FY2026: v1,v2": the push_quotas_on_publish sensor runs the quota
        # push (dry run unless configured) when this changes
        "published_versions": "; ".join(f"{p}: {','.join(sorted(v))}" for p, v in sorted(published.items())),
        "published_now": sum(r["action"] == "published" for r in results),
        "verified": sum(r["action"] == "verified" for r in results),
    })
