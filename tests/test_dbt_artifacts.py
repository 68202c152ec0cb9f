"""dbt artifact folders: one per op and run, deleted after SALESOPS_DBT_ARTIFACT_DAYS."""

from __future__ import annotations

import os
import time

import pytest

from salesops.settings import Settings
from salesops.transform import dbt_run_target, prune_dbt_run_targets

DAY = 86400


def _folder(path, age_days: float, now: float):
    path.mkdir(parents=True)
    (path / "run_results.json").write_text("{}")
    os.utime(path, (now - age_days * DAY, now - age_days * DAY))
    return path


def test_only_run_folders_older_than_the_limit_are_deleted(tmp_path):
    now = time.time()
    target = tmp_path / "target"
    old_run = _folder(target / "runs" / "dbt_build-1a2b3c4d-9f8e7d6", 15, now)
    recent_run = _folder(target / "runs" / "dbt_build_planned-1a2b3c4d-1234567", 13.9, now)
    # what dagster-dbt left directly under target/ before salesops named the folders
    legacy_old = _folder(target / "dbt_build_compensated-0a1b2c3-4d5e6f7", 30, now)
    legacy_recent = _folder(target / "dbt_build-0a1b2c3-aaaaaaa", 1, now)
    # everything else under target/ is dbt's own or another tool's: never touched, however old
    for name in ("compiled", "run", "cmp", "bench-commission", "dbt_build-not-hex"):
        _folder(target / name, 100, now)
    (target / "partial_parse.msgpack").write_bytes(b"x")
    os.utime(target / "partial_parse.msgpack", (now - 100 * DAY, now - 100 * DAY))

    removed = prune_dbt_run_targets(target, 14, now=now)

    assert sorted(removed) == sorted([old_run, legacy_old])
    assert not old_run.exists() and not legacy_old.exists()
    assert recent_run.exists() and legacy_recent.exists()
    assert sorted(p.name for p in target.iterdir()) == sorted(
        ["runs", "compiled", "run", "cmp", "bench-commission", "dbt_build-not-hex", "partial_parse.msgpack",
         legacy_recent.name])
    assert prune_dbt_run_targets(target, 14, now=now) == []  # nothing left to delete
    assert prune_dbt_run_targets(tmp_path / "no-target-yet", 14, now=now) == []


def test_run_folder_names_the_op_and_the_run(tmp_path):
    first = dbt_run_target(tmp_path, "dbt_build_planned", "e692de75-e2a5-40c1-8158-2257332c1783")
    second = dbt_run_target(tmp_path, "dbt_build_planned", "e692de75-e2a5-40c1-8158-2257332c1783")
    assert first.parent == tmp_path / "runs"
    assert first.name.startswith("dbt_build_planned-e692de75-")
    assert first != second  # two invocations of one op in one run (a retry) do not share a folder


def test_the_retention_is_a_setting_of_at_least_one_day(monkeypatch):
    monkeypatch.setenv("SALESOPS_DBT_ARTIFACT_DAYS", "3")
    assert Settings().dbt_artifact_days == 3
    monkeypatch.setenv("SALESOPS_DBT_ARTIFACT_DAYS", "0")
    with pytest.raises(ValueError, match="dbt_artifact_days"):
        Settings()
    monkeypatch.delenv("SALESOPS_DBT_ARTIFACT_DAYS")
    assert Settings().dbt_artifact_days == 14
