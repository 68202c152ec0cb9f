with

source as (

    select * from {{ required_source('config', 'diagnostic_rules') }}

),

renamed as (

    select
        -- ids
        rule_condition_id,
        rule_name,

        -- strings
        title as rule_title,
        metric,
        operator,
        suggested_action,

        -- numerics
        cast(severity as integer) as severity,
        cast(condition_no as integer) as condition_no,
        cast(n_conditions as integer) as n_conditions,
        cast(threshold as {{ type_rate() }}) as threshold,
        cast(sort_order as integer) as sort_order

    from source

)

select * from renamed
