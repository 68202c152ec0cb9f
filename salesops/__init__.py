"""salesops: the sales-operations data platform (plain functions, no Dagster imports)."""

__version__ = "0.1.0"
