"""The demo-company generator: determinism, scaling, the source contracts, and
the realism properties the marts rely on (asserted with numbers).

Runs on small scales (0.05 / 0.1 / 0.2: 5k-20k opportunities, ~50 reps);
the whole file takes ~10 s."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from salesops.contracts import SOURCES, load_source
from salesops.demo import DEMO_AS_OF, generate, pipeline
from salesops.demo.storage import contract_tables, money

SCALE = 0.05
STAGE_ORDER = ("Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation", "Closed Won")
AS_OF_END = f"{DEMO_AS_OF.isoformat()} 23:59:59.999999"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_a")
    generate(out, scale=SCALE, seed=42)
    return out


@pytest.fixture(scope="module")
def db(demo: Path):
    """One SQLite connection on crm.db with erp and hr attached."""
    conn = sqlite3.connect(demo / "crm.db")
    conn.execute(f"attach database '{demo / 'erp.db'}' as erp")
    conn.execute(f"attach database '{demo / 'hr.db'}' as hr")
    yield conn
    conn.close()


def one(conn, sql: str, *params):
    return conn.execute(sql, params).fetchone()


# --- determinism and scale ---------------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_manifest(demo: Path, tmp_path: Path) -> None:
    again = generate(tmp_path, scale=SCALE, seed=42)
    for name in SOURCES:
        assert _sha(tmp_path / f"{name}.db") == _sha(demo / f"{name}.db"), f"{name}.db differs for the same seed"
    assert again == json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    assert (tmp_path / "manifest.json").read_bytes() == (demo / "manifest.json").read_bytes()


def test_different_seed_gives_different_data(demo: Path, tmp_path: Path) -> None:
    generate(tmp_path, scale=SCALE, seed=7)
    for name in SOURCES:
        assert _sha(tmp_path / f"{name}.db") != _sha(demo / f"{name}.db")
    q = "select id, amount, stage_name from opportunity order by id limit 200"
    with sqlite3.connect(demo / "crm.db") as a, sqlite3.connect(tmp_path / "crm.db") as b:
        assert a.execute(q).fetchall() != b.execute(q).fetchall()


def test_manifest_describes_the_files(demo: Path, db) -> None:
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 42 and manifest["scale"] == SCALE and manifest["as_of"] == "2026-11-26"
    assert manifest["generator_version"]
    expected_keys = [f"{s}.{t.name}" for s in SOURCES for t in load_source(s).tables]
    assert list(manifest["tables"]) == expected_keys
    for key, n in manifest["tables"].items():
        schema, table = key.split(".")
        prefix = "" if schema == "crm" else f"{schema}."
        assert one(db, f'select count(*) from {prefix}"{table}"')[0] == n, key
        assert n > 0, f"{key} is empty"
    assert not list(demo.glob(".*.tmp")), "temporary files left behind"


@pytest.fixture(scope="module")
def demo_02(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo_02")
    return out, generate(out, scale=0.2, seed=42)


def test_scale_multiplies_volume(tmp_path: Path, demo_02: tuple[Path, dict]) -> None:
    """Tolerance: the opportunity count ratio of scale 0.2 vs 0.1 is 2 within 5 % (it is
    exact by construction); accounts, leads and activities scale the same way (10 %)."""
    small = generate(tmp_path, scale=0.1, seed=42)["tables"]
    large = demo_02[1]["tables"]
    assert abs(large["crm.opportunity"] / small["crm.opportunity"] - 2) <= 0.1
    assert small["crm.opportunity"] == 10_000
    for key in ("crm.account", "crm.lead", "crm.task", "crm.event", "crm.opportunity_history", "erp.sales_order"):
        assert abs(large[key] / small[key] - 2) <= 0.2, key


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale=0)
    with pytest.raises(ValueError, match="as_of"):
        generate(tmp_path, scale=SCALE, as_of=datetime(2026, 1, 15, 12, 0))
    with pytest.raises(ValueError):
        generate(tmp_path, scale=SCALE, as_of="26/11/2026")
    assert not list(tmp_path.glob("*.db"))


def test_another_as_of_date(tmp_path: Path) -> None:
    """The history always runs from 1 January two years before as_of; nothing is stamped later than as_of."""
    manifest = generate(tmp_path, scale=0.02, seed=3, as_of=date(2025, 6, 30))
    assert manifest["as_of"] == "2025-06-30"
    with sqlite3.connect(tmp_path / "crm.db") as conn:
        first, last = conn.execute("select min(created_date), max(system_modstamp) from opportunity_history").fetchone()
        assert first >= "2023-01-01" and last <= "2025-06-30 23:59:59"
        assert conn.execute("select max(created_date) from task").fetchone()[0] <= "2025-06-30 23:59:59"
        years = {r[0] for r in conn.execute("select distinct strftime('%Y', start_date) from forecasting_quota")}
        assert years == {"2023", "2024", "2025"}


def test_existing_files_are_replaced(tmp_path: Path) -> None:
    (tmp_path / "crm.db").write_bytes(b"not a database")
    generate(tmp_path, scale=0.01, seed=1)
    with sqlite3.connect(tmp_path / "crm.db") as conn:
        assert conn.execute("select count(*) from opportunity").fetchone()[0] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.db", "erp.db", "hr.db", "manifest.json"]


def test_a_failed_run_keeps_the_previous_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path, scale=0.01, seed=1)
    before = {p.name: _sha(p) for p in tmp_path.iterdir()}

    def boom(self) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline.Crm, "events", boom)
    with pytest.raises(RuntimeError, match="boom"):
        generate(tmp_path, scale=0.01, seed=2)
    assert {p.name: _sha(p) for p in tmp_path.iterdir()} == before  # no temporary files left either


# --- contract -----------------------------------------------------------------------------------------

_FAMILY_OF_SQLITE_TYPE = {"VARCHAR": "varchar", "INTEGER": "integer", "BOOLEAN": "boolean", "DATE": "date",
                          "DATETIME": "timestamp"}


@pytest.mark.parametrize("source", SOURCES)
def test_tables_and_columns_match_the_contract(demo: Path, source: str) -> None:
    contract = load_source(source)
    engine = sa.create_engine(f"sqlite:///{demo / f'{source}.db'}")
    try:
        insp = sa.inspect(engine)
        writeback_targets = ["payroll_input"] if source == "hr" else []  # empty tables salesops writes to
        assert sorted(insp.get_table_names()) == sorted([t.name for t in contract.tables] + writeback_targets)
        with engine.connect() as conn:
            for table in contract.tables:
                cols = insp.get_columns(table.name)
                assert [c["name"] for c in cols] == table.column_names, table.name
                for col, spec in zip(cols, table.columns, strict=True):
                    typ = col["type"]
                    if spec.precision_scale:
                        assert isinstance(typ, sa.Numeric) and (typ.precision, typ.scale) == spec.precision_scale
                    else:
                        assert _FAMILY_OF_SQLITE_TYPE[str(typ)] == spec.data_type, (table.name, col["name"])
                assert insp.get_pk_constraint(table.name)["constrained_columns"] == [table.primary_key]
                pk = sa.text(f'select count(*), count(distinct "{table.primary_key}"), '
                             f'sum("{table.primary_key}" is null) from "{table.name}"')
                n, distinct, nulls = conn.execute(pk).one()
                assert n == distinct and not nulls, f"{source}.{table.name}: primary key not unique"
                assert conn.execute(sa.text(f'select count(*) from "{table.name}" where "{table.soft_delete}" '
                                            f'is null or "{table.cursor}" is null')).scalar() == 0
    finally:
        engine.dispose()


def test_values_read_back_through_sqlalchemy_with_contract_types(demo: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{demo / 'crm.db'}")
    tables = contract_tables(load_source("crm"))
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.select(tables["opportunity"]).where(tables["opportunity"].c.is_won)).first()
            assert isinstance(row.amount, Decimal) and row.amount.as_tuple().exponent == -2 and row.amount > 0
            assert isinstance(row.probability, Decimal) and row.probability == Decimal("100.00")
            assert isinstance(row.close_date, date) and isinstance(row.created_date, datetime)
            assert row.is_won is True and row.is_deleted is False
            q = tables["quote_line_item"]
            for line in conn.execute(sa.select(q).limit(500)):
                assert line.quantity * line.unit_price == line.total_price  # exact decimal arithmetic
                assert Decimal(0) <= line.discount <= Decimal(30)
    finally:
        engine.dispose()


def test_money_encoding_is_what_sqlalchemy_would_bind() -> None:
    bind = sa.Numeric(18, 2, asdecimal=True).bind_processor(sa.create_engine("sqlite://").dialect)
    for cents in (0, 1, 5, 10, 99, 100, 12345, 1999999, 123456789012, -1250, -100, 7_000_000_000_001):
        assert money(cents) == bind(Decimal(cents).scaleb(-2)), cents


def test_timestamps_are_not_after_as_of(db) -> None:
    checks = [(s, t.name, t.cursor) for s in SOURCES for t in load_source(s).tables]
    for source, table, cursor in checks:
        prefix = "" if source == "crm" else f"{source}."
        latest = one(db, f'select max("{cursor}") from {prefix}"{table}"')[0]
        assert latest <= AS_OF_END, f"{source}.{table}.{cursor} = {latest}"
    assert one(db, "select max(created_date) from opportunity_history")[0] <= AS_OF_END
    assert one(db, "select max(order_date) from erp.sales_order")[0] <= DEMO_AS_OF.isoformat()
    assert one(db, "select min(created_date) from opportunity")[0] >= "2024-01-01"


def test_soft_deletes_are_rare_but_present(db) -> None:
    n, deleted = one(db, "select count(*), sum(is_deleted) from opportunity")
    assert 0 < deleted <= 0.01 * n
    n, deleted = one(db, "select count(*), sum(is_deleted) from task")
    assert 0 < deleted <= 0.01 * n
    assert one(db, "select count(*) from opportunity where is_deleted and is_won")[0] == 0


# --- funnel realism -----------------------------------------------------------------------------------


def test_only_funnel_stages_with_their_probability_and_category(db) -> None:
    rows = db.execute("select distinct stage_name, probability, forecast_category from opportunity_history").fetchall()
    expected = {("Prospecting", 10, "Pipeline"), ("Qualification", 20, "Pipeline"), ("Needs Analysis", 40, "Best Case"),
                ("Proposal", 60, "Best Case"), ("Negotiation", 80, "Commit"), ("Closed Won", 100, "Closed"),
                ("Closed Lost", 0, "Omitted")}
    assert set(rows) == expected
    open_stages = {r[0] for r in db.execute("select distinct stage_name from opportunity where not is_closed")}
    assert open_stages == set(STAGE_ORDER[:5]), "open pipeline exists in every open stage"


def test_stage_reach_falls_stage_by_stage(db) -> None:
    n = one(db, "select count(*) from opportunity")[0]
    reach = dict(db.execute("select stage_name, count(distinct opportunity_id) from opportunity_history group by 1"))
    rates = [reach[s] / n for s in STAGE_ORDER]
    assert rates[0] > 0.9  # all but the pipeline migrated at go-live in a later stage
    for earlier, later in zip(rates, rates[1:], strict=False):
        assert later < earlier * 0.92, rates
    closed, won = one(db, "select sum(is_closed), sum(is_won) from opportunity")
    assert 0.18 <= won / closed <= 0.30
    skipped = one(db, """
        select count(*) from (select opportunity_id, stage_name,
            lag(stage_name) over (partition by opportunity_id order by created_date, id) prev
            from opportunity_history)
        where (prev = 'Prospecting' and stage_name = 'Needs Analysis') or (prev = 'Qualification' and stage_name = 'Proposal')
           or (prev = 'Needs Analysis' and stage_name = 'Negotiation')""")[0]
    assert 0.02 * n <= skipped <= 0.08 * n  # ~5 % skip a stage
    regressed = one(db, """
        select count(distinct opportunity_id) from (select opportunity_id, stage_name,
            lag(stage_name) over (partition by opportunity_id order by created_date, id) prev
            from opportunity_history)
        where (prev = 'Negotiation' and stage_name = 'Proposal') or (prev = 'Proposal' and stage_name = 'Needs Analysis')
           or (prev = 'Needs Analysis' and stage_name = 'Qualification')""")[0]
    assert 0.01 * n <= regressed <= 0.06 * n  # ~3 % go back one stage


def test_wins_cluster_in_the_last_month_of_the_quarter(db) -> None:
    by_month = dict(db.execute(
        "select (cast(strftime('%m', close_date) as integer) - 1) % 3, count(*) from opportunity where is_won group by 1"))
    assert by_month[2] >= 2.0 * by_month[0], by_month
    assert by_month[2] >= 2.0 * by_month[1], by_month


def test_chinese_new_year_dip(db) -> None:
    per_month = dict(db.execute("""select strftime('%Y-%m', created_date), count(*) from opportunity
                                   where created_date >= '2024-03-01' group by 1"""))
    typical = sorted(per_month.values())[len(per_month) // 2]
    assert per_month["2025-02"] < 0.8 * typical and per_month["2026-02"] < 0.8 * typical


def test_opportunity_equals_its_latest_history_row(db) -> None:
    n, same = one(db, """
        with latest as (
            select h.*, row_number() over (partition by opportunity_id order by created_date desc, id desc) as rn
            from opportunity_history h)
        select count(*), sum(o.stage_name = l.stage_name and o.amount = l.amount and o.close_date = l.close_date
                             and o.probability = l.probability and o.forecast_category_name = l.forecast_category
                             and o.is_closed = (l.stage_name in ('Closed Won', 'Closed Lost'))
                             and o.is_won = (l.stage_name = 'Closed Won'))
        from opportunity o join latest l on l.opportunity_id = o.id and l.rn = 1""")
    assert n == one(db, "select count(*) from opportunity")[0] and same == n
    assert one(db, """select count(*) from opportunity_history h join opportunity o on o.id = h.opportunity_id
                      where h.created_date < o.created_date""")[0] == 0
    # history ids follow time within an opportunity
    assert one(db, """select count(*) from (select id, created_date, lag(created_date) over
                      (partition by opportunity_id order by id) prev from opportunity_history) where created_date <= prev""")[0] == 0
    assert one(db, "select count(*) from opportunity where is_closed and close_date < date(created_date)")[0] == 0
    per_opp = one(db, "select count(*) * 1.0 / count(distinct opportunity_id) from opportunity_history")[0]
    assert 5.0 <= per_opp <= 7.0


def test_line_items_and_quotes_add_up(db) -> None:
    assert one(db, """select count(*) from opportunity o left join (select opportunity_id, sum(total_price) t,
                      count(*) n from opportunity_line_item group by 1) l on l.opportunity_id = o.id
                      where l.t is null or abs(l.t - o.amount) > 0.001 or l.n > 4""")[0] == 0
    assert one(db, """select count(*) from quote q join opportunity o on o.id = q.opportunity_id
                      where q.is_syncing and o.is_won and abs(q.total_price - o.amount) > 0.001""")[0] == 0
    reached_proposal = one(db, """select count(distinct opportunity_id) from opportunity_history
                                  where stage_name in ('Proposal', 'Negotiation', 'Closed Won')""")[0]
    quoted = one(db, "select count(distinct opportunity_id) from quote")[0]
    assert quoted == reached_proposal


def test_revenue_splits_total_exactly_100_percent(db) -> None:
    rows = db.execute("""select opportunity_id, sum(split_percentage), sum(split_amount), count(*)
                         from opportunity_split where split_type_c = 'Revenue' group by 1""").fetchall()
    assert rows
    amounts = dict(db.execute("select id, amount from opportunity where is_won"))
    for opp, pct, amount, _n in rows:
        assert pct == 100, opp
        assert abs(amount - amounts[opp]) < 0.001, opp
    won = len(amounts)
    two_way = sum(1 for r in rows if r[3] == 2)
    assert 0.06 * won <= two_way <= 0.14 * won
    assert one(db, "select count(*) from opportunity_split where split_type_c = 'Overlay'")[0] > 0


def test_won_opportunities_have_an_order_with_the_same_amount(db) -> None:
    won, with_order, same = one(db, """
        select count(*), count(so.order_id),
               sum(abs(so.total_amount - o.amount) < 0.001 and so.currency = o.currency_iso_code
                   and so.order_date >= o.close_date)
        from opportunity o left join erp.sales_order so on so.crm_opportunity_id = o.id and so.order_type = 'order'
        where o.is_won""")
    assert won == with_order == same
    assert one(db, """select count(*) from erp.sales_order s join (select order_id, sum(line_amount) t
                      from erp.sales_order_line group by 1) l using (order_id) where abs(l.t - s.total_amount) > 0.001""")[0] == 0
    orders, cancelled, returns = one(db, """select sum(order_type = 'order'), sum(status = 'cancelled'),
                                            sum(order_type = 'return') from erp.sales_order""")
    assert 0.005 * orders <= cancelled <= 0.04 * orders and 0 < returns <= 0.03 * orders
    assert one(db, """select count(*) from erp.sales_order r join erp.sales_order o on o.order_id = r.original_order_id
                      where r.order_type = 'return' and (r.order_date < o.order_date or r.total_amount > o.total_amount)""")[0] == 0
    assert one(db, """select count(*) from erp.invoice i join (select invoice_id, sum(amount) p from erp.payment group by 1)
                      p using (invoice_id) where p.p > i.amount + 0.001""")[0] == 0


def test_new_reps_ramp(demo_02: tuple[Path, dict]) -> None:
    """Opportunities a rep creates in the first six months win less often (scale 0.2: ~20k opportunities)."""
    path = demo_02[0]
    with sqlite3.connect(path / "crm.db") as conn:
        conn.execute(f"attach database '{path / 'hr.db'}' as hr")
        rows = conn.execute("""
            select julianday(o.created_date) - julianday(e.hire_date) < 182, avg(o.is_won), count(*),
                   avg(case when o.is_won then o.amount end)
            from opportunity o join user u on u.id = o.owner_id join hr.employee e on e.employee_id = u.employee_number
            where o.is_closed and o.currency_iso_code = 'CNY' and o.created_date >= e.hire_date group by 1""").fetchall()
    ramped = {bool(r[0]): r for r in rows}
    assert ramped[True][2] > 100
    assert ramped[True][1] < 0.9 * ramped[False][1]


# --- organisation and identity ---------------------------------------------------------------------


def test_org_and_people(db) -> None:
    types = dict(db.execute("select unit_type, count(*) from hr.org_unit group by 1"))
    assert types["company"] == 1 and types["business_unit"] == 3 and types["region"] == 10 and types["team"] >= 10
    reps = one(db, """select count(distinct employee_id) from hr.job_assignment where sales_role = 'rep'
                      and effective_from <= ? and (effective_to is null or effective_to >= ?)""",
               DEMO_AS_OF.isoformat(), DEMO_AS_OF.isoformat())[0]
    assert 40 <= reps <= 70
    # effective-dated assignments never overlap for one employee
    assert one(db, """select count(*) from hr.job_assignment a join hr.job_assignment b
                      on a.employee_id = b.employee_id and a.assignment_id < b.assignment_id
                      and a.effective_from <= coalesce(b.effective_to, '9999-12-31')
                      and b.effective_from <= coalesce(a.effective_to, '9999-12-31')""")[0] == 0
    movers = one(db, """select count(*) from (select employee_id from hr.job_assignment where sales_role = 'rep'
                        group by 1 having count(distinct org_unit_id) > 1)""")[0]
    assert movers >= 2
    assert one(db, "select count(*) from hr.employee where termination_date is not null")[0] >= 10
    assert one(db, """select count(*) from hr.job_assignment a join hr.employee e using (employee_id)
                      where a.effective_to is null and e.termination_date is not null""")[0] == 0
    # identity: one CRM user per employee, exactly one user without an employee number
    assert one(db, "select count(*) from user where employee_number is null")[0] == 1
    assert one(db, """select count(*) from user u left join hr.employee e on e.employee_id = u.employee_number
                      where u.employee_number is not null and e.employee_id is null""")[0] == 0
    assert one(db, """select count(*) from user u join hr.employee e on e.employee_id = u.employee_number
                      where u.is_active != (e.termination_date is null)""")[0] == 0


def test_foreign_keys_hold_except_the_deliberate_findings(db) -> None:
    checks = {
        "opportunity.account_id": "select count(*) from opportunity o left join account a on a.id = o.account_id where a.id is null",
        "opportunity.owner_id": "select count(*) from opportunity o left join user u on u.id = o.owner_id where u.id is null",
        "account.owner_id active": "select count(*) from account a join user u on u.id = a.owner_id where not u.is_active",
        "task.what_id": "select count(*) from task where what_id not in (select id from opportunity union all select id from account)",
        "event.what_id": "select count(*) from event where what_id not in (select id from opportunity union all select id from account)",
        "lead conversion": """select count(*) from lead l left join opportunity o on o.id = l.converted_opportunity_id
                              where l.is_converted and (o.id is null or o.account_id != l.converted_account_id)""",
        "quota owner": "select count(*) from forecasting_quota q left join user u on u.id = q.quota_owner_id where u.id is null",
        "order customer": """select count(*) from erp.sales_order s left join erp.customer c using (customer_id)
                             where c.customer_id is null""",
        "customer account": """select count(*) from erp.customer c left join account a on a.id = c.crm_account_id
                               where c.crm_account_id is not null and a.id is null""",
        "gl cost center": """select count(*) from erp.gl_expense g left join hr.org_unit u on u.cost_center = g.cost_center
                             and u.unit_type in ('region', 'team') where u.org_unit_id is null""",
    }
    for name, sql in checks.items():
        assert one(db, sql)[0] == 0, name
    unlinked = one(db, "select count(*) from erp.customer where crm_account_id is null")[0]
    assert 2 <= unlinked <= 10  # a handful: a data-quality finding for the marts
    leads, converted = one(db, "select count(*), sum(is_converted) from lead")
    assert 0.15 <= converted / leads <= 0.35


def test_quotas_cover_every_rep_month(db) -> None:
    years = dict(db.execute("select strftime('%Y', start_date), count(distinct quota_owner_id) from forecasting_quota group by 1"))
    assert set(years) == {"2024", "2025", "2026"}
    assert one(db, "select count(*) from forecasting_quota where product_family is not null or currency_iso_code != 'CNY'")[0] == 0
    assert one(db, "select count(*) from (select quota_owner_id, start_date from forecasting_quota group by 1, 2 having count(*) > 1)")[0] == 0
    assert one(db, "select min(quota_amount) from forecasting_quota")[0] > 0


def test_expenses_and_fx_rates(db) -> None:
    categories = {r[0] for r in db.execute("select distinct expense_category from erp.gl_expense")}
    assert categories == {"travel", "entertainment", "marketing", "events", "training", "other"}
    n, negative = one(db, "select count(*), sum(amount < 0) from erp.gl_expense")
    assert 0 < negative <= 0.03 * n
    assert one(db, """select count(*) from erp.gl_expense r left join erp.gl_expense o
                      on r.description = '冲销 Reversal of ' || o.entry_id and o.amount = -r.amount
                      where r.amount < 0 and (o.entry_id is null or o.posting_date > r.posting_date)""")[0] == 0
    lo, hi = one(db, "select min(rate_to_cny), max(rate_to_cny) from erp.fx_rate where currency = 'USD'")
    assert 7.0 <= lo <= hi <= 7.35
    assert one(db, "select count(*) from erp.fx_rate where currency = 'CNY' and rate_to_cny != 1")[0] == 0
    assert one(db, """select count(*) from (select rate_month from erp.fx_rate where currency = 'USD' and rate_type = 'average'
                      group by 1)""")[0] == 35  # Jan 2024 .. Nov 2026
