"""Shared fixtures. Every test gets its own data dir (warehouse, demo, state)
through SALESOPS_* environment variables; nothing touches the repo's data/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("SALESOPS_DATA_DIR", str(d))
    for var in ("SALESOPS_CRM_URL", "SALESOPS_ERP_URL", "SALESOPS_HR_URL", "SALESOPS_WAREHOUSE_PATH", "SALESOPS_AS_OF"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    return d


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest the Dagster definitions are built from (parsed once per session)."""
    from salesops.paths import DBT_PROJECT_DIR

    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if not manifest.exists():
        import subprocess
        import sys

        subprocess.run([sys.executable, "-m", "salesops.cli", "dbt", "parse"], check=True)
    return manifest
