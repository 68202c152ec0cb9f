-- Restricted (target incentive derives from salary): read only by the
-- aggregate analysis marts, never exposed per payee in marts. The table is
-- optional: while the engine has not written it, this view is empty (same
-- columns) and the TI-based figures of the analysis marts are null.
{%- set relation = comp_optional_source('compensation', 'target_incentives') %}
{%- if relation is not none %}
with

source as (

    select * from {{ relation }}

),

renamed as (

    select
        -- ids
        payee_id,
        plan_id,

        -- strings
        currency,

        -- numerics
        cast(fiscal_year as integer) as fiscal_year,
        {{ to_money('target_incentive') }} as target_incentive

    from source

)

select * from renamed
{%- else %}
select
    cast(null as {{ dbt.type_string() }}) as payee_id,
    cast(null as {{ dbt.type_string() }}) as plan_id,
    cast(null as {{ dbt.type_string() }}) as currency,
    cast(null as integer) as fiscal_year,
    {{ to_money('null') }} as target_incentive
where 1 = 0
{%- endif %}
