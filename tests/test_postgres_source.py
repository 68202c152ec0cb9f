"""Any SQLAlchemy URL works unchanged: the demo CRM served from a real
PostgreSQL server lands exactly the same rows as from its SQLite file."""

from __future__ import annotations

import hashlib

import duckdb
import pytest
import sqlalchemy as sa

from salesops.contracts import load_source, sqlalchemy_table
from salesops.ingest.landing import build_landing
from salesops.settings import get_settings
from tests.postgres import postgres_url  # noqa: F401  (fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres")]


def _copy_to_postgres(sqlite_url: str, pg_url: str, source: str) -> None:
    src, dst = sa.create_engine(sqlite_url), sa.create_engine(pg_url)
    md = sa.MetaData()
    tables = [sqlalchemy_table(t, md) for t in load_source(source).tables]
    md.drop_all(dst)
    md.create_all(dst)
    with src.connect() as r, dst.begin() as w:
        for table in tables:
            rows = [dict(row._mapping) for row in r.execute(sa.select(table))]
            if rows:
                w.execute(table.insert(), rows)


def _digest(warehouse, schema: str) -> dict[str, str]:
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for t in load_source("crm").tables:
            cols = ", ".join(f'"{c}"' for c in t.column_names)
            rows = sorted(map(repr, con.execute(f'select {cols} from "{schema}"."{t.name}"').fetchall()))
            out[t.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def test_crm_on_postgresql_lands_the_same_rows_as_sqlite(tmp_path, postgres_url):  # noqa: F811
    from salesops.demo.generator import generate

    demo = tmp_path / "demo"
    generate(demo, scale=0.01, seed=3)
    sqlite_url = f"sqlite:///{demo / 'crm.db'}"
    _copy_to_postgres(sqlite_url, postgres_url, "crm")
    crm = load_source("crm")

    digests = {}
    for name, url in (("sqlite", sqlite_url), ("postgres", postgres_url)):
        settings = get_settings(data_dir=tmp_path / name, crm_url=url)
        landing = build_landing(settings, crm, list(crm.tables))
        landing.pipeline.run(landing.dlt_source)
        assert all(v.quarantined == 0 for v in landing.validators.values())
        digests[name] = _digest(settings.warehouse, crm.schema)
    assert digests["postgres"] == digests["sqlite"]
    assert digests["sqlite"]["opportunity"] != hashlib.sha256(b"").hexdigest()
