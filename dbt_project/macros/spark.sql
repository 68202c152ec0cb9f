{#-
    Spark SQL (dbt-spark) implementations of the project's dispatched macros.
    Spark has one timestamp type (an instant, shown in the session time zone:
    the profile sets UTC), no `at time zone`, and percentile() for the
    interpolated percentile.
-#}
{% macro spark__type_timestamptz() -%} timestamp {%- endmacro %}

{#- a naive UTC wall-clock timestamp is already the instant in a UTC session -#}
{% macro spark__naive_utc_to_timestamptz(column_name) -%}
    cast({{ column_name }} as timestamp)
{%- endmacro %}

{% macro spark__to_business_date(timestamp_expr) -%}
    cast(from_utc_timestamp({{ timestamp_expr }}, '{{ var("timezone") }}') as date)
{%- endmacro %}

{% macro spark__percentile_cont(expr, fraction) -%}
    cast(percentile({{ expr }}, {{ fraction }}) as {{ type_days() }})
{%- endmacro %}

{#- Spark divides decimals exactly up to 38 digits (scale kept >= 6): widen, then divide. -#}
{% macro spark__exact_divide(numerator, denominator, scale) -%}
    cast({{ numerator }} as decimal(38,12)) / cast({{ denominator }} as decimal(38,12))
{%- endmacro %}
