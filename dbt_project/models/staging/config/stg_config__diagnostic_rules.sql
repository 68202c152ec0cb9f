with

source as (

    {#- written by the asset [config, diagnostic_rules] (part of the nightly job); a plain dbt build on a warehouse without
        it reads it as empty, and the warn-severity test assert_config_tables_loaded says so -#}
    select * from {{ source_or_empty('config', 'diagnostic_rules') }}

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
