"""Ledger versions in the warehouse: drafts, publication, immutability, one transaction, proration."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from salesops.planning.targets import ledger
from salesops.planning.targets.engine import decompose
from salesops.planning.targets.ledger import PublishedVersionError, list_versions, verify_published, write_version
from salesops.settings import get_settings
from salesops.warehouse import read_rows
from tests.postgres import postgres_url  # noqa: F401  (fixture)
from tests.targets_fixtures import history, plan

LEVELS = [{"level": "business_unit", "method": "prior_year"}, {"level": "rep"}]
T0 = datetime(2025, 12, 20, 9, 0)


@pytest.fixture
def settings(data_dir):
    return get_settings()


def dec(**kw):
    return decompose(plan(LEVELS, **kw), history())


def test_draft_then_publish_then_immutable(settings):
    assert write_version(settings, dec(), publish=False, config_path="p.yml", now=T0) == "draft"
    assert write_version(settings, dec(target={"amount": 2000, "currency": "CNY"}), publish=False, config_path="p.yml",
                         now=T0) == "draft"  # drafts may be rewritten
    rows = read_rows(settings, "select * from planning.targets")
    assert list(rows[0]) == list(ledger.LEDGER_COLUMNS)  # exactly the interface columns
    assert sum(r["target_amount"] for r in rows if r["level"] == "month") == Decimal(2000)
    assert write_version(settings, dec(), publish=True, config_path="p.yml", now=T0) == "published"
    rows = read_rows(settings, "select status, published_at, target_amount from planning.targets where level = 'company'")
    assert rows == [{"status": "published", "published_at": T0, "target_amount": Decimal("1000.00")}]
    # republishing the same content is a no-op; different content is an error naming the version
    assert write_version(settings, dec(), publish=True, config_path="p.yml") == "unchanged"
    with pytest.raises(PublishedVersionError, match=r"plan T version 1 is published and immutable.*its config changed"):
        write_version(settings, dec(target={"amount": 1100, "currency": "CNY"}), publish=True, config_path="p.yml")
    with pytest.raises(PublishedVersionError, match=r"plan T version 1 is published .* cannot be rewritten as a draft"):
        write_version(settings, dec(), publish=False, config_path="p.yml")
    v = verify_published(settings, "T", 1, plan(LEVELS).checksum())
    assert v["n_rows"] == len(read_rows(settings, "select target_id from planning.targets"))


def test_verify_detects_changed_config_or_rows(settings):
    write_version(settings, dec(), publish=True, config_path="p.yml", now=T0)
    changed = plan(LEVELS, target={"amount": 1100, "currency": "CNY"}).checksum()
    with pytest.raises(PublishedVersionError, match=r"plan T version 1 .* its config \(p.yml\) changed"):
        verify_published(settings, "T", 1, changed)
    from salesops.warehouse import transaction

    with transaction(settings) as conn:
        import sqlalchemy as sa

        conn.execute(sa.text("update planning.targets set target_amount = target_amount + 1 where level = 'company'"))
    with pytest.raises(PublishedVersionError, match="no longer match the published checksum"):
        verify_published(settings, "T", 1, plan(LEVELS).checksum())


def test_replan_needs_a_later_effective_date_and_prorates(settings):
    write_version(settings, dec(), publish=True, config_path="v1.yml", now=T0)
    with pytest.raises(PublishedVersionError, match="a later version needs a later effective_from"):
        write_version(settings, dec(version=2, effective_from=date(2025, 12, 1)), publish=True, config_path="v2.yml")
    write_version(settings, dec(version=2, effective_from=date(2026, 7, 1), target={"amount": 900, "currency": "CNY"}),
                  publish=True, config_path="v2.yml")
    versions = list_versions(settings)
    assert [(v["version"], v["status"]) for v in versions] == [(1, "published"), (2, "published")]
    in_force = [ledger.version_in_force(versions, "T", date(2026, m, 1))["version"] for m in range(1, 13)]
    assert in_force == [1] * 6 + [2] * 6
    assert ledger.version_in_force(versions, "T", date(2025, 12, 1)) is None


def test_nothing_half_written(settings, monkeypatch):
    write_version(settings, dec(), publish=False, config_path="p.yml", now=T0)
    before = read_rows(settings, "select count(*) as n from planning.targets")
    real = ledger.__dict__  # noqa: F841
    import salesops.warehouse as wh

    calls = {"n": 0}
    original = wh.insert_rows

    def failing(conn, schema, table, columns, rows):
        calls["n"] += 1
        if table == ledger.VERSIONS:
            raise RuntimeError("disk full")
        return original(conn, schema, table, columns, rows)

    monkeypatch.setattr(wh, "insert_rows", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        write_version(settings, dec(target={"amount": 5000, "currency": "CNY"}), publish=True, config_path="p.yml")
    monkeypatch.undo()
    assert read_rows(settings, "select count(*) as n from planning.targets") == before
    assert [v["status"] for v in list_versions(settings)] == ["draft"]
    amounts = read_rows(settings, "select target_amount from planning.targets where level = 'company'")
    assert amounts == [{"target_amount": Decimal("1000.00")}]


@pytest.mark.postgres
def test_versions_on_postgres_have_the_same_checksum(postgres_url, tmp_path, monkeypatch):  # noqa: F811
    """The ledger written to PostgreSQL reads back to the same checksum as on DuckDB (verification works)."""
    monkeypatch.setenv("SALESOPS_DATA_DIR", str(tmp_path))
    pg = get_settings(warehouse_target="postgres", warehouse_url=postgres_url)
    duck = get_settings(warehouse_path=tmp_path / "w.duckdb")
    for s in (pg, duck):
        write_version(s, dec(), publish=True, config_path="p.yml", now=T0)
        verify_published(s, "T", 1, plan(LEVELS).checksum())
    assert list_versions(pg)[0]["checksum"] == list_versions(duck)[0]["checksum"]
    assert write_version(pg, dec(), publish=True, config_path="p.yml") == "unchanged"
