"""Commission statements: content (hand-computed), isolation between payees, refusal on a failed
or inconsistent period, amount formats, PDF with the CJK font embedded, the manifest table."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from salesops import warehouse
from salesops.settings import get_settings
from salesops.statements.config import StatementsConfigError, load_statements_config
from salesops.statements.render import format_money, format_pct
from salesops.statements.service import render_period
from salesops.statements.statement import StatementRefused

A, B = "0055j0000000024AAA", "0055j0000000066AAA"  # A: 胡琳 (CNY -> Chinese), B: Brian Becker (USD -> English)
PERIOD = "2026-10"

PAYOUT_COLS = {
    "payout_id": "varchar", "payee_id": "varchar", "period": "varchar", "plan_id": "varchar", "component": "varchar",
    "credited": "decimal(18,2)", "credited_ytd": "decimal(18,2)", "quota_ytd": "decimal(18,2)",
    "attainment": "decimal(18,6)", "earned": "decimal(18,2)", "earned_ytd": "decimal(18,2)",
    "paid_before": "decimal(18,2)", "adjustment": "decimal(18,2)", "clawback": "decimal(18,2)",
    "draw": "decimal(18,2)", "draw_balance": "decimal(18,2)", "net_payable": "decimal(18,2)",
    "currency": "varchar", "calculated_at": "timestamp",
}
CREDIT_COLS = {
    "credit_id": "varchar", "payee_id": "varchar", "plan_id": "varchar", "component": "varchar", "measure": "varchar",
    "credit_type": "varchar", "source_type": "varchar", "source_id": "varchar", "cancels_credit_id": "varchar",
    "credit_date": "date", "period": "varchar", "split_share": "decimal(9,6)", "amount_original": "decimal(18,2)",
    "currency": "varchar", "fx_rate": "decimal(18,8)", "credit_amount": "decimal(18,2)", "plan_currency": "varchar",
    "rule": "varchar",
}
ADJ_COLS = {"adjustment_id": "varchar", "payee_id": "varchar", "period": "varchar", "corrects_period": "varchar",
            "corrects_payout_id": "varchar", "component": "varchar", "amount": "decimal(18,2)", "reason": "varchar"}
PERIOD_COLS = {"period": "varchar", "status": "varchar", "closed_at": "timestamp", "approved_at": "timestamp",
               "approved_by": "varchar", "checksum": "varchar"}
CALC = datetime(2026, 11, 2, 1, 0)


def payout(payee, period, component, plan, currency, *, credited="0", credited_ytd="0", quota_ytd="0",
           attainment=None, earned="0", earned_ytd="0", paid_before="0", adjustment="0", clawback="0", draw="0",
           draw_balance="0", net_payable=None):
    net = net_payable if net_payable is not None else str(D(earned) + D(adjustment) + D(clawback) + D(draw))
    return {"payout_id": f"{payee}:{period}:{component}", "payee_id": payee, "period": period, "plan_id": plan,
            "component": component, "credited": D(credited), "credited_ytd": D(credited_ytd),
            "quota_ytd": D(quota_ytd), "attainment": None if attainment is None else D(attainment),
            "earned": D(earned), "earned_ytd": D(earned_ytd), "paid_before": D(paid_before),
            "adjustment": D(adjustment), "clawback": D(clawback), "draw": D(draw), "draw_balance": D(draw_balance),
            "net_payable": D(net), "currency": currency, "calculated_at": CALC}


def credit(payee, source_type, source_id, component, amount, *, credit_type="owner", share="1", original=None,
           currency="CNY", plan_currency="CNY", fx="1", cancels=None, day=date(2026, 10, 15), plan="FY2026-AE",
           rule="owner credit on booking"):
    return {"credit_id": f"{source_type}:{source_id}:{payee}:{component}:{credit_type}", "payee_id": payee,
            "plan_id": plan, "component": component, "measure": component, "credit_type": credit_type,
            "source_type": source_type, "source_id": source_id, "cancels_credit_id": cancels, "credit_date": day,
            "period": PERIOD, "split_share": D(share), "amount_original": D(original or amount), "currency": currency,
            "fx_rate": D(fx), "credit_amount": D(amount), "plan_currency": plan_currency, "rule": rule}


# Hand-computed: A bookings 12,345.67 + 1,000.00 − 558.15 + 0 = 12,787.52;
#                A invoiced_revenue 3,000.00 + 0 + 0 − 2,000.00 = 1,000.00; A total 13,787.52
#                A YTD net = 4,500.50 (08) + 5,000.00 (09) + 13,787.52 (10) = 23,288.02
#                B bookings 2,617.38 + 1,500.00 draw = 4,117.38
PAYOUTS = [
    payout(A, PERIOD, "bookings", "FY2026-AE", "CNY", credited="272092.50", credited_ytd="2400000.00",
           quota_ytd="2000000.00", attainment="1.2", earned="12345.67", earned_ytd="80000.00",
           paid_before="67654.33", adjustment="1000.00", clawback="-558.15"),
    payout(A, PERIOD, "invoiced_revenue", "FY2026-AE", "CNY", credited="150000.00", credited_ytd="1000000.00",
           quota_ytd="1250000.00", attainment="0.8", earned="3000.00", earned_ytd="24000.00", paid_before="21000.00",
           draw="-2000.00", draw_balance="4200.00"),
    payout(A, "2026-09", "bookings", "FY2026-AE", "CNY", earned="5000.00"),
    payout(A, "2026-08", "bookings", "FY2026-AE", "CNY", earned="4500.50"),
    payout(B, PERIOD, "bookings", "FY2026-INTL", "USD", credited="50000.00", credited_ytd="410000.00",
           quota_ytd="431578.95", attainment="0.95", earned="2617.38", earned_ytd="19876.54", paid_before="17376.54",
           draw="1500.00", draw_balance="1500.00"),
]
CREDITS = [
    credit(A, "opportunity", "0065j0000046001AAA", "bookings", "200000.00"),
    credit(A, "opportunity", "0065j0000046002AAA", "bookings", "100000.00", credit_type="split", share="0.5",
           original="100000.00", rule="revenue split 50%"),
    credit(A, "cancellation", "0065j0000045990AAA", "bookings", "-27907.50",
           cancels="opportunity:0065j0000045990AAA:0055j0000000024AAA:bookings:owner", day=date(2026, 10, 20),
           rule="clawback: cancelled within 90 days"),
    credit(A, "invoice", "INV-2026-004411", "invoiced_revenue", "150000.00", rule="credit on invoice"),
    credit(B, "opportunity", "0065j0000046533AAA", "bookings", "50000.00", currency="USD", plan_currency="USD",
           plan="FY2026-INTL"),
]
ADJUSTMENTS = [{"adjustment_id": "ADJ-2026-10-0001", "payee_id": A, "period": PERIOD, "corrects_period": "2026-08",
                "corrects_payout_id": f"{A}:2026-08:bookings", "component": "bookings", "amount": D("1000.00"),
                "reason": "late split correction on 0065j0000045901AAA"}]


def make_warehouse(settings, *, status="closed", payouts=None, adjustments=None, exceptions=None) -> None:
    warehouse.replace_table(settings, "compensation", "periods", PERIOD_COLS,
                            [{"period": "2026-08", "status": "approved"}, {"period": "2026-09", "status": "approved"},
                             {"period": PERIOD, "status": status, "closed_at": CALC}])
    warehouse.replace_table(settings, "compensation", "payouts", PAYOUT_COLS, PAYOUTS if payouts is None else payouts)
    warehouse.replace_table(settings, "compensation", "adjustments", ADJ_COLS,
                            ADJUSTMENTS if adjustments is None else adjustments)
    if exceptions:
        warehouse.replace_table(settings, "compensation", "exceptions",
                                {"period": "varchar", "payee_id": "varchar", "message": "varchar"}, exceptions)
    warehouse.replace_table(settings, "marts", "comp_credits", CREDIT_COLS, CREDITS)
    warehouse.replace_table(settings, "staging", "stg_crm__users",
                            {"user_id": "varchar", "user_name": "varchar", "title": "varchar"},
                            [{"user_id": A, "user_name": "胡琳", "title": "Sales Representative 销售代表"},
                             {"user_id": B, "user_name": "Brian Becker", "title": "Account Executive"}])
    warehouse.replace_table(settings, "intermediate", "int_reps_assigned",
                            {"user_id": "varchar", "team_name": "varchar", "region_name": "varchar",
                             "job_title": "varchar", "valid_from_date": "date", "valid_to_date": "date"},
                            [{"user_id": A, "team_name": "工业华东区2组 Industrial East Team 2",
                              "region_name": "工业华东区 Industrial East", "job_title": "销售代表 Sales Rep",
                              "valid_from_date": date(2024, 1, 1), "valid_to_date": date(9999, 12, 31)},
                             {"user_id": B, "team_name": "欧美区1组 International Americas & Europe Team 1",
                              "region_name": "欧美区 International Americas & Europe", "job_title": "Account Executive",
                              "valid_from_date": date(2024, 1, 1), "valid_to_date": date(9999, 12, 31)}])


@pytest.fixture
def settings(data_dir: Path):
    s = get_settings()
    make_warehouse(s)
    return s


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_fiscal_year_start() -> None:
    from salesops.statements.service import fiscal_year_start

    assert fiscal_year_start("2026-10", 1) == "2026-01"
    assert fiscal_year_start("2026-03", 4) == "2025-04" and fiscal_year_start("2026-04", 4) == "2026-04"


def test_money_formats_exact() -> None:
    assert format_money(D("-558.15"), "CNY") == "-¥558.15"
    assert format_money(D("1234567.891"), "CNY") == "¥1,234,567.89"
    assert format_money(D("0.005"), "USD") == "$0.01"  # half-up, not banker's
    assert format_money(D("-0.004"), "USD") == "$0.00"  # no "-$0.00"
    assert format_money(D("12"), "EUR") == "€12.00"
    assert format_money(D("-7.5"), "SGD") == "-SGD 7.50"
    assert format_pct(D("1.2")) == "120.00%" and format_pct(D("0.876543")) == "87.65%" and format_pct(None) == "–"


def test_statement_content_hand_computed(settings) -> None:
    out = render_period(settings, PERIOD, pdf=False)
    assert [(r.payee_id, r.language, r.currency, r.net_payable) for r in out] == [
        (A, "zh", "CNY", D("13787.52")), (B, "en", "USD", D("4117.38"))]
    html = (settings.data_dir / "statements" / PERIOD / f"{A}.html").read_text(encoding="utf-8")
    text = _text(html)
    assert '<html lang="zh-CN">' in html and "Noto Sans CJK SC" in html
    assert "销售奖金对账单" in text and "胡琳" in text and "FY2026-AE" in text
    assert "本期应付净额 ¥13,787.52" in text  # net payable = earned + adjustment + clawback + draw
    assert "¥15,345.67 + ¥1,000.00 + -¥558.15 + -¥2,000.00" in text
    for c in CREDITS[:4]:  # every credit line with its source id and credit id
        assert c["source_id"] in text and c["credit_id"] in text
    assert "-¥27,907.50" in text and "opportunity:0065j0000045990AAA:0055j0000000024AAA:bookings:owner" in text
    assert "ADJ-2026-10-0001" in text and f"{A}:2026-08:bookings" in text and "2026-08" in text  # what it corrects
    assert "120.00%" in text and "80.00%" in text  # attainment per component (table and chart)
    assert html.count("<svg") == 1
    assert "¥4,200.00" in text  # draw balance
    assert "¥23,288.02" in text  # YTD net payable 4,500.50 + 5,000.00 + 13,787.52
    assert "¥100,000.00" in text and "50%" in text  # split line with its share
    assert "2026-10" in text and "申诉" in text  # dispute text from config, with the period filled in
    en = _text((settings.data_dir / "statements" / PERIOD / f"{B}.html").read_text(encoding="utf-8"))
    assert "Commission Statement" in en and "Net payable this period $4,117.38" in en and "raise a dispute" in en


def test_statements_are_isolated_between_payees(settings) -> None:
    render_period(settings, PERIOD, pdf=False)
    folder = settings.data_dir / "statements" / PERIOD
    a, b = (folder / f"{A}.html").read_text(encoding="utf-8"), (folder / f"{B}.html").read_text(encoding="utf-8")
    a_marks = ["胡琳", A, "0065j0000046001AAA", "INV-2026-004411", "13,787.52", "12,345.67", "FY2026-AE",
               "ADJ-2026-10-0001", "Industrial East"]
    b_marks = ["Brian Becker", B, "0065j0000046533AAA", "4,117.38", "2,617.38", "FY2026-INTL", "International Americas"]
    assert all(m in a for m in a_marks) and all(m in b for m in b_marks)
    assert [m for m in a_marks if m in b] == []
    assert [m for m in b_marks if m in a] == []
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{A}.html", f"{B}.html"])


@pytest.mark.parametrize(("change", "message"), [
    ({"status": "failed"}, "calculation status is 'failed'"),
    ({"exceptions": [{"period": PERIOD, "payee_id": A, "message": "no plan for payee"}]}, "no plan for payee"),
    ({"payouts": [dict(PAYOUTS[0], net_payable=D("12787.53"))]}, "net_payable 12787.53 != earned"),
    ({"adjustments": []}, "adjustment 1000.00 != sum of its compensation.adjustments lines"),
    ({"status": "open"}, "final statements are issued for closed/approved periods"),
    ({"payouts": []}, "compensation.payouts has no rows"),
])
def test_refuses_failed_or_inconsistent_period(data_dir: Path, change: dict, message: str) -> None:
    s = get_settings()
    make_warehouse(s, **change)
    with pytest.raises(StatementRefused, match=re.escape(message)):
        render_period(s, PERIOD, pdf=False)
    assert not (s.data_dir / "statements" / PERIOD).exists()


def test_refuses_uncalculated_period_and_draft_is_watermarked(settings) -> None:
    with pytest.raises(StatementRefused, match="2026-11: not calculated"):
        render_period(settings, "2026-11", pdf=False)
    make_warehouse(settings, status="open")
    out = render_period(settings, PERIOD, payee_ids=[B], pdf=False, allow_draft=True)
    assert out[0].is_draft
    assert "DRAFT" in out[0].html_path.read_text(encoding="utf-8")


def test_pdf_embeds_cjk_font_and_manifest(settings) -> None:
    out = render_period(settings, PERIOD)
    for r in out:
        data = r.pdf_path.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 5000
    fonts = subprocess.run(["pdffonts", str(out[0].pdf_path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^[A-Z]{6}\+Noto-Sans-CJK-SC\s.*\byes\s+yes\b", fonts, re.M), fonts  # embedded as a subset
    rows = warehouse.read_rows(settings, "select * from statements.rendered order by payee_id, format")
    assert [(r["payee_id"], r["format"], r["language"]) for r in rows] == [
        (A, "html", "zh"), (A, "pdf", "zh"), (B, "html", "en"), (B, "pdf", "en")]
    import hashlib
    assert rows[1]["sha256"] == hashlib.sha256(out[0].pdf_path.read_bytes()).hexdigest()
    assert rows[1]["net_payable"] == D("13787.52")
    render_period(settings, PERIOD, payee_ids=[A], pdf=False)  # re-render one payee: rows replaced, not doubled
    rows = warehouse.read_rows(settings, "select payee_id, format from statements.rendered order by 1, 2")
    assert len(rows) == 4
    make_warehouse(settings, payouts=[p for p in PAYOUTS if p["payee_id"] == A])  # B no longer paid in 2026-10
    render_period(settings, PERIOD)
    assert sorted(p.name for p in (settings.data_dir / "statements" / PERIOD).iterdir()) == [f"{A}.html", f"{A}.pdf"]
    rows = warehouse.read_rows(settings, "select payee_id, format from statements.rendered order by 1, 2")
    assert [(r["payee_id"], r["format"]) for r in rows] == [(A, "html"), (A, "pdf")]


def test_config_errors_name_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "statements.yml"
    bad.write_text("dispute: {zh: a, en: b}\nlanguage: {by_currency: {cny: zh}, colour: red}\n", encoding="utf-8")
    with pytest.raises(StatementsConfigError) as e:
        load_statements_config(bad)
    assert f"{bad}: language.colour: unknown key" in str(e.value)
    assert "language.by_currency" in str(e.value) and "ISO 4217" in str(e.value)
    assert load_statements_config().language.for_payee("x", "CNY") == "zh"


def test_asset_renders_latest_closed_period(settings) -> None:
    import dagster as dg

    from assets.statements import statements_rendered
    from orchestration.resources import SettingsResource

    result = dg.materialize([statements_rendered],
                            resources={"settings": SettingsResource(data_dir=str(settings.data_dir))})
    assert result.success
    meta = result.asset_materializations_for_node("statements__rendered")[0].metadata
    assert meta["period"].value == PERIOD and meta["statements"].value == 2
    assert meta["languages"].value == {"en": 1, "zh": 1}
    assert (settings.data_dir / "statements" / PERIOD / f"{A}.pdf").exists()


def test_cli_render_and_refusal(settings) -> None:
    from typer.testing import CliRunner

    from salesops.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["statements", "render", "--no-pdf", "--payee", B])
    assert ok.exit_code == 0, ok.output
    assert "$4,117.38" in ok.output and "1 statement(s)" in ok.output
    refused = runner.invoke(app, ["statements", "render", "--period", "2026-11"])
    assert refused.exit_code == 1 and "not calculated" in refused.output
    listed = runner.invoke(app, ["statements", "list"])
    assert listed.exit_code == 0 and B in listed.output


def test_shared_font_configuration_leaks_nothing_between_payees(settings, tmp_path: Path) -> None:
    """The run shares one font configuration across payees; B's PDF must be byte-identical to B alone."""
    from salesops.statements.config import load_statements_config
    from salesops.statements.render import font_configuration
    from salesops.statements.service import build_period_statements, load_period, write_statement

    config = load_statements_config()
    a, b = build_period_statements(load_period(settings, PERIOD), PERIOD, config)
    fonts = font_configuration()
    write_statement(a, tmp_path / "run", config, generated_at="t", font_config=fonts)
    together = write_statement(b, tmp_path / "run", config, generated_at="t", font_config=fonts)
    alone = write_statement(b, tmp_path / "alone", config, generated_at="t")
    assert together.pdf_path.read_bytes() == alone.pdf_path.read_bytes()
