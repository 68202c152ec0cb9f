"""dbt assets: `dbt build` of the whole project (models, seeds, tests as asset checks).

The project and the assets are built in cached factories, so importing this
module reads no files; the manifest must exist first (`salesops dbt parse`)."""

import json
import os
import shutil
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource
from salesops.paths import DBT_PROJECT_DIR
from salesops.settings import Settings, resolve_as_of
from salesops.transform import dbt_build_args, dbt_env, dbt_run_target, prune_dbt_run_targets

AS_OF_TAG = "salesops/as_of"
FULL_REFRESH_TAG = "salesops/full_refresh"
# dbt's target path: the manifest, the partial-parse state and runs/ (one folder per op and run)
DBT_TARGET_DIR = DBT_PROJECT_DIR / "target"


def run_as_of(context: dg.OpExecutionContext, settings: Settings, override: str = "") -> date:
    """The run's as-of date: op config, else the run tag (set by the schedule and
    `salesops run` for every op of the night), else settings / demo date / yesterday."""
    value = override or context.run.tags.get(AS_OF_TAG, "")
    return date.fromisoformat(value) if value else resolve_as_of(settings)


def run_target(context: dg.OpExecutionContext, settings: Settings, op_name: str) -> Path:
    """The op's dbt artifact folder (dbt_project/target/runs/...), after deleting the folders
    older than SALESOPS_DBT_ARTIFACT_DAYS: they would otherwise grow by 10-25 MB per op and night."""
    removed = prune_dbt_run_targets(DBT_TARGET_DIR, settings.dbt_artifact_days)
    if removed:
        context.log.info(f"deleted {len(removed)} dbt artifact folders older than {settings.dbt_artifact_days} days")
    return dbt_run_target(DBT_TARGET_DIR, op_name, context.run.run_id)


class DbtBuildConfig(dg.Config):
    as_of: str = ""  # YYYY-MM-DD; empty -> settings / demo date / yesterday
    full_refresh: bool = False


class _Translator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # folder = group: staging, intermediate, marts; a domain folder under
        # marts names its own group (marts/funnel -> funnel). Seeds: reference.
        fqn = dbt_resource_props.get("fqn") or []
        if dbt_resource_props.get("resource_type") == "seed":
            return "reference"
        if len(fqn) > 3 and fqn[1] == "marts":
            return fqn[2]
        return fqn[1] if len(fqn) > 2 else None


@cache
def dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


# The dbt project runs as up to three ops, because Python assets sit between
# dbt models: planning (targets) reads marts and writes `planning.*`, which
# target-vs-actual reads; the compensation engine reads credits and writes
# `compensation.*`, which the analysis marts read. Each stage is the models
# downstream of those sources (and their tests, run once all their parents are
# built: dbt's "buildable" indirect selection).
STAGE_SOURCES = {"dbt_build": None, "dbt_build_planned": "planning", "dbt_build_compensated": "compensation"}


def _downstream_models(manifest: Mapping[str, Any], source_name: str) -> set[str]:
    children = manifest.get("child_map", {})
    seen: set[str] = set()
    todo = [uid for uid, node in manifest.get("sources", {}).items() if node.get("source_name") == source_name]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return {n for n in seen if n.startswith("model.")}


def dbt_stages(manifest: Mapping[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """(op name, select, exclude) for each stage that has models: a stage is the models
    downstream of its source, minus those of later stages."""
    present = [(op, src) for op, src in STAGE_SOURCES.items() if src is None or _downstream_models(manifest, src)]
    stages = []
    for i, (op, src) in enumerate(present):
        later = " ".join(f"source:{s}+" for _, s in present[i + 1:])
        stages.append((op, f"source:{src}+" if src else None, later or None))
    return stages


def _stage_assets(project: DbtProject, stage: str, select: str | None, exclude: str | None) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        select=select or "fqn:*",
        exclude=exclude,
        dagster_dbt_translator=_Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
        pool=WAREHOUSE_POOL,
        name=stage,
    )
    def _dbt(context: dg.AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource, settings: SettingsResource):
        s = settings.get()
        as_of = run_as_of(context, s, config.as_of)
        full_refresh = config.full_refresh or context.run.tags.get(FULL_REFRESH_TAG) == "true"
        context.log.info(f"{stage}: dbt build as of {as_of}")
        os.environ.update(dbt_env(s, as_of))  # the as-of date; profiles.yml reads paths and limits from the environment
        os.environ["DBT_INDIRECT_SELECTION"] = "buildable"  # a test runs with the stage that builds its last parent
        invocation = dbt.cli(dbt_build_args(s, full_refresh=full_refresh), context=context,
                             target_path=run_target(context, s, stage))
        yield from invocation.stream()
        _keep_partial_parse(invocation.target_path)

    return _dbt


def _keep_partial_parse(target_path) -> None:
    """Each stage runs in its own target dir, seeded with the project's partial-parse
    state; the first stage of a night parses with the night's vars (a full parse), so
    hand its state on: the later stages skip their full parse (about 5 s each at scale 1).
    dbt re-checks vars, profile and files, so a stale state only costs a parse."""
    src = target_path / "partial_parse.msgpack"
    if src.exists():
        dest = DBT_TARGET_DIR / "partial_parse.msgpack"
        tmp = dest.with_name(f".partial_parse.{os.getpid()}.tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)  # atomic: a concurrent stage never reads half a file


@cache
def build_dbt_assets() -> tuple[dg.AssetsDefinition, ...]:
    """One AssetsDefinition per dbt stage that has models (see dbt_stages)."""
    project = dbt_project()
    manifest = json.loads(project.manifest_path.read_text())
    return tuple(_stage_assets(project, *stage) for stage in dbt_stages(manifest))
