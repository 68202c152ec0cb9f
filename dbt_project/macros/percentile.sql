{#-
    Continuous percentile (interpolated) as an aggregate, e.g.
    {{ percentile_cont('days_in_stage', 0.5) }} for the median.
    Returns a decimal(10,2) on every adapter.
-#}
{% macro percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont')(expr, fraction)) }}
{%- endmacro %}

{#- PostgreSQL (and the SQL standard): ordered-set aggregate. -#}
{% macro default__percentile_cont(expr, fraction) -%}
    cast(percentile_cont({{ fraction }}) within group (order by {{ expr }}) as {{ type_days() }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expr, fraction) -%}
    cast(quantile_cont({{ expr }}, {{ fraction }}) as {{ type_days() }})
{%- endmacro %}
