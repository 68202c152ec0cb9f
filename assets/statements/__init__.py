"""Statement asset: every payee's commission statement (HTML + PDF) for a period, recorded in
`statements.rendered`. Rules live in salesops/statements; this is the thin Dagster wrapper."""

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource


class StatementsConfig(dg.Config):
    period: str | None = None  # YYYY-MM; default: the latest closed/approved period
    draft: bool = False  # allow an open period (watermarked DRAFT)


@dg.asset(
    key=["statements", "rendered"],
    deps=[dg.AssetKey(["compensation", "payouts"]), dg.AssetKey(["marts", "comp_credits"])],
    group_name="compensation",
    kinds={"pdf", "html"},
    pool=WAREHOUSE_POOL,
    description="One commission statement per payee per period (<data_dir>/statements/<period>/<payee_id>.html|pdf, "
    "Chinese or English per payee) and the manifest table statements.rendered (path, sha256). Refuses a period "
    "whose calculation failed or has exceptions.",
)
def statements_rendered(context: dg.AssetExecutionContext, config: StatementsConfig,
                        settings: SettingsResource) -> dg.MaterializeResult:
    from salesops.statements.service import latest_period, render_period

    s = settings.get()
    period = config.period or latest_period(s, ("closed", "approved", "open") if config.draft else
                                            ("closed", "approved"))
    if period is None:
        context.log.info("no closed or approved period in compensation.periods: nothing to render")
        return dg.MaterializeResult(metadata={"statements": 0})
    rendered = render_period(s, period, allow_draft=config.draft)
    seconds = sum(r.seconds for r in rendered)
    return dg.MaterializeResult(metadata={
        "period": period,
        "statements": len(rendered),
        "folder": dg.MetadataValue.path(str(s.data_dir / "statements" / period)),
        "languages": dg.MetadataValue.json({lang: sum(1 for r in rendered if r.language == lang)
                                            for lang in sorted({r.language for r in rendered})}),
        "seconds_per_statement": round(seconds / len(rendered), 3) if rendered else 0,
        "draft": bool(rendered and rendered[0].is_draft),
    })
