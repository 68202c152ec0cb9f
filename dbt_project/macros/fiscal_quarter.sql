{#-
    First day of the fiscal quarter containing a date (var fiscal_year_start_month),
    for any date -- also months after the as-of month, which int_months_spined
    does not cover (quotas and close dates of next quarter).
-#}
{% macro fiscal_quarter_start(date_expr) -%}
    {{ add_months(month_start(date_expr),
        '-1 * mod(mod(cast(extract(month from ' ~ date_expr ~ ') as integer) - ' ~ var('fiscal_year_start_month') ~ ' + 12, 12), 3)') }}
{%- endmacro %}
