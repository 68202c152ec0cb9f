{#- Product families whose bookings count as strategic_revenue (var comp_strategic_product_families).
    Demo default: the software lines (Platform Software, Analytics), the growth point of the demo company. -#}
{% macro comp_strategic_families() -%}
    {%- set families = var('comp_strategic_product_families', ['Platform Software', 'Analytics']) -%}
    ({%- for f in families %}'{{ f }}'{{ ", " if not loop.last }}{% endfor -%})
{%- endmacro %}

{#- True on a date on which some compensation plan is in force (config.comp_plan_eligibility).
    On other days nothing is credited to anyone: out of scope, not an exception. -#}
{% macro comp_plan_in_force(date_expr) -%}
    exists (
        select 1 from {{ ref('stg_config__comp_plan_eligibility') }} as plans_in_force
        where {{ date_expr }} between plans_in_force.valid_from_date and plans_in_force.valid_to_date
    )
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

{#-
    A source table written by another domain's Python asset (schemas config,
    planning, compensation), or -- while that asset has not run yet on this
    warehouse -- an empty relation with the columns and types declared in the
    source YAML. Use as `select * from {{ source_or_empty('config', 'comp_plan_fx') }}`.
    The source() call always registers the lineage; the existence check runs
    only when the model executes. Each use is guarded by a warn-level test
    where emptiness matters (assert_comp_plan_config_present).
-#}
{% macro source_or_empty(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute -%}
        {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
        {%- if found is none -%}
            {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
                           | selectattr('name', 'equalto', table_name) | first -%}
            {%- if node is not defined or node is none or not node.columns -%}
                {{ exceptions.raise_compiler_error("source_or_empty: " ~ source_name ~ "." ~ table_name ~ " is missing and declares no columns") }}
            {%- endif -%}
            (select
            {%- for column in node.columns.values() %}
                cast(null as {{ 'timestamp with time zone' if column.data_type == 'timestamp' else (dbt.type_string() if column.data_type == 'varchar' else column.data_type) }}) as {{ column.name }}{{ "," if not loop.last }}
            {%- endfor %}
            where 1 = 0) as missing_{{ source_name }}_{{ table_name }}
        {%- else -%}
            {{ relation }}
        {%- endif -%}
    {%- else -%}
        {{ relation }}
    {%- endif -%}
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
