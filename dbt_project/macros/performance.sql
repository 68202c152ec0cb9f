{#-
    RAG status of a value under a KPI row of stg_config__kpis (alias `kpi`):
    direction higher: green when value >= green_threshold, amber when >= amber_threshold,
    else red; direction lower: green when <= green, amber when <= amber, else red.
    Null when the value or the KPI's thresholds are missing (the same rule as
    salesops.performance.config.rag).
-#}
{% macro rag_status(value_expr, kpi='kpi') -%}
    case
        when ({{ value_expr }}) is null or {{ kpi }}.green_threshold is null then null
        when {{ kpi }}.direction = 'higher' then
            case
                when ({{ value_expr }}) >= {{ kpi }}.green_threshold then 'green'
                when ({{ value_expr }}) >= {{ kpi }}.amber_threshold then 'amber'
                else 'red'
            end
        else
            case
                when ({{ value_expr }}) <= {{ kpi }}.green_threshold then 'green'
                when ({{ value_expr }}) <= {{ kpi }}.amber_threshold then 'amber'
                else 'red'
            end
    end
{%- endmacro %}

{#- Fiscal year (named by the calendar year it ends in) of a date expression. -#}
{% macro fiscal_year_of(date_expr) -%}
    cast(
        cast(extract(year from {{ date_expr }}) as integer)
        + case when {{ var('fiscal_year_start_month') }} > 1
            and cast(extract(month from {{ date_expr }}) as integer) >= {{ var('fiscal_year_start_month') }} then 1 else 0 end
        as integer
    )
{%- endmacro %}

{#- Fiscal month 1-12 of a date expression. -#}
{% macro fiscal_month_of(date_expr) -%}
    cast(mod(cast(extract(month from {{ date_expr }}) as integer) - {{ var('fiscal_year_start_month') }} + 12, 12) + 1 as integer)
{%- endmacro %}

