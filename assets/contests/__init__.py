"""Contest and recognition assets: leaderboards + winners per contest (config/contests/*.yml) and
recognition lists (config/recognition.yml), written to the `recognition` schema."""

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource

_INPUTS = [dg.AssetKey(["marts", "opportunities"]), dg.AssetKey(["marts", "target_vs_actual"]),
           dg.AssetKey(["intermediate", "int_reps_assigned"])]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["recognition", "contest_leaderboard"], deps=_INPUTS, group_name="recognition", kinds={"python"},
                     description="One row per contest x eligible person: amount, deals, attainment, achievement "
                     "date, rank (ties and tie-breaks as configured), prize."),
        dg.AssetSpec(["recognition", "contest_winners"], deps=_INPUTS, group_name="recognition", kinds={"python"},
                     description="The prize winners of every contest (provisional while a contest runs)."),
    ],
    pool=WAREHOUSE_POOL,
)
def contest_leaderboards(settings: SettingsResource):
    from salesops.contests.service import compute_contests, write_contests

    s = settings.get()
    counts = write_contests(s, compute_contests(s))
    yield dg.MaterializeResult(asset_key=["recognition", "contest_leaderboard"],
                               metadata={"rows": counts["contest_leaderboard"]})
    yield dg.MaterializeResult(asset_key=["recognition", "contest_winners"],
                               metadata={"rows": counts["contest_winners"]})


@dg.asset(
    key=["recognition", "recognition_list"],
    deps=[dg.AssetKey(["marts", "target_vs_actual"]), dg.AssetKey(["marts", "data_quality_findings"]),
          dg.AssetKey(["intermediate", "int_reps_assigned"])],
    group_name="recognition",
    kinds={"python"},
    pool=WAREHOUSE_POOL,
    description="One row per recognition rule x person of its roles: YTD attainment, compliance flags, qualified "
    "or the reason why not (e.g. President's Club: YTD attainment >= 120 % and no flags).",
)
def recognition_list(settings: SettingsResource) -> dg.MaterializeResult:
    from salesops.contests.service import compute_recognition, write_recognition

    s = settings.get()
    rows = compute_recognition(s)
    write_recognition(s, rows)
    return dg.MaterializeResult(metadata={"rows": len(rows), "qualified": sum(1 for r in rows if r["is_qualified"])})
