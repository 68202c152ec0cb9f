{#-
    Materialization of a model that is incremental with incremental_strategy
    'delete+insert' (DuckDB, PostgreSQL). dbt-spark has no delete+insert (only
    append, merge and insert_overwrite, and merge/delete need Delta or Iceberg
    tables), so on Spark such a model is a table rebuilt in full every night:
    the same rows, computed from the whole history instead of the new part.
    Use: config(materialized=incremental_unless_spark(), incremental_strategy='delete+insert', ...)
-#}
{% macro incremental_unless_spark() -%}
    {{- return('table' if target.type == 'spark' else 'incremental') -}}
{%- endmacro %}
