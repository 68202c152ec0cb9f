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

{#- The relation of a source table if it exists in the warehouse, else none.
    The source() call always registers the lineage; the existence check runs
    only when the model is executed. -#}
{% macro comp_optional_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) }}
{%- endmacro %}

{#- Expected payout under the forecast attainment distribution (var
    comp_forecast_attainment_distribution: bands with the share of payees
    expected in each and the payout, as a fraction of target incentive, paid
    there). Returns the SQL literal of Σ share x payout. -#}
{% macro comp_expected_payout_fraction() -%}
    {%- set bands = var('comp_forecast_attainment_distribution', [
        {'band': '< 50%',      'share': '0.10', 'payout': '0.00'},
        {'band': '50-80%',     'share': '0.20', 'payout': '0.50'},
        {'band': '80-100%',    'share': '0.30', 'payout': '0.90'},
        {'band': '100-120%',   'share': '0.25', 'payout': '1.20'},
        {'band': '>= 120%',    'share': '0.15', 'payout': '1.60'},
    ]) -%}
    {%- set ns = namespace(total_share=0) -%}
    {%- for b in bands -%}{%- set ns.total_share = ns.total_share + (b['share'] | float) -%}{%- endfor -%}
    {%- if execute and (ns.total_share - 1) | abs > 0.000001 -%}
        {{ exceptions.raise_compiler_error("var comp_forecast_attainment_distribution: the band shares must sum to 1, they sum to " ~ ns.total_share) }}
    {%- endif -%}
    cast(({%- for b in bands %}cast('{{ b["share"] }}' as decimal(9,6)) * cast('{{ b["payout"] }}' as decimal(9,6)){{ " + " if not loop.last }}{% endfor -%}) as decimal(18,6))
{%- endmacro %}
