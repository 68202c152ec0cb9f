"""SQLite sources read straight into Arrow with connectorx (a dlt table backend).

dlt's "pyarrow" backend has SQLAlchemy build a Python object per value (a
`Decimal` per amount, a `datetime` per timestamp) and then turns the rows into
Arrow: most of a landing's time. connectorx reads SQLite into Arrow in Rust,
about 6x faster, and gives exactly the same batches:

- SQLite is dynamically typed and connectorx wants one storage class per column,
  so the query reads NUMERIC columns as REAL (SQLAlchemy does the same: it
  formats the float with the column's scale) and starts with one typed row that
  fixes every column's Arrow type (then dropped).
- Each column is then converted to the type dlt's pyarrow backend would have
  built from the same column hints. Vectorised where that is provably the same
  value, else value by value with SQLAlchemy's own result processor.
- A value of the wrong storage class (text in a NUMERIC column) fails the
  table with a message naming the table, column, count and keys."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from dlt.common.destination import DestinationCapabilitiesContext
from dlt.common.libs.pyarrow import get_py_arrow_datatype
from dlt.sources.sql_database.helpers import TableLoader

TYPED = "__salesops_typed"  # marks the typed first row
# dlt data type -> (literal fixing the Arrow type, SQLite storage classes the column may hold)
_STORAGE = {
    "text": ("''", ("text",)),
    "date": ("''", ("text",)),
    "timestamp": ("''", ("text",)),
    "bigint": ("0", ("integer",)),
    "bool": ("0", ("integer",)),
    "decimal": ("0.0", ("integer", "real")),
    "double": ("0.0", ("integer", "real")),
}


class SourceValueError(ValueError):
    """A SQLite column holds values of another storage class than its declared type."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _as_read(name: str, data_type: str) -> str:
    if data_type in ("decimal", "double"):  # INTEGER and REAL storage -> REAL; text stays text and fails
        return f"CASE WHEN typeof({_q(name)}) = 'integer' THEN CAST({_q(name)} AS REAL) ELSE {_q(name)} END"
    return _q(name)


def exact_decimal(values: pa.Array, precision: int, scale: int, processor) -> pa.Array:
    """float64 -> decimal128(precision, scale) with SQLAlchemy's result (Decimal('%.<scale>f' % value)).

    Vectorised when |value * 10**scale| < 2**40: the product is then off by < 2**-13, so a
    product within 0.25 of an integer r has r as its correctly rounded value, which is what
    '%.<scale>f' prints. Any other value (more digits than the scale, huge) goes through
    SQLAlchemy's processor."""
    target = pa.decimal128(precision, scale)
    v = values.to_numpy(zero_copy_only=False)  # nulls -> NaN
    valid = ~np.asarray(values.is_null())
    scaled = v * 10.0**scale
    rounded = np.rint(scaled)
    with np.errstate(invalid="ignore"):
        fast = (np.abs(scaled) < 2.0**40) & (np.abs(scaled - rounded) < 0.25)
    if not np.all(fast[valid]):
        return pa.array([processor(x) if ok else None for x, ok in zip(v.tolist(), valid, strict=True)], target)
    unscaled = np.where(valid, rounded, 0).astype(np.int64)
    if precision < 19 and np.any(np.abs(unscaled) >= 10**precision):
        raise ValueError(f"value does not fit decimal({precision},{scale})")
    words = np.empty((len(unscaled), 2), dtype=np.int64)  # 128-bit little-endian two's complement
    words[:, 0], words[:, 1] = unscaled, unscaled >> 63
    dense = pa.Array.from_buffers(target, len(unscaled), [None, pa.py_buffer(words)])
    return pc.if_else(values.is_null(), pa.scalar(None, target), dense)


class SqliteArrowLoader(TableLoader):
    """dlt table loader for SQLite sources (`sql_table(backend="pyarrow", table_loader_class=...)`).
    A table with a column type it does not handle goes through dlt's pyarrow backend."""

    def load_rows(self, backend_kwargs: dict[str, Any] | None = None) -> Iterator[pa.Table]:
        backend_kwargs = dict(backend_kwargs or {})
        names = [c.name for c in self.table.columns]
        types = {n: (self.columns.get(n) or {}).get("data_type") for n in names}
        if any(t not in _STORAGE for t in types.values()):
            yield from super().load_rows(backend_kwargs)
            return
        import connectorx as cx

        caps = DestinationCapabilitiesContext.generic_capabilities()
        tz = backend_kwargs.get("tz", "UTC")
        targets = {n: get_py_arrow_datatype(self.columns[n], caps, tz) for n in names}
        # the fields dlt's pyarrow backend makes (nullability from the hints)
        schema = pa.schema([pa.field(n, targets[n], nullable=self.columns[n].get("nullable", True)) for n in names])
        dialect = self.engine.dialect
        processors = {c.name: c.type.dialect_impl(dialect).result_processor(dialect, None) for c in self.table.columns}
        inner = self.compile_query(self.make_query())
        query = (f"SELECT 1 AS {TYPED}, " + ", ".join(f"{_STORAGE[types[n]][0]} AS {_q(n)}" for n in names)
                 + " UNION ALL SELECT 0, " + ", ".join(f"{_as_read(n, types[n])}" for n in names)
                 + f" FROM ({inner})")
        url = "sqlite://" + os.path.abspath(self.engine.url.database)
        try:
            reader = cx.read_sql(url, query, return_type="arrow_stream", batch_size=self.chunk_size)
            for batch in reader:
                if pc.max(batch[TYPED]).as_py():  # the batch holding the typed row: drop it
                    batch = batch.filter(pc.equal(batch[TYPED], 0))
                if batch.num_rows:
                    yield pa.Table.from_arrays(
                        [self._convert(batch[n], n, types[n], targets[n], processors[n]) for n in names], schema=schema)
        except BaseException as exc:  # connectorx panics (pyo3's PanicException is a BaseException)
            if not (isinstance(exc, RuntimeError) or type(exc).__name__ == "PanicException"):
                raise
            raise self._explain(types) or RuntimeError(f"{self.table.name}: connectorx: {exc}") from None

    def _convert(self, values: pa.Array, name: str, data_type: str, target: pa.DataType, processor) -> pa.Array:
        try:
            if data_type == "decimal":
                return exact_decimal(values, target.precision, target.scale, processor)
            if data_type == "bool":
                return pc.not_equal(values, 0)
            return values.cast(target)  # text, bigint, double; ISO dates and timestamps
        except (pa.ArrowInvalid, ValueError):
            # another spelling (a date with a time, ...): what SQLAlchemy makes of each value, or its error
            try:
                return pa.array([processor(x) if processor else x for x in values.to_pylist()], target)
            except (ValueError, TypeError, pa.ArrowInvalid) as exc:
                raise SourceValueError(f"{self.table.name}.{name}: {type(exc).__name__}: {exc}") from None

    def _explain(self, types: dict[str, str]) -> SourceValueError | None:
        """Name every column holding a value of another storage class, with a few keys."""
        key = self.table.primary_key.columns.keys()
        problems = []
        with self.engine.connect() as con:
            for name, data_type in types.items():
                allowed = ", ".join(f"'{s}'" for s in (*_STORAGE[data_type][1], "null"))
                where = f"typeof({_q(name)}) NOT IN ({allowed})"
                n, kinds = con.exec_driver_sql(
                    f"SELECT count(*), group_concat(DISTINCT typeof({_q(name)})) FROM {_q(self.table.name)} "
                    f"WHERE {where}").one()
                if n:
                    sample = [str(r[0]) for r in con.exec_driver_sql(
                        f"SELECT {_q(key[0]) if key else 'rowid'} FROM {_q(self.table.name)} WHERE {where} LIMIT 3")]
                    problems.append(f"{self.table.name}.{name}: {n} value(s) stored as {kinds} in a "
                                    f"{self.table.c[name].type} column (e.g. {', '.join(sample)})")
        if not problems:
            return None
        return SourceValueError("SQLite values of the wrong type (the column's type is not enforced by SQLite):\n  - "
                                + "\n  - ".join(problems))


def source_value_error(exc: BaseException) -> SourceValueError | None:
    """The SourceValueError behind an exception dlt wrapped (extract step -> resource -> ours), if any."""
    while exc is not None and not isinstance(exc, SourceValueError):
        exc = exc.__cause__ or exc.__context__
    return exc


def loader_for(engine: sa.Engine) -> type[TableLoader] | None:
    """The dlt table loader for a source: connectorx for SQLite files, else dlt's default
    (SQLAlchemy rows turned into Arrow)."""
    return SqliteArrowLoader if engine.dialect.name == "sqlite" and engine.url.database else None
