{#-
    UTC timestamps (*_at, timestamp with time zone) -> business dates in the
    company time zone (var `timezone`, default Asia/Shanghai). Never cast a
    timestamptz to date directly: the result would depend on the session time
    zone (UTC in the duckdb profile, anything on PostgreSQL).
-#}
{% macro to_business_date(timestamp_expr) -%}
    {{ return(adapter.dispatch('to_business_date')(timestamp_expr)) }}
{%- endmacro %}

{#- PostgreSQL: timestamptz AT TIME ZONE 'zone' gives the local wall-clock timestamp. -#}
{% macro default__to_business_date(timestamp_expr) -%}
    cast(({{ timestamp_expr }}) at time zone '{{ var("timezone") }}' as date)
{%- endmacro %}

{#- DuckDB (ICU, built in): same semantics through timezone(zone, timestamptz). -#}
{% macro duckdb__to_business_date(timestamp_expr) -%}
    cast(timezone('{{ var("timezone") }}', {{ timestamp_expr }}) as date)
{%- endmacro %}
