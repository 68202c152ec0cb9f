"""Territory design asset: a proposal in planning.territory_proposals (never applied automatically;
`salesops territories apply --proposal ID` is the approval)."""

from datetime import UTC, date, datetime

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource
from salesops.planning.territories.source import DBT_MODELS


class TerritoryProposalConfig(dg.Config):
    as_of: str = ""  # YYYY-MM-DD; empty -> settings / demo date / yesterday
    region: str = ""  # one HR region id; empty -> all regions
    config_path: str = ""  # empty -> config/territories.yml


@dg.asset(
    key=["planning", "territory_proposals"],
    deps=[dg.AssetKey(list(m)) for m in DBT_MODELS],
    group_name="planning",
    kinds={"python", "highs"},
    pool=WAREHOUSE_POOL,
    description="Proposed account -> rep alignment per region (HiGHS MIP balancing potential and workload, "
    "disruption minimised, key accounts locked, cities kept whole). Appended, never applied: "
    "`salesops territories apply --proposal ID` writes planning.territory_alignment.",
)
def territory_proposals(config: TerritoryProposalConfig, settings: SettingsResource) -> dg.MaterializeResult:
    from salesops.planning.territories.config import load_config
    from salesops.planning.territories.propose import propose
    from salesops.planning.territories.source import read_accounts, read_people
    from salesops.planning.territories.store import write_proposal
    from salesops.settings import resolve_as_of

    s = settings.get()
    as_of = date.fromisoformat(config.as_of) if config.as_of else resolve_as_of(s)
    cfg = load_config(config.config_path or None)
    proposal = propose(read_accounts(s), read_people(s, as_of), cfg, as_of=as_of,
                       created_at=datetime.now(UTC).replace(tzinfo=None), region=config.region or None)
    written = write_proposal(s, proposal)
    return dg.MaterializeResult(metadata={
        "proposal_id": proposal.proposal_id,
        "written": written,
        "rows": len(proposal.rows),
        "cv_potential_before": float(proposal.within_cv_potential_before),
        "cv_potential_after": float(proposal.within_cv_potential_after),
        "cv_workload_before": float(proposal.within_cv_workload_before),
        "cv_workload_after": float(proposal.within_cv_workload_after),
        "disruption_share": float(proposal.disruption),
        "solve_seconds": round(proposal.solve_seconds, 2),
        "apply_with": f"salesops territories apply --proposal {proposal.proposal_id}",
    })
