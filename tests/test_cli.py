"""The command line a user types: helpful failures and exit codes."""

from __future__ import annotations

import os

from typer.testing import CliRunner

from salesops.cli import app

runner = CliRunner()


def test_run_without_demo_fails_with_a_hint_and_nonzero_exit(data_dir, dbt_manifest):
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 1
    assert "does not exist; run `salesops demo generate`" in result.output
    assert "FAILED" in result.output


def test_docs_sources_is_up_to_date():
    """docs/sources.md is generated from the contracts; regenerate with `salesops docs sources`."""
    result = runner.invoke(app, ["docs", "sources", "--check"])
    assert result.exit_code == 0, result.output


def test_demo_generate_if_missing_does_not_overwrite(data_dir):
    (data_dir / "demo").mkdir()
    (data_dir / "demo" / "manifest.json").write_text("{}")
    result = runner.invoke(app, ["demo", "generate", "--if-missing"])
    assert result.exit_code == 0 and "already" in result.output
    assert (data_dir / "demo" / "manifest.json").read_text() == "{}"


def test_a_killed_run_does_not_block_the_next_one(tmp_path):
    """Regression: a `salesops run` killed mid-way kept the warehouse pool slot and
    the next run waited forever. The next run releases it (the process is gone)."""
    import socket
    import subprocess

    import dagster as dg
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus
    from rich.console import Console

    from salesops.runner import release_stale_runs

    dead = subprocess.Popen(["true"])
    dead.wait()
    with dg.DagsterInstance.local_temp(str(tmp_path)) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots("warehouse", 1)
        tags = {"salesops/launcher": "cli", "salesops/host": socket.gethostname()}
        stale = DagsterRun(job_name="nightly", run_id="stale-run", status=DagsterRunStatus.STARTED,
                           tags={**tags, "salesops/pid": str(dead.pid)})
        alive = DagsterRun(job_name="nightly", run_id="live-run", status=DagsterRunStatus.STARTED,
                           tags={**tags, "salesops/pid": str(os.getpid())})
        instance.add_run(stale)
        instance.add_run(alive)
        assert storage.claim_concurrency_slot("warehouse", "stale-run", "ingest_crm").is_claimed

        release_stale_runs(instance, Console(file=open(os.devnull, "w")))  # noqa: SIM115

        assert instance.get_run_by_id("stale-run").status == DagsterRunStatus.FAILURE
        assert instance.get_run_by_id("live-run").status == DagsterRunStatus.STARTED
        assert storage.get_concurrency_info("warehouse").claimed_slots == []
