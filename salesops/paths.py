"""Where the repository's own files are (config, dbt project, expectations)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
CONFIG_DIR = REPO_ROOT / "config"  # versioned YAML: funnel standard, KPIs, plans, contests
