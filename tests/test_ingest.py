"""Ingestion: incremental merge, soft deletes, quarantine accounting, contract errors."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import dagster as dg
import duckdb
import pyarrow as pa
import pytest
import sqlalchemy as sa
from dagster_dlt import DagsterDltResource

from assets.ingest import build_ingest_assets
from orchestration.resources import SettingsResource
from salesops.contracts import load_source
from salesops.ingest.landing import ContractViolation, SourceUnavailable, build_landing
from salesops.ingest.sqlite_arrow import exact_decimal, source_value_error
from salesops.ingest.validation import BatchValidator
from salesops.settings import get_settings
from tests.sources import T0, create_empty_sources, opportunity, table


def land(settings, source="crm"):
    src = load_source(source)
    landing = build_landing(settings, src, list(src.tables))
    landing.pipeline.run(landing.dlt_source)
    return landing.validators


def warehouse_rows(settings, sql):
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_incremental_merge_matches_source(data_dir):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    opp = table(engines["crm"], "opportunity")
    with engines["crm"].begin() as c:
        c.execute(opp.insert(), [opportunity(i) for i in range(10)])
    first = land(settings)["opportunity"]
    assert (first.extracted, first.landed, first.quarantined) == (10, 10, 0)

    # a night later: one update, one insert, one soft delete
    later = T0 + dt.timedelta(days=1)
    with engines["crm"].begin() as c:
        c.execute(opp.update().where(opp.c.id == "006O00001").values(amount=Decimal("2500.50"), system_modstamp=later))
        c.execute(opp.update().where(opp.c.id == "006O00002").values(is_deleted=True, system_modstamp=later))
        c.execute(opp.insert(), [opportunity(10, modstamp=later)])
    second = land(settings)["opportunity"]
    assert second.extracted == 3, "only changed rows are read again"

    with engines["crm"].connect() as c:
        source = sorted(c.execute(sa.select(opp.c.id, opp.c.amount, opp.c.is_deleted)).all())
    landed = warehouse_rows(settings, "select id, amount, is_deleted from raw_crm.opportunity order by id")
    assert landed == [tuple(r) for r in source]
    assert len(landed) == 11 and len({r[0] for r in landed}) == 11  # no duplicates
    assert dict((r[0], r[1]) for r in landed)["006O00001"] == Decimal("2500.50")  # exact decimal
    assert dict((r[0], r[2]) for r in landed)["006O00002"] is True  # soft delete kept as a flag

    third = land(settings)["opportunity"]
    assert third.extracted == 0, "a rerun with no source change reads nothing"


def test_bad_rows_are_quarantined_with_reason_and_counted(data_dir):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    opp = table(engines["crm"], "opportunity")
    with engines["crm"].begin() as c:
        c.execute(opp.insert(), [opportunity(i) for i in range(6)]
                  + [opportunity(6, stage="Dreaming"), opportunity(7, amount="-5.00"),
                     {**opportunity(8), "system_modstamp": None}])
    v = land(settings)["opportunity"]
    assert (v.extracted, v.landed, v.quarantined) == (9, 6, 3)
    rows = warehouse_rows(settings, "select record_key, rules, reasons from raw_crm.quarantine order by record_key")
    assert rows[0][:2] == ("006O00006", "known_stage") and "stage_name='Dreaming'" in rows[0][2]
    assert rows[1][:2] == ("006O00007", "amount_not_negative") and "amount=-5.00" in rows[1][2]
    assert rows[2][:2] == ("006O00008", "watermark_present")
    assert warehouse_rows(settings, "select count(*) from raw_crm.opportunity")[0][0] == 6


def test_duplicate_primary_key_in_source_is_quarantined(data_dir):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    # a user's CRM copy without a primary-key constraint
    with engines["crm"].begin() as c:
        ddl = c.exec_driver_sql("select sql from sqlite_master where name = 'opportunity'").scalar()
        c.exec_driver_sql("drop table opportunity")
        c.exec_driver_sql(re.sub(r",\s*PRIMARY KEY \(id\)", "", ddl))
    opp = table(engines["crm"], "opportunity")
    with engines["crm"].begin() as c:
        c.execute(opp.insert(), [opportunity(1), opportunity(2), {**opportunity(1), "name": "copy"}])
    v = land(settings)["opportunity"]
    assert (v.extracted, v.landed, v.quarantined) == (3, 2, 1)
    assert warehouse_rows(settings, "select record_key, rules from raw_crm.quarantine") == [("006O00001", "primary_key_unique")]


def test_missing_column_and_wrong_type_name_table_and_column(data_dir):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    with engines["crm"].begin() as c:
        c.exec_driver_sql("alter table opportunity drop column forecast_category_name")
        c.exec_driver_sql("drop table account")
        c.exec_driver_sql("create table account (id varchar primary key, name varchar, type varchar, industry varchar, "
                          "billing_country varchar, billing_state varchar, billing_city varchar, owner_id varchar, "
                          "annual_revenue varchar, number_of_employees integer, segment_c varchar, potential_amount_c numeric(18,2), "
                          "is_key_account_c boolean, created_date datetime, system_modstamp datetime, is_deleted boolean)")
    with pytest.raises(ContractViolation) as err:
        land(settings)
    msg = str(err.value)
    assert "crm.opportunity.forecast_category_name: required column is missing" in msg
    assert "crm.account.annual_revenue: contract type decimal(18,2), source has VARCHAR" in msg
    assert "_crm__sources.yml" in msg
    assert not settings.warehouse.exists(), "nothing is written when the contract fails"


def test_unreachable_source_names_setting_without_password(data_dir, monkeypatch):
    monkeypatch.setenv("SALESOPS_CRM_URL", "postgresql+psycopg://sales:s3cret@127.0.0.1:1/crm")
    with pytest.raises(SourceUnavailable) as err:
        land(get_settings())
    assert "SALESOPS_CRM_URL" in str(err.value) and "s3cret" not in str(err.value) and "***" in str(err.value)


def test_missing_demo_file_says_how_to_create_it(data_dir):
    with pytest.raises(SourceUnavailable, match="salesops demo generate"):
        land(get_settings())


def _metadata_by_key(result) -> dict[tuple, dict]:
    mats = (e.event_specific_data.materialization for e in result.get_asset_materialization_events())
    return {tuple(m.asset_key.path): m.metadata for m in mats}


def _materialize_crm(settings_resource):
    return dg.materialize(
        [build_ingest_assets("crm")],
        resources={"settings": settings_resource, "dlt": DagsterDltResource()},
        raise_on_error=False,
    )


def test_asset_checks_block_when_quarantine_share_exceeds_threshold(data_dir, monkeypatch):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    opp = table(engines["crm"], "opportunity")
    with engines["crm"].begin() as c:
        c.execute(opp.insert(), [opportunity(i) for i in range(9)] + [opportunity(9, stage="Dreaming")])
    monkeypatch.setenv("SALESOPS_QUARANTINE_MAX_SHARE", "0.05")  # 1 of 10 = 10% > 5%
    result = _materialize_crm(SettingsResource())
    evals = {(e.asset_key.path[-1], e.check_name): e for e in result.get_asset_check_evaluations()}
    share = evals[("opportunity", "quarantine_share")]
    assert not share.passed and share.metadata["quarantined"].value == 1 and share.metadata["extracted"].value == 10
    assert evals[("opportunity", "rows_accounted")].passed
    assert evals[("account", "quarantine_share")].passed  # empty table: nothing quarantined
    mats = _metadata_by_key(result)
    assert mats[("crm", "opportunity")]["rows_landed"].value == 9
    assert mats[("crm", "opportunity")]["rows_quarantined"].value == 1
    assert ("crm", "quarantine") in mats


def _failed_once_without_retry(result) -> str:
    """The error message of the run's only step failure; the step was not retried."""
    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert len(failures) == 1
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    return failures[0].event_specific_data.error.message


def test_contract_violation_fails_the_asset_without_retrying(data_dir):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    with engines["crm"].begin() as c:
        c.exec_driver_sql("drop table lead")
    assert "crm.lead: table is missing" in _failed_once_without_retry(_materialize_crm(SettingsResource()))


def test_wrongly_typed_sqlite_value_fails_the_asset_without_retrying(data_dir):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    opp = table(engines["crm"], "opportunity")
    with engines["crm"].begin() as c:
        c.execute(opp.insert(), [opportunity(i) for i in range(2)])
        c.exec_driver_sql("update opportunity set probability = 'high' where id = '006O00000'")
    assert ("crm: SQLite values of the wrong type (the column's type is not enforced by SQLite):\n"
            "  - opportunity.probability: 1 value(s) stored as text in a NUMERIC(5, 2) column (e.g. 006O00000)"
            ) in _failed_once_without_retry(_materialize_crm(SettingsResource()))


def test_full_refresh_reloads_everything_once(data_dir):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    opp = table(engines["crm"], "opportunity")
    with engines["crm"].begin() as c:
        c.execute(opp.insert(), [opportunity(i) for i in range(5)])
    land(settings)
    result = dg.materialize(  # the asset's own path: config full_refresh
        [build_ingest_assets("crm")], resources={"settings": SettingsResource(), "dlt": DagsterDltResource()},
        run_config={"ops": {"ingest_crm": {"config": {"full_refresh": True}}}},
    )
    mats = _metadata_by_key(result)
    assert mats[("crm", "opportunity")]["rows_extracted"].value == 5, "the watermark was reset"
    assert warehouse_rows(settings, "select count(*), count(distinct id) from raw_crm.opportunity") == [(5, 5)]
    assert land(settings)["opportunity"].extracted == 0, "and is kept again afterwards"


@pytest.mark.parametrize(("probability_type", "value", "quarantined"), [
    (pa.decimal128(5, 2), "100.00", False),   # <= 15 digits: validated as float64, exact
    (pa.decimal128(5, 2), "100.01", True),
    (pa.decimal128(38, 20), "100.00000000000000000001", True),  # 23 digits: a double would round it to 100
    (pa.decimal128(38, 20), "99.99999999999999999999", False),
])
def test_decimal_bounds_are_exact_whatever_the_precision(probability_type, value, quarantined):
    """great-expectations compares float columns vectorised; a decimal column becomes float64
    only when that cannot change an answer."""
    crm = load_source("crm")
    (opp,) = [t for t in crm.tables if t.name == "opportunity"]
    rows = [opportunity(1), {**opportunity(2), "probability": Decimal(value)}]
    batch = pa.Table.from_pylist(rows)
    batch = batch.set_column(batch.schema.get_field_index("probability"), "probability",
                             pa.array([r["probability"] for r in rows], probability_type))
    good, bad = BatchValidator(opp).partition(batch)
    assert good.column("id").to_pylist() == (["006O00001"] if quarantined else ["006O00001", "006O00002"])
    if quarantined:
        assert bad.column("rules").to_pylist() == ["probability_percent"]
        assert f"probability={value} fails" in bad.column("reasons")[0].as_py()  # the source's value, not a float


def test_exact_decimal_is_what_sqlalchemy_makes_of_a_sqlite_float():
    """SQLite sources come through connectorx as float64; the decimals must be SQLAlchemy's
    Decimal('%.2f' % value), on the vectorised path and on the value-by-value one."""
    dialect = sa.create_engine("sqlite://").dialect
    processor = sa.Numeric(18, 2).dialect_impl(dialect).result_processor(dialect, None)
    values = pa.array([679020.0, 12345.67, 0.1 + 0.2, None, 2.675, -0.01, 99999999.99])
    assert exact_decimal(values, 18, 2, processor).to_pylist() == [
        Decimal("679020.00"), Decimal("12345.67"), Decimal("0.30"), None, Decimal("2.67"),  # 2.675 is 2.67499.. as a double
        Decimal("-0.01"), Decimal("99999999.99")]
    # an exact tie at the scale (0.125) and a value past 2**40 cents take SQLAlchemy's processor
    slow = pa.array([0.125, 2.0**45, None, 1.5])
    assert exact_decimal(slow, 18, 2, processor).to_pylist() == [
        Decimal("0.12"), Decimal("35184372088832.00"), None, Decimal("1.50")]
    with pytest.raises(ValueError, match=r"decimal\(5,2\)"):
        exact_decimal(pa.array([1000.0]), 5, 2, processor)


def test_sqlite_dynamic_types_land_as_sqlalchemy_reads_them(data_dir):
    """A NUMERIC column holding integers and reals, NULLs in the first row, a timestamp without
    fractional seconds: landed values equal SQLAlchemy's reading of the source, to the cent."""
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    opp = table(engines["crm"], "opportunity")
    with engines["crm"].begin() as c:
        c.execute(opp.insert(), [opportunity(0, amount=None), opportunity(1, amount="1000"), opportunity(2)])
        c.exec_driver_sql("update opportunity set amount = 1234.56, probability = 12.5, "
                          "created_date = '2026-04-30 08:15:00' where id = '006O00002'")
        c.exec_driver_sql("update opportunity set amount = 700 where id = '006O00001'")  # integer storage
        kinds = c.exec_driver_sql("select typeof(amount) from opportunity order by id").scalars().all()
    assert kinds == ["null", "integer", "real"]
    assert land(settings)["opportunity"].landed == 3
    assert warehouse_rows(settings, "select id, amount, probability, created_date from raw_crm.opportunity order by id") == [
        ("006O00000", None, Decimal("10.00"), dt.datetime(2025, 12, 1)),
        ("006O00001", Decimal("700.00"), Decimal("10.00"), dt.datetime(2025, 12, 1)),
        ("006O00002", Decimal("1234.56"), Decimal("12.50"), dt.datetime(2026, 4, 30, 8, 15)),
    ]


def test_text_in_a_sqlite_numeric_column_names_table_column_and_key(data_dir):
    settings = get_settings()
    engines = create_empty_sources(settings.demo_dir)
    opp = table(engines["crm"], "opportunity")
    with engines["crm"].begin() as c:
        c.execute(opp.insert(), [opportunity(i) for i in range(3)])
        c.exec_driver_sql("update opportunity set amount = 'n/a' where id = '006O00001'")
    with pytest.raises(Exception) as err:
        land(settings)
    assert "opportunity.amount: 1 value(s) stored as text in a NUMERIC(18, 2) column (e.g. 006O00001)" \
        in str(source_value_error(err.value))
    assert not settings.warehouse.exists() or warehouse_rows(
        settings, "select count(*) from information_schema.tables where table_name = 'opportunity'") == [(0,)], \
        "nothing of the failed load is in the warehouse"

    # a malformed date fails the same way, naming table and column (SQLAlchemy's own error)
    with engines["crm"].begin() as c:
        c.exec_driver_sql("update opportunity set amount = 5, close_date = '31/03/2026' where id = '006O00001'")
    with pytest.raises(Exception) as err:
        land(settings)
    assert "opportunity.close_date: ValueError: Invalid isoformat string: '31/03/2026'" in str(source_value_error(err.value))
