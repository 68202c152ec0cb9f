"""Contests and recognition: ranking with ties and tie-breaks, prize tiers, eligibility,
config validation errors, the recognition rule, and the warehouse tables (hand-computed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from salesops import warehouse
from salesops.contests.config import Contest, ContestConfigError, RecognitionConfig, load_contest, load_contests
from salesops.contests.engine import Line, Person, leaderboard, recognition_list
from salesops.settings import get_settings

AS_OF = date(2026, 11, 26)
PEOPLE = [Person("u1", "甲", "rep", "R1", "East"), Person("u2", "乙", "rep", "R1", "East"),
          Person("u3", "丙", "rep", "R2", "West"), Person("u4", "丁", "rep", "R2", "West"),
          Person("u5", "戊", "rep", "R2", "West"), Person("m1", "Boss", "manager", "R1", "East")]


def contest(**over) -> Contest:
    base = {"contest_id": "c1", "name": "Q4", "start_date": "2026-10-01", "end_date": "2026-12-31",
            "measure": "bookings", "ranking": {"by": "amount"}, "tie_breaks": ["achievement_date", "deal_count"],
            "prizes": [{"ranks": "1", "prize": "gold"}, {"ranks": "2-3", "prize": "silver"}]}
    base.update(over)
    return Contest.model_validate(base)


def L(pid, day, amount, deal):  # noqa: N802
    return Line(pid, date(2026, 10, day) if isinstance(day, int) else day, D(amount), deal)


LINES = [
    L("u1", 5, "100.00", "o1"), L("u1", 20, "50.00", "o2"),                 # 150.00, 2 deals, achieved 10-20
    L("u2", 3, "150.00", "o3"),                                             # 150.00, 1 deal, achieved 10-03 -> beats u1
    L("u3", 10, "90.00", "o4"), L("u3", 12, "60.00", "o5"),                 # 150.00, 2 deals, achieved 10-12 -> beats u1
    L("u4", 8, "200.00", "o6"), L("u4", 25, "-200.00", "o6"), L("u4", 9, "40.00", "o7"),  # cancelled: 40.00, 1 deal
    L("u5", date(2026, 9, 30), "999.00", "o8"),                             # before the window: not counted
    L("m1", 6, "500.00", "o9"),                                             # manager: not eligible
]


def test_ranking_ties_and_tie_breaks() -> None:
    rows = leaderboard(contest(), PEOPLE, LINES, as_of=AS_OF)
    got = [(r["payee_id"], r["amount"], r["deal_count"], r["achievement_date"], r["rank"], r["prize"]) for r in rows]
    assert got == [
        ("u2", D("150.00"), 1, date(2026, 10, 3), 1, "gold"),     # 150, earliest achievement
        ("u3", D("150.00"), 2, date(2026, 10, 12), 2, "silver"),
        ("u1", D("150.00"), 2, date(2026, 10, 20), 3, "silver"),
        ("u4", D("40.00"), 1, date(2026, 10, 25), 4, None),        # reversal counted on its date
        ("u5", D("0"), 0, None, None, None),                       # nothing in the window: eligible, not ranked
    ]
    assert all(r["contest_status"] == "running" for r in rows)


def test_full_tie_shares_rank_and_prize() -> None:
    # deal_count first: u1 and u3 both have 2 deals and 150.00; with only deal_count as tie-break they tie
    rows = leaderboard(contest(tie_breaks=["deal_count"]), PEOPLE, LINES, as_of=AS_OF)
    ranks = {r["payee_id"]: (r["rank"], r["prize"]) for r in rows}
    assert ranks == {"u1": (1, "gold"), "u3": (1, "gold"), "u2": (3, "silver"), "u4": (4, None), "u5": (None, None)}


def test_count_ranking_min_value_and_eligibility_by_region() -> None:
    c = contest(ranking={"by": "count", "min_value": 1}, eligibility={"roles": ["rep", "manager"], "regions": ["East"]})
    rows = leaderboard(c, PEOPLE, LINES, as_of=AS_OF)
    assert [(r["payee_id"], r["deal_count"], r["rank"]) for r in rows] == [
        ("u1", 2, 1), ("m1", 1, None), ("u2", 1, None)]  # only deal counts > 1 are ranked; West excluded


def test_attainment_ranking() -> None:
    c = contest(ranking={"by": "attainment"})
    rows = leaderboard(c, PEOPLE, LINES, {"u1": D("300.00"), "u2": D("100.00"), "u3": D("0")}, as_of=AS_OF)
    got = {r["payee_id"]: (r["attainment"], r["rank"]) for r in rows}
    assert got["u2"] == (D("1.500000"), 1) and got["u1"] == (D("0.500000"), 2)
    assert got["u3"] == (None, None) and got["u4"] == (None, None)  # no quota: not ranked


@pytest.mark.parametrize(("change", "message"), [
    ({"colour": "red"}, "colour: unknown key"),
    ({"measure": "vibes"}, "unknown measure 'vibes' for source 'opportunities'"),
    ({"prizes": [{"ranks": "1-3", "prize": "a"}, {"ranks": "3-5", "prize": "b"}]}, "prize tiers overlap: ranks '1-3'"),
    ({"prizes": [{"ranks": "3-1", "prize": "a"}]}, "prizes.0.ranks"),
    ({"end_date": "2026-09-01"}, "end_date 2026-09-01 is before start_date"),
    ({"ranking": {"by": "amount", "oder": "desc"}}, "ranking.oder: unknown key"),
    ({"source": "comp_credits", "ranking": {"by": "attainment"}}, "ranking.by attainment needs source opportunities"),
])
def test_contest_config_errors_name_file_and_key(tmp_path: Path, change: dict, message: str) -> None:
    import yaml

    raw = {"contest_id": "c1", "name": "Q4", "start_date": "2026-10-01", "end_date": "2026-12-31",
           "measure": "bookings", "ranking": {"by": "amount"}, "prizes": [{"ranks": "1", "prize": "gold"}]}
    raw.update(change)
    path = tmp_path / "c1.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContestConfigError) as e:
        load_contest(path)
    assert str(path) in str(e.value) and message in str(e.value)


def test_repo_configs_are_valid() -> None:
    assert {c.contest_id for c in load_contests()} >= {"q4_2026_bookings_sprint", "h2_2026_new_logos"}


def test_recognition_rule() -> None:
    cfg = RecognitionConfig.model_validate({
        "rules": [{"rule_id": "pc", "name": "President's Club", "min_ytd_attainment": "1.2",
                   "disqualify_finding_types": ["user_without_hr_employee"]}],
        "compliance_flags": [{"payee_id": "u3", "flag": "discount_policy_breach", "reason": "audit Q3"}]})
    ytd = {"u1": (D("1000.00"), D("1200.00")),   # exactly 120 %: qualifies
           "u2": (D("1000.00"), D("1199.99")),   # 119.999 %: does not
           "u3": (D("1000.00"), D("2000.00")),   # 200 % but flagged
           "u4": (D("1000.00"), D("1500.00")),   # 150 % but a data-quality finding
           "u5": (None, None)}
    rows = recognition_list(cfg, cfg.rules[0], PEOPLE, ytd, {"u4": ["user_without_hr_employee"], "u1": ["other"]},
                            as_of=AS_OF, fiscal_year=2026)
    got = {r["payee_id"]: (r["ytd_attainment"], r["is_qualified"], r["reason"]) for r in rows}
    assert got == {
        "u1": (D("1.200000"), True, "qualified"),
        "u2": (D("1.199990"), False, "YTD attainment 119.999% < 120.00%"),
        "u3": (D("2.000000"), False, "compliance flag: discount_policy_breach (audit Q3)"),
        "u4": (D("1.500000"), False, "compliance flag: data quality: user_without_hr_employee"),
        "u5": (None, False, "no YTD quota"),
    }
    assert [r["payee_id"] for r in rows][0] == "u1" and "m1" not in got  # managers not in the rule's roles


def _warehouse(s) -> None:
    opp_cols = {"owner_user_id": "varchar", "closed_date": "date", "amount_reporting": "decimal(18,2)",
                "opportunity_id": "varchar", "account_id": "varchar", "reporting_currency": "varchar",
                "is_won": "boolean", "opportunity_type": "varchar"}
    warehouse.replace_table(s, "marts", "opportunities", opp_cols, [
        {"owner_user_id": "u1", "closed_date": date(2026, 10, 5), "amount_reporting": D("100.00"),
         "opportunity_id": "o1", "account_id": "a1", "reporting_currency": "CNY", "is_won": True,
         "opportunity_type": "New Business"},
        {"owner_user_id": "u2", "closed_date": date(2026, 10, 6), "amount_reporting": D("300.00"),
         "opportunity_id": "o2", "account_id": "a2", "reporting_currency": "CNY", "is_won": True,
         "opportunity_type": "Existing Business"},
        {"owner_user_id": "u2", "closed_date": date(2026, 10, 7), "amount_reporting": D("999.00"),
         "opportunity_id": "o3", "account_id": "a3", "reporting_currency": "CNY", "is_won": False,
         "opportunity_type": "New Business"}])
    rep_cols = {"user_id": "varchar", "user_name": "varchar", "sales_role": "varchar", "region_id": "varchar",
                "region_name": "varchar", "business_unit_id": "varchar", "business_unit_name": "varchar",
                "team_name": "varchar", "employee_id": "varchar", "valid_from_date": "date", "valid_to_date": "date"}
    warehouse.replace_table(s, "intermediate", "int_reps_assigned", rep_cols, [
        {"user_id": u, "user_name": n, "sales_role": "rep", "employee_id": e, "valid_from_date": date(2020, 1, 1),
         "valid_to_date": date(9999, 12, 31)} for u, n, e in (("u1", "甲", "E1"), ("u2", "乙", "E2"))])
    warehouse.replace_table(s, "marts", "target_vs_actual", {"user_id": "varchar", "month_start": "date",
                                                             "fiscal_year": "integer", "quota": "decimal(18,2)",
                                                             "ytd_quota": "decimal(18,2)",
                                                             "ytd_bookings": "decimal(18,2)"}, [
        {"user_id": "u1", "month_start": date(2026, 10, 1), "fiscal_year": 2026, "ytd_quota": D("1000.00"),
         "ytd_bookings": D("1300.00")},
        {"user_id": "u1", "month_start": date(2026, 11, 1), "fiscal_year": 2026, "ytd_quota": D("1100.00"),
         "ytd_bookings": D("1320.00")},
        {"user_id": "u2", "month_start": date(2026, 11, 1), "fiscal_year": 2026, "ytd_quota": D("1000.00"),
         "ytd_bookings": D("900.00")}])
    warehouse.replace_table(s, "marts", "data_quality_findings", {"record_id": "varchar", "finding_type": "varchar"},
                            [{"record_id": "E2", "finding_type": "user_without_hr_employee"}])


def test_contests_and_recognition_written_to_warehouse(data_dir: Path) -> None:
    from salesops.contests.service import compute_contests, compute_recognition, write_contests, write_recognition

    s = get_settings()
    _warehouse(s)
    c = contest(prizes=[{"ranks": "1", "prize": "gold"}])
    counts = write_contests(s, compute_contests(s, [c], as_of=AS_OF))
    assert counts == {"contest_leaderboard": 2, "contest_winners": 1}
    winners = warehouse.read_rows(s, "select * from recognition.contest_winners")
    assert [(w["payee_id"], w["prize"], w["score"]) for w in winners] == [("u2", "gold", D("300.000000"))]
    cfg = RecognitionConfig.model_validate({"rules": [
        {"rule_id": "pc", "name": "PC", "min_ytd_attainment": "1.2",
         "disqualify_finding_types": ["user_without_hr_employee"]}]})
    assert write_recognition(s, compute_recognition(s, cfg, as_of=AS_OF)) == 2
    rec = warehouse.read_rows(s, "select payee_id, ytd_attainment, is_qualified, reason "
                                 "from recognition.recognition_list order by payee_id")
    assert [(r["payee_id"], r["ytd_attainment"], r["is_qualified"]) for r in rec] == [
        ("u1", D("1.200000"), True), ("u2", D("0.900000"), False)]  # 1320/1100 = 120 % at the latest month
    assert "user_without_hr_employee" in rec[1]["reason"]


def test_assets_materialize_with_repo_configs(data_dir: Path) -> None:
    import dagster as dg

    from assets.contests import contest_leaderboards, recognition_list
    from orchestration.resources import SettingsResource

    s = get_settings(as_of=AS_OF)
    _warehouse(s)
    res = dg.materialize([contest_leaderboards, recognition_list],
                         resources={"settings": SettingsResource(data_dir=str(data_dir))})
    assert res.success
    rows = warehouse.read_rows(s, "select contest_id, payee_id, rank from recognition.contest_leaderboard "
                                  "where contest_id = 'q4_2026_bookings_sprint' order by payee_id")
    assert [(r["payee_id"], r["rank"]) for r in rows] == [("u1", 2), ("u2", 1)]


def test_cli_validate_run_show(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from salesops.cli import app

    monkeypatch.setenv("SALESOPS_AS_OF", AS_OF.isoformat())
    _warehouse(get_settings())
    runner = CliRunner()
    assert runner.invoke(app, ["contests", "validate"]).exit_code == 0
    res = runner.invoke(app, ["contests", "run"])
    assert res.exit_code == 0, res.output
    shown = runner.invoke(app, ["contests", "show", "--contest", "q4_2026_bookings_sprint"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "q4_2026_bookings_sprint" in shown.output and "乙" in shown.output
    missing = runner.invoke(app, ["contests", "show", "--contest", "nope"])
    assert missing.exit_code == 1 and "no contest 'nope'" in missing.output
