"""Contests and recognition, Python side: config validation (errors name file, key and rule), the
config tables the dbt marts read, the Dagster asset and the CLI. The ranking itself (ties,
tie-breaks, prize tiers, eligibility, attainment, the President's Club rule) is hand-computed in the
dbt unit tests next to the marts: dbt_project/models/marts/recognition/_recognition__unit_tests.yml."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from salesops import warehouse
from salesops.contests.config import (
    Contest,
    ContestConfigError,
    RecognitionConfig,
    load_contest,
    load_contests,
    load_recognition,
)
from salesops.contests.config_tables import config_rows
from salesops.settings import get_settings

BASE = {"contest_id": "c1", "name": "Q4", "start_date": "2026-10-01", "end_date": "2026-12-31",
        "measure": "bookings", "ranking": {"by": "amount"}, "prizes": [{"ranks": "1", "prize": "gold"}]}


@pytest.mark.parametrize(("change", "message"), [
    ({"colour": "red"}, "colour: unknown key"),
    ({"measure": "vibes"}, "unknown measure 'vibes' for source 'opportunities'; known: bookings, new_logos"),
    ({"prizes": [{"ranks": "1-3", "prize": "a"}, {"ranks": "3-5", "prize": "b"}]},
     "prize tiers overlap: ranks '1-3' (a) and '3-5' (b)"),
    ({"prizes": [{"ranks": "3-1", "prize": "a"}]}, "prizes.0.ranks: ranks '3-1': need 1 <= first <= last"),
    ({"prizes": []}, "prizes: List should have at least 1 item"),
    ({"end_date": "2026-09-01"}, "end_date 2026-09-01 is before start_date 2026-10-01"),
    ({"ranking": {"by": "amount", "oder": "desc"}}, "ranking.oder: unknown key"),
    ({"ranking": {"by": "revenue"}}, "ranking.by: Input should be 'amount', 'count' or 'attainment'"),
    ({"tie_breaks": ["deal_count", "deal_count"]}, "tie_breaks lists a tie-break twice"),
    ({"eligibility": {"roles": ["ceo"]}}, "eligibility.roles.0"),
    ({"contest_id": "Q4 Sprint"}, "contest_id: String should match pattern"),
])
def test_contest_config_errors_name_file_key_and_rule(tmp_path: Path, change: dict, message: str) -> None:
    path = tmp_path / "c1.yml"
    path.write_text(yaml.safe_dump({**BASE, **change}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContestConfigError) as e:
        load_contest(path)
    assert f"{path}: " in str(e.value) and message in str(e.value)


def test_all_files_checked_and_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    (tmp_path / "b.yml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    (tmp_path / "c.yml").write_text(yaml.safe_dump({**BASE, "contest_id": "c3", "measure": "x"}), encoding="utf-8")
    with pytest.raises(ContestConfigError) as e:
        load_contests(tmp_path)
    assert "c.yml: <top>: unknown measure 'x'" in str(e.value)
    assert "contest_id 'c1' is used by 2 files" in str(e.value)


def test_recognition_config_errors(tmp_path: Path) -> None:
    path = tmp_path / "recognition.yml"
    path.write_text("rules:\n  - {rule_id: pc, name: PC, min_ytd_attainment: 0}\n  - {rule_id: pc, name: X, "
                    "min_ytd_attainment: 1.2, bonus: 1}\n", encoding="utf-8")
    with pytest.raises(ContestConfigError) as e:
        load_recognition(path)
    text = str(e.value)
    assert f"{path}: rules.0.min_ytd_attainment: Input should be greater than 0" in text
    assert f"{path}: rules.1.bonus: unknown key" in text


def test_repo_configs_are_valid() -> None:
    assert {c.contest_id for c in load_contests()} == {
        "q4_2026_bookings_sprint", "h2_2026_new_logos", "q3_2026_attainment"}
    pc = next(r for r in load_recognition().rules if r.rule_id == "presidents_club")
    assert pc.min_ytd_attainment == D("1.20")


def test_config_rows_one_row_per_list_item() -> None:
    c = Contest.model_validate({**BASE, "tie_breaks": ["deal_count"],
                                "eligibility": {"roles": ["rep", "manager"], "regions": ["East", "OU-0024"]},
                                "prizes": [{"ranks": "2-3", "prize": "silver"}, {"ranks": "1", "prize": "gold"}]})
    rec = RecognitionConfig.model_validate({
        "rules": [{"rule_id": "pc", "name": "PC", "min_ytd_attainment": "1.2",
                   "disqualify_finding_types": ["user_without_hr_employee"]}],
        "compliance_flags": [{"payee_id": "u3", "flag": "audit"}]})
    rows = config_rows([c], rec)
    assert rows["contests"] == [{
        "contest_id": "c1", "contest_name": "Q4", "start_date": date(2026, 10, 1), "end_date": date(2026, 12, 31),
        "source": "opportunities", "measure": "bookings", "ranking_by": "amount", "ranking_order": "desc",
        "min_value": D("0"), "tie_break_1": "deal_count", "tie_break_2": None, "tie_break_3": None}]
    assert [(r["dimension"], r["value"]) for r in rows["contest_eligibility"]] == [
        ("role", "rep"), ("role", "manager"), ("region", "East"), ("region", "OU-0024")]
    assert [(r["from_rank"], r["to_rank"], r["prize"]) for r in rows["contest_prize_tiers"]] == [
        (2, 3, "silver"), (1, 1, "gold")]
    assert [(r["dimension"], r["value"]) for r in rows["recognition_rule_criteria"]] == [
        ("role", "rep"), ("finding_type", "user_without_hr_employee")]
    assert rows["compliance_flags"] == [{"payee_id": "u3", "flag": "audit", "reason": ""}]


def test_asset_writes_config_tables(data_dir: Path) -> None:
    import dagster as dg

    from assets.contests import config_contests
    from orchestration.resources import SettingsResource

    res = dg.materialize([config_contests], resources={"settings": SettingsResource(data_dir=str(data_dir))})
    assert res.success
    s = get_settings()
    contests = warehouse.read_rows(s, "select contest_id, ranking_by, min_value from config.contests order by 1")
    assert [(r["contest_id"], r["ranking_by"]) for r in contests] == [
        ("h2_2026_new_logos", "count"), ("q3_2026_attainment", "attainment"), ("q4_2026_bookings_sprint", "amount")]
    assert contests[1]["min_value"] == D("1.000000")
    tiers = warehouse.read_rows(s, "select from_rank, to_rank from config.contest_prize_tiers "
                                   "where contest_id = 'q4_2026_bookings_sprint' order by 1")
    assert [(t["from_rank"], t["to_rank"]) for t in tiers] == [(1, 1), (2, 3), (4, 10)]


def test_cli_validate_run_show(data_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from salesops.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["contests", "validate"]).exit_code == 0
    res = runner.invoke(app, ["contests", "run", "--no-dbt"])
    assert res.exit_code == 0 and "config.contests (3)" in res.output
    missing = runner.invoke(app, ["contests", "show"])
    assert missing.exit_code == 1 and "marts.contest_leaderboard does not exist" in missing.output
    s = get_settings()
    warehouse.replace_table(s, "marts", "contest_leaderboard", {
        "contest_id": "varchar", "contest_name": "varchar", "contest_status": "varchar", "start_date": "date",
        "end_date": "date", "payee_id": "varchar", "payee_name": "varchar", "region_name": "varchar",
        "ranking_by": "varchar", "amount": "decimal(18,2)", "currency": "varchar", "deal_count": "integer",
        "attainment": "decimal(18,6)", "achievement_date": "date", "is_ranked": "boolean", "contest_rank": "integer",
        "prize": "varchar", "is_winner": "boolean", "as_of_date": "date"},
        [{"contest_id": "c1", "contest_name": "Q4", "contest_status": "running", "payee_id": "u1", "payee_name": "甲",
          "ranking_by": "amount", "amount": D("-558.15"), "currency": "CNY", "deal_count": 1, "is_ranked": True,
          "contest_rank": 1, "prize": "gold", "is_winner": True}])
    shown = runner.invoke(app, ["contests", "show", "--contest", "c1"])
    assert shown.exit_code == 0 and "甲" in shown.output and "-¥558.15" in shown.output and "[c1]" in shown.output
    nope = runner.invoke(app, ["contests", "show", "--contest", "nope"])
    assert nope.exit_code == 1 and "no contest 'nope'" in nope.output
