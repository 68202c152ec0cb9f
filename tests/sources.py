"""Tiny hand-made source databases built from the contracts, for ingestion tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from salesops.contracts import SOURCES, load_source, sqlalchemy_table

T0 = dt.datetime(2026, 1, 1, 8, 0)


def create_empty_sources(demo_dir: Path) -> dict[str, sa.Engine]:
    """Empty crm/erp/hr SQLite databases with every contract table."""
    demo_dir.mkdir(parents=True, exist_ok=True)
    engines = {}
    for name in SOURCES:
        md = sa.MetaData()
        for t in load_source(name).tables:
            sqlalchemy_table(t, md)
        engine = sa.create_engine(f"sqlite:///{demo_dir / f'{name}.db'}")
        md.create_all(engine)
        engines[name] = engine
    return engines


def table(engine: sa.Engine, name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=engine)


def opportunity(i: int, *, stage: str = "Prospecting", amount: str | None = "1000.00", modstamp: dt.datetime = T0,
                owner: str = "005U1", is_deleted: bool = False) -> dict:
    return dict(
        id=f"006O{i:05d}", name=f"Deal {i}", account_id="001A1", owner_id=owner, stage_name=stage,
        amount=None if amount is None else Decimal(amount), currency_iso_code="CNY", probability=Decimal("10"),
        forecast_category_name="Pipeline", type="New Business", lead_source="Web", next_step=None,
        close_date=dt.date(2026, 3, 31), is_closed=False, is_won=False, created_date=dt.datetime(2025, 12, 1),
        system_modstamp=modstamp, is_deleted=is_deleted,
    )
