"""Territory design runs on demand, not in the nightly job: a proposal is a planning exercise
(minutes of solving) that somebody reviews and approves with `salesops territories apply`."""

import dagster as dg

TERRITORY_PROPOSAL_KEY = dg.AssetKey(["planning", "territory_proposals"])

territory_proposal_job = dg.define_asset_job(
    "territory_proposal",
    selection=dg.AssetSelection.assets(TERRITORY_PROPOSAL_KEY),
    description="Propose a territory alignment (planning.territory_proposals); never applies it.",
    tags={"salesops/kind": "planning"},
)
