"""Row-level validation of every ingested batch with great-expectations.

Suites live in `expectations/<source>.yml`. Each batch (a pyarrow chunk from
the dlt resource) is split into rows that land and rows that go to the
quarantine table with the rule and the reason - nothing is dropped silently."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from salesops.contracts import Table, load_source
from salesops.paths import EXPECTATIONS_DIR

# Row-level expectations only: each reports the indexes of the failing rows.
ROW_EXPECTATIONS = {
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_match_regex",
    "expect_column_value_lengths_to_be_between",
}

QUARANTINE_TABLE = "quarantine"
QUARANTINE_COLUMNS = {
    "source_table": {"data_type": "text", "nullable": False},
    "record_key": {"data_type": "text"},
    "cursor_value": {"data_type": "text"},
    "rules": {"data_type": "text", "nullable": False},
    "reasons": {"data_type": "text", "nullable": False},
    "record": {"data_type": "text", "nullable": False},
}
QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source_table", pa.string(), nullable=False),
        pa.field("record_key", pa.string()),
        pa.field("cursor_value", pa.string()),
        pa.field("rules", pa.string(), nullable=False),
        pa.field("reasons", pa.string(), nullable=False),
        pa.field("record", pa.string(), nullable=False),
    ]
)


class SuiteError(ValueError):
    """An expectations file is wrong; the message names the file, table and entry."""


@dataclass(frozen=True)
class Rule:
    name: str
    expectation: str
    kwargs: tuple  # sorted (key, value) pairs, hashable

    @property
    def column(self) -> str:
        return dict(self.kwargs)["column"]

    def describe(self) -> str:
        kw = {k: v for k, v in self.kwargs if k != "column"}
        return f"{self.expectation}({', '.join(f'{k}={v}' for k, v in kw.items())})"


def suite_path(source: str) -> Path:
    return EXPECTATIONS_DIR / f"{source}.yml"


@cache
def load_rules(source: str) -> dict[str, tuple[Rule, ...]]:
    """Rules per table: the contract's implicit ones, then the suite file's."""
    path = suite_path(source)
    contract = load_source(source)
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = sorted(set(doc) - {t.name for t in contract.tables})
    if unknown:
        raise SuiteError(f"{path}: tables {unknown} are not in the {source} contract ({contract.path})")
    rules: dict[str, tuple[Rule, ...]] = {}
    for table in contract.tables:
        implicit = [
            Rule("primary_key_present", "expect_column_values_to_not_be_null", (("column", table.primary_key),)),
            Rule("watermark_present", "expect_column_values_to_not_be_null", (("column", table.cursor),)),
        ]
        explicit = []
        for i, entry in enumerate(doc.get(table.name) or []):
            where = f"{path}: {table.name}[{i}]"
            entry = dict(entry)
            name, expectation = entry.pop("rule", None), entry.pop("expectation", None)
            if not name or not expectation:
                raise SuiteError(f"{where}: each entry needs 'rule' and 'expectation'")
            if expectation not in ROW_EXPECTATIONS:
                raise SuiteError(f"{where}: {expectation!r} is not a row-level expectation; use one of {sorted(ROW_EXPECTATIONS)}")
            if entry.get("column") not in table.column_names:
                raise SuiteError(f"{where}: column {entry.get('column')!r} is not in the contract of {source}.{table.name}")
            explicit.append(Rule(name, expectation, tuple(sorted((k, _freeze(v)) for k, v in entry.items()))))
        rules[table.name] = tuple(implicit + explicit)
    return rules


def _freeze(v):
    return tuple(v) if isinstance(v, list) else v


@cache
def _gx_batch_definition():
    import great_expectations as gx  # slow import: only when validating

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    asset = context.data_sources.add_pandas("salesops_batches").add_dataframe_asset("batch")
    return asset.add_batch_definition_whole_dataframe("whole_batch")


@cache
def _gx_suite(source: str, table: str):
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"{source}.{table}")
    for rule in load_rules(source)[table]:
        cls = getattr(gx.expectations, "".join(p.title() for p in rule.expectation.split("_")))
        kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in rule.kwargs}
        suite.add_expectation(cls(**kwargs, meta={"rule": rule.name}))
    return suite


@dataclass
class BatchValidator:
    """Validates the batches of one table in one run and keeps its counts."""

    table: Table
    track_keys: bool = True  # remember keys to catch duplicates across batches (off when the source enforces the PK)
    extracted: int = 0
    landed: int = 0
    quarantined: int = 0
    rejected: list[pa.Table] = field(default_factory=list, repr=False)
    _seen_keys: set = field(default_factory=set, repr=False)

    def split(self, batch: pa.Table) -> pa.Table:
        """Return the rows of one batch that land; keep the rejected ones in `self.rejected`."""
        good, bad = self.partition(batch)
        if bad is not None:
            self.rejected.append(bad)
        return good

    def partition(self, batch: pa.Table) -> tuple[pa.Table, pa.Table | None]:
        """Return (rows to land, quarantine rows) for one batch."""
        n = batch.num_rows
        self.extracted += n
        if n == 0:
            return batch, None
        rules = {r.name: r for r in load_rules(self.table.source)[self.table.name]}
        pk = self.table.primary_key
        columns = sorted({pk, *(r.column for r in rules.values())})
        df = _frame_for_rules(batch, columns)
        failures: dict[int, list[tuple[str, str]]] = {}
        result = _gx_batch_definition().get_batch(batch_parameters={"dataframe": df}).validate(
            _gx_suite(self.table.source, self.table.name), result_format="COMPLETE"
        )
        for res in result.results:
            if res.exception_info and res.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"{self.table.source}.{self.table.name}: expectation {res.expectation_config.type} "
                    f"could not run: {res.exception_info.get('exception_message')}"
                )
            if res.success:
                continue
            rule = rules[res.expectation_config.meta["rule"]]
            for idx in res.result.get("unexpected_index_list") or []:
                value = batch.column(rule.column)[int(idx)].as_py()  # as in the source, not as validated
                failures.setdefault(int(idx), []).append((rule.name, f"{rule.column}={_show(value)} fails {rule.describe()}"))
        # Duplicate primary keys across the whole extraction: the first row lands, later ones are quarantined.
        if self.track_keys:
            keys = df[pk]
            seen = self._seen_keys
            earlier = pd.Series([k in seen for k in keys.tolist()], index=keys.index, dtype=bool)
            dup = keys.notna() & (keys.duplicated() | earlier)
            for idx in dup[dup].index:
                failures.setdefault(int(idx), []).append(("primary_key_unique", f"{pk}={keys[idx]!r} appears more than once in the source"))
            seen.update(keys[keys.notna()].tolist())
        if not failures:
            self.landed += n
            return batch, None
        bad = sorted(failures)
        good = batch.filter(pa.array([i not in failures for i in range(n)]))
        self.landed += good.num_rows
        self.quarantined += len(bad)
        records = batch.take(bad).to_pylist()
        quarantine = pa.table(
            {
                "source_table": [self.table.name] * len(bad),
                "record_key": [_str_or_none(r[pk]) for r in records],
                "cursor_value": [_str_or_none(r[self.table.cursor]) for r in records],
                "rules": ["; ".join(rule for rule, _ in failures[i]) for i in bad],
                "reasons": ["; ".join(reason for _, reason in failures[i]) for i in bad],
                "record": [json.dumps(r, default=str, ensure_ascii=False) for r in records],
            },
            schema=QUARANTINE_SCHEMA,
        )
        return good, quarantine


def _frame_for_rules(batch: pa.Table, columns: list[str]) -> pd.DataFrame:
    """The columns the rules look at, as pandas. A decimal column whose values all have at most
    15 significant digits becomes float64: great-expectations compares float columns
    vectorised but Decimal objects one by one. Exact for the rules: distinct decimals of
    <= 15 significant digits stay distinct and in order as doubles (DBL_DIG = 15), so a
    comparison with a bound of <= 15 digits gives the same answer. Other columns stay Decimal."""
    arrays = []
    for name in columns:
        col = batch.column(name)
        if pa.types.is_decimal(col.type) and _fits_double(col):
            col = pc.cast(col, pa.float64())
        arrays.append(col)
    return pa.table(arrays, names=columns).to_pandas()


def _fits_double(col: pa.ChunkedArray) -> bool:
    if col.type.precision <= 15:
        return True
    bounds = pc.min_max(col)
    limit = 10 ** (15 - col.type.scale)  # |x| < 10^(15-scale) <=> at most 15 significant digits
    return all(v.as_py() is None or abs(v.as_py()) < limit for v in (bounds["min"], bounds["max"]))


def _str_or_none(v) -> str | None:
    return None if v is None or v != v else str(v)  # v != v: NaN/NaT


def _show(v) -> str:
    return "null" if v is None or v != v else repr(v) if isinstance(v, str) else str(v)
