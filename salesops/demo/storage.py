"""Writing the demo databases: SQLAlchemy tables built from the source
contracts, value encoding, and a buffered bulk writer (one transaction per
database, executemany in batches).

Rows are tuples in contract column order, already encoded the way
SQLAlchemy's SQLite dialect stores them, so that executemany needs no
per-value Python processing:

* timestamp -> 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC), date -> 'YYYY-MM-DD'
  (SQLAlchemy's DATETIME / DATE storage format; read back as datetime / date);
* boolean -> 0 / 1;
* decimal(p,s) -> generated as an integer number of 10^-s units (cents for
  money) and handed to SQLite as ``units / 10**s``. That is exactly the value
  SQLAlchemy's Numeric bind processor sends for ``Decimal(units).scaleb(-s)``
  (both are the correctly rounded binary double); SQLite's NUMERIC affinity
  stores it as REAL/INTEGER, and a Numeric(p, s, asdecimal=True) column reads
  it back as the exact Decimal with s places.
"""

from __future__ import annotations

import os
from datetime import date
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from salesops.contracts import Source, load_source, sqlalchemy_table

BATCH_ROWS = 50_000


@cache
def day_str(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


@cache
def _time_strs() -> tuple[str, ...]:
    return tuple(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(86400))


def ts_str(ordinal: int, second: int) -> str:
    """A naive UTC timestamp at `second` seconds after midnight of the day `ordinal`."""
    return f"{day_str(ordinal)} {_time_strs()[second]}"


def ts_strs(ordinals, seconds) -> list[str]:
    """Vectorised ts_str for two equally long int sequences."""
    times = _time_strs()
    return [f"{day_str(o)} {times[s]}" for o, s in zip(ordinals, seconds, strict=True)]


def money(cents: int | None) -> float | int | None:
    """Encode an amount held in integer cents for a decimal(18,2) column (see the module doc)."""
    if cents is None:
        return None
    return cents // 100 if cents % 100 == 0 else cents / 100


def decimal_units(units: int | None, scale: int) -> float | int | None:
    """Encode an integer number of 10^-scale units for a decimal(p,scale) column."""
    if units is None:
        return None
    q = 10**scale
    return units // q if units % q == 0 else units / q


def contract_tables(source: Source, metadata: sa.MetaData | None = None) -> dict[str, sa.Table]:
    """SQLAlchemy tables of one source contract, in contract order."""
    metadata = metadata if metadata is not None else sa.MetaData()
    return {t.name: sqlalchemy_table(t, metadata) for t in source.tables}


class SourceWriter:
    """Writes one source database to a temporary file in a single transaction;
    `commit()` then `publish()` moves it over `path` atomically."""

    def __init__(self, source_name: str, path: Path) -> None:
        self.source = load_source(source_name)
        self.path = path
        self.tmp_path = path.with_name(f".{path.name}.tmp")
        if self.tmp_path.exists():
            self.tmp_path.unlink()
        self.engine = sa.create_engine(f"sqlite:///{self.tmp_path}", poolclass=sa.pool.NullPool)

        @sa.event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_conn, _record):  # bulk load: no rollback journal, no fsync
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-131072")
            cur.close()

        self.tables = contract_tables(self.source)
        self._width = {name: len(t.columns) for name, t in self.tables.items()}
        self._sql = {name: str(t.insert().compile(dialect=self.engine.dialect)) for name, t in self.tables.items()}
        self._buffers: dict[str, list[tuple]] = {name: [] for name in self.tables}
        self.counts: dict[str, int] = {name: 0 for name in self.tables}
        self.conn = self.engine.connect()
        self._tx = self.conn.begin()
        for t in self.tables.values():  # contract order
            t.create(self.conn)

    def add(self, table: str, row: tuple) -> None:
        buf = self._buffers[table]
        buf.append(row)
        if len(buf) >= BATCH_ROWS:
            self._flush(table)

    def extend(self, table: str, rows) -> None:
        buf = self._buffers[table]
        buf.extend(rows)
        if len(buf) >= BATCH_ROWS:
            self._flush(table)

    def _flush(self, table: str) -> None:
        buf = self._buffers[table]
        if not buf:
            return
        if len(buf[0]) != self._width[table] or len(buf[-1]) != self._width[table]:
            raise ValueError(f"{self.source.name}.{table}: row has {len(buf[0])} values, contract has {self._width[table]}")
        self.conn.exec_driver_sql(self._sql[table], buf)
        self.counts[table] += len(buf)
        self._buffers[table] = []

    def commit(self) -> dict[str, int]:
        """Flush, commit and close the temporary database; returns the row count per table."""
        for name in self.tables:
            self._flush(name)
        self._tx.commit()
        self.conn.close()
        self.engine.dispose()
        return dict(self.counts)

    def publish(self) -> None:
        """Move the committed temporary file over the target path (atomic on one file system)."""
        os.replace(self.tmp_path, self.path)

    def abort(self) -> None:
        try:
            if not self.conn.closed:
                self.conn.close()
        finally:
            self.engine.dispose()
            if self.tmp_path.exists():
                self.tmp_path.unlink()
