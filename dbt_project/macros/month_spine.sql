{#-
    One row per month (column month_start, a date) from the month of
    start_date_expr to the month of end_date_expr inclusive; both are SQL
    expressions (scalar subqueries are fine). Portable: built on
    dbt.generate_series, no query at compile time. Covers up to 100 years.
-#}
{% macro month_spine(start_date_expr, end_date_expr) -%}
    select
        {{ add_months(month_start(start_date_expr), 'series.generated_number - 1') }} as month_start
    from ({{ dbt.generate_series(1200) }}) as series
    where {{ add_months(month_start(start_date_expr), 'series.generated_number - 1') }}
        <= {{ month_start(end_date_expr) }}
{%- endmacro %}
