{#- Product families whose bookings count as strategic_revenue (var comp_strategic_product_families).
    Demo default: the software lines (Platform Software, Analytics), the growth point of the demo company. -#}
{% macro comp_strategic_families() -%}
    {%- set families = var('comp_strategic_product_families', ['Platform Software', 'Analytics']) -%}
    ({%- for f in families %}'{{ f }}'{{ ", " if not loop.last }}{% endfor -%})
{%- endmacro %}

{#- `credit_type` is listed in a comma list column (no spaces), portable. -#}
{% macro comp_credit_type_listed(credit_type_expr, list_expr) -%}
    (',' || {{ list_expr }} || ',' like '%,' || {{ credit_type_expr }} || ',%')
{%- endmacro %}

{#- 'YYYY-MM' of a date expression (portable). -#}
{% macro comp_period(date_expr) -%}
    {{ return(adapter.dispatch('comp_period')(date_expr)) }}
{%- endmacro %}

{% macro default__comp_period(date_expr) -%}
    to_char({{ date_expr }}, 'YYYY-MM')
{%- endmacro %}

{% macro duckdb__comp_period(date_expr) -%}
    strftime({{ date_expr }}, '%Y-%m')
{%- endmacro %}
