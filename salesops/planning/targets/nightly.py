"""What the nightly does with the plan configs: publish the ones marked `status: published`
that are not yet in the warehouse, and verify that the already published ones are unchanged."""

from __future__ import annotations

from pathlib import Path

from salesops.planning.targets.config import load_plan
from salesops.planning.targets.engine import decompose
from salesops.planning.targets.history import load_history
from salesops.planning.targets.ledger import published_version, verify_published, write_version
from salesops.settings import Settings


def sync_published_plans(settings: Settings, config_dir: Path, repo_root: Path | None = None) -> list[dict]:
    """One entry per plan config: {config, plan_id, version, action, rows}; action is
    `published` (written now), `verified` (published before, rows and config unchanged) or
    `skipped` (a draft). Raises on the first invalid config or changed published version."""
    plans = sorted(((load_plan(p), p) for p in sorted(config_dir.glob("*.yml"))),
                   key=lambda pp: (pp[0].plan_id, pp[0].version))
    out = []
    for plan, path in plans:
        rel = str(path.relative_to(repo_root)) if repo_root and path.is_relative_to(repo_root) else str(path)
        entry = {"config": rel, "plan_id": plan.plan_id, "version": plan.version}
        if plan.status != "published":
            out.append({**entry, "action": "skipped", "rows": 0})
            continue
        if published_version(settings, plan.plan_id, plan.version) is not None:
            v = verify_published(settings, plan.plan_id, plan.version, plan.checksum())
            out.append({**entry, "action": "verified", "rows": v["n_rows"]})
            continue
        dec = decompose(plan, load_history(settings, plan, config_dir))
        write_version(settings, dec, publish=True, config_path=rel)
        out.append({**entry, "action": "published", "rows": sum(1 for _ in dec.nodes())})
    return out
