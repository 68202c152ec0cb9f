"""dbt assets: `dbt build` of the whole project (models, seeds, tests as asset checks).

The project and the assets are built in cached factories, so importing this
module reads no files; the manifest must exist first (`salesops dbt parse`)."""

import os
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource
from salesops.paths import DBT_PROJECT_DIR
from salesops.settings import resolve_as_of
from salesops.transform import dbt_build_args, dbt_env


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


@cache
def build_dbt_assets() -> dg.AssetsDefinition:
    project = dbt_project()

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=_Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
        pool=WAREHOUSE_POOL,
        name="dbt_build",
    )
    def _dbt(context: dg.AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource, settings: SettingsResource):
        s = settings.get()
        as_of = date.fromisoformat(config.as_of) if config.as_of else resolve_as_of(s)
        context.log.info(f"dbt build as of {as_of}")
        os.environ.update(dbt_env(s))  # profiles.yml reads paths and limits from the environment
        s.duckdb_temp_dir.mkdir(parents=True, exist_ok=True)
        yield from dbt.cli(dbt_build_args(s, as_of, full_refresh=config.full_refresh), context=context).stream()

    return _dbt
