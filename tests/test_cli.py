"""The command line a user types: helpful failures and exit codes."""

from __future__ import annotations

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
