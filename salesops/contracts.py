"""Source contracts: the dbt sources YAML files are the one description of every
source table (columns, types, primary key, watermark). The demo generator, the
ingestion checks and docs/sources.md are all derived from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from salesops.paths import DBT_PROJECT_DIR

SOURCES = ("crm", "erp", "hr")


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # varchar | integer | boolean | date | timestamp | decimal(p,s)
    description: str

    @property
    def family(self) -> str:
        """Coarse type family used to compare with a user's database."""
        return "decimal" if self.data_type.startswith("decimal") else self.data_type

    @property
    def precision_scale(self) -> tuple[int, int] | None:
        m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", self.data_type)
        return (int(m.group(1)), int(m.group(2))) if m else None


@dataclass(frozen=True)
class Table:
    source: str
    name: str
    description: str
    primary_key: str
    cursor: str
    soft_delete: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.source}.{self.name} has no column {name!r}")


@dataclass(frozen=True)
class Source:
    name: str
    description: str
    schema: str
    url_setting: str
    tables: tuple[Table, ...]
    path: Path

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"source {self.name!r} has no table {name!r} (see {self.path})")


def contract_path(source: str) -> Path:
    return DBT_PROJECT_DIR / "models" / "staging" / source / f"_{source}__sources.yml"


_TYPE_RE = re.compile(r"varchar|integer|boolean|date|timestamp|decimal\(\d+,\s*\d+\)")


@cache
def load_source(source: str) -> Source:
    path = contract_path(source)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    (src,) = [s for s in doc["sources"] if s["name"] == source]
    tables = []
    for t in src["tables"]:
        meta = t.get("meta") or {}
        cols = []
        for c in t["columns"]:
            if not _TYPE_RE.fullmatch(c["data_type"]):
                raise ValueError(f"{path}: {source}.{t['name']}.{c['name']}: unknown data_type {c['data_type']!r}")
            cols.append(Column(c["name"], c["data_type"], c.get("description", "")))
        table = Table(
            source=source,
            name=t["name"],
            description=t.get("description", ""),
            primary_key=meta["primary_key"],
            cursor=meta["cursor"],
            soft_delete=meta["soft_delete"],
            columns=tuple(cols),
        )
        for key in (table.primary_key, table.cursor, table.soft_delete):
            table.column(key)  # the meta must name real columns
        tables.append(table)
    return Source(
        name=source,
        description=src.get("description", ""),
        schema=src["schema"],
        url_setting=src["meta"]["url_setting"],
        tables=tuple(tables),
        path=path,
    )


def load_all() -> list[Source]:
    return [load_source(s) for s in SOURCES]


def sqlalchemy_table(table: Table, metadata):
    """The contract table as a SQLAlchemy Table (column order as in the contract)."""
    import sqlalchemy as sa

    simple = {"varchar": sa.String, "integer": sa.Integer, "boolean": sa.Boolean, "date": sa.Date, "timestamp": sa.DateTime}
    cols = []
    for c in table.columns:
        ps = c.precision_scale
        typ = sa.Numeric(ps[0], ps[1], asdecimal=True) if ps else simple[c.data_type]()
        cols.append(sa.Column(c.name, typ, primary_key=c.name == table.primary_key))
    return sa.Table(table.name, metadata, *cols)
