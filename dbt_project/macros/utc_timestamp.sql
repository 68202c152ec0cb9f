{#-
    Source timestamps are UTC (the contract's `timestamp` columns). Depending
    on the loader they arrive as TIMESTAMP WITH TIME ZONE or as a naive
    TIMESTAMP holding UTC wall-clock time (dlt's pyarrow path lands naive
    TIMESTAMP in DuckDB). Staging turns both into timestamp with time zone:

        {%- set column_types = source_column_types(source('crm', 'opportunity')) %}
        {{ utc_timestamp('created_date', column_types) }} as created_at

    The source's column types are read from the warehouse when the model is
    compiled for execution; at parse time the expression is a plain cast.
-#}
{% macro type_timestamptz() -%}
    {{ return(adapter.dispatch('type_timestamptz')()) }}
{%- endmacro %}

{% macro default__type_timestamptz() -%} timestamp with time zone {%- endmacro %}

{#- {column name (lower case): data type (lower case)} of a relation; {} at parse time or if it does not exist. -#}
{% macro source_column_types(relation) -%}
    {%- set types = {} -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do types.update({column.name | lower: column.data_type | lower}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(types) }}
{%- endmacro %}

{% macro utc_timestamp(column_name, column_types) -%}
    {%- set data_type = column_types.get(column_name | lower, '') -%}
    {%- set is_naive = data_type.startswith('timestamp') and 'with time zone' not in data_type
                       and data_type not in ('timestamptz', 'timestamp_tz') -%}
    {%- if is_naive -%}
        {{ adapter.dispatch('naive_utc_to_timestamptz')(column_name) }}
    {%- else -%}
        cast({{ column_name }} as {{ type_timestamptz() }})
    {%- endif -%}
{%- endmacro %}

{#- A naive timestamp holding UTC wall-clock time -> timestamp with time zone (PostgreSQL and DuckDB agree). -#}
{% macro default__naive_utc_to_timestamptz(column_name) -%}
    ({{ column_name }} at time zone 'UTC')
{%- endmacro %}
